"""Pages: what each person sees, the award letter, downloads and query counts."""

import datetime as dt
import json
import shutil
import subprocess
from decimal import Decimal

import pytest
from django.urls import reverse

from cpeg.accounts.tests.factories import GroupAdminFactory
from cpeg.funding import opendata, services
from cpeg.funding.choices import ApplicationStatus
from cpeg.funding.models import FundingApplication
from cpeg.funding.tests.factories import (
    AssessmentFactory,
    AwardFactory,
    BudgetLineFactory,
    CriterionFactory,
    FundingApplicationFactory,
    FundingRoundFactory,
    PaymentFactory,
    decided_round,
    past_award,
)
from cpeg.groups.models import Borough
from cpeg.groups.tests.factories import EngagementGroupFactory, borough

D = Decimal
pytestmark = pytest.mark.django_db


def test_award_letter_is_a_pdf_naming_the_group(client, camden, camden_admin):
    award = AwardFactory(group=camden, amount=D("42000.00"))
    BudgetLineFactory(application=award.application, amount=D("42000.00"))
    PaymentFactory(award=award, amount=D("42000.00"))
    client.force_login(camden_admin)
    response = client.get(reverse("funding:award-letter", kwargs={"pk": award.pk}))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", "-", "-"], input=response.content, capture_output=True, check=True
        ).stdout.decode()
        assert "Camden Community and Police Engagement Group" in text
        assert "£42,000" in text


def _assessed(group, round_kwargs):
    funding_round = FundingRoundFactory(**round_kwargs)
    criterion = CriterionFactory(funding_round=funding_round, title="Delivery last year")
    assessment = AssessmentFactory(
        application__group=group, application__funding_round=funding_round, scores={criterion: 4}
    )
    return assessment.application


@pytest.mark.parametrize(
    ("round_kwargs", "sees"),
    [
        ({}, False),  # not decided yet
        ({"decided": True, "show_scores_to_groups": False}, False),  # the round says not
        ({"decided": True, "show_scores_to_groups": True}, True),
    ],
)
def test_a_group_sees_its_scores_only_once_decided_and_if_the_round_says_so(
    client, camden, camden_admin, officer, round_kwargs, sees
):
    application = _assessed(camden, round_kwargs)
    client.force_login(camden_admin)
    page = client.get(application.get_absolute_url()).content.decode()
    assert ("Delivery last year" in page) is sees
    client.force_login(officer)
    assert "Delivery last year" in client.get(application.get_absolute_url()).content.decode()


def test_a_group_never_sees_another_groups_application_award_or_spend(client, camden, hackney_admin):
    application = FundingApplicationFactory(group=camden)
    award = AwardFactory(group=camden)
    client.force_login(hackney_admin)
    assert client.get(application.get_absolute_url()).status_code == 404
    assert client.get(reverse("funding:award-letter", kwargs={"pk": award.pk})).status_code == 404
    assert client.get(reverse("funding:group-applications", kwargs={"pk": camden.pk})).status_code == 404
    url = reverse(
        "funding:spend-report", kwargs={"pk": camden.pk, "year": award.funding_round.financial_year, "quarter": 1}
    )
    assert client.get(url).status_code == 404
    assert client.post(url, {"spend_venue": "1"}).status_code == 404


def test_officers_can_read_spend_but_only_the_group_reports_it(client, camden, officer):
    award = AwardFactory(group=camden)
    url = reverse(
        "funding:spend-report", kwargs={"pk": camden.pk, "year": award.funding_round.financial_year, "quarter": 1}
    )
    client.force_login(officer)
    assert client.get(url).status_code == 200
    assert client.post(url, {"spend_venue": "1"}).status_code == 403


def _bids(funding_round, count, start=0):
    slugs = list(Borough.objects.order_by("name").values_list("slug", flat=True))
    for slug in slugs[start : start + count]:
        group = EngagementGroupFactory(borough=borough(slug))
        application = FundingApplicationFactory(
            funding_round=funding_round, group=group, status=ApplicationStatus.MODERATED, award_amount=D("30000")
        )
        BudgetLineFactory(application=application, amount=D("35000"))
        AssessmentFactory(application=application, scores={funding_round.criteria.first(): 3})


def test_allocation_page_runs_a_fixed_number_of_queries(client, manager, django_assert_max_num_queries):
    borough("camden")
    funding_round = FundingRoundFactory()
    CriterionFactory(funding_round=funding_round)
    client.force_login(manager)
    url = reverse("funding:allocation", kwargs={"pk": funding_round.pk}) + "?rule=pro_rata&unit=100"
    _bids(funding_round, 2)
    with django_assert_max_num_queries(12) as few:
        assert client.get(url).status_code == 200
    _bids(funding_round, 18, start=2)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.status_code == 200
    assert "£600,000" in response.content.decode()  # 20 awards of £30,000 saved


