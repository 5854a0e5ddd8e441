"""The download views: each asks ``reviews.selectors.review_document`` for
the document and answers the file.

The selector (who may have which version, 404 for a missing one) is the
generator's and is tested with it; here it is replaced by a stand-in that
records how it was asked and answers the hand-built review, so these tests
check the views' own part: the arguments, sign-in for the draft, the files,
the 404 for an unknown table, refusals passed through, and the PDF kept per
content. The URL x role matrix checks the real selector.
"""

import csv
import io

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse
from openpyxl import load_workbook

from cpeg.accounts.tests.factories import OfficerFactory
from cpeg.reviews import downloads
from cpeg.reviews import selectors as review_selectors
from cpeg.reviews.tests.fixtures import HOSTILE_NARRATIVE, review_document

pytestmark = pytest.mark.django_db


class Selector:
    """Stands in for ``review_document`` so these tests see what the views
    ask for and can hand them any document (the real selector's access
    rules are tested by the access matrix and the demo review's tests):
    records each call, then answers ``document`` or raises ``refusal``."""

    def __init__(self):
        self.calls = []
        self.document = review_document(groups=2)
        self.refusal = None

    def __call__(self, *, user, year, version):
        self.calls.append((user, year, version))
        if self.refusal:
            raise self.refusal
        return self.document


@pytest.fixture
def selector(monkeypatch):
    stand_in = Selector()
    monkeypatch.setattr(review_selectors, "review_document", stand_in)
    cache.clear()
    return stand_in


def _published(name, **extra):
    return reverse(f"reviews:published-{name}", kwargs={"year": 2025, "number": 1, **extra})


def _draft(name, **extra):
    return reverse(f"reviews:draft-{name}", kwargs={"year": 2025, **extra})


def test_a_published_pdf_is_for_anyone_and_names_its_version(client, selector):
    response = client.get(_published("pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="annual-review-2025-26-v1.pdf"'
    assert response.content.startswith(b"%PDF-")
    ((user, year, version),) = selector.calls
    assert (user.is_anonymous, year, version) == (True, 2025, 1)


def test_the_draft_asks_for_sign_in_first_then_for_no_version(client, selector):
    response = client.get(_draft("docx"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:sign-in"))
    assert selector.calls == []
    officer = OfficerFactory()
    client.force_login(officer)
    response = client.get(_draft("docx"))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="annual-review-2025-26-draft.docx"'
    assert selector.calls == [(officer, 2025, None)]


def test_the_workbook_has_a_sheet_per_table(client, selector):
    response = client.get(_published("xlsx"))
    assert response["Content-Type"] == downloads.XLSX
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames[0] == "Figures"
    assert len(book.sheetnames) == 1 + 3 + 2


def test_a_table_as_csv_and_an_unknown_table_is_not_found(client, selector):
    response = client.get(_published("table-csv", key="funding.by_model"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="annual-review-2025-26-v1-funding-by_model.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8"))))
    assert rows[0] == ["Staffing model", "Groups", "Staffing share"]
    assert len(rows) == 4
    assert client.get(_published("table-csv", key="no.such.table")).status_code == 404


def test_the_selectors_refusals_reach_the_person(client, selector):
    selector.refusal = Http404("No annual review")
    assert client.get(_published("pdf")).status_code == 404
    selector.refusal = PermissionDenied()
    client.force_login(OfficerFactory())
    assert client.get(_draft("xlsx")).status_code == 403


def test_downloads_answer_get_only(client, selector):
    assert client.post(_published("pdf")).status_code == 405
    assert selector.calls == []


def test_the_pdf_is_drawn_once_per_content(client, selector, monkeypatch, settings):
    # A real cache where tests keep none (the shared cache is the database's in production).
    settings.CACHES = {
        **settings.CACHES,
        "shared": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "review-pdf-test"},
    }
    from django.core.cache import caches

    caches["shared"].clear()
    drawn = []
    real = downloads.pdf.document_pdf
    monkeypatch.setattr(downloads.pdf, "document_pdf", lambda document: drawn.append(1) or real(document))
    first = client.get(_published("pdf")).content
    assert client.get(_published("pdf")).content == first
    assert len(drawn) == 1
    selector.document = review_document(groups=2)
    selector.document.sections[1].narrative = HOSTILE_NARRATIVE + " One more word."
    client.get(_published("pdf"))
    assert len(drawn) == 2
