"""Template filters for money and shares, status tags, and asking the
funding workflow what the user may do (templates never compare statuses)."""

from django import template

from cpeg.funding import workflow
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


@register.filter
def status_tag(status):
    """The GOV.UK tag colour class for an application or payment status."""
    return workflow.STATUS_TAG_CLASSES.get(status, "")


@register.simple_tag(takes_context=True)
def funding_can(context, verb: str, obj) -> bool:
    """``workflow.can_<verb>(user, obj)`` for the signed-in user, e.g.
    ``{% funding_can "mark_paid" payment as may_pay %}``."""
    return getattr(workflow, f"can_{verb}")(context["request"].user, obj)
