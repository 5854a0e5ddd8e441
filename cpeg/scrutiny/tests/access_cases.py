import datetime as dt

from cpeg.scrutiny.models import StopSearchImport
from tests.access import AUTHORITY, CAMDEN_GROUP, CAMDEN_READERS, SIGNED_IN, AccessCase

CAMDEN_CHANGERS = AUTHORITY | CAMDEN_GROUP


def camden_borough(w):
    return {"pk": w.camden.borough_id}


def camden_group(w):
    return {"pk": w.camden.pk}


def an_import(w):
    record = w.make(
        "stop_search_import",
        lambda w: StopSearchImport.objects.create(
            force="metropolitan", month=dt.date(2018, 10, 1), file_name="2018-10-metropolitan-stop-and-search.csv"
        ),
    )
    return {"pk": record.pk}


CASES = [
    # Every signed-in person sees the boroughs they may read (maybe none).
    AccessCase("scrutiny:index", SIGNED_IN),
    # A borough's figures and searches: officers, the borough's group, its link member.
    AccessCase("scrutiny:borough-figures", CAMDEN_READERS, camden_borough),
    AccessCase("scrutiny:borough-stops", CAMDEN_READERS, camden_borough, query="period=2018-10"),
    # Importing police.uk files is the authority's.
    AccessCase("scrutiny:import-list", AUTHORITY, post=True),
    AccessCase("scrutiny:import-detail", AUTHORITY, an_import),
    # Monitoring meetings are group records.
    AccessCase("scrutiny:meeting-list", CAMDEN_READERS, camden_group),
    AccessCase("scrutiny:meeting-create", CAMDEN_CHANGERS, camden_group, post=True),
]
