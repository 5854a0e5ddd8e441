"""Every demo activity's edit form saves back unchanged.

An edit form must refill each field in a shape its own validation accepts:
a person who opens an activity and presses Save without changing anything
must not meet an error, and nothing about the activity may change.
"""

import datetime as dt
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django import forms
from django.urls import reverse

from cpeg.accounts.models import User
from cpeg.activities.forms import ActivityForm
from cpeg.activities.models import Activity
from cpeg.activities.services import ACTIVITY_FIELDS

pytestmark = pytest.mark.django_db

# The demo's own today, so "planned" and "held" mean what the demo meant.
NOW = dt.datetime(2026, 11, 24, 10, 0, tzinfo=ZoneInfo("Europe/London"))


class FormValues(HTMLParser):
    """The values a browser would send for the page's POST form."""

    def __init__(self):
        super().__init__()
        self.data: dict[str, list[str]] = {}
        self._in_form = False
        self._textarea = None
        self._select = None

    def _add(self, name, value):
        self.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post" and "action" not in attrs:
            self._in_form = True
        if not self._in_form or "name" not in attrs and tag != "option":
            return
        if tag == "input":
            kind = (attrs.get("type") or "text").lower()
            if kind in {"radio", "checkbox"}:
                if "checked" in attrs:
                    self._add(attrs["name"], attrs.get("value", "on"))
            elif kind not in {"submit", "button", "file"}:
                self._add(attrs["name"], attrs.get("value") or "")
        elif tag == "textarea":
            self._textarea = attrs["name"]
            self._add(self._textarea, "")
        elif tag == "select":
            self._select = attrs["name"]
        elif tag == "option" and self._select and "selected" in attrs:
            self._add(self._select, attrs.get("value") or "")

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea][-1] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "form":
            self._in_form = False


def _form_values(html: str) -> dict[str, list[str]]:
    parser = FormValues()
    parser.feed(html)
    return parser.data


def _snapshot(activity: Activity) -> dict:
    activity.refresh_from_db()
    values = {name: getattr(activity, name) for name in ACTIVITY_FIELDS}
    values["version"] = activity.version
    values["outputs"] = sorted(activity.evidence.values_list("output_code", flat=True))
    return values


def _initial_post(form: ActivityForm) -> dict:
    """What each field's widget renders as its value, as a browser posts it."""
    data = {}
    for bound in form:
        widget, value = bound.field.widget, bound.value()
        if isinstance(widget, forms.MultiWidget):
            parts = value if isinstance(value, list) else widget.decompress(value)
            for suffix, subwidget, part in zip(widget.widgets_names, widget.widgets, parts, strict=True):
                data[bound.html_name + suffix] = subwidget.format_value(part) or ""
        elif isinstance(widget, forms.CheckboxInput):
            if widget.check_test(value):
                data[bound.html_name] = "on"
        else:
            shown = widget.format_value(value)
            if isinstance(shown, list):
                data[bound.html_name] = [str(v) for v in shown if v != ""]
            elif shown is not None:
                data[bound.html_name] = str(shown)
    return data


@pytest.fixture
def officer_client(demo_data, client):
    """Signed in inside the test's savepoint, so the session and last_login
    are rolled back with the test, not left in the shared demo."""
    client.force_login(User.objects.get(username="officer"))
    return client


@pytest.fixture
def pinned_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def test_a_demo_activity_with_a_start_time_saves_unchanged_from_its_rendered_form(officer_client, pinned_clock):
    """Through the real HTML: what the page shows is what it accepts."""
    activities = list(Activity.objects.filter(starts_at__isnull=False).order_by("pk")[:20])
    activities += list(Activity.objects.filter(starts_at__isnull=True).order_by("pk")[:5])
    assert len(activities) == 25
    for activity in activities:
        url = reverse("activities:activity-edit", kwargs={"pk": activity.pk})
        before = _snapshot(activity)
        page = officer_client.get(url)
        assert page.status_code == 200
        data = _form_values(page.content.decode())
        assert "starts_at" in data
        assert "version" in data
        response = officer_client.post(url, data)
        assert response.status_code == 302, (activity.pk, data, response.content.decode()[:2000])
        assert _snapshot(activity) == before


def test_every_demo_activity_saves_unchanged_from_its_edit_form(officer_client, pinned_clock):
    """All of them (about 850), posting what each form's fields render."""
    activities = list(Activity.objects.select_related("group").order_by("pk"))
    assert len(activities) > 800
    failures = []
    for activity in activities:
        before = _snapshot(activity)
        form = ActivityForm(group=activity.group, initial=ActivityForm.initial_for(activity))
        url = reverse("activities:activity-edit", kwargs={"pk": activity.pk})
        response = officer_client.post(url, _initial_post(form))
        if response.status_code != 302:
            failures.append((activity.pk, dict(response.context["form"].errors)))
        elif _snapshot(activity) != before:
            failures.append((activity.pk, "changed"))
    assert not failures, f"{len(failures)} of {len(activities)} activities did not save unchanged: {failures[:20]}"
