"""Writes for consultations and the groups' responses.

Each function is one use case in one transaction: permission, lock (and
the edit version where a person edits), workflow state, ``full_clean``,
save, AuditEvent. Reads: ``consultations.selectors``; figures:
``consultations.figures``; who may do what: ``accounts.access``.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from cpeg.accounts.access import require_perm
from cpeg.consultations import workflow
from cpeg.consultations.choices import ConsultationStatus, ResponseDecision, ResponseStatus
from cpeg.consultations.models import Consultation, ConsultationResponse
from cpeg.core.audit import apply_changes, audit_record, changes_summary
from cpeg.core.audit_events import AuditEventType
from cpeg.core.concurrency import lock_and_check_version, save_new_version
from cpeg.core.files import check_document
from cpeg.groups.models import EngagementGroup
from cpeg.membership import selectors as membership_selectors

CONSULTATION_FIELDS = ("kind", "title", "questions", "document_url", "opens_on", "closes_on")
RESPONSE_FIELDS = ("decision", "response_text", "organisations_count", "individuals_count", "not_responding_reason")


def member_organisation_limit(*, group, day: dt.date | None = None) -> int | None:
    """The most member organisations a response of ``group`` may claim: the
    organisations current in the group's membership register on ``day``
    (today, London time, by default).

    None when the group keeps no register here (no member recorded): the
    number the group enters is then taken as it is.
    """
    if group is None:
        return None
    return membership_selectors.organisation_count(group_id=group.pk, day=day or timezone.localdate())


def register_organisations(*, group, day: dt.date | None = None) -> list | None:
    """The member organisations a response of ``group`` may pick by name:
    those current in the group's membership register on ``day`` (today,
    London time, by default), by name. Three queries.

    None when the group keeps no register here: it gives a number instead.
    """
    if group is None:
        return None
    day = day or timezone.localdate()
    if membership_selectors.organisation_count(group_id=group.pk, day=day) is None:
        return None
    members, _executives = membership_selectors.expected_at(group_id=group.pk, day=day)
    return [member for member in members if member.is_organisation]


def picked_organisation_errors(*, choices: list, picked) -> dict[str, str]:
    """The organisations picked must be among ``choices`` (the register's)."""
    allowed = {member.pk for member in choices}
    if any(getattr(member, "pk", member) not in allowed for member in picked):
        return {"organisations": "Select member organisations from the group's membership register"}
    return {}


def consultation_rule_errors(values: dict) -> dict[str, str]:
    """Every broken rule for a consultation's details, as {field: message}."""
    errors = {}
    opens_on, closes_on = values.get("opens_on"), values.get("closes_on")
    if isinstance(opens_on, dt.date) and isinstance(closes_on, dt.date) and closes_on < opens_on:
        errors["closes_on"] = "The closing date must be the same as or after the opening date"
    return errors


def response_rule_errors(*, group, values: dict) -> dict[str, str]:
    """Every broken rule for a response's values, as {field: message}.

    Shared by the form's clean() and the services, so every error shows at
    once and the service holds the same line.
    """
    errors = {}
    decision = values.get("decision")
    if decision == ResponseDecision.RESPONDING:
        has_document = bool(values.get("has_document"))
        if not (values.get("response_text") or "").strip() and not has_document:
            errors["response_text"] = "Enter the group's response, or upload a response document"
        if values.get("organisations_count") is None:
            errors["organisations_count"] = "Enter how many member organisations the response represents"
        if values.get("individuals_count") is None:
            errors["individuals_count"] = "Enter how many individuals responded through the group, 0 or more"
        count = values.get("organisations_count")
        limit = member_organisation_limit(group=group) if count is not None else None
        if limit is not None and count > limit:
            errors["organisations_count"] = (
                f"The response cannot represent more than {limit} member organisation{'s' if limit != 1 else ''}: "
                "that is how many the group's membership register holds"
            )
    elif decision == ResponseDecision.NOT_RESPONDING:
        if not (values.get("not_responding_reason") or "").strip():
            errors["not_responding_reason"] = "Enter why the group is not responding"
    else:
        errors["decision"] = "Select whether the group is responding"
    return errors


def _raise(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


def _sync_groups_asked(consultation: Consultation, groups) -> tuple[set, set]:
    """Make the groups asked exactly ``groups``; returns (added, removed) ids."""
    wanted = {g.pk for g in groups}
    current = set(consultation.groups_asked.values_list("pk", flat=True))
    added, removed = wanted - current, current - wanted
    if removed:
        consultation.groups_asked.remove(*removed)
    if added:
        consultation.groups_asked.add(*added)
    return added, removed


@transaction.atomic
def consultation_create(*, actor, data: dict, groups) -> Consultation:
    """An officer prepares a consultation (a draft) and picks the groups asked."""
    require_perm(actor, "consultations.manage_consultation")
    _raise(consultation_rule_errors(data))
    if not groups:
        raise ValidationError({"groups_asked": "Select the groups asked"})
    consultation = Consultation(**{name: data.get(name) for name in CONSULTATION_FIELDS})
    consultation.document_url = consultation.document_url or ""
    consultation.created_by = consultation.updated_by = actor
    consultation.full_clean()
    consultation.save()
    consultation.groups_asked.set(groups)
    audit_record(
        actor=actor,
        event_type=AuditEventType.CONSULTATION_CREATED,
        target=consultation,
        summary=f"Prepared the consultation {consultation.title}, asking {len(groups)} groups",
    )
    return consultation


@transaction.atomic
def consultation_update(*, consultation: Consultation, actor, data: dict, groups=None, loaded_version) -> Consultation:
    """An officer changes a consultation's details (the groups asked only
    while it is a draft) until it closes."""
    require_perm(actor, "consultations.manage_consultation", consultation)
    consultation = lock_and_check_version(Consultation, consultation.pk, loaded_version)
    workflow.ensure_changeable(consultation)
    _raise(consultation_rule_errors(data))
    data = {**data, "document_url": data.get("document_url") or ""}
    changes = apply_changes(consultation, data, CONSULTATION_FIELDS)
    added = removed = set()
    if groups is not None and workflow.is_draft(consultation):
        if not groups:
            raise ValidationError({"groups_asked": "Select the groups asked"})
        added, removed = _sync_groups_asked(consultation, groups)
    if changes:
        save_new_version(consultation, actor=actor)
    extra = ["the groups asked"] if added or removed else []
    if changes or extra:
        audit_record(
            actor=actor,
            event_type=AuditEventType.CONSULTATION_UPDATED,
            target=consultation,
            summary=changes_summary(Consultation, list(changes), extra=extra, of=consultation.title),
            changes=changes,
            payload={"groups_added": sorted(added), "groups_removed": sorted(removed)} if extra else None,
        )
    return consultation


@transaction.atomic
def consultation_open(*, consultation: Consultation, actor) -> Consultation:
    """Open a draft: the groups asked see it, and each gets a response to write."""
    require_perm(actor, "consultations.manage_consultation", consultation)
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    workflow.CONSULTATION_WORKFLOW.ensure(consultation, to=ConsultationStatus.OPEN)
    group_ids = list(consultation.groups_asked.values_list("pk", flat=True))
    if not group_ids:
        raise ValidationError("Select the groups asked before opening the consultation")
    consultation.status = ConsultationStatus.OPEN
    consultation.opened_at, consultation.opened_by = timezone.now(), actor
    save_new_version(consultation, actor=actor)
    existing = set(consultation.responses.values_list("group_id", flat=True))
    bulk_create_with_history(
        [
            ConsultationResponse(consultation=consultation, group_id=gid, created_by=actor, updated_by=actor)
            for gid in group_ids
            if gid not in existing
        ],
        ConsultationResponse,
        default_user=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit_record(
        actor=actor,
        event_type=AuditEventType.CONSULTATION_OPENED,
        target=consultation,
        summary=f"Opened the consultation {consultation.title} to {len(group_ids)} groups",
    )
    return consultation


@transaction.atomic
def consultation_close(*, consultation: Consultation, actor) -> Consultation:
    """Close an open consultation: no more responses are sent or accepted
    (a late response waiting for acceptance stays uncounted)."""
    require_perm(actor, "consultations.manage_consultation", consultation)
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    workflow.CONSULTATION_WORKFLOW.ensure(consultation, to=ConsultationStatus.CLOSED)
    consultation.status = ConsultationStatus.CLOSED
    consultation.closed_at, consultation.closed_by = timezone.now(), actor
    save_new_version(consultation, actor=actor)
    audit_record(
        actor=actor,
        event_type=AuditEventType.CONSULTATION_CLOSED,
        target=consultation,
        summary=f"Closed the consultation {consultation.title}",
    )
    return consultation


@transaction.atomic
def consultation_publish(*, consultation: Consultation, actor) -> Consultation:
    """Publish a closed consultation's responses: every group and link
    member may then read them all, and the public the collective responses
    (no one's name). Before this a group reads only its own response."""
    require_perm(actor, "consultations.manage_consultation", consultation)
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    workflow.CONSULTATION_WORKFLOW.ensure(
        consultation,
        to=ConsultationStatus.PUBLISHED,
        message="Only a closed consultation's responses can be published, and only once",
    )
    consultation.status = ConsultationStatus.PUBLISHED
    consultation.published_at, consultation.published_by = timezone.now(), actor
    save_new_version(consultation, actor=actor)
    audit_record(
        actor=actor,
        event_type=AuditEventType.CONSULTATION_RESPONSES_PUBLISHED,
        target=consultation,
        summary=f"Published the responses to {consultation.title}",
    )
    return consultation


@transaction.atomic
def response_save(*, response: ConsultationResponse, actor, data: dict, document=None, loaded_version):
    """The group saves its response (a draft it can change until it sends it).

    "Not responding" clears the response's text, counts, organisations and
    document; responding clears the reason, so the record says one thing.
    A group with a membership register picks its member organisations
    (``data["organisations"]``: members or their ids) and the count is the
    number picked; a group without one gives ``organisations_count``.
    """
    require_perm(actor, "consultations.change_consultationresponse", response)
    response = lock_and_check_version(ConsultationResponse, response.pk, loaded_version)
    consultation = Consultation.objects.get(pk=response.consultation_id)
    workflow.ensure_open_for_responses(consultation)
    workflow.ensure_response_editable(response)
    if document is not None:
        try:
            check_document(document)
        except ValidationError as error:
            raise ValidationError({"document": error.messages}) from error
    data = dict(data)
    picked = data.pop("organisations", None) or []
    choices = register_organisations(group=response.group)
    picked_ids = []
    if choices is not None and data.get("decision") == ResponseDecision.RESPONDING:
        _raise(picked_organisation_errors(choices=choices, picked=picked))
        picked_ids = sorted({getattr(member, "pk", member) for member in picked})
        data["organisations_count"] = len(picked_ids)
    has_document = document is not None or bool(response.document)
    _raise(response_rule_errors(group=response.group, values={**data, "has_document": has_document}))
    if data["decision"] == ResponseDecision.NOT_RESPONDING:
        data.update(response_text="", organisations_count=None, individuals_count=None)
        document = None
        if response.document:
            response.document.delete(save=False)
            response.document_name = ""
    else:
        data["not_responding_reason"] = ""
    changes = apply_changes(response, data, RESPONSE_FIELDS)
    if document is not None:
        if response.document:
            response.document.delete(save=False)
        response.document.save(document.name, document, save=False)
        response.document_name = document.name[:255]
        changes["document"] = ("", document.name)
    response.status = ResponseStatus.DRAFT
    save_new_version(response, actor=actor)
    before = sorted(response.organisations.values_list("pk", flat=True))
    if before != picked_ids:
        response.organisations.set(picked_ids)
        names = dict(response.organisations.model.objects.filter(pk__in=before + picked_ids).values_list("pk", "name"))
        changes["organisations"] = (
            ", ".join(names[pk] for pk in before),
            ", ".join(names[pk] for pk in picked_ids),
        )
    audit_record(
        actor=actor,
        event_type=AuditEventType.CONSULTATION_RESPONSE_SAVED,
        target=response,
        group=response.group,
        summary=f"Saved the response to {consultation.title}",
        changes=changes,
    )
    return response


@transaction.atomic
def response_submit(*, response: ConsultationResponse, actor, loaded_version=None, now: dt.datetime | None = None):
    """The group sends its saved response to the authority.

    Sent after the consultation's closing date (London time) it is marked
    late and waits for an officer's acceptance before it is counted.
    ``now`` is for the demo and tests (the moment it is sent).
    """
    require_perm(actor, "consultations.change_consultationresponse", response)
    response = lock_and_check_version(ConsultationResponse, response.pk, loaded_version)
    consultation = Consultation.objects.get(pk=response.consultation_id)
    workflow.ensure_open_for_responses(consultation)
    now = now or timezone.now()
    late = timezone.localdate(now) > consultation.closes_on
    target = ResponseStatus.LATE if late else ResponseStatus.SUBMITTED
    workflow.RESPONSE_WORKFLOW.ensure(
        response, to=target, message="Save the group's response before sending it, or it has already been sent"
    )
    _raise(response_rule_errors(group=response.group, values=_values(response)))
    response.status, response.is_late = target, late
    response.submitted_at, response.submitted_by = now, actor
    save_new_version(response, actor=actor)
    audit_record(
        actor=actor,
        event_type=AuditEventType.CONSULTATION_RESPONSE_SUBMITTED,
        target=response,
        group=response.group,
        summary=f"Sent the response to {consultation.title}" + (" after the closing date" if late else ""),
        changes={"status": (ResponseStatus.DRAFT.label, response.get_status_display())},
    )
    return response


@transaction.atomic
def response_accept_late(*, response: ConsultationResponse, actor, now: dt.datetime | None = None):
    """An officer accepts a response sent after the closing date: it is
    counted from now on, still marked late."""
    require_perm(actor, "consultations.accept_late_consultationresponse", response)
    response = ConsultationResponse.objects.select_for_update().get(pk=response.pk)
    workflow.RESPONSE_WORKFLOW.ensure(
        response, to=ResponseStatus.SUBMITTED, message="This response is not waiting for acceptance"
    )
    response.status = ResponseStatus.SUBMITTED
    response.late_accepted_at, response.late_accepted_by = now or timezone.now(), actor
    save_new_version(response, actor=actor)
    audit_record(
        actor=actor,
        event_type=AuditEventType.CONSULTATION_RESPONSE_LATE_ACCEPTED,
        target=response,
        group=EngagementGroup.objects.get(pk=response.group_id),
        summary="Accepted a response sent after the closing date",
    )
    return response


def _values(response: ConsultationResponse) -> dict:
    values = {name: getattr(response, name) for name in RESPONSE_FIELDS}
    values["has_document"] = bool(response.document)
    return values
