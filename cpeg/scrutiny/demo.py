"""Demo stop and search data: the Metropolitan Police's October 2018 month
(12,654 searches, the shipped police.uk file) imported and placed in
boroughs, and two monitoring meetings of Camden's group.

One month, not the whole shipped quarter, keeps the demo quick to load
(it loads in every test session); ``manage.py import_stop_and_search``
imports the other months. The figures pages open on Q3 2018/19 "to date".
"""

from __future__ import annotations

import datetime as dt
import gzip
from pathlib import Path

from cpeg.core.demo import DemoContext
from cpeg.groups.models import Borough
from cpeg.scrutiny import services
from cpeg.scrutiny.choices import Force
from cpeg.scrutiny.models import BoroughPopulation
from cpeg.scrutiny.population import load_population

DEMO_FILE = Path(__file__).resolve().parent / "reference" / "2018-10-metropolitan-stop-and-search.csv.gz"


def load(ctx: DemoContext) -> None:
    if not BoroughPopulation.objects.exists():
        load_population(Borough, BoroughPopulation)
    with gzip.open(DEMO_FILE, "rb") as handle:
        data = handle.read()
    record = services.stop_search_import_file(
        force=Force.METROPOLITAN, month=dt.date(2018, 10, 1), file_name=DEMO_FILE.name.removesuffix(".gz"), data=data
    )
    ctx.log.append(f"Stop and search: {record.rows_total} searches imported for {record}")
    camden = ctx.groups.get("camden")
    admin = ctx.admins.get("camden")
    if camden is None or admin is None:
        return
    services.meeting_record(
        group=camden,
        actor=admin,
        held_on=dt.date(2018, 11, 20),
        period="2018-10",
        police_attended=True,
        attendance=14,
        summary="The group went through October's figures with the borough's stop and search lead: searches for "
        "drugs, the share ending in no further action, and the higher rate for Black residents.",
        recommendations="Ask for the grounds recorded in a sample of drugs searches that ended with no further "
        "action, to discuss at the next meeting.",
    )
