"""Reads for the challenge: our published campaigns' feeds, and the organisations side by side.

Our own feed is built from the organisation's maintained figures (`leaderboard.selectors`), in a
fixed number of queries whatever the size of the campaign. The peers' figures are what their last
good feed said; the page never fetches anything itself.
"""

import datetime as dt
from dataclasses import dataclass, replace
from decimal import Decimal

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from campaign.models import Campaign
from campaign.selectors import campaign_current
from challenge import feed as feeds
from challenge.feed import Feed, FeedError
from challenge.models import FetchProblem, Peer, Publication
from leaderboard import scoring
from leaderboard.selectors import Figures, campaign_days, organisation_figures

# The challenge scores every organisation with the same weights, the unit leaderboard's defaults,
# whatever weights each one uses for its own units: a campaign's settings are its own affair.
WEIGHT_FIELDS = ("weight_visit", "weight_idea", "weight_accepted")
CHALLENGE_WEIGHTS = {name: Campaign._meta.get_field(name).default for name in WEIGHT_FIELDS}


def site_url() -> str:
    """This installation's address, as other organisations reach it (`SITE_URL`)."""
    return settings.SITE_URL


def feed_url(*, campaign: Campaign, base: str) -> str:
    return base + reverse("challenge:feed", args=[campaign.slug])


def published_campaigns():
    return Campaign.objects.filter(challenge_publication__isnull=False).order_by("-starts_on")


def campaigns_to_publish():
    """Every campaign, newest first, each with `published`: whether its feed is served."""
    return Campaign.objects.annotate(
        published=Exists(Publication.objects.filter(campaign=OuterRef("pk")))
    ).order_by("-starts_on", "name")


def peers_followed():
    return Peer.objects.order_by("feed_url")


def published_campaign(*, slug: str) -> Campaign | None:
    return published_campaigns().filter(slug=slug).first()


def our_campaign() -> Campaign | None:
    """The campaign we compare with the others: the current one when it is published, else the
    latest published one."""
    current = campaign_current()
    published = published_campaigns()
    if current is not None and published.filter(pk=current.pk).exists():
        return current
    return published.first()


def feed_payload(
    *, campaign: Campaign, base: str, now: dt.datetime | None = None, today: dt.date | None = None
) -> dict:
    """The campaign's feed (README, The challenge between organisations): the organisation's
    aggregate figures only, nothing about a person or a unit."""
    now = now or timezone.now()
    figures = Figures(campaign)
    totals = organisation_figures(campaign=campaign, figures=figures)
    days = campaign_days(campaign=campaign, figures=figures, today=today)
    return feeds.payload(
        organisation=settings.ORGANISATION_NAME,
        site_url=base + "/",
        feed_url=feed_url(campaign=campaign, base=base),
        computed_at=now,
        name=campaign.name,
        slug=campaign.slug,
        starts_on=campaign.starts_on,
        ends_on=campaign.ends_on,
        min_minutes=campaign.min_minutes,
        remote_visits_count=campaign.remote_counts,
        figures={name: getattr(totals, name) for name in feeds.FIGURES},
        visits=[day.visits for day in days],
        ideas=[day.ideas for day in days],
        weight_visit=campaign.weight_visit,
        weight_idea=campaign.weight_idea,
        weight_accepted=campaign.weight_accepted,
        per_capita=campaign.per_capita,
    )


# --- The organisations side by side -------------------------------------------------------------


@dataclass(frozen=True)
class Standing:
    """One organisation on the challenge page."""

    feed: Feed
    is_ours: bool
    updated_at: dt.datetime
    peer: Peer | None = None
    rank: int | None = None

    @property
    def score(self) -> Decimal | None:
        """Points per 10 people on the roster, with the challenge's weights; none without one."""
        if not self.feed.headcount:
            return None
        return scoring.score(
            visits=self.feed.counted_visits,
            ideas=self.feed.ideas,
            accepted=self.feed.accepted_ideas,
            headcount=self.feed.headcount,
            per_capita=True,
            **CHALLENGE_WEIGHTS,
        )

    @property
    def participation(self) -> float | None:
        return scoring.ratio(self.feed.visitors, self.feed.headcount)

    @property
    def visits_per_10(self) -> float | None:
        ratio = scoring.ratio(self.feed.counted_visits, self.feed.headcount)
        return None if ratio is None else ratio * scoring.PER_CAPITA_SIZE

    @property
    def ideas_per_visit(self) -> float | None:
        return scoring.ratio(self.feed.ideas, self.feed.counted_visits)

    @property
    def problem(self) -> str:
        """Why the figures are not the latest: the last fetch's problem, or ""."""
        return self.peer.get_problem_display() if self.peer and self.peer.problem else ""


@dataclass(frozen=True)
class Waiting:
    """A followed organisation with no figures to show yet."""

    peer: Peer
    problem: str


@dataclass(frozen=True)
class ChallengeBoard:
    ours: Campaign | None
    standings: list[Standing]
    waiting: list[Waiting]

    @property
    def with_problems(self) -> list[Standing]:
        return [standing for standing in self.standings if standing.problem]


def peer_feed(peer: Peer) -> Feed | None:
    """The figures of a peer's last good feed, checked again (the schema may have moved on)."""
    if peer.payload is None:
        return None
    try:
        return feeds.parse(peer.payload)
    except FeedError:
        return None


def challenge_board(*, base: str, now: dt.datetime | None = None) -> ChallengeBoard:
    """Our published campaign and every followed organisation, ranked by points per 10 staff on
    the roster; equal points share a rank, an organisation with nobody on its roster has none."""
    now = now or timezone.now()
    ours = our_campaign()
    standings = []
    if ours is not None:
        payload = feed_payload(campaign=ours, base=base, now=now)
        standings.append(Standing(feed=feeds.parse(payload), is_ours=True, updated_at=now))
    waiting = []
    for peer in Peer.objects.order_by("pk"):
        feed = peer_feed(peer)
        if feed is None:
            problem = peer.get_problem_display() if peer.problem else ""
            if peer.payload is not None:
                problem = FetchProblem.INVALID.label
            waiting.append(Waiting(peer=peer, problem=problem))
        else:
            standings.append(
                Standing(feed=feed, is_ours=False, updated_at=peer.fetched_at, peer=peer)
            )
    ranks = scoring.competition_ranks(
        standings, key=lambda s: s.score, eligible=lambda s: s.score is not None
    )
    ranked = [replace(s, rank=rank) for s, rank in zip(standings, ranks, strict=True)]
    ranked.sort(key=lambda s: (s.rank is None, s.rank or 0, s.feed.organisation.casefold()))
    return ChallengeBoard(ours=ours, standings=ranked, waiting=waiting)
