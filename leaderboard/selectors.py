"""The leaderboard's figures, read in a fixed, small number of queries whatever the data size.

The expensive part — distinct visits, visitors and ideas per unit over every counted visit — is
computed from the source tables once and kept in `StandingsSnapshot` until a visit, idea or roster
write calls `leaderboard_invalidate` (or the campaign's counting rules or roster change, which are
part of the snapshot's key). Everything cheap is read live on every request: the roster's
headcounts, the units' names, and the campaign's scoring weights, so a coordinator's change of
weights or minimum unit size shows at once.
"""

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import (
    Avg,
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce, Greatest, TruncDate
from django.utils import timezone

from campaign.models import Campaign, RosterEntry, Unit
from ideas.models import IS_ACCEPTED, Idea
from leaderboard import scoring
from leaderboard.models import LeaderboardGeneration, StandingsSnapshot
from visits.models import Visit, VisitParticipant

UNITS = "units"
DEPARTMENTS = "departments"
LEVELS = (UNITS, DEPARTMENTS)
RANK_CHANGE_DAYS = 7
# A safety net for writes that bypass the services (the Django admin, a bulk import): a snapshot
# is recomputed at the latest after this long.
SNAPSHOT_MAX_AGE = dt.timedelta(hours=1)
# First key of the PostgreSQL advisory lock taken while a campaign's figures are computed.
LOCK_NAMESPACE = 5_301_001


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
    score: Decimal
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

    def department_of(self, unit_id: int | None) -> int | None:
        """The department of a unit on the roster, without another query."""
        unit = self.units.get(unit_id)
        return unit.department.pk if unit else None

    @property
    def visit_target(self) -> int | None:
        """The organisation's target: the per-unit target times the units that are ranked."""
        per_unit = self.campaign.visit_target_per_unit
        return per_unit * self.ranked_units if per_unit else None


def organisation_figures(*, campaign: Campaign) -> OrganisationFigures:
    """The organisation's figures: the front page, the report and its comparison read them."""
    visits = Visit.objects.in_campaign(campaign)
    counted = visits.counted()
    leader = RosterEntry.objects.filter(
        campaign=campaign, staff=OuterRef("staff"), is_leadership=True
    )
    status_counts = visits.aggregate(
        total=Count("pk"),
        planned=Count("pk", filter=Q(status=Visit.Status.PLANNED)),
        cancelled=Count("pk", filter=Q(status=Visit.Status.CANCELLED)),
    )
    counted_figures = counted.aggregate(
        visits=Count("pk", distinct=True),
        clients=Count("client", distinct=True),
        benefit=Avg("benefit_rating"),
    )
    people = VisitParticipant.objects.filter(visit__in=counted).aggregate(
        visitors=Count("staff", distinct=True),
        leaders=Count("staff", distinct=True, filter=Q(Exists(leader))),
    )
    roster = RosterEntry.objects.filter(campaign=campaign).aggregate(
        headcount=Count("pk"), leaders=Count("pk", filter=Q(is_leadership=True))
    )
    ideas = (
        Idea.objects.in_campaign(campaign)
        .counted()
        .aggregate(ideas=Count("pk"), accepted=Count("pk", filter=IS_ACCEPTED))
    )
    counted_visits = counted_figures["visits"]
    return OrganisationFigures(
        counted_visits=counted_visits,
        normal_client_work=status_counts["total"]
        - status_counts["planned"]
        - status_counts["cancelled"]
        - counted_visits,
        planned=status_counts["planned"],
        cancelled=status_counts["cancelled"],
        clients_reached=counted_figures["clients"],
        headcount=roster["headcount"],
        visitors=people["visitors"],
        leaders_on_roster=roster["leaders"],
        leaders_visited=people["leaders"],
        ideas=ideas["ideas"],
        accepted_ideas=ideas["accepted"],
        average_benefit=(
            float(counted_figures["benefit"]) if counted_figures["benefit"] is not None else None
        ),
    )


# --- computing from the source tables (the slow part, cached) ---------------------------------


def _counted_visits(campaign: Campaign):
    return Visit.objects.in_campaign(campaign).counted()


# One pass over the counted visits' participants gives every unit's figures both today and on an
# earlier day. Distinct pairs are formed first and then counted, which PostgreSQL does with hash
# aggregates: several times faster than COUNT(DISTINCT …) at a million visits.
ACTIVITY_SQL = """
WITH counted AS ({counted}),
participation AS {materialized} (
    SELECT {group} AS grp, p.visit_id, p.staff_id, counted.visited_on
    FROM visits_visitparticipant p
    JOIN counted ON counted.id = p.visit_id
    {unit_join}
),
visit_pairs AS {materialized} (
    SELECT DISTINCT grp, visit_id, visited_on FROM participation
),
leader AS (
    SELECT staff_id FROM campaign_rosterentry WHERE campaign_id = %s AND is_leadership
),
visit_figures AS (
    SELECT grp, count(*) AS visits, count(*) FILTER (WHERE visited_on <= %s) AS visits_before
    FROM visit_pairs
    GROUP BY grp
),
visitor_figures AS (
    SELECT grp, count(*) AS visitors,
           count(*) FILTER (WHERE first_on <= %s) AS visitors_before,
           count(leader.staff_id) AS leaders,
           count(leader.staff_id) FILTER (WHERE first_on <= %s) AS leaders_before
    FROM (SELECT grp, staff_id, min(visited_on) AS first_on
          FROM participation GROUP BY grp, staff_id) visitors
    LEFT JOIN leader USING (staff_id)
    GROUP BY grp
),
idea_figures AS (
    SELECT grp, count(*) AS ideas, count(*) FILTER (WHERE accepted) AS accepted,
           count(*) FILTER (WHERE counted_before) AS ideas_before,
           count(*) FILTER (WHERE accepted AND counted_before) AS accepted_before
    FROM (
        SELECT DISTINCT pairs.grp, idea.id, idea.accepted,
               (idea.created_at < %s AND pairs.visited_on <= %s) AS counted_before
        FROM ({ideas}) idea
        JOIN visit_pairs pairs ON pairs.visit_id = idea.visit_id
    ) unit_ideas
    GROUP BY grp
)
SELECT grp,
       coalesce(v.visits, 0), coalesce(p.visitors, 0), coalesce(p.leaders, 0),
       coalesce(i.ideas, 0), coalesce(i.accepted, 0),
       coalesce(v.visits_before, 0), coalesce(p.visitors_before, 0),
       coalesce(p.leaders_before, 0), coalesce(i.ideas_before, 0),
       coalesce(i.accepted_before, 0)
FROM visit_figures v
FULL JOIN visitor_figures p USING (grp)
FULL JOIN idea_figures i USING (grp)
"""


def _compute_activity(campaign: Campaign, as_of: dt.date | None, level: str) -> dict:
    """Counted visits, visitors, leaders, ideas and accepted ideas per unit (or department), now
    and on the day `as_of` (visits dated and ideas recorded by then), in one query."""
    counted_sql, counted_params = (
        _counted_visits(campaign).order_by().values("id", "visited_on").query.sql_with_params()
    )
    ideas_sql, ideas_params = (
        Idea.objects.in_campaign(campaign)
        .counted()
        .order_by()
        .annotate(accepted=ExpressionWrapper(IS_ACCEPTED, output_field=BooleanField()))
        .values("id", "visit_id", "created_at", "accepted")
        .query.sql_with_params()
    )
    if level == DEPARTMENTS:
        group, unit_join = "coalesce(u.parent_id, u.id)", "JOIN campaign_unit u ON u.id = p.unit_id"
    else:
        group, unit_join = "p.unit_id", ""
    postgresql = connection.vendor == "postgresql"
    sql = ACTIVITY_SQL.format(
        counted=counted_sql,
        group=group,
        unit_join=unit_join,
        # PostgreSQL would otherwise inline the CTEs and compute the participation three times.
        materialized="MATERIALIZED" if postgresql else "",
        ideas=ideas_sql,
    )
    if as_of:
        day_after = timezone.make_aware(dt.datetime.combine(as_of, dt.time.min))
        day_after += dt.timedelta(days=1)
    else:
        as_of, day_after = dt.date.max, dt.datetime.max.replace(tzinfo=dt.UTC)
    day = connection.ops.adapt_datefield_value(as_of)
    recorded_before = connection.ops.adapt_datetimefield_value(day_after)
    params = [
        *counted_params,
        campaign.pk,
        day,
        day,
        day,
        recorded_before,
        day,
        *ideas_params,
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        if postgresql:
            # Memory for the distinct pairs of a million visits to be hashed, not sorted on disk.
            cursor.execute("SET LOCAL work_mem = '64MB'")
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return {
        "now": {str(row[0]): list(row[1:6]) for row in rows},
        "before": {str(row[0]): list(row[6:11]) for row in rows if any(row[6:11])},
    }


def _compute_daily(campaign: Campaign) -> dict:
    """Counted visits per day, and ideas per day they started to count: recorded, and their
    visit done (an idea noted on a planned visit counts from the visit's day)."""
    counted = _counted_visits(campaign).order_by()
    visits = counted.values("visited_on").annotate(n=Count("pk")).values_list("visited_on", "n")
    ideas = (
        Idea.objects.in_campaign(campaign)
        .counted()
        .annotate(day=Greatest(TruncDate("created_at"), F("visit__visited_on")))
        .values("day")
        .annotate(n=Count("pk"))
        .values_list("day", "n")
    )
    return {
        "visits": {day.isoformat(): n for day, n in visits},
        "ideas": {day.isoformat(): n for day, n in ideas},
    }


# --- the snapshot cache -----------------------------------------------------------------------


def _roster_rows(campaign: Campaign) -> list[tuple]:
    """(unit, department or None, headcount, leaders on the roster, and two checksums of who
    they are) per unit, read live."""
    leadership = Q(is_leadership=True)
    rows = (
        RosterEntry.objects.filter(campaign=campaign)
        .values_list("unit", "unit__parent")
        .annotate(
            headcount=Count("pk"),
            leaders=Count("pk", filter=leadership),
            members=Sum("staff_id"),
            leader_members=Sum("staff_id", filter=leadership),
        )
        .order_by("unit")
    )
    return [tuple(row) for row in rows]


def _fingerprint(campaign: Campaign, roster: list) -> str:
    """What the stored counts depend on besides the visits and ideas themselves: the campaign's
    counting rules and who is on the roster in which unit, and who of them leads. A change to
    either makes a new key, so old counts are not read even if the code that made the change
    forgot to invalidate (the roster is compared by per-unit checksums of staff ids)."""
    rules = [
        campaign.starts_on.isoformat(),
        campaign.ends_on.isoformat(),
        campaign.min_minutes,
        campaign.remote_counts,
        roster,
    ]
    return hashlib.sha256(json.dumps(rules, default=str).encode()).hexdigest()[:20]


def _current_generation(campaign: Campaign):
    return Coalesce(
        Subquery(LeaderboardGeneration.objects.filter(campaign=campaign).values("generation")[:1]),
        0,
    )


def _stored(campaign: Campaign, keys: list[str]) -> dict:
    return dict(
        StandingsSnapshot.objects.filter(
            campaign=campaign,
            key__in=keys,
            generation=_current_generation(campaign),
            created_at__gte=timezone.now() - SNAPSHOT_MAX_AGE,
        ).values_list("key", "data")
    )


def _cached(campaign: Campaign, parts: dict[str, Callable[[], dict]], fingerprint: str) -> dict:
    """The named parts, from the snapshot table when fresh (one query), else computed and stored
    (a fixed number of queries more)."""
    keys = {name: f"{name}:{fingerprint}" for name in parts}
    found = _stored(campaign, list(keys.values()))
    missing = [name for name in parts if keys[name] not in found]
    if not missing:
        return {name: found[keys[name]] for name in parts}
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # One process computes a campaign's figures at a time; the others wait for it and
            # read what it stored, instead of all running the same heavy queries at once.
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_NAMESPACE, campaign.pk]
                )
            found |= _stored(campaign, [keys[name] for name in missing])
            missing = [name for name in missing if keys[name] not in found]
        if missing:
            # Read the generation before the source tables: if a write commits meanwhile, these
            # figures are stored under the old generation and never read.
            generation = (
                LeaderboardGeneration.objects.filter(campaign=campaign)
                .values_list("generation", flat=True)
                .first()
                or 0
            )
            computed = {name: parts[name]() for name in missing}
            StandingsSnapshot.objects.bulk_create(
                [
                    StandingsSnapshot(
                        campaign=campaign, key=keys[name], generation=generation, data=data
                    )
                    for name, data in computed.items()
                ],
                update_conflicts=True,
                unique_fields=["campaign", "key"],
                update_fields=["generation", "data", "created_at"],
            )
            found |= {keys[name]: data for name, data in computed.items()}
            # Snapshots past their age are never read again (other days, older rules).
            StandingsSnapshot.objects.filter(
                campaign=campaign, created_at__lt=timezone.now() - SNAPSHOT_MAX_AGE
            ).delete()
    return {name: found[keys[name]] for name in parts}


