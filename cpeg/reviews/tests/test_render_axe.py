"""The review drawn in HTML passes axe-core (WCAG 2.2 A and AA) in Chromium,
with the product's GOV.UK Frontend stylesheet, at desktop and 320px wide."""

from pathlib import Path

import pytest
from django.template.loader import render_to_string

from cpeg.reviews.tests.fixtures import review_document
from tests.browser.conftest import assert_accessible

pytestmark = pytest.mark.browser

STYLESHEET = Path(__file__).resolve().parents[3] / "static" / "govuk" / "app.css"


def _page_html() -> str:
    fragment = render_to_string("reviews/document/document.html", {"document": review_document(), "links": True})
    return (
        '<!DOCTYPE html><html lang="en-GB" class="govuk-template"><head><meta charset="utf-8">'
        "<title>Annual review 2025/26</title></head>"
        '<body class="govuk-template__body"><div class="govuk-width-container">'
        '<main class="govuk-main-wrapper" id="main-content">'
        '<h1 class="govuk-heading-xl">Community and police engagement groups: annual review 2025/26</h1>'
        f"{fragment}</main></div></body></html>"
    )


@pytest.mark.parametrize("width", [1280, 320])
def test_the_review_in_html_has_no_accessibility_violations(page, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.set_content(_page_html())
    page.add_style_tag(content=STYLESHEET.read_text())
    assert page.locator("svg[role=img]").count() == 1
    assert_accessible(page)
