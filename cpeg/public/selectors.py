"""Reads for the published pages: only what the public may see."""

from django.db.models import Q
from django.utils import timezone

from cpeg.activities.selectors import upcoming_public_meetings
from cpeg.groups.choices import ExecutiveRole


def public_group_page(*, group) -> dict:
    """Contact details, how to join, venues, the chair and the next meeting."""
    today = timezone.localdate()
    chair = (
        group.executive.filter(role=ExecutiveRole.CHAIR, starts_on__lte=today)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
        .select_related("person")
        .first()
    )
    return {
        "group": group,
        "chair": chair,
        "venues": list(group.venues.filter(is_active=True)),
        "upcoming_meetings": upcoming_public_meetings(group=group, today=today, limit=5),
    }
