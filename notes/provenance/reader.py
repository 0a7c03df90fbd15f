"""Bytes in, signals out. No Django here: this module is used by the pipeline, the
``scan_provenance`` command and the benchmark alike.

Metadata is read without decoding pixels (Pillow opens images lazily); only the
alpha-channel "stealth" form needs pixels, and that read is bounded.
"""

from __future__ import annotations

import contextlib
import io
import logging
import struct
import warnings
from typing import BinaryIO

from PIL import Image, UnidentifiedImageError

from notes.provenance import aigc, c2pa_reader, chunks, dst, generators, video, xmp
from notes.provenance.classify import classify
from notes.provenance.signals import (
    CONFIRMED,
    CONTAINER,
    IPTC_DST,
    NONE,
    ScanResult,
    Signal,
    clip,
)

logger = logging.getLogger(__name__)

MAX_SCAN_BYTES = 256 * 1024 * 1024
MIME_BY_FORMAT = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}


def sniff(data: bytes) -> str | None:  # the first 12 bytes are enough
    if data[:3] == b"\xff\xd8\xff":
        return "JPEG"
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "PNG"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    return None


def _unreadable(location: str, reason: str) -> Signal:
    return Signal(kind=CONTAINER, location=location, value=reason, readable=False, details={"error": reason})


def _xmp_signals(packet: bytes | str) -> tuple[list[Signal], dict[str, list[str]]]:
    try:
        values = xmp.parse(packet)
    except xmp.XmpUnreadable as exc:
        return [_unreadable("xmp", clip(str(exc), 200))], {}
    signals: list[Signal] = []
    for raw in values.get("Iptc4xmpExt:DigitalSourceType"):
        ai = dst.ai_of(raw)
        signals.append(
            Signal(
                kind=IPTC_DST,
                location="xmp:Iptc4xmpExt:DigitalSourceType",
                value=clip(raw),
                ai=ai,
                tier=CONFIRMED if ai else NONE,
                details={"code": dst.code_of(raw)},
            )
        )
    signals += [aigc.signal(raw, "xmp:TC260:AIGC") for raw in values.get("TC260:AIGC")]
    hint_fields = {
        f"xmp:{name.split(':', 1)[1]}": values.get(name)
        for name in ("xmp:CreatorTool", "photoshop:Credit", "dc:description")
        if values.get(name)
    }
    return signals, hint_fields


def _user_comment(raw: bytes | str) -> str:
    if isinstance(raw, str):
        return raw
    head, body = raw[:8], raw[8:]
    if head.startswith(b"UNICODE"):
        # UTF-16 in the byte order of the file; a zero first byte means big-endian text.
        return body.decode("utf-16-be" if body[:1] == b"\x00" else "utf-16-le", "replace")
    if head.startswith(b"ASCII"):
        return body.decode("ascii", "replace")
    return raw.decode("utf-8", "replace")


def _image_signals(stream: BinaryIO) -> tuple[list[Signal], bytes]:
    """Signals from the image container, and the raw XMP packet (for the remote-manifest check)."""
    stream.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            image = Image.open(stream)
            info = dict(image.info)
            exif = image.getexif()
    except Image.DecompressionBombError:
        return [_unreadable("container", "image dimensions too large to inspect pixels")], b""
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
        return [_unreadable("container", clip(f"{exc.__class__.__name__}: {exc}", 200))], b""

    signals: list[Signal] = []
    hint_fields: dict[str, list[str]] = {}
    packet = info.get("xmp") or info.get("XML:com.adobe.xmp")
    text_chunks = {k: v for k, v in info.items() if isinstance(v, str) and k != "XML:com.adobe.xmp"}
    # Pillow stops at the image data; what the format allows after it is walked for here.
    walked = _walk_metadata(stream, image.format)
    packets = [packet] if packet else []
    as_bytes = {p.encode("utf-8", "replace") if isinstance(p, str) else p for p in packets}
    packets += [extra for extra in walked.xmp if extra not in as_bytes]
    for keyword, value in walked.text.items():
        text_chunks.setdefault(keyword, value)
    for one in packets:
        xmp_signals, found_hints = _xmp_signals(one)
        signals += xmp_signals
        for name, values in found_hints.items():
            hint_fields.setdefault(name, []).extend(values)
    packet = packet or (packets[0] if packets else None)
    signals += generators.from_text_chunks(text_chunks)
    for comment in walked.comments:
        signals += generators.from_user_comment(comment, "jpeg:COM")
    signals += [_unreadable("container", problem) for problem in walked.problems]
    if not exif and walked.exif:
        with contextlib.suppress(OSError, ValueError, SyntaxError, KeyError, TypeError):
            exif = Image.Exif()
            exif.load(walked.exif[-1])
    try:
        for tag, name in (
            (0x0131, "exif:Software"),
            (0x010E, "exif:ImageDescription"),
            (0x013B, "exif:Artist"),
        ):
            value = exif.get(tag)
            if isinstance(value, str) and value.strip():
                hint_fields.setdefault(name, []).append(value)
        comment = exif.get_ifd(0x8769).get(0x9286)
        if comment:
            signals += generators.from_user_comment(_user_comment(comment))
    except (OSError, ValueError, SyntaxError, KeyError, TypeError):
        signals.append(_unreadable("exif", "malformed EXIF"))
    for key in ("Software", "Description", "Title", "Comment"):
        if key in text_chunks:
            hint_fields.setdefault(f"png:{key}", []).append(text_chunks[key])
    if not any(s.kind == "generator" for s in signals):
        signals += generators.name_hints(hint_fields)
        try:
            signals += generators.stealth(image)
        except (OSError, ValueError, SyntaxError, EOFError, Image.DecompressionBombError):
            signals.append(_unreadable("alpha", "pixels could not be read"))
    # Not image.close(): that would close the caller's stream, which is read again below.
    del image
    raw_xmp = packet.encode("utf-8", "replace") if isinstance(packet, str) else (packet or b"")
    return signals, raw_xmp


