"""Writes for visits: logging, editing and withdrawing a visit with its participants.

Each function is one transaction. The ideas a visit brought are added by `ideas.services`, which
logs a visit and its ideas together.
"""

import datetime as dt
import secrets
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from campaign.models import (
    MAX_VISIT_MINUTES,
    MIN_VISIT_MINUTES,
    Campaign,
    Client,
    RosterEntry,
    Staff,
    normalised_client_name,
)
from campaign.revisions import check_unchanged
from campaign.roles import is_coordinator
from visits.models import SAME_DAY_CONSTRAINT, CalendarFeed, ClientFeedback, Visit, VisitParticipant
from visits.rules import VisitStatus, visit_default_status


@dataclass(frozen=True)
class ClientInput:
    """A client organisation created in place while logging a visit."""

    name: str
    kind: str = Client.Kind.OTHER
    region: str = ""
    business_id: str = ""


class SameDayVisitError(ValidationError):
    """The person already logged a visit to this client on this day: `visit` is that visit."""

    def __init__(self, visit: Visit, *, editing: bool = False):
        values = {
            "client": visit.client.name,
            "date": date_format(visit.visited_on, "SHORT_DATE_FORMAT"),
        }
        if editing:
            message = _(
                "The person who logged this visit already has another visit to %(client)s on "
                "%(date)s. If they are two visits, tick the box below to keep both."
            )
        else:
            message = _(
                "You already logged a visit to %(client)s on %(date)s. If this is not the same "
                "visit saved twice, tick the box below to log another one."
            )
        super().__init__({"client": message % values})
        self.visit = visit


class DuplicateSubmissionError(Exception):
    """The form was already saved (double click, resent request): `visit` is the one it made."""

    def __init__(self, visit: Visit):
        super().__init__(f"Visit {visit.pk} was already logged with this form.")
        self.visit = visit


def logging_is_open(*, campaign: Campaign, user, today: dt.date | None = None) -> bool:
    """Staff log and edit until the grace days are over; coordinators can always edit."""
    today = today or timezone.localdate()
    return today <= campaign.logging_closes_on or is_coordinator(user)


def visit_log(
    *,
    campaign: Campaign,
    created_by: Staff,
    client: Client | None = None,
    new_client: ClientInput | None = None,
    visited_on: dt.date,
    minutes: int,
    is_remote: bool = False,
    status: str | None = None,
    listened_most: bool = False,
    not_without_campaign: bool = False,
    notes: str = "",
    benefit_rating: int | None = None,
    co_visitors: Sequence[Staff] = (),
    submission_token: uuid.UUID | None = None,
    same_day_confirmed: bool = False,
    today: dt.date | None = None,
) -> Visit:
    """Log a visit and its participants (the logger always among them).

    A second visit by the same person to the same client on the same day (not cancelled) is
    refused with `SameDayVisitError` unless `same_day_confirmed`: it is most often the same
    form sent again from the browser's history. A database constraint holds the rule, so of two
    forms sent at the same moment only one is saved.

    A date in the future makes the visit planned unless a status is given. A form token that was
    already used raises `DuplicateSubmissionError` carrying the visit it made, also when two
    identical requests race: the database's unique constraint decides which one wins.
    """
    today = today or timezone.localdate()
    if submission_token is not None:
        existing = Visit.objects.filter(submission_token=submission_token).first()
        if existing is not None:
            raise DuplicateSubmissionError(existing)
    if status is None:
        status = visit_default_status(visited_on=visited_on, today=today)
    try:
        with transaction.atomic():
            if not logging_is_open(campaign=campaign, user=created_by, today=today):
                raise ValidationError(_logging_closed_message(campaign))
            if client is None:
                client = _client_create(new_client)
            elif not same_day_confirmed:
                _check_same_day(
                    campaign=campaign,
                    client=client,
                    visited_on=visited_on,
                    created_by=created_by,
                    submission_token=submission_token,
                )
            visit = Visit(
                same_day_confirmed=same_day_confirmed,
                campaign=campaign,
                client=client,
                visited_on=visited_on,
                minutes=minutes,
                is_remote=is_remote,
                status=status,
                listened_most=listened_most,
                not_without_campaign=not_without_campaign,
                notes=notes,
                benefit_rating=benefit_rating,
                submission_token=submission_token,
                created_by=created_by,
            )
            _check_visit_rules(visit, today=today)
            visit.full_clean(validate_constraints=False)
            visit.save()
            _participants_set(visit, [created_by, *co_visitors])
    except IntegrityError as error:
        # Another request committed first while this one was saving; which constraint stopped
        # it says what happened. (The same form twice breaks both: it is the same visit.)
        if submission_token is not None:
            existing = Visit.objects.filter(submission_token=submission_token).first()
            if existing is not None:
                raise DuplicateSubmissionError(existing) from error
        earlier = None
        if SAME_DAY_CONSTRAINT in str(error):
            earlier = _same_day_visit(
                campaign=campaign, client=client, visited_on=visited_on, created_by=created_by
            )
        if earlier is None:
            raise
        raise SameDayVisitError(earlier) from error
    return visit


