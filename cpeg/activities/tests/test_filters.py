"""The activity list's filters, its links, and counts that match it (issue 8)."""

import datetime as dt

import pytest
from django.http import QueryDict
from django.urls import reverse

from cpeg.accounts.tests.factories import OfficerFactory
from cpeg.activities import services
from cpeg.activities.choices import ActivityType
from cpeg.activities.links import activity_list_url
from cpeg.activities.outputs import output_label
from cpeg.activities.selectors import ActivityFilters, activity_list_for, activity_totals, output_counts
from cpeg.activities.tests.factories import ActivityEvidenceFactory, ActivityFactory
from cpeg.core.fiscal import FinancialYear
from cpeg.groups.tests.factories import EngagementGroupFactory, borough

pytestmark = pytest.mark.django_db

TODAY = dt.date(2025, 8, 15)
YEAR = FinancialYear(2025)
Q1_END = dt.date(2025, 6, 30)


def _activity(group, held_on, activity_type=ActivityType.PUBLIC_MEETING, codes=(), attendance=None):
    activity = ActivityFactory(group=group, held_on=held_on, activity_type=activity_type, public_attendance=attendance)
    for code in codes:
        ActivityEvidenceFactory(activity=activity, output_code=code)
    return activity


@pytest.fixture
def camden():
    """Camden's year so far (today is 15 August 2025) and some planned."""
    camden = EngagementGroupFactory(borough=borough("camden"))
    _activity(camden, dt.date(2025, 3, 31), codes=["public-meetings"], attendance=10)  # last year
    _activity(camden, dt.date(2025, 4, 1), codes=["public-meetings", "policing-pledge"], attendance=40)
    _activity(camden, dt.date(2025, 5, 5), ActivityType.NEWSLETTER, codes=["newsletters"])
    _activity(camden, dt.date(2025, 6, 30), ActivityType.TARGETED_EVENT, codes=["policing-pledge"], attendance=12)
    _activity(camden, dt.date(2025, 7, 10), codes=["public-meetings"], attendance=30)
    _activity(camden, TODAY, codes=["public-meetings"])  # today counts as held
    _activity(camden, dt.date(2025, 9, 20), codes=["public-meetings", "policing-pledge"])  # planned
    _activity(camden, dt.date(2026, 1, 15), ActivityType.NEWSLETTER, codes=["newsletters"])  # planned
    withdrawn = _activity(camden, dt.date(2025, 5, 1), codes=["public-meetings"], attendance=99)
    withdrawn.withdrawn_at, withdrawn.withdrawal_reason = dt.datetime(2025, 8, 1, tzinfo=dt.UTC), "Entered twice"
    withdrawn.save()
    EngagementGroupFactory(borough=borough("hackney"))
    return camden


COMBINATIONS = [
    ActivityFilters(),
    ActivityFilters(year=YEAR),
    ActivityFilters(year=YEAR, output="public-meetings"),
    ActivityFilters(year=YEAR, output="public-meetings", when="held"),
    ActivityFilters(year=YEAR, output="public-meetings", when="planned"),
    ActivityFilters(output="policing-pledge", starts_on=YEAR.starts_on, ends_on=Q1_END),
    ActivityFilters(activity_type=ActivityType.NEWSLETTER, year=YEAR),
    ActivityFilters(activity_type=ActivityType.PUBLIC_MEETING, output="public-meetings", ends_on=Q1_END),
    ActivityFilters(starts_on=dt.date(2025, 5, 1), ends_on=dt.date(2025, 7, 31), when="held"),
]


@pytest.mark.parametrize("filters", COMBINATIONS, ids=lambda f: str(f.as_query()))
def test_counts_equal_the_length_of_the_list_they_link_to(camden, filters, time_machine):
    """For every filter set, output_counts and activity_totals count exactly
    the activities the list shows (withdrawn ones in neither)."""
    time_machine.move_to(TODAY)
    listed = list(activity_list_for(group=camden, filters=filters))
    totals = activity_totals(group_ids=[camden.pk], filters=filters)[camden.pk]
    assert totals.total == len(listed)
    assert totals.public_attendance == sum(a.public_attendance or 0 for a in listed)
    for code in ("public-meetings", "policing-pledge", "newsletters"):
        narrowed = ActivityFilters(**{**filters.__dict__, "output": filters.output or code})
        if filters.output and filters.output != code:
            continue
        counted = output_counts(group_ids=[camden.pk], filters=narrowed)[(camden.pk, code)]
        assert counted == activity_list_for(group=camden, filters=narrowed).count(), code


def test_a_quarters_count_with_held_by_matches_its_link(camden, client, time_machine):
    """A return line's figure (held by today, year start to quarter end) and
    the list its link opens show the same number."""
    time_machine.move_to(TODAY)
    counts = output_counts(
        group_ids=[camden.pk], starts_on=YEAR.starts_on, ends_on=YEAR.quarters[1].ends_on, held_by=TODAY
    )
    url = activity_list_url(
        camden.pk, output="public-meetings", starts_on=YEAR.starts_on, ends_on=YEAR.quarters[1].ends_on, when="held"
    )
    client.force_login(OfficerFactory())
    response = client.get(url)
    assert counts[(camden.pk, "public-meetings")] == 3  # 1 April, 10 July, today; not the withdrawn one
    assert response.context["page"].paginator.count == 3
    assert '<p class="govuk-body govuk-!-font-weight-bold" id="result-count">3 activities</p>' in response.text


