"""Signals in plain words, in the active language: what creators and readers are shown."""

from __future__ import annotations

from django.utils.translation import gettext as _

from notes.models import ProvenanceSignal
from notes.provenance.dst import code_of


def _image(position: int | None) -> str:
    # No position: the signal is in the note's video (a video note has no images).
    if position is None:
        return _("The video")
    return _("Image %(n)s") % {"n": position}


def action_word(action: str) -> str:
    """A C2PA action in plain words, in the reader's language."""
    return {
        "c2pa.cropped": _("cropped"),
        "c2pa.resized": _("resized"),
        "c2pa.transcoded": _("re-encoded"),
        "c2pa.converted": _("converted"),
        "c2pa.repackaged": _("repackaged"),
        "c2pa.color_adjustments": _("colour-adjusted"),
        "c2pa.orientation": _("rotated"),
        "c2pa.placed": _("placed into another work"),
        "c2pa.edited": _("edited"),
        "c2pa.edited.metadata": _("metadata edited"),
        "c2pa.redacted": _("parts of its credentials redacted"),
        "c2pa.created": _("created"),
        "c2pa.published": _("published"),
    }.get(action, action.removeprefix("c2pa."))


def source_type_words(code: str) -> str:
    """What an IPTC digital source type code means, in the reader's language ("" when unknown)."""
    return {
        "trainedAlgorithmicMedia": _("made by a trained AI model"),
        "compositeWithTrainedAlgorithmicMedia": _("a composite that includes AI-generated parts"),
        "compositeSynthetic": _("a composite of synthetic elements"),
        "algorithmicMedia": _("made by an algorithm, not by a trained AI model"),
        "algorithmicallyEnhanced": _("enhanced by an algorithm"),
        "dataDrivenMedia": _("made from data, such as a chart"),
        "digitalCapture": _("captured by a camera or scanner"),
        "compositeCapture": _("a composite of camera captures"),
        "screenCapture": _("a screenshot"),
        "digitalArt": _("digital art made by a person"),
        "digitalCreation": _("digital art made by a person"),
        "virtualRecording": _("a recording of a virtual scene"),
        "humanEdits": _("edited by a person"),
        "minorHumanEdits": _("lightly edited by a person"),
        "negativeFilm": _("scanned from a film negative"),
        "positiveFilm": _("scanned from a film slide"),
        "print": _("scanned from a print"),
    }.get(code_of(code or ""), "")


def source_type_text(code: str) -> str:
    """An IPTC code quoted as written, then explained: “trainedAlgorithmicMedia” (made by a trained AI
    model). The code is a technical term readers may search for; the words say what it means."""
    bare = code_of(code or "") or "?"
    words = source_type_words(bare)
    return _("“%(code)s” (%(meaning)s)") % {"code": bare, "meaning": words} if words else f"“{bare}”"


def where_text(location: str) -> str:
    """Where in a file a signal was found, in the reader's words: "the EXIF field Software"."""
    container, _sep, field = (location or "").partition(":")
    if container == "alpha" and field == "stealth":
        return _("data hidden in the image's transparency channel")
    field = field or location
    where = {
        "xmp": _("the XMP metadata field %(field)s"),
        "exif": _("the EXIF metadata field %(field)s"),
        "png": _("the PNG text field %(field)s"),
        "mp4": _("the MP4 metadata field %(field)s"),
        "matroska": _("the WebM/Matroska tag %(field)s"),
        "c2pa": _("its Content Credentials (%(field)s)"),
    }.get(container)
    return where % {"field": field} if where else location


def aigc_label_words(label: str) -> str:
    """The value of GB 45438's Label field in words: 1 AI-generated, 2 possibly, 3 suspected."""
    return {
        "1": _("generated or synthesised by AI"),
        "2": _("possibly generated or synthesised by AI"),
        "3": _("suspected to be generated or synthesised by AI"),
    }.get(str(label).strip(), _("a value the standard does not define"))


def tool_name(name: str) -> str:
    """A generator's name as shown; the names the reader describes rather than reads are translated."""
    return {
        "Stable Diffusion (unknown front end)": _("Stable Diffusion (front end unknown)"),
        "AUTOMATIC1111-compatible": _("an AUTOMATIC1111-compatible Stable Diffusion tool"),
    }.get(name, name)


