"""Spreadsheet exports shared by every list: Finnish-Excel CSV and typed XLSX, both streaming.

Text that a spreadsheet would read as a formula is neutralised in both formats.
"""

import csv
import datetime as dt
import re
import tempfile
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CSV_DATE_FORMAT = "%d.%m.%Y"
CSV_DATETIME_FORMAT = "%d.%m.%Y %H:%M"
XLSX_DATE_FORMAT = "d.m.yyyy"
XLSX_DATETIME_FORMAT = "d.m.yyyy h:mm"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSX_SHEET_TITLE_MAX = 31
XLSX_SHEET_TITLE_FORBIDDEN = re.compile(r"[\\/*?:\[\]]")


def neutralise(text: str) -> str:
    """Text that starts like a formula is prefixed with an apostrophe, so it stays text."""
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def _local(value: dt.datetime) -> dt.datetime:
    return timezone.localtime(value) if timezone.is_aware(value) else value


def csv_cell(value) -> str:
    """One value as Finnish Excel reads it: dd.mm.yyyy dates and decimal commas."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, dt.datetime):
        return _local(value).strftime(CSV_DATETIME_FORMAT)
    if isinstance(value, dt.date):
        return value.strftime(CSV_DATE_FORMAT)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float | Decimal):
        return str(value).replace(".", ",")
    return neutralise(str(value))


class _Echo:
    """A file-like object whose write returns the line, for csv.writer in a generator."""

    def write(self, value):
        return value


def _attachment(response, filename: str):
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


def csv_response(
    *, filename: str, header: Sequence[str], rows: Iterable[Sequence]
) -> StreamingHttpResponse:
    """A CSV that opens correctly in Finnish Excel (UTF-8 with BOM, `;` separated), streamed row
    by row so memory stays flat: pass `rows` as a generator over a server-side cursor
    (`queryset.iterator(chunk_size=...)`)."""
    writer = csv.writer(_Echo(), delimiter=";", lineterminator="\r\n")

    def lines():
        yield "\ufeff" + writer.writerow([csv_cell(str(title)) for title in header])
        for row in rows:
            yield writer.writerow([csv_cell(value) for value in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    return _attachment(response, filename)


def _xlsx_cell(sheet, value):
    if isinstance(value, dt.datetime):
        cell = WriteOnlyCell(sheet, value=_local(value).replace(tzinfo=None))
        cell.number_format = XLSX_DATETIME_FORMAT
        return cell
    if isinstance(value, dt.date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = XLSX_DATE_FORMAT
        return cell
    if isinstance(value, str):
        return _xlsx_text(value)
    return value


def _xlsx_text(value: str) -> str:
    """Control characters that XML cannot hold are dropped (a worksheet would refuse the whole
    file), then formula-like text is neutralised."""
    return neutralise(ILLEGAL_CHARACTERS_RE.sub("", value))


def xlsx_sheet_title(workbook: Workbook, title: str) -> str:
    """A sheet name Excel accepts: no []:*?/\\ characters, at most 31 characters, not empty and
    unique in the workbook (a number is added, inside the length limit, when needed)."""
    base = XLSX_SHEET_TITLE_FORBIDDEN.sub("-", ILLEGAL_CHARACTERS_RE.sub("", str(title)))
    base = base.strip().strip("'") or "-"
    taken = {name.casefold() for name in workbook.sheetnames}
    candidate = base[:XLSX_SHEET_TITLE_MAX]
    number = 1
    while candidate.casefold() in taken:
        number += 1
        suffix = f" ({number})"
        candidate = base[: XLSX_SHEET_TITLE_MAX - len(suffix)] + suffix
    return candidate


def xlsx_sheet(workbook: Workbook, *, title: str, header: Sequence[str], rows: Iterable[Sequence]):
    """Append a sheet with a bold, frozen, filtered header row and typed cells. Returns the
    number of data rows written."""
    sheet = workbook.create_sheet(title=xlsx_sheet_title(workbook, title))
    sheet.freeze_panes = "A2"
    header_cells = []
    for name in header:
        cell = WriteOnlyCell(sheet, value=_xlsx_text(str(name)))
        cell.font = Font(bold=True)
        header_cells.append(cell)
    sheet.append(header_cells)
    count = 0
    for row in rows:
        sheet.append([_xlsx_cell(sheet, value) for value in row])
        count += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(max(1, len(header)))}{count + 1}"
    return count


def xlsx_workbook() -> Workbook:
    """A write-only workbook: rows go to disk as they are appended, memory stays flat."""
    return Workbook(write_only=True)


def xlsx_response(workbook: Workbook, *, filename: str) -> FileResponse:
    """Save the workbook to a temporary file and stream it."""
    spool = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it when sent
    workbook.save(spool)
    spool.seek(0)
    response = FileResponse(spool, content_type=XLSX_CONTENT_TYPE)
    return _attachment(response, filename)
