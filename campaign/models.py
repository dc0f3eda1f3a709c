"""The core of Kylään: campaigns, the organisation (units and staff), clients and themes."""

import datetime as dt
import re
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Length, Lower
from django.db.models.lookups import LessThanOrEqual
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

# How long a visit can be, in minutes: the bounds of a visit's length and of a campaign's minimum.
MIN_VISIT_MINUTES = 1
MAX_VISIT_MINUTES = 720

# The dates anything in a campaign may carry (campaigns, visits, due dates of ideas): a year
# typed as 1901 or 9999 is a slip of the keyboard, not a plan.
EARLIEST_DATE = dt.date(2000, 1, 1)
LATEST_DATE = dt.date(2099, 12, 31)

# Free text: the most each kind may hold. Far above what anyone writes, and below the 32 767
# characters a spreadsheet cell holds, so an export never cuts a text short.
SHORT_TEXT_LENGTH = 1_000
LONG_TEXT_LENGTH = 5_000

# Personal data of a campaign is kept at most three years after its end (the privacy notice).
MAX_RETENTION_DAYS = 3 * 365


def validate_date_in_range(value: dt.date) -> None:
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise ValidationError(
            _("Enter a date between %(earliest)s and %(latest)s."),
            code="date_range",
            params={
                "earliest": date_format(EARLIEST_DATE, "SHORT_DATE_FORMAT"),
                "latest": date_format(LATEST_DATE, "SHORT_DATE_FORMAT"),
            },
        )


def date_in_range(field: str, *, name: str) -> models.CheckConstraint:
    """The database's copy of `validate_date_in_range` for one date field (NULL passes)."""
    return models.CheckConstraint(
        condition=Q(**{f"{field}__isnull": True})
        | Q(**{f"{field}__gte": EARLIEST_DATE, f"{field}__lte": LATEST_DATE}),
        name=name,
    )


def text_at_most(field: str, max_length: int, *, name: str) -> models.CheckConstraint:
    """A free-text field's length held by the database too, so that the shell or a script cannot
    store more than the forms and the admin accept."""
    return models.CheckConstraint(condition=LessThanOrEqual(Length(field), max_length), name=name)


def limited_text(verbose_name, *, max_length: int, **options) -> models.TextField:
    """A TextField whose length is checked by full_clean() (the admin, the services) and shown to
    forms; pair it with `text_at_most` in the model's constraints."""
    return models.TextField(
        verbose_name, max_length=max_length, validators=[MaxLengthValidator(max_length)], **options
    )


BUSINESS_ID_FORMAT = re.compile(r"[0-9]{7}-[0-9]")
BUSINESS_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2)


def business_id_check_digit(digits: str) -> int | None:
    """The check digit of a Finnish business ID's seven digits; None when no check digit can
    complete them (a remainder of 1)."""
    remainder = sum(int(d) * w for d, w in zip(digits, BUSINESS_ID_WEIGHTS, strict=True)) % 11
    if remainder == 1:
        return None
    return 0 if remainder == 0 else 11 - remainder


def business_id_validator(value: str) -> None:
    """A Finnish business ID (Y-tunnus): seven digits, a hyphen and the check digit."""
    if not BUSINESS_ID_FORMAT.fullmatch(value):
        raise ValidationError(_("Enter a business ID in the form 1234567-8."), code="invalid")
    if business_id_check_digit(value[:7]) != int(value[8]):
        raise ValidationError(
            _(
                "%(value)s is not a valid business ID: its check digit does not match. Check "
                "the number."
            ),
            code="check_digit",
            params={"value": value},
        )


class UnitQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def departments(self):
        return self.filter(parent__isnull=True)

    def with_descendants(self, unit):
        """The unit itself and, for a department, every unit under it (two levels at most)."""
        return self.filter(Q(pk=unit.pk) | Q(parent_id=unit.pk))


