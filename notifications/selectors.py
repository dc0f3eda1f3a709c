"""Reads for notifications: which mails are due now, a unit's overview (the weekly digest and the
unit manager's front page show the same one) and each person's mail settings.

What is due is found with a few set-based queries per kind, whatever the size of the roster: the
people who may be mailed are filtered in SQL (active, with an address, the kind not turned off),
and who has visited comes from the leaderboard's figures, read once. Ideas assigned to a unit
and decisions on ideas are read from the ideas' audit history, which records every change
whatever made it (a triage page, the admin, a script), so no service or signal has to remember
to tell this app.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from campaign.models import Campaign, RosterEntry, Staff, Unit
from campaign.roles import UNIT_MANAGERS
from ideas.models import Idea, IdeaStatus
from leaderboard.selectors import DEPARTMENTS, Figures, UnitStanding, unit_standings
from notifications.models import (
    MANAGER_KINDS,
    CampaignNotificationOff,
    NotificationKind,
    NotificationOptOut,
)
from visits.models import Visit, VisitParticipant
from visits.rules import VisitStatus

# Changes to ideas older than this are not told: a kind turned on, or a pause of the scheduled
# job, sends no backlog.
EVENT_WINDOW = dt.timedelta(days=3)
# "The campaign ends in three days" goes out from this many days before the last day.
ENDING_DAYS = 3
DECIDED_STATUSES = frozenset({IdeaStatus.ACCEPTED, IdeaStatus.IMPLEMENTED, IdeaStatus.DECLINED})
WAITING_STATUSES = (IdeaStatus.NEW, IdeaStatus.IN_REVIEW)
# Ideas listed by name on the front page and in the digest; the counts cover all of them.
IDEA_LIMIT = 10


@dataclass(frozen=True)
class Due:
    """A notification that should exist now; `key` makes it the same one on every run."""

    kind: str
    recipient_id: int
    campaign_id: int
    key: str
    visit_id: int | None = None
    idea_id: int | None = None
    unit_id: int | None = None


def iso_week(day: dt.date) -> str:
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


def _reachable(kind: str, person: str = "") -> Q:
    """The people (`person` is the path to them, e.g. "staff__") who may get mails of `kind`:
    active, with an e-mail address, and not having turned the kind off."""
    opted_out = NotificationOptOut.objects.filter(staff=OuterRef(f"{person}pk"), kind=kind)
    return Q(**{f"{person}is_active": True}) & ~Q(**{f"{person}email": ""}) & ~Q(Exists(opted_out))


def kinds_off(*, campaign_ids) -> dict[int, set[str]]:
    """The kinds the coordinators turned off, per campaign."""
    off: dict[int, set[str]] = defaultdict(set)
    for campaign_id, kind in CampaignNotificationOff.objects.filter(
        campaign_id__in=list(campaign_ids)
    ).values_list("campaign_id", "kind"):
        off[campaign_id].add(kind)
    return off


def first_visits(figures: Figures) -> dict[int, dt.date]:
    """Each visitor's first counted visit, from the leaderboard's figures."""
    first: dict[int, dt.date] = {}
    for _unit, staff, day in figures.visitors:
        if staff not in first or day < first[staff]:
            first[staff] = day
    return first


def _roster_due(kind: str, campaign: Campaign, key: str) -> list[Due]:
    people = (
        RosterEntry.objects.filter(campaign=campaign)
        .filter(_reachable(kind, "staff__"))
        .values_list("staff_id", flat=True)
    )
    return [
        Due(kind=kind, recipient_id=staff, campaign_id=campaign.pk, key=f"{key}:{staff}")
        for staff in people
    ]


def _visit_follow_ups(campaign: Campaign, today: dt.date) -> list[Due]:
    """Planned visits whose day has passed, to the person who planned them, while they can
    still be logged."""
    kind = NotificationKind.VISIT_FOLLOW_UP
    if today > campaign.logging_closes_on:
        return []
    visits = (
        Visit.objects.in_campaign(campaign)
        .filter(status=VisitStatus.PLANNED, visited_on__lt=today)
        .filter(_reachable(kind, "created_by__"))
        .values_list("pk", "created_by_id")
    )
    return [
        Due(
            kind=kind,
            recipient_id=staff,
            campaign_id=campaign.pk,
            key=f"{kind}:{visit}:{staff}",
            visit_id=visit,
        )
        for visit, staff in visits
    ]


def _nudges(campaign: Campaign, today: dt.date, figures: Figures) -> list[Due]:
    """Everyone on the roster without a counted visit, once a week while the campaign runs."""
    kind = NotificationKind.NUDGE
    if not campaign.is_running(today):
        return []
    visited = set(first_visits(figures))
    due = _roster_due(kind, campaign, f"{kind}:{campaign.pk}:{iso_week(today)}")
    return [d for d in due if d.recipient_id not in visited]


def _digests(campaign: Campaign, today: dt.date) -> list[Due]:
    """Each unit manager, about their own unit, once a week from the start to the end of the
    grace days."""
    kind = NotificationKind.DIGEST
    if not campaign.starts_on <= today <= campaign.logging_closes_on:
        return []
    managers = (
        Staff.objects.filter(groups__name=UNIT_MANAGERS, unit__isnull=False)
        .filter(_reachable(kind))
        .values_list("pk", "unit_id")
        .distinct()
    )
    week = iso_week(today)
    return [
        Due(
            kind=kind,
            recipient_id=staff,
            campaign_id=campaign.pk,
            key=f"{kind}:{campaign.pk}:{week}:{staff}",
            unit_id=unit,
        )
        for staff, unit in managers
    ]


def _campaign_ending(campaign: Campaign, today: dt.date) -> list[Due]:
    kind = NotificationKind.CAMPAIGN_ENDING
    if not campaign.ends_on - dt.timedelta(days=ENDING_DAYS) <= today <= campaign.ends_on:
        return []
    return _roster_due(kind, campaign, f"{kind}:{campaign.pk}")


def _grace_started(campaign: Campaign, today: dt.date) -> list[Due]:
    kind = NotificationKind.GRACE_STARTED
    if not campaign.grace_days or not campaign.ends_on < today <= campaign.logging_closes_on:
        return []
    return _roster_due(kind, campaign, f"{kind}:{campaign.pk}")


@dataclass(frozen=True)
class _IdeaChange:
    idea_id: int
    value: str
    actor_id: int | None


def _idea_changes(since: dt.datetime) -> tuple[list[_IdeaChange], list[_IdeaChange]]:
    """The owner units given and the decided statuses set since `since`, from the audit
    history: (assignments with the unit's id, decisions with the status)."""
    entries = (
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Idea),
            action__in=[LogEntry.Action.CREATE, LogEntry.Action.UPDATE],
            timestamp__gte=since,
        )
        .filter(Q(changes__has_key="owner_unit") | Q(changes__has_key="status"))
        .order_by("pk")
        .values_list("object_pk", "changes", "actor_id")
    )
    assigned, decided = [], []
    for object_pk, changes, actor_id in entries:
        if not isinstance(changes, dict) or not str(object_pk).isdigit():
            continue
        owner = (changes.get("owner_unit") or [None, None])[-1]
        if owner and str(owner).isdigit():
            assigned.append(_IdeaChange(int(object_pk), str(owner), actor_id))
        status = (changes.get("status") or [None, None])[-1]
        if status in DECIDED_STATUSES:
            decided.append(_IdeaChange(int(object_pk), status, actor_id))
    return assigned, decided


