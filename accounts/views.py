"""Signing in and out (password and single sign-on), password reset, invitations, the staff list.

Every way in remembers the language the person uses, so that their mails are written in it.
"""

import logging

import jwt
import requests
from axes.helpers import get_client_ip_address
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required, permission_required
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import check_for_language, get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
    OIDCLogoutView,
)

from accounts.filters import StaffFilter
from accounts.forms import InvitationForm, LoginForm, StaffPasswordResetForm
from accounts.oidc import (
    ProviderUnavailable,
    oidc_setting,
    password_login,
    provider,
    single_sign_on,
)
from accounts.selectors import (
    coordinators_to_contact,
    never_signed_in_count,
    staff_with_sign_in_status,
)
from accounts.services import invitable, invitations_send, password_reset_request
from accounts.tables import StaffTable
from accounts.tokens import invitation_tokens
from campaign.models import Staff
from campaign.services import staff_language_remember

logger = logging.getLogger(__name__)


def _remember_language(user) -> None:
    staff_language_remember(staff=user, language=get_language())


# --- Password login ----------------------------------------------------------------------------


class LoginView(auth_views.LoginView):
    """The login page: the single sign-on button first when it is set up, then the password form
    for local accounts (unless PASSWORD_LOGIN=false)."""

    authentication_form = LoginForm

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "sign_on_label": settings.OIDC_LOGIN_LABEL
            or _("Sign in with your organisation's account"),
        }

    def post(self, request, *args, **kwargs):
        if not password_login():
            return HttpResponseNotAllowed(["GET"])
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        response = super().form_valid(form)
        _remember_language(form.get_user())
        return response


@login_not_required
def set_language_remembered(request):
    """Django's language switch; a signed-in person's choice is remembered for their mails."""
    response = set_language(request)
    language = request.POST.get("language", "")
    if request.method == "POST" and request.user.is_authenticated and check_for_language(language):
        staff_language_remember(staff=request.user, language=language)
    return response


# --- Single sign-on ----------------------------------------------------------------------------


def _provider_unavailable(request):
    return render(request, "accounts/provider_unavailable.html", status=503)


def _sign_in_failed(request):
    return render(request, "accounts/sign_in_failed.html", status=400)


class SignOnView(OIDCAuthenticationRequestView):
    """Sends the browser to the provider, with a fresh state, nonce and PKCE challenge."""

    def __init__(self, *args, **kwargs):
        # The library looks the endpoint up here; it is discovered when the button is pressed.
        super(OIDCAuthenticationRequestView, self).__init__(*args, **kwargs)

    @staticmethod
    def get_settings(attr, *args):
        return oidc_setting(attr, *args)

    def get(self, request):
        if not single_sign_on():
            raise Http404
        try:
            self.OIDC_OP_AUTH_ENDPOINT = provider().authorization_endpoint
        except ProviderUnavailable:
            return _provider_unavailable(request)
        self.OIDC_RP_CLIENT_ID = oidc_setting("OIDC_RP_CLIENT_ID")
        return super().get(request)

    def get_extra_params(self, request):
        # The provider's own pages in the language the person is using Kylään in.
        return {**super().get_extra_params(request), "ui_locales": get_language()}


class SignOnCallbackView(OIDCAuthenticationCallbackView):
    """Where the provider returns the browser. State, nonce and PKCE are checked by the library;
    what went wrong is told to the person in their language, never as an error page."""

    @staticmethod
    def get_settings(attr, *args):
        return oidc_setting(attr, *args)

    def get(self, request):
        if not single_sign_on():
            raise Http404
        try:
            return super().get(request)
        except ProviderUnavailable:
            return _provider_unavailable(request)
        except (requests.ConnectionError, requests.Timeout):
            logger.warning("The OpenID Connect provider did not answer the sign-in.")
            return _provider_unavailable(request)
        except (SuspiciousOperation, requests.RequestException, jwt.PyJWTError) as error:
            # A state not started in this browser (tampered, replayed, or from another tab that
            # expired), a code the provider refuses, or an ID token that does not check out.
            logger.warning("Single sign-on refused: %s", error)
            return _sign_in_failed(request)

    def login_success(self):
        response = super().login_success()
        _remember_language(self.user)
        return response

    def login_failure(self):
        refusal = getattr(self.request, "sign_in_refusal", None)
        if refusal is None:
            return _sign_in_failed(self.request)
        context = {
            "refusal": str(refusal),
            "email": getattr(self.request, "sign_in_email", ""),
            "coordinators": coordinators_to_contact(),
        }
        return render(self.request, "accounts/sign_in_refused.html", context, status=403)


class LogoutView(OIDCLogoutView):
    """Ends Kylään's session; after single sign-on, the provider's session too, where the
    provider offers an end-session endpoint (accounts.oidc.provider_logout_url)."""

    @staticmethod
    def get_settings(attr, *args):
        return oidc_setting(attr, *args)


# --- Password reset ----------------------------------------------------------------------------


class PasswordLoginRequiredMixin:
    """Setting a password is pointless when single sign-on is the only way in."""

    def dispatch(self, request, *args, **kwargs):
        if not password_login():
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class ActiveStaffOnlyMixin:
    """A link of someone deactivated since it was sent is no longer valid."""

    def get_user(self, uidb64):
        user = super().get_user(uidb64)
        return user if user is not None and user.is_active else None


