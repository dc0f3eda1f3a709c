"""Writes for notifications: recording what is due, sending it once, and the mail settings of
people and campaigns."""

import datetime as dt
import itertools
import logging
import smtplib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.mail import get_connection
from django.db import transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone

from campaign.models import Campaign, Staff
from notifications.mails import MailContexts, notification_message
from notifications.models import (
    ERROR_LENGTH,
    CampaignNotificationOff,
    Notification,
    NotificationKind,
    NotificationOptOut,
)
from notifications.selectors import Due, notifications_due

logger = logging.getLogger(__name__)

# A mail the server refused is tried again on every run for this long, then left as not sent.
RETRY_WINDOW = dt.timedelta(days=3)
BATCH_SIZE = 500
# The server refused this one mail (its address, its content): the next ones may still go.
MESSAGE_REFUSED = (
    smtplib.SMTPRecipientsRefused,
    smtplib.SMTPSenderRefused,
    smtplib.SMTPDataError,
)


def _batched(items: Iterable, size: int):
    iterator = iter(items)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


def notifications_record(*, due: Iterable[Due]) -> None:
    """Record each due notification once: a key already recorded is left as it is."""
    rows = (
        Notification(
            kind=d.kind,
            recipient_id=d.recipient_id,
            campaign_id=d.campaign_id,
            visit_id=d.visit_id,
            idea_id=d.idea_id,
            unit_id=d.unit_id,
            dedupe_key=d.key,
        )
        for d in due
    )
    for batch in _batched(rows, 1000):
        Notification.objects.bulk_create(batch, ignore_conflicts=True)


@dataclass
class SendSummary:
    sent: Counter = field(default_factory=Counter)
    failed: int = 0
    not_tried: int = 0
    stopped_by: str = ""

    def line(self) -> str:
        """One line for the scheduled job's log: how many of each kind went out."""
        kinds = ", ".join(f"{kind} {self.sent[kind]}" for kind in NotificationKind.values)
        line = f"Sent {sum(self.sent.values())} notifications ({kinds}); failed {self.failed}"
        if self.not_tried:
            line += f", not tried {self.not_tried} (mail server: {self.stopped_by})"
        return line + "."

    @property
    def ok(self) -> bool:
        return not (self.failed or self.not_tried)


def _pending(now: dt.datetime):
    """Recorded and not sent yet, recent enough to try, to someone who still wants it."""
    opted_out = NotificationOptOut.objects.filter(
        staff=OuterRef("recipient"), kind=OuterRef("kind")
    )
    turned_off = CampaignNotificationOff.objects.filter(
        campaign=OuterRef("campaign"), kind=OuterRef("kind")
    )
    return (
        Notification.objects.filter(sent_at__isnull=True, created_at__gte=now - RETRY_WINDOW)
        .filter(recipient__is_active=True)
        .exclude(recipient__email="")
        .exclude(Exists(opted_out))
        .exclude(Exists(turned_off))
    )


def _claim_and_send(notification: Notification, message, connection) -> bool:
    """Send the mail while holding its row, marked sent: a run beside this one waits for it and
    then finds it sent. A mail that fails leaves the row as it was. False when another run had
    already sent it."""
    with transaction.atomic():
        claimed = Notification.objects.filter(pk=notification.pk, sent_at__isnull=True).update(
            sent_at=timezone.now(), attempts=F("attempts") + 1, last_error=""
        )
        if not claimed:
            return False
        message.connection = connection
        message.send()
    return True


def _failed(notification: Notification, error: Exception) -> None:
    logger.warning("Notification %s not sent: %s", notification.pk, error)
    Notification.objects.filter(pk=notification.pk).update(
        attempts=F("attempts") + 1, last_error=f"{type(error).__name__}: {error}"[:ERROR_LENGTH]
    )


def notifications_send(*, now: dt.datetime | None = None) -> SendSummary:
    """Send every pending notification over one connection to the mail server. A mail the
    server refuses is recorded with the error and tried again on a later run; when the server
    stops answering, the connection is opened again once, and if that fails too the rest wait
    for the next run."""
    now = now or timezone.now()
    summary = SendSummary()
    ids = list(_pending(now).order_by("pk").values_list("pk", flat=True))
    if not ids:
        return summary
    contexts = MailContexts(today=timezone.localdate(now))
    connection = get_connection()
    tried = 0
    try:
        connection.open()
        for batch in _batched(ids, BATCH_SIZE):
            rows = (
                _pending(now)
                .filter(pk__in=batch)
                .select_related(
                    "recipient",
                    "campaign",
                    "unit",
                    "visit__client",
                    "idea__visit__client",
                    "idea__owner_unit",
                )
                .order_by("pk")
            )
            for notification in rows:
                tried += 1
                message = notification_message(notification, contexts)
                try:
                    if _claim_and_send(notification, message, connection):
                        summary.sent[notification.kind] += 1
                except MESSAGE_REFUSED as error:
                    _failed(notification, error)
                    summary.failed += 1
                except (smtplib.SMTPException, OSError) as error:
                    _failed(notification, error)
                    summary.failed += 1
                    connection.close()
                    connection.open()
    except (smtplib.SMTPException, OSError) as error:
        logger.warning("The mail server did not answer: %s", error)
        summary.stopped_by = str(error) or type(error).__name__
        summary.not_tried = len(ids) - tried
    finally:
        connection.close()
    return summary


def notifications_run(*, now: dt.datetime | None = None) -> SendSummary:
    """What `send_notifications` does: record every due notification, then send the pending."""
    now = now or timezone.now()
    notifications_record(due=notifications_due(now=now))
    return notifications_send(now=now)


# --- Mail settings -------------------------------------------------------------------------------


@transaction.atomic
def preferences_set(*, staff: Staff, shown: Iterable[str], wanted: Iterable[str]) -> None:
    """Turn each kind of `shown` on (those in `wanted`) or off for the person."""
    shown, wanted = set(shown), set(wanted)
    NotificationOptOut.objects.filter(staff=staff, kind__in=shown & wanted).delete()
    NotificationOptOut.objects.bulk_create(
        [NotificationOptOut(staff=staff, kind=kind) for kind in sorted(shown - wanted)],
        ignore_conflicts=True,
    )


def notification_unsubscribe(*, staff: Staff, kind: str) -> None:
    """The person no longer gets mails of this kind (a mail's one-click link)."""
    NotificationOptOut.objects.bulk_create(
        [NotificationOptOut(staff=staff, kind=kind)], ignore_conflicts=True
    )


@transaction.atomic
def campaign_notifications_set(*, campaign: Campaign, enabled: Iterable[str]) -> None:
    """The kinds sent in the campaign: the others are turned off for it."""
    off = set(NotificationKind.values) - set(enabled)
    CampaignNotificationOff.objects.filter(campaign=campaign).exclude(kind__in=off).delete()
    CampaignNotificationOff.objects.bulk_create(
        [CampaignNotificationOff(campaign=campaign, kind=kind) for kind in sorted(off)],
        ignore_conflicts=True,
    )
