from django.urls import path

from ideas import views

app_name = "ideas"

urlpatterns = [
    path("", views.IdeaListView.as_view(), name="list"),
    path("export.csv", views.export_csv, name="export_csv"),
    path("export.xlsx", views.export_xlsx, name="export_xlsx"),
    path("export-by-owner.xlsx", views.export_by_owner, name="export_by_owner"),
    path("<int:pk>/", views.idea_detail, name="detail"),
    path("<int:pk>/triage/", views.idea_triage_view, name="triage"),
    path("<int:pk>/duplicate/", views.idea_mark_duplicate_view, name="mark_duplicate"),
    path("<int:pk>/edit/", views.idea_correct_view, name="edit"),
    path("<int:pk>/withdraw/", views.idea_withdraw_view, name="withdraw"),
]
