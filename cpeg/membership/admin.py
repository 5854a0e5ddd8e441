"""Back-office fixes for managers. Equality answers are deliberately not
registered: nobody at the authority reads them, in the admin or anywhere."""

from django.contrib import admin

from cpeg.core.admin import ManagerAdmin
from cpeg.membership.models import AttendanceRegister, AttendanceRule, Member, MembershipReview, Skill


@admin.register(Member)
class MemberAdmin(ManagerAdmin):
    list_display = ("name", "group", "member_type", "joined_on", "left_on")
    list_filter = ("member_type",)
    search_fields = ("name", "group__name")


for model in (AttendanceRule, MembershipReview, AttendanceRegister):
    admin.site.register(model, ManagerAdmin)


@admin.register(Skill)
class SkillAdmin(ManagerAdmin):
    """The authority's skill list for the skills audit: managers add skills,
    reorder them and stop asking one (inactive), never delete one in use."""

    list_display = ("name", "position", "is_active")
    list_editable = ("position", "is_active")
    ordering = ("position", "name")
