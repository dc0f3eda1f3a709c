"""Deny by default: walk the whole URLconf so every new page is covered automatically."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

PUBLIC = {
    "/healthz",
    "/accounts/login/",
    "/accounts/oidc/authenticate/",
    "/accounts/oidc/callback/",
    "/accounts/password_reset/",
    "/accounts/password_reset/done/",
    "/accounts/reset/sample/sample/",
    "/accounts/reset/done/",
    "/accounts/invitation/sample/sample/",
    "/i18n/setlang/",
    "/accessibility/",
    "/privacy/",
    "/challenge/join/",
    "/challenge/sample/feed.json",
    # Secret links: a mail's unsubscribe link, a calendar address, a client's feedback link.
    "/notifications/unsubscribe/sample/",
    "/visits/calendar/sample.ics",
    "/feedback/sample/",
    "/feedback/sample/unsubscribe/",
    # A campaign's published ideas, for its clients.
    "/campaigns/sample/shared-ideas/",
}


def _walk(patterns, prefix=""):
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            yield route


def _concrete(route: str) -> str:
    """A real address for a route: converters become sample values, regex anchors go."""
    path = re.sub(r"<(?:int:)?\w*(?:pk|id)>", "1", route)
    path = re.sub(r"<slug:\w+>", "sample", path)
    path = re.sub(r"<(?:str:|path:)?\w+>", "sample", path)
    path = path.replace("^", "").replace("$", "").replace("\\Z", "")
    path = re.sub(r"\(\?P<\w+>[^)]*\)", "1", path)
    return "/" + path


ROUTES = sorted({_concrete(route) for route in _walk(get_resolver().url_patterns)})


def test_the_walk_finds_the_pages():
    assert "/" in ROUTES
    assert "/healthz" in ROUTES


@pytest.mark.django_db
@pytest.mark.parametrize("path", [p for p in ROUTES if not p.startswith("/admin/")])
def test_anonymous_is_sent_to_login(client, path):
    response = client.get(path)
    if path in PUBLIC:
        assert response.status_code != 302 or "/accounts/login/" not in response["Location"]
    else:
        assert response.status_code == 302, path
        assert response["Location"].startswith("/accounts/login/?next="), path


@pytest.mark.django_db
def test_admin_asks_for_login(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/login/" in response["Location"]
