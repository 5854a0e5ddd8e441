"""What every benchmark shares: a throwaway database, Django set up, and a timer.

Import this module before anything from Django:

    from common import setup, timed, print_table
    setup("funding")   # /tmp/cpeg-bench-funding.sqlite3, unless DATABASE_URL is set
"""

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def setup(name: str) -> None:
    """Settings config.settings.test, a fresh SQLite file under /tmp (or
    DATABASE_URL if set), django.setup() and the migrations."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    if "DATABASE_URL" not in os.environ:
        db_file = Path(f"/tmp/cpeg-bench-{name}.sqlite3")
        db_file.unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{db_file}"

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def timed(fn, repeats: int) -> tuple[float, float, int]:
    """(median ms, 95th percentile ms, SQL queries of one more call)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    timings = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        timings.append((time.perf_counter() - start) * 1000)
    with CaptureQueriesContext(connection) as ctx:
        fn()
    timings.sort()
    return statistics.median(timings), timings[max(int(len(timings) * 0.95) - 1, 0)], len(ctx.captured_queries)


def page(client, url: str):
    """A function that GETs ``url`` and checks it answered 200."""

    def get():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)

    return get


def print_table(cases, width: int = 50) -> None:
    """Time each (label, fn, repeats) and print a row per case."""
    rows = [(label, *timed(fn, repeats), repeats) for label, fn, repeats in cases]
    print(f"{'what':<{width}} {'median ms':>10} {'p95 ms':>8} {'queries':>8} {'runs':>5}")
    for label, median, p95, queries, repeats in rows:
        print(f"{label:<{width}} {median:>10.1f} {p95:>8.1f} {queries:>8} {repeats:>5}")
