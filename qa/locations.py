"""Where a stored article lies: its file, and the record or page within it.

An article read from one record of a file (a JSON Lines line, a CSV row, a WARC record, a
feed item) is stored under its file's path, "#" and the record's 0-based index; its
metadata holds `record` (and `record_id` when the record has one). A PDF's metadata holds
`page_lines`: for each page, the source offsets at which the page's lines begin, from which
a passage's page and its lines within that page are found. This module is imported by
`qa ask`: it stays light.
"""

from __future__ import annotations

import bisect
from pathlib import Path

RECORD_MARK = "#"
INTERNAL_METADATA = frozenset({"page_lines"})  # kept for citing, not shown as metadata


def record_key(path: str, index: int) -> str:
    """The store key of record `index` of the file at path."""
    return f"{path}{RECORD_MARK}{index}"


def file_of(key: str, metadata: dict) -> str:
    """The file an article was read from: its key, less the record suffix of a record's article."""
    if "record" in metadata:
        return key.removesuffix(f"{RECORD_MARK}{metadata['record']}")
    return key


def listing_order(key: str, metadata: dict) -> tuple[str, int]:
    """An article's place in a listing: by its file, a file's records in their order (record 2 before record 10)."""
    return file_of(key, metadata), metadata.get("record", -1)


def public_metadata(metadata: dict) -> dict:
    return {key: value for key, value in metadata.items() if key not in INTERNAL_METADATA}


def page_lines(metadata: dict, start: int, end: int) -> tuple[int, int, int, int] | None:
    """(first page, line within it, last page, line within it) of source[start:end] in a PDF, 1-based;
    None for an article that has no pages."""
    pages = metadata.get("page_lines")
    if not pages:
        return None
    filled = [number for number, lines in enumerate(pages, start=1) if lines]  # a page may hold no text
    firsts = [pages[number - 1][0] for number in filled]

    def place(offset: int) -> tuple[int, int]:
        page = filled[max(bisect.bisect_right(firsts, offset), 1) - 1]
        return page, max(bisect.bisect_right(pages[page - 1], offset), 1)

    return (*place(start), *place(max(end - 1, start)))


def location_json(key: str, metadata: dict, start: int, end: int, lines: tuple[int, int], lines_in: str) -> dict:
    """The citation fields saying where a passage is: `article` (the file's name), `path` (the file), `lines` and
    `lines_in` ("page" for a PDF, whose `page` is given, with `page_end` when the passage runs onto a later page)."""
    path = file_of(key, metadata)
    located = {"article": Path(path).name, "lines": list(lines), "lines_in": lines_in, "path": path}
    if pages := page_lines(metadata, start, end):
        first_page, first_line, last_page, last_line = pages
        located.update(page=first_page, lines=[first_line, last_line], lines_in="page")
        if last_page != first_page:
            located["page_end"] = last_page
    return located


def place_text(key: str, metadata: dict, start: int, end: int, lines: tuple[int, int], lines_in: str, shown=str) -> str:
    """Where a passage is, in words (its file as `shown` writes it): `file:12-15`, `report.pdf, page 3,
    lines 4-9` (`report.pdf, page 3 line 40 to page 4 line 2`), `export.jsonl, record 12 (id reuters-13),
    lines 3-5` (`line 3` for one line)."""
    located = location_json(key, metadata, start, end, lines, lines_in)
    path = shown(located["path"])
    if "page" in located:
        return f"{path}, {lines_worded(located)}"
    if "record" in metadata:
        named = f" (id {metadata['record_id']})" if metadata.get("record_id") else ""
        return f"{path}, record {metadata['record']}{named}, {lines_worded(located)}"
    first, last = located["lines"]
    span = f"{first}" if first == last else f"{first}-{last}"
    return f"{path}:{span}" + (" of the extracted text" if lines_in != "file" else "")


def lines_worded(located: dict) -> str:
    """The lines of location_json's fields in words: `line 3`, `lines 3-5`, `page 3, lines 4-9`, `page 3 line 40 to
    page 4 line 2`."""
    first, last = located["lines"]
    if "page_end" in located:
        return f"page {located['page']} line {first} to page {located['page_end']} line {last}"
    worded = f"line {first}" if first == last else f"lines {first}-{last}"
    return f"page {located['page']}, {worded}" if "page" in located else worded
