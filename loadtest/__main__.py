"""`make loadtest`: 50 staff members for 2 minutes against gunicorn on loopback, then a check that
every visit the server acknowledged is stored exactly once.

In its own database (LOADTEST_DATABASE_URL, `kylaan_loadtest` in the Makefile; never the test,
demo or benchmark one), made when missing: migrated, the demo organisation loaded (seed_demo) and
LOADTEST_USERS staff members `loadtest-1`… added, each given a signed-in session. gunicorn runs
with the project's gunicorn.conf.py, as README's production command does, on
127.0.0.1:LOADTEST_PORT; locust drives it headless (loadtest/locustfile.py: front page,
leaderboard, visit and idea lists,
the visit form, logging visits, some sent twice). Prints throughput, median, 95th and 99th
percentile per page and the error count, then compares the acknowledged visits with the database.
Exits non-zero on any error or any visit missing or stored twice.

    LOADTEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/kylaan_loadtest python -m loadtest
"""

import json
import os
import secrets
import subprocess
import sys
import time
from pathlib import Path

import psycopg2
import requests

from bench.databases import own_database

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "var" / "loadtest"


def ensure_database(url: str) -> None:
    others = {"kylaan_bench"}
    with own_database(url, tool="load test", setting="LOADTEST_DATABASE_URL", others=others) as (
        cursor,
        name,
    ):
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')


def prepare(users: int) -> tuple[list[str], str, list[str], str]:
    """The database migrated and seeded, the static files collected; a signed-in session for each
    load test user and the cookie that carries it, the clients they visit and the day of their
    visits (today)."""
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.test import Client as Browser
    from django.utils import timezone

    from campaign.models import Client, Staff, Unit
    from campaign.roles import STAFF
    from demo.seed import seed_demo

    call_command("migrate", verbosity=0)
    call_command("collectstatic", "--no-input", verbosity=0)
    seed_demo()
    usernames = [f"loadtest-{n}" for n in range(1, users + 1)]
    units = list(Unit.objects.filter(parent__isnull=False).order_by("pk")) or list(
        Unit.objects.order_by("pk")
    )
    # They start signed in (below): no password signs them in, and fifty slow password hashes at
    # once would measure only the hashing.
    password = make_password(None)
    group = Group.objects.get(name=STAFF)
    for n, username in enumerate(usernames):
        person, created = Staff.objects.get_or_create(
            username=username,
            defaults={
                "first_name": "Kuorma",
                "last_name": f"Testaaja {n + 1}",
                "email": f"{username}@example.org",
                "unit": units[n % len(units)],
                "password": password,
            },
        )
        if created:
            person.groups.add(group)
    sessions = []
    for username in usernames:
        browser = Browser()
        browser.force_login(Staff.objects.get(username=username))
        sessions.append(browser.cookies[settings.SESSION_COOKIE_NAME].value)
    clients = [str(pk) for pk in Client.objects.order_by("pk").values_list("pk", flat=True)[:50]]
    return sessions, settings.SESSION_COOKIE_NAME, clients, timezone.localdate().isoformat()


def gunicorn(url: str, port: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_HTTPS": "false",
        "LOG_LEVEL": "WARNING",
    }
    command = [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "--no-control-socket"]
    log = (OUT / "gunicorn.log").open("w")
    process = subprocess.Popen(
        [*command, "--bind", f"127.0.0.1:{port}"], cwd=ROOT, env=env, stderr=log
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=10).status_code == 200:
                return process
        except requests.RequestException:
            time.sleep(0.5)
    process.terminate()
    process.wait(30)
    sys.exit(f"gunicorn did not start: see {OUT / 'gunicorn.log'}.")


def percentile(times: dict[str, int], share: float) -> int:
    """The response time (ms, as locust rounds it) that this share of the requests stayed within."""
    total = sum(times.values())
    seen = 0
    for milliseconds, count in sorted((float(ms), n) for ms, n in times.items()):
        seen += count
        if seen >= share * total:
            return round(milliseconds)
    return 0


