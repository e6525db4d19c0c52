"""The roles ranking needs from an index, as typed protocols: a passage store, a lexical index, a dense index
and an encoder. qa/search.py speaks only to these; qa/backends/local/ is the SQLite + FTS5 + FAISS
implementation, and another (a sharded index, an in-memory fake for tests) implements the same roles.

Questions reach the lexical index as terms (content words, as typed), never in a query language: each
backend parses, stems and quotes them its own way. Filters reach both indexes as a `Filters` object,
which each applies its own way.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple, Protocol

import numpy as np

from qa.records import Filters, StoredArticle, StoredPassage


class StoredSentence(NamedTuple):
    """A sentence of a stored passage: its span in the article's source."""

    id: int
    passage_id: int
    start: int
    end: int


@dataclass(frozen=True)
class CollectionStatistics:
    """What BM25 needs of the whole collection for some terms: how many rows, how many tokens they hold
    (of the scored columns), and how many rows hold each term (a term of several tokens: the phrase).
    Those of several shards add up to those of one index holding all their rows."""

    rows: int
    tokens: int
    frequencies: dict[str, int]

    @property
    def average_length(self) -> float:
        return float(self.tokens) / float(self.rows) if self.rows else 0.0

    def __add__(self, other: CollectionStatistics) -> CollectionStatistics:
        terms = dict.fromkeys([*self.frequencies, *other.frequencies])
        frequencies = {t: self.frequencies.get(t, 0) + other.frequencies.get(t, 0) for t in terms}
        return CollectionStatistics(self.rows + other.rows, self.tokens + other.tokens, frequencies)


@dataclass(frozen=True)
class LexicalStatistics:
    """The collection statistics of the passages and of the sentences, for some terms."""

    passages: CollectionStatistics
    sentences: CollectionStatistics

    def __add__(self, other: LexicalStatistics) -> LexicalStatistics:
        return LexicalStatistics(self.passages + other.passages, self.sentences + other.sentences)


@dataclass(frozen=True)
class VectorSum:
    """A mean vector as its parts, which shards add up: the float64 sum of the vectors and how many."""

    total: np.ndarray
    count: int

    def mean(self) -> np.ndarray:
        return (self.total / self.count if self.count > 0 else self.total * 0).astype(np.float32)

    def __add__(self, other: VectorSum) -> VectorSum:
        return VectorSum(self.total + other.total, self.count + other.count)


class PassageStore(Protocol):
    """Articles, passages and sentences by id, as one committed generation of the index shows them."""

    @property
    def generation(self) -> int: ...

    def snapshot(self) -> AbstractContextManager[None]:
        """Several reads that see one committed state, whatever updates commit meanwhile."""

    def passages(self, ids: Iterable[int]) -> dict[int, StoredPassage]: ...

    def article_passages(self, path: str) -> list[StoredPassage]:
        """Every passage of one article, in reading order."""

    def articles(self, paths: list[str] | None = None) -> dict[str, StoredArticle]:
        """The stored articles by path (all, or those at the given paths), by file and a file's records in order."""

    def copies(self, paths: list[str] | None = None) -> dict[str, list[str]]:
        """The articles found to be copies of each article (of the given paths, or of every one) that has any."""

    def counts(self) -> dict[str, int]:
        """How many articles and passages the index holds."""

    def articles_matching(self, filters: Filters) -> int:
        """How many articles the filters let through."""


class LexicalIndex(Protocol):
    """BM25 over passages (text, and their article's title and outlet) and over sentences."""

    def search(
        self, terms: Sequence[str], k: int, filters: Filters, statistics: LexicalStatistics | None = None
    ) -> dict[int, float]:
        """The k passages the filters let through with the best BM25 for any of the terms, best first
        (passage id: score, higher is better). Scored with the given collection statistics (a sharded index's,
        summed over its shards), else with this index's own."""

    def sentence_scores(
        self, terms: Sequence[str], texts: dict[int, str], statistics: LexicalStatistics | None = None
    ) -> dict[int, float]:
        """BM25 of the given sentences (id: their searchable text) for any of the terms; only those matching.
        Scored with the given collection statistics, else with this index's own."""

    def holds_anywhere(self, term: str) -> bool:
        """Whether some passage holds the term; a term of several tokens ("5,105,786") as a phrase, in a row."""

    def sentences_holding_all(self, terms: Sequence[str], passage_id: int) -> set[tuple[int, int]]:
        """The spans of the passage's sentences that hold every one of the terms."""

    def statistics(self, terms: Sequence[str]) -> LexicalStatistics:
        """The passages' and sentences' collection statistics for the terms: what a sharded index sums over its
        shards."""


class DenseIndex(Protocol):
    """Passage and sentence vectors, and nearest-neighbour search over the passages'."""

    def search(self, vector: np.ndarray, k: int, filters: Filters) -> list[tuple[int, float]]:
        """(passage id, cosine) of the k passages nearest the vector that the filters let through, best first."""

    def means(self) -> tuple[np.ndarray, np.ndarray]:
        """The mean passage vector and the mean sentence vector, from which ranking measures cosines."""

    def sums(self) -> tuple[VectorSum, VectorSum]:
        """The parts of those means: what a sharded index adds up over its shards."""

    def passage_vectors(self, ids: list[int]) -> dict[int, np.ndarray]: ...

    def sentence_vectors(self, passage_ids: list[int]) -> tuple[list[StoredSentence], np.ndarray]:
        """The given passages' sentences, and their vectors as the rows of a matrix."""


class Encoder(Protocol):
    """Turns texts into unit vectors: the index's ONNX export (qa/onnx_encoder.py) or sentence-transformers
    (qa/embedding.py)."""

    @property
    def dimension(self) -> int: ...

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """One row per text, L2-normalised float32."""

    def encode_batches(self, texts: Sequence[str]) -> Iterator[np.ndarray]:
        """The same rows, a batch at a time, for texts too many to hold their vectors at once."""


class Backend(Protocol):
    """One index, as ranking reads it."""

    store: PassageStore
    lexical: LexicalIndex
    dense: DenseIndex

    @property
    def encoder_directory(self) -> Path:
        """The folder holding the files of the index's query encoder."""

    def gaps(self) -> tuple[str, ...]:
        """The parts of the index that did not answer since the last call (a sharded index's shards), forgotten
        once told: an answer read without them is partial."""

    def close(self) -> None: ...
