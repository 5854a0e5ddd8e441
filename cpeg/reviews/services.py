"""Every write to an annual review: start a draft, save a section's
narrative, publish (freeze a version), start a new draft after publishing."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from cpeg.accounts.access import require_perm
from cpeg.core.audit import audit_record
from cpeg.core.audit_events import AuditEventType
from cpeg.core.concurrency import lock_and_check_version, save_new_version
from cpeg.core.errors import EditConflict, InvalidTransition
from cpeg.core.fiscal import FinancialYear
from cpeg.reviews import sections
from cpeg.reviews.choices import ReviewStatus
from cpeg.reviews.models import AnnualReview, ReviewVersion, SectionNarrative
from cpeg.reviews.selectors import narrative_for
from cpeg.reviews.workflow import REVIEW_WORKFLOW

NOT_A_DRAFT = "This annual review has been published. A manager can start a new draft to change it."


@transaction.atomic
def review_start(*, financial_year: int, actor) -> AnnualReview:
    """Start the draft review for a year (or return the one already there,
    so a second click makes no second review)."""
    require_perm(actor, "reviews.add_annualreview")
    existing = AnnualReview.objects.filter(financial_year=financial_year).first()
    if existing:
        return existing
    review = AnnualReview(financial_year=financial_year, created_by=actor, updated_by=actor)
    review.full_clean()
    try:
        with transaction.atomic():
            review.save()
    except IntegrityError:
        return AnnualReview.objects.get(financial_year=financial_year)
    audit_record(
        actor=actor,
        event_type=AuditEventType.REVIEW_STARTED,
        target=review,
        summary=f"Draft started: {review}",
    )
    return review


@transaction.atomic
def narrative_save(
    *, review: AnnualReview, section_key: str, text: str, version: int | None, actor
) -> SectionNarrative:
    """Save officers' text for one section of a draft. ``version`` is the
    narrative's version the form was loaded from (0: there was none)."""
    require_perm(actor, "reviews.change_annualreview", review)
    review = AnnualReview.objects.select_for_update().get(pk=review.pk)
    REVIEW_WORKFLOW.ensure_in(review, {ReviewStatus.DRAFT}, message=NOT_A_DRAFT)
    if section_key not in sections.SECTION_KEYS:
        raise ValidationError({"text": "There is no such section in the review."})
    existing = SectionNarrative.objects.filter(review=review, section_key=section_key).first()
    if existing is None:
        if version:
            raise EditConflict()
        narrative = SectionNarrative(
            review=review, section_key=section_key, text=text, created_by=actor, updated_by=actor
        )
        narrative.full_clean()
        narrative.save()
        old = ""
    else:
        narrative = lock_and_check_version(SectionNarrative, existing.pk, version if version is not None else 0)
        old = narrative.text
        narrative.text = text
        save_new_version(narrative, actor=actor)
    audit_record(
        actor=actor,
        event_type=AuditEventType.REVIEW_NARRATIVE_SAVED,
        target=review,
        summary=f"Narrative saved for {section_key}: {review}",
        changes={"text": (old, text)},
    )
    return narrative


@transaction.atomic
def review_publish(*, review: AnnualReview, actor, today: dt.date | None = None) -> ReviewVersion:
    """Freeze the review as it is computed now, with its narrative, as the
    next version. Refused while any section is in error."""
    require_perm(actor, "reviews.publish_annualreview", review)
    review = AnnualReview.objects.select_for_update().get(pk=review.pk)
    REVIEW_WORKFLOW.ensure(review, to=ReviewStatus.PUBLISHED)
    document = sections.build_document(
        FinancialYear(review.financial_year), today=today, narrative=narrative_for(review=review)
    )
    errors = document.errors()
    if errors:
        raise ValidationError(
            [f"{title}: {error}" for title, error in errors]
            + ["A review cannot be published while a section is in error."]
        )
    number = (review.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = ReviewVersion(
        review=review,
        number=number,
        document=document.to_dict(),
        published_at=timezone.now(),
        published_by=actor,
        created_by=actor,
        updated_by=actor,
    )
    version.full_clean()
    version.save()
    review.status = ReviewStatus.PUBLISHED
    save_new_version(review, actor=actor)
    audit_record(
        actor=actor,
        event_type=AuditEventType.REVIEW_PUBLISHED,
        target=review,
        summary=f"Published version {number}: {review}",
        payload={"version": number},
    )
    return version


@transaction.atomic
def review_new_draft(*, review: AnnualReview, actor) -> AnnualReview:
    """Reopen a published review as a draft for a corrected next version
    (the published versions stay as they were)."""
    require_perm(actor, "reviews.publish_annualreview", review)
    review = AnnualReview.objects.select_for_update().get(pk=review.pk)
    if not REVIEW_WORKFLOW.allows(review, to=ReviewStatus.DRAFT):
        raise InvalidTransition("This annual review is already a draft.")
    review.status = ReviewStatus.DRAFT
    save_new_version(review, actor=actor)
    audit_record(
        actor=actor,
        event_type=AuditEventType.REVIEW_STARTED,
        target=review,
        summary=f"New draft started after publishing: {review}",
    )
    return review
