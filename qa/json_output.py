"""The JSON shapes of the interface contract (DESIGN.md) that `--json`, the HTTP API and the MCP server return: an
answer with its values and results, and an article as `qa info --json` lists it."""

from __future__ import annotations

from qa.answer import Answer, Result
from qa.figures import Figure, Mention, copy_of, disagree
from qa.locations import file_of, location_json, public_metadata
from qa.records import StoredArticle


def result_json(rank: int, result: Result) -> dict:
    """One result in the interface contract's shape, metadata fields appended, repeats under "also_in" (a list,
    empty when none)."""
    return {
        "rank": rank,
        "score": round(result.score, 4),
        **_citation_json(result),
        "also_in": [_citation_json(repeat) for repeat in result.also_in],
    }


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
    payload = {
        "question": answer.question,
        "confident": answer.confident,
        "answers": [figure_json(figure) for figure in answer.figures],
        "disagree": disagree(answer.figures),
        "results": [result_json(rank, r) for rank, r in enumerate(answer.results, start=1)],
    }
    if answer.searched:
        payload["searched"] = answer.searched
    if answer.missing:
        payload.update(partial=True, missing_shards=list(answer.missing))
    return payload


def figure_json(figure: Figure) -> dict:
    """One answer in the interface contract's shape."""
    first = figure.first
    payload = {
        "value": first.value,
        "normalized": first.normalized,
        "kind": first.kind,
        "text": first.phrase,
        "attributed_to": figure.attributed_to,
        "sources": [_source_json(m, figure) for m in figure.cited],
    }
    if figure.qualifier:
        payload["qualifier"] = figure.qualifier
    return payload


def _source_json(mention: Mention, figure: Figure) -> dict:
    p = mention.result.passage
    located = mention.location
    original = copy_of(mention, figure)
    return {
        "article": located["article"],
        "title": p.title,
        "outlet": p.metadata.get("outlet"),
        "date": p.metadata.get("date"),  # ISO, as a result's; a partial date is its date_text
        **{key: p.metadata[key] for key in ("date_text",) if key in p.metadata},
        "chars": list(mention.phrase_span),
        "lines": located["lines"],
        "path": located["path"],
        **{key: located[key] for key in ("page", "page_end") if key in located},
        **{key: p.metadata[key] for key in ("record", "record_id") if key in p.metadata},
        **({"copy_of": original.location["article"]} if original else {}),
    }
