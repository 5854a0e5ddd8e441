"""Deadlines from the settings, and reminder emails before and after them."""

import datetime as dt
import io
import smtplib

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.test import TestCase, override_settings

from cpeg.accounts.tests.factories import GroupAdminFactory, GroupExecutiveFactory, ManagerFactory, OfficerFactory
from cpeg.core.errors import EditConflict
from cpeg.core.fiscal import Quarter
from cpeg.core.models import AuditEvent
from cpeg.groups.tests.factories import EngagementGroupFactory, borough
from cpeg.monitoring import services
from cpeg.monitoring.choices import ReminderKind
from cpeg.monitoring.models import MonitoringSettings, ReturnReminder
from cpeg.monitoring.tests.factories import complete_lines, standard_template

pytestmark = pytest.mark.django_db


@pytest.fixture
def q4_return():
    """Camden's 2025/26 Q4 return: the quarter ends Tue 31 March 2026; with Good
    Friday (3 Apr) and Easter Monday (6 Apr) skipped, the 15th working day after
    it is Thu 23 April 2026, and 5 working days before that is Thu 16 April."""
    group = EngagementGroupFactory(borough=borough("camden"), email="info@camden-cpeg.example.org")
    GroupAdminFactory(group=group, email="admin@camden-cpeg.example.org")
    GroupAdminFactory(group=group, email="INFO@camden-cpeg.example.org")  # the same address twice
    GroupExecutiveFactory(group=group, email="chair@camden-cpeg.example.org")  # executives are not emailed
    standard_template(2025)
    return services.return_open(group=group, quarter=Quarter(2025, 4), today=dt.date(2026, 4, 1))


def _run(day: str) -> list[str]:
    """Run the command as cron would: each reminder is emailed once its record commits."""
    mail.outbox.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        call_command("send_return_reminders", today=day, stdout=io.StringIO())
    return [m.subject for m in mail.outbox]


def test_the_deadline_is_15_working_days_after_the_quarter_counting_bank_holidays(q4_return):
    assert q4_return.due_on == dt.date(2026, 4, 23)


def test_a_reminder_goes_five_working_days_before_the_deadline_once(q4_return):
    assert _run("2026-04-15") == []
    assert _run("2026-04-16") == ["Reminder: your quarterly return for Q4 2025/26 is due on 23 April 2026"]
    message = mail.outbox[0]
    assert message.to == ["admin@camden-cpeg.example.org", "INFO@camden-cpeg.example.org"]
    assert "23 April 2026" in message.body
    assert f"/monitoring/returns/{q4_return.pk}/" in message.body
    assert _run("2026-04-16") == []  # the same day again: nothing
    assert _run("2026-04-17") == []  # the due-soon reminder goes once
    assert _run("2026-04-23") == []  # due today is not overdue
    assert ReturnReminder.objects.filter(kind=ReminderKind.DUE_SOON).count() == 1


def test_overdue_reminders_go_the_working_day_after_the_deadline_then_weekly(q4_return):
    assert _run("2026-04-24") == ["Overdue: your quarterly return for Q4 2025/26"]
    assert _run("2026-04-24") == []
    assert _run("2026-04-25") == []  # a Saturday
    assert _run("2026-04-27") == []  # within a week of the last
    assert _run("2026-05-01") == ["Overdue: your quarterly return for Q4 2025/26"]
    assert list(ReturnReminder.objects.order_by("sent_on").values_list("kind", "sent_on")) == [
        (ReminderKind.OVERDUE, dt.date(2026, 4, 24)),
        (ReminderKind.OVERDUE, dt.date(2026, 5, 1)),
    ]


def test_a_submitted_return_gets_no_reminders(q4_return):
    complete_lines(q4_return)
    services.return_submit(quarterly_return=q4_return, actor=GroupAdminFactory(group=q4_return.group))
    assert _run("2026-04-16") == []
    assert _run("2026-04-24") == []


def test_a_manager_changes_the_deadline_for_returns_opened_afterwards(q4_return):
    manager = ManagerFactory()
    config = MonitoringSettings.load()
    with pytest.raises(PermissionDenied):
        services.monitoring_settings_update(
            actor=OfficerFactory(), data={"deadline_working_days": 10}, loaded_version=config.version
        )
    services.monitoring_settings_update(
        actor=manager,
        data={"deadline_working_days": 10, "reminder_working_days_before": 0},
        loaded_version=config.version,
    )
    with pytest.raises(EditConflict):
        services.monitoring_settings_update(actor=manager, data={"deadline_working_days": 12}, loaded_version=1)
    standard_template(2026)
    q1 = services.return_open(group=q4_return.group, quarter=Quarter(2026, 1), today=dt.date(2026, 7, 1))
    # Tue 30 Jun 2026 + 10 working days = Tue 14 July; the open Q4 return keeps 23 April.
    assert q1.due_on == dt.date(2026, 7, 14)
    q4_return.refresh_from_db()
    assert q4_return.due_on == dt.date(2026, 4, 23)
    # Reminders before the deadline are off now: only the overdue Q4 return is chased.
    assert _run("2026-07-13") == ["Overdue: your quarterly return for Q4 2025/26"]


