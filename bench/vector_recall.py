"""Recall@10 of exhaustive search over stored (quantised) vectors against the same vectors in float32.

    python bench/vector_recall.py INDEX [INDEX ...] --questions FILE [--questions FILE ...]

The vectors of every passage and sentence of the indexes given (built with `qa index`) are
searched with the real question vectors (the questions of the files, encoded by the first
index's ONNX encoder): the top 10 by inner product over float32, over float16, and over
int8 with one scale per vector as qa/vector_format.py stores them.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from qa import onnx_encoder, vector_format  # noqa: E402
from qa.backends.local.store import Store  # noqa: E402

K = 10


def stored_vectors(index: Path) -> np.ndarray:
    store = Store.open(index)
    blobs = [row[0] for row in store.connection.execute("SELECT vector FROM embeddings")]
    return vector_format.decode(blobs, store.dimension())


def recall(exact: np.ndarray, approximate: np.ndarray, queries: np.ndarray) -> float:
    truth = np.argsort(-(queries @ exact.T), axis=1)[:, :K]
    found = np.argsort(-(queries @ approximate.T), axis=1)[:, :K]
    return float(np.mean([len(set(a) & set(b)) / K for a, b in zip(truth, found, strict=True)]))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("indexes", nargs="+", type=Path)
    parser.add_argument("--questions", action="append", type=Path, required=True)
    args = parser.parse_args()
    vectors = np.vstack([stored_vectors(index) for index in args.indexes])
    store = Store.open(args.indexes[0])
    encoder = onnx_encoder.load(args.indexes[0], store.manifest())
    questions = [json.loads(line)["question"] for path in args.questions for line in path.read_text().splitlines()]
    queries = encoder.encode(questions)
    dimension = vectors.shape[1]
    int8 = vector_format.decode(vector_format.encode(vectors, [False] * len(vectors)), dimension)
    float16 = vector_format.decode(vector_format.encode(vectors, [True] * len(vectors)), dimension)
    print(f"{len(vectors)} stored vectors, {len(questions)} questions, recall@{K} against float32:")
    for name, approximate, size in (("float16", float16, 2 * dimension), ("int8 + scale", int8, dimension + 4)):
        cosines = np.sum(vectors * approximate, axis=1) / np.linalg.norm(approximate, axis=1)
        print(
            f"  {name:<13} {recall(vectors, approximate, queries):.4f}  ({size} bytes a vector, "
            f"cosine to float32 min {cosines.min():.5f})"
        )


if __name__ == "__main__":
    main()
