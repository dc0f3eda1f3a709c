"""Spreadsheet exports shared by every list: Finnish-Excel CSV and typed XLSX, both streaming.

Text that a spreadsheet would read as a formula stays text in both formats (OWASP's CSV injection
guidance): in CSV it is prefixed with an apostrophe; in XLSX the cell is typed as text, with the
"quote prefix" Excel itself sets when one types an apostrophe, so nothing extra shows in the cell.
"""

import csv
import datetime as dt
import re
import tempfile
import unicodedata
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

# What a formula may start with: OWASP's = + - @, tab and carriage return, and the line feed and
# NUL that other guidance (ASVS) adds.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n", "\x00")
# Leading characters a spreadsheet may skip before a formula: spaces of every kind, control and
# invisible formatting characters (a zero-width space, a byte-order mark).
_SKIPPED_CATEGORIES = {"Zs", "Zl", "Zp", "Cc", "Cf"}
CSV_DATE_FORMAT = "%d.%m.%Y"
CSV_DATETIME_FORMAT = "%d.%m.%Y %H:%M"
XLSX_DATE_FORMAT = "d.m.yyyy"
XLSX_DATETIME_FORMAT = "d.m.yyyy h:mm"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSX_SHEET_TITLE_MAX = 31
XLSX_SHEET_TITLE_FORBIDDEN = re.compile(r"[\\/*?:\[\]]")


def looks_like_formula(text: str) -> bool:
    """Whether a spreadsheet could read the text as a formula: it starts with one of
    FORMULA_PREFIXES once compatibility characters are folded (NFKC: a full-width ＝ or ＋, a small
    ﹦ are the plain ones) and leading spaces and invisible characters are skipped."""
    for character in unicodedata.normalize("NFKC", text):
        if character in FORMULA_PREFIXES:
            return True
        if unicodedata.category(character) not in _SKIPPED_CATEGORIES:
            return False
    return False


def neutralise(text: str) -> str:
    """Text that could be read as a formula is prefixed with an apostrophe, so it stays text."""
    if looks_like_formula(text):
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
        return _xlsx_text(sheet, value)
    return value


def _xlsx_text(sheet, value: str):
    """Text as a text cell. Control characters that XML cannot hold are dropped (a worksheet would
    refuse the whole file). openpyxl types a plain string as text, except one starting with = (a
    formula) or reading like an error value (#N/A); those, and any formula-like text, get a cell
    typed as text, with the quote prefix so that editing it in Excel keeps it text."""
    text = ILLEGAL_CHARACTERS_RE.sub("", value)
    formula_like = looks_like_formula(text)
    if not (formula_like or text.startswith("=") or text in ERROR_CODES):
        return text
    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"
    cell.quotePrefix = formula_like
    return cell


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
        cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", str(name)))
        cell.data_type = "s"
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
