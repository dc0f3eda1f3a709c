"""The campaign's figures as the pages show them: the leaderboard, the front page, the report and
the rule-change preview all read them here.

They come from the small tables `leaderboard.models` keeps per unit and day, per visitor and
per client, read whole in a fixed number of queries whatever the number of visits; the rows a
change has marked stale and that are not yet recomputed are computed from the source tables
instead (`leaderboard.tallies`), so what a page shows always equals a computation from scratch.
The roster (headcounts, leaders), unit names and the campaign's weights are read live.
"""

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import cached_property

from django.db import connection
from django.db.models import Count, Q
from django.utils import timezone

from campaign.models import Campaign, Client, RosterEntry, Staff, Theme, Unit
from leaderboard import scoring, tallies
from leaderboard.models import ClientReached, StaleFigures, UnitDay, UnitDayChange, UnitVisitor
from visits.models import Visit, VisitParticipant

UNITS = "units"
DEPARTMENTS = "departments"
ORGANISATION = "organisation"
LEVELS = (UNITS, DEPARTMENTS)
RANK_CHANGE_DAYS = 7
DAY_FIELDS = (
    "unit_id",
    "day",
    "visits",
    "ideas",
    "accepted",
    "dept_visits",
    "dept_ideas",
    "dept_accepted",
    "org_visits",
    "org_ideas",
    "org_accepted",
    "planned",
    "cancelled",
    "done",
    *[f"rating_{n}" for n in range(1, 6)],
    *[f"client_rating_{n}" for n in range(1, 6)],
    "rated_both",
    "rated_both_visitor",
    "rated_both_client",
    "client_higher",
    "client_lower",
)


@dataclass(frozen=True)
class UnitStanding:
    """One row of the leaderboard: a unit, or a department with its units rolled up."""

    unit: Unit
    headcount: int
    visits: int
    visitors: int
    ideas: int
    accepted: int
    leaders: int
    leaders_on_roster: int
    idea_yield: float | None
    adjusted_yield: float
    score: Decimal | None  # exact; None with nobody on the roster
    ranked: bool
    rank: int | None = None
    previous_rank: int | None = None

    @property
    def department(self) -> Unit:
        return self.unit.department

    @property
    def participation(self) -> float | None:
        return scoring.ratio(self.visitors, self.headcount)

    @property
    def visits_per_10(self) -> float | None:
        ratio = scoring.ratio(self.visits, self.headcount)
        return None if ratio is None else ratio * scoring.PER_CAPITA_SIZE

    @property
    def rank_order(self) -> int:
        """The rank for sorting: units that are not ranked come last."""
        return self.rank if self.rank is not None else 1_000_000

    @property
    def rank_change(self) -> int | None:
        """Places gained (positive) or lost (negative) since the earlier ranking."""
        if self.rank is None or self.previous_rank is None:
            return None
        return self.previous_rank - self.rank


@dataclass(frozen=True)
class CampaignTotals:
    visits: int
    ideas: int
    idea_yield: float


@dataclass(frozen=True)
class OrganisationFigures:
    """The organisation's figures of a campaign: a joint visit counts once here."""

    counted_visits: int
    normal_client_work: int
    planned: int
    cancelled: int
    clients_reached: int
    headcount: int
    visitors: int
    leaders_on_roster: int
    leaders_visited: int
    ideas: int
    accepted_ideas: int
    average_benefit: float | None
    average_client_benefit: float | None = None
    client_response_rate: float | None = None

    @property
    def participation(self) -> float | None:
        return scoring.ratio(self.visitors, self.headcount)

    @property
    def leadership_participation(self) -> float | None:
        return scoring.ratio(self.leaders_visited, self.leaders_on_roster)

    @property
    def ideas_per_visit(self) -> float | None:
        return scoring.ratio(self.ideas, self.counted_visits)

    @property
    def visits_per_idea(self) -> float | None:
        """The "one idea in every N visits" figure."""
        return scoring.ratio(self.counted_visits, self.ideas)


