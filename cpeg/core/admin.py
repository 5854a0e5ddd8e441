"""The back-office admin: managers only, for fixes the screens do not cover.

Every model admin keeps simple-history's history view, so back-office
changes are audited like any other.
"""

from django.contrib import admin
from django.contrib.auth.models import Group
from simple_history.admin import SimpleHistoryAdmin

from cpeg.core.models import AuditEvent


def _is_manager(request) -> bool:
    return request.user.is_active and request.user.has_perm("core.use_admin")


admin.site.site_header = "CPEG Manager back office"
admin.site.site_title = "CPEG Manager back office"
admin.site.has_permission = _is_manager
# Access comes from role assignments, not Django's permission groups.
admin.site.unregister(Group)


class ManagerAdmin(SimpleHistoryAdmin):
    """Model admin open to authority managers only."""

    def has_module_permission(self, request):
        return _is_manager(request)

    def has_view_permission(self, request, obj=None):
        return _is_manager(request)

    def has_add_permission(self, request):
        return _is_manager(request)

    def has_change_permission(self, request, obj=None):
        return _is_manager(request)

    def has_delete_permission(self, request, obj=None):
        return _is_manager(request)


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("created_at", "event_type", "actor", "group", "summary")
    list_filter = ("event_type",)
    search_fields = ("summary",)
    list_select_related = ("actor", "group")

    def has_module_permission(self, request):
        return _is_manager(request)

    def has_view_permission(self, request, obj=None):
        return _is_manager(request)

    # The audit trail is read-only, even for managers.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def open_third_party_admins_to_managers() -> None:
    """Admins registered by libraries (django-axes' lockouts, for instance)
    check Django model permissions, which CPEG Manager does not grant; open
    them to managers in the same way as ours. Called once from
    ``CoreConfig.ready``, after admin autodiscovery."""
    for model_admin in admin.site._registry.values():
        if isinstance(model_admin, ManagerAdmin | AuditEventAdmin):
            continue
        model_admin.has_module_permission = _is_manager
        for name in ("has_view_permission", "has_change_permission", "has_delete_permission"):
            setattr(model_admin, name, lambda request, obj=None: _is_manager(request))
