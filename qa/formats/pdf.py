"""PDF reports: the text of each page as pypdf extracts it, paragraphs rebuilt, running heads left out.

pypdf reads text in the order the PDF draws it, which keeps a column whole and a table
row on one line (bench/pdf_extraction.py compares it with pdfplumber and pdfminer's
layout analysis). On each page, a first or last line that recurs (digits aside) on at
least half of the pages, or that is only a page number, is a running header or footer
and is left out. The remaining lines are joined into paragraphs: a line ending in a
hyphen between letters joins the next without it, and a paragraph ends where a line
ends a sentence short of the document's full lines, or stops well short of them (a
heading, a table row). A paragraph left open at the
foot of a page goes on at the top of the next.

The article's source is the paragraphs, blank-line separated, headline first (the
PDF's title, else its first paragraph). Its metadata keeps `page_lines`, the source
offset at which each kept line of each page begins, so a passage cites its page and its
lines within the page (qa/locations.py).
"""

from __future__ import annotations

import io
import logging
import re
from collections import Counter
from pathlib import Path

from qa.article import Article, IngestError, content_hash, split_blocks
from qa.text import collapse_whitespace

_PAGE_NUMBER = re.compile(r"^\W*(?:page\s*)?\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?\W*$", re.IGNORECASE)
_DIGITS = re.compile(r"\d+")
_HYPHENATED = re.compile(r"[^\W\d]-$")
_SENTENCE_END = re.compile(r"[.!?:;][\"'”’)\]]*$")
SHORT_LINE = 0.8  # of the document's full lines: a line ending a sentence before this ends its paragraph
HEADING_LINE = 0.6  # and a line shorter than this (a heading, a table row) ends its paragraph in any case
EDGE_LINES = 2  # lines at the top and at the foot of a page looked at as running heads


def _page_lines(reader) -> list[list[str]]:
    return [[line.strip() for line in (page.extract_text() or "").splitlines()] for page in reader.pages]


def _running_heads(pages: list[list[str]]) -> set[str]:
    """Lines (digits masked) that stand at a page's top or foot on at least half of the pages (two at least)."""
    seen: Counter[str] = Counter()
    for lines in pages:
        filled = [line for line in lines if line]
        edges = {_DIGITS.sub("#", line) for line in filled[:EDGE_LINES] + filled[-EDGE_LINES:]}
        seen.update(edges)
    return {line for line, count in seen.items() if count >= max(2, len(pages) / 2)}


def _body(lines: list[str], heads: set[str]) -> list[str]:
    """The page's lines less running heads and page numbers at its top and foot."""
    filled = [line for line in lines if line]

    def is_head(line: str) -> bool:
        return _DIGITS.sub("#", line) in heads or bool(_PAGE_NUMBER.match(line))

    while filled and is_head(filled[0]):
        filled.pop(0)
    while filled and is_head(filled[-1]):
        filled.pop()
    return filled


def _rebuild(pages: list[list[str]]) -> tuple[str, list[list[int]]]:
    """The paragraphs of the pages as one text, and each kept line's start offset in it, page by page."""
    text = ""
    starts: list[list[int]] = []
    open_paragraph = False
    lengths = sorted(len(line) for lines in pages for line in lines)
    width = lengths[len(lengths) * 3 // 4] if lengths else 0  # of the document's full lines
    for lines in pages:
        starts.append([])
        for line in lines:
            if not open_paragraph and text:
                text += "\n\n"
            elif open_paragraph and not _HYPHENATED.search(text):
                text += " "
            elif open_paragraph:
                text = text[:-1]  # the hyphen that broke a word
            starts[-1].append(len(text))
            text += line
            short = len(line) < SHORT_LINE * width
            open_paragraph = not (short and _SENTENCE_END.search(line) or len(line) < HEADING_LINE * width)
    return text + "\n", starts


def read_pdf_article(path: Path, data: bytes) -> Article:
    import pypdf

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # a damaged file is reported once, as a skip
    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise IngestError(path, "encrypted PDF (needs a password)")
        pages = _page_lines(reader)
        title = collapse_whitespace(str((reader.metadata or {}).get("/Title") or ""))
        author = collapse_whitespace(str((reader.metadata or {}).get("/Author") or ""))
    except IngestError:
        raise
    except Exception as error:  # pypdf raises many kinds of error on a damaged file; each is a skip
        if "crypt" in type(error).__name__.lower() or "encrypt" in str(error).lower():
            raise IngestError(path, "encrypted PDF (needs a password)") from None
        raise IngestError(path, f"unreadable PDF ({type(error).__name__})") from None
    if not any(pages):
        raise IngestError(path, "no text layer (an image-only PDF)")
    heads = _running_heads(pages)
    body, starts = _rebuild([_body(lines, heads) for lines in pages])
    if title and not body.startswith(title):
        body = f"{title}\n\n{body}"
        starts = [[offset + len(title) + 2 for offset in page] for page in starts]
    blocks = split_blocks(body)
    title = title or collapse_whitespace(body[blocks[0].start : blocks[0].end])
    metadata = {"author": author} if author else {}
    metadata.update(format="pdf", page_lines=starts)
    return Article(path, body, content_hash(data), title, 0, blocks, metadata, source_lines_are_file_lines=False)
