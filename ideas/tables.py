import django_tables2 as tables
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from campaign.tables import BoundedPageSize
from ideas.models import Idea
from ideas.selectors import collecting_units_of


class IdeaTable(BoundedPageSize, tables.Table):
    """The idea list. Every sortable column ends its ordering on the idea's id, so pages and
    exports list tied rows in the same order, and has an index (ideas/migrations) that gives the
    page without sorting every idea of the campaign."""

    caption = _("Development ideas")

    id = tables.Column(verbose_name=_("No."), order_by=("pk",), attrs={"td": {"class": "number"}})
    title = tables.Column(
        verbose_name=_("Title"),
        linkify=True,
        order_by=("title", "pk"),
        attrs={"td": {"class": "wrap-anywhere"}},
    )
    client = tables.Column(
        verbose_name=_("Client"),
        accessor="visit__client__name",
        order_by=("visit__client__name", "pk"),
        attrs={"td": {"class": "wrap-anywhere"}},
    )
    # Within a day, a visit's ideas stay together.
    visited_on = tables.DateColumn(
        verbose_name=_("Visit date"),
        accessor="visit__visited_on",
        short=True,
        order_by=("visit__visited_on", "visit_id", "pk"),
    )
    collecting_units = tables.Column(
        verbose_name=_("Collecting units"), orderable=False, empty_values=()
    )
    theme = tables.Column(verbose_name=_("Theme"), order_by=("theme__name", "pk"), default="–")
    owner_unit = tables.Column(
        verbose_name=_("Owner unit"), order_by=("owner_unit__name", "pk"), default="–"
    )
    status = tables.Column(verbose_name=_("Status"), order_by=("status", "pk"))
    due_on = tables.DateColumn(
        verbose_name=_("Due date"), short=True, order_by=("due_on", "pk"), default="–"
    )

    class Meta:
        model = Idea
        fields = [
            "id",
            "title",
            "client",
            "visited_on",
            "collecting_units",
            "theme",
            "owner_unit",
            "status",
            "due_on",
        ]
        attrs = {"class": "table table--ideas"}
        empty_text = _("No ideas match these filters.")

    # A first click on these headings puts the newest idea or the latest visit first.
    descending_first = ("id", "visited_on")

    @cached_property
    def _page_collecting_units(self) -> dict[int, str]:
        return collecting_units_of(visit_ids={row.record.visit_id for row in self.paginated_rows})

    def render_collecting_units(self, record):
        names = getattr(record, "collecting_units", None)
        return names or self._page_collecting_units.get(record.visit_id) or "–"

    def render_status(self, record):
        return format_html(
            '<span class="badge badge--idea-{}">{}</span>',
            record.status,
            record.get_status_display(),
        )
