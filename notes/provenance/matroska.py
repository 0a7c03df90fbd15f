"""Matroska and WebM metadata (EBML), read element by element from a seekable stream.

Clusters (the media) and cues are skipped by their sizes; only ``Info`` (MuxingApp, WritingApp,
Title), ``Tracks`` (each track's Name and CodecID) and ``Tags`` (SimpleTag name/value pairs, nested
ones too) are read, each element at most ``MAX_ELEMENT`` bytes.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

EBML = 0x1A45DFA3
DOC_TYPE = 0x4282
SEGMENT = 0x18538067
INFO, MUXING_APP, WRITING_APP, TITLE = 0x1549A966, 0x4D80, 0x5741, 0x7BA9
TRACKS, TRACK_ENTRY, TRACK_NAME, CODEC_ID = 0x1654AE6B, 0xAE, 0x536E, 0x86
TAGS, TAG, SIMPLE_TAG, TAG_NAME, TAG_STRING = 0x1254C367, 0x7373, 0x67C8, 0x45A3, 0x4487
CLUSTER = 0x1F43B675
MAX_ELEMENT = 4 * 1024 * 1024
MAX_DEPTH = 8
MAX_ELEMENTS = 100_000  # per level: a file of Void elements is not a video
UNKNOWN = -1


class MatroskaUnreadable(ValueError):
    """The element structure is broken: the file is not the Matroska it claims to be."""


@dataclass
class MatroskaMetadata:
    doc_type: str = ""
    # (where, key, value): where is "movie" or "track N"; keys are lower-case names.
    items: list[tuple[str, str, str]] = field(default_factory=list)
    has_segment: bool = False


def _vint(stream: BinaryIO, *, keep_marker: bool) -> tuple[int, int]:
    """An EBML variable-length integer: (value, length); UNKNOWN for an all-ones size."""
    first = stream.read(1)
    if not first:
        raise EOFError
    byte = first[0]
    length = 1
    mask = 0x80
    while length <= 8 and not byte & mask:
        mask >>= 1
        length += 1
    if length > 8:
        raise MatroskaUnreadable("invalid EBML length")
    rest = stream.read(length - 1)
    if len(rest) < length - 1:
        raise EOFError
    value = byte if keep_marker else byte & (mask - 1)
    for extra in rest:
        value = (value << 8) | extra
    if not keep_marker and value == (1 << (7 * length)) - 1:
        return UNKNOWN, length
    return value, length


def _elements(stream: BinaryIO, start: int, end: int) -> Iterator[tuple[int, int, int]]:
    """(id, data start, data end) of each element in [start, end); an unknown size runs to ``end``."""
    position = start
    for _count in range(MAX_ELEMENTS):
        if position >= end:
            return
        stream.seek(position)
        try:
            element_id, id_length = _vint(stream, keep_marker=True)
            size, size_length = _vint(stream, keep_marker=False)
        except EOFError:
            return
        data = position + id_length + size_length
        data_end = end if size == UNKNOWN else data + size
        if data_end > end:
            if element_id in (CLUSTER, SEGMENT):
                data_end = end  # a file cut short in its media is still read for its metadata
            else:
                raise MatroskaUnreadable("element runs past its parent")
        yield element_id, data, data_end
        if size == UNKNOWN:
            return
        position = data_end
    raise MatroskaUnreadable(f"more than {MAX_ELEMENTS} elements in one container")


def _string(stream: BinaryIO, start: int, end: int) -> str:
    stream.seek(start)
    return stream.read(min(end - start, MAX_ELEMENT)).decode("utf-8", "replace").strip("\x00").strip()


def _simple_tags(stream: BinaryIO, start: int, end: int, found: MatroskaMetadata, depth: int) -> None:
    if depth > MAX_DEPTH:
        raise MatroskaUnreadable("tags nested too deep")
    name, value = "", ""
    for element, data, data_end in _elements(stream, start, end):
        if element == TAG_NAME:
            name = _string(stream, data, data_end)
        elif element == TAG_STRING:
            value = _string(stream, data, data_end)
        elif element == SIMPLE_TAG:
            _simple_tags(stream, data, data_end, found, depth + 1)
    if name and value:
        found.items.append(("movie", name.lower(), value))


def read(stream: BinaryIO) -> MatroskaMetadata:
    end = stream.seek(0, 2)
    found = MatroskaMetadata()
    for element, data, data_end in _elements(stream, 0, end):
        if element == EBML:
            for child, child_data, child_end in _elements(stream, data, data_end):
                if child == DOC_TYPE:
                    found.doc_type = _string(stream, child_data, child_end)
        elif element == SEGMENT:
            found.has_segment = True
            _segment(stream, data, data_end, found)
    return found


def _segment(stream: BinaryIO, start: int, end: int, found: MatroskaMetadata) -> None:
    track = 0
    for element, data, data_end in _elements(stream, start, end):
        if element == INFO:
            for child, child_data, child_end in _elements(stream, data, data_end):
                name = {MUXING_APP: "muxing_app", WRITING_APP: "writing_app", TITLE: "title"}.get(child)
                if name:
                    found.items.append(("movie", name, _string(stream, child_data, child_end)))
        elif element == TRACKS:
            for entry, entry_data, entry_end in _elements(stream, data, data_end):
                if entry != TRACK_ENTRY:
                    continue
                track += 1
                for child, child_data, child_end in _elements(stream, entry_data, entry_end):
                    if child == TRACK_NAME:
                        found.items.append((f"track {track}", "name", _string(stream, child_data, child_end)))
        elif element == TAGS:
            for tag, tag_data, tag_end in _elements(stream, data, data_end):
                if tag == TAG:
                    for child, child_data, child_end in _elements(stream, tag_data, tag_end):
                        if child == SIMPLE_TAG:
                            _simple_tags(stream, child_data, child_end, found, 1)
        elif element == CLUSTER and data_end == end:
            return  # a cluster of unknown size: the rest of the file is media
