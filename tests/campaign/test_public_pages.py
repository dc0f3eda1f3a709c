"""Accessibility statement, privacy notice, language choice and accessible form errors."""

import re

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = [
    ("accessibility", {"fi": "Saavutettavuusseloste", "sv": "Tillgänglighetsutlåtande",
                       "en": "Accessibility statement"}),
    ("privacy", {"fi": "Tietosuojaseloste", "sv": "Dataskyddsbeskrivning",
                 "en": "Privacy notice"}),
]  # fmt: skip


@pytest.fixture(autouse=True)
def _organisation(settings):
    settings.ORGANISATION_NAME = "Testilaitos"
    settings.FEEDBACK_EMAIL = "palaute@testilaitos.example"


def _h1(response) -> str:
    return re.search(r"<h1>(.*?)</h1>", response.text, re.S).group(1).strip()


@pytest.mark.parametrize(("url_name", "titles"), PUBLIC_PAGES)
@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_public_page_without_login_in_each_language(client, url_name, titles, language):
    response = client.get(reverse(url_name), headers={"accept-language": language})

    assert response.status_code == 200
    assert response.headers["Content-Language"] == language
    assert _h1(response) == titles[language]
    assert "Testilaitos" in response.text
    assert 'href="mailto:palaute@testilaitos.example"' in response.text


def test_statement_names_the_supervisory_authority_and_the_assessment_date(client):
    response = client.get(reverse("accessibility"), headers={"accept-language": "fi"})
    text = response.text
    assert "saavutettavuusvaatimukset.fi" in text
    assert "Etelä-Suomen aluehallintovirasto" in text
    assert "Traficom" in text
    assert "laadittu 26. marraskuuta 2026" in text
    assert "osittain" in text


def test_privacy_notice_names_the_data_and_says_no_client_contact_data(client):
    text = client.get(reverse("privacy"), headers={"accept-language": "en"}).text
    for words in ["The controller is Testilaitos", "e-mail address, unit, title",
                  "No personal data of client contacts", "Article 6(1)(e)", "three years",
                  "Data Protection Ombudsman"]:  # fmt: skip
        assert words in text


@pytest.mark.parametrize("path", ["/accounts/login/", "/accessibility/", "/privacy/"])
def test_every_page_footer_links_both_pages(client, path):
    text = client.get(path).text
    footer = text[text.index("<footer") :]
    assert f'href="{reverse("accessibility")}"' in footer
    assert f'href="{reverse("privacy")}"' in footer


def test_footer_on_a_logged_in_page(client, staff_member):
    client.force_login(staff_member)
    footer = client.get("/").text.split("<footer", 1)[1]
    assert "Saavutettavuusseloste" in footer
    assert "Tietosuojaseloste" in footer


def test_pages_reject_posts(client):
    assert client.post(reverse("accessibility")).status_code == 405


def test_chosen_language_is_remembered_in_a_cookie(client):
    response = client.post(reverse("set_language"), {"language": "sv", "next": "/accounts/login/"})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "sv"

    page = client.get("/accounts/login/", headers={"accept-language": "fi"})
    assert page.headers["Content-Language"] == "sv"
    assert '<html lang="sv">' in page.text
    assert "Logga in" in page.text


def test_language_switcher_is_on_the_login_page_without_javascript(client):
    text = client.get("/accounts/login/").text
    assert f'action="{reverse("set_language")}"' in text
    assert '<label for="language-select">Kieli</label>' in text
    assert '<option value="sv" lang="sv">Svenska</option>' in text


def test_empty_login_shows_an_error_summary_tied_to_the_fields(client):
    response = client.post(reverse("login"), {"username": "", "password": ""})
    text = response.text

    assert response.status_code == 200
    summary = re.search(r'<div class="error-summary.*?</div>', text, re.S).group(0)
    assert 'role="alert"' in summary
    assert 'href="#id_username"' in summary
    assert 'href="#id_password"' in summary
    assert "Käyttäjätunnus: Tämä kenttä vaaditaan." in summary
    username = re.search(r"<input[^>]*name=\"username\"[^>]*>", text).group(0)
    assert 'aria-invalid="true"' in username
    assert 'aria-describedby="id_username_error"' in username
    assert 'id="id_username_error"' in text


def test_wrong_password_error_is_in_the_summary(client, staff_member):
    response = client.post(reverse("login"), {"username": "staff-member", "password": "wrong"})
    assert text_count(response.text, 'role="alert"') == 1
    assert "syötä kelvollinen käyttäjätunnus ja salasana" in response.text


def test_password_change_errors_keep_the_help_text_described(client, staff_member):
    client.force_login(staff_member)
    response = client.post(
        reverse("password_change"),
        {"old_password": "nope", "new_password1": "a", "new_password2": "b"},
    )
    text = response.text
    new_password = re.search(r"<input[^>]*name=\"new_password1\"[^>]*>", text).group(0)
    assert 'aria-describedby="id_new_password1_helptext"' in new_password
    old_password = re.search(r"<input[^>]*name=\"old_password\"[^>]*>", text).group(0)
    assert 'aria-invalid="true"' in old_password
    assert 'href="#id_old_password"' in text


def text_count(text: str, needle: str) -> int:
    return text.count(needle)


@pytest.mark.parametrize(
    ("language", "short", "long"),
    [
        ("fi", "26.11.2026", "26. marraskuuta 2026"),
        ("sv", "26.11.2026", "26 november 2026"),
        ("en", "26/11/2026", "26 Nov 2026"),
    ],
)
def test_dates_follow_the_language_and_finland_swedish_uses_dots(language, short, long):
    import datetime as dt

    from django.forms import DateField
    from django.template.defaultfilters import date
    from django.utils import translation

    day = dt.date(2026, 11, 26)
    with translation.override(language):
        assert date(day, "SHORT_DATE_FORMAT") == short
        assert date(day, "DATE_FORMAT") == long
        assert DateField().clean(short) == day
