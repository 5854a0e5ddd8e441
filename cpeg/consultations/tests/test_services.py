"""Consultation and response writes: permission, workflow, rules, audit."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from cpeg.accounts.tests.factories import GroupAdminFactory, LinkMemberFactory, OfficerFactory
from cpeg.consultations import services, workflow
from cpeg.consultations.choices import ConsultationKind, ConsultationStatus, ResponseDecision, ResponseStatus
from cpeg.consultations.models import ConsultationResponse
from cpeg.consultations.tests.factories import ConsultationFactory, ResponseFactory
from cpeg.core.audit_events import AuditEventType
from cpeg.core.errors import EditConflict, InvalidTransition
from cpeg.core.models import AuditEvent
from cpeg.groups.choices import GroupStatus
from cpeg.groups.tests.factories import EngagementGroupFactory, borough

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")

DATA = {
    "kind": ConsultationKind.BUDGET,
    "title": "Budget consultation 2026/27",
    "questions": "Where should the authority protect spending?",
    "document_url": "",
    "opens_on": dt.date(2026, 10, 1),
    "closes_on": dt.date(2026, 11, 13),
}
RESPONDING = {
    "decision": ResponseDecision.RESPONDING,
    "response_text": "Protect neighbourhood teams.",
    "organisations_count": 12,
    "individuals_count": 3,
    "not_responding_reason": "",
}


@pytest.fixture
def camden():
    return EngagementGroupFactory(borough=borough("camden"))


@pytest.fixture
def hackney():
    return EngagementGroupFactory(borough=borough("hackney"))


@pytest.fixture
def officer():
    return OfficerFactory()


def _open(officer, groups, **changes):
    consultation = services.consultation_create(actor=officer, data={**DATA, **changes}, groups=groups)
    return services.consultation_open(consultation=consultation, actor=officer)


def test_opening_asks_each_group_once_and_is_audited(officer, camden, hackney):
    consultation = services.consultation_create(actor=officer, data=DATA, groups=[camden, hackney])
    assert consultation.status == ConsultationStatus.DRAFT
    assert not consultation.responses.exists()
    services.consultation_open(consultation=consultation, actor=officer)
    consultation.refresh_from_db()
    assert consultation.status == ConsultationStatus.OPEN
    assert sorted(consultation.responses.values_list("group_id", flat=True)) == sorted([camden.pk, hackney.pk])
    assert set(consultation.responses.values_list("status", flat=True)) == {ResponseStatus.AWAITING}
    # History is kept for the rows made in bulk.
    assert ConsultationResponse.history.count() == 2
    events = set(AuditEvent.objects.values_list("event_type", flat=True))
    assert {AuditEventType.CONSULTATION_CREATED, AuditEventType.CONSULTATION_OPENED} <= events
    with pytest.raises(InvalidTransition):
        services.consultation_open(consultation=consultation, actor=officer)


def test_only_officers_prepare_consultations(camden):
    admin = GroupAdminFactory(group=camden)
    with pytest.raises(PermissionDenied):
        services.consultation_create(actor=admin, data=DATA, groups=[camden])
    with pytest.raises(PermissionDenied):
        services.consultation_create(actor=LinkMemberFactory(boroughs=[borough("camden")]), data=DATA, groups=[camden])


def test_closing_must_not_come_before_opening(officer, camden):
    with pytest.raises(ValidationError) as error:
        services.consultation_create(actor=officer, data={**DATA, "closes_on": dt.date(2026, 9, 1)}, groups=[camden])
    assert "closes_on" in error.value.error_dict
    with pytest.raises(ValidationError):
        services.consultation_create(actor=officer, data=DATA, groups=[])


def test_groups_asked_change_only_while_a_draft(officer, camden, hackney):
    consultation = services.consultation_create(actor=officer, data=DATA, groups=[camden])
    services.consultation_update(
        consultation=consultation, actor=officer, data=DATA, groups=[camden, hackney], loaded_version=1
    )
    assert consultation.groups_asked.count() == 2
    services.consultation_open(consultation=consultation, actor=officer)
    consultation.refresh_from_db()
    services.consultation_update(
        consultation=consultation,
        actor=officer,
        data={**DATA, "closes_on": dt.date(2026, 11, 20)},
        groups=[camden],
        loaded_version=consultation.version,
    )
    consultation.refresh_from_db()
    assert consultation.groups_asked.count() == 2  # unchanged once open
    assert consultation.closes_on == dt.date(2026, 11, 20)
    with pytest.raises(EditConflict):
        services.consultation_update(consultation=consultation, actor=officer, data=DATA, loaded_version=1)


def test_a_group_saves_then_sends_its_response_on_time(officer, camden):
    consultation = _open(officer, [camden])
    admin = GroupAdminFactory(group=camden)
    response = consultation.responses.get()
    response = services.response_save(response=response, actor=admin, data=RESPONDING, loaded_version=1)
    assert response.status == ResponseStatus.DRAFT
    assert workflow.can_submit(admin, response)
    sent = services.response_submit(
        response=response, actor=admin, now=dt.datetime(2026, 11, 13, 23, 30, tzinfo=LONDON)
    )
    assert sent.status == ResponseStatus.SUBMITTED
    assert not sent.is_late
    assert workflow.is_counted(sent)
    assert not workflow.can_respond(admin, sent)
    with pytest.raises(InvalidTransition):
        services.response_save(response=sent, actor=admin, data=RESPONDING, loaded_version=sent.version)
    event = AuditEvent.objects.get(event_type=AuditEventType.CONSULTATION_RESPONSE_SUBMITTED)
    assert event.group == camden


def test_a_response_after_the_closing_date_waits_for_an_officer(officer, camden):
    consultation = _open(officer, [camden])
    admin = GroupAdminFactory(group=camden)
    response = services.response_save(
        response=consultation.responses.get(), actor=admin, data=RESPONDING, loaded_version=None
    )
    # Just after midnight, London time, on the day after the closing date.
    late = services.response_submit(response=response, actor=admin, now=dt.datetime(2026, 11, 14, 0, 5, tzinfo=LONDON))
    assert late.status == ResponseStatus.LATE
    assert late.is_late
    assert not workflow.is_counted(late)
    with pytest.raises(PermissionDenied):
        services.response_accept_late(response=late, actor=admin)
    accepted = services.response_accept_late(response=late, actor=officer)
    assert accepted.status == ResponseStatus.SUBMITTED
    assert accepted.is_late
    assert accepted.late_accepted_by == officer
    with pytest.raises(InvalidTransition):
        services.response_accept_late(response=accepted, actor=officer)


def test_only_the_groups_own_people_respond(officer, camden, hackney):
    consultation = _open(officer, [camden, hackney])
    response = consultation.responses.get(group=camden)
    for actor in (GroupAdminFactory(group=hackney), officer, LinkMemberFactory(boroughs=[borough("camden")])):
        with pytest.raises(PermissionDenied):
            services.response_save(response=response, actor=actor, data=RESPONDING, loaded_version=None)


def test_a_disbanded_group_cannot_respond(officer, camden):
    consultation = _open(officer, [camden])
    admin = GroupAdminFactory(group=camden)
    camden.status = GroupStatus.DISBANDED
    camden.save()
    with pytest.raises(PermissionDenied):
        services.response_save(response=consultation.responses.get(), actor=admin, data=RESPONDING, loaded_version=None)


def test_every_missing_answer_is_reported_at_once(officer, camden):
    consultation = _open(officer, [camden])
    admin = GroupAdminFactory(group=camden)
    response = consultation.responses.get()
    with pytest.raises(ValidationError) as error:
        services.response_save(
            response=response,
            actor=admin,
            data={**RESPONDING, "response_text": "", "organisations_count": None, "individuals_count": None},
            loaded_version=None,
        )
    assert set(error.value.error_dict) == {"response_text", "organisations_count", "individuals_count"}
    with pytest.raises(ValidationError) as error:
        services.response_save(
            response=response,
            actor=admin,
            data={**RESPONDING, "decision": ResponseDecision.NOT_RESPONDING},
            loaded_version=None,
        )
    assert set(error.value.error_dict) == {"not_responding_reason"}


def test_not_responding_clears_the_counts_so_the_record_says_one_thing(officer, camden):
    consultation = _open(officer, [camden])
    admin = GroupAdminFactory(group=camden)
    response = services.response_save(
        response=consultation.responses.get(), actor=admin, data=RESPONDING, loaded_version=None
    )
    response = services.response_save(
        response=response,
        actor=admin,
        data={**RESPONDING, "decision": ResponseDecision.NOT_RESPONDING, "not_responding_reason": "No meeting"},
        loaded_version=response.version,
    )
    assert (response.organisations_count, response.individuals_count, response.response_text) == (None, None, "")
    assert response.not_responding_reason == "No meeting"


def test_a_document_may_stand_for_the_text_and_is_checked(officer, camden):
    consultation = _open(officer, [camden])
    admin = GroupAdminFactory(group=camden)
    response = consultation.responses.get()
    with pytest.raises(ValidationError) as error:
        services.response_save(
            response=response,
            actor=admin,
            data={**RESPONDING, "response_text": ""},
            document=SimpleUploadedFile("response.pdf", b"<html>not a pdf</html>"),
            loaded_version=None,
        )
    assert "document" in error.value.error_dict
    saved = services.response_save(
        response=response,
        actor=admin,
        data={**RESPONDING, "response_text": ""},
        document=SimpleUploadedFile("response.pdf", b"%PDF-1.4 the response"),
        loaded_version=None,
    )
    assert saved.document_name == "response.pdf"
    assert saved.document.read() == b"%PDF-1.4 the response"


def test_no_response_changes_before_opening_or_after_closing(officer, camden):
    consultation = ConsultationFactory(status=ConsultationStatus.DRAFT)
    response = ResponseFactory(consultation=consultation, group=camden)
    admin = GroupAdminFactory(group=camden)
    with pytest.raises(InvalidTransition):
        services.response_save(response=response, actor=admin, data=RESPONDING, loaded_version=None)
    consultation.status = ConsultationStatus.OPEN
    consultation.save()
    services.consultation_close(consultation=consultation, actor=officer)
    with pytest.raises(InvalidTransition):
        services.response_save(response=response, actor=admin, data=RESPONDING, loaded_version=None)
