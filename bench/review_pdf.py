"""The annual review as PDF for 32 groups (32 appendix pages): how long it takes.

Run: .venv/bin/python bench/review_pdf.py [groups] [runs]
     .venv/bin/python bench/review_pdf.py --demo [runs]

Renders the hand-built review in ``cpeg/reviews/tests/fixtures.py`` (the
body sections, charts and tables, and one appendix page per group) with
``reviews.render.pdf.document_pdf`` and prints, for each run, the wall-clock
time and the CPU time of this process, then the median and best. No
database: the time is the drawing, not the figures.

``--demo`` draws the generator's 2025/26 review of the demo instead (43
pages, 80 tables): the first run loads the demo into a throwaway SQLite file
(a few minutes) and keeps the document as JSON in
``/tmp/cpeg-bench-review-demo-2025.json``; later runs read that file (delete
it after changing the demo or the generator). The machine's load
average is printed too, because other work on its two cores slows the
wall-clock time (the CPU time much less). Issue 12 asks for under 3 s; the
figures of the last run are in docs/reviews.md ("Outputs").
"""

import json
import logging
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DEMO_JSON = Path("/tmp/cpeg-bench-review-demo-2025.json")
DEMO_TODAY = "2026-11-24"  # as the tests build the demo (conftest.py)

if "--demo" in sys.argv and not DEMO_JSON.exists():
    sys.path.insert(0, str(ROOT / "bench"))
    from common import setup

    setup("review-demo")  # a fresh SQLite file, migrated
else:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
logging.getLogger("weasyprint").setLevel(logging.WARNING)

from cpeg.reviews.document import Document  # noqa: E402
from cpeg.reviews.render.pdf import document_pdf  # noqa: E402
from cpeg.reviews.tests.fixtures import review_document  # noqa: E402


def demo_document() -> Document:
    """The generator's 2025/26 review of the demo (built once, then read
    from ``DEMO_JSON``)."""
    if not DEMO_JSON.exists():
        from django.core.management import call_command

        from cpeg.core.fiscal import FinancialYear
        from cpeg.reviews.sections import build_document

        print("loading the demo (a few minutes, once)...", flush=True)
        call_command("load_demo_data", today=DEMO_TODAY, stdout=open(os.devnull, "w"))
        DEMO_JSON.write_text(json.dumps(build_document(FinancialYear(2025)).to_dict()))
    return Document.from_dict(json.loads(DEMO_JSON.read_text()))


def main(groups: int = 32, runs: int = 5, demo: bool = False) -> None:
    document = demo_document() if demo else review_document(groups)
    document_pdf(review_document(1))  # warm up: WeasyPrint's first use loads fonts and its stylesheets
    walls, cpus = [], []
    for run in range(1, runs + 1):
        wall, cpu = time.perf_counter(), time.process_time()
        pdf = document_pdf(document)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
        print(f"run {run}: wall {walls[-1]:.2f} s, cpu {cpus[-1]:.2f} s, {len(pdf):,} bytes")
    what = "the demo's review" if demo else f"{groups} groups"
    print(
        f"{what}, {runs} runs: wall median {statistics.median(walls):.2f} s (best {min(walls):.2f}), "
        f"cpu median {statistics.median(cpus):.2f} s (best {min(cpus):.2f}); "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )


if __name__ == "__main__":
    if "--demo" in sys.argv:
        main(32, *(int(a) for a in sys.argv[1:3] if a != "--demo"), demo=True)
    else:
        main(*(int(a) for a in sys.argv[1:3]))
