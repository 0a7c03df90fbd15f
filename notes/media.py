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

from PIL import Image, UnidentifiedImageError

from core.uploads import MEGABYTE, UploadRejected

MAX_UPLOAD_BYTES = 20 * MEGABYTE
# 60 megapixels: a 50 MP camera file fits; a decompression bomb (30,000 × 30,000) does not.
MAX_PIXELS = 60_000_000
# What decoding may allocate: width × height × bands. A 60 MP RGB photo (180 MB) fits; a 7,745 ×
# 7,745 RGBA PNG (240 MB decoded from a 233 KB file) does not. Every full decode is bounded by this.
MAX_DECODED_BYTES = 200 * MEGABYTE
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
    if width * height * len(image.getbands()) > MAX_DECODED_BYTES:
        raise UploadRejected("too_much_pixel_data", max_mb=MAX_DECODED_BYTES // MEGABYTE)
    return image


_REDUCIBLE = {"L", "LA", "RGB", "RGBA", "RGBa", "CMYK", "I", "F", "I;16"}
# EXIF orientation → the transposition that makes the picture upright (as ImageOps.exif_transpose).
_TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


def _upright_size(image: Image.Image) -> tuple[int, int]:
    """The size after EXIF orientation, read before decoding (orientations 5–8 swap the sides)."""
    width, height = image.size
    orientation = image.getexif().get(0x0112, 1)
    return (height, width) if orientation in (5, 6, 7, 8) else (width, height)


def _encode(image: Image.Image, icc: bytes | None) -> Derivative:
    """A fresh encode that carries pixels and the colour profile only: no EXIF, XMP, comments or text."""
    transparent = image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info)
    clean = image.convert("RGBA" if transparent else "RGB")
    if clean is image:
        clean = image.copy()
    clean.info = {}  # Pillow writes info["comment"] (JPEG COM, PNG comment) into a JPEG it saves
    out = io.BytesIO()
    if transparent:
        clean.save(out, "WEBP", quality=85, icc_profile=icc)
    else:
        clean.save(out, "JPEG", quality=85, optimize=True, progressive=True, icc_profile=icc)
    return Derivative(data=out.getvalue(), width=clean.width, height=clean.height)


def process_image(data: bytes) -> ProcessedImage:
    """Validate ``data`` (the untouched upload) and render its display and thumbnail derivatives."""
    if not data:
        raise UploadRejected("empty")
    if len(data) > MAX_UPLOAD_BYTES:
        raise UploadRejected("too_large", max_mb=MAX_UPLOAD_BYTES // MEGABYTE)
    image = _open_checked(data)
    fmt = image.format
    width, height = _upright_size(image)
    try:
        icc = image.info.get("icc_profile")
        orientation = image.getexif().get(0x0112, 1)
        # JPEG decodes straight at 1/2–1/8 scale (DCT scaling) when the display size allows it;
        # other formats decode once, within MAX_DECODED_BYTES, and are box-reduced at once, so only
        # one full-size copy ever exists (no full-size rotation or premultiplied-alpha copy).
        image.draft(None, (DISPLAY_EDGE, DISPLAY_EDGE))
        image.load()  # a truncated or corrupt file fails here, before anything is stored
        factor = max(1, max(image.size) // (DISPLAY_EDGE * 2))
        if factor > 1:
            if image.mode not in _REDUCIBLE:  # palette and 1-bit images: to true colour first
                transparent = "transparency" in image.info or image.mode in ("PA", "La")
                converted = image.convert("RGBA" if transparent else "RGB")
                image.close()
                image = converted
            reduced = image.reduce(factor)
            image.close()
            image = reduced
        if orientation in _TRANSPOSE:
            image = image.transpose(_TRANSPOSE[orientation])
        image.thumbnail((DISPLAY_EDGE, DISPLAY_EDGE), Image.Resampling.LANCZOS)
        display = _encode(image, icc)
        image.thumbnail((THUMBNAIL_EDGE, THUMBNAIL_EDGE), Image.Resampling.LANCZOS)
        thumbnail = _encode(image, icc)
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise UploadRejected("corrupt") from exc
    finally:
        image.close()
    return ProcessedImage(
        format=fmt,
        width=width,
        height=height,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        display=display,
        thumbnail=thumbnail,
    )
