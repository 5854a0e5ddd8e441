"""Writes for a group's funding application, before it is assessed.

A group drafts one application per round (its work programme against its
SLA outputs, budget, other support and local consultation) and submits it
once, by the deadline; a manager may reopen it (back to draft) and let it
in late. Each function checks permission, the edit version and the state
(``funding.workflow``), validates, saves in one transaction and records an
AuditEvent. Money is Decimal throughout (``funding.money``).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cpeg.accounts.access import require_perm
from cpeg.agreements.models import GroupSla, GroupSlaOutput, SlaTemplateOutput
from cpeg.core.audit import audit_record, changes_summary, lower_first
from cpeg.core.audit_events import AuditEventType
from cpeg.core.concurrency import lock_and_check_version, save_new_version
from cpeg.core.fiscal import FinancialYear, add_working_days
from cpeg.funding.choices import EDITABLE_APPLICATION_STATUSES, ApplicationStatus, BudgetCategory, SupportKind
from cpeg.funding.models import (
    BudgetLine,
    FundingApplication,
    FundingRound,
    LocalConsultation,
    OtherSupport,
    WorkProgrammeItem,
)
from cpeg.funding.money import ZERO, format_money
from cpeg.funding.services._common import _apply, _money, _today
from cpeg.funding.workflow import APPLICATION_WORKFLOW, ensure_round_open
from cpeg.groups.choices import PartnerRole

# A manager's reopening lets a late application in for this many working days.
REOPEN_WORKING_DAYS = 5


def _work_programme_outputs(group, year: FinancialYear) -> list[tuple[str, str]]:
    """(code, output) pairs from the group's SLA for the year, else its latest
    SLA, else the standard SLA template."""
    sla = (
        GroupSla.objects.filter(group=group, superseded_at__isnull=True, financial_year__lte=year.start_year)
        .order_by("-financial_year")
        .first()
    )
    if sla is not None:
        return list(
            GroupSlaOutput.objects.filter(sla=sla, is_removed=False).order_by("position").values_list("code", "output")
        )
    template_outputs = SlaTemplateOutput.objects.filter(template__financial_year__lte=year.start_year).order_by(
        "-template__financial_year", "position"
    )
    first = template_outputs.first()
    if first is None:
        return []
    return list(template_outputs.filter(template_id=first.template_id).values_list("code", "output"))


@transaction.atomic
def application_start(*, funding_round: FundingRound, group, actor, today=None) -> FundingApplication:
    """Start a group's draft application, with its SLA outputs and partners listed."""
    require_perm(actor, "funding.change_fundingapplication", group)
    ensure_round_open(funding_round)
    today = _today(today)
    if today < funding_round.opens_on:
        raise ValidationError(f"Applications open on {funding_round.opens_on:%-d %B %Y}")
    if today > funding_round.closes_on:
        raise ValidationError(
            f"The deadline for applications was {funding_round.closes_on:%-d %B %Y}. "
            "Contact the authority if you need to apply late."
        )
    if FundingApplication.objects.filter(funding_round=funding_round, group=group).exists():
        raise ValidationError("Your group already has an application in this round")
    application = FundingApplication(funding_round=funding_round, group=group, created_by=actor, updated_by=actor)
    application.full_clean()
    application.save()
    for position, (code, output) in enumerate(_work_programme_outputs(group, funding_round.year), start=1):
        WorkProgrammeItem.objects.create(
            application=application, output_code=code, output_title=output[:300], position=position
        )
    for role in PartnerRole.values:
        LocalConsultation.objects.create(application=application, partner_role=role)
    audit_record(
        actor=actor,
        event_type=AuditEventType.FUNDING_APPLICATION_STARTED,
        target=application,
        group=group,
        summary=f"Started an application for {funding_round}",
    )
    return application


def _lock_editable(application: FundingApplication, actor, loaded_version=None) -> FundingApplication:
    require_perm(actor, "funding.change_fundingapplication", application)
    current = lock_and_check_version(FundingApplication, application.pk, loaded_version)
    APPLICATION_WORKFLOW.ensure_in(
        current,
        EDITABLE_APPLICATION_STATUSES,
        message=f"You cannot change an application that is {current.get_status_display().lower()}",
    )
    ensure_round_open(current.funding_round)
    return current


