"""Security headers on every response, and templates that keep to the Content-Security-Policy."""

import re
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db

TEMPLATES = Path(settings.BASE_DIR, "templates")


def _policy(response) -> dict[str, list[str]]:
    header = response.headers["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (part.split() for part in header.split(";") if part.strip())
    }


@pytest.mark.parametrize("path", ["/accounts/login/", "/accessibility/", "/healthz"])
def test_every_response_allows_scripts_and_styles_from_this_site_only(client, path):
    policy = _policy(client.get(path))
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]


def test_logged_in_pages_carry_the_policy_too(client, staff_member, campaign):
    client.force_login(staff_member)
    response = client.get("/leaderboard/")
    assert "'unsafe-inline'" not in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    "path", ["/", "/visits/", "/ideas/", "/leaderboard/", "/leaderboard/?format=csv", "/privacy/"]
)
def test_what_a_logged_in_person_sees_is_not_stored_by_any_cache(
    client, staff_member, campaign, path
):
    client.force_login(staff_member)
    response = client.get(path)
    assert response.status_code == 200
    directives = {d.strip() for d in response.headers["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= directives
    assert "public" not in directives


def test_public_pages_for_anonymous_visitors_may_be_cached(client):
    response = client.get("/accessibility/")
    assert "no-store" not in response.headers.get("Cache-Control", "")


def test_no_template_has_inline_script_style_or_event_handlers():
    """The policy would block them: a script must come from static/, a style from the CSS file.
    JSON data blocks (json_script) are not scripts and are allowed."""
    offending = []
    for template in TEMPLATES.rglob("*.html"):
        text = template.read_text()
        for pattern in (r"<script(?![^>]*\bsrc=)[^>]*>", r"\sstyle=", r"\son[a-z]+=", r"<style"):
            if re.search(pattern, text):
                offending.append(f"{template.relative_to(TEMPLATES)}: {pattern}")
    assert not offending, offending