def test_held_by_leaves_out_planned_activities_and_none_keeps_the_old_count(camden):
    planned_included = output_counts(group_ids=[camden.pk], starts_on=YEAR.starts_on, ends_on=YEAR.ends_on)
    held = output_counts(group_ids=[camden.pk], starts_on=YEAR.starts_on, ends_on=YEAR.ends_on, held_by=TODAY)
    assert planned_included[(camden.pk, "public-meetings")] == 4
    assert held[(camden.pk, "public-meetings")] == 3
    totals = activity_totals(group_ids=[camden.pk], starts_on=YEAR.starts_on, ends_on=YEAR.ends_on, held_by=TODAY)
    assert totals[camden.pk].count(ActivityType.NEWSLETTER) == 1


def test_a_withdrawn_activity_is_in_no_count_and_not_in_the_list(camden):
    withdrawn = camden.activities.get(public_attendance=99)
    assert withdrawn not in activity_list_for(group=camden, filters=ActivityFilters(year=YEAR))
    totals = activity_totals(group_ids=[camden.pk], starts_on=YEAR.starts_on, ends_on=YEAR.ends_on)[camden.pk]
    assert totals.public_attendance == 40 + 12 + 30
    assert list(activity_list_for(group=camden, filters=ActivityFilters(withdrawn=True))) == [withdrawn]


def test_the_filters_come_from_the_query_string_and_bad_values_are_ignored():
    good = ActivityFilters.from_querydict(
        QueryDict("year=2025&type=newsletter&output=local-youth-forum&from=2025-04-01&to=2025-06-30&when=held")
    )
    assert good == ActivityFilters(
        year=YEAR,
        activity_type="newsletter",
        output="local-youth-forum",
        starts_on=dt.date(2025, 4, 1),
        ends_on=dt.date(2025, 6, 30),
        when="held",
    )
    bad = ActivityFilters.from_querydict(
        QueryDict("year=0&type=party&output=<script>&from=2025-02-30&to=yesterday&when=soon&withdrawn=maybe")
    )
    assert bad == ActivityFilters()
    backwards = ActivityFilters.from_querydict(QueryDict("from=2025-06-30&to=2025-04-01"))
    assert (backwards.starts_on, backwards.ends_on) == (None, None)


def test_a_link_carries_its_filters_and_reads_back_the_same():
    url = activity_list_url(7, year=2025, output="public-meetings", ends_on=Q1_END, when="held")
    path, query = url.split("?")
    assert path == reverse("activities:activity-list", kwargs={"pk": 7})
    assert ActivityFilters.from_querydict(QueryDict(query)) == ActivityFilters(
        year=YEAR, output="public-meetings", ends_on=Q1_END, when="held"
    )
    assert activity_list_url(7) == path


def test_bad_filter_values_never_break_the_list(camden, client):
    client.force_login(OfficerFactory())
    url = reverse("activities:activity-list", kwargs={"pk": camden.pk})
    for query in ("from=2025-13-45", "to=%00", "output=" + "x" * 300, "when=<b>", "year=99999", "page=abc"):
        assert client.get(f"{url}?{query}").status_code == 200, query


def test_the_list_shows_each_filter_as_a_tag_that_removes_it_and_the_count(camden, client, time_machine):
    time_machine.move_to(TODAY)
    client.force_login(OfficerFactory())
    url = activity_list_url(camden.pk, year=2025, output="public-meetings", when="held")
    html = client.get(url).text
    assert f">{YEAR.label}<span" in html
    assert f">Evidences: {output_label('public-meetings')}<span" in html
    assert ">Held<span" in html
    assert 'href="?output=public-meetings&amp;when=held"' in html  # removes the year
    assert 'href="?year=2025&amp;when=held"' in html  # removes the output
    assert 'href="?year=2025&amp;output=public-meetings"' in html  # removes held
    assert 'id="result-count">3 activities</p>' in html


def _title(html: str) -> str:
    return html.split("<title>", 1)[1].split("</title>", 1)[0].strip()


def test_each_filter_set_has_its_own_page_title(camden, client):
    client.force_login(OfficerFactory())
    filter_sets = [
        {},
        {"year": 2025},
        {"year": 2025, "activity_type": "public_meeting"},
        {"year": 2025, "output": "public-meetings"},
        {"year": 2025, "output": "public-meetings", "when": "held"},
        {"year": 2025, "output": "public-meetings", "when": "planned"},
        {"output": "public-meetings", "starts_on": YEAR.starts_on, "ends_on": Q1_END},
        {"output": "public-meetings", "ends_on": Q1_END},
    ]
    titles = [_title(client.get(activity_list_url(camden.pk, **filters)).text) for filters in filter_sets]
    assert len(set(titles)) == len(titles), titles
    assert titles[2] == f"Activities {YEAR.label}: Public meeting - {camden.name} - CPEG Manager"
    withdrawn = client.get(reverse("activities:activity-list", kwargs={"pk": camden.pk}) + "?withdrawn=yes").text
    assert _title(withdrawn) not in titles


def test_the_list_reads_a_fixed_number_of_queries(camden, client, django_assert_max_num_queries):
    client.force_login(OfficerFactory())
    url = activity_list_url(camden.pk, year=2025, output="public-meetings", when="held")
    client.get(url)
    for _ in range(5):
        services.activity_create(
            group=camden,
            actor=OfficerFactory(),
            data={"activity_type": "public_meeting", "title": f"Extra {_}", "held_on": dt.date(2025, 5, 2)},
        )
    with django_assert_max_num_queries(20):
        client.get(url)
