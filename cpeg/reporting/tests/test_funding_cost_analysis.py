"""The cost analysis (moved from funding): figures checked against values
worked out by hand, who sees which group, the links behind every figure,
and query counts."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from cpeg.accounts.tests.factories import OfficerFactory
from cpeg.activities.models import Activity
from cpeg.core.fiscal import FinancialYear
from cpeg.funding.tests.factories import AwardFactory, BudgetLineFactory, decided_round, past_award
from cpeg.funding.tests.test_selectors import _award, _round
from cpeg.groups.choices import StaffingModel
from cpeg.groups.models import Borough
from cpeg.groups.tests.factories import EngagementGroupFactory, borough
from cpeg.reporting.funding import selectors

D = Decimal
pytestmark = pytest.mark.django_db
YEAR = FinancialYear(2024)


@pytest.fixture
def officer(db):
    return OfficerFactory()


@pytest.fixture
def camden(db):
    return EngagementGroupFactory(borough=borough("camden"))


def _activities(group, kind, count, attendance, held_on=dt.date(2024, 6, 1)):
    for n in range(count):
        Activity.objects.create(
            group=group, activity_type=kind, title=f"{kind} {n}", held_on=held_on, public_attendance=attendance
        )


@pytest.fixture
def four_groups():
    funding_round = _round()
    a = _award(
        funding_round,
        "camden",
        StaffingModel.DIRECT,
        "40000",
        [("staffing", "30000"), ("staff_office", "5000"), ("venue", "5000")],
    )
    b = _award(
        funding_round,
        "lambeth",
        StaffingModel.DIRECT,
        "40000",
        [("staffing", "38000"), ("staff_office", "1000"), ("other", "1000")],
    )
    c = _award(
        funding_round,
        "wandsworth",
        StaffingModel.COUNCIL,
        "20000",
        [("staffing", "6000"), ("staff_office", "4000"), ("meetings", "10000")],
    )
    d = _award(
        funding_round,
        "merton",
        StaffingModel.VOLUNTARY,
        "24000",
        [("staffing", "16000"), ("staff_office", "4000"), ("publicity", "5000")],
    )
    _activities(a.group, "public_meeting", 4, 50)
    _activities(a.group, "targeted_event", 2, 30)
    _activities(b.group, "public_meeting", 5, 40)
    _activities(c.group, "public_meeting", 4, 20)
    _activities(c.group, "targeted_event", 1, 20)
    _activities(c.group, "newsletter", 1, None)
    _activities(a.group, "public_meeting", 3, 100, held_on=dt.date(2025, 4, 2))  # next year: not counted
    return a, b, c, d


def test_cost_analysis_matches_the_hand_worked_figures(four_groups):
    a, b, c, d = four_groups
    analysis = selectors.cost_analysis(year=YEAR)
    overall = analysis.overall
    # Staffing 90,000 of a 125,000 budget; with staff office costs 104,000.
    # Shares are of the 124,000 awarded: Merton's budget is scaled to its
    # 24,000 award (staffing 15,360), so 89,360 of 124,000.
    assert overall.budget_total == D("125000")
    assert overall.staffing_share == D("72.1")
    assert overall.staff_and_office_share == D("83.2")
    assert (overall.lowest_share, overall.highest_share) == (D("30.0"), D("95.0"))
    # Camden is exactly 75%: "over 75%" counts Lambeth only.
    assert overall.over_threshold == 1
    # Awards 124,000 over 13 meetings, 3 events and 560 attendees.
    assert overall.cost_per_public_meeting == D("9538.46")
    assert overall.cost_per_targeted_event == D("41333.33")
    assert overall.cost_per_attendee == D("221.43")

    groups = {g.group.pk: g for g in analysis.groups}
    camden = groups[a.group.pk]
    assert (camden.staffing_share, camden.staff_and_office_share) == (D("75.0"), D("87.5"))
    assert (camden.cost_per_public_meeting, camden.cost_per_targeted_event) == (D("10000.00"), D("20000.00"))
    assert camden.cost_per_attendee == D("153.85")
    assert groups[b.group.pk].cost_per_targeted_event is None
    assert groups[c.group.pk].cost_per_attendee == D("200.00")
    merton = groups[d.group.pk]
    # The share is of the budget (25,000), though the award was 24,000.
    assert merton.staffing_share == D("64.0")
    assert merton.cost_per_public_meeting is None

    by_model = {m.label: m for m in analysis.by_model}
    direct = by_model[StaffingModel.DIRECT.label]
    assert (direct.count, direct.staffing_share, direct.staff_and_office_share) == (2, D("85.0"), D("92.5"))
    assert (direct.lowest_share, direct.highest_share, direct.over_threshold) == (D("75.0"), D("95.0"), 1)
    assert by_model[StaffingModel.COUNCIL.label].staffing_share == D("30.0")
    assert by_model[StaffingModel.VOLUNTARY.label].staff_and_office_share == D("80.0")


def test_a_withdrawn_activity_is_not_delivery_in_the_cost_analysis_or_last_years_delivery(four_groups):
    """One definition of "activities held" (``activities.selectors.activity_totals``,
    as the activity lists count): a withdrawn meeting, recorded in error,
    divides no award and counts nowhere."""
    from django.utils import timezone

    a, _b, _c, _d = four_groups
    Activity.objects.create(
        group=a.group,
        activity_type="public_meeting",
        title="Recorded twice",
        held_on=dt.date(2024, 6, 1),
        public_attendance=500,
        withdrawn_at=timezone.now(),
        withdrawal_reason="Recorded twice",
    )
    overall = selectors.cost_analysis(year=YEAR).overall
    assert (overall.public_meetings, overall.attendees) == (13, 560)
    assert overall.cost_per_public_meeting == D("9538.46")
    delivery = selectors.previous_year_delivery(group=a.group, year=YEAR)
    assert (delivery.public_meetings, delivery.targeted_events, delivery.attendance) == (4, 2, 260)


def test_cost_analysis_runs_three_queries_whatever_the_number_of_groups(four_groups, django_assert_num_queries):
    with django_assert_num_queries(3):
        selectors.cost_analysis(year=YEAR)


def test_budget_lines_behind_a_figure_are_those_of_the_awarded_application(four_groups):
    a = four_groups[0]
    lines = selectors.budget_lines_for(group=a.group, year=YEAR, categories=["staffing", "staff_office"])
    assert sum(line.amount for line in lines) == D("35000")


def test_a_link_member_sees_only_their_boroughs_groups_but_every_groups_totals(four_groups):
    from cpeg.accounts.tests.factories import LinkMemberFactory

    a, b, c, d = four_groups  # camden, lambeth, wandsworth, merton
    link = LinkMemberFactory(boroughs=[borough("camden"), borough("islington")])
    analysis = selectors.cost_analysis(year=YEAR)
    assert [g.group for g in selectors.cost_groups_visible(user=link, analysis=analysis)] == [a.group]
    across = selectors.cost_lines_across_groups(user=link, year=YEAR, categories=["staffing"])
    assert {line.application.group_id for line in across.lines} == {a.group_id}
    assert across.total == D("30000")
    assert across.hidden_groups == 3


def test_lines_across_groups_filter_by_category_and_staffing_model(four_groups, django_assert_num_queries):
    from cpeg.accounts.access import roles_of
    from cpeg.accounts.tests.factories import OfficerFactory

    officer = OfficerFactory()
    roles_of(officer)  # the roles are read once per request, before counting
    with django_assert_num_queries(4):
        across = selectors.cost_lines_across_groups(
            user=officer, year=YEAR, categories=["staffing", "staff_office"], model=StaffingModel.DIRECT
        )
    # Camden 30,000 + 5,000 and Lambeth 38,000 + 1,000.
    assert across.total == D("74000")
    assert [g.group.borough.slug for g in across.groups] == ["camden", "lambeth"]
    assert across.hidden_groups == 0


# --- The pages --------------------------------------------------------------------


def test_cost_analysis_page_runs_a_fixed_number_of_queries(client, officer, django_assert_max_num_queries):
    funding_round = decided_round()
    slugs = list(Borough.objects.order_by("name").values_list("slug", flat=True)) if Borough.objects.exists() else []
    borough("camden")
    slugs = list(Borough.objects.order_by("name").values_list("slug", flat=True))

    def add(slugs_):
        for slug in slugs_:
            award = AwardFactory(funding_round=funding_round, group=EngagementGroupFactory(borough=borough(slug)))
            BudgetLineFactory(application=award.application, category="staffing", amount=D("30000"))
            BudgetLineFactory(application=award.application, category="venue", amount=D("10000"))

    add(slugs[:2])
    client.force_login(officer)
    with django_assert_max_num_queries(12) as few:
        assert client.get(reverse("reporting:cost-analysis")).status_code == 200
    add(slugs[2:20])
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(reverse("reporting:cost-analysis")).content.decode()
    assert "75.0%" in page


@pytest.fixture
def cost_year(camden):
    """Awards for 2024/25 to Camden, Islington and Hackney, with activities."""
    from cpeg.activities.models import Activity

    funding_round = past_award(camden).funding_round
    awards = {"camden": funding_round.awards.get()}
    for slug in ("islington", "hackney"):
        awards[slug] = AwardFactory(
            funding_round=funding_round, group=EngagementGroupFactory(borough=borough(slug)), amount=D("40000")
        )
    for slug, award in awards.items():
        BudgetLineFactory(application=award.application, category="staffing", amount=D("30000"), description=slug)
        BudgetLineFactory(application=award.application, category="venue", amount=D("10000"))
        Activity.objects.create(
            group=award.group, activity_type="public_meeting", title="Meeting", held_on=dt.date(2024, 6, 1)
        )
    return awards


def test_a_link_member_sees_london_wide_figures_but_only_their_boroughs_groups(client, cost_year):
    from cpeg.accounts.tests.factories import LinkMemberFactory

    link = LinkMemberFactory(boroughs=[borough("camden"), borough("islington")])
    client.force_login(link)
    page = client.get(reverse("reporting:cost-analysis")).content.decode()
    # The London-wide figures cover all three groups.
    assert "£120,000" in page
    assert "Camden Community" in page
    assert "Islington Community" in page
    assert "Hackney Community" not in page
    assert "1 group not shown" in page
    hackney = cost_year["hackney"].group
    assert client.get(reverse("reporting:cost-lines", kwargs={"year": 2024, "pk": hackney.pk})).status_code == 404
    camden = cost_year["camden"].group
    assert client.get(reverse("reporting:cost-lines", kwargs={"year": 2024, "pk": camden.pk})).status_code == 200
    lines = client.get(reverse("reporting:cost-lines-all", kwargs={"year": 2024}) + "?category=staffing")
    text = lines.content.decode()
    assert ">camden<" in text
    assert ">islington<" in text
    assert ">hackney<" not in text
    assert "£60,000" in text  # Camden's and Islington's staffing lines only


def test_officers_see_every_group_in_the_cost_analysis(client, officer, cost_year):
    client.force_login(officer)
    page = client.get(reverse("reporting:cost-analysis")).content.decode()
    assert "Hackney Community" in page
    assert "not shown" not in page


def test_every_cost_figure_links_to_the_lines_or_activities_behind_it(client, officer, cost_year):
    client.force_login(officer)
    page = client.get(reverse("reporting:cost-analysis")).content.decode()
    every = reverse("reporting:cost-lines-all", kwargs={"year": 2024})
    for href in (
        f'{every}"',
        f'{every}?category=staffing"',
        f'{every}?category=staffing&amp;category=staff_office"',
        f'{every}?category=staffing#by-group"',
        f'{every}?#by-group"',
        f'{every}?model=direct"',
        f'{every}?model=direct&amp;category=staffing"',
        f'{every}?model=direct&amp;category=staffing&amp;category=staff_office"',
        f'{every}?model=direct#by-group"',
    ):
        assert f'href="{href}' in page, href
    camden = cost_year["camden"].group
    activities = reverse("activities:activity-list", kwargs={"pk": camden.pk})
    lines = reverse("reporting:cost-lines", kwargs={"year": 2024, "pk": camden.pk})
    for href in (
        f"{activities}?year=2024&amp;type=public_meeting&amp;when=held",
        f"{activities}?year=2024&amp;type=targeted_event&amp;when=held",
        f"{activities}?year=2024&amp;when=held",
        f"{lines}?category=staffing",
        f"{lines}?category=staffing&amp;category=staff_office",
    ):
        assert f'href="{href}"' in page, href
    # The page behind an aggregate lists each group's figures and the lines.
    response = client.get(f"{every}?model=direct&category=staffing")
    text = response.content.decode()
    assert f'href="{activities}?year=2024&amp;type=public_meeting&amp;when=held"' in text
    assert "Administrator directly contracted to the group" in text


def test_lines_across_groups_page_runs_a_fixed_number_of_queries(client, officer, django_assert_max_num_queries):
    funding_round = past_award(EngagementGroupFactory(borough=borough("camden"))).funding_round
    BudgetLineFactory(application=funding_round.awards.get().application, amount=D("40000"))
    slugs = list(Borough.objects.exclude(slug="camden").order_by("name").values_list("slug", flat=True))

    def add(some):
        for slug in some:
            award = AwardFactory(funding_round=funding_round, group=EngagementGroupFactory(borough=borough(slug)))
            BudgetLineFactory(application=award.application, category="staffing", amount=D("30000"))
            BudgetLineFactory(application=award.application, category="venue", amount=D("10000"))

    add(slugs[:2])
    client.force_login(officer)
    url = reverse("reporting:cost-lines-all", kwargs={"year": 2024})
    with django_assert_max_num_queries(12) as few:
        assert client.get(url).status_code == 200
    add(slugs[2:15])
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


def test_a_staffing_model_with_fewer_than_three_groups_is_withheld_from_a_link_member(client, officer):
    from cpeg.accounts.tests.factories import LinkMemberFactory

    groups = {
        slug: EngagementGroupFactory(borough=borough(slug), staffing_model=model)
        for slug, model in [
            ("camden", "direct"),
            ("islington", "direct"),
            ("lambeth", "direct"),
            ("hackney", "voluntary"),
        ]
    }
    first = past_award(groups["camden"])
    for slug in ("islington", "lambeth", "hackney"):
        AwardFactory(group=groups[slug], funding_round=first.funding_round, amount=D("40000.00"))
    for award in first.funding_round.awards.all():
        BudgetLineFactory(application=award.application, category="staffing", amount=D("30000.00"))
        BudgetLineFactory(application=award.application, category="venue", amount=D("10000.00"))
    link = LinkMemberFactory(boroughs=[borough("camden")])
    url = reverse("reporting:cost-analysis") + "?year=2024"

    def by_model(page):
        start = page.index('id="by-model"')
        return page[start : page.index("</table>", start)]

    client.force_login(link)
    page = client.get(url).content.decode()
    assert "Not shown: with fewer than 3 groups" in by_model(page)
    assert "Hackney" not in page
    assert "except that a staffing model with fewer than 3 groups is not shown" in page
    # Each shown row gives 75.0% four times (staffing share, with office costs,
    # range from and to): directly contracted (three groups) and all groups.
    assert by_model(page).count("75.0%") == 8

    client.force_login(officer)
    page = client.get(url).content.decode()
    assert "Not shown" not in page
    assert by_model(page).count("75.0%") == 12


def test_a_year_outside_the_financial_years_or_a_missing_group_is_not_found(client, officer, camden):
    """Bad ids and years are a 404, never a server error."""
    client.force_login(officer)
    for url in (
        "/funding/cost-analysis/0/lines/",
        "/funding/cost-analysis/0/groups/1/",
        "/funding/cost-analysis/99999/lines/",
        "/funding/cost-analysis/2024/groups/0/",
        "/funding/cost-analysis/2024/groups/999999/",
        "/funding/cost-analysis/1800/lines/",
    ):
        assert client.get(url).status_code == 404, url


def test_an_unreadable_year_asked_for_shows_the_latest_year(client, officer, camden):
    past_award(camden)
    client.force_login(officer)
    for year in ("0", "9999", "abcd", "2024/99"):
        response = client.get(reverse("reporting:cost-analysis") + f"?year={year}")
        assert response.status_code == 200, year
        assert "Cost analysis 2024/25" in response.content.decode()


def test_an_imported_past_year_is_covered_by_the_cost_analysis():
    from cpeg.accounts.tests.factories import ManagerFactory
    from cpeg.funding import importer
    from cpeg.funding.tests.test_importer import GOOD, _csv

    for slug in ("camden", "hackney"):
        EngagementGroupFactory(borough=borough(slug))
    importer.history_import(actor=ManagerFactory(), rows=importer.read_table(_csv(*GOOD)))
    analysis = selectors.cost_analysis(year=FinancialYear(2008))
    # Staffing 45,000 of 58,000.50.
    assert analysis.overall.staffing_share == Decimal("77.6")


def test_the_by_group_table_comes_a_page_at_a_time(client, officer, cost_year, monkeypatch):
    """Issue 14.3: 2,000 group rows were a 4 MB page; the table is paginated,
    the London-wide figures above it still cover every group."""
    from cpeg.reporting.funding import views

    monkeypatch.setattr(views, "GROUPS_PAGE_SIZE", 2)
    client.force_login(officer)
    url = reverse("reporting:cost-analysis")
    first = client.get(url, {"year": "2024"}).content.decode()
    second = client.get(url, {"year": "2024", "page": "2"}).content.decode()
    names = [award.group.name for award in cost_year.values()]
    shown = [[n for n in names if n in html.split('id="by-group"')[1]] for html in (first, second)]
    assert len(shown[0]) == 2
    assert len(shown[1]) == 1
    assert sorted(shown[0] + shown[1]) == sorted(names)
    assert "1 to 2 of 3 groups" in first
    assert 'href="?year=2024&amp;page=2"' in first
    # The summary above the table counts all three groups on every page.
    for html in (first, second):
        assert "awarded to 3 groups" in html
