"""Writes for assessing and moderating applications.

An officer scores a submitted application against every criterion and
recommends an award (again while the round is open; re-assessing clears a
moderation); someone other than the assessor moderates, agreeing or
changing the recommendation. Each function checks permission, the edit
version and the state (``funding.workflow``), validates, saves in one
transaction and records an AuditEvent.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from cpeg.accounts.access import require_perm
from cpeg.core.audit import audit_record
from cpeg.core.audit_events import AuditEventType
from cpeg.core.concurrency import lock_and_check_version, save_new_version
from cpeg.funding.choices import ApplicationStatus
from cpeg.funding.models import Assessment, AssessmentCriterion, CriterionScore, FundingApplication, FundingRound
from cpeg.funding.money import format_money
from cpeg.funding.services._common import _money
from cpeg.funding.workflow import APPLICATION_WORKFLOW, ensure_round_open


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
    APPLICATION_WORKFLOW.ensure(
        current,
        to=ApplicationStatus.ASSESSED,
        message=f"You cannot assess an application that is {current.get_status_display().lower()}",
    )
    ensure_round_open(current.funding_round)
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
    APPLICATION_WORKFLOW.ensure(
        current,
        to=ApplicationStatus.MODERATED,
        message=f"You cannot moderate an application that is {current.get_status_display().lower()}",
    )
    ensure_round_open(current.funding_round)
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
