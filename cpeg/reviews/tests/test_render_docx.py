"""The review as a Word document, read back with python-docx."""

import io
import re

import docx
import pytest
from docx.oxml.ns import qn

from cpeg.reviews.render.docx import document_docx
from cpeg.reviews.tests.fixtures import review_document


@pytest.fixture(scope="module")
def word():
    return docx.Document(io.BytesIO(document_docx(review_document(), by="Chief Executive")))


def test_the_title_and_headings_use_words_own_styles(word):
    styled = [(p.style.name, p.text) for p in word.paragraphs if p.style.name in ("Title", "Heading 1", "Heading 2")]
    assert styled[:7] == [
        ("Title", "Community and police engagement groups: annual review 2025/26"),
        ("Heading 1", "Summary"),
        ("Heading 1", "A. Recommendations"),
        ("Heading 1", "B. Supporting information"),
        ("Heading 2", "Collective delivery"),
        ("Heading 2", "Funding and staffing"),
        ("Heading 2", "Representativeness"),
    ]
    assert styled[7:9] == [("Heading 1", "Appendices"), ("Heading 2", "Appendix 1: Barking and Dagenham CPEG")]
    assert len([s for s in styled if s[1].startswith("Appendix ")]) == 32
    assert word.core_properties.title == "Community and police engagement groups: annual review 2025/26"
    assert word.core_properties.language == "en-GB"
    assert word.core_properties.author == "Chief Executive"


def test_paragraphs_are_numbered_straight_through_as_in_the_source(word):
    numbered = [p.text for p in word.paragraphs if re.match(r"\d+\.\t", p.text)]
    assert [int(text.split(".")[0]) for text in numbered] == list(range(1, 39))
    assert numbered[2].startswith("3.\tIn 2025/26 the groups collectively held 177 public meetings and 131 targeted")
    assert numbered[5] == "6.\tSutton's group had fewer than 5 disabled members."


def test_each_appendix_starts_a_new_page_after_the_first(word):
    appendices = [p for p in word.paragraphs if p.style.name == "Heading 2" and p.text.startswith("Appendix ")]
    assert [bool(p.paragraph_format.page_break_before) for p in appendices] == [False] + [True] * 31


def test_tables_have_a_repeating_header_row_and_a_caption(word):
    assert len(word.tables) == 70
    for table in word.tables:
        header = table.rows[0]._tr
        assert header.trPr is not None
        assert header.trPr.find(qn("w:tblHeader")) is not None
    captions = [p.text for p in word.paragraphs if p.style.name == "Caption"]
    assert len(captions) == 70
    assert captions[:2] == ["Collective delivery: compared with last year", "Meetings and events by group, 2025/26"]
    figures = word.tables[0]
    assert [c.text for c in figures.rows[0].cells] == ["Figure", "2025/26", "Last year", "Change"]
    assert [c.text for c in figures.rows[1].cells] == ["Public meetings", "177", "165", "up 12"]
    by_group = word.tables[1]
    assert [c.text for c in by_group.rows[1].cells] == ["Barking and Dagenham", "4", "2"]
    assert len(by_group.rows) == 33


def test_a_chart_appears_as_its_text_alternative_and_its_data_table(word):
    texts = [p.text for p in word.paragraphs]
    index = next(i for i, t in enumerate(texts) if t.startswith("Staffing as a share of each group's award: Staffing"))
    assert texts[index + 1] == "Staffing as a share of each group's award, 2025/26"


def test_the_narrative_is_plain_text_with_its_line_breaks(word):
    quotes = [p.text for p in word.paragraphs if p.style.name == "Quote"]
    assert quotes == [
        "Groups met their targets.",
        '<script>alert("narrative")</script> was typed by an officer\nand must show as text.',
    ]
