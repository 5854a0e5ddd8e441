"""Importing a month: boroughs by location, all or nothing, replace on re-import."""

import datetime as dt
import threading
from io import StringIO
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db.models import Count
from django.db.models.functions import TruncMonth

from cpeg.core.models import AuditEvent
from cpeg.groups.tests.factories import borough
from cpeg.scrutiny.choices import ImportStatus, LocationStatus
from cpeg.scrutiny.models import StopSearch, StopSearchImport, StopSearchProfile, profile_key
from cpeg.scrutiny.services import stop_search_import_file
from cpeg.scrutiny.tests.factories import (
    ANGEL,
    TRAFALGAR_SQUARE,
    WESTMINSTER_BRIDGE,
    import_rows,
    police_csv,
    shared_data,
    stop_row,
)

pytestmark = pytest.mark.django_db


def test_each_search_is_placed_in_the_borough_it_happened_in():
    record = import_rows(
        [
            stop_row(where=TRAFALGAR_SQUARE),
            stop_row(where=ANGEL),
            stop_row(where=WESTMINSTER_BRIDGE),  # mid-river: in no borough
            stop_row(where=("51.6556", "-0.3960")),  # Watford
            stop_row(where=None),
        ]
    )
    assert record.status == ImportStatus.DONE
    assert (record.in_borough, record.outside_boroughs, record.no_location) == (2, 2, 1)
    placed = dict(StopSearch.objects.values_list("row_number", "borough__slug"))
    assert placed == {2: "westminster", 3: "islington", 4: None, 5: None, 6: None}
    statuses = dict(StopSearch.objects.values_list("row_number", "location_status"))
    assert statuses[4] == statuses[5] == LocationStatus.OUTSIDE
    assert statuses[6] == LocationStatus.NONE
    assert AuditEvent.objects.filter(event_type="STOP_SEARCH_IMPORTED").count() == 1


def test_importing_a_month_again_replaces_it():
    first = import_rows([stop_row(), stop_row(), stop_row()])
    second = import_rows([stop_row(), stop_row(outcome="Arrest")])
    assert StopSearch.objects.count() == 2
    assert set(StopSearch.objects.values_list("source_import", flat=True)) == {second.pk}
    first.refresh_from_db()
    assert first.status == ImportStatus.REPLACED
    assert second.replaced_rows == 3
    # The same file again gives the same records.
    third = import_rows([stop_row(), stop_row(outcome="Arrest")])
    assert sorted(StopSearch.objects.values_list("profile__outcome", flat=True)) == ["arrest", "nfa"]
    assert third.status == ImportStatus.DONE


@pytest.mark.parametrize("quoted", [False, True], ids=["by-column", "row-by-row"])
def test_replacing_a_month_deletes_every_row_of_it_and_no_other(quoted):
    # The rows replaced are found by borough (or none) and London date: at
    # both ends of the month, in a borough, outside every one and unlocated.
    first_day, last_day = "2018-09-30T23:30:00+00:00", "2018-10-31T23:30:00+00:00"  # 1 and 31 October in London
    rows = [
        stop_row(date=first_day, where=TRAFALGAR_SQUARE),
        stop_row(date=last_day, where=ANGEL),
        stop_row(date=first_day, where=WESTMINSTER_BRIDGE),
        stop_row(date=last_day, where=None),
    ]
    if quoted:  # a quoted value sends the file row by row
        rows[0][0] = '"Person search"'
    september = import_rows([stop_row(date="2018-09-30T22:30:00+00:00")], month="2018-09")
    november = import_rows([stop_row(date="2018-11-01T00:30:00+00:00", where=None)], month="2018-11")
    october = import_rows(rows)
    assert (october.in_borough, october.outside_boroughs, october.no_location) == (2, 1, 1)
    again = import_rows(rows)
    assert again.replaced_rows == 4
    assert dict(StopSearch.objects.values_list("source_import").annotate(n=Count("id")).order_by()) == {
        september.pk: 1,
        november.pk: 1,
        again.pk: 4,
    }


def test_searches_share_their_profiles_and_a_new_import_adds_only_new_ones():
    import_rows([stop_row(), stop_row(), stop_row(outcome="Arrest", age="over 34")])
    assert StopSearchProfile.objects.count() == 2
    nfa, arrest = (StopSearchProfile.objects.get(outcome=o) for o in ("nfa", "arrest"))
    assert (arrest.age_range, arrest.outcome_linked_to_object, arrest.self_defined_group) == ("over 34", None, "white")
    assert sorted(StopSearch.objects.values_list("profile", flat=True)) == sorted([nfa.pk, nfa.pk, arrest.pk])
    # Importing the month again (and a file with one new profile) reuses the two.
    again = import_rows(
        [stop_row(), stop_row(outcome="Arrest", age="over 34"), stop_row(outcome="Community resolution")]
    )
    assert again.status == ImportStatus.DONE, again.errors
    assert StopSearchProfile.objects.count() == 3
    assert set(StopSearch.objects.values_list("profile__outcome", flat=True)) == {
        "nfa",
        "arrest",
        "community_resolution",
    }
    assert profile_key(("Person search",)) != profile_key(("Person search", None))


