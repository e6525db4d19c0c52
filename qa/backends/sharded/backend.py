"""A sharded index as ranking reads it: the roles of qa/backends/base.py over several local indexes, answering
exactly as one index holding all their articles would.

Ids are made global (a shard's id times the number of shards, plus the shard's number). BM25 is scored on
every shard with the statistics of the whole collection, gathered from the shards first (as Elasticsearch's
dfs_query_then_fetch does), and the mean vectors ranking centres cosines on are those of all the shards'
vectors; each shard's best candidates are then merged into one ranking.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import replace
from functools import reduce
from operator import add
from pathlib import Path
from typing import Any

import numpy as np

from qa.backends.base import LexicalStatistics, StoredSentence, VectorSum
from qa.backends.sharded.layout import shard_of
from qa.backends.sharded.transport import Shards
from qa.errors import QAError
from qa.locations import listing_order
from qa.records import Filters, StoredArticle, StoredPassage


class ShardedBackend:
    def __init__(self, shards: Shards, directory: Path):
        self.shards = shards
        self.store = ShardedStore(shards, directory)
        self.lexical = ShardedLexical(shards)
        self.dense = ShardedDense(shards)

    @property
    def encoder_directory(self) -> Path:
        """The first shard's folder (every shard holds the same encoder)."""
        return self.store.directory / self.shards.names[0]

    def gaps(self) -> tuple[str, ...]:
        return self.shards.gaps()

    def close(self) -> None:
        self.shards.close()


