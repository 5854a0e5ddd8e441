"""Generate the scale data set (bench/scale_data.py) into the configured database.

    manage.py make_scale_data --groups 2000 --years 5

Refuses a database that already holds groups or accounts (real data, or the
demo) unless ``--force`` is given, in which case the scale records are added
beside what is there. The builder lives in ``bench/`` (beside the
benchmarks that share it), outside the apps, because it writes every app's
tables at once.
"""

import datetime as dt
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction


class Command(BaseCommand):
    help = "Generate N groups x Y years of realistic records for load tests (bulk, minutes not hours)."

    def add_arguments(self, parser):
        parser.add_argument("--groups", type=int, default=2000)
        parser.add_argument("--years", type=int, default=5, help="Financial years, ending with this one.")
        parser.add_argument("--today", help="Pretend today is this date (YYYY-MM-DD).")
        parser.add_argument("--password", default="scale", help="Password of the scale-* accounts.")
        parser.add_argument(
            "--force", action="store_true", help="Add to a database that already holds groups or accounts."
        )

    def handle(self, *args, groups, years, today, password, force, **options):
        # bench/ is at the repository root; it reads every app (core must not).
        from bench.scale_data import build, holds_data

        if groups < 1 or years < 1:
            raise CommandError("--groups and --years must be at least 1.")
        if not force and holds_data():
            raise CommandError(
                "This database already holds groups or accounts. The scale data is for an empty database "
                "(createdb a new one, migrate, then run this); --force adds it anyway."
            )
        day = dt.date.fromisoformat(today) if today else None
        started = time.perf_counter()
        with transaction.atomic():
            built = build(groups, years, today=day, password=password, log=self.stdout.write)
        if connection.vendor == "postgresql":
            # Fresh planner statistics: without them the first queries on
            # millions of new rows pick poor plans until autovacuum runs.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        first, last = built.years[0], built.years[-1]
        self.stdout.write(
            self.style.SUCCESS(
                f"Made {groups} groups x {years} years ({first.label} to {last.label}) "
                f"in {time.perf_counter() - started:.0f} s: "
                + ", ".join(f"{n:,} {k.replace('_', ' ')}" for k, n in built.counts.items())
            )
        )
