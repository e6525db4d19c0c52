"""How candidate passages are ranked: their signals, the weights, and every knob of the formula, as plain data.

A hybrid candidate's score is a weighted sum of six signals:

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

qa/search.py gathers the signals from the backend and the encoder; nothing here reads either.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from qa.records import StoredPassage
from qa.text import terms

if TYPE_CHECKING:
    from qa.answer import Result

CANDIDATES = 40  # taken from each retriever before fusion
FIGURE_POOL = 30  # the ranked passages whose answering sentences the values asked for are read from
COSINE_TIE_BREAK = 0.01  # the plain cosine's weight in lexical ranking: it only breaks BM25 ties
REPEAT_OVERLAP = 0.8  # answering sentences say the same thing when this share of the shorter one's words is in both
TITLE_WEIGHT = 0.5  # BM25 weight of a passage's article title (with its outlet) relative to its text
# Rows (summed over a question's words) that FTS5 may score for BM25 candidates. Above, candidates come from
# the rarest words within it and from the passages holding two of the words, then are scored on every word
# (bench/results/scale.md measures how much of FTS5's own top 10 that keeps). Not reached by the evaluation sets'
# questions (a few hundred passages): there rankings are FTS5's own.
MATCH_BUDGET = 1_000
RESCORED = 2  # candidates taken from each of those two queries, per candidate wanted

_NUMBER = re.compile(r"\d[\d,.]*\d|\d")


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
class Candidate:
    """A passage retrieved for a question, with every signal ranking and the confidence rule read.

    Cosines are between the question's vector and the passage's; `centred_cosine` is measured from the index's
    mean passage vector. BM25 shares are divided by the best candidate passage's BM25."""

    passage: StoredPassage
    cosine: float
    centred_cosine: float
    bm25_share: float
    article_bm25_share: float  # the best bm25_share among the candidates of the passage's article
    sentences: tuple[SentenceSignals, ...]  # a passage without sentences stands for its own sentence
    closeness: float  # the best plain cosine of the passage and its sentences
    distinctness: float  # the best centred cosine of the passage and its sentences


@dataclass(frozen=True)
class Weights:
    """The weights of hybrid ranking's signals."""

    passage_dense: float = 0.5
    sentence_dense: float = 1.0
    passage_lexical: float = 0.25
    sentence_lexical: float = 0.25
    answer_type: float = 0.3
    article_lexical: float = 0.2
    heading: float = 0.5  # the share of its closeness a line that is no statement keeps


@dataclass(frozen=True)
class Confidence:
    """The best passage answers when its closeness in meaning (the higher plain cosine of the passage and
    its sentences) plus how close it is beyond what every passage shares (its cosine and its best sentence's,
    measured from the index's mean vectors) reaches the threshold. A question on the index's subject that it
    does not answer ("When was al-Baghdadi killed?") is close to many passages, but to none in particular.
    (Searcher.confident also lets a passage answer that has a sentence holding every content word of the question.)

    Chosen on the off-topic and seed questions (tests/data; figures in bench/results/ranking_history.md)."""

    passage_distinct: float = 0.75
    sentence_distinct: float = 0.25
    threshold: float = 0.65


def sentence_score(sentence: SentenceSignals, weights: Weights) -> float:
    """A sentence's weighted signals: a line that is no statement keeps `weights.heading` of its closeness."""
    return (weights.sentence_dense * sentence.dense + weights.sentence_lexical * sentence.lexical) * (
        1.0 if sentence.statement else weights.heading
    ) + weights.answer_type * sentence.typed


def best_sentence(sentences: tuple[SentenceSignals, ...], weights: Weights) -> SentenceSignals:
    """A passage's answering sentence: the one scoring most (the first of equals)."""
    return max(sentences, key=lambda sentence: sentence_score(sentence, weights))


def fuse(candidate: Candidate, mode: str, weights: Weights) -> float:
    """A candidate's score: its plain cosine (dense), its BM25 share (lexical), or the weighted sum (hybrid)."""
    if mode == "dense":
        return candidate.cosine
    if mode == "lexical":
        return candidate.bm25_share + COSINE_TIE_BREAK * candidate.cosine
    return (
        weights.passage_dense * candidate.centred_cosine
        + weights.passage_lexical * candidate.bm25_share
        + weights.article_lexical * candidate.article_bm25_share
        + sentence_score(best_sentence(candidate.sentences, weights), weights)
    )


def close_enough(candidate: Candidate, confidence: Confidence) -> bool:
    """Whether the best candidate is close enough in meaning, and beyond what every passage shares, to answer."""
    distinct = (
        confidence.passage_distinct * candidate.centred_cosine + confidence.sentence_distinct * candidate.distinctness
    )
    return candidate.closeness + distinct >= confidence.threshold


def says_the_same(a: Result, b: Result) -> bool:
    """Whether two results from different articles answer with the same claim: the same numbers, and the
    shorter answering sentence's content words nearly all in the longer one (a quote, a headline retold)."""
    if a.passage.path == b.passage.path:
        return False
    text_a, text_b = a.answer_text, b.answer_text
    if set(_NUMBER.findall(text_a)) != set(_NUMBER.findall(text_b)):
        return False
    words_a, words_b = set(terms(text_a)), set(terms(text_b))
    return bool(words_a and words_b) and len(words_a & words_b) / min(len(words_a), len(words_b)) >= REPEAT_OVERLAP


def group_repeats(results: list[Result], k: int, copies: dict[str, list[str]] | None = None) -> list[Result]:
    """The first k results once each repeat, and each result from a copy of a better-ranked result's article
    (`copies`: the articles found to be copies of each, by path), is folded into that better-ranked result."""
    copies = copies or {}
    grouped: list[Result] = []
    for result in results:
        for position, kept in enumerate(grouped):
            if result.passage.path in copies.get(kept.passage.path, ()) or says_the_same(kept, result):
                grouped[position] = replace(kept, also_in=(*kept.also_in, result))
                break
        else:
            grouped.append(result)
    return grouped[:k]
