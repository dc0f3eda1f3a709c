"""Writes for ideas: triage, duplicates and the audit of exports. Every idea write marks the
campaign's leaderboard stale."""

import datetime as dt

from auditlog.context import set_actor
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from campaign.models import Staff, Theme, Unit
from ideas.models import Idea, IdeaExport, IdeaStatus
from ideas.rules import idea_can_move, idea_can_set_shareable, idea_can_triage, idea_next_statuses
from leaderboard.services import leaderboard_invalidate


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
    return Idea.objects.select_for_update(of=("self",)).select_related("owner_unit").get(pk=idea.pk)


def _check_may_triage(*, user: Staff, idea: Idea) -> None:
    if not idea_can_triage(user=user, idea=idea):
        raise PermissionDenied(_("You cannot triage this idea."))


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
) -> Idea:
    """Set an idea's theme, owner unit, status, due date, official response and (coordinators
    only; None keeps it) whether it may be shown in the report. The status must follow the
    lifecycle; taking a duplicate back into review forgets the original it pointed to."""
    idea = _locked(idea)
    _check_may_triage(user=by, idea=idea)
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
    with set_actor(by):
        idea.save()
    leaderboard_invalidate(campaign_id=idea.visit.campaign_id)
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
    with set_actor(by):
        idea.save()
        for follower in Idea.objects.select_for_update().filter(duplicate_of=idea):
            follower.duplicate_of = original
            follower.full_clean()
            follower.save()
    leaderboard_invalidate(campaign_id=idea.visit.campaign_id)
    return idea


def idea_export_record(*, by: Staff, export_format: str, query: str, row_count: int) -> IdeaExport:
    """Audit one export: who, when, with which filter (the query string) and how many rows."""
    export = IdeaExport(
        exported_by=by, format=export_format, query=query[:2000], row_count=row_count
    )
    export.full_clean()
    export.save()
    return export
