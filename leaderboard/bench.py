"""`make bench`: the leaderboard at a million visits.

Builds (once; later runs reuse it) an organisation of 20 000 staff in 100 units, one campaign with
1 000 000 visits (about 1.3 million participant rows) and 250 000 ideas, with set-based SQL in its
own database (DATABASE_URL, `kylaan_bench` by default in the Makefile; never the test or demo
database). Then it times the leaderboard page through Django's test client — cold (just after an
invalidation) and warm — counts its queries, and checks every figure against a plain SQL aggregate
of the same rows.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kylaan_bench python -m leaderboard.bench
"""

# The generator's SQL is built from the constants below only, never from input.
# ruff: noqa: S608

import os
import statistics
import sys
import time

import dj_database_url
import psycopg2

UNITS = 100
DEPARTMENTS = 10
STAFF = 20_000
VISITS = 1_000_000
IDEAS = 250_000
CLIENTS = 2_000
DAYS = 42
SLUG = "bench"
WARM_RUNS = 30


def ensure_database(url: str) -> None:
    """Create the benchmark database when it does not exist yet."""
    config = dj_database_url.parse(url)
    if "postgresql" not in config["ENGINE"]:
        sys.exit("The benchmark needs PostgreSQL: set DATABASE_URL.")
    name = config["NAME"]
    if name in {"postgres", "kylaan", "test_postgres"} or name.startswith("test_"):
        sys.exit(f"Refusing to fill database {name!r}: give the benchmark its own database.")
    connection = psycopg2.connect(
        dbname="postgres",
        user=config["USER"],
        password=config["PASSWORD"],
        host=config["HOST"],
        port=config["PORT"] or 5432,
    )
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()


