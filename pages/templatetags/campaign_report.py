from django import template

from leaderboard.templatetags.figures import as_figure

register = template.Library()
register.filter(as_figure)


@register.filter
def figure(row, side: str) -> str:
    """One side ("current" or "previous") of a comparison row, shown as the headline shows it."""
    value = getattr(row, side)
    if row.precision is not None:
        return row.precision.text(value)
    return "–" if value is None else str(value)
