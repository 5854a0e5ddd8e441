"""Browser-test helpers: sign in as a role, and check a page with axe-core.

axe-core comes from npm (ui/node_modules/axe-core), installed by `make`.
"""

import datetime as dt
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
