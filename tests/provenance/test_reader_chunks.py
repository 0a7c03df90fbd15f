"""Metadata wherever the format allows it: PNG chunks after the image data, JPEG segments after
the scans, both forms of the GB 45438 label and their disagreement, oversized packets."""

from __future__ import annotations

import io
import json
import struct
import zlib

import pytest
from PIL import Image

from notes.provenance import chunks
from notes.provenance.reader import scan
from tests.provenance import videos

A1111 = "a castle\nNegative prompt: blurry\nSteps: 20, Sampler: Euler a, CFG scale: 7, Seed: 1, Size: 64x64"
DST_XMP = videos.xmp_packet(source_type=videos.DST + "trainedAlgorithmicMedia").encode()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return (
        struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    )


def png_with_trailing(*extra: bytes) -> bytes:
    """A plain PNG with ``extra`` chunks placed after its IDAT, just before IEND."""
    out = io.BytesIO()
    Image.new("RGB", (32, 32), (120, 130, 140)).save(out, "PNG")
    data = out.getvalue()
    iend = data.rindex(b"IEND") - 4
    return data[:iend] + b"".join(extra) + data[iend:]


def text(keyword: str, value: str) -> bytes:
    return _chunk(b"tEXt", keyword.encode("latin-1") + b"\x00" + value.encode("latin-1"))


def ztext(keyword: str, value: str) -> bytes:
    return _chunk(b"zTXt", keyword.encode("latin-1") + b"\x00\x00" + zlib.compress(value.encode("latin-1")))


def itext(keyword: str, value: bytes, *, compressed: bool) -> bytes:
    body = zlib.compress(value) if compressed else value
    return _chunk(b"iTXt", keyword.encode() + b"\x00" + bytes([int(compressed), 0]) + b"\x00\x00" + body)


def exif_with_comment(comment: str) -> bytes:
    exif = Image.Exif()
    exif.get_ifd(0x8769)[0x9286] = b"ASCII\x00\x00\x00" + comment.encode()
    return exif.tobytes()


@pytest.mark.parametrize(
    ("extra", "tier", "location"),
    [
        (text("parameters", A1111), "suspected", "png:parameters"),
        (ztext("prompt", json.dumps({"3": {"class_type": "KSampler"}})), "suspected", "png:prompt"),
        (
            itext("XML:com.adobe.xmp", DST_XMP, compressed=True),
            "confirmed",
            "xmp:Iptc4xmpExt:DigitalSourceType",
        ),
        (
            itext("XML:com.adobe.xmp", DST_XMP, compressed=False),
            "confirmed",
            "xmp:Iptc4xmpExt:DigitalSourceType",
        ),
        (_chunk(b"eXIf", exif_with_comment(A1111)), "suspected", "exif:UserComment"),
    ],
)
def test_png_metadata_after_the_image_data_is_found(extra, tier, location):
    data = png_with_trailing(extra)
    assert data.index(b"IDAT") < data.index(extra[4:8], data.index(b"IDAT"))
    result = scan(data)
    assert result.tier == tier
    assert location in [s.location for s in result.signals]


def test_a_png_walk_notes_what_came_after_the_image_and_bounds_decompression():
    bomb = ztext("parameters", "Steps: 1, Sampler: x\n" + "A" * (50 * 1024 * 1024))
    found = chunks.png(io.BytesIO(png_with_trailing(text("Software", "ExampleGen"), bomb)))
    assert found.after_image == {"tEXt", "zTXt"}
    assert len(found.text["parameters"]) <= chunks.MAX_TEXT


def test_a_truncated_png_chunk_is_reported():
    data = png_with_trailing(text("parameters", A1111))
    cut = data[: data.index(b"parameters") + 20]
    found = chunks.png(io.BytesIO(cut))
    assert any("runs past the end" in problem for problem in found.problems)


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.effect_noise((64, 64), 40).convert("RGB").save(out, "JPEG", progressive=True)
    return out.getvalue()


def _segment(code: int, payload: bytes) -> bytes:
    return bytes([0xFF, code]) + struct.pack(">H", len(payload) + 2) + payload


def test_a_jpeg_xmp_segment_written_after_the_image_is_found():
    data = _jpeg() + _segment(0xE1, chunks.XMP_JPEG + DST_XMP)
    result = scan(data)
    assert result.tier == "confirmed"
    assert chunks.jpeg(io.BytesIO(data)).after_image == {"APP1"}