class Unit(models.Model):
    """A department (no parent) or a unit inside one. Two levels are enough for scoring."""

    name = models.CharField(_("name"), max_length=200)
    code = models.CharField(_("code"), max_length=32, unique=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    is_active = models.BooleanField(_("active"), default=True)

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(parent__isnull=True) | ~Q(parent=F("pk")),
                name="unit_not_own_parent",
                violation_error_message=_("A unit cannot be its own department."),
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.parent_id and self.parent.parent_id:
            raise ValidationError({"parent": _("Units are nested at most two levels deep.")})
        if self.parent_id and self.pk and self.parent_id == self.pk:
            raise ValidationError({"parent": _("A unit cannot be its own department.")})

    @property
    def department(self):
        return self.parent or self


class Staff(AbstractUser):
    """A member of the organisation. Units change; each campaign keeps its own roster."""

    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
    )
    title = models.CharField(pgettext_lazy("job title", "title"), max_length=200, blank=True)
    is_leadership = models.BooleanField(
        _("leadership team member"),
        default=False,
        help_text=_("Member of a management team; their visits are shown as leadership visits."),
    )
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("The language the person last used Kylään in; their mails are in it."),
    )

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff")
        ordering = ["last_name", "first_name", "username"]

    def __str__(self):
        return self.get_full_name() or self.username

    @property
    def mail_language(self) -> str:
        """The language of the mails sent to this person: their own, else the site's default."""
        return self.language or settings.LANGUAGE_CODE


