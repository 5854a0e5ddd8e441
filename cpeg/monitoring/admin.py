from django.contrib import admin

from cpeg.core.admin import ManagerAdmin
from cpeg.monitoring.models import MonitoringSettings, QuarterlyReturn, ReturnLine, ReturnReminder


class ReturnLineInline(admin.TabularInline):
    model = ReturnLine
    extra = 0
    fields = ("output_code", "count_to_date", "pro_rata_target", "suggested_rag", "rag", "progress")
    readonly_fields = ("output_code", "count_to_date", "pro_rata_target", "suggested_rag")


@admin.register(QuarterlyReturn)
class QuarterlyReturnAdmin(ManagerAdmin):
    list_display = ("group", "financial_year", "quarter", "status", "due_on", "submitted_at")
    list_filter = ("status", "financial_year", "quarter")
    list_select_related = ("group",)
    search_fields = ("group__name",)
    inlines = [ReturnLineInline]


@admin.register(ReturnReminder)
class ReturnReminderAdmin(ManagerAdmin):
    list_display = ("quarterly_return", "kind", "sent_on")
    list_select_related = ("quarterly_return__group",)


@admin.register(MonitoringSettings)
class MonitoringSettingsAdmin(ManagerAdmin):
    list_display = ("__str__", "deadline_working_days", "reminder_working_days_before")
