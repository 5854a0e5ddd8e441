"""Writes for the annual funding process.

A manager sets up each year's round (pot, cap, floor, timetable, weighted
criteria). A group drafts one application per round and submits it once,
by the deadline unless a manager reopens it. Officers assess it against
the criteria and last year's delivery; a second officer or a manager
moderates. The manager sets the awards on the allocation page and decides
the round; each award then gets a payment schedule (four quarterly
instalments unless changed), its payments are marked paid, the group
reports spend each quarter, and the year ends with a reconciliation.

Each function is one use case: check permission, lock and check the edit
version where a person edits an existing record, check the state, validate,
save in one transaction and record an AuditEvent. Money is Decimal
throughout (``funding.money``).

Reads: ``funding.selectors``. Who may do what: ``accounts.access``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from cpeg.accounts.access import require_perm
from cpeg.core.audit import audit_record
from cpeg.core.audit_events import AuditEventType
from cpeg.core.concurrency import lock_and_check_version, save_new_version
from cpeg.core.errors import EditConflict, InvalidTransition
from cpeg.core.fiscal import FinancialYear, Quarter, add_working_days
from cpeg.funding.choices import (
    BID_STATUSES,
    EDITABLE_APPLICATION_STATUSES,
    ApplicationStatus,
    BudgetCategory,
    PaymentStatus,
    RoundStatus,
    SpendReportStatus,
    SupportKind,
)
from cpeg.funding.models import (
    Assessment,
    AssessmentCriterion,
    Award,
    BudgetLine,
    CriterionScore,
    FundingApplication,
    FundingRound,
    LocalConsultation,
    OtherSupport,
    Payment,
    SpendLine,
    SpendReport,
    WorkProgrammeItem,
)
from cpeg.funding.money import ZERO, MoneyError, format_money, parse_money
from cpeg.groups.choices import PartnerRole

DEFAULT_INSTALMENTS = 4
ASSESSABLE_STATUSES = frozenset({ApplicationStatus.SUBMITTED, ApplicationStatus.ASSESSED, ApplicationStatus.MODERATED})
# A manager's reopening lets a late application in for this many working days.
REOPEN_WORKING_DAYS = 5

ROUND_FIELDS = (
    "title",
    "pot_amount",
    "cap_amount",
    "floor_amount",
    "opens_on",
    "closes_on",
    "assessment_ends_on",
    "decisions_on",
    "show_scores_to_groups",
)


def _today(today=None) -> dt.date:
    return today or timezone.localdate()


def _money(value, *, field: str, label: str, required: bool = True) -> Decimal | None:
    """Check an amount a form or import passed in: Decimal, >= 0, pence only."""
    if value is None or value == "":
        if required:
            raise ValidationError({field: f"Enter {label[0].lower() + label[1:]}"})
        return None
    try:
        return parse_money(value, label=label)
    except MoneyError as error:
        raise ValidationError({field: str(error)}) from error


def _ensure_status(application: FundingApplication, allowed, action: str) -> None:
    if application.status not in allowed:
        raise InvalidTransition(
            f"You cannot {action} an application that is {application.get_status_display().lower()}"
        )


def _ensure_open(funding_round: FundingRound) -> None:
    if funding_round.status != RoundStatus.OPEN:
        raise InvalidTransition(f"{funding_round} has been decided; it can no longer change")


def _apply(instance, data: dict, allowed) -> list[str]:
    changed = []
    for name in allowed:
        if name in data and getattr(instance, name) != data[name]:
            setattr(instance, name, data[name])
            changed.append(name)
    return changed


# --- Rounds and criteria ----------------------------------------------------


def _check_round(funding_round: FundingRound) -> None:
    errors = {}
    for name, label in (("pot_amount", "The pot"), ("cap_amount", "The cap")):
        try:
            _money(getattr(funding_round, name), field=name, label=label)
        except ValidationError as error:
            errors.update(error.message_dict)
    if funding_round.floor_amount is not None:
        try:
            _money(funding_round.floor_amount, field="floor_amount", label="The floor")
        except ValidationError as error:
            errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    if funding_round.cap_amount > funding_round.pot_amount:
        raise ValidationError({"cap_amount": "The cap must not be more than the pot"})
    if funding_round.floor_amount is not None and funding_round.floor_amount > funding_round.cap_amount:
        raise ValidationError({"floor_amount": "The floor must not be more than the cap"})
    order = [
        ("opens_on", "closes_on", "The application deadline must be on or after the day applications open"),
        ("closes_on", "assessment_ends_on", "Assessment must end on or after the application deadline"),
        ("assessment_ends_on", "decisions_on", "Decisions must be on or after the end of assessment"),
    ]
    for earlier, later, message in order:
        if getattr(funding_round, later) < getattr(funding_round, earlier):
            raise ValidationError({later: message})
    year = funding_round.year
    if not year.contains(funding_round.decisions_on) and funding_round.decisions_on > year.ends_on:
        raise ValidationError({"decisions_on": f"Decisions must be made by the end of {year.label}"})


@transaction.atomic
def round_create(*, actor, data: dict) -> FundingRound:
    """Set up the funding round for a financial year."""
    require_perm(actor, "funding.manage_fundinground")
    year = FinancialYear(int(data["financial_year"]))
    if FundingRound.objects.filter(financial_year=year.start_year).exists():
        raise ValidationError({"financial_year": f"There is already a funding round for {year.label}"})
    funding_round = FundingRound(financial_year=year.start_year, created_by=actor, updated_by=actor)
    _apply(funding_round, data, ROUND_FIELDS)
    if not funding_round.title:
        funding_round.title = f"CPEG funding {year.label}"
    _check_round(funding_round)
    funding_round.full_clean()
    funding_round.save()
    audit_record(
        actor=actor,
        event_type=AuditEventType.FUNDING_ROUND_CREATED,
        target=funding_round,
        summary=f"Set up {funding_round}: pot {format_money(funding_round.pot_amount)}, "
        f"cap {format_money(funding_round.cap_amount)}",
    )
    return funding_round


@transaction.atomic
def round_update(*, funding_round: FundingRound, actor, data: dict, loaded_version) -> FundingRound:
    """Change a round's pot, cap, floor, timetable or score visibility."""
    require_perm(actor, "funding.manage_fundinground")
    current = lock_and_check_version(FundingRound, funding_round.pk, loaded_version)
    _ensure_open(current)
    changed = _apply(current, data, ROUND_FIELDS)
    if not changed:
        return current
    _check_round(current)
    save_new_version(current, actor=actor)
    audit_record(
        actor=actor,
        event_type=AuditEventType.FUNDING_ROUND_UPDATED,
        target=current,
        summary=f"Changed {', '.join(changed)}",
        payload={"fields": changed},
    )
    return current


