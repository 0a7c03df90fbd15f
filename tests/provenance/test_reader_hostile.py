"""Hostile and broken input: no crash, no network, bounded, and honest about what was unreadable."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image, PngImagePlugin

from notes.provenance import scan
from tests.images import jpeg_bytes, png_bomb_bytes, truncated_jpeg_bytes


def _xmp_jpeg(packet: bytes) -> bytes:
    out = io.BytesIO()
    Image.effect_noise((256, 256), 60).convert("RGB").save(out, "JPEG", xmp=packet)
    return out.getvalue()


def test_it_reports_an_empty_file_as_unreadable():
    result = scan(b"")
    assert result.tier == "none"
    assert [(s.kind, s.readable) for s in result.signals] == [("container", False)]


def test_it_reports_a_non_image_as_unreadable():
    result = scan(b"MZ\x90\x00" + b"\x00" * 100)
    assert result.signals[0].value == "not a JPEG, PNG or WebP image, nor an MP4, MOV or WebM video"


def test_it_reads_what_it_can_of_a_truncated_jpeg():
    data = _xmp_jpeg(
        b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        b'<rdf:Description xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/" '
        b'Iptc4xmpExt:DigitalSourceType="http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"/>'
        b"</rdf:RDF></x:xmpmeta>"
    )
    result = scan(data[: len(data) // 2])
    assert result.tier == "confirmed"  # the metadata sits before the pixels; truncation loses only pixels
    assert scan(truncated_jpeg_bytes()[:40]).tier == "none"


def test_it_survives_an_xml_entity_expansion_bomb():
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
        b'<x:xmpmeta xmlns:x="adobe:ns:meta/">&lol3;</x:xmpmeta>'
    )
    result = scan(_xmp_jpeg(bomb))
    (signal,) = result.signals
    assert (signal.location, signal.readable) == ("xmp", False)
    assert "DTDForbidden" in signal.value


def test_it_marks_malformed_aigc_json_unreadable():
    data = _xmp_jpeg(
        b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        b'<rdf:Description xmlns:TC260="http://www.tc260.org.cn/ns/AIGC/1.0/" TC260:AIGC="{Label: 1,,"/>'
        b"</rdf:RDF></x:xmpmeta>"
    )
    result = scan(data)
    (signal,) = result.signals
    assert (signal.kind, signal.readable, result.tier) == ("aigc", False, "none")
    assert signal.details["error"] == "malformed AIGC JSON"


def test_it_handles_a_png_with_thousands_of_text_chunks():
    info = PngImagePlugin.PngInfo()
    for i in range(5000):
        info.add_text(f"k{i}", "x" * 50)
    info.add_text(
        "parameters", "a cat\nNegative prompt: dog\nSteps: 20, Sampler: Euler a, CFG scale: 7, Seed: 1"
    )
    out = io.BytesIO()
    Image.new("RGB", (8, 8)).save(out, "PNG", pnginfo=info)
    result = scan(out.getvalue())
    assert result.tier == "suspected"
    assert result.signals[0].details["generator"] == "AUTOMATIC1111-compatible"


def test_it_does_not_decode_a_decompression_bomb():
    result = scan(png_bomb_bytes())
    assert result.tier == "none"
    assert all(s.kind == "container" for s in result.signals)


def test_a_camera_jpeg_has_no_signals():
    assert scan(jpeg_bytes(gps=True)).signals == []


def test_corrupt_png_chunks_do_not_crash():
    data = bytearray(png_bomb_bytes(16, 16))
    data[20:24] = b"\xff\xff\xff\xff"  # break the IHDR
    scan(bytes(data))
    chunk = b"tEXt" + b"parameters\x00" + b"\xff" * 100
    broken = bytes(data[:33]) + struct.pack(">I", 999999) + chunk + struct.pack(">I", zlib.crc32(chunk))
    assert scan(broken).tier in {"none", "suspected"}
