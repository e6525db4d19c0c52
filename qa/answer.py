"""What a search returns: ranked passages, each with its answering sentence, and a confidence flag."""

from __future__ import annotations

from dataclasses import dataclass

from qa.records import StoredPassage


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


@dataclass(frozen=True)
class Answer:
    question: str
    confident: bool
    results: list[Result]
    searched: str | None = None  # the question actually searched, when it differs
    figures: tuple = ()  # the values asked for, most supported first (qa.figures.Figure)
    missing: tuple[str, ...] = ()  # the shards of a sharded index that did not answer: the answer is partial


def partial_notice(missing: tuple[str, ...]) -> str:
    """The line on screen above what was read without some shards of a sharded index: which did not answer."""
    return f"Partial answer: no reply in time from {', '.join(missing)}; what follows comes from the other shards only."
