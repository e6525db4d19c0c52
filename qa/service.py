"""What `qa serve` (HTTP) and `qa mcp` answer with: the cited JSON of `qa ask --json`, an article's text
with its passages' citations, the list of sources and a re-index, from one index.

Requests may arrive together: each takes one of a small pool of searchers (each with its own
SQLite connection, all sharing one query encoder) and answers from one committed snapshot, so an
update that commits meanwhile is seen whole by the next request and never half by this one.
"""

from __future__ import annotations

import os
import queue
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple

from qa.backends.local.store import Store
from qa.backends.opening import open_backend
from qa.errors import QAError
from qa.json_output import answer_json, article_json
from qa.locations import RECORD_MARK, file_of, location_json, record_key
from qa.question import required
from qa.records import Filters, StoredPassage, date_bound
from qa.search import MODES, Searcher, load_encoder

CONTEXT_PASSAGES = 2  # passages shown on each side of the one an article is opened at


def _record_of(key: str, name: str) -> int | None:
    """The record's index when a store key is a record ("FILE#N") of a file named `name`, else None."""
    file, mark, index = key.rpartition(RECORD_MARK)
    return int(index) if mark and index.isdigit() and Path(file).name == Path(name).name else None


class RequestError(QAError):
    """A request that cannot be answered as asked (a bad value, a filter that matches nothing)."""


class NotFound(QAError):
    """No indexed article by that name."""


class Reply(NamedTuple):
    """An answer as `qa ask --json` prints it, the notice when the question had to be shortened, and the
    generation of the index it was answered from."""

    answer: dict
    notice: str | None
    generation: int


