"""The annual review as data: what the generator builds and the renderers draw.

The generator (``reviews.sections``) computes a :class:`Document` from the
records; the renderers (``reviews.render``) draw the same document as HTML,
PDF, DOCX, CSV and XLSX; a published version stores ``Document.to_dict()``
and reads it back with ``Document.from_dict`` so a published review never
changes when the records do (the difference is shown instead, see
:func:`figure_differences`).

Paragraph text names figures by key in braces (``"{delivery.public_meetings}
public meetings"``): HTML draws each as a link to the records behind it,
PDF and DOCX as plain text. Paragraphs are numbered across the whole
document, as in the committee report the source follows.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from decimal import Decimal

PLACEHOLDER = re.compile(r"\{([a-z0-9_.\-]+)\}")


@dataclass(frozen=True)
class Figure:
    """One number in the review, exact, with last year's for comparison.

    ``value`` is exact (an int, or a Decimal for shares and money) and is
    what comparisons use; ``display`` is the rounded text shown. ``link`` is
    the address of a list holding exactly the records counted (empty when a
    figure has no records behind it, e.g. a suppressed count), and
    ``link_count`` how many records that list shows.
    """

    key: str
    label: str
    value: int | Decimal | None
    display: str
    unit: str = "count"  # count | percent | money | ratio | text
    link: str = ""
    link_count: int | None = None
    previous: int | Decimal | None = None
    previous_display: str = ""
    change_display: str = ""  # e.g. "up 12", "down 3 points", "no change"; "" when no last year
    suppressed: bool = False
    to_date: bool = False  # a part year: the figure counts what has happened so far


@dataclass(frozen=True)
class Cell:
    text: str
    link: str = ""
    numeric: bool = False


@dataclass(frozen=True)
class Table:
    key: str
    caption: str
    columns: list[str]
    rows: list[list[Cell]]


@dataclass(frozen=True)
class Bar:
    label: str
    value: int | Decimal
    display: str


@dataclass(frozen=True)
class Chart:
    """A bar chart drawn as SVG on the server; ``table_key`` names the table
    in the same section holding its data, ``alt`` says what it shows."""

    key: str
    title: str
    bars: list[Bar]
    alt: str
    table_key: str
    unit: str = "count"
    reference: Decimal | None = None  # e.g. a 75% line
    reference_label: str = ""


@dataclass(frozen=True)
class Paragraph:
    text: str  # may hold {figure.key} placeholders


@dataclass
class Section:
    key: str
    title: str
    paragraphs: list[Paragraph] = field(default_factory=list)
    figures: dict[str, Figure] = field(default_factory=dict)
    tables: list[Table] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    narrative: str = ""  # officers' text for the section (recommendations, context)
    errors: list[str] = field(default_factory=list)  # a section in error cannot be published
    appendix: bool = False  # the one-page-per-group appendices


@dataclass
class Document:
    financial_year: int  # the year starting 1 April of this calendar year
    year_label: str  # "2025/26"
    title: str
    sections: list[Section]
    to_date: bool = False  # the year has not ended
    generated_on: str = ""  # ISO date

    # -- reading -----------------------------------------------------------
    def figures(self) -> dict[str, Figure]:
        out: dict[str, Figure] = {}
        for section in self.sections:
            out.update(section.figures)
        return out

    def errors(self) -> list[tuple[str, str]]:
        return [(s.title, e) for s in self.sections for e in s.errors]

    def numbered_paragraphs(self):
        """(number, section, paragraph), numbered from 1 across the body
        sections, then the appendices, as the committee report does."""
        n = 0
        for section in self.sections:
            for paragraph in section.paragraphs:
                n += 1
                yield n, section, paragraph

    # -- storing -----------------------------------------------------------
    def to_dict(self) -> dict:
        return _encode(asdict(self))

    @classmethod
    def from_dict(cls, data: dict) -> Document:
        sections = []
        for s in data["sections"]:
            sections.append(
                Section(
                    key=s["key"],
                    title=s["title"],
                    paragraphs=[Paragraph(**p) for p in s["paragraphs"]],
                    figures={k: _figure(f) for k, f in s["figures"].items()},
                    tables=[
                        Table(
                            key=t["key"],
                            caption=t["caption"],
                            columns=list(t["columns"]),
                            rows=[[Cell(**c) for c in row] for row in t["rows"]],
                        )
                        for t in s["tables"]
                    ],
                    charts=[
                        Chart(
                            **{
                                **c,
                                "bars": [Bar(b["label"], _decode(b["value"]), b["display"]) for b in c["bars"]],
                                "reference": _decode(c["reference"]),
                            }
                        )
                        for c in s["charts"]
                    ],
                    narrative=s.get("narrative", ""),
                    errors=list(s.get("errors", [])),
                    appendix=s.get("appendix", False),
                )
            )
        return cls(
            financial_year=data["financial_year"],
            year_label=data["year_label"],
            title=data["title"],
            sections=sections,
            to_date=data.get("to_date", False),
            generated_on=data.get("generated_on", ""),
        )


@dataclass(frozen=True)
class Difference:
    key: str
    label: str
    published: str
    now: str


def figure_differences(published: Document, current: Document) -> list[Difference]:
    """Figures whose exact value differs between a published version and the
    records today (including figures added or gone), in the published order."""
    then, now = published.figures(), current.figures()
    out = []
    for key, fig in then.items():
        cur = now.get(key)
        if cur is None:
            out.append(Difference(key, fig.label, fig.display, "no longer computed"))
        elif cur.value != fig.value or cur.suppressed != fig.suppressed:
            out.append(Difference(key, fig.label, fig.display, cur.display))
    for key, cur in now.items():
        if key not in then:
            out.append(Difference(key, cur.label, "not in the published review", cur.display))
    return out


def _figure(f: dict) -> Figure:
    return Figure(**{**f, "value": _decode(f["value"]), "previous": _decode(f["previous"])})


_DECIMAL_TAG = "decimal:"


def _encode(obj):
    """JSON-safe: Decimals as tagged strings so they come back exact."""
    if isinstance(obj, Decimal):
        return f"{_DECIMAL_TAG}{obj}"
    if isinstance(obj, dict):
        return {k: _encode(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_encode(v) for v in obj]
    return obj


def _decode(value):
    if isinstance(value, str) and value.startswith(_DECIMAL_TAG):
        return Decimal(value[len(_DECIMAL_TAG) :])
    return value