def test_allocation_refuses_a_set_of_awards_above_the_pot_and_saves_nothing(client, manager):
    borough("camden")
    funding_round = FundingRoundFactory(pot_amount=D("50000"), cap_amount=D("40000"), floor_amount=None)
    CriterionFactory(funding_round=funding_round)
    _bids(funding_round, 2)
    FundingApplication.objects.update(award_amount=None)
    ids = list(FundingApplication.objects.values_list("pk", flat=True))
    client.force_login(manager)
    url = reverse("funding:allocation", kwargs={"pk": funding_round.pk})
    version = str(funding_round.version)
    response = client.post(url, {"version": version, f"award_{ids[0]}": "30000", f"award_{ids[1]}": "30000"})
    assert response.status_code == 400
    assert "more than the pot of £50,000" in response.content.decode()
    response = client.post(url, {"version": version, f"award_{ids[0]}": "40000.01", f"award_{ids[1]}": "1000"})
    assert "more than the cap of £40,000" in response.content.decode()
    response = client.post(url, {"version": version, f"award_{ids[0]}": "-3", f"award_{ids[1]}": "1,000.999"})
    page = response.content.decode()
    assert "must be 0 or more" in page
    assert "must not have more than 2 decimal places" in page
    assert not FundingApplication.objects.filter(award_amount__isnull=False).exists()


def test_what_if_panel_shows_a_scenario_without_saving(client, manager):
    borough("camden")
    funding_round = FundingRoundFactory(pot_amount=D("50000"), cap_amount=D("40000"), floor_amount=None)
    CriterionFactory(funding_round=funding_round)
    _bids(funding_round, 2)  # recommendations of £30,000 each: £60,000 against a £50,000 pot
    client.force_login(manager)
    url = reverse("funding:allocation", kwargs={"pk": funding_round.pk})
    page = client.get(url + "?rule=pro_rata&unit=1000").content.decode()
    assert "the awards would total <strong>£50,000</strong>" in page
    assert list(FundingApplication.objects.values_list("award_amount", flat=True)) == [D("30000")] * 2


def test_360giving_json_download_validates(client, officer):
    award = AwardFactory()
    BudgetLineFactory(application=award.application, amount=award.amount)
    services.open_data_refresh()  # the task worker's build after the decision
    client.force_login(officer)
    response = client.get(reverse("funding:export-360giving-json", kwargs={"pk": award.funding_round_id}))
    assert response.status_code == 200
    assert opendata.validate_package(json.loads(response.content)) == []


def test_import_page_lists_problems_by_row_and_column(client, manager):
    from django.core.files.uploadedfile import SimpleUploadedFile

    EngagementGroupFactory(borough=borough("camden"))
    client.force_login(manager)
    upload = SimpleUploadedFile(
        "h.csv",
        b"Financial year,Borough code,Line type,Category,Description,Amount,Note\n"
        b"2008/09,E09000007,Budget,,Office,-5,\n",
    )
    response = client.post(reverse("funding:history-import"), {"file": upload})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Nothing has been imported" in page
    assert "Enter the budget category of this line" in page
    assert "The amount must be 0 or more" in page


def test_group_admin_fills_the_application_form_and_sees_computed_totals(client, camden, camden_admin):
    funding_round = FundingRoundFactory()
    client.force_login(camden_admin)
    response = client.post(reverse("funding:application-start", kwargs={"pk": camden.pk, "round_pk": funding_round.pk}))
    application = FundingApplication.objects.get(group=camden)
    assert response.url == application.get_absolute_url()
    add = reverse("funding:budget-line-add", kwargs={"pk": application.pk})
    response = client.post(
        add,
        {
            "category": "staffing",
            "description": "Administrator",
            "post_title": "Admin",
            "hours_per_week": "37.5",
            "salary_amount": "25,000",
            "on_costs_amount": "5000.50",
        },
    )
    assert response.status_code == 302
    response = client.post(add, {"description": "No category", "amount": "100"})
    assert "Select the budget category" in response.content.decode()
    page = client.get(application.get_absolute_url()).content.decode()
    assert "£30,000.50" in page


def test_spend_report_page_saves_the_groups_spend(client, camden, camden_admin):
    award = AwardFactory(
        group=camden,
        funding_round=decided_round(),
    )
    BudgetLineFactory(application=award.application, category="venue", amount=award.amount)
    client.force_login(camden_admin)
    url = reverse("funding:spend-report", kwargs={"pk": camden.pk, "year": 2024, "quarter": 2})
    response = client.post(url, {"version": "0", "spend_venue": "-4"})
    assert response.status_code == 400
    assert "must be 0 or more" in response.content.decode()
    assert client.post(url, {"version": "0", "spend_venue": "9000"}).status_code == 302
    assert award.spend_reports.get(quarter=2).lines.get(category="venue").amount == D("9000.00")


