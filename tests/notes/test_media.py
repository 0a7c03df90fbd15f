from __future__ import annotations

import hashlib
import io

import pytest
from PIL import Image

from core.uploads import UploadRejected
from notes import media
from tests.images import jpeg_bytes, png_bomb_bytes, png_bytes, truncated_jpeg_bytes, webp_bytes


def test_it_makes_derivatives_without_identifying_exif():
    original = jpeg_bytes((3000, 2000), gps=True)
    assert Image.open(io.BytesIO(original)).getexif().get(0x8825)  # the upload does carry GPS

    result = media.process_image(original)

    assert (result.format, result.width, result.height) == ("JPEG", 3000, 2000)
    assert result.sha256 == hashlib.sha256(original).hexdigest()
    for derivative, edge in ((result.display, 1600), (result.thumbnail, 480)):
        image = Image.open(io.BytesIO(derivative.data))
        assert max(image.size) == edge
        exif = image.getexif()
        assert 0x8825 not in exif and 0x010F not in exif and 0x0110 not in exif
        assert b"SERIAL-0123456" not in derivative.data


@pytest.mark.parametrize(
    ("data", "expected_format"), [(png_bytes(), "PNG"), (webp_bytes(), "WEBP"), (jpeg_bytes(), "JPEG")]
)
def test_it_accepts_jpeg_png_and_webp(data, expected_format):
    assert media.process_image(data).format == expected_format


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "empty"),
        (b"MZ\x90\x00 this is an executable renamed .jpg", "not_an_image"),
        (truncated_jpeg_bytes(), "corrupt"),
        (png_bomb_bytes(), "too_many_pixels"),
        (png_bomb_bytes(8000, 8000), "too_many_pixels"),
        (b"\xff\xd8" + b"\x00" * media.MAX_UPLOAD_BYTES, "too_large"),
    ],
)
def test_it_rejects_bad_input_with_a_reason(data, code):
    with pytest.raises(UploadRejected) as caught:
        media.process_image(data)
    assert caught.value.code == code


def test_it_rejects_formats_outside_the_list():
    out = io.BytesIO()
    Image.new("RGB", (10, 10)).save(out, "GIF")
    with pytest.raises(UploadRejected) as caught:
        media.process_image(out.getvalue())
    assert caught.value.code == "unsupported_format"
