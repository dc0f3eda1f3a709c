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
]
