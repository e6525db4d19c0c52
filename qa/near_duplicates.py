"""Syndicated copies: articles whose text is mostly the same (wire copy republished, a story updated).

Each article's signature is a MinHash (datasketch) of its word 5-grams, lower-cased. At each
update, LSH (banding, over every stored signature in memory) finds the stored articles that may
share at least THRESHOLD of their 5-grams with a new or changed one (estimated Jaccard
similarity), and the signatures' estimate confirms each pair before it is linked. Imported only
when indexing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

import numpy as np

NUM_PERM = 128
BANDS, ROWS = 42, 3  # LSH bands of the signature (126 of its values)
SCHEME = "affine32"  # datasketch's hashing scheme: stored signatures are compared only with ones made by it
SHINGLE_WORDS = 5
THRESHOLD = 0.35  # news5w1h: its one republished wire copy is at 0.68, a story updated by its outlet at 0.40
_WORD = re.compile(r"\w+")


@cache
def _permutations():
    from datasketch import MinHash

    return MinHash(num_perm=NUM_PERM, scheme=SCHEME).permutations  # made once: making them is most of the cost


def signature(text: str) -> bytes:
    from datasketch import MinHash

    words = _WORD.findall(text.lower())
    shingles = {" ".join(words[i : i + SHINGLE_WORDS]).encode() for i in range(max(len(words) - SHINGLE_WORDS + 1, 1))}
    minhash = MinHash(num_perm=NUM_PERM, permutations=_permutations(), scheme=SCHEME)
    minhash.update_batch(list(shingles))
    return minhash.hashvalues.astype("<u8").tobytes()


def links(signatures: dict[str, bytes], new: Iterable[str]) -> set[tuple[str, str]]:
    """The pairs (in key order) of articles that are copies of each other, each with at least one of `new`.

    LSH by banding: articles whose signatures agree on all ROWS values of any of the BANDS bands are
    candidates (at 35% overlap, 84% of pairs are; at 50%, 99.6%), confirmed by the share of all values equal."""
    keys = list(signatures)
    if not keys:
        return set()
    matrix = np.frombuffer(b"".join(signatures.values()), dtype="<u8").reshape(len(keys), NUM_PERM)
    position = {key: row for row, key in enumerate(keys)}
    wanted = np.zeros(len(keys), dtype=bool)
    wanted[[position[key] for key in new]] = True
    mixing = np.random.default_rng(0).integers(1, 2**63, ROWS, dtype=np.uint64) | np.uint64(1)
    candidates: set[tuple[int, int]] = set()
    for band in range(BANDS):
        hashed = (matrix[:, band * ROWS : (band + 1) * ROWS] * mixing).sum(axis=1)  # wraps around, as wanted
        order = np.argsort(hashed, kind="stable")
        starts = np.flatnonzero(np.diff(hashed[order], prepend=hashed[order][0] - np.uint64(1)))
        lengths = np.diff(starts, append=len(order))
        for start, length in zip(starts[lengths > 1], lengths[lengths > 1], strict=True):
            rows = order[start : start + length]
            if wanted[rows].any():
                candidates.update((min(a, b), max(a, b)) for a in rows if wanted[a] for b in rows if a != b)
    return {
        (min(keys[a], keys[b]), max(keys[a], keys[b]))
        for a, b in candidates
        if np.mean(matrix[a] == matrix[b]) >= THRESHOLD
    }
