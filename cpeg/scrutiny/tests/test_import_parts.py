"""A month read and stored in parts: the published form read without the
csv module gives what the csv module gives, a bad row found after storing
began still saves nothing, and a profile's key is that of its stored values."""

import pytest
from django.db import DatabaseError

from cpeg.scrutiny import importer, services
from cpeg.scrutiny.choices import ImportStatus
from cpeg.scrutiny.importer import PROFILE_FIELDS, parse_csv
from cpeg.scrutiny.models import StopSearch, StopSearchProfile, profile_key
from cpeg.scrutiny.tests.factories import ANGEL, import_rows, police_csv, shared_data, stop_row

pytestmark = pytest.mark.django_db

MONTH = shared_data() / "police-uk" / "stop-and-search" / "2018-10-metropolitan-stop-and-search.csv"


def _by_csv_module(monkeypatch, data: bytes):
    with monkeypatch.context() as patch:
        patch.setattr(importer, "_read_plain", lambda text: None)
        return parse_csv(data)


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda data: data, id="as published"),
        pytest.param(lambda data: data.replace(b"\n", b"\r\n"), id="CRLF line endings"),
        pytest.param(lambda data: data.replace(b"\n", b"\n\n", 3), id="blank lines"),
        pytest.param(
            lambda data: data.replace(b"2018-10-01T", b"2018-10-01X", 2).replace(b",51.5", b",95.5", 2),
            id="bad dates and latitudes",
        ),
    ],
)
def test_the_published_form_is_read_as_the_csv_module_reads_it(monkeypatch, change):
    data = change(MONTH.read_bytes())
    assert importer._read_plain(data.decode().replace("\r\n", "\n")) is not None  # the quicker way is taken
    quick, thorough = parse_csv(data), _by_csv_module(monkeypatch, data)
    assert len(quick) + quick.error_count == len(thorough) + thorough.error_count >= 12654
    assert quick.rows == thorough.rows
    assert (quick.errors, quick.error_count) == (thorough.errors, thorough.error_count)


def test_a_quoted_value_or_a_short_row_is_read_by_the_csv_module(monkeypatch):
    quoted = police_csv([stop_row(), stop_row(legislation='"Police and Criminal Evidence Act 1984, section 1"')])
    assert importer._read_plain(quoted.decode()) is None
    parsed = parse_csv(quoted)
    assert [row.legislation for row in parsed.rows][1] == "Police and Criminal Evidence Act 1984, section 1"
    short = police_csv([stop_row(), stop_row()[:-1]])
    assert importer._read_plain(short.decode()) is None
    assert parse_csv(short).errors == [{"row": 3, "message": "The row has 14 values, not 15"}]


def test_a_bad_row_found_after_storing_began_saves_nothing(monkeypatch):
    monkeypatch.setattr(services, "_PART", 10)  # the bad rows are in the third part
    good = import_rows([stop_row(), stop_row(where=ANGEL)])
    profiles = StopSearchProfile.objects.count()
    rows = [stop_row(age=f"age {i % 3}") for i in range(30)]
    rows[24] = stop_row(where=("51.5", "east"))
    rows[29] = stop_row(date="2018-11-01T10:00:00+00:00")
    bad = import_rows(rows)
    assert bad.status == ImportStatus.FAILED
    assert [(error["row"], error["message"][:24]) for error in bad.errors] == [
        (26, "Longitude 'east' is not "),
        (31, "The search on 1 November"),
    ]
    assert set(StopSearch.objects.values_list("source_import", flat=True)) == {good.pk}
    assert StopSearch.objects.count() == 2
    assert StopSearchProfile.objects.count() == profiles  # the new ages' profiles went with the rest


def test_a_database_error_while_storing_saves_nothing_and_fails_the_import(monkeypatch):
    good = import_rows([stop_row(), stop_row()])
    _break_rows(monkeypatch)
    failed = import_rows([stop_row(outcome="Arrest")])
    assert failed.status == ImportStatus.FAILED
    assert "nothing was saved" in failed.errors[0]["message"]
    assert list(StopSearch.objects.values_list("source_import", flat=True)) == [good.pk, good.pk]


def _break_rows(monkeypatch):
    """Rows the database refuses (no row number): SQLite on the second
    thread, PostgreSQL at the end of the COPY."""
    rows = services._Values.rows
    monkeypatch.setattr(
        services._Values, "rows", lambda self, pk, numbers, *codes: rows(self, pk, [None] * len(numbers), *codes)
    )


def test_a_profile_is_keyed_by_its_values_as_stored():
    import_rows(
        [
            stop_row(),
            stop_row(outcome="Arrest", officer="Black", self_defined="Black/African/Caribbean/Black British - African"),
            stop_row(linked="True", strip="False"),
        ]
    )
    stored = StopSearchProfile.objects.values_list("key", *PROFILE_FIELDS)
    assert len(stored) == 3
    for key, *values in stored:
        assert key == profile_key(tuple(values))


def test_the_database_error_is_not_hidden_from_a_caller_that_checks(monkeypatch):
    """The import fails in words, and the error itself is logged."""
    import logging

    records = []
    handler = logging.Handler()
    handler.emit = records.append
    logging.getLogger("cpeg.scrutiny.services").addHandler(handler)
    try:
        _break_rows(monkeypatch)
        import_rows([stop_row()])
    finally:
        logging.getLogger("cpeg.scrutiny.services").removeHandler(handler)
    assert any(isinstance(record.exc_info[1], DatabaseError) for record in records if record.exc_info)


def test_a_refused_file_leaves_the_month_as_it_was():
    """The month's old rows are deleted while the file is read (SQLite, on
    the second thread); a file refused as a whole rolls that back."""
    import datetime as dt

    from cpeg.scrutiny.services import stop_search_import_file

    good = import_rows([stop_row(), stop_row()])
    refused = stop_search_import_file(
        force="metropolitan",
        month=dt.date(2018, 10, 1),
        file_name="2018-10-metropolitan-stop-and-search.csv",
        data=police_csv([stop_row()[:14]], header=importer.COLUMNS[:14]),
    )
    assert refused.status == ImportStatus.FAILED
    assert "This is not a police.uk stop and search file" in refused.errors[0]["message"]
    assert list(StopSearch.objects.values_list("source_import", flat=True)) == [good.pk, good.pk]
