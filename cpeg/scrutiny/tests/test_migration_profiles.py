"""Migration 0008: searches stored before it keep every value, now in profiles."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("scrutiny", "0007_custody_visit_issue_resolution")]
AFTER = [("scrutiny", "0008_stopsearch_profiles")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_existing_searches_are_given_their_profiles():
    apps = _migrate(BEFORE)
    try:
        imported = apps.get_model("scrutiny", "StopSearchImport").objects.create(
            force="metropolitan", month=dt.date(2018, 10, 1), file_name="a.csv", status="done"
        )
        stop = apps.get_model("scrutiny", "StopSearch")
        common = {
            "source_import": imported,
            "force": "metropolitan",
            "month": dt.date(2018, 10, 1),
            "occurred_at": dt.datetime(2018, 10, 5, 14, 30, tzinfo=dt.UTC),
            "london_date": dt.date(2018, 10, 5),
            "location_status": "none",
            "search_type": "Person search",
            "self_defined_group": "white",
            "self_defined_census_group": "white",
            "officer_defined_group": "white",
            "legislation": "Misuse of Drugs Act 1971 (section 23)",
        }
        stop.objects.create(row_number=2, outcome="nfa", outcome_linked_to_object=None, **common)
        stop.objects.create(row_number=3, outcome="nfa", outcome_linked_to_object=None, **common)
        stop.objects.create(row_number=4, outcome="arrest", outcome_linked_to_object=True, **common)

        apps = _migrate(AFTER)
        rows = apps.get_model("scrutiny", "StopSearch").objects.order_by("row_number")
        assert apps.get_model("scrutiny", "StopSearchProfile").objects.count() == 2
        values = [
            (r.row_number, r.profile.outcome, r.profile.outcome_linked_to_object, r.profile.legislation) for r in rows
        ]
        assert values == [
            (2, "nfa", None, "Misuse of Drugs Act 1971 (section 23)"),
            (3, "nfa", None, "Misuse of Drugs Act 1971 (section 23)"),
            (4, "arrest", True, "Misuse of Drugs Act 1971 (section 23)"),
        ]
        assert rows[0].profile_id == rows[1].profile_id != rows[2].profile_id
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
