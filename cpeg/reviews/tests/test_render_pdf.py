"""The review as a tagged PDF: its structure, read back with poppler.

One rendering of the 32-group review for the whole module (it takes a few
seconds). The speed is measured by ``bench/review_pdf.py``, never here.
"""

import re
import subprocess
import zlib

import pytest

from cpeg.reviews.render.pdf import document_pdf, long_date
from cpeg.reviews.tests.fixtures import review_document

TITLE = "Community and police engagement groups: annual review 2025/26"


@pytest.fixture(scope="module")
def pdf() -> bytes:
    return document_pdf(review_document(), by="Chief Executive")


def _run(*args, data: bytes) -> str:
    """A poppler tool's output for ``data`` (read from standard input)."""
    out = ["-"] if args[0] == "pdftotext" else []
    return subprocess.run([*args, "-", *out], input=data, capture_output=True, check=True).stdout.decode()


def _objects(data: bytes) -> bytes:
    """The PDF's objects as text, object streams unpacked (the catalogue
    sits in a compressed object stream)."""
    out = [data]
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            out.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    return b"\n".join(out)


@pytest.fixture(scope="module")
def text(pdf) -> str:
    return _run("pdftotext", data=pdf)


def test_the_pdf_is_tagged_with_its_title_and_language(pdf):
    info = _run("pdfinfo", data=pdf)
    assert "Tagged:          yes" in info
    assert f"Title:           {TITLE}" in info
    assert "Author:          Chief Executive" in info
    objects = _objects(pdf)
    assert b"/StructTreeRoot" in objects
    assert re.search(rb"/MarkInfo\s*<<\s*/Marked\s+true", objects)
    assert re.search(rb"/Lang\s*\(en-GB\)", objects)
    assert re.search(rb"/DisplayDocTitle\s+true", objects)


def test_the_structure_tree_has_headings_paragraphs_lists_and_tables_with_headers(pdf):
    tree = _run("pdfinfo", "-struct", data=pdf)
    assert tree.startswith("Document")
    assert tree.count("H1 (block)") == 1
    assert tree.count("H2 (block)") == 1 + 1 + 3  # Summary, Contents, the three parts
    assert tree.count("H3 (block)") == 3 + 32
    # WeasyPrint tags each page's part of a table broken across pages as a
    # Table of its own (the two 32-row tables each cross a page); the
    # captions count each table once, plus the chart's figure caption.
    # 37 tables: the 70 of the HTML less the 33 "compared with last year"
    # tables whose figures have no last year (representativeness and the 32
    # appendices), which the PDF replaces with a sentence.
    assert tree.count("Table (block)") == 37 + 2
    assert tree.count("Caption") == 37 + 1
    assert "THead" in tree
    assert re.search(r"\bTH <", tree)
    assert "L (block)" in tree
    assert "LI (block)" in tree


def test_text_comes_out_in_reading_order_with_paragraph_numbers(text):
    flat = " ".join(text.split())
    order = [
        TITLE,
        "Date: 11 June 2026",
        "By: Chief Executive",
        "Summary",
        "Contents",
        "A. Recommendations",
        "1. That members note the report; and",
        "2. agree to discuss",
        "B. Supporting information",
        "Collective delivery",
        "3. In 2025/26 the groups collectively held 177 public meetings and 131 targeted events",
        "4. Every group held at least four public meetings.",
        '<script>alert("narrative")</script> was typed by an officer',
        "Collective delivery: compared with last year",
        "Funding and staffing",
        "5. 61% of the total budget of £1,600,000 is allocated to staffing.",
        "Staffing as a share of each group's award, 2025/26",
        "Representativeness",
        "6. Sutton's group had fewer than 5 disabled members.",
        "Appendices",
        "Appendix 1: Barking and Dagenham CPEG",
        "7. The group held 4 public meetings",
        "Appendix 32: Westminster CPEG",
        "38. The group held",
    ]
    # The contents list names the headings too: look for the body's after it.
    body_starts = flat.index("A. Recommendations", flat.index("Appendix 32: Westminster CPEG"))
    positions = [flat.index(part, 0 if i < 5 else body_starts) for i, part in enumerate(order)]
    assert positions == sorted(positions), sorted(zip(positions, order, strict=True))
    numbers = [int(n) for n in re.findall(r"(?:^|\n)(\d+)\. ", text)]
    assert numbers == list(range(1, 39))


def test_a_comparison_with_no_last_year_is_a_sentence_not_a_table_of_dashes(text):
    pages = text.split("\f")
    appendix_1 = next(page for page in pages if "Appendix 1: Barking and Dagenham CPEG" in page and "7. " in page)
    assert "No figures for last year to compare with." in appendix_1
    assert "compared with last year" not in appendix_1
    flat = " ".join(text.split())
    assert "Collective delivery: compared with last year" in flat  # its figures have last year's values
    assert flat.count("No figures for last year to compare with.") == 1 + 32  # representativeness, appendices


def test_every_page_says_page_n_of_m_and_the_contents_give_page_numbers(pdf, text):
    pages = int(re.search(r"Pages:\s+(\d+)", _run("pdfinfo", data=pdf)).group(1))
    assert pages == 37  # 5 pages of body, then one per group
    assert [int(n) for n in re.findall(r"Page (\d+) of 37", text)] == list(range(1, 38))
    contents = " ".join(
        text[text.index("Contents") : text.index("A. Recommendations", text.index("Appendix 32"))].split()
    )
    assert re.search(r"Appendix 1: Barking and Dagenham CPEG, page 6 ", contents)
    assert re.search(r"Appendix 32: Westminster CPEG, page 37", contents)
    appendix_32 = text.split("\f")[36]
    assert "Appendix 32: Westminster CPEG" in appendix_32


def test_the_chart_is_a_figure_whose_alternate_text_is_its_title_and_description(pdf):
    objects = _objects(pdf)
    (figure,) = re.findall(rb"/S /Figure.*?/Alt \((.*?)\)>>", objects)
    assert figure.startswith(b"Staffing as a share of each group's award: Staffing shares range from 24% to 96%")


def test_a_chart_is_drawn_in_the_pdf_with_its_data_table_after_it(text):
    flat = " ".join(text.split())
    chart_caption = flat.index("Staffing as a share of each group's award. The data is in the table below.")
    assert flat.index("Staffing as a share of each group's award, 2025/26") > chart_caption
    assert "75%" in flat[flat.index("Funding and staffing") : chart_caption]


def test_the_report_date_reads_as_the_source_dates_it():
    assert long_date("2026-06-11") == "11 June 2026"
    assert long_date("2026-06-01") == "1 June 2026"
    assert long_date("") == ""
    assert long_date("not a date") == "not a date"