GENERATE = [
    # Departments and units.
    f"""INSERT INTO campaign_unit (name, code, parent_id, is_active)
        SELECT 'Osasto ' || g, 'B-D' || g, NULL, true FROM generate_series(1, {DEPARTMENTS}) g""",
    f"""INSERT INTO campaign_unit (name, code, parent_id, is_active)
        SELECT 'Yksikkö ' || g, 'B-U' || g,
               (SELECT id FROM campaign_unit WHERE code = 'B-D' || (1 + g % {DEPARTMENTS})), true
        FROM generate_series(1, {UNITS}) g""",
    # Staff: unit sizes vary from about 100 to 1 100; every 40th person is on a management team.
    f"""INSERT INTO campaign_staff (password, is_superuser, username, first_name, last_name, email,
            is_staff, is_active, date_joined, unit_id, title, is_leadership)
        SELECT '!', false, 'bench-' || g, 'Etu' || g, 'Suku' || g, '', false, true, now(),
               (SELECT id FROM campaign_unit
                WHERE code = 'B-U' || (1 + floor(({UNITS}) * power(g::float / {STAFF}, 1.6))::int
                                       % {UNITS})),
               '', g % 40 = 0
        FROM generate_series(1, {STAFF}) g""",
    f"""INSERT INTO campaign_client (name, kind, region, business_id, is_partner, contact_role,
            created_at)
        SELECT 'Asiakas ' || g, 'municipality', 'Uusimaa', '', false, '', now()
        FROM generate_series(1, {CLIENTS}) g""",
    f"""INSERT INTO campaign_campaign (name, slug, starts_on, ends_on, grace_days, visit_definition,
            description, min_minutes, remote_counts, weight_visit, weight_idea, weight_accepted,
            per_capita, min_unit_size, visit_target_per_unit, is_current, created_at)
        VALUES ('Benchmark', '{SLUG}', current_date - 30, current_date + {DAYS - 31}, 7, '', '',
                60, false, 1, 3, 2, true, 3, 15000, true, now())""",
    # The roster; every 97th person has since moved to another unit.
    f"""INSERT INTO campaign_rosterentry (campaign_id, staff_id, unit_id, is_leadership)
        SELECT c.id, s.id,
               CASE WHEN s.id % 97 = 0
                    THEN (SELECT id FROM campaign_unit WHERE code = 'B-U' || (1 + s.id % {UNITS}))
                    ELSE s.unit_id END,
               s.is_leadership
        FROM campaign_staff s, campaign_campaign c
        WHERE c.slug = '{SLUG}' AND s.username LIKE 'bench-%%'""",
    # Visits: most count; some are planned, cancelled, remote, too short or not "listening".
    f"""INSERT INTO visits_visit (campaign_id, client_id, visited_on, minutes, is_remote, status,
            listened_most, not_without_campaign, notes, benefit_rating, submission_token,
            created_by_id, created_at, updated_at)
        SELECT c.id, cl.first + g % {CLIENTS}, c.starts_on + ((g::bigint * 7919) % {DAYS})::int,
               CASE WHEN g % 23 = 0 THEN 45 ELSE 60 + (g % 4) * 15 END,
               g % 19 = 0,
               CASE WHEN g % 29 = 0 THEN 'planned' WHEN g % 31 = 0 THEN 'cancelled'
                    ELSE 'done' END,
               g % 37 <> 0, true, '', NULL, NULL,
               st.first + (g::bigint * 104729) % {STAFF}, now(), now()
        FROM generate_series(1, {VISITS}) g,
             campaign_campaign c,
             (SELECT min(id) AS first FROM campaign_client WHERE name LIKE 'Asiakas %%') cl,
             (SELECT min(id) AS first FROM campaign_staff WHERE username LIKE 'bench-%%') st
        WHERE c.slug = '{SLUG}'""",
    # Every visit has its creator; three in ten a second person, often from another unit.
    f"""INSERT INTO visits_visitparticipant (visit_id, staff_id, unit_id)
        SELECT v.id, s.id, s.unit_id
        FROM visits_visit v JOIN campaign_staff s ON s.id = v.created_by_id
        JOIN campaign_campaign c ON c.id = v.campaign_id WHERE c.slug = '{SLUG}'""",
    f"""INSERT INTO visits_visitparticipant (visit_id, staff_id, unit_id)
        SELECT v.id, s.id, s.unit_id
        FROM (SELECT min(id) AS first FROM campaign_staff WHERE username LIKE 'bench-%%') st
        CROSS JOIN visits_visit v
        JOIN campaign_campaign c ON c.id = v.campaign_id
        JOIN campaign_staff s ON s.id = st.first + (v.created_by_id - st.first + 1 + v.id % 50)
                                                   % {STAFF}
        WHERE c.slug = '{SLUG}' AND v.id % 10 < 3""",
    # Ideas on a quarter of the visits, in every status, recorded on the day of the visit.
    f"""INSERT INTO ideas_idea (visit_id, title, text, theme_id, owner_unit_id, status,
            official_response, due_on, duplicate_of_id, is_shareable, created_by_id, created_at,
            updated_at)
        SELECT v.id, 'Idea ' || v.id, '', NULL, NULL,
               (ARRAY['new', 'in_review', 'accepted', 'in_progress', 'implemented', 'declined',
                      'new', 'accepted'])[1 + v.id % 8],
               '', NULL, NULL, false, v.created_by_id,
               v.visited_on + time '15:00', now()
        FROM visits_visit v JOIN campaign_campaign c ON c.id = v.campaign_id
        WHERE c.slug = '{SLUG}' AND v.id % 4 = 0
        LIMIT {IDEAS}""",
    # Every 13th idea is a duplicate of another one.
    """UPDATE ideas_idea i SET status = 'duplicate', duplicate_of_id = i.id - 4
        WHERE i.id % 13 = 0 AND EXISTS (SELECT 1 FROM ideas_idea o WHERE o.id = i.id - 4)""",
    "ANALYZE",
]

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


def generate(connection) -> float:
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for statement in GENERATE:
            step = time.perf_counter()
            cursor.execute(statement)
            print(f"  {time.perf_counter() - step:6.1f} s  {' '.join(statement.split())[:70]}")
    return time.perf_counter() - started


