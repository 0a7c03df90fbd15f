"""GB 45438 implicit labels on files the platform serves (Measures Art. 6, last paragraph).

When a labelled image is downloaded at original size, the platform writes itself into the
file's ``TC260:AIGC`` label as ``ContentPropagator`` with the note's public id as
``PropagateID``. The producer fields of a label already in the file are kept.
"""

from __future__ import annotations

import io
import json
from xml.sax.saxutils import escape

from PIL import Image, ImageOps, PngImagePlugin

from notes.labels import image_positions
from notes.models import Degree, Label, Note, NoteImage, ProvenanceSignal

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


def aigc_json(*, tier: str, note: Note, image: NoteImage, propagator: str) -> str:
    producer = ProvenanceSignal.objects.filter(image=image, kind="aigc", readable=True).first()
    details = producer.details if producer is not None else {}
    return json.dumps(
        {
            "Label": LABEL_VALUES[tier],
            "ContentProducer": details.get("producer", ""),
            "ProduceID": details.get("produce_id", ""),
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


def render_download(*, image: NoteImage, xmp: bytes | None) -> tuple[bytes, str]:
    """The full-size image, freshly encoded (no EXIF: no location, no camera serial), with ``xmp``."""
    with image.original.open("rb") as handle:
        source = Image.open(io.BytesIO(handle.read()))
        source.load()
    upright = ImageOps.exif_transpose(source)
    out = io.BytesIO()
    if image.original_format == NoteImage.Format.PNG:
        info = PngImagePlugin.PngInfo()
        if xmp:
            info.add_itxt("XML:com.adobe.xmp", xmp.decode("utf-8"))
        upright.save(out, "PNG", pnginfo=info)
        return out.getvalue(), "image/png"
    if image.original_format == NoteImage.Format.WEBP:
        upright.save(out, "WEBP", quality=92, **({"xmp": xmp} if xmp else {}))
        return out.getvalue(), "image/webp"
    upright.convert("RGB").save(out, "JPEG", quality=92, **({"xmp": xmp} if xmp else {}))
    return out.getvalue(), "image/jpeg"