@transaction.atomic
def application_update(*, application: FundingApplication, actor, data: dict, loaded_version) -> FundingApplication:
    """Save the narrative, work programme and local consultation of a draft.

    ``data`` may hold ``work_programme`` ({item id: (planned, target)}) and
    ``consultations`` ({partner role: (was consulted, date, comments)}).
    """
    current = _lock_editable(application, actor, loaded_version)
    changed = _apply(current, data, ("work_programme_summary", "priorities", "targets", "outcomes"))
    also = []
    for item in current.work_programme.all():
        if item.pk in data.get("work_programme", {}):
            planned, target = data["work_programme"][item.pk]
            if target is not None and (not isinstance(target, int) or target < 0):
                raise ValidationError({f"wp_{item.pk}_target": f"The target for {item.output_title} must be 0 or more"})
            if (item.planned_activity, item.target) != (planned, target):
                item.planned_activity, item.target = planned, target
                item.full_clean()
                item.save()
                also.append(f"the work programme for {item.output_title}")
    for consultation in current.consultations.all():
        if consultation.partner_role in data.get("consultations", {}):
            was, on, comments = data["consultations"][consultation.partner_role]
            if on is not None and on > _today():
                raise ValidationError(
                    {f"{consultation.partner_role}_on": "The date of the consultation must be today or in the past"}
                )
            if (consultation.was_consulted, consultation.consulted_on, consultation.comments) != (was, on, comments):
                consultation.was_consulted, consultation.consulted_on, consultation.comments = was, on, comments
                consultation.full_clean()
                consultation.save()
                also.append(f"the consultation with the {lower_first(consultation.get_partner_role_display())}")
    save_new_version(current, actor=actor)
    if changed or also:
        audit_record(
            actor=actor,
            event_type=AuditEventType.FUNDING_APPLICATION_UPDATED,
            target=current,
            group=current.group,
            summary=changes_summary(FundingApplication, changed, extra=also),
            payload={"fields": list(changed)},
            changes=changed,
        )
    return current


def _budget_line_values(data: dict) -> dict:
    category = data.get("category") or ""
    if not category:
        raise ValidationError({"category": "Select the budget category"})
    if category not in BudgetCategory.values:
        raise ValidationError({"category": "Select a budget category from the list"})
    description = (data.get("description") or "").strip()
    if not description:
        raise ValidationError({"description": "Enter a description of the budget line"})
    values = {"category": category, "description": description, "note": (data.get("note") or "").strip()}
    if category == BudgetCategory.STAFFING:
        post = (data.get("post_title") or "").strip()
        if not post:
            raise ValidationError({"post_title": "Enter the post, like Administrator"})
        salary = _money(data.get("salary_amount"), field="salary_amount", label="The salary")
        on_costs = _money(data.get("on_costs_amount"), field="on_costs_amount", label="The on-costs", required=False)
        hours = data.get("hours_per_week")
        if hours is None:
            raise ValidationError({"hours_per_week": "Enter the hours per week"})
        values.update(
            post_title=post,
            hours_per_week=hours,
            salary_amount=salary,
            on_costs_amount=on_costs,
            # Staffing cost is worked out, never typed.
            amount=salary + (on_costs or ZERO),
        )
    else:
        values.update(
            post_title="",
            hours_per_week=None,
            salary_amount=None,
            on_costs_amount=None,
            amount=_money(data.get("amount"), field="amount", label="The amount"),
        )
    return values


@transaction.atomic
def budget_line_add(*, application: FundingApplication, actor, data: dict) -> BudgetLine:
    """Add a line to a draft application's budget."""
    current = _lock_editable(application, actor)
    line = BudgetLine(application=current, created_by=actor, updated_by=actor, **_budget_line_values(data))
    line.full_clean()
    line.save()
    save_new_version(current, actor=actor)
    audit_record(
        actor=actor,
        event_type=AuditEventType.FUNDING_BUDGET_LINE_ADDED,
        target=line,
        group=current.group,
        summary=f"Added {line.get_category_display().lower()} line {line.description}: {format_money(line.amount)}",
    )
    return line


@transaction.atomic
def budget_line_update(*, line: BudgetLine, actor, data: dict, loaded_version) -> BudgetLine:
    """Change a line of a draft application's budget."""
    _lock_editable(line.application, actor)
    current = lock_and_check_version(BudgetLine, line.pk, loaded_version)
    changed = _apply(current, _budget_line_values(data), list(_budget_line_values(data)))
    if changed:
        save_new_version(current, actor=actor)
        audit_record(
            actor=actor,
            event_type=AuditEventType.FUNDING_BUDGET_LINE_UPDATED,
            target=current,
            group=current.application.group,
            summary=changes_summary(BudgetLine, changed, of=f"the budget line {current.description}"),
            payload={"fields": list(changed)},
            changes=changed,
        )
    return current


@transaction.atomic
def budget_line_delete(*, line: BudgetLine, actor) -> None:
    """Remove a line from a draft application's budget."""
    _remove_row(
        line,
        actor=actor,
        event_type=AuditEventType.FUNDING_BUDGET_LINE_REMOVED,
        summary=f"Removed budget line {line.description} ({format_money(line.amount)})",
    )


def _remove_row(row, *, actor, event_type: AuditEventType, summary: str) -> None:
    """Delete one row of a draft application (a budget line, a support
    entry), recorded against the application, whose version moves on."""
    application = _lock_editable(row.application, actor)
    audit_record(actor=actor, event_type=event_type, target=application, group=application.group, summary=summary)
    row.delete()
    save_new_version(application, actor=actor)


