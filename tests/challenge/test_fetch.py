"""Fetching peers over real HTTP on loopback: a peer that is down, slow, malformed, oversized or
redirecting is recorded with its problem, and its last good figures stay."""

import time

import pytest

from challenge.feed import FeedError
from challenge.fetch import fetch_feed
from challenge.models import FetchProblem, Peer
from challenge.services import peer_refresh, peers_refresh
from tests.challenge.samples import as_bytes, peer_payload


def fetch_problem(url: str, **options) -> FeedError:
    with pytest.raises(FeedError) as raised:
        fetch_feed(url, **options)
    return raised.value


def test_a_good_feed_is_fetched_and_read(feed_server):
    feed_server.feeds["/ok/feed.json"] = as_bytes(peer_payload())

    fetched = fetch_feed(feed_server.at("/ok/feed.json"))

    assert fetched.feed.organisation == "Esimerkkivirasto"
    assert fetched.data["figures"]["counted_visits"] == 30
    assert fetched.etag.startswith('"')
    _path, headers = feed_server.requests[-1]
    assert headers["Accept"] == "application/json"
    assert headers["Accept-Encoding"] == "identity"


def test_a_peer_that_is_down_is_unreachable(feed_server, closed_port):
    error = fetch_problem(f"http://127.0.0.1:{closed_port}/challenge/x/feed.json")

    assert error.problem == FetchProblem.UNREACHABLE


def test_a_slow_peer_is_given_up_after_the_read_timeout(feed_server):
    started = time.monotonic()

    error = fetch_problem(feed_server.at("/slow/feed.json"))

    assert error.problem == FetchProblem.TIMEOUT
    assert time.monotonic() - started < 1.4


def test_a_peer_that_sends_a_byte_at_a_time_is_cut_off_at_the_deadline(feed_server):
    started = time.monotonic()

    error = fetch_problem(feed_server.at("/drip/feed.json"))

    assert error.problem == FetchProblem.TIMEOUT
    assert time.monotonic() - started < 1.4


@pytest.mark.parametrize("path", ["/huge/feed.json", "/huge-unannounced/feed.json"])
def test_a_feed_over_the_size_cap_is_refused(feed_server, path):
    error = fetch_problem(feed_server.at(path))

    assert error.problem == FetchProblem.TOO_LARGE


def test_a_redirect_is_not_followed(feed_server):
    feed_server.feeds["/ok/feed.json"] = as_bytes(peer_payload())

    error = fetch_problem(feed_server.at("/moved/feed.json"))

    assert error.problem == FetchProblem.REDIRECT
    assert "/ok/feed.json" in error.detail
    assert [path for path, _headers in feed_server.requests] == ["/moved/feed.json"]


@pytest.mark.parametrize(
    ("path", "problem"),
    [
        ("/malformed/feed.json", FetchProblem.NOT_JSON),
        ("/wrong/feed.json", FetchProblem.INVALID),
        ("/missing/feed.json", FetchProblem.HTTP_STATUS),
    ],
)
def test_a_feed_that_cannot_be_read_says_why(feed_server, path, problem):
    assert fetch_problem(feed_server.at(path)).problem == problem


def test_only_https_is_fetched_outside_debug(feed_server, settings):
    feed_server.feeds["/ok/feed.json"] = as_bytes(peer_payload())
    settings.DEBUG = False

    error = fetch_problem(feed_server.at("/ok/feed.json"))

    assert error.problem == FetchProblem.NOT_ALLOWED
    assert feed_server.requests == []


def test_an_unchanged_feed_is_answered_304_and_kept(feed_server, db):
    feed_server.feeds["/ok/feed.json"] = as_bytes(peer_payload())
    peer = Peer.objects.create(feed_url=feed_server.at("/ok/feed.json"))
    peer_refresh(peer=peer)
    peer.refresh_from_db()
    first_fetch = peer.fetched_at

    outcome = peer_refresh(peer=peer)

    assert outcome.fetched.not_modified
    peer.refresh_from_db()
    assert peer.payload["organisation"] == "Esimerkkivirasto"
    assert peer.fetched_at > first_fetch
    assert feed_server.requests[-1][1]["If-None-Match"] == peer.etag


# --- What a refresh stores --------------------------------------------------------------------


def test_a_failed_fetch_keeps_the_last_good_figures_and_says_why(feed_server, db):
    feed_server.feeds["/ok/feed.json"] = as_bytes(peer_payload(counted_visits=30))
    peer = Peer.objects.create(feed_url=feed_server.at("/ok/feed.json"))
    peer_refresh(peer=peer)
    peer.refresh_from_db()
    good_at = peer.fetched_at
    feed_server.feeds["/ok/feed.json"] = b'{"format": "kylaan-challenge-feed", "version": 1}'

    outcome = peer_refresh(peer=peer)

    assert not outcome.ok
    peer.refresh_from_db()
    assert peer.problem == FetchProblem.INVALID
    assert "required" in peer.problem_detail
    assert peer.payload["figures"]["counted_visits"] == 30
    assert peer.fetched_at == good_at
    assert peer.attempted_at > good_at


def test_the_next_good_fetch_clears_the_problem(feed_server, db, closed_port):
    peer = Peer.objects.create(feed_url=feed_server.at("/ok/feed.json"))
    peer_refresh(peer=peer)
    peer.refresh_from_db()
    assert peer.problem == FetchProblem.HTTP_STATUS
    assert peer.payload is None
    assert peer.fetched_at is None

    feed_server.feeds["/ok/feed.json"] = as_bytes(peer_payload(counted_visits=31))
    peer_refresh(peer=peer)

    peer.refresh_from_db()
    assert (peer.problem, peer.problem_detail) == ("", "")
    assert peer.payload["figures"]["counted_visits"] == 31


def test_one_refresh_fetches_every_peer_whatever_the_others_do(feed_server, db, closed_port):
    feed_server.feeds["/ok/feed.json"] = as_bytes(peer_payload())
    urls = [
        feed_server.at("/ok/feed.json"),
        feed_server.at("/slow/feed.json"),
        feed_server.at("/huge/feed.json"),
        feed_server.at("/moved/feed.json"),
        f"http://127.0.0.1:{closed_port}/feed.json",
    ]
    for url in urls:
        Peer.objects.create(feed_url=url)
    started = time.monotonic()

    outcomes = peers_refresh()

    # Fetched side by side: the slow one does not hold up the others.
    assert time.monotonic() - started < 2
    assert [o.ok for o in outcomes] == [True, False, False, False, False]
    problems = dict(Peer.objects.values_list("feed_url", "problem"))
    assert problems == {
        urls[0]: "",
        urls[1]: FetchProblem.TIMEOUT,
        urls[2]: FetchProblem.TOO_LARGE,
        urls[3]: FetchProblem.REDIRECT,
        urls[4]: FetchProblem.UNREACHABLE,
    }
