"""Reads for the idea pages and exports: scoped by `Idea.objects.visible_to(user)`, with what the
pages show loaded in a fixed number of queries."""

import datetime as dt
import re
from dataclasses import dataclass

from auditlog.models import LogEntry
from django.contrib.postgres.search import TrigramSimilarity
from django.db import connection
from django.db.models import Aggregate, CharField, OuterRef, QuerySet, Subquery
from django.utils.translation import gettext_lazy as _

from ideas.models import Idea, IdeaStatus
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


# The list's first order: the ideas of the latest visits first, a visit's ideas in the order they
# were noted. Read through the visits' index by campaign and date, so that a campaign's or a few
# days' ideas come without reading every other idea.
LATEST_VISITS_FIRST = ("-visit__visited_on", "-visit_id", "-pk")


def idea_list(*, user, with_collecting_units: bool = True) -> QuerySet[Idea]:
    """The ideas the user may see, with visit, client, theme and owner unit, and (for the exports,
    which write every row) the collecting units of each. The list page asks for one page's
    collecting units instead (`collecting_units_of`): as a subquery in the list's statement they
    would also be computed for every row an offset skips. Withdrawn ideas are left out, of the
    list and the exports alike."""
    ideas = (
        Idea.objects.visible_to(user)
        .not_withdrawn()
        .select_related("visit__client", "visit__campaign", "theme", "owner_unit")
        .order_by(*LATEST_VISITS_FIRST)
    )
    if with_collecting_units:
        ideas = ideas.annotate(collecting_units=collecting_units_subquery())
    return ideas


def collecting_units_of(*, visit_ids) -> dict[int, str]:
    """The names of the units credited with each of these visits, as one text per visit."""
    rows = (
        VisitParticipant.objects.filter(visit_id__in=list(visit_ids))
        .order_by()
        .values("visit_id")
        .annotate(names=DistinctNames("unit__name"))
        .values_list("visit_id", "names")
    )
    return dict(rows)


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


def idea_visit_visible(*, idea: Idea, user) -> bool:
    """Whether the user may open the idea's visit: staff read their unit's ideas, but the visits
    of colleagues stay theirs."""
    return Visit.objects.visible_to(user).filter(pk=idea.visit_id).exists()


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


# pg_trgm's own default: titles sharing at least this share of their trigrams are alike.
SIMILAR_TITLE_THRESHOLD = 0.3
SIMILAR_IDEAS_SHOWN = 5
# Without PostgreSQL (the SQLite file `make run` uses), the titles compared in Python, at most.
SIMILAR_TITLES_COMPARED = 2_000


@dataclass(frozen=True)
class SimilarIdea:
    idea: Idea
    similarity: float  # 0–1, the share of trigrams the titles share


def _trigrams(text: str) -> set[str]:
    """A title's trigrams as pg_trgm makes them: of each word in lower case, padded with two
    spaces before and one after."""
    grams: set[str] = set()
    for word in re.findall(r"\w+", text.lower()):
        padded = f"  {word} "
        grams |= {padded[i : i + 3] for i in range(len(padded) - 2)}
    return grams


def title_similarity(first: str, second: str) -> float:
    """pg_trgm's similarity() of two titles: the trigrams they share ÷ all their trigrams."""
    a, b = _trigrams(first), _trigrams(second)
    return len(a & b) / len(a | b) if a | b else 0.0


def ideas_similar_to(*, idea: Idea, user) -> list[SimilarIdea]:
    """Ideas of the same campaign with a title like this one's, most alike first: the likely
    originals when triaging a duplicate. Only ideas the user may see; duplicates and withdrawn
    ideas are not offered. PostgreSQL compares the titles with pg_trgm; on SQLite the same
    measure is computed here."""
    candidates = (
        Idea.objects.visible_to(user)
        .not_withdrawn()
        .in_campaign(idea.visit.campaign_id)
        .exclude(pk=idea.pk)
        .exclude(status=IdeaStatus.DUPLICATE)
        .select_related("visit__client")
    )
    if connection.vendor == "postgresql":
        alike = (
            candidates.annotate(similarity=TrigramSimilarity("title", idea.title))
            .filter(similarity__gte=SIMILAR_TITLE_THRESHOLD)
            .order_by("-similarity", "pk")[:SIMILAR_IDEAS_SHOWN]
        )
        return [SimilarIdea(idea=other, similarity=other.similarity) for other in alike]
    scored = [
        SimilarIdea(idea=other, similarity=title_similarity(idea.title, other.title))
        for other in candidates.order_by("pk")[:SIMILAR_TITLES_COMPARED]
    ]
    alike = [found for found in scored if found.similarity >= SIMILAR_TITLE_THRESHOLD]
    alike.sort(key=lambda found: (-found.similarity, found.idea.pk))
    return alike[:SIMILAR_IDEAS_SHOWN]


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


def shareable_ideas(*, campaign) -> QuerySet[Idea]:
    """The ideas coordinators marked shareable: of the campaign's counted visits, by theme and
    title. The report shows them, and the public page of a campaign that publishes them."""
    return (
        Idea.objects.in_campaign(campaign)
        .counted()
        .filter(is_shareable=True)
        .select_related("visit__client", "theme")
        .order_by("theme__name", "title", "pk")
    )
