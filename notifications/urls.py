from django.urls import path

from notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.preferences_view, name="preferences"),
    path("unsubscribe/<str:unsubscribe_token>/", views.unsubscribe_view, name="unsubscribe"),
]
