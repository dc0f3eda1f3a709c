"""The idea list as spreadsheet rows: the columns a coordinator hands to the owner units."""

from collections.abc import Iterable, Iterator

from django.utils.translation import gettext_lazy as _

from ideas.models import Idea

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


def idea_export_header() -> list[str]:
    return [str(title) for title in HEADER]


def idea_export_row(idea: Idea, *, detail_url_prefix: str) -> tuple:
    client = idea.visit.client
    return (
        idea.pk,
        f"{detail_url_prefix}{idea.pk}/",
        idea.visit.visited_on,
        idea.created_at,
        idea.due_on,
        client.name,
        client.get_kind_display(),
        client.region,
        idea.collecting_units or "",
        idea.theme.name if idea.theme else "",
        idea.title,
        idea.text,
        idea.get_status_display(),
        idea.owner_unit.name if idea.owner_unit else "",
        idea.official_response,
        idea.duplicate_of_id,
    )


def idea_export_rows(ideas: Iterable[Idea], *, detail_url_prefix: str) -> Iterator[tuple]:
    """Rows for `csv_response`/`xlsx_sheet`. `detail_url_prefix` is the absolute address of
    /ideas/, so that each row links back to its idea."""
    for idea in ideas:
        yield idea_export_row(idea, detail_url_prefix=detail_url_prefix)
