"""Recording business events and reading a record's change history."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from cpeg.core.audit_events import AuditEventType
from cpeg.core.models import AuditEvent

# History is read in the authority's time, whatever the server's.
LONDON = ZoneInfo("Europe/London")


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


def apply_changes(instance, data: dict, allowed) -> dict[str, tuple]:
    """Set the ``allowed`` fields whose value ``data`` changes.

    Returns ``{field name: (old, new)}`` for what moved, in ``allowed``'s
    order: pass it to ``audit_record(changes=...)`` and to ``changes_summary``.
    """
    changes = {}
    for name in allowed:
        if name in data and getattr(instance, name, None) != data[name]:
            changes[name] = (getattr(instance, name, None), data[name])
            setattr(instance, name, data[name])
    return changes


def changes_summary(model, names, *, extra=(), of: str = "") -> str:
    """ "Changed the pot and cap" in words: field labels, not column names.

    ``names`` are the model's field names that changed; ``extra`` adds
    phrases already in words ("the outputs evidenced"); ``of`` names the
    record ("of Ward panel meeting").
    """
    parts = [lower_first(field_label(model, name)) for name in names] + list(extra)
    summary = f"Changed {_and_list(parts)}"
    return f"{summary} of {of}" if of else summary


def lower_first(text: str) -> str:
    """ "Work programme summary" -> "work programme summary"; "SLA year" stays."""
    if len(text) > 1 and text[1].isupper():
        return text
    return text[:1].lower() + text[1:]


def _and_list(parts: list[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return f"{', '.join(parts[:-1])} and {parts[-1]}"


def _as_text(value):
    """A JSON-safe form of a field value (dates, money and ids as text)."""
    if value is None or isinstance(value, bool | int | str):
        return value
    return str(value)


@dataclass
class HistoryEntry:
    """One change to one record, as shown on the record's page.

    ``changes`` holds ``(label, old, new)`` as words a person reads: field
    labels, people's names, dates, Yes/No and money already formatted.
    """

    when: object
    who: str
    record_label: str
    action: str
    changes: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def when_text(self) -> str:
        return format_datetime(self.when)


_ACTIONS = {"+": "Created", "~": "Changed", "-": "Deleted"}
_SKIP = {"updated_at", "created_at", "version", "updated_by", "created_by"}
BLANK = "(blank)"


def history_entries(*sources, limit: int = 200) -> list[HistoryEntry]:
    """Merge the simple-history of several querysets into one timeline.

    Each source is ``(label, history_queryset)``, e.g. ``("Group",
    EngagementGroup.history.filter(id=5))``. Runs one query per source,
    whatever the number of changes: the rows that changed foreign keys point
    at (a person, a group, a user) come in the same query, so they are shown
    by name rather than id. A change whose old and new values read the same
    (nothing a person could see moved) is left out.
    """
    rows = []
    for label, queryset in sources:
        model = queryset.model.instance_type
        related = [
            f.name
            for f in queryset.model._meta.concrete_fields
            if f.many_to_one and f.name not in _SKIP and f.name != "history_user"
        ]
        records = list(queryset.select_related("history_user", *related).order_by("id", "history_date", "history_id"))
        # Labels come from the model's __str__; related rows it reads (a
        # person's name, say) must be select_related on the source queryset.
        previous_by_id = {}
        for record in records:
            before = previous_by_id.get(record.id)
            previous_by_id[record.id] = record
            changes = []
            if record.history_type == "~":
                if before is not None:
                    changes = _changes(model, before, record)
                if not changes:
                    continue
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


def _changes(model, before, record) -> list[tuple[str, str, str]]:
    """What moved between two versions of a record, as a person reads it."""
    changes = []
    for change in record.diff_against(before).changes:
        if change.field in _SKIP:
            continue
        f = _field(model, change.field)
        if f is not None and f.is_relation:
            old = _name_of(getattr(before, change.field, None), change.old)
            new = _name_of(getattr(record, change.field, None), change.new)
        else:
            old = _display(model, change.field, change.old)
            new = _display(model, change.field, change.new)
        if old != new:
            changes.append((field_label(model, change.field), old, new))
    return changes


def _field(model, name):
    try:
        return model._meta.get_field(name)
    except Exception:  # noqa: BLE001 - history may hold a field since removed
        return None


def field_label(model, name: str) -> str:
    """A field's label as a person reads it: "Work programme summary"."""
    f = _field(model, name)
    text = str(f.verbose_name) if f is not None and hasattr(f, "verbose_name") else name.replace("_", " ")
    return text[:1].upper() + text[1:]


def _name_of(obj, value) -> str:
    """A related record's name, read from its own columns (no query)."""
    if value in (None, ""):
        return BLANK
    if obj is None:
        return "(a deleted record)"
    if hasattr(obj, "get_full_name"):
        return obj.get_full_name() or obj.get_username()
    for attribute in ("full_name", "name", "title"):
        text = getattr(obj, attribute, None)
        if isinstance(text, str) and text:
            return text
    return str(obj)


def _display(model, field_name, value) -> str:
    """A field's value in words: choice labels, dates, Yes/No, £."""
    if value in (None, ""):
        return BLANK
    f = _field(model, field_name)
    if f is None:
        return str(value)
    if f.choices:
        return str(dict(f.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, dt.datetime):
        return format_datetime(value)
    if isinstance(value, dt.date):
        return format_date(value)
    if isinstance(value, dt.time):
        return format_time(value)
    if isinstance(f, models.DecimalField) and (field_name == "amount" or field_name.endswith("_amount")):
        return format_money(value)
    if isinstance(f, models.IntegerField) and field_name.endswith("_pence"):
        return format_money(Decimal(value) / 100)
    return str(value)


def format_date(value: dt.date) -> str:
    """``2 December 2026``, as GOV.UK writes dates."""
    return f"{value.day} {value:%B %Y}"


def format_time(value: dt.time) -> str:
    """``12:35am``, ``7pm``: GOV.UK's 12-hour clock."""
    hour = value.hour % 12 or 12
    suffix = "am" if value.hour < 12 else "pm"
    return f"{hour}{suffix}" if value.minute == 0 else f"{hour}:{value.minute:02d}{suffix}"


def format_datetime(value) -> str:
    """``2 December 2026, 12:35am`` in the UK's time (GMT or BST)."""
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value, LONDON)
        return f"{format_date(value)}, {format_time(value.time())}"
    if isinstance(value, dt.date):
        return format_date(value)
    return "" if value is None else str(value)


def format_money(value) -> str:
    """``£1,234.50``; whole pounds without pence (``£32,400``)."""
    amount = Decimal(value)
    sign = "-" if amount < 0 else ""
    amount = abs(amount)
    text = f"{amount:,.0f}" if amount == amount.to_integral_value() else f"{amount:,.2f}"
    return f"{sign}£{text}"
