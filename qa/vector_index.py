"""The FAISS index: a cache derived from the store's vectors, stamped with its generation.

The file name carries the generation it reflects (vectors-<generation>.faiss) and
is written to a temporary name then renamed, so a reader either finds the cache of
its generation or rebuilds it from the stored vectors, never re-embedding.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from qa.store import Store


def cache_path(directory: Path, generation: int) -> Path:
    return directory / f"vectors-{generation}.faiss"


def build(store: Store):
    """A fresh exact inner-product index over every stored passage vector, keyed by passage id."""
    import faiss

    ids, vectors = store.vectors()
    index = faiss.IndexIDMap2(faiss.IndexFlatIP(vectors.shape[1] or int(store.manifest()["dimension"])))
    if len(ids):
        index.add_with_ids(vectors, ids)
    return index


def save(index, directory: Path, generation: int) -> Path:
    """Write the cache for generation atomically and drop caches of other generations."""
    import faiss

    path = cache_path(directory, generation)
    temporary = path.with_suffix(f".tmp{os.getpid()}")
    faiss.write_index(index, str(temporary))
    os.replace(temporary, path)
    for stale in directory.glob("vectors-*.faiss"):
        if stale != path:
            stale.unlink(missing_ok=True)
    return path


def load(store: Store):
    """The FAISS index for the store's current generation, rebuilt from stored vectors when missing or unreadable."""
    import faiss

    generation = store.generation
    path = cache_path(store.directory, generation)
    if path.is_file():
        try:
            index = faiss.read_index(str(path))
            if index.ntotal == store.passage_count():
                return index
        except RuntimeError:
            pass
    index = build(store)
    try:
        save(index, store.directory, generation)
    except OSError:
        pass  # a read-only index folder still answers, from the rebuilt index in memory
    return index


def search(index, query: np.ndarray, k: int, among: list[int] | None = None) -> list[tuple[int, float]]:
    """(passage id, cosine) pairs, best first; only passages whose ids are `among`, when given."""
    import faiss

    faiss.omp_set_num_threads(1)  # one query at a time: threads would only contend with the encoder's
    params = None if among is None else faiss.SearchParameters(sel=faiss.IDSelectorBatch(np.asarray(among, np.int64)))
    scores, ids = index.search(np.asarray(query, dtype=np.float32).reshape(1, -1), k, params=params)
    return [(int(i), float(s)) for i, s in zip(ids[0], scores[0], strict=False) if i >= 0]
