"""Spreadsheet exports shared by every list: Finnish-Excel CSV and typed XLSX, both streamed.

Both are written as the rows are read, a batch at a time, so the first bytes leave at once and
memory stays flat however many rows there are. An XLSX file is a zip of XML parts: the standard
library's zipfile writes it to a stream it cannot seek back in (each part's size follows the part,
in a data descriptor), and each worksheet is written as SpreadsheetML row by row, with inline
strings so that nothing is kept for a shared-strings table.

Text that a spreadsheet would read as a formula stays text in both formats (OWASP's CSV injection
guidance): in CSV it is prefixed with an apostrophe; in XLSX every text is a text cell, and a
formula-like one has the "quote prefix" Excel itself sets when one types an apostrophe, so editing
it keeps it text and nothing extra shows in the cell.
"""

import csv
import datetime as dt
import io
import itertools
import re
import string
import time
import unicodedata
import zipfile
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from xml.sax.saxutils import escape, quoteattr

from django.http import StreamingHttpResponse
from django.utils import timezone, translation
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel

# What a formula may start with: OWASP's = + - @, tab and carriage return, and the line feed and
# NUL that other guidance (ASVS) adds.
FORMULA_PREFIXES = frozenset(("=", "+", "-", "@", "\t", "\r", "\n", "\x00"))
# Leading characters a spreadsheet may skip before a formula: spaces of every kind, control and
# invisible formatting characters (a zero-width space, a byte-order mark).
_SKIPPED_CATEGORIES = {"Zs", "Zl", "Zp", "Cc", "Cf"}
_ASCII_SKIPPED = frozenset([*map(chr, range(0x20)), " ", "\x7f"])
XLSX_DATE_FORMAT = "d.m.yyyy"
XLSX_DATETIME_FORMAT = "d.m.yyyy h:mm"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSX_SHEET_TITLE_MAX = 31
XLSX_SHEET_TITLE_FORBIDDEN = re.compile(r"[\\/*?:\[\]]")
# Rows written between two chunks of a response: some tens of kilobytes each.
BATCH_ROWS = 500
# A fitted column is as wide as its longest value (in characters), within these bounds.
XLSX_MIN_WIDTH = 8
XLSX_MAX_WIDTH = 60


def looks_like_formula(text: str) -> bool:
    """Whether a spreadsheet could read the text as a formula: it starts with one of
    FORMULA_PREFIXES once leading spaces and invisible characters are skipped, each character
    folded by NFKC (a full-width ＝ or ＋, a small ﹦ are the plain ones)."""
    for character in text:
        if character.isascii():
            # ASCII folds to itself: the common case, without a Unicode look-up.
            if character in FORMULA_PREFIXES:
                return True
            if character in _ASCII_SKIPPED:
                continue
            return False
        for folded in unicodedata.normalize("NFKC", character):
            if folded in FORMULA_PREFIXES:
                return True
            if unicodedata.category(folded) not in _SKIPPED_CATEGORIES:
                return False
    return False


# Text starting with one of these needs no closer look: the common case, kept cheap.
_PLAIN_FIRST = frozenset(string.ascii_letters + string.digits)


def neutralise(text: str) -> str:
    """Text that could be read as a formula is prefixed with an apostrophe, so it stays text."""
    if text[:1] in _PLAIN_FIRST or not looks_like_formula(text):
        return text
    return "'" + text


def _csv_date(value: dt.date) -> str:
    return f"{value.day:02}.{value.month:02}.{value.year:04}"


def _csv_number(value) -> str:
    return str(value).replace(".", ",")


