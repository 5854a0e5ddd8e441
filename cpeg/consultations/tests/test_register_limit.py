"""A response cannot claim more member organisations than the group's
membership register holds (when the group keeps one here)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cpeg.accounts.tests.factories import GroupAdminFactory
from cpeg.consultations import services
from cpeg.consultations.choices import ResponseDecision
from cpeg.consultations.tests.factories import ConsultationFactory, open_for
from cpeg.core.models import AuditEvent
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


def _current_organisations(group):
    return services.register_organisations(group=group, day=TODAY)


def test_a_group_with_a_register_picks_its_current_organisations_by_name(camden):
    names = [member.name for member in _current_organisations(camden)]
    assert len(names) == 3
    assert names == sorted(names)
    hackney = EngagementGroupFactory(borough=borough("hackney"))
    assert services.register_organisations(group=hackney, day=TODAY) is None


def test_the_count_is_the_number_of_organisations_picked(camden, time_machine):
    time_machine.move_to(dt.datetime(2026, 11, 24, 12, tzinfo=dt.UTC))
    (response,) = open_for(ConsultationFactory(), [camden])
    admin = GroupAdminFactory(group=camden)
    first, second, _third = _current_organisations(camden)
    # The number typed is ignored: the organisations ticked are counted.
    data = {**_responding(40), "organisations": [first.pk, second]}
    saved = services.response_save(response=response, actor=admin, data=data, loaded_version=None)
    assert saved.organisations_count == 2
    assert set(saved.organisations.all()) == {first, second}
    event = AuditEvent.objects.filter(target_id=saved.pk).latest("id")
    assert event.payload["changes"]["organisations"] == {"old": "", "new": ", ".join(sorted([first.name, second.name]))}
    # Not responding clears them.
    data = {"decision": ResponseDecision.NOT_RESPONDING, "not_responding_reason": "No meeting in time"}
    saved = services.response_save(response=saved, actor=admin, data=data, loaded_version=None)
    assert saved.organisations_count is None
    assert list(saved.organisations.all()) == []


def test_the_service_refuses_organisations_not_current_in_the_register(camden, time_machine):
    time_machine.move_to(dt.datetime(2026, 11, 24, 12, tzinfo=dt.UTC))
    (response,) = open_for(ConsultationFactory(), [camden])
    admin = GroupAdminFactory(group=camden)
    left = camden.members.get(left_on__isnull=False)
    elsewhere = MemberFactory(organisation=True)
    for member in (left, elsewhere):
        with pytest.raises(ValidationError) as error:
            services.response_save(
                response=response,
                actor=admin,
                data={**_responding(0), "organisations": [member.pk]},
                loaded_version=None,
            )
        assert error.value.message_dict["organisations"] == [
            "Select member organisations from the group's membership register"
        ]


def test_sending_is_refused_once_the_register_holds_fewer_than_were_picked(camden, time_machine):
    time_machine.move_to(dt.datetime(2026, 11, 24, 12, tzinfo=dt.UTC))
    (response,) = open_for(ConsultationFactory(), [camden])
    admin = GroupAdminFactory(group=camden)
    picked = _current_organisations(camden)
    response = services.response_save(
        response=response, actor=admin, data={**_responding(0), "organisations": picked}, loaded_version=None
    )
    picked[0].left_on = TODAY - dt.timedelta(days=1)
    picked[0].save()
    with pytest.raises(ValidationError, match="cannot represent more than 2 member organisations"):
        services.response_submit(response=response, actor=admin)


def test_without_a_register_the_group_gives_a_number(time_machine):
    time_machine.move_to(dt.datetime(2026, 11, 24, 12, tzinfo=dt.UTC))
    group = EngagementGroupFactory(borough=borough("hackney"))
    (response,) = open_for(ConsultationFactory(), [group])
    saved = services.response_save(
        response=response, actor=GroupAdminFactory(group=group), data=_responding(40), loaded_version=None
    )
    assert saved.organisations_count == 40
    assert list(saved.organisations.all()) == []


def test_the_form_lists_the_register_by_name_and_the_page_shows_those_ticked(camden, client, time_machine):
    time_machine.move_to(dt.datetime(2026, 11, 24, 12, tzinfo=dt.UTC))
    (response,) = open_for(ConsultationFactory(), [camden])
    client.force_login(GroupAdminFactory(group=camden))
    url = reverse("consultations:response-edit", args=[response.pk])
    first, second, third = _current_organisations(camden)
    html = client.get(url).content.decode()
    assert 'name="organisations_count"' not in html
    for member in (first, second, third):
        assert f'value="{member.pk}"' in html
        assert member.name in html
    left = camden.members.get(left_on__isnull=False)
    assert left.name not in html
    fields = {"version": response.version, "decision": "responding", "individuals_count": "2"}
    # Every error at once, and the ticks kept.
    page = client.post(url, {**fields, "organisations": [first.pk, left.pk]})
    assert page.status_code == 400
    html = page.content.decode()
    assert 'href="#id_organisations' in html
    assert "Select member organisations from the group" in html
    assert "Enter the group" in html
    page = client.post(url, {**fields, "response_text": "Visible policing", "organisations": [first.pk, third.pk]})
    assert page.status_code == 302
    html = client.get(reverse("consultations:response-detail", args=[response.pk])).content.decode()
    assert first.name in html
    assert third.name in html
    assert second.name not in html
    response.refresh_from_db()
    assert response.organisations_count == 2


def test_a_register_without_organisations_says_the_response_represents_none(client, time_machine):
    time_machine.move_to(dt.datetime(2026, 11, 24, 12, tzinfo=dt.UTC))
    group = EngagementGroupFactory(borough=borough("hackney"))
    MemberFactory(group=group)
    (response,) = open_for(ConsultationFactory(), [group])
    client.force_login(GroupAdminFactory(group=group))
    url = reverse("consultations:response-edit", args=[response.pk])
    assert "lists no member organisations today" in client.get(url).content.decode()
    page = client.post(
        url, {"version": response.version, "decision": "responding", "response_text": "Yes", "individuals_count": "1"}
    )
    assert page.status_code == 302
    response.refresh_from_db()
    assert response.organisations_count == 0
