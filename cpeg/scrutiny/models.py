"""Stop and search records imported from police.uk, and the imports themselves."""

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


class StopSearch(models.Model):
    """One search as police.uk publishes it (one row: never de-duplicated).

    Not a BaseModel: the rows are published data, written only by an
    import and replaced with its month, never edited, so they carry no
    edit history (their import does).
    """

    source_import = models.ForeignKey(StopSearchImport, on_delete=models.CASCADE, related_name="stops")
    row_number = models.PositiveIntegerField(help_text="The row in the source file (the header is row 1).")
    force = models.CharField(max_length=20, choices=Force.choices)
    month = models.DateField()
    occurred_at = models.DateTimeField(help_text="As published, in UTC.")
    london_date = models.DateField(help_text="The date in London, which decides the month.")
    search_type = models.CharField("Type of search", max_length=40, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    location_status = models.CharField(max_length=12, choices=LocationStatus.choices)
    borough = models.ForeignKey(
        "groups.Borough", on_delete=models.PROTECT, null=True, blank=True, related_name="stop_searches"
    )
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

    class Meta:
        ordering = ["occurred_at", "row_number"]
        indexes = [
            models.Index(fields=["borough", "london_date"]),
            models.Index(fields=["force", "month"]),
        ]

    def __str__(self):
        return f"{self.search_type or 'Search'} at {self.occurred_at:%Y-%m-%d %H:%M}"


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
