"""Provenance in videos: every signal in MP4, MOV, Matroska and WebM, hard negatives, broken files,
and a reader that walks boxes instead of reading the file."""

from __future__ import annotations

import io
import json
import struct
from functools import cache

import pytest
from django.core.management import call_command

from notes.provenance import video
from notes.provenance.reader import scan
from tests.provenance import videos


@cache
def catalogue() -> dict[str, tuple[bytes, str]]:
    return videos.catalogue()


@pytest.mark.parametrize("name", sorted(catalogue()))
def test_each_video_fixture_gets_its_tier(name):
    data, tier = catalogue()[name]
    assert scan(io.BytesIO(data)).tier == tier


def _signals(name: str) -> list:
    return scan(io.BytesIO(catalogue()[name][0])).signals


def test_the_gb45438_label_is_read_bare_and_in_its_envelope_with_the_standards_field_names():
    for name, envelope in (
        ("aigc_key_bare.mp4", False),
        ("aigc_key_envelope.mov", True),
        ("aigc_tag_bare.mkv", False),
        ("aigc_tag_envelope.webm", True),
    ):
        (signal,) = [s for s in _signals(name) if s.kind == "aigc"]
        assert signal.details["label"] == "1" and signal.details["envelope"] is envelope
        assert signal.details["producer"] == "001191110000000000000000TEST"
        assert signal.details["produce_id"] == "video-0001"


def test_a_c2pa_manifest_in_the_bmff_uuid_box_is_read_with_the_image_trust_rules():
    (signal,) = _signals("c2pa_generated.mp4")
    assert (
        signal.kind == "c2pa"
        and signal.ai == "generated"
        and signal.details["generator"].startswith("ExampleVideoGen")
    )


def test_a_tampered_signed_video_is_not_confirmed():
    data = bytearray(catalogue()["c2pa_generated.mp4"][0])
    mdat = data.index(b"mdat")
    data[mdat + 40] ^= 0xFF  # one byte of the picture
    result = scan(io.BytesIO(bytes(data)))
    assert result.tier != "confirmed"
    assert any(s.kind == "c2pa" and s.details.get("failures") for s in result.signals)


def test_comfyui_workflows_are_found_in_keys_and_in_the_comment():
    assert [s.details["generator"] for s in _signals("comfyui_vhs.mp4")] == ["ComfyUI"]
    assert [s.location for s in _signals("comfyui_comment.webm")] == ["matroska:comment"]


def test_names_in_artist_and_title_are_people_not_generators():
    assert _signals("person_named_sora.mp4") == []


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (b"", "empty file"),
        (b"This is a text file, renamed clip.mp4\n" * 20, "not a JPEG, PNG or WebP image, nor an MP4"),
        (b"GIF89a" + b"\x00" * 64, "not a JPEG, PNG or WebP image, nor an MP4"),
        (b"\x1a\x45\xdf\xa3" + b"\x00" * 4, "broken Matroska structure"),
        (b"\x1a\x45\xdf\xa3\x80", "no Matroska segment"),
    ],
)
def test_files_that_are_not_videos_say_so(data, error):
    result = scan(io.BytesIO(data))
    assert result.tier == "none"
    assert any(not s.readable and error in s.value for s in result.signals)


def test_a_truncated_video_and_a_corrupt_movie_header_are_reported_not_crashed_on():
    data = catalogue()["aigc_key_bare.mp4"][0]
    truncated = scan(io.BytesIO(data[: len(data) // 2]))
    assert any(not s.readable for s in truncated.signals)
    moov = data.index(b"moov") - 4
    corrupt = data[:moov] + struct.pack(">I", 0xFFFFFF00) + data[moov + 4 :]
    result = scan(io.BytesIO(corrupt))
    assert result.tier == "none" and any("runs past its parent" in s.value for s in result.signals)


def test_boxes_nested_without_end_are_refused():
    # A moov that contains itself, again and again: the walk stops at its depth limit.
    inner = b""
    for _ in range(20):
        inner = struct.pack(">I", 8 + len(inner)) + b"moov" + inner
    data = struct.pack(">I", 16) + b"ftypisom" + b"\x00\x00\x02\x00" + inner
    result = scan(io.BytesIO(data))
    assert any("nested too deep" in s.value for s in result.signals)


class CountingReader(io.RawIOBase):
    """A file that counts the bytes read from it."""

    def __init__(self, raw: io.BufferedIOBase) -> None:
        self.raw, self.read_bytes = raw, 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = 0) -> int:
        return self.raw.seek(offset, whence)

    def tell(self) -> int:
        return self.raw.tell()

    def readinto(self, buffer) -> int:
        data = self.raw.read(len(buffer))
        buffer[: len(data)] = data
        self.read_bytes += len(data)
        return len(data)


def test_a_large_video_is_read_box_by_box_not_whole(tmp_path):
    # 200 MB of media between the header and the metadata, as a sparse file: the reader must skip it.
    head = catalogue()["aigc_key_bare.mp4"][0]
    path = tmp_path / "long.mp4"
    with path.open("wb") as handle:
        handle.write(head)
        size = 200 * 1024 * 1024
        handle.write(struct.pack(">I", size) + b"free")
        handle.truncate(len(head) + size)
        handle.seek(0, 2)
        handle.write(videos.with_xmp_box(b"", videos.xmp_packet(creator_tool="Sora")))
    with path.open("rb") as raw:
        counting = CountingReader(raw)
        result = scan(counting)
    assert [s.location for s in result.signals] == [
        "mp4:aigc",
        "xmp:CreatorTool",
    ]  # before and after the media
    assert counting.read_bytes < 64 * 1024


def test_video_sniffing_tells_mp4_mov_and_matroska_apart():
    assert video.sniff(catalogue()["plain_ffmpeg.mp4"][0][:12]) == "MP4"
    assert video.sniff(catalogue()["davinci_resolve.mov"][0][:12]) == "MOV"
    assert video.sniff(catalogue()["plain_ffmpeg.webm"][0][:12]) == "MATROSKA"


@pytest.mark.django_db
def test_scan_provenance_reads_a_folder_of_videos_as_json_lines(tmp_path):
    for name in ("aigc_key_envelope.mov", "plain_ffmpeg.webm", "comfyui_vhs.mp4"):
        (tmp_path / name).write_bytes(catalogue()[name][0])
    out = io.StringIO()
    call_command("scan_provenance", str(tmp_path), "--json", stdout=out)
    rows = {row["path"].rsplit("/", 1)[1]: row for row in map(json.loads, out.getvalue().splitlines())}
    assert {name: row["tier"] for name, row in rows.items()} == {
        "aigc_key_envelope.mov": "confirmed",
        "comfyui_vhs.mp4": "suspected",
        "plain_ffmpeg.webm": "none",
    }


def test_an_image_carries_the_label_in_its_envelope_form_too():
    from tests.provenance.test_reader_hostile import _xmp_jpeg

    envelope = json.dumps({"AIGC": {**videos.AIGC_LABEL, "Label": "2", "ContentPropagator": "PLATFORM-X"}})
    packet = videos.xmp_packet(aigc=envelope).encode()
    result = scan(_xmp_jpeg(packet))
    (signal,) = [s for s in result.signals if s.kind == "aigc"]
    assert result.tier == "suspected" and signal.details["envelope"] is True
    assert signal.details["propagator"] == "PLATFORM-X"
