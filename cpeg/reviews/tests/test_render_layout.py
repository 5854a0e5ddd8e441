"""The committee report layout every output draws."""

from decimal import Decimal

from cpeg.reviews.document import Bar, Chart, Document, Figure, Paragraph, Section
from cpeg.reviews.render.layout import layout, narrative_paragraphs, segments
from cpeg.reviews.tests.fixtures import review_document


def test_paragraphs_are_numbered_straight_through_parts_and_appendices():
    review = layout(review_document())
    numbers = [p.number for s in review.sections for p in s.paragraphs]
    assert numbers == list(range(1, 4 + 2 + 32 + 1))
    assert [part.heading for part in review.parts] == [
        "A. Recommendations",
        "B. Supporting information",
        "Appendices",
    ]
    appendices = review.parts[-1].sections
    assert [s.heading for s in appendices[:2]] == ["Appendix 1: Barking and Dagenham CPEG", "Appendix 2: Barnet CPEG"]
    assert len(appendices) == 32


def test_without_recommendations_the_supporting_information_is_part_a():
    document = review_document(groups=0)
    document.sections = document.sections[1:]
    assert [part.heading for part in layout(document).parts] == ["A. Supporting information"]


def test_a_paragraph_splits_into_text_and_figures_and_a_suppressed_figure_never_links():
    shown = Figure("a", "Meetings", 3, "3", link="/records/a/")
    hidden = Figure("b", "Disabled members", None, "fewer than 5", link="/records/b/", suppressed=True)
    runs = segments("Held {a} meetings; {b} members; {c}.", {"a": shown, "b": hidden})
    assert [(r.text, r.link) for r in runs] == [
        ("Held ", ""),
        ("3", "/records/a/"),
        (" meetings; ", ""),
        ("fewer than 5", ""),
        (" members; ", ""),
        ("–", ""),
        (".", ""),
    ]


def test_each_chart_is_paired_with_its_data_table_and_an_orphan_gets_one_from_its_bars():
    funding = next(s for s in layout(review_document()).sections if s.section.key == "funding")
    assert [(b.table.key, [c.key for c, _ in b.charts]) for b in funding.blocks] == [
        ("funding.staffing_by_group", ["funding.staffing_chart"]),
        ("funding.by_model", []),
    ]
    orphan = Chart("lonely", "Meetings", [Bar("Camden", Decimal(4), "4")], "Camden held 4.", "missing-table")
    document = Document(2025, "2025/26", "Review", [Section("s", "S", [Paragraph("x")], charts=[orphan])])
    (block,) = layout(document).sections[0].blocks
    assert block.table.key == "lonely.data"
    assert block.table.columns == ["Item", "Number"]
    assert [[c.text for c in row] for row in block.table.rows] == [["Camden", "4"]]
    assert block.charts[0][1].startswith("<svg")


def test_numeric_columns_are_those_whose_filled_cells_are_all_numbers():
    funding = next(s for s in layout(review_document()).sections if s.section.key == "funding")
    assert funding.blocks[0].numeric_columns == {1, 2}


def test_narrative_splits_into_paragraphs_at_blank_lines_and_keeps_line_breaks():
    assert narrative_paragraphs("One\r\ntwo\n\n\n  \nThree\n") == [["One", "two"], ["Three"]]
    assert narrative_paragraphs("   ") == []
