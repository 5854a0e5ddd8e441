"""The review laid out as the committee report is: what every output draws.

The 2009 report runs: title; report number, date and author; Summary;
"A. Recommendations"; "B. Supporting information" under its own headings;
appendices. Paragraphs are numbered once, from 1, straight through the
recommendations and the supporting information to the appendices
(``Document.numbered_paragraphs``). This module turns a
:class:`~cpeg.reviews.document.Document` into that shape once, so the HTML,
PDF and DOCX renderers differ only in drawing:

- a section keyed ``summary`` is the Summary, one keyed ``recommendations``
  is part A, the other body sections are part B (A when there are no
  recommendations), the appendix sections are the Appendices;
- each paragraph is a list of :class:`Segment` (text, or a figure);
- each chart is paired with the table holding its data (``table_key``), drawn
  just before it; a chart whose table is missing gets one made from its bars,
  so no chart is ever without its data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from cpeg.reviews.document import PLACEHOLDER, Cell, Chart, Document, Figure, Section, Table
from cpeg.reviews.render.charts import bar_chart_svg

MISSING = "–"  # drawn for a placeholder naming no figure

UNIT_HEADINGS = {"count": "Number", "percent": "Per cent", "money": "Amount", "ratio": "Ratio", "text": "Value"}


@dataclass(frozen=True)
class Segment:
    """A run of a paragraph: plain text, or one figure's display text."""

    text: str
    figure: Figure | None = None

    @property
    def link(self) -> str:
        """Where the figure links: its records, never for a suppressed one."""
        if self.figure is None or self.figure.suppressed:
            return ""
        return self.figure.link


@dataclass(frozen=True)
class NumberedParagraph:
    number: int | None  # None where the paragraph is drawn outside the whole report (an appendix on its own)
    segments: list[Segment]

    @property
    def text(self) -> str:
        return "".join(segment.text for segment in self.segments)


@dataclass(frozen=True)
class TableBlock:
    """A table, with the charts that draw it (each an SVG string)."""

    table: Table
    charts: list[tuple[Chart, str]] = field(default_factory=list)

    @property
    def anchor(self) -> str:
        return anchor_for("table", self.table.key)

    @property
    def numeric_columns(self) -> set[int]:
        """The columns whose every filled cell is a number (their headers
        right-aligned, as GOV.UK's numeric columns are)."""
        return numeric_columns(self.table)


@dataclass
class SectionLayout:
    section: Section
    number: str  # "Appendix 3" for an appendix, else ""
    paragraphs: list[NumberedParagraph]
    blocks: list[TableBlock]
    narrative: list[list[str]]  # paragraphs, each a list of lines

    @property
    def anchor(self) -> str:
        return anchor_for("section", self.section.key)

    @property
    def heading(self) -> str:
        return f"{self.number}: {self.section.title}" if self.number else self.section.title

    @property
    def figures(self) -> list[Figure]:
        return list(self.section.figures.values())

    @property
    def has_last_year(self) -> bool:
        """Whether any of the section's figures has last year's value to
        compare with (the PDF leaves out a comparison table of dashes)."""
        return any(f.previous_display for f in self.section.figures.values())


@dataclass
class Part:
    """A lettered part of the report (or the Summary, or the Appendices)."""

    key: str  # summary | recommendations | body | appendix
    heading: str
    sections: list[SectionLayout]

    @property
    def anchor(self) -> str:
        return anchor_for("part", self.key)

    @property
    def section_headings(self) -> bool:
        """Whether its sections get headings of their own: the Summary and
        the Recommendations are one section each, headed by the part."""
        return self.key in ("body", "appendix")


@dataclass
class DocumentLayout:
    document: Document
    parts: list[Part]

    @property
    def sections(self) -> list[SectionLayout]:
        return [s for part in self.parts for s in part.sections]

    def tables(self) -> list[Table]:
        """Every table once, in reading order (charts' made-up tables too)."""
        return [block.table for s in self.sections for block in s.blocks]


def anchor_for(kind: str, key: str) -> str:
    return f"{kind}-" + re.sub(r"[^A-Za-z0-9_-]+", "-", key)


