"""What an installation shares with the other organisations of the challenge, and whom it follows.

A campaign is published by having a `Publication`: its aggregate figures are then served as a
feed (`challenge.feed` describes it). A `Peer` is another organisation's feed, with the last
figures that passed validation; a fetch that fails keeps them and records why.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from campaign.models import Campaign

FEED_URL_LENGTH = 500
ERROR_DETAIL_LENGTH = 300


class Publication(models.Model):
    """A campaign taking part in the challenge: its feed is public."""

    campaign = models.OneToOneField(
        Campaign,
        verbose_name=_("campaign"),
        on_delete=models.CASCADE,
        related_name="challenge_publication",
    )
    published_at = models.DateTimeField(_("published at"), auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("published campaign")
        verbose_name_plural = _("published campaigns")
        ordering = ["-campaign__starts_on"]

    def __str__(self):
        return str(self.campaign)


class FetchProblem(models.TextChoices):
    """Why the last fetch of a peer's feed brought no figures."""

    NOT_ALLOWED = "not_allowed", _("the address is not allowed (only https)")
    UNREACHABLE = "unreachable", _("the server could not be reached")
    TIMEOUT = "timeout", _("the server did not answer in time")
    REDIRECT = "redirect", _("the address redirects elsewhere")
    HTTP_STATUS = "http_status", _("the server answered with an error")
    TOO_LARGE = "too_large", _("the feed is too large")
    NOT_JSON = "not_json", _("the answer is not a JSON feed")
    INVALID = "invalid", _("the feed does not match the challenge's format")


class Peer(models.Model):
    """Another organisation's challenge feed that this installation follows."""

    feed_url = models.URLField(
        _("feed address"),
        max_length=FEED_URL_LENGTH,
        unique=True,
        error_messages={"unique": _("This feed is already followed.")},
    )
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("added by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The last feed that passed validation, as the peer sent it, and when it was fetched.
    payload = models.JSONField(_("last good feed"), null=True, blank=True, editable=False)
    fetched_at = models.DateTimeField(_("last good figures fetched at"), null=True, blank=True)
    etag = models.CharField(max_length=200, blank=True, editable=False)
    attempted_at = models.DateTimeField(_("last attempt at"), null=True, blank=True)
    problem = models.CharField(
        _("problem of the last attempt"), max_length=20, choices=FetchProblem, blank=True
    )
    problem_detail = models.CharField(
        _("details of the problem"), max_length=ERROR_DETAIL_LENGTH, blank=True
    )

    class Meta:
        verbose_name = _("followed organisation")
        verbose_name_plural = _("followed organisations")
        ordering = ["feed_url"]
        permissions = [
            (
                "manage_challenge",
                _("Can publish campaigns to the challenge and follow other organisations"),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(problem="") | Q(problem__in=FetchProblem.values),
                name="peer_problem_known",
            ),
            models.CheckConstraint(
                condition=Q(payload__isnull=True) | Q(fetched_at__isnull=False),
                name="peer_payload_has_fetch_time",
            ),
        ]

    def __str__(self):
        return self.feed_url
