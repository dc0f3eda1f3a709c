"""Writes for signing in: who the provider's claims let in, invitations, reset throttling."""

import datetime as dt
import enum
import logging
import smtplib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.mail import get_connection
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from accounts.models import Invitation, PasswordResetRequest
from campaign.mail import Recipient, mail_send
from campaign.models import Staff
from campaign.roles import STAFF

logger = logging.getLogger(__name__)


class Refusal(enum.StrEnum):
    """Why someone the provider signed in was not let into Kylään."""

    UNKNOWN = "unknown"
    INACTIVE = "inactive"
    AMBIGUOUS = "ambiguous"


@dataclass(frozen=True)
class SignIn:
    staff: Staff | None
    refusal: Refusal | None = None


def _claimed_username(claims: dict) -> str:
    claim = settings.OIDC_USERNAME_CLAIM
    return str(claims.get(claim) or "").strip() if claim else ""


def _candidates(claims: dict) -> list[Staff]:
    """Staff named by the username claim (when configured) or else by the e-mail claim, both
    compared without regard to case. An e-mail the provider itself says it has not verified
    names nobody: anyone could have typed it."""
    username = _claimed_username(claims)
    if username:
        found = list(Staff.objects.filter(username__iexact=username)[:2])
        if found:
            return found
    email = str(claims.get("email") or "").strip()
    if email and claims.get("email_verified") is not False:
        return list(Staff.objects.filter(email__iexact=email)[:3])
    return []


def _refresh_from_claims(staff: Staff, claims: dict) -> list[str]:
    """Name and e-mail as the provider knows them now; returns the fields changed."""
    values = {
        "first_name": claims.get("given_name"),
        "last_name": claims.get("family_name"),
        "email": (claims.get("email") or "").lower() or None,
    }
    changed = []
    for name, value in values.items():
        limit = Staff._meta.get_field(name).max_length
        if value and value[:limit] != getattr(staff, name):
            setattr(staff, name, value[:limit])
            changed.append(name)
    return changed


@transaction.atomic
def staff_sign_in(*, claims: dict) -> SignIn:
    """The staff member whom the provider's claims name, their name and e-mail refreshed.

    An active staff member matched by the username claim (OIDC_USERNAME_CLAIM) or the e-mail
    claim comes in; a deactivated one is refused; two people with the same e-mail are refused
    rather than guessed between. Nobody matched: refused, or with OIDC_CREATE_USERS a new staff
    member with the Staff role and no unit, whom a coordinator then places.
    """
    candidates = _candidates(claims)
    active = [person for person in candidates if person.is_active]
    if len(active) > 1:
        return SignIn(staff=None, refusal=Refusal.AMBIGUOUS)
    if active:
        staff = active[0]
        changed = _refresh_from_claims(staff, claims)
        if changed:
            staff.save(update_fields=changed)
        return SignIn(staff=staff)
    if candidates:
        return SignIn(staff=None, refusal=Refusal.INACTIVE)
    if not settings.OIDC_CREATE_USERS:
        return SignIn(staff=None, refusal=Refusal.UNKNOWN)
    username = _claimed_username(claims) or str(claims.get("email") or "").strip().lower()
    limit = Staff._meta.get_field("username").max_length
    taken = Staff.objects.filter(username__iexact=username).exists()
    if not username or len(username) > limit or taken:
        return SignIn(staff=None, refusal=Refusal.AMBIGUOUS)
    staff = Staff(username=username)
    staff.set_unusable_password()
    _refresh_from_claims(staff, claims)
    staff.save()
    staff.groups.add(Group.objects.get(name=STAFF))
    return SignIn(staff=staff)


# --- Invitations ---------------------------------------------------------------------------------


def invitable(people: Iterable[Staff]) -> list[Staff]:
    """Those who can be sent an invitation: active, with an e-mail, never signed in."""
    return [p for p in people if p.is_active and p.email and p.last_login is None]


@dataclass
class InvitationOutcome:
    sent: list[Staff] = field(default_factory=list)
    already_invited: list[Staff] = field(default_factory=list)
    not_invitable: list[Staff] = field(default_factory=list)
    failed: list[Staff] = field(default_factory=list)


def invitations_send(
    *,
    people: Iterable[Staff],
    sent_by: Staff,
    link_for: Callable[[Staff], str],
    again: bool = False,
) -> InvitationOutcome:
    """Mail each person who has never signed in a link to set their password, over one
    connection to the mail server. Someone already invited is skipped unless `again`. Each
    invitation is recorded once its mail has gone, in its own transaction, so a mail server that
    fails half way leaves exactly the sent ones recorded."""
    people = list(people)
    outcome = InvitationOutcome()
    can = {person.pk for person in invitable(people)}
    invited = set(
        Invitation.objects.filter(staff__in=people).values_list("staff_id", flat=True).distinct()
    )
    context = {
        "sent_by": sent_by,
        "valid_days": settings.INVITATION_DAYS,
    }
    to_send = []
    for person in people:
        if person.pk not in can:
            outcome.not_invitable.append(person)
        elif person.pk in invited and not again:
            outcome.already_invited.append(person)
        else:
            to_send.append(person)
    try:
        with get_connection() as connection:
            for person in to_send:
                with transaction.atomic():
                    Invitation.objects.create(staff=person, sent_by=sent_by)
                    mail_send(
                        kind="invitation",
                        recipient=Recipient.of(person),
                        context={**context, "staff": person, "link": link_for(person)},
                        connection=connection,
                    )
                outcome.sent.append(person)
    except (smtplib.SMTPException, OSError) as error:
        # Whoever was not reached yet is told as not invited; a later try reaches them.
        logger.warning("Invitations stopped after %s sent: %s", len(outcome.sent), error)
        outcome.failed = to_send[len(outcome.sent) :]
    return outcome


# --- Password reset throttling -----------------------------------------------------------------

RESET_WINDOW = dt.timedelta(hours=1)


@dataclass(frozen=True)
class ResetAllowance:
    address_over_limit: bool
    email_over_limit: bool


def _key(kind: str, value: str) -> str:
    return salted_hmac(f"accounts.password-reset.{kind}", value.casefold()).hexdigest()


@transaction.atomic
def password_reset_request(*, address: str, email: str) -> ResetAllowance:
    """Count a password reset request from a client address for an e-mail address, and say
    whether either has asked too often in the last hour (the limits are settings). Requests are
    counted whether or not the address belongs to anyone, so the answer reveals nothing."""
    now = timezone.now()
    PasswordResetRequest.objects.filter(requested_at__lt=now - RESET_WINDOW).delete()
    keys = {
        PasswordResetRequest.Key.ADDRESS: _key("address", address),
        PasswordResetRequest.Key.EMAIL: _key("email", email),
    }
    counts = {
        kind: PasswordResetRequest.objects.filter(key_kind=kind, key_hash=key).count()
        for kind, key in keys.items()
    }
    address_over = counts[PasswordResetRequest.Key.ADDRESS] >= (
        settings.PASSWORD_RESET_LIMIT_PER_ADDRESS
    )
    if not address_over:
        PasswordResetRequest.objects.bulk_create(
            PasswordResetRequest(key_kind=kind, key_hash=key) for kind, key in keys.items()
        )
    return ResetAllowance(
        address_over_limit=address_over,
        email_over_limit=counts[PasswordResetRequest.Key.EMAIL]
        >= settings.PASSWORD_RESET_LIMIT_PER_EMAIL,
    )