def _csv_cells():
    """A function writing one row's values as Finnish Excel reads them: dd.mm.yyyy dates,
    dd.mm.yyyy hh:mm local times, decimal commas, 1 and 0 for yes and no, neutralised text. The
    time zone is looked up once, not once a value."""
    zone = timezone.get_current_timezone()

    def local(value: dt.datetime) -> str:
        if value.tzinfo is not None:
            value = value.astimezone(zone)
        return f"{_csv_date(value)} {value.hour:02}:{value.minute:02}"

    def other(value) -> str:
        if isinstance(value, bool):
            return "1" if value else "0"
        if isinstance(value, dt.datetime):
            return local(value)
        if isinstance(value, dt.date):
            return _csv_date(value)
        if isinstance(value, int):
            return str(value)
        if isinstance(value, float | Decimal):
            return _csv_number(value)
        return neutralise(str(value))

    by_type = {
        str: neutralise,
        type(None): lambda _value: "",
        bool: lambda value: "1" if value else "0",
        int: str,
        dt.date: _csv_date,
        dt.datetime: local,
        float: _csv_number,
        Decimal: _csv_number,
    }
    get = by_type.get

    def cells(row: Sequence) -> list[str]:
        return [get(type(value), other)(value) for value in row]

    return cells


def csv_cell(value) -> str:
    """One value as Finnish Excel reads it (see `_csv_cells`)."""
    return _csv_cells()([value])[0]


def _batches(rows: Iterable[Sequence]) -> Iterator[list[Sequence]]:
    rows = iter(rows)
    while batch := list(itertools.islice(rows, BATCH_ROWS)):
        yield batch


def _as_requested(chunks: Iterator[bytes]) -> Iterator[bytes]:
    """`chunks` made in the language and time zone of the request, which the server may have
    finished by the time it reads them: labels and local times are those the person asked for."""
    language = translation.get_language()
    zone = timezone.get_current_timezone()

    def made():
        with translation.override(language), timezone.override(zone):
            yield from chunks

    return made()


def _attachment(response, filename: str):
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    # A proxy in front (nginx) passes the rows on as they come instead of collecting the file.
    response["X-Accel-Buffering"] = "no"
    return response


def csv_response(
    *, filename: str, header: Sequence[str], rows: Iterable[Sequence]
) -> StreamingHttpResponse:
    """A CSV that opens correctly in Finnish Excel (UTF-8 with BOM, `;` separated), streamed in
    batches of rows so memory stays flat: pass `rows` as a generator over a server-side cursor
    (`queryset.iterator(chunk_size=...)`). The header leaves before the first row is read."""

    def chunks():
        cells = _csv_cells()
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
        buffer.write("\ufeff")
        writer.writerow(cells([str(title) for title in header]))
        yield buffer.getvalue().encode()
        for batch in _batches(rows):
            buffer.seek(0)
            buffer.truncate()
            writer.writerows(map(cells, batch))
            yield buffer.getvalue().encode()

    response = StreamingHttpResponse(
        _as_requested(chunks()), content_type="text/csv; charset=utf-8"
    )
    return _attachment(response, filename)


# --- XLSX ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class XlsxSheet:
    """One worksheet: a bold, frozen, filtered header row, then a row per item of `rows`.
    `widths` sets the columns' widths in characters (`fitted_widths`); otherwise Excel's own."""

    title: str
    header: Sequence[str]
    rows: Iterable[Sequence]
    widths: Sequence[float] = ()


@dataclass(frozen=True)
class Formatted:
    """A number shown in a spreadsheet format of XLSX_NUMBER_FORMATS: a share of 0.867 as "0.0%"
    shows 86.7 % and stays a number a spreadsheet calculates with."""

    value: Decimal | float | int | None
    number_format: str


def _shown_width(value) -> int:
    """About how many characters a cell's value takes on screen."""
    if value is None:
        return 0
    if isinstance(value, Formatted):
        return len(str(value.value)) + ("%" in value.number_format)
    if isinstance(value, dt.datetime):
        return len(XLSX_DATETIME_FORMAT) + 3
    if isinstance(value, dt.date):
        return len(XLSX_DATE_FORMAT) + 2
    return max((len(line) for line in str(value).splitlines()), default=0)


def fitted_widths(header: Sequence[str], rows: Sequence[Sequence]) -> list[float]:
    """Each column as wide as its longest value or heading (the bold heading with its filter
    button takes a few characters more), within XLSX_MIN_WIDTH and XLSX_MAX_WIDTH. For rows
    already in memory: a report's, not a streamed list's."""
    widths = []
    for index, title in enumerate(header):
        widest = max(
            [len(str(title)) + 3, *(_shown_width(row[index]) for row in rows if index < len(row))]
        )
        widths.append(min(XLSX_MAX_WIDTH, max(XLSX_MIN_WIDTH, widest + 1)))
    return widths


