import datetime as dt

import pytest
from django.utils import timezone, translation

from campaign.roles import COORDINATORS, STAFF, UNIT_MANAGERS
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
def home_unit(db):
    return UnitFactory(name="Tilastot", code="TIL")


@pytest.fixture
def other_unit(db):
    return UnitFactory(name="Viestintä", code="VIE")


@pytest.fixture
def visitor(home_unit):
    return StaffFactory(
        username="visitor", first_name="Ville", last_name="Vierailija", unit=home_unit, role=STAFF
    )


@pytest.fixture
def colleague(home_unit):
    return StaffFactory(
        username="colleague", first_name="Kaisa", last_name="Kollega", unit=home_unit, role=STAFF
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
def manager(home_unit):
    return StaffFactory(username="manager", unit=home_unit, role=UNIT_MANAGERS)


@pytest.fixture
def coordinator_user(other_unit):
    return StaffFactory(username="coordinator-user", unit=other_unit, role=COORDINATORS)


@pytest.fixture
def tampere(db):
    return ClientFactory(name="Tampereen kaupunki", region="Pirkanmaa", business_id="0211675-2")
