import datetime as dt

from cpeg.scrutiny.models import StopSearchImport
from tests.access import AUTHORITY, CAMDEN_GROUP, CAMDEN_READERS, EVERYONE, SIGNED_IN, AccessCase

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


def camden_panel(w):
    from cpeg.scrutiny.tests.factories import custody_panel

    return {"pk": custody_panel("Camden").pk}


def camden_visit(w):
    from cpeg.scrutiny.tests.factories import custody_visit

    return {"pk": w.make("custody_visit", lambda w: custody_visit()).pk}


CASES = [
    # Every signed-in person sees the boroughs they may read (maybe none).
    AccessCase("scrutiny:index", SIGNED_IN),
    # A borough's figures and searches: officers, the borough's group, its link member.
    AccessCase("scrutiny:borough-figures", CAMDEN_READERS, camden_borough),
    AccessCase("scrutiny:borough-stops", CAMDEN_READERS, camden_borough, query="period=2018-10"),
    AccessCase("scrutiny:borough-pack-pdf", CAMDEN_READERS, camden_borough, query="period=2018-10"),
    # The published version of a borough's figures: anyone.
    AccessCase("scrutiny:public-pack", EVERYONE, camden_borough, query="period=2018-10"),
    AccessCase("scrutiny:public-pack-pdf", EVERYONE, camden_borough, query="period=2018-10"),
    # Importing police.uk files is the authority's.
    AccessCase("scrutiny:import-list", AUTHORITY, post=True),
    AccessCase("scrutiny:import-detail", AUTHORITY, an_import),
    # Monitoring meetings are group records.
    AccessCase("scrutiny:meeting-list", CAMDEN_READERS, camden_group),
    AccessCase("scrutiny:meeting-create", CAMDEN_CHANGERS, camden_group, post=True),
    # Custody visiting: a summary for everyone signed in (rows scoped to their
    # boroughs' panels); a panel's visits for the borough's readers; officers record.
    AccessCase("scrutiny:custody-summary", SIGNED_IN),
    AccessCase("scrutiny:panel-visits", CAMDEN_READERS, camden_panel),
    AccessCase("scrutiny:visit-create", AUTHORITY, camden_panel, post=True),
    AccessCase("scrutiny:visit-detail", CAMDEN_READERS, camden_visit),
]
