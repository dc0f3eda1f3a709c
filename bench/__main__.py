"""`make bench [SCALE=0.01]`: every figure of the performance targets, beside its PostgreSQL
reference measured in the same run.

Fills its own database (DATABASE_URL, `kylaan_bench` in the Makefile; never the test or demo
database) with `bench.data` at the given scale once — a later run at the same scale reuses it —
then times each page through Django's test client, as the median of several runs, and prints one
table: the figure, its time, the reference (a plain SQL aggregate over the same rows, or COPY of
the same rows for the exports), their ratio, the target and whether it is met. The table is also
written as JSON and Markdown to var/bench/. Exits non-zero when a figure differs from a plain SQL
computation (the targets are reported, not enforced: timing depends on the machine).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kylaan_bench SCALE=0.01 python -m bench
"""

# The SQL here is built from constants and integers only, never from input.
# ruff: noqa: S608

import io
import json
import multiprocessing
import os
import statistics
import sys
import threading
import time
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path

import dj_database_url

from bench.databases import own_database

RUNS = 15
LOOP_RUNS = 10
WRITERS = 20
WRITER_PAUSE = 1.0  # seconds between two visits of one writer: 20 visits a second in all
# BENCH_ONLY=pages,lists measures only those sections; the figures check always runs.
SECTIONS = "pages,lists,form,exports"
OUT = Path(__file__).resolve().parent.parent / "var" / "bench"
# Raised with every change to bench/data.py, so that data generated before it is generated anew.
DATA_VERSION = 3


@dataclass
class Row:
    figure: str
    value: float
    unit: str
    reference: float | None = None
    reference_name: str = ""
    target: str = ""
    met: bool | None = None

    @property
    def ratio(self) -> float | None:
        if self.reference is None or not self.reference:
            return None
        return self.value / self.reference


def ensure_database(url: str, scale: float) -> bool:
    """Create the benchmark database, or empty it when it holds another scale. True when the
    data must be generated."""
    others = {"kylaan_loadtest"}
    with own_database(url, tool="benchmark", setting="DATABASE_URL", others=others) as (
        cursor,
        name,
    ):
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is not None:
            cursor.execute(
                "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
                [name],
            )
            if cursor.fetchone()[0] == _label(scale):
                return False
            cursor.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    return True


def _label(scale: float) -> str:
    """What the benchmark database says of the data it holds."""
    return f"kylaan bench scale {scale} data {DATA_VERSION}"


def mark_generated(url: str, scale: float) -> None:
    name = dj_database_url.parse(url)["NAME"]
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"COMMENT ON DATABASE \"{name}\" IS '{_label(scale)}'")


def median_ms(function, runs: int = RUNS) -> tuple[float, list[float]]:
    times = []
    for _run in range(runs):
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), times


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


class PeakMemory:
    """The highest resident memory while the block runs, sampled every 20 ms."""

    def __enter__(self):
        self.start = self.peak = rss_mb()
        self.running = True
        self.thread = threading.Thread(target=self._sample, daemon=True)
        self.thread.start()
        return self

    def _sample(self):
        while self.running:
            self.peak = max(self.peak, rss_mb())
            time.sleep(0.02)

    def __exit__(self, *exc):
        self.running = False
        self.thread.join()

    @property
    def growth(self) -> float:
        return self.peak - self.start


