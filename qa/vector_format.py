"""How a vector is stored: a passage's in float16 (half of float32), a sentence's in int8 with one float32
scale per vector (388 bytes for 384 dimensions, a quarter), decoded to float32 for search.

Passage vectors rank every passage (the FAISS search): float16 keeps that ranking as float32's. Sentence
vectors, four or five times as many, only rank the sentences of candidate passages: for them each
component is rounded to the nearest of 255 steps between minus and plus the vector's largest component.
A stored vector is read by its length, so the float32 vectors of an index made before answer as they are
(and its next update converts them).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

NAME = "float16 passages, int8 sentences"  # recorded in the manifest once every stored vector has this form
STEPS = 127  # int8 steps on each side of zero


def encode(vectors: np.ndarray, half: Sequence[bool]) -> list[bytes]:
    """Each row of vectors as stored: float16 where half says so, else its scale (float32) then int8 components."""
    vectors = np.asarray(vectors, dtype=np.float32).reshape(len(vectors), -1)
    scales = np.abs(vectors).max(axis=1, initial=0.0) / STEPS
    scales[scales == 0] = 1.0
    quantised = np.rint(vectors / scales[:, None]).astype(np.int8)
    halves = vectors.astype("<f2")
    return [
        halves[n].tobytes() if half[n] else scales[n].astype("<f4").tobytes() + quantised[n].tobytes()
        for n in range(len(vectors))
    ]


def decode(blobs: Sequence[bytes], dimension: int) -> np.ndarray:
    """The stored vectors as float32 rows, whichever form each was stored in (float32 in an older index)."""
    matrix = np.empty((len(blobs), dimension), dtype=np.float32)
    forms: dict[int, list[int]] = {}
    for n, blob in enumerate(blobs):
        forms.setdefault(len(blob), []).append(n)
    for length, rows in forms.items():
        joined = b"".join(blobs[n] for n in rows)
        if length == dimension + 4:
            raw = np.frombuffer(joined, dtype=np.uint8).reshape(len(rows), length)
            matrix[rows] = raw[:, 4:].view(np.int8) * raw[:, :4].copy().view("<f4")
        else:
            matrix[rows] = np.frombuffer(joined, dtype="<f2" if length == 2 * dimension else "<f4").reshape(
                len(rows), dimension
            )
    return matrix
