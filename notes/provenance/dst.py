"""IPTC Digital Source Type codes, compared exactly (DESIGN.md)."""

from __future__ import annotations

from notes.provenance.signals import EDITED, GENERATED

PREFIX = "http://cv.iptc.org/newscodes/digitalsourcetype/"

_AI = {
    "trainedAlgorithmicMedia": GENERATED,
    "compositeWithTrainedAlgorithmicMedia": EDITED,
    "compositeSynthetic": EDITED,
}


def code_of(value: str) -> str:
    """``http://cv.iptc.org/.../trainedAlgorithmicMedia`` (or the bare code) -> the code."""
    value = value.strip()
    return value[len(PREFIX) :] if value.startswith(PREFIX) else value


def ai_of(value: str) -> str | None:
    """ "generated", "edited" or None. algorithmicMedia (not generative AI) and digitalCapture are None."""
    return _AI.get(code_of(value))