@transaction.atomic
def criterion_add(*, funding_round: FundingRound, actor, data: dict) -> AssessmentCriterion:
    """Add a weighted assessment criterion to a round."""
    require_perm(actor, "funding.manage_fundinground")
    _ensure_open(funding_round)
    if Assessment.objects.filter(application__funding_round=funding_round).exists():
        raise InvalidTransition("Applications have been scored: the criteria can no longer change")
    position = funding_round.criteria.count() + 1
    criterion = AssessmentCriterion(
        funding_round=funding_round,
        title=data["title"],
        guidance=data.get("guidance", ""),
        weight=data["weight"],
        position=position,
        created_by=actor,
        updated_by=actor,
    )
    criterion.full_clean()
    criterion.save()
    audit_record(
        actor=actor,
        event_type=AuditEventType.FUNDING_CRITERION_ADDED,
        target=criterion,
        summary=f"Added criterion {criterion.title} (weight {criterion.weight}) to {funding_round}",
    )
    return criterion


@transaction.atomic
def criterion_update(*, criterion: AssessmentCriterion, actor, data: dict, loaded_version) -> AssessmentCriterion:
    """Change a criterion's wording or weight before any application is scored."""
    require_perm(actor, "funding.manage_fundinground")
    current = lock_and_check_version(AssessmentCriterion, criterion.pk, loaded_version)
    _ensure_open(current.funding_round)
    if current.scores.exists():
        raise InvalidTransition("Applications have been scored: the criteria can no longer change")
    changed = _apply(current, data, ("title", "guidance", "weight"))
    if changed:
        save_new_version(current, actor=actor)
        audit_record(
            actor=actor,
            event_type=AuditEventType.FUNDING_CRITERION_UPDATED,
            target=current,
            summary=f"Changed criterion {current.title}",
            payload={"fields": changed},
        )
    return current


# --- Applications: the group's side -----------------------------------------


def _work_programme_outputs(group, year: FinancialYear) -> list[tuple[str, str]]:
    """(code, output) pairs from the group's SLA for the year, else its latest
    SLA, else the standard SLA template."""
    from cpeg.agreements.models import GroupSla, GroupSlaOutput, SlaTemplateOutput

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
    _ensure_open(funding_round)
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
    _ensure_status(current, EDITABLE_APPLICATION_STATUSES, "change")
    _ensure_open(current.funding_round)
    return current


