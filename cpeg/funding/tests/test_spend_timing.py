"""When spend may be submitted and a year reconciled (issue 8): spend is
submitted only after its quarter ends, with a check-your-answers step; a
year is reconciled only after it ends or once every quarter is reported."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from cpeg.core.errors import InvalidTransition
from cpeg.core.fiscal import FinancialYear, Quarter
from cpeg.funding import services, workflow
from cpeg.funding.choices import SpendReportStatus
from cpeg.funding.tests.factories import AwardFactory, PaymentFactory, decided_round
from cpeg.groups.tests.factories import EngagementGroupFactory, borough

D = Decimal
pytestmark = pytest.mark.django_db
YEAR = 2024
MID_YEAR = dt.date(2024, 11, 15)  # in Q3 of 2024/25


@pytest.fixture
def award(camden):
    return AwardFactory(group=camden, amount=D("40000.00"), funding_round=decided_round(YEAR))


def _save(award, admin, quarter, *, submit, today, version=None):
    return services.spend_report_save(
        award=award,
        quarter=quarter,
        actor=admin,
        amounts={"venue": "1000"},
        submit=submit,
        loaded_version=version,
        today=today,
    )


def test_reconciliation_mid_year_is_refused_while_quarters_are_unreported(award, camden_admin, officer):
    """Mid-year, Q3 and Q4 would count as nothing spent."""
    PaymentFactory(award=award, amount=D("20000"), status="paid", paid_on=dt.date(2024, 4, 1))
    _save(award, camden_admin, 1, submit=True, today=dt.date(2024, 7, 1), version=0)
    assert workflow.can_reconcile(officer, award, today=MID_YEAR) is False
    with pytest.raises(InvalidTransition, match="cannot be reconciled until it ends on 31 March 2025"):
        services.award_reconcile(award=award, actor=officer, today=MID_YEAR)
    award.refresh_from_db()
    assert award.reconciled_at is None


def test_reconciliation_is_allowed_once_every_quarter_is_submitted_or_the_year_has_ended(award, camden_admin, officer):
    for quarter in (1, 2, 3, 4):
        _save(award, camden_admin, quarter, submit=True, today=dt.date(2025, 4, 1), version=0)
    assert workflow.can_reconcile(officer, award, today=dt.date(2025, 3, 30)) is True
    other = AwardFactory(funding_round=award.funding_round, group=EngagementGroupFactory(borough=borough("hackney")))
    assert workflow.can_reconcile(officer, other, today=dt.date(2025, 4, 1)) is True
    services.award_reconcile(award=award, actor=officer, today=dt.date(2025, 3, 30))
    award.refresh_from_db()
    assert award.reconciled_at is not None


def test_the_reconciliation_page_says_why_it_is_too_early(client, officer, camden):
    today = dt.date.today()
    year = FinancialYear.current(today)
    award = AwardFactory(group=camden, funding_round=decided_round(year.start_year))
    client.force_login(officer)
    response = client.get(reverse("funding:award-reconcile", kwargs={"pk": award.pk}), follow=True)
    assert f"cannot be reconciled until it ends on {year.ends_on:%-d %B %Y}" in response.content.decode()


def test_spend_is_saved_as_a_draft_any_time_but_submitted_only_after_the_quarter_ends(award, camden_admin):
    q3 = Quarter(YEAR, 3)
    report = _save(award, camden_admin, 3, submit=False, today=MID_YEAR, version=0)
    assert report.status == SpendReportStatus.DRAFT
    assert workflow.can_submit_spend(award, quarter=3, today=MID_YEAR) is False
    with pytest.raises(InvalidTransition, match="once the quarter has ended"):
        _save(award, camden_admin, 3, submit=True, today=MID_YEAR, version=report.version)
    report.refresh_from_db()
    assert report.status == SpendReportStatus.DRAFT
    after = q3.ends_on + dt.timedelta(days=1)
    assert workflow.can_submit_spend(award, quarter=3, today=after) is True
    report = _save(award, camden_admin, 3, submit=True, today=after, version=report.version)
    assert report.status == SpendReportStatus.SUBMITTED


def test_spend_is_checked_before_it_is_frozen(client, camden, camden_admin, award):
    """Save and continue shows the answers; only confirming submits."""
    client.force_login(camden_admin)
    url = reverse("funding:spend-report", kwargs={"pk": camden.pk, "year": YEAR, "quarter": 1})
    response = client.post(url, {"version": "0", "spend_venue": "1250", "action": "continue"})
    assert response.status_code == 302
    check = reverse("funding:spend-report-check", kwargs={"pk": camden.pk, "year": YEAR, "quarter": 1})
    assert response["Location"] == check
    report = award.spend_reports.get(quarter=1)
    assert report.status == SpendReportStatus.DRAFT
    page = client.get(check).content.decode()
    assert "Check your answers" in page
    assert "£1,250" in page
    response = client.post(check, {"version": str(report.version)})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == SpendReportStatus.SUBMITTED


def test_a_draft_is_saved_without_submitting(client, camden, camden_admin, award):
    client.force_login(camden_admin)
    url = reverse("funding:spend-report", kwargs={"pk": camden.pk, "year": YEAR, "quarter": 2})
    response = client.post(url, {"version": "0", "spend_venue": "10", "action": "draft"})
    assert response.status_code == 302
    assert award.spend_reports.get(quarter=2).status == SpendReportStatus.DRAFT


def test_the_check_page_runs_the_same_queries_however_many_quarters_are_reported(
    client, camden, camden_admin, award, django_assert_max_num_queries
):
    client.force_login(camden_admin)
    _save(award, camden_admin, 4, submit=False, today=dt.date(2025, 4, 1), version=0)
    check = reverse("funding:spend-report-check", kwargs={"pk": camden.pk, "year": YEAR, "quarter": 4})
    with django_assert_max_num_queries(30) as first:
        assert client.get(check).status_code == 200
    for quarter in (1, 2, 3):
        _save(award, camden_admin, quarter, submit=True, today=dt.date(2025, 4, 1), version=0)
    with django_assert_max_num_queries(len(first.captured_queries)):
        assert client.get(check).status_code == 200
