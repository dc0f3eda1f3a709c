"""Each person's language is remembered, so that their mails are written in it."""

import pytest

from campaign.services import staff_language_remember

pytestmark = pytest.mark.django_db


def test_switching_language_while_signed_in_is_remembered(client, staff_member):
    client.force_login(staff_member)
    response = client.post("/i18n/setlang/", {"language": "sv", "next": "/"})
    assert response.status_code == 302
    assert response.cookies["django_language"].value == "sv"
    staff_member.refresh_from_db()
    assert staff_member.language == "sv"


def test_switching_language_before_signing_in_only_sets_the_cookie(client, staff_member):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert response.cookies["django_language"].value == "en"
    staff_member.refresh_from_db()
    assert staff_member.language == ""


def test_an_unknown_language_is_ignored(client, staff_member):
    client.force_login(staff_member)
    client.post("/i18n/setlang/", {"language": "de", "next": "/"})
    staff_member.refresh_from_db()
    assert staff_member.language == ""


def test_logging_in_remembers_the_language_of_the_page(client, staff_member):
    client.post(
        "/accounts/login/",
        {"username": staff_member.username, "password": "secret-pass-123"},
        HTTP_ACCEPT_LANGUAGE="sv",
    )
    staff_member.refresh_from_db()
    assert staff_member.language == "sv"
    assert staff_member.mail_language == "sv"


def test_the_service_keeps_only_the_sites_languages(staff_member):
    staff_language_remember(staff=staff_member, language="en")
    staff_language_remember(staff=staff_member, language="xx")
    staff_member.refresh_from_db()
    assert staff_member.language == "en"