def xlsx_sheet_title(title: str, taken: Collection[str] = ()) -> str:
    """A sheet name Excel accepts: no []:*?/\\ characters, at most 31 characters, not empty and
    unique among `taken` (compared case-blind; a number is added, inside the limit, when needed)."""
    base = XLSX_SHEET_TITLE_FORBIDDEN.sub("-", ILLEGAL_CHARACTERS_RE.sub("", str(title)))
    base = base.strip().strip("'") or "-"
    taken = {name.casefold() for name in taken}
    candidate = base[:XLSX_SHEET_TITLE_MAX]
    number = 1
    while candidate.casefold() in taken:
        number += 1
        suffix = f" ({number})"
        candidate = base[: XLSX_SHEET_TITLE_MAX - len(suffix)] + suffix
    return candidate


_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE_RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"
_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
# Every .xml part without an override is a worksheet, so the manifest can go first, before it is
# known how many sheets follow.
_CONTENT_TYPES = (
    _XML + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    _XML + f'<Relationships xmlns="{_PACKAGE_RELATIONSHIPS}">'
    f'<Relationship Id="rId1" Type="{_RELATIONSHIPS}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
# Cell styles by index: 0 plain, 1 the bold header, 2 a date, 3 a date and time, 4 text with the
# quote prefix, then one for each number format of XLSX_NUMBER_FORMATS.
_HEADER, _DATE, _DATETIME, _QUOTED = (f' s="{n}"' for n in range(1, 5))
# The number formats a `Formatted` cell may have: format → (its id: Excel's built-in one or ours
# from 166 up, the cell style that applies it).
XLSX_NUMBER_FORMATS = {
    "0": 1,
    "0.0": 166,
    "0.00": 2,
    "0%": 9,
    "0.0%": 167,
    "0.00%": 10,
}
_NUMBER_STYLES = {code: f' s="{5 + n}"' for n, code in enumerate(XLSX_NUMBER_FORMATS)}
_CUSTOM_FORMATS = "".join(
    f'<numFmt numFmtId="{number}" formatCode="{code}"/>'
    for code, number in XLSX_NUMBER_FORMATS.items()
    if number >= 164
)
_NUMBER_XFS = "".join(
    f'<xf numFmtId="{number}" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    for number in XLSX_NUMBER_FORMATS.values()
)
_STYLES = (
    _XML + f'<styleSheet xmlns="{_MAIN}">'
    f'<numFmts count="{2 + _CUSTOM_FORMATS.count("<numFmt ")}">'
    f'<numFmt numFmtId="164" formatCode="{XLSX_DATE_FORMAT}"/>'
    f'<numFmt numFmtId="165" formatCode="{XLSX_DATETIME_FORMAT}"/>{_CUSTOM_FORMATS}</numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    f'<cellXfs count="{5 + len(XLSX_NUMBER_FORMATS)}">'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" quotePrefix="1"/>'
    f"{_NUMBER_XFS}</cellXfs>"
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)
_SHEET_START = (
    _XML + f'<worksheet xmlns="{_MAIN}" xmlns:r="{_RELATIONSHIPS}">'
    '<sheetViews><sheetView workbookViewId="0">'
    '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
    '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/>'
    "</sheetView></sheetViews>"
    '<sheetFormatPr defaultRowHeight="15"/>'
)


def _text_cell(column: str, number: int, text: str, style: str = "") -> str:
    """Text as a text cell, never a formula; no cell for empty text. Control characters that XML
    cannot hold are dropped (a worksheet would refuse the whole file); formula-like text gets the
    quote prefix."""
    if not text.isprintable():
        text = ILLEGAL_CHARACTERS_RE.sub("", text)
    if not text:
        return ""
    if not style and text[:1] not in _PLAIN_FIRST and looks_like_formula(text):
        style = _QUOTED
    if "&" in text or "<" in text or ">" in text:
        text = escape(text)
    space = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() else ""
    return f'<c r="{column}{number}" t="inlineStr"{style}><is><t{space}>{text}</t></is></c>'


# Excel's day 0 is 30.12.1899; openpyxl's conversion knows Excel's mistakes before 1.3.1900.
_EXCEL_DAY_0 = dt.date(1899, 12, 30).toordinal()
_EXCEL_FIRST_RIGHT_DAY = 61


def _excel_day(value: dt.date):
    day = value.toordinal() - _EXCEL_DAY_0
    return day if day >= _EXCEL_FIRST_RIGHT_DAY else to_excel(value)


def _xlsx_cells():
    """A function writing one row as worksheet XML, each cell typed by its value: text, number,
    date (local time for a moment), true/false, or no cell for None. The time zone is looked up
    once, not once a value."""
    zone = timezone.get_current_timezone()

    def number_cell(column, number, value):
        return f'<c r="{column}{number}"><v>{value}</v></c>'

    def boolean(column, number, value):
        return f'<c r="{column}{number}" t="b"><v>{int(value)}</v></c>'

    def date(column, number, value):
        return f'<c r="{column}{number}"{_DATE}><v>{_excel_day(value)}</v></c>'

    def moment(column, number, value):
        if value.tzinfo is not None:
            value = value.astimezone(zone).replace(tzinfo=None)
        day = _excel_day(value)
        if day >= _EXCEL_FIRST_RIGHT_DAY:
            seconds = value.hour * 3600 + value.minute * 60 + value.second
            serial = day + (seconds + value.microsecond / 1e6) / 86400
        else:
            serial = to_excel(value)
        return f'<c r="{column}{number}"{_DATETIME}><v>{serial}</v></c>'

    def formatted(column, number, value):
        if value.value is None:
            return ""
        style = _NUMBER_STYLES[value.number_format]
        return f'<c r="{column}{number}"{style}><v>{float(value.value)}</v></c>'

    def other(column, number, value):
        if isinstance(value, bool):
            return boolean(column, number, value)
        if isinstance(value, int):
            return number_cell(column, number, int(value))
        if isinstance(value, float | Decimal):
            return number_cell(column, number, float(value))
        if isinstance(value, dt.datetime):
            return moment(column, number, value)
        if isinstance(value, dt.date):
            return date(column, number, value)
        return _text_cell(column, number, str(value))

    by_type = {
        str: _text_cell,
        type(None): lambda _column, _number, _value: "",
        bool: boolean,
        int: number_cell,
        float: number_cell,
        Decimal: number_cell,
        dt.date: date,
        dt.datetime: moment,
        Formatted: formatted,
    }
    get = by_type.get

    def cells(columns: Sequence[str], number: int, row: Sequence) -> str:
        return "".join(
            [
                get(type(value), other)(column, number, value)
                for column, value in zip(columns, row, strict=False)
            ]
        )

    return cells


def _sheet_xml(sheet: XlsxSheet, filters: list[str]) -> Iterator[str]:
    """The worksheet as XML text in batches of rows; the range of its filter (the header and every
    row) is appended to `filters` at the end."""
    cells = _xlsx_cells()
    columns = [get_column_letter(n + 1) for n in range(max(1, len(sheet.header)))]
    header = "".join(
        _text_cell(column, 1, str(title), _HEADER)
        for column, title in zip(columns, sheet.header, strict=False)
    )
    widths = "".join(
        f'<col min="{n}" max="{n}" width="{width}" customWidth="1"/>'
        for n, width in enumerate(sheet.widths, start=1)
    )
    columns_xml = f"<cols>{widths}</cols>" if widths else ""
    yield f'{_SHEET_START}{columns_xml}<sheetData><row r="1">{header}</row>'
    number = 1
    for batch in _batches(sheet.rows):
        lines = []
        for row in batch:
            number += 1
            lines.append(f'<row r="{number}">{cells(columns, number, row)}</row>')
        yield "".join(lines)
    yield f'</sheetData><autoFilter ref="A1:{columns[-1]}{number}"/></worksheet>'
    filters.append(f"$A$1:${columns[-1]}${number}")


def _workbook_xml(titles: list[str], filters: list[str]) -> str:
    """The part naming the sheets, with each sheet's filter range as Excel records it."""
    sheets = "".join(
        f'<sheet name={quoteattr(title)} sheetId="{n}" r:id="rId{n}"/>'
        for n, title in enumerate(titles, start=1)
    )
    names = "".join(
        f'<definedName name="_xlnm._FilterDatabase" localSheetId="{n}" hidden="1">'
        f"{escape(_sheet_name(title))}!{reference}</definedName>"
        for n, (title, reference) in enumerate(zip(titles, filters, strict=True))
    )
    return (
        _XML + f'<workbook xmlns="{_MAIN}" xmlns:r="{_RELATIONSHIPS}">'
        '<bookViews><workbookView activeTab="0"/></bookViews>'
        f"<sheets>{sheets}</sheets><definedNames>{names}</definedNames></workbook>"
    )


def _sheet_name(title: str) -> str:
    """A sheet's name as a formula or a defined name refers to it."""
    return "'" + title.replace("'", "''") + "'"


def _workbook_rels(count: int) -> str:
    sheets = "".join(
        f'<Relationship Id="rId{n}" Type="{_RELATIONSHIPS}/worksheet" '
        f'Target="worksheets/sheet{n}.xml"/>'
        for n in range(1, count + 1)
    )
    return (
        _XML + f'<Relationships xmlns="{_PACKAGE_RELATIONSHIPS}">{sheets}'
        f'<Relationship Id="rId{count + 1}" Type="{_RELATIONSHIPS}/styles" Target="styles.xml"/>'
        "</Relationships>"
    )


class _Pending:
    """What zipfile writes, kept until the response takes it. It cannot seek, so zipfile writes
    each part's sizes after the part instead of going back to its header."""

    def __init__(self):
        self._chunks: list[bytes] = []

    def write(self, data) -> int:
        self._chunks.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data = b"".join(self._chunks)
        self._chunks.clear()
        return data


def xlsx_stream(sheets: Iterable[XlsxSheet]) -> Iterator[bytes]:
    """The workbook's bytes as they are made: the fixed parts first, then each sheet row by row
    (`sheets` and each sheet's rows may be generators, read once, in order), the workbook part
    that names the sheets last."""
    pending = _Pending()
    now = time.localtime()[:6]
    with zipfile.ZipFile(pending, "w", compression=zipfile.ZIP_DEFLATED) as archive:

        def part(name: str):
            info = zipfile.ZipInfo(name, now)
            info.compress_type = zipfile.ZIP_DEFLATED
            return archive.open(info, "w")

        for name, text in [
            ("[Content_Types].xml", _CONTENT_TYPES),
            ("_rels/.rels", _ROOT_RELS),
            ("xl/styles.xml", _STYLES),
        ]:
            with part(name) as entry:
                entry.write(text.encode())
        yield pending.take()
        titles: list[str] = []
        filters: list[str] = []
        for sheet in sheets:
            titles.append(xlsx_sheet_title(sheet.title, titles))
            with part(f"xl/worksheets/sheet{len(titles)}.xml") as entry:
                for text in _sheet_xml(sheet, filters):
                    entry.write(text.encode())
                    if data := pending.take():
                        yield data
        with part("xl/workbook.xml") as entry:
            entry.write(_workbook_xml(titles, filters).encode())
        with part("xl/_rels/workbook.xml.rels") as entry:
            entry.write(_workbook_rels(len(titles)).encode())
    yield pending.take()


def xlsx_response(*, filename: str, sheets: Iterable[XlsxSheet]) -> StreamingHttpResponse:
    """A typed workbook, streamed: its first bytes leave before the first row is read."""
    response = StreamingHttpResponse(
        _as_requested(xlsx_stream(sheets)), content_type=XLSX_CONTENT_TYPE
    )
    return _attachment(response, filename)