class Theme(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    description = limited_text(_("description"), max_length=SHORT_TEXT_LENGTH, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        ordering = ["name"]
        constraints = [
            text_at_most("description", SHORT_TEXT_LENGTH, name="theme_description_length"),
        ]

    def __str__(self):
        return self.name


class CampaignQuerySet(models.QuerySet):
    def current(self):
        """The campaign marked current, or else the latest one that has started."""
        marked = self.filter(is_current=True).first()
        if marked:
            return marked
        today = timezone.localdate()
        return self.filter(starts_on__lte=today).order_by("-starts_on").first()


# A campaign's texts are written in Finnish and may be given in Swedish and English too (fields
# `<text>_sv`, `<text>_en`); a page shows the reader's language, or Finnish when it is not given.
TRANSLATED_LANGUAGES = ("sv", "en")
CAMPAIGN_TEXTS = ("name", "visit_definition", "description")


class Campaign(models.Model):
    name = models.CharField(
        _("name"),
        max_length=200,
        help_text=_("In Finnish; shown also where the Swedish or English name is left empty."),
    )
    name_sv = models.CharField(_("name in Swedish"), max_length=200, blank=True)
    name_en = models.CharField(_("name in English"), max_length=200, blank=True)
    slug = models.SlugField(
        _("short name in addresses"),
        max_length=80,
        unique=True,
        error_messages={"unique": _("Another campaign already uses this short name.")},
    )
    starts_on = models.DateField(_("starts on"), validators=[validate_date_in_range])
    ends_on = models.DateField(_("ends on"), validators=[validate_date_in_range])
    grace_days = models.PositiveSmallIntegerField(
        _("grace days"),
        default=7,
        validators=[MaxValueValidator(90)],
        help_text=_("Days after the end during which staff can still log their visits."),
    )
    visit_definition = limited_text(
        _("definition of a visit"),
        max_length=SHORT_TEXT_LENGTH,
        default=_(
            "About an hour at the client's, most of it spent listening to the client, in a "
            "meeting that would not have happened without the campaign."
        ),
        help_text=_("In Finnish; shown also where the Swedish or English one is left empty."),
    )
    visit_definition_sv = limited_text(
        _("definition of a visit in Swedish"), max_length=SHORT_TEXT_LENGTH, blank=True
    )
    visit_definition_en = limited_text(
        _("definition of a visit in English"), max_length=SHORT_TEXT_LENGTH, blank=True
    )
    description = limited_text(
        _("leadership message"),
        max_length=LONG_TEXT_LENGTH,
        blank=True,
        help_text=_(
            "Shown on the front page: why the campaign matters, in the leaders' words. In "
            "Finnish; shown also where the Swedish or English one is left empty."
        ),
    )
    description_sv = limited_text(
        _("leadership message in Swedish"), max_length=LONG_TEXT_LENGTH, blank=True
    )
    description_en = limited_text(
        _("leadership message in English"), max_length=LONG_TEXT_LENGTH, blank=True
    )
    min_minutes = models.PositiveSmallIntegerField(
        _("minimum minutes"),
        default=60,
        validators=[MinValueValidator(MIN_VISIT_MINUTES), MaxValueValidator(MAX_VISIT_MINUTES)],
    )
    remote_counts = models.BooleanField(_("remote visits count"), default=False)
    weight_visit = models.DecimalField(
        _("points per visit"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("1"),
        validators=[MinValueValidator(0)],
    )
    weight_idea = models.DecimalField(
        _("points per idea"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("3"),
        validators=[MinValueValidator(0)],
    )
    weight_accepted = models.DecimalField(
        _("points per accepted idea"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("2"),
        validators=[MinValueValidator(0)],
    )
    per_capita = models.BooleanField(
        _("score per 10 roster members"),
        default=True,
        help_text=_("Makes small and large units comparable."),
    )
    min_unit_size = models.PositiveSmallIntegerField(
        _("minimum unit size for ranking"),
        default=3,
        help_text=_("Smaller units are listed but not ranked."),
    )
    visit_target_per_unit = models.PositiveIntegerField(
        _("visit target per unit"), null=True, blank=True
    )
    themes = models.ManyToManyField(
        Theme, verbose_name=_("themes"), blank=True, related_name="campaigns"
    )
    ideas_published = models.BooleanField(
        _("publish the shareable ideas"),
        default=False,
        help_text=_(
            "Shows the ideas marked shareable, with their status and official response, on a "
            "public page that clients can read without logging in."
        ),
    )
    client_email_retention_days = models.PositiveSmallIntegerField(
        _("days client e-mail addresses are kept"),
        default=365,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_RETENTION_DAYS)],
        help_text=_(
            "Counted from the end of the campaign. Clients who asked to hear what becomes of "
            "their ideas are told until then; after that their addresses are removed."
        ),
    )
    is_current = models.BooleanField(_("current campaign"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-starts_on"]
        permissions = [
            ("view_report", _("Can see the campaign report")),
            ("import_organisation", _("Can import units, staff and clients")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="campaign_ends_after_start",
                violation_error_message=_("The campaign must end on or after its start date."),
            ),
            models.CheckConstraint(
                condition=Q(min_minutes__gte=MIN_VISIT_MINUTES, min_minutes__lte=MAX_VISIT_MINUTES),
                name="campaign_min_minutes_range",
            ),
            models.CheckConstraint(
                condition=Q(grace_days__lte=90),
                name="campaign_grace_days_range",
            ),
            models.CheckConstraint(
                condition=Q(
                    client_email_retention_days__gte=1,
                    client_email_retention_days__lte=MAX_RETENTION_DAYS,
                ),
                name="campaign_client_email_retention_range",
            ),
            models.CheckConstraint(
                condition=Q(weight_visit__gte=0, weight_idea__gte=0, weight_accepted__gte=0),
                name="campaign_weights_not_negative",
                violation_error_message=_("Scoring weights cannot be negative."),
            ),
            models.UniqueConstraint(
                fields=["is_current"],
                condition=Q(is_current=True),
                name="campaign_one_current",
                violation_error_message=_("Only one campaign can be the current one."),
            ),
            models.UniqueConstraint(
                Lower("name"),
                name="campaign_unique_name",
                violation_error_message=_("Another campaign already has this name."),
            ),
            date_in_range("starts_on", name="campaign_starts_on_range"),
            date_in_range("ends_on", name="campaign_ends_on_range"),
            text_at_most(
                "visit_definition", SHORT_TEXT_LENGTH, name="campaign_visit_definition_length"
            ),
            text_at_most("description", LONG_TEXT_LENGTH, name="campaign_description_length"),
            *[
                text_at_most(
                    f"visit_definition_{language}",
                    SHORT_TEXT_LENGTH,
                    name=f"campaign_visit_definition_{language}_length",
                )
                for language in TRANSLATED_LANGUAGES
            ],
            *[
                text_at_most(
                    f"description_{language}",
                    LONG_TEXT_LENGTH,
                    name=f"campaign_description_{language}_length",
                )
                for language in TRANSLATED_LANGUAGES
            ],
        ]

    def __str__(self):
        return self.local_name

    def get_absolute_url(self):
        return reverse("leaderboard:campaign", args=[self.slug])

    def clean(self):
        # The database constraints hold these rules; this puts their messages next to the fields.
        errors = {}
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("The campaign must end on or after its start date.")
        if (
            self.name
            and Campaign.objects.filter(name__iexact=self.name).exclude(pk=self.pk).exists()
        ):
            errors["name"] = _("Another campaign already has this name.")
        if errors:
            raise ValidationError(errors)

    def in_language(self, text: str, language: str | None = None) -> str:
        """One of the campaign's texts (CAMPAIGN_TEXTS) in `language` (the active one by
        default), or in Finnish when it is not given in that language."""
        language = (language or get_language() or "").split("-")[0]
        if language in TRANSLATED_LANGUAGES:
            translated = getattr(self, f"{text}_{language}")
            if translated.strip():
                return translated
        return getattr(self, text)

    @property
    def local_name(self) -> str:
        return self.in_language("name")

    @property
    def local_visit_definition(self) -> str:
        return self.in_language("visit_definition")

    @property
    def local_description(self) -> str:
        return self.in_language("description")

    @property
    def logging_closes_on(self) -> dt.date:
        return self.ends_on + dt.timedelta(days=self.grace_days)

    @property
    def client_emails_kept_until(self) -> dt.date:
        """The last day the clients' e-mail addresses given for this campaign are kept."""
        return self.ends_on + dt.timedelta(days=self.client_email_retention_days)

    @property
    def duration_days(self) -> int:
        return (self.ends_on - self.starts_on).days + 1

    def days_left(self, today: dt.date | None = None) -> int:
        """Days of the campaign still ahead, today included."""
        today = today or timezone.localdate()
        return max(0, min(self.duration_days, (self.ends_on - today).days + 1))

    def days_gone(self, today: dt.date | None = None) -> int:
        today = today or timezone.localdate()
        return min(self.duration_days, max(0, (today - self.starts_on).days))

    def days_until_start(self, today: dt.date | None = None) -> int:
        """Days until the first day of the campaign; 0 once it has started."""
        today = today or timezone.localdate()
        return max(0, (self.starts_on - today).days)

    def is_running(self, today: dt.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.starts_on <= today <= self.ends_on


class RosterEntry(models.Model):
    """Who belonged to which unit when the campaign started: the headcount for fair scoring."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="roster"
    )
    staff = models.ForeignKey(
        Staff, verbose_name=_("staff member"), on_delete=models.CASCADE, related_name="rosters"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="roster_entries"
    )
    is_leadership = models.BooleanField(_("leadership team member"), default=False)

    class Meta:
        verbose_name = _("roster entry")
        verbose_name_plural = _("roster")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "staff"],
                name="roster_one_entry_per_staff",
                violation_error_message=_("This person is already on the campaign roster."),
            ),
        ]

    def __str__(self):
        return f"{self.staff} – {self.unit}"


class ClientKind(models.TextChoices):
    MUNICIPALITY = "municipality", _("Municipality")
    WELLBEING_COUNTY = "wellbeing_county", _("Wellbeing services county")
    MINISTRY_AGENCY = "ministry_agency", _("Ministry or agency")
    NGO = "ngo", _("NGO")
    UNIVERSITY = "university", _("University or research institute")
    COMPANY = "company", _("Company")
    OTHER = "other", _("Other")


def normalised_client_name(name: str) -> str:
    """A client's name as it is stored: no leading, trailing or repeated spaces."""
    return " ".join(name.split())


def client_name_key(name: str) -> str:
    """What two client names are compared by: the same name whatever the case and spacing."""
    return normalised_client_name(name).casefold()


class ClientQuerySet(models.QuerySet):
    def with_name(self, name: str):
        """Clients whose name is `name`, ignoring case and extra spaces (names are stored
        normalised, which a database constraint holds)."""
        return self.filter(name__iexact=normalised_client_name(name))


class Client(models.Model):
    Kind = ClientKind

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices, default=Kind.OTHER)
    region = models.CharField(_("region"), max_length=100, blank=True)
    business_id = models.CharField(
        _("business ID"), max_length=9, blank=True, validators=[business_id_validator]
    )
    is_partner = models.BooleanField(_("partner"), default=False)
    contact_role = models.CharField(
        _("contact's role"),
        max_length=200,
        blank=True,
        help_text=_("A role or title only; no names or other personal data of client contacts."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ClientQuerySet.as_manager()

    class Meta:
        verbose_name = _("client")
        verbose_name_plural = _("clients")
        ordering = ["name"]
        # Lists sorted by client or client kind walk the clients in this order.
        indexes = [
            models.Index(fields=["name"], name="client_name_idx"),
            models.Index(fields=["kind", "name"], name="client_kind_name_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["business_id"],
                condition=~Q(business_id=""),
                name="client_unique_business_id",
                violation_error_message=_("A client with this business ID already exists."),
            ),
            models.CheckConstraint(
                condition=Q(kind__in=ClientKind.values),
                name="client_kind_valid",
            ),
            models.CheckConstraint(
                condition=~Q(name__regex=r"^\s|\s$|\s\s|[\t\n\r\f\v]"),
                name="client_name_normalised",
                violation_error_message=_(
                    "A client's name has no leading, trailing or repeated spaces."
                ),
            ),
            models.UniqueConstraint(
                Lower("name"),
                name="client_unique_name",
                violation_error_message=_("A client with this name already exists."),
            ),
        ]

    def __str__(self):
        return self.name
