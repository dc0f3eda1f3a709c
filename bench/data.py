"""The benchmark's organisation, generated with set-based SQL in its own database.

At SCALE=1: 20 000 staff in 100 units of 10 departments, 2 000 clients, a running campaign with
1 000 000 visits (about 1.3 million participant rows: three visits in ten are joint, often with
another unit) and 250 000 ideas in every status, with themes and owner units, and the previous
year's campaign with a fifth as many. Both campaigns have their roster. Smaller scales shrink
every count (with a floor, so that the quick run still has units and departments to rank).
"""

# The SQL below is built from the integer sizes of `Sizes` only, never from input.
# ruff: noqa: S608

from dataclasses import dataclass

from campaign.models import ClientKind

REGIONS = [
    "Uusimaa", "Varsinais-Suomi", "Satakunta", "Kanta-Häme", "Pirkanmaa", "Päijät-Häme",
    "Kymenlaakso", "Etelä-Karjala", "Etelä-Savo", "Pohjois-Savo", "Pohjois-Karjala",
    "Keski-Suomi", "Etelä-Pohjanmaa", "Pohjanmaa", "Keski-Pohjanmaa", "Pohjois-Pohjanmaa",
    "Kainuu", "Lappi", "",
]  # fmt: skip
THEMES = [
    "Tietopalvelut", "Tilastot", "Indikaattorit", "Avoin data", "Koulutus", "Riskinarviointi",
    "Viestintä", "Yhteistyö", "Tutkimus", "Neuvonta",
]  # fmt: skip
CURRENT = "bench"
PREVIOUS = "bench-edellinen"


@dataclass(frozen=True)
class Sizes:
    scale: float

    def _n(self, full: int, floor: int) -> int:
        return max(floor, round(full * self.scale))

    @property
    def departments(self) -> int:
        return self._n(10, 3)

    @property
    def units(self) -> int:
        return self._n(100, 10)

    @property
    def staff(self) -> int:
        return self._n(20_000, 300)

    @property
    def clients(self) -> int:
        return self._n(2_000, 60)

    @property
    def visits(self) -> int:
        return self._n(1_000_000, 2_000)

    @property
    def previous_visits(self) -> int:
        return self.visits // 5


def _campaign(slug: str, name: str, start_offset: int) -> str:
    return f"""INSERT INTO campaign_campaign (name, slug, starts_on, ends_on, grace_days,
            visit_definition, description, min_minutes, remote_counts, weight_visit, weight_idea,
            weight_accepted, per_capita, min_unit_size, visit_target_per_unit, is_current,
            created_at, ideas_published, client_email_retention_days, name_sv, name_en,
            visit_definition_sv, visit_definition_en, description_sv, description_en)
        VALUES ('{name}', '{slug}', current_date - {start_offset},
                current_date - {start_offset} + 41, 7, 'Tunti asiakkaan luona.', '', 60, false,
                1, 3, 2, true, 3, 100, {str(slug == CURRENT).lower()}, now(), false, 365,
                '', '', '', '', '', '')"""


def _visits(slug: str, count: int, sizes: Sizes) -> list[str]:
    """Visits of one campaign, their participants and a quarter of them with an idea."""
    return [
        # Most count; some are planned, cancelled, remote, too short or not "listening".
        f"""INSERT INTO visits_visit (campaign_id, client_id, visited_on, minutes, is_remote,
                status, listened_most, not_without_campaign, notes, benefit_rating,
                submission_token, created_by_id, created_at, updated_at, same_day_confirmed,
                feedback_token)
            SELECT c.id, cl.first + g % {sizes.clients},
                   c.starts_on + ((g::bigint * 7919) % 42)::int,
                   CASE WHEN g % 23 = 0 THEN 45 ELSE 60 + (g % 4) * 15 END,
                   g % 19 = 0,
                   CASE WHEN g % 29 = 0 THEN 'planned' WHEN g % 31 = 0 THEN 'cancelled'
                        ELSE 'done' END,
                   g % 37 <> 0, true, 'Kuuntelimme asiakasta.',
                   CASE WHEN g % 7 = 0 THEN NULL ELSE 1 + (g % 11) % 5 END, NULL,
                   st.first + (g::bigint * 104729) % {sizes.staff}, now(), now(),
                   -- a person, client and day may repeat: each is a visit of its own
                   true,
                   'bench-' || c.id || '-' || g || '-' || md5(random()::text)
            FROM generate_series(1, {count}) g,
                 campaign_campaign c,
                 (SELECT min(id) AS first FROM campaign_client) cl,
                 (SELECT min(id) AS first FROM campaign_staff WHERE username LIKE 'bench-%%') st
            WHERE c.slug = '{slug}'""",
        # Every visit has its creator, credited to their roster unit.
        f"""INSERT INTO visits_visitparticipant (visit_id, staff_id, unit_id)
            SELECT v.id, r.staff_id, r.unit_id
            FROM visits_visit v JOIN campaign_campaign c ON c.id = v.campaign_id
            JOIN campaign_rosterentry r ON r.campaign_id = c.id AND r.staff_id = v.created_by_id
            WHERE c.slug = '{slug}'""",
        # Three visits in ten have a second person, often from another unit.
        f"""INSERT INTO visits_visitparticipant (visit_id, staff_id, unit_id)
            SELECT v.id, r.staff_id, r.unit_id
            FROM (SELECT min(id) AS first FROM campaign_staff WHERE username LIKE 'bench-%%') st
            CROSS JOIN visits_visit v
            JOIN campaign_campaign c ON c.id = v.campaign_id
            JOIN campaign_rosterentry r ON r.campaign_id = c.id
                AND r.staff_id = st.first + (v.created_by_id - st.first + 1 + v.id % 50)
                                            % {sizes.staff}
            WHERE c.slug = '{slug}' AND v.id % 10 < 3""",
        # Ideas on a quarter of the visits, in every status, recorded on the day of the visit;
        # those taken further have a theme, an owner unit and a response. A visit's day follows
        # its id modulo 42, so the quarter is taken in blocks of 42 ids and an idea's status,
        # theme and owner unit follow a hash of the id (`n`): every day has ideas of each (taken
        # from `id % 4`, `id % 10`…, every other day would have none, or none of a theme).
        f"""INSERT INTO ideas_idea (visit_id, title, text, theme_id, owner_unit_id, status,
                official_response, due_on, duplicate_of_id, is_shareable, created_by_id,
                created_at, updated_at)
            SELECT v.id, 'Idea ' || v.id, 'Asiakas toivoi helpompaa pääsyä tilastoihin.',
                   CASE WHEN h.n % 8 IN (0, 6) THEN NULL ELSE th.first + h.n % 10 END,
                   CASE WHEN h.n % 8 IN (0, 6) THEN NULL
                        ELSE un.first + h.n % {sizes.units} END,
                   (ARRAY['new', 'in_review', 'accepted', 'in_progress', 'implemented',
                          'declined', 'new', 'accepted'])[1 + h.n % 8],
                   CASE WHEN h.n % 8 IN (2, 3, 4, 5, 7) THEN 'Kiitos, otamme tämän mukaan.'
                        ELSE '' END,
                   NULL, NULL, h.n % 100 = 7, v.created_by_id,
                   v.visited_on + time '15:00', now()
            FROM visits_visit v JOIN campaign_campaign c ON c.id = v.campaign_id
                 CROSS JOIN LATERAL (SELECT abs(hashint8(v.id)) AS n) h,
                 (SELECT min(id) AS first FROM campaign_theme) th,
                 (SELECT min(id) AS first FROM campaign_unit WHERE parent_id IS NOT NULL) un
            WHERE c.slug = '{slug}' AND (v.id / 42) % 4 = 0""",
    ]


