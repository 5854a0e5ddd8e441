"""The demo emails no one while it loads, then records what it would have sent."""

import datetime as dt

import pytest
from django.urls import reverse

from cpeg.accounts.models import User
from cpeg.core.audit import audit_record
from cpeg.core.audit_events import AuditEventType
from cpeg.core.demo import demo_steps, is_loading_demo
from cpeg.monitoring.models import QuarterlyReturn
from cpeg.notifications.choices import Frequency, NotificationStatus
from cpeg.notifications.models import Notification, NotificationPreference
from cpeg.reporting.todo import home_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(demo_data):
    """The demo loaded as of 24 November 2026 (the shared fixture in conftest.py)."""


def test_events_recorded_while_the_demo_loads_queue_no_email(demo, django_capture_on_commit_callbacks):
    steps = demo_steps(only=[])
    qr = QuarterlyReturn.objects.filter(status="submitted").first()
    steps[0](None)
    try:
        assert is_loading_demo() is True
        with django_capture_on_commit_callbacks(execute=False) as queued:
            audit_record(actor=None, event_type=AuditEventType.RETURN_ACCEPTED, target=qr, group=qr.group, summary="x")
        assert queued == []
    finally:
        steps[-1](None)
    assert is_loading_demo() is False
    with django_capture_on_commit_callbacks(execute=False) as queued:
        audit_record(actor=None, event_type=AuditEventType.RETURN_ACCEPTED, target=qr, group=qr.group, summary="x")
    assert len(queued) == 1


def test_the_demo_shows_sent_and_failed_emails_and_a_digest_choice(demo, client):
    statuses = set(Notification.objects.values_list("status", flat=True))
    assert NotificationStatus.SENT in statuses
    assert NotificationStatus.FAILED in statuses
    assert NotificationPreference.objects.get(user__username="camden-admin").frequency == Frequency.DAILY
    client.force_login(User.objects.get(username="manager"))
    page = client.get(reverse("notifications:notification-list") + "?status=failed")
    assert "the mail server refused the address" in page.content.decode()


def test_the_demo_gives_camdens_admin_and_the_officer_something_to_do(demo):
    admin = User.objects.get(username="camden-admin")
    officer = User.objects.get(username="officer")
    today = dt.date(2026, 11, 24)
    admin_titles = {s.title: s.total for s in home_page(user=admin, today=today).sections}
    officer_titles = {s.title: s.total for s in home_page(user=officer, today=today).sections}
    assert admin_titles["Quarterly returns"] >= 1
    assert officer_titles["Returns to review"] >= 1
    assert officer_titles["Support requested"] >= 1
