"""Server-rendered SVG bar charts for the stop and search pack.

A chart is drawn from the same rows as the data table printed under it
(each chart says so), in absolute coordinates so that a browser and
WeasyPrint (the PDF) draw it alike. No JavaScript, no external files.
A hidden count (the public version's small numbers) has no bar and reads
"fewer than 5", as in its table.
"""

from __future__ import annotations

from dataclasses import dataclass

WIDTH = 640
LABEL_WIDTH = 250
VALUE_WIDTH = 90
ROW_HEIGHT = 22
BAR_HEIGHT = 14
TOP = 4


@dataclass
class Bar:
    label: str
    text: str  # the value as the table shows it
    y: float
    width: float  # 0 when the count is hidden or zero
    text_y: float
    value_x: float  # where the value's text starts, after the bar


@dataclass
class BarChart:
    title: str
    description: str
    bars: list[Bar]
    width: int = WIDTH
    label_width: int = LABEL_WIDTH
    bar_x: int = LABEL_WIDTH + 8

    @property
    def height(self) -> int:
        return TOP * 2 + ROW_HEIGHT * len(self.bars)


def bar_chart(title: str, rows: list[tuple[str, int | None, str]]) -> BarChart:
    """A horizontal bar chart of (label, count or None if hidden, text) rows."""
    largest = max((count for _, count, _ in rows if count), default=0)
    room = WIDTH - LABEL_WIDTH - 8 - VALUE_WIDTH
    bars = []
    for index, (label, count, text) in enumerate(rows):
        y = TOP + index * ROW_HEIGHT
        width = room * count / largest if count and largest else 0
        width = round(width, 1)
        top, baseline = y + (ROW_HEIGHT - BAR_HEIGHT) / 2, y + ROW_HEIGHT * 0.7
        bars.append(Bar(label[:40], text, top, width, baseline, LABEL_WIDTH + 8 + width + 6))
    description = "; ".join(f"{label}: {text}" for label, _, text in rows)
    return BarChart(title, f"{description}. The table below gives the same figures.", bars)
