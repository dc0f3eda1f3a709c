"""An export downloaded from gunicorn run as README's production command runs it: a download that
lasts longer than gunicorn's timeout completes, and one cut off half-way is a failed download,
never a truncated file that looks whole."""

import csv
import http.client
import io
import os
import signal
import socket
import time

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from campaign.models import LONG_TEXT_LENGTH
from ideas.models import Idea
from ideas.selectors import LATEST_VISITS_FIRST
from tests.factories import VisitFactory
from tests.servers import gunicorn_server

pytestmark = pytest.mark.django_db(transaction=True)

TIMEOUT = 2  # gunicorn's --timeout for these tests, in seconds
EXPORT = "/ideas/export.csv?campaign="
READ = 1 << 20


@pytest.fixture
def many_long_ideas(campaign):
    """About 12 MB of CSV: more than the loopback connection's buffers hold, so the server is
    still sending when the client stops reading."""
    visits = [VisitFactory(campaign=campaign) for _ in range(5)]
    text = ("Asiakas toivoi tilastoja kuntatasolla. " * 200)[:LONG_TEXT_LENGTH]
    Idea.objects.bulk_create(
        Idea(
            visit=visits[n % 5],
            created_by=visits[n % 5].created_by,
            title=f"Idea {n}",
            text=text,
            official_response=text,
        )
        for n in range(1200)
    )
    # In the list's own order, which the export keeps.
    return list(Idea.objects.order_by(*LATEST_VISITS_FIRST).values_list("pk", flat=True))


@pytest.fixture
def session_cookie(coordinator):
    client = Client()
    client.force_login(coordinator)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


@pytest.fixture(scope="module")
def server(django_db_setup):
    name = connection.settings_dict["NAME"]
    with gunicorn_server("--timeout", str(TIMEOUT), database_name=name) as running:
        yield running


def download(server, cookie) -> http.client.HTTPResponse:
    """The export's response, its headers read, on a connection with a small receive buffer."""
    host, port = server.url.removeprefix("http://").split(":")
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 64 * 1024)
    sock.settimeout(60)
    sock.connect((host, int(port)))
    connection_ = http.client.HTTPConnection(host, int(port), timeout=60)
    connection_.sock = sock
    connection_.request("GET", EXPORT, headers={"Cookie": cookie, "Accept-Language": "fi"})
    response = connection_.getresponse()
    assert response.status == 200
    # No length announced: the end of the file is the last chunk, which a cut-off lacks.
    assert response.getheader("Transfer-Encoding") == "chunked"
    assert response.getheader("Content-Length") is None
    return response


def read_to_end(response, pause: float = 0.0) -> bytes:
    body = bytearray()
    while chunk := response.read(READ):
        body += chunk
        time.sleep(pause)
    return bytes(body)


def test_a_download_longer_than_the_timeout_completes(server, session_cookie, many_long_ideas):
    started = time.monotonic()
    response = download(server, session_cookie)
    # A slow reader: the download lasts well beyond the timeout that kills a synchronous worker.
    body = read_to_end(response, pause=0.4)
    assert time.monotonic() - started > 2 * TIMEOUT
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert [int(row[0]) for row in rows[1:]] == many_long_ideas


def test_a_download_cut_off_half_way_fails(server, session_cookie, many_long_ideas):
    response = download(server, session_cookie)
    assert response.read(READ)
    (worker,) = server.workers()
    os.kill(worker, signal.SIGKILL)
    with pytest.raises((http.client.IncompleteRead, ConnectionError)):
        read_to_end(response)
