"""Real servers on loopback for the tests: an OpenID Connect provider, an SMTP server, peers of the
challenge serving feeds good and bad, gunicorn serving the app as in production, and a second
installation of Kylään.

The provider is oidc-provider-mock (authlib behind Flask) served by werkzeug in a thread on
127.0.0.1. It checks the client's nonce; it does not check PKCE itself, so `PkceChecking` wraps it
to refuse a token request whose code_verifier does not match the authorization's challenge, as
Entra ID and Keycloak do. The SMTP server is aiosmtpd's, and keeps what it receives. The peers
are the standard library's HTTP server; the second installation is this very code in gunicorn,
in processes of its own with a database of its own.
"""

import base64
import contextlib
import email
import email.policy
import hashlib
import io
import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import requests
import werkzeug.serving
from aiosmtpd.controller import Controller
from django.conf import settings


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


@dataclass
class FeedServer:
    """Peers of the challenge on loopback, each path a way a feed can be good or go wrong: the
    test sets `feeds[path]` to the bytes a good peer sends, and the other paths misbehave."""

    url: str
    feeds: dict[str, bytes] = field(default_factory=dict)
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    slow_seconds: float = 2.0

    def at(self, path: str) -> str:
        return f"{self.url}{path}"


def _feed_handler(server: FeedServer):
    import http.server

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def _send(self, status: int, body: bytes = b"", headers=None, length: bool = True):
            self.send_response(status)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            if length:
                self.send_header("Content-Length", str(len(body)))
            self.send_header("Connection", "close")
            self.end_headers()
            if body:
                self.wfile.write(body)

        def do_GET(self):
            path = self.path
            server.requests.append((path, dict(self.headers.items())))
            if path in server.feeds:
                body = server.feeds[path]
                etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
                if self.headers.get("If-None-Match") == etag:
                    return self._send(304, headers={"ETag": etag})
                return self._send(200, body, {"Content-Type": "application/json", "ETag": etag})
            if path == "/slow/feed.json":
                time.sleep(server.slow_seconds)
                return self._send(200, b"{}", {"Content-Type": "application/json"})
            if path == "/drip/feed.json":
                # Headers at once, then a byte at a time: each read is quick, the whole is not.
                self._send(200, headers={"Content-Type": "application/json"}, length=False)
                with contextlib.suppress(OSError):
                    for _ in range(int(server.slow_seconds * 20)):
                        self.wfile.write(b" ")
                        self.wfile.flush()
                        time.sleep(0.05)
                return None
            if path == "/malformed/feed.json":
                return self._send(200, b'{"format": "kylaan-challenge-feed", "version": 1,')
            if path == "/wrong/feed.json":
                return self._send(200, json.dumps({"format": "kylaan-challenge-feed"}).encode())
            if path == "/huge/feed.json":
                return self._send(200, b" " * (600 * 1024))
            if path == "/huge-unannounced/feed.json":
                self._send(200, headers={"Content-Type": "application/json"}, length=False)
                with contextlib.suppress(OSError):
                    for _ in range(64):
                        self.wfile.write(b" " * 16 * 1024)
                return None
            if path == "/moved/feed.json":
                return self._send(302, headers={"Location": f"{server.url}/ok/feed.json"})
            return self._send(404, b"not found")

    return Handler


@contextlib.contextmanager
def feed_server() -> Iterator[FeedServer]:
    """An HTTP server on loopback serving challenge feeds, good and bad (see FeedServer)."""
    import http.server

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), None)
    server = FeedServer(url=f"http://127.0.0.1:{httpd.server_port}")
    httpd.RequestHandlerClass = _feed_handler(server)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.1})
    thread.start()
    try:
        yield server
    finally:
        httpd.shutdown()
        thread.join(5)
        httpd.server_close()


@dataclass
class Installation:
    """Another installation of Kylään: gunicorn in a process of its own on a loopback port, with
    its own database and organisation, its management commands run as further processes."""

    url: str
    env: dict[str, str]
    process: "subprocess.Popen | None" = None

    def manage(self, *args: str, timeout: float = 120) -> "subprocess.CompletedProcess":
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=settings.BASE_DIR,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        assert result.returncode == 0, f"manage.py {args[0]}: {result.stderr[-3000:]}"
        return result

    def serve(self) -> None:
        self.process = subprocess.Popen(
            [
                *[
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "-c",
                    "gunicorn.conf.py",
                    "--no-control-socket",
                ],
                *["--workers", "1", "--bind", self.url.removeprefix("http://")],
                *["--log-level", "warning"],
            ],
            cwd=settings.BASE_DIR,
            env=self.env,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.process.poll() is None, "gunicorn stopped"
            with contextlib.suppress(requests.RequestException):
                if requests.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return
            time.sleep(0.2)
        raise AssertionError(f"{self.url} did not start")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)


def _maintenance(database: dict):
    import psycopg2

    connection = psycopg2.connect(
        dbname="postgres",
        user=database["USER"],
        password=database["PASSWORD"],
        host=database["HOST"],
        port=database["PORT"],
    )
    connection.autocommit = True
    return connection


@contextlib.contextmanager
def installation(*, database: dict, organisation: str) -> Iterator[Installation]:
    """A second installation beside the tests' own, on the same PostgreSQL server: a database
    named after the test database with `_peer` added, created and migrated for it, and dropped
    afterwards."""
    name = f"{database['NAME']}_peer"
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    admin = _maintenance(database)
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    address = f"{database['USER']}:{database['PASSWORD']}@{database['HOST']}:{database['PORT']}"
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PYTEST", "DJANGO_ALLOW"))
    } | {
        "DATABASE_URL": f"postgres://{address}/{name}",
        "SECRET_KEY": "second-installation-secret-key",
        "DEBUG": "true",
        "ORGANISATION_NAME": organisation,
        "SITE_URL": url,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "LOG_LEVEL": "WARNING",
    }
    server = Installation(url=url, env=env)
    try:
        server.manage("migrate", "--no-input", "-v0")
        server.serve()
        yield server
    finally:
        server.stop()
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@dataclass
class Gunicorn:
    """gunicorn serving Kylään on loopback as README's production command does."""

    url: str
    process: subprocess.Popen

    def workers(self) -> list[int]:
        """The worker processes' ids (children of the master)."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()]


@contextlib.contextmanager
def gunicorn_server(*options: str, database_name: str) -> Iterator[Gunicorn]:
    """The project's gunicorn.conf.py with one worker, on a free loopback port, serving the
    database `database_name` (the test database: the data the test committed)."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": (
            f"postgres://{database['USER']}:{database['PASSWORD']}@{database['HOST']}:"
            f"{database['PORT'] or 5432}/{database_name}"
        ),
        "SECRET_KEY": settings.SECRET_KEY,
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_HTTPS": "false",
        "LOG_LEVEL": "WARNING",
    }
    root = Path(__file__).resolve().parent.parent
    command = [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "--no-control-socket"]
    command += ["--workers", "1"]
    process = subprocess.Popen(
        [*command, "--bind", f"127.0.0.1:{port}", *options],
        cwd=root,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    server = Gunicorn(url=f"http://127.0.0.1:{port}", process=process)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(f"{server.url}/healthz", timeout=5).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("gunicorn did not start")
            time.sleep(0.2)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