def test_another_groups_admin_cannot_start_an_application_for_camden(client, camden):
    other = GroupAdminFactory(group=EngagementGroupFactory(borough=borough("hackney")))
    client.force_login(other)
    url = reverse("funding:application-start", kwargs={"pk": camden.pk, "round_pk": FundingRoundFactory().pk})
    assert client.post(url).status_code == 404
    assert not FundingApplication.objects.exists()


def _spend_url(group, quarter=1, year=2024):
    return reverse("funding:spend-report", kwargs={"pk": group.pk, "year": year, "quarter": quarter})


# --- Spend: frozen, reopened, stale forms (fixes 1 and 9) ------------------------------


def test_spend_form_carries_version_0_until_a_report_exists_and_a_stale_form_is_a_conflict(
    client, camden, camden_admin
):
    award = past_award(camden)
    client.force_login(camden_admin)
    url = _spend_url(camden)
    assert 'name="version" value="0"' in client.get(url).content.decode()
    # Without the version the form is out of date, and nothing is saved.
    response = client.post(url, {"spend_venue": "10"})
    assert response.status_code == 400
    assert "This page is out of date" in response.content.decode()
    assert not award.spend_reports.exists()
    # Two people load the empty form; the second save is a conflict (the
    # first save is a draft, so the quarter is still open to change).
    assert client.post(url, {"version": "0", "spend_staffing": "9000"}).status_code == 302
    response = client.post(url, {"version": "0", "spend_venue": "150"})
    assert response.status_code == 400
    assert "Someone else changed this record" in response.content.decode()
    assert award.spend_reports.get().lines.get(category="staffing").amount == D("9000.00")


def test_submitted_spend_shows_why_it_is_frozen_and_refuses_a_post(client, camden, camden_admin, officer):
    award = past_award(camden)
    report = services.spend_report_save(
        award=award, quarter=1, actor=camden_admin, amounts={"venue": "600"}, submit=True, loaded_version=0
    )
    client.force_login(camden_admin)
    url = _spend_url(camden)
    page = client.get(url).content.decode()
    assert "was submitted on" in page
    assert "Save and continue" not in page
    assert "Reopen the spend report" not in page
    response = client.post(url, {"version": str(report.version), "spend_venue": "60000"}, follow=True)
    assert "can no longer change" in response.content.decode()
    assert report.lines.get(category="venue").amount == D("600.00")
    # The officer reopens it, with a reason.
    client.force_login(officer)
    assert "Reopen the spend report" in client.get(url).content.decode()
    reopen = reverse("funding:spend-report-reopen", kwargs={"pk": camden.pk, "year": 2024, "quarter": 1})
    response = client.post(reopen, {"reason": ""})
    assert response.status_code == 400
    assert "Enter why you are reopening it" in response.content.decode()
    assert client.post(reopen, {"reason": "Invoice missed"}).status_code == 302
    report.refresh_from_db()
    assert report.status == "draft"
    client.force_login(camden_admin)
    page = client.get(url).content.decode()
    assert "Invoice missed" in page
    assert "Save and continue" in page


def test_spend_is_frozen_once_the_quarters_return_is_accepted(client, camden, camden_admin):
    from cpeg.monitoring.tests.factories import QuarterlyReturnFactory

    award = past_award(camden)
    QuarterlyReturnFactory(group=camden, financial_year=2024, quarter=2, status="accepted")
    client.force_login(camden_admin)
    url = _spend_url(camden, quarter=2)
    assert "quarterly return for Q2 2024/25 has been accepted" in client.get(url).content.decode()
    response = client.post(url, {"version": "0", "spend_venue": "1"}, follow=True)
    assert "can no longer change" in response.content.decode()
    assert not award.spend_reports.exists()


# --- Reconciliation (fix 2) ---------------------------------------------------------


