"""A URLconf shaped like the merged project's, to test how the accessibility walk fills routes."""

from django.http import HttpResponse
from django.urls import include, path


def view(request, **kwargs):
    return HttpResponse("")


urlpatterns = [
    path("", view),
    path("visits/", view),
    path("visits/<int:pk>/", view),
    path("visits/<int:pk>/edit/", view),
    path("ideas/<int:idea_id>/", view),
    path("leaderboard/<slug:slug>/", view),
    path("campaigns/", include([path("<slug:campaign_slug>/report/", view)])),
    path("campaigns/<slug:slug>/ideas/<int:pk>/", view),
    path("admin/<int:pk>/", view),
]
