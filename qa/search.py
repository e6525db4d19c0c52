"""Answer a question from an index: retrieve, score sentences, fuse, pick each passage's answering sentence.

Hybrid ranking gathers candidates from BM25 (FTS5, porter stemming) and dense
FAISS search, then scores every candidate on four signals: passage cosine, best
sentence cosine, passage BM25 and best sentence BM25 (the BM25 scores divided by
the best candidate's, so they share the cosines' 0..1 range). The fused score is a
weighted sum; the weights were chosen on squad5 and the seed question set
(bench/fusion.py prints the comparison).
"""

from __future__ import annotations

import calendar
import math
import sys
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

import numpy as np

from qa import onnx_encoder, vector_index
from qa.answer import Answer, Result, group_repeats, terms
from qa.embedding import Encoder, model_for_index
from qa.store import Store

MODES = ("hybrid", "dense", "lexical")
CANDIDATES = 40  # taken from each retriever before fusion


@dataclass(frozen=True)
class Weights:
    passage_dense: float = 0.5
    sentence_dense: float = 1.0
    passage_lexical: float = 0.5
    sentence_lexical: float = 0.25


@dataclass(frozen=True)
class Filters:
    """Which articles a search may answer from: `source` is contained (case-insensitive) in the outlet,
    title or a path; `since`/`until` bound the article's date, and leave out articles without one."""

    source: str | None = None
    since: date | None = None
    until: date | None = None

    def __bool__(self) -> bool:
        return bool(self.source or self.since or self.until)


def date_bound(text: str, upper: bool) -> date:
    """YYYY-MM-DD, or YYYY-MM / YYYY meaning their first day (a lower bound) or last day (an upper bound)."""
    try:
        parts = [int(part) for part in text.split("-")]
        if len(parts) == 3:
            return date.fromisoformat(text)
        if len(parts) == 2:
            year, month = parts
            return date(year, month, calendar.monthrange(year, month)[1] if upper else 1)
        if len(parts) == 1:
            return date(parts[0], 12, 31) if upper else date(parts[0], 1, 1)
    except ValueError:
        pass
    raise ValueError(f"{text!r} is not a date (YYYY-MM-DD, YYYY-MM or YYYY)")


@dataclass(frozen=True)
class Confidence:
    """The best passage answers when its closeness in meaning (best cosine), plus a share of the
    question's informative words it contains (IDF-weighted coverage), reaches the threshold."""

    coverage_weight: float = 0.5
    threshold: float = 0.55


def match_expression(words: list[str]) -> str:
    """An FTS5 query matching any of the words."""
    return " OR ".join(f'"{word}"' for word in dict.fromkeys(words))


def query_encoder(directory: Path, manifest: dict[str, str], model_path: Path | None) -> Encoder:
    """The index's fast ONNX encoder, or sentence-transformers when --model is given or ONNX is unusable."""
    encoder = onnx_encoder.load(directory, manifest) if model_path is None else None
    if encoder is None:
        if model_path is None:
            print(
                "qa: the index's ONNX encoder is missing or damaged; using sentence-transformers "
                "(slower; `qa index` restores it)",
                file=sys.stderr,
            )
        encoder = Encoder(model_for_index(manifest, model_path))
    return encoder


