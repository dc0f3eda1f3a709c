"""The addresses of the pages that combine the domain apps. The project URLconf mounts them, the
visit and campaign pages in the `visits` and `campaigns` namespaces beside those apps' own."""

from django.urls import path

from pages import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
]

visit_urlpatterns = [
    path("new/", views.visit_new, name="new"),
    path("<int:pk>/", views.visit_show, name="detail"),
    path("<int:pk>/edit/", views.visit_edit, name="edit"),
]

campaign_urlpatterns = [
    path("<slug:slug>/edit/", views.campaign_edit_view, name="edit"),
    path("<slug:slug>/report/", views.campaign_report_view, name="report"),
    path("<slug:slug>/shared-ideas/", views.campaign_shared_ideas_view, name="shared_ideas"),
]
