"""The FAISS index: a cache derived from the store's vectors, followed through updates without rebuilding it.

A base file, vectors-<generation>.faiss, holds every passage vector of the generation it
is named after. The passages added and removed since then are read from the store's
change log when the cache is opened: the added ones are searched beside the base, the
removed ones are filtered out of it. So an update never rewrites the base; `refresh`
writes a new one when the changes outgrow a share of it. A base file is written to a
temporary name then renamed; when none is usable the cache is rebuilt from the stored
vectors, never re-embedding.

Up to APPROXIMATE_FROM passages the base is searched exhaustively (flat inner product), each
vector held in 8 bits a dimension (a quarter of float32). Above, it is an IVF index trained on
the stored vectors, its lists memory-mapped when read, so opening it costs no read of the whole
file (bench/scale.py measures the recall and the switch); it holds product codes, one byte for
each DIMENSIONS_PER_CODE dimensions (a quarter of the 8-bit codes). A search finds RESCORED (or,
through product codes, RESCORED_PRODUCT) times the passages asked for, which are then ranked by
their stored vectors: the cosines returned are the stored vectors' (a base written before in
another form is read as it is).
"""

from __future__ import annotations

import math
import os
from pathlib import Path

import numpy as np

from qa.backends.base import StoredSentence, VectorSum
from qa.backends.local.filtering import NARROW_PASSAGES, filtered_search
from qa.backends.local.store import PassageChanges, Store
from qa.records import Filters

APPROXIMATE_FROM = 200_000  # passages; an exact search over more takes over ~10 ms a question here
LISTS_PER_ROOT = 1.0  # IVF lists: this many times the square root of the passage count
TRAINING_PER_LIST = 40  # training vectors per IVF list
TRAINING_SAMPLE = 20_000  # and at least this many (or all) for the range of each dimension
PROBED = 16  # lists searched per question: recall@10 >= 0.99 against exact search at 1M (bench/results/scale.md)
RESCORED = 2  # the passages taken from the base for each one returned, ranked again by their stored vectors
RESCORED_PRODUCT = 8  # ...from product codes, coarser: the exact nearest found as often as through 8-bit codes
DIMENSIONS_PER_CODE = 4  # dimensions a byte of a product code stands for (96 bytes a 384-dimension vector)
PRODUCT_CODES_FROM = 10_000  # passages: enough to train 256 centres for each part of the codes (an IVF base)
REBUILD_SHARE = 0.02  # changes since the base, as a share of it, that make `refresh` write a new base
REBUILD_MINIMUM = 2_000  # ...and never for fewer changes than this
BATCH = 10_000  # stored vectors read at a time while building: memory holds the base and one batch


def base_path(directory: Path, generation: int) -> Path:
    return directory / f"vectors-{generation}.faiss"


def base_generations(directory: Path) -> list[int]:
    """Generations of the base files present, newest first."""
    found = []
    for path in directory.glob("vectors-*.faiss"):
        number = path.stem.removeprefix("vectors-")
        if number.isdigit():
            found.append(int(number))
    return sorted(found, reverse=True)


