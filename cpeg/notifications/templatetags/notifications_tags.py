"""``{% record_notifications record %}``: the emails sent about a record.

A record's page (a return, an SLA) shows it with a one-line include, so
that app needs no import of notifications (which sits above it).
"""

from django import template

from cpeg.notifications.choices import STATUS_TAG_CLASSES
from cpeg.notifications.selectors import notifications_for_record

register = template.Library()


@register.inclusion_tag("notifications/_record_notifications.html", takes_context=True)
def record_notifications(context, record):
    request = context.get("request")
    user = getattr(request, "user", None)
    if record is None or user is None or not user.is_authenticated:
        return {"notifications": [], "shown": False}
    return {
        "notifications": notifications_for_record(user=user, record=record),
        "shown": True,
        "is_officer": user.has_perm("notifications.view_notification_list"),
        "tags": STATUS_TAG_CLASSES,
    }


@register.filter
def status_tag(status: str) -> str:
    """The GOV.UK tag class for a notification's status."""
    return STATUS_TAG_CLASSES.get(status, "govuk-tag--grey")
