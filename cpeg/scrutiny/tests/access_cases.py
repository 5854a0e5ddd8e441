import datetime as dt

from cpeg.scrutiny.models import StopSearchImport
from tests.access import ANY_ACCOUNT, AUTHORITY, CAMDEN_GROUP, CAMDEN_READERS, EVERYONE, SIGNED_IN, VISITOR, AccessCase

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
    return {"pk": w.camden_panel.pk}


def camden_visit(w):
    from cpeg.scrutiny.tests.factories import custody_visit

    return {"pk": w.make("custody_visit", lambda w: custody_visit(w.camden_panel)).pk}


def camden_own_visit(w):
    """A Camden visit the matrix's visitor made (the first of the pair)."""
    from cpeg.scrutiny.tests.factories import custody_visit

    return {
        "pk": w.make("camden_own_visit", lambda w: custody_visit(w.camden_panel, first_visitor=w.camden_visitor)).pk
    }


def islington_panel(w):
    from cpeg.scrutiny.tests.factories import custody_panel

    return {"pk": custody_panel("Islington").pk}


def islington_visit(w):
    from cpeg.scrutiny.tests.factories import custody_panel, custody_visit

    return {"pk": w.make("islington_visit", lambda w: custody_visit(custody_panel("Islington"))).pk}


def camden_issue(w):
    """A Camden visit whose issues raised are outstanding."""
    from cpeg.scrutiny.tests.factories import custody_visit

    return {"pk": w.make("camden_issue", lambda w: custody_visit(w.camden_panel, issues_raised="Cell 3 cold")).pk}


def islington_issue(w):
    from cpeg.scrutiny.tests.factories import custody_panel, custody_visit

    return {
        "pk": w.make(
            "islington_issue", lambda w: custody_visit(custody_panel("Islington"), issues_raised="Cell 1 cold")
        ).pk
    }


# Islington's panel: the authority and the link member for Islington; never
# the Camden group nor the Camden panel's visitor.
ISLINGTON_READERS = AUTHORITY | {"link_member"}

CASES = [
    # Every signed-in person sees the boroughs they may read (maybe none);
    # stop and search is not a custody visitor's.
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
    # boroughs' panels, a visitor's to their own panel); a panel's visits for
    # the borough's readers and the panel's visitors; officers and the
    # panel's visitors record visits.
    AccessCase("scrutiny:custody-summary", ANY_ACCOUNT),
    # The summary as the national association's return file: as the page.
    AccessCase("scrutiny:custody-return-csv", ANY_ACCOUNT, query="period=2025/26"),
    AccessCase("scrutiny:custody-return-xlsx", ANY_ACCOUNT, query="period=2025/26"),
    AccessCase("scrutiny:panel-visits", CAMDEN_READERS | VISITOR, camden_panel),
    AccessCase("scrutiny:visit-create", AUTHORITY | VISITOR, camden_panel, post=True),
    AccessCase("scrutiny:visit-detail", CAMDEN_READERS | VISITOR, camden_visit),
    AccessCase("scrutiny:panel-visits", ISLINGTON_READERS, islington_panel),
    AccessCase("scrutiny:visit-create", AUTHORITY, islington_panel, post=True),
    AccessCase("scrutiny:visit-detail", ISLINGTON_READERS, islington_visit),
    # Outstanding issues: London-wide (scoped like the summary), per panel;
    # officers and the panel's visitors record how an issue was resolved.
    AccessCase("scrutiny:outstanding-issues", ANY_ACCOUNT),
    AccessCase("scrutiny:panel-issues", CAMDEN_READERS | VISITOR, camden_panel),
    AccessCase("scrutiny:panel-issues", ISLINGTON_READERS, islington_panel),
    AccessCase("scrutiny:visit-resolve", AUTHORITY | VISITOR, camden_issue, post=True),
    AccessCase("scrutiny:visit-resolve", AUTHORITY, islington_issue, post=True),
    # Correcting a visit's report: officers any visit; a visitor only a
    # visit they made (one of the pair), never another pair's nor another
    # panel's.
    AccessCase("scrutiny:visit-edit", AUTHORITY | VISITOR, camden_own_visit, post=True),
    AccessCase("scrutiny:visit-edit", AUTHORITY, camden_visit, post=True),
    AccessCase("scrutiny:visit-edit", AUTHORITY, islington_visit, post=True),
]
