"""Distribution, derived like labels: the one writer of a note's weight, factors, rank and badge.

``note_distribution_sync`` rebuilds everything from what it rests on — the declaration, the
decisions in force about the note and its author, featuring, boosts, the originality check — in
the caller's transaction. ``note_effects_sync`` calls it after every decision or declaration
change; featuring, boosts and the traffic task call it too. Nobody writes ``Note.weight`` by hand.

Weight = base (1) × quality bonus × undeclared-AI reduction × reduced-distribution factor ×
account-measure limit; each factor that applies is a ``DistributionFactor`` row with its reason
and, where a decision caused it, that decision. The quality-bonus row is kept even at ×1, with the
reason the note did not earn it, so the creator can see why.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from appeals import measures
from appeals.models import Decision
from notes import labels, ranking, similarity
from notes.models import (
    Boost,
    Declaration,
    Degree,
    DistributionFactor,
    Featuring,
    Note,
    NoteFingerprint,
    NoteImage,
    NoteVideo,
    SimilarityKey,
    Traffic,
)

logger = logging.getLogger(__name__)

Factor = DistributionFactor.Name
Reason = DistributionFactor.Reason

_LABEL_KINDS = (Decision.Kind.LABEL_CONFIRMED, Decision.Kind.LABEL_SUSPECTED)


def traffic_settings() -> dict:
    return settings.SUNLIGHT_TRAFFIC


def note_distribution_sync(*, note: Note, now: datetime | None = None) -> None:
    """Rebuild the note's factors, weight, ranking score and traffic badge."""
    now = now or timezone.now()
    if note.state != Note.State.PUBLISHED:
        DistributionFactor.objects.filter(note=note).delete()
        # A deleted note is not distributed any more: its boost ends (the creator chose to delete it).
        Boost.objects.filter(note=note, state=Boost.State.ACTIVE).update(
            state=Boost.State.ENDED, finished_at=now
        )
        _store(note, weight=1.0, rank=0.0, traffic=Traffic.NORMAL, until=None)
        return
    conf = traffic_settings()
    # Every published note is fingerprinted, whatever its bonus: a copy of human work is a copy too.
    images = list(note.images.order_by("position", "id"))
    fingerprint = fingerprint_sync(note, images=images)
    decisions = labels.decisions_in_force_for(note, now=now)
    # Good standing: no measure in force beyond a warning (a warning is a record, not a penalty).
    account = [
        m for m in measures.in_force(note.author_id, now=now) if m.kind != Decision.Kind.ACCOUNT_WARNING
    ]
    limiting = [m for m in account if m.kind in measures.LIMITS_REACH]
    wanted: dict[str, dict] = {
        Factor.QUALITY_BONUS: _quality_bonus(
            note, decisions, account, conf, images=images, fingerprint=fingerprint
        )
    }
    undeclared = [
        d
        for d in decisions
        if d.kind in _LABEL_KINDS and d.created_at + timedelta(days=conf["UNDECLARED_DAYS"]) > now
    ]
    if undeclared:
        decision = max(undeclared, key=lambda d: _ends(d, conf))
        wanted[Factor.UNDECLARED_AI] = {
            "value": conf["UNDECLARED_FACTOR"],
            "reason": Reason.UNDECLARED_AI,
            "decision": decision,
            "until": _ends(decision, conf),
        }
    reduced = [d for d in decisions if d.kind == Decision.Kind.REDUCED_DISTRIBUTION]
    if reduced:
        decision = _most_lasting(reduced)
        wanted[Factor.REDUCED] = {
            "value": conf["REDUCED_FACTOR"],
            "reason": Reason.REDUCED,
            "decision": decision,
            "until": decision.ends_at,
        }
    if limiting:
        decision = _most_lasting(limiting)
        wanted[Factor.ACCOUNT_LIMIT] = {
            "value": conf["ACCOUNT_LIMIT_FACTOR"],
            "reason": Reason.ACCOUNT_LIMIT,
            "decision": decision,
            "until": decision.ends_at,
        }
    _factors_store(note, wanted)
    weight = 1.0
    for factor in wanted.values():
        weight *= factor["value"]
    weight = max(weight, ranking.MIN_WEIGHT)
    ends = [f["until"] for f in wanted.values() if f.get("until") is not None]
    boosted = Boost.objects.filter(note=note, state=Boost.State.ACTIVE).exists()
    if boosted:
        traffic = Traffic.BOOSTED
    elif weight < 1:
        traffic = Traffic.REDUCED
    elif weight > 1:
        traffic = Traffic.BONUS
    else:
        traffic = Traffic.NORMAL
    _store(
        note,
        weight=weight,
        rank=_rank(note, weight, conf),
        traffic=traffic,
        until=min(ends) if ends else None,
    )


