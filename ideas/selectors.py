"""Reads for the idea pages and exports: scoped by `Idea.objects.visible_to(user)`, with what the
pages show loaded in a fixed number of queries."""

import datetime as dt
from dataclasses import dataclass

from auditlog.models import LogEntry
from django.db.models import Aggregate, CharField, OuterRef, QuerySet, Subquery
from django.utils.translation import gettext_lazy as _

from ideas.models import Idea
from visits.models import Visit, VisitParticipant


class DistinctNames(Aggregate):
    """Distinct values joined by ", " in alphabetical order: STRING_AGG on PostgreSQL and
    GROUP_CONCAT on the SQLite file a newcomer tries the app on."""

    function = "STRING_AGG"
    template = "%(function)s(DISTINCT %(expressions)s, ', ' ORDER BY %(expressions)s)"
    output_field = CharField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(
            compiler,
            connection,
            template="REPLACE(GROUP_CONCAT(DISTINCT %(expressions)s), ',', ', ')",
            **extra_context,
        )


def collecting_units_subquery() -> Subquery:
    """The names of the units credited with an idea's visit, as one text: one subquery per
    statement, not one query per row."""
    names = (
        VisitParticipant.objects.filter(visit=OuterRef("visit_id"))
        .order_by()
        .values("visit_id")
        .annotate(names=DistinctNames("unit__name"))
        .values("names")
    )
    return Subquery(names, output_field=CharField())


def idea_list(*, user) -> QuerySet[Idea]:
    """The ideas the user may see, with visit, client, theme, owner unit and collecting units."""
    return (
        Idea.objects.visible_to(user)
        .select_related("visit__client", "visit__campaign", "theme", "owner_unit")
        .annotate(collecting_units=collecting_units_subquery())
        .order_by("-created_at", "-pk")
    )


def ideas_of_visit(*, visit: Visit) -> QuerySet[Idea]:
    """The ideas a visit brought, in the order they were noted, with their themes."""
    return Idea.objects.filter(visit=visit).select_related("theme").order_by("pk")


def idea_for_detail(*, user, pk: int) -> Idea | None:
    """One idea the user may see, with its visit, client and owner unit; None when not visible."""
    return (
        Idea.objects.visible_to(user)
        .select_related(
            "visit__client",
            "visit__campaign",
            "visit__created_by",
            "theme",
            "owner_unit",
            "duplicate_of",
            "created_by",
        )
        .filter(pk=pk)
        .first()
    )


def idea_participants(*, idea: Idea) -> QuerySet[VisitParticipant]:
    return VisitParticipant.objects.filter(visit_id=idea.visit_id).select_related("staff", "unit")


def idea_duplicates(*, idea: Idea, user) -> QuerySet[Idea]:
    """The ideas marked as duplicates of this one that the user may see."""
    return (
        Idea.objects.visible_to(user)
        .filter(duplicate_of=idea)
        .select_related("visit__client")
        .order_by("created_at", "pk")
    )


@dataclass(frozen=True)
class HistoryChange:
    field: str
    old: str
    new: str


@dataclass(frozen=True)
class HistoryItem:
    timestamp: dt.datetime
    actor: str
    action: str
    changes: list[HistoryChange]


ACTION_LABELS = {
    LogEntry.Action.CREATE: _("Recorded"),
    LogEntry.Action.UPDATE: _("Changed"),
    LogEntry.Action.DELETE: _("Deleted"),
    LogEntry.Action.ACCESS: _("Viewed"),
}


def _readable(value) -> str:
    return "–" if value in (None, "None", "") else str(value)


def idea_history(*, idea: Idea) -> list[HistoryItem]:
    """The audit trail of the idea, newest first: when, who, and each field's old and new value
    in words (status names, unit and theme names rather than ids)."""
    entries = (
        LogEntry.objects.get_for_object(idea)
        .select_related("actor", "content_type")
        .order_by("-timestamp", "-pk")
    )
    items = []
    for entry in entries:
        changes = []
        if entry.action == LogEntry.Action.UPDATE:
            for field, values in entry.changes_display_dict.items():
                old, new = [*values, "", ""][:2]
                changes.append(
                    HistoryChange(field=str(field), old=_readable(old), new=_readable(new))
                )
        items.append(
            HistoryItem(
                timestamp=entry.timestamp,
                actor=str(entry.actor) if entry.actor else str(_("the system")),
                action=str(ACTION_LABELS.get(entry.action, entry.get_action_display())),
                changes=changes,
            )
        )
    return items
