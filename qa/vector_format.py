"""How a vector is stored: int8 components with one float32 scale per vector (388 bytes for 384 dimensions,
a quarter of float32), decoded to float32 for search.

Each component is rounded to the nearest of 255 steps between minus and plus the vector's largest
component. An index made before holds float32 vectors (4 bytes a component): a stored vector is read by
its length, so those answer as they are, and its next update converts them.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

NAME = "int8"  # recorded in the manifest once every stored vector has this form
STEPS = 127  # int8 steps on each side of zero


def encode(vectors: np.ndarray) -> list[bytes]:
    """Each row of vectors as stored: its scale (float32, little-endian), then its int8 components."""
    vectors = np.asarray(vectors, dtype=np.float32).reshape(len(vectors), -1)
    scales = np.abs(vectors).max(axis=1, initial=0.0) / STEPS
    scales[scales == 0] = 1.0
    quantised = np.rint(vectors / scales[:, None]).astype(np.int8)
    return [scale.astype("<f4").tobytes() + row.tobytes() for scale, row in zip(scales, quantised, strict=True)]


def decode(blobs: Sequence[bytes], dimension: int) -> np.ndarray:
    """The stored vectors as float32 rows: int8 with a scale, or float32 as an older index stored them."""
    matrix = np.empty((len(blobs), dimension), dtype=np.float32)
    quantised = [n for n, blob in enumerate(blobs) if len(blob) == dimension + 4]
    if len(quantised) < len(blobs):
        plain = [n for n, blob in enumerate(blobs) if len(blob) != dimension + 4]
        matrix[plain] = np.frombuffer(b"".join(blobs[n] for n in plain), dtype="<f4").reshape(len(plain), dimension)
    if quantised:
        raw = np.frombuffer(b"".join(blobs[n] for n in quantised), dtype=np.uint8).reshape(len(quantised), -1)
        scales = raw[:, :4].copy().view("<f4")
        matrix[quantised] = raw[:, 4:].view(np.int8) * scales
    return matrix
