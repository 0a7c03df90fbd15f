"""Generator parameters and generator names left in metadata by image generators."""

from __future__ import annotations

import gzip
import json
import re

from PIL import Image

from notes.provenance.signals import GENERATED, GENERATOR, GENERATOR_HINT, SUSPECTED, Signal, clip

MAX_TEXT = 64 * 1024

_A1111 = re.compile(r"(?:^|\n)Steps: \d+, Sampler: ")
_MIDJOURNEY = re.compile(r"Job ID:\s*[0-9a-f]{8}-[0-9a-f]{4}-", re.IGNORECASE)
_NAMES = re.compile(
    r"\b(DALL[-·\s]?E(?:\s?[23])?|Midjourney|Stable\s?Diffusion|SDXL|NovelAI|ComfyUI|AUTOMATIC1111|InvokeAI|Fooocus"
    r"|Firefly|Imagen|Gemini|Google\sAI|FLUX(?:\.1)?|Leonardo\.?Ai|Ideogram|Runway|Sora|Kling|Jimeng|Hunyuan"
    r"|Tongyi\sWanxiang|Doubao|Seedream"
    # Video generators (text/image to video, AI presenters).
    r"|Pika\s?(?:Labs|Art|AI|\d(?:\.\d)?)|Luma\s?(?:AI|Dream\s?Machine)|Dream\s?Machine|Google\sVeo|Veo\s?[23]"
    r"|Hailuo|MiniMax[-\s]?(?:Video|Hailuo)|Vidu\s?(?:AI|\d)|Runway(?:ML)?\s?Gen-[234]|Gen-[234]\s?Alpha"
    r"|Stable\sVideo\sDiffusion|AnimateDiff|Wan\s?2\.\d|HunyuanVideo|CogVideoX?|LTX-?Video|Genmo|Haiper|PixVerse"
    r"|Hedra|Synthesia|HeyGen|D-ID|Kaiber|Seedance|Jimeng|Kling\s?AI)\b"
    r"|即梦|可灵|豆包|通义万相|文心一格|混元|海螺|清影|AI生成|AI\sgenerated",
    re.IGNORECASE,
)


def _json(text: str) -> object:
    try:
        return json.loads(text)
    except (ValueError, RecursionError):  # a 100,000-deep array is not a workflow
        return None


def _signal(generator: str, location: str, value: str) -> Signal:
    return Signal(
        kind=GENERATOR,
        location=location,
        value=clip(value),
        ai=GENERATED,
        tier=SUSPECTED,
        details={"generator": generator},
    )


def from_text_chunks(chunks: dict[str, str]) -> list[Signal]:
    """PNG tEXt/iTXt/zTXt keywords (and their equivalents elsewhere) -> generator signals."""
    text = {key: value[:MAX_TEXT] for key, value in chunks.items() if isinstance(value, str)}
    found: list[Signal] = []
    parameters = text.get("parameters")
    if parameters is not None:
        parsed = _json(parameters) if parameters.lstrip().startswith("{") else None
        if "fooocus_scheme" in text or (
            isinstance(parsed, dict) and ("base_model" in parsed or "fooocus" in parameters.lower())
        ):
            found.append(_signal("Fooocus", "png:parameters", parameters))
        elif _A1111.search(parameters) or "Negative prompt:" in parameters:
            found.append(_signal("AUTOMATIC1111-compatible", "png:parameters", parameters))
        else:
            found.append(_signal("Stable Diffusion (unknown front end)", "png:parameters", parameters))
    elif "fooocus_scheme" in text:
        found.append(_signal("Fooocus", "png:fooocus_scheme", text["fooocus_scheme"]))
    if "prompt" in text or "workflow" in text:
        key = "prompt" if "prompt" in text else "workflow"
        if isinstance(_json(text[key]), dict):
            found.append(_signal("ComfyUI", f"png:{key}", text[key]))
    for key in ("invokeai_metadata", "sd-metadata", "Dream"):
        if key in text:
            found.append(_signal("InvokeAI", f"png:{key}", text[key]))
            break
    comment = _json(text.get("Comment", "")) if "Comment" in text else None
    if text.get("Software", "").strip() == "NovelAI" or (
        isinstance(comment, dict) and {"sampler", "uc"} <= set(comment)
    ):
        found.append(
            _signal("NovelAI", "png:Comment" if comment else "png:Software", text.get("Comment", "NovelAI"))
        )
    for key in ("Description", "Comment", "parameters"):
        if key in text and _MIDJOURNEY.search(text[key]):
            found.append(_signal("Midjourney", f"png:{key}", text[key]))
            break
    return found


