"""Long text is checked by the server and counted for the person, never cut.

A ``maxlength`` attribute makes the browser drop what is typed or pasted past
the limit without saying so. Every form page is checked for it (each URL that
takes a POST in the access matrix, as a role allowed to use it), and every
long text box must carry GOV.UK's character count.
"""

import re

import pytest
from crispy_forms_gds.layout import Layout
from django import forms
from django.template import Context, Template
from django.urls import reverse

from cpeg.core.forms import GovukFormMixin
from tests.access import World
from tests.test_access_matrix import CASES
from tests.test_error_summary_links import PREFERRED_ROLES

# The attribute itself, not the character count's data-maxlength.
MAXLENGTH = re.compile(r"\smaxlength=")
FORM_CASES = [case for case in CASES if case.post]


@pytest.mark.django_db
@pytest.mark.parametrize("case", FORM_CASES, ids=lambda c: c.name)
def test_no_form_lets_the_browser_cut_long_text(case, client):
    world = World()
    url = reverse(case.name, kwargs=case.kwargs(world) if case.kwargs else {})
    url += f"?{case.query}" if case.query else ""
    role = next(role for role in PREFERRED_ROLES if role in case.allowed)
    client.force_login(world.users[role])
    response = client.get(url)
    if response.status_code != 200:
        pytest.skip(f"no form page here (HTTP {response.status_code})")
    html = response.content.decode()
    assert not MAXLENGTH.search(html)
    for textarea in re.findall(r"<textarea[^>]*>", html):
        if "govuk-js-character-count" in textarea:
            element_id = re.search(r'id="([^"]+)"', textarea).group(1)
            assert f'id="{element_id}-info"' in html, textarea


class NotesForm(GovukFormMixin, forms.Form):
    title = forms.CharField(max_length=200)
    notes = forms.CharField(max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A field added after the shared __init__, as some forms do.
        self.fields["reason"] = forms.CharField(label="Reason", max_length=2000, widget=forms.Textarea)
        self.helper.layout = Layout(*self.fields)


def test_a_long_text_box_gets_the_character_count_and_no_maxlength():
    html = Template("{% load crispy_forms_tags %}{% crispy form %}").render(Context({"form": NotesForm()}))
    assert not MAXLENGTH.search(html)
    assert 'data-module="govuk-character-count" data-maxlength="4000"' in html
    assert 'data-module="govuk-character-count" data-maxlength="2000"' in html
    assert 'id="id_notes-info"' in html
    assert "govuk-js-character-count" in html
    # A one-line input is checked by the server only.
    assert 'data-maxlength="200"' not in html


def test_text_over_the_limit_is_refused_with_the_limit_and_kept_on_the_page():
    notes = "x" * 4001
    form = NotesForm({"title": "t" * 201, "notes": notes, "reason": "y" * 2001})
    assert form.is_valid() is False
    assert form.errors["title"] == ["Title must be 200 characters or fewer"]
    assert form.errors["notes"] == ["Notes must be 4,000 characters or fewer"]
    assert form.errors["reason"] == ["Reason must be 2,000 characters or fewer"]
    assert form["notes"].value() == notes
