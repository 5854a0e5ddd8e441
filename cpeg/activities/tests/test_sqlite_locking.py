"""Two writers at once on SQLite: the settings that make the second wait.

Two imports for the same group read, then write. In SQLite's default
(deferred) transactions both take a read lock first, and the second to
write fails at once with "database is locked" (an HTTP 500), whatever the
timeout. With ``"transaction_mode": "IMMEDIATE"`` each transaction takes
the write lock when it begins, so the second waits (up to ``"timeout"``
seconds) and then runs after the first: both succeed. The settings change
this test stands for (``config/settings/base.py``, for SQLite only)::

    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20}
    )
"""

import threading
import time

import pytest
from django.db import OperationalError, connections, transaction

PROPOSED_OPTIONS = {"transaction_mode": "IMMEDIATE", "timeout": 20}


def _run_two_writers(alias: str) -> list:
    """Two threads that each read the table, pause, then write, at once
    (as two imports do: check what is recorded, then save)."""
    outcomes = []

    def writer(n):
        try:
            with transaction.atomic(using=alias):
                cursor = connections[alias].cursor()
                cursor.execute("SELECT COUNT(*) FROM imports")
                time.sleep(0.5)
                cursor.execute("INSERT INTO imports (n) VALUES (%s)", [n])
            outcomes.append("ok")
        except OperationalError as error:
            outcomes.append(str(error))
        finally:
            connections[alias].close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def _database(tmp_path, alias: str, options: dict) -> str:
    settings = dict(connections.settings["default"])
    if settings["ENGINE"] != "django.db.backends.sqlite3":
        pytest.skip("SQLite only")
    settings.update(NAME=str(tmp_path / f"{alias}.sqlite3"), OPTIONS=options, TEST={"NAME": None})
    connections.settings[alias] = settings
    with connections[alias].cursor() as cursor:
        cursor.execute("CREATE TABLE imports (n integer)")
    connections[alias].close()
    return alias


@pytest.fixture
def unblocked(django_db_blocker):
    with django_db_blocker.unblock():
        yield
    for alias in ("deferred", "immediate"):
        if alias in connections.settings:
            connections[alias].close()
            del connections.settings[alias]


def test_deferred_transactions_fail_the_second_writer_with_database_is_locked(tmp_path, unblocked):
    alias = _database(tmp_path, "deferred", {"timeout": 20})
    outcomes = _run_two_writers(alias)
    assert sorted(outcomes) == ["database is locked", "ok"]


def test_immediate_transactions_make_the_second_writer_wait_and_both_succeed(tmp_path, unblocked):
    alias = _database(tmp_path, "immediate", PROPOSED_OPTIONS)
    outcomes = _run_two_writers(alias)
    assert outcomes == ["ok", "ok"]
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM imports")
        assert cursor.fetchone() == (2,)
