"""At 320 CSS pixels (WCAG 1.4.10 reflow) no page pans sideways.

A data table wider than the screen scrolls inside its wrapper; nothing on
the page, such as the visually hidden text in a table's links, may make the
page itself wider than the window.
"""

import pytest

from cpeg.groups.models import EngagementGroup
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NARROW = {"width": 320, "height": 640}


@pytest.fixture
def demo(demo_database):
    demo_database(only=["groups", "accounts", "activities"])


def _page_width(page, url) -> int:
    response = page.goto(url)
    assert response is not None
    assert response.status < 400, f"{url}: HTTP {response.status}"
    return page.evaluate("document.documentElement.scrollWidth")


def test_pages_with_big_tables_do_not_pan_sideways_at_320_pixels(page, live_server, demo):
    sign_in(page, live_server, "officer")
    page.set_viewport_size(NARROW)
    camden = EngagementGroup.objects.get(borough__slug="camden")
    urls = [
        f"{live_server.url}/groups/",
        f"{live_server.url}/groups/{camden.pk}/",
        f"{live_server.url}/activities/group/{camden.pk}/",
        # The widest: a column per quarter, links with visually hidden text.
        f"{live_server.url}/monitoring/",
    ]
    widths = {url: _page_width(page, url) for url in urls}
    too_wide = {url: width for url, width in widths.items() if width > NARROW["width"]}
    assert not too_wide, f"pages wider than {NARROW['width']}px: {too_wide}"
