"""The leaderboard table: one row per unit (or department), sortable by every column."""

from html import escape

import django_tables2 as tables
from django.utils.safestring import mark_safe
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
    rank = tables.Column(verbose_name=_("Rank"), order_by=("rank_order",))
    rank_change = tables.Column(verbose_name=_("Change in 7 days"), empty_values=())
    unit = tables.Column(verbose_name=_("Unit"), order_by=("unit__name",))
    # Right after the name, so the figure the ranking rests on is in view without scrolling.
    score = tables.Column(verbose_name=_("Score"))
    department = tables.Column(
        verbose_name=_("Department"), accessor="unit__parent", order_by=("unit__parent__name",)
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

    def cell(self, name: str, record) -> str:
        """A cell as escaped HTML. The page renders cells through this one method, with plain
        string building, instead of django-tables2's per-cell machinery or a template loop:
        at a hundred units those cost more than all the page's queries together."""
        if name == "rank":
            return str(record.rank) if record.rank else EMPTY
        if name == "rank_change":
            text = escape(rank_change_text(record.rank_change, record.previous_rank, record.rank))
            if record.rank_change:
                arrow = "▲" if record.rank_change > 0 else "▼"
                return f'<span aria-hidden="true">{arrow}</span> {text}'
            return text
        if name == "unit":
            if record.unit.pk in self.mine:
                mine = _("Your department") if self.department_level else _("Your unit")
                badge = escape(str(mine))
                return f'{escape(record.unit.name)} <span class="badge badge--mine">{badge}</span>'
            return escape(record.unit.name)
        if name == "department":
            return escape(record.unit.parent.name) if record.unit.parent else EMPTY
        if name == "participation":
            return percent_text(record.participation, 0)
        if name == "visits_per_10":
            return decimal_text(record.visits_per_10, 1)
        if name in ("idea_yield", "adjusted_yield", "score"):
            return decimal_text(getattr(record, name), 2)
        if name == "leaders":
            return f"{record.leaders} / {record.leaders_on_roster}"
        return str(getattr(record, name))

    def body_html(self) -> str:
        """The rows in the table's current order, the unit as each row's header."""
        names = [column.name for column in self.columns]
        rows = []
        for record in self.data:
            cells = "".join(
                f'<th scope="row" data-column="unit">{self.cell(name, record)}</th>'
                if name == "unit"
                else f'<td data-column="{name}">{self.cell(name, record)}</td>'
                for name in names
            )
            mine = ' class="is-mine"' if record.unit.pk in self.mine else ""
            rows.append(f'<tr{mine} data-unit="{escape(record.unit.code)}">{cells}</tr>')
        return mark_safe("\n".join(rows))  # noqa: S308 - every value is escaped in cell()

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
