"""Service level agreements: the authority's standard template per
financial year, and each group's SLA made from it with local variations."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from cpeg.agreements import workflow
from cpeg.agreements.choices import MeasureType, SlaStatus, VariationKind
from cpeg.core.fiscal import FinancialYear
from cpeg.core.models import BaseModel


class SlaTemplate(BaseModel):
    """The standard SLA for one financial year (named by its start year).

    A new year's template starts as a copy of the previous one.
    """

    financial_year = models.PositiveSmallIntegerField(unique=True, help_text="Start year, e.g. 2025 for 2025/26.")
    introduction = models.TextField(blank=True)

    class Meta:
        ordering = ["-financial_year"]

    def __str__(self):
        return f"Standard SLA {self.year.label}"

    def get_absolute_url(self):
        return reverse("agreements:template-detail", kwargs={"year": self.financial_year})

    @property
    def year(self) -> FinancialYear:
        return FinancialYear(self.financial_year)


class SlaHeading(BaseModel):
    """A heading that groups outputs in the template, e.g. "Publicise the
    group's role, functions and achievements"."""

    template = models.ForeignKey(SlaTemplate, on_delete=models.CASCADE, related_name="headings")
    key = models.SlugField(max_length=50)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["template", "position"]
        constraints = [models.UniqueConstraint(fields=["template", "key"], name="unique_heading_key_per_template")]

    def __str__(self):
        return self.title


class SlaTemplateOutput(BaseModel):
    """One row of the standard SLA: output, outcomes, what it means in
    practice, the service standards activity it cites, and its measure.

    An officer removing an output archives it (``removed_at``): SLAs already
    made from the template keep their copy, new SLAs leave it out.
    """

    template = models.ForeignKey(SlaTemplate, on_delete=models.CASCADE, related_name="outputs")
    heading = models.ForeignKey(SlaHeading, on_delete=models.PROTECT, null=True, blank=True, related_name="outputs")
    code = models.SlugField(max_length=50, help_text="Stable key, the same across years, e.g. public-meetings.")
    position = models.PositiveSmallIntegerField(default=0)
    output = models.CharField(max_length=300)
    outcomes = models.TextField()
    in_practice = models.TextField("What this means in practice", blank=True)
    activity_refs = models.CharField(
        "Service standards activities", max_length=50, blank=True, help_text="e.g. 3, or 14, 15"
    )
    measure = models.CharField(max_length=16, choices=MeasureType.choices)
    annual_target = models.PositiveSmallIntegerField("Yearly target", null=True, blank=True)
    due_quarter = models.PositiveSmallIntegerField(
        "Due by the end of quarter",
        null=True,
        blank=True,
        choices=[(n, f"Q{n}") for n in (1, 2, 3, 4)],
        help_text="For a yearly output such as the annual report: judged against the whole target from this "
        "quarter, and nothing before it. Leave empty to spread the target evenly over the year.",
    )
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["template", "position"]
        constraints = [
            models.UniqueConstraint(fields=["template", "code"], name="unique_output_code_per_template"),
            models.CheckConstraint(
                name="template_count_measure_has_target",
                condition=~Q(measure="count") | Q(annual_target__isnull=False),
                violation_error_message="A counted output needs a yearly target.",
            ),
        ]

    def __str__(self):
        return self.output


