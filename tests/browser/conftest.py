"""Browser-test helpers: sign in as a role, and check a page with axe-core.

axe-core comes from npm (ui/node_modules/axe-core), installed by `make`.
"""

import datetime as dt
import random
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine

AXE_JS = Path(__file__).resolve().parents[2] / "ui" / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


# The day every browser test runs on: the walks through a year (returns due,
# late, quarters ended) read the clock in the server, so the tests pin it
# rather than pass or fail with the season they happen to run in.
NOW = dt.datetime(2026, 11, 24, 10, 0, tzinfo=ZoneInfo("Europe/London"))


@pytest.fixture(autouse=True)
def pinned_clock(settings):
    """Start the server's clock (and the test's) at NOW, ticking on.

    Chromium keeps the real clock, so session cookies last until the browser
    closes: a cookie dated from NOW could otherwise be expired already by the
    browser's clock. Sessions still expire on the server after
    SESSION_COOKIE_AGE of the pinned clock.
    """
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True
    with time_machine.travel(NOW, tick=True):
        yield


class DemoCopies:
    """Demo data sets built once per session and copied back for each test.

    Browser tests are transactional (the live server must see what the test
    wrote), so pytest-django empties every table after each one. Building a
    demo through the services takes up to a minute; so the first test that
    asks for a set builds it, its rows are copied into plain tables beside the
    real ones (which the flush leaves alone), and later tests copy them back
    in a second or two. Plain SQL, so it works on SQLite and PostgreSQL.
    See docs/adr/0004-test-data-loaded-once.md.
    """

    TABLE_PREFIX = "demo_copy_"

    def __init__(self):
        self._copies = {}  # the demo steps' apps -> [(table, copy of it)]
        self._count = 0

    def put(self, only) -> None:
        """Fill the database with the demo set ``only`` (None: every app's steps)."""
        if only in self._copies:
            self._copy_back(only)
        else:
            self._build(only)

    def _build(self, only) -> None:
        from django.core.management import call_command
        from django.db import connection, transaction
        from django.utils import timezone

        from cpeg.core.demo import DemoContext, demo_steps

        # The same starting point whichever test comes first: an emptied
        # database, as every transactional test but the first one gets.
        call_command("flush", interactive=False, verbosity=0)
        # As ``load_demo_data`` runs it (its default seed), as of the pinned day.
        ctx = DemoContext(today=timezone.localdate(), rng=random.Random(2009))
        with transaction.atomic():
            for step in demo_steps(only=only):
                step(ctx)
        copies = []
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            for table in connection.introspection.django_table_names(only_existing=True, include_views=False):
                copy = f"{self.TABLE_PREFIX}{self._count}"
                self._count += 1
                cursor.execute(f"DROP TABLE IF EXISTS {quote(copy)}")
                cursor.execute(f"CREATE TABLE {quote(copy)} AS SELECT * FROM {quote(table)}")
                copies.append((table, copy))
        self._copies[only] = copies

    def _copy_back(self, only) -> None:
        from django.apps import apps
        from django.contrib.contenttypes.models import ContentType
        from django.core.management.color import no_style
        from django.db import connection, transaction

        copies = self._copies[only]
        quote = connection.ops.quote_name
        # Foreign keys are checked at commit (Django creates them deferred on
        # both databases), so the tables can be filled in any order.
        with transaction.atomic(), connection.cursor() as cursor:
            for sql in connection.ops.sql_flush(no_style(), [table for table, _ in copies]):
                cursor.execute(sql)
            for table, copy in copies:
                cursor.execute(f"INSERT INTO {quote(table)} SELECT * FROM {quote(copy)}")
            for sql in connection.ops.sequence_reset_sql(no_style(), apps.get_models(include_auto_created=True)):
                cursor.execute(sql)
        # The rows came back with the ids they had when the set was built.
        ContentType.objects.clear_cache()

    def drop(self) -> None:
        from django.db import connection

        with connection.cursor() as cursor:
            for copies in self._copies.values():
                for _, copy in copies:
                    cursor.execute(f"DROP TABLE IF EXISTS {connection.ops.quote_name(copy)}")
        self._copies.clear()


@pytest.fixture(scope="session")
def demo_copies(django_db_setup, django_db_blocker):
    copies = DemoCopies()
    yield copies
    with django_db_blocker.unblock():
        copies.drop()


@pytest.fixture
def demo_database(demo_copies, transactional_db, pinned_clock):
    """Put the demo in the database, as of the pinned day; return its context.

    Call it with ``only`` (e.g. ``["groups", "accounts"]``) for some apps'
    demo steps, or without for the whole demo, as ``make run`` loads it. The
    context lists the groups by borough slug, the officer, the manager and
    each group's administrator.
    """

    def put(only=None):
        from django.contrib.auth import get_user_model
        from django.utils import timezone

        from cpeg.core.demo import DemoContext
        from cpeg.groups.models import EngagementGroup

        demo_copies.put(tuple(only) if only else None)
        users = get_user_model().objects
        groups = {group.borough.slug: group for group in EngagementGroup.objects.select_related("borough")}
        return DemoContext(
            today=timezone.localdate(),
            rng=random.Random(2009),
            officer=users.filter(username="officer").first(),
            manager=users.filter(username="manager").first(),
            groups=groups,
            admins={user.username.removesuffix("-admin"): user for user in users.filter(username__endswith="-admin")},
        )

    return put


@cache
def _axe_source() -> str:
    return AXE_JS.read_text(encoding="utf-8")


def assert_accessible(page) -> None:
    """Run axe-core on the current page; fail on any WCAG 2.2 A/AA violation."""
    # Evaluated through the DevTools protocol, which the page's Content
    # Security Policy does not govern (a <script> tag would be refused).
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(_axe_source())
    result = page.evaluate("async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS)
    violations = [
        f"{v['id']} ({v['impact']}): {v['help']} -> " + "; ".join(n["target"][0] for n in v["nodes"][:5])
        for v in result["violations"]
    ]
    assert not violations, f"axe found violations on {page.url}:\n" + "\n".join(violations)


def sign_in(page, live_server, username: str, password: str = "demo") -> None:
    page.goto(f"{live_server.url}/accounts/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    assert "/accounts/sign-in/" not in page.url, f"sign-in failed for {username}"


def visit(page, url: str) -> None:
    """Go to a page, check it loaded without a server error, and run axe."""
    response = page.goto(url)
    assert response is not None, url
    assert response.status < 400, f"{url}: HTTP {response.status}"
    assert_accessible(page)


@pytest.fixture
def csp_safe_page(page):
    """A page whose browser console errors (e.g. CSP refusals) fail the test."""
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    yield page
    assert not errors, f"browser console errors: {errors}"
