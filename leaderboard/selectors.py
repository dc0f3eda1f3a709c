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

from django.db.models import Count, Exists, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from campaign.models import Campaign, RosterEntry, Unit
from ideas.models import Idea
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

    @property
    def visit_target(self) -> int | None:
        """The organisation's target: the per-unit target times the units that are ranked."""
        per_unit = self.campaign.visit_target_per_unit
        return per_unit * self.ranked_units if per_unit else None


# --- computing from the source tables (the slow part, cached) ---------------------------------


def _counted_visits(campaign: Campaign, as_of: dt.date | None):
    visits = Visit.objects.in_campaign(campaign).counted()
    return visits.filter(visited_on__lte=as_of) if as_of else visits


def _ideas(campaign: Campaign, as_of: dt.date | None):
    ideas = Idea.objects.filter(visit__in=_counted_visits(campaign, as_of)).not_duplicate()
    return ideas.filter(created_at__date__lte=as_of) if as_of else ideas


def _group(prefix: str, level: str):
    """The unit a row is credited to, or that unit's department."""
    if level == DEPARTMENTS:
        return Coalesce(f"{prefix}unit__parent_id", f"{prefix}unit_id")
    return F(f"{prefix}unit_id")


def _compute_activity(campaign: Campaign, as_of: dt.date | None, level: str) -> dict:
    """Counted visits, visitors, leaders, ideas and accepted ideas per unit (or department), and
    the organisation's totals, in four aggregate queries."""
    counted = _counted_visits(campaign, as_of)
    leader_on_roster = RosterEntry.objects.filter(
        campaign=campaign, staff=OuterRef("staff"), is_leadership=True
    )
    groups: dict[str, list[int]] = {}
    participation_rows = (
        VisitParticipant.objects.filter(visit__in=counted)
        .values(group=_group("", level))
        .annotate(
            visits=Count("visit", distinct=True),
            visitors=Count("staff", distinct=True),
            leaders=Count("staff", distinct=True, filter=Q(Exists(leader_on_roster))),
        )
    )
    for row in participation_rows:
        groups[str(row["group"])] = [row["visits"], row["visitors"], row["leaders"], 0, 0]
    idea_rows = (
        _ideas(campaign, as_of)
        .values(group=_group("visit__participations__", level))
        .annotate(
            ideas=Count("pk", distinct=True),
            accepted=Count("pk", distinct=True, filter=Q(status__in=Idea.ACCEPTED_STATUSES)),
        )
    )
    for row in idea_rows:
        figures = groups.setdefault(str(row["group"]), [0, 0, 0, 0, 0])
        figures[3:5] = [row["ideas"], row["accepted"]]
    return {
        "groups": groups,
        "visits": counted.count(),
        "ideas": _ideas(campaign, as_of).count(),
    }


def _compute_daily(campaign: Campaign) -> dict:
    visits = (
        Visit.objects.in_campaign(campaign)
        .counted()
        .values("visited_on")
        .annotate(n=Count("pk"))
        .values_list("visited_on", "n")
    )
    ideas = (
        _ideas(campaign, None)
        .annotate(day=TruncDate("created_at"))
        .values("day")
        .annotate(n=Count("pk"))
        .values_list("day", "n")
    )
    return {
        "visits": {day.isoformat(): n for day, n in visits},
        "ideas": {day.isoformat(): n for day, n in ideas},
    }


# --- the snapshot cache -----------------------------------------------------------------------


def _roster_rows(campaign: Campaign) -> list[tuple[int, int | None, int, int]]:
    """(unit, department or None, headcount, leaders on the roster) per unit, read live."""
    rows = (
        RosterEntry.objects.filter(campaign=campaign)
        .values_list("unit", "unit__parent")
        .annotate(headcount=Count("pk"), leaders=Count("pk", filter=Q(is_leadership=True)))
        .order_by("unit")
    )
    return [tuple(row) for row in rows]


def _fingerprint(campaign: Campaign, roster: list) -> str:
    """What the stored counts depend on besides the visits and ideas themselves: the campaign's
    counting rules and the roster. A change to either makes a new key, so old counts are never
    read, whether or not the code that changed them remembered to invalidate."""
    rules = [
        campaign.starts_on.isoformat(),
        campaign.ends_on.isoformat(),
        campaign.min_minutes,
        campaign.remote_counts,
        roster,
    ]
    return hashlib.sha256(json.dumps(rules).encode()).hexdigest()[:20]


def _current_generation(campaign: Campaign):
    return Coalesce(
        Subquery(LeaderboardGeneration.objects.filter(campaign=campaign).values("generation")[:1]),
        0,
    )


def _cached(campaign: Campaign, parts: dict[str, Callable[[], dict]], fingerprint: str) -> dict:
    """The named parts, from the snapshot table when fresh (one query), else computed and stored
    (a fixed number of queries more)."""
    keys = {name: f"{name}:{fingerprint}" for name in parts}
    found = dict(
        StandingsSnapshot.objects.filter(
            campaign=campaign,
            key__in=keys.values(),
            generation=_current_generation(campaign),
            created_at__gte=timezone.now() - SNAPSHOT_MAX_AGE,
        ).values_list("key", "data")
    )
    missing = [name for name in parts if keys[name] not in found]
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
    return {name: found[keys[name]] for name in parts}