def statements(sizes: Sizes) -> list[str]:
    kinds = ", ".join(f"'{kind}'" for kind in ClientKind.values)
    regions = ", ".join(f"'{region}'" for region in REGIONS)
    themes = ", ".join(f"('{theme}', '', true)" for theme in THEMES)
    return [
        f"""INSERT INTO campaign_unit (name, code, parent_id, is_active)
            SELECT 'Osasto ' || g, 'B-D' || g, NULL, true
            FROM generate_series(1, {sizes.departments}) g""",
        f"""INSERT INTO campaign_unit (name, code, parent_id, is_active)
            SELECT 'Yksikkö ' || g, 'B-U' || g,
                   (SELECT id FROM campaign_unit
                    WHERE code = 'B-D' || (1 + g % {sizes.departments})), true
            FROM generate_series(1, {sizes.units}) g""",
        # Unit sizes vary from a few to many; every 40th person is on a management team.
        f"""INSERT INTO campaign_staff (password, is_superuser, username, first_name, last_name,
                email, is_staff, is_active, date_joined, unit_id, title, is_leadership, language)
            SELECT '!', false, 'bench-' || g, 'Etu' || g, 'Suku' || g,
                   'bench-' || g || '@example.org', false, true, now(),
                   (SELECT id FROM campaign_unit
                    WHERE code = 'B-U' || (1 + floor({sizes.units}
                                  * power(g::float / {sizes.staff}, 1.6))::int % {sizes.units})),
                   '', g % 40 = 0, ''
            FROM generate_series(1, {sizes.staff}) g""",
        """INSERT INTO campaign_staff_groups (staff_id, group_id)
            SELECT s.id, g.id FROM campaign_staff s CROSS JOIN auth_group g
            WHERE g.name = 'Staff' AND s.username LIKE 'bench-%%'""",
        f"""INSERT INTO campaign_client (name, kind, region, business_id, is_partner,
                contact_role, created_at)
            SELECT 'Asiakas ' || g, (ARRAY[{kinds}])[1 + g % {len(ClientKind.values)}],
                   (ARRAY[{regions}])[1 + g % {len(REGIONS)}], '', g % 9 = 0, '', now()
            FROM generate_series(1, {sizes.clients}) g""",
        f"INSERT INTO campaign_theme (name, description, is_active) VALUES {themes}",
        _campaign(CURRENT, "Benchmark", 30),
        _campaign(PREVIOUS, "Benchmark, edellinen", 30 + 364),
        # The rosters; every 97th person has since moved to another unit.
        """INSERT INTO campaign_rosterentry (campaign_id, staff_id, unit_id, is_leadership)
            SELECT c.id, s.id,
                   CASE WHEN s.id % 97 = 0
                        THEN (SELECT min(id) FROM campaign_unit WHERE parent_id IS NOT NULL)
                        ELSE s.unit_id END,
                   s.is_leadership
            FROM campaign_staff s CROSS JOIN campaign_campaign c
            WHERE s.username LIKE 'bench-%%'""",
        *_visits(CURRENT, sizes.visits, sizes),
        *_visits(PREVIOUS, sizes.previous_visits, sizes),
        # Every 13th idea is a duplicate of another one.
        """UPDATE ideas_idea i SET status = 'duplicate', duplicate_of_id = i.id - 4
            WHERE i.id % 13 = 0 AND EXISTS (SELECT 1 FROM ideas_idea o WHERE o.id = i.id - 4
                                            AND o.status <> 'duplicate')""",
        "ANALYZE",
    ]