@override_settings(SITE_URL="https://cpeg.example.org/")
def test_the_reminder_links_to_the_return_with_the_sites_full_address(q4_return):
    _run("2026-04-16")
    assert f"Return: https://cpeg.example.org/monitoring/returns/{q4_return.pk}/\n" in mail.outbox[0].body


@pytest.fixture
def hackney_return():
    group = EngagementGroupFactory(borough=borough("hackney"), email="info@hackney-cpeg.example.org")
    standard_template(2025)
    return services.return_open(group=group, quarter=Quarter(2025, 4), today=dt.date(2026, 4, 1))


def test_a_mail_server_error_for_one_group_does_not_stop_the_other_reminders(
    q4_return, hackney_return, monkeypatch, caplog
):
    from django.core.mail import EmailMessage

    send = EmailMessage.send

    def refuse_camden(message, fail_silently=False):
        if "admin@camden-cpeg.example.org" in message.to:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return send(message, fail_silently)

    monkeypatch.setattr(EmailMessage, "send", refuse_camden)
    # Camden's return comes first (same due date, lower id) and fails; Hackney's still goes.
    assert _run("2026-04-16") == ["Reminder: your quarterly return for Q4 2025/26 is due on 23 April 2026"]
    assert mail.outbox[0].to == ["info@hackney-cpeg.example.org"]
    assert "Deadline approaching reminder for" in caplog.text
    assert "could not be emailed: Connection unexpectedly closed" in caplog.text
    # Camden's reminder is not recorded as sent, so the next run tries again.
    assert list(ReturnReminder.objects.values_list("quarterly_return_id", flat=True)) == [hackney_return.pk]
    assert AuditEvent.objects.filter(event_type="RETURN_REMINDER_FAILED", target_id=q4_return.pk).count() == 1
    monkeypatch.setattr(EmailMessage, "send", send)
    assert _run("2026-04-16") == ["Reminder: your quarterly return for Q4 2025/26 is due on 23 April 2026"]
    assert mail.outbox[0].to == ["admin@camden-cpeg.example.org", "INFO@camden-cpeg.example.org"]


def _returned(qr, *, submitted: dt.datetime, returned: dt.datetime):
    admin = qr.group.role_assignments.filter(role="group_admin").first().user
    complete_lines(qr)
    qr = services.return_submit(quarterly_return=qr, actor=admin, at=submitted)
    return services.return_send_back(quarterly_return=qr, actor=OfficerFactory(), comments="Add detail", at=returned)


def test_a_returned_return_is_chased_once_ten_working_days_have_passed_without_resubmission(q4_return):
    """Due Thu 23 April 2026; sent back on Tue 21 April. Ten working days after
    that, skipping the early May bank holiday (Mon 4 May), is Wed 6 May: later
    than the due date, so that is when it is due again."""
    at = dt.datetime(2026, 4, 21, 10, tzinfo=dt.UTC)
    qr = _returned(q4_return, submitted=at - dt.timedelta(days=1), returned=at)
    assert _run("2026-04-24") == []  # past the original due date, but within its ten working days
    assert _run("2026-05-06") == []
    assert _run("2026-05-07") == ["Overdue: please resubmit your quarterly return for Q4 2025/26"]
    body = mail.outbox[0].body
    assert "was sent back to you on 21 April 2026 with the authority's comments" in body
    assert "due to be resubmitted by 6 May 2026" in body
    assert _run("2026-05-08") == []  # weekly at most
    assert _run("2026-05-14") == ["Overdue: please resubmit your quarterly return for Q4 2025/26"]
    services.return_submit(quarterly_return=qr, actor=qr.submitted_by)
    assert _run("2026-05-21") == []  # resubmitted: no more reminders


def test_a_return_sent_back_after_its_due_date_gets_ten_working_days_from_then(q4_return):
    """Sent back on Wed 20 May 2026: ten working days, skipping the spring
    bank holiday (Mon 25 May), run to Thu 4 June."""
    at = dt.datetime(2026, 5, 20, 10, tzinfo=dt.UTC)
    _returned(q4_return, submitted=at - dt.timedelta(days=2), returned=at)
    assert _run("2026-06-04") == []
    assert _run("2026-06-05") == ["Overdue: please resubmit your quarterly return for Q4 2025/26"]