@transaction.atomic
def visit_update(
    *,
    visit: Visit,
    updated_by: Staff,
    client: Client,
    visited_on: dt.date,
    minutes: int,
    is_remote: bool,
    status: str,
    listened_most: bool,
    not_without_campaign: bool,
    notes: str,
    benefit_rating: int | None,
    co_visitors: Sequence[Staff],
    same_day_confirmed: bool = False,
    unchanged_since: dt.datetime | None = None,
    today: dt.date | None = None,
) -> Visit:
    """Change a visit and who took part in it. The creator stays a participant; the others keep
    the unit they were first credited to.

    `unchanged_since` is when the visit had last been saved as the form showed it: a visit saved
    again since is not overwritten (`campaign.revisions.EditConflict`). A change that makes the
    visit a second one of its creator to the same client on the same day is refused with
    `SameDayVisitError` unless `same_day_confirmed` (or it was confirmed when logged)."""
    today = today or timezone.localdate()
    check_unchanged(
        locked=Visit.objects.select_for_update().only("updated_at").get(pk=visit.pk),
        saved_at=unchanged_since,
    )
    if not logging_is_open(campaign=visit.campaign, user=updated_by, today=today):
        raise ValidationError(_logging_closed_message(visit.campaign))
    same_day_confirmed = same_day_confirmed or visit.same_day_confirmed
    same_day = {
        "campaign": visit.campaign,
        "client": client,
        "visited_on": visited_on,
        "created_by": visit.created_by,
        "exclude": visit,
    }
    if not same_day_confirmed and status != VisitStatus.CANCELLED:
        earlier = _same_day_visit(**same_day)
        if earlier is not None:
            raise SameDayVisitError(earlier, editing=True)
    visit.client = client
    visit.visited_on = visited_on
    visit.minutes = minutes
    visit.is_remote = is_remote
    visit.status = status
    visit.listened_most = listened_most
    visit.not_without_campaign = not_without_campaign
    visit.notes = notes
    visit.benefit_rating = benefit_rating
    visit.same_day_confirmed = same_day_confirmed
    _check_visit_rules(visit, today=today)
    visit.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            visit.save()
    except IntegrityError as error:
        earlier = _same_day_visit(**same_day) if SAME_DAY_CONSTRAINT in str(error) else None
        if earlier is None:
            raise
        raise SameDayVisitError(earlier, editing=True) from error
    _participants_set(visit, [visit.created_by, *co_visitors])
    return visit


@transaction.atomic
def visit_withdraw(*, visit: Visit, withdrawn_by: Staff, today: dt.date | None = None) -> Visit:
    """Mark the visit cancelled. Visits are never deleted by staff: the history stays."""
    if not logging_is_open(campaign=visit.campaign, user=withdrawn_by, today=today):
        raise ValidationError(_logging_closed_message(visit.campaign))
    if visit.status != VisitStatus.CANCELLED:
        visit.status = VisitStatus.CANCELLED
        visit.save(update_fields=["status", "updated_at"])
    return visit


def _same_day_visit(
    *,
    campaign: Campaign,
    client: Client,
    visited_on: dt.date,
    created_by: Staff,
    exclude: Visit | None = None,
) -> Visit | None:
    """The person's earliest visit to the client on the day that is not cancelled."""
    return (
        Visit.objects.filter(
            campaign=campaign, client=client, visited_on=visited_on, created_by=created_by
        )
        .exclude(status=VisitStatus.CANCELLED)
        .exclude(pk=exclude.pk if exclude else None)
        .select_related("client")
        .order_by("created_at", "pk")
        .first()
    )


