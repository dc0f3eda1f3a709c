from django.conf import settings
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import Greatest, TruncDate
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from campaign.models import (
    LONG_TEXT_LENGTH,
    Theme,
    Unit,
    date_in_range,
    limited_text,
    text_at_most,
    validate_date_in_range,
)
from visits.models import Visit, VisitParticipant


class IdeaStatus(models.TextChoices):
    NEW = "new", _("New")
    IN_REVIEW = "in_review", _("In review")
    ACCEPTED = "accepted", _("Accepted")
    IN_PROGRESS = "in_progress", _("In progress")
    IMPLEMENTED = "implemented", _("Implemented")
    DECLINED = "declined", _("Declined")
    DUPLICATE = "duplicate", _("Duplicate")


# Accepted, in progress or implemented: what the scoring rewards as an accepted idea. The Q is the
# one home of the rule, for filters (`IdeaQuerySet.accepted`) and conditional counts alike.
ACCEPTED_STATUSES = (IdeaStatus.ACCEPTED, IdeaStatus.IN_PROGRESS, IdeaStatus.IMPLEMENTED)
IS_ACCEPTED = Q(status__in=ACCEPTED_STATUSES)


class IdeaQuerySet(models.QuerySet):
    def in_campaign(self, campaign):
        return self.filter(visit__campaign=campaign)

    def not_duplicate(self):
        return self.exclude(status=Idea.Status.DUPLICATE)

    def not_withdrawn(self):
        """Ideas not withdrawn: one logged by mistake is kept, marked, and left out of every
        figure, list and export."""
        return self.filter(withdrawn_at__isnull=True)

    def of_counted_visits(self):
        """The ideas the campaign's figures hold: not withdrawn, from visits that count."""
        return self.not_withdrawn().filter(visit__in=Visit.objects.counted())

    def counted(self):
        """The ideas that count for their campaign: not duplicates nor withdrawn, from visits
        that count."""
        return self.of_counted_visits().not_duplicate()

    def with_counting_day(self):
        """`counting_day`: the day an idea starts to count, the later of the day it was recorded
        and its visit's day (an idea noted on a planned visit counts once the visit is done)."""
        return self.annotate(counting_day=Greatest(TruncDate("created_at"), F("visit__visited_on")))

    def accepted(self):
        """Ideas the organisation has taken up: accepted, in progress or implemented."""
        return self.filter(IS_ACCEPTED)

    def visible_to(self, user):
        """Coordinators see all; managers the ideas their unit (and its sub-units) collected or
        owns; staff those of their own visits and the ones their own unit collected or owns, to
        read: what became of the unit's ideas is news for everyone in it."""
        if not user.is_authenticated:
            return self.none()
        if user.has_perm("ideas.view_all_ideas"):
            return self
        condition = Q(visit__in=Visit.objects.visible_to(user))
        if user.has_perm("ideas.view_unit_ideas") and user.unit_id:
            condition |= Q(owner_unit__in=Unit.objects.with_descendants(user.unit))
        elif user.has_perm("ideas.view_idea") and user.unit_id:
            collected = VisitParticipant.objects.filter(
                visit=OuterRef("visit_id"), unit_id=user.unit_id
            )
            condition |= Q(owner_unit_id=user.unit_id) | Q(Exists(collected))
        return self.filter(condition)


