"""Bar charts drawn as SVG on the server: no JavaScript, the same drawing
in the page and the PDF.

A chart is a picture of a table the review already shows (each chart is
followed by its data table), so the drawing is simple: one horizontal bar
per row, its length in proportion to the bar's exact value, the displayed
value beside it, and an optional reference line (e.g. the 75% staffing
line). The text alternative is the chart's title and ``alt``, as the SVG's
``<title>`` and ``<desc>`` (``role="img"``). Every piece of text is escaped.
"""

from __future__ import annotations

from decimal import Decimal
from xml.sax.saxutils import escape

from cpeg.reviews.document import Chart

WIDTH = 640
LABEL_WIDTH = 210  # the bars start here
VALUE_WIDTH = 70  # room after the longest bar for its value
ROW = 22
BAR = 14
TOP = 26  # room above the first bar for the reference line's label
BOTTOM = 8
LABEL_CHARACTERS = 30  # longer labels are cut short; the table has them in full

INK = "#0b0c0c"
BAR_FILL = "#1d70b8"
REFERENCE = "#d4351c"


def _number(value: Decimal) -> str:
    """Coordinates to two places: exact enough for a picture."""
    return f"{value.quantize(Decimal('0.01')).normalize():f}"


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARACTERS else label[: LABEL_CHARACTERS - 1].rstrip() + "…"


def bar_chart_svg(chart: Chart, *, id_prefix: str = "", alt_in_title: bool = False) -> str:
    """Return ``chart`` as an ``<svg>`` element (a string).

    The scale runs from 0 to the largest of the bars and the reference, so
    every bar and the line fit. A negative value draws no bar (the charts
    show counts and shares); its value is still written beside it.
    ``alt_in_title`` puts the whole text alternative in the ``<title>``:
    WeasyPrint makes a PDF figure's alternate text of the title alone.

    >>> from cpeg.reviews.document import Bar
    >>> svg = bar_chart_svg(Chart("c", "Meetings", [Bar("A & B", 3, "3")], "One group.", "t"))
    >>> "A &amp; B" in svg and 'role="img"' in svg
    True
    """
    ident = f"{id_prefix}chart-{chart.key}".replace(".", "-")
    bars = list(chart.bars)
    values = [Decimal(bar.value) for bar in bars]
    reference = Decimal(chart.reference) if chart.reference is not None else None
    scale_max = max([v for v in values if v > 0] + ([reference] if reference and reference > 0 else []), default=0)
    span = Decimal(WIDTH - LABEL_WIDTH - VALUE_WIDTH)
    height = TOP + ROW * max(len(bars), 1) + BOTTOM

    def x_of(value: Decimal) -> Decimal:
        if scale_max <= 0 or value <= 0:
            return Decimal(LABEL_WIDTH)
        return LABEL_WIDTH + span * value / scale_max

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="app-chart" role="img" '
        f'width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" '
        f'aria-labelledby="{ident}-title {ident}-desc" font-family="Arial, sans-serif" font-size="13">',
        f'<title id="{ident}-title">{escape(text_alternative(chart) if alt_in_title else chart.title)}</title>',
        f'<desc id="{ident}-desc">{escape(chart.alt)}</desc>',
    ]
    for index, (bar, value) in enumerate(zip(bars, values, strict=True)):
        y = TOP + ROW * index
        end = x_of(value)
        middle = y + ROW // 2 + 4
        parts.append(
            f'<text x="{LABEL_WIDTH - 6}" y="{middle}" text-anchor="end" fill="{INK}">'
            f"{escape(_short(bar.label))}</text>"
        )
        if end > LABEL_WIDTH:
            parts.append(
                f'<rect x="{LABEL_WIDTH}" y="{y + (ROW - BAR) // 2}" width="{_number(end - LABEL_WIDTH)}" '
                f'height="{BAR}" fill="{BAR_FILL}"/>'
            )
        parts.append(f'<text x="{_number(end + 4)}" y="{middle}" fill="{INK}">{escape(bar.display)}</text>')
    parts.append(f'<line x1="{LABEL_WIDTH}" y1="{TOP - 4}" x2="{LABEL_WIDTH}" y2="{height - BOTTOM}" stroke="{INK}"/>')
    if reference is not None and reference > 0:
        x = _number(x_of(reference))
        parts.append(
            f'<line x1="{x}" y1="{TOP - 8}" x2="{x}" y2="{height - BOTTOM}" stroke="{REFERENCE}" '
            f'stroke-width="2" stroke-dasharray="6 3"/>'
        )
        if chart.reference_label:
            parts.append(
                f'<text x="{x}" y="{TOP - 12}" text-anchor="middle" fill="{INK}">{escape(chart.reference_label)}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)


def text_alternative(chart: Chart) -> str:
    """The chart's text alternative in one line: its title and ``alt``."""
    return f"{chart.title}: {chart.alt}" if chart.alt else chart.title
