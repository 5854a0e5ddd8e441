"""The responses to a consultation as downloads: an XLSX of the text
answers and a zip of the response documents (every cell through
``core.exports.safe_cell``)."""

from __future__ import annotations

import io
import re
import zipfile

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font

from cpeg.core.exports import safe_row

COLUMNS = [
    "Group",
    "Borough",
    "Status",
    "Responding",
    "Member organisations represented",
    "Individuals",
    "Response",
    "Why not responding",
    "Sent late",
    "Sent on",
    "Document",
    "Member organisations by name",
]


def responses_xlsx(consultation, responses) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Responses"
    sheet.append(safe_row([consultation.title]))
    sheet.append(COLUMNS)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for r in responses:
        sheet.append(
            safe_row(
                [
                    r.group.name,
                    r.group.borough.name,
                    r.get_status_display(),
                    r.get_decision_display() if r.decision else "",
                    r.organisations_count,
                    r.individuals_count,
                    r.response_text,
                    r.not_responding_reason,
                    "Yes" if r.is_late else "No",
                    timezone.localtime(r.submitted_at).strftime("%d/%m/%Y") if r.submitted_at else "",
                    r.document_name,
                    # Picked from the register (prefetched); empty when the group gave a number.
                    "; ".join(sorted(member.name for member in r.organisations.all())),
                ]
            )
        )
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _safe_name(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-")[:120] or "document"


def responses_zip(responses) -> bytes:
    """A zip of each response's document, named by group (one per group)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for r in responses:
            if not r.document:
                continue
            with r.document.open("rb") as handle:
                archive.writestr(f"{_safe_name(r.group.name)}-{_safe_name(r.document_name)}", handle.read())
    return out.getvalue()
