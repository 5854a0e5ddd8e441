from django.contrib import admin

from cpeg.core.admin import ManagerAdmin
from cpeg.groups.models import (
    Borough,
    EngagementGroup,
    ExecutiveMembership,
    OtherRole,
    PartnerContact,
    Person,
    Venue,
)


@admin.register(Borough)
class BoroughAdmin(ManagerAdmin):
    list_display = ("name", "ons_code")
    search_fields = ("name", "ons_code")


class ExecutiveInline(admin.TabularInline):
    model = ExecutiveMembership
    extra = 0
    raw_id_fields = ("person",)
    exclude = ("created_by", "updated_by", "version")


@admin.register(EngagementGroup)
class EngagementGroupAdmin(ManagerAdmin):
    list_display = ("name", "borough", "status", "staffing_model", "is_published")
    list_filter = ("status", "staffing_model")
    search_fields = ("name", "borough__name")
    inlines = [ExecutiveInline]


@admin.register(Person)
class PersonAdmin(ManagerAdmin):
    search_fields = ("full_name", "email")


for model in (Venue, PartnerContact, OtherRole):
    admin.site.register(model, ManagerAdmin)
