"""Reading police.uk files: both vocabularies, line endings, bad input."""

import datetime as dt

import pytest

from cpeg.scrutiny.choices import EthnicGroup, Outcome
from cpeg.scrutiny.importer import (
    COLUMNS,
    ImportRefusedError,
    month_and_force_from_name,
    parse_api_json,
    parse_csv,
    parse_file,
    self_defined_groups,
)
from cpeg.scrutiny.tests.factories import police_csv, shared_data, stop_row

API_FILE = shared_data() / "police-uk/api/stops-2023-01-city-of-london-api-response.json"


def test_reads_a_row_and_reports_the_london_date():
    parsed = parse_csv(police_csv([stop_row(date="2018-09-30T23:01:00+00:00")]))
    assert parsed.errors == []
    (row,) = parsed.rows
    # 23:01 UTC on 30 September is 00:01 on 1 October in London (BST).
    assert row.london_date == dt.date(2018, 10, 1)
    assert row.occurred_at == dt.datetime(2018, 9, 30, 23, 1, tzinfo=dt.UTC)
    assert row.row_number == 2
    assert row.outcome == Outcome.NO_FURTHER_ACTION
    assert (row.latitude, row.longitude) == (51.5074, -0.1278)


def test_crlf_and_byte_order_mark_read_the_same_as_lf():
    rows = [stop_row(), stop_row(outcome="Arrest")]
    plain = parse_csv(police_csv(rows))
    crlf = parse_csv(b"\xef\xbb\xbf" + police_csv(rows, newline="\r\n"))
    assert crlf.errors == []
    assert [r.__dict__ for r in crlf.rows] == [r.__dict__ for r in plain.rows]


@pytest.mark.parametrize(
    ("text", "group", "census"),
    [
        ("Other ethnic group - Not stated", EthnicGroup.NOT_STATED, EthnicGroup.NOT_STATED),
        ("", EthnicGroup.NOT_STATED, EthnicGroup.NOT_STATED),
        ("Other ethnic group - Any other ethnic group", EthnicGroup.OTHER, EthnicGroup.OTHER),
        ("Mixed/Multiple ethnic groups - White and Black Caribbean", EthnicGroup.MIXED, EthnicGroup.BLACK),
        ("Mixed/Multiple ethnic groups - White and Asian", EthnicGroup.MIXED, EthnicGroup.MIXED),
        ("Black/African/Caribbean/Black British - African", EthnicGroup.BLACK, EthnicGroup.BLACK),
        ("White - Any other White background", EthnicGroup.WHITE, EthnicGroup.WHITE),
        # The pre-2017 vocabulary: Chinese was "Other" then, "Asian" now.
        ("Chinese or other ethnic group - Chinese (O1)", EthnicGroup.ASIAN, EthnicGroup.ASIAN),
        ("Chinese or other ethnic group - Any other ethnic group (O9)", EthnicGroup.OTHER, EthnicGroup.OTHER),
        ("Mixed - White and Black African (M2)", EthnicGroup.MIXED, EthnicGroup.BLACK),
        ("Black or Black British - Caribbean (B1)", EthnicGroup.BLACK, EthnicGroup.BLACK),
        ("Not Stated (NS)", EthnicGroup.NOT_STATED, EthnicGroup.NOT_STATED),
    ],
)
def test_self_defined_groups(text, group, census):
    assert self_defined_groups(text) == (group, census)


def test_legacy_outcomes_map_onto_the_current_ones():
    legacy = [
        "Nothing found - no further action",
        "Suspect arrested",
        "Offender given drugs possession warning",
        "Offender given penalty notice",
        "Local resolution",
        "Suspect summonsed to court",
        "Offender cautioned",
    ]
    parsed = parse_csv(police_csv([stop_row(outcome=text) for text in legacy]))
    assert parsed.errors == []
    assert [r.outcome for r in parsed.rows] == [
        Outcome.NO_FURTHER_ACTION,
        Outcome.ARREST,
        Outcome.DRUGS_WARNING,
        Outcome.PENALTY_NOTICE,
        Outcome.COMMUNITY_RESOLUTION,
        Outcome.SUMMONS,
        Outcome.CAUTION,
    ]


def test_unknown_columns_refuse_the_whole_file():
    header = (*COLUMNS[:-1], "Strip search")
    with pytest.raises(ImportRefusedError, match="unknown columns: Strip search"):
        parse_csv(police_csv([stop_row()], header=header))


def test_bad_rows_are_reported_by_row_number():
    rows = [
        stop_row(),
        stop_row(where=("51.5", "not-a-number")),
        stop_row(where=("151.5", "-0.1")),
        stop_row(outcome="Sent to the moon"),
        stop_row(date="yesterday"),
        stop_row(linked="Maybe"),
    ]
    parsed = parse_csv(police_csv(rows))
    assert len(parsed.rows) == 1
    assert [e["row"] for e in parsed.errors] == [3, 4, 5, 6, 7]
    assert "Longitude 'not-a-number' is not a number" in parsed.errors[0]["message"]
    assert "out of range" in parsed.errors[1]["message"]
    assert "Unknown outcome" in parsed.errors[2]["message"]


def test_one_coordinate_without_the_other_is_an_error():
    parsed = parse_csv(police_csv([stop_row(where=("51.5", ""))]))
    assert parsed.errors[0]["message"] == "Latitude and longitude must both be given or both be blank"


def test_file_names_give_month_and_force():
    assert month_and_force_from_name("2018-10-metropolitan-stop-and-search.csv") == (
        dt.date(2018, 10, 1),
        "metropolitan",
    )
    assert month_and_force_from_name("2018-12-city-of-london-stop-and-search.csv")[1] == "city-of-london"
    assert month_and_force_from_name("2018-10-kent-stop-and-search.csv") is None
    assert month_and_force_from_name("searches.csv") is None


def test_reads_the_real_api_answer():
    parsed = parse_file(API_FILE.name, API_FILE.read_bytes())
    assert parsed.errors == []
    assert len(parsed.rows) == 165
    assert sum(1 for r in parsed.rows if r.latitude is None) == 62
    assert {r.london_date.month for r in parsed.rows} == {1}


def test_api_outcome_false_means_nothing_found():
    data = (
        b'[{"type": "Person search", "datetime": "2016-03-01T10:00:00+00:00", "location": null, "gender": "Male",'
        b' "age_range": "18-24", "self_defined_ethnicity": null, "officer_defined_ethnicity": "White",'
        b' "legislation": null, "object_of_search": null, "outcome": false,'
        b' "outcome_linked_to_object_of_search": null, "removal_of_more_than_outer_clothing": null}]'
    )
    (row,) = parse_api_json(data).rows
    assert row.outcome == Outcome.NO_FURTHER_ACTION
    assert row.self_defined_group == EthnicGroup.NOT_STATED


def test_not_json_is_refused():
    with pytest.raises(ImportRefusedError):
        parse_api_json(b"[not json")