def _writer(stop_at: float, campaign_id: int, seed: int, acknowledged) -> None:
    """One person logging a visit every WRITER_PAUSE seconds until `stop_at`."""
    import django

    django.setup()
    from campaign.models import Campaign, Client, Staff
    from ideas.services import IdeaInput, visit_log_with_ideas

    campaign = Campaign.objects.get(pk=campaign_id)
    people = list(
        Staff.objects.filter(username__startswith="bench-", unit__isnull=False).order_by("pk")[
            :2000
        ]
    )
    clients = list(Client.objects.order_by("pk")[:500])
    n = 0
    while time.time() < stop_at:
        person = people[(seed * 37 + n) % len(people)]
        other = people[(seed * 91 + n * 7 + 1) % len(people)]
        visit_log_with_ideas(
            campaign=campaign,
            created_by=person,
            client=clients[(seed + n) % len(clients)],
            visited_on=campaign.starts_on,
            minutes=60,
            listened_most=True,
            not_without_campaign=True,
            co_visitors=[other] if other != person else [],
            ideas=[IdeaInput(title="Kuormitus")] if n % 4 == 0 else [],
            same_day_confirmed=True,
            submission_token=uuid.uuid4(),
        )
        with acknowledged.get_lock():
            acknowledged.value += 1
        n += 1
        time.sleep(WRITER_PAUSE)