def history_text(details: dict, *, lead: bool = True) -> str:
    """How a derived image came to be, from its C2PA ingredient chain; "" when it has none. Without
    ``lead`` the sentence goes under a "History" heading of its own."""
    if not details.get("derivation"):
        return ""
    steps = [
        action_word(action)
        for step in details["derivation"]
        for action in step.get("actions") or []
        if action and action not in ("c2pa.opened", "c2pa.created")
    ]
    values = {
        "steps": ", ".join(dict.fromkeys(steps)) or _("opened"),
        "source": tool_name(details.get("derived_from") or "") or _("an unknown tool"),
    }
    if lead:
        return _("Its history: %(steps)s, from material made with %(source)s.") % values
    return _("%(steps)s, from material made with %(source)s.") % values


def describe(signal: ProvenanceSignal, position: int | None) -> str:
    d = signal.details or {}
    image = _image(position)
    if not signal.readable:
        if d.get("error") == "remote_manifest_not_fetched":
            return _(
                "%(image)s points to Content Credentials stored on another server; for safety the platform "
                "does not fetch them."
            ) % {"image": image}
        return _("%(image)s: a metadata block (%(where)s) could not be read.") % {
            "image": image,
            "where": where_text(signal.location),
        }
    if signal.kind == "c2pa" and signal.location == "c2pa:ingredient":
        return _(
            "%(image)s was made from material whose Content Credentials, signed by %(signer)s and made with "
            "%(generator)s, declare it %(code)s."
        ) % {
            "image": image,
            "signer": d.get("signer") or _("an unknown signer"),
            "generator": tool_name(d.get("generator") or "") or _("an unknown tool"),
            "code": source_type_text(d.get("digital_source_type") or ""),
        }
    if signal.kind == "c2pa":
        state = {
            "Trusted": _("trusted signer"),
            "Valid": _("valid signature, signer not on a trust list"),
        }.get(d.get("validation_state", ""), _("signature does not verify"))
        if signal.ai == "generated":
            claim = _("was generated by AI")
        elif signal.ai == "edited":
            claim = _("was edited with AI")
        else:
            claim = _("makes no AI claim")
        sentence = _(
            "%(image)s carries a Content Credentials (C2PA) manifest signed by %(signer)s (%(state)s), "
            "made with %(generator)s, which says it %(claim)s."
        ) % {
            "image": image,
            "signer": d.get("signer") or _("an unknown signer"),
            "state": state,
            "generator": tool_name(d.get("generator") or "") or _("an unknown tool"),
            "claim": claim,
        }
        history = history_text(d)
        if history:
            sentence += " " + history
        return sentence
    if signal.kind == "iptc_dst":
        return _("%(image)s's metadata gives its digital source type as %(code)s.") % {
            "image": image,
            "code": source_type_text(d.get("code", signal.value)),
        }
    if signal.kind == "aigc":
        sentence = _(
            "%(image)s carries the implicit AI label of GB 45438-2025, which says the content is "
            "%(meaning)s (Label %(label)s, producer code %(producer)s)."
        ) % {
            "image": image,
            "meaning": aigc_label_words(d.get("label", "")),
            "label": d.get("label", "?"),
            "producer": d.get("producer") or "?",
        }
        if d.get("propagator"):
            sentence += " " + _("It was passed on by %(propagator)s (propagation id %(id)s).") % {
                "propagator": d["propagator"],
                "id": d.get("propagate_id") or "?",
            }
        return sentence
    if signal.kind == "generator":
        return _(
            "%(image)s contains generation parameters (the prompt and settings of an AI image "
            "generator) written by %(generator)s, in %(where)s."
        ) % {
            "image": image,
            "generator": tool_name(d.get("generator", "?")),
            "where": where_text(signal.location),
        }
    if signal.kind == "generator_hint":
        return _("%(image)s's metadata names an AI generator (%(generator)s) in %(where)s.") % {
            "image": image,
            "generator": tool_name(d.get("generator", "?")),
            "where": where_text(signal.location),
        }
    return _("%(image)s: %(where)s") % {"image": image, "where": where_text(signal.location)}


