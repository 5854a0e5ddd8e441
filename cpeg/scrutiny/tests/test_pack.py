"""The monitoring group's pack as a PDF, full and public: the figures in its
text, no hidden count, tagged with a title and language; charts drawn on
the server from the same rows as their tables."""

import re
import subprocess
import zlib

import pytest
from django.urls import reverse

from cpeg.accounts.tests.factories import OfficerFactory
from cpeg.groups.tests.factories import borough
from cpeg.scrutiny.charts import bar_chart
from cpeg.scrutiny.tests.test_views import _camden_month, camden_admin  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


def _text(pdf: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()


def _info(pdf: bytes) -> str:
    return subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True).stdout.decode()


def _catalog_language(pdf: bytes) -> str | None:
    """The document's /Lang, looked for in the file and its compressed streams."""
    chunks = [pdf]
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.DOTALL):
        try:
            chunks.append(zlib.decompress(stream))
        except zlib.error:
            continue
    for chunk in chunks:
        if match := re.search(rb"/Lang\s*\(([^)]*)\)", chunk):
            return match.group(1).decode()
    return None


def _row(text: str, label: str) -> str:
    """The line of a table row (pdftotext -layout keeps a row on one line)."""
    return next(line for line in text.splitlines() if line.strip().startswith(label))


def test_the_groups_pack_is_a_tagged_pdf_with_every_figure(client, camden_admin):  # noqa: F811
    _camden_month()
    camden = borough("camden")
    client.force_login(camden_admin)
    response = client.get(reverse("scrutiny:borough-pack-pdf", kwargs={"pk": camden.pk}) + "?period=2018-10")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "stop-and-search-pack-camden-2018-10.pdf" in response["Content-Disposition"]
    pdf = response.content
    text = _text(pdf)
    assert "Stop and search monitoring pack: October 2018" in text
    # Hand computation (see _camden_month): 36 searches in Camden, 3 arrests
    # (8.3%), 33 no further action (91.7%); officer-defined White 12, Black 20.
    assert re.search(r"Searches\s+36", text)
    assert re.search(r"Arrests\s+3 \(8\.3%\)", text)
    assert re.search(r"No further action\s+33 \(91\.7%\)", text)
    assert "fewer than 5" not in text  # the group's own pack hides nothing
    # The outcome chart's labels and values, then its table.
    assert text.count("No further action") >= 3
    info = _info(pdf)
    assert "Tagged:          yes" in info
    assert "Title:           Stop and search monitoring pack: Camden, October 2018" in info
    assert _catalog_language(pdf) == "en-GB"
    tree = subprocess.run(["pdfinfo", "-struct", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    # The summary, two rates tables and eight breakdowns (a table split over
    # two pages counts twice).
    assert tree.count("Table (block)") >= 11
    assert "TH" in tree


def test_the_public_pdf_holds_no_hidden_count(client):
    _camden_month()
    camden = borough("camden")
    response = client.get(reverse("scrutiny:public-pack-pdf", kwargs={"pk": camden.pk}) + "?period=2018-10")
    assert response.status_code == 200
    pdf = response.content
    text = _text(pdf)
    assert "Title:           Stop and search in Camden (public version), October 2018" in _info(pdf)
    assert _catalog_language(pdf) == "en-GB"
    assert re.search(r"Searches\s+36", text)
    # Outcome: 3 arrests hidden and, alone, the 33 with it; officer-defined:
    # 4 not stated hidden and the next smallest (White, 12) with it. Every
    # row of them (chart and table) reads "fewer than 5" and never the count.
    for label in ("Arrest", "No further action", "White", "Not stated"):
        lines = [line for line in text.splitlines() if line.strip().startswith(label)]
        assert lines, label
        for line in lines:
            assert not re.search(r"\b(3|4|12|33)\b", line), line
    assert "fewer than 5" in _row(text, "Arrest")
    assert not re.search(r"\b33\b", text)
    # The White count hidden in the officer-defined view: no ratio there, as
    # it would give the count back with the census.
    assert "Not shown (too few searches to" in text  # "... publish)" wraps in its cell
    # Nothing row-level: no times of searches.
    assert "14:30" not in text


def test_a_pack_needs_a_period_with_data_and_readers_of_the_borough(client):
    camden = borough("camden")
    url = reverse("scrutiny:public-pack-pdf", kwargs={"pk": camden.pk})
    assert client.get(url).status_code == 404  # nothing imported
    _camden_month()
    assert client.get(url + "?period=autumn").status_code == 404
    private = reverse("scrutiny:borough-pack-pdf", kwargs={"pk": camden.pk}) + "?period=2018-10"
    assert client.get(private).status_code == 302  # sign in first
    client.force_login(OfficerFactory())
    assert client.get(private).status_code == 200


def test_pages_link_to_the_pdfs(client, camden_admin):  # noqa: F811
    _camden_month()
    camden = borough("camden")
    client.force_login(camden_admin)
    figures = client.get(reverse("scrutiny:borough-figures", kwargs={"pk": camden.pk}) + "?period=2018-10")
    html = figures.content.decode()
    assert f"/scrutiny/boroughs/{camden.pk}/pack.pdf?period=2018-10" in html
    assert f"/scrutiny/public/{camden.pk}/pack.pdf?period=2018-10" in html
    public = client.get(reverse("scrutiny:public-pack", kwargs={"pk": camden.pk}) + "?period=2018-10")
    assert f"/scrutiny/public/{camden.pk}/pack.pdf?period=2018-10" in public.content.decode()
    assert public.content.decode().count("<svg") == 8  # a chart above each table


def test_a_chart_draws_its_rows_to_scale_and_hides_nothing_it_should_not():
    rows = [("No further action", 30, "30"), ("Arrest", 15, "15"), ("Caution", None, "fewer than 5")]
    chart = bar_chart("Searches by outcome", rows)
    widths = [bar.width for bar in chart.bars]
    assert widths[0] == 2 * widths[1]
    assert widths[2] == 0
    assert "Arrest: 15" in chart.description
    assert chart.height == 4 * 2 + 22 * 3
