"""Guessing passwords is slowed down: five wrong ones lock that username from that address."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

PASSWORD = "secret-pass-123"  # tests.factories.StaffFactory's password


def attempt(client, username, password, address="10.0.0.1"):
    return client.post(
        reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
    )


def test_five_wrong_passwords_lock_the_username_from_that_address(client, staff_member):
    for _ in range(5):
        response = attempt(client, staff_member.username, "wrong")
    assert response.status_code == 429
    assert "Liian monta kirjautumisyritystä" in response.text
    assert "15" in response.text

    locked = attempt(client, staff_member.username, PASSWORD)
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_same_user_can_still_log_in_from_another_address(client, staff_member):
    for _ in range(5):
        attempt(client, staff_member.username, "wrong")
    response = attempt(client, staff_member.username, PASSWORD, address="10.0.0.2")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(staff_member.pk)


def test_a_successful_login_resets_the_count(client, staff_member):
    for _ in range(4):
        attempt(client, staff_member.username, "wrong")
    assert attempt(client, staff_member.username, PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        response = attempt(client, staff_member.username, "wrong")
    assert response.status_code == 200


@pytest.mark.parametrize("length", [151, 256, 20_000])
def test_a_username_longer_than_any_is_refused_next_to_the_field(client, length):
    response = attempt(client, "a" * length, "wrong")
    assert response.status_code == 200
    assert response.context["form"].errors["username"]
    assert "_auth_user_id" not in client.session
