"""The London-wide activity summary (issue 12.1, and issue 8's "177 / 131 /
20 where an officer looks"): counts by type per group and in total, held
activities only, scoped to the reader, each count linking to its records."""

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse

from cpeg.accounts.tests.factories import LinkMemberFactory, OfficerFactory
from cpeg.activities.choices import ActivityType
from cpeg.activities.tests.factories import ActivityFactory
from cpeg.groups.tests.factories import EngagementGroupFactory, borough

pytestmark = pytest.mark.django_db
URL = reverse("activities:activity-summary")


def _totals(html: str) -> dict[str, int]:
    table = html.split('id="london-totals"')[1].split("</table>")[0]
    return {kind: int(n) for kind, n in re.findall(r'data-type="([a-z_]+)">(\d+)<', table)}


def test_the_summary_counts_held_activities_by_type_and_links_each_count(client):
    camden = EngagementGroupFactory(borough=borough("camden"))
    hackney = EngagementGroupFactory(borough=borough("hackney"))
    for group, held_on in (
        (camden, dt.date(2026, 5, 1)),
        (camden, dt.date(2026, 6, 1)),
        (hackney, dt.date(2026, 7, 1)),
    ):
        ActivityFactory(group=group, activity_type=ActivityType.PUBLIC_MEETING, held_on=held_on, public_attendance=10)
    # Planned (after today), last year's and a withdrawn one are not counted.
    ActivityFactory(group=camden, activity_type=ActivityType.PUBLIC_MEETING, held_on=dt.date(2026, 12, 10))
    ActivityFactory(group=camden, activity_type=ActivityType.PUBLIC_MEETING, held_on=dt.date(2026, 3, 31))
    gone = ActivityFactory(group=hackney, activity_type=ActivityType.PUBLIC_MEETING, held_on=dt.date(2026, 8, 1))
    gone.withdrawn_at, gone.withdrawal_reason = dt.datetime(2026, 9, 1, tzinfo=dt.UTC), "Entered twice"
    gone.save()
    client.force_login(OfficerFactory())
    with time_machine.travel(dt.datetime(2026, 11, 24, 12, tzinfo=dt.UTC), tick=False):
        response = client.get(URL, {"year": "2026"})
        html = response.content.decode()
        assert "Activities across London 2026/27 to date" in html
        assert _totals(html)[ActivityType.PUBLIC_MEETING] == 3
        assert "All groups: 3 activities, 30 members of the public attending" in html
        # Each group's count links to a list of exactly those activities.
        links = re.findall(r'<a class="govuk-link" href="([^"]+)" data-count="(\d+)">', html)
        assert links
        for url, count in links:
            listed = client.get(url.replace("&amp;", "&"))
            assert listed.status_code == 200
            assert listed.context["page"].paginator.count == int(count), url


def test_a_link_member_sees_only_their_boroughs_groups(client):
    EngagementGroupFactory(borough=borough("camden"), name="Camden CPEG")
    EngagementGroupFactory(borough=borough("hackney"), name="Hackney CPEG")
    member = LinkMemberFactory(boroughs=[borough("camden")])
    client.force_login(member)
    html = client.get(URL).content.decode()
    assert "Camden CPEG" in html
    assert "Hackney CPEG" not in html


def test_a_bad_year_shows_this_year(client):
    client.force_login(OfficerFactory())
    for year in ("abc", "0", "-5", "99999999999999999999", "2999"):
        assert client.get(URL, {"year": year}).status_code == 200


def test_the_summary_runs_the_same_queries_for_more_groups(client, django_assert_max_num_queries):
    client.force_login(OfficerFactory())
    EngagementGroupFactory(borough=borough("camden"))
    with django_assert_max_num_queries(12) as few:
        client.get(URL)
    for slug in ("hackney", "islington", "lambeth", "barnet"):
        group = EngagementGroupFactory(borough=borough(slug))
        ActivityFactory(group=group, activity_type=ActivityType.TARGETED_EVENT, held_on=dt.date.today())
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(URL)


def test_the_groups_come_a_page_at_a_time_and_the_totals_count_every_group(client, monkeypatch):
    """Issue 14.3: 2,000 rows on one page took 5 s and 5 MB; the table is
    paginated, the London-wide totals above it still count every group."""
    from cpeg.activities import views

    monkeypatch.setattr(views, "SUMMARY_PAGE_SIZE", 2)
    names = ["Alpha CPEG", "Bravo CPEG", "Charlie CPEG"]
    for name, slug in zip(names, ("camden", "hackney", "lambeth"), strict=True):
        group = EngagementGroupFactory(borough=borough(slug), name=name)
        ActivityFactory(group=group, activity_type=ActivityType.PUBLIC_MEETING, held_on=dt.date(2026, 5, 1))
    client.force_login(OfficerFactory())
    with time_machine.travel(dt.datetime(2026, 11, 24, 12, tzinfo=dt.UTC), tick=False):
        first = client.get(URL, {"year": "2026"}).content.decode()
        second = client.get(URL, {"year": "2026", "page": "2"}).content.decode()
    shown = [[n for n in names if n in html.split('id="by-group"')[1]] for html in (first, second)]
    assert len(shown[0]) == 2
    assert len(shown[1]) == 1
    assert sorted(shown[0] + shown[1]) == names
    assert "By group (3 groups, 1 to 2 shown)" in first
    assert 'href="?year=2026&amp;page=2"' in first
    for html in (first, second):
        assert _totals(html)[ActivityType.PUBLIC_MEETING] == 3


def test_the_demo_past_year_shows_the_reviews_177_131_and_20(demo_data, client):
    from cpeg.accounts.models import User

    client.force_login(User.objects.get(username="officer"))
    totals = _totals(client.get(URL, {"year": "2025"}).content.decode())
    assert totals[ActivityType.PUBLIC_MEETING] == 177
    assert totals[ActivityType.TARGETED_EVENT] == 131
    assert totals[ActivityType.CONSULTATION_PRODUCT] == 20
