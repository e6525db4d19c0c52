"""What a search returns: ranked passages, each with its answering sentence, and a confidence flag."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from qa.records import StoredPassage
from qa.text import terms

_NUMBER = re.compile(r"\d[\d,.]*\d|\d")
REPEAT_OVERLAP = 0.8  # answering sentences say the same thing when this share of the shorter one's words is in both


@dataclass(frozen=True)
class Result:
    passage: StoredPassage
    score: float
    answer: tuple[int, int]  # the answering sentence's span in the source
    also_in: tuple[Result, ...] = ()  # lower-ranked results in other articles saying the same thing

    @property
    def answer_text(self) -> str:
        start, end = self.answer
        offset = self.passage.start
        return self.passage.text[start - offset : end - offset]


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


@dataclass(frozen=True)
class Answer:
    question: str
    confident: bool
    results: list[Result]
    searched: str | None = None  # the question actually searched, when it differs
    figures: tuple = ()  # the values asked for, most supported first (qa.figures.Figure)
