from django.urls import path

from visits import views

app_name = "visits"

urlpatterns = [
    path("", views.VisitListView.as_view(), name="list"),
    path("new/", views.visit_new, name="new"),
    path("<int:pk>/", views.visit_show, name="detail"),
    path("<int:pk>/edit/", views.visit_edit, name="edit"),
    path("<int:pk>/withdraw/", views.visit_withdraw_view, name="withdraw"),
    path("verdict/", views.verdict_preview, name="verdict"),
    path("clients/", views.client_search_view, name="client_search"),
    path("clients/visits/", views.client_visits_view, name="client_visits"),
    path("clients/similar/", views.client_similar_view, name="client_similar"),
    path("staff/", views.staff_search_view, name="staff_search"),
]
