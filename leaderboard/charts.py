"""The campaign's progress as an SVG line chart drawn on the server: no script, no library.

The template draws what this module computes: the two lines' points, the gridlines and the axis
labels. The same numbers go into the table beside the chart.
"""

import datetime as dt
import math
from dataclasses import dataclass

from django.utils.formats import date_format

from leaderboard.selectors import DayProgress

WIDTH = 640
HEIGHT = 260
LEFT, RIGHT, TOP, BOTTOM = 48, 32, 16, 36


@dataclass(frozen=True)
class Tick:
    position: float
    label: str


@dataclass(frozen=True)
class ProgressChart:
    width: int
    height: int
    plot_left: int
    plot_right: int
    plot_top: int
    plot_bottom: int
    visits_points: str
    ideas_points: str
    y_ticks: list[Tick]
    x_ticks: list[Tick]
    last_visits: tuple[float, float] | None
    last_ideas: tuple[float, float] | None


def nice_ceiling(value: int) -> int:
    """The smallest 1, 2 or 5 × 10ⁿ at or above value, so the axis has round labels."""
    if value <= 5:
        return 5
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def progress_chart(*, days: list[DayProgress], starts_on: dt.date, ends_on: dt.date):
    span = max(1, (ends_on - starts_on).days)
    top = nice_ceiling(max([d.visits for d in days] + [d.ideas for d in days] + [1]))
    plot_width = WIDTH - LEFT - RIGHT
    plot_height = HEIGHT - TOP - BOTTOM

    def x(day: dt.date) -> float:
        return round(LEFT + plot_width * (day - starts_on).days / span, 1)

    def y(value: int) -> float:
        return round(TOP + plot_height * (1 - value / top), 1)

    def points(attribute: str) -> str:
        return " ".join(f"{x(d.day)},{y(getattr(d, attribute))}" for d in days)

    x_days = sorted({starts_on + dt.timedelta(days=round(span * i / 4)) for i in range(5)})
    last = days[-1] if days else None
    return ProgressChart(
        width=WIDTH,
        height=HEIGHT,
        plot_left=LEFT,
        plot_right=WIDTH - RIGHT,
        plot_top=TOP,
        plot_bottom=HEIGHT - BOTTOM,
        visits_points=points("visits"),
        ideas_points=points("ideas"),
        y_ticks=[Tick(y(top * i // 4), str(top * i // 4)) for i in range(5)],
        x_ticks=[Tick(x(day), date_format(day, "j.n.")) for day in x_days],
        last_visits=(x(last.day), y(last.visits)) if last else None,
        last_ideas=(x(last.day), y(last.ideas)) if last else None,
    )
