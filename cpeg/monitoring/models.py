"""Quarterly monitoring returns, their lines, reminders and settings."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse

from cpeg.agreements.choices import MeasureType
from cpeg.core.fiscal import FinancialYear, Quarter
from cpeg.core.models import BaseModel
from cpeg.monitoring import workflow
from cpeg.monitoring.choices import (
    RAG_SHORT_LABELS,
    RAG_TAG_CLASSES,
    Rag,
    ReminderKind,
    ReturnStatus,
)


class MonitoringSettings(BaseModel):
    """The authority's settings for quarterly returns: one row, edited by a manager.

    A change applies to returns opened afterwards; an open return keeps the
    due date it was opened with.
    """

    singleton = models.BooleanField(default=True, unique=True, editable=False)
    deadline_working_days = models.PositiveSmallIntegerField(
        "Working days after the quarter ends that a return is due",
        default=15,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    reminder_working_days_before = models.PositiveSmallIntegerField(
        "Working days before the deadline that a reminder is sent",
        default=5,
        validators=[MinValueValidator(0), MaxValueValidator(30)],
        help_text="0 turns the reminder before the deadline off.",
    )

    class Meta:
        verbose_name = "monitoring settings"
        verbose_name_plural = "monitoring settings"
        constraints = [models.CheckConstraint(name="monitoring_settings_singleton", condition=Q(singleton=True))]

    def __str__(self):
        return "Monitoring settings"

    @classmethod
    def load(cls) -> "MonitoringSettings":
        """The settings, or the defaults (unsaved) until a manager first saves
        them: reading the settings never writes, so a page visit stays a read."""
        return cls.objects.filter(singleton=True).first() or cls(singleton=True)


class QuarterlyReturn(BaseModel):
    """A group's quarterly monitoring return for one quarter of a financial year.

    States (``ReturnStatus``):
    - draft: opened automatically after the quarter ends, pre-filled from the
      activity record; the group's people fill in each line.
    - submitted: sent by the group; frozen (figures as submitted).
    - returned: an officer sent it back with comments; the group changes it
      and submits again.
    - accepted: an officer accepted it; frozen for good.
    A draft past ``due_on`` is overdue. Officers never edit a return's lines.
    Who moves it on, and what each status allows: ``monitoring.workflow``.
    """

    group = models.ForeignKey("groups.EngagementGroup", on_delete=models.PROTECT, related_name="quarterly_returns")
    financial_year = models.PositiveSmallIntegerField(help_text="Start year, e.g. 2025 for 2025/26.")
    quarter = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(4)])
    status = models.CharField(max_length=16, choices=ReturnStatus.choices, default=ReturnStatus.DRAFT)
    due_on = models.DateField("Due on")
    first_submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    officer_comments = models.TextField("Officer's comments", max_length=4000, blank=True)
    archived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-financial_year", "-quarter", "group__borough__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "financial_year", "quarter"],
                condition=Q(archived_at__isnull=True),
                name="one_return_per_group_quarter",
                violation_error_message="This group already has a return for this quarter.",
            ),
            models.CheckConstraint(name="return_quarter_1_to_4", condition=Q(quarter__gte=1, quarter__lte=4)),
            models.CheckConstraint(
                name="returned_return_has_comments",
                condition=~Q(status=ReturnStatus.RETURNED) | ~Q(officer_comments=""),
                violation_error_message="Enter your comments for the group.",
            ),
        ]
        indexes = [models.Index(fields=["financial_year", "quarter", "status"])]

    def __str__(self):
        return f"{self.group} return {self.period.label}"

    def get_absolute_url(self):
        return reverse("monitoring:return-detail", kwargs={"pk": self.pk})

    @property
    def period(self) -> Quarter:
        return Quarter(self.financial_year, self.quarter)

    @property
    def year(self) -> FinancialYear:
        return FinancialYear(self.financial_year)

    def is_overdue(self, today) -> bool:
        return workflow.is_overdue(self.status, self.due_on, today)

    @property
    def first_submitted_on(self):
        """The day (Europe/London) the return was first submitted, or None."""
        from django.utils import timezone

        return timezone.localdate(self.first_submitted_at) if self.first_submitted_at else None

    def is_late(self, today) -> bool:
        """Not submitted by its due date (``workflow.is_late``)."""
        return workflow.is_late(
            status=self.status, due_on=self.due_on, first_submitted_on=self.first_submitted_on, today=today
        )

    @property
    def was_late(self) -> bool:
        """Submitted, and late (``workflow.is_late``): first submitted after the due date."""
        return self.first_submitted_at is not None and self.is_late(today=None)


class ReturnLine(BaseModel):
    """One SLA output in a return: the figures (snapshot of the SLA line and
    the activity count) and the group's answers.

    ``pro_rata_target`` = annual target x quarter / 4, kept exactly (it never
    has more than two decimal places); for an output with a ``due_quarter``,
    nothing before that quarter and the whole target from it. Every line
    an activity can evidence carries ``count_to_date`` (yes/no and
    narrative lines too); only counted lines get a target and a suggestion. The RAG status is the group's; it
    starts as the suggestion, and a different status needs a reason.
    """

    quarterly_return = models.ForeignKey(QuarterlyReturn, on_delete=models.CASCADE, related_name="lines")
    output_code = models.SlugField(max_length=50)
    output = models.CharField(max_length=300)
    heading_title = models.CharField(max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    measure = models.CharField(max_length=16, choices=MeasureType.choices)
    annual_target = models.PositiveSmallIntegerField(null=True, blank=True)
    due_quarter = models.PositiveSmallIntegerField(
        "Due by the end of quarter", null=True, blank=True, help_text="A yearly output due in one quarter."
    )
    pro_rata_target = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    count_to_date = models.PositiveIntegerField("Count so far this year", null=True, blank=True)
    is_variation = models.BooleanField("Local variation", default=False)
    variation_reason = models.TextField(blank=True)
    suggested_rag = models.CharField(max_length=8, choices=Rag.choices, blank=True)
    rag = models.CharField("RAG status", max_length=8, choices=Rag.choices, blank=True)
    rag_override_reason = models.TextField("Reason for a different status", max_length=2000, blank=True)
    progress = models.TextField(max_length=4000, blank=True)
    barriers = models.TextField("Barriers to delivery", max_length=4000, blank=True)
    support_requested = models.TextField("Support wanted from the authority", max_length=4000, blank=True)
    support_resolved_at = models.DateTimeField(null=True, blank=True)
    support_resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    support_given = models.TextField("Support given", max_length=2000, blank=True)

    class Meta:
        ordering = ["quarterly_return", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["quarterly_return", "output_code"], name="one_line_per_output_per_return"),
            models.CheckConstraint(
                name="rag_override_has_reason",
                condition=Q(rag="") | Q(suggested_rag="") | Q(rag=F("suggested_rag")) | ~Q(rag_override_reason=""),
                violation_error_message="Enter why the RAG status differs from the suggested status.",
            ),
        ]

    def __str__(self):
        return self.output

    @property
    def is_counted(self) -> bool:
        return self.measure == MeasureType.COUNT

    @property
    def is_override(self) -> bool:
        return bool(self.rag and self.suggested_rag and self.rag != self.suggested_rag)

    @property
    def rag_tag_class(self) -> str:
        return RAG_TAG_CLASSES.get(self.rag, "govuk-tag--grey")

    @property
    def rag_short(self) -> str:
        return RAG_SHORT_LABELS.get(self.rag, "Not set")

    @property
    def suggested_rag_short(self) -> str:
        return RAG_SHORT_LABELS.get(self.suggested_rag, "")

    @property
    def has_open_support_request(self) -> bool:
        return bool(self.support_requested.strip()) and self.support_resolved_at is None


class ReturnReminder(BaseModel):
    """A reminder email sent about a return: at most one per return, kind and day."""

    quarterly_return = models.ForeignKey(QuarterlyReturn, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=16, choices=ReminderKind.choices)
    sent_on = models.DateField()
    recipients = models.TextField(help_text="Email addresses, one a line.")

    class Meta:
        ordering = ["-sent_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["quarterly_return", "kind", "sent_on"], name="one_reminder_per_kind_per_day"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} reminder, {self.sent_on:%d %b %Y}"
