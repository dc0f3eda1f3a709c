import datetime as dt

import pytest
from django.utils import timezone, translation

from campaign.roles import STAFF
from tests.factories import CampaignFactory, ClientFactory, StaffFactory, ThemeFactory, UnitFactory


@pytest.fixture
def client(client):
    """Pages in English, the source language, so that assertions read the messages as written;
    test_finnish.py checks the translations."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture(autouse=True)
def _english_messages():
    """Service messages in English, whatever language an earlier test left active."""
    with translation.override("en"):
        yield


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def running(db, today):
    """The current campaign, running today, so logging is open."""
    campaign = CampaignFactory(
        slug="running",
        visit_definition="Noin tunti asiakkaan luona, suurin osa kuunnellen.",
        is_current=True,
        starts_on=today - dt.timedelta(days=10),
        ends_on=today + dt.timedelta(days=20),
    )
    campaign.themes.add(ThemeFactory(name="Tietopalvelut"))
    return campaign


@pytest.fixture
def other_unit(db):
    return UnitFactory(name="Viestintä", code="VIE")


@pytest.fixture
def visitor(unit):
    return StaffFactory(
        username="visitor", first_name="Ville", last_name="Vierailija", unit=unit, role=STAFF
    )


@pytest.fixture
def colleague(unit):
    return StaffFactory(
        username="colleague", first_name="Kaisa", last_name="Kollega", unit=unit, role=STAFF
    )


@pytest.fixture
def outsider(other_unit):
    return StaffFactory(
        username="outsider",
        first_name="Otto",
        last_name="Ulkopuolinen",
        unit=other_unit,
        role=STAFF,
    )


@pytest.fixture
def tampere(db):
    return ClientFactory(name="Tampereen kaupunki", region="Pirkanmaa", business_id="0211675-2")
