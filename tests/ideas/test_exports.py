"""The idea exports: who may export, the rows equal the filtered list, the columns, the audit,
fixed query counts and flat memory."""

import csv
import datetime as dt
import io
import secrets
import tracemalloc

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from campaign.models import Client
from ideas.exports import EXPORT_CHUNK_SIZE
from ideas.models import Idea, IdeaExport
from tests.factories import (
    ClientFactory,
    IdeaFactory,
    StaffFactory,
    ThemeFactory,
    UnitFactory,
    VisitFactory,
)

pytestmark = pytest.mark.django_db

CSV = reverse("ideas:export_csv")
XLSX = reverse("ideas:export_xlsx")
BY_OWNER = reverse("ideas:export_by_owner")


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def csv_table(response) -> list[list[str]]:
    text = body(response).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:], newline=""), delimiter=";"))


def xlsx_book(response):
    return load_workbook(io.BytesIO(body(response)))


def xlsx_table(response) -> list[list]:
    return [list(row) for row in xlsx_book(response).active.iter_rows(values_only=True)]


def listed_ids(client, query):
    ids, page = [], 1
    while True:
        table = client.get(f"{reverse('ideas:list')}?{query}&page={page}").context["table"]
        ids += [row.record.pk for row in table.paginated_rows]
        if not table.page.has_next():
            return ids
        page += 1


# --- who may export -----------------------------------------------------------------------------


@pytest.mark.parametrize("url", [CSV, XLSX, BY_OWNER])
def test_staff_may_not_export(client, world, staff_member, url):
    client.force_login(staff_member)
    assert client.get(url).status_code == 403
    assert not IdeaExport.objects.exists()


def test_a_unit_manager_exports_only_the_ideas_they_see(client, world, unit_manager):
    client.force_login(unit_manager)
    expected = {world.own.pk, world.unit.pk, world.owned.pk}
    assert {int(row[0]) for row in csv_table(client.get(CSV))[1:]} == expected
    assert {row[0] for row in xlsx_table(client.get(XLSX))[1:]} == expected


def test_only_coordinators_get_the_per_owner_workbook(client, world, unit_manager, coordinator):
    client.force_login(unit_manager)
    assert client.get(BY_OWNER).status_code == 403
    client.force_login(coordinator)
    assert client.get(BY_OWNER).status_code == 200


def test_exports_answer_only_get(client, coordinator):
    client.force_login(coordinator)
    assert client.post(CSV).status_code == 405
    assert client.post(XLSX).status_code == 405


# --- the rows equal the list --------------------------------------------------------------------


@pytest.fixture
def many(campaign, unit, other_unit):
    """31 ideas (two pages of the list), 20 of them on one theme, in mixed statuses."""
    theme = ThemeFactory(name="Tilastot")
    visits = [VisitFactory(campaign=campaign) for _ in range(4)]
    statuses = ["new", "in_review", "accepted"]
    for n in range(31):
        IdeaFactory(
            visit=visits[n % 4],
            title=f"Idea {n:02d}",
            theme=theme if n < 20 else None,
            status=statuses[n % 3],
            owner_unit=[unit, other_unit, None][n % 3],
        )
    return theme


@pytest.mark.parametrize(
    "query", ["", "theme={theme}", "theme={theme}&sort=-title", "sort=status", "status=accepted"]
)
def test_csv_and_xlsx_hold_exactly_the_rows_the_list_shows_in_its_order(
    client, coordinator, many, query
):
    client.force_login(coordinator)
    query = query.format(theme=many.pk)
    shown = listed_ids(client, query)
    assert len(shown) > 0
    assert [int(row[0]) for row in csv_table(client.get(f"{CSV}?{query}"))[1:]] == shown
    assert [row[0] for row in xlsx_table(client.get(f"{XLSX}?{query}"))[1:]] == shown


def test_a_bad_filter_exports_the_empty_list_the_page_shows(client, coordinator, many):
    client.force_login(coordinator)
    assert len(csv_table(client.get(f"{CSV}?collected_from=not-a-date"))) == 1
    assert len(xlsx_table(client.get(f"{XLSX}?collected_from=not-a-date&sort=zz"))) == 1


# --- columns ------------------------------------------------------------------------------------


