"""Writes for funding rounds and their assessment criteria.

A manager sets up each year's round (pot, cap, floor, timetable, weighted
criteria) and changes it while it is open; criteria change only until the
first application is scored. Each function checks permission, the edit
version and the round's state, validates, saves in one transaction and
records an AuditEvent.

Reads: ``funding.selectors``. Moves and who may make them: ``funding.workflow``.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from cpeg.accounts.access import require_perm
from cpeg.core.audit import audit_record, changes_summary
from cpeg.core.audit_events import AuditEventType
from cpeg.core.concurrency import lock_and_check_version, save_new_version
from cpeg.core.errors import InvalidTransition
from cpeg.core.fiscal import FinancialYear
from cpeg.funding.models import Assessment, AssessmentCriterion, FundingRound
from cpeg.funding.money import format_money
from cpeg.funding.services._common import _apply, _money
from cpeg.funding.workflow import ensure_round_open

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
    _criteria_copy_from_last_year(funding_round, actor=actor)
    return funding_round


def _criteria_copy_from_last_year(funding_round: FundingRound, *, actor) -> None:
    """Start a new round with the criteria of the latest earlier round that
    had any (wording, guidance, weight, order): the manager changes them
    freely until the first application is scored."""
    previous = (
        FundingRound.objects.filter(financial_year__lt=funding_round.financial_year, criteria__isnull=False)
        .order_by("-financial_year")
        .first()
    )
    if previous is None:
        return
    copies = [
        AssessmentCriterion(
            funding_round=funding_round,
            title=criterion.title,
            guidance=criterion.guidance,
            weight=criterion.weight,
            position=criterion.position,
            created_by=actor,
            updated_by=actor,
        )
        for criterion in previous.criteria.order_by("position", "pk")
    ]
    for criterion in copies:
        criterion.full_clean()
        criterion.save()
    titles = "; ".join(f"{c.title} (weight {c.weight})" for c in copies)
    audit_record(
        actor=actor,
        event_type=AuditEventType.FUNDING_CRITERIA_COPIED,
        target=funding_round,
        summary=f"Copied {len(copies)} assessment criteria from {previous}: {titles}",
        payload={"from_round": previous.pk, "criteria": [c.pk for c in copies]},
    )


@transaction.atomic
def round_update(*, funding_round: FundingRound, actor, data: dict, loaded_version) -> FundingRound:
    """Change a round's pot, cap, floor, timetable or score visibility."""
    require_perm(actor, "funding.manage_fundinground")
    current = lock_and_check_version(FundingRound, funding_round.pk, loaded_version)
    ensure_round_open(current)
    changed = _apply(current, data, ROUND_FIELDS)
    if not changed:
        return current
    _check_round(current)
    save_new_version(current, actor=actor)
    audit_record(
        actor=actor,
        event_type=AuditEventType.FUNDING_ROUND_UPDATED,
        target=current,
        summary=changes_summary(FundingRound, changed),
        payload={"fields": list(changed)},
        changes=changed,
    )
    return current


@transaction.atomic
def criterion_add(*, funding_round: FundingRound, actor, data: dict) -> AssessmentCriterion:
    """Add a weighted assessment criterion to a round."""
    require_perm(actor, "funding.manage_fundinground")
    ensure_round_open(funding_round)
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
    ensure_round_open(current.funding_round)
    if current.scores.exists():
        raise InvalidTransition("Applications have been scored: the criteria can no longer change")
    changed = _apply(current, data, ("title", "guidance", "weight"))
    if changed:
        save_new_version(current, actor=actor)
        audit_record(
            actor=actor,
            event_type=AuditEventType.FUNDING_CRITERION_UPDATED,
            target=current,
            summary=changes_summary(AssessmentCriterion, changed, of=f"the criterion {current.title}"),
            payload={"fields": list(changed)},
            changes=changed,
        )
    return current
