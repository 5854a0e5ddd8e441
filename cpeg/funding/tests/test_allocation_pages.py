"""The allocation page a page of bids at a time: the figures above and
below the table still cover every bid (added up in SQL), each page's award
boxes save on their own without touching the other pages' awards, the pot
is checked against the whole round, and the what-if can set every bid's
award in one go."""

from decimal import Decimal

import pytest
from django.urls import reverse

from cpeg.funding import allocation
from cpeg.funding.choices import ApplicationStatus
from cpeg.funding.models import FundingApplication
from cpeg.funding.tests.factories import (
    AssessmentFactory,
    BudgetLineFactory,
    CriterionFactory,
    FundingApplicationFactory,
    FundingRoundFactory,
)
from cpeg.groups.models import Borough
from cpeg.groups.tests.factories import EngagementGroupFactory, borough

D = Decimal
pytestmark = pytest.mark.django_db
PAGE = 5


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr(allocation, "ALLOCATION_PAGE_SIZE", PAGE)


@pytest.fixture
def round_of_12():
    """12 moderated bids: bid i asks £(20,000 + i x 1,000), is recommended
    £(10,000 + i x 1,000) and has an award of £10,000 saved."""
    borough("camden")
    funding_round = FundingRoundFactory(pot_amount=D("300000"), cap_amount=D("40000"), floor_amount=None)
    criterion = CriterionFactory(funding_round=funding_round)
    slugs = list(Borough.objects.order_by("name").values_list("slug", flat=True))[:12]
    for i, slug in enumerate(slugs):
        application = FundingApplicationFactory(
            funding_round=funding_round,
            group=EngagementGroupFactory(borough=borough(slug)),
            status=ApplicationStatus.MODERATED,
            award_amount=D("10000"),
        )
        BudgetLineFactory(application=application, amount=D(20000 + i * 1000))
        AssessmentFactory(application=application, scores={criterion: 3}, recommended_amount=D(10000 + i * 1000))
    return funding_round


def _ids_in_page_order(funding_round):
    return list(
        FundingApplication.objects.filter(funding_round=funding_round)
        .order_by("group__borough__name", "pk")
        .values_list("pk", flat=True)
    )


def test_each_page_shows_its_bids_and_the_totals_cover_every_bid(small_pages, round_of_12):
    pages = [allocation.allocation_page(funding_round=round_of_12, page_number=n) for n in (1, 2, 3)]
    assert [len(p.rows) for p in pages] == [5, 5, 2]
    shown = [r.application.pk for p in pages for r in p.rows]
    assert shown == _ids_in_page_order(round_of_12)
    for page in pages:
        # By hand: requests 20,000..31,000 sum to 12 x 20,000 + 66 x 1,000;
        # recommendations 10,000..21,000 to 186,000; awards 12 x 10,000.
        assert page.total_requested == D("306000")
        assert page.total_recommended == D("186000")
        assert page.total_awarded == D("120000")
        assert page.remaining == D("180000")
        assert page.bid_count == 12
        assert page.ready_to_decide is True
    everything = allocation.allocation_page(funding_round=round_of_12)
    assert len(everything.rows) == 12
    assert everything.total_requested == sum((r.requested for r in everything.rows), D(0))
    assert everything.total_recommended == sum((r.recommended for r in everything.rows), D(0))


def test_a_bid_without_an_award_or_not_moderated_stops_the_decision(small_pages, round_of_12):
    last = _ids_in_page_order(round_of_12)[-1]
    FundingApplication.objects.filter(pk=last).update(award_amount=None)
    assert allocation.allocation_page(funding_round=round_of_12, page_number=1).ready_to_decide is False
    FundingApplication.objects.filter(pk=last).update(award_amount=D("1"), status=ApplicationStatus.ASSESSED)
    assert allocation.allocation_page(funding_round=round_of_12, page_number=1).ready_to_decide is False


def test_a_saved_award_above_the_cap_on_another_page_is_reported_on_every_page(small_pages, round_of_12):
    last = _ids_in_page_order(round_of_12)[-1]
    FundingApplication.objects.filter(pk=last).update(award_amount=D("45000"))
    page = allocation.allocation_page(funding_round=round_of_12, page_number=1)
    assert page.errors == {f"award_{last}": "The award of £45,000 is more than the cap of £40,000"}
    assert page.ready_to_decide is False


def test_saving_one_page_keeps_the_other_pages_awards(client, manager, small_pages, round_of_12):
    ids = _ids_in_page_order(round_of_12)
    client.force_login(manager)
    url = reverse("funding:allocation", kwargs={"pk": round_of_12.pk}) + "?page=3"
    response = client.post(url, {"version": round_of_12.version, f"award_{ids[10]}": "15000", f"award_{ids[11]}": "0"})
    assert response.status_code == 302
    assert response.url == url
    awards = dict(FundingApplication.objects.values_list("pk", "award_amount"))
    assert [awards[pk] for pk in ids] == [D("10000")] * 10 + [D("15000"), D("0")]


def test_the_pot_is_checked_against_the_awards_saved_on_other_pages(client, manager, small_pages, round_of_12):
    ids = _ids_in_page_order(round_of_12)
    client.force_login(manager)
    url = reverse("funding:allocation", kwargs={"pk": round_of_12.pk}) + "?page=3"
    # 10 x 10,000 saved on pages 1 and 2, + 2 x 40,000 = 180,000: within the
    # pot of 300,000. Make the pot smaller so the other pages matter.
    FundingApplication.objects.filter(pk__in=ids[:10]).update(award_amount=D("25000"))
    response = client.post(
        url, {"version": round_of_12.version, f"award_{ids[10]}": "30000", f"award_{ids[11]}": "30000"}
    )
    assert response.status_code == 400
    assert "The awards total £310,000, £10,000 more than the pot of £300,000" in response.content.decode()
    assert FundingApplication.objects.get(pk=ids[10]).award_amount == D("10000")


def test_the_what_if_saves_every_bids_award_in_one_go(client, manager, small_pages, round_of_12):
    client.force_login(manager)
    url = reverse("funding:allocation", kwargs={"pk": round_of_12.pk}) + "?rule=pro_rata&unit=1000"
    page = client.get(url).content.decode()
    assert "Save these amounts as the award for all 12 bids" in page
    response = client.post(url, {"version": round_of_12.version, "save_what_if": "1"})
    assert response.status_code == 302
    # The recommendations (186,000 in all) fit the pot: each bid is awarded
    # its recommendation, on every page.
    ids = _ids_in_page_order(round_of_12)
    awards = dict(FundingApplication.objects.values_list("pk", "award_amount"))
    recommended = {pk: D(10000 + i * 1000) for i, pk in enumerate(ids)}
    assert awards == recommended


def test_the_paged_allocation_runs_the_same_queries_with_more_bids(
    client, manager, small_pages, round_of_12, django_assert_max_num_queries
):
    client.force_login(manager)
    url = reverse("funding:allocation", kwargs={"pk": round_of_12.pk}) + "?rule=cap_redistribute&page=2"
    with django_assert_max_num_queries(13) as few:
        response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "6 to 10 of 12 bids" in page
    assert "£306,000" in page  # the requests of every bid, not just this page's
    more = list(Borough.objects.order_by("name").values_list("slug", flat=True))[12:20]
    criterion = round_of_12.criteria.first()
    for slug in more:
        application = FundingApplicationFactory(
            funding_round=round_of_12,
            group=EngagementGroupFactory(borough=borough(slug)),
            status=ApplicationStatus.MODERATED,
            award_amount=D("10000"),
        )
        AssessmentFactory(application=application, scores={criterion: 3})
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200
