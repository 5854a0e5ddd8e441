"""The annual funding process: rounds, applications, budgets, assessment,
awards, payments and spend."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse

from cpeg.core.fiscal import FinancialYear
from cpeg.core.models import BaseModel
from cpeg.funding.choices import (
    DECIDED_ROUND_STATUSES,
    ApplicationStatus,
    BudgetCategory,
    OpenDataFormat,
    PaymentStatus,
    ReconciliationStatus,
    RoundStatus,
    SpendReportStatus,
    SupportKind,
)
from cpeg.groups.choices import PartnerRole


def money_field(verbose_name, **kwargs):
    """A pounds-and-pence amount: Decimal, two places, never negative."""
    return models.DecimalField(
        verbose_name, max_digits=12, decimal_places=2, validators=[MinValueValidator(0)], **kwargs
    )


class FundingRound(BaseModel):
    """The annual funding process for one financial year.

    A manager sets the pot, the cap (and floor, if any) per group, the
    timetable and the assessment criteria. States: open (groups apply,
    officers assess and moderate) -> decided (the manager has set the
    awards); ``imported`` rounds are past years brought in from a
    spreadsheet.
    """

    financial_year = models.PositiveSmallIntegerField(unique=True, help_text="Start year, e.g. 2025 for 2025/26.")
    title = models.CharField(max_length=150)
    pot_amount = money_field("Total available (the pot)")
    cap_amount = money_field("Most any group may be awarded (the cap)")
    floor_amount = money_field("Least any funded group may be awarded (the floor)", null=True, blank=True)
    opens_on = models.DateField("Applications open")
    closes_on = models.DateField("Application deadline")
    assessment_ends_on = models.DateField("Assessment complete by")
    decisions_on = models.DateField("Decisions by")
    show_scores_to_groups = models.BooleanField(
        "Show groups their scores once decided",
        default=True,
        help_text="Groups never see scores before the round is decided.",
    )
    status = models.CharField(max_length=16, choices=RoundStatus.choices, default=RoundStatus.OPEN)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-financial_year"]
        constraints = [
            models.CheckConstraint(name="round_cap_within_pot", condition=Q(cap_amount__lte=F("pot_amount"))),
            models.CheckConstraint(
                name="round_floor_within_cap",
                condition=Q(floor_amount__isnull=True) | Q(floor_amount__lte=F("cap_amount")),
            ),
            models.CheckConstraint(
                name="round_timetable_in_order",
                condition=Q(closes_on__gte=F("opens_on"))
                & Q(assessment_ends_on__gte=F("closes_on"))
                & Q(decisions_on__gte=F("assessment_ends_on")),
            ),
            models.CheckConstraint(
                name="round_amounts_not_negative", condition=Q(pot_amount__gte=0) & Q(cap_amount__gte=0)
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("funding:round-detail", kwargs={"pk": self.pk})

    @property
    def year(self) -> FinancialYear:
        return FinancialYear(self.financial_year)

    @property
    def is_decided(self) -> bool:
        return self.status in DECIDED_ROUND_STATUSES


class AssessmentCriterion(BaseModel):
    """One thing applications are scored on (0 to 5), with its weight."""

    MAX_SCORE = 5

    funding_round = models.ForeignKey(FundingRound, on_delete=models.CASCADE, related_name="criteria")
    title = models.CharField(max_length=200)
    guidance = models.TextField(blank=True, max_length=2000)
    weight = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(100)])
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["funding_round", "position", "pk"]
        verbose_name_plural = "assessment criteria"
        constraints = [models.CheckConstraint(name="criterion_weight_positive", condition=Q(weight__gte=1))]

    def __str__(self):
        return self.title


class FundingApplication(BaseModel):
    """A group's funding application form for one round.

    States (``ApplicationStatus``): draft (the group edits it) -> submitted
    (once, by the deadline unless a manager reopened it) -> assessed (an
    officer scores it) -> moderated (a second officer or a manager agrees
    the recommendation) -> decided (the manager's decision for the round).
    Totals are never stored: they are sums of the budget lines.
    """

    funding_round = models.ForeignKey(FundingRound, on_delete=models.PROTECT, related_name="applications")
    group = models.ForeignKey("groups.EngagementGroup", on_delete=models.PROTECT, related_name="funding_applications")
    status = models.CharField(max_length=16, choices=ApplicationStatus.choices, default=ApplicationStatus.DRAFT)
    work_programme_summary = models.TextField("Work programme for the year", max_length=5000, blank=True)
    priorities = models.TextField("Priorities", max_length=4000, blank=True)
    targets = models.TextField("Targets", max_length=4000, blank=True)
    outcomes = models.TextField("Outcomes", max_length=4000, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    late_submission_until = models.DateField(
        "Late submission allowed until",
        null=True,
        blank=True,
        help_text="Set when a manager reopens an application after the deadline.",
    )
    award_amount = money_field(
        "Award",
        null=True,
        blank=True,
        help_text="Set by the manager on the allocation page; final once the round is decided.",
    )

    class Meta:
        ordering = ["funding_round", "group__borough__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["funding_round", "group"],
                name="one_application_per_group_per_round",
                violation_error_message="This group already has an application in this round.",
            ),
            models.CheckConstraint(
                name="application_award_not_negative", condition=Q(award_amount__isnull=True) | Q(award_amount__gte=0)
            ),
        ]

    def __str__(self):
        return f"{self.group} - {self.funding_round}"

    def get_absolute_url(self):
        return reverse("funding:application-detail", kwargs={"pk": self.pk})


class WorkProgrammeItem(BaseModel):
    """What the group plans against one of its SLA outputs this year."""

    application = models.ForeignKey(FundingApplication, on_delete=models.CASCADE, related_name="work_programme")
    output_code = models.SlugField(max_length=50)
    output_title = models.CharField(max_length=300)
    planned_activity = models.TextField(max_length=2000, blank=True)
    target = models.PositiveSmallIntegerField(null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["application", "position"]
        constraints = [
            models.UniqueConstraint(fields=["application", "output_code"], name="unique_work_programme_output")
        ]

    def __str__(self):
        return self.output_title


class BudgetLine(BaseModel):
    """One line of an application's budget, under a category, with a note.

    Staffing lines carry the post, hours, salary and on-costs, and their
    amount is salary plus on-costs (worked out by the service, never typed).
    """

    application = models.ForeignKey(FundingApplication, on_delete=models.CASCADE, related_name="budget_lines")
    category = models.CharField(max_length=32, choices=BudgetCategory.choices)
    description = models.CharField(max_length=200)
    note = models.TextField(max_length=1000, blank=True)
    amount = money_field("Amount")
    post_title = models.CharField("Post", max_length=150, blank=True)
    hours_per_week = models.DecimalField(
        "Hours per week",
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(80)],
    )
    salary_amount = money_field("Salary", null=True, blank=True)
    on_costs_amount = money_field(
        "On-costs", null=True, blank=True, help_text="Employer's National Insurance, pension."
    )

    class Meta:
        ordering = ["application", "category", "pk"]
        indexes = [models.Index(fields=["application", "category"])]
        constraints = [
            models.CheckConstraint(name="budget_line_amount_not_negative", condition=Q(amount__gte=0)),
        ]

    def __str__(self):
        return f"{self.get_category_display()}: {self.description}"


class OtherSupport(BaseModel):
    """In-kind support or other funding the group has, e.g. a council's
    subsidised rent or a volunteer bureau's services."""

    application = models.ForeignKey(FundingApplication, on_delete=models.CASCADE, related_name="other_support")
    kind = models.CharField(max_length=16, choices=SupportKind.choices)
    provider = models.CharField("Who provides it", max_length=150)
    description = models.CharField(max_length=300)
    value_amount = money_field("Estimated value a year", null=True, blank=True)

    class Meta:
        ordering = ["application", "kind", "pk"]

    def __str__(self):
        return f"{self.provider}: {self.description}"


class LocalConsultation(BaseModel):
    """Whether the group consulted a local partner on its bid, when, and
    what they said (borough commander, CDRP community safety manager, link
    member)."""

    application = models.ForeignKey(FundingApplication, on_delete=models.CASCADE, related_name="consultations")
    partner_role = models.CharField(max_length=32, choices=PartnerRole.choices)
    was_consulted = models.BooleanField(null=True)
    consulted_on = models.DateField(null=True, blank=True)
    comments = models.TextField(max_length=2000, blank=True)

    class Meta:
        ordering = ["application", "partner_role"]
        constraints = [
            models.UniqueConstraint(fields=["application", "partner_role"], name="one_consultation_per_partner"),
        ]

    def __str__(self):
        return self.get_partner_role_display()


class Assessment(BaseModel):
    """An officer's assessment of an application, and its moderation.

    The assessor scores each criterion and recommends an award; a second
    officer (or a manager, who may also be the assessor) moderates, agreeing
    or changing the recommendation.
    """

    application = models.OneToOneField(FundingApplication, on_delete=models.CASCADE, related_name="assessment")
    assessor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assessed_at = models.DateTimeField()
    comments = models.TextField("Assessor's comments", max_length=5000)
    recommended_amount = money_field("Recommended award")
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    moderated_at = models.DateTimeField(null=True, blank=True)
    moderation_comments = models.TextField("Moderator's comments", max_length=5000, blank=True)
    moderated_amount = money_field("Moderated recommendation", null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="assessment_recommendation_not_negative", condition=Q(recommended_amount__gte=0)
            )
        ]

    def __str__(self):
        return f"Assessment of {self.application}"

    @property
    def final_recommendation(self):
        return self.moderated_amount if self.moderated_amount is not None else self.recommended_amount