def _rank(note: Note, weight: float, conf: dict) -> float:
    return ranking.rank_score(
        weight=weight,
        published_at=note.published_at,
        half_life_hours=conf["HALF_LIFE_HOURS"],
        engagement=ranking.engagement(likes=note.like_count, per_doubling=conf["ENGAGEMENT_PER_DOUBLING"]),
    )


def note_rank_refresh(*, note: Note) -> None:
    """Only the ranking score, after a like: the weight and its factors are unchanged."""
    if note.state == Note.State.PUBLISHED and note.published_at is not None:
        rank = _rank(note, note.weight, traffic_settings())
        Note.objects.filter(pk=note.pk).update(rank_score=rank)
        note.rank_score = rank


def _ends(decision: Decision, conf: dict) -> datetime:
    limit = decision.created_at + timedelta(days=conf["UNDECLARED_DAYS"])
    return min(limit, decision.ends_at) if decision.ends_at else limit


def _most_lasting(decisions: list[Decision]) -> Decision:
    untimed = [d for d in decisions if d.ends_at is None]
    if untimed:
        return min(untimed, key=lambda d: (d.created_at, d.pk))
    return max(decisions, key=lambda d: d.ends_at)


def _store(note: Note, *, weight: float, rank: float, traffic: str, until: datetime | None) -> None:
    changed = {"weight": weight, "rank_score": rank, "traffic": traffic, "weight_until": until}
    if any(getattr(note, name) != value for name, value in changed.items()):
        Note.objects.filter(pk=note.pk).update(**changed)
        for name, value in changed.items():
            setattr(note, name, value)


def _factors_store(note: Note, wanted: dict[str, dict]) -> None:
    DistributionFactor.objects.filter(note=note).exclude(name__in=list(wanted)).delete()
    for name, factor in wanted.items():
        DistributionFactor.objects.update_or_create(
            note=note,
            name=name,
            defaults={
                "value": factor["value"],
                "reason": factor["reason"],
                "details": factor.get("details", {}),
                "decision": factor.get("decision"),
                "featuring": factor.get("featuring"),
                "until": factor.get("until"),
            },
        )


