"""The feed's ranking score, documented once (README "Traffic").

A note's score at time *t* is ``weight × engagement × 2^(−(t − published) / half-life)``: a
freshness decay times the distribution weight and the engagement slot (likes, see ``engagement``).
Taking log2 of it gives

    log2(weight × engagement) + published / half-life − t / half-life

and the last term is the same for every note at a given moment. So ordering by the stored
``rank_score = log2(weight × engagement) + published / half-life`` is exactly ordering by the
score at any time, without rewriting any row as time passes; a feed page is a keyset read of an
index on (rank_score, id). Ties break on the id, newest first, so the order is deterministic.
"""

from __future__ import annotations

import math
from datetime import datetime

# A weight never reaches zero (the logarithm needs it positive); removal is not a weight.
MIN_WEIGHT = 1e-6


def rank_score(
    *, weight: float, published_at: datetime, half_life_hours: float, engagement: float = 1.0
) -> float:
    """The stored ranking key of a published note."""
    half_life = half_life_hours * 3600.0
    return math.log2(max(weight * engagement, MIN_WEIGHT)) + published_at.timestamp() / half_life


def engagement(*, likes: int, per_doubling: float) -> float:
    """The engagement slot: 1 with no likes, then ``per_doubling`` more each time likes double
    (1 like: 1 + p, 3: 1 + 2p, 1,023: 1 + 10p): likes lift a note, without letting a pile of them
    outweigh the rules (a bonus, a reduction)."""
    return 1.0 + per_doubling * math.log2(1 + max(likes, 0))


def score_at(*, weight: float, published_at: datetime, now: datetime, half_life_hours: float) -> float:
    """The score itself at ``now`` (for explanations and tests): weight × 2^(−age / half-life)."""
    age = (now - published_at).total_seconds()
    return weight * 2.0 ** (-age / (half_life_hours * 3600.0))
