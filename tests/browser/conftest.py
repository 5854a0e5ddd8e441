"""Browser-test helpers: sign in as a role, and check a page with axe-core.

axe-core comes from npm (ui/node_modules/axe-core), installed by `make`.
"""

from functools import cache
from pathlib import Path

import pytest

AXE_JS = Path(__file__).resolve().parents[2] / "ui" / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


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
