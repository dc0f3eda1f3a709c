import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from campaign.models import Campaign

MAX_PER_PAGE = 100


class BoundedPageSize:
    """A list's `?per_page=` within 1 to MAX_PER_PAGE rows: a page of a thousand rows costs what
    a thousand rows cost, and a size below one has no pages (the table's own size is used)."""

    def paginate(self, *args, per_page=None, **kwargs):
        if per_page is not None:
            per_page = min(per_page, MAX_PER_PAGE) if per_page >= 1 else None
        return super().paginate(*args, per_page=per_page, **kwargs)


ACTIONS = [
    ("campaigns:edit", _("Settings")),
    ("campaigns:roster", _("Roster")),
    ("campaigns:clone", _("Clone")),
    ("campaigns:report", _("Report")),
]


class CampaignTable(BoundedPageSize, tables.Table):
    name = tables.Column(linkify=("campaigns:edit", [tables.A("slug")]))
    starts_on = tables.DateColumn(short=True)
    ends_on = tables.DateColumn(short=True)
    is_current = tables.BooleanColumn(yesno=(_("Current"), ""))
    visit_count = tables.Column(verbose_name=_("Visits"), attrs={"td": {"class": "number"}})
    roster_count = tables.Column(verbose_name=_("On roster"), attrs={"td": {"class": "number"}})
    actions = tables.Column(
        verbose_name=_("Actions"), accessor="slug", orderable=False, empty_values=()
    )

    class Meta:
        model = Campaign
        fields = ["name", "starts_on", "ends_on", "is_current", "visit_count", "roster_count"]
        order_by = ["-starts_on"]
        attrs = {"class": "table", "aria-label": _("Campaigns")}

    descending_first = ("starts_on", "ends_on", "visit_count", "roster_count")

    def render_actions(self, record):
        links = format_html_join(
            "",
            '<li><a href="{}">{}<span class="visually-hidden">: {}</span></a></li>',
            ((reverse(name, args=[record.slug]), label, record.name) for name, label in ACTIONS),
        )
        return format_html('<ul class="inline-actions">{}</ul>', links)
