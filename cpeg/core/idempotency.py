"""One-time form tokens: a form that creates a record creates it once.

Back then Save, a double click or a retried request sends the same POST
twice. A creating form carries a hidden ``form_token`` made when the blank
form was shown; the record the POST makes stores it, under a unique
constraint per owner (the database itself refuses a second record with
the same token). Before creating, the service (or view) looks the token up
with ``made_with_token``: if a record already holds it, the repeated POST
gets that record and redirects to it instead of making another.

Use it in three steps:

1. the model gets ``form_token = models.CharField(max_length=64,
   blank=True)`` and a ``UniqueConstraint`` on (owner, form_token) with
   ``condition=~Q(form_token="")``;
2. the form mixes in ``FormTokenMixin`` (the hidden field, a fresh token
   on every blank form);
3. the creating service locks the owner's row, calls ``made_with_token``
   and returns what it finds, or saves the new record with the token.

A form without a token (an old page, an API client) is not protected but
still works: an empty token is never looked up.
"""

from __future__ import annotations

import re
import secrets

from django import forms
from django.db.models import Model, QuerySet

FORM_TOKEN_FIELD = "form_token"
_TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{16,64}")


def new_form_token() -> str:
    """A random token for one blank form (32 URL-safe characters)."""
    return secrets.token_urlsafe(24)


def clean_form_token(value) -> str:
    """The token if it looks like one of ours, otherwise "" (never an error:
    a mangled token just loses the protection)."""
    value = (value or "").strip() if isinstance(value, str) else ""
    return value if _TOKEN_PATTERN.fullmatch(value) else ""


class FormTokenField(forms.CharField):
    """The hidden one-time token; a malformed value cleans to ""."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, value):
        return clean_form_token(value)


class FormTokenMixin:
    """Adds the hidden ``form_token`` field; a blank form gets a new token,
    a submitted form keeps the one it was shown with."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[FORM_TOKEN_FIELD] = FormTokenField()
        # A crispy FormHelper made in an earlier __init__ laid out the
        # fields it saw then: add the token to its layout.
        layout = getattr(getattr(self, "helper", None), "layout", None)
        if layout is not None and FORM_TOKEN_FIELD not in layout.fields:
            layout.append(FORM_TOKEN_FIELD)
        if not self.is_bound:
            self.initial[FORM_TOKEN_FIELD] = new_form_token()

    @property
    def form_token(self) -> str:
        """The submitted token ("" if missing or malformed)."""
        if hasattr(self, "cleaned_data"):
            return self.cleaned_data.get(FORM_TOKEN_FIELD, "")
        return clean_form_token(self.data.get(self.add_prefix(FORM_TOKEN_FIELD)))


def made_with_token(queryset: QuerySet, token: str) -> Model | None:
    """The record already made with ``token`` in ``queryset`` (the owner's
    records), or None; None for an empty token."""
    token = clean_form_token(token)
    if not token:
        return None
    return queryset.filter(**{FORM_TOKEN_FIELD: token}).first()
