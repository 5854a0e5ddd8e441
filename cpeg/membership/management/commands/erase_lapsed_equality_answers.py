"""Erase the equality answers of people who left a group (or whose
executive term ended) more than the retention period ago. Idempotent: run
it daily. The period is ``EQUALITY_ANSWERS_RETENTION_DAYS`` (default 90),
set by the authority."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from cpeg.membership.services import equality_answers_erase_lapsed

DEFAULT_RETENTION_DAYS = 90


class Command(BaseCommand):
    help = "Erase equality monitoring answers once the retention period after leaving has passed."

    def handle(self, *args, **options):
        days = int(getattr(settings, "EQUALITY_ANSWERS_RETENTION_DAYS", DEFAULT_RETENTION_DAYS))
        erased = equality_answers_erase_lapsed(today=timezone.localdate(), retention_days=days)
        self.stdout.write(f"Erased the equality answers of {erased} former members ({days} days after leaving)")
