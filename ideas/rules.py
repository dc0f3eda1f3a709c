"""Rules for ideas, in one place each: which visits take ideas, the lifecycle (which status may
follow which), who may triage an idea and who may correct or withdraw it.

The lifecycle is new → in review → accepted → in progress → implemented, or declined / duplicate.
A step back is allowed where a coordinator may need to correct course (an implementation is
reopened, a declined or duplicate idea is taken back into review); any other jump is refused.
"""

from campaign.roles import is_coordinator
from ideas.models import IdeaStatus
from visits.rules import VisitStatus
from visits.services import logging_is_open


def visit_takes_ideas(status: str) -> bool:
    """Ideas come from a visit that has taken place: a planned visit has not given any yet, and a
    withdrawn one keeps those it had but takes no new ones."""
    return status == VisitStatus.DONE


TRANSITIONS: dict[str, frozenset[str]] = {
    IdeaStatus.NEW: frozenset({IdeaStatus.IN_REVIEW, IdeaStatus.DECLINED, IdeaStatus.DUPLICATE}),
    IdeaStatus.IN_REVIEW: frozenset(
        {IdeaStatus.ACCEPTED, IdeaStatus.DECLINED, IdeaStatus.DUPLICATE}
    ),
    IdeaStatus.ACCEPTED: frozenset({IdeaStatus.IN_PROGRESS, IdeaStatus.DECLINED}),
    IdeaStatus.IN_PROGRESS: frozenset({IdeaStatus.IMPLEMENTED, IdeaStatus.ACCEPTED}),
    IdeaStatus.IMPLEMENTED: frozenset({IdeaStatus.IN_PROGRESS}),
    IdeaStatus.DECLINED: frozenset({IdeaStatus.IN_REVIEW}),
    IdeaStatus.DUPLICATE: frozenset({IdeaStatus.IN_REVIEW}),
}


def idea_next_statuses(current: str) -> list[str]:
    """The statuses an idea may move to from `current`, in lifecycle order."""
    allowed = TRANSITIONS.get(current, frozenset())
    return [status for status in IdeaStatus.values if status in allowed]


def idea_can_move(current: str, new: str) -> bool:
    """Keeping the status is always allowed; changing it must follow TRANSITIONS."""
    return current == new or new in TRANSITIONS.get(current, frozenset())


def idea_can_triage(*, user, idea) -> bool:
    """Coordinators triage every idea; a unit manager the ideas their unit (or department) owns.
    A withdrawn idea is not triaged."""
    if not user.is_authenticated or idea.is_withdrawn:
        return False
    if user.has_perm("ideas.triage_idea"):
        return True
    if not (user.has_perm("ideas.view_unit_ideas") and user.unit_id and idea.owner_unit_id):
        return False
    owner = idea.owner_unit
    return user.unit_id in (owner.pk, owner.parent_id)


def idea_can_set_shareable(*, user) -> bool:
    """Only coordinators pick the ideas shown in the campaign report."""
    return user.has_perm("ideas.triage_idea")


def idea_can_correct(*, user, idea) -> bool:
    """Who may correct an idea's title and the client's words, or withdraw it: coordinators, and
    the person who logged it while logging is open (the campaign's grace days). A withdrawn
    idea stays as it was."""
    if not user.is_authenticated or idea.is_withdrawn:
        return False
    if is_coordinator(user):
        return True
    campaign = idea.visit.campaign
    return idea.created_by_id == user.pk and logging_is_open(campaign=campaign, user=user)
