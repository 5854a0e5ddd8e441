"""The link from a meeting in the activity record to its attendance
register, for those who keep the group's membership register."""

from django import template
from django.urls import reverse

register = template.Library()


@register.simple_tag(takes_context=True)
def attendance_link(context, activity) -> str:
    """The attendance register's URL for a meeting, or "" if none applies."""
    from cpeg.membership.services import REGISTER_TYPES

    request = context.get("request")
    if (
        request is None
        or activity.activity_type not in REGISTER_TYPES
        or activity.is_withdrawn
        or not request.user.has_perm("membership.view_member", activity)
    ):
        return ""
    return reverse("membership:attendance", kwargs={"pk": activity.pk})
