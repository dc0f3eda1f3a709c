from django import template
from django.template.defaultfilters import floatformat

register = template.Library()


@register.filter
def as_percent(value) -> str:
    """0.456 → "45.6 %" (with the locale's decimal mark); nothing to divide by → "–"."""
    if value is None:
        return "–"
    return f"{floatformat(value * 100, 1)} %"


@register.filter
def as_decimal(value, places: int = 2) -> str:
    if value is None:
        return "–"
    return floatformat(value, places)


@register.filter
def figure(value, kind: str) -> str:
    """A headline figure as the comparison table shows it."""
    if kind == "percent":
        return as_percent(value)
    if kind == "decimal":
        return as_decimal(value)
    return "–" if value is None else str(value)
