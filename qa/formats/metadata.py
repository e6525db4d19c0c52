"""Metadata an article states in its own lines: outlet, author and date.

Recognised near the top (the blocks after the headline) and in the last block, where
saved articles put them: "Source: Al Jazeera", "By Jane Doe" or a bare name beside a
date line, "August 9, 2017", "Updated 12:00 GMT, 6 June 2018", "This story was updated
on 6 June". Dates are read by python-dateutil; `date` is ISO (YYYY-MM-DD) when day,
month and year are all stated, else `date_text` keeps what is stated ("6 June").
"""

from __future__ import annotations

import datetime as dt
import re

from qa.article import Block
from qa.text import collapse_whitespace

HEAD_BLOCKS = 5  # blocks after the headline searched for a byline and a date
MAX_DATELINE_WORDS = 20
MAX_DATELINE_CHARS = 200  # dateutil's time grows faster than a line's length: a longer line is no dateline

_SOURCE_LINE = re.compile(r"^(?:source|outlet|publisher)\s*:\s*(?P<outlet>[^,;]+)", re.IGNORECASE)
# possessive quantifiers: linear in the line's length whatever it holds (a lazy author backtracks over spaces)
_BYLINE = re.compile(r"^by\s++(?P<author>[^\d,;:|\s]++(?:\s++[^\d,;:|\s]++)*+)\s*+(?:[,;|].*)?$", re.IGNORECASE)
_DATE_WORDS = re.compile(r"\b(?:updated|published|posted|dated)\b", re.IGNORECASE)
_NAME = re.compile(r"^(?:[A-Z][\w.'’-]*\s+){1,3}[A-Z][\w'’-]*$")

# Two unlikely defaults: a part of the date that comes out the same under both was stated.
_DEFAULTS = (dt.datetime(1904, 2, 2), dt.datetime(1908, 3, 3))


def date_fields(text: str, *, fuzzy: bool = True) -> dict[str, str]:
    """{"date": "YYYY-MM-DD"} for a full date in text, {"date_text": ...} for a partial one, else {}."""
    from dateutil import parser

    try:
        first, second = (parser.parse(text, fuzzy=fuzzy, default=default) for default in _DEFAULTS)
    except (ValueError, OverflowError):
        return {}
    year, month, day = first.year == second.year, first.month == second.month, first.day == second.day
    if year and month and day:
        return {"date": first.date().isoformat()}
    if month and day:
        return {"date_text": f"{first.day} {first:%B}"}
    if month and year:
        return {"date_text": f"{first:%B} {first.year}"}
    return {}


def iso_date(value) -> dict[str, str]:
    """date_fields for a stated value that may already be a date (YAML front matter, extractor output)."""
    if isinstance(value, dt.date):
        return {"date": (value.date() if isinstance(value, dt.datetime) else value).isoformat()}
    return date_fields(str(value), fuzzy=False) if value else {}


def _lines(source: str, blocks: list[Block]) -> list[tuple[Block, str]]:
    return [(block, line.strip()) for block in blocks for line in source[block.start : block.end].splitlines()]


def text_metadata(source: str, blocks: tuple[Block, ...], title_block: int) -> dict[str, str]:
    """Outlet, author and date stated in a plain-text article's own lines."""
    metadata: dict[str, str] = {}
    for block in blocks[title_block + 1 :]:
        found = _SOURCE_LINE.match(source[block.start : block.end]) if block.first_line == block.last_line else None
        if found:
            metadata["outlet"] = found.group("outlet").strip().rstrip(".")
    head = list(blocks[title_block + 1 : title_block + 1 + HEAD_BLOCKS])
    for _, line in _lines(source, head):
        byline = _BYLINE.match(line)
        if byline and len(byline.group("author").split()) <= 5:
            metadata["author"] = collapse_whitespace(byline.group("author"))
            break
    edges = [*head, blocks[-1]] if blocks[-1] not in head else head
    for block, line in _lines(source, edges):
        if len(line) > MAX_DATELINE_CHARS or len(line.split()) > MAX_DATELINE_WORDS:
            continue
        stated = date_fields(line, fuzzy=False) or (date_fields(line) if _DATE_WORDS.search(line) else {})
        if stated:
            metadata.update(stated)
            if "author" not in metadata:
                metadata.update(_bare_name_beside(source, block, line))
            break
    return metadata


def _bare_name_beside(source: str, block: Block, dateline: str) -> dict[str, str]:
    """A byline without "By": a line of two to four capitalised words in the dateline's own block."""
    for _, line in _lines(source, [block]):
        if line != dateline and _NAME.match(line):
            return {"author": line}
    return {}
