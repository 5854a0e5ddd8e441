"""Funding for officers and link members, and a new round's criteria (issue 9.12)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from cpeg.accounts.navigation import nav_links
from cpeg.accounts.tests.factories import LinkMemberFactory, ManagerFactory
from cpeg.core.audit_events import AuditEventType
from cpeg.core.models import AuditEvent
from cpeg.funding import services
from cpeg.funding.models import AssessmentCriterion
from cpeg.funding.tests.factories import AwardFactory, CriterionFactory, FundingRoundFactory, decided_round
from cpeg.groups.tests.factories import EngagementGroupFactory, borough

pytestmark = pytest.mark.django_db


def _new_round(manager, year, **overrides):
    today = timezone.localdate()
    data = {
        "financial_year": year,
        "title": "",
        "pot_amount": Decimal("1600000.00"),
        "cap_amount": Decimal("50000.00"),
        "floor_amount": Decimal("20000.00"),
        "opens_on": today,
        "closes_on": today + dt.timedelta(days=30),
        "assessment_ends_on": today + dt.timedelta(days=60),
        "decisions_on": today + dt.timedelta(days=90),
        "show_scores_to_groups": True,
    }
    data.update(overrides)
    return services.round_create(actor=manager, data=data)


def test_a_new_round_copies_last_years_criteria_and_says_so(manager):
    older = FundingRoundFactory(financial_year=2028)
    CriterionFactory(funding_round=older, title="Old criterion", weight=5, position=1)
    last = FundingRoundFactory(financial_year=2029)
    CriterionFactory(funding_round=last, title="Delivery last year", guidance="Returns", weight=30, position=1)
    CriterionFactory(funding_round=last, title="Work programme", weight=10, position=2)

    new = _new_round(manager, 2030)

    copied = list(new.criteria.order_by("position").values_list("title", "guidance", "weight", "position"))
    assert copied == [("Delivery last year", "Returns", 30, 1), ("Work programme", "", 10, 2)]
    assert last.criteria.count() == 2  # copies, not moved
    event = AuditEvent.objects.get(event_type=AuditEventType.FUNDING_CRITERIA_COPIED)
    assert event.target_id == new.pk
    assert event.actor == manager
    assert event.summary == (
        "Copied 2 assessment criteria from CPEG funding 2029/30: "
        "Delivery last year (weight 30); Work programme (weight 10)"
    )


def test_copied_criteria_can_be_changed_before_scoring_without_touching_last_years(manager):
    last = FundingRoundFactory(financial_year=2029)
    CriterionFactory(funding_round=last, title="Work programme", weight=10, position=1)
    new = _new_round(manager, 2030)
    copy = new.criteria.get()

    services.criterion_update(criterion=copy, actor=manager, data={"weight": 20}, loaded_version=copy.version)

    assert AssessmentCriterion.objects.get(pk=copy.pk).weight == 20
    assert last.criteria.get().weight == 10


def test_the_first_round_starts_with_no_criteria(manager):
    new = _new_round(manager, 2030)

    assert not new.criteria.exists()
    assert not AuditEvent.objects.filter(event_type=AuditEventType.FUNDING_CRITERIA_COPIED).exists()


def test_a_round_not_yet_open_says_when_it_opens(client, manager):
    opens = timezone.localdate() + dt.timedelta(days=10)
    upcoming = FundingRoundFactory(opens_on=opens, closes_on=opens + dt.timedelta(days=30))
    FundingRoundFactory()
    client.force_login(manager)

    listing = client.get(reverse("funding:round-list")).content.decode()
    detail = client.get(upcoming.get_absolute_url()).content.decode()

    label = f"Opens on {opens.day} {opens:%B %Y}"
    assert f'govuk-tag--grey">{label}</strong>' in listing
    assert 'govuk-tag--blue">Open</strong>' in listing
    assert f'<dd class="govuk-summary-list__value">{label}</dd>' in detail


def test_an_officer_reads_a_decided_rounds_allocation_but_not_an_open_one(client, officer, camden):
    funding_round = decided_round(2024)
    AwardFactory(group=camden, funding_round=funding_round, amount=Decimal("41234.00"))
    still_open = FundingRoundFactory()
    client.force_login(officer)

    detail = client.get(funding_round.get_absolute_url()).content.decode()
    page = client.get(reverse("funding:allocation", kwargs={"pk": funding_round.pk}))
    refused = client.get(reverse("funding:allocation", kwargs={"pk": still_open.pk}))
    posted = client.post(reverse("funding:allocation", kwargs={"pk": funding_round.pk}), {})

    assert reverse("funding:allocation", kwargs={"pk": funding_round.pk}) in detail
    assert page.status_code == 200
    html = page.content.decode()
    assert 'numeric">£41,234</td>' in html
    assert "Save awards" not in html
    assert 'name="award_' not in html
    assert refused.status_code == 403
    assert posted.status_code == 403


def test_a_link_member_has_funding_in_their_menu_leading_to_the_cost_analysis(client):
    link = LinkMemberFactory(boroughs=[borough("camden")])

    links = dict(nav_links(link))
    client.force_login(link)

    assert links["Funding"] == reverse("reporting:cost-analysis")
    assert client.get(links["Funding"]).status_code == 200
    assert dict(nav_links(ManagerFactory()))["Funding"] == reverse("funding:round-list")


def test_a_link_members_borough_filter_lists_only_their_boroughs(client):
    for slug in ("camden", "islington", "hackney"):
        EngagementGroupFactory(borough=borough(slug))
    client.force_login(LinkMemberFactory(boroughs=[borough("camden"), borough("islington")]))

    html = client.get(reverse("groups:group-list")).content.decode()

    assert '<option value="camden">Camden</option>' in html
    assert '<option value="islington">Islington</option>' in html
    assert 'value="hackney"' not in html
    assert 'value="westminster"' not in html


def test_an_officers_borough_filter_lists_every_borough(client, officer):
    client.force_login(officer)

    html = client.get(reverse("groups:group-list")).content.decode()

    assert html.count('<option value="') >= 32 + 1  # 32 boroughs, and statuses
    assert '<option value="westminster">Westminster</option>' in html