def segments(text: str, figures: dict[str, Figure]) -> list[Segment]:
    """Split paragraph text into plain runs and figures.

    >>> segments("Held {a} meetings", {"a": Figure("a", "Meetings", 3, "3")})[1].text
    '3'
    >>> [s.text for s in segments("{nope}.", {})]
    ['–', '.']
    """
    out: list[Segment] = []
    last = 0
    for match in PLACEHOLDER.finditer(text):
        if match.start() > last:
            out.append(Segment(text[last : match.start()]))
        figure = figures.get(match.group(1))
        out.append(Segment(figure.display, figure) if figure else Segment(MISSING))
        last = match.end()
    if last < len(text):
        out.append(Segment(text[last:]))
    return out


def narrative_paragraphs(text: str) -> list[list[str]]:
    """Officers' plain text as paragraphs (split at blank lines) of lines."""
    blocks = re.split(r"\n\s*\n", text.replace("\r\n", "\n").strip())
    return [[line.strip() for line in block.split("\n") if line.strip()] for block in blocks if block.strip()]


def numeric_columns(table: Table) -> set[int]:
    out = set()
    for index in range(len(table.columns)):
        cells = [row[index] for row in table.rows if index < len(row) and row[index].text]
        if cells and all(cell.numeric for cell in cells):
            out.add(index)
    return out


def chart_table(chart: Chart) -> Table:
    """The data table for a chart whose own table is missing: its bars."""
    return Table(
        key=f"{chart.key}.data",
        caption=f"{chart.title}: the data",
        columns=["Item", UNIT_HEADINGS.get(chart.unit, "Value")],
        rows=[[Cell(bar.label), Cell(bar.display, numeric=True)] for bar in chart.bars],
    )


def _blocks(section: Section, *, id_prefix: str, alt_in_title: bool) -> list[TableBlock]:
    charts_by_table: dict[str, list[tuple[Chart, str]]] = {}
    tables = {t.key for t in section.tables}
    blocks: list[TableBlock] = []
    orphans: list[TableBlock] = []
    for chart in section.charts:
        drawn = (chart, bar_chart_svg(chart, id_prefix=id_prefix, alt_in_title=alt_in_title))
        if chart.table_key in tables:
            charts_by_table.setdefault(chart.table_key, []).append(drawn)
        else:
            orphans.append(TableBlock(chart_table(chart), [drawn]))
    for table in section.tables:
        blocks.append(TableBlock(table, charts_by_table.get(table.key, [])))
    return blocks + orphans


def _part_of(section: Section) -> str:
    if section.appendix:
        return "appendix"
    if section.key in ("summary", "recommendations"):
        return section.key
    return "body"


def layout(
    document: Document,
    *,
    id_prefix: str = "",
    alt_in_title: bool = False,
    first_appendix: int = 1,
    numbered: bool = True,
) -> DocumentLayout:
    """Lay ``document`` out as the committee report (see the module);
    ``alt_in_title`` as for :func:`~cpeg.reviews.render.charts.bar_chart_svg`.
    A document holding part of the report (one appendix, drawn on a page of
    its own) gives its first appendix's number and ``numbered=False``: its
    paragraphs' numbers are the whole report's, which it cannot know."""
    figures = document.figures()
    numbering = (number if numbered else None for number, _section, _paragraph in document.numbered_paragraphs())
    has_recommendations = any(_part_of(s) == "recommendations" for s in document.sections)
    headings = {
        "summary": "Summary",
        "recommendations": "A. Recommendations",
        "body": "B. Supporting information" if has_recommendations else "A. Supporting information",
        "appendix": "Appendices",
    }
    parts: list[Part] = []
    appendix_number = first_appendix - 1
    for section in document.sections:
        key = _part_of(section)
        if not parts or parts[-1].key != key:
            parts.append(Part(key, headings[key], []))
        if section.appendix:
            appendix_number += 1
        parts[-1].sections.append(
            SectionLayout(
                section=section,
                number=f"Appendix {appendix_number}" if section.appendix else "",
                paragraphs=[NumberedParagraph(next(numbering), segments(p.text, figures)) for p in section.paragraphs],
                blocks=_blocks(section, id_prefix=id_prefix, alt_in_title=alt_in_title),
                narrative=narrative_paragraphs(section.narrative),
            )
        )
    return DocumentLayout(document, parts)
