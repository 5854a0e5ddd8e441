"""Template filters that ask ``groups.workflow`` about a group's status,
so no template compares status strings."""

from django import template

from cpeg.groups import workflow

register = template.Library()


@register.filter
def group_is_active(group) -> bool:
    return workflow.is_active(group)


@register.filter
def group_is_suspended(group) -> bool:
    return workflow.is_suspended(group)


@register.filter
def group_is_listed_publicly(group) -> bool:
    return workflow.is_listed_publicly(group)


@register.filter
def group_status_tag_class(group) -> str:
    return workflow.STATUS_TAG_CLASSES.get(group.status, "govuk-tag--grey")
