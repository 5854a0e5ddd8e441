"""Public meetings as an iCalendar feed (RFC 5545), with the icalendar library.

One VEVENT per public meeting or event: its UID stays the same for the
life of the activity, so a calendar that subscribed to the feed updates a
moved meeting rather than adding a second one (SEQUENCE is the activity's
edit version). A meeting with a start time is timed in Europe/London (the
feed carries the VTIMEZONE) and lasts two hours unless the group says
otherwise; one without a time is an all-day event.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import icalendar

LONDON = ZoneInfo("Europe/London")
# How long a meeting is shown for when only its start is recorded.
MEETING_LENGTH = dt.timedelta(hours=2)
PRODUCT_ID = "-//CPEG Manager//Public meetings//EN"


def meetings_calendar(meetings, *, name: str, site_url: str, host: str) -> bytes:
    """The feed for ``meetings`` (Activity records with venue and group)."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Europe/London")
    for meeting in meetings:
        calendar.add_component(_event(meeting, site_url=site_url, host=host))
    calendar.add_missing_timezones()
    return calendar.to_ical()


def _event(meeting, *, site_url: str, host: str) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", f"activity-{meeting.pk}@{host}")
    event.add("dtstamp", meeting.updated_at.astimezone(dt.UTC))
    event.add("sequence", max(meeting.version - 1, 0))
    event.add("summary", f"{meeting.title} ({meeting.group.name})")
    if meeting.starts_at is not None:
        start = dt.datetime.combine(meeting.held_on, meeting.starts_at, tzinfo=LONDON)
        event.add("dtstart", start)
        event.add("dtend", start + MEETING_LENGTH)
    else:
        event.add("dtstart", meeting.held_on)
        event.add("dtend", meeting.held_on + dt.timedelta(days=1))
    location = _location(meeting)
    if location:
        event.add("location", location)
    event.add("url", f"{site_url}{meeting.group.get_public_url()}")
    event.add("description", f"{meeting.get_activity_type_display()} of {meeting.group.name}. Open to the public.")
    return event


def _location(meeting) -> str:
    if meeting.venue_id:
        parts = [meeting.venue.name, meeting.venue.address.replace("\n", ", "), meeting.venue.postcode]
        return ", ".join(part.strip() for part in parts if part and part.strip())
    return meeting.venue_text
