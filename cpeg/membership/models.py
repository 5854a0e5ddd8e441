"""The wider membership of each group: who it speaks for.

Member organisations and individual members with their joining and leaving
dates, the constitution's attendance rule, the register of who attended
each meeting, the annual membership review, and equality monitoring
answers (special category personal data, kept apart: see
``EqualityProfile``).
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from cpeg.core.models import BaseModel
from cpeg.membership.choices import (
    PROFILE_CHARACTERISTICS,
    AgeBand,
    Disability,
    EthnicGroup,
    MemberType,
    OrganisationKind,
    OtherFundingStatus,
    Religion,
    Sex,
    SexualOrientation,
    SkillLevel,
    SupportKind,
)


class AttendanceRule(BaseModel):
    """The constitution's attendance rule for a group's members.

    A member who misses ``missed_meetings_limit`` meetings in a row (of
    those with an attendance register) may lose their membership; the
    register page flags members one meeting short of it as at risk.
    """

    group = models.OneToOneField("groups.EngagementGroup", on_delete=models.CASCADE, related_name="attendance_rule")
    missed_meetings_limit = models.PositiveSmallIntegerField(
        "Consecutive meetings a member may miss before losing membership",
        validators=[MinValueValidator(1), MaxValueValidator(24)],
    )
    constitution_wording = models.TextField("What the constitution says", max_length=1000, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="attendance_limit_in_range",
                condition=Q(missed_meetings_limit__gte=1, missed_meetings_limit__lte=24),
            )
        ]

    def __str__(self):
        return f"Membership lapses after {self.missed_meetings_limit} missed meetings in a row"


class Member(BaseModel):
    """A member of a group: an organisation (with its representative and
    deputy, and the number of people it speaks for where known) or an
    individual. Current until ``left_on``; kept for the record after."""

    group = models.ForeignKey("groups.EngagementGroup", on_delete=models.PROTECT, related_name="members")
    member_type = models.CharField("Type of member", max_length=16, choices=MemberType.choices)
    name = models.CharField(max_length=150)
    organisation_kind = models.CharField(
        "Kind of organisation", max_length=32, choices=OrganisationKind.choices, blank=True
    )
    people_represented = models.PositiveIntegerField(
        "Number of people the organisation speaks for",
        null=True,
        blank=True,
        validators=[MaxValueValidator(1_000_000)],
    )
    representative = models.CharField("Representative", max_length=150, blank=True)
    deputy = models.CharField("Deputy representative", max_length=150, blank=True)
    email = models.EmailField("Contact email", max_length=254, blank=True)
    joined_on = models.DateField("Date joined")
    left_on = models.DateField("Date left", null=True, blank=True)
    leaving_reason = models.CharField("Why they left", max_length=300, blank=True)

    class Meta:
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["group", "left_on"])]
        constraints = [
            models.CheckConstraint(
                name="member_leaves_after_joining",
                condition=Q(left_on__isnull=True) | Q(left_on__gte=F("joined_on")),
                violation_error_message="The date left must be on or after the date joined.",
            ),
            models.CheckConstraint(
                name="organisation_has_kind_individual_has_none",
                condition=(Q(member_type=MemberType.ORGANISATION) & ~Q(organisation_kind=""))
                | (Q(member_type=MemberType.INDIVIDUAL) & Q(organisation_kind="") & Q(people_represented__isnull=True)),
                violation_error_message="Select the kind of organisation; individuals have none.",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_organisation(self) -> bool:
        return self.member_type == MemberType.ORGANISATION


class MembershipReview(BaseModel):
    """The group's review of its membership (at least yearly): who was
    reviewed and the outcome. Evidence of the SLA output "Keep membership
    under regular review"."""

    group = models.ForeignKey("groups.EngagementGroup", on_delete=models.PROTECT, related_name="membership_reviews")
    reviewed_on = models.DateField("Date of the review")
    members_reviewed = models.PositiveIntegerField("Members reviewed")
    members_removed = models.PositiveIntegerField("Members whose membership ended", default=0)
    outcome = models.TextField("Outcome", max_length=2000)
    meeting = models.ForeignKey(
        "activities.Activity",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="Meeting where it was agreed",
    )

    class Meta:
        ordering = ["-reviewed_on", "-id"]
        constraints = [
            models.CheckConstraint(
                name="review_removed_within_reviewed",
                condition=Q(members_removed__lte=F("members_reviewed")),
                violation_error_message="Members whose membership ended cannot be more than those reviewed.",
            )
        ]

    def __str__(self):
        return f"Membership review on {self.reviewed_on:%d %B %Y}"