def _quality_bonus(
    note: Note,
    decisions: list[Decision],
    account: list[Decision],
    conf: dict,
    *,
    images: list[NoteImage],
    fingerprint: tuple[object, list[str]],
) -> dict:
    """The quality-bonus factor: its value and the reason, also when the note does not earn it."""

    def none(reason: str, **extra: object) -> dict:
        decision = extra.get("decision")
        # A bonus held back by a timed decision comes back when it ends: say until when.
        return {"value": 1.0, "reason": reason, "until": getattr(decision, "ends_at", None), **extra}

    declaration = Declaration.objects.filter(note=note).first()
    if declaration is None or declaration.degree not in (Degree.ASSISTED, Degree.GENERATED):
        return none(Reason.NOT_DECLARED)
    withdrawn = [d for d in decisions if d.kind == Decision.Kind.BONUS_WITHDRAWN]
    if withdrawn:
        return none(Reason.BONUS_WITHDRAWN, decision=_most_lasting(withdrawn))
    if decisions:
        return none(Reason.DECISION_IN_FORCE, decision=_most_lasting(decisions))
    if account:
        return none(Reason.ACCOUNT_STANDING, decision=_most_lasting(account))
    # A video is substantive media in itself (as several images are).
    video = NoteVideo.objects.select_related("animated_from_note").filter(note=note).first()
    if video is None and len(note.body.strip()) < conf["MIN_BODY_CHARS"] and len(images) < conf["MIN_IMAGES"]:
        return none(
            Reason.NOT_SUBSTANTIVE,
            details={"min_body_chars": conf["MIN_BODY_CHARS"], "min_images": conf["MIN_IMAGES"]},
        )
    original = near_duplicate_of(note, fingerprint=fingerprint, conf=conf)
    if original is not None:
        return none(
            Reason.NEAR_DUPLICATE,
            details={"note": str(original.public_id), "title": original.title},
        )
    featuring = Featuring.objects.filter(note=note, ended_at__isnull=True).first()
    if featuring is not None:
        return {
            "value": conf["FEATURED_BONUS"],
            "reason": Reason.FEATURED,
            "featuring": featuring,
            "details": {"why": featuring.reason},
        }
    details = {}
    if video is not None and video.animated_from_own and video.animated_from_note is not None:
        # The AI-amplified creation the bonus is for: the creator's own linked artwork, animated.
        details["animated_from"] = str(video.animated_from_note.public_id)
    return {"value": conf["QUALITY_BONUS"], "reason": Reason.ELIGIBLE, "details": details}


# --- originality ---------------------------------------------------------------------------


def image_phash(image: NoteImage) -> str:
    """The thumbnail's perceptual hash: stored at upload (``note_image_add``); computed here only for
    an image stored before that existed."""
    if not image.phash:
        try:
            with image.thumbnail.open("rb") as handle:
                image.phash = similarity.phash_of(handle.read())
        except (OSError, ValueError):
            logger.warning("no perceptual hash for image %s", image.pk, exc_info=True)
            return ""
        NoteImage.objects.filter(pk=image.pk).update(phash=image.phash)
    return image.phash


def fingerprint_sync(note: Note, *, images: list[NoteImage]) -> tuple[object, list[str]]:
    """Store the note's MinHash and LSH keys when its text or images changed; return both."""
    text = f"{note.title}\n{note.body}"
    hashes = [h for h in (image_phash(image) for image in images) if h]
    minhash = similarity.text_minhash(text)
    source = hashlib.sha256((similarity.normalise(text) + "\0" + ",".join(hashes)).encode()).hexdigest()
    stored = NoteFingerprint.objects.filter(note=note).first()
    if stored is None or stored.source != source:
        keys = set(similarity.text_keys(minhash)) if minhash is not None else set()
        for phash in hashes:
            keys.update(similarity.image_keys(phash))
        NoteFingerprint.objects.update_or_create(
            note=note,
            defaults={
                "source": source,
                "minhash": similarity.minhash_bytes(minhash) if minhash is not None else b"",
            },
        )
        SimilarityKey.objects.filter(note=note).delete()
        SimilarityKey.objects.bulk_create([SimilarityKey(note=note, key=key) for key in sorted(keys)])
    return minhash, hashes


# Candidates checked per note, those sharing the most LSH keys first.
MAX_CANDIDATES = 50


