"""Fetching another organisation's feed: one GET that may fail in every way and never hangs.

Short connect and read timeouts, and a deadline for the whole body (a server that sends one byte
at a time is cut off too); no redirect followed; a body larger than the cap is refused, by its
Content-Length before it is read and by counting while it is read; only `https` outside DEBUG.
Nothing here touches the database: `challenge.services` stores what comes back.
"""

import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests
import urllib3.exceptions
from django.conf import settings

from challenge.feed import Feed, FeedError, parse_bytes
from challenge.models import FetchProblem

CHUNK_BYTES = 16 * 1024


@dataclass(frozen=True)
class Fetched:
    """A feed that passed validation (`data` as decoded, and its figures), or `not_modified`
    when the peer answered that the feed is the one we have (its ETag)."""

    data: object = None
    feed: Feed | None = None
    etag: str = ""
    not_modified: bool = False


SCHEME = "scheme"
CREDENTIALS = "credentials"
_ADDRESS_PROBLEMS = {
    SCHEME: "only https addresses are fetched (http too under DEBUG)",
    CREDENTIALS: "no user name or password in the address",
}


def address_problem(url: str) -> str:
    """Why this installation may not fetch `url` (`SCHEME` or `CREDENTIALS`), or ""."""
    parts = urlsplit(url)
    schemes = ("https", "http") if settings.DEBUG else ("https",)
    if parts.scheme not in schemes or not parts.hostname:
        return SCHEME
    if parts.username or parts.password:
        return CREDENTIALS
    return ""


def fetch_feed(url: str, *, etag: str = "") -> Fetched:
    """GET one feed and validate it; `FeedError` says what went wrong."""
    problem = address_problem(url)
    if problem:
        raise FeedError(FetchProblem.NOT_ALLOWED, _ADDRESS_PROBLEMS[problem])
    headers = {
        "Accept": "application/json",
        "Accept-Encoding": "identity",
        "User-Agent": f"Kylaan-challenge/1 {settings.SITE_URL}",
    }
    if etag:
        headers["If-None-Match"] = etag
    deadline = time.monotonic() + settings.CHALLENGE_TOTAL_TIMEOUT
    limit = settings.CHALLENGE_MAX_FEED_BYTES
    try:
        with requests.get(
            url,
            headers=headers,
            timeout=(settings.CHALLENGE_CONNECT_TIMEOUT, settings.CHALLENGE_READ_TIMEOUT),
            allow_redirects=False,
            stream=True,
        ) as response:
            if response.status_code == 304 and etag:
                return Fetched(etag=etag, not_modified=True)
            if response.is_redirect or 300 <= response.status_code < 400:
                location = response.headers.get("Location", "")
                raise FeedError(FetchProblem.REDIRECT, f"{response.status_code} → {location}")
            if response.status_code != 200:
                raise FeedError(FetchProblem.HTTP_STATUS, f"HTTP {response.status_code}")
            declared = response.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > limit:
                raise FeedError(FetchProblem.TOO_LARGE, f"{declared} bytes, at most {limit}")
            body = _read(response, limit=limit, deadline=deadline)
            new_etag = response.headers.get("ETag", "")[:200]
    except (requests.Timeout, urllib3.exceptions.TimeoutError, TimeoutError) as error:
        raise FeedError(FetchProblem.TIMEOUT, type(error).__name__) from error
    except (requests.RequestException, urllib3.exceptions.HTTPError, OSError) as error:
        raise FeedError(FetchProblem.UNREACHABLE, type(error).__name__) from error
    data, feed = parse_bytes(body)
    return Fetched(data=data, feed=feed, etag=new_etag)


def _read(response: requests.Response, *, limit: int, deadline: float) -> bytes:
    """The body, read a chunk as it arrives (`read1`), so that neither its size nor the time it
    takes can pass the limits."""
    body = bytearray()
    while True:
        if time.monotonic() > deadline:
            raise FeedError(FetchProblem.TIMEOUT, "the feed took too long to arrive")
        chunk = response.raw.read1(CHUNK_BYTES, decode_content=True)
        if not chunk:
            return bytes(body)
        body += chunk
        if len(body) > limit:
            raise FeedError(FetchProblem.TOO_LARGE, f"more than {limit} bytes")