class Searcher:
    """Holds an open index and its model; answers questions against the index's current generation.

    The encoder may be a Future still loading: the lexical and FAISS work of the first
    question goes ahead meanwhile, and only encoding the question waits for it.
    `filters` apply to every question that does not bring its own.
    """

    def __init__(
        self,
        store: Store,
        encoder: Encoder | Future,
        weights: Weights = Weights(),
        confidence: Confidence = Confidence(),
    ):
        self.store = store
        self._encoder = encoder
        self.weights = weights
        self.confidence = confidence
        self.filters = Filters()
        self._index = None
        self._generation = -1

    @classmethod
    def open(cls, directory: Path, model_path: Path | None = None) -> Searcher:
        """Open an index and start loading its query encoder on a background thread."""
        store = Store.open(directory)
        loader = ThreadPoolExecutor(max_workers=1, thread_name_prefix="qa-encoder")
        encoder = loader.submit(query_encoder, directory, store.manifest(), model_path)
        loader.shutdown(wait=False)  # the submitted load still runs to its end
        return cls(store, encoder)

    @property
    def encoder(self) -> Encoder:
        """The query encoder, waiting for it to finish loading (its loading errors are raised here)."""
        if isinstance(self._encoder, Future):
            self._encoder = self._encoder.result()
        return self._encoder

    @property
    def index(self):
        generation = self.store.generation
        if generation != self._generation:
            self._index = vector_index.load(self.store)
            self._generation = generation
        return self._index

    def allowed_passages(self, filters: Filters) -> list[int] | None:
        """Ids of the passages the filters let through, or None when they let everything through."""
        if not filters:
            return None
        bounds = (day.isoformat() if day else None for day in (filters.since, filters.until))
        return self.store.filtered_passages(filters.source, *bounds)

    def ask(self, question: str, k: int = 5, mode: str = "hybrid", filters: Filters | None = None) -> Answer:
        """The k best passages, each claim once: a passage repeating a better one's answer in
        another article is listed under it (also_in) instead of taking a place of its own."""
        ranked = self.rank(question, 2 * k, mode, filters)
        return replace(ranked, results=group_repeats(ranked.results, k))

    def rank(self, question: str, k: int = 5, mode: str = "hybrid", filters: Filters | None = None) -> Answer:
        """The k best passages in ranked order (as retrieval evaluation judges them), from the articles
        the filters (else self.filters) let through."""
        among = self.allowed_passages(self.filters if filters is None else filters)
        if among == []:
            return Answer(question, False, [])
        words, features = self.candidates(question, mode, among)
        if not features:
            return Answer(question, False, [])
        fused = {pid: self.fuse(f, mode) for pid, f in features.items()}
        ranked = sorted(fused, key=lambda pid: -fused[pid])[:k]
        passages = self.store.passages(ranked)
        results = [
            Result(passages[pid], fused[pid], features[pid]["answer"] or (passages[pid].start, passages[pid].end))
            for pid in ranked
            if pid in passages
        ]
        return Answer(question, bool(results) and self._confident(words, features[ranked[0]], ranked[0]), results)

    def candidates(
        self, question: str, mode: str = "hybrid", among: list[int] | None = None
    ) -> tuple[list[str], dict[int, dict]]:
        """The question's content words, and the fusion signals of every candidate passage (only `among` if given).

        Both retrievers search only the allowed passages, so a filter that leaves few still finds them.
        """
        words = terms(question)
        match = match_expression(words) if words else None
        lexical = dict(self.store.lexical_passages(match, CANDIDATES, among)) if match and mode != "dense" else {}
        index = self.index
        query = self.encoder.encode([" ".join(question.split())])[0]  # last: the encoder may still be loading
        dense = dict(index.search(query, CANDIDATES, among)) if mode != "lexical" else {}
        candidates = list(dict.fromkeys([*dense, *lexical]))
        return words, self._features(query, match, candidates, dense, lexical) if candidates else {}

    def fuse(self, f: dict, mode: str) -> float:
        if mode == "dense":
            return f["passage_dense"]
        if mode == "lexical":
            return f["passage_lexical"] + 0.01 * f["passage_dense"]  # cosine only breaks BM25 ties
        w = self.weights
        return (
            w.passage_dense * f["passage_dense"]
            + w.sentence_dense * f["sentence_dense"]
            + w.passage_lexical * f["passage_lexical"]
            + w.sentence_lexical * f["sentence_lexical"]
        )

    def _features(
        self, query: np.ndarray, match: str | None, candidates: list[int], dense: dict, lexical: dict
    ) -> dict:
        """Per candidate passage: the four fusion signals and the span of its best sentence."""
        vectors = self.store.passage_vectors([pid for pid in candidates if pid not in dense])
        sentences, sentence_matrix = self.store.sentence_vectors(candidates)
        sentence_cosines = sentence_matrix @ query if len(sentences) else np.zeros(0)
        sentence_bm25 = self.store.lexical_sentences(match, candidates) if match else {}
        top_passage_bm25 = max(lexical.values(), default=0.0) or 1.0
        top_sentence_bm25 = max(sentence_bm25.values(), default=0.0) or 1.0
        features = {
            pid: {
                "passage_dense": dense[pid] if pid in dense else float(vectors[pid] @ query),
                "passage_lexical": lexical.get(pid, 0.0) / top_passage_bm25,
                "sentence_dense": -1.0,
                "sentence_lexical": 0.0,
                "answer": None,
                "answer_score": -math.inf,
            }
            for pid in candidates
        }
        for (sentence_id, pid, start, end), cosine in zip(sentences, sentence_cosines, strict=False):
            f = features[pid]
            lexical_score = sentence_bm25.get(sentence_id, 0.0) / top_sentence_bm25
            f["sentence_dense"] = max(f["sentence_dense"], float(cosine))
            f["sentence_lexical"] = max(f["sentence_lexical"], lexical_score)
            if float(cosine) + lexical_score > f["answer_score"]:
                f["answer"], f["answer_score"] = (start, end), float(cosine) + lexical_score
        for f in features.values():
            if f["answer"] is None:
                f["sentence_dense"] = f["passage_dense"]
        return features

    def _confident(self, words: list[str], best: dict, passage_id: int) -> bool:
        closeness = max(best["passage_dense"], best["sentence_dense"])
        if closeness >= self.confidence.threshold:
            return True
        coverage = self.term_coverage(words, passage_id)
        return closeness + self.confidence.coverage_weight * coverage >= self.confidence.threshold

    def term_coverage(self, words: list[str], passage_id: int) -> float:
        """Share of the question's informative weight (IDF) that the passage contains."""
        total = self.store.passage_count()
        weight = present = 0.0
        for word in dict.fromkeys(words):
            match = match_expression([word])
            frequency = self.store.document_frequency(match)
            idf = math.log((total + 1) / (frequency + 0.5))
            weight += idf
            if frequency and self.store.matching_passages(match, [passage_id]):
                present += idf
        return present / weight if weight else 0.0
