"""Template helpers for quarterly monitoring: RAG tags and pro-rata targets."""

from django import template

from cpeg.monitoring.choices import RAG_SHORT_LABELS, RAG_TAG_CLASSES
from cpeg.monitoring.figures import format_target

register = template.Library()


@register.filter
def target(value) -> str:
    """A pro-rata target without trailing zeros: 3.00 -> 3, 1.50 -> 1.5."""
    return format_target(value)


@register.inclusion_tag("monitoring/_rag.html")
def rag_tag(rag, empty="Not set"):
    return {
        "rag": rag,
        "tag_css": RAG_TAG_CLASSES.get(rag, "govuk-tag--grey"),
        "tag_label": RAG_SHORT_LABELS.get(rag, ""),
        "empty": empty,
    }


@register.inclusion_tag("monitoring/_status_tag.html")
def return_status_tag(status, overdue=False):
    css = {
        "draft": "govuk-tag--grey",
        "submitted": "govuk-tag--blue",
        "returned": "govuk-tag--orange",
        "accepted": "govuk-tag--green",
        "not_opened": "govuk-tag--grey",
        "not_due": "govuk-tag--grey",
        "paused": "govuk-tag--grey",
    }.get(status, "govuk-tag--grey")
    labels = {
        "draft": "Draft",
        "submitted": "Submitted",
        "returned": "Returned",
        "accepted": "Accepted",
        "not_opened": "Not opened",
        "not_due": "Not due yet",
        "paused": "Monitoring paused",
    }
    if overdue:
        return {"css": "govuk-tag--red", "label": "Overdue"}
    return {"css": css, "label": labels.get(status, status)}


@register.filter
def overdue_on(quarterly_return, today) -> bool:
    return quarterly_return.is_overdue(today)


@register.filter
def get_item(mapping, key):
    return mapping.get(key, "") if mapping else ""
