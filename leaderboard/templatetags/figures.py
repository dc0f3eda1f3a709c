from django import template

from leaderboard.figures import decimal_text, percent_text

register = template.Library()


@register.filter
def as_percent(share, places: int = 1) -> str:
    """0.456 → "45.6 %" (with the locale's decimal mark); nothing to divide by → "–"."""
    return percent_text(share, places)


@register.filter
def as_decimal(value, places: int = 2) -> str:
    return decimal_text(value, places)