def test_reconciliation_page_shows_the_worked_out_figures_and_records_them(client, camden, camden_admin, officer):
    award = past_award(camden)
    PaymentFactory(award=award, instalment=1, amount=D("20000"), status="paid", paid_on=dt.date(2024, 4, 1))
    services.spend_report_save(
        award=award, quarter=1, actor=camden_admin, amounts={"staffing": "15000.50"}, submit=True, loaded_version=0
    )
    client.force_login(officer)
    url = reverse("funding:award-reconcile", kwargs={"pk": award.pk})
    page = client.get(url).content.decode()
    assert "£15,000.50" in page
    assert "£4,999.50" in page
    assert "No spend has been reported for Q2, Q3, Q4" in page
    response = client.post(url, {"version": str(award.version), "return_amount": "4000", "adjustment_reason": ""})
    assert response.status_code == 400
    assert "Enter the reason for changing the sum to be returned" in response.content.decode()
    response = client.post(url, {"version": str(award.version), "return_amount": "4999.50"})
    assert response.status_code == 302
    award.refresh_from_db()
    assert award.return_amount == D("4999.50")
    # A second reconciliation is refused; the award page offers a reopening.
    response = client.get(url, follow=True)
    assert "already been reconciled" in response.content.decode()
    assert reverse("funding:award-reconciliation-reopen", kwargs={"pk": award.pk}) in response.content.decode()
    reopen = reverse("funding:award-reconciliation-reopen", kwargs={"pk": award.pk})
    response = client.post(reopen, {"version": str(award.version), "reason": "Q2 to Q4 not reported yet"})
    assert response.status_code == 302
    award.refresh_from_db()
    assert award.reconciled_at is None


# --- Moderation (fix 4) ---------------------------------------------------------------


def test_a_manager_who_assessed_is_not_offered_moderation_and_cannot_post_it(client, manager):
    assessment = AssessmentFactory(assessor=manager)
    application = assessment.application
    client.force_login(manager)
    page = client.get(application.get_absolute_url()).content.decode()
    assert "/moderate/" not in page
    url = reverse("funding:application-moderate", kwargs={"pk": application.pk})
    response = client.post(url, {"version": str(application.version), "moderation_comments": "Fine"}, follow=True)
    assert "Someone other than the assessor must moderate" in response.content.decode()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.ASSESSED


# --- What groups see of assessment (fix 17) -----------------------------------------


@pytest.mark.parametrize("status", [ApplicationStatus.ASSESSED, ApplicationStatus.MODERATED])
def test_a_group_sees_submitted_until_the_round_is_decided(client, camden, camden_admin, officer, status):
    application = FundingApplicationFactory(group=camden, status=status)
    label = ApplicationStatus(status).label
    client.force_login(camden_admin)
    for url in (application.get_absolute_url(), reverse("funding:group-applications", kwargs={"pk": camden.pk})):
        page = client.get(url).content.decode()
        assert ">Submitted</strong>" in page
        assert f">{label}</strong>" not in page
    client.force_login(officer)
    assert f">{label}</strong>" in client.get(application.get_absolute_url()).content.decode()


def test_a_group_sees_decided_once_the_round_is_decided(client, camden, camden_admin):
    award = AwardFactory(group=camden)
    client.force_login(camden_admin)
    assert ">Decided</strong>" in client.get(award.application.get_absolute_url()).content.decode()


# --- The award letter is a tagged PDF (fix 15) -------------------------------------


def test_award_letter_is_a_tagged_pdf_with_the_groups_name(client, camden, camden_admin):
    award = AwardFactory(group=camden, amount=D("42000.00"))
    BudgetLineFactory(application=award.application, amount=D("42000.00"))
    client.force_login(camden_admin)
    pdf = client.get(reverse("funding:award-letter", kwargs={"pk": award.pk})).content
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    assert "Camden Community and Police Engagement Group" in text
    assert "Your awarded budget by category" in text
    # The catalogue's /MarkInfo and /StructTreeRoot sit in compressed object
    # streams, so poppler reads them: tagged, titled, tables with headers.
    info = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    assert "Tagged:          yes" in info
    assert "Title:           Award letter: Camden Community and Police Engagement Group" in info
    tree = subprocess.run(["pdfinfo", "-struct", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    assert tree.startswith("Document")
    assert tree.count("Table (block)") == 2
    assert tree.count("Caption") == 2
    assert "TH" in tree


def test_a_bad_year_quarter_or_id_in_a_funding_url_is_not_found(client, officer, camden):
    """A 404, never a server error: years outside 1990-2099 never reach a view."""
    past_award(camden)
    client.force_login(officer)
    for url in (
        f"/funding/groups/{camden.pk}/spend/0/1/",
        f"/funding/groups/{camden.pk}/spend/99999/1/",
        f"/funding/groups/{camden.pk}/spend/2024/5/",
        f"/funding/groups/{camden.pk}/spend/0/1/reopen/",
        "/funding/groups/0/spend/2024/1/",
        "/funding/rounds/0/",
        "/funding/applications/999999/",
        "/funding/awards/999999/",
        "/funding/payments/999999/paid/",
    ):
        assert client.get(url).status_code == 404, url