class Idea(models.Model):
    Status = IdeaStatus

    ACCEPTED_STATUSES = ACCEPTED_STATUSES

    visit = models.ForeignKey(
        Visit, verbose_name=_("visit"), on_delete=models.PROTECT, related_name="ideas"
    )
    title = models.CharField(_("title"), max_length=200)
    text = limited_text(_("in the client's words"), max_length=LONG_TEXT_LENGTH, blank=True)
    theme = models.ForeignKey(
        Theme,
        verbose_name=_("theme"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ideas",
    )
    owner_unit = models.ForeignKey(
        Unit,
        verbose_name=_("owner unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="owned_ideas",
        help_text=_("The unit that must act on the idea; may differ from the collecting unit."),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.NEW
    )
    official_response = limited_text(
        _("official response"), max_length=LONG_TEXT_LENGTH, blank=True
    )
    due_on = models.DateField(
        _("due date"), null=True, blank=True, validators=[validate_date_in_range]
    )
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("duplicate of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="duplicates",
    )
    is_shareable = models.BooleanField(
        _("shareable in the report"),
        default=False,
        help_text=_("Coordinators pick ideas to show in the campaign report."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="ideas_created",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("withdrawn by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = IdeaQuerySet.as_manager()

    class Meta:
        verbose_name = _("development idea")
        verbose_name_plural = _("development ideas")
        ordering = ["-created_at", "-pk"]
        # The idea list's orders (ideas/tables.py), each ending on the id; theme and owner unit
        # use their foreign keys' indexes.
        indexes = [
            models.Index(fields=["created_at", "id"], name="idea_created_idx"),
            models.Index(fields=["title", "id"], name="idea_title_idx"),
            models.Index(fields=["status", "id"], name="idea_status_idx"),
            models.Index(fields=["due_on", "id"], name="idea_due_idx"),
            # The shareable ideas (the report, the published page): a few of the campaign's,
            # read without going through every idea.
            models.Index(
                fields=["visit", "id"],
                condition=Q(is_shareable=True, withdrawn_at__isnull=True),
                name="idea_shareable_idx",
            ),
        ]
        permissions = [
            ("view_unit_ideas", _("Can see ideas collected or owned by own unit")),
            ("view_all_ideas", _("Can see every idea of the organisation")),
            ("triage_idea", _("Can triage ideas")),
            ("export_idea", _("Can export idea lists")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(duplicate_of__isnull=True) | ~Q(duplicate_of=F("pk")),
                name="idea_not_own_duplicate",
                violation_error_message=_("An idea cannot be a duplicate of itself."),
            ),
            models.CheckConstraint(
                condition=Q(status=IdeaStatus.DUPLICATE, duplicate_of__isnull=False)
                | (~Q(status=IdeaStatus.DUPLICATE) & Q(duplicate_of__isnull=True)),
                name="idea_duplicate_has_original",
                violation_error_message=_(
                    "A duplicate must name the original idea, and only a duplicate can."
                ),
            ),
            models.CheckConstraint(
                condition=Q(status__in=IdeaStatus.values),
                name="idea_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True, withdrawn_by__isnull=True)
                | Q(withdrawn_at__isnull=False, withdrawn_by__isnull=False),
                name="idea_withdrawn_by_someone",
                violation_error_message=_("A withdrawn idea names who withdrew it."),
            ),
            date_in_range("due_on", name="idea_due_on_range"),
            text_at_most("text", LONG_TEXT_LENGTH, name="idea_text_length"),
            text_at_most("official_response", LONG_TEXT_LENGTH, name="idea_response_length"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("ideas:detail", args=[self.pk])

    @property
    def is_duplicate(self) -> bool:
        return self.status == IdeaStatus.DUPLICATE

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None


# The filter of an export is kept as its query string, cut to this length.
IDEA_EXPORT_QUERY_LENGTH = 2_000


class IdeaExportFormat(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "XLSX"
    XLSX_BY_OWNER = "xlsx_by_owner", _("XLSX, one sheet per owner unit")


class IdeaExport(models.Model):
    """An audit row for every idea list that left the system: who, when, which filter, how many."""

    Format = IdeaExportFormat

    exported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("exported by"),
        on_delete=models.PROTECT,
        related_name="idea_exports",
    )
    exported_at = models.DateTimeField(_("exported at"), auto_now_add=True)
    format = models.CharField(_("format"), max_length=16, choices=Format.choices)
    query = limited_text(
        _("filter"),
        max_length=IDEA_EXPORT_QUERY_LENGTH,
        blank=True,
        help_text=_("The list's query string."),
    )
    row_count = models.PositiveIntegerField(_("rows"))

    class Meta:
        verbose_name = _("idea export")
        verbose_name_plural = _("idea exports")
        ordering = ["-exported_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(format__in=IdeaExportFormat.values),
                name="idea_export_format_valid",
            ),
            text_at_most("query", IDEA_EXPORT_QUERY_LENGTH, name="idea_export_query_length"),
        ]

    def __str__(self):
        return f"{self.exported_by} {self.exported_at:%Y-%m-%d %H:%M} ({self.row_count})"


# What a client who left an address hears about: an idea accepted, implemented or declined, each
# with the official response.
CLIENT_NEWS_STATUSES = (IdeaStatus.ACCEPTED, IdeaStatus.IMPLEMENTED, IdeaStatus.DECLINED)


class ClientIdeaUpdate(models.Model):
    """The record of one "you said, we did" mail: the client of the idea's visit was told that it
    reached `status`. Written before the mail is sent and never twice (the unique constraint), so
    that no client hears the same news twice; `sent_at` stays empty while the mail is on its way.
    The address is not kept here: it is the visit's feedback's, removed with it."""

    idea = models.ForeignKey(
        Idea, verbose_name=_("idea"), on_delete=models.CASCADE, related_name="client_updates"
    )
    status = models.CharField(_("status"), max_length=16, choices=IdeaStatus.choices)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("update to a client")
        verbose_name_plural = _("updates to clients")
        constraints = [
            models.UniqueConstraint(
                fields=["idea", "status"], name="client_idea_update_once_per_status"
            ),
        ]

    def __str__(self):
        return f"{self.idea_id} {self.status}"
