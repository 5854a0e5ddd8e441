"""A response cannot claim more member organisations than the group's
membership register holds (when the group keeps one here)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cpeg.accounts.tests.factories import GroupAdminFactory
from cpeg.consultations import services
from cpeg.consultations.choices import ResponseDecision, ResponseStatus
from cpeg.consultations.tests.factories import ConsultationFactory, open_for
from cpeg.groups.tests.factories import EngagementGroupFactory, borough
from cpeg.membership.tests.factories import MemberFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 24)


def _responding(organisations: int) -> dict:
    return {
        "decision": ResponseDecision.RESPONDING,
        "response_text": "Visible policing.",
        "organisations_count": organisations,
        "individuals_count": 0,
        "not_responding_reason": "",
    }


@pytest.fixture
def camden():
    group = EngagementGroupFactory(borough=borough("camden"))
    for _ in range(3):
        MemberFactory(group=group, organisation=True)
    # Neither counts: an individual member, and an organisation that left.
    MemberFactory(group=group)
    MemberFactory(group=group, organisation=True, left_on=dt.date(2025, 3, 31))
    # Nor does one joining after the day asked about.
    MemberFactory(group=group, organisation=True, joined_on=TODAY + dt.timedelta(days=1))
    return group


def test_the_limit_is_the_organisations_current_in_the_register(camden):
    assert services.member_organisation_limit(group=camden, day=TODAY) == 3
    assert services.member_organisation_limit(group=camden, day=TODAY + dt.timedelta(days=1)) == 4


def test_without_a_register_the_number_is_taken_as_entered():
    group = EngagementGroupFactory(borough=borough("hackney"))
    assert services.member_organisation_limit(group=group, day=TODAY) is None
    assert "organisations_count" not in services.response_rule_errors(group=group, values=_responding(500))


def test_a_register_of_individuals_only_allows_no_organisations():
    group = EngagementGroupFactory(borough=borough("hackney"))
    MemberFactory(group=group)
    assert services.member_organisation_limit(group=group, day=TODAY) == 0


def test_the_service_refuses_more_organisations_than_the_register_holds(camden, time_machine):
    time_machine.move_to(dt.datetime(2026, 11, 24, 12, tzinfo=dt.UTC))
    (response,) = open_for(ConsultationFactory(), [camden])
    admin = GroupAdminFactory(group=camden)
    with pytest.raises(ValidationError) as error:
        services.response_save(response=response, actor=admin, data=_responding(4), loaded_version=None)
    assert error.value.message_dict["organisations_count"] == [
        "The response cannot represent more than 3 member organisations: "
        "that is how many the group's membership register holds"
    ]
    saved = services.response_save(response=response, actor=admin, data=_responding(3), loaded_version=None)
    assert saved.status == ResponseStatus.DRAFT
    assert saved.organisations_count == 3


def test_the_form_shows_the_limit_and_the_error_on_the_field(camden, client, time_machine):
    time_machine.move_to(dt.datetime(2026, 11, 24, 12, tzinfo=dt.UTC))
    (response,) = open_for(ConsultationFactory(), [camden])
    client.force_login(GroupAdminFactory(group=camden))
    url = reverse("consultations:response-edit", args=[response.pk])
    assert "register lists 3 member organisations" in client.get(url).content.decode()
    page = client.post(
        url,
        {
            "version": response.version,
            "decision": "responding",
            "response_text": "Visible policing",
            "organisations_count": "40",
            "individuals_count": "2",
        },
    )
    assert page.status_code == 400
    html = page.content.decode()
    assert 'href="#id_organisations_count"' in html
    assert "cannot represent more than 3 member organisations" in html
    assert 'value="40"' in html
