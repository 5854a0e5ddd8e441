"""Deciding a round (issue 8): only after the application deadline, with
every submitted bid moderated; the decide page and the what-if say which
groups have no bid and which bids are not assessed."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from cpeg.core.errors import InvalidTransition
from cpeg.funding import services, workflow
from cpeg.funding.choices import RoundStatus
from cpeg.funding.tests.factories import FundingApplicationFactory
from cpeg.funding.tests.test_services import _moderated
from cpeg.groups.tests.factories import EngagementGroupFactory, borough

D = Decimal
pytestmark = pytest.mark.django_db


def test_a_round_is_not_decided_before_its_application_deadline(open_round, camden, camden_admin, officer, manager):
    """Deciding in December locked out groups still drafting."""
    application = _moderated(open_round, camden, camden_admin, officer, manager)
    services.allocation_save(funding_round=open_round, actor=manager, awards={application.pk: D("30000")})
    before = open_round.closes_on
    assert workflow.can_decide_now(manager, open_round, today=before) is False
    with pytest.raises(InvalidTransition, match="application deadline"):
        services.allocation_decide(funding_round=open_round, actor=manager, today=before)
    open_round.refresh_from_db()
    assert open_round.status == RoundStatus.OPEN
    after = open_round.closes_on + dt.timedelta(days=1)
    assert workflow.can_decide_now(manager, open_round, today=after) is True
    services.allocation_decide(funding_round=open_round, actor=manager, today=after)
    open_round.refresh_from_db()
    assert open_round.status == RoundStatus.DECIDED


def test_the_decide_page_lists_groups_with_no_bid_and_bids_not_assessed(
    client, open_round, camden, camden_admin, officer, manager
):
    _moderated(open_round, camden, camden_admin, officer, manager)
    hackney = EngagementGroupFactory(borough=borough("hackney"))
    FundingApplicationFactory(funding_round=open_round, group=hackney)  # still a draft
    islington = EngagementGroupFactory(borough=borough("islington"))
    FundingApplicationFactory(funding_round=open_round, group=islington, submitted=True)
    EngagementGroupFactory(borough=borough("lambeth"))  # no application at all
    client.force_login(manager)
    page = client.get(reverse("funding:allocation-decide", kwargs={"pk": open_round.pk})).content.decode()
    groups_without = page.split('id="no-bid"')[1].split("</ul>")[0]
    assert hackney.name in groups_without
    assert "Lambeth" in groups_without
    assert camden.name not in groups_without
    assert islington.name in page.split('id="not-assessed"')[1].split("</ul>")[0]
    assert "Decide and record the awards" not in page  # the deadline has not passed
    response = client.get(reverse("funding:allocation", kwargs={"pk": open_round.pk}), {"rule": "pro_rata"})
    assert "2 groups have no submitted bid" in response.content.decode()


def test_a_manager_reopens_a_named_groups_application_with_a_reason(client, open_round, camden, manager):
    from django.core.exceptions import ValidationError

    from cpeg.core.models import AuditEvent

    application = FundingApplicationFactory(funding_round=open_round, group=camden, submitted=True)
    with pytest.raises(ValidationError, match="Enter why you are reopening the application"):
        services.application_reopen(application=application, actor=manager, reason=" ")
    client.force_login(manager)
    url = reverse("funding:application-reopen", kwargs={"pk": application.pk})
    response = client.post(url, {"reason": ""}, follow=True)
    assert "Enter why you are reopening the application" in response.content.decode()
    application.refresh_from_db()
    assert application.status == "submitted"
    client.post(url, {"reason": "Treasurer was ill"})
    application.refresh_from_db()
    assert application.status == "draft"
    event = AuditEvent.objects.get(event_type="FUNDING_APPLICATION_REOPENED")
    assert event.group == camden
    assert event.summary.endswith("Reason: Treasurer was ill")
    assert event.payload["reason"] == "Treasurer was ill"
