"""The campaign's figure rows computed from the source tables: what `leaderboard.models` stores.

Reads only. `unit_rows` gives every row of a set of units (or of all of them), `client_rows`
every row of a set of clients. Whether a visit or an idea counts is asked of its QuerySet
(`VisitQuerySet.counted`, `IdeaQuerySet.counted`); this module only sums.

A visit counts through its participants: each is credited to a unit. A unit's rows depend on its
own visits and, through the attribution of joint visits, on the other units of those visits; a
change to a visit therefore marks every unit the visit is credited to. (A visit without any
participant, which only hand-edited rows can make, counts nowhere.)
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import BooleanField, Exists, ExpressionWrapper, Min, OuterRef

from campaign.models import Campaign
from ideas.models import IS_ACCEPTED, Idea
from leaderboard.models import ClientReached, IdeaTally, UnitDay, UnitTally, UnitVisitor
from visits.models import Visit, VisitParticipant
from visits.rules import VisitStatus

# Units are recomputed in groups of this many, so that rebuilding a large campaign holds a
# bounded share of its rows in memory at a time.
BATCH_UNITS = 10


@dataclass
class UnitRows:
    days: list[UnitDay] = field(default_factory=list)
    visitors: list[UnitVisitor] = field(default_factory=list)
    tallies: list[UnitTally] = field(default_factory=list)
    ideas: list[IdeaTally] = field(default_factory=list)

    def extend(self, other: "UnitRows") -> None:
        self.days += other.days
        self.visitors += other.visitors
        self.tallies += other.tallies
        self.ideas += other.ideas


def campaign_units(campaign: Campaign) -> set[int]:
    """Every unit that has figures in the campaign: the units its visits are credited to."""
    return set(
        VisitParticipant.objects.filter(visit__campaign=campaign)
        .values_list("unit_id", flat=True)
        .distinct()
        .order_by()
    )


def _touching(campaign: Campaign, units: set[int]):
    """The campaign's visits credited to one of `units`."""
    credited = VisitParticipant.objects.filter(unit_id__in=units).values("visit_id")
    return Visit.objects.in_campaign(campaign).filter(pk__in=credited)


def _counted_with_participants(campaign: Campaign):
    return (
        Visit.objects.in_campaign(campaign)
        .counted()
        .filter(Exists(VisitParticipant.objects.filter(visit=OuterRef("pk"))))
    )


def unit_rows(campaign: Campaign, units: Iterable[int] | None = None) -> UnitRows:
    """Every figure row of `units` (all units of the campaign when None), as a fresh computation
    from the visits, participants and ideas would store it."""
    wanted = campaign_units(campaign) if units is None else set(units)
    ordered = sorted(wanted)
    rows = UnitRows()
    for start in range(0, len(ordered), BATCH_UNITS):
        rows.extend(_unit_rows(campaign, set(ordered[start : start + BATCH_UNITS])))
    return rows