def _parts(campaign: Campaign, level: str, as_of: dt.date | None) -> dict:
    return {
        f"{level}@{as_of.isoformat() if as_of else 'now'}": lambda: _compute_activity(
            campaign, as_of, level
        ),
        "daily": lambda: _compute_daily(campaign),
    }


def _read(campaign: Campaign, level: str, as_of: dt.date | None, roster: list):
    """(activity, daily) for the campaign, from the snapshots or computed."""
    parts = _parts(campaign, level, as_of)
    data = _cached(campaign, parts, _fingerprint(campaign, roster))
    activity_name, _daily = parts
    return data[activity_name], data["daily"]


# --- assembling the standings (cheap, every request) ------------------------------------------


def _standings(
    campaign: Campaign,
    level: str,
    roster: list,
    groups: dict[str, list[int]],
    totals: "CampaignTotals",
    units: dict[int, Unit],
) -> list[UnitStanding]:
    headcounts: dict[int, list[int]] = {}
    for unit_id, department_id, headcount, leaders, *_checksums in roster:
        group = (department_id or unit_id) if level == DEPARTMENTS else unit_id
        figures = headcounts.setdefault(group, [0, 0])
        figures[0] += headcount
        figures[1] += leaders
    standings = []
    for group in sorted(set(headcounts) | {int(key) for key in groups}):
        if group not in units:
            continue  # a unit renumbered or removed since the figures were stored
        headcount, leaders_on_roster = headcounts.get(group, (0, 0))
        visits, visitors, leaders, ideas, accepted = groups.get(str(group), (0, 0, 0, 0, 0))
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
                ranked=headcount >= campaign.min_unit_size,
            )
        )
    ranks = scoring.competition_ranks(standings, key=lambda s: s.score, eligible=lambda s: s.ranked)
    standings = [
        replace(standing, rank=rank) for standing, rank in zip(standings, ranks, strict=True)
    ]
    return sorted(standings, key=lambda s: (s.rank is None, s.rank or 0, s.unit.name))