class AttendanceRegister(BaseModel):
    """Who attended one of a group's meetings: members and executive
    members. Separate from the meeting's public head-count."""

    activity = models.OneToOneField("activities.Activity", on_delete=models.PROTECT, related_name="attendance_register")
    group = models.ForeignKey("groups.EngagementGroup", on_delete=models.PROTECT, related_name="+")

    def __str__(self):
        return f"Attendance register for {self.activity}"


class AttendanceMark(models.Model):
    """One member, or one executive member, present at a meeting.

    Rows are added and removed (never changed); simple-history keeps each.
    """

    register = models.ForeignKey(AttendanceRegister, on_delete=models.CASCADE, related_name="marks")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, null=True, blank=True, related_name="marks")
    executive = models.ForeignKey(
        "groups.ExecutiveMembership", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="mark_is_member_or_executive",
                condition=(Q(member__isnull=False) & Q(executive__isnull=True))
                | (Q(member__isnull=True) & Q(executive__isnull=False)),
            ),
            models.UniqueConstraint(fields=["register", "member"], name="one_mark_per_member"),
            models.UniqueConstraint(fields=["register", "executive"], name="one_mark_per_executive"),
        ]

    def __str__(self):
        return str(self.member or self.executive)


class EqualityProfile(models.Model):
    """One person's equality monitoring answers (UK GDPR art. 9 special
    category data), for an individual member or an executive member.

    Deliberately not a ``BaseModel``: no simple-history, so erasing a
    profile (on request, or after membership ends and the retention period
    passes) leaves no copy. Only the group's administrator, who records the
    answers with the person's consent, reads them; everyone else sees
    suppressed aggregates (``membership.figures``).
    """

    group = models.ForeignKey("groups.EngagementGroup", on_delete=models.CASCADE, related_name="+")
    member = models.OneToOneField(
        Member, on_delete=models.CASCADE, null=True, blank=True, related_name="equality_profile"
    )
    executive = models.OneToOneField(
        "groups.ExecutiveMembership",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="equality_profile",
    )
    consent_given_on = models.DateField("Date the person gave consent")
    consent_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    ethnic_group = models.CharField("Ethnic group", max_length=32, choices=EthnicGroup.choices)
    sex = models.CharField(max_length=32, choices=Sex.choices)
    age_band = models.CharField("Age", max_length=32, choices=AgeBand.choices)
    disability = models.CharField(max_length=32, choices=Disability.choices)
    religion = models.CharField(max_length=32, choices=Religion.choices)
    sexual_orientation = models.CharField("Sexual orientation", max_length=32, choices=SexualOrientation.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="profile_is_member_or_executive",
                condition=(Q(member__isnull=False) & Q(executive__isnull=True))
                | (Q(member__isnull=True) & Q(executive__isnull=False)),
            )
        ]

    def __str__(self):
        return "Equality monitoring answers"


class OrganisationProfile(BaseModel):
    """A member organisation's profile of the people it speaks for, for
    one characteristic (ethnic group, sex, age...): how many people in
    each category, as at a date, and where the figures come from ("our
    own survey 2025", "estimate"). Entered by the group's administrator.

    Aggregate counts, not any one person's answers, so kept with history
    like the register; every page and export still shows them only
    through the suppression of ``membership.figures``. ``counts`` maps
    each category of ``choices.profile_categories`` (and ``not_known``'s
    key) to a whole number.
    """

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="profiles")
    group = models.ForeignKey("groups.EngagementGroup", on_delete=models.PROTECT, related_name="+")
    characteristic = models.CharField(max_length=32, choices=PROFILE_CHARACTERISTICS)
    counts = models.JSONField("People in each category", default=dict)
    counted_on = models.DateField("Date of the figures")
    source = models.CharField("Where the figures come from", max_length=200)

    class Meta:
        ordering = ["member", "characteristic"]
        constraints = [
            models.UniqueConstraint(fields=["member", "characteristic"], name="one_profile_per_characteristic")
        ]

    def __str__(self):
        return f"{self.get_characteristic_display()} of the people {self.member} speaks for"


