"""Every metadata chunk of a PNG and every metadata segment of a JPEG, wherever the format allows it.

PNG allows ``tEXt``, ``zTXt``, ``iTXt`` and ``eXIf`` anywhere between ``IHDR`` and ``IEND``, and
Pillow reads only those before the first ``IDAT`` without decoding the pixels; JPEG allows APP and
COM segments between the scans of a progressive image and writers append them after the image.
These walkers read the file chunk by chunk (segment by segment), seeking past image data, with each
chunk and each decompressed text bounded, so a metadata block placed after the pixels is found too.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass, field
from typing import BinaryIO

MAX_CHUNK = 8 * 1024 * 1024  # a metadata chunk larger than this is skipped, and said so
MAX_TEXT = 1024 * 1024  # decompressed text kept per chunk
XMP_KEYWORD = "XML:com.adobe.xmp"
XMP_JPEG = b"http://ns.adobe.com/xap/1.0/\x00"
EXIF_JPEG = b"Exif\x00\x00"
READ_BLOCK = 1 << 20
MAX_SEGMENTS = 20_000
MAX_PNG_CHUNKS = 100_000


@dataclass
class Found:
    text: dict[str, str] = field(default_factory=dict)  # keyword → text (the first of each)
    xmp: list[bytes] = field(default_factory=list)
    exif: list[bytes] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    after_image: set[str] = field(default_factory=set)  # what was found after the image data


def _inflate(data: bytes, limit: int = MAX_TEXT) -> bytes | None:
    inflater = zlib.decompressobj()
    try:
        out = inflater.decompress(data, limit)
    except zlib.error:
        return None
    return out


def png(stream: BinaryIO) -> Found:
    found = Found()
    end = stream.seek(0, 2)
    position = 8
    seen_image = False
    chunks_read = 0
    while position + 12 <= end:
        chunks_read += 1
        if chunks_read > MAX_PNG_CHUNKS:
            found.problems.append(f"more than {MAX_PNG_CHUNKS} PNG chunks: the rest was not read")
            break
        stream.seek(position)
        header = stream.read(8)
        if len(header) < 8:
            break
        length, kind = struct.unpack(">I4s", header)
        data_start, next_chunk = position + 8, position + 12 + length
        if next_chunk > end:
            found.problems.append(f"chunk {kind.decode('latin-1', 'replace')} runs past the end of the file")
            break
        position = next_chunk
        if kind == b"IDAT":
            seen_image = True
            continue
        if kind == b"IEND":
            break
        if kind not in (b"tEXt", b"zTXt", b"iTXt", b"eXIf"):
            continue
        if length > MAX_CHUNK:
            found.problems.append(f"{kind.decode()} chunk of {length} bytes skipped")
            continue
        stream.seek(data_start)
        data = stream.read(length)
        where = len(found.text) + len(found.xmp) + len(found.exif)
        if kind == b"eXIf":
            found.exif.append(data)
        else:
            _png_text(kind, data, found)
        if seen_image and len(found.text) + len(found.xmp) + len(found.exif) > where:
            found.after_image.add(kind.decode())
    return found


def _png_text(kind: bytes, data: bytes, found: Found) -> None:
    keyword_raw, _, rest = data.partition(b"\x00")
    keyword = keyword_raw.decode("latin-1", "replace")
    text: bytes | None
    if kind == b"tEXt":
        text, encoding = rest, "latin-1"
    elif kind == b"zTXt":
        text, encoding = _inflate(rest[1:]), "latin-1"
    else:  # iTXt: compression flag, method, language\0, translated keyword\0, text
        if len(rest) < 2:
            found.problems.append("iTXt chunk cut short")
            return
        compressed, body = rest[0], rest[2:]
        _language, _, body = body.partition(b"\x00")
        _translated, _, body = body.partition(b"\x00")
        # XMP is kept whole up to the chunk limit, so the XMP reader can refuse an oversized packet.
        limit = MAX_CHUNK if keyword == XMP_KEYWORD else MAX_TEXT
        text, encoding = (_inflate(body, limit) if compressed else body), "utf-8"
    if text is None:
        found.problems.append(f"{kind.decode()} {keyword!r} could not be decompressed")
        return
    if keyword == XMP_KEYWORD:
        found.xmp.append(text)
    else:
        found.text.setdefault(keyword, text[:MAX_TEXT].decode(encoding, "replace"))


def jpeg(stream: BinaryIO) -> Found:
    """APP1 (EXIF, XMP) and COM segments before, between and after the scans."""
    found = Found()
    end = stream.seek(0, 2)
    position = 2
    seen_image = False
    segments = 0
    while position + 4 <= end:
        segments += 1
        if segments > MAX_SEGMENTS:
            found.problems.append(f"more than {MAX_SEGMENTS} JPEG segments: the rest was not read")
            break
        stream.seek(position)
        marker = stream.read(2)
        if len(marker) < 2 or marker[0] != 0xFF:
            position = _next_marker(stream, position, end)
            if position is None:
                break
            continue
        code = marker[1]
        if code == 0xFF:  # fill byte
            position += 1
            continue
        if code in (0xD8, 0x01) or 0xD0 <= code <= 0xD7:  # SOI, TEM, RSTn: no length
            position += 2
            continue
        if code == 0xD9:  # EOI: writers may still append metadata segments after it
            seen_image = True
            position += 2
            stream.seek(position)
            after = stream.read(2)
            if len(after) < 2 or after[0] != 0xFF or after[1] in (0x00, 0xD8):
                break  # anything else after the image (a Motion Photo's video, a ZIP) is not ours to read
            continue
        length_bytes = stream.read(2)
        if len(length_bytes) < 2:
            break
        length = struct.unpack(">H", length_bytes)[0]
        data_start, segment_end = position + 4, position + 2 + length
        if length < 2 or segment_end > end:
            found.problems.append("a JPEG segment runs past the end of the file")
            break
        if code in (0xE1, 0xFE) and length - 2 <= MAX_CHUNK:
            stream.seek(data_start)
            data = stream.read(length - 2)
            before = len(found.xmp) + len(found.exif) + len(found.comments)
            if code == 0xE1 and data.startswith(XMP_JPEG):
                found.xmp.append(data[len(XMP_JPEG) :])
            elif code == 0xE1 and data.startswith(EXIF_JPEG):
                found.exif.append(data[len(EXIF_JPEG) :])
            elif code == 0xFE:
                found.comments.append(data[:MAX_TEXT].decode("utf-8", "replace"))
            if seen_image and len(found.xmp) + len(found.exif) + len(found.comments) > before:
                found.after_image.add({0xE1: "APP1", 0xFE: "COM"}[code])
        position = segment_end
        if code == 0xDA:  # SOS: entropy-coded data follows, up to the next marker
            seen_image = True
            position = _next_marker(stream, position, end)
            if position is None:
                break
    return found


def _next_marker(stream: BinaryIO, position: int, end: int) -> int | None:
    """The offset of the next marker (0xFF followed by neither 0x00, a fill byte nor RSTn), read in blocks."""
    stream.seek(position)
    carry = b""
    offset = position
    while offset < end:
        block = stream.read(READ_BLOCK)
        if not block:
            return None
        data = carry + block
        base = offset - len(carry)
        index = data.find(b"\xff")
        while index != -1 and index + 1 < len(data):
            following = data[index + 1]
            if following not in (0x00, 0xFF) and not 0xD0 <= following <= 0xD7:
                return base + index
            index = data.find(b"\xff", index + 1)
        carry = data[-1:] if data.endswith(b"\xff") else b""
        offset += len(block)
    return None
