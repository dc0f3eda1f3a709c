"""Reading the organisation's files and importing them: good files, bad files, re-imports."""

import datetime as dt
import io
import zipfile

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from openpyxl import Workbook

from campaign.imports import (
    COLUMNS,
    EXAMPLE_HEADERS,
    MAX_ROWS,
    Action,
    ImportFileError,
    ImportKind,
    import_plan,
    map_columns,
    read_table,
)
from campaign.models import Client, RosterEntry, Staff, Unit
from campaign.roles import STAFF
from campaign.services import organisation_import
from tests.factories import (
    CampaignFactory,
    ClientFactory,
    RosterEntryFactory,
    StaffFactory,
    UnitFactory,
)


@pytest.fixture(autouse=True)
def _in_english():
    with translation.override("en"):
        yield


def csv_bytes(rows, *, delimiter=";", encoding="utf-8-sig") -> bytes:
    return "\r\n".join(delimiter.join(row) for row in rows).encode(encoding)


def xlsx_bytes(rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _zip_that_is_not_a_workbook() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


def plan_for(kind, content):
    return import_plan(kind=kind, table=read_table(content=content))


def run_import(kind, content):
    return organisation_import(kind=kind, table=read_table(content=content))


# Reading files


@pytest.mark.parametrize(
    ("content", "encoding_note"),
    [
        (csv_bytes([["koodi", "nimi"], ["A", "Äänekoski"]], delimiter=";"), False),
        (csv_bytes([["code", "name"], ["A", "Äänekoski"]], delimiter=","), False),
        (csv_bytes([["code", "name"], ["A", "Äänekoski"]], encoding="utf-8"), False),
        (csv_bytes([["code", "name"], ["A", "Äänekoski"]], encoding="cp1252"), True),
        (xlsx_bytes([["Koodi", "Nimi"], ["A", "Äänekoski"]]), False),
        ("koodi\tnimi\r\nA\tÄänekoski\r\n".encode("utf-16"), False),
    ],
    ids=["semicolon", "comma", "no-bom", "windows-1252", "xlsx", "excel-unicode-text"],
)
def test_reads_csv_and_xlsx_in_the_encodings_offices_use(content, encoding_note):
    table = read_table(content=content)
    assert table.rows[0][1] == ["A", "Äänekoski"]
    assert bool(table.notes) == encoding_note


def test_empty_rows_are_skipped_and_line_numbers_kept():
    table = read_table(content=csv_bytes([["code", "name"], ["", ""], ["A", "Yksi"], [";"]]))
    assert table.rows == [(3, ["A", "Yksi"])]


def test_xlsx_numbers_and_booleans_become_text():
    table = read_table(content=xlsx_bytes([["code", "name", "flag"], [12, "Yksi", True]]))
    assert table.rows[0][1] == ["12", "Yksi", "1"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"\n\n;;\n", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not a CSV or XLSX"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00", "not a CSV or XLSX"),
        (b"PK\x03\x04 not really a zip", "not a readable Excel"),
        (_zip_that_is_not_a_workbook(), "not a readable Excel"),
        (b"a" * (5 * 1024 * 1024 + 1), "too large"),
    ],
    ids=["empty", "only-empty-rows", "png", "old-xls", "broken-xlsx", "zip-not-xlsx", "too-large"],
)
def test_bad_files_get_a_clear_message(content, message):
    with pytest.raises(ImportFileError, match=message):
        read_table(content=content)


def test_too_many_rows_get_a_clear_message():
    rows = [["code", "name"]] + [[f"U{i}", "x"] for i in range(MAX_ROWS + 1)]
    with pytest.raises(ImportFileError, match="more than"):
        read_table(content=csv_bytes(rows))


@pytest.mark.django_db
def test_missing_columns_are_named_with_an_example():
    with pytest.raises(ImportFileError) as error:
        plan_for(ImportKind.STAFF, csv_bytes([["nimi", "osoite"], ["Aino", "x"]]))
    message = str(error.value)
    assert "first name, last name, unit" in message
    assert "username or e-mail" in message


@pytest.mark.parametrize("language", ["en", "fi", "sv"])
@pytest.mark.parametrize("kind", ImportKind.values)
def test_the_example_first_row_is_one_the_import_accepts(language, kind):
    headers = EXAMPLE_HEADERS[language][kind].split("; ")
    columns, ignored = map_columns(kind=kind, headers=headers)
    assert set(columns) == set(COLUMNS[kind])
    assert ignored == []


