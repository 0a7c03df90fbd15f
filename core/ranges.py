"""Byte-range responses (RFC 9110 §14) for media served through Django, so a browser can seek a video.

Django's ``FileResponse`` always sends the whole file; a ``<video>`` element asks for ranges and
cannot seek (Safari will not even play) without a 206 answer. One range per request is what players
ask for; a multi-range or unsatisfiable request gets the whole file or a 416, as the RFC allows.
"""

from __future__ import annotations

import re

from django.db.models.fields.files import FieldFile
from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse

# At most 18 digits: positions fit in 64 bits, and int() is never asked to read thousands of digits.
_RANGE = re.compile(r"^bytes=(\d{0,18})-(\d{0,18})$")
CHUNK = 64 * 1024


def _parse(header: str, size: int) -> tuple[int, int] | None | bool:
    """(first, last) for a single satisfiable range; None to send the whole file; False for a 416."""
    match = _RANGE.match(header.strip())
    if match is None:
        return None  # absent, malformed or several ranges: the whole file is a valid answer
    first_raw, last_raw = match.groups()
    if not first_raw and not last_raw:
        return None
    if not first_raw:  # the last N bytes
        length = int(last_raw)
        if length == 0 or size == 0:
            return False
        return max(0, size - length), size - 1
    first = int(first_raw)
    if last_raw and int(last_raw) < first:
        return None  # not a valid range (RFC 9110 §14.1.1): ignored, the whole file is the answer
    if first >= size:
        return False
    last = int(last_raw) if last_raw else size - 1
    return first, min(last, size - 1)


def _chunks(handle, first: int, length: int):  # noqa: ANN001, ANN202 - a file and a generator
    try:
        handle.seek(first)
        remaining = length
        while remaining > 0:
            data = handle.read(min(CHUNK, remaining))
            if not data:
                break
            remaining -= len(data)
            yield data
    finally:
        handle.close()


def ranged_file_response(request: HttpRequest, field: FieldFile, *, content_type: str) -> HttpResponse:
    size = field.size
    wanted = _parse(request.headers.get("Range", ""), size)
    if wanted is None:
        response: HttpResponse = FileResponse(field.open("rb"), content_type=content_type)
    elif wanted is False:
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
    else:
        first, last = wanted
        response = StreamingHttpResponse(
            _chunks(field.open("rb"), first, last - first + 1), status=206, content_type=content_type
        )
        response["Content-Length"] = str(last - first + 1)
        response["Content-Range"] = f"bytes {first}-{last}/{size}"
    response["Accept-Ranges"] = "bytes"
    return response
