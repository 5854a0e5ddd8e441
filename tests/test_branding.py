"""CPEG Manager is not a GOV.UK service: no crown, crest or GOV.UK name.

It uses GOV.UK Frontend's styles and components, but none of GOV.UK's
branding: its own favicon, a text-only header, a footer without the crest.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import reverse

from cpeg.accounts.tests.factories import ManagerFactory

pytestmark = pytest.mark.django_db

ICON_LINK = re.compile(r'<link rel="icon" href="([^"]+)"')


def _pages(client):
    """The public directory and sign-in page, and a signed-in manager's dashboard."""
    yield client.get(reverse("public:group-list"))
    yield client.get(reverse("accounts:sign-in"))
    client.force_login(ManagerFactory())
    yield client.get(reverse("groups:group-list"))


def test_pages_carry_no_gov_uk_branding(client):
    for response in _pages(client):
        assert response.status_code == 200
        html = response.content.decode()
        assert "govuk/assets/images" not in html
        assert "govuk-crest" not in html
        assert "GOV.UK" not in html
        assert "Crown copyright" not in html
        # The GOV.UK header (crown logotype), the GOV.UK logo, the footer crest.
        assert 'class="govuk-header' not in html
        assert "govuk-logo" not in html
        assert "copyright-logo" not in html
        header = html[html.index("<header") : html.index("</header>")]
        assert "<svg" not in header
        assert "CPEG Manager" in html


def test_the_favicons_are_the_services_own_and_exist(client):
    html = client.get(reverse("accounts:sign-in")).content.decode()
    hrefs = ICON_LINK.findall(html)
    assert len(hrefs) == 2
    for href in hrefs:
        assert href.startswith(settings.STATIC_URL)
        name = href.removeprefix(settings.STATIC_URL)
        assert name.startswith("app/favicon."), href
        assert finders.find(name), f"{name} is not a static file"
    svg = Path(finders.find("app/favicon.svg")).read_text(encoding="utf-8")
    assert "<title>CPEG Manager</title>" in svg
    assert 'type="image/svg+xml"' in html


def test_the_compiled_css_uses_arial_and_links_to_no_crest_or_gov_uk_font():
    """ui/scss/app.scss compiles GOV.UK Frontend with Arial and no images;
    any url() left must resolve (collectstatic's manifest storage fails on
    a missing one)."""
    css_path = finders.find("govuk/app.css")
    assert css_path, "run `make assets`"
    css = Path(css_path).read_text(encoding="utf-8")
    assert "govuk-crest" not in css
    assert "assets/images/" not in css
    assert "GDS Transport" not in css
    assert "font-family:arial,sans-serif" in css.replace(" ", "")
    for url in set(re.findall(r'url\("([^"]+)"\)', css)):
        if url.startswith("data:"):
            continue
        assert finders.find(f"govuk/{url}"), f"app.css links to {url}, which is missing"
    assert not finders.find("govuk/assets/images/govuk-crest.svg")
    assert not finders.find("govuk/assets/images/favicon.ico")
