"""A worker killed in the middle of a use case leaves no partial record.

Each case runs a real service in a separate process, against a file-based
SQLite database, and SIGKILLs that process from inside the service's
transaction, after its first rows are written: an activity import (the batch
and its activities written), a return submission (the return saved as
submitted) and a funding decision (the first award and its payments
written). The kill point is the service's own ``audit_record`` call,
replaced in the child process only, so no product code changes. The parent
then reads the database: nothing of the use case may be there. A control run
without the kill shows the same reads do find the records.

Run as a script, this file is the child process:
``python tests/test_kill_midway.py setup|run|kill|check CASE`` with
``DATABASE_URL`` set.
"""

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CASES = ["activity_import", "return_submit", "allocation_decide"]


# --- the child process ------------------------------------------------------


def _setup_activity_import() -> dict:
    from cpeg.accounts.tests.factories import GroupAdminFactory
    from cpeg.groups.tests.factories import EngagementGroupFactory, VenueFactory, borough

    group = EngagementGroupFactory(borough=borough("camden"))
    VenueFactory(group=group, name="Town Hall")
    return {"group": group.pk, "actor": GroupAdminFactory(group=group).pk}


def _run_activity_import(ids: dict) -> None:
    from cpeg.accounts.models import User
    from cpeg.activities.services import activity_import
    from cpeg.activities.tests.helpers import csv_upload
    from cpeg.groups.models import EngagementGroup

    rows = [
        ["Public meeting", "Spring public meeting", "2025-05-14", "19:00", "Town Hall", "65"]
        + ["Yes", "yes", "", "ASB", "", ""],
        ["newsletter", "Summer newsletter", "01/07/2025", "", "", "", "", "", "", "", "", "Printed 2,000"],
    ]
    result = activity_import(
        group=EngagementGroup.objects.get(pk=ids["group"]),
        actor=User.objects.get(pk=ids["actor"]),
        file=csv_upload(rows),
    )
    assert result.errors == [], result.errors


def _check_activity_import(ids: dict) -> dict:
    from cpeg.activities.models import Activity, ActivityEvidence, ActivityImportBatch
    from cpeg.core.models import AuditEvent

    return {
        "activities": Activity.objects.filter(group_id=ids["group"]).count(),
        "activity history rows": Activity.history.filter(group_id=ids["group"]).count(),
        "evidence": ActivityEvidence.objects.filter(activity__group_id=ids["group"]).count(),
        "import batches": ActivityImportBatch.objects.filter(group_id=ids["group"]).count(),
        "import events": AuditEvent.objects.filter(event_type="ACTIVITIES_IMPORTED").count(),
    }


def _setup_return_submit() -> dict:
    from cpeg.accounts.tests.factories import GroupAdminFactory
    from cpeg.monitoring.tests.factories import camden_with_activities, complete_lines, q2_return

    group = camden_with_activities()
    qr = q2_return(group)
    complete_lines(qr)
    return {"return": qr.pk, "actor": GroupAdminFactory(group=group).pk}


def _run_return_submit(ids: dict) -> None:
    from cpeg.accounts.models import User
    from cpeg.monitoring.models import QuarterlyReturn
    from cpeg.monitoring.services import return_submit

    return_submit(
        quarterly_return=QuarterlyReturn.objects.get(pk=ids["return"]), actor=User.objects.get(pk=ids["actor"])
    )


def _check_return_submit(ids: dict) -> dict:
    from cpeg.core.models import AuditEvent
    from cpeg.monitoring.models import QuarterlyReturn

    qr = QuarterlyReturn.objects.get(pk=ids["return"])
    return {
        "submitted": int(qr.submitted_at is not None or qr.status == "submitted"),
        "return history rows after opening": qr.history.count() - 1,
        "submitted events": AuditEvent.objects.filter(event_type="RETURN_SUBMITTED").count(),
    }