@pytest.fixture
def answered(campaign, coordinator):
    units = [UnitFactory(name="Tilastot", code="TIL2"), UnitFactory(name="Aineistot", code="AIN")]
    people = [StaffFactory(unit=units[0]), StaffFactory(unit=units[1])]
    visit = VisitFactory(
        campaign=campaign,
        client=ClientFactory(
            name="Oulun kaupunki", kind=Client.Kind.MUNICIPALITY, region="Pohjois-Pohjanmaa"
        ),
        visited_on=dt.date(2026, 3, 9),
        created_by=people[0],
        participants=people,
    )
    original = IdeaFactory(visit=visit, title="Alkuperäinen")
    return IdeaFactory(
        visit=visit,
        title='=HYPERLINK("http://evil")',
        text="-tilastot avoimiksi",
        theme=ThemeFactory(name="Avoin data"),
        owner_unit=units[1],
        status=Idea.Status.DUPLICATE,
        duplicate_of=original,
        due_on=dt.date(2026, 6, 30),
        official_response="@vastaus",
    )


def test_csv_columns_in_finnish_excel_form(client, coordinator, answered):
    client.force_login(coordinator)
    response = client.get(f"{CSV}?q={answered.pk}")
    assert response["Content-Disposition"].startswith('attachment; filename="ideat-')
    header, row = csv_table(response)
    assert header == [
        "Idean numero", "Linkki", "Käynnin päivä", "Kirjattu", "Määräpäivä", "Asiakas",
        "Asiakkaan tyyppi", "Alue", "Keränneet yksiköt", "Teema", "Otsikko",
        "Asiakkaan omin sanoin", "Tila", "Vastuuyksikkö", "Virallinen vastaus",
        "Kaksoiskappale ideasta",
    ]  # fmt: skip
    assert row[0] == str(answered.pk)
    assert row[1] == f"http://testserver/ideas/{answered.pk}/"
    assert row[2] == "09.03.2026"
    assert row[4] == "30.06.2026"
    assert row[5:9] == ["Oulun kaupunki", "Kunta", "Pohjois-Pohjanmaa", "Aineistot, Tilastot"]
    assert row[9:] == [
        "Avoin data",
        '\'=HYPERLINK("http://evil")',
        "'-tilastot avoimiksi",
        "Kaksoiskappale",
        "Aineistot",
        "'@vastaus",
        str(answered.duplicate_of_id),
    ]


def test_xlsx_columns_are_typed(client, coordinator, answered):
    client.force_login(coordinator)
    book = xlsx_book(client.get(f"{XLSX}?q={answered.pk}"))
    sheet = book.active
    assert sheet.title == "Ideat"
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:P2"
    cells = sheet[2]
    assert cells[0].value == answered.pk
    assert cells[0].data_type == "n"
    assert cells[2].value == dt.datetime(2026, 3, 9)
    assert cells[2].is_date
    assert cells[3].is_date
    assert cells[4].value == dt.datetime(2026, 6, 30)
    assert cells[10].value == '=HYPERLINK("http://evil")'
    assert cells[10].quotePrefix
    assert all(cell.data_type != "f" for cell in cells)
    assert cells[15].value == answered.duplicate_of_id


# --- per owner unit -----------------------------------------------------------------------------


def test_one_sheet_per_owner_unit_and_one_for_ideas_without(
    client, coordinator, many, unit, other_unit
):
    client.force_login(coordinator)
    book = xlsx_book(client.get(f"{BY_OWNER}?theme={many.pk}"))
    assert book.sheetnames == [*sorted([unit.name, other_unit.name]), "Ei vastuuyksikköä"]
    expected = {
        unit.name: Idea.objects.filter(theme=many, owner_unit=unit),
        other_unit.name: Idea.objects.filter(theme=many, owner_unit=other_unit),
        "Ei vastuuyksikköä": Idea.objects.filter(theme=many, owner_unit__isnull=True),
    }
    for name, ideas in expected.items():
        sheet = book[name]
        assert sheet.freeze_panes == "A2"
        assert {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)} == set(
            ideas.values_list("pk", flat=True)
        )
    export = IdeaExport.objects.get()
    assert (export.format, export.row_count) == ("xlsx_by_owner", 20)


def test_the_per_owner_workbook_of_nothing_still_opens(client, coordinator):
    client.force_login(coordinator)
    book = xlsx_book(client.get(BY_OWNER))
    assert len(book.sheetnames) == 1
    assert book.active.max_row == 1


# --- audit --------------------------------------------------------------------------------------


def test_every_export_is_audited_with_who_which_filter_and_how_many(client, coordinator, many):
    client.force_login(coordinator)
    query = f"theme={many.pk}&sort=-title"
    csv_rows = csv_table(client.get(f"{CSV}?{query}"))[1:]
    xlsx_rows = xlsx_table(client.get(f"{XLSX}?{query}"))[1:]
    exports = list(IdeaExport.objects.order_by("pk"))
    assert [(e.format, e.exported_by, e.query, e.row_count) for e in exports] == [
        ("csv", coordinator, query, len(csv_rows)),
        ("xlsx", coordinator, query, len(xlsx_rows)),
    ]
    assert len(csv_rows) == 20


