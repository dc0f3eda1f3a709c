from django.urls import path

from challenge import views

app_name = "challenge"

urlpatterns = [
    path("", views.index, name="index"),
    path("join/", views.join, name="join"),
    path("manage/", views.manage, name="manage"),
    path("manage/publishing/", views.manage_publishing, name="manage_publishing"),
    path("manage/peers/", views.manage_peer_add, name="manage_peer_add"),
    path("manage/peers/remove/", views.manage_peer_remove, name="manage_peer_remove"),
    path("manage/peers/refresh/", views.manage_refresh, name="manage_refresh"),
    path("<slug:slug>/feed.json", views.feed, name="feed"),
]
