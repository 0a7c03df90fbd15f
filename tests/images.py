"""Real image files made on the fly for tests (no binary fixtures to go stale)."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image


def jpeg_bytes(
    size: tuple[int, int] = (640, 480), color: tuple[int, int, int] = (200, 120, 40), gps: bool = False
) -> bytes:
    image = Image.new("RGB", size, color)
    out = io.BytesIO()
    exif = Image.Exif()
    exif[0x010F] = "Canon"  # Make
    exif[0x0110] = "Canon EOS R5"  # Model
    exif[0xA431] = "SERIAL-0123456"  # BodySerialNumber (ExifIFD tag, fine at top level for the test)
    if gps:
        exif[0x8825] = {1: "N", 2: (39.0, 54.0, 27.0), 3: "E", 4: (116.0, 23.0, 50.0)}
    image.save(out, "JPEG", quality=90, exif=exif)
    return out.getvalue()


def png_bytes(size: tuple[int, int] = (320, 240), mode: str = "RGBA") -> bytes:
    image = Image.new(mode, size, (10, 160, 90, 200) if mode == "RGBA" else (10, 160, 90))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def webp_bytes(size: tuple[int, int] = (300, 300)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (30, 60, 200)).save(out, "WEBP")
    return out.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return (
        struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    )


def png_bomb_bytes(width: int = 30_000, height: int = 30_000, color_type: int = 0) -> bytes:
    """A valid PNG header claiming width × height pixels, with a tiny compressed body.

    ``color_type`` 0 is 8-bit greyscale (one band), 6 is RGBA (four bands)."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, color_type, 0, 0, 0)
    body = zlib.compress(b"\x00" * 1024)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", body) + _chunk(b"IEND", b"")


def truncated_jpeg_bytes() -> bytes:
    data = jpeg_bytes((800, 600))
    return data[: len(data) // 2]


def a1111_png_bytes(size: tuple[int, int] = (64, 64)) -> bytes:
    """A PNG carrying AUTOMATIC1111 generation parameters, as the web UI writes them."""
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text(
        "parameters",
        "a lighthouse at dusk\nNegative prompt: blurry\nSteps: 20, Sampler: Euler a, CFG scale: 7, Seed: 42, "
        "Size: 64x64, Model: sd_xl_base_1.0",
    )
    out = io.BytesIO()
    Image.new("RGB", size, (90, 120, 200)).save(out, "PNG", pnginfo=info)
    return out.getvalue()
