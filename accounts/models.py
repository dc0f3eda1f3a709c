"""Who was invited to set a password, and the password reset requests that throttling counts."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Invitation(models.Model):
    """One invitation mail with a "set your password" link. A person is invited once unless a
    coordinator invites them again on purpose; each sending is a row."""

    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff member"),
        on_delete=models.CASCADE,
        related_name="invitations",
    )
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True, db_index=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-sent_at"]

    def __str__(self):
        return f"{self.staff} – {self.sent_at:%Y-%m-%d}"


class PasswordResetRequest(models.Model):
    """A password reset asked for, counted per client address and per e-mail address (both kept
    only as keyed hashes) so that throttling holds across every application process."""

    class Key(models.TextChoices):
        ADDRESS = "address", _("client address")
        EMAIL = "email", _("e-mail address")

    key_kind = models.CharField(max_length=8, choices=Key.choices)
    key_hash = models.CharField(max_length=64)
    requested_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("password reset request")
        verbose_name_plural = _("password reset requests")
        indexes = [
            models.Index(
                fields=["key_kind", "key_hash", "requested_at"], name="password_reset_key_time"
            )
        ]

    def __str__(self):
        return f"{self.key_kind} {self.requested_at:%Y-%m-%d %H:%M}"
