"""Near-duplicate fingerprints for the quality bonus's originality check.

Text: a MinHash (datasketch) of the note's character 5-gram shingles — character shingles work
the same for Chinese, which has no spaces, and for English. Locality-sensitive hashing splits the
64 hash values into 16 bands of 4; two notes sharing a band become candidates (likely from a
Jaccard similarity of about 0.5 up), and the MinHash estimate then decides against the threshold.

Images: the 64-bit perceptual hash (imagehash.phash) of each display image, split into four 16-bit
chunks. Two hashes within Hamming distance 3 share at least one chunk (pigeonhole), so the chunks
find every candidate by index and the distance decides.

Pure functions: no Django, so the benchmark and tests can use them directly.
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata

import imagehash
import numpy as np
from datasketch import MinHash
from PIL import Image

NUM_PERM = 64
BANDS = 16
ROWS = NUM_PERM // BANDS
SHINGLE = 5
# Below this many characters of normalised text, a text match says nothing: no text fingerprint.
MIN_TEXT_CHARS = 40
IMAGE_CHUNKS = 4
# Named so stored fingerprints stay comparable across datasketch releases.
SCHEME = "affine32"

_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    return _SPACE.sub(" ", unicodedata.normalize("NFKC", text).casefold()).strip()


def text_minhash(text: str) -> MinHash | None:
    text = normalise(text)
    if len(text) < MIN_TEXT_CHARS:
        return None
    minhash = MinHash(num_perm=NUM_PERM, seed=1, scheme=SCHEME)
    minhash.update_batch([text[i : i + SHINGLE].encode() for i in range(len(text) - SHINGLE + 1)])
    return minhash


def minhash_bytes(minhash: MinHash) -> bytes:
    return minhash.hashvalues.astype("<u8").tobytes()


def minhash_from_bytes(raw: bytes) -> MinHash:
    return MinHash(
        num_perm=NUM_PERM, seed=1, scheme=SCHEME, hashvalues=np.frombuffer(bytes(raw), dtype="<u8")
    )


def _key(namespace: bytes, *parts: bytes) -> int:
    digest = hashlib.blake2b(namespace + b"".join(parts), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def text_keys(minhash: MinHash) -> list[int]:
    values = minhash.hashvalues.astype("<u8")
    return [
        _key(b"t", bytes([band]), values[band * ROWS : (band + 1) * ROWS].tobytes()) for band in range(BANDS)
    ]


def image_keys(phash: str) -> list[int]:
    value = int(phash, 16)
    return [
        _key(b"i", bytes([chunk]), ((value >> (16 * chunk)) & 0xFFFF).to_bytes(2, "big"))
        for chunk in range(IMAGE_CHUNKS)
    ]


def text_similarity(a: MinHash, b: MinHash) -> float:
    return float(a.jaccard(b))


def image_distance(a: str, b: str) -> int:
    return (int(a, 16) ^ int(b, 16)).bit_count()


def phash_of(data: bytes) -> str:
    """The 64-bit perceptual hash of an image's bytes, as 16 hex digits (imagehash.phash)."""
    with Image.open(io.BytesIO(data)) as picture:
        return str(imagehash.phash(picture))
