"""Addresses under /visits/ served by this app. The project URLconf puts them in the `visits`
namespace together with the visit form and page, which `pages` serves."""

from django.urls import path

from visits import views

urlpatterns = [
    path("", views.VisitListView.as_view(), name="list"),
    path("<int:pk>/withdraw/", views.visit_withdraw_view, name="withdraw"),
    path("verdict/", views.verdict_preview, name="verdict"),
    path("clients/", views.client_search_view, name="client_search"),
    path("clients/visits/", views.client_visits_view, name="client_visits"),
    path("clients/similar/", views.client_similar_view, name="client_similar"),
    path("staff/", views.staff_search_view, name="staff_search"),
    path("<int:pk>/calendar.ics", views.visit_calendar_view, name="calendar"),
    path("calendar/renew/", views.calendar_feed_renew_view, name="calendar_renew"),
    path("calendar/<str:feed_token>.ics", views.calendar_feed_view, name="calendar_feed"),
]

# The client's pages, under /feedback/ (public).
feedback_urlpatterns = [
    path("<str:feedback_token>/", views.feedback_view, name="answer"),
    path("<str:feedback_token>/unsubscribe/", views.feedback_unsubscribe_view, name="unsubscribe"),
]
