"""The visit pages speak Finnish by default and Swedish on request."""

import pytest
from django.test import Client as BrowserClient
from django.urls import reverse

from tests.factories import VisitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser(visitor):
    browser = BrowserClient()
    browser.force_login(visitor)
    return browser


def test_the_form_in_finnish(browser, running):
    response = browser.get(reverse("visits:new"))
    assert response.headers["Content-Language"] == "fi"
    for text in [
        "Kirjaa käynti",
        "Lasketaanko käynti?",
        "Asiakkaan kehittämisideat",
        "Tallenna käynti",
        "Muut osallistujat",
    ]:
        assert text in response.text


def test_the_form_in_swedish(browser, running):
    response = browser.get(reverse("visits:new"), headers={"accept-language": "sv"})
    assert response.headers["Content-Language"] == "sv"
    for text in ["Registrera ett besök", "Räknas besöket?", "Spara besöket"]:
        assert text in response.text


def test_rule_messages_in_finnish(browser, running, tampere):
    data = {
        "submission_token": "a3e8a3a0-34b9-4a55-9f0c-000000000001",
        "client": tampere.pk,
        "visited_on": running.ends_on.isoformat(),
        "minutes": "0",
        "is_remote": "False",
        "ideas-TOTAL_FORMS": "0",
        "ideas-INITIAL_FORMS": "0",
    }
    response = browser.post(reverse("visits:new"), data)
    assert "Anna käynnin kesto minuutteina, 1–720." in response.text
    assert "Tulevaisuuteen päivätty käynti voi olla vain suunniteltu." not in response.text


def test_detail_and_list_in_finnish(browser, running, visitor):
    visit = VisitFactory(campaign=running, created_by=visitor, minutes=30)
    detail = browser.get(reverse("visits:detail", args=[visit.pk]))
    assert "Käynti oli lyhyempi kuin kampanjan vähimmäiskesto 60 minuuttia." in detail.text
    assert "Muut käynnit tämän asiakkaan luona tämän kampanjan aikana" in detail.text
    listing = browser.get(reverse("visits:list"))
    assert "Tavallista asiakastyötä" in listing.text
    assert "1 käynti" in listing.text


def test_finnish_wording_of_the_visit_pages(browser, running, visitor, tampere):
    form = browser.get(reverse("visits:new")).text
    assert "Lisää kehittämisidea" in form
    assert "Lisää toinen" not in form
    # A section heading is not repeated as its field's label.
    assert "Asiakas:</label>" not in form
    assert '<h2 id="learned-heading">Mitä opimme</h2>' not in form
    visit = VisitFactory(campaign=running, created_by=visitor, client=tampere, notes="Opimme.")
    VisitFactory(campaign=running, client=tampere)
    detail = browser.get(reverse("visits:detail", args=[visit.pk])).text
    assert "Muut käynnit tämän asiakkaan luona tämän kampanjan aikana" in detail
    assert 'class="visit-notes__heading"' in detail
    assert "asiakkaassa" not in detail
    earlier = browser.get(
        reverse("visits:client_visits"), {"campaign": running.pk, "client": tampere.pk}
    ).json()["html"]
    assert "Tämän asiakkaan luona on jo käyty 2 kertaa" in earlier


def test_the_add_idea_button_in_swedish(browser, running):
    form = browser.get(reverse("visits:new"), headers={"accept-language": "sv"}).text
    assert "Lägg till en utvecklingsidé" in form


def test_the_clients_name_is_not_inflected_in_finnish(browser, running, visitor, tampere):
    visit = VisitFactory(campaign=running, created_by=visitor, client=tampere)
    data = {
        "submission_token": "a3e8a3a0-34b9-4a55-9f0c-000000000002",
        "client": tampere.pk,
        "visited_on": visit.visited_on.isoformat(),
        "minutes": "60",
        "is_remote": "False",
        "ideas-TOTAL_FORMS": "0",
        "ideas-INITIAL_FORMS": "0",
    }
    same_day = browser.post(reverse("visits:new"), data).text
    assert "tälle asiakkaalle (Tampereen kaupunki)" in same_day
    assert "asiakkaan Tampereen kaupunki luona" not in same_day
    withdraw = browser.get(reverse("visits:withdraw", args=[visit.pk])).text
    assert "Tampereen kaupunki, " in withdraw
    assert "asiakkaan Tampereen kaupunki luona" not in withdraw
