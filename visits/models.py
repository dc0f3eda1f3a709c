import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from campaign.models import (
    LONG_TEXT_LENGTH,
    MAX_VISIT_MINUTES,
    MIN_VISIT_MINUTES,
    Campaign,
    Client,
    Unit,
    date_in_range,
    limited_text,
    text_at_most,
    validate_date_in_range,
)
from visits.rules import VisitStatus, visit_verdict

# Whether a visit counts for its campaign: the SQL twin of `visits.rules.visit_verdict`.
COUNTS = Q(
    Q(is_remote=False) | Q(campaign__remote_counts=True),
    status=VisitStatus.DONE,
    visited_on__gte=F("campaign__starts_on"),
    visited_on__lte=F("campaign__ends_on"),
    minutes__gte=F("campaign__min_minutes"),
    listened_most=True,
    not_without_campaign=True,
)


class VisitQuerySet(models.QuerySet):
    def counted(self):
        """Visits that count for their campaign."""
        return self.filter(COUNTS)

    def not_counted(self):
        """Visits kept as normal client work: the same condition negated, row by row (the
        columns are never null), not a NOT IN over every counted visit."""
        return self.exclude(COUNTS)

    def in_campaign(self, campaign):
        return self.filter(campaign=campaign)

    def for_unit(self, unit):
        """Visits with a participant credited to the unit (or, for a department, any unit in it).
        The units are listed as ids, so the planner knows how many there are."""
        units = list(Unit.objects.with_descendants(unit).values_list("pk", flat=True))
        return self.filter(
            Exists(VisitParticipant.objects.filter(visit=OuterRef("pk"), unit__in=units))
        )

    def with_participant(self, user):
        return self.filter(
            Exists(VisitParticipant.objects.filter(visit=OuterRef("pk"), staff=user))
        )

    def visible_to(self, user):
        """Row-level access: own visits, the unit's for managers, every visit for coordinators."""
        if not user.is_authenticated:
            return self.none()
        if user.has_perm("visits.view_all_visits"):
            return self
        condition = Q(created_by=user) | Q(
            Exists(VisitParticipant.objects.filter(visit=OuterRef("pk"), staff=user))
        )
        if user.has_perm("visits.view_unit_visits") and user.unit_id:
            units = Unit.objects.with_descendants(user.unit)
            condition |= Q(
                Exists(VisitParticipant.objects.filter(visit=OuterRef("pk"), unit__in=units))
            )
        return self.filter(condition)


def feedback_token_new() -> str:
    """The secret part of a visit's feedback address: 32 random bytes, so that nobody finds a
    client's answer page by guessing."""
    return secrets.token_urlsafe(32)


FEEDBACK_TOKEN_LENGTH = 64

# One visit per person, client and day unless the person confirmed another one (cancelled visits
# aside): the database holds the rule, so two forms sent at once cannot both pass it.
SAME_DAY_CONSTRAINT = "visit_one_per_person_client_day"