@dataclass(frozen=True)
class BenefitFigures:
    """How useful the counted visits were, as the visitors rated them and as the clients did
    through the feedback link (1–5 each), and the two side by side on the visits both rated."""

    visits: int  # counted visits
    visitor_ratings: dict[int, int]  # rating → counted visits the visitor rated so
    client_ratings: dict[int, int]  # rating → counted visits the client rated so
    rated_both: int
    rated_both_visitor: int  # the visitors' ratings on those visits, summed
    rated_both_client: int  # the clients' ratings on those visits, summed
    client_higher: int
    client_lower: int

    @staticmethod
    def _average(ratings: dict[int, int]) -> float | None:
        rated = sum(ratings.values())
        return sum(n * count for n, count in ratings.items()) / rated if rated else None

    @property
    def visitor_average(self) -> float | None:
        return self._average(self.visitor_ratings)

    @property
    def client_average(self) -> float | None:
        return self._average(self.client_ratings)

    @property
    def visitor_answers(self) -> int:
        return sum(self.visitor_ratings.values())

    @property
    def client_answers(self) -> int:
        return sum(self.client_ratings.values())

    @property
    def client_response_rate(self) -> float | None:
        """The share of counted visits whose client answered."""
        return scoring.ratio(self.client_answers, self.visits)

    @property
    def both_visitor_average(self) -> float | None:
        return scoring.ratio(self.rated_both_visitor, self.rated_both)

    @property
    def both_client_average(self) -> float | None:
        return scoring.ratio(self.rated_both_client, self.rated_both)

    @property
    def client_same(self) -> int:
        return self.rated_both - self.client_higher - self.client_lower

    @property
    def distribution(self) -> list[tuple[int, int, int]]:
        """(rating, visits the visitor rated so, visits the client rated so), 1 to 5."""
        return [
            (n, self.visitor_ratings.get(n, 0), self.client_ratings.get(n, 0)) for n in range(1, 6)
        ]


@dataclass(frozen=True)
class DayProgress:
    day: dt.date
    visits: int
    ideas: int


@dataclass(frozen=True)
class Leaderboard:
    """Everything the leaderboard page shows."""

    campaign: Campaign
    level: str
    standings: list[UnitStanding]
    totals: CampaignTotals
    compared_with: dt.date | None
    days: list[DayProgress]
    ranked_units: int
    units: dict[int, Unit]
    benefit: BenefitFigures | None = None

    def department_of(self, unit_id: int | None) -> int | None:
        """The department of a unit on the roster, without another query."""
        unit = self.units.get(unit_id)
        return unit.department.pk if unit else None

    @property
    def visit_target(self) -> int | None:
        """The organisation's target: the per-unit target times the units that are ranked."""
        per_unit = self.campaign.visit_target_per_unit
        return per_unit * self.ranked_units if per_unit else None


# --- The stored rows, with the stale parts computed afresh ------------------------------------


