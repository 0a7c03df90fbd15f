"""The precedence table: signals in, one verdict out (README: "Provenance precedence").

| evidence                                                                  | tier      | kind            |
|---------------------------------------------------------------------------|-----------|-----------------|
| C2PA manifest, state Valid or Trusted, AI digitalSourceType (active       | confirmed | from the type   |
|   manifest's actions, or derived from its ingredients: see c2pa_reader.derive)|       |                 |
| GB 45438 implicit label TC260:AIGC with Label 1                           | confirmed | generated       |
| IPTC DigitalSourceType trainedAlgorithmicMedia in XMP                     | confirmed | generated       |
| IPTC compositeWithTrainedAlgorithmicMedia / compositeSynthetic in XMP     | confirmed | edited          |
| C2PA manifest with an AI claim but state Invalid (tampered, bad signature)| suspected | from the type   |
| TC260:AIGC Label 2 or 3                                                    | suspected | generated       |
| generator parameters (AUTOMATIC1111, ComfyUI, NovelAI, InvokeAI, Fooocus, | suspected | generated       |
|   Midjourney) or a generator name in Software / CreatorTool / Credit       |           |                 |
| algorithmicMedia, digitalCapture, a human-origin C2PA claim, nothing      | none      | —               |

The highest tier wins; within it "generated" wins over "edited". A claim of human origin
never lowers anything, and "none" never means "made by a person".
"""

from __future__ import annotations

from notes.provenance.signals import CONFIRMED, EDITED, GENERATED, NONE, SUSPECTED, ScanResult, Signal

_RANK = {NONE: 0, SUSPECTED: 1, CONFIRMED: 2}


def classify(signals: list[Signal]) -> ScanResult:
    tier = max((s.tier for s in signals), key=_RANK.__getitem__, default=NONE)
    kind = None
    if tier != NONE:
        kinds = {s.ai for s in signals if s.tier == tier and s.ai}
        kind = GENERATED if GENERATED in kinds or not kinds else EDITED
    return ScanResult(tier=tier, kind=kind, signals=signals)
