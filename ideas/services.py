"""Writes for ideas: capturing them with their visit, triage, duplicates, corrections and
withdrawals, and the audit of exports."""

import datetime as dt
import smtplib
from collections.abc import Sequence
from dataclasses import dataclass

from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import get_connection
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from campaign.audit import audit_actor
from campaign.mail import Recipient, mail_send
from campaign.models import MAX_RETENTION_DAYS, Campaign, RosterEntry, Staff, Theme, Unit
from campaign.revisions import check_unchanged
from ideas.models import (
    CLIENT_NEWS_STATUSES,
    IDEA_EXPORT_QUERY_LENGTH,
    ClientIdeaUpdate,
    Idea,
    IdeaExport,
    IdeaStatus,
)
from ideas.rules import (
    idea_can_correct,
    idea_can_move,
    idea_can_set_shareable,
    idea_can_triage,
    idea_next_statuses,
    visit_takes_ideas,
)
from visits.models import ClientFeedback, Visit, VisitParticipant
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


def _check_may_correct(*, user: Staff, idea: Idea) -> None:
    if not idea_can_correct(user=user, idea=idea):
        raise PermissionDenied(_("You cannot correct this idea."))


# What the history shows instead of the earlier wording, when that held personal data.
REMOVED_FROM_HISTORY = "[…]"
CORRECTED_FIELDS = ("title", "text")


@transaction.atomic
def idea_correct(
    *,
    idea: Idea,
    by: Staff,
    title: str,
    text: str,
    forget_earlier_wording: bool = False,
    unchanged_since: dt.datetime | None = None,
) -> Idea:
    """Correct an idea's title and the client's words. With `forget_earlier_wording` (personal
    data was typed in by mistake), the history keeps who changed what and when, but no longer
    the earlier wording. An idea saved again after `unchanged_since` is not overwritten."""
    idea = _locked(idea)
    _check_may_correct(user=by, idea=idea)
    check_unchanged(locked=idea, saved_at=unchanged_since)
    idea.title = title.strip()
    idea.text = text.strip()
    idea.full_clean()
    with audit_actor(by):
        idea.save()
    if forget_earlier_wording:
        _forget_wording(idea)
    return idea


def _forget_wording(idea: Idea) -> None:
    """Replace the idea's title and text in its audit trail, except the current ones."""
    current = {"title": idea.title, "text": idea.text}
    entries = LogEntry.objects.get_for_object(idea).select_for_update()
    for pk, changes in entries.values_list("pk", "changes"):
        changes = changes if isinstance(changes, dict) else {}
        for name in CORRECTED_FIELDS:
            if name in changes:
                changes[name] = [
                    value if value == current[name] else REMOVED_FROM_HISTORY
                    for value in changes[name]
                ]
        # Updated in place, not saved: saving an entry again would stamp it with a new actor.
        LogEntry.objects.filter(pk=pk).update(
            changes=changes, changes_text="", object_repr=idea.title, serialized_data=None
        )


@transaction.atomic
def idea_withdraw(*, idea: Idea, by: Staff) -> Idea:
    """Withdraw an idea logged by mistake: it is kept and marked, and it drops out of every
    figure, list and export (`IdeaQuerySet.not_withdrawn`). An idea that others are marked as
    duplicates of stays: they would point to nothing."""
    idea = _locked(idea)
    _check_may_correct(user=by, idea=idea)
    followers = list(idea.duplicates.order_by("pk").values_list("pk", flat=True))
    if followers:
        raise ValidationError(
            _(
                "Ideas %(numbers)s are marked as duplicates of this one. Take them back into "
                "review, or mark them duplicates of another idea, before withdrawing this one."
            )
            % {"numbers": ", ".join(str(pk) for pk in followers)}
        )
    idea.withdrawn_at = timezone.now()
    idea.withdrawn_by = by
    idea.is_shareable = False
    idea.full_clean()
    with audit_actor(by):
        idea.save()
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


# --- "You said, we did": the client hears what became of their idea ----------------------------


@dataclass(frozen=True)
class ClientUpdatesSent:
    sent: int
    failed: int


def _due_client_updates():
    """Ideas whose client asked to hear of them and has not been told of their present status:
    accepted, implemented or declined with an official response, of a visit whose feedback keeps
    an address (and the campaign keeps addresses still)."""
    told = ClientIdeaUpdate.objects.filter(idea=OuterRef("pk"), status=OuterRef("status"))
    return (
        Idea.objects.not_withdrawn()
        .filter(status__in=CLIENT_NEWS_STATUSES)
        .exclude(official_response="")
        .exclude(visit__client_feedback__email="")
        .filter(visit__client_feedback__isnull=False)
        .exclude(Exists(told))
        .select_related("visit__client", "visit__campaign", "visit__client_feedback", "theme")
        .order_by("pk")
    )


def client_updates_send(*, today: dt.date | None = None) -> ClientUpdatesSent:
    """Send each client who left an address one mail for each of their ideas that has become
    accepted, implemented or declined, with the official response, in the language they
    answered in. Each is recorded before it is sent, so that none is sent twice however often
    this runs, or by how many processes at once; a mail the server refuses is forgotten again
    and sent on a later run."""
    today = today or timezone.localdate()
    sent = failed = 0
    # Opened by the first mail, inside its try: a server that does not answer fails that mail.
    connection = get_connection()
    try:
        for idea in _due_client_updates():
            campaign = idea.visit.campaign
            if today > campaign.client_emails_kept_until:
                continue  # the address is past its time: purge_personal_data removes it
            update, created = ClientIdeaUpdate.objects.get_or_create(idea=idea, status=idea.status)
            if not created:
                continue  # another run took it
            feedback = idea.visit.client_feedback
            try:
                mail_send(
                    kind="client_update",
                    recipient=Recipient(email=feedback.email, language=feedback.language),
                    context=_client_update_context(idea),
                    connection=connection,
                )
            except (smtplib.SMTPException, OSError):
                update.delete()
                failed += 1
                continue
            update.sent_at = timezone.now()
            update.save(update_fields=["sent_at"])
            sent += 1
    finally:
        connection.close()
    return ClientUpdatesSent(sent=sent, failed=failed)


