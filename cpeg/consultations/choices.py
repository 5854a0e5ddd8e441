"""Kinds of consultation and the states of a consultation and a response."""

from django.db import models


class ConsultationKind(models.TextChoices):
    POLICING_PLAN = "policing_plan", "Policing plan"
    BUDGET = "budget", "Budget"
    STOP_AND_SEARCH = "stop_and_search", "Stop and search"
    PROGRAMME_TOPIC = "programme_topic", "Programme topic (for example a Met Forward topic)"
    OTHER = "other", "Other"


# The SLA output (standard template code) a group's response to each kind
# of consultation evidences. "Other" consultations evidence none.
OUTPUT_FOR_KIND = {
    ConsultationKind.POLICING_PLAN: "policing-plan-consultation",
    ConsultationKind.BUDGET: "budget-consultation",
    ConsultationKind.STOP_AND_SEARCH: "stop-and-search",
    ConsultationKind.PROGRAMME_TOPIC: "met-forward",
}


class ConsultationStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"
    PUBLISHED = "published", "Closed, responses published"


class ResponseStatus(models.TextChoices):
    AWAITING = "awaiting", "Not started"
    DRAFT = "draft", "Draft"
    LATE = "late", "Sent late: awaiting acceptance"
    SUBMITTED = "submitted", "Sent"


class ResponseDecision(models.TextChoices):
    RESPONDING = "responding", "Responding"
    NOT_RESPONDING = "not_responding", "Not responding"


# A group can still change its response in these states.
EDITABLE_RESPONSE_STATUSES = frozenset({ResponseStatus.AWAITING, ResponseStatus.DRAFT})
# Counted in a consultation's figures (a late response once accepted).
COUNTED_RESPONSE_STATUSES = frozenset({ResponseStatus.SUBMITTED})


class BoroughRole(models.TextChoices):
    """Why a programme expects more (or different) of a borough's group."""

    HOST = "host", "Host borough"
    PRIORITY = "priority", "Priority borough"


class MechanismKind(models.TextChoices):
    """The CDRP two-way mechanisms the SLA asks for ("Develop two-way
    mechanisms for engagement and consultation")."""

    CDRP_SEAT = "cdrp_seat", "Representation on the CDRP"
    FACE_THE_PEOPLE = "face_the_people", "Face the People session"
    STRATEGIC_ASSESSMENT = "strategic_assessment", "Views fed into the strategic assessment"


# Every two-way mechanism evidences this SLA output.
TWO_WAY_OUTPUT = "two-way-engagement"