def _walk_metadata(stream: BinaryIO, fmt: str | None) -> chunks.Found:
    position = stream.tell()
    try:
        if fmt == "PNG":
            return chunks.png(stream)
        if fmt == "JPEG":
            return chunks.jpeg(stream)
        return chunks.Found()
    except (OSError, ValueError, struct.error) as exc:
        return chunks.Found(problems=[clip(f"metadata walk stopped: {exc}", 200)])
    finally:
        stream.seek(position)


def scan(source: bytes | BinaryIO, *, trust: c2pa_reader.TrustConfig | None = None) -> ScanResult:
    """Read every provenance signal in ``source``: the original upload, as bytes or a seekable
    binary file. A file is read segment by segment, never whole, unless it embeds a manifest.

    Never raises on what a file contains: a crafted file that trips any reader (a 100,000-deep JSON
    array, a structure no walker expected) is reported as unreadable, so it cannot stop the scan —
    and with it the labelling — of the upload it came in."""
    stream = io.BytesIO(source) if isinstance(source, bytes | bytearray | memoryview) else source
    try:
        return _scan(stream, trust)
    except (OSError, MemoryError):
        raise  # the storage or the machine, not the file: the task retries
    except Exception as exc:
        logger.warning("provenance scan stopped on %s: %s", type(exc).__name__, exc)
        return classify(
            [_unreadable("container", clip(f"the file could not be read ({type(exc).__name__})", 200))]
        )


def _scan(stream: BinaryIO, trust: c2pa_reader.TrustConfig | None) -> ScanResult:
    size = stream.seek(0, io.SEEK_END)
    stream.seek(0)
    if size == 0:
        return classify([_unreadable("container", "empty file")])
    head = stream.read(12)
    stream.seek(0)
    fmt, video_fmt = sniff(head), video.sniff(head)
    if fmt is None and video_fmt is None:
        return classify(
            [_unreadable("container", "not a JPEG, PNG or WebP image, nor an MP4, MOV or WebM video")]
        )
    if video_fmt is not None:
        # Videos are walked box by box, so their size does not matter, except to C2PA (below).
        return _scan_video(stream, video_fmt, trust, size)
    if size > MAX_SCAN_BYTES:
        return classify([_unreadable("container", "file too large to scan")])
    image_signals, raw_xmp = _image_signals(stream)
    signals: list[Signal] = []
    # A manifest may be embedded (JUMBF) or only referenced from XMP (dcterms:provenance),
    # in which case the reader reports it as remote, without fetching it.
    if c2pa_reader.has_embedded_manifest(stream, fmt) or b"provenance" in raw_xmp:
        signals += c2pa_reader.read(stream, MIME_BY_FORMAT[fmt], trust or default_trust())
    return classify(signals + image_signals)


def _scan_video(stream: BinaryIO, fmt: str, trust: c2pa_reader.TrustConfig | None, size: int) -> ScanResult:
    """A video, box by box (or element by element): the container's metadata, its XMP, and a C2PA
    manifest store if one is embedded (BMFF only: C2PA defines no Matroska binding)."""
    signals, packets, has_c2pa, fmt = video.container_signals(stream, fmt)
    hints: dict[str, list[str]] = {}
    for packet in packets:
        xmp_signals, packet_hints = _xmp_signals(packet)
        signals += xmp_signals
        for name, values in packet_hints.items():
            hints.setdefault(name, []).extend(values)
    if hints and not any(s.kind == "generator" for s in signals):
        signals += generators.name_hints(hints)
    if has_c2pa and size > MAX_SCAN_BYTES:
        # Checking the manifest's hashes may read the media in one piece (c2pa-rs): not past this size.
        signals.append(_unreadable("c2pa", "Content Credentials not checked: the video is too large"))
    elif has_c2pa:
        signals += c2pa_reader.read(stream, video.MIME_BY_FORMAT[fmt], trust or default_trust())
    return classify(signals)


_DEFAULT_TRUST: c2pa_reader.TrustConfig | None = None


def default_trust() -> c2pa_reader.TrustConfig:
    global _DEFAULT_TRUST
    if _DEFAULT_TRUST is None:
        _DEFAULT_TRUST = c2pa_reader.TrustConfig.shipped()
    return _DEFAULT_TRUST