def test_a_bad_row_saves_nothing_and_keeps_the_month_as_it_was():
    good = import_rows([stop_row(), stop_row()])
    bad = import_rows([stop_row(), stop_row(where=("51.5", "x")), stop_row(date="2018-11-02T10:00:00+00:00")])
    assert bad.status == ImportStatus.FAILED
    assert [e["row"] for e in bad.errors] == [3, 4]
    assert "not in October 2018" in bad.errors[1]["message"]
    # The earlier import of the month still stands, untouched.
    assert StopSearch.objects.count() == 2
    good.refresh_from_db()
    assert good.status == ImportStatus.DONE


def test_a_file_named_for_another_force_or_month_is_refused():
    borough("camden")
    with pytest.raises(ValidationError) as error:
        stop_search_import_file(
            force="metropolitan",
            month=dt.date(2018, 11, 1),
            file_name="2018-10-city-of-london-stop-and-search.csv",
            data=police_csv([stop_row()]),
        )
    assert set(error.value.error_dict) == {"force", "month"}
    assert not StopSearchImport.objects.exists()


def test_the_shipped_met_quarter_reproduces_the_published_totals():
    """NOTES.md: 43,371 searches, Oct-Dec 2018; outcome and ethnicity totals."""
    borough("camden")
    folder = shared_data() / "police-uk" / "stop-and-search"
    # By the command: each month read while the one before is stored.
    paths = [folder / f"2018-{month}-metropolitan-stop-and-search.csv" for month in (10, 11, 12)]
    call_command("import_stop_and_search", *map(str, paths), stdout=StringIO())
    assert list(StopSearchImport.objects.order_by("month").values_list("month", "status")) == [
        (dt.date(2018, month, 1), ImportStatus.DONE) for month in (10, 11, 12)
    ]

    def totals(field):
        return dict(StopSearch.objects.values_list(field).annotate(n=Count("id")))

    months = dict(
        StopSearch.objects.annotate(month=TruncMonth("london_date")).values_list("month").annotate(n=Count("id"))
    )

    assert StopSearch.objects.count() == 43371
    assert months == {dt.date(2018, 10, 1): 12654, dt.date(2018, 11, 1): 15196, dt.date(2018, 12, 1): 15521}
    assert totals("profile__outcome") == {
        "nfa": 31439,
        "arrest": 6694,
        "community_resolution": 3747,
        "penalty_notice": 948,
        "summons": 519,
        "caution": 24,
    }
    assert totals("profile__officer_defined_group") == {
        "black": 17347,
        "white": 15631,
        "asian": 7932,
        "other": 1684,
        "none": 777,
    }
    assert totals("profile__self_defined_group") == {
        "white": 13380,
        "black": 12837,
        "none": 7613,
        "asian": 6779,
        "mixed": 1629,
        "other": 1133,
    }
    located = totals("location_status")
    assert located[LocationStatus.NONE] == 1152 + 1411 + 1544
    assert sum(located.values()) == 43371


def test_the_command_imports_files_and_reports_bad_rows(tmp_path):
    borough("camden")
    good = tmp_path / "2018-10-metropolitan-stop-and-search.csv"
    good.write_bytes(police_csv([stop_row(), stop_row(where=None)], newline="\r\n"))
    out = StringIO()
    call_command("import_stop_and_search", str(good), stdout=out)
    assert "2 searches imported" in out.getvalue()
    assert "1 with no location" in out.getvalue()
    bad = tmp_path / "2018-11-metropolitan-stop-and-search.csv"
    bad.write_bytes(police_csv([stop_row(date="2018-11-03T10:00:00+00:00", outcome="Unknown thing")]))
    out = StringIO()
    with pytest.raises(CommandError, match="1 file not imported"):
        call_command("import_stop_and_search", str(bad), stdout=out)
    assert "row 2: Unknown outcome" in out.getvalue()
    assert StopSearch.objects.count() == 2