class Figures:
    """A campaign's figure rows as plain tuples, each part read once, when first asked for.

    The days are the stored rows and the changes not yet added into them, read together; the
    visitors and clients are the stored rows, with those that notes mark stale computed afresh.
    `from_source` computes every part from the source tables instead of reading what is stored:
    for the rule-change preview, which tries proposed rules inside a transaction it rolls back."""

    def __init__(self, campaign: Campaign, *, from_source: bool = False):
        self.campaign = campaign
        notes = StaleFigures.objects.filter(campaign=campaign).values_list(
            "unit_id", "staff_id", "client_id", "everything"
        )
        if from_source:
            notes = [(None, None, None, True)]
        self.everything_stale = False
        self.stale = tallies.Keys()
        self._visitor_days: dict[str, list[tuple[int, dt.date, int, int]]] = {}
        for unit_id, staff_id, client_id, everything in notes:
            if everything:
                self.everything_stale = True
            elif client_id is not None:
                self.stale.clients.add(client_id)
            elif staff_id is not None:
                self.stale.visitors.add((unit_id, staff_id))

    def _day_rows(self, fields: tuple[str, ...]) -> list[tuple]:
        """`fields` of every unit's every day, in one or more rows each (their sum is the day)."""
        if self.everything_stale:
            return [tuple(getattr(row, name) for name in fields) for row in self._computed_days]
        stored = UnitDay.objects.filter(campaign=self.campaign).values_list(*fields)
        changes = UnitDayChange.objects.filter(campaign=self.campaign).values_list(*fields)
        # One statement: a refresh adding changes into the rows is seen whole or not at all.
        return list(stored.union(changes, all=True).order_by())

    @cached_property
    def _computed_days(self) -> list[UnitDay]:
        return tallies.day_rows(self.campaign)

    @cached_property
    def days(self) -> list[tuple]:
        return self._day_rows(DAY_FIELDS)

    @cached_property
    def idea_tallies(self) -> list[tuple[int | None, str, bool, int]]:
        """(theme, status, whether they count, ideas) of counted visits."""
        tallied: Counter = Counter()
        if self.everything_stale or connection.vendor != "postgresql":
            for (tally,) in self._day_rows(("idea_tally",)):
                tallied.update(tally)
        else:
            tallied.update(dict(self._summed_idea_tallies()))
        rows = []
        for key, ideas in tallied.items():
            theme, status, counts = key.split("|")
            if ideas:
                rows.append((int(theme) or None, status, counts == "1", ideas))
        return rows

    def _summed_idea_tallies(self) -> list[tuple[str, int]]:
        """The stored and pending days' idea tallies summed in the database: a row per theme,
        status and whether they count, rather than a document per unit and day."""
        tables = [UnitDay._meta.db_table, UnitDayChange._meta.db_table]
        # Built from table names only; the campaign is a parameter.
        sql = " UNION ALL ".join(
            f"SELECT tally.key, tally.value FROM {table}, "  # noqa: S608
            f"jsonb_each_text({table}.idea_tally) tally WHERE {table}.campaign_id = %(campaign)s"
            for table in tables
        )
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT key, sum(value::integer) FROM ({sql}) tallies GROUP BY key",  # noqa: S608
                {"campaign": self.campaign.pk},
            )
            return [(key, int(ideas)) for key, ideas in cursor.fetchall()]

    @cached_property
    def _fresh_visitors(self) -> list[tuple[int, int, dt.date]]:
        """(unit, staff, first day) of the visitor rows marked stale, computed afresh; those
        with no counted visit left are not visitors."""
        keys = None if self.everything_stale else self.stale.visitors
        return [
            (row.unit_id, row.staff_id, row.first_day)
            for row in tallies.visitor_rows(self.campaign, keys)
            if row.first_day
        ]

    @cached_property
    def visitors(self) -> list[tuple[int, int, dt.date]]:
        """(unit, staff, first day)."""
        if self.everything_stale:
            return self._fresh_visitors
        stored = UnitVisitor.objects.filter(
            campaign=self.campaign, first_day__isnull=False
        ).values_list("unit_id", "staff_id", "first_day")
        return [row for row in stored if row[:2] not in self.stale.visitors] + self._fresh_visitors

    def first_days(self, staff_ids: set[int]) -> dict[int, dt.date]:
        """The first day each of these people visited, for whichever unit, of those who have:
        their own rows only, not every visitor's (the leadership team of a large campaign)."""
        if self.everything_stale:
            rows = [row for row in self.visitors if row[1] in staff_ids]
        else:
            stored = UnitVisitor.objects.filter(
                campaign=self.campaign, first_day__isnull=False, staff_id__in=staff_ids
            ).values_list("unit_id", "staff_id", "first_day")
            rows = [row for row in stored if row[:2] not in self.stale.visitors] + [
                row for row in self._fresh_visitors if row[1] in staff_ids
            ]
        first: dict[int, dt.date] = {}
        for _unit, staff, day in rows:
            if staff not in first or day < first[staff]:
                first[staff] = day
        return first

    def visitor_days(
        self, level: str, leaders: set[int], departments: dict[int, int] | None = None
    ) -> list[tuple[int, dt.date, int, int]]:
        """(group, day, visitors, leaders among them): each person counted once per group, on the
        first day they visited for it. A group is a unit, a department (`departments` maps each
        unit to it) or, for `ORGANISATION`, 0: the whole organisation.

        Summed in the database from the stored rows, those marked stale replaced by their fresh
        computation, so a page reads a row per group and day rather than one per visitor."""
        if level not in self._visitor_days:
            self._visitor_days[level] = self._visitor_days_of(level, leaders, departments or {})
        return self._visitor_days[level]

    def _visitor_days_of(
        self, level: str, leaders: set[int], departments: dict[int, int]
    ) -> list[tuple[int, dt.date, int, int]]:
        # The embedded SQLite of `make run` (demo-sized) has no bool_or and returns dates as text.
        if self.everything_stale or connection.vendor != "postgresql":
            return self._visitor_days_from_rows(level, leaders, departments)
        stale = sorted(self.stale.visitors)
        params = {
            "campaign": self.campaign.pk,
            "stale_units": [unit for unit, _staff in stale],
            "stale_staff": [staff for _unit, staff in stale],
            "fresh_units": [unit for unit, _staff, _day in self._fresh_visitors],
            "fresh_staff": [staff for _unit, staff, _day in self._fresh_visitors],
            "fresh_days": [day for _unit, _staff, day in self._fresh_visitors],
        }
        # The stored rows but those marked stale, and those computed afresh in their place.
        visitors = f"""
            SELECT unit_id, staff_id, first_day FROM {UnitVisitor._meta.db_table}
            WHERE campaign_id = %(campaign)s AND first_day IS NOT NULL
                AND (unit_id, staff_id) NOT IN (
                    SELECT * FROM unnest(%(stale_units)s::bigint[], %(stale_staff)s::bigint[]))
            UNION ALL
            SELECT * FROM unnest(
                %(fresh_units)s::bigint[], %(fresh_staff)s::bigint[], %(fresh_days)s::date[])
        """  # noqa: S608
        leader_join = f"""
            LEFT JOIN {RosterEntry._meta.db_table} leader
                ON leader.campaign_id = %(campaign)s
                AND leader.staff_id = visitor.staff_id AND leader.is_leadership"""
        if level == UNITS:
            # A person has one row per unit: the rows are counted as they are.
            sql = f"""
                SELECT visitor.unit_id, visitor.first_day, count(*), count(leader.id)
                FROM ({visitors}) visitor {leader_join}
                GROUP BY 1, 2"""  # noqa: S608
        else:
            # A person counted once in their department or the organisation, on their first day
            # for any of its units.
            group = {
                DEPARTMENTS: "COALESCE(unit.parent_id, unit.id)",
                ORGANISATION: "0",
            }[level]
            # Built from the constants above, table names and placeholders only.
            sql = f"""
                SELECT grp, first_day, count(*), count(*) FILTER (WHERE is_leader)
                FROM (
                    SELECT {group} AS grp, visitor.staff_id, min(visitor.first_day) AS first_day,
                           bool_or(leader.id IS NOT NULL) AS is_leader
                    FROM ({visitors}) visitor
                    JOIN {Unit._meta.db_table} unit ON unit.id = visitor.unit_id {leader_join}
                    GROUP BY 1, 2
                ) per_person
                GROUP BY 1, 2"""  # noqa: S608
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return [tuple(row) for row in cursor.fetchall()]

    def _visitor_days_from_rows(
        self, level: str, leaders: set[int], departments: dict[int, int]
    ) -> list[tuple[int, dt.date, int, int]]:
        first_days: dict[tuple[int, int], dt.date] = {}
        for unit, staff, first_day in self.visitors:
            group = {UNITS: unit, DEPARTMENTS: departments.get(unit, unit), ORGANISATION: 0}[level]
            if (group, staff) not in first_days or first_day < first_days[group, staff]:
                first_days[group, staff] = first_day
        counts: Counter = Counter()
        for (group, staff), first_day in first_days.items():
            counts[group, first_day, "visitors"] += 1
            counts[group, first_day, "leaders"] += staff in leaders
        return [
            (group, day, n, counts[group, day, "leaders"])
            for (group, day, kind), n in counts.items()
            if kind == "visitors"
        ]

    @cached_property
    def _sums(self) -> tuple[int, ...]:
        """The organisation's sums of the day fields, in `DAY_FIELDS` order from "visits" on."""
        start = DAY_FIELDS.index("visits")
        columns = [row[start:] for row in self.days]
        return tuple(sum(column) for column in zip(*columns, strict=True)) or (0,) * (
            len(DAY_FIELDS) - start
        )

    def _tally(self, first: str, last: str) -> tuple[int, ...]:
        """The organisation's sums of the day fields from `first` to `last`."""
        offset = DAY_FIELDS.index("visits")
        return self._sums[DAY_FIELDS.index(first) - offset : DAY_FIELDS.index(last) - offset + 1]

    def visit_tally(self) -> tuple[int, ...]:
        """The organisation's (planned, cancelled, done, rating_1 … rating_5) visits."""
        return self._tally("planned", "rating_5")

    def client_tally(self) -> tuple[int, ...]:
        """The clients' answers on counted visits: (client_rating_1 … client_rating_5,
        rated_both, rated_both_visitor, rated_both_client, client_higher, client_lower)."""
        return self._tally("client_rating_1", "client_lower")

    @cached_property
    def clients(self) -> dict[int, dt.date]:
        """Client → the day of its first counted visit, for the clients reached."""
        if self.everything_stale:
            rows = tallies.client_rows(self.campaign)
            return {row.client_id: row.first_day for row in rows if row.first_day}
        stored = ClientReached.objects.filter(
            campaign=self.campaign, first_day__isnull=False
        ).exclude(client_id__in=self.stale.clients)
        reached = dict(stored.values_list("client_id", "first_day"))
        for row in tallies.client_rows(self.campaign, self.stale.clients):
            if row.first_day:
                reached[row.client_id] = row.first_day
        return reached


