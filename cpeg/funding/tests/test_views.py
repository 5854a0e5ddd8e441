"""Pages: what each person sees, the award letter, downloads and query counts."""

import datetime as dt
import json
import shutil
import subprocess
from decimal import Decimal

import pytest
from django.urls import reverse

from cpeg.accounts.tests.factories import GroupAdminFactory
from cpeg.funding import opendata
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


def test_cost_analysis_page_runs_a_fixed_number_of_queries(client, officer, django_assert_max_num_queries):
    funding_round = FundingRoundFactory(
        decided=True,
        financial_year=2024,
        opens_on=dt.date(2024, 1, 1),
        closes_on=dt.date(2024, 1, 2),
        assessment_ends_on=dt.date(2024, 1, 3),
        decisions_on=dt.date(2024, 1, 4),
    )
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
        assert client.get(reverse("funding:cost-analysis")).status_code == 200
    add(slugs[2:20])
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(reverse("funding:cost-analysis")).content.decode()
    assert "75.0%" in page


def test_360giving_json_download_validates(client, officer):
    award = AwardFactory()
    BudgetLineFactory(application=award.application, amount=award.amount)
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
        funding_round=FundingRoundFactory(
            decided=True,
            financial_year=2024,
            opens_on=dt.date(2024, 1, 1),
            closes_on=dt.date(2024, 1, 2),
            assessment_ends_on=dt.date(2024, 1, 3),
            decisions_on=dt.date(2024, 1, 4),
        ),
    )
    BudgetLineFactory(application=award.application, category="venue", amount=award.amount)
    client.force_login(camden_admin)
    url = reverse("funding:spend-report", kwargs={"pk": camden.pk, "year": 2024, "quarter": 2})
    response = client.post(url, {"spend_venue": "-4"})
    assert response.status_code == 400
    assert "must be 0 or more" in response.content.decode()
    assert client.post(url, {"spend_venue": "9000"}).status_code == 302
    assert award.spend_reports.get(quarter=2).lines.get(category="venue").amount == D("9000.00")


def test_another_groups_admin_cannot_start_an_application_for_camden(client, camden):
    other = GroupAdminFactory(group=EngagementGroupFactory(borough=borough("hackney")))
    client.force_login(other)
    url = reverse("funding:application-start", kwargs={"pk": camden.pk, "round_pk": FundingRoundFactory().pk})
    assert client.post(url).status_code == 404
    assert not FundingApplication.objects.exists()
