"""Plain text (.txt, and any file no other reader claims): the decoded file as written, its headline the first
block (after a site banner), its metadata from its lines."""

from __future__ import annotations

import re
from pathlib import Path

from qa.article import Article, Block, IngestError, content_hash, decode, split_blocks
from qa.formats.metadata import text_metadata
from qa.text import collapse_whitespace

# A leading site banner such as "- Sputnik International": an outlet, not a headline.
_BANNER_LINE = re.compile(r"^\s*[-–—]\s*(?P<outlet>\S.{0,60})$")


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


def read_text_article(path: Path, data: bytes) -> Article:
    """A plain-text article: the headline is the first block (after a site banner); metadata from its lines."""
    decoded = decode(data, path)
    blocks = split_blocks(decoded.text)
    if not blocks:
        raise IngestError(path, "empty")
    title, title_block, metadata = read_title(decoded.text, blocks)
    metadata = {**text_metadata(decoded.text, blocks, title_block), **metadata, "format": "text"}
    return Article(path, decoded.text, content_hash(data), title, title_block, blocks, metadata, decoded.encoding)
