"""Stop and search records imported from police.uk, and the imports themselves."""

import functools
import hashlib

from django.db import models

from cpeg.core.models import BaseModel
from cpeg.scrutiny.choices import EthnicGroup, Force, ImportStatus, LocationStatus, Outcome


class StopSearchImport(BaseModel):
    """One import of a force's month of stop and search records.

    States: queued (an officer uploaded a file; the task worker has not
    started), running, then done or failed. A done import of a month
    replaces the month's earlier import as a whole (that one becomes
    "replaced"); a failed one saves no records and lists its errors by row.
    """

    force = models.CharField(max_length=20, choices=Force.choices)
    month = models.DateField(help_text="The first day of the month the file covers (London time).")
    file_name = models.CharField(max_length=255)
    source = models.FileField(upload_to="stop-and-search/%Y/", blank=True)
    status = models.CharField(max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED)
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0, help_text="Rows read so far (progress).")
    in_borough = models.PositiveIntegerField(default=0)
    outside_boroughs = models.PositiveIntegerField(default=0)
    no_location = models.PositiveIntegerField(default=0)
    replaced_rows = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True, help_text='[{"row": n, "message": "..."}]')
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-month", "force", "-created_at"]

    def __str__(self):
        return f"{self.get_force_display()} {self.month:%B %Y}"


class StopSearchProfile(models.Model):
    """What a search was, apart from where and when: the values many searches
    share (a month of 15,000 searches has a few thousand distinct profiles).

    Published reference data, shared by every import and never edited or
    deleted; ``key`` identifies the values (``profile_key``), so an import
    adds only the profiles not seen before.
    """

    key = models.CharField(max_length=32, unique=True, help_text="profile_key() of the values below.")
    search_type = models.CharField("Type of search", max_length=40, blank=True)
    gender = models.CharField(max_length=20, blank=True)
    age_range = models.CharField(max_length=20, blank=True)
    self_defined_ethnicity = models.CharField(max_length=120, blank=True)
    self_defined_group = models.CharField(max_length=8, choices=EthnicGroup.choices)
    self_defined_census_group = models.CharField(
        max_length=8,
        choices=EthnicGroup.choices,
        help_text="The group as the census population file collapses it (mixed White and Black counts as Black).",
    )
    officer_defined_group = models.CharField(max_length=8, choices=EthnicGroup.choices)
    legislation = models.CharField(max_length=150, blank=True)
    object_of_search = models.CharField(max_length=150, blank=True)
    outcome = models.CharField(max_length=24, choices=Outcome.choices)
    outcome_linked_to_object = models.BooleanField(null=True, blank=True)
    more_than_outer_clothing_removed = models.BooleanField(null=True, blank=True)

    def __str__(self):
        return f"{self.search_type or 'Search'}: {self.get_outcome_display()}"


@functools.lru_cache(maxsize=65536)
def profile_key(values: tuple) -> str:
    """The key of a profile's values, in ``importer.PROFILE_FIELDS`` order:
    a digest of their ``repr`` (unambiguous for text, true, false and none;
    a fifth of the cost of JSON). Remembered per process: a force's months
    repeat most of their 2,500 profiles."""
    return hashlib.blake2b(repr(tuple(values)).encode(), digest_size=16).hexdigest()


class StopSearch(models.Model):
    """One search as police.uk publishes it (one row: never de-duplicated):
    where and when, and its profile (what kind of search, of whom, and what
    came of it).

    Not a BaseModel: the rows are published data, written only by an
    import and replaced with its month, never edited, so they carry no
    edit history (their import does). Kept narrow, because an import writes
    15,000 a month: the force and month are the import's.
    """

    # No index: an import's rows are replaced (deleted) by its month, which
    # the (borough, london_date) index below finds (see
    # ``services.storing.Writer``); one index fewer makes imports faster.
    source_import = models.ForeignKey(
        StopSearchImport, on_delete=models.CASCADE, related_name="stops", db_index=False, db_constraint=False
    )
    row_number = models.PositiveIntegerField(help_text="The row in the source file (the header is row 1).")
    occurred_at = models.DateTimeField(help_text="As published, in UTC.")
    london_date = models.DateField(help_text="The date in London, which decides the month.")
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    location_status = models.CharField(max_length=12, choices=LocationStatus.choices)
    # No index of its own: the (borough, london_date) index below serves
    # every look-up by borough, and one index fewer makes imports faster.
    borough = models.ForeignKey(
        "groups.Borough",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="stop_searches",
        db_index=False,
        db_constraint=False,
    )
    # No index: nothing looks searches up by profile alone (the figures
    # filter by borough and date first).
    profile = models.ForeignKey(
        StopSearchProfile, on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )

    class Meta:
        ordering = ["occurred_at", "row_number"]
        indexes = [models.Index(fields=["borough", "london_date"])]

    def __str__(self):
        return f"Search at {self.occurred_at:%Y-%m-%d %H:%M}"


class BoroughPopulation(models.Model):
    """Census 2021 usual residents of a borough by ethnic group (reference data).

    From ``reference/census2021-ethnic-group-5-by-borough.csv``; loaded by a
    migration. Black includes Mixed White and Black; see docs/scrutiny.md.
    """

    borough = models.ForeignKey("groups.Borough", on_delete=models.CASCADE, related_name="population")
    ethnic_group = models.CharField(max_length=8, choices=EthnicGroup.choices)
    residents = models.PositiveIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["borough", "ethnic_group"], name="one_population_per_group")]

    def __str__(self):
        return f"{self.borough} {self.get_ethnic_group_display()}: {self.residents}"