class CriterionScore(models.Model):
    """One criterion's score (0 to 5) in an assessment."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(AssessmentCriterion, on_delete=models.PROTECT, related_name="scores")
    score = models.PositiveSmallIntegerField(validators=[MaxValueValidator(AssessmentCriterion.MAX_SCORE)])

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assessment", "criterion"], name="one_score_per_criterion"),
            models.CheckConstraint(name="score_in_range", condition=Q(score__lte=5)),
        ]

    def __str__(self):
        return f"{self.criterion}: {self.score}"


class Award(BaseModel):
    """The amount a group was awarded in a round, and the end-of-year
    reconciliation (any sum to be returned).

    The reconciliation is worked out, never typed: total spent is the sum of
    the spend reports' lines, paid is the sum of the paid instalments, and
    the sum to be returned is paid minus spent (never below 0). An officer
    may adjust the sum to be returned only with a reason. Once reconciled
    the award's spend is frozen, and it is reconciled again only after an
    officer reopens the reconciliation (audited, with a reason).
    """

    application = models.OneToOneField(FundingApplication, on_delete=models.PROTECT, related_name="award")
    funding_round = models.ForeignKey(FundingRound, on_delete=models.PROTECT, related_name="awards")
    group = models.ForeignKey("groups.EngagementGroup", on_delete=models.PROTECT, related_name="funding_awards")
    recipient_name = models.CharField(
        "Recipient's name when awarded",
        max_length=150,
        help_text="The group's name on the day of the award: open data and the award letter keep it after a rename.",
    )
    amount = money_field("Amount awarded")
    awarded_on = models.DateField()
    reconciled_at = models.DateTimeField(null=True, blank=True)
    reconciled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    total_spent_amount = money_field(
        "Total spent in the year", null=True, blank=True, help_text="The sum of the spend reports' lines."
    )
    paid_amount = money_field(
        "Paid when reconciled", null=True, blank=True, help_text="The sum of the paid instalments."
    )
    calculated_return_amount = money_field(
        "Sum to be returned as worked out", null=True, blank=True, help_text="Paid minus spent, never below 0."
    )
    return_amount = money_field("Sum to be returned", null=True, blank=True)
    adjustment_reason = models.TextField("Reason for adjusting the sum to be returned", max_length=2000, blank=True)
    reconciliation_notes = models.TextField(max_length=2000, blank=True)

    class Meta:
        ordering = ["funding_round", "group__borough__name"]
        constraints = [
            models.UniqueConstraint(fields=["funding_round", "group"], name="one_award_per_group_per_round"),
            models.CheckConstraint(name="award_amount_not_negative", condition=Q(amount__gte=0)),
        ]

    def __str__(self):
        return f"{self.group}: {self.amount} ({self.funding_round})"

    def get_absolute_url(self):
        return reverse("funding:award-detail", kwargs={"pk": self.pk})

    @property
    def reconciliation_status(self) -> str:
        """``ReconciliationStatus``: whether the year has been reconciled."""
        return ReconciliationStatus.OPEN if self.reconciled_at is None else ReconciliationStatus.RECONCILED


class Payment(BaseModel):
    """One instalment of an award: due on a date, then marked paid."""

    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="payments")
    instalment = models.PositiveSmallIntegerField()
    due_on = models.DateField()
    amount = money_field("Amount")
    status = models.CharField(max_length=16, choices=PaymentStatus.choices, default=PaymentStatus.SCHEDULED)
    paid_on = models.DateField(null=True, blank=True)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["award", "instalment"]
        constraints = [
            models.UniqueConstraint(fields=["award", "instalment"], name="unique_instalment_per_award"),
            models.CheckConstraint(name="payment_amount_not_negative", condition=Q(amount__gte=0)),
            models.CheckConstraint(
                name="paid_payment_has_date", condition=~Q(status="paid") | Q(paid_on__isnull=False)
            ),
        ]

    def __str__(self):
        return f"Instalment {self.instalment}: {self.amount}"


class SpendReport(BaseModel):
    """A group's actual spend by budget category, to the end of a quarter,
    reported with its quarterly return.

    States: draft -> submitted. A submitted report is frozen, and so is any
    report once that quarter's monitoring return is submitted or accepted,
    or the award is reconciled. An officer may reopen a report (back to
    draft, ``reopened_at`` set); the group may then change and submit it
    again, even though the quarter's return has gone in.
    """

    award = models.ForeignKey(Award, on_delete=models.PROTECT, related_name="spend_reports")
    group = models.ForeignKey("groups.EngagementGroup", on_delete=models.PROTECT, related_name="spend_reports")
    financial_year = models.PositiveSmallIntegerField()
    quarter = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(4)])
    status = models.CharField(max_length=16, choices=SpendReportStatus.choices, default=SpendReportStatus.DRAFT)
    notes = models.TextField("Notes on spending", max_length=2000, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reopened_at = models.DateTimeField(null=True, blank=True)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reopen_reason = models.TextField("Reason for reopening", max_length=2000, blank=True)

    class Meta:
        ordering = ["award", "quarter"]
        constraints = [
            models.UniqueConstraint(fields=["award", "quarter"], name="one_spend_report_per_award_quarter"),
            models.CheckConstraint(name="spend_quarter_in_range", condition=Q(quarter__gte=1) & Q(quarter__lte=4)),
        ]

    def __str__(self):
        return f"Spend {self.group} Q{self.quarter} {FinancialYear(self.financial_year).label}"


class SpendLine(models.Model):
    """Spend in one budget category during one quarter."""

    report = models.ForeignKey(SpendReport, on_delete=models.CASCADE, related_name="lines")
    category = models.CharField(max_length=32, choices=BudgetCategory.choices)
    amount = money_field("Spent this quarter")

    class Meta:
        ordering = ["report", "category"]
        constraints = [
            models.UniqueConstraint(fields=["report", "category"], name="one_spend_line_per_category"),
            models.CheckConstraint(name="spend_amount_not_negative", condition=Q(amount__gte=0)),
        ]

    def __str__(self):
        return f"{self.get_category_display()}: {self.amount}"


class OpenDataFile(models.Model):
    """A decided round's 360Giving file (JSON or spreadsheet), built once.

    The task worker builds it when the round is decided and again after any
    change to what it publishes (``funding.opendata.source_stamp``); the
    download serves these bytes instead of building 2,000 grants per
    request. Derived data, rebuilt from the awards at will: no edit version,
    history or audit of its own.
    """

    funding_round = models.ForeignKey(FundingRound, on_delete=models.CASCADE, related_name="open_data_files")
    file_format = models.CharField(max_length=8, choices=OpenDataFormat.choices)
    content = models.BinaryField()
    source_stamp = models.CharField(max_length=64, help_text="The fingerprint of the records it was built from.")
    built_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["funding_round", "file_format"], name="one_open_data_file_per_format")
        ]

    def __str__(self):
        return f"{self.funding_round} {self.get_file_format_display()}"