@pytest.mark.django_db
def test_missing_columns_example_is_in_the_users_language():
    content = csv_bytes([["osoite"], ["x"]])
    with translation.override("fi"), pytest.raises(ImportFileError) as error:
        plan_for(ImportKind.CLIENTS, content)
    assert "esimerkiksi: nimi; tyyppi; maakunta; y-tunnus; kumppani." in str(error.value)
    with translation.override("en"), pytest.raises(ImportFileError) as error:
        plan_for(ImportKind.CLIENTS, content)
    assert "for example: name; kind; region; business id; partner." in str(error.value)


@pytest.mark.django_db
def test_unknown_columns_are_ignored_with_a_note():
    plan = plan_for(
        ImportKind.UNITS, csv_bytes([["code", "name", "kustannuspaikka"], ["A", "B", "1"]])
    )
    assert any("kustannuspaikka" in note for note in plan.notes)


# Units


UNITS_FILE = csv_bytes(
    [
        ["Koodi", "Nimi", "Osasto"],
        ["TH-TE", "Terveyden edistäminen", "TH"],
        ["TH", "Terveys ja hyvinvointi", ""],
        ["TT", "Tieto ja tutkimus", ""],
        ["TT-TR", "Tilastot ja rekisterit", "TT"],
    ]
)


@pytest.mark.django_db
def test_units_import_creates_departments_before_their_units_and_reimport_changes_nothing():
    plan = plan_for(ImportKind.UNITS, UNITS_FILE)
    assert plan.counts[Action.CREATE] == 4
    assert not Unit.objects.exists()  # the dry run writes nothing

    run_import(ImportKind.UNITS, UNITS_FILE)
    assert Unit.objects.get(code="TH-TE").parent.code == "TH"
    assert Unit.objects.get(code="TT").parent is None

    again = plan_for(ImportKind.UNITS, UNITS_FILE)
    assert again.counts[Action.UNCHANGED] == 4
    assert not again.has_changes


@pytest.mark.django_db
def test_unit_rows_with_problems_are_rejected_with_the_reason():
    UnitFactory(code="TH", name="Terveys")
    UnitFactory(code="TH-X", name="Alayksikkö", parent=Unit.objects.get(code="TH"))
    plan = plan_for(
        ImportKind.UNITS,
        csv_bytes(
            [
                ["code", "name", "department"],
                ["A", "Uusi", "NOPE"],
                ["B", "Liian syvä", "TH-X"],
                ["", "Ilman koodia", ""],
                ["C", "Kaksi kertaa", ""],
                ["c", "Kaksi kertaa", ""],
                ["TH", "Terveys ja hyvinvointi", ""],
            ]
        ),
    )
    outcomes = {outcome.line: outcome for outcome in plan.outcomes}
    assert outcomes[2].action == Action.REJECT
    assert "NOPE" in outcomes[2].reason
    assert outcomes[3].action == Action.REJECT
    assert outcomes[4].action == Action.REJECT
    assert outcomes[6].action == Action.REJECT
    assert "5" in outcomes[6].reason
    assert outcomes[7].action == Action.UPDATE
    assert outcomes[7].changes == ["name: Terveys → Terveys ja hyvinvointi"]


# Staff

STAFF_FILE_ROWS = [
    ["Sähköposti", "Etunimi", "Sukunimi", "Yksikkö", "Nimike", "Johtoryhmä"],
    ["aino.virtanen@example.org", "Aino", "Virtanen", "A", "Erikoistutkija", "kyllä"],
    ["eero.korhonen@example.org", "Eero", "Korhonen", "B", "Tutkija", "ei"],
]


@pytest.fixture
def units(db):
    return UnitFactory(code="A", name="Yksikkö A"), UnitFactory(code="B", name="Yksikkö B")


def test_staff_import_creates_staff_members_who_log_in_with_the_organisations_accounts(units):
    plan = run_import(ImportKind.STAFF, csv_bytes(STAFF_FILE_ROWS))

    assert plan.counts[Action.CREATE] == 2
    aino = Staff.objects.get(username="aino.virtanen@example.org")
    assert (aino.first_name, aino.unit.code, aino.title, aino.is_leadership) == (
        "Aino",
        "A",
        "Erikoistutkija",
        True,
    )
    assert aino.email == "aino.virtanen@example.org"
    assert not aino.has_usable_password()
    assert aino.groups.get() == Group.objects.get(name=STAFF)

    again = plan_for(ImportKind.STAFF, csv_bytes(STAFF_FILE_ROWS))
    assert again.counts[Action.UNCHANGED] == 2


