"""Figures an officer can stand behind (issue 8): totals that add up, one
award date, payments recorded on the day they were made."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cpeg.accounts.tests.factories import ManagerFactory
from cpeg.funding import opendata, selectors, services
from cpeg.funding.choices import PaymentStatus
from cpeg.funding.tests.factories import AwardFactory, FundingRoundFactory, PaymentFactory, decided_round
from cpeg.groups.tests.factories import EngagementGroupFactory, borough

D = Decimal
pytestmark = pytest.mark.django_db


def _group(slug):
    return EngagementGroupFactory(borough=borough(slug))


def test_round_list_awarded_is_the_sum_of_the_awards_whatever_the_number_of_bids(client, officer):
    """Summing awards over a join with the bids counted each award once per
    bid; the list shows the awards' own total."""
    funding_round = decided_round(2025)
    for slug, amount in (("camden", "40000.00"), ("hackney", "30000.00"), ("islington", "20000.00")):
        AwardFactory(funding_round=funding_round, group=_group(slug), amount=D(amount))
    FundingRoundFactory()  # another round with no awards
    client.force_login(officer)
    page = client.get(reverse("funding:round-list")).content.decode()
    assert "£90,000" in page
    assert "£270,000" not in page
    rounds = {r.pk: r for r in selectors.round_list()}
    assert rounds[funding_round.pk].award_total == D("90000.00")
    assert rounds[funding_round.pk].bid_count == 3


def test_still_to_pay_is_awarded_minus_paid_even_with_no_payment_schedule(client, manager):
    """An imported award has no instalments: all of it is still to pay."""
    funding_round = decided_round(2025)
    unscheduled = AwardFactory(funding_round=funding_round, group=_group("camden"), amount=D("40000.00"))
    part_paid = AwardFactory(funding_round=funding_round, group=_group("hackney"), amount=D("30000.00"))
    PaymentFactory(award=part_paid, amount=D("10000.00"), status=PaymentStatus.PAID, paid_on=dt.date(2025, 4, 1))
    assert selectors.payments_total(unscheduled) == (D("0"), D("40000.00"))
    assert selectors.payments_total(part_paid) == (D("10000.00"), D("20000.00"))
    client.force_login(manager)
    page = client.get(reverse("funding:round-payments", kwargs={"pk": funding_round.pk})).content.decode()
    assert "£40,000" in page
    assert "£20,000" in page


def test_360giving_award_date_is_the_award_pages_awarded_on_date(client, officer):
    """One date, from the decision: the award page's "Awarded on"."""
    award = AwardFactory(funding_round=decided_round(2024), awarded_on=dt.date(2024, 3, 1))
    assert opendata.grant_record(award)["awardDate"] == "2024-03-01"
    client.force_login(officer)
    assert "Awarded on 1 March 2024" in client.get(award.get_absolute_url()).content.decode()


def test_marking_paid_needs_the_date_it_was_paid(client, officer):
    """A payment due next month is never recorded as paid today by default."""
    payment = PaymentFactory(due_on=dt.date.today() + dt.timedelta(days=30))
    with pytest.raises(ValidationError, match="Enter the date the instalment was paid"):
        services.payment_mark_paid(payment=payment, actor=officer, paid_on=None)
    client.force_login(officer)
    url = reverse("funding:payment-paid", kwargs={"pk": payment.pk})
    assert 'value="' + str(dt.date.today().day) + '"' not in client.get(url).content.decode()
    response = client.post(url, {"paid_on_0": "", "paid_on_1": "", "paid_on_2": ""})
    assert response.status_code == 400
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.SCHEDULED
    assert payment.paid_on is None


def test_editing_a_criterion_of_a_round_id_too_big_for_the_database_is_not_found(client, manager):
    client.force_login(manager)
    response = client.get("/funding/rounds/99999999999999999999/criteria/1/edit/")
    assert response.status_code == 404


def test_payments_and_reconciliation_totals_link_to_what_they_add_up(client, officer):
    funding_round = decided_round(2024)
    award = AwardFactory(funding_round=funding_round, group=_group("camden"), amount=D("40000.00"))
    PaymentFactory(award=award, amount=D("10000.00"), status=PaymentStatus.PAID, paid_on=dt.date(2024, 4, 1))
    services.spend_report_import(award=award, quarter=1, actor=ManagerFactory(), amounts={"venue": "500"})
    client.force_login(officer)
    instalments = f'href="{award.get_absolute_url()}#instalments"'
    payments = client.get(reverse("funding:round-payments", kwargs={"pk": funding_round.pk})).content.decode()
    assert 'href="#awards"' in payments
    assert instalments in payments
    page = client.get(reverse("funding:award-reconcile", kwargs={"pk": award.pk})).content.decode()
    assert instalments in page
    spend = reverse("funding:spend-report", kwargs={"pk": award.group.pk, "year": 2024, "quarter": 1})
    assert f'href="{spend}">£500' in page


