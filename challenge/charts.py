"""The organisations' cumulative counted visits as one SVG line chart, drawn on the server in the
leaderboard's way (`leaderboard.charts`): no script, no library, and a table of the same numbers.

Campaigns run at different times, so the chart lines them up by campaign day (day 1 is each
one's first day). Each line is told apart by its dash pattern and the number at its end, not by
colour alone; our own organisation's line is the solid, thickest one.
"""

from dataclasses import dataclass

from leaderboard.charts import BOTTOM, HEIGHT, LEFT, RIGHT, TOP, WIDTH, Tick, nice_ceiling

# The dash patterns (static/css/kylaan.css, .challenge-line--N) the other organisations' lines
# take in turn.
LINE_STYLES = 5


@dataclass(frozen=True)
class Line:
    number: int
    organisation: str
    is_ours: bool
    style: str
    points: str
    end: tuple[float, float] | None


@dataclass(frozen=True)
class DayRow:
    day: int
    visits: list[int | None]


@dataclass(frozen=True)
class VisitsChart:
    width: int
    height: int
    plot_left: int
    plot_right: int
    plot_top: int
    plot_bottom: int
    lines: list[Line]
    y_ticks: list[Tick]
    x_ticks: list[Tick]
    rows: list[DayRow]


def visits_chart(standings) -> VisitsChart:
    """The chart of the standings (challenge.selectors.Standing), in their order."""
    series = [standing.feed.cumulative_visits for standing in standings]
    days = max([standing.feed.duration_days for standing in standings] + [1])
    span = max(1, days - 1)
    top = nice_ceiling(max([max(s, default=0) for s in series] + [1]))
    plot_width = WIDTH - LEFT - RIGHT
    plot_height = HEIGHT - TOP - BOTTOM

    def x(index: int) -> float:
        return round(LEFT + plot_width * index / span, 1)

    def y(value: int) -> float:
        return round(TOP + plot_height * (1 - value / top), 1)

    lines = []
    others = 0
    for number, (standing, visits) in enumerate(zip(standings, series, strict=True), start=1):
        if standing.is_ours:
            style = "ours"
        else:
            style = str(others % LINE_STYLES + 1)
            others += 1
        lines.append(
            Line(
                number=number,
                organisation=standing.feed.organisation,
                is_ours=standing.is_ours,
                style=style,
                points=" ".join(f"{x(i)},{y(v)}" for i, v in enumerate(visits)),
                end=(x(len(visits) - 1), y(visits[-1])) if visits else None,
            )
        )
    reported = max([len(s) for s in series] + [0])
    rows = [
        DayRow(day=i + 1, visits=[s[i] if i < len(s) else None for s in series])
        for i in range(reported)
    ]
    x_days = sorted({round(span * i / 4) for i in range(5)})
    return VisitsChart(
        width=WIDTH,
        height=HEIGHT,
        plot_left=LEFT,
        plot_right=WIDTH - RIGHT,
        plot_top=TOP,
        plot_bottom=HEIGHT - BOTTOM,
        lines=lines,
        y_ticks=[Tick(y(top * i // 4), str(top * i // 4)) for i in range(5)],
        x_ticks=[Tick(x(index), str(index + 1)) for index in x_days],
        rows=rows,
    )
