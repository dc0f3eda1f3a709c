"""Addresses under /campaigns/ served by this app: campaign setup and the organisation import.
The project URLconf puts them in the `campaigns` namespace together with the settings page and the
report, which `pages` serves."""

from django.urls import path

from campaign import views

urlpatterns = [
    path("", views.CampaignListView.as_view(), name="list"),
    path("new/", views.campaign_create_view, name="create"),
    path("import/", views.organisation_import_view, name="import"),
    path("<slug:slug>/clone/", views.campaign_clone_view, name="clone"),
    path("<slug:slug>/roster/", views.campaign_roster_view, name="roster"),
]
