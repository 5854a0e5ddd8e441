"""Recording business events and reading a record's change history."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType

from cpeg.core.audit_events import AuditEventType
from cpeg.core.models import AuditEvent


def audit_record(*, actor, event_type: AuditEventType, target, summary: str, group=None, payload=None, changes=None):
    """Write one AuditEvent; call inside the service's transaction.

    ``event_type`` must be an ``AuditEventType``: an unknown name is a
    programming error, refused here rather than stored. ``changes`` maps a
    field name to its ``(old, new)`` values; they are stored, as text, in
    ``payload["changes"]`` as ``{"field": {"old": ..., "new": ...}}`` so a
    timeline can say what changed without reading simple-history.
    """
    event_type = AuditEventType(event_type)
    payload = dict(payload or {})
    if changes:
        payload["changes"] = {
            name: {"old": _as_text(old_value), "new": _as_text(new_value)}
            for name, (old_value, new_value) in changes.items()
        }
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        event_type=event_type.value,
        target_type=ContentType.objects.get_for_model(target, for_concrete_model=False),
        target_id=target.pk,
        group=group,
        summary=summary[:500],
        payload=payload,
    )


def _as_text(value):
    """A JSON-safe form of a field value (dates, money and ids as text)."""
    if value is None or isinstance(value, bool | int | str):
        return value
    return str(value)


@dataclass
class HistoryEntry:
    """One change to one record, as shown on the record's page."""

    when: object
    who: str
    record_label: str
    action: str
    changes: list[tuple[str, str, str]] = field(default_factory=list)


_ACTIONS = {"+": "Created", "~": "Changed", "-": "Deleted"}
_SKIP = {"updated_at", "created_at", "version", "updated_by", "created_by"}


def _display(model, field_name, value):
    if value in (None, ""):
        return "(blank)"
    try:
        f = model._meta.get_field(field_name)
    except Exception:  # noqa: BLE001 - history may hold a field since removed
        return str(value)
    if f.choices:
        return str(dict(f.flatchoices).get(value, value))
    if f.is_relation:
        return f"#{value}"
    return str(value)


def history_entries(*sources, limit: int = 200) -> list[HistoryEntry]:
    """Merge the simple-history of several querysets into one timeline.

    Each source is ``(label, history_queryset)``, e.g. ``("Group",
    EngagementGroup.history.filter(id=5))``. Runs one query per source plus
    one for the users named, whatever the number of changes.
    """
    rows = []
    for label, queryset in sources:
        model = queryset.model.instance_type
        records = list(queryset.select_related("history_user").order_by("id", "history_date", "history_id"))
        # Labels come from the model's __str__; related rows it reads (a
        # person's name, say) must be select_related on the source queryset.
        previous_by_id = {}
        for record in records:
            before = previous_by_id.get(record.id)
            changes = []
            if before is not None and record.history_type == "~":
                delta = record.diff_against(before)
                for change in delta.changes:
                    if change.field in _SKIP:
                        continue
                    changes.append(
                        (
                            str(model._meta.get_field(change.field).verbose_name).capitalize(),
                            _display(model, change.field, change.old),
                            _display(model, change.field, change.new),
                        )
                    )
                if not changes:
                    previous_by_id[record.id] = record
                    continue
            previous_by_id[record.id] = record
            user = record.history_user
            instance = record.instance
            instance._state.fields_cache.update(
                {k: v for k, v in record._state.fields_cache.items() if k != "history_user"}
            )
            rows.append(
                HistoryEntry(
                    when=record.history_date,
                    who=(user.get_full_name() or user.username) if user else "System",
                    record_label=f"{label}: {instance}" if label else str(instance),
                    action=_ACTIONS.get(record.history_type, record.history_type),
                    changes=changes,
                )
            )
    rows.sort(key=lambda r: r.when, reverse=True)
    return rows[:limit]
