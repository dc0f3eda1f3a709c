from django import template

from leaderboard.templatetags.figures import as_decimal, as_percent

register = template.Library()
register.filter(as_percent)
register.filter(as_decimal)


@register.filter
def figure(row, side: str) -> str:
    """One side ("current" or "previous") of a comparison row, shown as the headline shows it."""
    value = getattr(row, side)
    if row.kind == "percent":
        return as_percent(value)
    if row.kind == "decimal":
        return as_decimal(value, row.places)
    return "–" if value is None else str(value)