def _setup_allocation_decide() -> dict:
    from decimal import Decimal

    from cpeg.accounts.tests.factories import GroupAdminFactory, ManagerFactory, OfficerFactory
    from cpeg.funding import services
    from cpeg.funding.tests.factories import CriterionFactory, FundingRoundFactory
    from cpeg.funding.tests.test_services import _moderated
    from cpeg.groups.tests.factories import EngagementGroupFactory, borough

    manager, officer = ManagerFactory(), OfficerFactory()
    funding_round = FundingRoundFactory()
    CriterionFactory(funding_round=funding_round, title="Delivery last year", weight=30, position=1)
    awards = {}
    for slug in ("camden", "hackney", "islington"):
        group = EngagementGroupFactory(borough=borough(slug))
        application = _moderated(funding_round, group, GroupAdminFactory(group=group), officer, manager)
        awards[application.pk] = Decimal("30000.00")
    services.allocation_save(funding_round=funding_round, actor=manager, awards=awards)
    return {"round": funding_round.pk, "actor": manager.pk}


def _run_allocation_decide(ids: dict) -> None:
    import datetime as dt

    from cpeg.accounts.models import User
    from cpeg.funding.allocation import allocation_decide
    from cpeg.funding.models import FundingRound

    funding_round = FundingRound.objects.get(pk=ids["round"])
    # A round is decided once its application deadline has passed.
    allocation_decide(
        funding_round=funding_round,
        actor=User.objects.get(pk=ids["actor"]),
        today=funding_round.closes_on + dt.timedelta(days=1),
    )


def _check_allocation_decide(ids: dict) -> dict:
    from cpeg.core.models import AuditEvent
    from cpeg.funding.models import Award, FundingRound, Payment

    funding_round = FundingRound.objects.get(pk=ids["round"])
    return {
        "awards": Award.objects.count(),
        "award history rows": Award.history.count(),
        "payments": Payment.objects.count(),
        "round decided": int(funding_round.status == "decided"),
        "decision events": AuditEvent.objects.filter(
            event_type__in=["FUNDING_AWARD_DECIDED", "FUNDING_ROUND_DECIDED"]
        ).count(),
    }


# The audit_record each service calls after writing its rows (its last step
# inside the transaction), and the rows that show the write had started.
KILL_POINTS = {
    "activity_import": ("cpeg.activities.services", "SELECT count(*) FROM activities_activity"),
    "return_submit": (
        "cpeg.monitoring.services",
        "SELECT count(*) FROM monitoring_quarterlyreturn WHERE status = 'submitted'",
    ),
    "allocation_decide": ("cpeg.funding.allocation", "SELECT count(*) FROM funding_payment"),
}


def _install_kill_point(case: str) -> None:
    """Replace the service module's audit_record with one that reports the
    rows written so far in the open transaction, then SIGKILLs the process."""
    import importlib

    from django.db import connection

    module_name, written_sql = KILL_POINTS[case]
    module = importlib.import_module(module_name)

    def kill(**kwargs):
        assert connection.in_atomic_block, "the kill point must be inside the service's transaction"
        with connection.cursor() as cursor:
            cursor.execute(written_sql)
            written = cursor.fetchone()[0]
        print(json.dumps({"rows written before the kill": written}), flush=True)
        os.kill(os.getpid(), signal.SIGKILL)

    module.audit_record = kill


def child(phase: str, case: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    import django

    django.setup()
    module = globals()
    ids_path = Path(os.environ["KILL_TEST_IDS"])
    if phase == "setup":
        # Set up (committed), then read as "check" does: what the use case
        # writes must not be there yet.
        ids = module[f"_setup_{case}"]()
        ids_path.write_text(json.dumps(ids))
        print(json.dumps(module[f"_check_{case}"](ids)), flush=True)
        return
    ids = json.loads(ids_path.read_text())
    if phase == "kill":
        _install_kill_point(case)
    if phase in ("run", "kill"):
        module[f"_run_{case}"](ids)
        print(json.dumps({"completed": True}), flush=True)
    else:
        print(json.dumps(module[f"_check_{case}"](ids)), flush=True)


# --- the tests (parent process) --------------------------------------------


def _child(phase: str, case: str, database: Path, timeout: int = 240) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "KILL_TEST_IDS": str(database.with_suffix(".json")),
    }
    return subprocess.run(
        [sys.executable, __file__, phase, case], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )


def _last_json(result: subprocess.CompletedProcess) -> dict:
    lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
    assert lines, f"no output from the child process:\n{result.stdout}\n{result.stderr[-3000:]}"
    return json.loads(lines[-1])