def _idea_events(now: dt.datetime) -> list[Due]:
    """An idea given to a unit, to the unit's managers; an idea accepted, implemented or
    declined, to the people who collected it. Only while the idea still has that owner or
    status (a slip corrected at once tells nobody), and never to the person who made the
    change."""
    assigned, decided = _idea_changes(now - EVENT_WINDOW)
    ids = {change.idea_id for change in [*assigned, *decided]}
    if not ids:
        return []
    ideas = {
        row["pk"]: row
        for row in Idea.objects.filter(pk__in=ids).values(
            "pk", "owner_unit_id", "status", "visit_id", "visit__campaign_id"
        )
    }
    off = kinds_off(campaign_ids={idea["visit__campaign_id"] for idea in ideas.values()})

    def current(change: _IdeaChange, kind: str, field: str, value) -> dict | None:
        idea = ideas.get(change.idea_id)
        if idea is None or idea[field] != value or kind in off[idea["visit__campaign_id"]]:
            return None
        return idea

    due = []
    kind = NotificationKind.IDEA_ASSIGNED
    managers: dict[int, set[int]] = defaultdict(set)
    for staff, unit in (
        Staff.objects.filter(
            groups__name=UNIT_MANAGERS, unit_id__in={int(c.value) for c in assigned}
        )
        .filter(_reachable(kind))
        .values_list("pk", "unit_id")
    ):
        managers[unit].add(staff)
    for change in assigned:
        unit = int(change.value)
        idea = current(change, kind, "owner_unit_id", unit)
        for staff in sorted(managers[unit] - {change.actor_id}) if idea else []:
            due.append(
                Due(
                    kind=kind,
                    recipient_id=staff,
                    campaign_id=idea["visit__campaign_id"],
                    key=f"{kind}:{idea['pk']}:{unit}:{staff}",
                    idea_id=idea["pk"],
                )
            )

    kind = NotificationKind.IDEA_DECIDED
    collectors: dict[int, set[int]] = defaultdict(set)
    for visit, staff in (
        VisitParticipant.objects.filter(
            visit_id__in={ideas[c.idea_id]["visit_id"] for c in decided if c.idea_id in ideas}
        )
        .filter(_reachable(kind, "staff__"))
        .values_list("visit_id", "staff_id")
    ):
        collectors[visit].add(staff)
    for change in decided:
        idea = current(change, kind, "status", change.value)
        for staff in sorted(collectors[idea["visit_id"]] - {change.actor_id}) if idea else []:
            due.append(
                Due(
                    kind=kind,
                    recipient_id=staff,
                    campaign_id=idea["visit__campaign_id"],
                    key=f"{kind}:{idea['pk']}:{change.value}:{staff}",
                    idea_id=idea["pk"],
                )
            )
    return due


