import datetime as dt
import socket

import pytest
from django.conf import settings
from django.utils import timezone

from campaign.roles import COORDINATORS, STAFF, UNIT_MANAGERS
from tests.factories import CampaignFactory, ClientFactory, StaffFactory, ThemeFactory, UnitFactory


def pytest_configure(config):
    # Production hashes passwords deliberately slowly (PBKDF2, about 0.6 s each); the tests make
    # hundreds of users and log them in through the live server too, so they use a fast hasher.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# The longest tests first: the workers of `make test` then end together on short ones, rather than
# one waiting on the other's last walk through every page.
LONGEST_FIRST = (
    "tests/browser/test_accessibility.py",
    "tests/test_generated_input.py",
    "tests/browser/",
)


def pytest_collection_modifyitems(items):
    def rank(item) -> int:
        for n, prefix in enumerate(LONGEST_FIRST):
            if item.nodeid.startswith(prefix):
                return n
        return len(LONGEST_FIRST)

    items.sort(key=rank)


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


@pytest.fixture(autouse=True)
def _plain_static_files(settings):
    # Production serves hashed files from a collectstatic manifest; tests read the sources.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def oidc_provider(settings):
    """A real OpenID Connect provider on loopback, and Kylään configured to sign in through it
    (as OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET would)."""
    from accounts.oidc import forget_provider
    from tests.servers import oidc_provider

    with oidc_provider() as provider:
        settings.OIDC_ISSUER = provider.url
        settings.OIDC_CLIENT_ID = "kylaan"
        settings.OIDC_CLIENT_SECRET = "kylaan-secret"
        policy = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
        settings.CONTENT_SECURITY_POLICY = {
            "DIRECTIVES": {**policy, "form-action": [*policy["form-action"], provider.url]}
        }
        forget_provider()
        yield provider
    forget_provider()


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on loopback that keeps every message it receives, and Kylään sending
    its mail to it."""
    from tests.servers import smtp_server

    with smtp_server() as mailbox:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = mailbox.host
        settings.EMAIL_PORT = mailbox.port
        settings.EMAIL_USE_TLS = False
        settings.EMAIL_HOST_USER = ""
        settings.EMAIL_HOST_PASSWORD = ""
        yield mailbox


@pytest.fixture
def feed_server(settings):
    """Peers on loopback, good and bad (tests/servers.py), with the fetch's limits made short so
    that a slow peer costs a fraction of a second, and plain http allowed as under DEBUG."""
    from tests.servers import feed_server

    settings.DEBUG = True
    settings.CHALLENGE_CONNECT_TIMEOUT = 0.5
    settings.CHALLENGE_READ_TIMEOUT = 0.5
    settings.CHALLENGE_TOTAL_TIMEOUT = 1.0
    with feed_server() as server:
        server.slow_seconds = 1.5
        yield server


@pytest.fixture
def closed_port() -> int:
    """A loopback port nobody listens on: a peer that is down."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
