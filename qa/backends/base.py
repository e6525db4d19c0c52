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
    """What BM25 needs of the whole collection for some terms: how many rows, their average length in tokens,
    and how many rows hold each term (a term of several tokens: the phrase)."""

    rows: int
    average_length: float
    frequencies: dict[str, int]


class PassageStore(Protocol):
    """Articles, passages and sentences by id, as one committed generation of the index shows them."""

    @property
    def generation(self) -> int: ...

    def snapshot(self) -> AbstractContextManager[None]:
        """Several reads that see one committed state, whatever updates commit meanwhile."""

    def passages(self, ids: Iterable[int]) -> dict[int, StoredPassage]: ...

    def article_passages(self, path: str) -> list[StoredPassage]:
        """Every passage of one article, in reading order."""

    def articles(self, paths: list[str] | None = None) -> dict[str, StoredArticle]: ...

    def copies(self, paths: list[str] | None = None) -> dict[str, list[str]]:
        """The articles found to be copies of each article (of the given paths, or of every one) that has any."""

    def counts(self) -> dict[str, int]:
        """How many articles and passages the index holds."""

    def articles_matching(self, filters: Filters) -> int:
        """How many articles the filters let through."""


class LexicalIndex(Protocol):
    """BM25 over passages (text, and their article's title and outlet) and over sentences."""

    def search(self, terms: Sequence[str], k: int, filters: Filters) -> dict[int, float]:
        """The k passages the filters let through with the best BM25 for any of the terms, best first
        (passage id: score, higher is better)."""

    def sentence_scores(self, terms: Sequence[str], texts: dict[int, str]) -> dict[int, float]:
        """BM25 of the given sentences (id: their searchable text) for any of the terms; only those matching."""

    def holds_anywhere(self, term: str) -> bool:
        """Whether some passage holds the term."""

    def sentences_holding_all(self, terms: Sequence[str], passage_id: int) -> set[tuple[int, int]]:
        """The spans of the passage's sentences that hold every one of the terms."""

    def statistics(self, terms: Sequence[str]) -> CollectionStatistics:
        """The passages' collection statistics for the terms: what a sharded index sums over its shards."""


class DenseIndex(Protocol):
    """Passage and sentence vectors, and nearest-neighbour search over the passages'."""

    def search(self, vector: np.ndarray, k: int, filters: Filters) -> list[tuple[int, float]]:
        """(passage id, cosine) of the k passages nearest the vector that the filters let through, best first."""

    def means(self) -> tuple[np.ndarray, np.ndarray]:
        """The mean passage vector and the mean sentence vector, from which ranking measures cosines."""

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

    def close(self) -> None: ...
