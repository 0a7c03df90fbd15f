"""Image intake: validate an upload by its content and make the public derivatives.

Pillow and the shared rejection type only (no models, no settings), so it can be tested and
benchmarked alone.
The original bytes are never modified here; derivatives are fresh encodes that carry no
EXIF (no GPS, no camera serial), only the colour profile.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

from core.uploads import MEGABYTE, UploadRejected

MAX_UPLOAD_BYTES = 20 * MEGABYTE
# 60 megapixels: a 50 MP camera file fits; a decompression bomb (30,000 × 30,000) does not.
MAX_PIXELS = 60_000_000
ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP"}
DISPLAY_EDGE = 1600
THUMBNAIL_EDGE = 480


@dataclass(frozen=True)
class Derivative:
    data: bytes
    width: int
    height: int


@dataclass(frozen=True)
class ProcessedImage:
    format: str
    width: int
    height: int
    sha256: str
    size: int
    display: Derivative
    thumbnail: Derivative


def _open_checked(data: bytes) -> Image.Image:
    try:
        with warnings.catch_warnings():
            # Pillow warns between MAX_IMAGE_PIXELS and twice that; we decide ourselves below.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
    except Image.DecompressionBombError as exc:
        raise UploadRejected("too_many_pixels", megapixels=MAX_PIXELS // 1_000_000) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise UploadRejected("not_an_image") from exc
    if image.format not in ALLOWED_FORMATS:
        raise UploadRejected("unsupported_format", format=image.format or "?")
    width, height = image.size
    if width * height > MAX_PIXELS:
        raise UploadRejected("too_many_pixels", megapixels=MAX_PIXELS // 1_000_000)
    if width < 1 or height < 1:
        raise UploadRejected("not_an_image")
    return image


def _encode(image: Image.Image, edge: int, icc: bytes | None) -> Derivative:
    copy = image.copy()
    copy.thumbnail((edge, edge), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    if copy.mode in ("RGBA", "LA") or (copy.mode == "P" and "transparency" in copy.info):
        copy = copy.convert("RGBA")
        copy.save(out, "WEBP", quality=85, icc_profile=icc)
    else:
        copy = copy.convert("RGB")
        copy.save(out, "JPEG", quality=85, optimize=True, progressive=True, icc_profile=icc)
    return Derivative(data=out.getvalue(), width=copy.width, height=copy.height)


def process_image(data: bytes) -> ProcessedImage:
    """Validate ``data`` (the untouched upload) and render its display and thumbnail derivatives."""
    if not data:
        raise UploadRejected("empty")
    if len(data) > MAX_UPLOAD_BYTES:
        raise UploadRejected("too_large", max_mb=MAX_UPLOAD_BYTES // MEGABYTE)
    image = _open_checked(data)
    fmt = image.format
    try:
        image.load()  # a truncated or corrupt file fails here, before anything is stored
        icc = image.info.get("icc_profile")
        upright = ImageOps.exif_transpose(image)
        display = _encode(upright, DISPLAY_EDGE, icc)
        thumbnail = _encode(upright, THUMBNAIL_EDGE, icc)
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise UploadRejected("corrupt") from exc
    finally:
        image.close()
    return ProcessedImage(
        format=fmt,
        width=upright.width,
        height=upright.height,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        display=display,
        thumbnail=thumbnail,
    )