def test_the_command_imports_each_month_of_several_files_on_its_own(tmp_path):
    """Each file is read while the one before is stored: a bad month between
    two good ones is not imported, and neither good one is held back."""
    borough("camden")
    files = []
    for month, bad in ((10, {}), (11, {"outcome": "Unknown thing"}), (12, {})):
        path = tmp_path / f"2018-{month}-metropolitan-stop-and-search.csv"
        date = f"2018-{month}-03T10:00:00+00:00"
        path.write_bytes(police_csv([stop_row(date=date, **bad), stop_row(date=date, where=None)]))
        files.append(str(path))
    out = StringIO()
    with pytest.raises(CommandError, match="1 file not imported"):
        call_command("import_stop_and_search", *files, stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("2018-10-metropolitan-stop-and-search.csv: 2 searches imported for ")
    assert lines[1:3] == [
        "2018-11-metropolitan-stop-and-search.csv: not imported.",
        "  row 2: Unknown outcome 'Unknown thing'",
    ]
    assert lines[3].startswith("2018-12-metropolitan-stop-and-search.csv: 2 searches imported for ")
    stored = StopSearch.objects.values_list("source_import__month").annotate(n=Count("id"))
    assert dict(stored) == {dt.date(2018, 10, 1): 2, dt.date(2018, 12, 1): 2}
    # A file named for another force stops the command there: the files
    # before it are imported, none after.
    other = tmp_path / "2019-01-city-of-london-stop-and-search.csv"
    other.write_bytes(police_csv([stop_row(date="2019-01-03T10:00:00+00:00")]))
    with pytest.raises(CommandError, match="is for another force"):
        call_command("import_stop_and_search", files[0], str(other), files[2], "--force", "metropolitan", stdout=out)
    imports = StopSearchImport.objects.values_list("month").annotate(n=Count("id"))
    assert dict(imports) == {dt.date(2018, month, 1): n for month, n in ((10, 2), (11, 1), (12, 1))}


@pytest.mark.django_db(transaction=True)
def test_months_imported_at_once_each_end_as_alone(tmp_path, monkeypatch):
    """Outside a transaction, on PostgreSQL, the command imports months at
    once, each on its own connection (SQLite: one after another). Each
    month is all or nothing on its own; the profiles they all add are
    stored once; the imports come back in the files' order; importing the
    same files again replaces each month."""
    from django.db import connection

    from cpeg.scrutiny.services import imports

    threads = []  # the thread each import ran on
    import_file = imports._import_file

    def spy(*args):
        threads.append(threading.current_thread().name)
        return import_file(*args)

    monkeypatch.setattr(imports, "_import_file", spy)
    borough("camden")
    ages = ("18-24", "25-34", "over 34", "10-17")
    files = []
    for month in (10, 11, 12, 1):
        year = 2019 if month == 1 else 2018
        path = tmp_path / f"{year}-{month:02d}-metropolitan-stop-and-search.csv"
        date = f"{year}-{month:02d}-03T10:00:00+00:00"
        # The same new profiles, in another order in every other month.
        order = ages[::-1] if month % 2 else ages
        rows = [stop_row(date=date, age=age, where=where) for age in order for where in (TRAFALGAR_SQUARE, None)]
        if month == 11:
            rows.append(stop_row(date=date, outcome="Unknown thing"))
        path.write_bytes(police_csv(rows))
        files.append(str(path))
    for attempt in range(2):
        out = StringIO()
        with pytest.raises(CommandError, match="1 file not imported"):
            call_command("import_stop_and_search", *files, stdout=out)
        names = [line.split(":")[0] for line in out.getvalue().splitlines() if not line.startswith(" ")]
        assert names == [Path(name).name for name in files]
        assert "  row 10: Unknown outcome 'Unknown thing'" in out.getvalue()
        stored = StopSearch.objects.values_list("source_import__month").annotate(n=Count("id"))
        assert dict(stored) == {dt.date(2018, 10, 1): 8, dt.date(2018, 12, 1): 8, dt.date(2019, 1, 1): 8}
        assert StopSearchProfile.objects.count() == len(ages)
        done = StopSearchImport.objects.filter(status=ImportStatus.DONE)
        assert sorted(done.values_list("month", flat=True)) == [dt.date(y, m, 1) for y, m in MONTHS_DONE]
        assert StopSearchImport.objects.filter(status=ImportStatus.REPLACED).count() == 3 * attempt
    if connection.vendor == "postgresql":
        assert len(threads) == 8
        assert all(name.startswith("stop-search-import") for name in threads), threads
        assert len(set(threads)) > 1
    else:
        assert set(threads) == {threading.current_thread().name}


MONTHS_DONE = ((2018, 10), (2018, 12), (2019, 1))
