"""The project URLconf: the one module besides the settings that sees every app.

A namespace may gather pages from several apps: /visits/ and /campaigns/ hold the pages of their
own app and the ones of `pages` that combine it with others (the visit form, the report).
"""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from accounts import urls as accounts_urls
from accounts import views as accounts_views
from campaign import public_views, urls_setup, views
from pages import urls as pages_urls
from visits import urls as visits_urls

urlpatterns = [
    path("", include(pages_urls)),
    path("healthz", views.healthz, name="healthz"),
    path(
        "campaigns/",
        include((urls_setup.urlpatterns + pages_urls.campaign_urlpatterns, "campaigns")),
    ),
    path("accounts/", include(accounts_urls)),
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("accessibility/", public_views.accessibility_statement, name="accessibility"),
    path("privacy/", public_views.privacy_notice, name="privacy"),
    path("i18n/setlang/", accounts_views.set_language_remembered, name="set_language"),
    path("feedback/", include((visits_urls.feedback_urlpatterns, "feedback"))),
    path("ideas/", include("ideas.urls")),
    path("leaderboard/", include("leaderboard.urls")),
    path("notifications/", include("notifications.urls")),
    path("challenge/", include("challenge.urls")),
    path("admin/", admin.site.urls),
    path(
        "visits/",
        include((visits_urls.urlpatterns + pages_urls.visit_urlpatterns, "visits")),
    ),
]
