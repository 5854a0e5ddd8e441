"""Template filters that ask ``agreements.workflow`` about an SLA's status,
so no template compares status strings."""

from django import template

from cpeg.agreements import workflow

register = template.Library()


@register.filter
def sla_status_tag_class(sla) -> str:
    return workflow.STATUS_TAG_CLASSES.get(sla.status, "govuk-tag--grey")