def main() -> None:
    url = os.environ.get("DATABASE_URL", "")
    scale = float(os.environ.get("SCALE", "1"))
    sections = set(os.environ.get("BENCH_ONLY", SECTIONS).split(","))
    generate = ensure_database(url, scale)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "campaign.settings")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.db import connection, connections
    from django.test import Client
    from django.test.utils import override_settings

    from bench import data
    from campaign.models import Campaign, Staff
    from campaign.roles import COORDINATORS
    from leaderboard.selectors import unit_standings
    from leaderboard.services import figures_rebuild, figures_refresh

    override_settings(
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
    ).enable()
    rows: list[Row] = []
    sizes = data.Sizes(scale)
    call_command("migrate", verbosity=0)
    if generate:
        print(f"Generating the benchmark data at scale {scale}…", flush=True)
        started = time.perf_counter()
        with connection.cursor() as cursor:
            for statement in data.statements(sizes):
                cursor.execute(statement)
        generated = time.perf_counter() - started
        started = time.perf_counter()
        for campaign in Campaign.objects.filter(slug__in=[data.CURRENT, data.PREVIOUS]):
            figures_rebuild(campaign=campaign)
        rebuilt = time.perf_counter() - started
        # As autovacuum does in a running service: the figures' tables were empty when the data
        # was analysed.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        mark_generated(url, scale)
        rows.append(Row("Data generated (SQL)", generated, "s"))
        rows.append(Row("Figures computed from scratch (rebuild_leaderboard)", rebuilt, "s"))
    else:
        print(f"Reusing the benchmark data at scale {scale}.")
        # Whatever a migration or an earlier run left stale, before anything is measured.
        figures_refresh()
    campaign = Campaign.objects.get(slug=data.CURRENT)

    def count(sql, params=()):
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()[0]

    visits = count("SELECT count(*) FROM visits_visit WHERE campaign_id = %s", [campaign.pk])
    participants = count(
        "SELECT count(*) FROM visits_visitparticipant p JOIN visits_visit v ON v.id = p.visit_id"
        " WHERE v.campaign_id = %s",
        [campaign.pk],
    )
    ideas = count(
        "SELECT count(*) FROM ideas_idea i JOIN visits_visit v ON v.id = i.visit_id"
        " WHERE v.campaign_id = %s",
        [campaign.pk],
    )
    staff = count("SELECT count(*) FROM campaign_staff")
    print(
        f"Data: {visits:,} visits, {participants:,} participants, {ideas:,} ideas, "
        f"{staff:,} staff, {sizes.units} units, {sizes.clients} clients."
    )

    coordinator, _created = Staff.objects.get_or_create(
        username="bench-coordinator",
        defaults={"first_name": "Koordi", "last_name": "Naattori", "email": "k@example.org"},
    )
    coordinator.groups.add(Group.objects.get(name=COORDINATORS))
    viewer = Staff.objects.filter(username__startswith="bench-", unit__isnull=False).first()
    as_coordinator, as_staff = Client(), Client()
    as_coordinator.force_login(coordinator)
    as_staff.force_login(viewer)

    def get(client, path, **extra):
        response = client.get(path, HTTP_ACCEPT_LANGUAGE="fi", **extra)
        assert response.status_code == 200, (path, response.status_code)
        if response.streaming:
            return b"".join(response.streaming_content)
        return response.content

    # --- The reference: the campaign's figures as one plain SQL aggregate --------------------
    reference_ms, _times = median_ms(
        lambda: count(
            "SELECT count(*) FROM (" + CHECK_SQL + ") figures", {"campaign": campaign.pk}
        ),
        runs=5,
    )
    plain = "plain SQL aggregate of the figures"

    def page_row(figure, client, path, target_ms, runs=RUNS):
        get(client, path)
        ms, _times = median_ms(lambda: get(client, path), runs)
        rows.append(Row(figure, ms, "ms", reference_ms, plain, f"< {target_ms} ms", ms < target_ms))
        return ms

    stored_once = True
    if "pages" in sections:
        leaderboard = campaign.get_absolute_url()
        report = f"/campaigns/{campaign.slug}/report/"
        page_row("Leaderboard, warm", as_staff, leaderboard, 100)
        page_row("Leaderboard, departments", as_staff, leaderboard + "?level=departments", 100)
        page_row("Front page", as_staff, "/", 100)
        page_row("Campaign report", as_coordinator, report, 100)

        # --- Log a visit through the form, then view the page ------------------------------------
        def loop_row(figure, client, path):
            post_times, page_times = [], []
            for _run in range(LOOP_RUNS):
                form = get(as_staff, "/visits/new/").decode()
                token = form.split('name="submission_token" value="')[1].split('"')[0]
                started = time.perf_counter()
                response = as_staff.post(
                    "/visits/new/",
                    {
                        "submission_token": token,
                        "client": str(_a_client_id()),
                        "visited_on": campaign.starts_on.isoformat(),
                        "minutes": "60",
                        "is_remote": "False",
                        "listened_most": "on",
                        "not_without_campaign": "on",
                        "same_day_confirmed": "on",
                        "ideas-TOTAL_FORMS": "1",
                        "ideas-INITIAL_FORMS": "0",
                        "ideas-0-title": "Mittaus",
                    },
                )
                post_times.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 302, response.content[:3000]
                started = time.perf_counter()
                get(client, path)
                page_times.append((time.perf_counter() - started) * 1000)
            ms = statistics.median(page_times)
            rows.append(Row(figure, ms, "ms", reference_ms, plain, "< 100 ms", ms < 100))
            return statistics.median(post_times)

        def _a_client_id():
            return count("SELECT min(id) FROM campaign_client")

        post_ms = loop_row("Leaderboard after logging a visit (loop)", as_staff, leaderboard)
        loop_row("Front page after logging a visit (loop)", as_staff, "/")
        loop_row("Campaign report after logging a visit (loop)", as_coordinator, report)
        rows.append(Row("Logging a visit through the form (POST)", post_ms, "ms"))

        # --- While 20 writers log visits ---------------------------------------------------------
        context = multiprocessing.get_context("fork")
        acknowledged = context.Value("i", 0)
        duration = max(10.0, 30.0 * min(1.0, scale * 10))
        stop_at = time.time() + duration
        writers = [
            context.Process(target=_writer, args=(stop_at, campaign.pk, n, acknowledged))
            for n in range(WRITERS)
        ]
        before = count("SELECT count(*) FROM visits_visit WHERE campaign_id = %s", [campaign.pk])
        connections.close_all()  # a forked writer must not share this process's connection
        for writer in writers:
            writer.start()
        time.sleep(2)
        under_load = []
        while time.time() < stop_at - 1:
            started = time.perf_counter()
            get(as_staff, leaderboard)
            under_load.append((time.perf_counter() - started) * 1000)
        for writer in writers:
            writer.join()
        after = count("SELECT count(*) FROM visits_visit WHERE campaign_id = %s", [campaign.pk])
        ms = statistics.median(under_load)
        rows.append(
            Row(
                f"Leaderboard while {WRITERS} writers log visits",
                ms,
                "ms",
                reference_ms,
                plain,
                "< 100 ms",
                ms < 100,
            )
        )
        stored_once = after - before == acknowledged.value
        rows.append(
            Row(
                f"Visits the writers logged ({acknowledged.value} acknowledged, {after - before} "
                "stored)",
                (after - before) / duration,
                "per s",
                target="each stored once",
                met=stored_once,
            )
        )

    if "lists" in sections:
        # --- Lists -------------------------------------------------------------------------------
        list_reference, _times = median_ms(
            lambda: count(
                "SELECT count(*) FROM visits_visit WHERE campaign_id = %s", [campaign.pk]
            ),
            runs=5,
        )
        scan = "plain SQL count of the campaign's visits"

        def list_row(figure, path):
            get(as_coordinator, path)
            ms, _times = median_ms(lambda: get(as_coordinator, path), runs=5)
            rows.append(Row(figure, ms, "ms", list_reference, scan, "< 150 ms", ms < 150))

        placeholders = {
            "__unit__": str(viewer.unit_id),
            "__start__": campaign.starts_on.isoformat(),
            "__theme__": str(count("SELECT min(id) FROM campaign_theme")),
        }

        def filled(query: str) -> str:
            for placeholder, value in placeholders.items():
                query = query.replace(placeholder, value)
            return query

        list_row("Visit list, first page", "/visits/")
        for name, query in LIST_FILTERS["visits"]:
            list_row(f"Visit list, {name}", f"/visits/?{filled(query)}")
        for column in VISIT_SORTS:
            list_row(f"Visit list, sorted by {column}", f"/visits/?sort={column}")
            list_row(f"Visit list, sorted by {column}, reversed", f"/visits/?sort=-{column}")
        list_row("Visit list, a deep page", "/visits/?page=400")
        list_row("Idea list, first page", "/ideas/")
        for name, query in LIST_FILTERS["ideas"]:
            list_row(f"Idea list, {name}", f"/ideas/?{filled(query)}")
        for column in IDEA_SORTS:
            list_row(f"Idea list, sorted by {column}", f"/ideas/?sort={column}")
            list_row(f"Idea list, sorted by {column}, reversed", f"/ideas/?sort=-{column}")
        list_row("Idea list, a deep page", "/ideas/?page=400")

    if "form" in sections:
        # --- The visit form ----------------------------------------------------------------------
        form = get(as_staff, "/visits/new/")
        ms, _times = median_ms(lambda: get(as_staff, "/visits/new/"))
        rows.append(Row("Visit form", ms, "ms", target="< 100 ms", met=ms < 100))
        rows.append(
            Row(
                "Visit form, size",
                len(form) / 1024,
                "KB",
                target="< 100 KB",
                met=len(form) < 102400,
            )
        )
        # The pickers' searches, as the form's script asks them while one types.
        for figure, path in [
            ("Visit form, client search", "/visits/clients/?q=Asiakas 1"),
            ("Visit form, co-visitor search", "/visits/staff/?q=Etu12"),
        ]:
            get(as_staff, path)
            ms, _times = median_ms(lambda path=path: get(as_staff, path))
            rows.append(Row(figure, ms, "ms", target="< 100 ms", met=ms < 100))

    if "exports" in sections:
        # --- Exports -----------------------------------------------------------------------------
        every_campaign = "?campaign="
        copy_ms = _copy_ms(connection)
        started = time.perf_counter()
        size = len(get(as_coordinator, "/ideas/export.csv" + every_campaign))
        csv_ms = (time.perf_counter() - started) * 1000
        rows.append(
            Row(
                f"CSV export of every idea ({size / 2**20:.0f} MB)",
                csv_ms,
                "ms",
                copy_ms,
                "COPY of the same rows",
                "< 2 × COPY",
                csv_ms < 2 * copy_ms,
            )
        )
        with PeakMemory() as memory:
            started = time.perf_counter()
            response = as_coordinator.get("/ideas/export.xlsx" + every_campaign)
            stream = iter(response.streaming_content)
            next(stream)
            first_byte = (time.perf_counter() - started) * 1000
            size = sum(len(chunk) for chunk in stream)
            xlsx_ms = (time.perf_counter() - started) * 1000
        rows.append(
            Row(
                "XLSX export, first byte",
                first_byte,
                "ms",
                target="< 1000 ms",
                met=first_byte < 1000,
            )
        )
        rows.append(
            Row(
                f"XLSX export of every idea ({size / 2**20:.0f} MB)",
                xlsx_ms,
                "ms",
                copy_ms,
                "COPY of the same rows",
            )
        )
        rows.append(
            Row(
                "XLSX export, memory growth",
                memory.growth,
                "MB",
                target="flat (< 64 MB)",
                met=memory.growth < 64,
            )
        )

    # --- Figures equal a plain SQL computation -------------------------------------------------
    with connection.cursor() as cursor:
        cursor.execute(CHECK_SQL, {"campaign": campaign.pk})
        expected = {row[0]: tuple(row[1:]) for row in cursor.fetchall()}
    shown = {
        s.unit.pk: (s.headcount, s.visits, s.visitors, s.ideas, s.accepted, s.leaders)
        for s in unit_standings(campaign=campaign)
    }
    equal = shown == expected
    rows.append(
        Row("Figures equal a plain SQL computation", float(equal), "", target="yes", met=equal)
    )

    report_rows(rows, scale)
    sys.exit(0 if equal and stored_once else 1)