def _activity_part(campaign: Campaign, level: str, as_of: dt.date | None):
    name = f"{level}@{as_of.isoformat() if as_of else 'now'}"
    return name, lambda: _compute_activity(campaign, as_of, level)


# --- assembling the standings (cheap, every request) ------------------------------------------


def _standings(
    campaign: Campaign, level: str, roster: list, activity: dict, units: dict[int, Unit]
) -> list[UnitStanding]:
    headcounts: dict[int, list[int]] = {}
    for unit_id, department_id, headcount, leaders in roster:
        group = (department_id or unit_id) if level == DEPARTMENTS else unit_id
        figures = headcounts.setdefault(group, [0, 0])
        figures[0] += headcount
        figures[1] += leaders
    campaign_yield = scoring.ratio(activity["ideas"], activity["visits"]) or 0.0
    standings = []
    for group in sorted(set(headcounts) | {int(key) for key in activity["groups"]}):
        headcount, leaders_on_roster = headcounts.get(group, (0, 0))
        visits, visitors, leaders, ideas, accepted = activity["groups"].get(
            str(group), (0, 0, 0, 0, 0)
        )
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
                    ideas=ideas, visits=visits, campaign_yield=campaign_yield
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


def _units(roster: list, activities: list[dict]) -> dict[int, Unit]:
    ids = {row[0] for row in roster} | {row[1] for row in roster if row[1]}
    for activity in activities:
        ids |= {int(key) for key in activity["groups"]}
    return {unit.pk: unit for unit in Unit.objects.filter(pk__in=ids).select_related("parent")}


def _totals(activity: dict) -> CampaignTotals:
    return CampaignTotals(
        visits=activity["visits"],
        ideas=activity["ideas"],
        idea_yield=scoring.ratio(activity["ideas"], activity["visits"]) or 0.0,
    )


def unit_standings(
    *, campaign: Campaign, as_of: dt.date | None = None, level: str = UNITS
) -> list[UnitStanding]:
    """Every unit on the campaign roster or credited with a counted visit, ranked by score.

    `as_of` limits the figures to visits dated and ideas recorded on or before that day;
    `level=DEPARTMENTS` rolls units up into their departments (a joint visit of two units of one
    department counts once for it). Four queries, whatever the data size."""
    roster = _roster_rows(campaign)
    name, compute = _activity_part(campaign, level, as_of)
    activity = _cached(campaign, {name: compute}, _fingerprint(campaign, roster))[name]
    return _standings(campaign, level, roster, activity, _units(roster, [activity]))


def campaign_totals(*, campaign: Campaign, as_of: dt.date | None = None) -> CampaignTotals:
    """Organisation totals: a joint visit counts once here, however many units it credits."""
    roster = _roster_rows(campaign)
    name, compute = _activity_part(campaign, UNITS, as_of)
    return _totals(_cached(campaign, {name: compute}, _fingerprint(campaign, roster))[name])


def _days(campaign: Campaign, daily: dict, today: dt.date) -> list[DayProgress]:
    """Cumulative counted visits and ideas for each campaign day up to today. Ideas recorded in
    the grace days after the end are added to the last day."""
    last = min(today, campaign.ends_on)
    days, visits, ideas = [], 0, 0
    ideas_by_day = {dt.date.fromisoformat(day): n for day, n in daily["ideas"].items()}
    ideas += sum(n for day, n in ideas_by_day.items() if day < campaign.starts_on)
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
    three queries when the snapshot is fresh."""
    today = today or timezone.localdate()
    compared_with = today - dt.timedelta(days=RANK_CHANGE_DAYS)
    if compared_with < campaign.starts_on:
        compared_with = None
    roster = _roster_rows(campaign)
    now_name, now_compute = _activity_part(campaign, level, None)
    parts = {now_name: now_compute, "daily": lambda: _compute_daily(campaign)}
    if compared_with:
        before_name, before_compute = _activity_part(campaign, level, compared_with)
        parts[before_name] = before_compute
    data = _cached(campaign, parts, _fingerprint(campaign, roster))
    activities = [data[now_name]] + ([data[before_name]] if compared_with else [])
    units = _units(roster, activities)
    standings = _standings(campaign, level, roster, data[now_name], units)
    if compared_with:
        before = {
            s.unit.pk: s.rank for s in _standings(campaign, level, roster, data[before_name], units)
        }
        standings = [replace(s, previous_rank=before.get(s.unit.pk)) for s in standings]
    return Leaderboard(
        campaign=campaign,
        level=level,
        standings=standings,
        totals=_totals(data[now_name]),
        compared_with=compared_with,
        days=_days(campaign, data["daily"], today),
        ranked_units=sum(headcount >= campaign.min_unit_size for *_ids, headcount, _l in roster),
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
