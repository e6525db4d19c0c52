"""Read an article file into its title and paragraph blocks, keeping source offsets.

A block is a maximal run of non-blank lines; blank lines (whitespace only,
non-breaking spaces included) separate blocks. Offsets index the decoded source
text exactly as written, so a citation can always be checked against the file.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from qa.errors import QAError

SUPPORTED_SUFFIXES = frozenset({".txt"})

# A leading site banner such as "- Sputnik International": an outlet, not a headline.
_BANNER_LINE = re.compile(r"^\s*[-–—]\s*(?P<outlet>\S.{0,60})$")


class IngestError(QAError):
    """An article file that cannot be read as text."""


@dataclass(frozen=True)
class Block:
    """One blank-line-separated block of the source: a paragraph, a caption, a headline."""

    index: int  # 0-based position among the article's blocks
    start: int  # character offset of the first non-blank character
    end: int  # offset just past the last non-blank character
    first_line: int  # 1-based
    last_line: int  # 1-based, inclusive


@dataclass(frozen=True)
class Article:
    path: Path
    source: str  # the decoded file content, as written
    content_hash: str  # sha256 of the file's bytes
    title: str
    title_block: int  # index of the headline's block
    blocks: tuple[Block, ...]
    metadata: dict = field(default_factory=dict)

    def block_text(self, block: Block) -> str:
        return self.source[block.start : block.end]


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def decode(data: bytes, path: Path) -> str:
    if b"\x00" in data:
        raise IngestError(f"{path}: binary file, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise IngestError(f"{path}: not UTF-8 text ({error.reason} at byte {error.start})") from None


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


def read_article(path: Path) -> Article:
    """Read one article file. Raises IngestError when it is not usable text."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise IngestError(f"{path}: cannot read ({error.strerror})") from None
    source = decode(data, path)
    blocks = split_blocks(source)
    if not blocks:
        raise IngestError(f"{path}: empty article")
    title, title_block, metadata = read_title(source, blocks)
    return Article(path, source, content_hash(data), title, title_block, blocks, metadata)
