"""Small template helpers for the membership pages."""

from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """``mapping[key]``, or None (a skills audit's answer for one skill)."""
    return mapping.get(key) if mapping else None
