"""Deadlines from the settings, and reminder emails before and after them."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.management import call_command

from cpeg.accounts.tests.factories import GroupAdminFactory, GroupExecutiveFactory, ManagerFactory, OfficerFactory
from cpeg.core.errors import EditConflict
from cpeg.core.fiscal import Quarter
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
    mail.outbox.clear()
    call_command("send_return_reminders", today=day, stdout=open("/dev/null", "w"))
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