class PopulationTable(BaseModel):
    """A borough population table a manager loaded for one characteristic
    (sex, age band...): replaced whole when loaded again. Its counts are
    ``PopulationCount`` rows; the Census 2021 ethnic group table the
    product ships with is not one of these (``membership.population``)."""

    characteristic = models.CharField(max_length=32, choices=PROFILE_CHARACTERISTICS, unique=True)
    file_name = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["characteristic"]

    def __str__(self):
        return f"Borough population by {self.get_characteristic_display().lower()}"


class PopulationCount(models.Model):
    """Usual residents of one borough in one category of a loaded table.

    Rows are only ever replaced with their table, in one transaction."""

    table = models.ForeignKey(PopulationTable, on_delete=models.CASCADE, related_name="counts")
    borough = models.ForeignKey("groups.Borough", on_delete=models.PROTECT, related_name="+")
    category = models.CharField(max_length=32)
    count = models.PositiveIntegerField()
    source = models.CharField(max_length=300)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["table", "borough", "category"], name="one_population_count_per_category")
        ]

    def __str__(self):
        return f"{self.category}: {self.count}"


# --- Capacity: skills audit and training ------------------------------------


class Skill(BaseModel):
    """A skill on the authority's list for the skills audit (chairing,
    finance, safeguarding...). Managers change the list in the back office;
    a skill no longer used is made inactive, never deleted, so past audits
    keep their answers."""

    name = models.CharField(max_length=100, unique=True)
    description = models.CharField(max_length=300, blank=True)
    position = models.PositiveSmallIntegerField("Order on the form", default=0)
    is_active = models.BooleanField("Asked in new audits", default=True)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self):
        return self.name


class SkillsAudit(BaseModel):
    """One executive member's, or the administrator's, skills audit: a
    level for each skill and whether they need training in it.

    Exactly one of ``executive`` (a seat on the executive) and
    ``administrator`` (the group's administrator's account) is set. One
    audit per person per group, changed as skills grow (simple-history
    keeps each earlier answer).
    """

    group = models.ForeignKey("groups.EngagementGroup", on_delete=models.PROTECT, related_name="skills_audits")
    executive = models.OneToOneField(
        "groups.ExecutiveMembership", on_delete=models.PROTECT, null=True, blank=True, related_name="skills_audit"
    )
    administrator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    assessed_on = models.DateField("Date of the audit")
    notes = models.TextField("Notes (optional)", max_length=2000, blank=True)

    class Meta:
        ordering = ["group", "id"]
        constraints = [
            models.CheckConstraint(
                name="skills_audit_is_executive_or_administrator",
                condition=(Q(executive__isnull=False) & Q(administrator__isnull=True))
                | (Q(executive__isnull=True) & Q(administrator__isnull=False)),
            ),
            models.UniqueConstraint(
                fields=["group", "administrator"],
                condition=Q(administrator__isnull=False),
                name="one_skills_audit_per_administrator",
            ),
        ]

    def __str__(self):
        return f"Skills audit of {self.assessed_on:%d %B %Y}"


