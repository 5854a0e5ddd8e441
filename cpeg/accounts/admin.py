from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

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
        ("Status", {"fields": ("is_active", "is_staff", "two_factor_enabled", "last_login", "date_joined")}),
    )
    # Turned on and off only through the person's own pages, or reset with
    # `manage.py two_factor_reset` (audited).
    readonly_fields = ("two_factor_enabled", "last_login", "date_joined")
    list_filter = ("is_active", "role_assignments__role")
    raw_id_fields = ("person",)


# django-otp's own admin pages would show anyone's authenticator key (its QR
# code) to a manager, who could then make that person's codes: they are not
# offered. A lost phone is handled by `manage.py two_factor_reset`.
for _model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
