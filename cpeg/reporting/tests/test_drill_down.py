"""Every count of activities on the demo's returns, scorecards, dashboards
and cost analysis links to the activity list filtered to exactly what it counted,
and that list shows as many activities as the count says.

Each count is rendered as ``<a href="..." data-count="N">``; the walk below
collects every such link from the pages and compares N with the length of
the list it links to: every list counted by the list view's own query, and
one in twenty also opened as a page, as the same user.
"""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.http import QueryDict
from django.urls import resolve, reverse

from cpeg.accounts.models import User
from cpeg.activities.selectors import ActivityFilters, activity_list_for
from cpeg.groups.models import EngagementGroup
from cpeg.monitoring.models import QuarterlyReturn

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 24)
YEARS = ("2025", "2026")


class Links(HTMLParser):
    """Every link on a page: its attributes and its text."""

    def __init__(self):
        super().__init__()
        self.links: list[tuple[dict, str]] = []
        self._open: list[tuple[dict, list[str]]] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self._open.append((dict(attrs), []))

    def handle_data(self, data):
        for _attrs, text in self._open:
            text.append(data)

    def handle_endtag(self, tag):
        if tag == "a" and self._open:
            attrs, text = self._open.pop()
            self.links.append((attrs, "".join(text)))


def _links(response) -> list[tuple[dict, str]]:
    assert response.status_code == 200
    parser = Links()
    parser.feed(response.content.decode())
    return parser.links


def count_links(response) -> list[tuple[str, int]]:
    """The (href, count) of every ``<a data-count>`` on a page."""
    return [(attrs["href"], int(attrs["data-count"])) for attrs, _text in _links(response) if "data-count" in attrs]


# The cost analysis (funding's page) shows a count of activities in
# brackets inside each link to them: "£1,234.00 (12)". Its attendee links
# count people, not activities, so only the typed links are walked.
COST_COUNT = re.compile(r"\((\d+)\)")


def cost_count_links(response) -> list[tuple[str, int]]:
    found = []
    for attrs, text in _links(response):
        href = attrs.get("href", "")
        match = COST_COUNT.search(text)
        if "/activities/" in href and "type=" in href and match:
            found.append((href, int(match.group(1))))
    return found


@pytest.fixture
def officer(client, demo_data, monkeypatch):
    """The demo's officer, signed in, on the demo's day (24 November 2026)."""
    for module in ("cpeg.monitoring.views", "cpeg.reporting.monitoring.views"):
        monkeypatch.setattr(f"{module}._today", lambda: TODAY)
    client.force_login(User.objects.get(username="officer"))
    return client


def _pages() -> list[tuple[str, dict]]:
    pages = [(reverse("reporting:monitoring-dashboard"), {"year": y}) for y in YEARS]
    for group_id in EngagementGroup.objects.values_list("pk", flat=True):
        scorecard = reverse("reporting:monitoring-scorecard", kwargs={"pk": group_id})
        pages += [(scorecard, {"year": y}) for y in YEARS]
    for pk in QuarterlyReturn.objects.filter(archived_at__isnull=True).values_list("pk", flat=True):
        pages.append((reverse("monitoring:return-detail", kwargs={"pk": pk}), {}))
    return pages


def test_every_count_links_to_a_list_of_exactly_that_many_activities(officer):
    links: dict[str, set[int]] = {}
    kinds: dict[str, int] = {}
    for url, params in _pages():
        found = count_links(officer.get(url, params))
        kind = url.split("/")[1]  # monitoring/ (dashboard, scorecard, returns)
        kinds[kind] = kinds.get(kind, 0) + len(found)
        for href, count in found:
            links.setdefault(href, set()).add(count)
    for year in YEARS:
        found = cost_count_links(officer.get(reverse("reporting:cost-analysis"), {"year": year}))
        kinds["cost analysis"] = kinds.get("cost analysis", 0) + len(found)
        for href, count in found:
            links.setdefault(href, set()).add(count)
    # Every kind of page has counts to walk.
    assert all(kinds.get(kind) for kind in ("monitoring", "cost analysis")), kinds
    assert sum(kinds.values()) > 1000, kinds
    wrong = []
    for href, counts in links.items():
        assert urlsplit(href).query, href  # every count's link carries its filters
        listed = _listed(href)
        if counts != {listed}:
            wrong.append((href, sorted(counts), listed))
    assert wrong == [], f"{len(wrong)} of {len(links)} links disagree: {wrong[:10]}"
    # The list pages themselves, for a sample of the links: each shows as
    # many activities as its query counts.
    sample = sorted(links)[::SAMPLE_EVERY]
    assert len(sample) > 100
    for href in sample:
        assert officer.get(href).context["page"].paginator.count == _listed(href), href


# Every link's list is counted by its query (as the list view runs it); one
# link in this many is also opened as a page. Opening all 4,158 took 115 s
# of SQLite's time and more of PostgreSQL's (3 December 2026).
SAMPLE_EVERY = 20


def _listed(href: str) -> int:
    """How many activities the list at ``href`` shows: the list view's own
    query (``activities.views.activity_list``) for its group and filters."""
    parts = urlsplit(href)
    match = resolve(parts.path)
    assert match.view_name == "activities:activity-list", href
    group = EngagementGroup.objects.get(pk=match.kwargs["pk"])
    return activity_list_for(group=group, filters=ActivityFilters.from_querydict(QueryDict(parts.query))).count()
