"""The mails Kylään sends by itself (reminders, digests, news of ideas): a record of each one, so
that nothing is sent twice, and who does not want which kind.

Every notification is a row with a key unique in the database (kind, recipient, what it is about
and, for the weekly kinds, the ISO week), recorded before its mail goes out. A run of
`send_notifications` records what is due, then sends the rows not sent yet: a second run finds
nothing new, and a mail the server refused is tried again on a later run, still once.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from campaign.models import Campaign, Unit
from ideas.models import Idea
from visits.models import Visit


class NotificationKind(models.TextChoices):
    VISIT_FOLLOW_UP = "visit_follow_up", _("A planned visit whose day has passed")
    NUDGE = "nudge", _("A weekly reminder until my first counted visit")
    DIGEST = "digest", _("A weekly digest of my unit")
    IDEA_ASSIGNED = "idea_assigned", _("An idea was assigned to my unit")
    IDEA_DECIDED = "idea_decided", _("A decision on an idea I collected")
    CAMPAIGN_ENDING = "campaign_ending", _("Three days before the campaign ends")
    GRACE_STARTED = "grace_started", _("The campaign has ended and the grace days begin")


# The kinds only unit managers receive: the rest may reach anyone on the roster.
MANAGER_KINDS = frozenset({NotificationKind.DIGEST, NotificationKind.IDEA_ASSIGNED})
# Sent once a week at most: their key carries the ISO week.
WEEKLY_KINDS = frozenset({NotificationKind.NUDGE, NotificationKind.DIGEST})

KIND_DESCRIPTIONS = {
    NotificationKind.VISIT_FOLLOW_UP: _(
        "When the day of a visit you planned has passed: how did it go? With the link to mark "
        "it done and note the client's ideas."
    ),
    NotificationKind.NUDGE: _(
        "Every week until you have made a visit that counts: the leadership's message, what "
        "counts as a visit and how your unit is doing."
    ),
    NotificationKind.DIGEST: _(
        "Every week: your unit's progress against its target and its rank, who has not visited "
        "yet, the leaders who have, new ideas and the ideas waiting for a decision."
    ),
    NotificationKind.IDEA_ASSIGNED: _("When an idea is given to your unit to act on."),
    NotificationKind.IDEA_DECIDED: _(
        "When an idea from a visit you took part in is accepted, implemented or declined, with "
        "the official response."
    ),
    NotificationKind.CAMPAIGN_ENDING: _("Three days before the campaign ends."),
    NotificationKind.GRACE_STARTED: _(
        "When the campaign has ended and the days for logging the last visits begin."
    ),
}

ERROR_LENGTH = 500


class Notification(models.Model):
    """One mail of one kind to one person about one thing, recorded before it is sent."""

    Kind = NotificationKind

    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("campaign"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    # What the mail is about besides the campaign: a visit, an idea or a unit, by kind.
    visit = models.ForeignKey(
        Visit, verbose_name=_("visit"), null=True, blank=True, on_delete=models.CASCADE
    )
    idea = models.ForeignKey(
        Idea, verbose_name=_("idea"), null=True, blank=True, on_delete=models.CASCADE
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), null=True, blank=True, on_delete=models.CASCADE
    )
    dedupe_key = models.CharField(_("key"), max_length=200, unique=True)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=ERROR_LENGTH, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=Q(sent_at__isnull=True),
                name="notification_pending_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=NotificationKind.values), name="notification_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(kind=NotificationKind.VISIT_FOLLOW_UP, visit__isnull=False)
                | Q(
                    kind__in=[NotificationKind.IDEA_ASSIGNED, NotificationKind.IDEA_DECIDED],
                    idea__isnull=False,
                )
                | Q(kind=NotificationKind.DIGEST, unit__isnull=False)
                | Q(
                    kind__in=[
                        NotificationKind.NUDGE,
                        NotificationKind.CAMPAIGN_ENDING,
                        NotificationKind.GRACE_STARTED,
                    ]
                ),
                name="notification_names_its_subject",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} → {self.recipient}"


class NotificationOptOut(models.Model):
    """A kind of mail a person has turned off (on the preferences page or by a mail's link)."""

    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff member"),
        on_delete=models.CASCADE,
        related_name="notification_opt_outs",
    )
    kind = models.CharField(_("kind"), max_length=32, choices=NotificationKind.choices)
    created_at = models.DateTimeField(_("turned off at"), auto_now_add=True)

    class Meta:
        verbose_name = _("mail turned off by a person")
        verbose_name_plural = _("mails turned off by people")
        constraints = [
            models.UniqueConstraint(fields=["staff", "kind"], name="opt_out_once_per_kind"),
            models.CheckConstraint(
                condition=Q(kind__in=NotificationKind.values), name="opt_out_kind_valid"
            ),
        ]

    def __str__(self):
        return f"{self.staff}: {self.get_kind_display()}"


class CampaignNotificationOff(models.Model):
    """A kind of mail the coordinators have turned off for a campaign; every kind is on unless
    a row says otherwise, so a kind added later starts on."""

    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("campaign"),
        on_delete=models.CASCADE,
        related_name="notifications_off",
    )
    kind = models.CharField(_("kind"), max_length=32, choices=NotificationKind.choices)

    class Meta:
        verbose_name = _("mail turned off for a campaign")
        verbose_name_plural = _("mails turned off for campaigns")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "kind"], name="campaign_notification_off_once"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=NotificationKind.values),
                name="campaign_notification_off_kind_valid",
            ),
        ]

    def __str__(self):
        return f"{self.campaign}: {self.get_kind_display()}"
