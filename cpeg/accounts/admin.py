from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from cpeg.accounts.models import RoleAssignment, User
from cpeg.core.admin import ManagerAdmin


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    autocomplete_fields = ("group", "borough")


@admin.register(User)
class CpegUserAdmin(ManagerAdmin, UserAdmin):
    inlines = [RoleAssignmentInline]
    list_display = ("username", "first_name", "last_name", "email", "is_active")
    # No superuser flag, Django permissions or permission groups: access
    # comes only from role assignments (accounts.access).
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("Personal info", {"fields": ("first_name", "last_name", "email", "person")}),
        ("Status", {"fields": ("is_active", "is_staff", "last_login", "date_joined")}),
    )
    readonly_fields = ("last_login", "date_joined")
    list_filter = ("is_active", "role_assignments__role")
    raw_id_fields = ("person",)
