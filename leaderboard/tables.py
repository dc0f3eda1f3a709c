"""The leaderboard table: one row per unit (or department), sortable by every column."""

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from leaderboard.figures import EMPTY, decimal_text, percent_text, rounded, rounded_percent


def rank_change_text(change: int | None, previous_rank: int | None, rank: int | None) -> str:
    if rank is None:
        return ""
    if previous_rank is None:
        return str(_("new"))
    if change == 0:
        return str(_("no change"))
    if change > 0:
        return ngettext("up %(places)s place", "up %(places)s places", change) % {"places": change}
    return ngettext("down %(places)s place", "down %(places)s places", -change) % {
        "places": -change
    }


class StandingsTable(tables.Table):
    rank = tables.Column(verbose_name=_("Rank"), order_by=("rank_order",), default=EMPTY)
    rank_change = tables.Column(verbose_name=_("Change in 7 days"), empty_values=())
    unit = tables.Column(verbose_name=_("Unit"), order_by=("unit__name",))
    # Right after the name, so the figure the ranking rests on is in view without scrolling.
    score = tables.Column(verbose_name=_("Score"))
    department = tables.Column(
        verbose_name=_("Department"),
        accessor="unit__parent",
        order_by=("unit__parent__name",),
        default=EMPTY,
    )
    headcount = tables.Column(verbose_name=_("Staff on roster"))
    visits = tables.Column(verbose_name=_("Counted visits"))
    visitors = tables.Column(verbose_name=_("Visitors"))
    participation = tables.Column(verbose_name=_("Participation"), empty_values=())
    visits_per_10 = tables.Column(verbose_name=_("Visits per 10 staff"), empty_values=())
    ideas = tables.Column(verbose_name=_("Ideas"))
    idea_yield = tables.Column(verbose_name=_("Idea yield"), empty_values=())
    adjusted_yield = tables.Column(verbose_name=_("Adjusted idea yield"))
    accepted = tables.Column(verbose_name=_("Accepted ideas"))
    leaders = tables.Column(verbose_name=_("Leaders who visited"))

    class Meta:
        template_name = "leaderboard/_standings_table.html"
        orderable = True
        order_by = ("rank",)
        attrs = {"class": "table leaderboard-table"}

    # A first click on a figure's heading puts the largest first.
    descending_first = (
        "rank_change",
        "headcount",
        "visits",
        "visitors",
        "participation",
        "visits_per_10",
        "ideas",
        "idea_yield",
        "adjusted_yield",
        "accepted",
        "leaders",
        "score",
    )

    def __init__(self, *args, mine=(), caption="", department_level=False, **kwargs):
        if department_level:
            kwargs["exclude"] = ("department",)
        super().__init__(*args, **kwargs)
        self.mine = set(mine)
        self.caption = caption
        self.department_level = department_level
        if department_level:
            self.columns["unit"].column.verbose_name = _("Department")

    def render_rank_change(self, record):
        text = rank_change_text(record.rank_change, record.previous_rank, record.rank)
        if record.rank_change:
            arrow = "▲" if record.rank_change > 0 else "▼"
            return format_html('<span aria-hidden="true">{}</span> {}', arrow, text)
        return text

    def render_unit(self, record):
        if record.unit.pk in self.mine:
            mine = _("Your department") if self.department_level else _("Your unit")
            return format_html(
                '{} <span class="badge badge--mine">{}</span>', record.unit.name, mine
            )
        return record.unit.name

    def render_department(self, value):
        return value.name

    def render_participation(self, record):
        return percent_text(record.participation, 0)

    def render_visits_per_10(self, record):
        return decimal_text(record.visits_per_10, 1)

    def render_idea_yield(self, record):
        return decimal_text(record.idea_yield, 2)

    def render_adjusted_yield(self, value):
        return decimal_text(value, 2)

    def render_score(self, value):
        return decimal_text(value, 2)

    def render_leaders(self, record):
        return format_html("{} / {}", record.leaders, record.leaders_on_roster)

    def value_rank(self, record):
        return record.rank

    def value_rank_change(self, record):
        return record.rank_change

    def value_unit(self, record):
        return record.unit.name

    def value_department(self, record):
        return record.unit.parent.name if record.unit.parent else ""

    def value_participation(self, record):
        return rounded_percent(record.participation, 1)

    def value_visits_per_10(self, record):
        return rounded(record.visits_per_10, 2)

    def value_idea_yield(self, record):
        return rounded(record.idea_yield, 3)

    def value_adjusted_yield(self, record):
        return rounded(record.adjusted_yield, 3)

    def value_leaders(self, record):
        return record.leaders

    def csv_header(self) -> list[str]:
        header = []
        for column in self.columns:
            header.append(str(column.header))
            if column.name == "leaders":
                header.append(str(_("Leaders on roster")))
        return header

    def csv_rows(self):
        for row in self.rows:
            values = []
            for column in self.columns:
                values.append(row.get_cell_value(column.name))
                if column.name == "leaders":
                    values.append(row.record.leaders_on_roster)
            yield values
