import os

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


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium; Playwright never downloads a browser here."""
    return {**browser_type_launch_args, "executable_path": "/usr/bin/chromium", "args": CHROMIUM_ARGS}


@pytest.fixture(scope="module")
def demo_data(django_db_setup, django_db_blocker):
    """The whole demo data set, loaded once for a test module inside a
    transaction rolled back afterwards, so reference data that migrations
    loaded (boroughs, the standard SLA) is left as it was for other tests."""
    from django.core.management import call_command
    from django.db import transaction

    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo_data", today="2026-11-24", stdout=open(os.devnull, "w"))
        yield
        transaction.set_rollback(True)
