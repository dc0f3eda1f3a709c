"""Middleware of the project: the health check ahead of sessions."""

from django.urls import reverse

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