@method_decorator(login_not_required, name="dispatch")
class PasswordResetView(PasswordLoginRequiredMixin, auth_views.PasswordResetView):
    """Django's reset, throttled per client address and per e-mail address. The answer is the
    same whether or not the address belongs to anyone."""

    form_class = StaffPasswordResetForm

    def form_valid(self, form):
        allowance = password_reset_request(
            address=get_client_ip_address(self.request) or "",
            email=form.cleaned_data["email"],
        )
        if allowance.address_over_limit:
            form.add_error(
                "email",
                _("Too many password reset requests from your address. Try again in an hour."),
            )
            response = self.form_invalid(form)
            response.status_code = 429
            return response
        if allowance.email_over_limit:
            return redirect(self.get_success_url())
        return super().form_valid(form)


@method_decorator(login_not_required, name="dispatch")
class PasswordResetDoneView(PasswordLoginRequiredMixin, auth_views.PasswordResetDoneView):
    pass


@method_decorator(login_not_required, name="dispatch")
class PasswordResetConfirmView(
    PasswordLoginRequiredMixin, ActiveStaffOnlyMixin, auth_views.PasswordResetConfirmView
):
    pass


@method_decorator(login_not_required, name="dispatch")
class PasswordResetCompleteView(PasswordLoginRequiredMixin, auth_views.PasswordResetCompleteView):
    pass


# --- Invitations and the staff list ------------------------------------------------------------


@method_decorator(login_not_required, name="dispatch")
class InvitationAcceptView(
    PasswordLoginRequiredMixin, ActiveStaffOnlyMixin, auth_views.PasswordResetConfirmView
):
    """The invitation's link: the person sets a password and is signed in."""

    token_generator = invitation_tokens
    template_name = "accounts/invitation_accept.html"
    post_reset_login = True
    post_reset_login_backend = "django.contrib.auth.backends.ModelBackend"
    success_url = reverse_lazy("dashboard")
    reset_url_token = "set-password"

    def form_valid(self, form):
        response = super().form_valid(form)
        _remember_language(form.user)
        messages.success(
            self.request,
            _(
                "Welcome to Kylään! Your password is set. Next time, log in with your username "
                "%(username)s and this password."
            )
            % {"username": form.user.username},
        )
        return response


class StaffListView(PermissionRequiredMixin, SingleTableMixin, FilterView):
    """Who is on the staff, who has been invited and who has signed in (coordinators)."""

    permission_required = "campaign.view_staff"
    raise_exception = True
    table_class = StaffTable
    filterset_class = StaffFilter
    template_name = "accounts/staff_list.html"
    paginate_by = 100

    def get_queryset(self):
        return staff_with_sign_in_status()

    def get_table_kwargs(self):
        return {} if password_login() else {"exclude": ["select"]}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["invitations"] = password_login()
        context["invitation_form"] = InvitationForm()
        context["invitation_days"] = settings.INVITATION_DAYS
        context["not_invited_count"] = never_signed_in_count()
        return context


def _invitation_link(request, staff: Staff) -> str:
    path = reverse(
        "accounts:invitation",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(staff.pk)),
            "token": invitation_tokens.make_token(staff),
        },
    )
    return request.build_absolute_uri(path)


@require_POST
@permission_required("campaign.view_staff", raise_exception=True)
def invitations_send_view(request):
    if not password_login():
        raise Http404
    form = InvitationForm(request.POST)
    back = reverse("accounts:staff") + (
        "?" + request.POST["query"] if request.POST.get("query") else ""
    )
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(back)
    if form.cleaned_data["whom"] == InvitationForm.ALL_NEW:
        people = invitable(Staff.objects.filter(is_active=True, last_login__isnull=True))
        again = False
    else:
        people = form.cleaned_data["staff"]
        again = form.cleaned_data["again"]
    outcome = invitations_send(
        people=people,
        sent_by=request.user,
        link_for=lambda staff: _invitation_link(request, staff),
        again=again,
    )
    if outcome.sent:
        messages.success(
            request,
            ngettext(
                "Invitation sent to %(count)s person.",
                "Invitations sent to %(count)s people.",
                len(outcome.sent),
            )
            % {"count": len(outcome.sent)},
        )
    if outcome.already_invited:
        messages.info(
            request,
            ngettext(
                "%(count)s person had already been invited and was not invited again. To send "
                "a new invitation, tick them and “Invite again those already invited”.",
                "%(count)s people had already been invited and were not invited again. To send "
                "new invitations, tick them and “Invite again those already invited”.",
                len(outcome.already_invited),
            )
            % {"count": len(outcome.already_invited)},
        )
    if outcome.failed:
        messages.error(
            request,
            ngettext(
                "The mail server did not answer: %(count)s invitation was not sent. Try again "
                "later; nobody is invited twice.",
                "The mail server did not answer: %(count)s invitations were not sent. Try again "
                "later; nobody is invited twice.",
                len(outcome.failed),
            )
            % {"count": len(outcome.failed)},
        )
    if not (outcome.sent or outcome.already_invited or outcome.failed):
        messages.info(request, _("Nobody to invite: everyone has been invited or has signed in."))
    return redirect(back)