def _check_same_day(
    *,
    campaign: Campaign,
    client: Client,
    visited_on: dt.date,
    created_by: Staff,
    submission_token: uuid.UUID | None,
) -> None:
    earlier = _same_day_visit(
        campaign=campaign, client=client, visited_on=visited_on, created_by=created_by
    )
    if earlier is None:
        return
    if submission_token is not None and earlier.submission_token == submission_token:
        raise DuplicateSubmissionError(earlier)  # the same form, sent twice at once
    raise SameDayVisitError(earlier)


def _logging_closed_message(campaign: Campaign) -> str:
    return _(
        "Logging visits for this campaign closed on %(date)s. A coordinator can still make changes."
    ) % {"date": date_format(campaign.logging_closes_on, "SHORT_DATE_FORMAT")}


def visit_rule_errors(
    *,
    campaign: Campaign,
    status: str,
    visited_on: dt.date | None,
    minutes: int | None,
    today: dt.date,
) -> dict[str, str]:
    """The rules of a visit's date and length, each with a message for the field it is about.
    Forms show them before saving; the services enforce them."""
    errors = {}
    if minutes is not None and not MIN_VISIT_MINUTES <= minutes <= MAX_VISIT_MINUTES:
        errors["minutes"] = _(
            "Enter the length of the visit in minutes, from %(min)s to %(max)s."
        ) % {"min": MIN_VISIT_MINUTES, "max": MAX_VISIT_MINUTES}
    if visited_on is None:
        return errors
    if status == VisitStatus.PLANNED and visited_on > campaign.ends_on:
        errors["visited_on"] = _(
            "A planned visit must be dated on or before the end of the campaign, %(end)s."
        ) % {"end": date_format(campaign.ends_on, "SHORT_DATE_FORMAT")}
    if status != VisitStatus.DONE:
        return errors
    if visited_on > today:
        errors["visited_on"] = _(
            "A visit dated in the future can only be planned. Choose today or an earlier date, "
            "or mark the visit planned."
        )
    elif not campaign.starts_on <= visited_on <= campaign.ends_on:
        errors["visited_on"] = _(
            "A done visit must be dated within the campaign, %(start)s – %(end)s."
        ) % {
            "start": date_format(campaign.starts_on, "SHORT_DATE_FORMAT"),
            "end": date_format(campaign.ends_on, "SHORT_DATE_FORMAT"),
        }
    return errors


def _check_visit_rules(visit: Visit, *, today: dt.date) -> None:
    errors = visit_rule_errors(
        campaign=visit.campaign,
        status=visit.status,
        visited_on=visit.visited_on,
        minutes=visit.minutes,
        today=today,
    )
    if errors:
        raise ValidationError(errors)


def same_name_message(client: Client) -> str:
    return _(
        "%(client)s is already a client. Choose it in the client search above instead of adding "
        "it again."
    ) % {"client": client.name}


def _client_create(new_client: ClientInput | None) -> Client:
    if new_client is None:
        raise ValidationError({"client": _("Choose the client, or add a new one.")})
    existing = Client.objects.with_name(new_client.name).order_by("pk").first()
    if existing is not None:
        raise ValidationError({"new_client_name": same_name_message(existing)})
    client = Client(
        name=normalised_client_name(new_client.name),
        kind=new_client.kind,
        region=new_client.region.strip(),
        business_id=new_client.business_id.strip(),
    )
    client.full_clean()
    client.save()
    return client


def _participants_set(visit: Visit, people: Sequence[Staff]) -> None:
    """Make `people` the participants of the visit, each credited to their unit once."""
    seen = set()
    for person in people:
        if person.pk in seen:
            raise ValidationError(
                {
                    "co_visitors": _(
                        "%(name)s is listed more than once; a person can take "
                        "part in a visit only once."
                    )
                    % {"name": person}
                }
            )
        seen.add(person.pk)
    current = {p.staff_id: p for p in visit.participations.all()}
    for staff_id, participation in current.items():
        if staff_id not in seen:
            participation.delete()
    roster = dict(
        RosterEntry.objects.filter(campaign=visit.campaign, staff__in=people).values_list(
            "staff_id", "unit_id"
        )
    )
    for person in people:
        if person.pk in current:
            continue
        unit_id = roster.get(person.pk, person.unit_id)
        if unit_id is None:
            raise ValidationError(
                {
                    "co_visitors": _(
                        "%(name)s belongs to no unit, so the visit cannot be credited. Ask a "
                        "coordinator to add them to a unit."
                    )
                    % {"name": person}
                }
            )
        participation = VisitParticipant(visit=visit, staff=person, unit_id=unit_id)
        participation.full_clean(exclude=["visit"], validate_constraints=False)
        participation.save()


