"""An in-memory backend and encoder for tests: the roles of qa/backends/base.py over plain dicts and numpy.

BM25 over lower-cased word tokens (no stemming; a passage's row holds its article's title and outlet too), exact
cosine search, and an encoder that hashes a text's words into a unit vector: no SQLite, no FAISS, no model.
"""

from __future__ import annotations

import math
import re
import zlib
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import fields

import numpy as np

from qa.backends.base import CollectionStatistics, LexicalStatistics, StoredSentence, VectorSum
from qa.locations import listing_order
from qa.records import Filters, NewArticle, StoredArticle, StoredPassage

_TOKEN = re.compile(r"\w+")
K1, B = 1.2, 0.75


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.lower())


class HashingEncoder:
    """A bag of words hashed into `dimension` components, normalised: texts sharing words are close."""

    def __init__(self, dimension: int = 256):
        self.dimension = dimension

    def encode(self, texts: list[str]) -> np.ndarray:
        matrix = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            for token in tokens(text):
                code = zlib.crc32(token.encode())
                matrix[row, code % self.dimension] += 1.0 if code & 1 << 31 else -1.0
        norms = np.linalg.norm(matrix, axis=1, keepdims=True)
        return matrix / np.where(norms > 0, norms, 1.0)

    def encode_batches(self, texts: list[str]) -> Iterator[np.ndarray]:
        yield self.encode(texts)


def admits(filters: Filters, article: StoredArticle) -> bool:
    """Whether the filters let the article through (qa.records.Filters says how)."""
    if filters.source:
        fields = (article.metadata.get("outlet", ""), article.title, article.path, *article.also_at)
        if filters.source.casefold() not in "\n".join(fields).casefold():
            return False
    date = article.metadata.get("date")
    if (filters.since or filters.until) and not date:
        return False
    return not (
        filters.since and date < filters.since.isoformat() or filters.until and date > filters.until.isoformat()
    )


def _holds(row: list[str], term: list[str]) -> int:
    """How many times the term's tokens occur in a row, in order."""
    n = len(term)
    return sum(row[i : i + n] == term for i in range(len(row) - n + 1)) if n else 0


class Bm25:
    """Okapi BM25 over rows of tokens, each term of the query a phrase."""

    def __init__(self, rows: dict[int, list[str]]):
        self.rows = rows

    def frequency(self, term: str) -> int:
        return sum(1 for row in self.rows.values() if _holds(row, tokens(term)))

    def statistics(self, terms: Sequence[str]) -> CollectionStatistics:
        frequencies = {term: self.frequency(term) for term in dict.fromkeys(terms)}
        return CollectionStatistics(len(self.rows), sum(map(len, self.rows.values())), frequencies)

    def score(self, terms: Sequence[str], row: list[str], collection: CollectionStatistics | None = None) -> float:
        """The row's BM25 for the terms, with the given collection statistics, else these rows' own."""
        collection = collection or self.statistics(terms)
        total = 0.0
        for term in dict.fromkeys(terms):
            count, frequency = _holds(row, tokens(term)), collection.frequencies[term]
            if count:
                idf = math.log(1 + (collection.rows - frequency + 0.5) / (frequency + 0.5))
                total += idf * count * (K1 + 1) / (count + K1 * (1 - B + B * len(row) / collection.average_length))
        return total


class MemoryStore:
    def __init__(self, articles: dict[str, StoredArticle], passages: dict[int, StoredPassage], copies: dict):
        self.by_path, self.by_id, self.links = articles, passages, copies

    @property
    def generation(self) -> int:
        return 1

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        yield

    def passages(self, ids: Iterable[int]) -> dict[int, StoredPassage]:
        return {i: self.by_id[i] for i in ids if i in self.by_id}

    def article_passages(self, path: str) -> list[StoredPassage]:
        return sorted((p for p in self.by_id.values() if p.path == path), key=lambda p: p.start)

    def articles(self, paths: list[str] | None = None) -> dict[str, StoredArticle]:
        listed = sorted(self.by_path.values(), key=lambda a: listing_order(a.path, a.metadata))
        return {a.path: a for a in listed if paths is None or a.path in paths}

    def copies(self, paths: list[str] | None = None) -> dict[str, list[str]]:
        return {path: others for path, others in self.links.items() if paths is None or path in paths}

    def counts(self) -> dict[str, int]:
        return {"articles": len(self.by_path), "passages": len(self.by_id)}

    def articles_matching(self, filters: Filters) -> int:
        return sum(admits(filters, article) for article in self.by_path.values())

    def admitted(self, filters: Filters) -> set[int]:
        """The ids of the passages of the articles the filters let through."""
        return {i for i, p in self.by_id.items() if admits(filters, self.by_path[p.path])}


