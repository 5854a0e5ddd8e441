"""A person's personal data: export on request, and erasure.

Under UK GDPR a person may ask for a copy of everything the authority holds
about them (Article 15) and, where no lawful basis remains, for it to be
erased (Article 17). The register of what is held, why and for how long is
docs/personal-data.md.

"Everything held" is found two ways. By reference: the ``Person`` record,
every sign-in account linked to it, the rows that point at either (roles,
seats, role assignments), their simple-history rows, and the audit events
they did or that are about them. By mention: every text field, in every
table of every app (history tables and audit payloads included), that
contains the person's name, email address or telephone number. The second
way needs no knowledge of other apps, so this module imports none of them
(ADR 0005) and a new app's tables are covered without a change here.

Erasure blanks the person's details in the record and in every historical
copy of it, anonymises the linked accounts (and their history), signs them
out, and replaces each mention with ``[erased]``. Records stay (a group's
SLA still shows it was signed; an award still shows who decided it), only
the personal data goes. The erasure is audited by record number and counts
of rows changed, never with the erased values.

Officers only (``groups.export_person_data``, ``groups.erase_person`` in
``accounts.access``).
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections import Counter
from dataclasses import dataclass

from django import forms
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from cpeg.accounts.access import require_perm
from cpeg.core.audit import audit_record
from cpeg.core.audit_events import AuditEventType
from cpeg.core.forms import GovukFormMixin
from cpeg.core.models import AuditEvent
from cpeg.groups.models import Person

ERASED_TEXT = "[erased]"
# Shorter values (initials, a two-letter surname) would match unrelated
# words, so a mention is searched for only from this length.
MIN_TERM_LENGTH = 5
# Never exported: secrets, not information about the person.
SECRET_FIELDS = frozenset({"password", "key", "secret", "token", "session_data"})


@dataclass(frozen=True)
class Mention:
    """One row whose text fields mention the person."""

    model: type[models.Model]
    pk: object
    fields: tuple[str, ...]

    @property
    def label(self) -> str:
        return self.model._meta.label


# --- Finding what is held ----------------------------------------------------


def person_accounts(*, person: Person) -> list:
    """The sign-in accounts linked to the person."""
    return list(get_user_model().objects.filter(person=person).order_by("pk"))


def personal_data_terms(*, person: Person, accounts=None) -> list[str]:
    """The person's name, email and telephone, and their accounts' names and
    emails, as they are now and as they ever were (history): the values a
    mention is searched for."""
    accounts = person_accounts(person=person) if accounts is None else accounts
    values = [person.full_name, person.email, person.phone]
    for row in Person.history.filter(id=person.pk):
        values += [row.full_name, row.email, row.phone]
    for user in accounts:
        values += [user.get_full_name(), user.email]
        for row in type(user).history.filter(id=user.pk):
            values += [f"{row.first_name} {row.last_name}", row.email]
    terms, seen = [], set()
    for value in values:
        value = (value or "").strip()
        if len(value) >= MIN_TERM_LENGTH and value.lower() not in seen:
            seen.add(value.lower())
            terms.append(value)
    return terms


def _text_fields(model) -> list[models.Field]:
    return [
        field
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField | models.JSONField)
        and not field.primary_key
        and not field.choices
        and field.name not in SECRET_FIELDS
    ]


def _json_forms(term: str) -> set[str]:
    """A term as it may be stored in a JSON column (non-ASCII escaped or not)."""
    return {term, json.dumps(term)[1:-1]}


def _mention_filter(field: models.Field, terms: list[str]) -> Q:
    query = Q()
    for term in terms:
        for form in _json_forms(term) if isinstance(field, models.JSONField) else {term}:
            query |= Q(**{f"{field.name}__icontains": form})
    return query


def personal_data_mentions(*, terms: list[str]) -> list[Mention]:
    """Every row, in every table, whose text mentions one of ``terms``."""
    if not terms:
        return []
    found: dict[tuple[type, object], set[str]] = {}
    for model in apps.get_models():
        for field in _text_fields(model):
            rows = model._base_manager.filter(_mention_filter(field, terms)).values_list("pk", field.name)
            for pk, value in rows:
                if _replace_in(value, terms) != value:  # icontains also matches across JSON escapes
                    found.setdefault((model, pk), set()).add(field.name)
    return [Mention(model, pk, tuple(sorted(fields))) for (model, pk), fields in found.items()]


def _row(instance) -> dict:
    return {
        field.attname: getattr(instance, field.attname)
        for field in instance._meta.concrete_fields
        if field.name not in SECRET_FIELDS
    }


def _history(model, pk) -> list[dict]:
    history = getattr(model, "history", None)
    return [_row(row) for row in history.filter(id=pk).order_by("history_date")] if history is not None else []


def _related_rows(instance) -> dict[str, list[dict]]:
    """Rows in any app that point at ``instance`` (roles, seats...), with history."""
    related = {}
    for relation in instance._meta.related_objects:
        if not (relation.one_to_many or relation.one_to_one) or relation.related_model._meta.label.startswith(
            ("core.", "admin.")
        ):
            continue
        model = relation.related_model
        if getattr(model, "_meta", None) and model.__name__.startswith("Historical"):
            continue
        rows = list(model._base_manager.filter(**{relation.field.name: instance}))
        if rows:
            related[model._meta.label] = [_row(row) | {"history": _history(model, row.pk)} for row in rows]
    return related


def _events_about(*, person: Person, accounts) -> models.QuerySet:
    user_type = ContentType.objects.get_for_model(get_user_model())
    person_type = ContentType.objects.get_for_model(Person)
    account_ids = [user.pk for user in accounts]
    return AuditEvent.objects.filter(
        Q(actor_id__in=account_ids)
        | Q(target_type=person_type, target_id=person.pk)
        | Q(target_type=user_type, target_id__in=account_ids)
    ).order_by("created_at", "pk")


def person_data_collect(*, person: Person) -> dict:
    """Everything held about the person and their accounts, as plain data."""
    accounts = person_accounts(person=person)
    terms = personal_data_terms(person=person, accounts=accounts)
    events = list(_events_about(person=person, accounts=accounts))
    event_ids = {event.pk for event in events}
    mentions = personal_data_mentions(terms=terms)
    mentioning_events = [m.pk for m in mentions if m.model is AuditEvent and m.pk not in event_ids]
    events += list(AuditEvent.objects.filter(pk__in=mentioning_events).order_by("created_at", "pk"))
    return {
        "exported_at": timezone.now(),
        "person": _row(person),
        "person_history": _history(Person, person.pk),
        "records_about_the_person": _related_rows(person),
        "accounts": [
            _row(user) | {"history": _history(type(user), user.pk), "records": _related_rows(user)} for user in accounts
        ],
        "audit_events": [_row(event) for event in events],
        "mentions": [
            {
                "table": mention.label,
                "id": mention.pk,
                "fields": {
                    name: getattr(mention.model._base_manager.get(pk=mention.pk), name) for name in mention.fields
                },
            }
            for mention in mentions
            if mention.model is not AuditEvent
        ],
    }


# --- Export --------------------------------------------------------------------


EXPORT_FORMATS = {"json": "JSON (one file)", "zip": "ZIP (one JSON file per section)"}


class PersonalDataExportForm(GovukFormMixin, forms.Form):
    format = forms.ChoiceField(
        label="Download as",
        choices=list(EXPORT_FORMATS.items()),
        widget=forms.RadioSelect,
        error_messages={"required": "Select a format for the download"},
    )


def _json(value) -> bytes:
    return json.dumps(value, cls=DjangoJSONEncoder, indent=1, ensure_ascii=False).encode()


@transaction.atomic
def person_data_export(*, person: Person, actor, export_format: str = "json") -> tuple[str, str, bytes]:
    """Export everything held about the person: (file name, content type, bytes).

    Audited (which record, which sections, how many rows), never with the
    data itself.
    """
    require_perm(actor, "groups.export_person_data", person)
    if export_format not in EXPORT_FORMATS:
        raise ValidationError({"format": "Select a format for the download"})
    data = person_data_collect(person=person)
    stem = f"person-{person.pk}-personal-data"
    if export_format == "json":
        result = (f"{stem}.json", "application/json", _json(data))
    else:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for section, value in data.items():
                archive.writestr(f"{stem}/{section}.json", _json(value))
        result = (f"{stem}.zip", "application/zip", buffer.getvalue())
    audit_record(
        actor=actor,
        event_type=AuditEventType.PERSONAL_DATA_EXPORTED,
        target=person,
        summary=f"Exported the personal data held about person record {person.pk}",
        payload={
            "format": export_format,
            "accounts": len(data["accounts"]),
            "audit_events": len(data["audit_events"]),
            "mentions": len(data["mentions"]),
        },
    )
    return result


# --- Erasure -------------------------------------------------------------------


class PersonEraseForm(GovukFormMixin, forms.Form):
    # A one-box checkbox group, not a BooleanField: crispy-forms-gds shows a
    # group's error on the page and in the summary.
    confirm = forms.MultipleChoiceField(
        label="Confirm the erasure",
        choices=[("yes", "I confirm this person's personal data must be erased, and that it cannot be undone")],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select the box to confirm the erasure"},
    )


def _replace_in(value, terms: list[str]):
    """``value`` with each term replaced by ``[erased]`` (case-insensitive),
    inside JSON structures too (keys and values)."""
    if isinstance(value, str):
        for term in terms:
            value = re.sub(re.escape(term), ERASED_TEXT, value, flags=re.IGNORECASE)
        return value
    if isinstance(value, dict):
        return {_replace_in(key, terms): _replace_in(item, terms) for key, item in value.items()}
    if isinstance(value, list):
        return [_replace_in(item, terms) for item in value]
    return value


def _erase_mentions(terms: list[str]) -> Counter:
    changed = Counter()
    for mention in personal_data_mentions(terms=terms):
        manager = mention.model._base_manager
        current = manager.filter(pk=mention.pk).values(*mention.fields).first()
        if current is None:
            continue
        # A queryset update: no new history row is written holding either
        # the old or the new text.
        manager.filter(pk=mention.pk).update(**{name: _replace_in(current[name], terms) for name in mention.fields})
        changed[mention.label] += 1
    return changed


def _sign_out(account_ids: set[int]) -> int:
    from django.contrib.sessions.models import Session

    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()):
        if str(session.get_decoded().get("_auth_user_id")) in {str(pk) for pk in account_ids}:
            session.delete()
            ended += 1
    return ended


@transaction.atomic
def person_erase(*, person: Person, actor) -> Person:
    """Erase the person's personal data everywhere it is held, history included."""
    require_perm(actor, "groups.erase_person", person)
    person = Person.objects.select_for_update().get(pk=person.pk)
    accounts = person_accounts(person=person)
    if any(user.pk == actor.pk for user in accounts):
        raise ValidationError("You cannot erase your own personal data. Ask another officer.")
    terms = personal_data_terms(person=person, accounts=accounts)
    changed = Counter()
    blank_person = {"full_name": f"Erased person {person.pk}", "email": "", "phone": ""}
    changed["groups.Person"] += Person.objects.filter(pk=person.pk).update(**blank_person)
    changed["groups.HistoricalPerson"] += Person.history.filter(id=person.pk).update(**blank_person)
    user_model = get_user_model()
    for user in accounts:
        blank_user = {"username": f"erased-{user.pk}", "first_name": "", "last_name": "", "email": ""}
        changed[user_model._meta.label] += user_model.objects.filter(pk=user.pk).update(
            **blank_user, is_active=False, password=make_password(None)
        )
        changed[f"{user_model._meta.app_label}.Historical{user_model.__name__}"] += user_model.history.filter(
            id=user.pk
        ).update(**blank_user)
    changed += _erase_mentions(terms)
    signed_out = _sign_out({user.pk for user in accounts})
    person.refresh_from_db()
    audit_record(
        actor=actor,
        event_type=AuditEventType.PERSONAL_DATA_ERASED,
        target=person,
        summary=f"Erased the personal data of person record {person.pk}",
        payload={
            "rows_changed": dict(sorted(changed.items())),
            "accounts": len(accounts),
            "sessions_ended": signed_out,
        },
    )
    return person
