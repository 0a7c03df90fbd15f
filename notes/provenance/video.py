"""Provenance signals in videos: MP4 and MOV (ISO BMFF), Matroska and WebM.

The same signals and tiers as for images (``classify``): a C2PA manifest in the BMFF ``uuid`` box
(read by c2pa-python with the same offline trust), XMP (IPTC digital source type, the GB 45438
``TC260:AIGC`` property), the GB 45438 label as an ``AIGC`` container key or Matroska tag (bare or
in its ``{"AIGC": {…}}`` envelope), ComfyUI's ``prompt``/``workflow`` JSON as its video nodes write
it, and AI video generators named in encoder, software, comment or description fields of the
container or a track. Artist, author and title fields name people and works, never a generator.
"""

from __future__ import annotations

from typing import BinaryIO

from notes.provenance import aigc, bmff, generators, matroska
from notes.provenance.signals import CONTAINER, Signal, clip

MP4, MOV, MATROSKA, WEBM = "MP4", "MOV", "MATROSKA", "WEBM"
MIME_BY_FORMAT = {
    MP4: "video/mp4",
    MOV: "video/quicktime",
    MATROSKA: "video/x-matroska",
    WEBM: "video/webm",
}
# Fields that may name the software that made the file; never artist, author or title.
_TOOL_FIELDS = {
    "encoder",
    "software",
    "comment",
    "description",
    "information",
    "handler_name",
    "muxing_app",
    "writing_app",
    "creation_tool",
    "creator_tool",
}


# ISO BMFF brands of still images (HEIF/HEIC, AVIF): not videos.
_IMAGE_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1", b"avif", b"avis"}


def sniff(head: bytes) -> str | None:
    """MP4/MOV by the ``ftyp`` box (QuickTime's brand is ``qt  ``), Matroska/WebM by the EBML magic."""
    if head[4:8] == b"ftyp":
        if head[8:12] in _IMAGE_BRANDS:
            return None
        return MOV if head[8:12] == b"qt  " else MP4
    if head[:4] == b"\x1a\x45\xdf\xa3":
        return MATROSKA  # told apart from WebM by its DocType once read
    return None


def _unreadable(location: str, reason: str) -> Signal:
    return Signal(kind=CONTAINER, location=location, value=reason, readable=False, details={"error": reason})


def container_signals(stream: BinaryIO, fmt: str) -> tuple[list[Signal], list[bytes], bool, str]:
    """Signals from the container's own metadata, the XMP packets to read, whether a C2PA manifest
    store is embedded, and the format (Matroska resolved to WebM by its DocType)."""
    stream.seek(0)
    if fmt in (MP4, MOV):
        try:
            found = bmff.read(stream)
        except (bmff.BmffUnreadable, OSError, ValueError) as exc:
            problem = clip(f"broken MP4/MOV structure: {exc}", 200)
            return [_unreadable("container", problem)], [], False, fmt
        if not found.has_moov:
            problem = "no movie header (moov): not a playable MP4/MOV"
            return [_unreadable("container", problem)], [], False, fmt
        items, xmp_packets, has_c2pa, prefix = found.items, found.xmp, found.has_c2pa, "mp4"
    else:
        try:
            found_mkv = matroska.read(stream)
        except (matroska.MatroskaUnreadable, OSError, ValueError) as exc:
            problem = clip(f"broken Matroska structure: {exc}", 200)
            return [_unreadable("container", problem)], [], False, fmt
        if not found_mkv.has_segment:
            return [_unreadable("container", "no Matroska segment")], [], False, fmt
        fmt = WEBM if found_mkv.doc_type == "webm" else MATROSKA
        items, xmp_packets, has_c2pa, prefix = found_mkv.items, [], False, "matroska"
    return _item_signals(items, prefix), xmp_packets, has_c2pa, fmt


def _item_signals(items: list[tuple[str, str, str]], prefix: str) -> list[Signal]:
    signals: list[Signal] = []
    text: dict[str, str] = {}
    hints: dict[str, list[str]] = {}
    for where, key, value in items:
        scope = "" if where == "movie" else f"{where.replace(' ', '')}:"
        location = f"{prefix}:{scope}{key}"
        if key == "aigc":
            signals.append(aigc.signal(value, location))
        elif key in ("prompt", "workflow"):
            text.setdefault(key, value)
        elif key in _TOOL_FIELDS:
            hints.setdefault(location, []).append(value)
            # ComfyUI video nodes may put the whole {"prompt": …, "workflow": …} in the comment.
            if key == "comment" and value.lstrip().startswith("{"):
                comfy = generators.comfy_from_json(value, location)
                signals += comfy
    comfy_signals = generators.from_text_chunks(text)
    signals += [
        Signal(**{**s.to_dict(), "location": f"{prefix}:{s.location.split(':', 1)[1]}"})
        for s in comfy_signals
    ]
    if not any(s.kind == "generator" for s in signals):
        signals += generators.name_hints(hints)
    return signals