@transaction.atomic
def other_support_add(*, application: FundingApplication, actor, data: dict) -> OtherSupport:
    """Record in-kind support or other funding a draft application declares."""
    current = _lock_editable(application, actor)
    if data.get("kind") not in SupportKind.values:
        raise ValidationError({"kind": "Select whether this is in-kind support or other funding"})
    support = OtherSupport(
        application=current,
        kind=data["kind"],
        provider=(data.get("provider") or "").strip(),
        description=(data.get("description") or "").strip(),
        value_amount=_money(data.get("value_amount"), field="value_amount", label="The value", required=False),
        created_by=actor,
        updated_by=actor,
    )
    if not support.provider:
        raise ValidationError({"provider": "Enter who provides the support"})
    if not support.description:
        raise ValidationError({"description": "Enter a description of the support"})
    support.full_clean()
    support.save()
    save_new_version(current, actor=actor)
    audit_record(
        actor=actor,
        event_type=AuditEventType.FUNDING_OTHER_SUPPORT_ADDED,
        target=support,
        group=current.group,
        summary=f"Added {support.get_kind_display().lower()} from {support.provider}",
    )
    return support


@transaction.atomic
def other_support_delete(*, support: OtherSupport, actor) -> None:
    """Remove in-kind support or other funding from a draft application."""
    _remove_row(
        support,
        actor=actor,
        event_type=AuditEventType.FUNDING_OTHER_SUPPORT_REMOVED,
        summary=f"Removed {support.get_kind_display().lower()} from {support.provider}",
    )


def application_problems(application: FundingApplication) -> dict[str, str]:
    """What stops a draft being submitted, keyed by the section to fix."""
    problems = {}
    lines = list(application.budget_lines.all())
    total = sum((line.amount for line in lines), ZERO)
    if not lines:
        problems["budget"] = "Add at least one budget line"
    elif total <= 0:
        problems["budget"] = "Your budget must total more than £0"
    elif total > application.funding_round.cap_amount:
        problems["budget"] = (
            f"Your budget totals {format_money(total)}, more than the most any group may be awarded "
            f"({format_money(application.funding_round.cap_amount)}). Reduce it before you submit"
        )
    if not application.work_programme_summary.strip():
        problems["work_programme_summary"] = "Enter your work programme for the year"
    if not application.priorities.strip():
        problems["priorities"] = "Enter your priorities for the year"
    for consultation in application.consultations.all():
        display = consultation.get_partner_role_display()
        label = display[:1].lower() + display[1:]  # keeps "(CDRP)" in capitals
        if consultation.was_consulted is None:
            problems[f"{consultation.partner_role}_consulted"] = f"Select whether you consulted the {label}"
        elif consultation.was_consulted and consultation.consulted_on is None:
            problems[f"{consultation.partner_role}_on"] = f"Enter the date you consulted the {label}"
    return problems


def submission_deadline(application: FundingApplication) -> dt.date:
    """The last day this application may be submitted."""
    deadline = application.funding_round.closes_on
    if application.late_submission_until and application.late_submission_until > deadline:
        return application.late_submission_until
    return deadline


@transaction.atomic
def application_submit(*, application: FundingApplication, actor, loaded_version=None, today=None):
    """Submit a complete draft, once, by the deadline (or a manager's extension)."""
    require_perm(actor, "funding.submit_fundingapplication", application)
    current = lock_and_check_version(FundingApplication, application.pk, loaded_version)
    APPLICATION_WORKFLOW.ensure(
        current,
        to=ApplicationStatus.SUBMITTED,
        message=f"You cannot submit an application that is {current.get_status_display().lower()}",
    )
    ensure_round_open(current.funding_round)
    today = _today(today)
    deadline = submission_deadline(current)
    if today > deadline:
        raise ValidationError(
            f"The deadline for applications was {deadline:%-d %B %Y}. You cannot submit after the deadline "
            "unless the authority reopens your application."
        )
    problems = application_problems(current)
    if problems:
        raise ValidationError(problems)
    current.status = ApplicationStatus.SUBMITTED
    current.submitted_at, current.submitted_by = timezone.now(), actor
    save_new_version(current, actor=actor)
    audit_record(
        actor=actor,
        event_type=AuditEventType.FUNDING_APPLICATION_SUBMITTED,
        target=current,
        group=current.group,
        summary=f"Submitted the application for {current.funding_round}",
    )
    return current


@transaction.atomic
def application_reopen(*, application: FundingApplication, actor, reason: str, today=None) -> FundingApplication:
    """Send a named group's application back to draft and let it be
    submitted late, with the manager's reason (recorded in the audit)."""
    require_perm(actor, "funding.manage_fundinground")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Enter why you are reopening the application"})
    current = lock_and_check_version(FundingApplication, application.pk, None)
    ensure_round_open(current.funding_round)
    APPLICATION_WORKFLOW.ensure(
        current,
        to=ApplicationStatus.DRAFT,
        message=f"You cannot reopen an application that is {current.get_status_display().lower()}",
    )
    today = _today(today)
    current.status = ApplicationStatus.DRAFT
    current.late_submission_until = max(current.funding_round.closes_on, add_working_days(today, REOPEN_WORKING_DAYS))
    save_new_version(current, actor=actor)
    audit_record(
        actor=actor,
        event_type=AuditEventType.FUNDING_APPLICATION_REOPENED,
        target=current,
        group=current.group,
        summary=f"Reopened the application; it may be submitted until "
        f"{current.late_submission_until:%-d %B %Y}. Reason: {reason}",
        payload={"reason": reason},
    )
    return current
