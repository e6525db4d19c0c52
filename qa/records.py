"""The records the parts of qa hand each other: what a source, an article and a passage are once stored,
what the indexer gives a backend to store, and which articles a search may answer from."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

from qa.chunking import Passage
from qa.near_duplicates import Signature
from qa.text import normalize_for_search


@dataclass(frozen=True)
class Source:
    """A recorded source: a file, or a folder scanned with include and exclude globs."""

    path: str
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()


@dataclass(frozen=True)
class StoredArticle:
    id: int
    path: str
    content_hash: str
    title: str
    metadata: dict
    also_at: tuple[str, ...]
    passages: int


@dataclass(frozen=True)
class ArticleVersion:
    """What an update compares with a file: the hash of the bytes indexed and the other paths holding them."""

    content_hash: str
    also_at: tuple[str, ...]


@dataclass(frozen=True)
class StoredPassage:
    """A passage as a search result needs it: its text, spans and its article's citation fields."""

    id: int
    text: str
    first_block: int
    last_block: int
    start: int
    end: int
    first_line: int
    last_line: int
    lines_in: str
    sentences: tuple[tuple[int, int], ...]  # spans in the source, like start/end
    path: str
    title: str
    metadata: dict

    def search_text(self, start: int, end: int) -> str:
        """The lexical and embedded text of the span source[start:end] within the passage (one of its sentences)."""
        return normalize_for_search(self.text[start - self.start : end - self.start])

    @property
    def lines_of_its_text(self) -> bool:
        """Whether first_line and last_line count lines of the source its text is cut from (a text file, an extracted
        text), not those of a web page's HTML or of a PDF's pages: then its text's own line breaks continue them."""
        return self.lines_in == "extracted" or self.metadata.get("format", "text") not in ("html", "pdf")


VECTOR_KEY_BYTES = 16  # a vector's key: the first bytes of the sha256 of the model and the embedded text


@dataclass(frozen=True)
class NewSentence:
    start: int
    end: int
    search_text: str
    embedding_key: bytes


@dataclass(frozen=True)
class NewPassage:
    """What the indexer hands the store for one passage: the chunk, and the vector keys of it and its sentences."""

    chunk: Passage
    embedding_key: bytes
    sentences: tuple[NewSentence, ...]


@dataclass(frozen=True)
class NewArticle:
    path: str
    content_hash: str
    title: str
    metadata: dict
    passages: list[NewPassage]
    also_at: tuple[str, ...] = ()
    signature: Signature | None = None  # for finding copies


@dataclass(frozen=True)
class Filters:
    """Which articles a search may answer from: `source` is contained (case-insensitive) in the outlet,
    title or a path; `since`/`until` bound the article's date, and leave out articles without one."""

    source: str | None = None
    since: date | None = None
    until: date | None = None

    def __post_init__(self) -> None:
        if self.since and self.until and self.since > self.until:
            raise ValueError(f"since {self.since} is after until {self.until}: no date lies between")

    def __bool__(self) -> bool:
        return bool(self.source or self.since or self.until)

    def __str__(self) -> str:
        """The filter in the words the chat's :filter takes ("source=bbc since=2017-01-01"); "" for none."""
        return " ".join(f"{name}={value}" for name, value in vars(self).items() if value)


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