# --- Standings --------------------------------------------------------------------------------


def _roster_rows(campaign: Campaign) -> list[tuple[int, int | None, int, int]]:
    """(unit, department or None, headcount, leaders on the roster) per unit, read live."""
    return list(
        RosterEntry.objects.filter(campaign=campaign)
        .values_list("unit", "unit__parent")
        .annotate(headcount=Count("pk"), leaders=Count("pk", filter=Q(is_leadership=True)))
        .order_by("unit")
    )


def _leaders(campaign: Campaign) -> set[int]:
    return set(
        RosterEntry.objects.filter(campaign=campaign, is_leadership=True).values_list(
            "staff_id", flat=True
        )
    )


def _units(ids: set[int]) -> dict[int, Unit]:
    """The units by id, and their departments."""
    units = {unit.pk: unit for unit in Unit.objects.filter(pk__in=ids).select_related("parent")}
    return units | {unit.parent.pk: unit.parent for unit in units.values() if unit.parent}


@dataclass
class _Activity:
    visits: int = 0
    ideas: int = 0
    accepted: int = 0
    visitors: int = 0
    leaders: int = 0

    def as_tuple(self) -> tuple[int, int, int, int, int]:
        return self.visits, self.visitors, self.leaders, self.ideas, self.accepted


def _activity(
    figures: Figures, level: str, departments: dict[int, int], leaders: set[int], last: dt.date
) -> dict[int, _Activity]:
    """Each group's figures up to and including the day `last`: a unit, or a department with a
    joint visit of two of its units counted once."""
    by_group: dict[int, _Activity] = defaultdict(_Activity)
    for (
        unit,
        day,
        visits,
        ideas,
        accepted,
        dept_visits,
        dept_ideas,
        dept_accepted,
        *_org,
    ) in figures.days:
        if day > last:
            continue
        if level == DEPARTMENTS:
            visits, ideas, accepted = dept_visits, dept_ideas, dept_accepted
        activity = by_group[departments[unit] if level == DEPARTMENTS else unit]
        activity.visits += visits
        activity.ideas += ideas
        activity.accepted += accepted
    for group, first_day, visitors, leaders_among in figures.visitor_days(
        level, leaders, departments
    ):
        if first_day <= last:
            by_group[group].visitors += visitors
            by_group[group].leaders += leaders_among
    return by_group


