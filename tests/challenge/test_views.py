"""The challenge's pages: the public feed, the page for everyone signed in, the public invitation
and the coordinators' page for publishing and following."""

import datetime as dt
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from campaign.roles import COORDINATORS, STAFF
from challenge.models import FetchProblem, Peer, Publication
from challenge.services import campaign_publish
from tests.challenge.samples import as_bytes, peer_payload
from tests.factories import CampaignFactory, StaffFactory, VisitFactory

FEED = "/challenge/{}/feed.json"


@pytest.fixture
def published(organisation):
    campaign_publish(campaign=organisation.campaign)
    return organisation.campaign


@pytest.fixture
def coordinator_client(client, db):
    client.force_login(StaffFactory(username="challenge-coordinator", role=COORDINATORS))
    return client


@pytest.fixture
def staff_client(client, db):
    client.force_login(StaffFactory(username="challenge-staff", role=STAFF))
    return client


# --- The feed -----------------------------------------------------------------------------------


def test_the_feed_is_public_json_that_caches(client, published, settings):
    response = client.get(FEED.format(published.slug))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Cache-Control"] == "public, max-age=300"
    assert response["ETag"].startswith('"')
    payload = json.loads(response.content)
    assert payload["figures"]["counted_visits"] == 6
    assert payload["feed_url"] == f"{settings.SITE_URL}/challenge/{published.slug}/feed.json"


def test_the_feed_names_the_installation_by_site_url(client, published, settings):
    settings.SITE_URL = "https://kylaan.example.org"

    payload = json.loads(client.get(FEED.format(published.slug)).content)

    assert payload["site_url"] == "https://kylaan.example.org/"
    assert payload["feed_url"].startswith("https://kylaan.example.org/challenge/")


def test_a_peer_that_has_the_figures_gets_304_until_a_figure_changes(client, published):
    etag = client.get(FEED.format(published.slug))["ETag"]

    unchanged = client.get(FEED.format(published.slug), headers={"if-none-match": etag})

    assert unchanged.status_code == 304
    assert unchanged.content == b""
    assert unchanged["ETag"] == etag
    VisitFactory(campaign=published, visited_on=published.starts_on)
    changed = client.get(FEED.format(published.slug), headers={"if-none-match": etag})
    assert changed.status_code == 200
    assert changed["ETag"] != etag


def test_an_unpublished_campaign_has_no_feed(client, organisation):
    assert client.get(FEED.format(organisation.campaign.slug)).status_code == 404
    assert client.get(FEED.format("no-such-campaign")).status_code == 404


def test_the_feed_answers_only_reading(client, published):
    assert client.head(FEED.format(published.slug)).status_code == 200
    assert client.post(FEED.format(published.slug)).status_code == 405


# --- The challenge page ---------------------------------------------------------------------------


