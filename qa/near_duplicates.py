"""Syndicated copies: articles whose text is mostly the same (wire copy republished, a story updated).

Each article's signature is a MinHash (datasketch) of its word 5-grams, lower-cased, and the set
of figures it gives. At each update, LSH (banding, over every stored signature, streamed) finds
the stored articles that may share at least THRESHOLD of their 5-grams with a new or changed one
(estimated Jaccard similarity); the signatures' estimate confirms each pair, and so must the
figures: a copy gives the story's figures, while routine items written to one template (a
day's hog slaughter, a company's dividend) share their words and differ in their figures.
datasketch is imported only when signing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from itertools import chain, islice

import numpy as np

NUM_PERM = 128
BANDS, ROWS = 42, 3  # LSH bands of the signature (126 of its values)
SCHEME = "affine32"  # datasketch's hashing scheme: stored signatures are compared only with ones made by it
VALUE = "<u4"  # how a signature's values are stored: the scheme's hashes are 32 bits
SHINGLE_WORDS = 5
THRESHOLD = 0.35  # below news5w1h's copies and updates (bench/results/archives.md, "Syndicated copies")
# Two articles giving at least this many distinct figures between them are copies only if they share
# at least SAME_FIGURES of them (Jaccard); fewer say too little to judge by.
MIN_FIGURES, SAME_FIGURES = 3, 0.5
CHUNK = 4096  # signatures hashed together
_WORD = re.compile(r"\w+")
_FIGURE = re.compile(r"\d+(?:[.,]\d+)*")


@dataclass(frozen=True)
class Signature:
    minhash: bytes  # NUM_PERM VALUEs
    figures: frozenset[str]  # the numbers as written ("1,600", "6", "3", "16" of "6-3/16")

    @classmethod
    def of(cls, text: str) -> Signature:
        return cls(_minhash(text), frozenset(_FIGURE.findall(text)))

    @classmethod
    def of_passages(cls, texts: Iterable[str]) -> Signature:
        """An article's signature, from its passages' texts (new or stored: both sign the same text)."""
        return cls.of(" ".join(texts))


@cache
def _permutations():
    from datasketch import MinHash

    return MinHash(num_perm=NUM_PERM, scheme=SCHEME).permutations  # made once: making them is most of the cost


def _minhash(text: str) -> bytes:
    from datasketch import MinHash

    words = _WORD.findall(text.lower())
    shingles = {" ".join(words[i : i + SHINGLE_WORDS]).encode() for i in range(max(len(words) - SHINGLE_WORDS + 1, 1))}
    minhash = MinHash(num_perm=NUM_PERM, permutations=_permutations(), scheme=SCHEME)
    minhash.update_batch(list(shingles))
    return minhash.hashvalues.astype(VALUE).tobytes()


def same_figures(a: frozenset[str], b: frozenset[str]) -> bool:
    union = len(a | b)
    return union < MIN_FIGURES or len(a & b) / union >= SAME_FIGURES


def overlap(a: Signature, b: Signature) -> float:
    """The estimated Jaccard similarity of two articles' word 5-grams."""
    return float(np.mean(np.frombuffer(a.minhash, dtype=VALUE) == np.frombuffer(b.minhash, dtype=VALUE)))


Signed = Iterable[tuple[str, Signature]]  # articles' signatures by path; read twice, so a stored one can stream


def links(new: Sequence[Signed], known: Sequence[Signed] = ()) -> set[tuple[str, str]]:
    """The pairs (in key order) of articles that are copies of each other, each with at least one of `new`, among
    the articles of `new` and `known`.

    LSH by banding: articles whose signatures agree on all ROWS values of any of the BANDS bands are
    candidates (at 35% overlap, 84% of pairs are; at 50%, 99.6%), confirmed by the share of all values
    equal and by their figures. The signatures are read twice, once for each band's hash and once for the
    candidates', so memory holds BANDS four-byte hashes an article, not its signature."""
    sources = [*new, *known]
    hashes, wanted = [], []
    for number, source in enumerate(sources):
        for chunk in _chunks(source):
            hashes.append(_band_hashes(b"".join(signature.minhash for _, signature in chunk)))
            wanted.append(np.full(len(chunk), number < len(new)))
    if not hashes:
        return set()
    candidates = _candidates(np.concatenate(hashes), np.concatenate(wanted))
    if not candidates:
        return set()  # (most updates: the signatures need no second reading)
    needed = {row for pair in candidates for row in pair}
    found = {row: item for row, item in enumerate(chain.from_iterable(sources)) if row in needed}
    pairs = set()
    for a, b in candidates:
        (path_a, signature_a), (path_b, signature_b) = found[a], found[b]
        if path_a != path_b and overlap(signature_a, signature_b) >= THRESHOLD:
            if same_figures(signature_a.figures, signature_b.figures):
                pairs.add((min(path_a, path_b), max(path_a, path_b)))
    return pairs


def _chunks(items: Iterable) -> Iterable[list]:
    iterator = iter(items)
    while chunk := list(islice(iterator, CHUNK)):
        yield chunk


def _band_hashes(minhashes: bytes) -> np.ndarray:
    """Each signature's hash of each band (rows: signatures, columns: bands), the high half of a mixing sum."""
    matrix = np.frombuffer(minhashes, dtype=VALUE).reshape(-1, NUM_PERM)[:, : BANDS * ROWS].astype(np.uint64)
    mixing = np.random.default_rng(0).integers(1, 2**63, ROWS, dtype=np.uint64) | np.uint64(1)
    summed = (matrix.reshape(-1, BANDS, ROWS) * mixing).sum(axis=2, dtype=np.uint64)  # wraps around, as wanted
    return (summed >> np.uint64(32)).astype(np.uint32)


def _candidates(hashes: np.ndarray, wanted: np.ndarray) -> set[tuple[int, int]]:
    """The pairs of rows (a < b), one of them wanted, whose hashes agree in some band."""
    candidates: set[tuple[int, int]] = set()
    for band in range(BANDS):
        column = hashes[:, band]
        order = np.argsort(column, kind="stable")
        starts = np.flatnonzero(np.diff(column[order], prepend=column[order][0] ^ np.uint32(1)))
        lengths = np.diff(starts, append=len(order))
        for start, length in zip(starts[lengths > 1], lengths[lengths > 1], strict=True):
            rows = order[start : start + length]
            if wanted[rows].any():
                candidates.update((min(a, b), max(a, b)) for a in rows if wanted[a] for b in rows if a != b)
    return candidates
