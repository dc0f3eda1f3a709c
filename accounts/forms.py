"""Forms for signing in, password reset and invitations. Rules live in the services."""

import logging
import smtplib

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.validators import MaxLengthValidator
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from campaign.mail import Recipient, mail_send
from campaign.models import Staff

logger = logging.getLogger(__name__)


class StaffPasswordResetForm(PasswordResetForm):
    """Django's reset form; the mail is in the recipient's language, as plain text and HTML.

    Staff imported without a password can set one this way too, so it also reaches those whose
    password is unusable (as long as password login is on at all)."""

    def get_users(self, email):
        return Staff.objects.filter(email__iexact=email, is_active=True).exclude(email="")

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        user = context["user"]
        path = reverse(
            "password_reset_confirm", kwargs={"uidb64": context["uid"], "token": context["token"]}
        )
        try:
            mail_send(
                kind="password_reset",
                recipient=Recipient(email=to_email, language=user.mail_language),
                context={
                    "staff": user,
                    "link": f"{context['protocol']}://{context['domain']}{path}",
                    "valid_hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
                },
            )
        except (smtplib.SMTPException, OSError):
            # The page answers the same whatever happens, so that it reveals nobody's address.
            logger.exception("The password reset mail to staff %s was not sent.", user.pk)


class InvitationForm(forms.Form):
    """Whom to invite: the people ticked in the list, or everyone who has never been invited."""

    SELECTED = "selected"
    ALL_NEW = "all_new"

    staff = forms.ModelMultipleChoiceField(
        queryset=Staff.objects.filter(is_active=True), required=False
    )
    whom = forms.ChoiceField(choices=[(SELECTED, SELECTED), (ALL_NEW, ALL_NEW)])
    again = forms.BooleanField(
        label=_("Invite again those already invited"),
        required=False,
        help_text=_("Otherwise each person gets one invitation."),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("whom") == self.SELECTED and not cleaned.get("staff"):
            raise forms.ValidationError(
                _("Tick the people to invite in the list, or invite everyone not yet invited.")
            )
        return cleaned


class LoginForm(AuthenticationForm):
    """Django's login form, with the username's length checked before anyone is asked: no
    username is longer than the user model allows, and a longer one would not fit the record of
    failed logins either."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        username = self.fields["username"]
        username.validators.append(MaxLengthValidator(username.max_length))