def transient_signal(data: dict) -> ProvenanceSignal:
    return ProvenanceSignal(
        kind=data.get("kind", ""),
        location=data.get("location", ""),
        value=data.get("value", ""),
        ai=data.get("ai") or "",
        tier=data.get("tier", "none"),
        readable=data.get("readable", True),
        details=data.get("details") or {},
    )


def _degree_word(degree: str | None) -> str:
    return _("AI-generated") if degree == "generated" else _("AI-assisted")


def audio_part_word(part: str) -> str:
    return {
        "voice_cloned": _("a cloned voice"),
        "voice_synthetic": _("a synthesised voice"),
        "music": _("generated music"),
    }.get(part, part)


def video_declaration_lines(video: dict) -> list[str]:
    """What the creator declared about a video, modality by modality, in the active language."""
    lines = []
    if video.get("visuals") not in (None, "", "none"):
        line = _("Picture: %(degree)s") % {"degree": _degree_word(video["visuals"])}
        if video.get("visual_tools"):
            line += " (" + ", ".join(video["visual_tools"]) + ")"
        lines.append(line)
    if video.get("audio") not in (None, "", "none"):
        line = _("Sound: %(degree)s") % {"degree": _degree_word(video["audio"])}
        parts = [audio_part_word(p) for p in video.get("audio_parts") or []]
        tools = list(video.get("audio_tools") or [])
        if parts or tools:
            line += " (" + ", ".join(parts + tools) + ")"
        lines.append(line)
    if video.get("animated_from_own"):
        lines.append(_("AI-animated from the creator's own artwork."))
    return lines


def label_explanation(label) -> list[str]:  # noqa: ANN001 - a notes.models.Label
    """ "Why this label?" in plain words, in the active language."""
    evidence = label.evidence or {}
    if label.tier == "declared":
        lines = [_("The creator declared that AI took part in this note.")]
        if evidence.get("text") not in (None, "", "none"):
            lines.append(_("Text: %(degree)s") % {"degree": _degree_word(evidence["text"])})
        for image in evidence.get("images", []):
            lines.append(
                _("Image %(n)s: %(degree)s")
                % {"n": image.get("position"), "degree": _degree_word(image.get("degree"))}
            )
        lines += video_declaration_lines(evidence.get("video") or {})
        if evidence.get("tools"):
            lines.append(_("Tools: %(tools)s") % {"tools": ", ".join(evidence["tools"])})
        return lines
    if label.tier == "confirmed":
        lines = [
            _("The files' own metadata says AI made or edited this content; the creator had not declared it.")
        ]
    else:
        lines = [_("The platform found traces of AI generation that the creator had not declared.")]
    for image in evidence.get("images", []):
        for signal in image.get("signals", []):
            lines.append(describe(transient_signal(signal), image.get("position")))
    return lines


# What of a signal readers may see: its kind, where it was found and what it claims — never the raw
# value (a full EXIF description, a generation prompt) or the reader's details beyond the tool's name.
_PUBLIC_SIGNAL_FIELDS = ("kind", "location", "ai", "tier", "readable")
_PUBLIC_DETAIL_FIELDS = ("generator", "signer", "validation_state", "code", "label", "producer")


def public_evidence(evidence: dict) -> dict:
    """A label's evidence as the public may see it (feed, note API). Owners and staff see it whole."""
    images = []
    for image in evidence.get("images") or []:
        if not isinstance(image, dict):
            continue
        public_image = {k: image[k] for k in ("position", "media", "tier", "kind", "degree") if k in image}
        if "signals" in image:
            public_image["signals"] = [
                {
                    **{k: signal.get(k) for k in _PUBLIC_SIGNAL_FIELDS if k in signal},
                    "details": {
                        k: v for k, v in (signal.get("details") or {}).items() if k in _PUBLIC_DETAIL_FIELDS
                    },
                }
                for signal in image["signals"]
                if isinstance(signal, dict)
            ]
        images.append(public_image)
    public = {**{k: v for k, v in evidence.items() if k != "images"}, "images": images}
    if isinstance(evidence.get("video"), dict):
        # Which note (and image) a video was animated from is shown by the note page when the source
        # may be read; the label's evidence does not pass its ids on (it could be a draft).
        public["video"] = {
            k: v
            for k, v in evidence["video"].items()
            if k not in ("animated_from_note", "animated_from_image")
        }
    return public
