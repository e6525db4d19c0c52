"""What a search returns: ranked passages, each with its answering sentence, and a confidence flag."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from qa.chunking import normalize
from qa.locations import file_of, location_json, public_metadata
from qa.records import StoredArticle, StoredPassage

STOPWORDS = frozenset(
    """a about after all also an and any are as at be been before being but by can could did do does
    during for from had has have he her his how i if in into is it its many me more most much my no not
    of on or our out she so some than that the their them then there these they this those to up us
    was we were what when where which while who whom why will with would you your""".split()
)

_WORD = re.compile(r"\w+")
_NUMBER = re.compile(r"\d[\d,.]*\d|\d")
REPEAT_OVERLAP = 0.8  # answering sentences say the same thing when this share of the shorter one's words is in both


def content_words(text: str) -> list[str]:
    """Content words of text as written (case kept), in order."""
    return [word for word in _WORD.findall(normalize(text)) if word.lower() not in STOPWORDS]


def terms(text: str) -> list[str]:
    """Content words of text, lower-cased, in order."""
    return [word.lower() for word in content_words(text)]


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


def result_json(rank: int, result: Result) -> dict:
    """One result in the interface contract's shape, metadata fields appended, repeats under "also_in"."""
    payload = {"rank": rank, "score": round(result.score, 4), **_citation_json(result)}
    if result.also_in:
        payload["also_in"] = [_citation_json(repeat) for repeat in result.also_in]
    return payload


def _citation_json(result: Result) -> dict:
    """The citation fields of a result: the contract's, then `lines_in` ("file", or "extracted": the lines count
    the extracted text of a page where the passage was not found in the file), the path and the article's metadata."""
    p = result.passage
    located = location_json(p.path, p.metadata, p.start, p.end, (p.first_line, p.last_line), p.lines_in)
    return {
        "text": p.text,
        "answer": result.answer_text,
        "article": located.pop("article"),
        "title": p.title,
        "paragraphs": [p.first_block, p.last_block],
        "chars": [p.start, p.end],
        **located,
        **public_metadata(p.metadata),
    }


def article_json(article: StoredArticle, copies: list[str] = ()) -> dict:
    """One article as `qa info --json` lists it: where it is, what it says of itself, how many passages, the
    other paths holding its bytes, and the articles found to be copies of it (their paths, `FILE#RECORD` for a
    record's)."""
    stated = ("outlet", "author", "date", "date_text", "url", "record", "record_id", "summary_only")
    return {
        "path": file_of(article.path, article.metadata),
        "title": article.title,
        **{key: article.metadata[key] for key in stated if key in article.metadata},
        "format": article.metadata.get("format", "text"),
        "passages": article.passages,
        "also_at": list(article.also_at),
        "copies": list(copies),
    }


def answer_json(answer: Answer) -> dict:
    from qa.figures import disagree, figure_json

    payload = {
        "question": answer.question,
        "confident": answer.confident,
        "answers": [figure_json(figure) for figure in answer.figures],
        "disagree": disagree(answer.figures),
        "results": [result_json(rank, r) for rank, r in enumerate(answer.results, start=1)],
    }
    if answer.searched:
        payload["searched"] = answer.searched
    return payload
