"""Choices for funding rounds, applications, budgets, payments and spend.

An application moves draft -> submitted -> assessed -> moderated ->
decided. The group edits it only while it is a draft; a manager may send a
submitted application back to draft (and let a late one in) by reopening it.
The moves and who may make them: ``funding.workflow``.
"""

from django.db import models


class RoundStatus(models.TextChoices):
    """A funding round: open for applications and assessment, then decided.

    ``imported`` rounds hold a past year brought in from a spreadsheet.
    """

    OPEN = "open", "Open"
    DECIDED = "decided", "Decided"
    IMPORTED = "imported", "Imported from a spreadsheet"


DECIDED_ROUND_STATUSES = frozenset({RoundStatus.DECIDED, RoundStatus.IMPORTED})
# Applications, assessment, criteria and awards change only in these.
EDITABLE_ROUND_STATUSES = frozenset({RoundStatus.OPEN})


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    ASSESSED = "assessed", "Assessed"
    MODERATED = "moderated", "Moderated"
    DECIDED = "decided", "Decided"


EDITABLE_APPLICATION_STATUSES = frozenset({ApplicationStatus.DRAFT})
# Applications the allocation page lists (a draft is not a bid yet).
BID_STATUSES = frozenset(
    {ApplicationStatus.SUBMITTED, ApplicationStatus.ASSESSED, ApplicationStatus.MODERATED, ApplicationStatus.DECIDED}
)


class BudgetCategory(models.TextChoices):
    """The budget headings of the funding application form."""

    STAFFING = "staffing", "Staffing"
    STAFF_OFFICE = "staff_office", "Staff office costs"
    ADMINISTRATION = "administration", "Administration"
    VENUE = "venue", "Venue and facilities"
    MEETINGS = "meetings", "Meetings and events"
    PUBLICITY = "publicity", "Publicity and newsletters"
    PROJECTS = "projects", "Projects"
    TRAINING = "training", "Training"
    OTHER = "other", "Other"


class SupportKind(models.TextChoices):
    IN_KIND = "in_kind", "In-kind support"
    OTHER_FUNDING = "other_funding", "Other funding"


class PaymentStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    PAID = "paid", "Paid"


class SpendReportStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"


class ReconciliationStatus(models.TextChoices):
    """An award's end-of-year reconciliation (``Award.reconciled_at`` set or not)."""

    OPEN = "open", "Not reconciled"
    RECONCILED = "reconciled", "Reconciled"


class WhatIfRule(models.TextChoices):
    PRO_RATA = "pro_rata", "Scale every recommendation pro rata to fit the pot"
    CAP_REDISTRIBUTE = "cap_redistribute", "Cap at the maximum award, then share out what the cap frees"


class OpenDataFormat(models.TextChoices):
    """The two files a decided round's 360Giving open data is published as."""

    JSON = "json", "360Giving JSON"
    XLSX = "xlsx", "360Giving spreadsheet"
