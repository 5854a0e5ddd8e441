"""Template filters for money and shares."""

from django import template

from cpeg.funding.money import format_money

register = template.Library()


@register.filter
def money(value):
    """£1,234.50 (or £50,000 for whole pounds); "-" for nothing."""
    return format_money(value)


@register.filter
def pct(value):
    """61.2% ; "-" for nothing."""
    return "-" if value is None else f"{value}%"


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.simple_tag
def field_for(form, name):
    return form[name]
