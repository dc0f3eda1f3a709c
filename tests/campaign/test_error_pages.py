"""With DEBUG off, errors are pages of the app, in the user's language, with a way back."""

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from tests.factories import VisitFactory

pytestmark = pytest.mark.django_db


def test_not_found_is_a_page_of_the_app_in_finnish(client, staff_member):
    client.force_login(staff_member)
    response = client.get("/ei-tallaista-sivua/")
    assert response.status_code == 404
    assert "Sivua ei löytynyt" in response.text
    assert reverse("dashboard") in response.text
    assert 'class="main-nav"' in response.text


def test_another_persons_visit_is_the_apps_not_found_page(client, staff_member):
    other = VisitFactory()
    client.force_login(staff_member)
    response = client.get(reverse("visits:detail", args=[other.pk]))
    assert response.status_code == 404
    assert "Sivua ei löytynyt" in response.text


def test_forbidden_is_a_page_of_the_app(client, staff_member):
    client.force_login(staff_member)
    response = client.get(reverse("campaigns:list"), headers={"accept-language": "sv"})
    assert response.status_code == 403
    assert "Ingen åtkomst" in response.text


def test_expired_form_explains_what_to_do(staff_member):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(staff_member)
    response = browser.post(reverse("visits:new"), {"notes": "kirjoitettua"})
    assert response.status_code == 403
    assert "Lomake on vanhentunut" in response.text


@override_settings(DEBUG=False)
def test_server_error_page_renders_without_a_request_context():
    from django.template.loader import get_template

    html = get_template("500.html").render({})
    assert "Kylään" in html


def test_a_get_of_a_post_only_address_is_the_apps_own_page(client, staff_member):
    visit = VisitFactory(created_by=staff_member)
    client.force_login(staff_member)
    response = client.get(reverse("ideas:triage", args=[1]), headers={"accept-language": "en"})
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert "This address does not open as a page" in response.text
    assert 'class="main-nav"' in response.text
    # Another method than a page takes is refused the same way, in the user's language.
    refused = client.put(reverse("visits:edit", args=[visit.pk]), headers={"accept-language": "fi"})
    assert refused.status_code == 405
    assert "Tämä osoite ei avaudu sivuna" in refused.text