class Visit(models.Model):
    Status = VisitStatus

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.PROTECT, related_name="visits"
    )
    client = models.ForeignKey(
        Client, verbose_name=_("client"), on_delete=models.PROTECT, related_name="visits"
    )
    visited_on = models.DateField(_("date"), validators=[validate_date_in_range])
    minutes = models.PositiveSmallIntegerField(
        _("minutes"),
        validators=[MinValueValidator(MIN_VISIT_MINUTES), MaxValueValidator(MAX_VISIT_MINUTES)],
    )
    is_remote = models.BooleanField(_("remote"), default=False)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DONE
    )
    participants = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="VisitParticipant",
        verbose_name=_("participants"),
        related_name="visits",
    )
    listened_most = models.BooleanField(
        _("most of the time was spent listening to the client"), default=False
    )
    not_without_campaign = models.BooleanField(
        _("the meeting would not have happened without the campaign"), default=False
    )
    notes = limited_text(_("what we learned"), max_length=LONG_TEXT_LENGTH, blank=True)
    benefit_rating = models.PositiveSmallIntegerField(
        _("benefit for the visitor"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=_("1 = no benefit, 5 = very useful"),
    )
    same_day_confirmed = models.BooleanField(
        _("another visit on the same day"),
        default=False,
        help_text=_(
            "The logger confirmed that this is another visit to the client on the same day, not "
            "the same visit saved twice."
        ),
    )
    submission_token = models.UUIDField(
        _("submission token"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("One-time token of the form that created the visit; stops double submits."),
    )
    feedback_token = models.CharField(
        _("feedback token"),
        max_length=FEEDBACK_TOKEN_LENGTH,
        unique=True,
        default=feedback_token_new,
        editable=False,
        help_text=_("The secret in the address of the client's feedback page for this visit."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="visits_created",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = VisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["-visited_on", "-pk"]
        permissions = [
            ("view_unit_visits", _("Can see every visit of own unit")),
            ("view_all_visits", _("Can see every visit of the organisation")),
        ]
        # The visit list's orders (visits/tables.py), each ending on the id: by date in a
        # campaign and over all campaigns, and by status (newest first within one). By client
        # the list walks the clients in name order (campaign.Client's indexes) and each client's
        # visits by the foreign key's own index.
        indexes = [
            models.Index(fields=["campaign", "visited_on", "id"], name="visit_campaign_date_idx"),
            models.Index(fields=["visited_on", "id"], name="visit_date_idx"),
            models.Index(fields=["status", "-visited_on", "-id"], name="visit_status_date_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(minutes__gte=MIN_VISIT_MINUTES, minutes__lte=MAX_VISIT_MINUTES),
                name="visit_minutes_range",
                violation_error_message=format_lazy(
                    _("Minutes must be between {min} and {max}."),
                    min=MIN_VISIT_MINUTES,
                    max=MAX_VISIT_MINUTES,
                ),
            ),
            models.CheckConstraint(
                condition=Q(benefit_rating__isnull=True)
                | Q(benefit_rating__gte=1, benefit_rating__lte=5),
                name="visit_benefit_rating_range",
                violation_error_message=_("The rating must be from 1 to 5."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=VisitStatus.values),
                name="visit_status_valid",
            ),
            models.UniqueConstraint(
                fields=["submission_token"],
                name="visit_unique_submission_token",
                violation_error_message=_("This form has already been saved."),
            ),
            models.UniqueConstraint(
                fields=["campaign", "created_by", "client", "visited_on"],
                condition=Q(same_day_confirmed=False) & ~Q(status=VisitStatus.CANCELLED),
                name=SAME_DAY_CONSTRAINT,
                violation_error_message=_(
                    "This person already logged a visit to this client on this day. Confirm "
                    "that this is another visit to keep both."
                ),
            ),
            date_in_range("visited_on", name="visit_visited_on_range"),
            text_at_most("notes", LONG_TEXT_LENGTH, name="visit_notes_length"),
        ]

    def __str__(self):
        return f"{self.client} {self.visited_on:%Y-%m-%d}"

    def get_absolute_url(self):
        return reverse("visits:detail", args=[self.pk])

    @property
    def is_done(self) -> bool:
        return self.status == VisitStatus.DONE

    @property
    def is_planned(self) -> bool:
        return self.status == VisitStatus.PLANNED

    @property
    def is_cancelled(self) -> bool:
        return self.status == VisitStatus.CANCELLED

    @property
    def verdict(self):
        return visit_verdict(
            campaign=self.campaign,
            status=self.status,
            visited_on=self.visited_on,
            minutes=self.minutes,
            is_remote=self.is_remote,
            listened_most=self.listened_most,
            not_without_campaign=self.not_without_campaign,
        )

    @property
    def counts(self) -> bool:
        return self.verdict.counts


class VisitParticipant(models.Model):
    """A person on a visit and the unit the visit is credited to for them."""

    visit = models.ForeignKey(
        Visit, verbose_name=_("visit"), on_delete=models.CASCADE, related_name="participations"
    )
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff member"),
        on_delete=models.PROTECT,
        related_name="participations",
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("credited unit"),
        on_delete=models.PROTECT,
        related_name="participations",
    )

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.UniqueConstraint(
                fields=["visit", "staff"],
                name="participant_once_per_visit",
                violation_error_message=_("A person can take part in a visit only once."),
            ),
        ]
        indexes = [models.Index(fields=["unit", "visit"], name="participant_unit_visit_idx")]

    def __str__(self):
        return f"{self.staff} ({self.unit})"


class CalendarFeed(models.Model):
    """The secret address of a person's calendar of planned visits (`/visits/calendar/<token>.ics`,
    read by calendar programs that cannot log in). Renewing it replaces the token, so whoever had
    the old address no longer sees anything."""

    staff = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff member"),
        on_delete=models.CASCADE,
        related_name="calendar_feed",
    )
    token = models.CharField(_("token"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now=True)

    class Meta:
        verbose_name = _("calendar address")
        verbose_name_plural = _("calendar addresses")

    def __str__(self):
        return str(self.staff)

    def get_absolute_url(self):
        return reverse("visits:calendar_feed", args=[self.token])


class ClientFeedback(models.Model):
    """The client's own answer about one visit, given through the feedback link: how useful the
    visit was for them, what the organisation should do next and, only with their consent, an
    e-mail address to hear what becomes of the ideas they gave."""

    visit = models.OneToOneField(
        Visit, verbose_name=_("visit"), on_delete=models.CASCADE, related_name="client_feedback"
    )
    benefit_rating = models.PositiveSmallIntegerField(
        _("benefit for the client"),
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=_("1 = no benefit, 5 = very useful"),
    )
    next_steps = limited_text(
        _("what the organisation should do next"), max_length=LONG_TEXT_LENGTH, blank=True
    )
    email = models.EmailField(_("e-mail address"), blank=True)
    email_consented_at = models.DateTimeField(
        _("consent to news given at"),
        null=True,
        blank=True,
        help_text=_("When the client agreed to be told by e-mail what becomes of their ideas."),
    )
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    answered_at = models.DateTimeField(_("answered at"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("client feedback")
        verbose_name_plural = _("client feedback")
        constraints = [
            models.CheckConstraint(
                condition=Q(benefit_rating__gte=1, benefit_rating__lte=5),
                name="client_feedback_rating_range",
                violation_error_message=_("The rating must be from 1 to 5."),
            ),
            # An address is kept only with the client's consent.
            models.CheckConstraint(
                condition=Q(email="") | Q(email_consented_at__isnull=False),
                name="client_feedback_email_with_consent",
                violation_error_message=_("An e-mail address is kept only with consent."),
            ),
            text_at_most("next_steps", LONG_TEXT_LENGTH, name="client_feedback_next_steps_length"),
        ]

    def __str__(self):
        return f"{self.visit} {self.benefit_rating}/5"

    @property
    def wants_news(self) -> bool:
        return bool(self.email)
