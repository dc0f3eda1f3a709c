import django_tables2 as tables
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from campaign.models import Campaign

MAX_PER_PAGE = 100
# A list counts its rows up to this many, and pages go as far: beyond it the page says "more
# than 1 000" and asks for narrower filters or the other sort order (README, Performance).
LIST_CAP = 1_000


class CappedPaginator(Paginator):
    """Pages of a list counted only up to LIST_CAP rows: the count reads at most that many rows
    (`SELECT count(*) FROM (… LIMIT 1 001)`), and the last page is the one holding the 1 000th
    row, so neither a count nor a deep page costs what the whole table costs. `is_capped` says
    that more rows match than the pages reach."""

    cap = LIST_CAP

    @cached_property
    def _counted(self) -> int:
        rows = self.object_list
        queryset = getattr(getattr(rows, "data", None), "data", rows)  # django-tables2's rows
        if isinstance(queryset, QuerySet):
            return queryset.order_by().values("pk")[: self.cap + 1].count()
        return len(rows)

    @cached_property
    def count(self) -> int:
        return min(self._counted, self.cap)

    @property
    def is_capped(self) -> bool:
        return self._counted > self.cap


def page_past_the_end(request, table) -> int | None:
    """The page number asked for when it is past the list's last page (which is shown instead)."""
    asked = request.GET.get(table.prefixed_page_field, "")
    if not asked.isascii() or not asked.isdecimal() or len(asked) > 9:
        return None
    return int(asked) if int(asked) > table.page.number else None


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

    def render_name(self, record):
        return record.local_name

    def render_actions(self, record):
        links = format_html_join(
            "",
            '<li><a href="{}">{}<span class="visually-hidden">: {}</span></a></li>',
            (
                (reverse(name, args=[record.slug]), label, record.local_name)
                for name, label in ACTIONS
            ),
        )
        return format_html('<ul class="inline-actions">{}</ul>', links)
