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
