import django_tables2 as tables
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from campaign.tables import BoundedPageSize
from visits.models import Visit
from visits.rules import VisitStatus
from visits.selectors import visit_idea_counts


def _cell(label, *, wide_only=False, number=False):
    """Column attrs: `data-label` names the column on a phone, where each row is a card and the
    header row is visually hidden; wide-only columns a phone does without (the filters above the
    table still offer them)."""
    classes = " ".join(c for c, on in (("wide-only", wide_only), ("number", number)) if on)
    td = {"data-label": label}
    th = {}
    if classes:
        td["class"] = th["class"] = classes
    return {"td": td, "th": th}


class VisitTable(BoundedPageSize, tables.Table):
    """The visit list. Each order ends on the visit's id, so pages never share or skip a row, and
    has an index (visits/migrations) that gives the page without sorting the campaign."""

    visited_on = tables.Column(
        verbose_name=_("Date"), order_by=("visited_on", "pk"), attrs=_cell(_("Date"))
    )
    client = tables.Column(
        verbose_name=_("Client"), order_by=("client__name", "pk"), attrs=_cell(_("Client"))
    )
    kind = tables.Column(
        verbose_name=_("Client kind"),
        accessor="client__kind",
        order_by=("client__kind", "client__name", "pk"),
        attrs=_cell(_("Client kind"), wide_only=True),
    )
    status = tables.Column(
        verbose_name=_("Status"),
        order_by=("status", "-visited_on", "-pk"),
        attrs=_cell(_("Status")),
    )
    counts = tables.Column(
        verbose_name=_("Counts"), empty_values=(), orderable=False, attrs=_cell(_("Counts"))
    )
    participants = tables.Column(
        verbose_name=_("Participants"),
        empty_values=(),
        orderable=False,
        attrs=_cell(_("Participants")),
    )
    # Counted for the page's visits only, so not an order: sorting by it would count every
    # visit's ideas first.
    idea_count = tables.Column(
        verbose_name=_("Ideas"),
        empty_values=(),
        orderable=False,
        attrs=_cell(_("Ideas"), number=True),
    )
    # Shown when the list spans several campaigns (the view leaves it out for one). Campaigns in
    # the order they were set up, so that the visits' own index gives the page.
    campaign = tables.Column(
        verbose_name=_("Campaign"),
        order_by=("campaign_id", "visited_on", "pk"),
        attrs=_cell(_("Campaign"), wide_only=True),
    )

    class Meta:
        model = Visit
        fields = []
        sequence = (
            "visited_on",
            "client",
            "kind",
            "status",
            "counts",
            "participants",
            "idea_count",
            "campaign",
        )
        order_by = ("-visited_on",)
        attrs = {"class": "table visit-table"}
        # Its own template: on a phone each row is a card, so the table keeps its roles in ARIA.
        template_name = "visits/_visit_table.html"
        empty_text = _("No visits match these filters.")

    # A first click on these headings puts the latest date or campaign first.
    descending_first = ("visited_on", "campaign")

    @cached_property
    def _page_idea_counts(self) -> dict[int, int]:
        return visit_idea_counts(visit_ids=[row.record.pk for row in self.paginated_rows])

    def render_idea_count(self, record):
        return self._page_idea_counts.get(record.pk, 0)

    def render_visited_on(self, value, record):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("visits:detail", args=[record.pk]),
            date_format(value, "SHORT_DATE_FORMAT"),
        )

    def render_client(self, value, record):
        return format_html(
            '<a href="{}">{}</a>', reverse("visits:detail", args=[record.pk]), value.name
        )

    def render_kind(self, value, record):
        return record.client.get_kind_display()

    def render_status(self, value, record):
        return record.get_status_display()

    def render_counts(self, record):
        if record.counts:
            return format_html('<span class="badge badge--counts">{}</span>', _("Counts"))
        if record.status != VisitStatus.DONE:
            # Planned and cancelled visits are not client work yet / at all: say what they are.
            return format_html('<span class="badge">{}</span>', record.get_status_display())
        return format_html('<span class="badge">{}</span>', _("Normal client work"))

    def render_participants(self, record):
        return format_html_join(
            ", ",
            "{} ({})",
            ((p.staff, p.unit.name) for p in record.participations.all()),
        )