def _unit_rows(campaign: Campaign, units: set[int]) -> UnitRows:
    touching = _touching(campaign, units)
    credits: dict[int, dict[int, int]] = defaultdict(dict)  # visit → unit → department
    staff_of: dict[int, list[tuple[int, int]]] = defaultdict(list)  # visit → (unit, staff)
    for visit_id, unit_id, staff_id, parent_id in VisitParticipant.objects.filter(
        visit__in=touching
    ).values_list("visit_id", "unit_id", "staff_id", "unit__parent_id"):
        credits[visit_id][unit_id] = parent_id or unit_id
        staff_of[visit_id].append((unit_id, staff_id))
    counted = set(touching.counted().values_list("pk", flat=True))

    days: dict[tuple[int, dt.date], UnitDay] = {}
    visitors: dict[tuple[int, int], UnitVisitor] = {}
    tallies = {unit: UnitTally(campaign=campaign, unit_id=unit) for unit in units}
    ideas: dict[tuple[int, int | None, str, bool], IdeaTally] = {}

    def day_row(unit: int, day: dt.date) -> UnitDay:
        key = (unit, day)
        if key not in days:
            days[key] = UnitDay(campaign=campaign, unit_id=unit, day=day)
        return days[key]

    def attributed(visit_id: int):
        """(unit, the unit the organisation attributes the visit to, the one its department
        does) for each of the visit's units that is being computed."""
        visit_credits = credits.get(visit_id)
        if not visit_credits:
            # Its participants were added after they were read: that change has noted its units
            # and will recompute them once this refresh lets go of them.
            return
        org_unit = min(visit_credits)
        first_in_department: dict[int, int] = {}
        for unit, department in visit_credits.items():
            first_in_department[department] = min(unit, first_in_department.get(department, unit))
        for unit, department in visit_credits.items():
            if unit in units:
                yield unit, unit == org_unit, first_in_department[department] == unit

    for visit_id, day, status, rating in touching.values_list(
        "pk", "visited_on", "status", "benefit_rating"
    ):
        counts = visit_id in counted
        for unit, for_org, _for_department in attributed(visit_id):
            if for_org:
                tally = tallies[unit]
                if status == VisitStatus.PLANNED:
                    tally.planned += 1
                elif status == VisitStatus.CANCELLED:
                    tally.cancelled += 1
                else:
                    tally.done += 1
                if counts and rating:
                    setattr(tally, f"rating_{rating}", getattr(tally, f"rating_{rating}") + 1)
        if not counts:
            continue
        for unit, for_org, for_department in attributed(visit_id):
            row = day_row(unit, day)
            row.visits += 1
            row.dept_visits += for_department
            row.org_visits += for_org
        for unit, staff in staff_of.get(visit_id, ()):
            if unit in units:
                visitor = visitors.get((unit, staff))
                if visitor is None:
                    visitors[(unit, staff)] = UnitVisitor(
                        campaign=campaign, unit_id=unit, staff_id=staff, first_day=day
                    )
                elif day < visitor.first_day:
                    visitor.first_day = day

    for visit_id, status, theme_id, day, counts, accepted in (
        Idea.objects.of_counted_visits()
        .filter(visit__in=touching)
        .with_counting_day()
        .annotate(
            counts=Exists(Idea.objects.counted().filter(pk=OuterRef("pk"))),
            accepted=ExpressionWrapper(IS_ACCEPTED, output_field=BooleanField()),
        )
        .values_list("visit_id", "status", "theme_id", "counting_day", "counts", "accepted")
    ):
        for unit, for_org, for_department in attributed(visit_id):
            if for_org:
                key = (unit, theme_id, status, counts)
                if key not in ideas:
                    ideas[key] = IdeaTally(
                        campaign=campaign,
                        unit_id=unit,
                        theme_id=theme_id,
                        status=status,
                        counts=counts,
                        ideas=0,
                    )
                ideas[key].ideas += 1
            if not counts:
                continue
            row = day_row(unit, day)
            row.ideas += 1
            row.accepted += accepted
            row.dept_ideas += for_department
            row.dept_accepted += for_department and accepted
            row.org_ideas += for_org
            row.org_accepted += for_org and accepted

    return UnitRows(
        days=list(days.values()),
        visitors=list(visitors.values()),
        tallies=list(tallies.values()),
        ideas=list(ideas.values()),
    )


def campaign_clients(campaign: Campaign) -> set[int]:
    return set(Visit.objects.in_campaign(campaign).values_list("client_id", flat=True).distinct())


def client_rows(campaign: Campaign, clients: Iterable[int] | None = None) -> list[ClientReached]:
    """The clients of `clients` (every client visited in the campaign when None) and the day of
    their first counted visit; None for a client with no counted visit."""
    wanted = campaign_clients(campaign) if clients is None else set(clients)
    first = dict(
        _counted_with_participants(campaign)
        .filter(client_id__in=wanted)
        .values("client_id")
        .annotate(first_day=Min("visited_on"))
        .values_list("client_id", "first_day")
        .order_by()
    )
    return [
        ClientReached(campaign=campaign, client_id=client, first_day=first.get(client))
        for client in sorted(wanted)
    ]