def test_a_staff_file_may_give_each_persons_language_for_their_mails(units):
    rows = [
        ["käyttäjätunnus", "etunimi", "sukunimi", "yksikkö", "kieli"],
        ["anna", "Anna", "Holm", "A", "svenska"],
        ["eero", "Eero", "Korhonen", "A", "fi"],
        ["mia", "Mia", "Smith", "B", ""],
        ["olli", "Olli", "Outo", "B", "klingon"],
    ]

    plan = run_import(ImportKind.STAFF, csv_bytes(rows))

    languages = dict(Staff.objects.values_list("username", "language"))
    assert languages == {"anna": "sv", "eero": "fi", "mia": ""}
    assert plan.rejected[0].reason == (
        "language must be fi, sv or en (suomi, svenska, english), not “klingon”."
    )
    rows[1][4] = "en"
    rows[3][4] = "en"
    again = plan_for(ImportKind.STAFF, csv_bytes(rows[:4]))
    assert again.counts == {"create": 0, "update": 1, "unchanged": 2, "reject": 0}
    assert again.outcomes[2].changes == ["language: – → en"]


def test_a_staff_member_found_in_a_new_unit_is_moved_but_the_running_roster_is_not(units):
    unit_a, unit_b = units
    person = StaffFactory(username="eero", email="eero.korhonen@example.org", unit=unit_a)
    campaign = CampaignFactory(starts_on=dt.date.today() - dt.timedelta(days=5))
    RosterEntryFactory(campaign=campaign, staff=person, unit=unit_a)

    plan = run_import(ImportKind.STAFF, csv_bytes(STAFF_FILE_ROWS))

    moved = next(o for o in plan.outcomes if o.key == "eero")
    assert moved.action == Action.UPDATE
    assert "unit: Yksikkö A → Yksikkö B" in moved.changes
    person.refresh_from_db()
    assert person.unit == unit_b
    assert RosterEntry.objects.get(campaign=campaign, staff=person).unit == unit_a


def test_staff_rows_with_problems_are_rejected_and_the_rest_imported(units):
    plan = run_import(
        ImportKind.STAFF,
        csv_bytes(
            [
                ["username", "email", "first name", "last name", "unit", "leadership"],
                ["ok", "ok@example.org", "Oona", "Ok", "A", "1"],
                ["nounit", "", "Niko", "N", "ZZZ", ""],
                ["bad", "not-an-email", "B", "B", "A", ""],
                ["", "", "Nobody", "N", "A", ""],
                ["flag", "", "F", "F", "A", "maybe"],
                ["OK", "", "Oona", "Twice", "A", ""],
                ["noname", "", "", "", "A", ""],
            ]
        ),
    )
    reasons = {o.line: o for o in plan.outcomes}
    assert reasons[2].action == Action.CREATE
    assert all(reasons[line].action == Action.REJECT for line in range(3, 9))
    assert "ZZZ" in reasons[3].reason
    assert "line 2" in reasons[7].reason
    assert list(Staff.objects.values_list("username", flat=True)) == ["ok"]


# Clients


def test_clients_import_with_finnish_kinds_and_business_ids(db):
    existing = ClientFactory(name="Oulun kaupunki", business_id="0187690-1", region="")
    rows = [
        ["Nimi", "Tyyppi", "Maakunta", "Y-tunnus", "Kumppani"],
        ["Oulun kaupunki", "kunta", "Pohjois-Pohjanmaa", "0187690-1", "kyllä"],
        ["Pirkanmaan hyvinvointialue", "Hyvinvointialue", "Pirkanmaa", "3221308-6", ""],
        ["Mielenterveysyhdistys", "järjestö", "Uusimaa", "", "ei"],
        ["Outo", "avaruusolento", "", "", ""],
        ["Väärä tunnus", "yritys", "", "123", ""],
        ["Kopio", "yritys", "", "3221308-6", ""],
    ]
    plan = run_import(ImportKind.CLIENTS, csv_bytes(rows))

    assert [o.action for o in plan.outcomes] == [
        Action.UPDATE,
        Action.CREATE,
        Action.CREATE,
        Action.REJECT,
        Action.REJECT,
        Action.REJECT,
    ]
    existing.refresh_from_db()
    assert (existing.region, existing.is_partner) == ("Pohjois-Pohjanmaa", True)
    county = Client.objects.get(business_id="3221308-6")
    assert county.kind == Client.Kind.WELLBEING_COUNTY
    assert Client.objects.get(name="Mielenterveysyhdistys").kind == Client.Kind.NGO

    again = plan_for(ImportKind.CLIENTS, csv_bytes(rows))
    assert not again.has_changes


