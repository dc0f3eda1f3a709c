"""Reading the organisation's own spreadsheets (units, staff, clients) and planning an import.

`read_table` turns a CSV or XLSX upload into header and rows, or raises `ImportFileError` with a
message a coordinator can act on. `import_plan` compares each row with the database and says what
would happen to it (create, update, unchanged, reject with the reason) without writing anything;
`campaign.services.organisation_import` writes a plan in one transaction.
"""

import codecs
import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models
from django.utils.translation import get_language, gettext, pgettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from openpyxl import load_workbook

from campaign.models import (
    Client,
    ClientKind,
    Staff,
    Unit,
    business_id_validator,
    client_name_key,
    normalised_client_name,
)

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
XLSX_MAGIC = b"PK\x03\x04"


class ImportKind(models.TextChoices):
    UNITS = "units", _("Units")
    STAFF = "staff", _("Staff")
    CLIENTS = "clients", _("Clients")


class Action(models.TextChoices):
    CREATE = "create", _("Created")
    UPDATE = "update", _("Updated")
    UNCHANGED = "unchanged", _("Unchanged")
    REJECT = "reject", _("Rejected")


class ImportFileError(Exception):
    """The file as a whole cannot be read; the message says why and what to do."""


@dataclass
class Table:
    headers: list[str]
    rows: list[tuple[int, list[str]]]
    notes: list[str] = field(default_factory=list)

    def as_session(self) -> dict:
        return {"headers": self.headers, "rows": self.rows, "notes": self.notes}

    @classmethod
    def from_session(cls, data: dict) -> "Table":
        return cls(
            headers=data["headers"],
            rows=[(line, cells) for line, cells in data["rows"]],
            notes=data["notes"],
        )


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value).strip()


def _read_xlsx(content: bytes) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The first worksheet's rows. Any file openpyxl cannot read (a zip that is not a workbook,
    broken XML, ...) is the coordinator's file problem, not a server error."""
    rows = []
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        try:
            sheet = workbook.worksheets[0]
            for line, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                cells = [_cell_text(value) for value in values]
                if any(cells):
                    rows.append((line, cells))
                if len(rows) > MAX_ROWS + 1:
                    break
        finally:
            workbook.close()
    except Exception as error:
        raise ImportFileError(
            gettext("The file is not a readable Excel workbook. Save it again as XLSX or CSV.")
        ) from error
    return _split_header(rows)


def _decode(content: bytes, notes: list[str]) -> str:
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Excel's "Unicode text" export.
        try:
            return content.decode("utf-16")
        except UnicodeDecodeError as error:
            raise ImportFileError(
                gettext(
                    "The characters in the file could not be read. Save it as “CSV UTF-8” and "
                    "upload it again."
                )
            ) from error
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        text = content.decode("cp1252")
    except UnicodeDecodeError:
        text = content.decode("latin-1")
    notes.append(
        gettext(
            "The file was not UTF-8, so it was read as Windows-1252 (Western European). Check "
            "that letters such as ä, ö and å look right below; if not, save the file as "
            "“CSV UTF-8” and upload it again."
        )
    )
    return text


def _delimiter(text: str) -> str:
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    return max([";", ",", "\t"], key=first_line.count)


def _read_csv(content: bytes, notes: list[str]) -> tuple[list[str], list[tuple[int, list[str]]]]:
    text = _decode(content, notes)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    rows = []
    try:
        for values in reader:
            cells = [value.strip() for value in values]
            if any(cells):
                rows.append((reader.line_num, cells))
            if len(rows) > MAX_ROWS + 1:
                break
    except csv.Error as error:
        raise ImportFileError(
            gettext("The CSV file is broken near line %(line)s: %(error)s")
            % {"line": reader.line_num, "error": error}
        ) from error
    return _split_header(rows)


