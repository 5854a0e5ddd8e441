"""Edit conflicts, field by field: nothing typed is lost when two people
edit the same record.

Every edit form carries the ``version`` of the record it was loaded from
(``core.concurrency``). When someone else saved the record in between, the
service refuses the stale save with ``EditConflict``. Instead of telling the
second person to reload and type everything again, ``handle_form`` re-shows
their form:

- every field keeps what they typed;
- for each field the other person changed since this person loaded the
  page, what the other person saved (and who, and when, from
  simple-history) beside what this person typed, with a choice "Keep mine"
  or "Use theirs" (radios: no JavaScript needed). "Keep mine" is chosen
  where this person changed the field too, "Use theirs" where they did not;
- the form now carries the record's current version, so saving again lands
  (unless a third person saved in between, which conflicts again).

How "changed since loaded" is known, for any ``forms.Form``: when the form
is first shown, a hidden ``edit_fingerprint`` holds a short hash of each
field's value as the browser would send it back untouched (signed, so a
tampered one is ignored). On a conflict the view has already built the
form's initial values from the record as it is now, so a field whose hash
differs from the loaded one is a field someone else changed, and a field
whose posted value differs from the loaded hash is one this person changed.

A template opts in by rendering ``components/edit_conflict.html`` inside its
``<form>`` (``components/form.html`` does). A form posted without the
fingerprint (a template that does not render the partial) keeps the plain
"Someone else changed this record" error and its old version, so it can
never save over the other person's change unseen.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal

from django import forms
from django.core import signing
from django.http import QueryDict
from django.utils import timezone

FINGERPRINT_FIELD = "edit_fingerprint"
CHOICE_PREFIX = "conflict-"
KEEP_MINE, USE_THEIRS = "mine", "theirs"
_SALT = "cpeg.core.conflicts"
# Fields that describe the form rather than the record.
_NOT_COMPARED = frozenset({"version", "form_token", FINGERPRINT_FIELD})

CONFLICT_MESSAGE = (
    "Someone else changed this record while you were editing it. Nothing has been saved yet: "
    "for each of their changes below, choose whether to keep yours or use theirs, then save again."
)
CONFLICT_NO_FIELDS_MESSAGE = (
    "Someone else changed this record while you were editing it, but none of the answers on this page. "
    "Nothing has been saved yet: check the page, then save again."
)


# --- Field values as the browser sends them ----------------------------------


def _compared_fields(form):
    for name, f in form.fields.items():
        if name in _NOT_COMPARED or f.disabled or isinstance(f, forms.FileField):
            continue
        if isinstance(f.widget, forms.HiddenInput):
            continue
        yield name, f


def _widget_data(widget, html_name: str, value) -> dict[str, list[str]]:
    """The POST entries a browser sends for ``widget`` showing ``value``."""
    if isinstance(widget, forms.MultiWidget):
        values = value if isinstance(value, list | tuple) else widget.decompress(value)
        out: dict[str, list[str]] = {}
        for suffix, sub, sub_value in zip(widget.widgets_names, widget.widgets, values, strict=False):
            out |= _widget_data(sub, html_name + suffix, sub_value)
        return out
    if isinstance(widget, forms.CheckboxInput):
        return {html_name: ["on"] if widget.check_test(value) else []}
    formatted = widget.format_value(value)
    if getattr(widget, "allow_multiple_selected", False):
        return {html_name: [str(v) for v in (formatted or [])]}
    if isinstance(formatted, list):
        formatted = formatted[0] if formatted else ""
    return {html_name: ["" if formatted is None else str(formatted)]}


def initial_as_data(form, name: str) -> dict[str, list[str]]:
    """The POST entries for field ``name`` showing its initial value (the
    record as the view read it)."""
    f = form.fields[name]
    value = f.prepare_value(form.get_initial_for_field(f, name))
    return _widget_data(f.widget, form.add_prefix(name), value)


def _as_querydict(data) -> QueryDict:
    if isinstance(data, QueryDict):
        return data.copy()
    qd = QueryDict(mutable=True)
    for key, value in (data or {}).items():
        qd.setlist(key, list(value) if isinstance(value, list | tuple) else [value])
    return qd


def _normalised(value):
    if isinstance(value, list | tuple):
        return [_normalised(v) for v in value]
    if value is None:
        return ""
    if isinstance(value, str):
        return value.replace("\r\n", "\n").strip()
    return value if isinstance(value, bool) else str(value)


def _digest(value) -> str:
    return hashlib.sha256(json.dumps(_normalised(value)).encode()).hexdigest()[:16]


def _posted_digest(form, name: str, data) -> str:
    f = form.fields[name]
    return _digest(f.widget.value_from_datadict(data, {}, form.add_prefix(name)))


def _initial_digest(form, name: str) -> str:
    return _posted_digest(form, name, _as_querydict(initial_as_data(form, name)))


def fingerprint(form) -> str:
    """The signed hashes of every compared field's initial value."""
    return signing.dumps({name: _initial_digest(form, name) for name, _ in _compared_fields(form)}, salt=_SALT)


def loaded_fingerprint(form) -> dict[str, str] | None:
    """The hashes posted back with the form, or None if missing or tampered."""
    raw = form.data.get(FINGERPRINT_FIELD) if form.is_bound else None
    if not raw:
        return None
    try:
        value = signing.loads(raw, salt=_SALT)
    except signing.BadSignature:
        return None
    return value if isinstance(value, dict) else None


