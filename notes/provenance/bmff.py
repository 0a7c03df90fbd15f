"""ISO BMFF (MP4, MOV) metadata, read box by box from a seekable stream.

Only container boxes on the way to metadata are entered (``moov``, ``trak``, ``mdia``, ``udta``,
``meta``); media data and sample tables are skipped by seeking, so memory does not grow with the
file. Leaf boxes are read only up to ``MAX_LEAF`` bytes. What is collected:

* top-level ``uuid`` boxes: XMP (``BE7ACFCB-…``) and whether a C2PA manifest store (``D8FEC3D6-…``)
  is present;
* QuickTime ``udta`` text atoms (``©cmt``, ``©too``, ``©swr``, ``©des``, …) and ``XMP_``;
* ``meta`` boxes in either style: iTunes ``ilst`` items (``©too``, ``©cmt``, ``desc``, ``----``
  freeform with ``mean``/``name``) and QuickTime ``mdta`` keys (``keys`` + ``ilst`` by index), which is
  where ``-movflags use_metadata_tags`` writers put arbitrary keys (``AIGC``, ``prompt``, ``workflow``);
* per-track ``hdlr`` names and track ``udta``/``meta`` items.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

XMP_UUID = bytes.fromhex("BE7ACFCB97A942E89C71999491E3AFAC")
C2PA_UUID = bytes.fromhex("D8FEC3D61B0E483C92975828877EC481")
MAX_LEAF = 4 * 1024 * 1024
MAX_DEPTH = 8
MAX_BOXES = 100_000  # per container: a file of empty boxes is not a video
_CONTAINERS = {b"moov", b"trak", b"mdia", b"udta", b"edts"}
# iTunes-style item names worth reading, by four-character code (© is 0xA9 in these codes).
_ITEM_NAMES = {
    b"\xa9too": "encoder",
    b"\xa9enc": "encoder",
    b"\xa9swr": "software",
    b"\xa9cmt": "comment",
    b"\xa9des": "description",
    b"desc": "description",
    b"ldes": "description",
    b"\xa9inf": "information",
    b"\xa9nam": "title",
    b"\xa9ART": "artist",
    b"\xa9aut": "author",
    b"\xa9mak": "make",
    b"\xa9mod": "model",
}


class BmffUnreadable(ValueError):
    """The box structure is broken (a size past the end, a loop): the file is not what it says."""


@dataclass
class BmffMetadata:
    brand: str = ""
    xmp: list[bytes] = field(default_factory=list)
    has_c2pa: bool = False
    # (where, key, value): where is "movie" or "track N"; keys are lower-case names.
    items: list[tuple[str, str, str]] = field(default_factory=list)
    has_moov: bool = False


def _text(data: bytes) -> str:
    return data.decode("utf-8", "replace").strip("\x00").strip()


def _boxes(stream: BinaryIO, start: int, end: int) -> Iterator[tuple[bytes, int, int, bytes]]:
    """(type, payload start, payload end, usertype) of each box in [start, end)."""
    position = start
    for _count in range(MAX_BOXES):
        if position + 8 > end:
            return
        stream.seek(position)
        header = stream.read(8)
        if len(header) < 8:
            raise BmffUnreadable("truncated box header")
        size, kind = struct.unpack(">I4s", header)
        payload = position + 8
        if size == 1:
            large = stream.read(8)
            if len(large) < 8:
                raise BmffUnreadable("truncated box size")
            size = struct.unpack(">Q", large)[0]
            payload += 8
        elif size == 0:
            size = end - position
        if size < payload - position or position + size > end:
            raise BmffUnreadable(f"box {kind!r} runs past its parent")
        usertype = b""
        if kind == b"uuid":
            if size < payload - position + 16:
                raise BmffUnreadable("uuid box too short for its user type")
            usertype = stream.read(16)
            payload += 16
        yield kind, payload, position + size, usertype
        position += size
    raise BmffUnreadable(f"more than {MAX_BOXES} boxes in one container")


def _read(stream: BinaryIO, start: int, end: int) -> bytes:
    stream.seek(start)
    return stream.read(max(0, min(end - start, MAX_LEAF)))


def _data_values(stream: BinaryIO, start: int, end: int) -> list[str]:
    """The text values of the ``data`` boxes inside an ``ilst`` item."""
    values = []
    for kind, payload, box_end, _ in _boxes(stream, start, end):
        if kind == b"data" and box_end - payload >= 8:
            raw = _read(stream, payload, box_end)
            type_indicator = int.from_bytes(raw[1:4], "big")
            if type_indicator in (1, 2, 0):  # UTF-8, UTF-16, implicit
                body = raw[8:]
                values.append(body.decode("utf-16-be", "replace") if type_indicator == 2 else _text(body))
    return values


def _meta(stream: BinaryIO, start: int, end: int, where: str, found: BmffMetadata) -> None:
    """A ``meta`` box: ISO style has a 4-byte version/flags first, QuickTime style does not."""
    stream.seek(start)
    head = stream.read(8)
    quicktime = len(head) >= 8 and head[4:8] in (b"hdlr", b"keys", b"ilst")  # children start at once
    first = start if quicktime else start + 4
    keys: list[str] = []
    for kind, payload, box_end, _ in _boxes(stream, first, end):
        if kind == b"keys":
            raw = _read(stream, payload, box_end)
            count = int.from_bytes(raw[4:8], "big") if len(raw) >= 8 else 0
            offset = 8
            for _index in range(min(count, 4096)):
                if offset + 8 > len(raw):
                    break
                size = int.from_bytes(raw[offset : offset + 4], "big")
                if size < 8:
                    break
                keys.append(_text(raw[offset + 8 : offset + size]))
                offset += size
        elif kind == b"ilst":
            for item, item_start, item_end, _u in _boxes(stream, payload, box_end):
                _ilst_item(stream, item, item_start, item_end, keys, where, found)
        elif kind == b"XMP_":
            found.xmp.append(_read(stream, payload, box_end))


def _ilst_item(
    stream: BinaryIO, item: bytes, start: int, end: int, keys: list[str], where: str, found: BmffMetadata
) -> None:
    if item == b"----":
        name = ""
        values: list[str] = []
        for kind, payload, box_end, _ in _boxes(stream, start, end):
            if kind == b"name":
                name = _text(_read(stream, payload, box_end)[4:])
        values = _data_values(stream, start, end)
        found.items += [(where, name.lower(), value) for value in values]
        return
    index = int.from_bytes(item, "big")
    if keys and 1 <= index <= len(keys):
        name = keys[index - 1]
        name = name.rsplit(".", 1)[-1] if name.startswith("com.apple.quicktime.") else name
    else:
        name = _ITEM_NAMES.get(item, "")
    if name:
        found.items += [(where, name.lower(), value) for value in _data_values(stream, start, end)]


def _udta(stream: BinaryIO, start: int, end: int, where: str, found: BmffMetadata, depth: int) -> None:
    for kind, payload, box_end, _ in _boxes(stream, start, end):
        if kind == b"meta":
            _meta(stream, payload, box_end, where, found)
        elif kind == b"XMP_":
            found.xmp.append(_read(stream, payload, box_end))
        elif kind in _ITEM_NAMES and box_end - payload >= 4:
            raw = _read(stream, payload, box_end)
            # QuickTime text atom: 16-bit length, 16-bit language, then the text; MP4 writers
            # sometimes nest a ``data`` box instead.
            if raw[4:8] == b"data":
                values = _data_values(stream, payload, box_end)
            else:
                length = int.from_bytes(raw[:2], "big")
                values = [_text(raw[4 : 4 + length])]
            found.items += [(where, _ITEM_NAMES[kind], value) for value in values if value]


def _walk(stream: BinaryIO, start: int, end: int, where: str, found: BmffMetadata, depth: int) -> None:
    if depth > MAX_DEPTH:
        raise BmffUnreadable("boxes nested too deep")
    track = 0
    for kind, payload, box_end, _ in _boxes(stream, start, end):
        if kind == b"trak":
            track += 1
            _walk(stream, payload, box_end, f"track {track}", found, depth + 1)
        elif kind == b"udta":
            _udta(stream, payload, box_end, where, found, depth + 1)
        elif kind == b"meta":
            _meta(stream, payload, box_end, where, found)
        elif kind == b"hdlr" and where != "movie":
            raw = _read(stream, payload, box_end)
            body = raw[24:]
            # MP4 writes a C string; QuickTime a Pascal string (a length byte first).
            name = _text(body[1 : 1 + body[0]] if body and body[0] < 32 else body)
            if name:
                found.items.append((where, "handler_name", name))
        elif kind in _CONTAINERS:
            _walk(stream, payload, box_end, where, found, depth + 1)


def read(stream: BinaryIO) -> BmffMetadata:
    """Walk the file's boxes; raises ``BmffUnreadable`` on a broken structure."""
    end = stream.seek(0, 2)
    found = BmffMetadata()
    for kind, payload, box_end, usertype in _boxes(stream, 0, end):
        if kind == b"ftyp":
            found.brand = _read(stream, payload, min(box_end, payload + 4)).decode("latin-1")
        elif kind == b"moov":
            found.has_moov = True
            _walk(stream, payload, box_end, "movie", found, 1)
        elif kind == b"uuid" and usertype == XMP_UUID:
            found.xmp.append(_read(stream, payload, box_end))
        elif kind == b"uuid" and usertype == C2PA_UUID:
            found.has_c2pa = True
        elif kind == b"meta":
            _meta(stream, payload, box_end, "movie", found)
    return found
