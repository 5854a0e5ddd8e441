"""The SVG bar chart: accessible, escaped, drawn to the exact values."""

import xml.etree.ElementTree as ET
from decimal import Decimal

from cpeg.reviews.document import Bar, Chart
from cpeg.reviews.render.charts import LABEL_WIDTH, VALUE_WIDTH, WIDTH, bar_chart_svg

SVG = "{http://www.w3.org/2000/svg}"


def _chart(bars, **extra):
    return Chart(key="funding.chart", title="Staffing share", bars=bars, alt="From 24% to 96%.", table_key="t", **extra)


def _parse(svg: str):
    return ET.fromstring(svg)


def test_the_chart_is_an_image_named_by_its_title_and_described_by_its_alt_text():
    root = _parse(bar_chart_svg(_chart([Bar("Camden", 3, "3")])))
    assert root.get("role") == "img"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert (title.text, desc.text) == ("Staffing share", "From 24% to 96%.")
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"


def test_labels_titles_and_values_are_escaped():
    svg = bar_chart_svg(Chart("c", "A <b> & co", [Bar('<script>alert("x")</script>', 1, "<1>")], "alt & <i>", "t"))
    root = _parse(svg)  # well-formed: nothing broke out of its element
    assert "<script>" not in svg
    assert "<b>" not in svg
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert texts[0] == '<script>alert("x")</script>'
    assert "<1>" in texts


def test_bar_lengths_are_in_proportion_to_the_exact_values():
    bars = [Bar("A", Decimal("1"), "1"), Bar("B", Decimal("2.5"), "2.5"), Bar("C", Decimal("5"), "5")]
    widths = [Decimal(r.get("width")) for r in _parse(bar_chart_svg(_chart(bars))).iter(f"{SVG}rect")]
    span = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    assert widths == [Decimal(span) / 5, Decimal(span) / 2, Decimal(span)]


def test_the_reference_line_sits_at_its_value_and_widens_the_scale_when_larger():
    bars = [Bar("A", Decimal("50"), "50%")]
    root = _parse(bar_chart_svg(_chart(bars, reference=Decimal("100"), reference_label="100% line")))
    span = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    (rect,) = root.iter(f"{SVG}rect")
    assert Decimal(rect.get("width")) == Decimal(span) / 2
    reference = [line for line in root.iter(f"{SVG}line") if line.get("stroke-dasharray")]
    assert [Decimal(line.get("x1")) for line in reference] == [LABEL_WIDTH + span]
    assert "100% line" in [t.text for t in root.iter(f"{SVG}text")]


def test_an_empty_or_all_zero_or_negative_chart_draws_without_bars():
    assert list(_parse(bar_chart_svg(_chart([]))).iter(f"{SVG}rect")) == []
    root = _parse(bar_chart_svg(_chart([Bar("A", 0, "0"), Bar("B", -3, "-3")])))
    assert list(root.iter(f"{SVG}rect")) == []
    assert [t.text for t in root.iter(f"{SVG}text")] == ["A", "0", "B", "-3"]


def test_a_long_label_is_cut_short_in_the_picture():
    root = _parse(bar_chart_svg(_chart([Bar("Hammersmith and Fulham Community and Police Engagement Group", 1, "1")])))
    label = next(root.iter(f"{SVG}text")).text
    assert label.endswith("…")
    assert len(label) <= 30