def comfy_from_json(text: str, location: str) -> list[Signal]:
    """ComfyUI's ``{"prompt": …, "workflow": …}`` serialised into one field (a video's comment)."""
    parsed = _json(text[: MAX_TEXT * 16])
    if isinstance(parsed, dict) and any(key in parsed for key in ("prompt", "workflow")):
        inner = parsed.get("prompt", parsed.get("workflow"))
        if isinstance(inner, str):
            inner = _json(inner)
        if isinstance(inner, dict):
            return [_signal("ComfyUI", location, text)]
    return []


def from_user_comment(comment: str, location: str = "exif:UserComment") -> list[Signal]:
    comment = comment[:MAX_TEXT]
    if _A1111.search(comment) or "Negative prompt:" in comment:
        return [_signal("AUTOMATIC1111-compatible", location, comment)]
    return []


def name_hints(fields: dict[str, list[str]]) -> list[Signal]:
    """A generator named in Software / CreatorTool / Credit / descriptions: a weaker hint."""
    hints = []
    for location, values in fields.items():
        for value in values:
            match = _NAMES.search(value[:MAX_TEXT])
            if match:
                hints.append(
                    Signal(
                        kind=GENERATOR_HINT,
                        location=location,
                        value=clip(value),
                        ai=GENERATED,
                        tier=SUSPECTED,
                        details={"generator": match.group(0)},
                    )
                )
    return hints


# The alpha-channel form is the only one that needs pixels: bounded to this many.
STEALTH_MAX_PIXELS = 16_000_000
_STEALTH_MAGIC = {b"stealth_pnginfo": False, b"stealth_pngcomp": True}


def _bits_to_bytes(bits: bytes) -> bytes:
    out = bytearray()
    for i in range(0, len(bits) - 7, 8):
        byte = 0
        for bit in bits[i : i + 8]:
            byte = (byte << 1) | (bit & 1)
        out.append(byte)
    return bytes(out)


def stealth(image: Image.Image) -> list[Signal]:
    """AUTOMATIC1111 / NovelAI "stealth" metadata: bits in the alpha channel's lowest bit,
    read column by column."""
    if image.mode not in ("RGBA", "LA", "PA") or image.width * image.height > STEALTH_MAX_PIXELS:
        return []
    try:
        alpha = image.getchannel("A")
        # Transposing makes the column-major bit order a plain byte sequence.
        column_major = alpha.transpose(Image.Transpose.TRANSPOSE).tobytes()
    except (OSError, ValueError, SyntaxError):
        return []
    magic = _bits_to_bytes(column_major[:120])
    if magic not in _STEALTH_MAGIC:
        return []
    length_bits = int.from_bytes(_bits_to_bytes(column_major[120:152]), "big")
    if length_bits <= 0 or 152 + length_bits > len(column_major) or length_bits > 8 * 1024 * 1024:
        return [
            Signal(
                kind=GENERATOR,
                location="alpha:stealth",
                value=magic.decode(),
                ai=GENERATED,
                tier=SUSPECTED,
                readable=False,
                details={"generator": "AUTOMATIC1111 / NovelAI stealth", "error": "bad length"},
            )
        ]
    payload = _bits_to_bytes(column_major[152 : 152 + length_bits])
    try:
        text = (gzip.decompress(payload) if _STEALTH_MAGIC[magic] else payload).decode("utf-8", "replace")
    except (OSError, EOFError):
        text = ""
    generator = (
        "NovelAI (stealth)"
        if '"Software": "NovelAI"' in text or "NovelAI" in text[:200]
        else ("AUTOMATIC1111 stealth_pnginfo")
    )
    return [
        Signal(
            kind=GENERATOR,
            location="alpha:stealth",
            value=clip(text or magic.decode()),
            ai=GENERATED,
            tier=SUSPECTED,
            readable=bool(text),
            details={"generator": generator, "magic": magic.decode()},
        )
    ]
