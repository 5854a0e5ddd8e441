from django.contrib import admin

from cpeg.activities.models import Activity, ActivityDocument, ActivityEvidence, ActivityImportBatch
from cpeg.core.admin import ManagerAdmin


class EvidenceInline(admin.TabularInline):
    model = ActivityEvidence
    extra = 0


class DocumentInline(admin.TabularInline):
    model = ActivityDocument
    extra = 0
    exclude = ("created_by", "updated_by", "version")
    readonly_fields = ("original_name", "size_bytes", "content_type")


@admin.register(Activity)
class ActivityAdmin(ManagerAdmin):
    list_display = ("held_on", "activity_type", "title", "group", "public_attendance", "withdrawn_at")
    list_filter = ("activity_type",)
    search_fields = ("title", "group__name")
    list_select_related = ("group",)
    raw_id_fields = ("group", "venue", "import_batch", "withdrawn_by")
    exclude = ("created_by", "updated_by", "version", "form_token")
    date_hierarchy = "held_on"
    inlines = [EvidenceInline, DocumentInline]


@admin.register(ActivityImportBatch)
class ActivityImportBatchAdmin(ManagerAdmin):
    list_display = ("created_at", "file_name", "group", "imported_count", "undone_at")
    search_fields = ("file_name", "group__name")
    list_select_related = ("group",)
    raw_id_fields = ("group", "undone_by")
    exclude = ("created_by", "updated_by", "version", "form_token")