@transaction.atomic
def calendar_feed_renew(*, staff: Staff) -> CalendarFeed:
    """Give the person a calendar address with a new secret token (the first one, or one that
    replaces the old, which then stops working)."""
    feed, _created = CalendarFeed.objects.update_or_create(
        staff=staff, defaults={"token": secrets.token_urlsafe(32)}
    )
    return feed


# --- The client's feedback ----------------------------------------------------------------------


class FeedbackState:
    OPEN = "open"  # the client may answer, or change their answer
    CLOSED = "closed"  # the visit was withdrawn or the campaign's logging has closed
    UNKNOWN = "unknown"  # no visit has this link (or it has not taken place)


def client_feedback_state(*, visit: Visit | None, today: dt.date | None = None) -> str:
    """Whether the client may answer through the visit's link: a done visit takes answers until
    the campaign's logging closes (the same rule as for the visitors, with no coordinator's
    exception). A planned visit has not given its link out yet."""
    if visit is None or visit.status == VisitStatus.PLANNED:
        return FeedbackState.UNKNOWN
    if visit.status == VisitStatus.CANCELLED:
        return FeedbackState.CLOSED
    if not logging_is_open(campaign=visit.campaign, user=AnonymousUser(), today=today):
        return FeedbackState.CLOSED
    return FeedbackState.OPEN


class FeedbackClosedError(Exception):
    """The visit takes no more answers (see `client_feedback_state`)."""


@transaction.atomic
def client_feedback_save(
    *,
    visit: Visit,
    benefit_rating: int,
    next_steps: str,
    email: str,
    wants_news: bool,
    language: str,
    today: dt.date | None = None,
) -> ClientFeedback:
    """The client's answer about a visit: the first one, or a change of it. An e-mail address is
    kept only when the client asks to hear what becomes of their ideas (`wants_news`); an empty
    address with `wants_news` keeps the one given before, and without `wants_news` any address
    given before is removed."""
    visit = Visit.objects.select_for_update().select_related("campaign").get(pk=visit.pk)
    if client_feedback_state(visit=visit, today=today) != FeedbackState.OPEN:
        raise FeedbackClosedError
    now = timezone.now()
    feedback = ClientFeedback.objects.filter(visit=visit).first() or ClientFeedback(
        visit=visit, answered_at=now
    )
    email = email.strip()
    if not wants_news:
        feedback.email, feedback.email_consented_at = "", None
    elif email:
        if email != feedback.email:
            feedback.email_consented_at = now
        feedback.email = email
    elif not feedback.email:
        raise ValidationError(
            {"email": _("Give the address to which we may tell you what becomes of your ideas.")}
        )
    feedback.benefit_rating = benefit_rating
    feedback.next_steps = next_steps
    feedback.language = language
    feedback.full_clean()
    feedback.save()
    return feedback


@transaction.atomic
def client_feedback_unsubscribe(*, visit: Visit) -> bool:
    """Remove the client's e-mail address from the visit's feedback, and with it their consent;
    whether there was one. Works whether or not the feedback is still open."""
    return bool(
        ClientFeedback.objects.filter(visit=visit)
        .exclude(email="")
        .update(email="", email_consented_at=None, updated_at=timezone.now())
    )


FEEDBACK_WINDOW_SECONDS = 60 * 60


def feedback_request_allowed(*, address: str) -> bool:
    """Count one answer sent, or one feedback address that leads nowhere, from a client address,
    and say whether it is within the limit of the hour (FEEDBACK_LIMIT_PER_ADDRESS): the links
    cannot be guessed, and nobody fills the answers in by the thousand. The count is kept in the
    cache (shared by every process) under a key that does not reveal the address."""
    window = int(time.time()) // FEEDBACK_WINDOW_SECONDS
    key = "feedback-requests:{}:{}".format(
        salted_hmac("visits.feedback-requests", address).hexdigest(), window
    )
    cache.add(key, 0, timeout=FEEDBACK_WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between the two calls
        cache.set(key, 1, timeout=FEEDBACK_WINDOW_SECONDS)
        count = 1
    return count <= settings.FEEDBACK_LIMIT_PER_ADDRESS