def _units(roster: list, activity: dict) -> dict[int, Unit]:
    ids = {row[0] for row in roster} | {row[1] for row in roster if row[1]}
    ids |= {int(key) for key in activity["now"]}
    return {unit.pk: unit for unit in Unit.objects.filter(pk__in=ids).select_related("parent")}


def _totals(daily: dict, as_of: dt.date | None = None) -> CampaignTotals:
    """Organisation totals from the daily counts: a joint visit counts once here."""
    last = (as_of or dt.date.max).isoformat()
    visits = sum(n for day, n in daily["visits"].items() if day <= last)
    ideas = sum(n for day, n in daily["ideas"].items() if day <= last)
    return CampaignTotals(
        visits=visits, ideas=ideas, idea_yield=scoring.ratio(ideas, visits) or 0.0
    )


def unit_standings(
    *, campaign: Campaign, as_of: dt.date | None = None, level: str = UNITS
) -> list[UnitStanding]:
    """Every unit on the campaign roster or credited with a counted visit, ranked by score.

    `as_of` limits the figures to visits dated and ideas recorded on or before that day;
    `level=DEPARTMENTS` rolls units up into their departments (a joint visit of two units of one
    department counts once for it). Three queries when the figures are stored, whatever the data
    size."""
    roster = _roster_rows(campaign)
    activity, daily = _read(campaign, level, as_of, roster)
    groups = activity["before"] if as_of else activity["now"]
    return _standings(
        campaign, level, roster, groups, _totals(daily, as_of), _units(roster, activity)
    )


