"""Video intake with PyAV: check an upload by its content, then make the web rendition and the poster.

PyAV, Pillow and the shared rejection type only (no models, no settings), so it can be tested and
benchmarked alone. FFmpeg's libraries ship in PyAV's wheels: no system ffmpeg.

``probe`` reads the container header and decodes the first picture: it is quick enough for the
upload request and refuses what could never play. ``transcode`` is the slow part (a Celery task on
the media queue): a fresh H.264/AAC MP4 whose container and streams carry no metadata from the
upload (no QuickTime location, no device serial), and a JPEG poster frame.
"""

from __future__ import annotations

import io
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import av
from PIL import Image

from core.uploads import MEGABYTE, UploadRejected
from notes.provenance import video as provenance_video

# The formats a video note takes, by content (the file's name is never trusted).
MP4, MOV, WEBM = provenance_video.MP4, provenance_video.MOV, provenance_video.WEBM
FORMATS = (MP4, MOV, WEBM)


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 200 * MEGABYTE
    max_seconds: int = 300
    # 4K: 4096 × 2160 (DCI) and 3840 × 2160 (UHD) fit, either way up.
    max_long_edge: int = 4096
    max_short_edge: int = 2160


@dataclass(frozen=True)
class Probe:
    format: str
    width: int
    height: int
    duration: float
    has_audio: bool
    video_codec: str
    audio_codec: str


# The rendition: at most 1080p on its long edge (what a phone or a laptop shows), H.264 High at a
# constant quality, AAC stereo; "faststart" puts the index first so playback starts before the end
# of the download.
RENDITION_LONG_EDGE = 1920
RENDITION_SHORT_EDGE = 1080
RENDITION_MAX_FPS = 60
POSTER_LONG_EDGE = 1280
AUDIO_RATE = 48000


def sniff_format(head: bytes) -> str | None:
    """MP4, MOV or WebM by the first bytes; Matroska that is not WebM, HEIF stills, GIFs: None."""
    found = provenance_video.sniff(head)
    if found == provenance_video.MATROSKA:
        # The EBML header names its DocType within its first few dozen bytes.
        return WEBM if b"\x42\x82\x84webm" in head[:64] else None
    return found


def _open(source: str | Path) -> av.container.InputContainer:
    try:
        return av.open(str(source), mode="r", metadata_errors="ignore")
    except (av.error.FFmpegError, OSError, ValueError, UnicodeDecodeError) as exc:
        raise UploadRejected("video_corrupt") from exc


def _duration(container: av.container.InputContainer, stream: av.video.stream.VideoStream) -> float:
    if stream.duration and stream.time_base:
        return float(stream.duration * stream.time_base)
    if container.duration:
        return container.duration / av.time_base
    return 0.0


def _rotation(frame: av.VideoFrame) -> int:
    try:
        return int(round(frame.rotation or 0)) % 360
    except (AttributeError, ValueError):
        return 0


