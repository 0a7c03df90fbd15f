"""GB 45438 implicit labels on files the platform serves (Measures Art. 6, last paragraph).

When a labelled image is downloaded at original size, the platform writes itself into the
file's ``TC260:AIGC`` label as ``ContentPropagator`` with the note's public id as
``PropagateID``. The producer fields of a label already in the file are kept.
"""

from __future__ import annotations

import hashlib
import io
import json

# bandit B406 is a false positive here: escapes text we write; parses nothing.
from xml.sax.saxutils import escape  # nosec B406

from PIL import Image, ImageOps, PngImagePlugin

from notes.labels import image_positions
from notes.models import Degree, Label, Note, NoteImage, NoteVideo, ProvenanceSignal

# Tier -> the Label value of GB 45438: 1 AI-generated, 2 possibly (declared), 3 suspected.
LABEL_VALUES = {Label.Tier.CONFIRMED: "1", Label.Tier.DECLARED: "2", Label.Tier.SUSPECTED: "3"}


def _covers(label: Label, image: NoteImage) -> bool:
    positions = image_positions(label)
    return positions is None or image.position + 1 in positions


def image_label_tier(*, image: NoteImage, labels: list[Label]) -> str | None:
    """The label this one image carries, derived from the labels in force on its note — so from the
    decisions in force and the declaration, never from the scan alone. An overturned or expired
    decision leaves no label in the file."""
    by_tier = {label.tier: label for label in labels}
    confirmed = by_tier.get(Label.Tier.CONFIRMED)
    if confirmed is not None and _covers(confirmed, image):
        return Label.Tier.CONFIRMED
    if image.ai_degree in (Degree.ASSISTED, Degree.GENERATED) and Label.Tier.DECLARED in by_tier:
        return Label.Tier.DECLARED
    suspected = by_tier.get(Label.Tier.SUSPECTED)
    if suspected is not None and _covers(suspected, image):
        return Label.Tier.SUSPECTED
    return None


def image_platform_tier(*, image: NoteImage, labels: list[Label]) -> str | None:
    """The platform's own label on this image (confirmed or suspected), whatever the creator declared."""
    for tier in (Label.Tier.CONFIRMED, Label.Tier.SUSPECTED):
        label = next((label for label in labels if label.tier == tier), None)
        if label is not None and _covers(label, image):
            return tier
    return None


def aigc_json(*, tier: str, note: Note, image: NoteImage, propagator: str) -> str:
    producer = ProvenanceSignal.objects.filter(image=image, kind="aigc", readable=True).first()
    return label_json(
        tier=tier, note=note, producer=producer.details if producer is not None else {}, propagator=propagator
    )


def video_label_tier(*, video: NoteVideo, labels: list[Label]) -> str | None:
    """The label the video file carries: a platform label covers the whole video note; the declared
    tier where the creator said AI took part in its picture or sound."""
    by_tier = {label.tier: label for label in labels}
    if Label.Tier.CONFIRMED in by_tier:
        return Label.Tier.CONFIRMED
    declared = any(
        d in (Degree.ASSISTED, Degree.GENERATED) for d in (video.visual_degree, video.audio_degree)
    )
    if declared and Label.Tier.DECLARED in by_tier:
        return Label.Tier.DECLARED
    if Label.Tier.SUSPECTED in by_tier:
        return Label.Tier.SUSPECTED
    return None


def video_aigc_json(*, tier: str, note: Note, video: NoteVideo, propagator: str) -> str:
    producer = next((s for s in video.signals if s.get("kind") == "aigc" and s.get("readable", True)), None)
    return label_json(
        tier=tier, note=note, producer=(producer or {}).get("details") or {}, propagator=propagator
    )


def label_json(*, tier: str, note: Note, producer: dict, propagator: str) -> str:
    """The GB 45438 label with the platform as propagator; the producer's own fields are kept."""
    return json.dumps(
        {
            "Label": LABEL_VALUES[tier],
            "ContentProducer": producer.get("producer", ""),
            "ProduceID": producer.get("produce_id", ""),
            "ReservedCode1": "",
            "ContentPropagator": propagator,
            "PropagateID": str(note.public_id),
            "ReservedCode2": "",
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )


def xmp_packet(aigc: str) -> bytes:
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description rdf:about="" xmlns:TC260="http://www.tc260.org.cn/ns/AIGC/1.0/">'
        f"<TC260:AIGC>{escape(aigc)}</TC260:AIGC>"
        '</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
    ).encode()


CONTENT_TYPES = {
    NoteImage.Format.PNG: "image/png",
    NoteImage.Format.WEBP: "image/webp",
    NoteImage.Format.JPEG: "image/jpeg",
}


def render_download(*, image: NoteImage, xmp: bytes | None) -> tuple[bytes, str]:
    """The full-size image, freshly encoded with ``xmp`` and nothing else from the upload (no EXIF:
    no location, no camera serial; no comments or text chunks). Decoding is bounded by the upload
    check (``media.MAX_DECODED_BYTES``); callers store the result instead of rendering per request."""
    with image.original.open("rb") as handle:
        source = Image.open(handle)
        source.load()
    ImageOps.exif_transpose(source, in_place=True)
    source.info = {}
    out = io.BytesIO()
    if image.original_format == NoteImage.Format.PNG:
        info = PngImagePlugin.PngInfo()
        if xmp:
            info.add_itxt("XML:com.adobe.xmp", xmp.decode("utf-8"))
        source.save(out, "PNG", pnginfo=info)
    elif image.original_format == NoteImage.Format.WEBP:
        source.save(out, "WEBP", quality=92, **({"xmp": xmp} if xmp else {}))
    else:
        source.convert("RGB").save(out, "JPEG", quality=92, **({"xmp": xmp} if xmp else {}))
    return out.getvalue(), CONTENT_TYPES[image.original_format]


def download_key(*, image: NoteImage, aigc: str | None, signer: str = "") -> str:
    """Names one label state of one image (and the certificate its Content Credentials are signed
    with): the same state is rendered once and then served stored."""
    state = f"{image.sha256}:{image.original_format}:{aigc or ''}" + (f":{signer}" if signer else "")
    return hashlib.sha256(state.encode()).hexdigest()


def video_download_key(*, video: NoteVideo, aigc: str | None) -> str:
    state = f"video:{video.sha256}:{aigc or ''}"
    return hashlib.sha256(state.encode()).hexdigest()
