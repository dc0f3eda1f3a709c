"""Our feed's figures equal a computation from scratch, cost the same at any size and name no one;
the organisations are ranked per 10 staff with one set of weights."""

import datetime as dt
import json
from decimal import Decimal
from itertools import accumulate

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from campaign.models import Client, Staff
from challenge import feed
from challenge.models import FetchProblem, Peer
from challenge.selectors import challenge_board, feed_payload, our_campaign
from challenge.services import campaign_publish
from ideas.models import Idea
from tests.challenge.samples import peer_payload
from tests.factories import (
    CampaignFactory,
    ClientFactory,
    IdeaFactory,
    RosterEntryFactory,
    StaffFactory,
    VisitFactory,
)
from tests.leaderboard.reference import reference

BASE = "https://kylaan.example.org"


def test_the_feed_has_the_organisations_figures_as_computed_from_scratch(organisation, settings):
    settings.ORGANISATION_NAME = "Terveyden edistämisen virasto"
    campaign = organisation.campaign
    expected = reference(campaign)

    payload = feed_payload(campaign=campaign, base=BASE)

    assert payload["organisation"] == "Terveyden edistämisen virasto"
    assert payload["site_url"] == f"{BASE}/"
    assert payload["feed_url"] == f"{BASE}/challenge/{campaign.slug}/feed.json"
    assert payload["campaign"] == {
        "name": campaign.name,
        "slug": campaign.slug,
        "starts_on": "2026-03-02",
        "ends_on": "2026-04-12",
        "min_minutes": 60,
        "remote_visits_count": False,
    }
    assert payload["figures"] == {
        "headcount": 17,
        "counted_visits": expected.visits,
        "visitors": expected.visitors,
        "ideas": expected.ideas,
        "accepted_ideas": expected.accepted,
        "clients_reached": expected.clients,
        "leaders_on_roster": 2,
        "leaders_visited": expected.leaders,
    }
    # By hand (tests/leaderboard/conftest.py): 6 counted visits, 4 ideas, 3 of them accepted.
    assert (expected.visits, expected.ideas, expected.accepted) == (6, 4, 3)
    days = [campaign.starts_on + dt.timedelta(days=n) for n in range(campaign.duration_days)]
    visits = list(accumulate(expected.visits_by_day.get(day, 0) for day in days))
    ideas = list(accumulate(expected.ideas_by_day.get(day, 0) for day in days))
    assert payload["cumulative"] == {"first_day": "2026-03-02", "visits": visits, "ideas": ideas}
    assert payload["scoring"] == {
        "weight_visit": 1.0,
        "weight_idea": 3.0,
        "weight_accepted": 2.0,
        "per_capita": True,
        "per_staff": 10,
    }
    assert feed.parse(payload).counted_visits == 6


def test_the_feed_of_a_running_campaign_reaches_today(db):
    today = timezone.localdate()
    campaign = CampaignFactory(starts_on=today - dt.timedelta(days=4))

    payload = feed_payload(campaign=campaign, base=BASE)

    assert payload["cumulative"]["visits"] == [0, 0, 0, 0, 0]


def _queries(campaign) -> int:
    with CaptureQueriesContext(connection) as queries:
        feed_payload(campaign=campaign, base=BASE)
    return len(queries)


def test_the_feed_costs_the_same_number_of_queries_whatever_the_size(organisation):
    campaign = organisation.campaign
    before = _queries(campaign)
    people = list(organisation.people.values())
    for n in range(8):
        visit = VisitFactory(
            campaign=campaign,
            created_by=people[n % len(people)],
            visited_on=campaign.starts_on + dt.timedelta(days=n % 20),
        )
        IdeaFactory(visit=visit, status=Idea.Status.ACCEPTED)

    assert _queries(campaign) == before
    assert before == 8


