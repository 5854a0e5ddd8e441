"""Reads for the published pages: only what the public may see.

The public sees published groups that are not disbanded
(``groups.selectors.public_group_list``), their activities marked "show on
the public page", and the newsletters and annual reports attached to those.
"""

import datetime as dt

from django.db.models import Q
from django.utils import timezone

from cpeg.activities.selectors import (
    public_document_get,
    public_documents,
    public_meetings_queryset,
    upcoming_public_meetings,
)
from cpeg.groups.choices import ExecutiveRole
from cpeg.groups.selectors import public_group_list

# The calendar page shows this far ahead; the feeds a year.
CALENDAR_DAYS = 92
FEED_DAYS = 366
# Published documents listed on a group's page (the newest).
DOCUMENTS_SHOWN = 10


def public_group_page(*, group) -> dict:
    """Contact details, how to join, venues, the chair, the next meetings and
    the newsletters and annual reports to download."""
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
        "documents": list(public_documents(group=group)[:DOCUMENTS_SHOWN]),
    }


def public_meetings(*, today: dt.date, group=None, days: int = FEED_DAYS) -> list:
    """Coming public meetings of every published group (or one), for a feed."""
    groups = public_group_list() if group is None else public_group_list().filter(pk=group.pk)
    queryset = public_meetings_queryset(groups=groups, starts_on=today)
    return list(queryset.filter(held_on__lt=today + dt.timedelta(days=days)))


def public_calendar(*, today: dt.date) -> dict:
    """The London calendar page: the next three months, by month."""
    until = today + dt.timedelta(days=CALENDAR_DAYS)
    meetings = public_meetings(today=today, days=CALENDAR_DAYS)
    months = []
    for meeting in meetings:
        key = meeting.held_on.replace(day=1)
        if not months or months[-1][0] != key:
            months.append((key, []))
        months[-1][1].append(meeting)
    return {"months": months, "today": today, "until": until - dt.timedelta(days=1), "count": len(meetings)}


def public_document(*, group, pk):
    return public_document_get(group=group, pk=pk)
