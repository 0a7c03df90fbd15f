"""Hostile files at intake: a clean refusal, or a clean derivative that carries nothing private."""

from __future__ import annotations

import io

import pytest
from PIL import Image, PngImagePlugin

from core.uploads import UploadRejected
from notes import media
from tests.images import png_bomb_bytes


def test_a_bomb_by_decoded_bytes_is_refused_before_decoding():
    # 7,745 × 7,745 RGBA passes the 60-megapixel limit but would decode to 240 MB.
    data = png_bomb_bytes(7745, 7745, color_type=6)
    assert len(data) < 2000
    with pytest.raises(UploadRejected) as caught:
        media.process_image(data)
    assert caught.value.code == "too_much_pixel_data"


def test_the_same_size_in_greyscale_is_within_the_decoded_budget():
    image = Image.new("L", (7745, 7745))
    assert 7745 * 7745 * len(image.getbands()) <= media.MAX_DECODED_BYTES


def _jpeg_with_comment() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (10, 20, 30)).save(
        out, "JPEG", comment=b"<script>alert(1)</script> call +86 138 0000 0000", exif=b"Exif\x00\x00"
    )
    return out.getvalue()


def _png_with_text() -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("comment", "<b>12 Harbour Road</b>, phone 138 0000 0000")
    info.add_itxt("Description", "home address: 12 Harbour Road")
    out = io.BytesIO()
    Image.new("RGB", (64, 48)).save(out, "PNG", pnginfo=info)
    return out.getvalue()


@pytest.mark.parametrize("data", [_jpeg_with_comment(), _png_with_text()], ids=["jpeg-COM", "png-text"])
def test_comments_and_text_never_reach_the_public_derivatives(data):
    processed = media.process_image(data)
    for derivative in (processed.display, processed.thumbnail):
        assert b"138 0000" not in derivative.data and b"Harbour" not in derivative.data
        assert b"<script>" not in derivative.data
        reopened = Image.open(io.BytesIO(derivative.data))
        assert "comment" not in reopened.info and "exif" not in reopened.info


def test_a_jpeg_is_decoded_at_reduced_scale_for_its_derivatives():
    out = io.BytesIO()
    Image.new("RGB", (6400, 4800), (200, 100, 50)).save(out, "JPEG", quality=70)
    processed = media.process_image(out.getvalue())
    assert (processed.width, processed.height) == (6400, 4800)  # the original's size is recorded
    assert max(processed.display.width, processed.display.height) == media.DISPLAY_EDGE
    assert max(processed.thumbnail.width, processed.thumbnail.height) == media.THUMBNAIL_EDGE


def test_orientation_swaps_the_recorded_size():
    image = Image.new("RGB", (300, 200))
    exif = image.getexif()
    exif[0x0112] = 6  # rotate 90° on display
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes())
    processed = media.process_image(out.getvalue())
    assert (processed.width, processed.height) == (200, 300)
    assert (processed.display.width, processed.display.height) == (200, 300)


def _png_with_text_after_idat() -> bytes:
    """Text chunks are allowed anywhere between IHDR and IEND: one sits after the image data."""
    from tests.images import _chunk

    data = io.BytesIO()
    Image.new("RGB", (32, 32), (1, 2, 3)).save(data, "PNG")
    raw = data.getvalue()
    iend = raw.rindex(b"IEND") - 4
    text = _chunk(b"tEXt", b"Comment\x00<script>steal()</script> 12 Harbour Road")
    return raw[:iend] + text + raw[iend:]


def _jpeg_html_zip_polyglot() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (9, 9, 9)).save(out, "JPEG")
    return out.getvalue() + b"<html><script>alert(document.cookie)</script></html>PK\x03\x04zipped-payload"


def _jpeg_with_oversized_metadata() -> bytes:
    out = io.BytesIO()
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/">' + b"A" * 60000 + b"</x:xmpmeta>"
    Image.new("RGB", (40, 30)).save(out, "JPEG", xmp=xmp, comment=b"B" * 60000)
    return out.getvalue()


@pytest.mark.parametrize(
    "data",
    [_png_with_text_after_idat(), _jpeg_html_zip_polyglot(), _jpeg_with_oversized_metadata()],
    ids=["png-text-after-idat", "jpeg-html-zip-polyglot", "oversized-metadata"],
)
def test_files_the_formats_allow_become_clean_derivatives(data):
    processed = media.process_image(data)
    for derivative in (processed.display, processed.thumbnail):
        for private in (b"<script>", b"Harbour", b"PK\x03\x04", b"AAAAAAAAAA", b"BBBBBBBBBB", b"<html>"):
            assert private not in derivative.data
        assert Image.open(io.BytesIO(derivative.data)).format in ("JPEG", "WEBP")
