import django_tables2 as tables
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from campaign.tables import BoundedPageSize
from visits.models import Visit
from visits.rules import VisitStatus


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
    visited_on = tables.Column(verbose_name=_("Date"), attrs=_cell(_("Date")))
    client = tables.Column(
        verbose_name=_("Client"), order_by=("client__name",), attrs=_cell(_("Client"))
    )
    kind = tables.Column(
        verbose_name=_("Client kind"),
        accessor="client__kind",
        order_by=("client__kind",),
        attrs=_cell(_("Client kind"), wide_only=True),
    )
    status = tables.Column(verbose_name=_("Status"), attrs=_cell(_("Status")))
    counts = tables.Column(
        verbose_name=_("Counts"), empty_values=(), orderable=False, attrs=_cell(_("Counts"))
    )
    participants = tables.Column(
        verbose_name=_("Participants"),
        empty_values=(),
        orderable=False,
        attrs=_cell(_("Participants")),
    )
    idea_count = tables.Column(verbose_name=_("Ideas"), attrs=_cell(_("Ideas"), number=True))
    campaign = tables.Column(
        verbose_name=_("Campaign"),
        order_by=("campaign__starts_on",),
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

    # A first click on these headings puts the latest date or the most ideas first.
    descending_first = ("visited_on", "idea_count", "campaign")

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
