"""What a search returns: ranked passages, each with its answering sentence, and a confidence flag."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from qa.chunking import normalize
from qa.store import StoredPassage

STOPWORDS = frozenset(
    """a about after all also an and any are as at be been before being but by can could did do does
    during for from had has have he her his how i if in into is it its many me more most much my no not
    of on or our out she so some than that the their them then there these they this those to up us
    was we were what when where which while who whom why will with would you your""".split()
)

_WORD = re.compile(r"\w+")


def terms(text: str) -> list[str]:
    """Content words of text, lower-cased, in order."""
    return [word for word in _WORD.findall(normalize(text).lower()) if word not in STOPWORDS]


@dataclass(frozen=True)
class Result:
    passage: StoredPassage
    score: float
    answer: tuple[int, int]  # the answering sentence's span in the source

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


def result_json(rank: int, result: Result) -> dict:
    """One result in the interface contract's shape, then `lines_in` ("file", or "extracted": the lines count
    the extracted text of a page where the passage was not found in the file), the path and the article's metadata."""
    p = result.passage
    return {
        "rank": rank,
        "score": round(result.score, 4),
        "text": p.text,
        "answer": result.answer_text,
        "article": Path(p.path).name,
        "title": p.title,
        "paragraphs": [p.first_block, p.last_block],
        "chars": [p.start, p.end],
        "lines": [p.first_line, p.last_line],
        "lines_in": p.lines_in,
        "path": p.path,
        **p.metadata,
    }


def answer_json(answer: Answer) -> dict:
    payload = {
        "question": answer.question,
        "confident": answer.confident,
        "results": [result_json(rank, r) for rank, r in enumerate(answer.results, start=1)],
    }
    if answer.searched:
        payload["searched"] = answer.searched
    return payload