def _split_header(rows):
    """The first non-empty row names the columns; `rows` holds only non-empty rows."""
    if not rows:
        raise ImportFileError(gettext("The file is empty."))
    (_line, header), *body = rows
    if len(body) > MAX_ROWS:
        raise ImportFileError(
            gettext("The file has more than %(max)s rows. Split it into smaller files.")
            % {"max": f"{MAX_ROWS:,}".replace(",", " ")}
        )
    return header, body


def read_table(*, content: bytes, filename: str = "") -> Table:
    """The header row and the non-empty rows of a CSV or XLSX file."""
    if not content:
        raise ImportFileError(gettext("The file is empty."))
    if len(content) > MAX_FILE_BYTES:
        raise ImportFileError(
            gettext("The file is too large (at most %(mb)s MB). Split it into smaller files.")
            % {"mb": MAX_FILE_BYTES // (1024 * 1024)}
        )
    notes: list[str] = []
    if content.startswith(XLSX_MAGIC):
        headers, rows = _read_xlsx(content)
    elif b"\x00" in content[:4096] and not content.startswith(
        (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
    ):
        raise ImportFileError(
            gettext(
                "This is not a CSV or XLSX file. In Excel, choose “Save as” and pick "
                "“Excel workbook (.xlsx)” or “CSV UTF-8”."
            )
        )
    else:
        headers, rows = _read_csv(content, notes)
    return Table(headers=headers, rows=rows, notes=notes)


# Column names accepted for each field, in English, Finnish and Swedish, after `_normalise`.
COLUMNS = {
    ImportKind.UNITS: {
        "code": {"code", "unit code", "koodi", "yksikön koodi", "yksikkökoodi", "tunnus", "kod"},
        "name": {"name", "unit", "unit name", "nimi", "yksikkö", "yksikön nimi", "namn", "enhet"},
        "department": {
            "department",
            "department code",
            "parent",
            "parent code",
            "osasto",
            "osaston koodi",
            "osastokoodi",
            "avdelning",
            "avdelningskod",
        },
    },
    ImportKind.STAFF: {
        "username": {"username", "user name", "login", "käyttäjätunnus", "användarnamn"},
        "email": {
            "email",
            "e mail",
            "email address",
            "sähköposti",
            "sähköpostiosoite",
            "e post",
        },
        "first_name": {"first name", "firstname", "given name", "etunimi", "förnamn"},
        "last_name": {"last name", "lastname", "surname", "family name", "sukunimi", "efternamn"},
        "unit": {
            "unit",
            "unit code",
            "yksikkö",
            "yksikön koodi",
            "yksikkökoodi",
            "enhet",
            "enhetskod",
        },
        "title": {"title", "job title", "nimike", "tehtävänimike", "titel"},
        "is_leadership": {
            "leadership",
            "leadership team",
            "management team",
            "johtoryhmä",
            "johtoryhmän jäsen",
            "johto",
            "ledningsgrupp",
        },
        "language": {"language", "kieli", "asiointikieli", "språk"},
    },
    ImportKind.CLIENTS: {
        "name": {"name", "client", "client name", "nimi", "asiakas", "asiakkaan nimi", "namn"},
        "kind": {"kind", "type", "client kind", "laji", "tyyppi", "asiakastyyppi", "typ"},
        "region": {"region", "alue", "maakunta", "landskap"},
        "business_id": {"business id", "y tunnus", "ytunnus", "fo nummer", "fo signum"},
        "is_partner": {"partner", "kumppani", "kumppanuus"},
    },
}
REQUIRED = {
    ImportKind.UNITS: [("code",), ("name",)],
    ImportKind.STAFF: [("username", "email"), ("first_name",), ("last_name",), ("unit",)],
    ImportKind.CLIENTS: [("name",)],
}
FIELD_LABELS = {
    "code": _("code"),
    "name": _("name"),
    "department": _("department"),
    "username": _("username"),
    "email": _("e-mail"),
    "first_name": _("first name"),
    "last_name": _("last name"),
    "unit": _("unit"),
    "title": pgettext_lazy("job title", "title"),
    "is_leadership": _("leadership"),
    "language": _("language"),
    "kind": _("kind"),
    "region": _("region"),
    "business_id": _("business ID"),
    "is_partner": _("partner"),
}
# A first row the import accepts, in the user's language, for the message about missing columns.
EXAMPLE_HEADERS = {
    "en": {
        ImportKind.UNITS: "code; name; department",
        ImportKind.STAFF: "username; email; first name; last name; unit; title; leadership; "
        "language",
        ImportKind.CLIENTS: "name; kind; region; business id; partner",
    },
    "fi": {
        ImportKind.UNITS: "koodi; nimi; osasto",
        ImportKind.STAFF: "käyttäjätunnus; sähköposti; etunimi; sukunimi; yksikkö; nimike; "
        "johtoryhmä; kieli",
        ImportKind.CLIENTS: "nimi; tyyppi; maakunta; y-tunnus; kumppani",
    },
    "sv": {
        ImportKind.UNITS: "kod; namn; avdelning",
        ImportKind.STAFF: "användarnamn; e-post; förnamn; efternamn; enhet; titel; ledningsgrupp; "
        "språk",
        ImportKind.CLIENTS: "namn; typ; landskap; fo-nummer; partner",
    },
}


def example_headers(kind: str) -> str:
    """The example first row in the active language (English when there is none for it)."""
    language = (get_language() or "en").split("-")[0]
    return EXAMPLE_HEADERS.get(language, EXAMPLE_HEADERS["en"])[kind]


KIND_WORDS = {
    ClientKind.MUNICIPALITY: {"kunta", "kaupunki", "kommun", "stad", "municipality"},
    ClientKind.WELLBEING_COUNTY: {
        "hyvinvointialue",
        "wellbeing county",
        "wellbeing services county",
        "välfärdsområde",
    },
    ClientKind.MINISTRY_AGENCY: {
        "ministeriö",
        "virasto",
        "ministeriö tai virasto",
        "ministry",
        "agency",
        "ministry or agency",
        "ministerium",
        "myndighet",
    },
    ClientKind.NGO: {"järjestö", "yhdistys", "ngo", "organisation", "förening"},
    ClientKind.UNIVERSITY: {
        "yliopisto",
        "korkeakoulu",
        "tutkimuslaitos",
        "yliopisto tai tutkimuslaitos",
        "university",
        "research institute",
        "university or research institute",
        "universitet",
        "högskola",
    },
    ClientKind.COMPANY: {"yritys", "company", "företag", "yhtiö"},
    ClientKind.OTHER: {"muu", "other", "annan", "övrig"},
}
YES = {"1", "x", "yes", "y", "true", "kyllä", "k", "ja", "on"}
NO = {"", "0", "no", "n", "false", "ei", "e", "nej", "off", "-"}


def _normalise(text: str) -> str:
    text = text.strip().lower().replace("\ufeff", "")
    text = re.sub(r"[-_.*:/()]+", " ", text)
    return re.sub(r"\s+", " ", text).strip()


# A person's language (their mails are written in it), as a staff file may name it.
LANGUAGE_WORDS = {
    "fi": {"fi", "fin", "suomi", "finnish", "finska"},
    "sv": {"sv", "swe", "ruotsi", "swedish", "svenska"},
    "en": {"en", "eng", "englanti", "english", "engelska"},
}


def _language(value: str, *, label: str) -> str:
    word = _normalise(value)
    for code, words in LANGUAGE_WORDS.items():
        if word in words:
            return code
    raise RowRejected(
        gettext("%(field)s must be fi, sv or en (suomi, svenska, english), not “%(value)s”.")
        % {"field": label, "value": value}
    )


def _kind_lookup() -> dict[str, str]:
    lookup = {}
    for kind, words in KIND_WORDS.items():
        lookup[_normalise(kind.value)] = kind.value
        for word in words:
            lookup[_normalise(word)] = kind.value
    return lookup


KIND_LOOKUP = _kind_lookup()


def map_columns(*, kind: str, headers: list[str]) -> tuple[dict[str, int], list[str]]:
    """Which column holds each field, and the columns that were ignored.

    Raises ImportFileError naming the missing columns and the accepted names."""
    aliases = COLUMNS[kind]
    columns: dict[str, int] = {}
    ignored = []
    for index, header in enumerate(headers):
        name = _normalise(header)
        target = next((f for f, names in aliases.items() if name in names), None)
        if target is None or target in columns:
            if header.strip():
                ignored.append(header.strip())
            continue
        columns[target] = index
    missing = [group for group in REQUIRED[kind] if not any(f in columns for f in group)]
    if missing:
        raise ImportFileError(
            gettext(
                "The file has no column for: %(missing)s. The first row must name the columns, "
                "for example: %(example)s."
            )
            % {
                "missing": ", ".join(
                    gettext(" or ").join(str(FIELD_LABELS[f]) for f in group) for group in missing
                ),
                "example": example_headers(kind),
            }
        )
    return columns, ignored


@dataclass
class RowOutcome:
    line: int
    key: str
    action: str
    changes: list[str] = field(default_factory=list)
    reason: str = ""

    @property
    def action_label(self) -> str:
        return Action(self.action).label


class RowRejected(Exception):
    pass


@dataclass
class ImportPlan:
    kind: str
    outcomes: list[RowOutcome]
    notes: list[str]
    to_create: list = field(default_factory=list)
    to_update: list = field(default_factory=list)
    update_fields: list[str] = field(default_factory=list)

    def count(self, action: str) -> int:
        return sum(1 for outcome in self.outcomes if outcome.action == action)

    @property
    def counts(self) -> dict[str, int]:
        return {action: self.count(action) for action in Action.values}

    @property
    def rejected(self) -> list[RowOutcome]:
        return [o for o in self.outcomes if o.action == Action.REJECT]

    @property
    def has_changes(self) -> bool:
        return bool(self.to_create or self.to_update)


def _max(model, field: str) -> int:
    """The longest value the model keeps in the field: the import refuses longer ones."""
    return model._meta.get_field(field).max_length


class _Row:
    """One row's cells by field name, with the length and format checks every kind shares."""

    def __init__(self, cells: list[str], columns: dict[str, int]):
        self.cells = cells
        self.columns = columns

    def has(self, name: str) -> bool:
        return name in self.columns

    def get(self, name: str, *, max_length: int | None = None, label: str = "") -> str:
        index = self.columns.get(name)
        value = self.cells[index].strip() if index is not None and index < len(self.cells) else ""
        if max_length and len(value) > max_length:
            raise RowRejected(
                gettext("%(field)s is longer than %(max)s characters.")
                % {"field": label or name, "max": max_length}
            )
        if max_length and "\x00" in value:
            raise RowRejected(
                gettext("%(field)s contains a NUL character, which cannot be stored.")
                % {"field": label or name}
            )
        return value

    def flag(self, name: str, *, label: str) -> bool:
        value = _normalise(self.get(name))
        if value in YES:
            return True
        if value in NO:
            return False
        raise RowRejected(
            gettext("%(field)s must be yes or no (kyllä/ei, 1/0), not “%(value)s”.")
            % {"field": label, "value": self.get(name)}
        )


def _diff(obj, values: dict, labels: dict) -> list[str]:
    changes = []
    for name, value in values.items():
        old = getattr(obj, name)
        if old != value:
            changes.append(f"{labels.get(name, name)}: {_show(old)} → {_show(value)}")
            setattr(obj, name, value)
    return changes


def _show(value) -> str:
    if value is True:
        return gettext("yes")
    if value is False:
        return gettext("no")
    if value in (None, ""):
        return "–"
    return str(value)


def _duplicate(line: int) -> RowRejected:
    return RowRejected(gettext("The same row as on line %(line)s.") % {"line": line})


def _plan_units(table: Table, columns: dict[str, int], plan: ImportPlan) -> None:
    existing = {unit.code.casefold(): unit for unit in Unit.objects.select_related("parent")}
    labels = {"name": gettext("name"), "parent": gettext("department")}
    parsed = []
    seen: dict[str, int] = {}
    for line, cells in table.rows:
        row = _Row(cells, columns)
        try:
            code = row.get("code", max_length=_max(Unit, "code"), label=gettext("code"))
            name = row.get("name", max_length=_max(Unit, "name"), label=gettext("name"))
            parent_code = row.get(
                "department", max_length=_max(Unit, "code"), label=gettext("department")
            )
            if not code:
                raise RowRejected(gettext("The code is missing."))
            if not name:
                raise RowRejected(gettext("The name is missing."))
            if code.casefold() in seen:
                raise _duplicate(seen[code.casefold()])
            if parent_code.casefold() == code.casefold():
                raise RowRejected(gettext("A unit cannot be its own department."))
            seen[code.casefold()] = line
            parsed.append((line, code, name, parent_code))
        except RowRejected as error:
            plan.outcomes.append(
                RowOutcome(line, row.get("code"), Action.REJECT, reason=str(error))
            )

    in_file = {code.casefold(): parent for _l, code, _n, parent in parsed}

    def is_department(code: str) -> bool:
        folded = code.casefold()
        if folded in in_file:
            return not in_file[folded]
        unit = existing.get(folded)
        return unit is not None and unit.parent_id is None

    has_units = set(Unit.objects.filter(parent__isnull=False).values_list("parent_id", flat=True))
    for line, code, name, parent_code in parsed:
        try:
            if parent_code and parent_code.casefold() not in in_file | existing:
                raise RowRejected(
                    gettext("Unknown department “%(code)s”: add it to the file or import it first.")
                    % {"code": parent_code}
                )
            if parent_code and not is_department(parent_code):
                raise RowRejected(
                    gettext("“%(code)s” is itself inside a department; units nest two levels.")
                    % {"code": parent_code}
                )
            unit = existing.get(code.casefold())
            if parent_code and unit is not None and unit.pk in has_units:
                raise RowRejected(
                    gettext("“%(code)s” has units under it, so it cannot go inside a department.")
                    % {"code": code}
                )
        except RowRejected as error:
            plan.outcomes.append(RowOutcome(line, code, Action.REJECT, reason=str(error)))
            continue
        parent = existing.get(parent_code.casefold()) if parent_code else None
        if unit is None:
            unit = Unit(code=code, name=name, parent=parent)
            unit._parent_code = parent_code  # resolved after the departments are created
            plan.to_create.append(unit)
            plan.outcomes.append(RowOutcome(line, code, Action.CREATE))
            continue
        unit._parent_code = parent_code
        changes = _diff(unit, {"name": name}, labels)
        old_parent = unit.parent.code if unit.parent_id else ""
        if old_parent.casefold() != parent_code.casefold():
            changes.append(f"{labels['parent']}: {old_parent or '–'} → {parent_code or '–'}")
            unit.parent = parent
        if changes:
            plan.to_update.append(unit)
            plan.outcomes.append(RowOutcome(line, code, Action.UPDATE, changes))
        else:
            plan.outcomes.append(RowOutcome(line, code, Action.UNCHANGED))
    plan.update_fields = ["name", "parent"]


def _plan_staff(table: Table, columns: dict[str, int], plan: ImportPlan) -> None:
    units = {unit.code.casefold(): unit for unit in Unit.objects.all()}
    people = list(
        Staff.objects.select_related("unit").only(
            "pk",
            "username",
            "email",
            "first_name",
            "last_name",
            "title",
            "is_leadership",
            "language",
            "unit__code",
            "unit__name",
        )
    )
    by_username = {person.username.casefold(): person for person in people}
    by_email = {person.email.casefold(): person for person in people if person.email}
    validate_username = UnicodeUsernameValidator()
    labels = {
        "first_name": gettext("first name"),
        "last_name": gettext("last name"),
        "email": gettext("e-mail"),
        "title": pgettext("job title", "title"),
        "unit": gettext("unit"),
        "is_leadership": gettext("leadership"),
        "language": gettext("language"),
    }
    seen: dict[str, int] = {}
    for line, cells in table.rows:
        row = _Row(cells, columns)
        key = row.get("username") or row.get("email")
        try:
            username = row.get(
                "username", max_length=_max(Staff, "username"), label=gettext("username")
            )
            email = row.get(
                "email", max_length=_max(Staff, "email"), label=gettext("e-mail")
            ).lower()
            if not username and not email:
                raise RowRejected(gettext("Both the username and the e-mail are missing."))
            if email:
                try:
                    validate_email(email)
                except ValidationError as error:
                    raise RowRejected(
                        gettext("“%(value)s” is not an e-mail address.") % {"value": email}
                    ) from error
            username = username or email
            try:
                validate_username(username)
            except ValidationError as error:
                raise RowRejected(
                    gettext("“%(value)s” is not a valid username.") % {"value": username}
                ) from error
            values = {
                "first_name": row.get(
                    "first_name", max_length=_max(Staff, "first_name"), label=labels["first_name"]
                ),
                "last_name": row.get(
                    "last_name", max_length=_max(Staff, "last_name"), label=labels["last_name"]
                ),
            }
            if not values["first_name"] or not values["last_name"]:
                raise RowRejected(gettext("The first or last name is missing."))
            unit_code = row.get("unit")
            if not unit_code:
                raise RowRejected(gettext("The unit is missing."))
            unit = units.get(unit_code.casefold())
            if unit is None:
                raise RowRejected(
                    gettext("Unknown unit “%(code)s”: import the units first.")
                    % {"code": unit_code}
                )
            values["unit"] = unit
            if email:
                values["email"] = email
            if row.has("title"):
                values["title"] = row.get(
                    "title", max_length=_max(Staff, "title"), label=labels["title"]
                )
            if row.has("is_leadership"):
                values["is_leadership"] = row.flag("is_leadership", label=labels["is_leadership"])
            if row.get("language"):
                values["language"] = _language(row.get("language"), label=labels["language"])
            for seen_key in {username.casefold(), email}:
                if seen_key and seen_key in seen:
                    raise _duplicate(seen[seen_key])
            seen.update(dict.fromkeys({username.casefold(), email} - {""}, line))
        except RowRejected as error:
            plan.outcomes.append(RowOutcome(line, key, Action.REJECT, reason=str(error)))
            continue
        person = by_username.get(username.casefold()) or (email and by_email.get(email))
        if person and person.language:
            # The language the person chose in Kylään (or an earlier file gave) stays.
            values.pop("language", None)
        if not person:
            person = Staff(username=username, password=make_password(None), **values)
            plan.to_create.append(person)
            plan.outcomes.append(RowOutcome(line, username, Action.CREATE))
            continue
        changes = _diff(person, values, labels)
        if changes:
            plan.to_update.append(person)
            plan.outcomes.append(RowOutcome(line, person.username, Action.UPDATE, changes))
        else:
            plan.outcomes.append(RowOutcome(line, person.username, Action.UNCHANGED))
    plan.update_fields = [
        "first_name",
        "last_name",
        "email",
        "title",
        "is_leadership",
        "unit",
        "language",
    ]


def _plan_clients(table: Table, columns: dict[str, int], plan: ImportPlan) -> None:
    clients = list(Client.objects.all())
    by_business_id = {c.business_id: c for c in clients if c.business_id}
    by_name = {client_name_key(client.name): client for client in clients}
    labels = {
        "name": gettext("name"),
        "kind": gettext("kind"),
        "region": gettext("region"),
        "business_id": gettext("business ID"),
        "is_partner": gettext("partner"),
    }
    seen: dict[str, int] = {}
    for line, cells in table.rows:
        row = _Row(cells, columns)
        key = row.get("business_id") or row.get("name")
        try:
            name = normalised_client_name(
                row.get("name", max_length=_max(Client, "name"), label=labels["name"])
            )
            if not name:
                raise RowRejected(gettext("The name is missing."))
            values = {"name": name}
            if row.has("kind"):
                raw_kind = row.get("kind")
                kind = KIND_LOOKUP.get(_normalise(raw_kind), "" if raw_kind else ClientKind.OTHER)
                if not kind:
                    raise RowRejected(
                        gettext("Unknown kind “%(value)s”. Use one of: %(kinds)s.")
                        % {
                            "value": raw_kind,
                            "kinds": ", ".join(str(label) for label in ClientKind.labels),
                        }
                    )
                values["kind"] = kind
            if row.has("region"):
                values["region"] = row.get(
                    "region", max_length=_max(Client, "region"), label=labels["region"]
                )
            business_id = row.get(
                "business_id", max_length=_max(Client, "business_id"), label=labels["business_id"]
            )
            if business_id:
                try:
                    business_id_validator(business_id)
                except ValidationError as error:
                    raise RowRejected(" ".join(error.messages)) from error
                values["business_id"] = business_id
            if row.has("is_partner"):
                values["is_partner"] = row.flag("is_partner", label=labels["is_partner"])
            for seen_key in {business_id, client_name_key(name)}:
                if seen_key and seen_key in seen:
                    raise _duplicate(seen[seen_key])
            seen.update(dict.fromkeys({business_id, client_name_key(name)} - {""}, line))
        except RowRejected as error:
            plan.outcomes.append(RowOutcome(line, key, Action.REJECT, reason=str(error)))
            continue
        client = by_business_id.get(business_id) if business_id else None
        named = by_name.get(client_name_key(name))
        if client is None and named is not None:
            if business_id and named.business_id:
                # Two organisations cannot share a name: the coordinator must tell them apart.
                plan.outcomes.append(
                    RowOutcome(
                        line,
                        key,
                        Action.REJECT,
                        reason=gettext(
                            "Another client, with business ID %(business_id)s, already has this "
                            "name. Give this one a name that tells them apart."
                        )
                        % {"business_id": named.business_id},
                    )
                )
                continue
            client = named
        elif client is not None and named is not None and named.pk != client.pk:
            plan.outcomes.append(
                RowOutcome(
                    line,
                    key,
                    Action.REJECT,
                    reason=gettext(
                        "Another client already has the name “%(name)s”; two clients cannot "
                        "share a name."
                    )
                    % {"name": named.name},
                )
            )
            continue
        if client is None:
            client = Client(**values)
            plan.to_create.append(client)
            plan.outcomes.append(RowOutcome(line, key, Action.CREATE))
            continue
        changes = _diff(client, values, labels)
        if changes:
            plan.to_update.append(client)
            plan.outcomes.append(RowOutcome(line, key, Action.UPDATE, changes))
        else:
            plan.outcomes.append(RowOutcome(line, key, Action.UNCHANGED))
    plan.update_fields = ["name", "kind", "region", "business_id", "is_partner"]


PLANNERS = {
    ImportKind.UNITS: _plan_units,
    ImportKind.STAFF: _plan_staff,
    ImportKind.CLIENTS: _plan_clients,
}


def import_plan(*, kind: str, table: Table) -> ImportPlan:
    """What importing the table would do, row by row. Reads the database, writes nothing."""
    columns, ignored = map_columns(kind=kind, headers=table.headers)
    notes = list(table.notes)
    if ignored:
        notes.append(
            gettext("These columns were ignored: %(columns)s.") % {"columns": ", ".join(ignored)}
        )
    plan = ImportPlan(kind=kind, outcomes=[], notes=notes)
    PLANNERS[kind](table, columns, plan)
    plan.outcomes.sort(key=lambda outcome: outcome.line)
    return plan
