from django.contrib import admin

from cpeg.core.admin import ManagerAdmin
from cpeg.scrutiny.models import (
    CustodyPanel,
    CustodySuite,
    CustodyVisit,
    CustodyVisitor,
    MonitoringMeeting,
    StopSearchImport,
)


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


class CustodySuiteInline(admin.TabularInline):
    model = CustodySuite
    extra = 0
    exclude = ("created_by", "updated_by", "version")


@admin.register(CustodyPanel)
class CustodyPanelAdmin(ManagerAdmin):
    list_display = ("name",)
    filter_horizontal = ("boroughs",)
    exclude = ("created_by", "updated_by", "version")
    inlines = [CustodySuiteInline]


@admin.register(CustodyVisitor)
class CustodyVisitorAdmin(ManagerAdmin):
    list_display = ("name", "panel", "accredited_on", "reaccreditation_due_on", "user")
    list_filter = ("panel",)
    list_select_related = ("panel", "user")
    raw_id_fields = ("user",)
    exclude = ("created_by", "updated_by", "version")


@admin.register(CustodyVisit)
class CustodyVisitAdmin(ManagerAdmin):
    list_display = ("visited_at", "panel", "suite", "access_refused", "issues_resolved")
    list_filter = ("panel",)
    list_select_related = ("panel", "suite")
    raw_id_fields = ("suite", "first_visitor", "second_visitor")
    exclude = ("created_by", "updated_by", "version")
