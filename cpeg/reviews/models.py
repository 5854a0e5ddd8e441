from django.conf import settings
from django.db import models

from cpeg.core.models import BaseModel
from cpeg.reviews.choices import ReviewStatus


class AnnualReview(BaseModel):
    """The review to committee for one financial year. Its figures are
    computed from the records (``reviews.sections``) while it is a draft;
    each publication freezes them in a ``ReviewVersion``."""

    financial_year = models.PositiveSmallIntegerField(unique=True, help_text="The year the financial year starts.")
    status = models.CharField(max_length=16, choices=ReviewStatus.choices, default=ReviewStatus.DRAFT)

    class Meta:
        ordering = ["-financial_year"]

    def __str__(self):
        return f"Annual review {self.financial_year}/{(self.financial_year + 1) % 100:02d}"


class SectionNarrative(BaseModel):
    """Officers' text for one section of a review's draft (recommendations,
    context). Copied into the document when a version is published."""

    review = models.ForeignKey(AnnualReview, on_delete=models.CASCADE, related_name="narratives")
    section_key = models.CharField(max_length=64)
    text = models.TextField(max_length=10000, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["review", "section_key"], name="one_narrative_per_section")]

    def __str__(self):
        return f"{self.review}: {self.section_key}"


class ReviewVersion(BaseModel):
    """A published version of a review: the document (``Document.to_dict()``)
    exactly as published, never changed afterwards."""

    review = models.ForeignKey(AnnualReview, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveSmallIntegerField()
    document = models.JSONField()
    published_at = models.DateTimeField()
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["review", "-number"]
        constraints = [models.UniqueConstraint(fields=["review", "number"], name="one_review_version_number")]

    def __str__(self):
        return f"{self.review} v{self.number}"
