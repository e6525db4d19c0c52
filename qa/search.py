"""Answer a question from an index: retrieve candidates, gather their signals, rank them by qa/ranking.py.

Hybrid ranking gathers candidates from BM25 (FTS5, porter stemming) and dense FAISS search,
gathers each candidate's signals (qa.ranking.Candidate), and weighs them as qa/ranking.py says.
"""

from __future__ import annotations

import re
import sys
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import numpy as np

from qa import answer_type, onnx_encoder
from qa.answer import Answer, Result
from qa.backends.base import Backend, Encoder
from qa.embedding import SentenceTransformersEncoder, model_for_index
from qa.figures import Figure, figures
from qa.manifest import Manifest
from qa.question import as_asked
from qa.question import words as question_words
from qa.ranking import (
    CANDIDATES,
    FIGURE_POOL,
    Candidate,
    Confidence,
    SentenceSignals,
    Weights,
    best_sentence,
    close_enough,
    fuse,
    group_repeats,
)
from qa.records import Filters, StoredPassage
from qa.text import collapse_whitespace
from qa.value_forms import periods

MODES = ("hybrid", "dense", "lexical")
_THOUSANDS = re.compile(r"\d{1,3}(?:,\d{3})+")  # "5,105,786"; not "3,5", a decimal comma
_FORECAST = re.compile(  # what will be, or was expected: not "the project", "the plan", "the estimated toll"
    r"\b(?:will|would|should|going to|expects?|expected to|forecasts?|forecast to|plans? to|planned to|predicts?"
    r"|predicted|projected to)\b",
    re.IGNORECASE,
)
_NUMBER = re.compile(r"(?<!\w)[^\W_]*\d(?:[.,]?[^\W_])*")  # a word with a digit: "5,105,786", "3.66", "A380", "10th"


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
    def open(cls, directory: Path, model_path: Path | None = None, ray_address: str | None = None) -> Searcher:
        """Open an index (a sharded one's shards served on the Ray cluster at ray_address, if given) and start
        loading its query encoder on a background thread."""
        from qa.backends.opening import open_backend

        backend = open_backend(directory, ray_address)
        return cls(backend, load_encoder(backend.encoder_directory, backend.store.require_complete(), model_path))

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
        copies = self.store.copies([result.passage.path for result in pool])
        return figures(question, pool, copies, self._article_text)

    def _article_text(self, path: str) -> str:
        return " ".join(passage.text for passage in self.store.article_passages(path))

    def rank(self, question: str, k: int = 5, mode: str = "hybrid", filters: Filters | None = None) -> Answer:
        """The k best passages in ranked order (as retrieval evaluation judges them), from the articles
        the filters (else self.filters) let through."""
        self.backend.gaps()  # forgotten: only the shards missing for this question are told
        candidates = self.candidates(question, mode, self.filters if filters is None else filters)
        scored = sorted(((fuse(c, mode, self.weights), c) for c in candidates), key=lambda pair: -pair[0])[:k]
        results = [Result(c.passage, score, best_sentence(c.sentences, self.weights).span) for score, c in scored]
        confident = bool(scored) and self.confident(question, scored[0][1])
        return Answer(question, confident, results, missing=self.backend.gaps())

    def candidates(self, question: str, mode: str = "hybrid", filters: Filters = Filters()) -> list[Candidate]:
        """Every candidate passage of the articles the filters let through, with its signals.

        Both retrievers search only those articles, so a filter that leaves few still finds them. The question is
        encoded beside the lexical search (encoding releases the GIL, so on two cores they take the time of the
        slower); the backend is read from this thread only.
        """
        words = question_words(question)
        encoding = self._encoding.submit(self.encoder_of_question, question)
        means = self.backend.dense.means()  # the dense index of this generation loads (at first) while encoding runs
        lexical = self.backend.lexical.search(words, CANDIDATES, filters) if words and mode != "dense" else {}
        query = encoding.result()
        dense = dict(self.backend.dense.search(query, CANDIDATES, filters)) if mode != "lexical" else {}
        found = list(dict.fromkeys([*dense, *lexical]))
        return self._signals(question, query, means, words, found, dense, lexical) if found else []

    def encoder_of_question(self, question: str) -> np.ndarray:
        """The question's vector."""
        return self.encoder.encode([as_asked(collapse_whitespace(question))])[0]

    def _signals(
        self,
        question: str,
        query: np.ndarray,
        means: tuple[np.ndarray, np.ndarray],
        words: list[str],
        found: list[int],
        dense: dict,
        lexical: dict,
    ) -> list[Candidate]:
        """The found passages (those still stored) as candidates: their cosines (plain, and centred on the mean
        passage and sentence vectors `means`) and BM25 shares, their article's, and their sentences' signals."""
        passage_mean, sentence_mean = means
        passages = self.store.passages(found)
        vectors = self.backend.dense.passage_vectors(found)
        sentences, sentence_matrix = self.backend.dense.sentence_vectors(found)
        sentence_cosines = sentence_matrix @ query if len(sentences) else np.zeros(0)
        sentence_dense = _centred(sentence_matrix, sentence_mean) @ _centred(query, sentence_mean)
        texts = {sid: passages[pid].search_text(start, end) for sid, pid, start, end in sentences if pid in passages}
        sentence_bm25 = self.backend.lexical.sentence_scores(words, texts)
        top_passage_bm25 = max(lexical.values(), default=0.0) or 1.0
        top_sentence_bm25 = max(sentence_bm25.values(), default=0.0) or 1.0
        asked = answer_type.asked_for(question)
        kept = [pid for pid in found if pid in passages]
        by_passage: dict[int, list[tuple[SentenceSignals, float]]] = {pid: [] for pid in kept}  # with plain cosines
        for (sentence_id, pid, start, end), cosine, centred in zip(
            sentences, sentence_cosines, sentence_dense, strict=True
        ):
            if pid in by_passage:
                text = texts[sentence_id]
                signals = SentenceSignals(
                    float(centred),
                    sentence_bm25.get(sentence_id, 0.0) / top_sentence_bm25,
                    answer_type.holds(asked, text),
                    answer_type.is_statement(text),
                    (start, end),
                )
                by_passage[pid].append((signals, float(cosine)))
        bm25_shares = {pid: lexical.get(pid, 0.0) / top_passage_bm25 for pid in kept}
        best_in_article: dict[str, float] = {}
        for pid in kept:
            path = passages[pid].path
            best_in_article[path] = max(best_in_article.get(path, 0.0), bm25_shares[pid])
        centred_query = _centred(query, passage_mean)
        candidates = []
        for pid in kept:
            passage = passages[pid]
            cosine = dense[pid] if pid in dense else float(vectors[pid] @ query)
            centred = float(_centred(vectors[pid], passage_mean) @ centred_query)
            own = by_passage[pid]
            candidates.append(
                Candidate(
                    passage=passage,
                    cosine=cosine,
                    centred_cosine=centred,
                    bm25_share=bm25_shares[pid],
                    article_bm25_share=best_in_article[passage.path],
                    sentences=tuple(signals for signals, _ in own)
                    or (SentenceSignals(centred, bm25_shares[pid], False, True, (passage.start, passage.end)),),
                    closeness=max([cosine, *(sentence_cosine for _, sentence_cosine in own)]),
                    distinctness=max([centred, *(signals.dense for signals, _ in own)]),
                )
            )
        return candidates

    def confident(self, question: str, best: Candidate) -> bool:
        """Whether the best candidate answers: close in meaning, and beyond what every passage shares
        (qa.ranking.close_enough), or one of its sentences holds every content word of the question (a name the
        model knows little of: "Who is Chris Woods?") and the kind of answer asked for, if any: naming the
        Euphrates does not tell how long it is. Never when the question names a number or year that no passage
        of the index holds ("Who won the 1997 World Series?"), nor when the best passage comes from before a year the
        question names and does not name it ("Who won the 2017 World Series?" of an article of 2016)."""
        if not all(self._held(number) for number in _NUMBER.findall(question)) or _written_before(
            question, best.passage
        ):
            return False
        if close_enough(best, self.confidence):
            return True
        asked = answer_type.asked_for(question)
        if not asked.words:
            return False
        spans = self.backend.lexical.sentences_holding_all(sorted(asked.words), best.passage.id)
        return any(s.span in spans and (s.typed or asked.kind is None) for s in best.sentences)

    def _held(self, number: str) -> bool:
        """Whether some passage holds the number whole ("5,105,786", not its groups "5", "105" and "786"), with
        or without thousands commas."""
        forms = {number}
        if _THOUSANDS.fullmatch(number):
            forms.add(number.replace(",", ""))
        elif number.isdigit() and not number.startswith("0"):
            forms.add(f"{int(number):,}")
        return any(self.backend.lexical.holds_anywhere(form) for form in forms)


def _written_before(question: str, passage: StoredPassage) -> bool:
    """Whether the passage's article was published before a period the question names ("the 2017 World Series", "in
    October 1987") and the passage does not name its year ("1988", "1987/88", "'88"): what it tells cannot be of that
    time. A question of what was expected ("What will Chrysler earn in 1988?") may be answered by a forecast."""
    published = str(passage.metadata.get("date") or "")
    if not published[:4].isdigit() or _FORECAST.search(question):
        return False
    told = f"{passage.title}\n{passage.text}"
    return any(
        len(published) >= len(start)
        and published[: len(start)] < start
        and not re.search(rf"\b{year}\b|\b(?:1[6-9]|20)\d\d[/-]{year[2:]}\b|['’]{year[2:]}\b", told)
        for year, start in periods(question)
    )


def _centred(vectors: np.ndarray, mean: np.ndarray) -> np.ndarray:
    """Vectors (rows, or one) less the mean, normalised again: cosines measured from the mean."""
    centred = vectors - mean
    norms = np.linalg.norm(centred, axis=-1, keepdims=True)
    return centred / np.where(norms > 0, norms, 1.0)
