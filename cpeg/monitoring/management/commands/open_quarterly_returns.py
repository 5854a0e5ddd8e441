"""Open every quarterly return that is due to be open (for cron; safe to rerun).

    python manage.py open_quarterly_returns [--today YYYY-MM-DD]

Suggested crontab: daily, e.g. ``15 6 * * *``. Each return opens once:
running again the same day (or any later day) opens nothing new.
"""

import datetime as dt

from django.core.management.base import BaseCommand
from django.utils import timezone

from cpeg.monitoring.services import returns_open_due


class Command(BaseCommand):
    help = "Open the quarterly returns of quarters that have ended (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--today", help="Pretend today is this date (YYYY-MM-DD).")

    def handle(self, *args, today=None, **options):
        day = dt.date.fromisoformat(today) if today else timezone.localdate()
        opened = returns_open_due(today=day)
        for qr in opened:
            self.stdout.write(f"Opened {qr} (due {qr.due_on:%d %b %Y})")
        self.stdout.write(self.style.SUCCESS(f"{len(opened)} return{'s' if len(opened) != 1 else ''} opened."))