def test_round_payments_come_a_page_at_a_time_and_the_totals_cover_every_award(client, manager, monkeypatch):
    """Issue 14.3: 2,000 awards were a 1 MB page; the table is paginated, the
    totals above it add up every award."""
    from cpeg.funding.views import payments as views

    monkeypatch.setattr(views, "PAYMENTS_PAGE_SIZE", 2)
    funding_round = decided_round(2025)
    for slug in ("camden", "hackney", "lambeth"):
        AwardFactory(funding_round=funding_round, group=_group(slug), amount=D("10000.00"))
    client.force_login(manager)
    url = reverse("funding:round-payments", kwargs={"pk": funding_round.pk})
    first = client.get(url).content.decode()
    second = client.get(url, {"page": "2"}).content.decode()
    assert first.count('<tr class="govuk-table__row">') - 1 == 2
    assert second.count('<tr class="govuk-table__row">') - 1 == 1
    assert 'href="?page=2"' in first
    for html in (first, second):
        assert "3 awards totalling" in html
        assert "£30,000" in html


def test_the_payments_page_adds_up_what_was_paid_in_the_database(client, manager, django_assert_max_num_queries):
    """Each award's paid and still-to-pay on the payments page match its
    instalments, and the page's queries do not grow with awards or payments."""
    funding_round = decided_round(2025)
    award = AwardFactory(funding_round=funding_round, group=_group("camden"), amount=D("40000.00"))
    for n, status in enumerate([PaymentStatus.PAID, PaymentStatus.PAID, PaymentStatus.SCHEDULED], start=1):
        PaymentFactory(award=award, instalment=n, amount=D("10000.00"), status=status, paid_on=dt.date(2025, 4, n))
    (only,) = selectors.round_awards(funding_round=funding_round)
    assert selectors.payments_total(only) == (D("20000.00"), D("20000.00"))
    assert selectors.payments_total(only) == selectors.payments_total(award)
    client.force_login(manager)
    url = reverse("funding:round-payments", kwargs={"pk": funding_round.pk})
    with django_assert_max_num_queries(20) as few:
        client.get(url)
    for slug in ("hackney", "lambeth", "barnet"):
        more = AwardFactory(funding_round=funding_round, group=_group(slug), amount=D("30000.00"))
        PaymentFactory(
            award=more, instalment=1, amount=D("5000.00"), status=PaymentStatus.PAID, paid_on=dt.date(2025, 4, 1)
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(url).content.decode()
    assert "4 awards totalling" in page
    assert "£35,000" in page  # paid: 20,000 + 3 x 5,000


def test_the_round_page_lists_applications_a_page_at_a_time(
    client, officer, monkeypatch, django_assert_max_num_queries
):
    """Issue 14.3: 2,000 bids were a 1 MB round page; the list is read a page
    at a time from the database, so its queries do not grow with bids."""
    from cpeg.funding.tests.factories import FundingApplicationFactory
    from cpeg.funding.views import rounds as views

    monkeypatch.setattr(views, "APPLICATIONS_PAGE_SIZE", 2)
    funding_round = FundingRoundFactory()
    names = []
    for slug in ("camden", "hackney", "lambeth"):
        names.append(FundingApplicationFactory(funding_round=funding_round, group=_group(slug)).group.name)
    client.force_login(officer)
    url = funding_round.get_absolute_url()
    with django_assert_max_num_queries(40) as few:
        first = client.get(url)
    limit = len(few.captured_queries)  # read now: the next request resets the log
    second = client.get(url, {"page": "2"})
    shown = [[a.group.name for a in r.context["applications"]] for r in (first, second)]
    assert len(shown[0]) == 2
    assert len(shown[1]) == 1
    assert sorted(shown[0] + shown[1]) == sorted(names)
    assert 'href="?page=2"' in first.content.decode()
    for slug in ("barnet", "brent", "bexley"):
        FundingApplicationFactory(funding_round=funding_round, group=_group(slug))
    with django_assert_max_num_queries(limit):
        client.get(url)
