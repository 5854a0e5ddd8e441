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
    fieldsets = UserAdmin.fieldsets + (("Person", {"fields": ("person",)}),)
    raw_id_fields = ("person",)
