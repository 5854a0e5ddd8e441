"""Email reminders about draft quarterly returns (for cron; safe to rerun).

    python manage.py send_return_reminders [--today YYYY-MM-DD]

Suggested crontab: daily on working days, e.g. ``0 8 * * 1-5``. A return
gets at most one reminder of each kind a day; see docs/monitoring.md.
"""

import datetime as dt

from django.core.management.base import BaseCommand
from django.utils import timezone

from cpeg.monitoring.services import reminders_send


class Command(BaseCommand):
    help = "Email reminders for quarterly returns due soon or overdue (idempotent per return, kind and day)."

    def add_arguments(self, parser):
        parser.add_argument("--today", help="Pretend today is this date (YYYY-MM-DD).")

    def handle(self, *args, today=None, **options):
        day = dt.date.fromisoformat(today) if today else timezone.localdate()
        sent = reminders_send(today=day)
        for reminder in sent:
            self.stdout.write(f"{reminder.get_kind_display()}: {reminder.quarterly_return} -> {reminder.recipients}")
        self.stdout.write(self.style.SUCCESS(f"{len(sent)} reminder{'s' if len(sent) != 1 else ''} sent."))