def build(store: Store, approximate: bool | None = None):
    """A fresh index over every stored passage vector, keyed by passage id, and the generation it reflects.

    IVF when approximate, else exact; by default IVF from APPROXIMATE_FROM passages.
    """
    import faiss

    with store.snapshot():
        generation, count = store.generation, store.passage_count()
        dimension = store.manifest().dimension
        codes, inner = faiss.ScalarQuantizer.QT_8bit, faiss.METRIC_INNER_PRODUCT
        lists = 1
        if not count:  # nothing to learn the range of 8-bit codes from, which a search needs
            index = faiss.IndexIDMap2(faiss.IndexFlatIP(dimension))
        elif not (count >= APPROXIMATE_FROM if approximate is None else approximate):
            index = faiss.IndexIDMap2(faiss.IndexScalarQuantizer(dimension, codes, inner))
        else:
            lists = int(LISTS_PER_ROOT * math.sqrt(count))
            if count >= PRODUCT_CODES_FROM and dimension % DIMENSIONS_PER_CODE == 0:
                parts = dimension // DIMENSIONS_PER_CODE  # each coding its vector's offset from its list's centre
                index = faiss.IndexIVFPQ(faiss.IndexFlatIP(dimension), dimension, lists, parts, 8, inner)
            else:
                by_residual = False  # each vector's own values, not its offset from its list's centre
                index = faiss.IndexIVFScalarQuantizer(
                    faiss.IndexFlatIP(dimension), dimension, lists, codes, inner, by_residual
                )
            index.nprobe = PROBED
        # the range of each dimension, which its 8 bits divide, or the centres of each part of the product codes
        # (and the IVF lists' centres)
        every = max(1, count // max(lists * TRAINING_PER_LIST, TRAINING_SAMPLE))
        if count:
            index.train(np.vstack([vectors for _, vectors in store.vector_batches(BATCH, every)]))
        for ids, vectors in store.vector_batches(BATCH):
            index.add_with_ids(vectors, ids)
    return index, generation


def save(index, directory: Path, generation: int) -> Path:
    """Write the base for generation atomically and drop older bases."""
    import faiss

    path = base_path(directory, generation)
    temporary = path.with_suffix(f".tmp{os.getpid()}")
    faiss.write_index(index, str(temporary))
    os.replace(temporary, path)
    for older in base_generations(directory):
        if older < generation:
            base_path(directory, older).unlink(missing_ok=True)
    return path


class VectorIndex:
    """A base index, minus the passages removed since it was written, plus those added (searched exactly)."""

    def __init__(self, base, changes: PassageChanges, store: Store):
        import faiss

        self.base = base
        self.rescored = RESCORED_PRODUCT if isinstance(base, faiss.IndexIVFPQ) else RESCORED
        self.store = store
        self.removed = np.asarray(changes.removed, dtype=np.int64)
        self.added = None
        self._added_ids = np.asarray(changes.added, dtype=np.int64)
        self._located = False  # whether the IVF base can find a vector by its id (built at the first need)
        if changes.added:
            vectors = store.passage_vectors(changes.added)
            ids = np.asarray([i for i in changes.added if i in vectors], dtype=np.int64)
            self.added = faiss.IndexIDMap2(faiss.IndexFlatIP(base.d))
            self.added.add_with_ids(np.vstack([vectors[i] for i in ids]), ids)

    def search(self, query: np.ndarray, k: int, among: list[int] | None = None) -> list[tuple[int, float]]:
        """(passage id, cosine) pairs, best first; only passages whose ids are `among` (current passages), when
        given: among all of them."""
        import faiss

        faiss.omp_set_num_threads(1)  # one query at a time: threads would contend with the lexical search
        query = np.asarray(query, dtype=np.float32).reshape(1, -1)
        taken = self.rescored * k
        if among is not None and hasattr(self.base, "nprobe"):
            found = self._ivf_among(query, taken, np.setdiff1d(np.asarray(among, dtype=np.int64), self._added_ids))
        else:
            if among is not None:
                base_selector = faiss.IDSelectorBatch(np.setdiff1d(np.asarray(among, dtype=np.int64), self.removed))
            elif len(self.removed):
                base_selector = faiss.IDSelectorNot(faiss.IDSelectorBatch(self.removed))
            else:
                base_selector = None
            found = _search(self.base, query, taken, base_selector)
        vectors = self.store.passage_vectors([passage for passage, _ in found])
        found = [(passage, float(vectors[passage] @ query[0])) for passage, _ in found if passage in vectors]
        if self.added is not None:
            added_selector = None if among is None else faiss.IDSelectorBatch(np.asarray(among, dtype=np.int64))
            found += _search(self.added, query, k, added_selector)
        return sorted(found, key=lambda pair: -pair[1])[:k]

    def _ivf_among(self, query: np.ndarray, k: int, ids: np.ndarray) -> list[tuple[int, float]]:
        """The k nearest of the given ids of an IVF base, by their codes: these are read from its lists by id (a
        hash table of where each id lies, made at the first such search) and compared with the query. Probing
        every list instead reads every id of the base."""
        import faiss

        if not len(ids):
            return []
        if not self._located:
            faiss.extract_index_ivf(self.base).set_direct_map_type(faiss.DirectMap.Hashtable)
            self._located = True
        cosines = self.base.reconstruct_batch(ids) @ query[0]
        best = np.argsort(-cosines, kind="stable")[:k]
        return [(int(ids[i]), float(cosines[i])) for i in best]


def _search(index, query: np.ndarray, k: int, selector) -> list[tuple[int, float]]:
    import faiss

    if hasattr(index, "nprobe"):
        params = faiss.SearchParametersIVF(sel=selector, nprobe=index.nprobe)
    else:
        params = None if selector is None else faiss.SearchParameters(sel=selector)
    scores, ids = index.search(query, k, params=params)
    return [(int(i), float(s)) for i, s in zip(ids[0], scores[0], strict=False) if i >= 0]


def _read(path: Path):
    """A base file, its IVF lists memory-mapped (read on demand) rather than read whole."""
    import faiss

    try:
        return faiss.read_index(str(path), faiss.IO_FLAG_MMAP | faiss.IO_FLAG_READ_ONLY)
    except RuntimeError:
        return None


def open_base(store: Store) -> tuple[object, PassageChanges] | None:
    """The newest readable base whose changes since are still recorded, and those changes; None if there is none."""
    for generation in base_generations(store.directory):
        base = _read(base_path(store.directory, generation))
        changes = store.passage_changes(generation) if base is not None else None
        if changes and generation <= changes.generation:
            if base.ntotal - len(changes.removed) + len(changes.added) == changes.passages:
                return base, changes
    return None


def load(store: Store) -> VectorIndex:
    """The FAISS index of the store's current generation: a base and the changes since, or rebuilt when none fits."""
    opened = open_base(store)
    if opened is None:
        base, generation = build(store)
        try:
            save(base, store.directory, generation)
        except OSError:
            pass  # a read-only index folder still answers, from the rebuilt index in memory
        opened = base, store.passage_changes(generation) or PassageChanges(generation, base.ntotal, [], [])
    return VectorIndex(opened[0], opened[1], store)


def refresh(store: Store) -> None:
    """After an update: write a new base when there is none or the changes since it outgrew it.

    Decided from the change log, without reading the base (a flat base of 100k passages is
    77 MB, seconds to read from a cold disk); a damaged base is found and rebuilt by the next
    reader. Called by the indexer, holding the update lock; after writing a base it forgets the
    changes the base holds and deletes the vectors no passage uses any more.
    """
    current = store.generation
    newest = [generation for generation in base_generations(store.directory) if generation <= current][:1]
    changes = store.passage_changes(newest[0]) if newest else None  # (a later one is a replaced index's)
    if changes:
        changed = len(changes.added) + len(changes.removed)
        size = changes.passages - len(changes.added) + len(changes.removed)
        if changed <= max(REBUILD_MINIMUM, REBUILD_SHARE * size):
            return
    base, generation = build(store)
    save(base, store.directory, generation)
    store.forget_changes(generation)
    store.drop_unused_vectors()


class FaissIndex:
    """The dense index of a local store: FAISS over its passage vectors, at the store's current generation
    (loaded again when an update commits), and the stored vectors of candidates."""

    def __init__(self, store: Store):
        self.store = store
        self._index: VectorIndex | None = None
        self._sums: tuple[VectorSum, VectorSum] | None = None
        self._generation = -1
        self.narrow_passages = NARROW_PASSAGES

    def _current(self) -> VectorIndex:
        generation = self.store.generation
        if generation != self._generation:
            self._index = load(self.store)
            self._sums = self.store.vector_sums()
            self._generation = generation
        return self._index

    def search(self, vector: np.ndarray, k: int, filters: Filters) -> list[tuple[int, float]]:
        """(passage id, cosine) of the k nearest passages, best first; filters apply as
        qa/backends/local/filtering.py says."""
        index = self._current()
        if k < 1:
            return []
        return filtered_search(
            self.store,
            filters,
            k,
            lambda limit: index.search(vector, limit),
            lambda among: index.search(vector, k, among),
            self.narrow_passages,
        )

    def means(self) -> tuple[np.ndarray, np.ndarray]:
        passages, sentences = self.sums()
        return passages.mean(), sentences.mean()

    def sums(self) -> tuple[VectorSum, VectorSum]:
        self._current()
        return self._sums

    def passage_vectors(self, ids: list[int]) -> dict[int, np.ndarray]:
        return self.store.passage_vectors(ids)

    def sentence_vectors(self, passage_ids: list[int]) -> tuple[list[StoredSentence], np.ndarray]:
        rows, matrix = self.store.sentence_vectors(passage_ids)
        return [StoredSentence(*row) for row in rows], matrix
