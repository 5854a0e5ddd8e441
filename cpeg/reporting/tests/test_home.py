"""The home page: each role's to-do list, its words and links, its queries."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cpeg.accounts.tests.factories import (
    GroupAdminFactory,
    LinkMemberFactory,
    ManagerFactory,
    OfficerFactory,
)
from cpeg.agreements.tests.factories import chair_user, group_sla
from cpeg.core.fiscal import FinancialYear, Quarter, due_in_words
from cpeg.funding.choices import ApplicationStatus
from cpeg.funding.tests.factories import (
    AssessmentFactory,
    AwardFactory,
    FundingApplicationFactory,
    FundingRoundFactory,
)
from cpeg.groups.models import Borough
from cpeg.groups.tests.factories import EngagementGroupFactory, borough
from cpeg.monitoring.choices import ReturnStatus
from cpeg.monitoring.tests.factories import QuarterlyReturnFactory, ReturnLineFactory
from cpeg.reporting.todo import home_page

pytestmark = pytest.mark.django_db


def _today():
    return timezone.localdate()


def _section(page, title):
    return next(s for s in page.sections if s.title == title)


def test_due_in_words_counts_calendar_days_both_ways():
    today = dt.date(2026, 11, 24)
    assert due_in_words(dt.date(2026, 11, 27), today) == "due in 3 days"
    assert due_in_words(dt.date(2026, 11, 25), today) == "due tomorrow"
    assert due_in_words(today, today) == "due today"
    assert due_in_words(dt.date(2026, 11, 23), today) == "overdue by 1 day"
    assert due_in_words(dt.date(2026, 11, 22), today) == "overdue by 2 days"


def test_anonymous_visitors_go_on_to_the_public_directory(client):
    response = client.get(reverse("core:home"))
    assert response.status_code == 302
    assert response.url == reverse("public:group-list")


def test_group_admin_is_told_of_an_overdue_return_and_one_sent_back():
    today = _today()
    camden = EngagementGroupFactory(borough=borough("camden"))
    admin = GroupAdminFactory(group=camden)
    late = QuarterlyReturnFactory(
        group=camden, financial_year=2025, quarter=1, status=ReturnStatus.DRAFT, due_on=today - dt.timedelta(days=2)
    )
    back = QuarterlyReturnFactory(
        group=camden,
        financial_year=2025,
        quarter=2,
        status=ReturnStatus.RETURNED,
        officer_comments="Please add the June meeting",
        due_on=today + dt.timedelta(days=3),
    )
    QuarterlyReturnFactory(group=camden, financial_year=2025, quarter=3, status=ReturnStatus.SUBMITTED)
    other = QuarterlyReturnFactory(group=EngagementGroupFactory(borough=borough("hackney")), status=ReturnStatus.DRAFT)

    items = _section(home_page(user=admin, today=today), "Quarterly returns").items

    assert [i.url for i in items] == [late.get_absolute_url(), back.get_absolute_url()]
    assert other.get_absolute_url() not in [i.url for i in items]
    assert items[0].when.startswith("overdue by 2 days")
    assert items[0].is_overdue is True
    assert "Q1 2025/26" in items[0].what
    assert items[0].group == camden.name
    assert items[1].when.startswith("due in 3 days")
    assert "sent back" in items[1].what


def test_group_admin_is_told_of_an_open_round_until_they_submit():
    today = _today()
    camden = EngagementGroupFactory(borough=borough("camden"))
    admin = GroupAdminFactory(group=camden)
    funding_round = FundingRoundFactory(closes_on=today + dt.timedelta(days=5))

    items = _section(home_page(user=admin, today=today), "Funding applications").items
    assert len(items) == 1
    assert items[0].what == f"Apply for funding from {funding_round.title}"
    assert items[0].when.startswith("deadline due in 5 days")
    assert items[0].url == reverse("funding:group-applications", kwargs={"pk": camden.pk})

    draft = FundingApplicationFactory(funding_round=funding_round, group=camden)
    items = _section(home_page(user=admin, today=today), "Funding applications").items
    assert [i.url for i in items] == [draft.get_absolute_url()]
    assert items[0].what.startswith("Finish and submit")

    draft.status = ApplicationStatus.SUBMITTED
    draft.save()
    assert _section(home_page(user=admin, today=today), "Funding applications").items == []


def test_group_admin_is_asked_for_spend_in_each_ended_quarter_not_submitted():
    today = dt.date(2026, 11, 24)  # Q3 2026/27: Q1 and Q2 have ended
    camden = EngagementGroupFactory(borough=borough("camden"))
    admin = GroupAdminFactory(group=camden)
    award = AwardFactory(group=camden, funding_round=FundingRoundFactory(financial_year=2026, decided=True))

    items = _section(home_page(user=admin, today=today), "Spend to report").items

    quarters = [Quarter(2026, 1), Quarter(2026, 2)]
    assert [i.url for i in items] == [
        reverse("funding:spend-report", kwargs={"pk": camden.pk, "year": 2026, "quarter": q.number}) for q in quarters
    ]
    assert items[0].what == "Report what you spent in Q1 2026/27 (April to June)"
    assert award.group.name == items[0].group


def test_chair_sees_the_sla_waiting_for_their_signature_and_the_admin_does_not():
    today = _today()
    camden = EngagementGroupFactory(borough=borough("camden"))
    chair = chair_user(group=camden)
    admin = GroupAdminFactory(group=camden)
    group_sla(group=camden)

    items = _section(home_page(user=chair, today=today), "Service level agreement to sign").items
    year = FinancialYear.current()
    assert [i.url for i in items] == [reverse("agreements:sla-sign", kwargs={"pk": camden.pk, "year": year.start_year})]
    assert "Service level agreement to sign" not in [s.title for s in home_page(user=admin, today=today).sections]


def test_officer_sees_returns_to_review_support_and_bids_to_assess():
    today = _today()
    officer = OfficerFactory()
    camden = EngagementGroupFactory(borough=borough("camden"))
    submitted = QuarterlyReturnFactory(
        group=camden, financial_year=2025, quarter=2, status=ReturnStatus.SUBMITTED, submitted_at=timezone.now()
    )
    ReturnLineFactory(quarterly_return=submitted, output_code="public-meetings", support_requested="A venue, please")
    QuarterlyReturnFactory(group=camden, financial_year=2025, quarter=1, status=ReturnStatus.ACCEPTED)
    bid = FundingApplicationFactory(group=camden, submitted=True)

    page = home_page(user=officer, today=today)

    review = _section(page, "Returns to review").items
    assert [i.url for i in review] == [submitted.get_absolute_url()]
    assert review[0].when == "submitted today"
    support = _section(page, "Support requested").items
    assert len(support) == 1
    assert "A venue, please" in support[0].what
    assess = _section(page, "Bids to assess").items
    assert [i.url for i in assess] == [reverse("funding:application-assess", kwargs={"pk": bid.pk})]
    assert "Funding decisions waiting" not in [s.title for s in page.sections]


def test_manager_sees_moderations_not_their_own_and_rounds_to_decide():
    today = _today()
    manager = ManagerFactory()
    closed = FundingRoundFactory(
        opens_on=today - dt.timedelta(days=60),
        closes_on=today - dt.timedelta(days=1),
        assessment_ends_on=today + dt.timedelta(days=5),
        decisions_on=today + dt.timedelta(days=10),
    )
    theirs = AssessmentFactory(
        application__funding_round=closed, application__group=EngagementGroupFactory(borough=borough("camden"))
    )
    own = AssessmentFactory(
        application__funding_round=closed,
        application__group=EngagementGroupFactory(borough=borough("hackney")),
        assessor=manager,
    )

    page = home_page(user=manager, today=today)

    moderate = _section(page, "Assessments to moderate").items
    assert [i.url for i in moderate] == [reverse("funding:application-moderate", kwargs={"pk": theirs.application.pk})]
    assert own.application.pk != theirs.application.pk
    decide = _section(page, "Funding decisions waiting").items
    assert [i.url for i in decide] == [reverse("funding:allocation", kwargs={"pk": closed.pk})]
    assert decide[0].when.startswith("decisions due in 10 days")


def test_link_member_sees_their_boroughs_groups_at_a_glance():
    today = _today()
    camden = EngagementGroupFactory(borough=borough("camden"))
    hackney = EngagementGroupFactory(borough=borough("hackney"))
    member = LinkMemberFactory(boroughs=[borough("camden")])
    year = FinancialYear.containing(today).start_year
    QuarterlyReturnFactory(
        group=camden, financial_year=year, quarter=1, status=ReturnStatus.DRAFT, due_on=today - dt.timedelta(days=5)
    )
    QuarterlyReturnFactory(group=camden, financial_year=year - 1, quarter=4, status=ReturnStatus.SUBMITTED)
    QuarterlyReturnFactory(group=hackney, financial_year=year, quarter=1, status=ReturnStatus.DRAFT)

    glance = home_page(user=member, today=today).glance

    assert [(g.name, g.overdue, g.waiting_review, g.sent_back) for g in glance] == [(camden.name, 1, 1, 0)]


def test_the_home_page_shows_each_item_with_its_link(client):
    today = _today()
    camden = EngagementGroupFactory(borough=borough("camden"))
    admin = GroupAdminFactory(group=camden)
    qr = QuarterlyReturnFactory(group=camden, status=ReturnStatus.DRAFT, due_on=today + dt.timedelta(days=3))
    client.force_login(admin)

    response = client.get(reverse("core:home"))

    assert response.status_code == 200
    html = response.content.decode()
    assert f'href="{qr.get_absolute_url()}"' in html
    assert "due in 3 days" in html
    assert camden.name in html


def _officer_world(n):
    borough("camden")  # the boroughs are loaded
    for i, place in enumerate(Borough.objects.order_by("slug")[:n]):
        group = EngagementGroupFactory(borough=place)
        qr = QuarterlyReturnFactory(group=group, status=ReturnStatus.SUBMITTED, submitted_at=timezone.now())
        ReturnLineFactory(quarterly_return=qr, output_code=f"output-{i}", support_requested="Help")
        FundingApplicationFactory(group=group, submitted=True)
        AssessmentFactory(application__group=group)


@pytest.mark.parametrize("size", [2, 12])
def test_the_officers_home_page_takes_the_same_queries_at_two_sizes(client, django_assert_max_num_queries, size):
    manager = ManagerFactory()
    _officer_world(size)
    client.force_login(manager)
    with django_assert_max_num_queries(30):
        response = client.get(reverse("core:home"))
    assert response.status_code == 200
    assert len(_section(response.context["page"], "Returns to review").items) == size


@pytest.mark.parametrize("size", [1, 8])
def test_a_group_admins_home_page_takes_the_same_queries_at_two_sizes(client, django_assert_max_num_queries, size):
    today = _today()
    camden = EngagementGroupFactory(borough=borough("camden"))
    admin = GroupAdminFactory(group=camden)
    for year in range(2010, 2010 + size):
        QuarterlyReturnFactory(group=camden, financial_year=year, quarter=1, status=ReturnStatus.DRAFT)
        FundingRoundFactory(financial_year=year + 100, closes_on=today + dt.timedelta(days=3))
    client.force_login(admin)
    with django_assert_max_num_queries(25):
        response = client.get(reverse("core:home"))
    page = response.context["page"]
    assert len(_section(page, "Quarterly returns").items) == size
    assert len(_section(page, "Funding applications").items) == size


def test_showing_the_home_page_writes_nothing(client):
    from cpeg.core.models import AuditEvent
    from cpeg.notifications.models import Notification

    camden = EngagementGroupFactory(borough=borough("camden"))
    QuarterlyReturnFactory(group=camden, status=ReturnStatus.SUBMITTED, submitted_at=timezone.now())
    for user in (OfficerFactory(), GroupAdminFactory(group=camden), LinkMemberFactory(boroughs=[camden.borough])):
        client.force_login(user)
        assert client.get(reverse("core:home")).status_code == 200
    assert AuditEvent.objects.count() == 0
    assert Notification.objects.count() == 0