class SkillAssessment(models.Model):
    """One skill in an audit: the level and whether training is needed.

    Rows change in place with the audit; simple-history keeps each."""

    audit = models.ForeignKey(SkillsAudit, on_delete=models.CASCADE, related_name="assessments")
    skill = models.ForeignKey(Skill, on_delete=models.PROTECT, related_name="assessments")
    level = models.CharField(max_length=16, choices=SkillLevel.choices)
    training_needed = models.BooleanField("Needs training", default=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["skill__position", "skill__name"]
        constraints = [models.UniqueConstraint(fields=["audit", "skill"], name="one_assessment_per_skill")]

    def __str__(self):
        return f"{self.skill}: {self.get_level_display()}"


class TrainingAttended(BaseModel):
    """Training an audited person attended: a training entry in the
    group's activity record, and the skill it covered (if one).

    The activity record has no list of who attended a training session,
    so the link is kept here, on the person's skills record. Training in
    a skill meets a need for it identified in the audit.
    """

    audit = models.ForeignKey(SkillsAudit, on_delete=models.CASCADE, related_name="training")
    activity = models.ForeignKey("activities.Activity", on_delete=models.PROTECT, related_name="+")
    skill = models.ForeignKey(
        Skill, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="Skill it covered"
    )

    class Meta:
        ordering = ["-activity__held_on", "-id"]
        verbose_name_plural = "training attended"
        constraints = [
            models.UniqueConstraint(fields=["audit", "activity", "skill"], name="one_training_record_per_skill")
        ]

    def __str__(self):
        return f"Attended {self.activity}"


# --- Alternative funding and support ----------------------------------------


class OtherFunding(BaseModel):
    """Funding a group applied for from someone other than the authority
    (a trust, the council, a lottery fund...): evidence of the SLA output
    "alternative funding streams". States: applied, then awarded (with
    the amount and date) or refused (with the date)."""

    group = models.ForeignKey("groups.EngagementGroup", on_delete=models.PROTECT, related_name="other_funding")
    funder = models.CharField("Funder", max_length=150)
    purpose = models.CharField("What it is for", max_length=300, blank=True)
    requested_amount = models.DecimalField("Amount applied for (£)", max_digits=10, decimal_places=2)
    awarded_amount = models.DecimalField("Amount awarded (£)", max_digits=10, decimal_places=2, null=True, blank=True)
    applied_on = models.DateField("Date applied")
    decided_on = models.DateField("Date of the decision", null=True, blank=True)
    status = models.CharField(max_length=16, choices=OtherFundingStatus.choices, default=OtherFundingStatus.APPLIED)
    form_token = models.CharField(
        max_length=64, blank=True, help_text="The one-time token of the form that made it (core.idempotency)."
    )

    class Meta:
        ordering = ["-applied_on", "-id"]
        verbose_name_plural = "other funding"
        constraints = [
            models.UniqueConstraint(
                fields=["group", "form_token"], condition=~Q(form_token=""), name="unique_other_funding_form_token"
            ),
            models.CheckConstraint(
                name="other_funding_amounts_positive",
                condition=Q(requested_amount__gt=0) & (Q(awarded_amount__isnull=True) | Q(awarded_amount__gt=0)),
                violation_error_message="Amounts must be more than £0.",
            ),
            models.CheckConstraint(
                name="other_funding_status_fits",
                condition=(
                    Q(status=OtherFundingStatus.APPLIED) & Q(awarded_amount__isnull=True) & Q(decided_on__isnull=True)
                )
                | (Q(status=OtherFundingStatus.AWARDED) & Q(awarded_amount__isnull=False) & Q(decided_on__isnull=False))
                | (Q(status=OtherFundingStatus.REFUSED) & Q(awarded_amount__isnull=True) & Q(decided_on__isnull=False)),
                violation_error_message="An award needs its amount and date; a refusal its date; "
                "an application waiting for a decision has neither.",
            ),
            models.CheckConstraint(
                name="other_funding_decided_after_applying",
                condition=Q(decided_on__isnull=True) | Q(decided_on__gte=F("applied_on")),
                violation_error_message="The decision must be on or after the date applied.",
            ),
        ]

    def __str__(self):
        return f"{self.funder} (£{self.requested_amount:,})"


class SupportUsed(BaseModel):
    """Support a group used other than money: a volunteer bureau, the
    council's meeting rooms or printing, a council for voluntary service's
    advice..."""

    group = models.ForeignKey("groups.EngagementGroup", on_delete=models.PROTECT, related_name="support_used")
    kind = models.CharField("Who gave it", max_length=32, choices=SupportKind.choices)
    provider = models.CharField("Name of the organisation", max_length=150)
    description = models.CharField("What the support was", max_length=300)
    started_on = models.DateField("From")
    ended_on = models.DateField("Until (leave blank if it continues)", null=True, blank=True)
    form_token = models.CharField(
        max_length=64, blank=True, help_text="The one-time token of the form that made it (core.idempotency)."
    )

    class Meta:
        ordering = ["-started_on", "-id"]
        verbose_name_plural = "support used"
        constraints = [
            models.UniqueConstraint(
                fields=["group", "form_token"], condition=~Q(form_token=""), name="unique_support_form_token"
            ),
            models.CheckConstraint(
                name="support_ends_after_starting",
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                violation_error_message="The end date must be on or after the start date.",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.provider}"
