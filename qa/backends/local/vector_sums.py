"""The running sums of an index's passage and sentence vectors, kept in its manifest.

Each update adds the vectors it inserts and subtracts those it deletes, so that the mean vectors ranking centres
cosines on never need a full scan.
"""

from __future__ import annotations

import base64
import sqlite3

import numpy as np

from qa import vector_format
from qa.backends.base import VectorSum

VECTOR_KINDS = ("passage", "sentence")
_VECTORS_OF_ARTICLE = {
    "passage": "SELECT e.vector FROM passages p JOIN embeddings e ON e.key = p.embedding_key "
    "WHERE p.article_id = (SELECT id FROM articles WHERE path = ?)",
    "sentence": "SELECT e.vector FROM sentences s JOIN passages p ON p.id = s.passage_id "
    "JOIN embeddings e ON e.key = s.embedding_key WHERE p.article_id = (SELECT id FROM articles WHERE path = ?)",
}


def _every_vector(prefix: str) -> dict[str, str]:
    """The vectors of every passage and sentence, of the index (prefix "") or of the articles staged for its next
    commit ("staged_")."""
    return {
        "passage": f"SELECT e.vector FROM {prefix}passages p JOIN embeddings e ON e.key = p.embedding_key",
        "sentence": f"SELECT e.vector FROM {prefix}sentences s JOIN embeddings e ON e.key = s.embedding_key",
    }


def plus_rows(vector_sum: VectorSum, rows: sqlite3.Cursor, sign: int) -> VectorSum:
    """The sum with the vectors of the rows added (sign 1) or taken away (sign -1)."""
    total, count = vector_sum.total.copy(), vector_sum.count
    while batch := rows.fetchmany(4096):
        vectors = vector_format.decode([row[0] for row in batch], len(total))
        total += sign * vectors.sum(axis=0, dtype=np.float64)
        count += sign * len(batch)
    return VectorSum(total, count)


def decode_sum(manifest: dict[str, str], kind: str, dimension: int) -> VectorSum:
    if f"{kind}_sum" not in manifest:
        return VectorSum(np.zeros(dimension), 0)
    total = np.frombuffer(base64.b64decode(manifest[f"{kind}_sum"]), dtype="<f8").copy()
    return VectorSum(total, int(manifest[f"{kind}_count"]))


def decode_sums(manifest: dict[str, str], dimension: int) -> dict[str, VectorSum]:
    return {kind: decode_sum(manifest, kind, dimension) for kind in VECTOR_KINDS}


def encode_sums(sums: dict[str, VectorSum]) -> dict[str, str]:
    encoded = {}
    for kind, vector_sum in sums.items():
        encoded[f"{kind}_sum"] = base64.b64encode(vector_sum.total.astype("<f8").tobytes()).decode()
        encoded[f"{kind}_count"] = str(vector_sum.count)
    return encoded


def add_article_vectors(db: sqlite3.Connection, sums: dict[str, VectorSum], path: str, sign: int) -> None:
    for kind, vector_sum in sums.items():
        sums[kind] = plus_rows(vector_sum, db.execute(_VECTORS_OF_ARTICLE[kind], (path,)), sign)


def add_staged_vectors(db: sqlite3.Connection, sums: dict[str, VectorSum]) -> None:
    """Add the vectors of the staged articles' passages and sentences."""
    for kind, query in _every_vector("staged_").items():
        sums[kind] = plus_rows(sums[kind], db.execute(query), 1)


def sum_all_vectors(db: sqlite3.Connection, dimension: int) -> dict[str, VectorSum]:
    """The sums of every stored passage and sentence vector."""
    empty = VectorSum(np.zeros(dimension), 0)
    return {kind: plus_rows(empty, db.execute(query), 1) for kind, query in _every_vector("").items()}