@transaction.atomic
def application_update(*, application: FundingApplication, actor, data: dict, loaded_version) -> FundingApplication:
    """Save the narrative, work programme and local consultation of a draft.

    ``data`` may hold ``work_programme`` ({item id: (planned, target)}) and
    ``consultations`` ({partner role: (was consulted, date, comments)}).
    """
    current = _lock_editable(application, actor, loaded_version)
    changed = _apply(current, data, ("work_programme_summary", "priorities", "targets", "outcomes"))
    for item in current.work_programme.all():
        if item.pk in data.get("work_programme", {}):
            planned, target = data["work_programme"][item.pk]
            if target is not None and (not isinstance(target, int) or target < 0):
                raise ValidationError({f"wp_{item.pk}_target": f"The target for {item.output_title} must be 0 or more"})
            if (item.planned_activity, item.target) != (planned, target):
                item.planned_activity, item.target = planned, target
                item.full_clean()
                item.save()
                changed.append(f"work programme: {item.output_code}")
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
                changed.append(f"consultation: {consultation.partner_role}")
    save_new_version(current, actor=actor)
    if changed:
        audit_record(
            actor=actor,
            event_type=AuditEventType.FUNDING_APPLICATION_UPDATED,
            target=current,
            group=current.group,
            summary=f"Changed {', '.join(changed)}"[:500],
            payload={"fields": changed},
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
            summary=f"Changed budget line {current.description}",
            payload={"fields": changed},
        )
    return current


@transaction.atomic
def budget_line_delete(*, line: BudgetLine, actor) -> None:
    """Remove a line from a draft application's budget."""
    application = _lock_editable(line.application, actor)
    audit_record(
        actor=actor,
        event_type=AuditEventType.FUNDING_BUDGET_LINE_REMOVED,
        target=application,
        group=application.group,
        summary=f"Removed budget line {line.description} ({format_money(line.amount)})",
    )
    line.delete()
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
    application = _lock_editable(support.application, actor)
    audit_record(
        actor=actor,
        event_type=AuditEventType.FUNDING_OTHER_SUPPORT_REMOVED,
        target=application,
        group=application.group,
        summary=f"Removed {support.get_kind_display().lower()} from {support.provider}",
    )
    support.delete()
    save_new_version(application, actor=actor)


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
        label = consultation.get_partner_role_display()
        if consultation.was_consulted is None:
            problems[f"{consultation.partner_role}_consulted"] = f"Select whether you consulted the {label.lower()}"
        elif consultation.was_consulted and consultation.consulted_on is None:
            problems[f"{consultation.partner_role}_on"] = f"Enter the date you consulted the {label.lower()}"
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
    _ensure_status(current, EDITABLE_APPLICATION_STATUSES, "submit")
    _ensure_open(current.funding_round)
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
def application_reopen(*, application: FundingApplication, actor, today=None) -> FundingApplication:
    """Send an application back to draft and let it be submitted late."""
    require_perm(actor, "funding.manage_fundinground")
    current = lock_and_check_version(FundingApplication, application.pk, None)
    _ensure_open(current.funding_round)
    _ensure_status(
        current,
        {ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED, ApplicationStatus.ASSESSED},
        "reopen",
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
        summary=f"Reopened the application; it may be submitted until {current.late_submission_until:%-d %B %Y}",
    )
    return current


# --- Assessment and moderation ----------------------------------------------


def _check_recommendation(amount, funding_round: FundingRound, field: str) -> Decimal:
    value = _money(amount, field=field, label="The recommended award")
    if value > funding_round.cap_amount:
        raise ValidationError(
            {field: f"The recommended award must not be more than the cap of {format_money(funding_round.cap_amount)}"}
        )
    return value


@transaction.atomic
def application_assess(
    *, application: FundingApplication, actor, scores: dict, comments: str, recommended_amount, loaded_version=None
) -> Assessment:
    """Score a submitted application against every criterion and recommend an award."""
    require_perm(actor, "funding.assess_fundingapplication", application)
    current = lock_and_check_version(FundingApplication, application.pk, loaded_version)
    # Re-assessing a moderated application clears its moderation.
    _ensure_status(current, ASSESSABLE_STATUSES, "assess")
    _ensure_open(current.funding_round)
    criteria = list(current.funding_round.criteria.all())
    if not criteria:
        raise ValidationError("The round has no assessment criteria yet. Ask a manager to add them")
    errors = {}
    for criterion in criteria:
        score = scores.get(criterion.pk)
        if score is None:
            errors[f"score_{criterion.pk}"] = f"Select a score for {criterion.title}"
        elif not isinstance(score, int) or not 0 <= score <= AssessmentCriterion.MAX_SCORE:
            errors[f"score_{criterion.pk}"] = f"The score for {criterion.title} must be from 0 to 5"
    if not (comments or "").strip():
        errors["comments"] = "Enter your comments on the application"
    if errors:
        raise ValidationError(errors)
    amount = _check_recommendation(recommended_amount, current.funding_round, "recommended_amount")
    assessment, _ = Assessment.objects.update_or_create(
        application=current,
        defaults={
            "assessor": actor,
            "assessed_at": timezone.now(),
            "comments": comments.strip(),
            "recommended_amount": amount,
            "moderator": None,
            "moderated_at": None,
            "moderation_comments": "",
            "moderated_amount": None,
            "updated_by": actor,
        },
    )
    assessment.scores.all().delete()
    CriterionScore.objects.bulk_create(
        CriterionScore(assessment=assessment, criterion=c, score=scores[c.pk]) for c in criteria
    )
    current.status = ApplicationStatus.ASSESSED
    save_new_version(current, actor=actor)
    audit_record(
        actor=actor,
        event_type=AuditEventType.FUNDING_APPLICATION_ASSESSED,
        target=current,
        group=current.group,
        summary=f"Assessed; recommended {format_money(amount)}",
        payload={"scores": {str(k): v for k, v in scores.items()}, "recommended": str(amount)},
    )
    return assessment