def campaign_totals(*, campaign: Campaign, as_of: dt.date | None = None) -> CampaignTotals:
    """Organisation totals: a joint visit counts once here, however many units it credits."""
    _activity, daily = _read(campaign, UNITS, as_of, _roster_rows(campaign))
    return _totals(daily, as_of)


def _days(campaign: Campaign, daily: dict, today: dt.date) -> list[DayProgress]:
    """Cumulative counted visits and ideas for each campaign day up to today. Ideas that started
    to count in the grace days after the end are added to the last day."""
    last = min(today, campaign.ends_on)
    days, visits, ideas = [], 0, 0
    ideas_by_day = {dt.date.fromisoformat(day): n for day, n in daily["ideas"].items()}
    day = campaign.starts_on
    while day <= last:
        visits += daily["visits"].get(day.isoformat(), 0)
        ideas += ideas_by_day.get(day, 0)
        if day == campaign.ends_on:
            ideas += sum(n for d, n in ideas_by_day.items() if d > campaign.ends_on)
        days.append(DayProgress(day=day, visits=visits, ideas=ideas))
        day += dt.timedelta(days=1)
    return days


def leaderboard_page(
    *, campaign: Campaign, level: str = UNITS, today: dt.date | None = None
) -> Leaderboard:
    """The standings with each row's rank a week earlier, the totals and the daily progress, in
    three queries when the figures are stored."""
    today = today or timezone.localdate()
    compared_with = today - dt.timedelta(days=RANK_CHANGE_DAYS)
    if compared_with < campaign.starts_on:
        compared_with = None
    roster = _roster_rows(campaign)
    activity, daily = _read(campaign, level, compared_with, roster)
    units = _units(roster, activity)
    totals = _totals(daily)
    standings = _standings(campaign, level, roster, activity["now"], totals, units)
    if compared_with:
        earlier = _standings(
            campaign, level, roster, activity["before"], _totals(daily, compared_with), units
        )
        before = {s.unit.pk: s.rank for s in earlier}
        standings = [replace(s, previous_rank=before.get(s.unit.pk)) for s in standings]
    return Leaderboard(
        campaign=campaign,
        level=level,
        standings=standings,
        totals=totals,
        compared_with=compared_with,
        days=_days(campaign, daily, today),
        ranked_units=sum(row[2] >= campaign.min_unit_size for row in roster),
        units=units,
    )


def rebuild_snapshots(*, campaign: Campaign, today: dt.date | None = None) -> None:
    """Compute and store everything the leaderboard page reads, from the source tables."""
    for level in LEVELS:
        leaderboard_page(campaign=campaign, level=level, today=today)


@dataclass(frozen=True)
class MyStanding:
    standing: UnitStanding
    ranked_units: int


def unit_standing_for(*, user, campaign: Campaign) -> MyStanding | None:
    """The standing of the user's own unit, for the dashboard; None when it has no row."""
    if not user.unit_id:
        return None
    standings = unit_standings(campaign=campaign)
    mine = next((s for s in standings if s.unit.pk == user.unit_id), None)
    if mine is None:
        return None
    return MyStanding(standing=mine, ranked_units=sum(s.ranked for s in standings))
