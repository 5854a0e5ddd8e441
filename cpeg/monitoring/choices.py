"""Choices for quarterly returns: their workflow, RAG statuses and reminders."""

from django.db import models


class ReturnStatus(models.TextChoices):
    """A quarterly return's place in the workflow.

    draft -> submitted (the group) -> accepted (an officer), or
    submitted -> returned (an officer, with comments) -> submitted again
    (the group resubmits) -> accepted. "Overdue" is not a status: it is a
    draft whose due date has passed. The transition table and who may move
    a return on: ``monitoring.workflow``.
    """

    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    RETURNED = "returned", "Returned for changes"
    ACCEPTED = "accepted", "Accepted"


# The group may change these, and bring their figures up to date.
EDITABLE_RETURN_STATUSES = frozenset({ReturnStatus.DRAFT, ReturnStatus.RETURNED})
# Figures are frozen as submitted.
FROZEN_RETURN_STATUSES = frozenset({ReturnStatus.SUBMITTED, ReturnStatus.ACCEPTED})
# Seen by the authority at least once (draft answers are not yet reported).
REPORTED_RETURN_STATUSES = frozenset({ReturnStatus.SUBMITTED, ReturnStatus.RETURNED, ReturnStatus.ACCEPTED})


class Rag(models.TextChoices):
    GREEN = "green", "Green: on track"
    AMBER = "amber", "Amber: slightly behind"
    RED = "red", "Red: behind"


RAG_TAG_CLASSES = {
    Rag.GREEN: "govuk-tag--green",
    Rag.AMBER: "govuk-tag--yellow",
    Rag.RED: "govuk-tag--red",
}

RAG_SHORT_LABELS = {Rag.GREEN: "Green", Rag.AMBER: "Amber", Rag.RED: "Red"}


class ReminderKind(models.TextChoices):
    DUE_SOON = "due_soon", "Deadline approaching"
    OVERDUE = "overdue", "Overdue"
