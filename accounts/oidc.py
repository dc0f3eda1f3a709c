"""Single sign-on with the organisation's OpenID Connect provider, on mozilla-django-oidc.

mozilla-django-oidc reads its endpoints from settings; Kylään is configured by the issuer alone
(OIDC_ISSUER), so the endpoints come from the provider's discovery document. It is fetched when
single sign-on is first used, not at start-up (a provider that is down never stops the app), and
kept for an hour. The library's views and backend read every setting through `get_settings`,
which here answers the discovered values; the backend also reads none of them until a sign-in
needs them, because Django builds a backend for every request of a signed-in user.

Who may come in is decided by `staff_sign_in` (accounts/services.py): the provider vouches
for the person, Kylään decides whether they are staff.
"""

import logging
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlencode

import jwt
import requests
from django.conf import settings
from django.contrib import auth
from django.core.exceptions import SuspiciousOperation
from django.urls import reverse
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings

from accounts.services import staff_sign_in

logger = logging.getLogger(__name__)

DISCOVERY_PATH = "/.well-known/openid-configuration"
DISCOVERY_MAX_AGE = 60 * 60
# Signing algorithms the backend can check, in order of preference.
SIGNING_ALGORITHMS = ("RS256", "ES256", "RS384", "RS512", "ES384", "ES512")


class ProviderUnavailable(Exception):
    """The provider's discovery document could not be read."""


def single_sign_on() -> bool:
    """Whether sign-in through the organisation's provider is set up."""
    return bool(settings.OIDC_ISSUER and settings.OIDC_CLIENT_ID)


def password_login() -> bool:
    """Whether local accounts log in with a password: always without single sign-on."""
    return settings.PASSWORD_LOGIN or not single_sign_on()


@dataclass(frozen=True)
class Provider:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    userinfo_endpoint: str
    jwks_uri: str
    end_session_endpoint: str
    signing_algorithm: str

    @classmethod
    def from_discovery(cls, issuer: str, document: dict) -> "Provider":
        try:
            offered = document.get("id_token_signing_alg_values_supported") or ["RS256"]
            algorithm = next(alg for alg in SIGNING_ALGORITHMS if alg in offered)
            return cls(
                issuer=document.get("issuer", issuer),
                authorization_endpoint=document["authorization_endpoint"],
                token_endpoint=document["token_endpoint"],
                userinfo_endpoint=document["userinfo_endpoint"],
                jwks_uri=document["jwks_uri"],
                end_session_endpoint=document.get("end_session_endpoint", ""),
                signing_algorithm=algorithm,
            )
        except (KeyError, StopIteration, AttributeError) as error:
            raise ProviderUnavailable(f"incomplete discovery document: {error!r}") from error


_lock = threading.Lock()
_discovered: dict[str, tuple[float, Provider]] = {}


def provider() -> Provider:
    """The provider's endpoints, from its discovery document (fetched at most once an hour)."""
    issuer = settings.OIDC_ISSUER
    with _lock:
        cached = _discovered.get(issuer)
        if cached and time.monotonic() - cached[0] < DISCOVERY_MAX_AGE:
            return cached[1]
    try:
        response = requests.get(issuer + DISCOVERY_PATH, timeout=settings.OIDC_TIMEOUT)
        response.raise_for_status()
        found = Provider.from_discovery(issuer, response.json())
    except (requests.RequestException, ValueError) as error:
        logger.warning("OpenID Connect discovery at %s failed: %s", issuer, error)
        raise ProviderUnavailable(str(error)) from error
    with _lock:
        _discovered[issuer] = (time.monotonic(), found)
    return found


def forget_provider() -> None:
    """Read the discovery document again on next use. (The signing keys are not cached: they
    are read at each sign-in, so a provider that rotates them needs nothing of this.)"""
    with _lock:
        _discovered.clear()


def oidc_setting(name: str, *default):
    """A mozilla-django-oidc setting: the provider's endpoints come from discovery."""
    discovered = {
        "OIDC_OP_AUTHORIZATION_ENDPOINT": lambda p: p.authorization_endpoint,
        "OIDC_OP_TOKEN_ENDPOINT": lambda p: p.token_endpoint,
        "OIDC_OP_USER_ENDPOINT": lambda p: p.userinfo_endpoint,
        "OIDC_OP_JWKS_ENDPOINT": lambda p: p.jwks_uri,
        "OIDC_RP_SIGN_ALGO": lambda p: p.signing_algorithm,
    }
    if name in discovered:
        return discovered[name](provider())
    if name == "OIDC_RP_CLIENT_ID":
        return settings.OIDC_CLIENT_ID
    if name == "OIDC_RP_CLIENT_SECRET":
        return settings.OIDC_CLIENT_SECRET
    if name == "OIDC_RP_IDP_SIGN_KEY":
        return None
    return import_from_settings(name, *default)