def _migrated_by_the_test_run(database: Path, request) -> bool:
    """Copy the test run's own SQLite database (migrated, and empty between
    tests: pytest-django rolls every non-transactional test back) into
    ``database``, rather than migrating another from scratch (about a minute).

    Only when the run's database is SQLite and no transaction is open on it
    (the shared demo's, or a test's); otherwise False, and the caller migrates.
    """
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
        return False
    request.getfixturevalue("django_db_setup")
    import sqlite3

    from django.db import connection

    # Only the run's in-memory test database (never the site's own file,
    # which connecting would create), and only once it is migrated.
    if not connection.creation.is_in_memory_db(connection.settings_dict["NAME"]):
        return False
    with request.getfixturevalue("django_db_blocker").unblock():
        if connection.in_atomic_block:
            return False
        connection.ensure_connection()
        if not connection.connection.execute(
            "SELECT count(*) FROM sqlite_master WHERE name = 'django_migrations'"
        ).fetchone()[0]:
            return False
        target = sqlite3.connect(database)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
    return True


@pytest.fixture(scope="module", autouse=True)
def _on_sqlite_only():
    """The cases run on a SQLite file whatever database the run uses, so the
    PostgreSQL run would only repeat the SQLite run's checks, after migrating
    a database of its own (two minutes of its time): it skips them."""
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
        pytest.skip("run on a SQLite file whatever the database: the SQLite run checks this")


@pytest.fixture(scope="module")
def migrated_database(tmp_path_factory, request) -> Path:
    """An empty, migrated file database, copied for each case."""
    database = tmp_path_factory.mktemp("kill") / "migrated.sqlite3"
    if _migrated_by_the_test_run(database, request):
        return database
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True, timeout=600
    )
    return database


@pytest.fixture(scope="module")
def set_up(migrated_database, tmp_path_factory):
    """Each case's records set up once, in its own copy of the migrated
    database, with what the checks read then: both tests of the case start
    from a copy of it."""
    done = {}

    def get(case: str) -> tuple[Path, dict]:
        if case not in done:
            database = tmp_path_factory.mktemp(f"set-up-{case}") / "set-up.sqlite3"
            _copy_database(migrated_database, database)
            setup = _child("setup", case, database)
            assert setup.returncode == 0, setup.stderr[-3000:]
            done[case] = database, _last_json(setup)
        return done[case]

    return get


def _copy_database(database: Path, to: Path) -> None:
    """A consistent copy by SQLite's backup API: in write-ahead-log mode a
    child's last writes may still be in the ``-wal`` file beside it."""
    import sqlite3

    source, target = sqlite3.connect(database), sqlite3.connect(to)
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()


def _copy(database: Path, to: Path) -> Path:
    """A copy of a set-up database, with the ids of what was set up."""
    _copy_database(database, to)
    shutil.copyfile(database.with_suffix(".json"), to.with_suffix(".json"))
    return to


@pytest.mark.parametrize("case", CASES)
def test_a_worker_killed_mid_transaction_leaves_no_partial_record(case, set_up, tmp_path):
    """Killed after its first rows are written, the use case left nothing behind."""
    set_up_database, before = set_up(case)
    database = _copy(set_up_database, tmp_path / "kill.sqlite3")
    assert not any(before.values()), f"the use case had already happened before the run: {before}"

    killed = _child("kill", case, database)
    assert killed.returncode == -signal.SIGKILL, f"not killed at the kill point:\n{killed.stderr[-3000:]}"
    assert _last_json(killed)["rows written before the kill"] > 0

    after = _child("check", case, database)
    assert after.returncode == 0, after.stderr[-3000:]
    assert _last_json(after) == before


@pytest.mark.parametrize("case", CASES)
def test_the_same_run_without_the_kill_leaves_every_record(case, set_up, tmp_path):
    """Control: run to the end, the same reads find every record (so the check above could fail)."""
    database = _copy(set_up(case)[0], tmp_path / "complete.sqlite3")
    completed = _child("run", case, database)
    assert completed.returncode == 0, completed.stderr[-3000:]
    after = _last_json(_child("check", case, database))
    assert all(after.values()), f"the use case left no trace of some kind, so the check could not see it: {after}"


if __name__ == "__main__":
    child(*sys.argv[1:3])
