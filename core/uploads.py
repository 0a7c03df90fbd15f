"""Upload rejection: one exception for every checked file, and one table of messages for it.

The checkers (``notes.media`` for note images, ``appeals.evidence`` for appeal evidence) raise
``UploadRejected`` with a stable code; views, APIs and services turn it into the user's words
with ``rejection_message`` and into a ``DomainError`` with ``rejection_error``.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from core.errors import DomainError

MEGABYTE = 1024 * 1024
# What multipart framing adds around a file at most (boundaries, the parts' headers, a CSRF token):
# a request longer than a file's limit plus this cannot carry an acceptable file.
MULTIPART_SLACK = 64 * 1024


class UploadRejected(ValueError):
    """The file is not one we accept. ``code`` names the reason; ``params`` fill the message."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


def rejection_message(exc: UploadRejected) -> str:
    """The reason in the request's (or the task's) language."""
    params = exc.params
    if exc.code == "empty":
        return _("The file is empty.")
    if exc.code == "too_large":
        return _("The file is larger than %(max_mb)s MB.") % {"max_mb": params.get("max_mb", "?")}
    if exc.code == "unsupported_format":
        return _("%(format)s images are not accepted. Upload a JPEG, PNG or WebP image.") % {
            "format": params.get("format", "?")
        }
    if exc.code == "too_many_pixels":
        return _("The image has too many pixels (at most %(megapixels)s megapixels).") % {
            "megapixels": params.get("megapixels", "?")
        }
    if exc.code == "too_much_pixel_data":
        return _("The image is too large to open: at most %(max_mb)s MB of pixel data once decoded.") % {
            "max_mb": params.get("max_mb", "?")
        }
    if exc.code == "corrupt":
        return _("The image is damaged or incomplete (for example, a truncated download).")
    if exc.code == "pdf_active_content":
        return _(
            "PDF files with scripts or automatic actions cannot be attached. Save it as a new PDF "
            "(print to PDF) or attach images instead."
        )
    if exc.code == "not_a_video":
        return _("The file is not a video we can read. Upload an MP4, MOV or WebM video.")
    if exc.code == "video_corrupt":
        return _("The video is damaged or incomplete: it cannot be opened. Export it again and upload it.")
    if exc.code == "video_truncated":
        return _("The video stops before its end (a cut-off upload or copy). Upload the complete file.")
    if exc.code == "no_picture":
        return _("The file has no picture (an audio file?). Upload a video.")
    if exc.code in ("no_frames", "zero_duration"):
        return _("The video has nothing to play: it has no frames or lasts no time.")
    if exc.code == "video_too_big":
        return _("The video is %(width)s × %(height)s pixels; at most %(long)s × %(short)s is accepted.") % {
            "width": params.get("width", "?"),
            "height": params.get("height", "?"),
            "long": params.get("max_long_edge", 4096),
            "short": params.get("max_short_edge", 2160),
        }
    if exc.code == "too_long":
        return _("The video is longer than %(max_minutes)s minutes.") % {
            "max_minutes": params.get("max_minutes", "?")
        }
    if exc.code == "processing_error":
        return _("The video could not be processed. Remove it and try again, or try another file.")
    if exc.code == "not_allowed":
        return _("Only images (JPEG, PNG, WebP) and PDF documents can be attached.")
    return _("The file is not an image we can read. Upload a JPEG, PNG or WebP image.")


def rejection_error(
    exc: UploadRejected, *, prefix: str, field: str, name: str | None = None, status: int = 400
) -> DomainError:
    """A ``DomainError`` for the rejected file, naming the file when its name is known."""
    message = rejection_message(exc)
    if name:
        message = f"{name}: {message}"
    # Codes that already name their kind ("video_corrupt") are not prefixed twice.
    code = exc.code if exc.code.startswith(f"{prefix}_") else f"{prefix}_{exc.code}"
    return DomainError(message, code=code, field=field, status=status)


def check_declared_size(
    *, size: int, max_bytes: int, prefix: str, field: str, name: str | None = None
) -> None:
    """Refuse an oversized upload from its declared size, before its bytes are read (413)."""
    if size > max_bytes:
        raise rejection_error(
            UploadRejected("too_large", max_mb=max_bytes // MEGABYTE),
            prefix=prefix,
            field=field,
            name=name,
            status=413,
        )