@transaction.atomic
def application_moderate(
    *, application: FundingApplication, actor, comments: str, moderated_amount=None, loaded_version=None
) -> Assessment:
    """Moderate an assessment: agree the recommendation or change it.

    The moderator must always be someone other than the assessor, whatever
    their role: a manager who assessed an application cannot moderate it.
    """
    require_perm(actor, "funding.moderate_fundingapplication", application)
    current = lock_and_check_version(FundingApplication, application.pk, loaded_version)
    _ensure_status(current, {ApplicationStatus.ASSESSED, ApplicationStatus.MODERATED}, "moderate")
    _ensure_open(current.funding_round)
    assessment = Assessment.objects.select_for_update().get(application=current)
    if assessment.assessor_id == actor.pk:
        raise PermissionDenied("Someone other than the assessor must moderate: you assessed this application.")
    if not (comments or "").strip():
        raise ValidationError({"moderation_comments": "Enter your moderation comments"})
    amount = assessment.recommended_amount
    if moderated_amount not in (None, ""):
        amount = _check_recommendation(moderated_amount, current.funding_round, "moderated_amount")
    assessment.moderator = actor
    assessment.moderated_at = timezone.now()
    assessment.moderation_comments = comments.strip()
    assessment.moderated_amount = amount
    save_new_version(assessment, actor=actor)
    current.status = ApplicationStatus.MODERATED
    save_new_version(current, actor=actor)
    audit_record(
        actor=actor,
        event_type=AuditEventType.FUNDING_APPLICATION_MODERATED,
        target=current,
        group=current.group,
        summary=f"Moderated; recommendation {format_money(amount)}"
        + (
            f" (assessor recommended {format_money(assessment.recommended_amount)})"
            if amount != assessment.recommended_amount
            else ""
        ),
    )
    return assessment


# --- Allocation and decision -------------------------------------------------


def check_awards(funding_round: FundingRound, awards: dict) -> dict[str, str]:
    """Errors in a set of awards ({application id: Decimal or None}): any
    above the cap or below the floor, and a total above the pot."""
    errors = {}
    total = ZERO
    for pk, amount in awards.items():
        if amount is None:
            continue
        if amount < 0:
            errors[f"award_{pk}"] = "The award must be 0 or more"
            continue
        if amount > funding_round.cap_amount:
            errors[f"award_{pk}"] = (
                f"The award of {format_money(amount)} is more than the cap of {format_money(funding_round.cap_amount)}"
            )
        elif funding_round.floor_amount and 0 < amount < funding_round.floor_amount:
            errors[f"award_{pk}"] = (
                f"The award of {format_money(amount)} is less than the floor of "
                f"{format_money(funding_round.floor_amount)}; award at least the floor, or 0"
            )
        total += amount
    if total > funding_round.pot_amount:
        errors["__all__"] = (
            f"The awards total {format_money(total)}, {format_money(total - funding_round.pot_amount)} more than "
            f"the pot of {format_money(funding_round.pot_amount)}"
        )
    return errors


@transaction.atomic
def allocation_save(*, funding_round: FundingRound, actor, awards: dict, loaded_version=None) -> FundingRound:
    """Save the manager's awards for a round (not yet decided); all or nothing."""
    require_perm(actor, "funding.decide_allocation")
    current = lock_and_check_version(FundingRound, funding_round.pk, loaded_version)
    _ensure_open(current)
    applications = {
        a.pk: a
        for a in FundingApplication.objects.select_for_update()
        .filter(funding_round=current, status__in=BID_STATUSES)
        .select_related("group")
    }
    unknown = set(awards) - set(applications)
    if unknown:
        raise ValidationError("An award was given for an application that is not in this round")
    errors = check_awards(current, awards)
    if errors:
        raise ValidationError(errors)
    changed = []
    for pk, amount in awards.items():
        application = applications[pk]
        if application.award_amount != amount:
            application.award_amount = amount
            save_new_version(application, actor=actor)
            changed.append(application)
    save_new_version(current, actor=actor)
    if changed:
        audit_record(
            actor=actor,
            event_type=AuditEventType.FUNDING_ALLOCATION_SAVED,
            target=current,
            summary=f"Set awards for {len(changed)} group{'s' if len(changed) != 1 else ''}",
            payload={str(a.group_id): str(a.award_amount) for a in changed},
        )
    return current


