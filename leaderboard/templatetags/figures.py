from django import template

from leaderboard.figures import PRECISIONS

register = template.Library()


@register.filter
def as_figure(value, name: str) -> str:
    """A figure with the precision it has everywhere (`leaderboard.figures`):
    `{{ s.participation|as_figure:"participation" }}` → "86,7 %"; nothing to divide by → "–"."""
    return PRECISIONS[name].text(value)
