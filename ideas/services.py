"""Writes for ideas: capturing them with their visit, triage, duplicates and the audit of
exports."""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from campaign.audit import audit_actor
from campaign.models import Staff, Theme, Unit
from campaign.revisions import check_unchanged
from ideas.models import IDEA_EXPORT_QUERY_LENGTH, Idea, IdeaExport, IdeaStatus
from ideas.rules import (
    idea_can_move,
    idea_can_set_shareable,
    idea_can_triage,
    idea_next_statuses,
    visit_takes_ideas,
)
from visits.models import Visit
from visits.rules import VisitStatus
from visits.services import visit_log, visit_update


@dataclass(frozen=True)
class IdeaInput:
    """An idea the client gave, captured with the visit."""

    title: str
    text: str = ""
    theme: Theme | None = None


def ideas_add(*, visit: Visit, ideas: Sequence[IdeaInput], created_by: Staff) -> list[Idea]:
    """Record the ideas a visit brought. A problem with one of them is reported under "ideas",
    numbered as on the form."""
    if ideas and not visit_takes_ideas(visit.status):
        raise ValidationError({"ideas": [_not_done_message(visit.status)]})
    added = []
    for number, data in enumerate(ideas, start=1):
        idea = Idea(
            visit=visit,
            title=data.title.strip(),
            text=data.text.strip(),
            theme=data.theme,
            created_by=created_by,
        )
        try:
            idea.full_clean(exclude=["visit"])
        except ValidationError as error:
            raise ValidationError(
                {
                    "ideas": [
                        _("Idea %(number)s: %(problem)s")
                        % {"number": number, "problem": " ".join(messages)}
                        for messages in error.message_dict.values()
                    ]
                }
            ) from error
        idea.save()
        added.append(idea)
    return added


def _not_done_message(status: str) -> str:
    if status == VisitStatus.PLANNED:
        return _(
            "Ideas are noted once the visit has taken place. Save the planned visit without "
            "them, and add them when you mark it done."
        )
    return _("A withdrawn visit takes no new ideas.")


@transaction.atomic
def visit_log_with_ideas(*, ideas: Sequence[IdeaInput] = (), **visit) -> Visit:
    """Log a visit (`visits.services.visit_log` takes the other arguments) and the ideas the
    client gave, in one transaction: either both are saved or neither."""
    logged = visit_log(**visit)
    ideas_add(visit=logged, ideas=ideas, created_by=logged.created_by)
    return logged


@transaction.atomic
def visit_update_with_ideas(
    *, visit: Visit, updated_by: Staff, new_ideas: Sequence[IdeaInput] = (), **changes
) -> Visit:
    """Change a visit (`visits.services.visit_update`) and add the ideas noted on the edit form,
    in one transaction. A visit that has ideas has taken place, so it cannot become planned."""
    status = changes.get("status", visit.status)
    if not visit_takes_ideas(status) and status != visit.status and visit.ideas.exists():
        raise ValidationError(
            {
                "status": _(
                    "This visit already has ideas from the client, so it has taken place and "
                    "cannot be planned."
                )
            }
        )
    updated = visit_update(visit=visit, updated_by=updated_by, **changes)
    ideas_add(visit=updated, ideas=new_ideas, created_by=updated_by)
    return updated


def _status_label(status: str) -> str:
    return str(IdeaStatus(status).label)


def _transition_error(current: str, new: str) -> str:
    allowed = idea_next_statuses(current)
    return _(
        "An idea cannot move from “%(current)s” to “%(new)s”. From “%(current)s” it can move to: "
        "%(allowed)s."
    ) % {
        "current": _status_label(current),
        "new": _status_label(new),
        "allowed": ", ".join(_status_label(status) for status in allowed),
    }


def _locked(idea: Idea) -> Idea:
    """The idea re-read under a row lock, so two triagers cannot both move it from one status."""
    return (
        Idea.objects.select_for_update(of=("self",))
        .select_related("owner_unit", "visit")
        .get(pk=idea.pk)
    )


def _check_may_triage(*, user: Staff, idea: Idea) -> None:
    if not idea_can_triage(user=user, idea=idea):
        raise PermissionDenied(_("You cannot triage this idea."))


DUE_DATE_YEARS_AHEAD = 10