class MemoryLexical:
    def __init__(self, store: MemoryStore, sentence_texts: dict[int, str]):
        self.store = store
        self.passages = Bm25(
            {
                i: tokens(" ".join((p.title, p.metadata.get("outlet", ""), p.search_text(p.start, p.end))))
                for i, p in store.by_id.items()
            }
        )
        self.sentences = Bm25({i: tokens(text) for i, text in sentence_texts.items()})

    def search(
        self, terms: Sequence[str], k: int, filters: Filters, statistics: LexicalStatistics | None = None
    ) -> dict[int, float]:
        among = self.store.admitted(filters)
        collection = statistics.passages if statistics else self.passages.statistics(terms)
        rows = self.passages.rows.items()
        scores = {i: self.passages.score(terms, row, collection) for i, row in rows if i in among}
        best = sorted((i for i in scores if scores[i] > 0), key=lambda i: -scores[i])[:k]
        return {i: scores[i] for i in best}

    def sentence_scores(
        self, terms: Sequence[str], texts: dict[int, str], statistics: LexicalStatistics | None = None
    ) -> dict[int, float]:
        collection = statistics.sentences if statistics else self.sentences.statistics(terms)
        scores = {i: self.sentences.score(terms, tokens(text), collection) for i, text in texts.items()}
        return {i: score for i, score in scores.items() if score > 0}

    def holds_anywhere(self, term: str) -> bool:
        return self.passages.frequency(term) > 0

    def sentences_holding_all(self, terms: Sequence[str], passage_id: int) -> set[tuple[int, int]]:
        passage = self.store.by_id.get(passage_id)
        if passage is None:
            return set()
        return {
            (start, end)
            for start, end in passage.sentences
            if all(_holds(tokens(passage.search_text(start, end)), tokens(term)) for term in terms)
        }

    def statistics(self, terms: Sequence[str]) -> LexicalStatistics:
        return LexicalStatistics(self.passages.statistics(terms), self.sentences.statistics(terms))


class MemoryDense:
    def __init__(
        self,
        store: MemoryStore,
        passages: dict[int, np.ndarray],
        sentences: dict[StoredSentence, np.ndarray],
        dimension: int,
    ):
        self.store, self._passages, self._sentences, self.dimension = store, passages, sentences, dimension

    def search(self, vector: np.ndarray, k: int, filters: Filters) -> list[tuple[int, float]]:
        among = self.store.admitted(filters)
        found = [(i, float(v @ vector)) for i, v in self._passages.items() if i in among]
        return sorted(found, key=lambda pair: -pair[1])[:k]

    def means(self) -> tuple[np.ndarray, np.ndarray]:
        passages, sentences = self.sums()
        return passages.mean(), sentences.mean()

    def sums(self) -> tuple[VectorSum, VectorSum]:
        def summed(vectors) -> VectorSum:
            return VectorSum(
                np.sum(list(vectors), axis=0, dtype=np.float64) if vectors else np.zeros(self.dimension), len(vectors)
            )

        return summed(self._passages.values()), summed(self._sentences.values())

    def passage_vectors(self, ids: list[int]) -> dict[int, np.ndarray]:
        return {i: self._passages[i] for i in ids if i in self._passages}

    def sentence_vectors(self, passage_ids: list[int]) -> tuple[list[StoredSentence], np.ndarray]:
        sentences = [s for s in self._sentences if s.passage_id in passage_ids]
        return sentences, np.array([self._sentences[s] for s in sentences]).reshape(len(sentences), self.dimension)


class MemoryBackend:
    """The articles the indexer would hand a backend, held in memory, with `copies` as pairs of article paths."""

    def __init__(self, articles: list[NewArticle], encoder: HashingEncoder, copies: Iterable[tuple[str, str]] = ()):
        stored_articles, passages, sentences = {}, {}, {}
        for article_id, article in enumerate(articles, 1):
            stored_articles[article.path] = StoredArticle(
                article_id,
                article.path,
                article.content_hash,
                article.title,
                article.metadata,
                article.also_at,
                len(article.passages),
            )
            for new in article.passages:
                p = new.chunk
                held = {f.name: getattr(p, f.name) for f in fields(p) if f.name in StoredPassage.__dataclass_fields__}
                passage = StoredPassage(
                    id=len(passages) + 1, **held, path=article.path, title=article.title, metadata=article.metadata
                )
                passages[passage.id] = (passage, p.search_text)
                for s in new.sentences:
                    sentences[StoredSentence(len(sentences) + 1, passage.id, s.start, s.end)] = s.search_text
        linked: dict[str, list[str]] = {}
        for a, b in copies:
            linked.setdefault(a, []).append(b)
            linked.setdefault(b, []).append(a)
        self.store = MemoryStore(stored_articles, {i: p for i, (p, _) in passages.items()}, linked)
        self.lexical = MemoryLexical(self.store, {s.id: text for s, text in sentences.items()})
        self.dense = MemoryDense(
            self.store,
            dict(zip(passages, encoder.encode([text for _, text in passages.values()]), strict=True)),
            dict(zip(sentences, encoder.encode(list(sentences.values())), strict=True)),
            encoder.dimension,
        )

    def gaps(self) -> tuple[str, ...]:
        return ()

    def close(self) -> None:
        pass