class StaffOIDCBackend(OIDCAuthenticationBackend):
    """Signs in the staff member whom the provider's claims name (`staff_sign_in`)."""

    def __init__(self, *args, **kwargs):
        # The library reads every endpoint here; Kylään reads them when a sign-in needs them.
        self.UserModel = auth.get_user_model()

    @staticmethod
    def get_settings(attr, *args):
        return oidc_setting(attr, *args)

    OIDC_OP_TOKEN_ENDPOINT = property(lambda self: oidc_setting("OIDC_OP_TOKEN_ENDPOINT"))
    OIDC_OP_USER_ENDPOINT = property(lambda self: oidc_setting("OIDC_OP_USER_ENDPOINT"))
    OIDC_OP_JWKS_ENDPOINT = property(lambda self: oidc_setting("OIDC_OP_JWKS_ENDPOINT"))
    OIDC_RP_CLIENT_ID = property(lambda self: settings.OIDC_CLIENT_ID)
    OIDC_RP_CLIENT_SECRET = property(lambda self: settings.OIDC_CLIENT_SECRET)
    OIDC_RP_SIGN_ALGO = property(lambda self: oidc_setting("OIDC_RP_SIGN_ALGO"))
    OIDC_RP_IDP_SIGN_KEY = None

    def authenticate(self, request, **kwargs):
        if request is None or not single_sign_on() or "code" not in request.GET:
            return None
        return super().authenticate(request, **kwargs)

    def retrieve_matching_jwk(self, token):
        """The provider's key that signed the ID token: the one with the token's key id, or,
        when the token names none, the provider's only signing key for its algorithm (OpenID
        Connect allows leaving the id out when there is just one)."""
        header = jwt.get_unverified_header(token)
        algorithm = header.get("alg")
        response = requests.get(self.OIDC_OP_JWKS_ENDPOINT, timeout=settings.OIDC_TIMEOUT)
        response.raise_for_status()
        keys = [
            key
            for key in response.json().get("keys", [])
            if key.get("use", "sig") == "sig" and key.get("alg", algorithm) == algorithm
        ]
        if header.get("kid"):
            keys = [key for key in keys if key.get("kid") == header["kid"]]
        if len(keys) != 1:
            raise SuspiciousOperation("No single signing key of the provider matches the token.")
        return jwt.PyJWK(keys[0])

    def verify_token(self, token, **kwargs):
        payload = super().verify_token(token, **kwargs)
        # The library leaves the audience and issuer unchecked; an ID token must be for us.
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if settings.OIDC_CLIENT_ID not in audiences:
            raise SuspiciousOperation("The ID token was issued to another client.")
        if payload.get("iss", "").rstrip("/") != provider().issuer.rstrip("/"):
            raise SuspiciousOperation("The ID token was issued by another provider.")
        return payload

    def verify_claims(self, claims):
        return bool(claims.get("email") or claims.get(settings.OIDC_USERNAME_CLAIM or "email"))

    def get_or_create_user(self, access_token, id_token, payload):
        claims = self.get_userinfo(access_token, id_token, payload)
        if not self.verify_claims(claims):
            raise SuspiciousOperation("The provider gave neither an e-mail nor a username.")
        decision = staff_sign_in(claims=claims)
        # The callback view tells the person why they were not let in.
        self.request.sign_in_refusal = decision.refusal
        self.request.sign_in_email = claims.get("email", "")
        return decision.staff

    def get_user(self, user_id):
        # A staff member deactivated while signed in is signed out on their next request.
        user = super().get_user(user_id)
        return user if user and self.user_can_authenticate(user) else None


def provider_logout_url(request) -> str:
    """Where logging out sends a person who signed in through the provider: the provider's
    end-session endpoint, which ends its session and returns to Kylään's login page. Anyone
    else, or when the provider offers no such endpoint or does not answer, stays in Kylään."""
    login_page = reverse(settings.LOGOUT_REDIRECT_URL)
    id_token = request.session.get("oidc_id_token")
    if not id_token or not single_sign_on():
        return login_page
    try:
        endpoint = provider().end_session_endpoint
    except ProviderUnavailable:
        endpoint = ""
    if not endpoint:
        return login_page
    query = urlencode(
        {
            "id_token_hint": id_token,
            "client_id": settings.OIDC_CLIENT_ID,
            "post_logout_redirect_uri": request.build_absolute_uri(login_page),
        }
    )
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"
