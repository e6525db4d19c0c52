"""The lexical index of a local index: BM25 over SQLite FTS5 tables (porter stemming), one row per passage
(its text, and its article's title and outlet as a second column weighted TITLE_WEIGHT) and one per sentence.

Terms come in as typed; they are quoted into FTS5 expressions here and nowhere else.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

from qa.backends.base import CollectionStatistics, LexicalStatistics
from qa.backends.local.bm25 import Scorer, phrases, quoted
from qa.backends.local.filtering import NARROW_PASSAGES, filtered_search
from qa.backends.local.store import Store
from qa.ranking import MATCH_BUDGET, RESCORED, TITLE_WEIGHT
from qa.records import Filters

PASSAGE_WEIGHTS = (TITLE_WEIGHT, 1.0)  # a passage row's columns: its article's title (and outlet), its text
SENTENCE_WEIGHTS = (1.0,)


def any_of(terms: Sequence[str]) -> str:
    """An FTS5 expression matching any of the terms."""
    return " OR ".join(map(quoted, dict.fromkeys(terms)))


class FtsIndex:
    """BM25 candidates and scores from one store's FTS5 tables."""

    def __init__(self, store: Store):
        self.store = store
        self.connection = store.connection
        self.match_budget = MATCH_BUDGET
        self.narrow_passages = NARROW_PASSAGES
        self._scorer: Scorer | None = None

    @property
    def scorer(self) -> Scorer:
        if self._scorer is None:
            self._scorer = Scorer(self.connection)
        return self._scorer

    def search(
        self, terms: Sequence[str], k: int, filters: Filters, statistics: LexicalStatistics | None = None
    ) -> dict[int, float]:
        """(passage id: BM25 score, higher is better) of the k best passages for any of the terms, best first.

        When the terms match more rows (of the passages searched) than the match budget, candidates come from the
        rarest terms that fit it and from passages holding two of the terms, and are then scored on all of them.
        Filters apply as qa/backends/local/filtering.py says. Given a collection's statistics (a sharded index's),
        every passage matching is scored with them, as FTS5 scores with this table's own: the same passages as
        one index holding the whole collection would find, with the same scores.
        """
        if not terms:
            return {}
        match = any_of(terms)
        collection = statistics.passages if statistics else None
        frequencies = collection.frequencies if collection else {p: self._frequency(quoted(p)) for p in phrases(match)}
        return dict(
            filtered_search(
                self.store,
                filters,
                k,
                lambda limit: self._best(match, frequencies, limit, collection, rescored=filters),
                lambda among: self._best(match, frequencies, k, collection, among),
                self.narrow_passages,
            )
        )

    def _best(
        self,
        match: str,
        frequencies: dict[str, int],
        limit: int,
        collection: CollectionStatistics | None,
        among: list[int] | None = None,
        rescored: Filters = Filters(),
    ) -> list[tuple[int, float]]:
        """The `limit` best passages (of those `among`, when given: the rows each term matches among them are
        estimated as their share of the collection's). Over the budget, only the candidates of articles the
        `rescored` filters let through are scored on every term (they are all a wide filter keeps)."""
        share = 1.0 if among is None else len(among) / max(1, self.store.passage_count())
        searched = {phrase: share * frequency for phrase, frequency in frequencies.items()}
        if sum(searched.values()) > self.match_budget:
            return self._within_budget(match, searched, limit, among, rescored, collection)
        if collection:
            return self._rescored(match, [i for i, _ in self._fts_passages(match, None, among)], limit, collection)
        return self._fts_passages(match, limit, among)

    def _within_budget(
        self,
        match: str,
        frequencies: dict[str, float],
        limit: int,
        among: list[int] | None,
        rescored: Filters,
        collection: CollectionStatistics | None,
    ) -> list[tuple[int, float]]:
        rarest, kept = sorted((p for p in frequencies if frequencies[p]), key=frequencies.get), []
        for phrase in rarest:
            if kept and sum(frequencies[p] for p in kept) + frequencies[phrase] > self.match_budget:
                break
            kept.append(phrase)
        candidates = [i for i, _ in self._fts_passages(" OR ".join(map(quoted, kept)), RESCORED * limit, among)]
        # Passages holding two of the words, one of them common: the rest of BM25's best. Written as
        # "common AND (any later word)", the commonest first: FTS5's bm25() reads all of a phrase's
        # rows once per mention, and so mentions the commonest words least.
        common = rarest[len(kept) :][::-1]
        pairs = [
            f"({quoted(word)} AND ({' OR '.join(map(quoted, others))}))"
            for n, word in enumerate(common)
            if (others := [*common[n + 1 :], *kept])
        ]
        if pairs:
            candidates += [i for i, _ in self._fts_passages(" OR ".join(pairs), RESCORED * limit, among)]
        if rescored:
            candidates = list(self.store.passing(candidates, rescored))
        return self._rescored(match, candidates, limit, collection)

    def _rescored(
        self, match: str, candidates: list[int], limit: int, collection: CollectionStatistics | None
    ) -> list[tuple[int, float]]:
        """The `limit` best of the candidates, scored on every phrase of the match (ties: the lower id first)."""
        texts = {
            row[0]: row[1:]
            for row in self.connection.execute(
                "SELECT id, title, body FROM passages_search WHERE id IN (SELECT value FROM json_each(?))",
                (json.dumps(candidates),),
            )
        }
        scores = self.scorer.scores("passages_fts", match, texts, PASSAGE_WEIGHTS, collection)
        return sorted(scores.items(), key=lambda pair: (-pair[1], pair[0]))[:limit]

    def _fts_passages(self, match: str, limit: int | None, among: list[int] | None = None) -> list[tuple[int, float]]:
        """The `limit` best passages by FTS5's bm25() (every passage matching, unordered, when no limit)."""
        # "+rowid": checked on each row the match finds; FTS5 handed "rowid IN" would look each id up on its own
        within = "" if among is None else "AND +rowid IN (SELECT value FROM json_each(?)) "
        ordered = "" if limit is None else "ORDER BY bm25(passages_fts, ?, 1.0) LIMIT ?"
        rows = self.connection.execute(
            f"SELECT rowid, -bm25(passages_fts, ?, 1.0) FROM passages_fts WHERE passages_fts MATCH ? {within}{ordered}",
            (
                TITLE_WEIGHT,
                match,
                *([] if among is None else [json.dumps(among)]),
                *([] if limit is None else [TITLE_WEIGHT, limit]),
            ),
        )
        return [(int(i), float(score)) for i, score in rows]

    def sentence_scores(
        self, terms: Sequence[str], texts: dict[int, str], statistics: LexicalStatistics | None = None
    ) -> dict[int, float]:
        """BM25 score of each of the given sentences that matches, by sentence id; `texts` are their
        lexical rows' texts, which the caller derives from the passages it holds instead of reading them."""
        if not terms:
            return {}
        rows = {sid: (text,) for sid, text in texts.items()}
        return self.scorer.scores(
            "sentences_fts", any_of(terms), rows, SENTENCE_WEIGHTS, statistics.sentences if statistics else None
        )

    def sentences_holding_all(self, terms: Sequence[str], passage_id: int) -> set[tuple[int, int]]:
        """The spans of the passage's sentences that hold every one of the terms (each of them, for no terms)."""
        if not terms:
            return set(self.connection.execute("SELECT start, end FROM sentences WHERE passage_id = ?", (passage_id,)))
        rows = self.connection.execute(
            "SELECT s.start, s.end FROM sentences s JOIN sentences_fts f ON f.rowid = s.id "
            "WHERE s.passage_id = ? AND sentences_fts MATCH ?",  # each of the passage's sentences looked up alone
            (passage_id, " AND ".join(map(quoted, sorted(set(terms))))),
        )
        return set(rows)

    def holds_anywhere(self, term: str) -> bool:
        """Whether some passage holds the term (stops at the first, whatever the index's size)."""
        row = self.connection.execute(
            "SELECT 1 FROM passages_fts WHERE passages_fts MATCH ? LIMIT 1", (quoted(term),)
        ).fetchone()
        return row is not None

    def passage_holds(self, passage_id: int, term: str) -> bool:
        """Whether the passage (its text, or its article's title and outlet) holds the term."""
        row = self.connection.execute(
            "SELECT 1 FROM passages_fts WHERE passages_fts MATCH ? AND rowid = ?", (quoted(term), passage_id)
        ).fetchone()
        return row is not None

    def statistics(self, terms: Sequence[str]) -> LexicalStatistics:
        query = list(dict.fromkeys(terms))
        return LexicalStatistics(
            self.scorer.statistics("passages_fts", len(PASSAGE_WEIGHTS), query),
            self.scorer.statistics("sentences_fts", len(SENTENCE_WEIGHTS), query),
        )

    def _frequency(self, match: str) -> int:
        return self.scorer.frequency("passages_fts", match)

    def passages_holding(self, phrase: str) -> list[tuple[int, str, str]]:
        """(id, article path, text) of the passages holding the phrase's words in order, stemmed: a superset of
        those holding the phrase as written. Every passage when the phrase has no words."""
        match = [f"body : {quoted(phrase)}"] if re.search(r"\w", phrase) else []
        where = "WHERE p.id IN (SELECT rowid FROM passages_fts WHERE passages_fts MATCH ?)" if match else ""
        return self.connection.execute(
            f"SELECT p.id, a.path, p.text FROM passages p JOIN articles a ON a.id = p.article_id {where}", match
        ).fetchall()
