"""Answer a question from an index: retrieve, score sentences, fuse, pick each passage's answering sentence.

Hybrid ranking gathers candidates from BM25 (FTS5, porter stemming) and dense
FAISS search, then scores every candidate as a weighted sum of six signals:

- passage cosine and sentence cosine, measured from the index's mean passage and mean
  sentence vector: news on one story share most of their meaning, and what is left
  once the common part is taken away tells its passages apart;
- passage BM25 and sentence BM25 (divided by the best candidate's, so they share the
  cosines' 0..1 range; a passage's BM25 also reads its article's title and outlet);
- whether the sentence holds the kind of answer asked for (a number for "how many", a
  date for "when", a name for "who"; qa/answer_type.py);
- the best passage BM25 within the passage's article, so that the article the question
  is about ("according to Al Jazeera") lifts all of its passages.

A passage's sentence signals are those of its best sentence, the one whose dense,
lexical and answer-kind signals weigh most: it is the answer shown. A short line that does
not end as a statement (a heading, a byline, a link) keeps only part of its dense and
lexical signals: it repeats a question's words without answering it. The weights were
chosen on squad5 and the seed question set (bench/fusion.py prints the comparison; the
figures of each step are in bench/results/ranking_history.md).
"""

from __future__ import annotations

import sys
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from qa import answer_type, onnx_encoder
from qa.answer import Answer, Result, group_repeats
from qa.backends.base import Backend, Encoder
from qa.embedding import SentenceTransformersEncoder, model_for_index
from qa.figures import Figure, figures
from qa.manifest import Manifest
from qa.question import words as question_words
from qa.records import Filters
from qa.text import collapse_whitespace

MODES = ("hybrid", "dense", "lexical")
CANDIDATES = 40  # taken from each retriever before fusion
FIGURE_POOL = 30  # the ranked passages whose answering sentences the values asked for are read from


@dataclass(frozen=True)
class SentenceSignals:
    """A candidate sentence's centred cosine, its BM25 share, whether it holds the kind of answer asked for
    and whether it is a statement (a short line not ending as one is a heading, byline or link)."""

    dense: float
    lexical: float
    typed: bool
    statement: bool
    span: tuple[int, int]  # in the article's source


@dataclass(frozen=True)
class Weights:
    passage_dense: float = 0.5
    sentence_dense: float = 1.0
    passage_lexical: float = 0.25
    sentence_lexical: float = 0.25
    answer_type: float = 0.3
    article_lexical: float = 0.2
    heading: float = 0.5  # the share of its closeness a line that is no statement keeps

    def best_sentence(self, sentences: list[SentenceSignals]) -> tuple[float, tuple[int, int]]:
        """The weighted signals of a passage's best sentence, and its span: the answering sentence."""
        return max(
            (
                (
                    (self.sentence_dense * s.dense + self.sentence_lexical * s.lexical)
                    * (1.0 if s.statement else self.heading)
                    + self.answer_type * s.typed,
                    s.span,
                )
                for s in sentences
            ),
            key=lambda scored: scored[0],
        )


@dataclass(frozen=True)
class Confidence:
    """The best passage answers when its closeness in meaning (the higher plain cosine of the passage and
    its sentences) plus how close it is beyond what every passage shares (its cosine and its best sentence's,
    measured from the index's mean vectors) reaches the threshold. A question on the index's subject that it
    does not answer ("When was al-Baghdadi killed?") is close to many passages, but to none in particular.
    A passage with a sentence holding every content word of the question answers too.

    Chosen on the off-topic and seed questions (tests/data; figures in bench/results/ranking_history.md)."""

    passage_distinct: float = 0.75
    sentence_distinct: float = 0.25
    threshold: float = 0.65


def query_encoder(directory: Path, manifest: Manifest, model_path: Path | None) -> Encoder:
    """The index's fast ONNX encoder, or sentence-transformers when --model is given or ONNX is unusable."""
    encoder = onnx_encoder.load(directory, manifest) if model_path is None else None
    if encoder is None:
        if model_path is None:
            print(
                "qa: the index's ONNX encoder is missing or damaged; using sentence-transformers "
                "(slower; `qa index` restores it)",
                file=sys.stderr,
            )
        encoder = SentenceTransformersEncoder(model_for_index(manifest, model_path))
    return encoder


def load_encoder(directory: Path, manifest: Manifest, model_path: Path | None = None) -> Future:
    """The query encoder, loading on a background thread (several searchers may share it)."""
    loader = ThreadPoolExecutor(max_workers=1, thread_name_prefix="qa-encoder")
    encoder = loader.submit(query_encoder, directory, manifest, model_path)
    loader.shutdown(wait=False)  # the submitted load still runs to its end
    return encoder