def test_a_client_name_is_compared_and_stored_without_extra_spaces(db):
    existing = ClientFactory(name="Oulun kaupunki", business_id="")
    rows = [["nimi", "maakunta"], ["  OULUN   kaupunki ", "Pohjois-Pohjanmaa"], ["Uusi  Oy", ""]]
    plan = run_import(ImportKind.CLIENTS, csv_bytes(rows))

    assert [o.action for o in plan.outcomes] == [Action.UPDATE, Action.CREATE]
    existing.refresh_from_db()
    assert (existing.name, existing.region) == ("OULUN kaupunki", "Pohjois-Pohjanmaa")
    assert Client.objects.filter(name="Uusi Oy").exists()


def test_two_clients_cannot_share_a_name_in_the_import_either(db):
    ClientFactory(name="Kaupunki Oy", business_id="0187690-1")
    ClientFactory(name="Toinen Oy", business_id="3221308-6")
    another = [["nimi", "y-tunnus"], ["Kaupunki Oy", "2090181-8"]]
    renamed_to_a_taken_name = [["nimi", "y-tunnus"], ["kaupunki oy", "3221308-6"]]

    rejected = plan_for(ImportKind.CLIENTS, csv_bytes(another)).outcomes[0]
    assert rejected.action == Action.REJECT
    assert "0187690-1" in rejected.reason
    rejected = plan_for(ImportKind.CLIENTS, csv_bytes(renamed_to_a_taken_name)).outcomes[0]
    assert rejected.action == Action.REJECT
    assert "Kaupunki Oy" in rejected.reason


def test_xlsx_clients_file(db):
    content = xlsx_bytes(
        [
            ["Name", "Kind", "Region", "Business ID", "Partner"],
            ["Tampere", "Municipality", "Pirkanmaa", "0211675-2", 1],
        ]
    )
    run_import(ImportKind.CLIENTS, content)
    client = Client.objects.get()
    assert (client.kind, client.is_partner, client.business_id) == (
        Client.Kind.MUNICIPALITY,
        True,
        "0211675-2",
    )


# Volume


def _staff_file(count: int) -> bytes:
    rows = [["username", "email", "first name", "last name", "unit", "title", "leadership"]]
    rows += [
        [f"person{i}", f"person{i}@example.org", "Etu", f"Suku{i}", "AB"[i % 2], "Tutkija", "0"]
        for i in range(count)
    ]
    return csv_bytes(rows)


def _import_queries(count: int) -> int:
    Staff.objects.filter(username__startswith="person").delete()
    table = read_table(content=_staff_file(count))
    with CaptureQueriesContext(connection) as captured:
        plan = organisation_import(kind=ImportKind.STAFF, table=table)
    assert plan.counts[Action.CREATE] == count
    assert Staff.objects.filter(username__startswith="person").count() == count
    again = import_plan(kind=ImportKind.STAFF, table=table)
    assert again.counts[Action.UNCHANGED] == count
    return len(captured)


def test_an_import_runs_the_same_statements_for_50_and_450_staff(units):
    """Rows are read, compared and written in bulk (batches of 500 and 1 000 rows): the number of
    statements a file costs does not grow with its rows below a batch."""
    assert _import_queries(50) == _import_queries(450)


def test_a_business_id_whose_check_digit_does_not_match_is_rejected(db):
    rows = [["nimi", "y-tunnus"], ["Tarkistettava Oy", "1234567-8"], ["Oikea Oy", "1234567-1"]]
    plan = plan_for(ImportKind.CLIENTS, csv_bytes(rows))
    wrong, right = plan.outcomes
    assert wrong.action == Action.REJECT
    assert "check digit does not match" in wrong.reason
    assert right.action == Action.CREATE


def test_a_value_with_a_nul_character_is_rejected_even_deep_in_the_file(db):
    filler = [[f"Asiakas {n:05d}", ""] for n in range(300)]
    rows = [["nimi", "maakunta"], *filler, ["Nolla\x00Oy", ""], ["Tavallinen Oy", "Uusimaa\x00"]]
    plan = run_import(ImportKind.CLIENTS, csv_bytes(rows))
    assert [o.action for o in plan.outcomes[-2:]] == [Action.REJECT, Action.REJECT]
    assert Client.objects.count() == 300
