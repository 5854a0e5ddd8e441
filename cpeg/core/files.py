"""Checks on uploaded documents: type by name AND by content.

Used for activity evidence (minutes, newsletters) and group constitutions.

A file's name says what it claims to be; its first bytes (and, for the
zip-based office formats, what is inside the zip) say what it is. Both
must agree, so a renamed executable or a web page saved as ".pdf" is
refused before it is stored.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError


@dataclass(frozen=True)
class DocumentKind:
    label: str
    content_type: str
    magic: tuple[bytes, ...]
    # For zip containers: a member name (prefix) only that format has.
    zip_marker: str = ""


DOCUMENT_KINDS = {
    ".pdf": DocumentKind("PDF", "application/pdf", (b"%PDF-",)),
    ".docx": DocumentKind(
        "DOCX",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (b"PK\x03\x04",),
        "word/",
    ),
    ".odt": DocumentKind("ODT", "application/vnd.oasis.opendocument.text", (b"PK\x03\x04",), "content.xml"),
    ".doc": DocumentKind("DOC", "application/msword", (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)),
    ".xlsx": DocumentKind(
        "XLSX",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        (b"PK\x03\x04",),
        "xl/",
    ),
    ".jpg": DocumentKind("JPG", "image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": DocumentKind("JPG", "image/jpeg", (b"\xff\xd8\xff",)),
    ".png": DocumentKind("PNG", "image/png", (b"\x89PNG\r\n\x1a\n",)),
}
ALLOWED_TYPES_TEXT = "PDF, DOCX, ODT, DOC, XLSX, JPG or PNG"


def extension_of(name: str) -> str:
    name = (name or "").lower().rsplit("/", 1)[-1]
    return "." + name.rsplit(".", 1)[-1] if "." in name else ""


def size_limit_text(limit: int) -> str:
    if limit >= 1024 * 1024:
        return f"{limit / (1024 * 1024):g}MB"
    if limit >= 1024:
        return f"{limit // 1024}KB"
    return f"{limit} bytes"


def _zip_has(file, marker: str) -> bool:
    try:
        with zipfile.ZipFile(file) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    finally:
        file.seek(0)
    return any(n == marker or n.startswith(marker) for n in names)


def allowed_types_text(extensions) -> str:
    """ "PDF, DOCX or DOC" for the given extensions, in DOCUMENT_KINDS order."""
    labels = list(dict.fromkeys(DOCUMENT_KINDS[e].label for e in DOCUMENT_KINDS if e in extensions))
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " or " + labels[-1]


def check_document(file, *, max_bytes: int | None = None, allowed=None) -> DocumentKind:
    """Return the kind of an uploaded document, or raise ValidationError.

    Refuses a file whose type is not allowed (``allowed``: extensions such as
    ``{".pdf", ".docx"}``; default every kind above), that is empty or too
    large (``settings.UPLOAD_MAX_BYTES``), or whose content is not what its
    name claims.
    """
    limit = max_bytes or settings.UPLOAD_MAX_BYTES
    ext = extension_of(getattr(file, "name", ""))
    kind = DOCUMENT_KINDS.get(ext)
    if kind is None or (allowed is not None and ext not in allowed):
        types = ALLOWED_TYPES_TEXT if allowed is None else allowed_types_text(allowed)
        raise ValidationError(f"The selected file must be a {types}", code="file_type")
    size = getattr(file, "size", None) or 0
    if size == 0:
        raise ValidationError("The selected file is empty", code="empty")
    if size > limit:
        raise ValidationError(f"The selected file must be smaller than {size_limit_text(limit)}", code="too_large")
    file.seek(0)
    head = file.read(16)
    file.seek(0)
    if not any(head.startswith(magic) for magic in kind.magic) or (
        kind.zip_marker and not _zip_has(file, kind.zip_marker)
    ):
        raise ValidationError(
            f"The selected file is not a real {kind.label} file. Check it opens, then upload it again",
            code="not_real",
        )
    return kind
