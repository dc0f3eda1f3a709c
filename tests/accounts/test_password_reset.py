"""Django's password reset at /accounts/password_reset/: the mail in the person's language, the
same answer for known and unknown addresses, throttling, and the steps after the link."""

import re

import pytest

from accounts.models import PasswordResetRequest
from accounts.services import password_reset_request
from tests.english import english_client, english_messages  # noqa: F401
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

LINK = re.compile(r"http://testserver(/accounts/reset/[^/\s]+/[^/\s]+/)")


@pytest.fixture
def person(unit):
    person = StaffFactory(
        username="aino", first_name="Aino", email="aino.ahonen@example.org", unit=unit
    )
    person.language = "sv"
    person.save()
    return person


def ask(client, email, address="10.0.0.1"):
    return client.post("/accounts/password_reset/", {"email": email}, REMOTE_ADDR=address)


def test_a_forgotten_password_is_reset_by_mail(client, smtp_server, person):
    response = ask(client, "Aino.Ahonen@example.org")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password_reset/done/"

    message = smtp_server.only()
    assert message["To"] == "aino.ahonen@example.org"
    assert message["Subject"].strip() == "Kylään: ange ett nytt lösenord för Kylään"
    text = smtp_server.text(message)
    assert text.startswith("Hej Aino,")
    path = LINK.search(text)[1]
    assert path in smtp_server.html(message)

    form = client.get(path, follow=True)
    assert "Set a new password" in form.text
    assert "Your username is aino." in form.text
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "Uusi-salasana-2027", "new_password2": "Uusi-salasana-2027"},
    )
    assert done["Location"] == "/accounts/reset/done/"
    logged_in = client.post(
        "/accounts/login/", {"username": "aino", "password": "Uusi-salasana-2027"}
    )
    assert logged_in.status_code == 302

    again = client.get(path)
    assert "The link does not work" in again.text


def test_an_imported_person_without_a_password_can_set_one(client, smtp_server, person):
    person.set_unusable_password()
    person.save()
    ask(client, person.email)
    assert LINK.search(smtp_server.text(smtp_server.only()))


def test_the_answer_is_the_same_whether_or_not_the_address_is_known(client, smtp_server, person):
    known = ask(client, person.email)
    unknown = ask(client, "nobody@example.org")
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert len(smtp_server.received) == 1


def test_a_deactivated_person_gets_no_mail(client, smtp_server, person):
    person.is_active = False
    person.save()
    assert ask(client, person.email).status_code == 302
    assert smtp_server.received == []


def test_a_mail_server_that_is_down_does_not_show_as_an_error(client, settings, person):
    from tests.servers import _free_port

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = _free_port()
    assert ask(client, person.email)["Location"] == "/accounts/password_reset/done/"


def test_a_bad_address_is_told_next_to_the_field(client):
    response = ask(client, "not an address")
    assert response.status_code == 200
    assert 'id="id_email_error"' in response.text
    assert "Enter a valid email address." in response.text


def test_one_address_asking_too_often_is_told_to_wait(client, smtp_server, person, settings):
    for number in range(settings.PASSWORD_RESET_LIMIT_PER_ADDRESS):
        assert ask(client, f"someone{number}@example.org").status_code == 302
    response = ask(client, person.email)
    assert response.status_code == 429
    assert "Too many password reset requests from your address" in response.text
    assert smtp_server.received == []
    assert ask(client, person.email, address="10.0.0.2").status_code == 302
    assert len(smtp_server.received) == 1


def test_one_email_address_gets_only_a_few_mails_an_hour(client, smtp_server, person, settings):
    for number in range(settings.PASSWORD_RESET_LIMIT_PER_EMAIL + 2):
        response = ask(client, person.email, address=f"10.0.1.{number}")
        assert response["Location"] == "/accounts/password_reset/done/"
    assert len(smtp_server.received) == settings.PASSWORD_RESET_LIMIT_PER_EMAIL


def test_the_throttle_counts_in_the_database_and_forgets_after_an_hour(settings):
    import datetime as dt

    from django.utils import timezone

    settings.PASSWORD_RESET_LIMIT_PER_EMAIL = 2
    for _ in range(2):
        allowance = password_reset_request(address="10.0.0.1", email="a@example.org")
        assert not allowance.email_over_limit
    assert password_reset_request(address="10.0.0.2", email="A@EXAMPLE.ORG").email_over_limit
    stored = PasswordResetRequest.objects.values_list("key_hash", flat=True)
    assert all("example" not in key and "10.0" not in key for key in stored)

    PasswordResetRequest.objects.update(requested_at=timezone.now() - dt.timedelta(hours=2))
    assert not password_reset_request(address="10.0.0.1", email="a@example.org").email_over_limit
    assert PasswordResetRequest.objects.count() == 2


@pytest.mark.parametrize(
    ("language", "heading"), [("fi", "Unohditko salasanasi?"), ("sv", "Glömt ditt lösenord?")]
)
def test_the_pages_are_translated(client, language, heading):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = language
    assert heading in client.get("/accounts/password_reset/").text


def test_the_login_page_links_to_the_reset(client):
    assert 'href="/accounts/password_reset/"' in client.get("/accounts/login/").text
