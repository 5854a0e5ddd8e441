"""The same form posted twice records once (issue 9.3)."""

import pytest
from django.urls import reverse

from cpeg.accounts.tests.factories import GroupAdminFactory
from cpeg.activities import services
from cpeg.activities.models import Activity, ActivityImportBatch
from cpeg.activities.tests.helpers import csv_upload
from cpeg.activities.tests.test_views import form_data
from cpeg.core.idempotency import new_form_token
from cpeg.groups.tests.factories import EngagementGroupFactory, borough

pytestmark = pytest.mark.django_db


@pytest.fixture
def camden():
    return EngagementGroupFactory(borough=borough("camden"))


@pytest.fixture
def admin_client(client, camden):
    client.force_login(GroupAdminFactory(group=camden))
    return client


def _token_in(html: str) -> str:
    return html.split('name="form_token" value="', 1)[1].split('"', 1)[0]


def test_back_then_save_records_the_activity_once_and_goes_to_it(admin_client, camden):
    url = reverse("activities:activity-create", kwargs={"pk": camden.pk})
    token = _token_in(admin_client.get(url).text)
    first = admin_client.post(url, form_data(form_token=token))
    again = admin_client.post(url, form_data(form_token=token))
    activity = Activity.objects.get()
    assert first.status_code == again.status_code == 302
    assert again["Location"] == first["Location"] == reverse("activities:activity-detail", kwargs={"pk": activity.pk})
    assert activity.form_token == token
    # A new blank form is a new activity.
    other = _token_in(admin_client.get(url).text)
    assert other != token
    admin_client.post(url, form_data(form_token=other, title="Autumn public meeting"))
    assert Activity.objects.count() == 2


def test_the_service_returns_the_activity_already_recorded_with_the_token(camden):
    admin = GroupAdminFactory(group=camden)
    token = new_form_token()
    data = {"activity_type": "newsletter", "title": "Summer newsletter", "held_on": camden.created_at.date()}
    first = services.activity_create(group=camden, actor=admin, data=data, form_token=token)
    second = services.activity_create(group=camden, actor=admin, data=data, form_token=token)
    assert first.pk == second.pk
    assert Activity.objects.count() == 1


ROWS = [["Public meeting", "Spring public meeting", "2025-05-14", "19:00", "", "65", "", "", "", "", "", "", ""]]


def test_an_import_posted_twice_makes_one_batch(admin_client, camden):
    url = reverse("activities:activity-import")
    token = _token_in(admin_client.get(url).text)
    first = admin_client.post(url, {"file": csv_upload(ROWS), "action": "import", "form_token": token})
    assert "1 activity imported" in first.text
    assert _token_in(first.text) != token  # the next file gets a new token
    again = admin_client.post(url, {"file": csv_upload(ROWS), "action": "import", "form_token": token})
    assert again.status_code == 200
    assert "activities.csv was already imported from this page" in again.text
    assert ActivityImportBatch.objects.count() == 1
    assert Activity.objects.count() == 1


def test_checking_a_file_does_not_use_up_the_token(admin_client, camden):
    url = reverse("activities:activity-import")
    token = _token_in(admin_client.get(url).text)
    admin_client.post(url, {"file": csv_upload(ROWS), "action": "check", "form_token": token})
    admin_client.post(url, {"file": csv_upload(ROWS), "action": "import", "form_token": token})
    assert Activity.objects.count() == 1
    assert ActivityImportBatch.objects.get().form_token == token