class Searcher:
    """Holds an open index and its model; answers questions against the index's current generation.

    The encoder may be a Future still loading: loading the dense index and the lexical search of the
    first question go ahead meanwhile, and only encoding the question waits for it.
    `filters` apply to every question that does not bring its own.
    """

    def __init__(
        self,
        backend: Backend,
        encoder: Encoder | Future,
        weights: Weights = Weights(),
        confidence: Confidence = Confidence(),
    ):
        self.backend = backend
        self._encoder = encoder
        self.weights = weights
        self.confidence = confidence
        self.filters = Filters()
        self._encoding = ThreadPoolExecutor(max_workers=1, thread_name_prefix="qa-encode")

    @classmethod
    def open(cls, directory: Path, model_path: Path | None = None) -> Searcher:
        """Open a local index and start loading its query encoder on a background thread."""
        from qa.backends.local.backend import LocalBackend

        backend = LocalBackend.open(directory)
        return cls(backend, load_encoder(directory, backend.store.require_complete(), model_path))

    @property
    def store(self):
        return self.backend.store

    @property
    def encoder(self) -> Encoder:
        """The query encoder, waiting for it to finish loading (its loading errors are raised here)."""
        if isinstance(self._encoder, Future):
            self._encoder = self._encoder.result()
        return self._encoder

    def warm(self) -> None:
        """Finish loading what the first question would wait for: the encoder and the dense index."""
        self.encoder  # noqa: B018
        self.backend.dense.means()

    def finds_articles(self, filters: Filters) -> bool:
        """Whether the filters let some article through."""
        return not filters or self.store.articles_matching(filters) > 0

    def ask(self, question: str, k: int = 5, mode: str = "hybrid", filters: Filters | None = None) -> Answer:
        """The k best passages, each claim once: a passage repeating a better one's answer in
        another article (or in a syndicated copy of its article) is listed under it (also_in) instead of
        taking a place of its own; and the values the question asks for (values_of)."""
        ranked = self.rank(question, max(2 * k, FIGURE_POOL), mode, filters)
        found = self.values_of(question, ranked.results) if ranked.confident else []
        shown = ranked.results[: 2 * k]
        copies = self.store.copies([result.passage.path for result in shown])
        return replace(ranked, results=group_repeats(shown, k, copies), figures=tuple(found))

    def values_of(self, question: str, results: list[Result]) -> list[Figure]:
        """The values the question asks for, read from the answering sentences of the FIGURE_POOL best results
        (qa/figures.py), syndicated copies counted as one story."""
        pool = results[:FIGURE_POOL]
        return figures(question, pool, self.store.copies([result.passage.path for result in pool]))

    def rank(self, question: str, k: int = 5, mode: str = "hybrid", filters: Filters | None = None) -> Answer:
        """The k best passages in ranked order (as retrieval evaluation judges them), from the articles
        the filters (else self.filters) let through."""
        features = self.candidates(question, mode, self.filters if filters is None else filters)
        if not features:
            return Answer(question, False, [])
        fused = {pid: self.fuse(f, mode) for pid, f in features.items()}
        ranked = sorted(fused, key=lambda pid: -fused[pid])[:k]
        results = [
            Result(features[pid]["passage"], fused[pid], self.weights.best_sentence(features[pid]["sentences"])[1])
            for pid in ranked
        ]
        return Answer(question, bool(results) and self.confident(question, features[ranked[0]], ranked[0]), results)

    def candidates(self, question: str, mode: str = "hybrid", filters: Filters = Filters()) -> dict[int, dict]:
        """The fusion signals of every candidate passage of the articles the filters let through.

        Both retrievers search only those articles, so a filter that leaves few still finds them. The question is
        encoded beside the lexical search (encoding releases the GIL, so on two cores they take the time of the
        slower); the backend is read from this thread only.
        """
        words = question_words(question)
        encoding = self._encoding.submit(self.encoder_of_question, question)
        self.backend.dense.means()  # the dense index of this generation loads (the first time) while encoding runs
        lexical = self.backend.lexical.search(words, CANDIDATES, filters) if words and mode != "dense" else {}
        query = encoding.result()
        dense = dict(self.backend.dense.search(query, CANDIDATES, filters)) if mode != "lexical" else {}
        candidates = list(dict.fromkeys([*dense, *lexical]))
        return self._features(question, query, words, candidates, dense, lexical) if candidates else {}

    def encoder_of_question(self, question: str) -> np.ndarray:
        """The question's vector."""
        return self.encoder.encode([collapse_whitespace(question)])[0]

    def fuse(self, f: dict, mode: str) -> float:
        if mode == "dense":
            return f["passage_cosine"]
        if mode == "lexical":
            return f["passage_lexical"] + 0.01 * f["passage_cosine"]  # cosine only breaks BM25 ties
        w = self.weights
        return (
            w.passage_dense * f["passage_dense"]
            + w.passage_lexical * f["passage_lexical"]
            + w.article_lexical * f["article_lexical"]
            + w.best_sentence(f["sentences"])[0]
        )

    def _features(
        self, question: str, query: np.ndarray, words: list[str], candidates: list[int], dense: dict, lexical: dict
    ) -> dict:
        """Per candidate passage: the stored passage, its fusion signals, its sentences' (SentenceSignals), and for the
        confidence flag `closeness` (the higher plain cosine of passage and sentences) and `sentence_distinct`
        (the higher centred cosine of passage and sentences)."""
        passage_mean, sentence_mean = self.backend.dense.means()
        passages = self.store.passages(candidates)
        vectors = self.backend.dense.passage_vectors(candidates)
        sentences, sentence_matrix = self.backend.dense.sentence_vectors(candidates)
        sentence_cosines = sentence_matrix @ query if len(sentences) else np.zeros(0)
        sentence_dense = _centred(sentence_matrix, sentence_mean) @ _centred(query, sentence_mean)
        texts = {sid: passages[pid].search_text(start, end) for sid, pid, start, end in sentences if pid in passages}
        sentence_bm25 = self.backend.lexical.sentence_scores(words, texts)
        top_passage_bm25 = max(lexical.values(), default=0.0) or 1.0
        top_sentence_bm25 = max(sentence_bm25.values(), default=0.0) or 1.0
        centred_query = _centred(query, passage_mean)
        features = {}
        for pid in candidates:
            if pid in passages:
                cosine = dense[pid] if pid in dense else float(vectors[pid] @ query)
                centred = float(_centred(vectors[pid], passage_mean) @ centred_query)
                features[pid] = {
                    "passage": passages[pid],
                    "passage_cosine": cosine,
                    "passage_dense": centred,
                    "passage_lexical": lexical.get(pid, 0.0) / top_passage_bm25,
                    "sentences": [],
                    "closeness": cosine,
                    "sentence_distinct": centred,
                }
        asked = answer_type.asked_for(question)
        for (sentence_id, pid, start, end), cosine, centred in zip(
            sentences, sentence_cosines, sentence_dense, strict=True
        ):
            if f := features.get(pid):
                text = texts[sentence_id]
                lexical_share = sentence_bm25.get(sentence_id, 0.0) / top_sentence_bm25
                f["sentences"].append(
                    SentenceSignals(
                        float(centred),
                        lexical_share,
                        answer_type.holds(asked, text),
                        answer_type.is_statement(text),
                        (start, end),
                    )
                )
                f["closeness"] = max(f["closeness"], float(cosine))
                f["sentence_distinct"] = max(f["sentence_distinct"], float(centred))
        best_in_article: dict[str, float] = {}
        for pid, f in features.items():
            if not f["sentences"]:  # a passage without sentences stands for its own sentence
                span = (passages[pid].start, passages[pid].end)
                f["sentences"].append(SentenceSignals(f["passage_dense"], f["passage_lexical"], False, True, span))
            path = passages[pid].path
            best_in_article[path] = max(best_in_article.get(path, 0.0), f["passage_lexical"])
        for pid, f in features.items():
            f["article_lexical"] = best_in_article[passages[pid].path]
        return features

    def confident(self, question: str, best: dict, passage_id: int) -> bool:
        """Whether the best passage answers: close in meaning, and beyond what every passage shares, or one of its
        sentences holds every content word of the question (a name the model knows little of: "Who is Chris Woods?")
        and the kind of answer asked for, if any: naming the Euphrates does not tell how long it is. Never when the
        question names a number or year that no passage of the index holds ("Who won the 2017 World Series?")."""
        numbers = {word for word in question_words(question) if any(character.isdigit() for character in word)}
        if not all(self.backend.lexical.holds_anywhere(number) for number in numbers):
            return False
        c = self.confidence
        distinct = c.passage_distinct * best["passage_dense"] + c.sentence_distinct * best["sentence_distinct"]
        if best["closeness"] + distinct >= c.threshold:
            return True
        asked = answer_type.asked_for(question)
        if not asked.words:
            return False
        spans = self.backend.lexical.sentences_holding_all(sorted(asked.words), passage_id)
        return any(s.span in spans and (s.typed or asked.kind is None) for s in best["sentences"])


def _centred(vectors: np.ndarray, mean: np.ndarray) -> np.ndarray:
    """Vectors (rows, or one) less the mean, normalised again: cosines measured from the mean."""
    centred = vectors - mean
    norms = np.linalg.norm(centred, axis=-1, keepdims=True)
    return centred / np.where(norms > 0, norms, 1.0)