class GroupSla(BaseModel):
    """A group's SLA for one financial year; one version of it.

    States: see ``SlaStatus``. Only a draft can change. A signed SLA is
    frozen: varying it makes a new version (``version_number`` + 1) whose
    ``previous`` is the old one, which is marked ``superseded_at``.
    """

    group = models.ForeignKey("groups.EngagementGroup", on_delete=models.PROTECT, related_name="slas")
    financial_year = models.PositiveSmallIntegerField()
    template = models.ForeignKey(SlaTemplate, on_delete=models.PROTECT, related_name="group_slas")
    version_number = models.PositiveSmallIntegerField(default=1)
    previous = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="next_version"
    )
    status = models.CharField(max_length=16, choices=SlaStatus.choices, default=SlaStatus.DRAFT)
    superseded_at = models.DateTimeField(null=True, blank=True)

    group_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    group_signatory_name = models.CharField(max_length=150, blank=True)
    group_signatory_role = models.CharField(max_length=100, blank=True)
    group_signed_on = models.DateField(null=True, blank=True)
    countersigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    countersignatory_name = models.CharField(max_length=150, blank=True)
    countersigned_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-financial_year", "group__borough__name", "-version_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "financial_year"],
                condition=Q(superseded_at__isnull=True),
                name="one_current_sla_per_group_year",
                violation_error_message="This group already has an SLA for this year.",
            ),
            models.UniqueConstraint(fields=["group", "financial_year", "version_number"], name="unique_sla_version"),
        ]

    def __str__(self):
        # No related fields here: history timelines print many of these.
        return f"SLA {self.year.label}, version {self.version_number}"

    def get_absolute_url(self):
        if self.superseded_at is not None:
            return reverse(
                "agreements:group-sla-version",
                kwargs={"pk": self.group_id, "year": self.financial_year, "number": self.version_number},
            )
        return reverse("agreements:group-sla", kwargs={"pk": self.group_id}) + f"?year={self.financial_year}"

    @property
    def year(self) -> FinancialYear:
        return FinancialYear(self.financial_year)

    @property
    def is_current(self) -> bool:
        return self.superseded_at is None

    @property
    def is_frozen(self) -> bool:
        return workflow.is_frozen(self)


class GroupSlaOutput(BaseModel):
    """One output in a group's SLA: copied from the template, possibly
    varied locally (changed target, added, or removed) with a reason."""

    sla = models.ForeignKey(GroupSla, on_delete=models.CASCADE, related_name="outputs")
    template_output = models.ForeignKey(
        SlaTemplateOutput, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    code = models.SlugField(max_length=50)
    heading_title = models.CharField(max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    output = models.CharField(max_length=300)
    outcomes = models.TextField(blank=True)
    in_practice = models.TextField("What this means in practice", blank=True)
    activity_refs = models.CharField(max_length=50, blank=True)
    measure = models.CharField(max_length=16, choices=MeasureType.choices)
    annual_target = models.PositiveSmallIntegerField("Yearly target", null=True, blank=True)
    due_quarter = models.PositiveSmallIntegerField(
        "Due by the end of quarter",
        null=True,
        blank=True,
        choices=[(n, f"Q{n}") for n in (1, 2, 3, 4)],
        help_text="For a yearly output such as the annual report: judged against the whole target from this "
        "quarter, and nothing before it. Leave empty to spread the target evenly over the year.",
    )
    is_removed = models.BooleanField("Removed locally", default=False)
    variation = models.CharField(max_length=16, choices=VariationKind.choices, blank=True, default="")
    variation_reason = models.TextField(
        blank=True, help_text="Why this output differs from the standard SLA (required for any variation)."
    )

    class Meta:
        ordering = ["sla", "position"]
        constraints = [
            models.UniqueConstraint(fields=["sla", "code"], name="unique_output_code_per_sla"),
            models.CheckConstraint(
                name="sla_count_measure_has_target",
                condition=~Q(measure="count") | Q(annual_target__isnull=False),
                violation_error_message="A counted output needs a yearly target.",
            ),
            models.CheckConstraint(
                name="sla_variation_has_reason",
                condition=Q(variation="") | ~Q(variation_reason=""),
                violation_error_message="A local variation needs a reason.",
            ),
            models.CheckConstraint(
                name="sla_removed_output_is_a_removal",
                condition=Q(is_removed=False) | Q(variation="removed"),
                violation_error_message="A removed output must be recorded as a removal.",
            ),
        ]

    def __str__(self):
        return self.output

    @property
    def is_variation(self) -> bool:
        """Differs from the standard SLA (recorded by the service that varied it)."""
        return bool(self.variation)
