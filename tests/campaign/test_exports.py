"""The shared spreadsheet writers: Finnish-Excel CSV, typed XLSX, and formula neutralisation in
both, checked as a property over generated text."""

import csv
import datetime as dt
import io
import unicodedata
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from campaign.exports import (
    FORMULA_PREFIXES,
    XlsxSheet,
    csv_cell,
    csv_response,
    looks_like_formula,
    neutralise,
    xlsx_response,
    xlsx_sheet_title,
)

HELSINKI = ZoneInfo("Europe/Helsinki")

# Leading characters a spreadsheet skips, and compatibility forms NFKC folds into a formula's.
LEADING = st.text(st.sampled_from(" \u00a0\u2003\u3000\u200b\ufeff\u2028\x0b\x0c"), max_size=3)
COMPATIBLE = ["\uff1d", "\ufe66", "\uff0b", "\ufe62", "\uff0d", "\ufe63", "\uff20", "\ufe6b"]
formula_like = st.builds(
    lambda leading, prefix, rest: leading + prefix + rest,
    LEADING,
    st.sampled_from([*FORMULA_PREFIXES, *COMPATIBLE]),
    st.text(),
)
any_text = st.one_of(st.text(), formula_like)


def csv_body(response) -> str:
    return b"".join(response.streaming_content).decode("utf-8")


def csv_rows(response) -> list[list[str]]:
    body = csv_body(response)
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:], newline=""), delimiter=";"))


def xlsx_read(response):
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def starts_like_formula(text: str) -> bool:
    """The test's own reading of the rule: the first character that is not a space or invisible
    is, once NFKC-normalised, one a formula starts with."""
    for character in unicodedata.normalize("NFKC", text):
        if character in FORMULA_PREFIXES:
            return True
        if not (character.isspace() or unicodedata.category(character) in ("Cc", "Cf")):
            return False
    return False


# --- neutralise ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "=1+1",
        "+41",
        "-2",
        "@SUM(A1)",
        "\tx",
        "\r=cmd|' /C calc'!A0",
        "\n=1+1",
        "\x00=1",
        " =x",
        "\u00a0=HYPERLINK(x)",
        "  \n =1",
        "\u200b=1",
        "\uff1d1+1",  # full-width equals
        "\uff0b41",  # full-width plus
        "\ufe66SUM(A1)",  # small equals
        " \uff20SUM(A1)",
    ],
)
def test_formula_like_text_is_prefixed_with_an_apostrophe(text):
    assert looks_like_formula(text)
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("text", ["", "Kunta", "1+1", "a=b", "'quoted", "  ", "Ｋunta", "x =y"])
def test_ordinary_text_is_kept(text):
    assert not looks_like_formula(text)
    assert neutralise(text) == text


@given(any_text)
def test_neutralised_text_never_starts_like_a_formula_and_keeps_its_content(text):
    result = neutralise(text)
    assert not starts_like_formula(result)
    assert result in (text, "'" + text)


# --- CSV ----------------------------------------------------------------------------------------


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(any_text, min_size=1, max_size=5))
@example(["'=x", "\r\n=y", "-", "a\x00b"])
def test_no_csv_cell_starts_like_a_formula(values):
    response = csv_response(filename="x.csv", header=["a"] * len(values), rows=[values])
    _header, row = csv_rows(response)
    assert len(row) == len(values)
    for written, original in zip(row, values, strict=True):
        assert not starts_like_formula(written)
        assert written in (original, "'" + original)


def test_csv_opens_in_finnish_excel_bom_semicolons_and_finnish_dates():
    response = csv_response(
        filename="ideat.csv",
        header=["Numero", "Päivä", "Kirjattu", "Osuus", "Teksti"],
        rows=[
            [7, dt.date(2026, 3, 5), dt.datetime(2026, 3, 5, 22, 30, tzinfo=dt.UTC), 0.5, "a;b"],
            [None, None, None, Decimal("-1.25"), "rivi\nkaksi"],
        ],
    )
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="ideat.csv"'
    raw = b"".join(response.streaming_content)
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8")
    assert text.splitlines()[0] == "\ufeffNumero;Päivä;Kirjattu;Osuus;Teksti"
    assert "\r\n" in text
    rows = list(csv.reader(io.StringIO(text[1:], newline=""), delimiter=";"))
    assert rows[1] == ["7", "05.03.2026", "06.03.2026 00:30", "0,5", "a;b"]
    assert rows[2] == ["", "", "", "-1,25", "rivi\nkaksi"]