def _due_date_errors(idea: Idea, due_on: dt.date) -> dict[str, str]:
    """A due date falls between the visit the idea came from and ten years from today."""
    earliest = idea.visit.visited_on
    today = timezone.localdate()
    try:
        latest = today.replace(year=today.year + DUE_DATE_YEARS_AHEAD)
    except ValueError:  # 29 February
        latest = today.replace(year=today.year + DUE_DATE_YEARS_AHEAD, day=28)
    if earliest <= due_on <= latest:
        return {}
    return {
        "due_on": _(
            "Choose a due date between the visit, %(earliest)s, and %(latest)s (ten years from "
            "now)."
        )
        % {
            "earliest": date_format(earliest, "SHORT_DATE_FORMAT"),
            "latest": date_format(latest, "SHORT_DATE_FORMAT"),
        }
    }


@transaction.atomic
def idea_triage(
    *,
    idea: Idea,
    by: Staff,
    theme: Theme | None,
    owner_unit: Unit | None,
    status: str,
    due_on: dt.date | None,
    official_response: str,
    is_shareable: bool | None = None,
    unchanged_since: dt.datetime | None = None,
) -> Idea:
    """Set an idea's theme, owner unit, status, due date, official response and (coordinators
    only; None keeps it) whether it may be shown in the report. The status must follow the
    lifecycle; taking a duplicate back into review forgets the original it pointed to. An idea
    saved again after `unchanged_since` (when the form was made) is not overwritten
    (`campaign.revisions.EditConflict`)."""
    idea = _locked(idea)
    _check_may_triage(user=by, idea=idea)
    check_unchanged(locked=idea, saved_at=unchanged_since)
    if is_shareable is not None and not idea_can_set_shareable(user=by):
        raise PermissionDenied(_("Only coordinators choose the ideas shown in the report."))

    official_response = official_response.strip()
    errors: dict[str, str] = {}
    if status == IdeaStatus.DUPLICATE and idea.status != IdeaStatus.DUPLICATE:
        errors["status"] = _(
            "To mark a duplicate, name the original idea under “Mark as duplicate”."
        )
    elif not idea_can_move(idea.status, status):
        errors["status"] = _transition_error(idea.status, status)
    if status == IdeaStatus.DECLINED and not official_response:
        errors["official_response"] = _("Tell the client why the idea was declined.")
    if due_on is not None and due_on != idea.due_on:
        errors |= _due_date_errors(idea, due_on)
    if errors:
        raise ValidationError(errors)

    idea.theme = theme
    idea.owner_unit = owner_unit
    idea.status = status
    idea.due_on = due_on
    idea.official_response = official_response
    if is_shareable is not None:
        idea.is_shareable = is_shareable
    if status != IdeaStatus.DUPLICATE:
        idea.duplicate_of = None
    idea.full_clean()
    with audit_actor(by):
        idea.save()
    return idea


@transaction.atomic
def idea_mark_duplicate(*, idea: Idea, original: Idea, by: Staff) -> Idea:
    """Mark `idea` a duplicate of `original`. Ideas that pointed to `idea` are pointed to
    `original` instead, so every chain ends at one original and each move stays in the history."""
    idea = _locked(idea)
    _check_may_triage(user=by, idea=idea)
    original = _locked(original)
    if original.pk == idea.pk:
        raise ValidationError({"original": _("An idea cannot be a duplicate of itself.")})
    if original.status == IdeaStatus.DUPLICATE:
        raise ValidationError(
            {
                "original": _(
                    "Idea %(original)s is itself a duplicate of idea %(root)s; choose that one."
                )
                % {"original": original.pk, "root": original.duplicate_of_id}
            }
        )
    if idea.status != IdeaStatus.DUPLICATE and not idea_can_move(idea.status, IdeaStatus.DUPLICATE):
        raise ValidationError({"original": _transition_error(idea.status, IdeaStatus.DUPLICATE)})

    idea.status = IdeaStatus.DUPLICATE
    idea.duplicate_of = original
    idea.full_clean()
    with audit_actor(by):
        idea.save()
        for follower in Idea.objects.select_for_update().filter(duplicate_of=idea):
            follower.duplicate_of = original
            follower.full_clean()
            follower.save()
    return idea


def idea_export_record(*, by: Staff, export_format: str, query: str, row_count: int) -> IdeaExport:
    """Audit one export: who, when, with which filter (the query string) and how many rows."""
    export = IdeaExport(
        exported_by=by,
        format=export_format,
        query=query[:IDEA_EXPORT_QUERY_LENGTH],
        row_count=row_count,
    )
    export.full_clean()
    export.save()
    return export
