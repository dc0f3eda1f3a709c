"""Settings from the environment, read as a fresh process reads them (the contract of DESIGN §6)."""

import json
import os
import secrets
import subprocess
import sys

from django.conf import settings

PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "kylaan.example.org",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_SSL_REDIRECT": "true",
}


# Set by the test run itself (the browser tests allow the ORM beside Playwright's event loop).
NOT_INHERITED = {"DATABASE_URL", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}


def _environment(**env) -> dict:
    base = {k: v for k, v in os.environ.items() if k not in NOT_INHERITED}
    return {**base, **env}


def read(names: list[str], **env) -> dict:
    """The named settings as a process started with `env` sees them."""
    code = (
        "import json, django; from django.conf import settings; django.setup(); "
        f"print(json.dumps({{n: getattr(settings, n, None) for n in {names!r}}}, default=str))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env=_environment(DJANGO_SETTINGS_MODULE="campaign.settings", **env),
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


def test_production_settings_pass_the_deployment_checks():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=_environment(**PRODUCTION),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


def test_sessions_last_a_working_day_unless_told_otherwise():
    names = ["SESSION_COOKIE_AGE", "SESSION_EXPIRE_AT_BROWSER_CLOSE"]
    assert read(names, DEBUG="true") == {
        "SESSION_COOKIE_AGE": 8 * 3600,
        "SESSION_EXPIRE_AT_BROWSER_CLOSE": False,
    }
    assert read(
        names, DEBUG="true", SESSION_HOURS="10", SESSION_EXPIRE_AT_BROWSER_CLOSE="true"
    ) == {
        "SESSION_COOKIE_AGE": 10 * 3600,
        "SESSION_EXPIRE_AT_BROWSER_CLOSE": True,
    }


def test_https_settings_come_from_the_environment():
    names = ["SECURE_HSTS_SECONDS", "SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE"]
    assert read(names, **PRODUCTION) == {
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_SSL_REDIRECT": True,
        "SESSION_COOKIE_SECURE": True,
    }
    assert read(names, DEBUG="true") == {
        "SECURE_HSTS_SECONDS": 0,
        "SECURE_SSL_REDIRECT": False,
        "SESSION_COOKIE_SECURE": False,
    }


def test_mail_goes_to_the_smtp_server_named_or_to_the_console_in_development():
    names = ["EMAIL_BACKEND", "EMAIL_HOST", "EMAIL_PORT", "EMAIL_USE_TLS", "DEFAULT_FROM_EMAIL"]
    assert read(names, DEBUG="true")["EMAIL_BACKEND"].endswith("console.EmailBackend")
    configured = read(
        [*names, "EMAIL_HOST_USER", "EMAIL_HOST_PASSWORD"],
        **PRODUCTION,
        EMAIL_HOST="smtp.example.org",
        EMAIL_PORT="587",
        EMAIL_HOST_USER="kylaan",
        EMAIL_HOST_PASSWORD="pw",
        EMAIL_USE_TLS="true",
        DEFAULT_FROM_EMAIL="Kylään <kylaan@example.org>",
    )
    assert configured == {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "smtp.example.org",
        "EMAIL_PORT": 587,
        "EMAIL_USE_TLS": True,
        "DEFAULT_FROM_EMAIL": "Kylään <kylaan@example.org>",
        "EMAIL_HOST_USER": "kylaan",
        "EMAIL_HOST_PASSWORD": "pw",
    }


def test_single_sign_on_only_leaves_no_password_backend_and_lets_logout_reach_the_provider():
    sso = {
        "DEBUG": "true",
        "OIDC_ISSUER": "https://login.example.org/realms/thl/",
        "OIDC_CLIENT_ID": "kylaan",
        "OIDC_CLIENT_SECRET": "s",
    }
    names = ["AUTHENTICATION_BACKENDS", "OIDC_ISSUER", "CONTENT_SECURITY_POLICY"]
    both = read(names, **sso)
    assert "django.contrib.auth.backends.ModelBackend" in both["AUTHENTICATION_BACKENDS"]
    assert both["OIDC_ISSUER"] == "https://login.example.org/realms/thl"
    form_action = both["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]["form-action"]
    assert form_action == ["'self'", "https://login.example.org"]
    only = read(names, **sso, PASSWORD_LOGIN="false")
    assert only["AUTHENTICATION_BACKENDS"] == [
        "axes.backends.AxesStandaloneBackend",
        "accounts.oidc.StaffOIDCBackend",
    ]
    without_sso = read(names, DEBUG="true", PASSWORD_LOGIN="false")
    assert "django.contrib.auth.backends.ModelBackend" in without_sso["AUTHENTICATION_BACKENDS"]