class MonitoringMeeting(BaseModel):
    """A meeting of the group's stop and search monitoring group, with the
    period of figures it scrutinised (the pack) and what it concluded.

    Evidences the SLA output "develop / maintain a stop and search
    monitoring group". No states: recorded, then edited by the group.
    """

    group = models.ForeignKey("groups.EngagementGroup", on_delete=models.PROTECT, related_name="stop_search_meetings")
    held_on = models.DateField("Date of the meeting")
    period = models.CharField(
        "Figures discussed", max_length=10, help_text="A month (2018-10), quarter (2018-Q3) or year (2018/19)."
    )
    police_attended = models.BooleanField("A police officer attended to answer questions", default=False)
    attendance = models.PositiveIntegerField("People attending", null=True, blank=True)
    summary = models.TextField("What the group discussed", max_length=4000)
    recommendations = models.TextField("Recommendations or questions to the police", max_length=4000, blank=True)
    activity = models.ForeignKey(
        "activities.Activity",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="The meeting in the activity record",
    )

    class Meta:
        ordering = ["-held_on", "-id"]

    def __str__(self):
        return f"Stop and search monitoring meeting, {self.held_on:%-d %B %Y}"


# --- Independent custody visiting --------------------------------------------


class CustodyPanel(BaseModel):
    """A panel of independent custody visitors, covering one or more boroughs.

    Reference data seeded from MOPAC's custody map (migration 0004); officers
    keep it up to date in the admin.
    """

    name = models.CharField(max_length=100, unique=True)
    boroughs = models.ManyToManyField("groups.Borough", related_name="custody_panels")

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} panel"


class CustodySuite(BaseModel):
    """A police custody suite the panel visits."""

    panel = models.ForeignKey(CustodyPanel, on_delete=models.PROTECT, related_name="suites")
    name = models.CharField(max_length=100)
    is_active = models.BooleanField("In use", default=True)

    class Meta:
        ordering = ["panel__name", "name"]
        constraints = [models.UniqueConstraint(fields=["panel", "name"], name="one_suite_name_per_panel")]

    def __str__(self):
        return self.name


class CustodyVisitor(BaseModel):
    """An accredited independent custody visitor on a panel."""

    panel = models.ForeignKey(CustodyPanel, on_delete=models.PROTECT, related_name="visitors")
    name = models.CharField(max_length=150)
    accredited_on = models.DateField("Accredited on")
    trained_on = models.DateField("Initial training completed on", null=True, blank=True)
    reaccreditation_due_on = models.DateField("Re-accreditation due on")
    user = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="custody_visitor_records",
        verbose_name="Sign-in account",
        help_text="The visitor's account (invited with the role Independent custody visitor): they record and read "
        "this panel's visits.",
    )

    class Meta:
        ordering = ["panel__name", "name"]

    def __str__(self):
        return self.name


class CustodyVisit(BaseModel):
    """One visit by a pair of visitors to a custody suite, and its report.

    Holds no detainee names or custody numbers (the service refuses text
    that looks like them). Counts follow the national association's return:
    persons in custody, not available, not offered, offered (accepted or
    declined), observed only. A visit where access was refused counts as
    attempted, not valid, and has no detainee counts.
    """

    panel = models.ForeignKey(CustodyPanel, on_delete=models.PROTECT, related_name="visits")
    suite = models.ForeignKey(CustodySuite, on_delete=models.PROTECT, related_name="visits")
    first_visitor = models.ForeignKey(CustodyVisitor, on_delete=models.PROTECT, related_name="+")
    second_visitor = models.ForeignKey(CustodyVisitor, on_delete=models.PROTECT, related_name="+")
    visited_at = models.DateTimeField("Date and time of arrival")
    unannounced = models.BooleanField("The visit was unannounced", default=True)
    minutes_to_gain_access = models.PositiveIntegerField("Minutes waited to be let in", default=0)
    access_refused = models.BooleanField("Access was refused", default=False)
    in_custody = models.PositiveIntegerField("People in custody at the time", default=0)
    not_available = models.PositiveIntegerField("Not available (for example in interview)", default=0)
    not_offered = models.PositiveIntegerField("Not offered a visit (for example for safety)", default=0)
    offered = models.PositiveIntegerField("Offered a visit", default=0)
    accepted = models.PositiveIntegerField("Accepted and seen", default=0)
    declined = models.PositiveIntegerField("Declined", default=0)
    observed_only = models.PositiveIntegerField("Observed only (through the hatch)", default=0)
    rights_concerns = models.TextField("Rights and entitlements: concerns", max_length=2000, blank=True)
    health_concerns = models.TextField("Health and wellbeing: concerns", max_length=2000, blank=True)
    conditions_concerns = models.TextField("Conditions and facilities: concerns", max_length=2000, blank=True)
    issues_raised = models.TextField("Issues raised with the custody officer", max_length=2000, blank=True)
    issues_resolved = models.BooleanField("The issues were resolved", default=False)
    # Followed up later (issue 13: "outstanding issues followed up"): by an
    # officer or one of the panel's visitors. Empty when resolved at the time.
    issues_resolved_on = models.DateField("Date the issues were resolved", null=True, blank=True)
    resolution = models.TextField("What was done", max_length=2000, blank=True)

    class Meta:
        ordering = ["-visited_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(offered=models.F("accepted") + models.F("declined")),
                name="visit_offered_is_accepted_plus_declined",
            )
        ]

    def __str__(self):
        return f"Visit to {self.suite}"

    @property
    def is_valid_visit(self) -> bool:
        return not self.access_refused

    @property
    def has_outstanding_issues(self) -> bool:
        return bool(self.issues_raised.strip()) and not self.issues_resolved
