"""A quarterly return's sections: its SLA outputs grouped under the SLA's
headings, each with a status worked out from what is saved (nothing stored).

The group fills in the return one section at a time from a task list (the
GOV.UK "complete multiple tasks" pattern), then checks its answers and
submits. A section is:

- completed: every output in it has a RAG status and progress, and a status
  different from the suggestion has a reason;
- in progress: something is saved in it (progress, barriers, support wanted,
  a reason, or a status the group chose itself) but not everything needed;
- not started: nothing saved yet (the suggested status, filled in when the
  return opened, is not an answer).

``missing_answers`` is THE list of what stops a return being submitted: the
submit service refuses with it, and the check page lists it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cpeg.monitoring.choices import RAG_SHORT_LABELS

CORE_TITLE = "Core requirements"

NOT_STARTED = "not_started"
IN_PROGRESS = "in_progress"
COMPLETED = "completed"
STATUS_LABELS = {NOT_STARTED: "Not started", IN_PROGRESS: "In progress", COMPLETED: "Completed"}


def line_field_key(line, field_name: str) -> str:
    """The key a line's field errors are raised under (forms use the same names)."""
    return f"line-{line.pk}-{field_name}"


@dataclass(frozen=True)
class Missing:
    """An answer a line still needs before the return can be submitted."""

    line: object
    field: str
    message: str

    @property
    def key(self) -> str:
        return line_field_key(self.line, self.field)


def missing_answers(line) -> list[Missing]:
    """What the line still needs: a RAG status, progress, and a reason for a
    status different from the suggestion. Barriers and support are optional."""
    missing = []
    if not line.rag:
        missing.append(Missing(line, "rag", f"Select a RAG status for {line.output}"))
    elif line.suggested_rag and line.rag != line.suggested_rag and not line.rag_override_reason.strip():
        missing.append(
            Missing(
                line,
                "rag_override_reason",
                f"Enter why {line.output} is {RAG_SHORT_LABELS[line.rag].lower()} "
                f"when the figures suggest {RAG_SHORT_LABELS[line.suggested_rag].lower()}",
            )
        )
    if not line.progress.strip():
        missing.append(Missing(line, "progress", f"Enter the progress on {line.output}"))
    return missing


def line_started(line) -> bool:
    """The group has saved something on the line."""
    return bool(
        line.progress.strip()
        or line.barriers.strip()
        or line.support_requested.strip()
        or line.rag_override_reason.strip()
        or (line.rag and line.rag != line.suggested_rag)
    )


@dataclass
class Section:
    number: int
    title: str
    lines: list = field(default_factory=list)

    @property
    def missing(self) -> list[Missing]:
        return [m for line in self.lines for m in missing_answers(line)]

    @property
    def status(self) -> str:
        if not self.missing:
            return COMPLETED
        if any(line_started(line) for line in self.lines):
            return IN_PROGRESS
        return NOT_STARTED

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def is_completed(self) -> bool:
        return self.status == COMPLETED


def return_sections(lines) -> list[Section]:
    """The lines (in the return's order) grouped by their SLA heading, in the
    order each heading first appears; lines with no heading are the core
    requirements. Sections are numbered from 1."""
    by_title: dict[str, Section] = {}
    for line in lines:
        title = line.heading_title or CORE_TITLE
        if title not in by_title:
            by_title[title] = Section(number=len(by_title) + 1, title=title)
        by_title[title].lines.append(line)
    return list(by_title.values())


def section_of_line(sections: list[Section]) -> dict[int, int]:
    """line id -> its section's number."""
    return {line.pk: s.number for s in sections for line in s.lines}