def probe(path: str | Path, *, limits: Limits) -> Probe:
    """Check the file is a video we can play and within the limits, from its header and first picture.

    Raises ``UploadRejected`` with a code for every way it is not: not a video, a still or an audio
    file, damaged, too long, too large, or nothing to show.
    """
    path = Path(path)
    size = path.stat().st_size
    if size == 0:
        raise UploadRejected("empty")
    if size > limits.max_bytes:
        raise UploadRejected("too_large", max_mb=limits.max_bytes // MEGABYTE)
    with path.open("rb") as handle:
        head = handle.read(64)
    fmt = sniff_format(head)
    if fmt is None:
        raise UploadRejected("not_a_video")
    try:
        with _open(path) as container:
            return _probe_open(container, fmt, limits)
    except UploadRejected:
        raise
    except (av.error.FFmpegError, AttributeError, TypeError, ValueError, EOFError, OverflowError) as exc:
        # Whatever a doctored header makes FFmpeg or PyAV trip on is a damaged file, never a 500.
        raise UploadRejected("video_corrupt") from exc


def _usable_audio(container: av.container.InputContainer) -> av.audio.stream.AudioStream | None:
    """The first sound stream FFmpeg can decode; one it cannot (an unknown codec) is left out."""
    for stream in container.streams.audio:
        if stream.codec_context is not None:
            return stream
    return None


# A header-less stream (a browser's MediaRecorder WebM) is measured by reading packet times; this
# many packets at most (five minutes at 240 fps with sound), so a hostile file cannot make it endless.
MAX_MEASURED_PACKETS = 200_000


def _measured_duration(container: av.container.InputContainer, stream: av.video.stream.VideoStream) -> float:
    last = 0.0
    for count, packet in enumerate(container.demux(stream)):
        if count > MAX_MEASURED_PACKETS:
            break
        if packet.pts is not None and packet.time_base is not None:
            last = max(last, float((packet.pts + (packet.duration or 0)) * packet.time_base))
    container.seek(0)
    return last


def _probe_open(container: av.container.InputContainer, fmt: str, limits: Limits) -> Probe:
    if not container.streams.video:
        raise UploadRejected("no_picture")
    stream = container.streams.video[0]
    context = stream.codec_context
    if context is None:
        raise UploadRejected("video_corrupt")  # a picture in a codec FFmpeg cannot decode
    width, height = int(context.width or 0), int(context.height or 0)
    if width < 1 or height < 1:
        raise UploadRejected("video_corrupt")
    if max(width, height) > limits.max_long_edge or min(width, height) > limits.max_short_edge:
        raise UploadRejected(
            "video_too_big",
            width=width,
            height=height,
            max_long_edge=limits.max_long_edge,
            max_short_edge=limits.max_short_edge,
        )
    duration = _duration(container, stream)
    if duration <= 0:
        duration = _measured_duration(container, stream)
    if duration > limits.max_seconds:
        raise UploadRejected("too_long", seconds=int(duration), max_minutes=limits.max_seconds // 60)
    first = _first_frame(container, stream)
    if first is None:
        raise UploadRejected("no_frames")
    if duration <= 0:
        raise UploadRejected("zero_duration")
    audio = _usable_audio(container)
    if _rotation(first) in (90, 270):
        width, height = height, width
    return Probe(
        format=fmt,
        width=width,
        height=height,
        duration=round(duration, 3),
        has_audio=audio is not None,
        video_codec=context.name or "",
        audio_codec=(audio.codec_context.name or "") if audio is not None else "",
    )


def _first_frame(
    container: av.container.InputContainer, stream: av.video.stream.VideoStream
) -> av.VideoFrame | None:
    try:
        for packet in container.demux(stream):
            for frame in packet.decode():
                return frame
    except (av.error.FFmpegError, ValueError, EOFError):
        return None
    return None


@dataclass(frozen=True)
class Rendition:
    width: int
    height: int
    duration: float
    has_audio: bool
    poster: bytes  # JPEG


def _fit(width: int, height: int, long_edge: int, short_edge: int) -> tuple[int, int]:
    """Scaled to fit within the edges, never up, both sides even (H.264's 4:2:0 needs them even)."""
    landscape = width >= height
    long_side, short_side = (width, height) if landscape else (height, width)
    scale = min(1.0, long_edge / long_side, short_edge / short_side)
    w, h = max(2, int(width * scale) // 2 * 2), max(2, int(height * scale) // 2 * 2)
    return w, h


def _upright(frame: av.VideoFrame) -> Image.Image:
    picture = frame.to_image()
    rotation = _rotation(frame)
    # A phone's display matrix: the picture is stored sideways and shown turned (counter-clockwise).
    if rotation == 90:
        return picture.transpose(Image.Transpose.ROTATE_90)
    if rotation == 180:
        return picture.transpose(Image.Transpose.ROTATE_180)
    if rotation == 270:
        return picture.transpose(Image.Transpose.ROTATE_270)
    return picture


def _poster(picture: Image.Image) -> bytes:
    picture = picture.convert("RGB")
    picture.thumbnail((POSTER_LONG_EDGE, POSTER_LONG_EDGE))
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=85, optimize=True)
    return out.getvalue()


def transcode(
    source: str | Path,
    target: str | Path,
    *,
    limits: Limits,
    progress: Callable[[float], None] | None = None,
    preset: str = "veryfast",
) -> Rendition:
    """Write the web rendition of ``source`` to ``target`` and return its facts and poster.

    ``progress`` is called with the share done (0–1) now and then. Raises ``UploadRejected`` when
    the file turns out damaged past its header or longer than the limit, whatever it declared.
    """
    checked = probe(source, limits=limits)
    last_report = 0.0
    poster: bytes | None = None
    first_picture: Image.Image | None = None
    seconds = 0.0
    poster_at = min(1.0, checked.duration / 2)
    with (
        _open(source) as container,
        av.open(str(target), mode="w", format="mp4", options={"movflags": "+faststart"}) as out,
    ):
        video_in = container.streams.video[0]
        video_in.thread_type = "AUTO"
        rate = video_in.average_rate or video_in.guessed_rate or 30
        if rate > RENDITION_MAX_FPS:
            rate = RENDITION_MAX_FPS
        width, height = _fit(checked.width, checked.height, RENDITION_LONG_EDGE, RENDITION_SHORT_EDGE)
        video_out = out.add_stream(
            "libx264", rate=rate, options={"crf": "23", "preset": preset, "profile": "high"}
        )
        video_out.width, video_out.height = width, height
        video_out.pix_fmt = "yuv420p"
        video_out.codec_context.time_base = video_in.time_base
        audio_in = _usable_audio(container)
        audio_out = None
        resampler = None
        if audio_in is not None:
            audio_out = out.add_stream("aac", rate=AUDIO_RATE, options={"b": "128k"})
            audio_out.layout = "stereo"
            resampler = av.AudioResampler(format="fltp", layout="stereo", rate=AUDIO_RATE)
        streams = [video_in] + ([audio_in] if audio_in is not None else [])
        frames = 0
        last_pts = -1
        last_kept = 0.0
        # Within 1 ms of the rendition's frame interval counts as on time (29.97 fps keeps every frame).
        min_gap = 1.0 / RENDITION_MAX_FPS - 0.001
        max_frames = (limits.max_seconds + 1) * RENDITION_MAX_FPS
        limit_seconds = limits.max_seconds + 1
        try:
            for packet in container.demux(*streams):
                for frame in packet.decode():
                    if packet.stream is video_in:
                        seconds = float(frame.time) if frame.time is not None else frames / float(rate)
                        if seconds > limit_seconds:
                            # The header understated the length: refuse rather than work for hours.
                            raise UploadRejected(
                                "too_long", seconds=int(seconds), max_minutes=limits.max_seconds // 60
                            )
                        if first_picture is None:
                            first_picture = _upright(frame)
                        if poster is None and seconds >= poster_at:
                            poster = _poster(_upright(frame))
                        if _rotation(frame):
                            # Turned upright in RGB (rare: phones mostly record upright or 90°).
                            fresh = av.VideoFrame.from_image(_upright(frame).resize((width, height)))
                        else:
                            # FFmpeg's scaler straight into the encoder's format: no RGB round trip.
                            fresh = frame.reformat(width=width, height=height, format="yuv420p")
                        pts = frame.pts if frame.pts is not None else frames
                        if pts <= last_pts:
                            continue  # a repeated or out-of-order timestamp: the encoder refuses it
                        if frames and seconds - last_kept < min_gap:
                            continue  # above the rendition's frame rate (slow motion): dropped
                        if frames >= max_frames:
                            raise UploadRejected("video_corrupt")  # more pictures than its length allows
                        fresh.pts, fresh.time_base, last_pts = pts, video_in.time_base, pts
                        last_kept = seconds
                        for encoded in video_out.encode(fresh):
                            out.mux(encoded)
                        frames += 1
                        if progress is not None and time.monotonic() - last_report > 1.0:
                            last_report = time.monotonic()
                            progress(min(0.99, seconds / checked.duration) if checked.duration else 0.0)
                    elif audio_out is not None and resampler is not None:
                        frame.pts = None
                        for chunk in resampler.resample(frame):
                            for encoded in audio_out.encode(chunk):
                                out.mux(encoded)
            for encoded in video_out.encode():
                out.mux(encoded)
            if audio_out is not None and resampler is not None:
                for chunk in resampler.resample(None):
                    for encoded in audio_out.encode(chunk):
                        out.mux(encoded)
                for encoded in audio_out.encode():
                    out.mux(encoded)
        except (av.error.FFmpegError, ValueError, EOFError, AttributeError, TypeError) as exc:
            if frames == 0:
                raise UploadRejected("video_corrupt") from exc
            raise UploadRejected("video_truncated") from exc
    if frames == 0 or first_picture is None:
        raise UploadRejected("no_frames")
    # FFmpeg stops quietly at the end of a cut-off file: what played must reach (nearly) the length
    # the header promised, or the upload was truncated.
    if checked.duration > 2 and seconds < checked.duration * 0.9 - 1:
        raise UploadRejected("video_truncated")
    if progress is not None:
        progress(1.0)
    return Rendition(
        width=width,
        height=height,
        duration=checked.duration,
        has_audio=audio_out is not None,
        poster=poster if poster is not None else _poster(first_picture),
    )


def seconds_label(duration: float) -> str:
    """3:07 — how long a video plays, for its card and its page."""
    total = int(math.ceil(duration))
    return f"{total // 60}:{total % 60:02d}"


XMP_UUID = bytes.fromhex("BE7ACFCB97A942E89C71999491E3AFAC")


def remux(source: str | Path, target: str | Path) -> bool:
    """The original's picture and sound copied as they are (original quality) into a fresh MP4 with
    no metadata from the upload; False when its codecs cannot go into MP4 (then use the rendition)."""
    try:
        with (
            _open(source) as container,
            av.open(str(target), mode="w", format="mp4", options={"movflags": "+faststart"}) as out,
        ):
            inputs = [container.streams.video[0]] + list(container.streams.audio[:1])
            mapping = {}
            for stream in inputs:
                copied = out.add_stream_from_template(stream)
                for key in list(copied.metadata):
                    del copied.metadata[key]
                mapping[stream.index] = copied
            for packet in container.demux(*inputs):
                if packet.dts is None:
                    continue  # the demuxer's flush packet
                packet.stream = mapping[packet.stream_index]
                out.mux(packet)
    except (av.error.FFmpegError, ValueError, UploadRejected):
        Path(target).unlink(missing_ok=True)
        return False
    return True


def append_xmp(path: str | Path, packet: bytes) -> None:
    """Carry ``packet`` the MP4 way: a top-level ``uuid`` box with the XMP UUID, after the media, so
    no offset in the file moves."""
    with Path(path).open("ab") as out:
        out.write((8 + 16 + len(packet)).to_bytes(4, "big") + b"uuid" + XMP_UUID + packet)
