"""What a consultation and a group's response may do next.

A consultation: draft -> open -> closed -> published. Officers open and
close it, change its details until it is closed, and publish its
responses once it is closed: until then a group reads only its own
response; after, every group and link member reads them all and the
public reads the collective responses.

A response: not started or draft (the group writes it) -> sent, or, after
the consultation's closing date, sent late -> (an officer accepts it) ->
sent. Only sent responses are counted. Services call ``ensure``; views and
templates ask the ``can_<verb>`` functions, which join the state to the
permission in ``accounts.access``.
"""

from __future__ import annotations

from cpeg.consultations.choices import (
    EDITABLE_RESPONSE_STATUSES,
    ConsultationStatus,
    ResponseStatus,
)
from cpeg.core.errors import InvalidTransition
from cpeg.core.workflow import Workflow

CONSULTATION_WORKFLOW = Workflow(
    name="consultation",
    transitions={
        ConsultationStatus.DRAFT: frozenset({ConsultationStatus.OPEN}),
        ConsultationStatus.OPEN: frozenset({ConsultationStatus.CLOSED}),
        ConsultationStatus.CLOSED: frozenset({ConsultationStatus.PUBLISHED}),
    },
)

RESPONSE_WORKFLOW = Workflow(
    name="response",
    transitions={
        ResponseStatus.AWAITING: frozenset({ResponseStatus.DRAFT}),
        ResponseStatus.DRAFT: frozenset({ResponseStatus.DRAFT, ResponseStatus.SUBMITTED, ResponseStatus.LATE}),
        ResponseStatus.LATE: frozenset({ResponseStatus.SUBMITTED}),
    },
)

CHANGEABLE_CONSULTATION_STATUSES = frozenset({ConsultationStatus.DRAFT, ConsultationStatus.OPEN})


def is_open(consultation) -> bool:
    return consultation.status == ConsultationStatus.OPEN


def is_draft(consultation) -> bool:
    return consultation.status == ConsultationStatus.DRAFT


def can_change_consultation(user, consultation) -> bool:
    return consultation.status in CHANGEABLE_CONSULTATION_STATUSES and user.has_perm(
        "consultations.manage_consultation", consultation
    )


def can_open(user, consultation) -> bool:
    return CONSULTATION_WORKFLOW.allows(consultation, to=ConsultationStatus.OPEN) and user.has_perm(
        "consultations.manage_consultation", consultation
    )


def can_close(user, consultation) -> bool:
    return CONSULTATION_WORKFLOW.allows(consultation, to=ConsultationStatus.CLOSED) and user.has_perm(
        "consultations.manage_consultation", consultation
    )


def is_published(consultation) -> bool:
    """Its responses are published (to every group, and the public)."""
    return consultation.status == ConsultationStatus.PUBLISHED


def can_publish(user, consultation) -> bool:
    return CONSULTATION_WORKFLOW.allows(consultation, to=ConsultationStatus.PUBLISHED) and user.has_perm(
        "consultations.manage_consultation", consultation
    )


def can_respond(user, response) -> bool:
    """The consultation is open, the response not yet sent, and the user
    writes for the group."""
    return (
        is_open(response.consultation)
        and response.status in EDITABLE_RESPONSE_STATUSES
        and user.has_perm("consultations.change_consultationresponse", response)
    )


def can_submit(user, response) -> bool:
    """As ``can_respond``, and the group has saved its answer (a draft)."""
    return response.status == ResponseStatus.DRAFT and can_respond(user, response)


def can_accept_late(user, response) -> bool:
    return response.status == ResponseStatus.LATE and user.has_perm(
        "consultations.accept_late_consultationresponse", response
    )


def is_counted(response) -> bool:
    return response.status == ResponseStatus.SUBMITTED


def ensure_changeable(consultation) -> None:
    CONSULTATION_WORKFLOW.ensure_in(
        consultation,
        CHANGEABLE_CONSULTATION_STATUSES,
        message="This consultation is closed, so it can no longer change",
    )


def ensure_open_for_responses(consultation) -> None:
    if not is_open(consultation):
        label = "has not opened yet" if is_draft(consultation) else "is closed"
        raise InvalidTransition(f"This consultation {label}, so responses cannot be sent or changed")


def ensure_response_editable(response) -> None:
    RESPONSE_WORKFLOW.ensure_in(
        response,
        EDITABLE_RESPONSE_STATUSES,
        message="This response has already been sent, so it can no longer change",
    )