def _copy_ms(connection) -> float:
    def copy():
        buffer = io.StringIO()
        with connection.cursor() as cursor:
            cursor.cursor.copy_expert(f"COPY ({COPY_SQL}) TO STDOUT WITH CSV HEADER", buffer)

    ms, _times = median_ms(copy, runs=3)
    return ms


def report_rows(rows: list[Row], scale: float) -> None:
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    header = ["figure", "value", "reference", "ratio", "target", "met"]
    lines = []
    for row in rows:
        value = f"{row.value:,.1f} {row.unit}".strip()
        reference = f"{row.reference:,.1f} ms ({row.reference_name})" if row.reference else ""
        ratio = f"{row.ratio:.2f}" if row.ratio is not None else ""
        met = "" if row.met is None else ("yes" if row.met else "NO")
        lines.append([row.figure, value, reference, ratio, row.target, met])
    widths = [max(len(str(line[i])) for line in [header, *lines]) for i in range(len(header))]
    print(f"\nScale {scale}; machine load average {load}.")
    for line in [header, *lines]:
        print("  ".join(str(cell).ljust(width) for cell, width in zip(line, widths, strict=True)))
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "latest.json").write_text(
        json.dumps(
            {
                "scale": scale,
                "load": load,
                "rows": [asdict(row) | {"ratio": row.ratio} for row in rows],
            },
            indent=2,
        )
    )
    markdown = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    markdown += ["| " + " | ".join(str(cell) for cell in line) + " |" for line in lines]
    (OUT / "latest.md").write_text(
        f"Scale {scale}; load average {load}.\n\n" + "\n".join(markdown) + "\n"
    )
    print(f"\nWritten to {OUT / 'latest.json'} and {OUT / 'latest.md'}.")