def _totals(figures: Figures, last: dt.date = dt.date.max) -> CampaignTotals:
    """The organisation's counted visits and ideas up to `last`: a joint visit counts once."""
    visits = sum(row[8] for row in figures.days if row[1] <= last)
    ideas = sum(row[9] for row in figures.days if row[1] <= last)
    return CampaignTotals(
        visits=visits, ideas=ideas, idea_yield=scoring.ratio(ideas, visits) or 0.0
    )


def _standings(
    campaign: Campaign,
    level: str,
    roster: list[tuple],
    activity: dict[int, _Activity],
    totals: CampaignTotals,
    units: dict[int, Unit],
) -> list[UnitStanding]:
    headcounts: dict[int, list[int]] = {}
    for unit_id, department_id, headcount, leaders in roster:
        group = (department_id or unit_id) if level == DEPARTMENTS else unit_id
        figures = headcounts.setdefault(group, [0, 0])
        figures[0] += headcount
        figures[1] += leaders
    standings = []
    for group in sorted(set(headcounts) | set(activity)):
        if group not in units:
            continue  # a unit removed from the organisation since
        headcount, leaders_on_roster = headcounts.get(group, (0, 0))
        visits, visitors, leaders, ideas, accepted = activity.get(group, _Activity()).as_tuple()
        standings.append(
            UnitStanding(
                unit=units[group],
                headcount=headcount,
                visits=visits,
                visitors=visitors,
                ideas=ideas,
                accepted=accepted,
                leaders=leaders,
                leaders_on_roster=leaders_on_roster,
                idea_yield=scoring.idea_yield(ideas=ideas, visits=visits),
                adjusted_yield=scoring.adjusted_yield(
                    ideas=ideas, visits=visits, campaign_yield=totals.idea_yield
                ),
                score=scoring.score(
                    visits=visits,
                    ideas=ideas,
                    accepted=accepted,
                    headcount=headcount,
                    weight_visit=campaign.weight_visit,
                    weight_idea=campaign.weight_idea,
                    weight_accepted=campaign.weight_accepted,
                    per_capita=campaign.per_capita,
                ),
                # A unit with nobody on the roster has no score, so it cannot be ranked either.
                ranked=headcount > 0 and headcount >= campaign.min_unit_size,
            )
        )
    ranks = scoring.competition_ranks(standings, key=lambda s: s.score, eligible=lambda s: s.ranked)
    standings = [
        replace(standing, rank=rank) for standing, rank in zip(standings, ranks, strict=True)
    ]
    return sorted(standings, key=lambda s: (s.rank is None, s.rank or 0, s.unit.name))


