"""The annual review as a PDF for the committee, with WeasyPrint.

Laid out as the authority's committee report (``render.layout``): title,
date and author, a summary, a contents list with page numbers, lettered parts
with paragraphs numbered straight through, "Page N of M" at the foot of each
page, and one page per group in the appendices. Charts are drawn inline as
SVG, each followed by its data table.

PDF/UA-1 (``pdf_variant="pdf/ua-1"``, as the award letter): a tagged PDF
(a structure tree of headings, paragraphs, lists and tables with their
headers, in reading order; ``/MarkInfo``), with the document's title shown
as its title and its language (en-GB) set, so a screen reader can follow it.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.template.loader import render_to_string

from cpeg.reviews.document import Document

TEMPLATE = "reviews/document/pdf.html"


def long_date(iso: str) -> str:
    """``"2026-06-11"`` as ``"11 June 2026"`` (as the source dates its
    report); anything else as it is."""
    try:
        day = dt.date.fromisoformat(iso)
    except (TypeError, ValueError):
        return iso or ""
    return f"{day.day} {day:%B %Y}"


def summary_text(document: Document) -> str:
    """The Summary when the review has no section of its own for one."""
    groups = sum(1 for s in document.sections if s.appendix)
    scope = (
        f"the {groups} community and police engagement groups"
        if groups
        else "the community and police engagement groups"
    )
    to_date = " so far (the year has not ended)" if document.to_date else ""
    topics = [
        s.title.lower() for s in document.sections if not s.appendix and s.key not in ("summary", "recommendations")
    ]
    covers = f" It covers {', '.join(topics[:-1])} and {topics[-1]}." if len(topics) > 1 else ""
    covers = covers or (f" It covers {topics[0]}." if topics else "")
    return (
        f"This report reviews the work of {scope} the authority funds in {document.year_label}{to_date}, "
        f"from the authority's records, each figure compared with the year before.{covers}"
    )


def document_html(document: Document, *, report_date: str | None = None, by: str | None = None) -> str:
    """The HTML the PDF is printed from (a whole page, with its print CSS)."""
    return render_to_string(
        TEMPLATE,
        {
            "document": document,
            "report_date": report_date or long_date(document.generated_on),
            "by": by or settings.AUTHORITY_NAME,
            "summary_section": any(s.key == "summary" for s in document.sections),
            "summary": summary_text(document),
        },
    )


def _no_fetching():
    """A WeasyPrint URL fetcher that fetches nothing.

    The review's HTML holds everything it draws (its CSS, the charts as
    inline SVG; fonts come from the system), so any URL in it is refused
    rather than fetched. WeasyPrint's own fetcher also builds an HTTPS
    context, loading the system's certificates, on every PDF.
    """
    from urllib.request import OpenerDirector

    from weasyprint.urls import URLFetcher

    class NoFetching(URLFetcher):
        def __init__(self):
            OpenerDirector.__init__(self)  # no handlers: nothing to open
            self._fail_on_errors = False

        def fetch(self, url, headers=None):
            raise ValueError(f"The annual review's PDF fetches nothing: {url}")

    return NoFetching()


def document_pdf(document: Document, *, report_date: str | None = None, by: str | None = None) -> bytes:
    """Return ``document`` as a tagged PDF (PDF/UA-1)."""
    from weasyprint import HTML  # imported here: loading it takes a moment, and only PDFs need it

    html = document_html(document, report_date=report_date, by=by)
    return HTML(string=html, url_fetcher=_no_fetching()).write_pdf(pdf_variant="pdf/ua-1")