def default_instalments(amount: Decimal, year: FinancialYear, count: int = DEFAULT_INSTALMENTS):
    """Four (or ``count``) instalments due at the start of each quarter; the
    pence that do not divide go in the first."""
    pence = int(amount * 100)
    each, spare = divmod(pence, count)
    quarters = year.quarters
    return [
        (quarters[i % 4].starts_on, (Decimal(each + (spare if i == 0 else 0)) / 100).quantize(Decimal("0.01")))
        for i in range(count)
    ]


@transaction.atomic
def allocation_decide(*, funding_round: FundingRound, actor, loaded_version=None, today=None) -> list[Award]:
    """Decide the round: every bid moderated and awarded within cap and pot.

    Creates an Award (with four quarterly instalments) for every award
    above £0, marks every bid decided and records who decided and when.
    """
    require_perm(actor, "funding.decide_allocation")
    current = lock_and_check_version(FundingRound, funding_round.pk, loaded_version)
    _ensure_open(current)
    bids = list(
        FundingApplication.objects.select_for_update()
        .filter(funding_round=current, status__in=BID_STATUSES)
        .select_related("group")
        .order_by("group__borough__name")
    )
    if not bids:
        raise ValidationError("There are no submitted applications to decide")
    errors = {}
    for bid in bids:
        if bid.status != ApplicationStatus.MODERATED:
            errors[f"award_{bid.pk}"] = f"{bid.group} has not been moderated yet"
        elif bid.award_amount is None:
            errors[f"award_{bid.pk}"] = f"Enter an award for {bid.group} (0 if not funded)"
    errors.update(check_awards(current, {b.pk: b.award_amount for b in bids}))
    if errors:
        raise ValidationError(errors)
    today = _today(today)
    awards = []
    for bid in bids:
        bid.status = ApplicationStatus.DECIDED
        save_new_version(bid, actor=actor)
        if bid.award_amount > 0:
            award = Award.objects.create(
                application=bid,
                funding_round=current,
                group=bid.group,
                amount=bid.award_amount,
                awarded_on=today,
                created_by=actor,
                updated_by=actor,
            )
            for number, (due_on, amount) in enumerate(default_instalments(award.amount, current.year), start=1):
                Payment.objects.create(
                    award=award, instalment=number, due_on=due_on, amount=amount, created_by=actor, updated_by=actor
                )
            awards.append(award)
            audit_record(
                actor=actor,
                event_type=AuditEventType.FUNDING_AWARD_DECIDED,
                target=award,
                group=bid.group,
                summary=f"Awarded {format_money(award.amount)} for {current}",
            )
        else:
            audit_record(
                actor=actor,
                event_type=AuditEventType.FUNDING_APPLICATION_DECLINED,
                target=bid,
                group=bid.group,
                summary=f"Not funded in {current}",
            )
    current.status = RoundStatus.DECIDED
    current.decided_at, current.decided_by = timezone.now(), actor
    save_new_version(current, actor=actor)
    total = sum((a.amount for a in awards), ZERO)
    audit_record(
        actor=actor,
        event_type=AuditEventType.FUNDING_ROUND_DECIDED,
        target=current,
        summary=f"Decided {current}: {len(awards)} awards totalling {format_money(total)} "
        f"of a pot of {format_money(current.pot_amount)}",
    )
    return awards


# --- Payments, spend and reconciliation ---------------------------------------


@transaction.atomic
def payment_schedule_set(*, award: Award, actor, instalments: list, loaded_version=None) -> list[Payment]:
    """Replace an award's unpaid instalments with ``instalments`` [(due_on,
    amount)]. Paid instalments stay; everything must add up to the award."""
    require_perm(actor, "funding.manage_payments", award)
    current = lock_and_check_version(Award, award.pk, loaded_version)
    paid = list(current.payments.filter(status=PaymentStatus.PAID).order_by("instalment"))
    errors = {}
    checked = []
    for index, (due_on, amount) in enumerate(instalments, start=1):
        if due_on is None:
            errors[f"due_on_{index}"] = f"Enter the date instalment {index} is due"
        try:
            value = _money(amount, field=f"amount_{index}", label=f"Instalment {index}")
        except ValidationError as error:
            errors.update(error.message_dict)
            continue
        checked.append((due_on, value))
    if errors:
        raise ValidationError(errors)
    if not checked and not paid:
        raise ValidationError("Enter at least one instalment")
    total = sum((p.amount for p in paid), ZERO) + sum((a for _, a in checked), ZERO)
    if total != current.amount:
        raise ValidationError(
            f"The instalments add up to {format_money(total)} but the award is {format_money(current.amount)}. "
            f"Change them so they add up to {format_money(current.amount)}"
        )
    current.payments.filter(status=PaymentStatus.SCHEDULED).delete()
    payments = []
    start = max((p.instalment for p in paid), default=0)
    for offset, (due_on, amount) in enumerate(sorted(checked, key=lambda c: c[0]), start=1):
        payment = Payment(
            award=current,
            instalment=start + offset,
            due_on=due_on,
            amount=amount,
            created_by=actor,
            updated_by=actor,
        )
        payment.full_clean()
        payment.save()
        payments.append(payment)
    save_new_version(current, actor=actor)
    audit_record(
        actor=actor,
        event_type=AuditEventType.FUNDING_PAYMENT_SCHEDULE_SET,
        target=current,
        group=current.group,
        summary="Payment schedule set: "
        + ", ".join(f"{format_money(p.amount)} due {p.due_on:%-d %b %Y}" for p in payments),
    )
    return payments