class _Sharded:
    """Calls to every shard, or to the shards holding given ids, with ids made global."""

    def __init__(self, shards: Shards):
        self.shards = shards
        self.count = len(shards.names)

    def every(self, call: str, *args) -> list[Any]:
        """The results of the shards that answered, in shard order."""
        return list(self.shards.call(call, dict.fromkeys(range(self.count), args)).values())

    def by_shard(self, call: str, ids: Iterable[int], *args) -> dict[int, Any]:
        """The call on each shard holding some of the global ids, given its local ids first."""
        local: dict[int, list[int]] = defaultdict(list)
        for i in ids:
            local[i % self.count].append(i // self.count)
        return self.shards.call(call, {shard: (found, *args) for shard, found in local.items()})

    def one(self, call: str, shard: int, *args) -> Any | None:
        """The call's result on one shard; None when it did not answer."""
        return self.shards.call(call, {shard: args}).get(shard)

    def of(self, shard: int, local: int) -> int:
        """The global id of a shard's id."""
        return local * self.count + shard


class ShardedStore(_Sharded):
    def __init__(self, shards: Shards, directory: Path):
        super().__init__(shards)
        self.directory = directory

    @property
    def generation(self) -> int:
        """The sum of the shards' generations: it grows with every update of any shard."""
        return sum(self.every("store.generation"))

    def snapshot(self):
        return self.shards.snapshot()

    def _passage(self, shard: int, passage: StoredPassage) -> StoredPassage:
        return replace(passage, id=self.of(shard, passage.id))

    def _article(self, shard: int, article: StoredArticle) -> StoredArticle:
        return replace(article, id=self.of(shard, article.id))

    def passages(self, ids: Iterable[int]) -> dict[int, StoredPassage]:
        found = {}
        for shard, passages in self.by_shard("store.passages", ids).items():
            found.update((self.of(shard, i), self._passage(shard, p)) for i, p in passages.items())
        return found

    def article_passages(self, path: str) -> list[StoredPassage]:
        shard = shard_of(path, self.count)
        return [self._passage(shard, p) for p in self.one("store.article_passages", shard, path) or []]

    def articles(self, paths: list[str] | None = None) -> dict[str, StoredArticle]:
        found = {}
        for shard, articles in self.shards.call("store.articles", self._paths_by_shard(paths)).items():
            found.update((path, self._article(shard, article)) for path, article in articles.items())
        return dict(sorted(found.items(), key=lambda item: listing_order(item[0], item[1].metadata)))

    def _paths_by_shard(self, paths: list[str] | None) -> dict[int, tuple]:
        if paths is None:
            return dict.fromkeys(range(self.count), (None,))
        routed: dict[int, list[str]] = defaultdict(list)
        for path in paths:
            routed[shard_of(path, self.count)].append(path)
        return {shard: (held,) for shard, held in routed.items()}

    def copies(self, paths: list[str] | None = None) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for copies in self.every("store.copies", paths):
            for path, others in copies.items():
                found[path] = sorted({*found.get(path, ()), *others})
        return dict(sorted(found.items()))

    def counts(self) -> dict[str, int]:
        return dict(reduce(lambda a, b: {key: a.get(key, 0) + b[key] for key in b}, self.every("store.counts"), {}))

    def articles_matching(self, filters: Filters) -> int:
        return sum(self.every("store.articles_matching", filters))

    def vector_count(self) -> int:
        return sum(self.every("store.vector_count"))

    def article_paths(self) -> list[str]:
        return sorted(path for paths in self.every("store.article_paths") for path in paths)

    def passages_spanning(self, path: str, block: int) -> list[int]:
        shard = shard_of(path, self.count)
        return [self.of(shard, i) for i in self.one("store.passages_spanning", shard, path, block) or []]

    def require_complete(self):
        """The first shard's manifest (every shard records the same model and settings)."""
        return self._first("store.require_complete")

    def manifest(self):
        return self._first("store.manifest")

    def sources(self):
        return self._first("store.sources")

    def _first(self, call: str) -> Any:
        """The call's result on the first shard that answers."""
        for shard in range(self.count):
            answered = self.shards.call(call, {shard: ()})
            if shard in answered:
                return answered[shard]
        raise QAError(f"no shard of {self.directory} answered")

    def close(self) -> None:
        self.shards.close()


class ShardedLexical(_Sharded):
    def statistics(self, terms: Sequence[str]) -> LexicalStatistics:
        return reduce(add, self.every("lexical.statistics", list(terms)))

    def search(
        self, terms: Sequence[str], k: int, filters: Filters, statistics: LexicalStatistics | None = None
    ) -> dict[int, float]:
        if not terms:
            return {}
        statistics = statistics or self.statistics(terms)
        found = [
            (self.of(shard, i), score)
            for shard, scores in self.shards.call(
                "lexical.search", dict.fromkeys(range(self.count), (list(terms), k, filters, statistics))
            ).items()
            for i, score in scores.items()
        ]
        return dict(sorted(found, key=lambda pair: (-pair[1], pair[0]))[:k])

    def sentence_scores(
        self, terms: Sequence[str], texts: dict[int, str], statistics: LexicalStatistics | None = None
    ) -> dict[int, float]:
        if not terms or not texts:
            return {}
        statistics = statistics or self.statistics(terms)
        local: dict[int, dict[int, str]] = defaultdict(dict)
        for i, text in texts.items():
            local[i % self.count][i // self.count] = text
        scores = self.shards.call(
            "lexical.sentence_scores", {shard: (list(terms), held, statistics) for shard, held in local.items()}
        )
        return {self.of(shard, i): score for shard, found in scores.items() for i, score in found.items()}

    def holds_anywhere(self, term: str) -> bool:
        return any(self.every("lexical.holds_anywhere", term))

    def passages_holding(self, phrase: str) -> list[tuple[int, str, str]]:
        shards = self.shards.call("lexical.passages_holding", dict.fromkeys(range(self.count), (phrase,)))
        return [(self.of(shard, i), path, text) for shard, rows in shards.items() for i, path, text in rows]

    def sentences_holding_all(self, terms: Sequence[str], passage_id: int) -> set[tuple[int, int]]:
        shard, local = passage_id % self.count, passage_id // self.count
        return self.one("lexical.sentences_holding_all", shard, list(terms), local) or set()


class ShardedDense(_Sharded):
    def search(self, vector: np.ndarray, k: int, filters: Filters) -> list[tuple[int, float]]:
        answers = self.shards.call("dense.search", dict.fromkeys(range(self.count), (vector, k, filters)))
        found = [(self.of(shard, i), cosine) for shard, hits in answers.items() for i, cosine in hits]
        return sorted(found, key=lambda pair: (-pair[1], pair[0]))[:k]

    def sums(self) -> tuple[VectorSum, VectorSum]:
        parts = [part for part in self.every("dense.sums") if part[0].count]  # an empty shard has no dimension
        if not parts:
            return self.every("dense.sums")[0]
        return reduce(add, (p for p, _ in parts)), reduce(add, (s for _, s in parts))

    def means(self) -> tuple[np.ndarray, np.ndarray]:
        passages, sentences = self.sums()
        return passages.mean(), sentences.mean()

    def passage_vectors(self, ids: list[int]) -> dict[int, np.ndarray]:
        found = {}
        for shard, vectors in self.by_shard("dense.passage_vectors", ids).items():
            found.update((self.of(shard, i), vector) for i, vector in vectors.items())
        return found

    def sentence_vectors(self, passage_ids: list[int]) -> tuple[list[StoredSentence], np.ndarray]:
        sentences, matrices = [], []
        for shard, (rows, matrix) in self.by_shard("dense.sentence_vectors", passage_ids).items():
            if rows:  # (an empty shard's matrix has no width)
                sentences += [
                    s._replace(id=self.of(shard, s.id), passage_id=self.of(shard, s.passage_id)) for s in rows
                ]
                matrices.append(matrix)
        return sentences, np.vstack(matrices) if matrices else np.zeros((0, 0), dtype=np.float32)