def test_the_feed_names_no_staff_member_client_or_unit(organisation):
    campaign = organisation.campaign
    names = [
        ("Ville", "Vierailija"),
        ("Kaisa", "Kollega"),
        ("Maija-Liisa", "Niemelä-Koskinen"),
        ("Åsa", "Lindqvist"),
    ]
    for person, (first, last) in zip(Staff.objects.order_by("pk"), names * 10, strict=False):
        person.first_name, person.last_name = first, last
        person.save()
    tampere = ClientFactory(name="Tampereen kaupunki", business_id="0211675-2")
    leader = StaffFactory(username="johtaja.esimerkki", is_leadership=True)
    RosterEntryFactory(campaign=campaign, staff=leader)
    visit = VisitFactory(campaign=campaign, client=tampere, created_by=leader, notes="Kuuntelimme")
    IdeaFactory(visit=visit, title="Tietopalvelujen neuvonta", text="Asiakkaan omin sanoin.")

    text = json.dumps(feed_payload(campaign=campaign, base=BASE), ensure_ascii=False)

    personal = set()
    for person in Staff.objects.all():
        personal |= {person.username, person.email, person.get_full_name(), person.title}
        personal |= {person.first_name, person.last_name}
    for client in Client.objects.all():
        personal |= {client.name, client.business_id}
    personal |= {unit.name for unit in organisation.units.values()}
    personal |= set(Idea.objects.values_list("title", flat=True))
    personal |= set(Idea.objects.values_list("text", flat=True))
    personal.discard("")
    assert len(personal) > 40
    found = sorted(name for name in personal if name in text)
    assert found == [], found
    # Nothing per unit either: the figures are the organisation's alone.
    assert set(json.loads(text)["figures"]) == set(feed.FIGURES)


# --- Our campaign and the others ----------------------------------------------------------------


def test_our_campaign_is_the_current_one_when_it_is_published(db):
    current = CampaignFactory(is_current=True, starts_on=dt.date(2026, 3, 2))
    earlier = CampaignFactory(starts_on=dt.date(2025, 3, 2))
    assert our_campaign() is None

    campaign_publish(campaign=earlier)
    assert our_campaign() == earlier

    campaign_publish(campaign=current)
    assert our_campaign() == current


def _peer(payload=None, **fields) -> Peer:
    url = f"https://kylaan.peer{Peer.objects.count()}.invalid/challenge/kevat/feed.json"
    if payload is not None:
        fields |= {"payload": payload, "fetched_at": timezone.now() - dt.timedelta(hours=2)}
    return Peer.objects.create(feed_url=url, **fields)


def test_organisations_are_ranked_per_10_staff_with_the_same_weights(organisation):
    campaign_publish(campaign=organisation.campaign)
    # Their own weights (5 per idea) are theirs: the challenge scores everyone 1, 3 and 2.
    #   ours:   (6 + 3 × 4 + 2 × 3) × 10 / 17 = 14.12
    #   agency: (30 + 3 × 9 + 2 × 2) × 10 / 200 = 3.05
    #   county: (61 + 3 × 15 + 2 × 8) × 10 / 400 = 3.05, sharing the rank
    #   newcomer: nobody on the roster, no points, no rank
    _peer(peer_payload(organisation="Virasto"))
    _peer(
        peer_payload(
            organisation="Hyvinvointialue",
            headcount=400,
            counted_visits=61,
            ideas=15,
            accepted_ideas=8,
        )
    )
    _peer(peer_payload(organisation="Uusi virasto", headcount=0))
    never = _peer()
    broken = _peer({"format": "something else"}, problem=FetchProblem.INVALID)

    board = challenge_board(base=BASE)

    # Scores are exact (ranks are taken from them); the page shows two decimals.
    rows = [
        (s.feed.organisation, s.rank, s.score if s.score is None else round(s.score, 2), s.is_ours)
        for s in board.standings
    ]
    assert board.standings[0].score == Decimal(240) / 17
    assert rows == [
        ("Kylään", 1, Decimal("14.12"), True),
        ("Hyvinvointialue", 2, Decimal("3.05"), False),
        ("Virasto", 2, Decimal("3.05"), False),
        ("Uusi virasto", None, None, False),
    ]
    assert [(w.peer, w.problem) for w in board.waiting] == [
        (never, ""),
        (broken, FetchProblem.INVALID.label),
    ]
    ours = board.standings[0]
    assert ours.participation == pytest.approx(ours.feed.visitors / 17)
    assert ours.ideas_per_visit == pytest.approx(4 / 6)
    assert ours.visits_per_10 == pytest.approx(60 / 17)


def test_a_peer_whose_last_fetch_failed_shows_its_last_good_figures_with_the_problem(db):
    fetched_at = timezone.now() - dt.timedelta(days=1)
    Peer.objects.create(
        feed_url="https://kylaan.peer.invalid/challenge/kevat/feed.json",
        payload=peer_payload(),
        fetched_at=fetched_at,
        attempted_at=timezone.now(),
        problem=FetchProblem.TIMEOUT,
    )

    board = challenge_board(base=BASE)

    (standing,) = board.standings
    assert standing.feed.counted_visits == 30
    assert standing.updated_at == fetched_at
    assert standing.problem == FetchProblem.TIMEOUT.label
    assert board.with_problems == [standing]
    assert board.ours is None