# --- fixed queries and flat memory --------------------------------------------------------------


def make_ideas(campaign, count):
    Idea.objects.all().delete()
    units = [UnitFactory() for _ in range(3)]
    themes = [ThemeFactory() for _ in range(3)]
    staff = [StaffFactory(unit=unit) for unit in units]
    for n in range(count):
        people = [staff[n % 3], staff[(n + 1) % 3]]
        visit = VisitFactory(campaign=campaign, created_by=people[0], participants=people)
        IdeaFactory(visit=visit, theme=themes[n % 3], owner_unit=units[n % 3])


@pytest.mark.parametrize("url", [CSV, XLSX, BY_OWNER])
def test_exports_run_a_fixed_number_of_queries(client, coordinator, campaign, url):
    client.force_login(coordinator)
    counts = []
    for size in (3, 30):
        make_ideas(campaign, size)
        with CaptureQueriesContext(connection) as queries:
            content = body(client.get(url))
        assert content
        counts.append(len(queries))
    assert counts[0] == counts[1]


def bulk_ideas(campaign, count):
    Idea.objects.all().delete()
    visits = [VisitFactory(campaign=campaign) for _ in range(20)]
    theme = ThemeFactory()
    Idea.objects.bulk_create(
        Idea(
            visit=visits[n % 20],
            created_by=visits[n % 20].created_by,
            title=f"Idea {n} tilastojen käytöstä",
            text="Asiakas toivoi helpompaa pääsyä tilastotietokantoihin. " * 16,
            official_response="Kiitos, selvitämme asian ja palaamme siihen.",
            theme=theme,
        )
        for n in range(count)
    )


def peak_while_downloading(client, url) -> int:
    tracemalloc.start()
    try:
        size = 0
        for chunk in client.get(url).streaming_content:
            size += len(chunk)
        assert size > 0
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("url", [CSV, XLSX])
def test_memory_stays_flat_however_many_rows(client, coordinator, campaign, url, monkeypatch):
    client.force_login(coordinator)
    # Smaller chunks than in production keep the test quick under tracemalloc; the rule is the
    # same. The export reads one chunk of rows at a time and holds at most two chunks, so two
    # chunks' worth of ideas and ten chunks' worth peak alike; a buffered export would need
    # the larger file's 2.3 MB more.
    chunk = EXPORT_CHUNK_SIZE // 8
    monkeypatch.setattr("ideas.exports.EXPORT_CHUNK_SIZE", chunk)
    bulk_ideas(campaign, 2 * chunk)
    small = peak_while_downloading(client, url)
    bulk_ideas(campaign, 10 * chunk)
    large = peak_while_downloading(client, url)
    assert large < small + 2 * 1024 * 1024, (small, large)


# --- the content, computed from scratch --------------------------------------------------------


@pytest.fixture
def varied(campaign):
    """Ideas in every status, with and without theme, owner, due date and text, from clients of
    every kind, on joint and single visits, some of it text a spreadsheet would take for a
    formula."""
    units = [UnitFactory(name=f"Yksikkö {letter}", code=f"Y{letter}") for letter in "ABC"]
    people = [StaffFactory(unit=unit) for unit in units]
    themes = [ThemeFactory(name="Tilastot"), ThemeFactory(name="+Avoin data")]
    kinds = list(Client.Kind)
    visits = [
        VisitFactory(
            campaign=campaign,
            client=ClientFactory(name=f"Asiakas {n}", kind=kinds[n % len(kinds)], region="Lappi"),
            visited_on=campaign.starts_on + dt.timedelta(days=n),
            created_by=people[n % 3],
            participants=[people[n % 3], people[(n + 1) % 3]] if n % 2 else [people[n % 3]],
        )
        for n in range(len(kinds))
    ]
    original = IdeaFactory(visit=visits[0], title="Alkuperäinen")
    texts = ["", "=1+1", "Rivi\nkaksi", "  välilyönti", "-5 %", "Ääkköset & <merkit>"]
    for n, status in enumerate(Idea.Status):
        IdeaFactory(
            visit=visits[n % len(visits)],
            title=texts[n % len(texts)] or f"Idea {n}",
            text=texts[(n + 1) % len(texts)],
            theme=themes[n % 3] if n % 3 < 2 else None,
            owner_unit=units[n % 4] if n % 4 < 3 else None,
            status=status,
            duplicate_of=original if status == Idea.Status.DUPLICATE else None,
            due_on=campaign.ends_on if n % 2 else None,
            official_response=texts[(n + 2) % len(texts)],
        )


