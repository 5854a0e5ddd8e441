"""Writes for the annual funding process, by the stage they belong to.

A manager sets up each year's round (``rounds``). A group drafts one
application per round and submits it once, by the deadline unless a
manager reopens it (``applications``). Officers assess it against the
criteria and last year's delivery; a second officer or a manager moderates
(``assessment``). The manager sets the awards and decides the round
(``funding.allocation``, which holds the whole allocation rule). Each award
then gets a payment schedule, its payments are marked paid, the group
reports spend each quarter and the year ends with a reconciliation
(``payments``). A past year comes in from a spreadsheet through
``funding.importer``.

Each function is one use case: check permission, lock and check the edit
version where a person edits an existing record, check the state
(``funding.workflow``), validate, save in one transaction and record an
AuditEvent. Money is Decimal throughout (``funding.money``). Every service
is importable from here (``services.application_submit``).

Reads: ``funding.selectors``. Who may do what: ``accounts.access``.
"""

from cpeg.funding.allocation import allocation_decide, allocation_save, check_awards, default_instalments
from cpeg.funding.services.applications import (
    REOPEN_WORKING_DAYS,
    application_problems,
    application_reopen,
    application_start,
    application_submit,
    application_update,
    budget_line_add,
    budget_line_delete,
    budget_line_update,
    other_support_add,
    other_support_delete,
    submission_deadline,
)
from cpeg.funding.services.assessment import application_assess, application_moderate
from cpeg.funding.services.opendata import open_data_refresh
from cpeg.funding.services.payments import (
    award_reconcile,
    award_reconciliation_reopen,
    payment_mark_paid,
    payment_schedule_set,
    spend_report_import,
    spend_report_reopen,
    spend_report_save,
    spend_report_submit,
)
from cpeg.funding.services.rounds import ROUND_FIELDS, criterion_add, criterion_update, round_create, round_update
from cpeg.funding.workflow import spend_lock_reason

__all__ = [
    "REOPEN_WORKING_DAYS",
    "ROUND_FIELDS",
    "allocation_decide",
    "allocation_save",
    "application_assess",
    "application_moderate",
    "application_problems",
    "application_reopen",
    "application_start",
    "application_submit",
    "application_update",
    "award_reconcile",
    "award_reconciliation_reopen",
    "budget_line_add",
    "budget_line_delete",
    "budget_line_update",
    "check_awards",
    "criterion_add",
    "criterion_update",
    "default_instalments",
    "open_data_refresh",
    "other_support_add",
    "other_support_delete",
    "payment_mark_paid",
    "payment_schedule_set",
    "round_create",
    "round_update",
    "spend_lock_reason",
    "spend_report_import",
    "spend_report_reopen",
    "spend_report_save",
    "spend_report_submit",
    "submission_deadline",
]
