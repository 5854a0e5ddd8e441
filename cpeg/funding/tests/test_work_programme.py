"""The application's work programme (one row per SLA output) and the
in-kind support or other funding a group declares."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from cpeg.core.errors import InvalidTransition
from cpeg.core.models import AuditEvent
from cpeg.funding import services
from cpeg.funding.choices import ApplicationStatus
from cpeg.funding.models import FundingApplication, OtherSupport
from cpeg.monitoring.tests.factories import group_sla

D = Decimal
pytestmark = pytest.mark.django_db

MEETINGS = "Hold at least 4 public meetings/events per annum"
NEWSLETTERS = "Publish and disseminate at least 4 newsletters"


@pytest.fixture
def application(open_round, camden, camden_admin):
    """Camden's draft, started from its 2024/25 SLA, in which it removed the
    two-way engagement output locally."""
    sla = group_sla(camden, 2024)
    sla.outputs.filter(code="two-way-engagement").update(
        is_removed=True, variation="removed", variation_reason="Covered by the borough's panel"
    )
    return services.application_start(funding_round=open_round, group=camden, actor=camden_admin)


def _items(application):
    return {item.output_code: item for item in application.work_programme.all()}


# --- The work programme ---------------------------------------------------------------


def test_the_work_programme_lists_the_groups_sla_outputs_in_order_without_removed_ones(application):
    assert [(i.output_code, i.output_title, i.target) for i in application.work_programme.all()] == [
        ("public-meetings", MEETINGS, None),
        ("sla-monitoring", "Sign up to SLA and take part in quarterly monitoring process", None),
        ("newsletters", NEWSLETTERS, None),
        ("annual-report", "Publish and disseminate annual report", None),
    ]


def test_the_group_saves_what_it_plans_and_its_targets_for_each_output(client, application, camden_admin):
    items = _items(application)
    meetings, newsletters = items["public-meetings"], items["newsletters"]
    client.force_login(camden_admin)
    url = reverse("funding:application-edit", kwargs={"pk": application.pk})
    form = client.get(url).content.decode()
    assert f"Target for the year: {MEETINGS}" in form
    response = client.post(
        url,
        {
            "version": str(application.version),
            "work_programme_summary": "Six meetings and four newsletters",
            f"wp_{meetings.pk}_plan": "Two in the town hall, four in schools",
            f"wp_{meetings.pk}_target": "6",
            f"wp_{newsletters.pk}_target": "4",
        },
    )
    assert response.status_code == 302
    items = _items(application)
    assert (items["public-meetings"].planned_activity, items["public-meetings"].target) == (
        "Two in the town hall, four in schools",
        6,
    )
    assert items["newsletters"].target == 4
    assert items["annual-report"].target is None
    event = AuditEvent.objects.get(event_type="FUNDING_APPLICATION_UPDATED")
    assert event.summary == (
        "Changed work programme for the year, "
        f"the work programme for {items['public-meetings'].output_title} and "
        f"the work programme for {items['newsletters'].output_title}"
    )
    assert event.payload["changes"]["work_programme_summary"] == {"old": "", "new": "Six meetings and four newsletters"}
    page = client.get(application.get_absolute_url()).content.decode()
    assert "Two in the town hall, four in schools" in page


def test_an_invalid_target_names_the_output_and_nothing_is_saved(client, application, camden_admin):
    items = _items(application)
    meetings, newsletters = items["public-meetings"], items["newsletters"]
    client.force_login(camden_admin)
    url = reverse("funding:application-edit", kwargs={"pk": application.pk})
    response = client.post(
        url,
        {
            "version": str(application.version),
            "work_programme_summary": "Changed summary",
            f"wp_{meetings.pk}_target": "6",
            f"wp_{newsletters.pk}_target": "four",
        },
    )
    assert response.status_code == 400
    message = f"The target for {NEWSLETTERS} must be a whole number, like 4"
    assert response.context["form"].errors[f"wp_{newsletters.pk}_target"] == [message]
    assert message in response.content.decode()
    assert f'href="#id_wp_{newsletters.pk}_target' in response.content.decode()
    application.refresh_from_db()
    assert application.work_programme_summary == ""
    assert [i.target for i in application.work_programme.all()] == [None, None, None, None]
    assert not AuditEvent.objects.filter(event_type="FUNDING_APPLICATION_UPDATED").exists()


def test_the_service_refuses_a_negative_target_on_its_field_and_saves_nothing(application, camden_admin):
    items = _items(application)
    meetings, newsletters = items["public-meetings"], items["newsletters"]
    with pytest.raises(ValidationError) as info:
        services.application_update(
            application=application,
            actor=camden_admin,
            loaded_version=application.version,
            data={
                "priorities": "Young people",
                # The meetings row comes first and is valid; the newsletters one is not.
                "work_programme": {meetings.pk: ("Monthly", 12), newsletters.pk: ("Quarterly", -1)},
            },
        )
    assert info.value.message_dict == {
        f"wp_{newsletters.pk}_target": [f"The target for {NEWSLETTERS} must be 0 or more"]
    }
    application.refresh_from_db()
    assert application.priorities == ""
    meetings.refresh_from_db()
    assert (meetings.planned_activity, meetings.target) == ("", None)
    assert not AuditEvent.objects.filter(event_type="FUNDING_APPLICATION_UPDATED").exists()


def test_the_work_programme_cannot_change_once_submitted(client, application, camden_admin):
    FundingApplication.objects.filter(pk=application.pk).update(status=ApplicationStatus.SUBMITTED)
    meetings = _items(application)["public-meetings"]
    client.force_login(camden_admin)
    url = reverse("funding:application-edit", kwargs={"pk": application.pk})
    response = client.post(url, {"version": str(application.version), f"wp_{meetings.pk}_target": "6"}, follow=True)
    assert "This application has been submitted, so it can no longer be changed" in response.content.decode()
    meetings.refresh_from_db()
    assert meetings.target is None
    with pytest.raises(InvalidTransition, match="cannot change an application that is submitted"):
        services.application_update(
            application=application,
            actor=camden_admin,
            loaded_version=None,
            data={"work_programme": {meetings.pk: ("", 6)}},
        )


# --- In-kind support and other funding --------------------------------------------------


def _add_url(application):
    return reverse("funding:other-support-add", kwargs={"pk": application.pk})


def _delete_url(support):
    return reverse("funding:other-support-delete", kwargs={"pk": support.application_id, "support_pk": support.pk})


def test_the_group_adds_support_and_each_missing_answer_has_its_message(client, application, camden_admin):
    client.force_login(camden_admin)
    response = client.post(_add_url(application), {"value_amount": "-5"})
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors["kind"] == ["Select whether this is in-kind support or other funding"]
    assert errors["provider"] == ["Enter who provides the support"]
    assert errors["description"] == ["Enter what the support is"]
    assert errors["value_amount"] == ["The value must be 0 or more"]
    assert not OtherSupport.objects.exists()
    response = client.post(
        _add_url(application),
        {
            "kind": "in_kind",
            "provider": "Camden Council",
            "description": "Subsidised rent for the office",
            "value_amount": "1,200.50",
        },
    )
    assert response.status_code == 302
    support = OtherSupport.objects.get()
    assert (support.application, support.kind, support.value_amount) == (application, "in_kind", D("1200.50"))
    event = AuditEvent.objects.get(event_type="FUNDING_OTHER_SUPPORT_ADDED")
    assert (event.actor, event.group, event.summary) == (
        camden_admin,
        application.group,
        "Added in-kind support from Camden Council",
    )
    assert "Subsidised rent for the office" in client.get(application.get_absolute_url()).content.decode()


def _support(application, actor):
    return services.other_support_add(
        application=application,
        actor=actor,
        data={"kind": "other_funding", "provider": "Lottery", "description": "Youth project grant"},
    )


def test_the_group_removes_support_from_its_draft(client, application, camden_admin):
    support = _support(application, camden_admin)
    client.force_login(camden_admin)
    assert client.get(_delete_url(support)).status_code == 405
    assert client.post(_delete_url(support)).status_code == 302
    assert not OtherSupport.objects.exists()
    event = AuditEvent.objects.get(event_type="FUNDING_OTHER_SUPPORT_REMOVED")
    assert (event.actor, event.target_id) == (camden_admin, application.pk)


def test_support_cannot_be_added_or_removed_once_the_application_is_submitted(client, application, camden_admin):
    support = _support(application, camden_admin)
    FundingApplication.objects.filter(pk=application.pk).update(status=ApplicationStatus.SUBMITTED)
    client.force_login(camden_admin)
    response = client.post(_delete_url(support), follow=True)
    assert "This application has been submitted, so it can no longer be changed" in response.content.decode()
    response = client.post(_add_url(application), {"kind": "in_kind", "provider": "X", "description": "Y"})
    assert response.status_code == 302
    assert list(OtherSupport.objects.all()) == [support]
    application.refresh_from_db()
    with pytest.raises(InvalidTransition, match="cannot change an application that is submitted"):
        services.other_support_delete(support=support, actor=camden_admin)
    with pytest.raises(InvalidTransition, match="cannot change an application that is submitted"):
        _support(application, camden_admin)
    assert OtherSupport.objects.count() == 1


def test_another_group_cannot_add_or_remove_camdens_support(client, application, camden_admin, hackney_admin):
    support = _support(application, camden_admin)
    client.force_login(hackney_admin)
    assert client.post(_delete_url(support)).status_code == 404
    assert client.post(_add_url(application), {"kind": "in_kind", "provider": "X", "description": "Y"}).status_code == (
        404
    )
    assert list(OtherSupport.objects.all()) == [support]
    with pytest.raises(PermissionDenied):
        services.other_support_delete(support=support, actor=hackney_admin)
    with pytest.raises(PermissionDenied):
        _support(application, hackney_admin)
    assert OtherSupport.objects.count() == 1
