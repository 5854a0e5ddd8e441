"""A month read and stored: a file in the published form read by column
gives what reading it row by row gives, and is stored the same; anything
else is read row by row; a bad row found after storing began still saves
nothing, and a profile's key is that of its stored values."""

import datetime as dt

import pytest
from django.db import DatabaseError

from cpeg.scrutiny import importer
from cpeg.scrutiny.choices import ImportStatus
from cpeg.scrutiny.importer import PROFILE_FIELDS, parse_csv
from cpeg.scrutiny.models import StopSearch, StopSearchProfile, profile_key
from cpeg.scrutiny.published import read_published
from cpeg.scrutiny.services import imports, storing
from cpeg.scrutiny.tests.factories import ANGEL, import_rows, police_csv, shared_data, stop_row

pytestmark = pytest.mark.django_db

MONTH = shared_data() / "police-uk" / "stop-and-search" / "2018-10-metropolitan-stop-and-search.csv"


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda data: data, id="as published"),
        pytest.param(lambda data: data.replace(b"\n", b"\r\n"), id="CRLF line endings"),
        pytest.param(lambda data: b"\xef\xbb\xbf" + data.rstrip(b"\n"), id="byte-order mark, no last newline"),
    ],
)
def test_the_published_form_read_by_column_gives_what_row_by_row_gives(change):
    data = change(MONTH.read_bytes())
    by_column, by_row = read_published(data), parse_csv(data)
    assert by_column is not None
    assert by_row.error_count == 0
    assert len(by_column) == len(by_row) == 12654
    assert by_column.rows == by_row.rows
    assert (by_column.first_day, by_column.last_day) == (dt.date(2018, 10, 1), dt.date(2018, 10, 31))


def _published(**changes) -> bytes:
    return police_csv([stop_row(), stop_row(**changes), stop_row(where=None)])


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(MONTH.read_bytes().replace(b"\n", b"\n\n", 3), id="blank lines"),
        pytest.param(MONTH.read_bytes().replace(b"\n", b"\r"), id="CR line endings"),
        pytest.param(_published(legislation='"Police and Criminal Evidence Act 1984, section 1"'), id="a quoted value"),
        pytest.param(police_csv([stop_row(), stop_row()[:-1]]), id="a short row"),
        pytest.param(_published(date="2018-10-01X10:00:00+00:00"), id="a time that is not one"),
        pytest.param(_published(date="2018-10-01T10:00:00Z"), id="a time in another form"),
        pytest.param(_published(date="2018-02-30T10:00:00+00:00"), id="a day that does not exist"),
        pytest.param(_published(date="0000-10-05T10:00:00+00:00"), id="the year 0"),
        pytest.param(_published(date="2018-10-05T23:59:60+00:00"), id="a leap second"),
        pytest.param(_published(date="2038-07-01T23:30:00+00:00"), id="a year after 2037"),
        pytest.param(_published(date="1971-07-01T23:30:00+00:00"), id="a year before 1972"),
        pytest.param(_published(self_defined="White - " + "x" * 140_000), id="a value too long for the csv module"),
        pytest.param(_published(where=("95.5", "-0.1")), id="a latitude out of range"),
        pytest.param(_published(where=("NA", "-0.1")), id="a latitude that is not a number"),
        pytest.param(_published(where=("NaN", "-0.1")), id="a latitude that is NaN"),
        pytest.param(_published(where=("51.5", "")), id="a latitude without a longitude"),
        pytest.param(_published(outcome="Sent to the moon"), id="an unknown outcome"),
        pytest.param(_published(gender="x" * 21), id="a value too long"),
        pytest.param(_published(age="18\xa0-24").replace(b"\xc2\xa0", b"\xa0"), id="not UTF-8"),
        pytest.param(police_csv([]), id="no rows"),
        pytest.param(police_csv([stop_row()], header=importer.COLUMNS[::-1]), id="columns in another order"),
        pytest.param(b'[{"datetime": "2018-10-05T14:30:00+00:00"}]', id="API JSON"),
    ],
)
def test_any_other_file_is_read_row_by_row(data):
    """Row by row says which row is wrong and why, and reads the rest."""
    assert read_published(data) is None


def test_a_quoted_value_or_a_short_row_is_read_by_the_csv_module():
    quoted = police_csv([stop_row(), stop_row(legislation='"Police and Criminal Evidence Act 1984, section 1"')])
    parsed = parse_csv(quoted)
    assert [row.legislation for row in parsed.rows][1] == "Police and Criminal Evidence Act 1984, section 1"
    short = police_csv([stop_row(), stop_row()[:-1]])
    assert parse_csv(short).errors == [{"row": 3, "message": "The row has 14 values, not 15"}]


def _stored(record) -> list[tuple]:
    fields = [field.attname for field in StopSearch._meta.concrete_fields if field.name not in ("id", "source_import")]
    return list(StopSearch.objects.filter(source_import=record).order_by("row_number").values_list(*fields))


def test_a_month_stored_by_column_is_stored_as_row_by_row_stores_it(monkeypatch):
    """Every value of the 12,654 searches, on each database (PostgreSQL's
    COPY takes them as text), and the import's counts."""
    from cpeg.groups.tests.factories import borough

    borough("camden")
    month, name, data = dt.date(2018, 10, 1), MONTH.name, MONTH.read_bytes()
    by_column = imports.stop_search_import_file(force="metropolitan", month=month, file_name=name, data=data)
    columns = _stored(by_column)
    with monkeypatch.context() as patch:
        patch.setattr(imports, "read_published", lambda data: None)
        by_row = imports.stop_search_import_file(force="metropolitan", month=month, file_name=name, data=data)
    assert by_row.status == ImportStatus.DONE
    assert by_row.replaced_rows == 12654
    assert len(columns) == 12654
    assert columns == _stored(by_row)
    counts = ("rows_total", "in_borough", "outside_boroughs", "no_location")
    assert [getattr(by_column, name) for name in counts] == [getattr(by_row, name) for name in counts]
    assert by_column.in_borough > 10000
    assert by_column.no_location > 0


def test_a_bad_row_found_after_storing_began_saves_nothing(monkeypatch):
    monkeypatch.setattr(storing, "PART", 10)  # the bad rows are in the third part
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
    """Rows the database refuses (a row number below 0, which its check
    constraint refuses): SQLite on the second thread, PostgreSQL at the end
    of the COPY."""
    read = imports.read_published

    def negative(data):
        columns = read(data)
        columns.numbers = -columns.numbers
        return columns

    monkeypatch.setattr(imports, "read_published", negative)


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


@pytest.mark.parametrize(
    ("published", "london"),
    [
        ("2038-07-01T23:30:00+00:00", "2038-07-02"),  # summer time after 2037
        ("1944-06-01T22:30:00+00:00", "1944-06-02"),  # double summer time, two hours ahead
        ("1800-01-01T00:00:30+00:00", "1799-12-31"),  # local mean time, 1 minute 15 behind
    ],
)
def test_a_time_outside_1972_to_2037_has_its_london_date(published, london):
    """Read row by row, with the time zone database in full."""
    parsed = parse_csv(police_csv([stop_row(date=published)]))
    assert [row.london_date.isoformat() for row in parsed.rows] == [london]


def test_a_value_too_long_to_read_fails_the_import_in_words():
    """Not left running: the csv module refuses a value over 131,072 characters."""
    refused = import_rows([stop_row(), stop_row(legislation='"' + "x" * 140_000 + '"')])
    assert refused.status == ImportStatus.FAILED
    assert refused.errors[0]["message"].startswith("The file could not be read as CSV (field larger than")