@transaction.atomic
def payment_mark_paid(*, payment: Payment, actor, paid_on=None) -> Payment:
    """Record that an instalment has been paid."""
    require_perm(actor, "funding.manage_payments", payment.award)
    current = lock_and_check_version(Payment, payment.pk, None)
    if current.status == PaymentStatus.PAID:
        raise InvalidTransition(f"Instalment {current.instalment} is already marked paid")
    paid_on = paid_on or _today()
    if paid_on > _today():
        raise ValidationError({"paid_on": "The payment date must be today or in the past"})
    current.status = PaymentStatus.PAID
    current.paid_on, current.paid_by = paid_on, actor
    save_new_version(current, actor=actor)
    audit_record(
        actor=actor,
        event_type=AuditEventType.FUNDING_PAYMENT_PAID,
        target=current,
        group=current.award.group,
        summary=f"Paid instalment {current.instalment} of {format_money(current.amount)} on {paid_on:%-d %B %Y}",
    )
    return current


# Quarterly returns in these states freeze the quarter's spend.
LOCKING_RETURN_STATUSES = frozenset({"submitted", "accepted"})


def _quarterly_return_status(group_id: int, financial_year: int, quarter: int) -> str | None:
    from cpeg.monitoring.models import QuarterlyReturn

    return (
        QuarterlyReturn.objects.filter(
            group_id=group_id, financial_year=financial_year, quarter=quarter, archived_at__isnull=True
        )
        .values_list("status", flat=True)
        .first()
    )


def spend_lock_reason(*, award: Award, quarter: int, report: SpendReport | None) -> str | None:
    """Why the group can no longer change a quarter's spend, or None if it can.

    Frozen once the award is reconciled, once the spend report is submitted,
    or once the quarter's monitoring return is submitted or accepted; an
    officer's reopening (a draft report with ``reopened_at``) lifts the last
    two until the group submits again.
    """
    q = Quarter(award.funding_round.financial_year, quarter)
    if award.reconciled_at is not None:
        return f"The award for {award.funding_round.year.label} has been reconciled, so its spend can no longer change"
    if report is not None and report.status == SpendReportStatus.SUBMITTED:
        when = f" on {timezone.localtime(report.submitted_at):%-d %B %Y}" if report.submitted_at else ""
        return (
            f"The spend for {q.label} was submitted{when}, so it can no longer change. "
            "Ask the authority to reopen it if it needs correcting"
        )
    if report is not None and report.reopened_at is not None:
        return None
    status = _quarterly_return_status(award.group_id, award.funding_round.financial_year, quarter)
    if status in LOCKING_RETURN_STATUSES:
        return (
            f"The quarterly return for {q.label} has been {status}, so the spend for the quarter can no longer "
            "change. Ask the authority to reopen the spend report if it needs correcting"
        )
    return None


def _spend_values(amounts: dict) -> dict:
    errors, values = {}, {}
    for category in BudgetCategory.values:
        try:
            values[category] = (
                _money(
                    amounts.get(category),
                    field=f"spend_{category}",
                    label=f"Spend on {BudgetCategory(category).label.lower()}",
                    required=False,
                )
                or ZERO
            )
        except ValidationError as error:
            errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    return values


def _write_spend_lines(report: SpendReport, values: dict) -> None:
    existing = {line.category: line for line in report.lines.all()}
    for category, amount in values.items():
        line = existing.get(category)
        if line is None:
            SpendLine.objects.create(report=report, category=category, amount=amount)
        elif line.amount != amount:
            line.amount = amount
            line.save()


def _lock_award(award: Award) -> Award:
    return Award.objects.select_for_update().select_related("funding_round", "group").get(pk=award.pk)


