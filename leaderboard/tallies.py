"""The campaign's figure rows computed from the source tables: what `leaderboard.models` stores.

Reads only. `visit_figures` gives what one visit contributes, `day_rows` the sum of every visit's
(a whole campaign), `visitor_rows` and `client_rows` the first days of the given people and
clients. Whether a visit or an idea counts is asked of its QuerySet (`VisitQuerySet.counted`,
`IdeaQuerySet.counted`), and the day an idea starts to count too (`with_counting_day`); this
module only sums.

A visit counts through its participants: it is credited to each of their units, and which of them
the organisation and the department attribute it to depends on all of them, so a visit's
contribution is always computed whole. (A visit without any participant, which only hand-edited
rows can make, counts nowhere.)
"""

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import BooleanField, Exists, ExpressionWrapper, Min, OuterRef

from campaign.models import Campaign
from ideas.models import IS_ACCEPTED, Idea
from leaderboard.models import ClientReached, DayCounts, UnitDay, UnitDayChange, UnitVisitor
from visits.models import Visit, VisitParticipant
from visits.rules import VisitStatus

DayKey = tuple[int, dt.date]  # (unit, day)
VisitorKey = tuple[int, int]  # (unit, staff)
COUNTS = [
    f.attname
    for f in DayCounts._meta.get_fields()
    if f.concrete and f.name not in {"id", "campaign", "unit", "day", "idea_tally"}
]
# A large campaign is recomputed this many units at a time, so that the rows held in memory stay
# a bounded share of it.
BATCH_UNITS = 10


@dataclass
class Keys:
    """The visitor and client rows a change touches."""

    visitors: set[VisitorKey] = field(default_factory=set)
    clients: set[int] = field(default_factory=set)

    def update(self, other: "Keys") -> None:
        self.visitors |= other.visitors
        self.clients |= other.clients


@dataclass
class VisitFigures:
    """What one visit, as the tables hold it now, contributes to its campaign's figures."""

    campaign_id: int
    days: dict[DayKey, UnitDay]
    keys: Keys


def visit_figures(visit_id: int) -> VisitFigures | None:
    """The visit's contribution to its units' days, and the visitors and client it touches; None
    once the visit is gone."""
    found = Visit.objects.filter(pk=visit_id).values_list("campaign_id", "client_id").first()
    if found is None:
        return None
    campaign_id, client_id = found
    campaign = Campaign(pk=campaign_id)
    days = _day_rows(campaign, Visit.objects.filter(pk=visit_id))
    participations = VisitParticipant.objects.filter(visit_id=visit_id)
    keys = Keys(
        visitors=set(participations.values_list("unit_id", "staff_id")), clients={client_id}
    )
    return VisitFigures(campaign_id, days, keys)


def day_changes(before: VisitFigures | None, after: VisitFigures | None) -> list[UnitDayChange]:
    """What a write changed in the units' days: `after`'s contribution minus `before`'s."""
    changes: dict[tuple[int, int, dt.date], UnitDayChange] = {}

    def add(figures: VisitFigures | None, sign: int) -> None:
        if figures is None:
            return
        for (unit, day), row in figures.days.items():
            key = (figures.campaign_id, unit, day)
            change = changes.setdefault(
                key,
                UnitDayChange(campaign_id=key[0], unit_id=unit, day=day, idea_tally={}),
            )
            for name in COUNTS:
                setattr(change, name, getattr(change, name) + sign * getattr(row, name))
            tally = Counter(change.idea_tally)
            tally.update({name: sign * n for name, n in row.idea_tally.items()})
            change.idea_tally = {name: n for name, n in tally.items() if n}

    add(after, 1)
    add(before, -1)
    return [
        change
        for change in changes.values()
        if change.idea_tally or any(getattr(change, name) for name in COUNTS)
    ]


def campaign_units(campaign: Campaign) -> list[int]:
    """Every unit a visit of the campaign is credited to."""
    return sorted(
        VisitParticipant.objects.filter(visit__campaign=campaign)
        .values_list("unit_id", flat=True)
        .distinct()
        .order_by()
    )


def day_rows(campaign: Campaign) -> list[UnitDay]:
    """Every unit's every day of the campaign, as a computation from scratch would store them."""
    units = campaign_units(campaign)
    rows: list[UnitDay] = []
    for start in range(0, len(units), BATCH_UNITS):
        batch = set(units[start : start + BATCH_UNITS])
        credited = VisitParticipant.objects.filter(unit_id__in=batch).values("visit_id")
        visits = Visit.objects.in_campaign(campaign).filter(pk__in=credited)
        rows += _day_rows(campaign, visits, batch).values()
    return rows


def _day_rows(campaign: Campaign, visits, units: set[int] | None = None) -> dict[DayKey, UnitDay]:
    """The days that these visits count on, summed: of the given units, or of all theirs."""
    ideas = Idea.objects.of_counted_visits().filter(visit__in=visits).with_counting_day()
    idea_rows = list(
        ideas.annotate(
            counts=Exists(Idea.objects.counted().filter(pk=OuterRef("pk"))),
            accepted=ExpressionWrapper(IS_ACCEPTED, output_field=BooleanField()),
        ).values_list("visit_id", "status", "theme_id", "counting_day", "counts", "accepted")
    )
    visit_rows = list(
        visits.values_list(
            "pk", "visited_on", "status", "benefit_rating", "client_feedback__benefit_rating"
        )
    )
    counted = set(visits.counted().values_list("pk", flat=True))

    credits: dict[int, dict[int, int]] = defaultdict(dict)  # visit → unit → department
    for source in (visits.values("pk"), ideas.values("visit_id")):
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
            return  # no participant: it counts nowhere
        org_unit = min(visit_credits)
        first_in_department: dict[int, int] = {}
        for unit, department in visit_credits.items():
            first_in_department[department] = min(unit, first_in_department.get(department, unit))
        for unit, department in visit_credits.items():
            if units is None or unit in units:
                yield unit, unit == org_unit, first_in_department[department] == unit

    for visit_id, day, status, rating, client_rating in visit_rows:
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
                if counts:
                    _add_ratings(figures, rating, client_rating)
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


def _add_ratings(figures: UnitDay, rating: int | None, client_rating: int | None) -> None:
    """A counted visit's benefit ratings: the visitor's, the client's, and the two side by side."""
    if rating:
        name = f"rating_{rating}"
        setattr(figures, name, getattr(figures, name) + 1)
    if client_rating:
        name = f"client_rating_{client_rating}"
        setattr(figures, name, getattr(figures, name) + 1)
    if rating and client_rating:
        figures.rated_both += 1
        figures.rated_both_visitor += rating
        figures.rated_both_client += client_rating
        figures.client_higher += client_rating > rating
        figures.client_lower += client_rating < rating


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