def near_duplicate_of(note: Note, *, fingerprint: tuple[object, list[str]], conf: dict) -> Note | None:
    """The earliest note of another creator, published before this one, that this note nearly copies."""
    minhash, hashes = fingerprint
    keys = SimilarityKey.objects.filter(note=note).values("key")
    shared = (
        SimilarityKey.objects.filter(key__in=keys)
        .filter(
            note__state=Note.State.PUBLISHED,
            note__published_at__lt=note.published_at,
        )
        .exclude(note__author_id=note.author_id)
        .values("note_id")
        .annotate(shared=Count("id"))
        .order_by("-shared", "note_id")[:MAX_CANDIDATES]
    )
    ids = [row["note_id"] for row in shared]
    candidates = sorted(
        Note.objects.filter(pk__in=ids).select_related("fingerprint").prefetch_related("images"),
        key=lambda n: (n.published_at, n.pk),
    )
    for candidate in candidates:
        fingerprint = getattr(candidate, "fingerprint", None)
        if minhash is not None and fingerprint is not None and fingerprint.minhash:
            other = similarity.minhash_from_bytes(fingerprint.minhash)
            if similarity.text_similarity(minhash, other) >= conf["TEXT_SIMILARITY"]:
                return candidate
        theirs = [i.phash for i in candidate.images.all() if i.phash]
        if any(similarity.image_distance(a, b) <= conf["IMAGE_DISTANCE"] for a in hashes for b in theirs):
            return candidate
    return None


def distribution_refresh_due(*, now: datetime | None = None, batch: int = 100) -> int:
    """Rebuild the notes whose timed factor has ended (the traffic task, every minute), a note per
    short transaction; notes another transaction holds are left for the next run."""
    now = now or timezone.now()
    count = 0
    for pk in list(Note.objects.filter(weight_until__lte=now).values_list("pk", flat=True)[:batch]):
        with transaction.atomic():
            note = (
                Note.objects.select_for_update(skip_locked=True).filter(pk=pk, weight_until__lte=now).first()
            )
            if note is not None:
                note_distribution_sync(note=note, now=now)
                count += 1
    return count


def distribution_rebuild_all(*, batch: int = 500) -> int:
    """Rebuild every published note's distribution (after an upgrade or a change of the traffic
    settings: ``manage.py traffic_rebuild``), one short transaction per note."""
    count = 0
    last = 0
    while True:
        ids = list(
            Note.objects.filter(state=Note.State.PUBLISHED, pk__gt=last)
            .order_by("pk")
            .values_list("pk", flat=True)[:batch]
        )
        if not ids:
            return count
        for pk in ids:
            with transaction.atomic():
                note = Note.objects.select_for_update().get(pk=pk)
                note_distribution_sync(note=note)
                count += 1
        last = ids[-1]


def near_duplicates(note: Note, *, limit: int = 20) -> list[dict]:
    """Notes of other accounts, before or after this one, that nearly copy it — "batch-copied
    experiences" shown to staff as evidence — with how close each is."""
    conf = traffic_settings()
    stored = NoteFingerprint.objects.filter(note=note).first()
    if stored is None:
        return []
    minhash = similarity.minhash_from_bytes(stored.minhash) if stored.minhash else None
    hashes = [i.phash for i in note.images.all() if i.phash]
    keys = SimilarityKey.objects.filter(note=note).values("key")
    shared = (
        SimilarityKey.objects.filter(key__in=keys)
        .exclude(note__author_id=note.author_id)
        .values("note_id")
        .annotate(shared=Count("id"))
        .order_by("-shared", "note_id")[:MAX_CANDIDATES]
    )
    candidates = (
        Note.objects.filter(pk__in=[row["note_id"] for row in shared])
        .select_related("fingerprint", "author")
        .prefetch_related("images")
    )
    found = []
    for candidate in candidates:
        fingerprint = getattr(candidate, "fingerprint", None)
        text = 0.0
        if minhash is not None and fingerprint is not None and fingerprint.minhash:
            text = similarity.text_similarity(minhash, similarity.minhash_from_bytes(fingerprint.minhash))
        theirs = [i.phash for i in candidate.images.all() if i.phash]
        distance = min((similarity.image_distance(a, b) for a in hashes for b in theirs), default=None)
        if text >= conf["TEXT_SIMILARITY"] or (distance is not None and distance <= conf["IMAGE_DISTANCE"]):
            found.append({"note": candidate, "text_similarity": round(text, 2), "image_distance": distance})
    found.sort(key=lambda item: item["note"].published_at or item["note"].created_at)
    return found[:limit]