def notifications_due(*, now: dt.datetime | None = None) -> list[Due]:
    """Every notification that should exist at `now`: those about the current campaign, for
    the kinds its coordinators left on, and the news of ideas of any campaign."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    due = []
    campaign = Campaign.objects.current()
    if campaign is not None:
        off = kinds_off(campaign_ids=[campaign.pk])[campaign.pk]
        finders = {
            NotificationKind.VISIT_FOLLOW_UP: lambda: _visit_follow_ups(campaign, today),
            NotificationKind.NUDGE: lambda: _nudges(campaign, today, Figures(campaign)),
            NotificationKind.DIGEST: lambda: _digests(campaign, today),
            NotificationKind.CAMPAIGN_ENDING: lambda: _campaign_ending(campaign, today),
            NotificationKind.GRACE_STARTED: lambda: _grace_started(campaign, today),
        }
        for kind, find in finders.items():
            if kind not in off:
                due += find()
    return due + _idea_events(now)


# --- A unit at a glance: the digest and the unit manager's front page ----------------------------


class Standings:
    """A campaign's standings of units and of departments and its visitors' first visits, each
    read from the leaderboard's figures once, when first asked for."""

    def __init__(self, campaign: Campaign, figures: Figures | None = None):
        self.campaign = campaign
        self.figures = figures or Figures(campaign)

    @cached_property
    def units(self) -> list[UnitStanding]:
        return unit_standings(campaign=self.campaign, figures=self.figures)

    @cached_property
    def departments(self) -> list[UnitStanding]:
        return unit_standings(campaign=self.campaign, level=DEPARTMENTS, figures=self.figures)

    @cached_property
    def first_visits(self) -> dict[int, dt.date]:
        return first_visits(self.figures)

    def of_unit(self, unit_id: int | None) -> UnitStanding | None:
        return next((s for s in self.units if s.unit.pk == unit_id), None)

    @cached_property
    def ranked_units(self) -> int:
        return sum(s.ranked for s in self.units)


@dataclass(frozen=True)
class RosterMember:
    staff: Staff
    unit: Unit
    is_leadership: bool
    first_visit: dt.date | None


