"""Middleware of the project: the health check ahead of sessions, no caching of what a logged-in
person sees, and the app's own page for an address opened with the wrong method."""

from django.http import HttpResponseNotAllowed
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_cache_control

from campaign.views import healthz


class HealthCheckMiddleware:
    """Answers /healthz before the session and the user are loaded. Both need the database, so a
    probe that carries a session cookie (a browser, a load balancer that keeps cookies) would get
    a server error during an outage instead of the 503 that tells the balancer what is wrong."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.path = None

    def __call__(self, request):
        if self.path is None:
            self.path = reverse("healthz")
        if request.path == self.path:
            return healthz(request)
        return self.get_response(request)


class PrivatePagesMiddleware:
    """Every response to a logged-in person is `Cache-Control: private, no-store`: their visits,
    ideas and the organisation's figures stay out of shared proxies and of the browser's cache on
    a shared computer (the Back button after logging out shows nothing)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response


class MethodNotAllowedPageMiddleware:
    """A GET of an address that only takes a form's POST (Django's `require_POST` answers 405
    with an empty body) is a page of the app with the site's layout and a way back, still 405
    and with the methods it takes in `Allow`."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if isinstance(response, HttpResponseNotAllowed) and not response.content:
            page = render(request, "405.html", status=405)
            page["Allow"] = response["Allow"]
            return page
        return response
