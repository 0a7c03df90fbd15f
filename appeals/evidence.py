"""Appeal evidence files: images or PDFs, checked by their content, never by their name."""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.errors import PdfReadError
from pypdf.generic import IndirectObject

from core.uploads import MEGABYTE, UploadRejected

MAX_EVIDENCE_BYTES = 20 * MEGABYTE
MAX_EVIDENCE_FILES = 5
_IMAGE_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}


@dataclass(frozen=True)
class CheckedEvidence:
    content_type: str


# What makes a PDF act when opened, clicked or hovered, or carry other files: any of these keys, or an
# action of any of these types, anywhere in the file.
_ACTIVE_KEYS = {"/JS", "/AA", "/EF", "/XFA", "/EmbeddedFiles", "/RichMedia"}
_ACTIVE_ACTIONS = {
    "/JavaScript",
    "/Launch",
    "/SubmitForm",
    "/ImportData",
    "/RichMedia",
    "/GoToR",
    "/GoToE",
    "/Rendition",
    "/Sound",
    "/Movie",
}
# A PDF with more objects than this is refused rather than walked (evidence is a few pages).
_MAX_PDF_OBJECTS = 50_000


def _pdf_is_active(reader: PdfReader, data: bytes) -> bool:
    """Whether any object of the PDF — including those in compressed object streams, which a byte
    search cannot see — is a script, an action of an active type, or an embedded file."""
    numbers = {(num, gen) for gen, table in reader.xref.items() for num in table}
    numbers |= {(num, 0) for num in reader.xref_objStm}
    if len(numbers) > _MAX_PDF_OBJECTS:
        return True
    seen: set[int] = set()
    pending: list[object] = [reader.trailer]
    for num, gen in numbers:
        try:
            pending.append(reader.get_object(IndirectObject(num, gen, reader)))
        except (PdfReadError, ValueError, KeyError, TypeError, OSError):
            continue
    steps = 0
    while pending:
        node = pending.pop()
        steps += 1
        if steps > 20 * _MAX_PDF_OBJECTS:
            return True
        if isinstance(node, IndirectObject) or id(node) in seen:
            continue  # indirect objects are all visited from the cross-reference tables above
        seen.add(id(node))
        if isinstance(node, dict):
            if _ACTIVE_KEYS & set(node.keys()) or node.get("/S") in _ACTIVE_ACTIONS:
                return True
            pending.extend(node.values())
        elif isinstance(node, list):
            pending.extend(node)
    return b"/JavaScript" in data or b"/Launch" in data


def check(data: bytes) -> CheckedEvidence:
    if not data:
        raise UploadRejected("empty")
    if len(data) > MAX_EVIDENCE_BYTES:
        raise UploadRejected("too_large", max_mb=MAX_EVIDENCE_BYTES // MEGABYTE)
    if data[:5] == b"%PDF-":
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                reader = PdfReader(io.BytesIO(data), strict=False)
                if len(reader.pages) < 1:
                    raise UploadRejected("not_allowed")
                if _pdf_is_active(reader, data):
                    raise UploadRejected("pdf_active_content")
        except UploadRejected:
            raise
        except (PdfReadError, ValueError, KeyError, TypeError, OSError, RecursionError) as exc:
            raise UploadRejected("corrupt") from exc
        return CheckedEvidence(content_type="application/pdf")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            fmt = image.format
            image.verify()
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise UploadRejected("not_allowed") from exc
    except (OSError, SyntaxError, ValueError) as exc:
        raise UploadRejected("corrupt") from exc
    if fmt not in _IMAGE_TYPES:
        raise UploadRejected("not_allowed")
    return CheckedEvidence(content_type=_IMAGE_TYPES[fmt])


# A preview reads at most this much of the first page's text (the admin's CSP shows no embedded PDFs).
PREVIEW_CHARS = 600


def pdf_preview(stream) -> dict | None:  # noqa: ANN001 - a binary file
    """How many pages, and the start of the first page's text, for a reviewer's preview; None when
    the file cannot be read (it was checked at upload, so this is rare)."""
    try:
        reader = PdfReader(stream)
        pages = len(reader.pages)
        text = (reader.pages[0].extract_text() or "") if pages else ""
    except (PdfReadError, ValueError, KeyError, TypeError, OSError):
        return None
    text = " ".join(text.split())
    return {"pages": pages, "excerpt": text[:PREVIEW_CHARS] + ("…" if len(text) > PREVIEW_CHARS else "")}
