import os
import sys

import pytest

# pytest-playwright's sync API runs an event loop in the main thread; the
# ORM calls made by the same test need this.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# The day the shared demo is built as of (the browser tests pin the clock to
# the same day).
DEMO_TODAY = "2026-11-24"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium; Playwright never downloads a browser here."""
    return {**browser_type_launch_args, "executable_path": "/usr/bin/chromium", "args": CHROMIUM_ARGS}


class SharedDemo:
    """The whole demo, loaded once per test session into an open transaction.

    Loading the demo through the services takes about a minute, so it is
    loaded once, before the first test that asks for it, and the transaction
    is left open while every test that uses it runs (each in its own savepoint,
    rolled back by pytest-django's ``db``). After the last of them the
    transaction is rolled back, so the tests that follow see the database as
    migrations left it. See docs/adr/0004-test-data-loaded-once.md.
    """

    def __init__(self):
        self._atomic = None
        self._blocker = None
        self.discarded = False

    @property
    def is_loaded(self) -> bool:
        return self._atomic is not None

    def load(self, blocker) -> None:
        from django.core.management import call_command
        from django.db import transaction

        self._blocker = blocker
        with blocker.unblock():
            self._atomic = transaction.atomic()
            self._atomic.__enter__()
            try:
                call_command("load_demo_data", today=DEMO_TODAY, stdout=open(os.devnull, "w"))
            except BaseException:
                self._atomic.__exit__(*sys.exc_info())
                self._atomic = None
                raise

    def discard(self) -> None:
        from django.db import transaction

        with self._blocker.unblock():
            transaction.set_rollback(True)
            self._atomic.__exit__(None, None, None)
        self._atomic = None
        self.discarded = True


shared_demo = SharedDemo()


def uses_demo(item) -> bool:
    return "demo_data" in getattr(item, "fixturenames", ())


def _is_transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    if marker and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")):
        return True
    return bool({"transactional_db", "live_server"} & set(item.fixturenames))


@pytest.fixture(scope="session")
def demo_data(django_db_setup, django_db_blocker):
    """The whole demo data set as of 24 November 2026, loaded once per session.

    Tests that use it need ``db`` (not ``transactional_db``): each runs in a
    savepoint inside the transaction that holds the demo, so what a test
    writes is rolled back before the next one runs.
    """
    shared_demo.load(django_db_blocker)
    yield
    if shared_demo.is_loaded:
        shared_demo.discard()


def _lane(item) -> str:
    """Which of the two lanes ``make test`` runs a test in (``-n 2 --dist loadgroup``).

    Each lane runs on one worker process, in collection order, so the tests
    that share the demo still run one after another in one process (the
    demo is loaded into its database once), and the browser tests, which
    build their own copies of the demo, run in the other. See
    docs/adr/0004-test-data-loaded-once.md.
    """
    if item.get_closest_marker("browser") or _is_transactional(item):
        return "browser-and-transactional"
    if item.nodeid.split("::")[0] in BALANCING_MODULES and not uses_demo(item):
        return "browser-and-transactional"
    return "database"


# Modules that share no demo and commit nothing, run in the browser lane
# (before its transactional tests, as pytest-django orders them) to even the
# lanes out (CPEG_TEST_TIMES). On 3 December 2026, with this one module moved,
# SQLite's lanes took 577 s (database) and 798 s (browser), before the URL
# fuzz test (92 s) went back to the database lane.
BALANCING_MODULES = frozenset({"tests/test_access_matrix.py"})


class _Lanes:
    @pytest.hookimpl(tryfirst=True)
    def pytest_collection_modifyitems(self, items):
        """Put every test in a lane (before pytest-xdist reads the marks)."""
        for item in items:
            lane = _lane(item)
            item.add_marker(pytest.mark.xdist_group(lane))
            _name_lane_in_node_id(item, lane)


def _name_lane_in_node_id(item, lane) -> None:
    """Put the lane in the test's id, as pytest-xdist's loadgroup expects.

    pytest-xdist 3.8 does this itself by setting ``item._nodeid``, which
    pytest 9.2 no longer reads (it keeps the id in ``item._id``), so without
    this every test would be scheduled on its own and both workers would
    build the demo. Only on a worker of a ``--dist loadgroup`` run.
    """
    config = item.config
    if not (hasattr(config, "workerinput") and config.getvalue("loadgroup")):
        return
    from _pytest.nodeid import NodeId

    if isinstance(getattr(item, "_id", None), NodeId) and "@" not in item.nodeid.rpartition("]")[2]:
        item._id = NodeId.parse(f"{item.nodeid}@{lane}")


class _LaneTimes:
    """With CPEG_TEST_TIMES=<file>, write each lane's (worker's) total time and
    its slowest modules there at the end of the run, to balance the lanes."""

    def __init__(self, path):
        self.path = path
        self.times = {}

    def pytest_runtest_logreport(self, report):
        node = getattr(report, "node", None)
        worker = getattr(getattr(node, "gateway", None), "id", "main")
        module = report.nodeid.split("::")[0]
        modules = self.times.setdefault(worker, {})
        modules[module] = modules.get(module, 0.0) + report.duration

    def pytest_sessionfinish(self):
        with open(self.path, "w") as out:
            for worker, modules in sorted(self.times.items()):
                out.write(f"{worker}: {sum(modules.values()):.0f} s in {len(modules)} modules\n")
                for module, seconds in sorted(modules.items(), key=lambda kv: -kv[1])[:200]:
                    out.write(f"  {seconds:8.1f} {module}\n")


def pytest_configure(config):
    config.pluginmanager.register(_Lanes(), "cpeg-test-lanes")
    if os.environ.get("CPEG_TEST_TIMES") and not hasattr(config, "workerinput"):
        config.pluginmanager.register(_LaneTimes(os.environ["CPEG_TEST_TIMES"]), "cpeg-lane-times")


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Run the tests that use the shared demo first, one after another.

    pytest-django has already put database tests before transactional ones;
    this stable sort keeps that order within each part.
    """
    for item in items:
        if uses_demo(item) and _is_transactional(item):
            raise pytest.UsageError(
                f"{item.nodeid}: demo_data is loaded inside a transaction, so a test that uses it cannot be "
                "transactional (a flush would wipe it for the other tests)."
            )
    items.sort(key=lambda item: not uses_demo(item))


def pytest_runtest_setup(item):
    if uses_demo(item) and shared_demo.discarded:
        pytest.fail(
            "The shared demo was already rolled back: another plugin reordered the tests so that those "
            "using demo_data no longer run together."
        )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """Roll the shared demo back after the last test that uses it."""
    try:
        return (yield)
    finally:
        if shared_demo.is_loaded and (nextitem is None or not uses_demo(nextitem)):
            shared_demo.discard()