class _Board:
    """What every view of the standings needs, read once."""

    def __init__(self, campaign: Campaign, figures: Figures | None = None):
        self.campaign = campaign
        self.figures = figures or Figures(campaign)
        self.roster = _roster_rows(campaign)
        self.leaders = _leaders(campaign)
        ids = {row[0] for row in self.roster} | {row[1] for row in self.roster if row[1]}
        # A unit with a visitor has the counted visit it visited on among its days.
        ids |= {row[0] for row in self.figures.days}
        self.units = _units(ids)
        self.departments = {pk: unit.department.pk for pk, unit in self.units.items()}

    def standings(self, level: str, last: dt.date = dt.date.max) -> list[UnitStanding]:
        activity = _activity(self.figures, level, self.departments, self.leaders, last)
        return _standings(
            self.campaign, level, self.roster, activity, _totals(self.figures, last), self.units
        )


def unit_standings(
    *,
    campaign: Campaign,
    as_of: dt.date | None = None,
    level: str = UNITS,
    from_source: bool = False,
    figures: Figures | None = None,
) -> list[UnitStanding]:
    """Every unit on the campaign roster or credited with a counted visit, ranked by score.

    `as_of` limits the figures to visits dated and ideas counting on or before that day;
    `level=DEPARTMENTS` rolls units up into their departments (a joint visit of two units of one
    department counts once for it); `from_source` computes them from the source tables (see
    `Figures`). A page that shows several views of a campaign's figures passes one `figures`."""
    figures = figures or Figures(campaign, from_source=from_source)
    return _Board(campaign, figures).standings(level, as_of or dt.date.max)


def campaign_totals(*, campaign: Campaign, as_of: dt.date | None = None) -> CampaignTotals:
    """Organisation totals: a joint visit counts once here, however many units it credits."""
    return _totals(Figures(campaign), as_of or dt.date.max)


def _days(campaign: Campaign, figures: Figures, today: dt.date) -> list[DayProgress]:
    """Cumulative counted visits and ideas for each campaign day up to today. Ideas that started
    to count in the grace days after the end are added to the last day."""
    visits_by_day: Counter = Counter()
    ideas_by_day: Counter = Counter()
    for row in figures.days:
        visits_by_day[row[1]] += row[8]
        ideas_by_day[row[1]] += row[9]
    last = min(today, campaign.ends_on)
    days, visits, ideas = [], 0, 0
    day = campaign.starts_on
    while day <= last:
        visits += visits_by_day[day]
        ideas += ideas_by_day[day]
        if day == campaign.ends_on:
            ideas += sum(n for d, n in ideas_by_day.items() if d > campaign.ends_on)
        days.append(DayProgress(day=day, visits=visits, ideas=ideas))
        day += dt.timedelta(days=1)
    return days


def campaign_days(
    *, campaign: Campaign, figures: Figures | None = None, today: dt.date | None = None
) -> list[DayProgress]:
    """The cumulative counted visits and ideas of each campaign day up to today, as the
    leaderboard's chart shows them."""
    return _days(campaign, figures or Figures(campaign), today or timezone.localdate())


