import datetime as dt
import random

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from cpeg.core.demo import DemoContext, demo_steps


class Command(BaseCommand):
    help = "Load the demo data set (skipped if the demo accounts already exist)."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2009)
        parser.add_argument("--today", help="Pretend today is this date (YYYY-MM-DD).")
        parser.add_argument(
            "--only",
            help="Comma-separated apps whose demo steps to run, e.g. groups,accounts (tests use it).",
        )

    def handle(self, *args, seed, today, only, **options):
        if get_user_model().objects.filter(username="officer").exists():
            self.stdout.write(
                "Demo data already loaded; to reload, stop the site and run make clean "
                "(or delete db.sqlite3 with its -wal and -shm files, or the database)."
            )
            return
        ctx = DemoContext(
            today=dt.date.fromisoformat(today) if today else dt.date.today(),
            rng=random.Random(seed),
        )
        with transaction.atomic():
            for step in demo_steps(only=only.split(",") if only else None):
                step(ctx)
        for line in ctx.log:
            self.stdout.write(f"  {line}")
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
