"""Published pages: anyone may read them, signed in or not."""

from urllib.parse import urlsplit

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from cpeg.groups import selectors as group_selectors
from cpeg.public import selectors
from cpeg.public.calendar import meetings_calendar

# A feed is fetched by calendar apps every few hours: let caches keep it a while.
FEED_MAX_AGE = 15 * 60


def group_list(request):
    return render(request, "public/group_list.html", {"groups": group_selectors.public_group_list()})


def group_detail(request, slug):
    group = get_object_or_404(group_selectors.public_group_list(), slug=slug)
    return render(request, "public/group_detail.html", selectors.public_group_page(group=group))


def meeting_calendar(request):
    """Every published group's coming public meetings, London-wide."""
    return render(request, "public/meeting_calendar.html", selectors.public_calendar(today=timezone.localdate()))


def meetings_feed(request):
    """All published groups' coming public meetings as iCalendar."""
    meetings = selectors.public_meetings(today=timezone.localdate())
    return _feed(meetings, name="Community and police engagement groups: public meetings", filename="meetings.ics")


def group_meetings_feed(request, slug):
    group = get_object_or_404(group_selectors.public_group_list(), slug=slug)
    meetings = selectors.public_meetings(today=timezone.localdate(), group=group)
    return _feed(meetings, name=f"{group.name}: public meetings", filename=f"{group.slug}-meetings.ics")


def group_document(request, slug, pk):
    """A newsletter or annual report the group has published."""
    group = get_object_or_404(group_selectors.public_group_list(), slug=slug)
    document = selectors.public_document(group=group, pk=pk)
    if not document.file or not document.file.storage.exists(document.file.name):
        raise Http404
    return FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.original_name,
        content_type=document.content_type,
    )


def _feed(meetings, *, name: str, filename: str) -> HttpResponse:
    site_url = settings.SITE_URL.rstrip("/")
    body = meetings_calendar(meetings, name=name, site_url=site_url, host=urlsplit(site_url).hostname or "localhost")
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = f"public, max-age={FEED_MAX_AGE}"
    return response
