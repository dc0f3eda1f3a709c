"""The shared spreadsheet exports (campaign/exports.py) that the leaderboard's CSV uses."""

import datetime as dt
import io
from decimal import Decimal

from django.utils import timezone
from openpyxl import load_workbook

from campaign.exports import XlsxSheet, csv_cell, csv_response, neutralise, xlsx_response


def test_formulas_in_user_text_are_neutralised():
    for text in ["=SUM(A1)", "+1", "-1", "@cmd", "\tx", "\rx"]:
        assert neutralise(text) == "'" + text
    assert neutralise("Kuntaliitto = hyvä") == "Kuntaliitto = hyvä"


def test_csv_cells_as_finnish_excel_reads_them():
    assert csv_cell(None) == ""
    assert csv_cell(True) == "1"
    assert csv_cell(-3) == "-3"
    assert csv_cell(Decimal("40.50")) == "40,50"
    assert csv_cell(0.25) == "0,25"
    assert csv_cell(dt.date(2026, 3, 2)) == "02.03.2026"
    moment = timezone.make_aware(dt.datetime(2026, 3, 2, 22, 30), dt.UTC)
    assert csv_cell(moment) == "03.03.2026 00:30"  # Helsinki time
    assert csv_cell("=HYPERLINK()") == "'=HYPERLINK()"


def test_csv_response_streams_utf8_with_bom_and_semicolons():
    response = csv_response(
        filename="x.csv", header=["Yksikkö", "Pisteet"], rows=iter([["Ä; Ö", Decimal("1.5")]])
    )
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body == '\ufeffYksikkö;Pisteet\r\n"Ä; Ö";1,5\r\n'
    assert response["Content-Disposition"] == 'attachment; filename="x.csv"'


def test_xlsx_cells_are_typed_and_text_neutralised():
    rows = [[dt.date(2026, 3, 2), 7, Decimal("2.5"), "=1+1"]]
    sheet = XlsxSheet(title="Tulostaulu", header=["a", "b", "c", "d"], rows=rows)
    response = xlsx_response(filename="x.xlsx", sheets=[sheet])
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)))["Tulostaulu"]
    date, number, decimal, text = (cell.value for cell in sheet[2])
    assert date == dt.datetime(2026, 3, 2)
    assert sheet["A2"].number_format == "d.m.yyyy"
    assert (number, decimal) == (7, 2.5)
    assert text == "=1+1"
    assert sheet["D2"].data_type == "s"
    assert sheet["D2"].quotePrefix
    assert sheet.freeze_panes == "A2"
