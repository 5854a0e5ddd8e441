"""A funding round end to end in the browser, every page checked with axe:
apply, assess, moderate, allocate with the what-if panel, decide, download
the award letter, schedule and mark payments, report spend."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from tests.browser.conftest import assert_accessible, sign_in, visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(transactional_db):
    from cpeg.accounts.tests.factories import GroupAdminFactory, ManagerFactory, OfficerFactory
    from cpeg.core.fiscal import FinancialYear
    from cpeg.funding.tests.factories import CriterionFactory, FundingRoundFactory
    from cpeg.groups.tests.factories import EngagementGroupFactory, borough

    today = timezone.localdate()
    year = FinancialYear.containing(today)
    camden = EngagementGroupFactory(borough=borough("camden"))
    funding_round = FundingRoundFactory(
        financial_year=year.start_year,
        title=f"CPEG funding {year.label}",
        pot_amount="60000.00",
        cap_amount="50000.00",
        floor_amount=None,
        opens_on=today - dt.timedelta(days=10),
        closes_on=today + dt.timedelta(days=10),
        assessment_ends_on=today + dt.timedelta(days=20),
        decisions_on=min(today + dt.timedelta(days=30), year.ends_on),
    )
    CriterionFactory(funding_round=funding_round, title="Delivery last year", weight=30, position=1)
    CriterionFactory(funding_round=funding_round, title="Value for money", weight=10, position=2)
    return {
        "camden": camden,
        "round": funding_round,
        "admin": GroupAdminFactory(group=camden, username="camden-admin"),
        "officer": OfficerFactory(username="officer"),
        "manager": ManagerFactory(username="manager"),
    }


def _switch(page, live_server, username):
    page.context.clear_cookies()
    sign_in(page, live_server, username)


def _fill_date(page, legend, day):
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def test_a_round_runs_end_to_end(page, live_server, world):
    base = live_server.url
    camden = world["camden"]
    today = timezone.localdate()

    # The group applies.
    sign_in(page, live_server, "camden-admin")
    visit(page, f"{base}/funding/groups/{camden.pk}/")
    page.get_by_role("button", name=re.compile("Start your application")).click()
    page.wait_for_load_state()
    assert_accessible(page)
    page.get_by_role("link", name="Edit work programme and consultation").click()
    page.wait_for_load_state()
    assert_accessible(page)
    page.get_by_label("Your work programme for the year").fill("Four public meetings and four newsletters.")
    page.get_by_label("Your priorities for the year").fill("Youth engagement.")
    for role in ("borough commander", "community safety manager (CDRP)", "link member"):
        page.get_by_role("group", name=f"Did you consult the {role} on this bid?").get_by_label("Yes").check()
        _fill_date(page, f"Date you consulted the {role}", today - dt.timedelta(days=3))
    page.get_by_role("button", name="Save draft").click()
    page.wait_for_load_state()
    assert page.get_by_text("Draft saved").is_visible()

    page.get_by_role("link", name="Add a budget line").click()
    page.wait_for_load_state()
    assert_accessible(page)
    page.get_by_label("Staffing", exact=True).check()
    page.get_by_label("Description").fill("Administrator")
    page.get_by_label("Post (staffing only)").fill("Administrator")
    page.get_by_label("Hours per week (staffing only)").fill("37.5")
    page.get_by_label("Salary for the year (staffing only), in pounds").fill("30000")
    page.get_by_label("On-costs for the year (staffing only), in pounds").fill("6,000")
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    page.get_by_role("link", name="Add a budget line").click()
    page.wait_for_load_state()
    page.get_by_label("Venue and facilities").check()
    page.get_by_label("Description").fill("Hall hire")
    page.get_by_label("Amount, in pounds (other categories)").fill("-40")
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="There is a problem").is_visible()
    assert_accessible(page)
    page.get_by_label("Amount, in pounds (other categories)").fill("4000")
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    assert page.locator("#budget-total").inner_text() == "£40,000"
    page.get_by_role("link", name="Check and submit").click()
    page.wait_for_load_state()
    assert_accessible(page)
    page.get_by_role("button", name="Submit application").click()
    page.wait_for_load_state()
    assert page.get_by_text("Application submitted").is_visible()
    application_url = page.url

    # An officer assesses.
    _switch(page, live_server, "officer")
    visit(page, application_url)
    page.get_by_role("link", name="Assess").click()
    page.wait_for_load_state()
    assert_accessible(page)
    page.get_by_role("group", name="Delivery last year (weight 30)").get_by_label("4").check()
    page.get_by_role("group", name="Value for money (weight 10)").get_by_label("3").check()
    page.get_by_label("Your comments").fill("Delivered every output last year.")
    page.get_by_label("Recommended award, in pounds").fill("38000")
    page.get_by_role("button", name="Save assessment").click()
    page.wait_for_load_state()
    assert page.get_by_text("Assessment saved").is_visible()

    # The manager moderates, allocates with the what-if and decides.
    _switch(page, live_server, "manager")
    visit(page, application_url)
    page.get_by_role("link", name="Moderate").click()
    page.wait_for_load_state()
    assert_accessible(page)
    page.get_by_label("Your moderation comments").fill("Agreed.")
    page.get_by_role("button", name="Save moderation").click()
    page.wait_for_load_state()
    visit(page, f"{base}/funding/rounds/{world['round'].pk}/allocation/")
    page.get_by_text("What if? Try a rule without saving").click()
    page.get_by_label("Cap at the maximum award, then share out what the cap frees").check()
    page.get_by_label("Round each award").select_option("1000")
    page.get_by_role("button", name="Show what-if").click()
    page.wait_for_load_state()
    assert_accessible(page)
    assert "would total £38,000" in page.locator("#what-if-summary").inner_text()
    page.get_by_role("link", name="Put these amounts in the award boxes").click()
    page.wait_for_load_state()
    page.get_by_role("button", name="Save awards").click()
    page.wait_for_load_state()
    assert page.get_by_text("Awards saved").is_visible()
    assert page.locator("#remaining").inner_text() == "£22,000"
    # A round is decided only once its application deadline has passed.
    from cpeg.funding.models import FundingRound

    FundingRound.objects.filter(pk=world["round"].pk).update(closes_on=timezone.localdate() - dt.timedelta(days=1))
    page.get_by_role("link", name="Decide the round").click()
    page.wait_for_load_state()
    assert_accessible(page)
    page.get_by_role("button", name="Decide and record the awards").click()
    page.wait_for_load_state()
    assert_accessible(page)
    page.get_by_role("link", name=camden.name, exact=True).click()
    page.wait_for_load_state()
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the award letter (PDF)").click()
    with open(download.value.path(), "rb") as handle:
        assert handle.read(4) == b"%PDF"

    page.get_by_role("link", name="Change the payment schedule").click()
    page.wait_for_load_state()
    assert_accessible(page)
    # Two instalments instead of the default four.
    for n in (3, 4):
        page.get_by_label(f"Instalment {n}: amount, in pounds").fill("")
        group = page.get_by_role("group", name=f"Instalment {n}: date due")
        for part in ("Day", "Month", "Year"):
            group.get_by_label(part).fill("")
    page.get_by_label("Instalment 1: amount, in pounds").fill("20000")
    page.get_by_label("Instalment 2: amount, in pounds").fill("10000")
    page.get_by_role("button", name="Save schedule").click()
    page.wait_for_load_state()
    assert page.get_by_text("add up to £30,000 but the award is £38,000").first.is_visible()
    assert_accessible(page)
    page.get_by_label("Instalment 2: amount, in pounds").fill("18000")
    page.get_by_role("button", name="Save schedule").click()
    page.wait_for_load_state()
    assert page.get_by_text("Payment schedule saved").is_visible()
    page.get_by_role("link", name="Mark paid instalment 1").click()
    page.wait_for_load_state()
    assert_accessible(page)
    _fill_date(page, "Date paid", timezone.localdate())
    page.get_by_role("button", name="Mark as paid").click()
    page.wait_for_load_state()
    assert page.get_by_text("Instalment 1 marked paid").is_visible()
    assert_accessible(page)

    # The group reports its first quarter's spend.
    _switch(page, live_server, "camden-admin")
    visit(page, f"{base}/funding/groups/{camden.pk}/spend/{world['round'].financial_year}/1/")
    page.get_by_label("Staffing: spent this quarter, in pounds").fill("9000")
    page.get_by_label("Venue and facilities: spent this quarter, in pounds").fill("150")
    page.get_by_role("button", name="Save and continue").click()
    page.wait_for_load_state()
    assert_accessible(page)
    page.get_by_role("button", name="Submit spend").click()
    page.wait_for_load_state()
    assert page.get_by_text("submitted").first.is_visible()
    assert_accessible(page)
    assert "Underspend" in page.locator("#spend-position").inner_text()


@pytest.fixture
def past_year(transactional_db):
    """Decided awards for 2024/25 (Camden, Islington, Hackney): Camden's Q1
    spend submitted and £20,000 paid."""
    from decimal import Decimal

    from cpeg.accounts.tests.factories import GroupAdminFactory, LinkMemberFactory, OfficerFactory
    from cpeg.activities.models import Activity
    from cpeg.funding import services
    from cpeg.funding.tests.factories import AwardFactory, BudgetLineFactory, PaymentFactory, decided_round
    from cpeg.groups.tests.factories import EngagementGroupFactory, borough

    funding_round = decided_round()
    awards = {}
    for slug in ("camden", "islington", "hackney"):
        group = EngagementGroupFactory(borough=borough(slug))
        awards[slug] = AwardFactory(funding_round=funding_round, group=group, amount=Decimal("40000"))
        BudgetLineFactory(application=awards[slug].application, category="staffing", amount=Decimal("30000"))
        BudgetLineFactory(application=awards[slug].application, category="venue", amount=Decimal("10000"))
        Activity.objects.create(
            group=group, activity_type="public_meeting", title="Public meeting", held_on=dt.date(2024, 6, 1)
        )
    camden = awards["camden"]
    PaymentFactory(award=camden, instalment=1, amount=Decimal("20000"), status="paid", paid_on=dt.date(2024, 4, 1))
    admin = GroupAdminFactory(group=camden.group, username="camden-admin")
    services.spend_report_save(
        award=camden, quarter=1, actor=admin, amounts={"staffing": "7500", "venue": "2000"}, submit=True
    )
    OfficerFactory(username="officer")
    LinkMemberFactory(username="link", boroughs=[borough("camden"), borough("islington")])
    return awards


def test_officer_reopens_spend_reconciles_and_follows_cost_figures(page, live_server, past_year):
    base = live_server.url
    camden = past_year["camden"]
    sign_in(page, live_server, "officer")

    # Camden's submitted Q1 spend is frozen; the officer reopens it.
    visit(page, f"{base}/funding/groups/{camden.group_id}/spend/2024/1/")
    assert "can no longer change" in page.locator("#spend-locked").inner_text()
    page.get_by_role("link", name="Reopen the spend report").click()
    page.wait_for_load_state()
    assert_accessible(page)
    page.get_by_role("button", name="Reopen the spend report").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="There is a problem").is_visible()
    assert_accessible(page)
    page.get_by_label("Why does it need to be reopened?").fill("The venue invoice was missed")
    page.get_by_role("button", name="Reopen the spend report").click()
    page.wait_for_load_state()
    assert page.get_by_text("The group can change it and submit it again").is_visible()
    assert_accessible(page)

    # The group corrects and resubmits it.
    _switch(page, live_server, "camden-admin")
    visit(page, f"{base}/funding/groups/{camden.group_id}/spend/2024/1/")
    page.get_by_label("Venue and facilities: spent this quarter, in pounds").fill("2500")
    page.get_by_role("button", name="Save and continue").click()
    page.wait_for_load_state()
    page.get_by_role("button", name="Submit spend").click()
    page.wait_for_load_state()
    assert page.get_by_text("Spend for Q1 2024/25 submitted").is_visible()

    # The reconciliation is worked out: paid 20,000, spent 10,000.
    _switch(page, live_server, "officer")
    visit(page, f"{base}/funding/awards/{camden.pk}/reconcile/")
    assert page.locator("#calculated-return").inner_text() == "£10,000"
    page.get_by_label("Sum to be returned to the authority, in pounds").fill("9000")
    page.get_by_role("button", name="Record the reconciliation").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="There is a problem").is_visible()
    assert_accessible(page)
    page.get_by_label("Reason for changing the sum to be returned").fill("£1,000 committed to the March event")
    page.get_by_role("button", name="Record the reconciliation").click()
    page.wait_for_load_state()
    assert page.get_by_text("Reconciliation recorded").is_visible()
    assert "£1,000 committed" in page.locator("#reconciliation").inner_text()
    assert_accessible(page)

    # Every cost figure leads to what is behind it.
    visit(page, f"{base}/funding/cost-analysis/?year=2024")
    page.locator("#staffing-share").click()
    page.wait_for_load_state()
    assert_accessible(page)
    assert page.locator("#lines-total").inner_text() == "£90,000"


def test_a_link_member_sees_only_their_boroughs_groups_in_the_cost_analysis(page, live_server, past_year):
    sign_in(page, live_server, "link")
    visit(page, f"{live_server.url}/funding/cost-analysis/?year=2024")
    rows = page.locator("#by-group").inner_text()
    assert "Camden" in rows
    assert "Islington" in rows
    assert "Hackney" not in rows
    assert "1 group not shown" in page.locator("#scope-note").inner_text()
