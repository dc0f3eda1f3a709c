"""The idea list as spreadsheet rows: the columns a coordinator hands to the owner units.

The rows are read as plain values a chunk at a time (`values_list` over a server-side cursor)
and the labels are looked up once per export, in the user's language, so that a quarter of a
million ideas cost little more than the database's own COPY of them.
"""

import itertools
from collections.abc import Iterator

from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from campaign.exports import XlsxSheet
from campaign.models import ClientKind
from ideas.models import IdeaStatus

EXPORT_CHUNK_SIZE = 2000

HEADER = [
    _("Idea number"),
    _("Link"),
    _("Visit date"),
    _("Recorded"),
    _("Due date"),
    _("Client"),
    _("Client kind"),
    _("Region"),
    _("Collecting units"),
    _("Theme"),
    _("Title"),
    _("In the client's words"),
    _("Status"),
    _("Owner unit"),
    _("Official response"),
    _("Duplicate of"),
]
# What each row is read from, in the order of HEADER (the link is made from the number).
FIELDS = (
    "pk",
    "visit__visited_on",
    "created_at",
    "due_on",
    "visit__client__name",
    "visit__client__kind",
    "visit__client__region",
    "collecting_units",
    "theme__name",
    "title",
    "text",
    "status",
    "owner_unit__name",
    "official_response",
    "duplicate_of_id",
)
OWNER_NAME = FIELDS.index("owner_unit__name")


def idea_export_header() -> list[str]:
    return [str(title) for title in HEADER]


def _values(ideas: QuerySet, *fields: str) -> Iterator[tuple]:
    """The rows over a server-side cursor inside a transaction: PostgreSQL then sends rows as it
    makes them, where a cursor outside one would be computed in full before the first row."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # Every row is read: plan for the whole result, not for the first rows.
                cursor.execute("SET LOCAL cursor_tuple_fraction = 1")
        yield from ideas.values_list(*fields).iterator(chunk_size=EXPORT_CHUNK_SIZE)


def _row_maker(detail_url_prefix: str):
    # Looked up now, in the language of the request, not while the response is being sent.
    kinds = {value: str(label) for value, label in ClientKind.choices}
    statuses = {value: str(label) for value, label in IdeaStatus.choices}

    def row(values: tuple) -> tuple:
        (pk, visited_on, created_at, due_on, client, kind, region, units, theme, title, text,
         status, owner, response, duplicate_of) = values  # fmt: skip
        return (
            pk,
            f"{detail_url_prefix}{pk}/",
            visited_on,
            created_at,
            due_on,
            client,
            kinds.get(kind, kind),
            region,
            units or "",
            theme or "",
            title,
            text,
            statuses.get(status, status),
            owner or "",
            response,
            duplicate_of,
        )

    return row


def idea_export_rows(ideas: QuerySet, *, detail_url_prefix: str) -> Iterator[tuple]:
    """Rows for `csv_response` or an `XlsxSheet`, in the queryset's order, read lazily.
    `detail_url_prefix` is the absolute address of /ideas/, so that each row links back to its
    idea; `ideas` is `idea_list` (it carries the collecting units), filtered and ordered."""
    row = _row_maker(detail_url_prefix)
    return map(row, _values(ideas, *FIELDS))


def idea_export_sheets_by_owner(ideas: QuerySet, *, detail_url_prefix: str) -> Iterator[XlsxSheet]:
    """One sheet per owner unit, by the unit's name, and one for the ideas without an owner; a
    single empty sheet when there are no ideas. Read in one pass, each sheet as it comes."""
    row = _row_maker(detail_url_prefix)
    header = idea_export_header()
    no_owner = str(_("No owner unit"))
    empty = XlsxSheet(title=str(_("Ideas")), header=header, rows=())
    ordered = ideas.order_by("owner_unit__name", "owner_unit_id", "-created_at", "-pk")
    values = _values(ordered, "owner_unit_id", *FIELDS)

    def sheets():
        made = False
        for _owner, group in itertools.groupby(values, key=lambda read: read[0]):
            first = next(group)
            made = True
            yield XlsxSheet(
                title=first[1 + OWNER_NAME] or no_owner,
                header=header,
                rows=(row(read[1:]) for read in itertools.chain([first], group)),
            )
        if not made:
            yield empty

    return sheets()
