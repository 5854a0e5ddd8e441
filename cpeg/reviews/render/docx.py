"""The annual review as a Word document for the committee clerk.

The same committee report layout as the PDF (``render.layout``), in Word's
own structure so the clerk can edit it: the title in the Title style, the
parts in Heading 1, sections in Heading 2 (the navigation pane and any
contents field Word builds read them), paragraphs numbered straight through
as in the source ("3." with a hanging indent: the numbers are text, so they
stay exactly the review's numbers whatever the clerk's numbering settings),
officers' narrative as plain paragraphs, and tables with a repeating header
row. Word cannot show the SVG charts, so each chart appears as its data
table (the table the chart draws, under the chart's title and its text
alternative).
"""

from __future__ import annotations

import io

from django.conf import settings
from docx import Document as WordDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt

from cpeg.reviews.document import Cell, Document, Table
from cpeg.reviews.render.layout import layout, numeric_columns
from cpeg.reviews.render.pdf import long_date, summary_text


def _repeat_header(row) -> None:
    """Mark a table row as its header row (repeated on each page, and read
    as the header by screen readers)."""
    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def _table(word, table: Table) -> None:
    caption = word.add_paragraph(table.caption, style="Caption")
    caption.paragraph_format.keep_with_next = True
    numeric = numeric_columns(table)
    columns = max([len(table.columns)] + [len(row) for row in table.rows])
    grid = word.add_table(rows=1, cols=columns)
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.LEFT
    header = grid.rows[0]
    _repeat_header(header)
    for index, name in enumerate(table.columns):
        cell = header.cells[index]
        cell.text = name
        run = cell.paragraphs[0].runs[0] if cell.paragraphs[0].runs else None
        if run is not None:
            run.bold = True
        if index in numeric:
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for row in table.rows:
        cells = grid.add_row().cells
        for index, value in enumerate(row):
            cells[index].text = value.text
            if value.numeric:
                cells[index].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT


def _figures_table(document: Document, section) -> Table:
    year = document.year_label + (" to date" if document.to_date else "")
    return Table(
        key=f"{section.key}.figures",
        caption=f"{section.title}: compared with last year",
        columns=["Figure", year, "Last year", "Change"],
        rows=[
            [
                Cell(fig.label),
                Cell(fig.display, numeric=True),
                Cell(fig.previous_display or "–", numeric=True),
                Cell(fig.change_display or "–"),
            ]
            for fig in section.figures.values()
        ],
    )


def document_docx(document: Document, *, report_date: str | None = None, by: str | None = None) -> bytes:
    """Return ``document`` as a .docx file (bytes)."""
    review = layout(document)
    word = WordDocument()
    word.core_properties.title = document.title
    word.core_properties.author = by or settings.AUTHORITY_NAME
    word.core_properties.language = "en-GB"
    word.styles["Normal"].font.size = Pt(11)

    word.add_paragraph(document.title, style="Title")
    word.add_paragraph(f"Date: {report_date or long_date(document.generated_on)}")
    word.add_paragraph(f"By: {by or settings.AUTHORITY_NAME}")
    if not any(s.key == "summary" for s in document.sections):
        word.add_heading("Summary", level=1)
        word.add_paragraph(summary_text(document))

    for part in review.parts:
        word.add_heading(part.heading, level=1)
        for index, s in enumerate(part.sections):
            if part.section_headings:
                heading = word.add_heading(s.heading, level=2)
                if s.section.appendix and index:
                    heading.paragraph_format.page_break_before = True
            for error in s.section.errors:
                word.add_paragraph(f"This section could not be computed: {error}").runs[0].bold = True
            for p in s.paragraphs:
                paragraph = word.add_paragraph(f"{p.number}.\t{p.text}")
                paragraph.paragraph_format.left_indent = Pt(28)
                paragraph.paragraph_format.first_line_indent = Pt(-28)
                paragraph.paragraph_format.tab_stops.add_tab_stop(Pt(28))
            for lines in s.narrative:
                paragraph = word.add_paragraph(style="Quote")
                for n, line in enumerate(lines):
                    run = paragraph.add_run(line)
                    if n < len(lines) - 1:
                        run.add_break()
            if s.section.figures:
                _table(word, _figures_table(document, s.section))
            for block in s.blocks:
                for chart, _svg in block.charts:
                    word.add_paragraph(
                        f"{chart.title}: {chart.alt} (The chart in the web and PDF versions draws the table below.)"
                    )
                if block.table.rows:
                    _table(word, block.table)
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()