def test_a_jpeg_comment_between_progressive_scans_is_read():
    data = _jpeg()
    second_scan = data.index(b"\xff\xda", data.index(b"\xff\xda") + 2)
    data = data[:second_scan] + _segment(0xFE, A1111.encode()) + data[second_scan:]
    result = scan(data)
    assert result.tier == "suspected" and "jpeg:COM" in [s.location for s in result.signals]


def test_both_label_forms_disagreeing_keep_the_stronger_claim_and_say_so():
    value = json.dumps({**videos.AIGC_LABEL, "Label": "3", "AIGC": {**videos.AIGC_LABEL, "Label": "1"}})
    data = png_with_trailing(
        itext("XML:com.adobe.xmp", videos.xmp_packet(aigc=value).encode(), compressed=False)
    )
    (signal,) = [s for s in scan(data).signals if s.kind == "aigc"]
    assert signal.tier == "confirmed" and signal.details["conflict"] == "bare Label 3, envelope Label 1"


def test_a_five_megabyte_xmp_packet_is_refused_unread():
    huge = videos.xmp_packet(creator_tool="x" * (5 * 1024 * 1024)).encode()
    result = scan(png_with_trailing(itext("XML:com.adobe.xmp", huge, compressed=False)))
    assert result.tier == "none"
    assert any(not s.readable and "too large" in s.value for s in result.signals)


def test_the_command_line_scans_in_processes_and_keeps_the_order(tmp_path):
    from notes.provenance.cli import main

    names = []
    for index in range(70):  # above the pool threshold
        name = f"{index:03d}.png"
        extra = text("parameters", A1111) if index % 3 == 0 else text("Comment", "holiday")
        (tmp_path / name).write_bytes(png_with_trailing(extra))
        names.append(name)
    single, pooled, default = io.StringIO(), io.StringIO(), io.StringIO()
    main([str(tmp_path), "--json", "--jobs", "1"], out=single)
    main([str(tmp_path), "--json", "--jobs", "2"], out=pooled)  # a pool, whatever this machine's cores
    main([str(tmp_path), "--json"], out=default)
    assert default.getvalue() == single.getvalue()
    assert single.getvalue() == pooled.getvalue()
    rows = [json.loads(line) for line in pooled.getvalue().splitlines()]
    assert [row["path"].rsplit("/", 1)[1] for row in rows] == names
    assert [row["tier"] for row in rows[:3]] == ["suspected", "none", "none"]


@pytest.mark.parametrize("value", ["0", "65", "two"])
def test_a_jobs_value_that_makes_no_sense_is_refused_clearly(value, capsys):
    from notes.provenance.cli import main

    with pytest.raises(SystemExit):
        main(["/nonexistent", "--jobs", value])
    assert "--jobs takes" in capsys.readouterr().err


def test_a_hundred_thousand_deep_json_is_unreadable_not_a_crash():
    deep = "[" * 100_000
    for data in (
        png_with_trailing(text("prompt", '{"a":' + deep)),
        png_with_trailing(
            itext("XML:com.adobe.xmp", videos.xmp_packet(aigc=deep).encode(), compressed=False)
        ),
    ):
        result = scan(data)  # no RecursionError
        assert result.tier == "none"


def test_a_video_appended_to_a_jpeg_is_not_read_as_jpeg_segments():
    motion_photo = _jpeg() + videos.encode()
    found = chunks.jpeg(io.BytesIO(motion_photo))
    assert found.problems == []


def test_a_still_heif_image_is_not_taken_for_a_video():
    from notes.provenance import video

    assert video.sniff(b"\x00\x00\x00\x18ftypheic") is None
    assert video.sniff(b"\x00\x00\x00\x18ftypavif") is None


def test_a_uuid_box_too_short_for_its_user_type_is_refused():
    data = (
        struct.pack(">I", 16)
        + b"ftypisom"
        + b"\x00" * 4
        + struct.pack(">I", 12)
        + b"uuid"
        + b"\x00" * 4
        + b"\x00" * 64
    )
    result = scan(data)
    assert result.tier == "none" and any("too short" in s.value for s in result.signals)