def report(stats: Path) -> int:
    """Prints the table of locust's final figures; returns the number of failed requests."""
    entries = json.loads(stats.read_text())
    started = min((e["start_time"] for e in entries), default=0)
    ended = max((e["last_request_timestamp"] or 0 for e in entries), default=0)
    seconds = max(ended - started, 1)
    everything = {"name": "all", "num_requests": 0, "num_failures": 0, "response_times": {}}
    for entry in entries:
        everything["num_requests"] += entry["num_requests"]
        everything["num_failures"] += entry["num_failures"]
        for milliseconds, count in entry["response_times"].items():
            times = everything["response_times"]
            times[milliseconds] = times.get(milliseconds, 0) + count
    header = ["page", "requests", "errors", "per s", "p50 ms", "p95 ms", "p99 ms"]
    lines = [
        [
            entry["name"],
            str(entry["num_requests"]),
            str(entry["num_failures"]),
            f"{entry['num_requests'] / seconds:.1f}",
            *(str(percentile(entry["response_times"], p)) for p in (0.5, 0.95, 0.99)),
        ]
        for entry in [*sorted(entries, key=lambda e: e["name"]), everything]
    ]
    widths = [max(len(line[i]) for line in [header, *lines]) for i in range(len(header))]
    for line in [header, *lines]:
        cells = [cell.rjust(width) for cell, width in zip(line, widths, strict=True)]
        print("  ".join([line[0].ljust(widths[0]), *cells[1:]]))
    return everything["num_failures"]


def stored_once(url: str, tokens: list[str]) -> tuple[int, int, int]:
    """(acknowledged visits, missing, stored more than once), by their submission tokens."""
    unique = sorted(set(tokens))
    with psycopg2.connect(url) as database, database.cursor() as cursor:
        cursor.execute(
            "SELECT submission_token::text, count(*) FROM visits_visit"
            " WHERE submission_token = ANY(%s::uuid[]) GROUP BY 1",
            [unique],
        )
        stored = dict(cursor.fetchall())
    missing = sum(1 for token in unique if token not in stored)
    twice = sum(1 for count in stored.values() if count > 1)
    return len(unique), missing, twice


def main() -> None:
    url = os.environ.get("LOADTEST_DATABASE_URL", "")
    users = int(os.environ.get("LOADTEST_USERS", "50"))
    run_time = os.environ.get("LOADTEST_TIME", "2m")
    port = int(os.environ.get("LOADTEST_PORT", "8001"))
    ensure_database(url)
    OUT.mkdir(parents=True, exist_ok=True)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "campaign.settings")
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1")
    sessions, session_cookie, clients, day = prepare(users)
    acknowledged = OUT / "acknowledged.txt"
    acknowledged.unlink(missing_ok=True)
    server = gunicorn(url, port)
    try:
        print(f"{users} users for {run_time} against gunicorn on 127.0.0.1:{port}…", flush=True)
        load_before = os.getloadavg()[0]
        locust = [sys.executable, "-m", "locust", "-f", str(ROOT / "loadtest" / "locustfile.py")]
        locust += ["--headless", "--users", str(users), "--spawn-rate", "5"]
        locust += ["--run-time", run_time, "--stop-timeout", "30", "--only-summary"]
        locust += ["--host", f"http://127.0.0.1:{port}", "--json-file", str(OUT / "run")]
        locust += ["--loglevel", "WARNING", "--exit-code-on-error", "0"]
        subprocess.run(
            locust,
            env={
                **os.environ,
                "LOADTEST_SESSIONS": ",".join(sessions),
                "LOADTEST_SESSION_COOKIE": session_cookie,
                "LOADTEST_CLIENTS": ",".join(clients),
                "LOADTEST_ACKNOWLEDGED": str(acknowledged),
                "LOADTEST_DAY": day,
            },
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=(OUT / "locust.log").open("w"),
            check=True,
        )
    finally:
        server.terminate()
        server.wait(150)
    load = f"{load_before:.1f} before, {os.getloadavg()[0]:.1f} after"
    print(f"\n{os.cpu_count()} cores; machine load average (1 min) {load}.")
    errors = report(OUT / "run.json")
    tokens = acknowledged.read_text().split()
    count, missing, twice = stored_once(url, tokens)
    print(
        f"\nErrors: {errors}. Visits acknowledged: {count} ({len(tokens) - count} forms sent "
        f"twice answered with the same visit); missing: {missing}; stored more than once: {twice}."
    )
    sys.exit(0 if errors == 0 and missing == 0 and twice == 0 and count else 1)


if __name__ == "__main__":
    main()
