"""Byte ranges for media: what a player asks for, and what a hostile client might send."""

from __future__ import annotations

import pytest

from core.ranges import _parse


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("", None),
        ("bytes=0-99", (0, 99)),
        ("bytes=100-", (100, 999)),
        ("bytes=-10", (990, 999)),
        ("bytes=-5000", (0, 999)),
        ("bytes=900-5000", (900, 999)),
        ("bytes=1000-", False),  # starts past the end: 416
        ("bytes=-0", False),
        ("bytes=50-10", None),  # last before first: not a valid range, the whole file
        ("bytes=0-1,5-9", None),  # several ranges: the whole file is a valid answer
        ("items=0-9", None),
        ("bytes=" + "1" * 5000 + "-", None),  # thousands of digits: ignored, never a 500
        ("bytes=0-" + "9" * 19, None),
    ],
)
def test_it_reads_a_single_range(header, expected):
    assert _parse(header, 1000) == expected


def test_an_empty_file_has_no_suffix_range():
    assert _parse("bytes=-10", 0) is False
