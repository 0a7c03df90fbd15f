"""Appeal evidence files: images or PDFs, checked by their content, never by their name."""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.errors import PdfReadError

from core.uploads import MEGABYTE, UploadRejected

MAX_EVIDENCE_BYTES = 20 * MEGABYTE
MAX_EVIDENCE_FILES = 5
_IMAGE_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}


@dataclass(frozen=True)
class CheckedEvidence:
    content_type: str


# Keys that make a PDF do something when opened or clicked: scripts, launching programs, submitting.
_ACTIVE_NAMES = {"/JavaScript", "/JS", "/Launch", "/SubmitForm", "/ImportData", "/RichMedia", "/EmbeddedFile"}


def _pdf_is_active(reader: PdfReader, data: bytes) -> bool:
    """Whether the PDF carries scripts or automatic actions (staff open these files).

    Looks at the document catalogue (open action, additional actions, the JavaScript name tree),
    every page's additional actions and every annotation's action, and, for actions hidden in
    compressed object streams, at the raw names as a last resort.
    """
    root = reader.trailer["/Root"]
    if "/AA" in root or "/JavaScript" in (root.get("/Names") or {}):
        return True
    # An open action that only shows a page ([page /Fit]) is harmless; one that runs an action is not.
    open_action = root.get("/OpenAction")
    if open_action is not None:
        open_action = open_action.get_object()
        if hasattr(open_action, "get") and open_action.get("/S") in _ACTIVE_NAMES:
            return True
    for page in reader.pages:
        if "/AA" in page:
            return True
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A")
            if action is not None and action.get_object().get("/S") in _ACTIVE_NAMES:
                return True
    return any(name.encode() in data for name in ("/JavaScript", "/Launch"))


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