def main() -> None:
    url = os.environ.get("DATABASE_URL", "")
    ensure_database(url)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "campaign.settings")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    from campaign.models import Campaign, Staff
    from leaderboard.selectors import unit_standings
    from leaderboard.services import leaderboard_invalidate

    # Production serves hashed static files from collectstatic's manifest; the page reads sources.
    override_settings(
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
    ).enable()
    call_command("migrate", verbosity=0)
    campaign = Campaign.objects.filter(slug=SLUG).first()
    if campaign is None:
        print(f"Generating {VISITS:,} visits, {IDEAS:,} ideas, {STAFF:,} staff, {UNITS} units…")
        with transaction.atomic():
            seconds = generate(connection)
        print(f"Generated in {seconds:.0f} s.")
        campaign = Campaign.objects.get(slug=SLUG)
    else:
        print("Reusing the benchmark data already in the database.")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT count(*) FROM visits_visit WHERE campaign_id = %(c)s),"
            " (SELECT count(*) FROM visits_visitparticipant p JOIN visits_visit v"
            "  ON v.id = p.visit_id WHERE v.campaign_id = %(c)s),"
            " (SELECT count(*) FROM ideas_idea i JOIN visits_visit v ON v.id = i.visit_id"
            "  WHERE v.campaign_id = %(c)s),"
            " (SELECT count(*) FROM campaign_rosterentry WHERE campaign_id = %(c)s)",
            {"c": campaign.pk},
        )
        visits, participants, ideas, roster = cursor.fetchone()
    print(
        f"Data: {visits:,} visits, {participants:,} participants, {ideas:,} ideas, "
        f"{roster:,} on the roster."
    )

    viewer = Staff.objects.filter(username__startswith="bench-").order_by("pk").first()
    client = Client()
    client.force_login(viewer)
    url = campaign.get_absolute_url()

    def timed_get(path: str) -> tuple[float, int, int]:
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(path, HTTP_ACCEPT_LANGUAGE="fi")
            elapsed = (time.perf_counter() - started) * 1000
        return elapsed, len(queries), response.status_code

    leaderboard_invalidate(campaign_id=campaign.pk)
    cold, cold_queries, status = timed_get(url)
    assert status == 200, status
    warm = []
    for _run in range(WARM_RUNS):
        elapsed, warm_queries, _status = timed_get(url)
        warm.append(elapsed)
    warm.sort()
    median = statistics.median(warm)
    p95 = warm[round(0.95 * (len(warm) - 1))]
    department_ms, department_queries, _status = timed_get(url + "?level=departments")
    department_warm, _q, _s = timed_get(url + "?level=departments")

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(CHECK_SQL, {"campaign": campaign.pk})
        expected = {row[0]: tuple(row[1:]) for row in cursor.fetchall()}
    plain_sql = (time.perf_counter() - started) * 1000
    standings = unit_standings(campaign=campaign)
    shown = {
        s.unit.pk: (s.headcount, s.visits, s.visitors, s.ideas, s.accepted, s.leaders)
        for s in standings
    }
    matches = shown == expected
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print()
    print(f"Leaderboard page {url} ({len(standings)} units; machine load average {load}):")
    print(f"  cold (after invalidation): {cold:8.1f} ms, {cold_queries} queries")
    print(f"  warm median of {WARM_RUNS}:      {median:8.1f} ms, {warm_queries} queries")
    print(f"  warm p95:                  {p95:8.1f} ms")
    print(
        f"  department view: cold {department_ms:.1f} ms ({department_queries} queries), "
        f"warm {department_warm:.1f} ms"
    )
    print(f"  plain SQL aggregate:       {plain_sql:8.1f} ms")
    print(
        f"  figures equal the plain SQL aggregate: {'yes' if matches else 'NO'} "
        f"({sum(s[1] for s in shown.values()):,} unit visits, "
        f"{sum(s[3] for s in shown.values()):,} unit ideas)"
    )
    if not matches:
        for unit_id in sorted(set(shown) | set(expected)):
            if shown.get(unit_id) != expected.get(unit_id):
                print(f"    unit {unit_id}: page {shown.get(unit_id)} sql {expected.get(unit_id)}")
    verdict = matches and median < 100
    print(f"Result: {'PASS' if verdict else 'FAIL'} (target: warm median < 100 ms, equal figures)")
    sys.exit(0 if verdict else 1)


if __name__ == "__main__":
    main()
