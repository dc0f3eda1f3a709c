"""Writes for the challenge: publishing a campaign, following and unfollowing other
organisations, and storing what their feeds bring.

A fetch runs outside any transaction (it may take seconds) and its outcome is stored with one
UPDATE: the figures of the last good feed stay until a newer good one arrives, so a peer that is
down, slow or broken only adds a note of the problem.
"""

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from campaign.models import Campaign, Staff
from challenge.feed import FeedError
from challenge.fetch import CREDENTIALS, Fetched, address_problem, fetch_feed
from challenge.models import Peer, Publication

# Peers fetched at the same time by one refresh; each fetch is bounded by the timeouts.
PARALLEL_FETCHES = 8


@transaction.atomic
def campaign_publish(*, campaign: Campaign, by: Staff | None = None) -> Publication:
    """Serve the campaign's figures as a public feed (again nothing if it is already)."""
    publication, _created = Publication.objects.get_or_create(
        campaign=campaign, defaults={"published_by": by}
    )
    return publication


@transaction.atomic
def campaign_unpublish(*, campaign: Campaign) -> bool:
    """Stop serving the campaign's feed; whether it was published."""
    publication = Publication.objects.filter(campaign=campaign).first()
    if publication is None:
        return False
    publication.delete()
    return True


@transaction.atomic
def peer_add(*, feed_url: str, by: Staff | None = None) -> Peer:
    """Follow another organisation's feed. Its figures come with the next refresh."""
    feed_url = feed_url.strip()
    peer = Peer(feed_url=feed_url, added_by=by)
    peer.full_clean()
    problem = address_problem(feed_url)
    if problem == CREDENTIALS:
        raise ValidationError(
            {"feed_url": _("Leave the user name and password out of the address.")}
        )
    if problem:
        message = (
            _("Enter an address that starts with http:// or https://.")
            if settings.DEBUG
            else _("Enter an address that starts with https://: feeds are fetched securely only.")
        )
        raise ValidationError({"feed_url": message})
    if feed_url.startswith(settings.SITE_URL + "/"):
        raise ValidationError({"feed_url": _("This is this installation's own feed.")})
    peer.save()
    return peer


@transaction.atomic
def peer_remove(*, peer: Peer) -> None:
    peer.delete()


@dataclass(frozen=True)
class Outcome:
    """What one refresh of a peer brought."""

    peer: Peer
    fetched: Fetched | None = None
    error: FeedError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def _fetch(peer: Peer) -> Outcome:
    # The ETag is sent only while we hold the feed it names.
    etag = peer.etag if peer.payload is not None else ""
    try:
        return Outcome(peer=peer, fetched=fetch_feed(peer.feed_url, etag=etag))
    except FeedError as error:
        return Outcome(peer=peer, error=error)


def _store(outcome: Outcome) -> None:
    now = timezone.now()
    peers = Peer.objects.filter(pk=outcome.peer.pk)
    if outcome.error is not None:
        peers.update(
            attempted_at=now, problem=outcome.error.problem, problem_detail=outcome.error.detail
        )
    elif outcome.fetched.not_modified:
        peers.update(attempted_at=now, fetched_at=now, problem="", problem_detail="")
    else:
        peers.update(
            attempted_at=now,
            fetched_at=now,
            payload=outcome.fetched.data,
            etag=outcome.fetched.etag,
            problem="",
            problem_detail="",
        )


def peers_refresh(*, peers: list[Peer] | None = None) -> list[Outcome]:
    """Fetch every followed feed (or those given), a few at a time, and store what came back."""
    peers = list(Peer.objects.order_by("pk") if peers is None else peers)
    if not peers:
        return []
    with ThreadPoolExecutor(max_workers=min(PARALLEL_FETCHES, len(peers))) as pool:
        outcomes = list(pool.map(_fetch, peers))
    for outcome in outcomes:
        _store(outcome)
    return outcomes


def peer_refresh(*, peer: Peer) -> Outcome:
    return peers_refresh(peers=[peer])[0]
