"""Read an article file into its text, title, metadata and paragraph blocks, keeping offsets.

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
differs (HTML), or None when it could not be found there. Readers import their libraries
lazily: this module is imported by `qa ask`, which must stay light.
"""

from __future__ import annotations

import bisect
import codecs
import hashlib
import os
import re
import stat
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from qa.errors import QAError

TEXT_SUFFIXES = frozenset({".txt"})
MARKDOWN_SUFFIXES = frozenset({".md", ".markdown"})
HTML_SUFFIXES = frozenset({".html", ".htm"})
NEWSPLEASE_SUFFIXES = frozenset({".json"})
PDF_SUFFIXES = frozenset({".pdf"})
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | MARKDOWN_SUFFIXES | HTML_SUFFIXES | NEWSPLEASE_SUFFIXES | PDF_SUFFIXES
# Files holding one article per record (qa/formats/records.py), gzipped or not.
RECORD_FORMATS = {".jsonl": "jsonl", ".csv": "csv", ".warc": "warc", ".rss": "feed", ".atom": "feed"}
# An .xml file is read as a feed when its root element is one: RSS 2.0, Atom or RSS 1.0 (RDF).
_FEED_ROOT = re.compile(rb"\s*(?:(?:<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>)\s*)*<(?:rss|feed|rdf:RDF)[\s>]", re.DOTALL)

# Tried in order on a file that is not UTF-8; latin-1 decodes any byte, so it always ends the search.
FALLBACK_ENCODINGS = ("cp1252", "latin-1")
MAX_FILE_BYTES = 50 << 20  # a larger file is skipped (`qa index --max-size`): no article is that long

# A leading site banner such as "- Sputnik International": an outlet, not a headline.
_BANNER_LINE = re.compile(r"^\s*[-–—]\s*(?P<outlet>\S.{0,60})$")


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

    def block_text(self, block: Block) -> str:
        return self.source[block.start : block.end]

    @cached_property
    def _newlines(self) -> list[int]:
        return [match.start() for match in re.finditer("\n", self.source)]

    def line_of(self, offset: int) -> int:
        """The 1-based source line holding the character at offset."""
        return bisect.bisect_left(self._newlines, offset) + 1


def record_format(path: Path) -> str | None:
    """The format of a file of records by its name ("jsonl", "csv", "warc", "feed"; a ".gz" after it allowed),
    or for an .xml file by its root element; else None."""
    name = path.name.lower()
    if name.endswith(".xml"):
        return "feed" if _is_feed(path) else None
    kind = RECORD_FORMATS.get(Path(name.removesuffix(".gz")).suffix)
    return None if kind == "feed" and name.endswith(".gz") else kind


def _is_feed(path: Path) -> bool:
    try:
        with path.open("rb") as file:
            head = file.read(4096)
    except OSError:
        return False
    return _FEED_ROOT.match(head.removeprefix(codecs.BOM_UTF8)) is not None


def is_article_file(path: Path) -> bool:
    """Whether a folder's file is read: a supported suffix, or a file of records."""
    return path.suffix.lower() in SUPPORTED_SUFFIXES or record_format(path) is not None


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


def collapse_whitespace(text: str) -> str:
    return " ".join(text.split())


def read_title(source: str, blocks: tuple[Block, ...]) -> tuple[str, int, dict]:
    """The headline, its block index, and any metadata a leading site banner gives.

    Scraped pages sometimes open with the outlet's banner ("- Sputnik
    International" and its tagline); the headline is then the next block.
    """
    metadata: dict = {}
    title_block = 0
    banner = _BANNER_LINE.match(source[blocks[0].start : blocks[0].end].splitlines()[0])
    if banner and len(blocks) > 1:
        metadata["outlet"] = banner.group("outlet").strip()
        title_block = 1
    block = blocks[title_block]
    return collapse_whitespace(source[block.start : block.end]), title_block, metadata


def read_bytes(path: Path, max_bytes: int = MAX_FILE_BYTES) -> bytes:
    """The file's bytes; an IngestError for anything but a regular file of at most max_bytes.

    Opened without blocking and checked on the open file, so a FIFO or a device put in place
    of a file is refused rather than read from (or waited on) forever.
    """
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as error:
        raise IngestError(path, f"unreadable: {error.strerror or error}") from None
    with os.fdopen(descriptor, "rb") as file:
        try:
            status = os.fstat(descriptor)
            if not stat.S_ISREG(status.st_mode):
                raise IngestError(path, "not a regular file")
            if status.st_size > max_bytes:
                raise IngestError(path, f"larger than {describe_size(max_bytes)} (--max-size)")
            data = file.read(max_bytes + 1)
        except OSError as error:
            raise IngestError(path, f"unreadable: {error.strerror or error}") from None
    if len(data) > max_bytes:  # grew while read
        raise IngestError(path, f"larger than {describe_size(max_bytes)} (--max-size)")
    return data


def describe_size(size: int) -> str:
    """A byte count as --max-size takes it: 50M, 512K, 1G, or bytes."""
    for unit, factor in (("G", 1 << 30), ("M", 1 << 20), ("K", 1 << 10)):
        if size >= factor and size % factor == 0:
            return f"{size // factor}{unit}"
    return f"{size} bytes"


def read_text_article(path: Path, data: bytes) -> Article:
    """A plain-text article: the headline is the first block (after a site banner); metadata from its lines."""
    from qa.formats.metadata import text_metadata

    decoded = decode(data, path)
    blocks = split_blocks(decoded.text)
    if not blocks:
        raise IngestError(path, "empty")
    title, title_block, metadata = read_title(decoded.text, blocks)
    metadata = {**text_metadata(decoded.text, blocks, title_block), **metadata, "format": "text"}
    return Article(path, decoded.text, content_hash(data), title, title_block, blocks, metadata, decoded.encoding)


def read_article(path: Path, data: bytes | None = None) -> Article:
    """Read one article file (its bytes may be given). Raises IngestError when it is not a usable article."""
    data = read_bytes(path) if data is None else data
    suffix = path.suffix.lower()
    if suffix in MARKDOWN_SUFFIXES:
        from qa.formats.markdown import read_markdown_article

        return read_markdown_article(path, data)
    if suffix in HTML_SUFFIXES:
        from qa.formats.html import read_html_article

        return read_html_article(path, data)
    if suffix in PDF_SUFFIXES:
        from qa.formats.pdf import read_pdf_article

        return read_pdf_article(path, data)
    if suffix in NEWSPLEASE_SUFFIXES:
        from qa.formats.fields import read_newsplease_article

        return read_newsplease_article(path, data)
    return read_text_article(path, data)