def leaderboard_page(
    *, campaign: Campaign, level: str = UNITS, today: dt.date | None = None
) -> Leaderboard:
    """The standings with each row's rank a week earlier, the totals and the daily progress."""
    today = today or timezone.localdate()
    compared_with = today - dt.timedelta(days=RANK_CHANGE_DAYS)
    if compared_with < campaign.starts_on:
        compared_with = None
    board = _Board(campaign)
    standings = board.standings(level)
    if compared_with:
        before = {s.unit.pk: s.rank for s in board.standings(level, compared_with)}
        standings = [replace(s, previous_rank=before.get(s.unit.pk)) for s in standings]
    return Leaderboard(
        campaign=campaign,
        level=level,
        standings=standings,
        totals=_totals(board.figures),
        compared_with=compared_with,
        days=_days(campaign, board.figures, today),
        ranked_units=sum(row[2] >= campaign.min_unit_size for row in board.roster),
        units=board.units,
        benefit=benefit_figures(campaign=campaign, figures=board.figures),
    )


@dataclass(frozen=True)
class MyStanding:
    standing: UnitStanding
    ranked_units: int


def unit_standing_for(
    *, user, campaign: Campaign, figures: Figures | None = None
) -> MyStanding | None:
    """The standing of the user's own unit, for the front page; None when it has no row."""
    if not user.unit_id:
        return None
    standings = unit_standings(campaign=campaign, figures=figures)
    mine = next((s for s in standings if s.unit.pk == user.unit_id), None)
    if mine is None:
        return None
    return MyStanding(standing=mine, ranked_units=sum(s.ranked for s in standings))


# --- A step taken: the progress note after a visit is saved, and the leaders who visited ---------

# Round numbers of counted visits worth a word: a person's, and a unit's.
PERSON_MILESTONES = (1, 5, 10, 20, 30, 50, 100)
UNIT_MILESTONES = (10, 25, 50, 100, 150, 200, 300, 500, 1000)


@dataclass(frozen=True)
class VisitProgress:
    """Where a saved visit leaves its logger and the unit it is credited to them for."""

    my_visits: int  # counted visits of the campaign the person took part in
    standing: UnitStanding | None
    ranked_units: int
    visit_target: int | None  # the campaign's visit target per unit

    @property
    def my_milestone(self) -> int | None:
        return self.my_visits if self.my_visits in PERSON_MILESTONES else None

    @property
    def unit_milestone(self) -> int | None:
        """The round number of visits (or the visit target) the unit has just reached."""
        if self.standing is None:
            return None
        visits = self.standing.visits
        return visits if visits in UNIT_MILESTONES or visits == self.visit_target else None


def visit_progress(*, visit: Visit, user: Staff) -> VisitProgress:
    """The logger's counted visits in the visit's campaign, and the standing of the unit the
    visit is credited to for them, right after it was saved."""
    campaign = visit.campaign
    my_visits = (
        Visit.objects.in_campaign(campaign).counted().filter(participations__staff=user).count()
    )
    unit_id = (
        VisitParticipant.objects.filter(visit=visit, staff=user)
        .values_list("unit_id", flat=True)
        .first()
    )
    standings = unit_standings(campaign=campaign)
    return VisitProgress(
        my_visits=my_visits,
        standing=next((s for s in standings if s.unit.pk == unit_id), None),
        ranked_units=sum(s.ranked for s in standings),
        visit_target=campaign.visit_target_per_unit,
    )


@dataclass(frozen=True)
class LeaderVisit:
    name: str
    unit: str
    first_visit: dt.date


def leaders_who_visited(*, campaign: Campaign, figures: Figures | None = None) -> list[LeaderVisit]:
    """The leadership-team members on the roster who have made a counted visit, first to set
    out first, for the front page: leaders went first."""
    figures = figures or Figures(campaign)
    leadership = RosterEntry.objects.filter(campaign=campaign, is_leadership=True)
    first_days = figures.first_days(set(leadership.values_list("staff_id", flat=True)))
    entries = (
        RosterEntry.objects.filter(
            campaign=campaign, is_leadership=True, staff_id__in=list(first_days)
        )
        .select_related("staff", "unit")
        .order_by()
    )
    leaders = [
        LeaderVisit(
            name=str(entry.staff), unit=entry.unit.name, first_visit=first_days[entry.staff_id]
        )
        for entry in entries
    ]
    return sorted(leaders, key=lambda leader: (leader.first_visit, leader.name))


# --- The organisation's figures and the report's tallies --------------------------------------


