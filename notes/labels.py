"""Label derivation: which labels a note should carry, from its declaration and the decisions in force.

Reads only. ``notes.services.effects`` writes the rows this module computes, in the transaction of
whatever changed their sources.
"""

from __future__ import annotations

from datetime import datetime

from appeals.models import Decision
from notes.models import Declaration, Degree, Label, Note, NoteImage, NoteVideo

# A labelling decision's kind → the label tier and source it attaches.
PLATFORM_TIERS = {
    Decision.Kind.LABEL_CONFIRMED: (Label.Tier.CONFIRMED, Label.Source.METADATA),
    Decision.Kind.LABEL_SUSPECTED: (Label.Tier.SUSPECTED, Label.Source.DETECTION),
}


def declared_label(
    *, declaration: Declaration | None, images: list[NoteImage], video: NoteVideo | None = None
) -> dict | None:
    """The declared tier's label (kind and evidence), or None when the creator declared no AI."""
    if declaration is None or declaration.degree == Degree.NONE:
        return None
    degrees = [declaration.text_degree, *(i.ai_degree for i in images)]
    if video is not None:
        degrees += [video.visual_degree, video.audio_degree]
    label = {
        "kind": Label.Kind.GENERATED if Degree.GENERATED in degrees else Label.Kind.EDITED,
        "evidence": {
            "text": declaration.text_degree,
            "images": [
                {"position": i.position + 1, "degree": i.ai_degree}
                for i in images
                if i.ai_degree not in (None, Degree.NONE)
            ],
            "tools": list(declaration.tools),
            "usage_note": declaration.usage_note,
        },
    }
    if video is not None:
        label["evidence"]["video"] = video_answer(video)
    return label


def video_answer(video: NoteVideo) -> dict:
    """The creator's answer for a video, per modality, as labels and the declaration history keep it."""
    return {
        "visuals": video.visual_degree,
        "audio": video.audio_degree,
        "audio_parts": list(video.audio_parts),
        "visual_tools": list(video.visual_tools),
        "audio_tools": list(video.audio_tools),
        "animated_from_own": video.animated_from_own,
        "animated_from_note": str(video.animated_from_note.public_id) if video.animated_from_note else None,
        "animated_from_image": str(video.animated_from_image.public_id)
        if video.animated_from_image
        else None,
    }


def _lasting_first(decision: Decision) -> tuple:
    # Untimed decisions first, then the one ending last, then the oldest: the label rests on the
    # decision that keeps it in force longest, so it never vanishes while another is in force.
    return (
        decision.ends_at is not None,
        -(decision.ends_at.timestamp() if decision.ends_at else 0),
        decision.created_at,
        decision.pk,
    )


def platform_labels(*, decisions: list[Decision]) -> dict[str, dict]:
    """Tier → the label that tier's labelling decisions in force attach (resting on the most lasting one)."""
    wanted: dict[str, dict] = {}
    for decision in sorted(decisions, key=_lasting_first):
        if decision.kind not in PLATFORM_TIERS:
            continue
        tier, source = PLATFORM_TIERS[decision.kind]
        if tier in wanted:
            continue
        items = decision.evidence if isinstance(decision.evidence, list) else []
        kinds = {item.get("kind") for item in items if isinstance(item, dict)}
        wanted[tier] = {
            "kind": Label.Kind.GENERATED if Label.Kind.GENERATED in kinds or not kinds else Label.Kind.EDITED,
            "source": source,
            "decision": decision,
            "evidence": {"images": items, "decision": str(decision.public_id)},
        }
    return wanted


def decisions_in_force_for(note: Note, *, now: datetime | None = None) -> list[Decision]:
    return list(
        Decision.objects.in_force(now).filter(
            subject_type=Decision.SubjectType.NOTE, subject_id=note.public_id
        )
    )


def _ends(decisions: list[Decision], kind: str) -> tuple[bool, datetime | None]:
    """Whether a decision of ``kind`` is in force, and until when (None: until reversed)."""
    matching = [d for d in decisions if d.kind == kind]
    if not matching:
        return False, None
    if any(d.ends_at is None for d in matching):
        return True, None
    return True, max(d.ends_at for d in matching)


def withheld(decisions: list[Decision]) -> tuple[bool, datetime | None]:
    """Removed (a removal decision), or its account suspended or banned: until the last one ends."""
    hiding = [
        d for d in decisions if d.kind in (Decision.Kind.REMOVAL, Decision.Kind.SUSPENSION, Decision.Kind.BAN)
    ]
    if not hiding:
        return False, None
    if any(d.ends_at is None for d in hiding):
        return True, None
    return True, max(d.ends_at for d in hiding)


def reach_reduced(decisions: list[Decision]) -> tuple[bool, datetime | None]:
    return _ends(decisions, Decision.Kind.REDUCED_DISTRIBUTION)


def image_positions(label: Label) -> set[int] | None:
    """The 1-based image positions a platform label rests on; None when it covers the whole note."""
    items = (label.evidence or {}).get("images") or []
    positions = {item.get("position") for item in items if isinstance(item, dict) and item.get("position")}
    return positions or None
