"""The leaderboard table: one row per unit (or department), sortable by every column.

On the page the figures sit under group headings (visits, people, ideas), so that their own
headings can be short and every column fits a 1280 px screen; on a phone each row is a card with
the unit's key figures, and all of them on request. The CSV has every column under its full name.
"""

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from leaderboard.figures import (
    EMPTY,
    IDEA_YIELD,
    PARTICIPATION,
    SCORE,
    VISITS_PER_10,
)


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
    score = tables.Column(verbose_name=_("Score"), empty_values=())
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
        sequence = (
            "rank",
            "rank_change",
            "unit",
            "score",
            "department",
            "visits",
            "visits_per_10",
            "headcount",
            "visitors",
            "participation",
            "ideas",
            "idea_yield",
            "adjusted_yield",
            "accepted",
            "leaders",
        )

    # The page's group headings, over the columns named, and those columns' short headings.
    column_groups = (
        (_("Visits"), ("visits", "visits_per_10")),
        (_("People"), ("headcount", "visitors", "participation")),
        (_("Ideas"), ("ideas", "idea_yield", "adjusted_yield", "accepted")),
    )
    short_headers = {
        "visits": _("counted"),
        "visits_per_10": _("per 10 staff"),
        "headcount": _("on roster"),
        "visitors": _("visited"),
        "participation": _("share"),
        "ideas": _("number"),
        "idea_yield": _("per visit"),
        "adjusted_yield": _("adjusted"),
        "accepted": _("accepted"),
    }
    # What a phone's card shows; the others on request ("Show all figures").
    key_figures = frozenset(
        {"rank", "rank_change", "unit", "score", "visits", "participation", "ideas"}
        | {"idea_yield", "accepted", "leaders"}
    )
    # Shown on the page in the unit's cell, under its name.
    folded = frozenset({"department"})

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

    def __init__(
        self, *args, mine=(), caption="", department_level=False, all_figures=False, **kwargs
    ):
        if department_level:
            kwargs["exclude"] = ("department",)
        super().__init__(*args, **kwargs)
        self.mine = set(mine)
        self.caption = caption
        self.department_level = department_level
        self.all_figures = all_figures
        if department_level:
            self.columns["unit"].column.verbose_name = _("Department")

    def render_rank_change(self, record):
        """An arrow and the places ("▲ 2") for the eye, the words for a screen reader."""
        text = rank_change_text(record.rank_change, record.previous_rank, record.rank)
        if record.rank_change:
            arrow = "▲" if record.rank_change > 0 else "▼"
            shown = f"{arrow} {abs(record.rank_change)}"
        elif record.rank_change == 0:
            shown = "±0"
        else:
            return text
        return format_html(
            '<span aria-hidden="true" title="{}">{}</span><span class="visually-hidden">{}</span>',
            text,
            shown,
            text,
        )

    def render_unit(self, record):
        name = record.unit.name
        if record.unit.pk in self.mine:
            mine = _("Your department") if self.department_level else _("Your unit")
            name = format_html('{} <span class="badge badge--mine">{}</span>', name, mine)
        if self.department_level or not record.unit.parent:
            return name
        return format_html(
            '{}<span class="unit-department"><span class="visually-hidden">{}: </span>{}</span>',
            name,
            _("Department"),
            record.unit.parent.name,
        )

    def header_rows(self):
        """The page's two header rows: (the first row's cells, the second row's columns with
        their short headings). A first-row cell is {"column": ...} for a column standing alone
        over both rows, or {"group": label, "span": n} over the columns of a group."""
        grouped = {name: (label, names) for label, names in self.column_groups for name in names}
        first, second = [], []
        for column in self.page_columns():
            if column.name not in grouped:
                first.append({"column": column})
                continue
            label, names = grouped[column.name]
            if not second or second[-1][0].name not in names:
                shown = [name for name in names if name in self.columns.names()]
                first.append({"group": label, "span": len(shown)})
            second.append((column, self.short_headers[column.name]))
        return first, second

    def page_columns(self):
        return [column for column in self.columns if column.name not in self.folded]

    def page_rows(self):
        """Each row on the page as (record, is mine, cells), a cell being (column name, full
        heading, content, key figure or not). The same cells as django-tables2's own rows give,
        built with each heading and renderer looked up once per table rather than once per cell
        (a hundred units by fourteen figures)."""
        columns = [
            (
                column.name,
                str(column.header),
                column.name in self.key_figures,
                getattr(self, f"render_{column.name}", None),
                column.accessor,
                column.default,
            )
            for column in self.page_columns()
        ]
        for row in self.rows:
            record = row.record
            cells = []
            for name, header, is_key, render, accessor, default in columns:
                if render is not None:
                    content = render(record=record)
                else:
                    content = accessor.resolve(record, quiet=True)
                    if content is None or content == "":
                        content = default
                cells.append((name, header, content, is_key))
            yield record, record.unit.pk in self.mine, cells

    def render_department(self, record):
        return record.unit.parent.name if record.unit.parent else EMPTY

    # One precision per figure, the same in the cells and in the CSV (`leaderboard.figures`).
    def render_participation(self, record):
        return PARTICIPATION.text(record.participation)

    def render_visits_per_10(self, record):
        return VISITS_PER_10.text(record.visits_per_10)

    def render_idea_yield(self, record):
        return IDEA_YIELD.text(record.idea_yield)

    def render_adjusted_yield(self, record):
        return IDEA_YIELD.text(record.adjusted_yield)

    def render_score(self, record):
        return SCORE.text(record.score)

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
        return PARTICIPATION.rounded(record.participation)

    def value_visits_per_10(self, record):
        return VISITS_PER_10.rounded(record.visits_per_10)

    def value_idea_yield(self, record):
        return IDEA_YIELD.rounded(record.idea_yield)

    def value_adjusted_yield(self, record):
        return IDEA_YIELD.rounded(record.adjusted_yield)

    def value_score(self, record):
        return SCORE.rounded(record.score)

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