def benefit_figures(*, campaign: Campaign, figures: Figures | None = None) -> BenefitFigures:
    """The visitors' and the clients' benefit ratings of the campaign's counted visits."""
    figures = figures or Figures(campaign)
    visitor = figures.visit_tally()[3:]
    *client, both, both_visitor, both_client, higher, lower = figures.client_tally()
    return BenefitFigures(
        visits=_totals(figures).visits,
        visitor_ratings={n: visitor[n - 1] for n in range(1, 6)},
        client_ratings={n: client[n - 1] for n in range(1, 6)},
        rated_both=both,
        rated_both_visitor=both_visitor,
        rated_both_client=both_client,
        client_higher=higher,
        client_lower=lower,
    )


def organisation_figures(
    *, campaign: Campaign, figures: Figures | None = None
) -> OrganisationFigures:
    """The organisation's figures: the front page, the report and its comparison read them."""
    figures = figures or Figures(campaign)
    roster = RosterEntry.objects.filter(campaign=campaign).aggregate(
        headcount=Count("pk"), leaders=Count("pk", filter=Q(is_leadership=True))
    )
    leaders = _leaders(campaign)
    visitor_days = figures.visitor_days(ORGANISATION, leaders)
    totals = _totals(figures)
    planned, cancelled, done, *ratings = figures.visit_tally()
    rated = sum(ratings)
    benefit = benefit_figures(campaign=campaign, figures=figures)
    return OrganisationFigures(
        counted_visits=totals.visits,
        normal_client_work=done - totals.visits,
        planned=planned,
        cancelled=cancelled,
        clients_reached=len(figures.clients),
        headcount=roster["headcount"],
        visitors=sum(row[2] for row in visitor_days),
        leaders_on_roster=roster["leaders"],
        leaders_visited=sum(row[3] for row in visitor_days),
        ideas=totals.ideas,
        accepted_ideas=sum(row[10] for row in figures.days),
        average_benefit=(
            sum(n * count for n, count in enumerate(ratings, start=1)) / rated if rated else None
        ),
        average_client_benefit=benefit.client_average,
        client_response_rate=benefit.client_response_rate,
    )


@dataclass(frozen=True)
class ReportTallies:
    """The report's breakdowns, from the same figures as everything else."""

    clients_by_kind: list[tuple[str, int]]  # (kind, clients), most first
    clients_by_region: list[tuple[str, int]]  # (region or "", clients), most first
    ideas_by_theme: list[tuple[str, int]]  # (theme name or "", ideas that count), most first
    ideas_by_status: dict[str, int]  # status → ideas of counted visits, duplicates included
    benefit_ratings: dict[int, int]  # visitor's rating 1–5 → counted visits
    client_benefit_ratings: dict[int, int]  # client's rating 1–5 → counted visits


def report_tallies(*, campaign: Campaign, figures: Figures | None = None) -> ReportTallies:
    figures = figures or Figures(campaign)
    kinds: Counter = Counter()
    regions: Counter = Counter()
    for kind, region in Client.objects.filter(pk__in=list(figures.clients)).values_list(
        "kind", "region"
    ):
        kinds[kind] += 1
        regions[region] += 1
    themes: Counter = Counter()
    statuses: Counter = Counter()
    for theme_id, status, counts, ideas in figures.idea_tallies:
        statuses[status] += ideas
        if counts:
            themes[theme_id] += ideas
    names = dict(Theme.objects.filter(pk__in=[pk for pk in themes if pk]).values_list("pk", "name"))
    ratings = figures.visit_tally()[3:]
    client_ratings = figures.client_tally()[:5]

    def most_first(counter: Counter) -> list[tuple[str, int]]:
        """Largest count first, equal counts by name."""
        return sorted(counter.items(), key=lambda item: (-item[1], item[0]))

    by_theme = sorted(
        ((names.get(pk, ""), n) for pk, n in themes.items()),
        key=lambda item: (-item[1], item[0] == "", item[0]),  # ideas without a theme last
    )
    return ReportTallies(
        clients_by_kind=most_first(kinds),
        clients_by_region=most_first(regions),
        ideas_by_theme=by_theme,
        ideas_by_status=dict(statuses),
        benefit_ratings={n: ratings[n - 1] for n in range(1, 6)},
        client_benefit_ratings={n: client_ratings[n - 1] for n in range(1, 6)},
    )