def from_scratch(prefix: str) -> list[tuple]:
    """The export's rows the long way: each idea as an object, its labels through Django's
    get_*_display, its collecting units from its visit's participants."""
    rows = []
    for idea in Idea.objects.select_related("visit__client", "theme", "owner_unit").order_by(
        "-created_at", "-pk"
    ):
        client = idea.visit.client
        units = {p.unit.name for p in idea.visit.participations.select_related("unit")}
        rows.append(
            (
                idea.pk,
                f"{prefix}{idea.pk}/",
                idea.visit.visited_on,
                timezone.localtime(idea.created_at),
                idea.due_on,
                client.name,
                client.get_kind_display(),
                client.region,
                ", ".join(sorted(units)),
                idea.theme.name if idea.theme else "",
                idea.title,
                idea.text,
                idea.get_status_display(),
                idea.owner_unit.name if idea.owner_unit else "",
                idea.official_response,
                idea.duplicate_of_id,
            )
        )
    return rows


def as_csv_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%d.%m.%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, int):
        return str(value)
    return "'" + value if value[:1] and value[0] in "=+-@" else value


def as_xlsx_value(value):
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None, second=0, microsecond=0)
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time())
    return value if value != "" else None


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_every_cell_equals_a_computation_from_the_objects(client, coordinator, varied, language):
    client.force_login(coordinator)
    headers = {"accept-language": language}
    with translation.override(language):
        expected = from_scratch("http://testserver/ideas/")
    assert len(expected) == len(Idea.Status) + 1
    assert {row[12] for row in expected} == {str(s.label) for s in Idea.Status} or language != "fi"

    written = csv_table(client.get(CSV, headers=headers))[1:]
    assert written == [[as_csv_text(value) for value in row] for row in expected]

    sheet = xlsx_book(client.get(XLSX, headers=headers)).active
    cells = [list(row) for row in sheet.iter_rows(min_row=2)]
    read = [
        [c.value.replace(second=0, microsecond=0) if c.is_date else c.value for c in row]
        for row in cells
    ]
    assert read == [[as_xlsx_value(value) for value in row] for row in expected]
    for row in cells:
        assert [c.is_date for c in row[2:5]] == [True, True, row[4].value is not None]
        for cell in row:
            if isinstance(cell.value, str):
                assert cell.data_type == "s"
                assert bool(cell.quotePrefix) == (cell.value[0] in "=+-@")


# --- streaming ----------------------------------------------------------------------------------


def open_cursors() -> list[bool]:
    """The server-side cursors open in this database session, whether each is holdable (a
    holdable cursor is computed in full before its first row is read)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT is_holdable FROM pg_cursors")
        return [row[0] for row in cursor.fetchall()]


# Outside a test's transaction, as in production, where a cursor outside a transaction is holdable.
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("url", [CSV, XLSX, BY_OWNER])
def test_the_first_rows_leave_before_the_query_is_read_to_its_end(
    client, coordinator, campaign, url, monkeypatch
):
    monkeypatch.setattr("ideas.exports.EXPORT_CHUNK_SIZE", 10)
    monkeypatch.setattr("campaign.exports.BATCH_ROWS", 5)
    visit = VisitFactory(campaign=campaign)
    # Text that does not compress away, so that the workbook's compressor sends as it goes.
    Idea.objects.bulk_create(
        Idea(
            visit=visit,
            created_by=visit.created_by,
            title=f"Idea {n}",
            text=secrets.token_hex(1000),
        )
        for n in range(100)
    )
    client.force_login(coordinator)
    response = client.get(url)
    chunks = iter(response.streaming_content)
    sent = [next(chunks)]  # the CSV header, the workbook's fixed parts: before any row is read
    assert open_cursors() == []
    while not open_cursors():
        sent.append(next(chunks))
    # Rows are on their way while the query's cursor is still open: not read to its end, and
    # not computed in full up front either (a holdable cursor would be).
    assert open_cursors() == [False]
    content = b"".join(sent) + b"".join(chunks)
    assert open_cursors() == []
    if url == CSV:
        assert len(content.decode("utf-8-sig").splitlines()) == 101
    else:
        book = load_workbook(io.BytesIO(content))
        assert sum(sheet.max_row - 1 for sheet in book.worksheets) == 100
