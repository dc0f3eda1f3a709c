"""Addresses of signing in and out, password reset and invitations. Django's own names (login,
logout, password_reset …) are kept at the top level, where Django and its templates look for
them; the staff list and invitations are in the `accounts` namespace."""

from django.contrib.auth.decorators import login_not_required
from django.urls import include, path

from accounts import views

staff_urlpatterns = [
    path("staff/", views.StaffListView.as_view(), name="staff"),
    path("staff/invite/", views.invitations_send_view, name="invite"),
    path(
        "invitation/<uidb64>/<token>/",
        views.InvitationAcceptView.as_view(),
        name="invitation",
    ),
]

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path(
        "oidc/authenticate/",
        login_not_required(views.SignOnView.as_view()),
        name="oidc_authentication_init",
    ),
    path(
        "oidc/callback/",
        login_not_required(views.SignOnCallbackView.as_view()),
        name="oidc_authentication_callback",
    ),
    path("password_reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password_reset/done/",
        views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("reset/done/", views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("", include((staff_urlpatterns, "accounts"))),
]
