"""Boroughs, their engagement groups, the people in them and partner contacts."""

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse

from cpeg.core.models import BaseModel
from cpeg.groups.choices import (
    CURRENT_GROUP_STATUSES,
    ExecutiveRole,
    GroupStatus,
    PartnerRole,
    StaffingModel,
)

uk_phone = RegexValidator(
    r"^[0-9 +()-]{7,20}$",
    "Enter a telephone number, like 020 7946 0000 or +44 20 7946 0000",
)


class Borough(BaseModel):
    """A London borough policed by the authority, with its ONS code.

    Reference data, loaded by a migration. The City of London is not here:
    it has its own police force.
    """

    ons_code = models.CharField("ONS code", max_length=9, unique=True)
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class EngagementGroup(BaseModel):
    """A Community and Police Engagement Group (CPEG): one per borough.

    Statuses: active; suspended (funding and monitoring paused by the
    authority); disbanded (kept for the record; the borough may then have a
    successor group). Only officers change the status.
    """

    name = models.CharField(max_length=150, unique=True)
    slug = models.SlugField(max_length=150, unique=True)
    borough = models.ForeignKey(Borough, on_delete=models.PROTECT, related_name="groups")
    status = models.CharField(max_length=16, choices=GroupStatus.choices, default=GroupStatus.ACTIVE)
    is_published = models.BooleanField(
        "Show on the public directory",
        default=True,
        help_text="Published groups appear on the public directory.",
    )
    established_on = models.DateField(
        "Date the group was set up",
        null=True,
        blank=True,
        help_text="Activities cannot be recorded before the financial year this falls in.",
    )
    description = models.TextField("About the group", max_length=2000, blank=True)
    how_to_join = models.TextField("How to join", max_length=2000, blank=True)

    constitution_adopted_on = models.DateField("Constitution adopted on", null=True, blank=True)
    constitution_document = models.FileField("Constitution document", upload_to="constitutions/%Y/", blank=True)

    email = models.EmailField("Contact email", max_length=254, blank=True)
    phone = models.CharField("Contact telephone", max_length=20, blank=True, validators=[uk_phone])
    website = models.URLField(max_length=200, blank=True)
    postal_address = models.TextField("Postal address", max_length=500, blank=True)

    staffing_model = models.CharField(max_length=16, choices=StaffingModel.choices)
    staffing_model_other = models.CharField("Other staffing arrangement", max_length=200, blank=True)
    administrator_hours_per_week = models.DecimalField(
        "Administrator's hours per week",
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(80)],
    )

    class Meta:
        ordering = ["borough__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["borough"],
                condition=Q(status__in=sorted(s.value for s in CURRENT_GROUP_STATUSES)),
                name="one_current_group_per_borough",
                violation_error_message="This borough already has a group that is not disbanded.",
            ),
            models.CheckConstraint(
                name="administrator_hours_in_range",
                condition=Q(administrator_hours_per_week__isnull=True)
                | Q(administrator_hours_per_week__gte=0, administrator_hours_per_week__lte=80),
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("groups:group-detail", kwargs={"pk": self.pk})

    def get_public_url(self):
        return reverse("public:group-detail", kwargs={"slug": self.slug})

    @property
    def staffing_model_label(self):
        if self.staffing_model == StaffingModel.OTHER and self.staffing_model_other:
            return f"Other: {self.staffing_model_other}"
        return self.get_staffing_model_display()


class Venue(BaseModel):
    """A place where the group holds its public meetings."""

    group = models.ForeignKey(EngagementGroup, on_delete=models.CASCADE, related_name="venues")
    name = models.CharField(max_length=150)
    address = models.TextField(max_length=500)
    postcode = models.CharField(max_length=10, blank=True)
    accessibility = models.TextField("Access information", max_length=1000, blank=True)
    is_active = models.BooleanField("Still in use", default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Person(BaseModel):
    """Someone who holds a role: on a group's executive, as a partner, elsewhere.

    One person can hold several roles at once, e.g. a CPEG chair who also
    sits on a Safer Neighbourhood Panel.
    """

    full_name = models.CharField(max_length=150)
    email = models.EmailField(max_length=254, blank=True)
    phone = models.CharField("Telephone", max_length=20, blank=True, validators=[uk_phone])

    class Meta:
        ordering = ["full_name"]
        verbose_name_plural = "people"

    def __str__(self):
        return self.full_name


class ExecutiveMembership(BaseModel):
    """A seat on a group's executive committee, held for a term."""

    group = models.ForeignKey(EngagementGroup, on_delete=models.CASCADE, related_name="executive")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="executive_roles")
    role = models.CharField(max_length=16, choices=ExecutiveRole.choices)
    role_title = models.CharField(
        "Role title", max_length=100, blank=True, help_text="For other roles, e.g. Youth lead."
    )
    starts_on = models.DateField("Term starts")
    ends_on = models.DateField("Term ends", null=True, blank=True)
    authorised_to_sign = models.BooleanField(
        "Authorised to sign the SLA for the group",
        default=False,
        help_text="The chair may always sign; another executive member only when authorised.",
    )

    class Meta:
        ordering = ["role", "-starts_on"]
        constraints = [
            models.CheckConstraint(
                name="executive_term_ends_after_start",
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                violation_error_message="The term must end on or after the day it starts.",
            )
        ]

    def __str__(self):
        return f"{self.role_label} - {self.person}"

    @property
    def may_sign_sla(self) -> bool:
        return self.role == ExecutiveRole.CHAIR or self.authorised_to_sign

    @property
    def role_label(self):
        if self.role == ExecutiveRole.OTHER and self.role_title:
            return self.role_title
        return self.get_role_display()


class PartnerContact(BaseModel):
    """A borough's partner: borough commander, CDRP community safety manager
    or the authority's link member."""

    borough = models.ForeignKey(Borough, on_delete=models.CASCADE, related_name="partner_contacts")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="partner_roles")
    role = models.CharField(max_length=32, choices=PartnerRole.choices)
    organisation = models.CharField(max_length=150, blank=True)
    starts_on = models.DateField("From", null=True, blank=True)
    ends_on = models.DateField("Until", null=True, blank=True)

    class Meta:
        ordering = ["role", "person__full_name"]
        constraints = [
            models.CheckConstraint(
                name="partner_contact_ends_after_start",
                condition=Q(ends_on__isnull=True) | Q(starts_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                violation_error_message="The end date must be on or after the start date.",
            )
        ]

    def __str__(self):
        return f"{self.get_role_display()}, {self.borough}: {self.person}"


class OtherRole(BaseModel):
    """A role a person holds outside the group, e.g. chair of a Safer
    Neighbourhood Panel, or membership of an Independent Advisory Group."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="other_roles")
    title = models.CharField(max_length=100)
    organisation = models.CharField(max_length=150)
    borough = models.ForeignKey(Borough, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    starts_on = models.DateField("From", null=True, blank=True)
    ends_on = models.DateField("Until", null=True, blank=True)

    class Meta:
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                name="other_role_ends_after_start",
                condition=Q(ends_on__isnull=True) | Q(starts_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                violation_error_message="The end date must be on or after the start date.",
            )
        ]

    def __str__(self):
        return f"{self.title}, {self.organisation}"
