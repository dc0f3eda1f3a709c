import pytest
from django.conf import settings

from campaign.roles import COORDINATORS, STAFF, UNIT_MANAGERS
from tests.factories import CampaignFactory, StaffFactory, UnitFactory


def pytest_configure(config):
    # Production hashes passwords deliberately slowly (PBKDF2, about 0.6 s each); the tests make
    # hundreds of users and log them in through the live server too, so they use a fast hasher.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def campaign(db):
    return CampaignFactory(is_current=True)


@pytest.fixture
def unit(db):
    return UnitFactory(name="Tilastot", code="TIL")


@pytest.fixture
def staff_member(unit):
    return StaffFactory(username="staff-member", unit=unit, role=STAFF)


@pytest.fixture
def unit_manager(unit):
    return StaffFactory(username="unit-manager", unit=unit, role=UNIT_MANAGERS)


@pytest.fixture
def coordinator(db):
    return StaffFactory(username="coordinator", role=COORDINATORS)


@pytest.fixture(autouse=True)
def _plain_static_files(settings):
    # Production serves hashed files from a collectstatic manifest; tests read the sources.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def leaderboard_generation():
    """Reads a campaign's leaderboard generation: every write that changes the figures bumps it."""
    from leaderboard.models import LeaderboardGeneration

    def read(campaign) -> int:
        return (
            LeaderboardGeneration.objects.filter(campaign=campaign)
            .values_list("generation", flat=True)
            .first()
            or 0
        )

    return read