@dataclass(frozen=True)
class UnitOverview:
    campaign: Campaign
    unit: Unit
    is_department: bool
    standing: UnitStanding | None
    ranked: int  # units (or departments) ranked beside it
    target: int | None
    roster: list[RosterMember]
    new_ideas: list[Idea]
    new_idea_count: int
    ideas_since: dt.date | None
    waiting_ideas: list[Idea]
    waiting_idea_count: int

    @property
    def visited(self) -> list[RosterMember]:
        return [m for m in self.roster if m.first_visit]

    @property
    def not_visited(self) -> list[RosterMember]:
        return [m for m in self.roster if not m.first_visit]

    @property
    def leaders_visited(self) -> list[RosterMember]:
        return [m for m in self.visited if m.is_leadership]

    @property
    def visits_to_target(self) -> int | None:
        """Counted visits still missing from the target; None without a target."""
        if self.target is None:
            return None
        return max(0, self.target - (self.standing.visits if self.standing else 0))


def unit_overview(
    *,
    campaign: Campaign,
    unit: Unit,
    standings: Standings | None = None,
    ideas_since: dt.date | None = None,
    limit: int = IDEA_LIMIT,
) -> UnitOverview:
    """The unit (a department with its units) in the campaign: its progress against the target
    and its rank, who on its roster has visited and who not, the ideas it collected (since
    `ideas_since`, when given) and those it owns that wait for a decision."""
    standings = standings or Standings(campaign)
    unit_ids = list(Unit.objects.with_descendants(unit).values_list("pk", flat=True))
    is_department = len(unit_ids) > 1
    per_unit = campaign.visit_target_per_unit
    if is_department:
        rows = standings.departments
        target_units = sum(s.ranked for s in standings.units if s.unit.pk in unit_ids)
        target = per_unit * target_units if per_unit and target_units else None
    else:
        rows = standings.units
        target = per_unit
    roster = [
        RosterMember(
            staff=entry.staff,
            unit=entry.unit,
            is_leadership=entry.is_leadership,
            first_visit=standings.first_visits.get(entry.staff_id),
        )
        for entry in RosterEntry.objects.filter(campaign=campaign, unit_id__in=unit_ids)
        .select_related("staff", "unit")
        .order_by("staff__last_name", "staff__first_name", "staff__username")
    ]
    collected = (
        Idea.objects.in_campaign(campaign)
        .not_duplicate()
        .filter(visit__in=Visit.objects.for_unit(unit))
        .select_related("visit__client")
        .order_by("-created_at", "-pk")
    )
    if ideas_since is not None:
        collected = collected.filter(created_at__date__gte=ideas_since)
    waiting = (
        Idea.objects.filter(owner_unit_id__in=unit_ids, status__in=WAITING_STATUSES)
        .select_related("visit__client")
        .order_by("created_at", "pk")
    )
    return UnitOverview(
        campaign=campaign,
        unit=unit,
        is_department=is_department,
        standing=next((s for s in rows if s.unit.pk == unit.pk), None),
        ranked=sum(s.ranked for s in rows),
        target=target,
        roster=roster,
        new_ideas=list(collected[:limit]),
        new_idea_count=collected.count(),
        ideas_since=ideas_since,
        waiting_ideas=list(waiting[:limit]),
        waiting_idea_count=waiting.count(),
    )


def sees_unit_overview(user) -> bool:
    """Unit managers (and coordinators) with a unit get its overview on their front page."""
    return bool(user.unit_id) and user.has_perm("visits.view_unit_visits")


# --- Mail settings -------------------------------------------------------------------------------


def kinds_for(*, staff) -> list[str]:
    """The kinds a person can receive: those for managers only if they are one."""
    is_manager = staff.groups.filter(name=UNIT_MANAGERS).exists()
    return [k for k in NotificationKind.values if is_manager or k not in MANAGER_KINDS]


def opted_out_kinds(*, staff) -> set[str]:
    return set(NotificationOptOut.objects.filter(staff=staff).values_list("kind", flat=True))


def campaign_kinds_off(*, campaign: Campaign | None) -> set[str]:
    if campaign is None:
        return set()
    return kinds_off(campaign_ids=[campaign.pk])[campaign.pk]
