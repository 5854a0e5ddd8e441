from django.contrib import admin

from cpeg.consultations.models import Consultation, ConsultationResponse
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
