"""The review drawn in HTML (reviews/document/document.html)."""

import lxml.html
import pytest
from django.template.loader import render_to_string

from cpeg.reviews.tests.fixtures import HOSTILE_NARRATIVE, review_document


def _render(links=True, document=None):
    html = render_to_string(
        "reviews/document/document.html", {"document": document or review_document(), "links": links}
    )
    return html, lxml.html.fragment_fromstring(html, create_parent="div")


@pytest.fixture(scope="module")
def page():
    return _render()


def test_the_contents_list_links_to_every_part_and_section(page):
    _html, root = page
    targets = [a.get("href") for a in root.xpath("//nav//a")]
    assert len(targets) == 3 + 3 + 32  # parts, body sections, appendices
    for href in targets:
        assert root.xpath(f"//*[@id='{href[1:]}']"), href


def test_paragraphs_carry_their_numbers_in_order(page):
    _html, root = page
    numbers = [
        p.xpath("span[@class='app-review-paragraph__number']")[0].text
        for p in root.xpath("//p[contains(@class, 'app-review-paragraph')]")
    ]
    assert numbers == [f"{n}." for n in range(1, 39)]
    third = root.xpath("//*[@id='paragraph-3']")[0].text_content()
    assert third.startswith("3. In 2025/26 the groups collectively held 177 public meetings and 131 targeted events")


def test_each_figure_links_to_its_records_but_a_suppressed_one_never_does(page):
    _html, root = page
    links = {a.get("data-figure"): a.get("href") for a in root.xpath("//*[@id='paragraph-3']//a")}
    assert links == {
        "delivery.public_meetings": "/reviews/2025/records/delivery.public_meetings/",
        "delivery.targeted_events": "/reviews/2025/records/delivery.targeted_events/",
        "delivery.consultation_products": "/reviews/2025/records/delivery.consultation_products/",
    }
    suppressed = root.xpath("//*[@data-figure='representation.disabled_members']")
    assert len(suppressed) == 2  # in the paragraph and in the table
    assert all(element.tag == "span" and element.text == "fewer than 5" for element in suppressed)


def test_without_links_no_figure_is_a_link():
    _html, root = _render(links=False)
    assert root.xpath("//*[@data-figure]")
    assert not root.xpath("//a[@data-figure]")
    assert not root.xpath("//table//a")


def test_the_narrative_is_escaped_text_in_paragraphs(page):
    html, root = page
    assert "<script>" not in html
    narrative = root.xpath("//div[contains(@class, 'app-review-narrative')]/p")
    assert [p.text_content() for p in narrative] == [
        "Groups met their targets.",
        '<script>alert("narrative")</script> was typed by an officerand must show as text.',
    ]
    assert len(narrative[1].xpath(".//br")) == 1
    assert HOSTILE_NARRATIVE.count("\n") == 3


def test_each_sections_figures_are_compared_with_last_year(page):
    _html, root = page
    table = root.xpath("//*[@id='section-delivery']//table[contains(@class, 'app-review-figures')]")[0]
    assert table.xpath("caption")[0].text == "Collective delivery: compared with last year"
    rows = [[cell.text_content().strip() for cell in row] for row in table.xpath("tbody/tr")]
    assert rows[:2] == [
        ["Public meetings", "177 public meetings", "165", "up 12"],
        ["Targeted events", "131 targeted events", "140", "down 9"],
    ]
    assert rows[2] == ["Consultation products", "20 consultation products", "–", "–"]


def test_every_table_has_a_caption_and_numeric_cells_are_right_aligned(page):
    _html, root = page
    tables = root.xpath("//table")
    assert len(tables) == 2 + 3 + 1 + 32 * 2  # delivery, funding, representation, appendices
    assert all(t.xpath("caption") for t in tables)
    by_model = root.xpath("//*[@id='table-funding-by_model']")[0]
    header = [th.get("class") for th in by_model.xpath("thead//th")]
    assert header == [
        "govuk-table__header",
        "govuk-table__header govuk-table__header--numeric",
        "govuk-table__header govuk-table__header--numeric",
    ]
    first = by_model.xpath("tbody/tr")[0].xpath("td")
    assert [td.get("class") for td in first] == [
        "govuk-table__cell",
        "govuk-table__cell govuk-table__cell--numeric",
        "govuk-table__cell govuk-table__cell--numeric",
    ]
    assert root.xpath("//*[@id='table-delivery-by_group']//a")[0].get("href") == "/groups/0/"


def test_a_chart_is_inline_svg_followed_by_its_data_table(page):
    _html, root = page
    (svg,) = root.xpath("//svg")
    assert svg.get("role") == "img"
    assert svg.xpath("title")[0].text == "Staffing as a share of each group's award"
    assert svg.xpath("desc")[0].text.startswith("Staffing shares range from 24% to 96%")
    figure = svg.getparent().getparent()
    following = figure.getnext()
    assert following.xpath(".//table")[0].get("id") == "table-funding-staffing_by_group"
    assert not root.xpath("//script")


def test_a_section_in_error_says_so():
    document = review_document(groups=0)
    document.sections[1].errors.append("no funding round for 2025/26")
    _html, root = _render(document=document)
    warning = root.xpath("//*[@id='section-delivery']//*[@class='govuk-warning-text']")[0].text_content()
    assert "This section could not be computed: no funding round for 2025/26" in warning
