"""Real videos for the video-note tests, made with PyAV (see tests/provenance/videos.py)."""

from __future__ import annotations

import io
import json
import tempfile
from fractions import Fraction
from pathlib import Path

import av
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from PIL import Image

from notes import services
from notes.models import Note, NoteVideo
from tests.provenance import videos

AIGC = json.dumps({"AIGC": videos.AIGC_LABEL})


def clip(*, seconds: float = 2.0, size: tuple[int, int] = (160, 120), audio: bool = True, **extra) -> bytes:
    """A playable MP4 of ``seconds`` at 12 fps (with a tone when ``audio``)."""
    return videos.encode(frames=max(1, int(seconds * 12)), size=size, audio=audio, **extra)


def ai_clip() -> bytes:
    """A clip whose container carries the GB 45438 label (an ``AIGC`` key): confirmed AI."""
    return clip(metadata={"AIGC": AIGC}, tags_anywhere=True)


def phone_clip() -> bytes:
    """A phone recording: camera make, model and the place it was filmed (never served on)."""
    return clip(
        metadata={
            "com.apple.quicktime.make": "Apple",
            "com.apple.quicktime.model": "iPhone 15 Pro",
            "com.apple.quicktime.location.ISO6709": "+31.2304+121.4737+004.000/",
        },
        tags_anywhere=True,
    )


def faststart_clip(seconds: float = 4.0) -> bytes:
    """The index first (as phones and web exports write it), so a cut-off file still opens."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "faststart.mp4"
        _faststart(path, seconds)
        return path.read_bytes()


def _faststart(path: Path, seconds: float) -> None:
    # FFmpeg moves the index to the front by rewriting the file: it needs a path, not a buffer.
    with av.open(str(path), mode="w", format="mp4", options={"movflags": "+faststart"}) as out:
        stream = out.add_stream("libx264", rate=12)
        stream.width, stream.height = 160, 120
        stream.pix_fmt = "yuv420p"
        for _index in range(int(seconds * 12)):
            picture = Image.effect_noise((160, 120), 80).convert("RGB")  # incompressible: a real mdat
            for packet in stream.encode(av.VideoFrame.from_image(picture)):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)


def declared_ten_hours() -> bytes:
    """Two frames ten hours apart: a tiny file whose header says it lasts ten hours."""
    buffer = io.BytesIO()
    with av.open(buffer, mode="w", format="mp4") as out:
        stream = out.add_stream("libx264", rate=1)
        stream.width, stream.height = 64, 48
        stream.pix_fmt = "yuv420p"
        stream.codec_context.time_base = Fraction(1, 1)
        for pts in (0, 36_000):
            frame = av.VideoFrame.from_image(Image.new("RGB", (64, 48), (pts % 255, 10, 10)))
            frame.pts = pts
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return buffer.getvalue()


def eight_k() -> bytes:
    """One flat 7680 × 4320 frame: 8K in a few kilobytes."""
    return videos.encode(frames=1, size=(7680, 4320))


def audio_only() -> bytes:
    buffer = io.BytesIO()
    with av.open(buffer, mode="w", format="mp4") as out:
        videos._tone(out.add_stream("aac", rate=48000), out, 1.0)
    return buffer.getvalue()


def animated_gif() -> bytes:
    buffer = io.BytesIO()
    frames = [Image.new("RGB", (32, 32), c) for c in ("red", "blue", "green")]
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    return buffer.getvalue()


def upload(data: bytes, name: str = "clip.mp4") -> ContentFile:
    return ContentFile(data, name=name)


def add_video(note: Note, data: bytes, name: str = "clip.mp4") -> NoteVideo:
    return services.note_video_add(
        note=note, acting_user=note.author, upload=upload(data, name), filename=name
    )


def stored_files(note: Note) -> list[str]:
    """Every file stored for the note, in the public and the private storage."""
    found = []
    for alias, folder in (
        ("default", f"notes/{note.public_id}"),
        ("originals", f"originals/{note.public_id}"),
    ):
        storage = storages[alias]
        root = Path(storage.path(folder))
        if root.exists():
            found += [str(p) for p in root.rglob("*") if p.is_file()]
    return found


def declare_video(
    note: Note,
    *,
    degree: str = "generated",
    visuals: str = "generated",
    audio: str = "none",
    text: str = "none",
    **video_extra: object,
):
    return services.note_declare(
        note=note,
        acting_user=note.author,
        declaration=services.DeclarationInput(
            degree=degree,
            text_degree=text,
            video=services.VideoDeclarationInput(visual_degree=visuals, audio_degree=audio, **video_extra),
        ),
    )


def make_video_draft(author, *, title: str = "The crane takes flight", data: bytes | None = None) -> Note:
    """A draft with a processed video (scanned and transcoded here, whatever the task mode)."""
    from notes import scanning
    from notes.services.videos import video_process

    note = services.note_create(author=author, title=title)
    video = add_video(note, data if data is not None else clip())
    scanning.video_scan(video_id=video.pk)
    video_process(video_id=video.pk)
    return note


def make_video_published(author, *, title: str = "The crane takes flight", data: bytes | None = None) -> Note:
    note = make_video_draft(author, title=title, data=data)
    declare_video(note)
    return services.note_publish(note=note, acting_user=author)


def portrait_phone_clip() -> bytes:
    """Stored landscape with a display matrix turning it 90°: how phones record portrait video."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "portrait.mp4"
        with av.open(str(path), mode="w", format="mp4") as out:
            stream = out.add_stream("libx264", rate=12)
            stream.width, stream.height, stream.pix_fmt = 160, 96, "yuv420p"
            stream.set_display_rotation(90)
            for _index in range(12):
                for packet in stream.encode(av.VideoFrame.from_image(Image.new("RGB", (160, 96), "teal"))):
                    out.mux(packet)
            for packet in stream.encode():
                out.mux(packet)
        return path.read_bytes()


class _Pipe(io.RawIOBase):
    """A write-only stream with no seek: what a browser's MediaRecorder hands over (no duration in
    the WebM header, since the muxer cannot go back to write it)."""

    def __init__(self) -> None:
        self.data = bytearray()

    def writable(self) -> bool:
        return True

    def write(self, chunk) -> int:
        self.data += chunk
        return len(chunk)


def recorded_webm(seconds: float = 2.0) -> bytes:
    pipe = _Pipe()
    with av.open(pipe, mode="w", format="webm") as out:
        stream = out.add_stream("libvpx-vp9", rate=12)
        stream.width, stream.height, stream.pix_fmt = 64, 48, "yuv420p"
        for index in range(int(seconds * 12)):
            picture = Image.new("RGB", (64, 48), (index * 10 % 255, 80, 80))
            for packet in stream.encode(av.VideoFrame.from_image(picture)):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return bytes(pipe.data)


def slow_motion(seconds: float = 1.0, fps: int = 240) -> bytes:
    """A high-frame-rate clip (a phone's slow motion)."""
    buffer = io.BytesIO()
    with av.open(buffer, mode="w", format="mp4") as out:
        stream = out.add_stream("libx264", rate=fps)
        stream.width, stream.height, stream.pix_fmt = 64, 48, "yuv420p"
        for index in range(int(seconds * fps)):
            picture = Image.new("RGB", (64, 48), (index % 255, 80, 80))
            for packet in stream.encode(av.VideoFrame.from_image(picture)):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return buffer.getvalue()
