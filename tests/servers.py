"""Real servers on loopback for the tests: an OpenID Connect provider and an SMTP server.

The provider is oidc-provider-mock (authlib behind Flask) served by werkzeug in a thread on
127.0.0.1. It checks the client's nonce; it does not check PKCE itself, so `PkceChecking` wraps it
to refuse a token request whose code_verifier does not match the authorization's challenge, as
Entra ID and Keycloak do. The SMTP server is aiosmtpd's, and keeps what it receives.
"""

import base64
import contextlib
import email
import email.policy
import hashlib
import io
import json
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from urllib.parse import parse_qs, urlsplit

import requests
import werkzeug.serving
from aiosmtpd.controller import Controller


class PkceChecking:
    """WSGI middleware: remembers each authorization's code_challenge by the code it issued, and
    answers `invalid_grant` to a token request whose code_verifier does not match it."""

    def __init__(self, app):
        self.app = app
        self.challenges: dict[str, str] = {}
        self.token_requests: list[dict[str, str]] = []
        self.discoveries = 0

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if path == "/.well-known/openid-configuration":
            self.discoveries += 1
        if path == "/oauth2/token":
            return self._token(environ, start_response)
        if path != "/oauth2/authorize":
            return self.app(environ, start_response)
        query = parse_qs(environ.get("QUERY_STRING", ""))
        challenge = query.get("code_challenge", [""])[0]
        method = query.get("code_challenge_method", [""])[0]

        def remembering_start_response(status, headers, exc_info=None):
            for name, value in headers:
                if name.lower() == "location":
                    code = parse_qs(urlsplit(value).query).get("code", [""])[0]
                    if code:
                        self.challenges[code] = challenge if method == "S256" else ""
            return start_response(status, headers, exc_info)

        return self.app(environ, remembering_start_response)

    def _token(self, environ, start_response):
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length)
        form = {key: values[0] for key, values in parse_qs(body.decode()).items()}
        self.token_requests.append(form)
        challenge = self.challenges.pop(form.get("code", ""), None)
        verifier = form.get("code_verifier", "")
        computed = (
            base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
            .rstrip(b"=")
            .decode()
        )
        if form.get("grant_type") == "authorization_code" and (
            not challenge or computed != challenge
        ):
            payload = json.dumps({"error": "invalid_grant", "error_description": "PKCE"}).encode()
            start_response("400 Bad Request", [("Content-Type", "application/json")])
            return [payload]
        environ["wsgi.input"] = io.BytesIO(body)
        return self.app(environ, start_response)


@dataclass
class Provider:
    url: str
    pkce: PkceChecking

    def add_user(self, sub: str, **claims) -> None:
        """A person the provider knows, with their claims (email, given_name …)."""
        response = requests.put(f"{self.url}/users/{sub}", json=claims, timeout=5)
        response.raise_for_status()

    def authorize(self, authorization_url: str, sub: str) -> str:
        """Sign in as `sub` on the provider's page; returns where it sends the browser back."""
        response = requests.post(
            authorization_url, data={"sub": sub}, allow_redirects=False, timeout=5
        )
        assert response.status_code == 302, response.text
        return response.headers["Location"]


@contextlib.contextmanager
def oidc_provider() -> Iterator[Provider]:
    from oidc_provider_mock import app

    pkce = PkceChecking(app(require_nonce=True))
    server = werkzeug.serving.make_server("127.0.0.1", 0, pkce, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1})
    thread.start()
    try:
        yield Provider(url=f"http://127.0.0.1:{server.server_port}", pkce=pkce)
    finally:
        server.shutdown()
        thread.join(5)
        server.server_close()


@dataclass
class Mailbox:
    host: str
    port: int
    received: list[EmailMessage] = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.received.append(message)
        return "250 Message accepted"

    def only(self) -> EmailMessage:
        assert len(self.received) == 1, [m["Subject"] for m in self.received]
        return self.received[0]

    @staticmethod
    def text(message: EmailMessage) -> str:
        return message.get_body(preferencelist=("plain",)).get_content()

    @staticmethod
    def html(message: EmailMessage) -> str:
        return message.get_body(preferencelist=("html",)).get_content()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def smtp_server() -> Iterator[Mailbox]:
    mailbox = Mailbox(host="127.0.0.1", port=_free_port())
    controller = Controller(mailbox, hostname=mailbox.host, port=mailbox.port)
    controller.start()
    try:
        yield mailbox
    finally:
        controller.stop()
