"""The annual review as PDF for 32 groups (32 appendix pages): how long it takes.

Run: .venv/bin/python bench/review_pdf.py [groups] [runs]

Renders the hand-built review in ``cpeg/reviews/tests/fixtures.py`` (the
body sections, charts and tables, and one appendix page per group) with
``reviews.render.pdf.document_pdf`` and prints, for each run, the wall-clock
time and the CPU time of this process, then the median and best. No
database: the time is the drawing, not the figures. The machine's load
average is printed too, because other work on its two cores slows the
wall-clock time (the CPU time much less). Issue 12 asks for under 3 s; the
figures of the last run are in docs/reviews.md ("Outputs").
"""

import logging
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402

django.setup()
logging.getLogger("weasyprint").setLevel(logging.WARNING)

from cpeg.reviews.render.pdf import document_pdf  # noqa: E402
from cpeg.reviews.tests.fixtures import review_document  # noqa: E402


def main(groups: int = 32, runs: int = 5) -> None:
    document = review_document(groups)
    document_pdf(review_document(1))  # warm up: WeasyPrint's first use loads fonts and its stylesheets
    walls, cpus = [], []
    for run in range(1, runs + 1):
        wall, cpu = time.perf_counter(), time.process_time()
        pdf = document_pdf(document)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
        print(f"run {run}: wall {walls[-1]:.2f} s, cpu {cpus[-1]:.2f} s, {len(pdf):,} bytes")
    print(
        f"{groups} groups, {runs} runs: wall median {statistics.median(walls):.2f} s (best {min(walls):.2f}), "
        f"cpu median {statistics.median(cpus):.2f} s (best {min(cpus):.2f}); "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
