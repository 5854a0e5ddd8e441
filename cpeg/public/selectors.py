"""Reads for the published pages: only what the public may see."""

from django.db.models import Q
from django.utils import timezone

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
    upcoming = []
    for provider in PUBLIC_MEETING_PROVIDERS:
        upcoming.extend(provider(group=group, today=today))
    upcoming.sort(key=lambda m: m["date"])
    return {
        "group": group,
        "chair": chair,
        "venues": list(group.venues.filter(is_active=True)),
        "upcoming_meetings": upcoming[:5],
    }


# Apps that record meetings add a callable here returning upcoming public
# meetings as dicts with "date", "title", "venue" and "time" keys.
PUBLIC_MEETING_PROVIDERS: list = []
