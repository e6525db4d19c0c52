"""The article every reader returns, and what readers share: decoding, blocks, hashing.

Each format has its reader (qa/formats/); every reader returns an Article whose
`source` is the text passages quote, `source[start:end]` exactly:

- plain text (.txt and anything not recognised): the decoded file, as written;
- Markdown (.md, .markdown): the file with its syntax reduced to text, line for line
  (line N of the source is line N of the file), front matter read as metadata;
- HTML (.html, .htm): the main text trafilatura extracts, one paragraph per block;
- PDF (.pdf): the pages' paragraphs as pypdf extracts them, running heads left out;
- news-please JSON (.json) and the records of JSON Lines and CSV files: the title, a blank
  line and the text field (qa/formats/fields.py); a file of records is read record by
  record (qa/formats/records.py), not by read_article.

A block is a paragraph (a maximal run of non-blank lines in plain text). Block lines are
lines of the source; `Block.file_lines` says where the block stands in the file when that
differs (HTML), or None when it could not be found there. This module is imported by
`qa ask` (through qa.chunking), which must stay light.
"""

from __future__ import annotations

import bisect
import codecs
import hashlib
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from qa.errors import QAError

# Tried in order on a file that is not UTF-8; latin-1 decodes any byte, so it always ends the search.
FALLBACK_ENCODINGS = ("cp1252", "latin-1")
# A headline is short; an article whose first block runs on (a whole story on one line) is titled by its opening
# words, cut at a word: the title heads every result and is searched with every passage.
MAX_TITLE_CHARS = 160


class IngestError(QAError):
    """An article file that cannot be used; `reason` is short and stable ("empty", "binary file")."""

    def __init__(self, path: Path, reason: str):
        super().__init__(f"{path}: {reason}")
        self.reason = reason


@dataclass(frozen=True)
class Block:
    """One paragraph-like block of the source: a paragraph, a caption, a headline."""

    index: int  # 0-based position among the article's blocks
    start: int  # character offset of the first non-blank character
    end: int  # offset just past the last non-blank character
    first_line: int  # 1-based line of the source
    last_line: int  # 1-based, inclusive
    file_lines: tuple[int, int] | None = None  # its lines in the file, when the source is not the file


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str  # "utf-8", or the fallback that decoded it


@dataclass(frozen=True)
class Article:
    path: Path
    source: str  # the text passages index into (see the module docstring)
    content_hash: str  # sha256 of the file's bytes
    title: str
    title_block: int  # index of the headline's block
    blocks: tuple[Block, ...]
    metadata: dict = field(default_factory=dict)  # title aside: outlet, author, date, format ...
    encoding: str = "utf-8"
    source_lines_are_file_lines: bool = True  # False when they are not (HTML: see Block.file_lines)

    def __post_init__(self) -> None:
        object.__setattr__(self, "title", headline(self.title))

    def block_text(self, block: Block) -> str:
        return self.source[block.start : block.end]

    @cached_property
    def _newlines(self) -> list[int]:
        return [match.start() for match in re.finditer("\n", self.source)]

    def line_of(self, offset: int) -> int:
        """The 1-based source line holding the character at offset."""
        return bisect.bisect_left(self._newlines, offset) + 1


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def decode(data: bytes, path: Path) -> Decoded:
    """The file's text: UTF-8 (or UTF-16 with a byte order mark), else the first fallback encoding that decodes it."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return Decoded(data.decode("utf-16"), "utf-16")
        except UnicodeDecodeError:
            raise IngestError(path, "undecodable UTF-16") from None
    if b"\x00" in data:
        raise IngestError(path, "binary file")
    try:
        return Decoded(data.decode("utf-8-sig"), "utf-8")
    except UnicodeDecodeError:
        pass
    for encoding in FALLBACK_ENCODINGS:
        try:
            return Decoded(data.decode(encoding), encoding)
        except UnicodeDecodeError:
            continue
    raise AssertionError("latin-1 decodes every byte")


def split_blocks(source: str) -> tuple[Block, ...]:
    """Blank-line-separated blocks with their character and line spans."""
    blocks: list[Block] = []
    offset = 0
    current: tuple[int, int, int, int] | None = None  # start, end, first_line, last_line
    for line_number, line in enumerate(source.splitlines(keepends=True), start=1):
        content = line.strip()
        if content:
            start = offset + (len(line) - len(line.lstrip()))
            end = offset + len(line.rstrip())
            current = (current[0], end, current[2], line_number) if current else (start, end, line_number, line_number)
        elif current:
            blocks.append(Block(len(blocks), *current))
            current = None
        offset += len(line)
    if current:
        blocks.append(Block(len(blocks), *current))
    return tuple(blocks)


def headline(title: str) -> str:
    """The title as shown and searched: at most MAX_TITLE_CHARS, cut after a whole word (within one when the last
    space comes early) and marked "…"."""
    title = title.strip()
    if len(title) <= MAX_TITLE_CHARS:
        return title
    cut = title[: MAX_TITLE_CHARS - 1]
    space = cut.rfind(" ")
    if not title[MAX_TITLE_CHARS - 1].isspace() and space >= MAX_TITLE_CHARS // 2:
        cut = cut[:space]  # the last word cut is left out whole
    return cut.rstrip(" ,;:-–—") + "…"
