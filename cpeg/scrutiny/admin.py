from django.contrib import admin

from cpeg.core.admin import ManagerAdmin
from cpeg.scrutiny.models import MonitoringMeeting, StopSearchImport


@admin.register(StopSearchImport)
class StopSearchImportAdmin(ManagerAdmin):
    """Imports are run by the service, never edited here."""

    list_display = ("month", "force", "file_name", "status", "rows_total", "no_location")
    list_filter = ("force", "status")
    readonly_fields = [f.name for f in StopSearchImport._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(MonitoringMeeting)
class MonitoringMeetingAdmin(ManagerAdmin):
    list_display = ("held_on", "group", "period", "police_attended")
    list_select_related = ("group",)
    raw_id_fields = ("group", "activity")
    exclude = ("created_by", "updated_by", "version")
