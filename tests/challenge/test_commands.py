"""challenge_publish, challenge_peer_add and challenge_refresh, as an operator runs them."""

import io

import pytest
from django.core.management import CommandError, call_command

from challenge.models import FetchProblem, Peer, Publication
from tests.challenge.samples import as_bytes, peer_payload
from tests.factories import CampaignFactory


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_publish_serves_the_campaign_and_prints_its_feed(db, settings):
    settings.SITE_URL = "https://kylaan.example.org"
    campaign = CampaignFactory(slug="kevat-2027")

    out, _err = run("challenge_publish", "kevat-2027")

    assert Publication.objects.get().campaign == campaign
    assert "Feed: https://kylaan.example.org/challenge/kevat-2027/feed.json" in out
    assert run("challenge_publish", "kevat-2027")[0].startswith("Published")
    assert Publication.objects.count() == 1


def test_publish_stop_ends_publishing(db):
    campaign = CampaignFactory(slug="kevat-2027")
    run("challenge_publish", campaign.slug)

    out, _err = run("challenge_publish", campaign.slug, "--stop")

    assert out.startswith("No longer published")
    assert not Publication.objects.exists()
    assert run("challenge_publish", campaign.slug, "--stop")[0].startswith("Not published")


def test_publish_an_unknown_campaign_is_an_error(db):
    with pytest.raises(CommandError, match="No such campaign: nothing"):
        run("challenge_publish", "nothing")


def test_peer_add_follows_and_fetches_at_once(feed_server, db):
    feed_server.feeds["/k/feed.json"] = as_bytes(peer_payload(organisation="Naapurivirasto"))

    out, err = run("challenge_peer_add", feed_server.at("/k/feed.json"))

    assert out.splitlines() == [
        f"Following: {feed_server.at('/k/feed.json')}",
        "Fetched: Naapurivirasto",
    ]
    assert err == ""
    assert Peer.objects.get().payload["organisation"] == "Naapurivirasto"


def test_peer_add_keeps_a_feed_that_cannot_be_fetched_yet_and_says_why(feed_server, db):
    out, err = run("challenge_peer_add", feed_server.at("/malformed/feed.json"))

    assert out.startswith("Following:")
    assert err.startswith("Not fetched yet: the answer is not a JSON feed")
    assert Peer.objects.get().problem == FetchProblem.NOT_JSON


def test_peer_add_no_fetch_only_follows(feed_server, db):
    run("challenge_peer_add", feed_server.at("/k/feed.json"), "--no-fetch")

    assert feed_server.requests == []
    assert Peer.objects.get().attempted_at is None


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("not an address", "Enter a valid URL."),
        ("http://kylaan.example.org/feed.json", "https://"),
    ],
)
def test_peer_add_refuses_an_address_it_may_not_follow(db, url, message):
    with pytest.raises(CommandError, match=message):
        run("challenge_peer_add", url)
    assert not Peer.objects.exists()


def test_refresh_prints_each_feed_and_its_problems_on_standard_error(feed_server, db):
    feed_server.feeds["/k/feed.json"] = as_bytes(peer_payload())
    Peer.objects.create(feed_url=feed_server.at("/k/feed.json"))
    Peer.objects.create(feed_url=feed_server.at("/huge/feed.json"))

    out, err = run("challenge_refresh")

    assert out.splitlines() == [
        f"{feed_server.at('/k/feed.json')}: fetched",
        "Fetched 1 of 2 feeds.",
    ]
    assert err.startswith(f"{feed_server.at('/huge/feed.json')}: the feed is too large")
    out, _err = run("challenge_refresh", "--verbosity", "0")
    assert out == ""


def test_refresh_with_nobody_followed_does_nothing(db):
    assert run("challenge_refresh") == ("Fetched 0 of 0 feeds.\n", "")
