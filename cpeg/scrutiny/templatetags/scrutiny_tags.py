"""Display-only rounding of exact figures (the figures themselves stay exact)."""

from django import template

register = template.Library()


@register.filter
def percent(value) -> str:
    """An exact share as a percentage to one decimal place ("–" when none)."""
    if value is None:
        return "–"
    return f"{float(value) * 100:.1f}%"


@register.filter
def decimal1(value) -> str:
    """A rate or ratio to one decimal place ("–" when none)."""
    if value is None:
        return "–"
    return f"{float(value):,.1f}"


@register.filter
def decimal2(value) -> str:
    if value is None:
        return "–"
    return f"{float(value):.2f}"
