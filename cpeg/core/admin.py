"""The back-office admin: managers only, for fixes the screens do not cover.

Every model admin keeps simple-history's history view, so back-office
changes are audited like any other.
"""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from simple_history.admin import SimpleHistoryAdmin

from cpeg.core.audit import audit_record
from cpeg.core.audit_events import AuditEventType
from cpeg.core.models import AuditEvent


def _has_field(model, name) -> bool:
    return any(f.name == name for f in model._meta.get_fields())


def _stamp(obj, user, change: bool) -> None:
    if _has_field(type(obj), "version") and change and obj.pk:
        current = type(obj).objects.select_for_update().filter(pk=obj.pk).values_list("version", flat=True).first()
        obj.version = (current or obj.version or 0) + 1
    if _has_field(type(obj), "updated_by"):
        obj.updated_by = user
    if not change and _has_field(type(obj), "created_by"):
        obj.created_by = user


def _is_manager(request) -> bool:
    return request.user.is_active and request.user.has_perm("core.use_admin")


admin.site.site_header = "CPEG Manager back office"
admin.site.site_title = "CPEG Manager back office"
admin.site.has_permission = _is_manager
# Access comes from role assignments, not Django's permission groups.
admin.site.unregister(Group)


BOOKKEEPING_FIELDS = ("version", "created_by", "updated_by")


class ManagerAdmin(SimpleHistoryAdmin):
    """Model admin open to authority managers only.

    A save here counts as an edit like any other: it moves the record's
    version on (so a form loaded before it cannot overwrite it), stamps the
    editor and writes an audit event.
    """

    def get_exclude(self, request, obj=None):
        return tuple(super().get_exclude(request, obj) or ()) + tuple(
            f for f in BOOKKEEPING_FIELDS if _has_field(self.model, f)
        )

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            _stamp(obj, request.user, change)
            super().save_model(request, obj, form, change)
            audit_record(
                actor=request.user,
                event_type=AuditEventType.ADMIN_CHANGED if change else AuditEventType.ADMIN_ADDED,
                target=obj,
                summary=f"{'Changed' if change else 'Added'} {obj._meta.verbose_name} in the back office",
                payload={"fields": list(form.changed_data)},
            )

    def history_view(self, request, object_id, extra_context=None):
        # simple-history looks the id up as given: "abc" for an integer key
        # would be a ValueError (a 500), so it is a 404 as in Django's views.
        try:
            self.model._meta.pk.to_python(unquote(object_id))
        except ValidationError as error:
            raise Http404 from error
        return super().history_view(request, object_id, extra_context)

    def save_formset(self, request, form, formset, change):
        for inline_form in formset.forms:
            if inline_form.has_changed() and inline_form.instance.pk:
                _stamp(inline_form.instance, request.user, True)
        super().save_formset(request, form, formset, change)

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
