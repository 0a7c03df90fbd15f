"""What a provenance read returns: signals, and the verdict drawn from them."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

# Signal kinds.
C2PA = "c2pa"
IPTC_DST = "iptc_dst"
AIGC = "aigc"
GENERATOR = "generator"
GENERATOR_HINT = "generator_hint"
CONTAINER = "container"

GENERATED = "generated"
EDITED = "edited"

CONFIRMED = "confirmed"
SUSPECTED = "suspected"
NONE = "none"

MAX_VALUE_CHARS = 500


def clip(value: object, limit: int = MAX_VALUE_CHARS) -> str:
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True)
class Signal:
    """One piece of provenance evidence, with where it was found and its raw value.

    ``ai`` is what this signal says on its own: "generated", "edited" or None (no AI claim,
    e.g. a camera capture or an unreadable block). ``tier`` is the weight the precedence
    table gives it (see ``classify``). ``readable`` is False when the block exists but could
    not be read (a remote manifest, malformed JSON, a hostile XML packet, …).
    """

    kind: str
    location: str
    value: str
    ai: str | None = None
    tier: str = NONE
    readable: bool = True
    details: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class ScanResult:
    tier: str
    kind: str | None
    signals: list[Signal]

    def to_dict(self) -> dict:
        return {"tier": self.tier, "kind": self.kind, "signals": [s.to_dict() for s in self.signals]}