@transaction.atomic
def spend_report_save(
    *,
    award: Award,
    quarter: int,
    actor,
    amounts: dict,
    notes: str = "",
    submit: bool = False,
    loaded_version=None,
    today=None,
) -> SpendReport:
    """Save (and optionally submit) a group's spend by category for a quarter.

    ``loaded_version`` is the version of the report the form was built from,
    0 when there was none yet; once a report exists a missing or old version
    is an edit conflict. Refused once the quarter is frozen
    (``spend_lock_reason``).
    """
    require_perm(actor, "funding.change_fundingapplication", award)
    if quarter not in (1, 2, 3, 4):
        raise ValidationError("A quarter is numbered 1 to 4")
    # The award row is the lock every write to its spend and reconciliation
    # takes, so a save cannot slip in beside a reconciliation or a reopening.
    current = _lock_award(award)
    q = Quarter(current.funding_round.financial_year, quarter)
    if q.starts_on > _today(today):
        raise ValidationError(f"You cannot report spend for {q.label} before the quarter starts")
    report = SpendReport.objects.select_for_update().filter(award=current, quarter=quarter).first()
    reason = spend_lock_reason(award=current, quarter=quarter, report=report)
    if reason:
        raise InvalidTransition(reason)
    if report is None:
        if loaded_version not in (None, "") and int(loaded_version) != 0:
            raise EditConflict()
    elif loaded_version in (None, "") or int(loaded_version) != report.version:
        raise EditConflict()
    values = _spend_values(amounts)
    if report is None:
        report = SpendReport(
            award=current,
            group=current.group,
            financial_year=current.funding_round.financial_year,
            quarter=quarter,
            created_by=actor,
            updated_by=actor,
        )
        report.full_clean()
        report.save()
    report.notes = (notes or "").strip()
    if submit:
        report.status = SpendReportStatus.SUBMITTED
        report.submitted_at, report.submitted_by = timezone.now(), actor
    save_new_version(report, actor=actor)
    _write_spend_lines(report, values)
    total = sum(values.values(), ZERO)
    audit_record(
        actor=actor,
        event_type=AuditEventType.FUNDING_SPEND_SUBMITTED if submit else AuditEventType.FUNDING_SPEND_SAVED,
        target=report,
        group=current.group,
        summary=f"{'Submitted' if submit else 'Saved'} spend for {q.label}: {format_money(total)}",
        payload={k: str(v) for k, v in values.items()},
    )
    return report


@transaction.atomic
def spend_report_reopen(*, award: Award, quarter: int, actor, reason: str) -> SpendReport:
    """Let the group change a quarter's frozen spend again (an officer, with a reason).

    The report goes back to draft; if the group never reported the quarter,
    an empty draft is opened for it.
    """
    require_perm(actor, "funding.manage_payments", award)
    if quarter not in (1, 2, 3, 4):
        raise ValidationError("A quarter is numbered 1 to 4")
    current = _lock_award(award)
    q = Quarter(current.funding_round.financial_year, quarter)
    if current.reconciled_at is not None:
        raise InvalidTransition(
            f"The award for {current.funding_round.year.label} has been reconciled. "
            "Reopen the reconciliation before reopening its spend"
        )
    report = SpendReport.objects.select_for_update().filter(award=current, quarter=quarter).first()
    if spend_lock_reason(award=current, quarter=quarter, report=report) is None:
        raise InvalidTransition(f"The spend for {q.label} is not frozen: the group can still change it")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Enter why you are reopening the spend report"})
    if report is None:
        report = SpendReport(
            award=current,
            group=current.group,
            financial_year=current.funding_round.financial_year,
            quarter=quarter,
            created_by=actor,
            updated_by=actor,
        )
    report.status = SpendReportStatus.DRAFT
    report.reopened_at, report.reopened_by, report.reopen_reason = timezone.now(), actor, reason
    save_new_version(report, actor=actor)
    audit_record(
        actor=actor,
        event_type=AuditEventType.FUNDING_SPEND_REOPENED,
        target=report,
        group=current.group,
        summary=f"Reopened the spend for {q.label}: {reason}",
        payload={"reason": reason},
    )
    return report


@transaction.atomic
def spend_report_import(*, award: Award, quarter: int, actor, amounts: dict, notes: str = "") -> SpendReport:
    """Record a quarter's spend from the authority's records (a manager).

    Only for a quarter with no spend report yet and an award not yet
    reconciled: it fills a gap, it never rewrites what a group reported.
    Used for past years and by the demo data.
    """
    require_perm(actor, "funding.import_history")
    if quarter not in (1, 2, 3, 4):
        raise ValidationError("A quarter is numbered 1 to 4")
    current = _lock_award(award)
    q = Quarter(current.funding_round.financial_year, quarter)
    if current.reconciled_at is not None:
        raise InvalidTransition(f"The award for {current.funding_round.year.label} has been reconciled")
    if SpendReport.objects.filter(award=current, quarter=quarter).exists():
        raise InvalidTransition(f"The spend for {q.label} has already been reported")
    values = _spend_values(amounts)
    report = SpendReport(
        award=current,
        group=current.group,
        financial_year=current.funding_round.financial_year,
        quarter=quarter,
        status=SpendReportStatus.SUBMITTED,
        notes=(notes or "").strip(),
        submitted_at=timezone.now(),
        submitted_by=actor,
        created_by=actor,
        updated_by=actor,
    )
    report.full_clean()
    report.save()
    _write_spend_lines(report, values)
    audit_record(
        actor=actor,
        event_type=AuditEventType.FUNDING_SPEND_IMPORTED,
        target=report,
        group=current.group,
        summary=f"Recorded spend for {q.label} from the authority's records: "
        f"{format_money(sum(values.values(), ZERO))}",
        payload={k: str(v) for k, v in values.items()},
    )
    return report


