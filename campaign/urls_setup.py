"""Campaign setup, organisation import and the campaign report, for coordinators."""

from django.urls import path

from campaign import views

app_name = "campaigns"

urlpatterns = [
    path("", views.CampaignListView.as_view(), name="list"),
    path("new/", views.campaign_create_view, name="create"),
    path("import/", views.organisation_import_view, name="import"),
    path("<slug:slug>/edit/", views.campaign_edit_view, name="edit"),
    path("<slug:slug>/clone/", views.campaign_clone_view, name="clone"),
    path("<slug:slug>/roster/", views.campaign_roster_view, name="roster"),
    path("<slug:slug>/report/", views.campaign_report_view, name="report"),
]
