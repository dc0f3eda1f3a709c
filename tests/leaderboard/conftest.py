"""A small organisation whose leaderboard is worked out by hand in the comments below."""

import datetime as dt
from dataclasses import dataclass
from unittest import mock

import pytest
from django.utils import timezone

from campaign.roles import COORDINATORS, UNIT_MANAGERS
from ideas.models import Idea
from tests.factories import (
    CampaignFactory,
    IdeaFactory,
    RosterEntryFactory,
    StaffFactory,
    UnitFactory,
    VisitFactory,
)
from visits.models import Visit

START = dt.date(2026, 3, 2)


@dataclass
class Organisation:
    campaign: object
    units: dict
    people: dict
    visits: dict
    ideas: dict


def at(day: int, hour: int = 12) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(START + dt.timedelta(days=day), dt.time(hour)))


@pytest.fixture
def organisation(db):
    """Departments D1 (units A, B, Empty) and D2 (units C, Tiny).

    Roster: A = a1 (leader), a2, a3, a4; B = b1 (leader), b2, b3, b4 and m, who has since moved
    to A; C = c1, c2, c3; Tiny = t1, t2 (below the minimum size of 3); Empty = e1, e2, e3.

    Visits (day of the campaign): v1 a1 + b1 jointly (3), v2 a2 + a3 (4), v3 m, credited to A (5),
    v4 a4 planned, v5 b2 cancelled, v6 b3 for only 30 minutes, v7 c1 (6), v8 t1 (7), v9 b2 (20).
    Ideas: on v1 i1 new and i2 accepted (recorded on day 15); on v2 i3 a duplicate of i1 and i4
    implemented; on v5 i5; on v6 i7; on v7 i6 in progress.

    By hand, units (headcount, visits, visitors, ideas, accepted, leaders; score per 10 with
    weights 1, 3, 2):
      A      4, 3, 4, 3, 2, 1;  (3 + 9 + 4) × 10 / 4 = 40.00  rank 1
      B      5, 2, 2, 2, 1, 1;  (2 + 6 + 2) × 10 / 5 = 20.00  rank 2
      C      3, 1, 1, 1, 1, 0;  (1 + 3 + 2) × 10 / 3 = 20.00  rank 2 (tie)
      Empty  3, 0, 0, 0, 0, 0;  0.00                         rank 4
      Tiny   2, 1, 1, 0, 0, 0;  1 × 10 / 2 = 5.00            not ranked
    Organisation: 6 counted visits (the joint one once), 4 ideas.
    """
    campaign = CampaignFactory(is_current=True, starts_on=START, min_unit_size=3)
    d1 = UnitFactory(name="Osasto 1", code="D1")
    d2 = UnitFactory(name="Osasto 2", code="D2")
    units = {
        "A": UnitFactory(name="Yksikkö A", code="A", parent=d1),
        "B": UnitFactory(name="Yksikkö B", code="B", parent=d1),
        "Empty": UnitFactory(name="Yksikkö Tyhjä", code="E", parent=d1),
        "C": UnitFactory(name="Yksikkö C", code="C", parent=d2),
        "Tiny": UnitFactory(name="Yksikkö Pieni", code="T", parent=d2),
        "D1": d1,
        "D2": d2,
    }
    people = {}
    roster = {
        "A": ["a1", "a2", "a3", "a4"],
        "B": ["b1", "b2", "b3", "b4", "m"],
        "C": ["c1", "c2", "c3"],
        "Tiny": ["t1", "t2"],
        "Empty": ["e1", "e2", "e3"],
    }
    for code, names in roster.items():
        for name in names:
            role = UNIT_MANAGERS if name in {"a1", "b1"} else None
            people[name] = StaffFactory(
                username=f"org-{name}",
                unit=units[code],
                is_leadership=name in {"a1", "b1"},
                role=role,
            )
            RosterEntryFactory(campaign=campaign, staff=people[name])
    people["coordinator"] = StaffFactory(username="org-coordinator", unit=d2, role=COORDINATORS)
    # m moved from B to A after the roster was taken; their visit is credited to A.
    people["m"].unit = units["A"]
    people["m"].save()

    def visit(day, who, **fields):
        team = [people[name] for name in who]
        return VisitFactory(
            campaign=campaign,
            created_by=team[0],
            participants=team,
            visited_on=START + dt.timedelta(days=day),
            **fields,
        )

    visits = {
        "v1": visit(3, ["a1", "b1"]),
        "v2": visit(4, ["a2", "a3"]),
        "v3": visit(5, ["m"]),
        "v4": visit(6, ["a4"], status=Visit.Status.PLANNED),
        "v5": visit(6, ["b2"], status=Visit.Status.CANCELLED),
        "v6": visit(6, ["b3"], minutes=30),
        "v7": visit(6, ["c1"]),
        "v8": visit(7, ["t1"]),
        "v9": visit(20, ["b2"]),
    }

    def idea(on, day, **fields):
        # Recorded on that day, as the figures see it.
        with mock.patch("django.utils.timezone.now", return_value=at(day)):
            return IdeaFactory(visit=visits[on], **fields)

    ideas = {"i1": idea("v1", 3), "i2": idea("v1", 15, status=Idea.Status.ACCEPTED)}
    ideas["i3"] = idea("v2", 4, status=Idea.Status.DUPLICATE, duplicate_of=ideas["i1"])
    ideas["i4"] = idea("v2", 4, status=Idea.Status.IMPLEMENTED)
    ideas["i5"] = idea("v5", 6)
    ideas["i7"] = idea("v6", 6)
    ideas["i6"] = idea("v7", 6, status=Idea.Status.IN_PROGRESS)
    return Organisation(campaign, units, people, visits, ideas)
