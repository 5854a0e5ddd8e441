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


@pytest.mark.django_db(transaction=True)
def test_profiles_are_keyed_again_by_their_stored_values_and_duplicates_merged():
    """Migration 0009: a profile keyed by its values' label names (as imports
    did before it) and the same profile keyed by its stored values become
    one, keyed by the stored values, with every search kept."""
    from cpeg.scrutiny.importer import PROFILE_FIELDS
    from cpeg.scrutiny.models import profile_key

    apps = _migrate([("scrutiny", "0008_stopsearch_profiles")])
    try:
        imported = apps.get_model("scrutiny", "StopSearchImport").objects.create(
            force="metropolitan", month=dt.date(2018, 10, 1), file_name="a.csv", status="done"
        )
        profile = apps.get_model("scrutiny", "StopSearchProfile")
        values = {
            "search_type": "Person search",
            "gender": "Male",
            "age_range": "18-24",
            "self_defined_ethnicity": "White - English",
            "self_defined_group": "white",
            "self_defined_census_group": "white",
            "officer_defined_group": "white",
            "legislation": "Misuse of Drugs Act 1971 (section 23)",
            "object_of_search": "Controlled drugs",
            "outcome": "nfa",
            "outcome_linked_to_object": None,
            "more_than_outer_clothing_removed": False,
        }
        stored_key = profile_key(tuple(values[name] for name in PROFILE_FIELDS))
        by_labels = profile.objects.create(key="0" * 32, **values)  # as an import keyed it
        by_values = profile.objects.create(key=stored_key, **values)  # as migration 0008 keyed it
        other = profile.objects.create(key="1" * 32, **{**values, "outcome": "arrest"})
        stop = apps.get_model("scrutiny", "StopSearch")
        common = {
            "source_import": imported,
            "occurred_at": dt.datetime(2018, 10, 5, 14, 30, tzinfo=dt.UTC),
            "london_date": dt.date(2018, 10, 5),
            "location_status": "none",
        }
        for number, kept in ((2, by_labels), (3, by_values), (4, other)):
            stop.objects.create(row_number=number, profile=kept, **common)

        apps = _migrate([("scrutiny", "0009_profile_keys_of_plain_values")])
        profiles = apps.get_model("scrutiny", "StopSearchProfile").objects.order_by("pk")
        assert [(p.pk, p.outcome) for p in profiles] == [(by_labels.pk, "nfa"), (other.pk, "arrest")]
        for p in profiles:
            assert p.key == profile_key(tuple(getattr(p, name) for name in PROFILE_FIELDS))
        rows = apps.get_model("scrutiny", "StopSearch").objects.order_by("row_number")
        assert [(r.row_number, r.profile_id) for r in rows] == [
            (2, by_labels.pk),
            (3, by_labels.pk),
            (4, other.pk),
        ]
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
