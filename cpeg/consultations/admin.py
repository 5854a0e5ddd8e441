from django.contrib import admin

from cpeg.consultations.models import (
    ChairsForumMeeting,
    Consultation,
    ConsultationResponse,
    EngagementLevel,
    PartnerProgramme,
    PledgeReport,
    ProgrammeBorough,
    ProgrammeEngagement,
    TwoWayMechanism,
    WardPanel,
)
from cpeg.core.admin import ManagerAdmin


@admin.register(Consultation)
class ConsultationAdmin(ManagerAdmin):
    list_display = ("title", "kind", "opens_on", "closes_on", "status")
    list_filter = ("kind", "status")
    search_fields = ("title",)
    raw_id_fields = ("groups_asked", "opened_by", "closed_by")
    exclude = ("created_by", "updated_by", "version")
    date_hierarchy = "opens_on"


@admin.register(ConsultationResponse)
class ConsultationResponseAdmin(ManagerAdmin):
    list_display = ("consultation", "group", "status", "decision", "organisations_count", "individuals_count")
    list_filter = ("status", "decision", "is_late")
    search_fields = ("group__name", "consultation__title")
    list_select_related = ("group", "consultation")
    raw_id_fields = ("consultation", "group", "submitted_by", "late_accepted_by")
    exclude = ("created_by", "updated_by", "version")


class LevelInline(admin.TabularInline):
    model = EngagementLevel
    extra = 0
    exclude = ("created_by", "updated_by", "version")


class BoroughInline(admin.TabularInline):
    model = ProgrammeBorough
    extra = 0
    exclude = ("created_by", "updated_by", "version")


@admin.register(PartnerProgramme)
class PartnerProgrammeAdmin(ManagerAdmin):
    """Managers define each year's programmes here: levels first, then the
    level expected of every group and the host and priority boroughs."""

    list_display = ("name", "financial_year", "owner_team", "output_code")
    list_filter = ("financial_year",)
    search_fields = ("name",)
    exclude = ("created_by", "updated_by", "version")
    inlines = [LevelInline, BoroughInline]


@admin.register(ProgrammeEngagement)
class ProgrammeEngagementAdmin(ManagerAdmin):
    list_display = ("engaged_on", "programme", "group", "level")
    list_select_related = ("programme", "group", "level")
    raw_id_fields = ("programme", "group", "level", "activity")
    exclude = ("created_by", "updated_by", "version")


@admin.register(TwoWayMechanism)
class TwoWayMechanismAdmin(ManagerAdmin):
    list_display = ("held_on", "kind", "group")
    list_filter = ("kind",)
    list_select_related = ("group",)
    raw_id_fields = ("group", "activity")
    exclude = ("created_by", "updated_by", "version")


@admin.register(PledgeReport)
class PledgeReportAdmin(ManagerAdmin):
    list_display = ("activity", "group", "performance_reported", "confidence_reported")
    list_filter = ("performance_reported", "confidence_reported")
    list_select_related = ("activity", "group")
    raw_id_fields = ("activity", "group")
    exclude = ("created_by", "updated_by", "version")


@admin.register(WardPanel)
class WardPanelAdmin(ManagerAdmin):
    list_display = ("ward", "cluster", "borough")
    list_filter = ("borough",)
    search_fields = ("ward", "cluster")
    raw_id_fields = ("chair", "attendees")
    exclude = ("created_by", "updated_by", "version")


@admin.register(ChairsForumMeeting)
class ChairsForumMeetingAdmin(ManagerAdmin):
    list_display = ("held_on", "title")
    search_fields = ("title",)
    raw_id_fields = ("groups_attended",)
    exclude = ("created_by", "updated_by", "version", "form_token")
    date_hierarchy = "held_on"
