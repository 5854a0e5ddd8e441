"""The service navigation for the person signed in (``base.html``)."""

from django import template

from cpeg.accounts import navigation

register = template.Library()


@register.simple_tag(takes_context=True)
def nav_items(context) -> list[dict]:
    return navigation.nav_items(context.get("request"))