def _client_update_context(idea: Idea) -> dict:
    visit = idea.visit
    shared = None
    if visit.campaign.ideas_published:
        shared = settings.SITE_URL + reverse("campaigns:shared_ideas", args=[visit.campaign.slug])
    return {
        "idea": idea,
        "visit": visit,
        "shared_ideas_link": shared,
        "unsubscribe_link": settings.SITE_URL
        + reverse("feedback:unsubscribe", kwargs={"feedback_token": visit.feedback_token}),
    }


# --- Personal data past its time -------------------------------------------------------------


@dataclass(frozen=True)
class PersonalDataPurged:
    client_addresses: int
    campaigns: int
    visits: int
    ideas: int
    audit_entries: int
    idea_exports: int
    kept_ideas: int  # ideas kept because a newer campaign's idea is a duplicate of them


def personal_data_purge(*, today: dt.date | None = None) -> PersonalDataPurged:
    """Remove what the privacy notice promises to remove:

    - the clients' e-mail addresses, once the campaign's retention period for them is over;
    - three years (MAX_RETENTION_DAYS) after a campaign's end, its visits with their
      participants, ideas and the clients' answers, its roster, and the audit log entries of all
      of them; and the records of idea exports older than that.

    The campaign itself (its name, dates and settings) stays. An old idea that a kept idea names
    as its original stays too (with its visit), until that one goes."""
    today = today or timezone.localdate()
    addresses = 0
    for campaign in Campaign.objects.all():
        if today > campaign.client_emails_kept_until:
            addresses += (
                ClientFeedback.objects.filter(visit__campaign=campaign)
                .exclude(email="")
                .update(email="", email_consented_at=None, updated_at=timezone.now())
            )
    cutoff = today - dt.timedelta(days=MAX_RETENTION_DAYS)
    old = list(Campaign.objects.filter(ends_on__lt=cutoff).order_by("pk"))
    visits = ideas = entries = kept = 0
    for campaign in old:
        with transaction.atomic():
            purged = _campaign_purge(campaign)
        visits, ideas, entries, kept = (
            visits + purged[0],
            ideas + purged[1],
            entries + purged[2],
            kept + purged[3],
        )
    exports, _deleted = IdeaExport.objects.filter(exported_at__date__lt=cutoff).delete()
    return PersonalDataPurged(
        client_addresses=addresses,
        campaigns=len(old),
        visits=visits,
        ideas=ideas,
        audit_entries=entries,
        idea_exports=exports,
        kept_ideas=kept,
    )


def _campaign_purge(campaign: Campaign) -> tuple[int, int, int, int]:
    """(visits, ideas and audit log entries deleted, ideas kept) of one old campaign."""
    rows = list(Idea.objects.in_campaign(campaign).values_list("pk", "visit_id", "duplicate_of_id"))
    # An idea that a kept idea names as its original is kept, and so is its visit's every idea.
    pointed = set(
        Idea.objects.exclude(visit__campaign=campaign)
        .filter(duplicate_of__visit__campaign=campaign)
        .values_list("duplicate_of_id", flat=True)
    )
    keep_visits: set[int] = set()
    while True:
        kept = {pk for pk, visit_id, _original in rows if visit_id in keep_visits}
        needed = pointed | {original for pk, _v, original in rows if pk in kept and original}
        more = {visit_id for pk, visit_id, _original in rows if pk in needed} - keep_visits
        if not more:
            break
        keep_visits |= more
    idea_ids = [pk for pk, visit_id, _original in rows if visit_id not in keep_visits]
    # A duplicate goes before its original, which cannot go while an idea points to it.
    remaining = set(idea_ids)
    while remaining:
        originals = set(
            Idea.objects.filter(duplicate_of__in=remaining).values_list("duplicate_of", flat=True)
        )
        leaves = remaining - originals
        if not leaves:
            break  # duplicates of each other in a circle, which triage never makes
        Idea.objects.filter(pk__in=leaves).delete()
        remaining -= leaves
    visits = Visit.objects.in_campaign(campaign).exclude(pk__in=keep_visits)
    visit_ids = list(visits.values_list("pk", flat=True))
    participant_ids = list(
        VisitParticipant.objects.filter(visit_id__in=visit_ids).values_list("pk", flat=True)
    )
    roster = RosterEntry.objects.filter(campaign=campaign)
    roster_ids = list(roster.values_list("pk", flat=True))
    visits.delete()
    roster.delete()
    # Every audit entry of those rows, including the ones their deletion just wrote (which hold
    # the rows' last values).
    entries = 0
    for model, ids in (
        (Idea, idea_ids),
        (Visit, visit_ids),
        (VisitParticipant, participant_ids),
        (RosterEntry, roster_ids),
    ):
        entries += LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(model),
            object_pk__in=[str(pk) for pk in ids],
        ).delete()[0]
    return len(visit_ids), len(idea_ids), entries, len(rows) - len(idea_ids)
