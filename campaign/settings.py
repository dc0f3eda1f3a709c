"""Kylään settings, driven by environment variables (see .env.example).

Without DATABASE_URL the app runs on an embedded SQLite file under var/ so a newcomer can try it
with one command; PostgreSQL is the production database and the one the test suite runs on.
"""

import datetime as dt
import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def provider_origin(url: str) -> str:
    """scheme://host[:port] of a URL, as a Content-Security-Policy source."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


DEBUG = env_bool("DEBUG", default=False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set SECRET_KEY (or DEBUG=true for local development).")
    SECRET_KEY = "insecure-local-development-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "django_tables2",
    "auditlog",
    # django-axes with a translated heading in the admin.
    "campaign.apps.AxesConfig",
    # The apps depend one way, each on those below it (README, Development).
    "campaign",
    "accounts",
    "visits",
    "ideas",
    "leaderboard",
    "notifications",
    "challenge",
    "pages",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before the session and the user, which need the database the check is about.
    "campaign.middleware.HealthCheckMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "campaign.middleware.PrivatePagesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "campaign.middleware.MethodNotAllowedPageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "campaign.audit.AuditMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "campaign.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "campaign.context_processors.navigation",
                "accounts.context_processors.sign_in",
            ],
        },
    },
]

WSGI_APPLICATION = "campaign.wsgi.application"

SQLITE_PATH = BASE_DIR / "var" / "kylaan.sqlite3"
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{SQLITE_PATH}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}

AUTH_USER_MODEL = "campaign.Staff"

# Single sign-on with the organisation's OpenID Connect provider (Microsoft Entra ID, Keycloak …).
# Its endpoints are found from <issuer>/.well-known/openid-configuration when first needed and
# cached (accounts/oidc.py), so a provider that is down never stops the app from starting.
OIDC_ISSUER = os.environ.get("OIDC_ISSUER", "").rstrip("/")
OIDC_CLIENT_ID = os.environ.get("OIDC_CLIENT_ID", "")
OIDC_CLIENT_SECRET = os.environ.get("OIDC_CLIENT_SECRET", "")
# The sign-on button's text; empty: "Sign in with your organisation's account", translated.
OIDC_LOGIN_LABEL = os.environ.get("OIDC_LOGIN_LABEL", "")
# A claim matched to the username (e.g. preferred_username or upn); the e-mail claim always is.
OIDC_USERNAME_CLAIM = os.environ.get("OIDC_USERNAME_CLAIM", "")
# Whether someone the provider knows but Kylään does not becomes a staff member without a unit.
OIDC_CREATE_USERS = env_bool("OIDC_CREATE_USERS", default=False)
# With single sign-on, whether local accounts may still log in with a password.
PASSWORD_LOGIN = env_bool("PASSWORD_LOGIN", default=True)
# mozilla-django-oidc: the authorization code flow with state, nonce and PKCE; the ID token is
# kept in the session so that logging out can end the provider's session too.
OIDC_RP_SCOPES = "openid email profile"
OIDC_USE_NONCE = True
OIDC_USE_PKCE = True
OIDC_STORE_ID_TOKEN = True
OIDC_TIMEOUT = 10
OIDC_OP_LOGOUT_URL_METHOD = "accounts.oidc.provider_logout_url"
OIDC_AUTHENTICATION_CALLBACK_URL = "oidc_authentication_callback"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "accounts.oidc.StaffOIDCBackend",
    # Passwords: local accounts, invited staff, and everyone while single sign-on is not set up.
    *(
        ["django.contrib.auth.backends.ModelBackend"]
        if PASSWORD_LOGIN or not (OIDC_ISSUER and OIDC_CLIENT_ID)
        else []
    ),
]
# Login throttling: after 5 wrong passwords for one username from one address, that pair waits
# 15 minutes. Behind a proxy, set AXES_IPWARE_PROXY_COUNT so the client's own address is used.
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = dt.timedelta(minutes=int(os.environ.get("LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Passwords are posted; a single sign-on callback is a GET and no password guess, so a staff
# member the provider has signed in is never locked out by other people's mistakes.
AXES_NEVER_LOCKOUT_GET = True
if os.environ.get("AXES_IPWARE_PROXY_COUNT"):
    AXES_IPWARE_PROXY_COUNT = int(os.environ["AXES_IPWARE_PROXY_COUNT"])
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"
# A password reset link works for a day; an invitation's "set your password" link for longer.
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24
INVITATION_DAYS = int(os.environ.get("INVITATION_DAYS", "14"))
# Password reset requests: at most this many an hour from one address, and mails to one address.
PASSWORD_RESET_LIMIT_PER_ADDRESS = 5
PASSWORD_RESET_LIMIT_PER_EMAIL = 3

# The cache is a table in the database, so every process shares it (the limit on client feedback
# requests is counted there); `python manage.py createcachetable` makes it.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "kylaan_cache",
    }
}
# Client feedback (/feedback/<token>/): answers sent and addresses that lead nowhere, at most this
# many an hour from one client address.
FEEDBACK_LIMIT_PER_ADDRESS = int(os.environ.get("FEEDBACK_LIMIT_PER_ADDRESS", "30"))

# Sessions live in the database. A working day by default; optionally they end when the browser
# closes.
SESSION_COOKIE_AGE = int(float(os.environ.get("SESSION_HOURS", "8")) * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = env_bool("SESSION_EXPIRE_AT_BROWSER_CLOSE", default=False)

LANGUAGE_CODE = "fi"
LANGUAGES = [
    ("fi", _("Finnish")),
    ("sv", _("Swedish")),
    ("en", _("English")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["campaign.formats"]
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365
TIME_ZONE = "Europe/Helsinki"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "var" / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

DJANGO_TABLES2_TEMPLATE = "django_tables2/kylaan.html"
DJANGO_TABLES2_TABLE_ATTRS = {"class": "table"}

# Security headers; the cookie flags follow whether the site is served over HTTPS.
SECURE_HTTPS = env_bool("SECURE_HTTPS", default=not DEBUG)
SESSION_COOKIE_SECURE = SECURE_HTTPS
CSRF_COOKIE_SECURE = SECURE_HTTPS
LANGUAGE_COOKIE_SECURE = SECURE_HTTPS
SESSION_COOKIE_HTTPONLY = True
# The site's address as people reach it, for links outside a page: in mails, which a command
# sends without a request to take the host from, in calendar feeds, and in the challenge feed that
# other organisations read. Without SITE_URL, the first of ALLOWED_HOSTS (https unless
# SECURE_HTTPS is off; the development server under DEBUG).
SITE_URL = os.environ.get("SITE_URL", "").strip().rstrip("/")
if not SITE_URL:
    _named_hosts = [host for host in ALLOWED_HOSTS if host != "*" and not host.startswith(".")]
    SITE_URL = (
        "http://127.0.0.1:8000"
        if DEBUG or not _named_hosts
        else f"{'https' if SECURE_HTTPS else 'http'}://{_named_hosts[0]}"
    )
if urlsplit(SITE_URL).scheme not in ("http", "https") or not urlsplit(SITE_URL).netloc:
    raise ImproperlyConfigured("SITE_URL must be an address such as https://kylaan.example.org.")
LANGUAGE_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy: scripts, styles, images and fonts only from this site (every asset is
# vendored under static/), no inline script or style, no framing, forms only back to this site.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        # Logging out of single sign-on posts to Kylään, which sends the browser on to the
        # provider's end-session page: the form's target then includes the provider.
        "form-action": [SELF, *([provider_origin(OIDC_ISSUER)] if OIDC_ISSUER else [])],
        "frame-ancestors": [NONE],
    }
}
if env_bool("SECURE_PROXY_SSL_HEADER"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# HTTPS only: redirect plain HTTP, and tell browsers to use HTTPS for this many seconds (HSTS).
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=False)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=True)
# /healthz answers the load balancer over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# E-mail by SMTP (EMAIL_HOST, by default the local mail server); under DEBUG without EMAIL_HOST,
# mails are printed on the console instead.
if DEBUG and not os.environ.get("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "kylaan@localhost")

# Feedback contact shown in the accessibility statement and privacy notice; set per organisation.
FEEDBACK_EMAIL = os.environ.get("FEEDBACK_EMAIL", "saavutettavuus@example.org")
ORGANISATION_NAME = os.environ.get("ORGANISATION_NAME", "Kylään")
# The challenge between organisations (README): fetching another installation's feed waits this
# many seconds for a connection and for each read, and gives up on the whole feed after the
# total; a feed larger than the cap is refused unread.
CHALLENGE_CONNECT_TIMEOUT = 3
CHALLENGE_READ_TIMEOUT = 5
CHALLENGE_TOTAL_TIMEOUT = 10
CHALLENGE_MAX_FEED_BYTES = 512 * 1024

AUDITLOG_INCLUDE_ALL_MODELS = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}
