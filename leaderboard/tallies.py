"""The campaign's figure rows computed from the source tables: what `leaderboard.models` stores.

Reads only. `day_rows`, `visitor_rows` and `client_rows` give the rows of the given keys (or all
of a campaign's), `visit_keys` the keys a visit contributes to as the tables hold it now. Whether
a visit or an idea counts is asked of its QuerySet (`VisitQuerySet.counted`,
`IdeaQuerySet.counted`), and the day an idea starts to count too (`with_counting_day`); this
module only sums.

A visit counts through its participants: it is credited to each of their units. A unit's day
also depends on the visit's other units (which of them the organisation and the department
attribute it to), so a change to a visit touches the days of all its units. (A visit without any
participant, which only hand-edited rows can make, counts nowhere.)
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import BooleanField, Exists, ExpressionWrapper, Min, OuterRef

from campaign.models import Campaign
from ideas.models import IS_ACCEPTED, Idea
from leaderboard.models import ClientReached, UnitDay, UnitVisitor
from visits.models import Visit, VisitParticipant
from visits.rules import VisitStatus

DayKey = tuple[int, dt.date]  # (unit, day)
VisitorKey = tuple[int, int]  # (unit, staff)
# A large campaign is recomputed this many units at a time, so that the rows held in memory stay
# a bounded share of it.
BATCH_UNITS = 10


@dataclass
class Keys:
    """The figure rows a change touches."""

    days: set[DayKey] = field(default_factory=set)
    visitors: set[VisitorKey] = field(default_factory=set)
    clients: set[int] = field(default_factory=set)

    def update(self, other: "Keys") -> None:
        self.days |= other.days
        self.visitors |= other.visitors
        self.clients |= other.clients


def visit_keys(visit_id: int) -> tuple[int | None, Keys]:
    """The campaign of a visit and the rows it contributes to, as the tables hold it now: each of
    its units on its day and on the days its ideas count, each participant in their unit, and its
    client. (None, no keys) once the visit is gone."""
    visit = Visit.objects.filter(pk=visit_id).values_list("campaign_id", "client_id", "visited_on")
    found = visit.first()
    if found is None:
        return None, Keys()
    campaign_id, client_id, day = found
    participations = set(
        VisitParticipant.objects.filter(visit_id=visit_id).values_list("unit_id", "staff_id")
    )
    days = {day} | set(
        Idea.objects.filter(visit_id=visit_id)
        .with_counting_day()
        .values_list("counting_day", flat=True)
    )
    units = {unit for unit, _staff in participations}
    return campaign_id, Keys(
        days={(unit, d) for unit in units for d in days},
        visitors=participations,
        clients={client_id},
    )


def campaign_units(campaign: Campaign) -> list[int]:
    """Every unit a visit of the campaign is credited to."""
    return sorted(
        VisitParticipant.objects.filter(visit__campaign=campaign)
        .values_list("unit_id", flat=True)
        .distinct()
        .order_by()
    )


def day_rows(campaign: Campaign, keys: Iterable[DayKey] | None = None) -> list[UnitDay]:
    """The rows of `keys` (every unit's every day when None), as a computation from scratch
    would store them; a key without visits or ideas gets a row of zeros."""
    if keys is None:
        units = campaign_units(campaign)
        rows: list[UnitDay] = []
        for start in range(0, len(units), BATCH_UNITS):
            rows += _day_rows(campaign, set(units[start : start + BATCH_UNITS]), None).values()
        return rows
    keys = set(keys)
    if not keys:
        return []
    found = _day_rows(campaign, {unit for unit, _day in keys}, {day for _unit, day in keys})
    return [
        found.get(key) or UnitDay(campaign=campaign, unit_id=key[0], day=key[1])
        for key in sorted(keys)
    ]


def _day_rows(campaign: Campaign, units: set[int], days: set[dt.date] | None) -> dict:
    """The rows of these units (on these days, or on all) that have something to count."""
    credited = VisitParticipant.objects.filter(unit_id__in=units).values("visit_id")
    visits = Visit.objects.in_campaign(campaign).filter(pk__in=credited)
    day_visits = visits if days is None else visits.filter(visited_on__in=days)
    ideas = Idea.objects.of_counted_visits().filter(visit__in=visits).with_counting_day()
    if days is not None:
        ideas = ideas.filter(counting_day__in=days)
    idea_rows = list(
        ideas.annotate(
            counts=Exists(Idea.objects.counted().filter(pk=OuterRef("pk"))),
            accepted=ExpressionWrapper(IS_ACCEPTED, output_field=BooleanField()),
        ).values_list("visit_id", "status", "theme_id", "counting_day", "counts", "accepted")
    )
    visit_rows = list(day_visits.values_list("pk", "visited_on", "status", "benefit_rating"))
    counted = set(day_visits.counted().values_list("pk", flat=True))

    credits: dict[int, dict[int, int]] = defaultdict(dict)  # visit → unit → department
    for source in (day_visits.values("pk"), ideas.values("visit_id")):
        for visit_id, unit_id, parent_id in VisitParticipant.objects.filter(
            visit__in=source
        ).values_list("visit_id", "unit_id", "unit__parent_id"):
            credits[visit_id][unit_id] = parent_id or unit_id

    rows: dict[DayKey, UnitDay] = {}

    def row(unit: int, day: dt.date) -> UnitDay:
        if (unit, day) not in rows:
            rows[(unit, day)] = UnitDay(campaign=campaign, unit_id=unit, day=day, idea_tally={})
        return rows[(unit, day)]

    def attributed(visit_id: int):
        """(unit, whether the organisation attributes the visit to it, whether its department
        does) for each of the visit's units being computed."""
        visit_credits = credits.get(visit_id)
        if not visit_credits:
            # Its participants were added after they were read: that change has noted its rows
            # and will recompute them once this computation's refresh lets go of them.
            return
        org_unit = min(visit_credits)
        first_in_department: dict[int, int] = {}
        for unit, department in visit_credits.items():
            first_in_department[department] = min(unit, first_in_department.get(department, unit))
        for unit, department in visit_credits.items():
            if unit in units:
                yield unit, unit == org_unit, first_in_department[department] == unit

    for visit_id, day, status, rating in visit_rows:
        counts = visit_id in counted
        for unit, for_org, for_department in attributed(visit_id):
            figures = row(unit, day)
            if for_org:
                if status == VisitStatus.PLANNED:
                    figures.planned += 1
                elif status == VisitStatus.CANCELLED:
                    figures.cancelled += 1
                else:
                    figures.done += 1
                if counts and rating:
                    name = f"rating_{rating}"
                    setattr(figures, name, getattr(figures, name) + 1)
            if counts:
                figures.visits += 1
                figures.dept_visits += for_department
                figures.org_visits += for_org

    for visit_id, status, theme_id, day, counts, accepted in idea_rows:
        for unit, for_org, for_department in attributed(visit_id):
            figures = row(unit, day)
            if for_org:
                key = f"{theme_id or 0}|{status}|{int(counts)}"
                figures.idea_tally[key] = figures.idea_tally.get(key, 0) + 1
            if counts:
                figures.ideas += 1
                figures.accepted += accepted
                figures.dept_ideas += for_department
                figures.dept_accepted += for_department and accepted
                figures.org_ideas += for_org
                figures.org_accepted += for_org and accepted
    return rows


def visitor_rows(campaign: Campaign, keys: Iterable[VisitorKey] | None = None) -> list:
    """UnitVisitor rows of `keys` (of everyone credited on a counted visit when None): the day
    of the person's first counted visit credited to the unit, None when there is none."""
    credited = VisitParticipant.objects.filter(
        visit__in=Visit.objects.in_campaign(campaign).counted()
    )
    if keys is not None:
        keys = set(keys)
        if not keys:
            return []
        credited = credited.filter(
            unit_id__in={unit for unit, _staff in keys},
            staff_id__in={staff for _unit, staff in keys},
        )
    first = {
        (unit, staff): day
        for unit, staff, day in credited.values("unit_id", "staff_id")
        .annotate(first_day=Min("visit__visited_on"))
        .values_list("unit_id", "staff_id", "first_day")
        .order_by()
    }
    wanted = sorted(first) if keys is None else sorted(keys)
    return [
        UnitVisitor(
            campaign=campaign, unit_id=unit, staff_id=staff, first_day=first.get((unit, staff))
        )
        for unit, staff in wanted
    ]


def campaign_clients(campaign: Campaign) -> set[int]:
    return set(
        Visit.objects.in_campaign(campaign)
        .values_list("client_id", flat=True)
        .distinct()
        .order_by()
    )


def client_rows(campaign: Campaign, clients: Iterable[int] | None = None) -> list[ClientReached]:
    """The clients of `clients` (every client visited in the campaign when None) and the day of
    their first counted visit; None for a client with no counted visit."""
    wanted = campaign_clients(campaign) if clients is None else set(clients)
    counted = (
        Visit.objects.in_campaign(campaign)
        .counted()
        .filter(Exists(VisitParticipant.objects.filter(visit=OuterRef("pk"))))
    )
    first = dict(
        counted.filter(client_id__in=wanted)
        .values("client_id")
        .annotate(first_day=Min("visited_on"))
        .values_list("client_id", "first_day")
        .order_by()
    )
    return [
        ClientReached(campaign=campaign, client_id=client, first_day=first.get(client))
        for client in sorted(wanted)
    ]
