"""Two installations side by side on loopback, each with its own database and organisation: the
tests' live server (installation A) and a second one in gunicorn (installation B, tests/servers.py).
Each publishes its campaign with `challenge_publish` and follows the other with
`challenge_peer_add`; each one's challenge page then shows both organisations with the figures
computed from scratch in their own database. When B goes down, A's page still shows B's last good
figures and says that they could not be updated."""

import io
import json
import re

import pytest
import requests
from django.core.management import call_command
from django.db import connection

from campaign.roles import STAFF
from challenge.models import FetchProblem, Peer
from tests.challenge import peer_seed
from tests.factories import StaffFactory
from tests.leaderboard.reference import reference
from tests.servers import installation

ROW = re.compile(r'<tr([^>]*)data-organisation="\d+">(.*?)</tr>', re.DOTALL)
NAME = re.compile(r'<th scope="row" data-column="unit">([^<]*)')
CELL = re.compile(r'<td data-column="(\w+)">\s*([^<]*?)\s*</td>')


def standings(html: str) -> dict[str, dict[str, str]]:
    """The challenge table as shown: organisation → column → text, and "ours" when the row is
    marked as our own."""
    rows = {}
    for attributes, row in ROW.findall(html):
        ours = 'class="is-mine"' in attributes and "Oma organisaatio" in row
        rows[NAME.search(row)[1].strip()] = dict(CELL.findall(row)) | {"ours": ours}
    return rows


def shown(figures: dict) -> dict[str, str]:
    """The columns of the challenge table that show `figures` as they are."""
    return {
        "visits": str(figures["counted_visits"]),
        "ideas": str(figures["ideas"]),
        "accepted": str(figures["accepted_ideas"]),
        "clients": str(figures["clients_reached"]),
    }


def sign_in(url: str, username: str, password: str) -> requests.Session:
    session = requests.Session()
    session.headers["Accept-Language"] = "fi"
    login = session.get(f"{url}/accounts/login/", timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login.text)[1]
    response = session.post(
        f"{url}/accounts/login/",
        data={"csrfmiddlewaretoken": token, "username": username, "password": password},
        headers={"Referer": f"{url}/accounts/login/"},
        timeout=10,
    )
    assert response.url.rstrip("/") == url, "B's sign-in failed"
    return session


@pytest.fixture
def second_installation(transactional_db):
    with installation(database=connection.settings_dict, organisation="Toinen virasto") as server:
        yield server


def test_two_installations_publish_and_follow_each_other(
    organisation, live_server, second_installation, settings, client
):
    b = second_installation
    settings.DEBUG = True  # the loopback servers speak plain http
    settings.SITE_URL = live_server.url
    ours = organisation.campaign
    call_command("challenge_publish", ours.slug, stdout=io.StringIO())
    feed_of_a = f"{live_server.url}/challenge/{ours.slug}/feed.json"
    feed_of_b = f"{b.url}/challenge/{peer_seed.SLUG}/feed.json"

    # B: its own organisation, published, following A (fetched at once).
    seeded = b.manage(
        "shell", "-c", f"from tests.challenge.peer_seed import seed; seed(follow={feed_of_a!r})"
    )
    b_figures = json.loads(seeded.stdout.strip().splitlines()[-1])
    assert f"Feed: {feed_of_b}" in b_figures["said"]
    assert "Fetched: Kylään" in b_figures["said"]
    assert b_figures == b_figures | {
        "counted_visits": 3,
        "visitors": 4,
        "ideas": 2,
        "accepted_ideas": 1,
        "clients_reached": 2,
        "leaders_visited": 1,
    }
    # A follows B.
    said = io.StringIO()
    call_command("challenge_peer_add", feed_of_b, stdout=said)
    assert "Fetched: Toinen virasto" in said.getvalue()
    # B's hourly job: A's feed is unchanged, so A answers 304 and B keeps what it has.
    refreshed = b.manage("challenge_refresh")
    assert f"{feed_of_a}: unchanged" in refreshed.stdout
    assert "Fetched 1 of 1 feeds." in refreshed.stdout

    a_expected = reference(ours)
    a_figures = {
        "counted_visits": a_expected.visits,
        "ideas": a_expected.ideas,
        "accepted_ideas": a_expected.accepted,
        "clients_reached": a_expected.clients,
    }

    # A's page: both organisations, ours first with 14.12 points, B with 22.00 ahead of it.
    client.force_login(StaffFactory(username="a-staff", role=STAFF))
    on_a = standings(client.get("/challenge/", headers={"accept-language": "fi"}).content.decode())
    assert list(on_a) == ["Toinen virasto", "Kylään"]
    assert on_a["Toinen virasto"] | shown(b_figures) == on_a["Toinen virasto"]
    assert on_a["Toinen virasto"]["score"] == "22,00"
    assert on_a["Toinen virasto"]["headcount"] == "5"
    assert on_a["Toinen virasto"]["rank"] == "1"
    assert (on_a["Kylään"]["ours"], on_a["Toinen virasto"]["ours"]) == (True, False)
    assert on_a["Kylään"] | shown(a_figures) == on_a["Kylään"]
    assert on_a["Kylään"]["score"] == "14,12"

    # B's page, signed in to B over HTTP: the same two, B marked as its own.
    session = sign_in(b.url, peer_seed.COORDINATOR, peer_seed.PASSWORD)
    on_b = standings(session.get(f"{b.url}/challenge/", timeout=10).text)
    assert list(on_b) == ["Toinen virasto", "Kylään"]
    assert on_b["Kylään"] | shown(a_figures) == on_b["Kylään"]
    assert on_b["Kylään"]["score"] == "14,12"
    assert on_b["Toinen virasto"]["score"] == "22,00"
    assert (on_b["Kylään"]["ours"], on_b["Toinen virasto"]["ours"]) == (False, True)
    # Nothing of A's people or clients reached B.
    stored = session.get(f"{b.url}/challenge/", timeout=10).text
    assert not [p.username for p in organisation.people.values() if p.username in stored]

    # B goes down: A's hourly job records it, and A's page keeps B's last good figures.
    b.stop()
    call_command("challenge_refresh", stdout=io.StringIO(), stderr=io.StringIO())
    peer = Peer.objects.get(feed_url=feed_of_b)
    assert peer.problem == FetchProblem.UNREACHABLE
    page = client.get("/challenge/", headers={"accept-language": "fi"})
    assert page.status_code == 200
    html = page.content.decode()
    assert standings(html)["Toinen virasto"]["visits"] == "3"
    assert "palvelimeen ei saatu yhteyttä" in html
    assert "ei päivittynyt" in html
