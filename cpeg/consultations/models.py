"""Consultations the authority opens and the groups' responses to them."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from cpeg.consultations.choices import (
    BoroughRole,
    ConsultationKind,
    ConsultationStatus,
    MechanismKind,
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
    acceptance), closed (an officer closes it: no more responses),
    published (an officer publishes its responses: every group and link
    member reads them all, and the public reads the collective responses
    without anyone's name; until then a group sees only its own). Officers
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
    published_at = models.DateTimeField("Responses published", null=True, blank=True)
    published_by = models.ForeignKey(
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

    A group that keeps its membership register here picks the member
    organisations behind the response by name (``organisations``; the count
    is then the number picked); a group without one gives a number
    (``consultations.services.register_organisations``).
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
    organisations = models.ManyToManyField(
        "membership.Member",
        blank=True,
        related_name="+",
        verbose_name="Member organisations behind the response",
        help_text="Picked from the group's membership register; empty when the group gave a number.",
    )
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


class PartnerProgramme(BaseModel):
    """One of a year's partner programmes the groups engage with (the
    Olympics, counter-terrorism, the Policing Pledge, a Met Forward topic).

    Data, not code: a manager defines each year's programmes, their
    engagement levels and which boroughs are hosts or priorities (in the
    admin), because the programmes change every year while the duty to
    engage at the right level does not. ``output_code`` is the SLA output
    that engagement with it evidences.
    """

    financial_year = models.PositiveSmallIntegerField(help_text="The year the financial year starts, e.g. 2025.")
    name = models.CharField(max_length=150)
    owner_team = models.CharField("Owner team", max_length=150, blank=True)
    description = models.TextField(max_length=2000, blank=True)
    output_code = models.SlugField("SLA output it serves", max_length=50, blank=True)
    expected_level = models.ForeignKey(
        "EngagementLevel",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="Level expected of every group",
        help_text="Boroughs listed as hosts or priorities may be expected to reach another level.",
    )

    class Meta:
        ordering = ["-financial_year", "name"]
        constraints = [models.UniqueConstraint(fields=["financial_year", "name"], name="unique_programme_per_year")]

    def __str__(self):
        return self.name


class EngagementLevel(BaseModel):
    """A level of engagement a programme uses, ranked: a briefing note (1)
    is less than a presentation at a public meeting (2)."""

    programme = models.ForeignKey(PartnerProgramme, on_delete=models.CASCADE, related_name="levels")
    name = models.CharField(max_length=150)
    rank = models.PositiveSmallIntegerField(help_text="Higher is more engagement.")

    class Meta:
        ordering = ["programme", "rank"]
        constraints = [models.UniqueConstraint(fields=["programme", "rank"], name="unique_level_rank_per_programme")]

    def __str__(self):
        return self.name


class ProgrammeBorough(BaseModel):
    """A borough a programme treats specially (a host or a priority), with
    the level expected of its group."""

    programme = models.ForeignKey(PartnerProgramme, on_delete=models.CASCADE, related_name="boroughs")
    borough = models.ForeignKey("groups.Borough", on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=16, choices=BoroughRole.choices)
    expected_level = models.ForeignKey(EngagementLevel, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["programme", "borough"], name="unique_programme_borough")]

    def __str__(self):
        return f"{self.borough}: {self.get_role_display()}"


class ProgrammeEngagement(BaseModel):
    """A group's engagement with a programme at a level, on a day, with the
    activity that evidences it where there is one (a presentation at a
    public meeting is that meeting)."""

    programme = models.ForeignKey(PartnerProgramme, on_delete=models.PROTECT, related_name="engagements")
    group = models.ForeignKey("groups.EngagementGroup", on_delete=models.PROTECT, related_name="+")
    level = models.ForeignKey(EngagementLevel, on_delete=models.PROTECT, related_name="engagements")
    engaged_on = models.DateField("Date")
    activity = models.ForeignKey(
        "activities.Activity",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="Activity that evidences it",
    )
    notes = models.TextField(max_length=2000, blank=True)

    class Meta:
        ordering = ["-engaged_on", "-id"]
        indexes = [models.Index(fields=["programme", "group"])]

    def __str__(self):
        return f"{self.programme}: {self.level}"


class TwoWayMechanism(BaseModel):
    """A CDRP two-way mechanism a group took part in: its seat on the
    crime and disorder reduction partnership (a meeting attended), a Face
    the People session, or community views fed into the strategic
    assessment. Evidences the "two-way mechanisms" SLA output."""

    group = models.ForeignKey("groups.EngagementGroup", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("Kind of mechanism", max_length=32, choices=MechanismKind.choices)
    held_on = models.DateField("Date")
    description = models.TextField("What happened", max_length=2000)
    activity = models.ForeignKey(
        "activities.Activity",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="Activity that evidences it",
    )

    class Meta:
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["group", "held_on"])]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.held_on:%d %b %Y})"


class PledgeReport(BaseModel):
    """What the borough commander reported on the Policing Pledge and public
    confidence at one of the group's public meetings, and the topics the
    public raised. Evidences the SLA output "Policing Pledge/Confidence":
    borough commanders "should be able to include this in their regular
    performance reports to public meetings".

    One per meeting, linked one-to-one to the activity record (the meeting
    itself stays the activities app's); ``group`` is the meeting's group,
    kept here so counts per group need no join.
    """

    activity = models.OneToOneField(
        "activities.Activity", on_delete=models.PROTECT, related_name="pledge_report", verbose_name="Public meeting"
    )
    group = models.ForeignKey("groups.EngagementGroup", on_delete=models.PROTECT, related_name="+")
    performance_reported = models.BooleanField("The borough commander reported performance figures")
    confidence_reported = models.BooleanField("The borough commander reported public confidence figures")
    topics = models.TextField("Topics raised", max_length=2000, blank=True)

    class Meta:
        ordering = ["-activity__held_on", "-id"]
        indexes = [models.Index(fields=["group", "performance_reported", "confidence_reported"])]

    def __str__(self):
        return f"Policing Pledge report at {self.activity}"


class WardPanel(BaseModel):
    """A Safer Neighbourhood ward panel in a borough, in its cluster, with
    the CPEG executive members who chair or attend it.

    Local partnership structures beside the CDRP (whose seat, Face the
    People sessions and strategic assessment input are ``TwoWayMechanism``
    records): the SLA's "two-way mechanisms" ask the group to be part of
    them. The chair and attendees are seats on the executive of a group in
    the panel's borough.
    """

    borough = models.ForeignKey("groups.Borough", on_delete=models.PROTECT, related_name="+")
    ward = models.CharField("Ward", max_length=150)
    cluster = models.CharField(
        "Cluster", max_length=150, blank=True, help_text="The group of ward panels it meets with, if any."
    )
    chair = models.ForeignKey(
        "groups.ExecutiveMembership",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="CPEG executive member who chairs it",
    )
    attendees = models.ManyToManyField(
        "groups.ExecutiveMembership", blank=True, related_name="+", verbose_name="CPEG executive members who attend"
    )

    class Meta:
        ordering = ["borough__name", "cluster", "ward"]
        constraints = [models.UniqueConstraint(fields=["borough", "ward"], name="unique_ward_panel_per_borough")]

    def __str__(self):
        return f"{self.ward} ward panel"


class ChairsForumMeeting(BaseModel):
    """A meeting of the authority-wide chairs' forum (LCP2), where the
    groups' chairs meet the authority: which groups attended, and its
    minutes (a document checked as activity documents are)."""

    held_on = models.DateField("Date")
    title = models.CharField(max_length=200)
    groups_attended = models.ManyToManyField(
        "groups.EngagementGroup", blank=True, related_name="+", verbose_name="Groups represented"
    )
    minutes = models.FileField("Minutes", upload_to="chairs-forum/%Y/%m/", blank=True)
    minutes_name = models.CharField(max_length=255, blank=True)
    notes = models.TextField("Main items", max_length=2000, blank=True)
    form_token = models.CharField(
        max_length=64, blank=True, help_text="The one-time token of the form that made it (core.idempotency)."
    )

    class Meta:
        ordering = ["-held_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["form_token"], condition=~Q(form_token=""), name="unique_chairs_forum_form_token"
            )
        ]

    def __str__(self):
        return f"{self.title} ({self.held_on:%d %b %Y})"


class CdrpMeeting(BaseModel):
    """A meeting of a borough's crime and disorder reduction partnership
    (CDRP), with whether the CPEG's seat on it was filled, who from the
    group's executive attended, and the minutes (a document checked as
    activity documents are).

    ``group`` is the borough's CPEG whose seat it is (kept here so the
    attendance rate per group needs no join). A meeting where the seat was
    filled evidences the "two-way mechanisms" SLA output.
    """

    borough = models.ForeignKey("groups.Borough", on_delete=models.PROTECT, related_name="+")
    group = models.ForeignKey(
        "groups.EngagementGroup", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    held_on = models.DateField("Date of the meeting")
    seat_filled = models.BooleanField("The CPEG's seat was filled")
    attendees = models.ManyToManyField(
        "groups.ExecutiveMembership", blank=True, related_name="+", verbose_name="Who attended for the CPEG"
    )
    minutes = models.FileField("Minutes", upload_to="cdrp/%Y/%m/", blank=True)
    minutes_name = models.CharField(max_length=255, blank=True)
    notes = models.TextField("Main items", max_length=2000, blank=True)
    form_token = models.CharField(
        max_length=64, blank=True, help_text="The one-time token of the form that made it (core.idempotency)."
    )

    class Meta:
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["group", "held_on"]), models.Index(fields=["borough", "held_on"])]
        constraints = [
            models.UniqueConstraint(
                fields=["form_token"], condition=~Q(form_token=""), name="unique_cdrp_meeting_form_token"
            )
        ]

    def __str__(self):
        return f"CDRP meeting ({self.held_on:%d %b %Y})"