@transaction.atomic
def award_reconcile(
    *, award: Award, actor, adjusted_return=None, adjustment_reason: str = "", notes: str = "", loaded_version=None
) -> Award:
    """Reconcile the year: spent and paid worked out, the sum to return is
    paid minus spent (never below 0), unless an officer adjusts it with a
    reason. Refused for an award already reconciled (reopen it first)."""
    from cpeg.funding.selectors import reconciliation_figures

    require_perm(actor, "funding.manage_payments", award)
    current = lock_and_check_version(Award, award.pk, loaded_version)
    if current.reconciled_at is not None:
        raise InvalidTransition(
            f"This award was reconciled on {timezone.localtime(current.reconciled_at):%-d %B %Y}. "
            "Reopen the reconciliation if it needs to be done again"
        )
    figures = reconciliation_figures(award=current)
    if figures.draft_quarters:
        raise ValidationError(
            "The spend for "
            + ", ".join(f"Q{n}" for n in figures.draft_quarters)
            + " is a draft. The group must submit it before the year is reconciled"
        )
    final = figures.calculated_return
    reason = (adjustment_reason or "").strip()
    if adjusted_return not in (None, ""):
        adjusted = _money(adjusted_return, field="return_amount", label="The adjusted sum to be returned")
        if adjusted != figures.calculated_return:
            if adjusted > figures.paid:
                raise ValidationError(
                    {
                        "return_amount": "The sum to be returned cannot be more than has been paid "
                        f"({format_money(figures.paid)})"
                    }
                )
            if not reason:
                raise ValidationError(
                    {
                        "adjustment_reason": "Enter the reason for changing the sum to be returned from "
                        f"{format_money(figures.calculated_return)}"
                    }
                )
            final = adjusted
    current.total_spent_amount = figures.spent
    current.paid_amount = figures.paid
    current.calculated_return_amount = figures.calculated_return
    current.return_amount = final
    current.adjustment_reason = reason if final != figures.calculated_return else ""
    current.reconciliation_notes = (notes or "").strip()
    current.reconciled_at, current.reconciled_by = timezone.now(), actor
    save_new_version(current, actor=actor)
    summary = (
        f"Reconciled: paid {format_money(figures.paid)}, spent {format_money(figures.spent)}, "
        f"{format_money(final)} to be returned"
    )
    if final != figures.calculated_return:
        summary += f" (adjusted from {format_money(figures.calculated_return)}: {reason})"
    audit_record(
        actor=actor,
        event_type=AuditEventType.FUNDING_AWARD_RECONCILED,
        target=current,
        group=current.group,
        summary=summary,
        payload={
            "paid": str(figures.paid),
            "spent": str(figures.spent),
            "calculated_return": str(figures.calculated_return),
            "return": str(final),
            "adjustment_reason": current.adjustment_reason,
        },
    )
    return current


@transaction.atomic
def award_reconciliation_reopen(*, award: Award, actor, reason: str, loaded_version=None) -> Award:
    """Undo a reconciliation so the year can be reconciled again (an officer, with a reason)."""
    require_perm(actor, "funding.manage_payments", award)
    current = lock_and_check_version(Award, award.pk, loaded_version)
    if current.reconciled_at is None:
        raise InvalidTransition("This award has not been reconciled, so there is nothing to reopen")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Enter why you are reopening the reconciliation"})
    previous = {
        "paid": str(current.paid_amount),
        "spent": str(current.total_spent_amount),
        "return": str(current.return_amount),
        "reconciled_at": current.reconciled_at.isoformat(),
        "reconciled_by": current.reconciled_by_id,
    }
    current.reconciled_at = current.reconciled_by = None
    current.total_spent_amount = current.paid_amount = None
    current.calculated_return_amount = current.return_amount = None
    current.adjustment_reason = ""
    save_new_version(current, actor=actor)
    audit_record(
        actor=actor,
        event_type=AuditEventType.FUNDING_RECONCILIATION_REOPENED,
        target=current,
        group=current.group,
        summary=f"Reopened the reconciliation (was {format_money(Decimal(previous['return']))} to be returned): "
        f"{reason}",
        payload={"reason": reason, "previous": previous},
    )
    return current
