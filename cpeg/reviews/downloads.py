"""The annual review's downloads: PDF, Word, the workbook and each table as
CSV, for a published version (anyone may have those) or the draft
(officers: the figures as the records stand today).

Thin views: ``reviews.selectors.review_document`` finds the document and
decides who may have it (404 for a missing year or version, refused for a
draft to anyone but officers); ``reviews.render`` draws it.
"""

from __future__ import annotations

import hashlib
import json

from django.contrib.auth.decorators import login_required
from django.core.cache import caches
from django.http import Http404, HttpResponse
from django.views.decorators.http import require_safe

from cpeg.reviews import selectors
from cpeg.reviews.document import Document
from cpeg.reviews.render import docx, pdf, tabular

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"


def _document(request, year: int, number: int | None) -> Document:
    return selectors.review_document(user=request.user, year=year, version=number)


def _file_name(document: Document, number: int | None, suffix: str) -> str:
    edition = f"v{number}" if number is not None else "draft"
    return f"annual-review-{document.year_label.replace('/', '-')}-{edition}{suffix}"


def _attachment(content, content_type: str, file_name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{file_name}"'
    return response


# Bump when the PDF's drawing changes, so no cached copy outlives it.
PDF_CACHE_VERSION = 1
PDF_CACHE_SECONDS = 24 * 60 * 60


def review_pdf_cached(document: Document) -> bytes:
    """The PDF of ``document``, drawn once per distinct content.

    Drawing takes a few seconds; a published version never changes and a
    draft changes only when the records do, so the PDF is kept under a hash
    of the document itself: the same content gets the same file, and any
    change (a figure, a word of narrative) is a different key.
    """
    content = json.dumps(document.to_dict(), sort_keys=True, default=str).encode()
    key = f"reviews:pdf:{PDF_CACHE_VERSION}:{hashlib.sha256(content).hexdigest()}"
    cache = caches["shared"]  # one copy for every app server (the database cache)
    data = cache.get(key)
    if data is None:
        data = pdf.document_pdf(document)
        cache.set(key, data, PDF_CACHE_SECONDS)
    return data


def _pdf(request, year, number=None):
    document = _document(request, year, number)
    return _attachment(review_pdf_cached(document), PDF, _file_name(document, number, ".pdf"))


def _docx(request, year, number=None):
    document = _document(request, year, number)
    return _attachment(docx.document_docx(document), DOCX, _file_name(document, number, ".docx"))


def _xlsx(request, year, number=None):
    document = _document(request, year, number)
    return _attachment(tabular.document_xlsx(document), XLSX, _file_name(document, number, ".xlsx"))


def _table_csv(request, year, key, number=None):
    document = _document(request, year, number)
    table = tabular.find_table(document, key)
    if table is None:
        raise Http404("No such table in this review")
    safe_key = "".join(c if c.isalnum() or c in "-_" else "-" for c in key)
    return _attachment(tabular.table_csv(table), CSV, _file_name(document, number, f"-{safe_key}.csv"))


# The draft: officers only (the selector checks; signing in comes first).
draft_pdf = login_required(require_safe(_pdf))
draft_docx = login_required(require_safe(_docx))
draft_xlsx = login_required(require_safe(_xlsx))
draft_table_csv = login_required(require_safe(_table_csv))

# A published version: public.
published_pdf = require_safe(_pdf)
published_docx = require_safe(_docx)
published_xlsx = require_safe(_xlsx)
published_table_csv = require_safe(_table_csv)
