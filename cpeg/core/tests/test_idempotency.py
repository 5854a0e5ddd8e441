"""One-time form tokens (core.idempotency)."""

from django import forms

from cpeg.core.forms import GovukFormMixin
from cpeg.core.idempotency import FORM_TOKEN_FIELD, FormTokenMixin, clean_form_token, new_form_token


class NoteForm(FormTokenMixin, GovukFormMixin, forms.Form):
    text = forms.CharField()


def test_every_blank_form_gets_a_new_token_rendered_as_a_hidden_field():
    first, second = NoteForm(), NoteForm()
    assert first.initial[FORM_TOKEN_FIELD] != second.initial[FORM_TOKEN_FIELD]
    html = str(first[FORM_TOKEN_FIELD])
    assert 'type="hidden"' in html
    assert first.initial[FORM_TOKEN_FIELD] in html
    assert FORM_TOKEN_FIELD in first.helper.layout.fields


def test_a_submitted_form_keeps_the_token_it_was_shown_with():
    token = new_form_token()
    form = NoteForm({"text": "Hello", FORM_TOKEN_FIELD: token})
    assert form.form_token == token
    assert form.is_valid() is True
    assert form.form_token == token


def test_a_missing_or_mangled_token_cleans_to_nothing_and_is_never_an_error():
    assert clean_form_token(None) == ""
    assert clean_form_token("short") == ""
    assert clean_form_token("x" * 65) == ""
    assert clean_form_token("<script>alert(1)</script>xxxxxxxx") == ""
    form = NoteForm({"text": "Hello", FORM_TOKEN_FIELD: "'; drop table"})
    assert form.is_valid() is True
    assert form.form_token == ""
