"""Consultations the authority opens and the groups' responses to them."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from cpeg.consultations.choices import (
    ConsultationKind,
    ConsultationStatus,
    ResponseDecision,
    ResponseStatus,
)
from cpeg.core.models import BaseModel


class Consultation(BaseModel):
    """A consultation the authority asks the groups to answer: the annual
    policing plan, the budget, stop and search, a programme topic.

    States (``consultations.workflow``): draft (officers prepare it; groups
    do not see it), open (the groups asked see it and respond; after
    ``closes_on`` a response is marked late and needs an officer's
    acceptance), closed (an officer closes it: no more responses). Officers
    change the details while it is a draft or open. Opening it makes one
    ``ConsultationResponse`` per group asked, so the response rate is
    counted over exactly the groups asked.
    """

    kind = models.CharField("Kind of consultation", max_length=32, choices=ConsultationKind.choices)
    title = models.CharField(max_length=200)
    questions = models.TextField("Questions or what the authority is asking", max_length=8000)
    document_url = models.URLField(
        "Link to the consultation document", max_length=500, blank=True, help_text="Optional."
    )
    opens_on = models.DateField("Opens")
    closes_on = models.DateField("Closes")
    status = models.CharField(max_length=16, choices=ConsultationStatus.choices, default=ConsultationStatus.DRAFT)
    groups_asked = models.ManyToManyField(
        "groups.EngagementGroup", related_name="consultations_asked", blank=True, verbose_name="Groups asked"
    )
    opened_at = models.DateTimeField(null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-opens_on", "-id"]
        constraints = [
            models.CheckConstraint(
                name="consultation_closes_after_it_opens",
                condition=Q(closes_on__gte=models.F("opens_on")),
                violation_error_message="The closing date must be the same as or after the opening date",
            )
        ]

    def __str__(self):
        return self.title


class ConsultationResponse(BaseModel):
    """One group's answer to one consultation.

    States (``consultations.workflow``): not started and draft (the group's
    administrator and executive write it; they may change it), sent (counted
    in the consultation's figures), or sent late (sent after the closing
    date: counted only once an officer accepts it, which makes it sent and
    keeps ``is_late``). A response is either on behalf of member
    organisations and individuals (``organisations_count``,
    ``individuals_count``: numbers the group enters) or "not responding"
    with a reason.

    The membership register (another app, above this one in the layers
    once it lands) is the seam for picking the organisations themselves:
    see ``consultations.services.member_organisation_limit``.
    """

    consultation = models.ForeignKey(Consultation, on_delete=models.PROTECT, related_name="responses")
    group = models.ForeignKey("groups.EngagementGroup", on_delete=models.PROTECT, related_name="consultation_responses")
    status = models.CharField(max_length=16, choices=ResponseStatus.choices, default=ResponseStatus.AWAITING)
    decision = models.CharField("Is the group responding?", max_length=16, choices=ResponseDecision.choices, blank=True)
    response_text = models.TextField("The group's response", max_length=20000, blank=True)
    organisations_count = models.PositiveIntegerField(
        "Member organisations the response represents", null=True, blank=True
    )
    individuals_count = models.PositiveIntegerField(
        "Individuals who responded through the group", null=True, blank=True
    )
    not_responding_reason = models.TextField("Why the group is not responding", max_length=2000, blank=True)
    document = models.FileField("Response document", upload_to="consultations/%Y/%m/", blank=True)
    document_name = models.CharField(max_length=255, blank=True)
    is_late = models.BooleanField("Sent after the closing date", default=False)
    submitted_at = models.DateTimeField("Sent at", null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    late_accepted_at = models.DateTimeField(null=True, blank=True)
    late_accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["group__name", "id"]
        indexes = [models.Index(fields=["consultation", "status"])]
        constraints = [
            models.UniqueConstraint(fields=["consultation", "group"], name="one_response_per_group_per_consultation"),
        ]

    def __str__(self):
        return f"{self.group} response to {self.consultation}"