def edit_fingerprint(form) -> str:
    """The hidden value the form carries: the posted one while the person
    works on the same loaded version, a fresh one for a blank edit form."""
    if "version" not in form.fields or form.initial.get("version") is None:
        return ""
    if form.is_bound:
        return form.data.get(FINGERPRINT_FIELD) or ""
    return fingerprint(form)


# --- The conflict ---------------------------------------------------------------


@dataclass
class FieldConflict:
    name: str
    html_name: str
    label: str
    theirs: str
    mine: str
    you_changed_it: bool
    choice: str

    @property
    def choice_name(self) -> str:
        return CHOICE_PREFIX + self.html_name


@dataclass
class Conflict:
    """What handle_form shows when a save conflicts."""

    fields: list[FieldConflict]
    editors: list[str] = field(default_factory=list)
    changed_at: dt.datetime | None = None

    @property
    def editors_text(self) -> str:
        if not self.editors:
            return "Someone else"
        if len(self.editors) == 1:
            return self.editors[0]
        return ", ".join(self.editors[:-1]) + " and " + self.editors[-1]


def _choice_labels(f) -> dict[str, str]:
    labels = {}
    for key, label in getattr(f, "choices", []):
        if isinstance(label, list | tuple):  # an optgroup
            for sub_key, sub_label in label:
                labels[str(sub_key)] = str(sub_label)
        else:
            labels[str(key)] = str(label)
    return labels


def display(f: forms.Field, value) -> str:
    """A field's value in words, as a person reads it on the page."""
    if value in (None, "") or value == [] or value == ():
        return "(left blank)"
    if isinstance(f, forms.ModelMultipleChoiceField):
        items = list(value)
        pks = [v for v in items if not hasattr(v, "pk")]
        found = {str(o.pk): str(o) for o in f.queryset.filter(pk__in=pks)} if pks else {}
        return ", ".join(str(v) if hasattr(v, "pk") else found.get(str(v), str(v)) for v in items)
    if isinstance(f, forms.ModelChoiceField):
        if hasattr(value, "pk"):
            return str(value)
        obj = f.queryset.filter(pk=value).first()
        return str(obj) if obj is not None else str(value)
    if isinstance(f, forms.MultipleChoiceField):
        labels = _choice_labels(f)
        return ", ".join(labels.get(str(v), str(v)) for v in value)
    if isinstance(f, forms.ChoiceField):
        return _choice_labels(f).get(str(value), str(value))
    if isinstance(f, forms.BooleanField) or isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return f"{value.day} {value:%B %Y} at {value:%H:%M}"
    if isinstance(value, dt.date):
        return f"{value.day} {value:%B %Y}"
    if isinstance(value, dt.time):
        return f"{value:%H:%M}"
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else str(value)
    return str(value)


def _editors(record, loaded_version: int):
    """Who saved the record after ``loaded_version``, and when last."""
    history = getattr(record, "history", None)
    if history is None:
        return [], None
    rows = list(
        history.filter(version__gt=loaded_version).select_related("history_user", "updated_by").order_by("history_date")
    )
    names = []
    for row in rows:
        person = row.history_user or row.updated_by
        name = str(person) if person is not None else "Someone else"
        if name not in names:
            names.append(name)
    return names, (rows[-1].history_date if rows else None)


def build_conflict(form, error) -> Conflict | None:
    """Turn a refused stale save into the field-by-field view, or None when
    it cannot be shown (the template does not carry the fingerprint, or
    the service did not say which record conflicted)."""
    record = getattr(error, "record", None)
    loaded_version = getattr(error, "loaded_version", None)
    current_version = form.initial.get("version")
    loaded = loaded_fingerprint(form)
    if record is None or loaded is None or current_version is None or loaded_version is None:
        return None
    if int(current_version) == int(loaded_version):
        return None  # the page's own copy is no newer than the person's
    changed_by_them_or_me = set(form.changed_data)
    items = []
    for name, f in _compared_fields(form):
        theirs_digest = _initial_digest(form, name)
        if theirs_digest == loaded.get(name) or name not in changed_by_them_or_me:
            continue  # they did not change it, or both typed the same
        you_changed_it = _posted_digest(form, name, form.data) != loaded.get(name)
        mine = form.cleaned_data.get(name) if hasattr(form, "cleaned_data") else None
        items.append(
            FieldConflict(
                name=name,
                html_name=form.add_prefix(name),
                label=str(f.label or name.replace("_", " ").capitalize()),
                theirs=display(f, form.get_initial_for_field(f, name)),
                mine=display(f, mine),
                you_changed_it=you_changed_it,
                choice=KEEP_MINE if you_changed_it else USE_THEIRS,
            )
        )
    editors, changed_at = _editors(record, int(loaded_version))
    # From now on the form is based on the record as it is: its version and
    # fingerprint, so the next save lands and a third change is caught.
    data = _as_querydict(form.data)
    data[form.add_prefix("version")] = str(current_version)
    data[FINGERPRINT_FIELD] = fingerprint(form)
    form.data = data
    return Conflict(fields=items, editors=editors, changed_at=changed_at)


def apply_choices(form) -> list[str]:
    """Before validating a re-sent form, put the other person's values into
    the fields where this person chose "Use theirs". Returns those names."""
    if not form.is_bound:
        return []
    chosen = [
        name for name, _ in _compared_fields(form) if form.data.get(CHOICE_PREFIX + form.add_prefix(name)) == USE_THEIRS
    ]
    if not chosen:
        return []
    data = _as_querydict(form.data)
    for name in chosen:
        for key, values in initial_as_data(form, name).items():
            if values:
                data.setlist(key, values)
            else:
                data.pop(key, None)
    form.data = data
    return chosen