LIST_FILTERS = {
    "visits": [
        ("one unit", "unit=__unit__"),
        ("client name", "client=Asiakas 1"),
        ("client kind", "client_kind=ngo"),
        ("status", "status=planned"),
        ("counts", "counts=yes"),
        ("normal client work", "counts=no"),
        ("dates", "visited_from=__start__&visited_to=__start__"),
        ("mine", "mine=on"),
    ],
    "ideas": [
        ("search words", "q=tilastoihin"),
        ("theme", "theme=__theme__"),
        ("status", "status=accepted"),
        ("owner unit", "owner_unit=__unit__"),
        ("collecting unit", "collecting_unit=__unit__"),
        ("client kind", "client_kind=municipality"),
        ("region", "region=Lappi"),
        ("visit dates", "collected_from=__start__&collected_to=__start__"),
    ],
}
VISIT_SORTS = ["visited_on", "client", "kind", "status", "campaign"]
IDEA_SORTS = ["id", "title", "client", "visited_on", "theme", "owner_unit", "status", "due_on"]

# Every unit's figures the plain way: the reference the leaderboard must equal.
CHECK_SQL = """
WITH counted AS (
    SELECT v.id
    FROM visits_visit v JOIN campaign_campaign c ON c.id = v.campaign_id
    WHERE v.campaign_id = %(campaign)s AND v.status = 'done'
      AND v.visited_on BETWEEN c.starts_on AND c.ends_on AND v.minutes >= c.min_minutes
      AND (NOT v.is_remote OR c.remote_counts) AND v.listened_most AND v.not_without_campaign
),
by_visit AS (
    SELECT p.unit_id, count(DISTINCT p.visit_id) AS visits, count(DISTINCT p.staff_id) AS visitors,
           count(DISTINCT p.staff_id) FILTER (WHERE r.is_leadership) AS leaders
    FROM visits_visitparticipant p JOIN counted ON counted.id = p.visit_id
    LEFT JOIN campaign_rosterentry r ON r.staff_id = p.staff_id AND r.campaign_id = %(campaign)s
    GROUP BY p.unit_id
),
by_idea AS (
    SELECT p.unit_id, count(*) AS ideas,
           count(*) FILTER (WHERE i.status IN ('accepted', 'in_progress', 'implemented'))
               AS accepted
    FROM ideas_idea i JOIN counted ON counted.id = i.visit_id
    JOIN (SELECT DISTINCT visit_id, unit_id FROM visits_visitparticipant) p
        ON p.visit_id = i.visit_id
    WHERE i.status <> 'duplicate'
    GROUP BY p.unit_id
),
roster AS (
    SELECT unit_id, count(*) AS headcount FROM campaign_rosterentry
    WHERE campaign_id = %(campaign)s GROUP BY unit_id
)
SELECT u.id, coalesce(r.headcount, 0), coalesce(v.visits, 0), coalesce(v.visitors, 0),
       coalesce(i.ideas, 0), coalesce(i.accepted, 0), coalesce(v.leaders, 0)
FROM campaign_unit u
LEFT JOIN roster r ON r.unit_id = u.id
LEFT JOIN by_visit v ON v.unit_id = u.id
LEFT JOIN by_idea i ON i.unit_id = u.id
WHERE r.unit_id IS NOT NULL OR v.unit_id IS NOT NULL OR i.unit_id IS NOT NULL
"""

# The rows of the idea export, as PostgreSQL itself would write them.
COPY_SQL = """
SELECT i.id, v.visited_on, i.created_at, i.due_on, c.name, c.kind, c.region,
       (SELECT string_agg(DISTINCT u.name, ', ') FROM visits_visitparticipant p
        JOIN campaign_unit u ON u.id = p.unit_id WHERE p.visit_id = i.visit_id),
       t.name, i.title, i.text, i.status, o.name, i.official_response, i.duplicate_of_id
FROM ideas_idea i JOIN visits_visit v ON v.id = i.visit_id JOIN campaign_client c
    ON c.id = v.client_id
LEFT JOIN campaign_theme t ON t.id = i.theme_id LEFT JOIN campaign_unit o ON o.id = i.owner_unit_id
ORDER BY i.created_at DESC, i.id DESC
"""


if __name__ == "__main__":
    main()