class Service:
    def __init__(self, directory: Path, searchers: int | None = None, ray_address: str | None = None):
        """Searchers over the index in directory (a sharded one's shards served on the Ray cluster at
        ray_address, if given)."""
        self.directory = directory
        backend = open_backend(directory, ray_address)
        encoder = load_encoder(backend.encoder_directory, backend.store.require_complete())
        self.searchers = searchers or min(4, os.cpu_count() or 1)
        self._idle: queue.SimpleQueue[Searcher] = queue.SimpleQueue()
        self._idle.put(Searcher(backend, encoder))
        for _ in range(self.searchers - 1):
            self._idle.put(Searcher(open_backend(directory, ray_address), encoder))

    @contextmanager
    def _store(self) -> Iterator[tuple[Searcher, Store]]:
        """A searcher to itself, and its store within one read snapshot."""
        searcher = self._idle.get()
        searcher.backend.gaps()  # forgotten: only the shards missing for this request are told
        try:
            with searcher.store.snapshot():
                yield searcher, searcher.store
        finally:
            self._idle.put(searcher)

    def warm_up(self) -> None:
        """Load the encoder and the FAISS cache now rather than at the first question."""
        with self._store() as (searcher, _):
            searcher.warm()

    def health(self) -> dict:
        with self._store() as (searcher, store):
            health = {"status": "ok", **store.counts(), "generation": store.generation}
            if missing := searcher.backend.gaps():
                health.update(partial=True, missing_shards=list(missing))
            return health

    def ask(
        self,
        question: str,
        k: int = 5,
        mode: str = "hybrid",
        source: str | None = None,
        since: str | None = None,
        until: str | None = None,
    ) -> Reply:
        if mode not in MODES:
            raise RequestError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
        if not 1 <= k <= 100:
            raise RequestError(f"k must be from 1 to 100, not {k}")
        text, notice = required(question)
        try:
            filters = Filters(
                source or None,
                date_bound(since, upper=False) if since else None,
                date_bound(until, upper=True) if until else None,
            )
        except ValueError as error:
            raise RequestError(str(error)) from None
        with self._store() as (searcher, store):
            if not searcher.finds_articles(filters):
                raise RequestError("no indexed article matches source/since/until")
            return Reply(answer_json(searcher.ask(text, k, mode, filters)), notice, store.generation)

    def sources(self) -> list[dict]:
        """The indexed articles as `qa info --json` lists them."""
        with self._store() as (_, store):
            copies = store.copies()
            return [article_json(a, copies.get(a.path, [])) for a in store.articles().values()]

    def article(self, name: str, record: int | None = None) -> dict:
        """An indexed article, named by its path or its file name (and its record, in a file of records):
        metadata, text and passages' citations.

        `text` holds every passage at its `chars`; what lies between passages (the blank lines and
        spaces that separate them, which hold no words) is given as the line breaks the passages' lines
        say are there, spaces before them, so offsets and lines are the source's. (Where the lines are a
        web page's HTML or a PDF's pages, a gap is all line breaks, a single character a space.)"""
        head, passages = self._read(name, record)
        text, end, before = [], 0, None
        for passage in passages:
            gap = passage.start - end
            if passage.lines_of_its_text and (before is None or before.lines_in == passage.lines_in):
                breaks = max(0, min(gap, passage.first_line - (before.last_line if before else 1)))
            else:  # the two passages count lines of different texts (a web page's file, its extracted text)
                breaks = 0 if gap == 1 else gap
            text.append(" " * (gap - breaks) + "\n" * breaks)
            text.append(passage.text)
            end, before = passage.end, passage
        return {
            **head,
            "text": "".join(text),
            "passages": [_passage_json(passage) for passage in passages],
        }

    def open_article(self, name: str, at: int | None = None, record: int | None = None) -> dict:
        """The passages of an article around the one holding character `at` (else its beginning), with citations."""
        head, passages = self._read(name, record)
        if at is not None and passages and not passages[0].start <= at < passages[-1].end:
            raise RequestError(
                f"chars {at} lies outside the article's passages (characters {passages[0].start} to"
                f" {passages[-1].end - 1})"
            )
        position = next((i for i, p in enumerate(passages) if at is not None and at < p.end), 0)  # or the next one
        shown = passages[max(0, position - CONTEXT_PASSAGES) : position + CONTEXT_PASSAGES + 1]
        return {
            **head,
            "passages": [
                {**_passage_json(p), "text": p.text, "at": p is passages[position] and at is not None and p.start <= at}
                for p in shown
            ],
            "more_before": position > CONTEXT_PASSAGES,
            "more_after": position + CONTEXT_PASSAGES + 1 < len(passages),
        }

    def _read(self, name: str, record: int | None) -> tuple[dict, list[StoredPassage]]:
        """An indexed article's fields as `qa info --json` gives them (with `article`, its file's name) and
        its passages in reading order, read in one snapshot."""
        with self._store() as (_, store):
            path = self._path_of(store, name, record)
            article = store.articles([path])[path]
            passages = store.article_passages(path)
        return {**article_json(article), "article": Path(file_of(path, article.metadata)).name}, passages

    @staticmethod
    def _path_of(store: Store, name: str, record: int | None) -> str:
        """The store key of the article named by its path or file name (and record); only indexed ones are found."""
        wanted = name if record is None else record_key(name, record)
        paths = store.article_paths()
        if wanted in paths:
            return wanted
        named = sorted(path for path in paths if Path(path).name == Path(wanted).name)
        if not named and record is None:
            records = sorted(index for path in paths if (index := _record_of(path, name)) is not None)
            if records:
                raise NotFound(
                    f"{name!r} is a file of records: name one with its record, as each result gives it"
                    f" ({len(records)} indexed, numbered {records[0]} to {records[-1]})"
                )
        if not named:
            raise NotFound(f"no indexed article is named {wanted!r}")
        if len(named) > 1:
            raise RequestError(
                f"{len(named)} indexed articles are named {wanted!r}: give the path ({', '.join(named)})"
            )
        return named[0]

    def reindex(self) -> dict:
        """Bring the index up to date with its recorded sources, as `qa index` with no path; its JSON summary."""
        from qa.sharding import update_index

        return update_index(self.directory, []).as_json()


def _passage_json(passage: StoredPassage) -> dict:
    p = passage
    located = location_json(p.path, p.metadata, p.start, p.end, (p.first_line, p.last_line), p.lines_in)
    return {
        "chars": [p.start, p.end],
        **{key: value for key, value in located.items() if key not in ("article", "path")},
        "paragraphs": [p.first_block, p.last_block],
    }