def test_csv_is_streamed_lazily_from_the_rows_given():
    consumed = []

    def rows():
        for n in range(3):
            consumed.append(n)
            yield [n]

    response = csv_response(filename="x.csv", header=["n"], rows=rows())
    assert response.streaming
    assert consumed == []
    chunks = iter(response.streaming_content)
    next(chunks)
    assert consumed == []
    list(chunks)
    assert consumed == [0, 1, 2]


def test_csv_cell_types():
    assert csv_cell(True) == "1"
    assert csv_cell(False) == "0"
    assert csv_cell(-3) == "-3"
    assert csv_cell(dt.date(2026, 12, 31)) == "31.12.2026"


# --- XLSX ---------------------------------------------------------------------------------------


def build_xlsx(header, rows, title="Ideat"):
    return xlsx_response(
        filename="ideat.xlsx", sheets=[XlsxSheet(title=title, header=header, rows=rows)]
    )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(any_text, min_size=1, max_size=5))
def test_no_xlsx_cell_is_a_formula_or_starts_like_one(values):
    response = build_xlsx(["a"] * len(values), [values])
    sheet = xlsx_read(response).active
    cells = next(iter(sheet.iter_rows(min_row=2, max_row=2)))
    for cell, original in zip(cells, values, strict=False):
        assert cell.data_type != "f"
        assert cell.data_type == "s" or cell.value is None
        written = ILLEGAL_CHARACTERS_RE.sub("", original)
        # XML reads every line break as a line feed.
        assert (cell.value or "") == written.replace("\r\n", "\n").replace("\r", "\n")
        assert bool(cell.quotePrefix) == starts_like_formula(written)


def test_xlsx_cells_are_typed_and_the_header_is_frozen_bold_and_filtered():
    recorded = timezone.make_aware(dt.datetime(2026, 3, 5, 22, 30), HELSINKI)
    response = build_xlsx(
        ["Numero", "Päivä", "Kirjattu", "Osuus", "Teksti", "Tyhjä"],
        [
            [7, dt.date(2026, 3, 5), recorded, Decimal("0.5"), '=HYPERLINK("x")', None],
            [8, dt.date(2026, 3, 6), recorded, 1.5, "tavallinen", None],
        ],
    )
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Content-Disposition"] == 'attachment; filename="ideat.xlsx"'
    sheet = xlsx_read(response)["Ideat"]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:F3"
    assert [c.value for c in sheet[1]] == [
        "Numero",
        "Päivä",
        "Kirjattu",
        "Osuus",
        "Teksti",
        "Tyhjä",
    ]
    assert all(c.font.b for c in sheet[1])
    number, day, when, share, text, empty = sheet[2]
    assert number.value == 7
    assert number.data_type == "n"
    assert day.is_date
    assert day.value == dt.datetime(2026, 3, 5)
    assert day.number_format == "d.m.yyyy"
    assert when.is_date
    assert when.value == dt.datetime(2026, 3, 5, 22, 30)
    assert share.value == 0.5
    assert share.data_type == "n"
    assert text.data_type == "s"
    assert text.value == '=HYPERLINK("x")'
    assert text.quotePrefix
    assert empty.value is None


@pytest.mark.parametrize("text", ["#N/A", "#DIV/0!", "=", "= 1", "＝1+1"])
def test_xlsx_keeps_text_that_reads_like_an_error_value_or_a_formula_as_text(text):
    response = build_xlsx(["Teksti"], [[text]])
    cell = xlsx_read(response).active["A2"]
    assert (cell.value, cell.data_type) == (text, "s")


def test_xlsx_drops_control_characters_that_would_break_the_file():
    response = build_xlsx(["Teksti"], [["a\x01b\x1f"]])
    assert xlsx_read(response).active["A2"].value == "ab"


def test_xlsx_with_no_rows_keeps_the_header_and_filter():
    response = build_xlsx(["a", "b"], [])
    sheet = xlsx_read(response).active
    assert sheet.auto_filter.ref == "A1:B1"
    assert [c.value for c in sheet[1]] == ["a", "b"]


def test_sheet_titles_are_made_valid_and_unique():
    titles = []
    for title in ["Tilastot/Rekisterit", "x" * 40, "x" * 40, "Sama", "sama", "", "[?]"]:
        titles.append(xlsx_sheet_title(title, titles))
    assert titles[0] == "Tilastot-Rekisterit"
    assert titles[1] == "x" * 31
    assert titles[2] == "x" * 27 + " (2)"
    assert titles[3:5] == ["Sama", "sama (2)"]
    assert titles[5] == "-"
    assert all(len(t) <= 31 for t in titles)
    assert len({t.casefold() for t in titles}) == len(titles)
