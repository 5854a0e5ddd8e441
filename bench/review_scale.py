"""The annual review at scale: its figures and its draft page at 2,000 groups.

Run against the scale data set (bench/README.md, `make scale-data`):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/scale .venv/bin/python bench/review_scale.py [year]

Builds the review of the last complete financial year (or ``year``) with
``reviews.sections.build_document`` (every section and last year's for the
comparison), then draws the officers' draft page (without the appendices),
the last page of the appendix list and the last group's appendix through
the test client, and prints the time, the SQL queries and each page's size. Query counts do
not grow with the number of groups (``cpeg/reviews/tests`` asserts it with 5
and 32 groups); this shows the time they take at 2,000.
"""

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
if "DATABASE_URL" not in os.environ:
    sys.exit("Set DATABASE_URL to the scale data set's database (bench/README.md).")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402


def main(year: int | None = None) -> None:
    from cpeg.accounts.models import User
    from cpeg.core.fiscal import FinancialYear
    from cpeg.groups.models import EngagementGroup
    from cpeg.reviews import sections
    from cpeg.reviews.models import AnnualReview

    fy = FinancialYear(year) if year else FinancialYear.current(timezone.localdate()).previous()
    print(f"{EngagementGroup.objects.count():,} groups; the {fy.label} review")
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        document = sections.build_document(fy)
        took = time.perf_counter() - started
    print(
        f"build_document: {took:.2f} s, {len(queries)} queries, {len(document.sections)} sections, "
        f"{len(document.figures())} figures, errors: {document.errors() or 'none'}"
    )
    review, _ = AnnualReview.objects.get_or_create(financial_year=fy.start_year)
    client = Client()
    client.force_login(User.objects.get(username="scale-officer"))
    from cpeg.reviews.views import APPENDICES_PER_PAGE

    groups = sections.appendix_groups()
    last, last_page = groups[-1], (len(groups) - 1) // APPENDICES_PER_PAGE + 1
    year = {"year": fy.start_year}
    for name, url in (
        ("draft page (no appendices)", reverse("reviews:review-draft", kwargs=year)),
        ("appendix list, last page", reverse("reviews:review-appendices", kwargs=year) + f"?page={last_page}"),
        ("the last group's appendix", reverse("reviews:review-appendix", kwargs={**year, "pk": last.pk})),
    ):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url)
            took = time.perf_counter() - started
        size = len(response.content)
        print(f"{name}: HTTP {response.status_code}, {took:.2f} s, {len(queries)} queries, {size:,} bytes")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:2]))
