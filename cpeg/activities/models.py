"""The activity record: what each group does, as it happens."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from cpeg.activities.choices import ActivityType, DocumentType
from cpeg.activities.outputs import output_label
from cpeg.core.models import BaseModel


class ActivityImportBatch(BaseModel):
    """One spreadsheet import of a group's activities, undone as a whole.

    States: imported, then (once) undone: undoing withdraws every activity
    the import recorded (``activities.services.activity_import_undo``).
    """

    group = models.ForeignKey("groups.EngagementGroup", on_delete=models.PROTECT, related_name="activity_imports")
    file_name = models.CharField(max_length=255)
    imported_count = models.PositiveIntegerField(default=0)
    already_recorded = models.PositiveIntegerField(default=0)
    form_token = models.CharField(
        max_length=64, blank=True, help_text="The one-time token of the form that made it (core.idempotency)."
    )
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    undo_reason = models.TextField(max_length=2000, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "form_token"], condition=~Q(form_token=""), name="unique_import_form_token_per_group"
            )
        ]

    def __str__(self):
        return f"Import of {self.file_name}"

    @property
    def is_undone(self) -> bool:
        return self.undone_at is not None


class Activity(BaseModel):
    """A public meeting, event, newsletter, report, survey, training or other
    activity of a group, with its attendance and the SLA outputs it evidences.

    Counted in the group's quarterly returns by ``held_on``. States:
    recorded, or withdrawn (``withdrawn_at``: recorded in error, kept for
    the record but left out of every list and count) until an officer
    restores it. A withdrawn activity cannot be edited.
    """

    group = models.ForeignKey("groups.EngagementGroup", on_delete=models.PROTECT, related_name="activities")
    activity_type = models.CharField("Type of activity", max_length=32, choices=ActivityType.choices)
    title = models.CharField(max_length=200)
    held_on = models.DateField("Date")
    starts_at = models.TimeField("Start time", null=True, blank=True)
    venue = models.ForeignKey(
        "groups.Venue", on_delete=models.SET_NULL, null=True, blank=True, related_name="activities"
    )
    venue_text = models.CharField("Other venue", max_length=200, blank=True)
    public_attendance = models.PositiveIntegerField("Members of the public attending", null=True, blank=True)
    borough_commander_present = models.BooleanField("Borough commander or deputy present", default=False)
    local_authority_present = models.BooleanField("Local authority present", default=False)
    other_partners_present = models.CharField("Other CDRP partners present", max_length=300, blank=True)
    topics = models.TextField(max_length=2000, blank=True)
    notes = models.TextField(max_length=4000, blank=True)
    is_public = models.BooleanField(
        "Show on the public page",
        default=False,
        help_text="Upcoming public meetings, Face the People and targeted events marked public appear on the "
        "group's public page. Services default it by type (``choices.public_by_default``).",
    )
    import_key = models.CharField(
        max_length=64, blank=True, help_text="Fingerprint of the imported row, so re-importing does not duplicate."
    )
    import_batch = models.ForeignKey(
        ActivityImportBatch, on_delete=models.PROTECT, null=True, blank=True, related_name="activities"
    )
    form_token = models.CharField(
        max_length=64, blank=True, help_text="The one-time token of the form that recorded it (core.idempotency)."
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawal_reason = models.TextField(max_length=2000, blank=True)

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name_plural = "activities"
        indexes = [models.Index(fields=["group", "held_on"]), models.Index(fields=["held_on"])]
        constraints = [
            # A withdrawn row keeps its key, so an undone import can be
            # imported again (and restoring it is then refused).
            models.UniqueConstraint(
                fields=["group", "import_key"],
                condition=~Q(import_key="") & Q(withdrawn_at__isnull=True),
                name="unique_import_key_per_group",
            ),
            models.UniqueConstraint(
                fields=["group", "form_token"], condition=~Q(form_token=""), name="unique_activity_form_token_per_group"
            ),
            models.CheckConstraint(
                name="withdrawn_activity_has_reason",
                condition=Q(withdrawn_at__isnull=True) | ~Q(withdrawal_reason=""),
                violation_error_message="Enter why the activity is withdrawn",
            ),
        ]

    def __str__(self):
        return f"{self.get_activity_type_display()}: {self.title} ({self.held_on:%d %b %Y})"

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None


class ActivityEvidence(models.Model):
    """An SLA output (by template code) that an activity evidences.

    Rows are added and removed (never changed); simple-history keeps each
    addition and removal, shown in the activity's history.
    """

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="evidence")
    output_code = models.SlugField(max_length=50)

    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["activity", "output_code"], name="unique_evidence_per_activity")]
        indexes = [models.Index(fields=["output_code", "activity"])]

    def __str__(self):
        # The SLA's wording, from a constant: no query, so a history
        # timeline of any length labels its rows for free.
        return output_label(self.output_code)


class ActivityDocument(BaseModel):
    """A file that evidences an activity: minutes, the newsletter itself, etc."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="documents")
    document_type = models.CharField(max_length=32, choices=DocumentType.choices)
    file = models.FileField(upload_to="activities/%Y/%m/")
    original_name = models.CharField(max_length=255)
    size_bytes = models.PositiveIntegerField()
    content_type = models.CharField(max_length=100)

    class Meta:
        ordering = ["document_type", "original_name"]

    def __str__(self):
        return self.original_name
