"""Other funding and support: the status rules, exact totals per group
and across groups, and a repeated form submission saving once."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from cpeg.accounts.tests.factories import GroupAdminFactory, LinkMemberFactory, OfficerFactory
from cpeg.core.models import AuditEvent
from cpeg.groups.tests.factories import EngagementGroupFactory, borough
from cpeg.membership import figures, selectors, services
from cpeg.membership import views as membership_views
from cpeg.membership.models import OtherFunding
from cpeg.membership.tests.factories import OtherFundingFactory, SupportUsedFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def camden():
    return EngagementGroupFactory(borough=borough("camden"))


def _data(**overrides):
    return {
        "funder": "City Bridge Trust",
        "purpose": "Youth engagement events",
        "requested_amount": Decimal("4999.99"),
        "applied_on": dt.date(2026, 5, 1),
        "status": "applied",
        "awarded_amount": None,
        "decided_on": None,
    } | overrides


def test_an_award_needs_its_amount_and_date_and_a_refusal_its_date(camden):
    admin = GroupAdminFactory(group=camden)
    with pytest.raises(ValidationError) as error:
        services.other_funding_add(group=camden, actor=admin, data=_data(status="awarded"))
    assert set(error.value.message_dict) == {"decided_on", "awarded_amount"}
    with pytest.raises(ValidationError, match="Enter the date of the decision"):
        services.other_funding_add(group=camden, actor=admin, data=_data(status="refused"))
    funding = services.other_funding_add(
        group=camden,
        actor=admin,
        data=_data(status="awarded", awarded_amount=Decimal("3000.50"), decided_on=dt.date(2026, 6, 1)),
    )
    assert funding.awarded_amount == Decimal("3000.50")
    assert AuditEvent.objects.filter(event_type="OTHER_FUNDING_RECORDED", group=camden).count() == 1


def test_a_decision_before_the_application_is_refused(camden):
    with pytest.raises(ValidationError, match="on or after the date applied"):
        services.other_funding_add(
            group=camden,
            actor=OfficerFactory(),
            data=_data(status="refused", decided_on=dt.date(2026, 4, 1)),
        )


def test_recording_the_decision_later_is_an_audited_change(camden):
    admin = GroupAdminFactory(group=camden)
    funding = services.other_funding_add(group=camden, actor=admin, data=_data())
    services.other_funding_update(
        funding=funding,
        actor=admin,
        data=_data(status="awarded", awarded_amount=Decimal("2500"), decided_on=dt.date(2026, 7, 1)),
        loaded_version=funding.version,
    )
    funding.refresh_from_db()
    assert funding.status == "awarded"
    assert funding.version == 2
    assert AuditEvent.objects.filter(event_type="OTHER_FUNDING_UPDATED").count() == 1


def test_another_groups_administrator_and_link_members_cannot_record_funding(camden):
    for actor in (GroupAdminFactory(group=EngagementGroupFactory()), LinkMemberFactory(boroughs=[camden.borough])):
        with pytest.raises(PermissionDenied):
            services.other_funding_add(group=camden, actor=actor, data=_data())


def test_a_repeated_submission_records_the_funding_once(camden, client):
    client.force_login(GroupAdminFactory(group=camden))
    url = reverse("membership:other-funding-add", kwargs={"pk": camden.pk})
    token = client.get(url).context["form"].initial["form_token"]
    post = {
        "form_token": token,
        "funder": "Lottery Community Fund",
        "requested_amount": "10000",
        "applied_on_0": "3",
        "applied_on_1": "4",
        "applied_on_2": "2026",
        "status": "applied",
    }
    assert client.post(url, post).status_code == 302
    assert client.post(url, post).status_code == 302
    assert OtherFunding.objects.filter(group=camden).count() == 1


def test_totals_per_group_and_across_groups_add_exactly(camden, client, django_assert_max_num_queries):
    hackney = EngagementGroupFactory(borough=borough("hackney"))
    OtherFundingFactory(group=camden, requested_amount=Decimal("1000.10"))
    OtherFundingFactory(
        group=camden,
        requested_amount=Decimal("5000"),
        status="awarded",
        awarded_amount=Decimal("4000.05"),
        decided_on=dt.date(2025, 6, 1),
    )
    OtherFundingFactory(
        group=hackney, requested_amount=Decimal("300.33"), status="refused", decided_on=dt.date(2025, 6, 1)
    )
    SupportUsedFactory(group=hackney)
    page = selectors.other_funding_page(group=camden)
    assert page.totals == figures.FundingTotals(
        applications=2,
        requested=Decimal("6000.10"),
        awarded_count=1,
        awarded=Decimal("4000.05"),
        waiting_count=1,
        waiting=Decimal("1000.10"),
        refused_count=0,
        refused=Decimal("0"),
    )
    assert [f.funder for f in selectors.other_funding_page(group=camden, status="awarded").funding] == [
        page.funding[1].funder if page.funding[1].status == "awarded" else page.funding[0].funder
    ]
    officer = OfficerFactory()
    london = selectors.other_funding_london(user=officer)
    assert london.totals.requested == Decimal("6300.43")
    assert london.totals.awarded == Decimal("4000.05")
    assert london.totals.refused == Decimal("300.33")
    assert london.support == 1
    assert sum((r.totals.requested for r in london.rows), Decimal(0)) == london.totals.requested
    client.force_login(officer)
    with django_assert_max_num_queries(15):
        response = client.get(reverse("membership:other-funding-london"))
    assert "£6,300.43" in response.content.decode()


def test_the_london_list_shows_the_groups_a_page_at_a_time_and_the_totals_of_every_group(client, monkeypatch):
    # 50 a page in use; 2 here (a borough has one group, so there cannot be 51 groups).
    monkeypatch.setattr(membership_views, "LONDON_FUNDING_PAGE_SIZE", 2)
    for slug in ("camden", "hackney", "lambeth"):
        OtherFundingFactory(group=EngagementGroupFactory(borough=borough(slug)), requested_amount=Decimal("100.01"))
    client.force_login(OfficerFactory())
    first = client.get(reverse("membership:other-funding-london")).content.decode()
    last = client.get(reverse("membership:other-funding-london") + "?page=2").content.decode()
    row = '<th scope="row" class="govuk-table__header govuk-!-font-weight-regular">'
    assert [first.count(row), last.count(row)] == [2, 1]
    for html in (first, last):
        # 3 x £100.01 on both pages: the total row counts every group, not the page's.
        assert "Total (all 3 groups with records)" in html
        assert "£300.03" in html
    assert "Groups 1 to 2 of 3" in first
    assert "Groups 3 to 3 of 3" in last
    assert "Page 2 of 2" in last
