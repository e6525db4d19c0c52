"""Markdown notes: front matter read as metadata, the body reduced to text line for line.

markdown-it-py parses the body; each paragraph, heading, list item, table and code block
is written back as plain text (links and emphasis become their text, images and raw
HTML are dropped) onto the file line it came from. So the article's source has the
file's lines exactly: a citation's line numbers are the file's, and `source[start:end]`
is the passage as shown. Each Markdown block is one block of the article.
"""

from __future__ import annotations

from pathlib import Path

from qa.article import Article, Block, IngestError, content_hash, decode
from qa.formats.metadata import iso_date, text_metadata
from qa.text import collapse_whitespace

_FRONT_MATTER_FENCE = "---"
_FRONT_MATTER_END = ("---", "...")
_OUTLET_KEYS = ("outlet", "source", "publisher", "site", "site_name", "sitename")
_AUTHOR_KEYS = ("author", "authors", "by", "byline")
_DATE_KEYS = ("date", "published", "updated")
_LEAF_BLOCKS = {"paragraph_open", "heading_open", "fence", "code_block", "table_open"}


def split_front_matter(lines: list[str]) -> tuple[dict, int]:
    """The YAML front matter's fields (empty if absent or unreadable), and how many lines it takes."""
    if not lines or lines[0].strip() != _FRONT_MATTER_FENCE:
        return {}, 0
    end = next((i for i in range(1, len(lines)) if lines[i].strip() in _FRONT_MATTER_END), None)
    if end is None:
        return {}, 0
    import yaml

    try:
        fields = yaml.safe_load("\n".join(lines[1:end]))
    except yaml.YAMLError:
        fields = None
    return (fields if isinstance(fields, dict) else {}), end + 1


def front_matter_metadata(fields: dict) -> dict[str, str]:
    """title, outlet, author and date from front matter fields, whatever common key names they use."""
    lowered = {str(key).lower(): value for key, value in fields.items() if value not in (None, "", [])}

    def first(keys):
        return next((lowered[key] for key in keys if key in lowered), None)

    metadata: dict[str, str] = {}
    if isinstance(lowered.get("title"), str | int | float):
        metadata["title"] = collapse_whitespace(str(lowered["title"]))
    if (outlet := first(_OUTLET_KEYS)) is not None:
        metadata["outlet"] = str(outlet)
    if (author := first(_AUTHOR_KEYS)) is not None:
        metadata["author"] = ", ".join(map(str, author)) if isinstance(author, list) else str(author)
    if (date := first(_DATE_KEYS)) is not None:
        metadata.update(iso_date(date))
    return metadata


def _inline_text(token) -> str:
    """An inline token's text: link and emphasis markup dropped, images and raw HTML left out, breaks kept."""
    parts = []
    for child in token.children or ():
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append("\n")
    return "".join(parts)


def reduce_markdown(body_lines: list[str]) -> tuple[list[str], list[tuple[int, int]], int | None]:
    """(text lines, line ranges of the blocks, index of the first heading's block) of a Markdown body.

    The text has one line per body line; a line that held only markup is empty.
    """
    from markdown_it import MarkdownIt

    parser = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    out = [""] * len(body_lines)
    ranges: list[tuple[int, int]] = []
    heading = None
    for token in parser.parse("\n".join(body_lines)):
        if token.type in _LEAF_BLOCKS and token.map:
            if token.type == "heading_open" and heading is None:
                heading = len(ranges)
            ranges.append(tuple(token.map))
        if token.type == "inline" and token.map:
            text_lines, first = _inline_text(token).split("\n"), token.map[0]
        elif token.type in ("fence", "code_block") and token.map:
            text_lines, first = token.content.rstrip("\n").split("\n"), token.map[0] + (token.type == "fence")
        else:
            continue
        for offset, text in enumerate(text_lines):
            row = min(first + offset, token.map[1] - 1)
            out[row] = f"{out[row]} | {text}" if out[row].strip() else text
    return out, ranges, heading


def _blocks(lines: list[str], ranges: list[tuple[int, int]]) -> tuple[list[Block], dict[int, int]]:
    """Blocks over the text lines for each non-empty line range, and the block index each range became."""
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line) + 1)
    blocks: list[Block] = []
    index_of: dict[int, int] = {}
    for position, (first, end) in sorted(enumerate(ranges), key=lambda item: item[1]):
        filled = [row for row in range(first, min(end, len(lines))) if lines[row].strip()]
        if not filled:
            continue
        start = starts[filled[0]] + len(lines[filled[0]]) - len(lines[filled[0]].lstrip())
        stop = starts[filled[-1]] + len(lines[filled[-1]].rstrip())
        index_of[position] = len(blocks)
        blocks.append(Block(len(blocks), start, stop, filled[0] + 1, filled[-1] + 1))
    return blocks, index_of


def read_markdown_article(path: Path, data: bytes) -> Article:
    decoded = decode(data, path)
    lines = decoded.text.splitlines()
    fields, skip = split_front_matter(lines)
    body, ranges, heading = reduce_markdown([""] * skip + lines[skip:])
    source = "\n".join(body) + "\n"
    blocks, index_of = _blocks(body, ranges)
    if not blocks:
        raise IngestError(path, "empty")
    title_block = index_of.get(heading, 0) if heading is not None else 0
    stated = front_matter_metadata(fields)
    title = stated.pop("title", None) or collapse_whitespace(
        source[blocks[title_block].start : blocks[title_block].end]
    )
    metadata = {**text_metadata(source, tuple(blocks), title_block), **stated, "format": "markdown"}
    return Article(path, source, content_hash(data), title, title_block, tuple(blocks), metadata, decoded.encoding)