def test_the_challenge_page_needs_a_login(client, db):
    response = client.get("/challenge/")

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_challenge_page_shows_the_organisations_side_by_side(staff_client, published):
    Peer.objects.create(
        feed_url="https://kylaan.peer.invalid/challenge/kevat/feed.json",
        payload=peer_payload(organisation="<script>alert('x')</script> Virasto"),
        fetched_at=timezone.now() - dt.timedelta(hours=1),
    )

    response = staff_client.get("/challenge/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; Virasto" in html
    rows = response.context["board"].standings
    assert [(s.feed.organisation, s.rank) for s in rows] == [
        ("Kylään", 1),
        ("<script>alert('x')</script> Virasto", 2),
    ]
    assert 'class="is-mine" data-organisation="1"' in html
    assert "Oma organisaatio" in html
    assert '<td data-column="score">14,12</td>' in html
    assert '<td data-column="score">3,05</td>' in html
    # The chart and its table of the same figures.
    assert html.count('class="chart-line challenge-line--') == 2
    assert '<caption id="challenge-chart-table-caption">' in html


def test_a_peer_that_could_not_be_updated_is_shown_with_its_last_good_figures(
    staff_client, published
):
    fetched_at = timezone.make_aware(dt.datetime(2026, 11, 30, 11, 19))
    Peer.objects.create(
        feed_url="https://kylaan.peer.invalid/challenge/kevat/feed.json",
        payload=peer_payload(organisation="Hidas virasto"),
        fetched_at=fetched_at,
        attempted_at=fetched_at + dt.timedelta(days=1),
        problem=FetchProblem.TIMEOUT,
    )
    Peer.objects.create(
        feed_url="https://kylaan.uusi.invalid/challenge/kevat/feed.json",
        attempted_at=fetched_at,
        problem=FetchProblem.UNREACHABLE,
    )

    html = staff_client.get("/challenge/").content.decode()

    assert 'data-problem="timeout"' in html
    assert "Hidas virasto" in html
    assert "30.11.2026 11.19" in html
    assert "ei päivittynyt" in html
    assert 'data-problem="unreachable"' in html
    assert "https://kylaan.uusi.invalid/challenge/kevat/feed.json" in html


def test_without_a_published_campaign_the_page_says_so(staff_client, organisation):
    response = staff_client.get("/challenge/")

    assert response.status_code == 200
    assert 'data-testid="not-published"' in response.content.decode()


def test_the_challenge_page_costs_the_same_queries_with_more_peers(
    staff_client, published, django_assert_num_queries
):
    def peers(count):
        for n in range(count):
            Peer.objects.create(
                feed_url=f"https://kylaan.p{Peer.objects.count()}.invalid/challenge/k/feed.json",
                payload=peer_payload(organisation=f"Virasto {n}"),
                fetched_at=timezone.now(),
            )

    peers(1)
    staff_client.get("/challenge/")
    with django_assert_num_queries(16):
        staff_client.get("/challenge/")
    peers(4)
    with django_assert_num_queries(16):
        response = staff_client.get("/challenge/")
    assert len(response.context["board"].standings) == 6


# --- The invitation -----------------------------------------------------------------------------


def test_the_invitation_is_public_and_lists_our_feeds(client, published, settings):
    settings.SITE_URL = "https://kylaan.example.org"

    response = client.get("/challenge/join/")

    html = response.content.decode()
    assert response.status_code == 200
    feed_url = f"https://kylaan.example.org/challenge/{published.slug}/feed.json"
    assert f'<code class="wrap-anywhere" data-feed-url>{feed_url}</code>' in html
    assert f"python manage.py challenge_peer_add {feed_url}" in html
    assert "make run" in html
    assert "Pidä se yksinkertaisena" in html


def test_the_invitation_without_a_published_campaign_offers_none(client, db):
    response = client.get("/challenge/join/")

    assert response.status_code == 200
    assert "data-feed-url" not in response.content.decode()


# --- Coordinators ---------------------------------------------------------------------------------


def test_publishing_is_for_coordinators(staff_client, organisation):
    campaign = organisation.campaign

    assert staff_client.get("/challenge/manage/").status_code == 403
    response = staff_client.post(
        "/challenge/manage/publishing/", {"campaign": campaign.pk, "publish": "1"}
    )

    assert response.status_code == 403
    assert not Publication.objects.exists()


def test_a_coordinator_publishes_and_stops_publishing_a_campaign(coordinator_client, settings):
    campaign = CampaignFactory(name="Kevät 2027")

    response = coordinator_client.post(
        "/challenge/manage/publishing/", {"campaign": campaign.pk, "publish": "1"}
    )

    assert response.status_code == 302
    publication = Publication.objects.get()
    assert publication.campaign == campaign
    assert publication.published_by.username == "challenge-coordinator"
    page = coordinator_client.get("/challenge/manage/").content.decode()
    assert f"{settings.SITE_URL}/challenge/{campaign.slug}/feed.json" in page
    coordinator_client.post(
        "/challenge/manage/publishing/", {"campaign": campaign.pk, "publish": "0"}
    )
    assert not Publication.objects.exists()


@pytest.mark.parametrize(
    "sent", [{}, {"campaign": "999999", "publish": "1"}, {"campaign": "x", "publish": "maybe"}]
)
def test_publishing_nothing_that_exists_changes_nothing(coordinator_client, sent):
    response = coordinator_client.post("/challenge/manage/publishing/", sent)

    assert response.status_code == 302
    assert not Publication.objects.exists()


def test_a_coordinator_follows_an_organisation(coordinator_client, db):
    url = "https://kylaan.esimerkki.invalid/challenge/kevat/feed.json"

    response = coordinator_client.post("/challenge/manage/peers/", {"feed_url": url})

    assert response.status_code == 302
    peer = Peer.objects.get()
    assert (peer.feed_url, peer.added_by.username) == (url, "challenge-coordinator")
    assert peer.payload is None


@pytest.mark.parametrize(
    ("url", "error"),
    [
        ("kylaan.example.org/feed.json", "Syötä oikea URL-osoite."),
        ("ftp://kylaan.example.org/feed.json", "Syötä oikea URL-osoite."),
        ("http://kylaan.example.org/feed.json", "https://"),
        ("https://user:secret@kylaan.example.org/feed.json", "käyttäjätunnus ja salasana"),
        ("https://kylaan.example.org/" + "x" * 500, "enintään 500 merkkiä"),
        ("https://kylaan.meidan.invalid/challenge/x/feed.json", "oma syöte"),
    ],
)
def test_an_address_that_cannot_be_followed_is_refused_next_to_the_field(
    coordinator_client, settings, url, error
):
    settings.SITE_URL = "https://kylaan.meidan.invalid"

    response = coordinator_client.post("/challenge/manage/peers/", {"feed_url": url})

    assert response.status_code == 200
    assert error in str(response.context["add_form"].errors["feed_url"])
    assert not Peer.objects.exists()


def test_following_the_same_feed_twice_is_refused(coordinator_client, db):
    url = "https://kylaan.esimerkki.invalid/challenge/kevat/feed.json"
    coordinator_client.post("/challenge/manage/peers/", {"feed_url": url})

    response = coordinator_client.post("/challenge/manage/peers/", {"feed_url": url})

    assert "seurataan jo" in str(response.context["add_form"].errors["feed_url"])
    assert Peer.objects.count() == 1


def test_a_coordinator_stops_following_an_organisation(coordinator_client, db):
    peer = Peer.objects.create(feed_url="https://kylaan.esimerkki.invalid/feed.json")

    response = coordinator_client.post("/challenge/manage/peers/remove/", {"peer": peer.pk})

    assert response.status_code == 302
    assert not Peer.objects.exists()


def test_fetch_now_fetches_every_followed_feed(coordinator_client, feed_server):
    feed_server.feeds["/ok/feed.json"] = as_bytes(peer_payload(organisation="Nopea virasto"))
    Peer.objects.create(feed_url=feed_server.at("/ok/feed.json"))
    Peer.objects.create(feed_url=feed_server.at("/malformed/feed.json"))

    response = coordinator_client.post("/challenge/manage/peers/refresh/", follow=True)

    html = response.content.decode()
    assert "Haettiin 1/2 syötettä" in html
    assert "Nopea virasto" in html
    assert "vastaus ei ole JSON-syöte" in html
    assert dict(Peer.objects.values_list("feed_url", "problem")) == {
        feed_server.at("/ok/feed.json"): "",
        feed_server.at("/malformed/feed.json"): FetchProblem.NOT_JSON,
    }


def test_the_coordinators_page_costs_the_same_queries_with_more_rows(
    coordinator_client, django_assert_num_queries
):
    def rows(count):
        for _ in range(count):
            CampaignFactory()
            Peer.objects.create(feed_url=f"https://p{Peer.objects.count()}.invalid/feed.json")

    rows(1)
    coordinator_client.get("/challenge/manage/")
    with django_assert_num_queries(8):
        coordinator_client.get("/challenge/manage/")
    rows(3)
    with django_assert_num_queries(8):
        response = coordinator_client.get("/challenge/manage/")
    assert len(response.context["campaigns"]) == 4
