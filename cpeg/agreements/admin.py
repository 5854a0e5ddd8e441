from django.contrib import admin

from cpeg.agreements.models import GroupSla, GroupSlaOutput, SlaHeading, SlaTemplate, SlaTemplateOutput
from cpeg.core.admin import ManagerAdmin


class SlaTemplateOutputInline(admin.TabularInline):
    model = SlaTemplateOutput
    extra = 0
    fields = ("position", "code", "heading", "output", "measure", "annual_target", "activity_refs")
    show_change_link = True


@admin.register(SlaTemplate)
class SlaTemplateAdmin(ManagerAdmin):
    list_display = ("__str__", "financial_year")
    inlines = [SlaTemplateOutputInline]


@admin.register(SlaTemplateOutput)
class SlaTemplateOutputAdmin(ManagerAdmin):
    list_display = ("output", "template", "code", "measure", "annual_target")
    list_filter = ("template",)
    list_select_related = ("template",)
    search_fields = ("output", "code")


@admin.register(SlaHeading)
class SlaHeadingAdmin(ManagerAdmin):
    list_display = ("title", "template", "position")
    list_select_related = ("template",)


class GroupSlaOutputInline(admin.TabularInline):
    model = GroupSlaOutput
    extra = 0
    fields = ("position", "code", "output", "measure", "annual_target", "is_removed", "variation", "variation_reason")

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not (obj is not None and obj.is_frozen)

    has_add_permission = has_delete_permission = has_change_permission


@admin.register(GroupSla)
class GroupSlaAdmin(ManagerAdmin):
    """A signed SLA is frozen here as everywhere: managers read it; varying
    it makes a new version on the SLA's own page."""

    list_display = ("group", "financial_year", "version_number", "status", "superseded_at")
    list_filter = ("status", "financial_year")
    list_select_related = ("group",)
    search_fields = ("group__name",)
    inlines = [GroupSlaOutputInline]

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not (obj is not None and obj.is_frozen)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not (obj is not None and obj.is_frozen)
