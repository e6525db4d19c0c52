"""Saved news pages: trafilatura extracts the story and its metadata; blocks are found back in the file.
HTML fragments (a feed item's content, a record's HTML body) are reduced to their paragraphs.

The article's source is the extracted main text, headline first, one paragraph per
block (navigation, ads, cookie banners, related links and reader comments left out by
the extractor). To cite the saved file, each block's first and last characters are
looked up in the page's text as the standard library's HTML parser reads it, with the
file line of every character; a block found there gets `file_lines`, others keep only
their line in the extracted text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

from qa.article import Article, IngestError, content_hash, decode, split_blocks
from qa.formats.metadata import iso_date, text_metadata
from qa.text import collapse_whitespace, normalize_for_search

KEY_CHARS = 40  # characters (whitespace aside) matched at each end of a block
_INVISIBLE = frozenset({"script", "style", "title", "noscript", "template"})
# Dates only where the page states them (meta tags, <time>, the URL), never guessed from free text.
_DATE_PARAMS = {"extensive_search": False, "original_date": True}
_BLOCK_TAGS = ("p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "td")
# Text with a closing tag or a line break tag is markup; a ticker such as "<B>" in wire copy is not.
_MARKUP_TAG = re.compile(r"</(?:p|div|span|a|li|ul|ol|h[1-6]|em|strong|b|i|table|tr|td|blockquote)>|<br\s*/?>", re.I)


def looks_like_markup(text: str) -> bool:
    return _MARKUP_TAG.search(text) is not None


def html_paragraphs(markup: str) -> str:
    """The paragraphs of an HTML fragment, blank-line separated (the fragment's whole text when it has none)."""
    import lxml.html

    try:
        root = lxml.html.fragment_fromstring(markup, create_parent="div")
    except Exception:  # lxml's parser errors on odd fragments are many; the text is then taken as it is
        return markup
    blocks = [collapse_whitespace(element.text_content()) for element in root.iter(*_BLOCK_TAGS)]
    blocks = [block for block in blocks if block]
    return "\n\n".join(blocks) if blocks else collapse_whitespace(root.text_content())


def _squeeze(text: str) -> str:
    return normalize_for_search(text).replace(" ", "")


class _PageText(HTMLParser):
    """The page's visible text with whitespace removed, and the file line of each character."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.chars: list[str] = []
        self.lines: list[int] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        self._hidden += tag in _INVISIBLE

    def handle_endtag(self, tag):
        if tag in _INVISIBLE and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if self._hidden:
            return
        line = self.getpos()[0]
        for char in unicodedata.normalize("NFKC", data):
            if char == "\n":
                line += 1
            elif not char.isspace():
                self.chars.append(char)
                self.lines.append(line)


def locate(page: str, texts: list[str]) -> list[tuple[int, int] | None]:
    """The file lines (first, last) of each text in the page, in order, or None where it is not found."""
    parser = _PageText()
    parser.feed(page)
    parser.close()
    haystack = "".join(parser.chars)
    found: list[tuple[int, int] | None] = []
    cursor = 0
    for text in texts:
        key = _squeeze(text)
        head, tail = key[:KEY_CHARS], key[-KEY_CHARS:]
        start = haystack.find(head, cursor)
        if start < 0:
            start = haystack.find(head)
        end = haystack.find(tail, start) if key and start >= 0 else -1
        if end < 0:
            found.append(None)
            continue
        last = end + len(tail) - 1
        found.append((parser.lines[start], parser.lines[last]))
        cursor = last + 1
    return found


MIN_ARTICLE_CHARACTERS = 25  # letters and digits (of any script) of the shortest text read as an article
_WORD_CHARACTER = re.compile(r"\w")


def page_metadata(document) -> dict[str, str]:
    metadata: dict[str, str] = {}
    outlet = document.sitename or document.hostname
    if outlet:
        metadata["outlet"] = collapse_whitespace(outlet)
    if document.author:
        metadata["author"] = collapse_whitespace(document.author)
    metadata.update(iso_date(document.date))
    return metadata


def _trafilatura():
    """trafilatura, imported without the IPv6 probe urllib3 makes at import (a socket bound to ::1): qa reads
    saved pages and never fetches one."""
    import socket

    probing = socket.has_ipv6
    socket.has_ipv6 = False
    try:
        import trafilatura
    finally:
        socket.has_ipv6 = probing
    return trafilatura


def read_html_article(path: Path, data: bytes) -> Article:
    trafilatura = _trafilatura()
    decoded = decode(data, path)
    if not decoded.text.strip():
        raise IngestError(path, "empty")
    document = trafilatura.bare_extraction(
        decoded.text,
        with_metadata=True,
        include_comments=False,
        favor_precision=True,  # a page with no story yields nothing rather than its menus
        date_extraction_params=_DATE_PARAMS,
    )
    paragraphs = [collapse_whitespace(line) for line in (document.text or "").splitlines()] if document else []
    paragraphs = [paragraph for paragraph in paragraphs if paragraph]
    if len(_WORD_CHARACTER.findall(" ".join(paragraphs))) < MIN_ARTICLE_CHARACTERS:  # a menu and a footer kept
        raise IngestError(path, "no article text found")
    title = collapse_whitespace(document.title or "") or paragraphs[0]
    if paragraphs[0] != title:
        paragraphs.insert(0, title)
    source = "\n\n".join(paragraphs) + "\n"
    blocks = split_blocks(source)
    located = locate(decoded.text, [source[block.start : block.end] for block in blocks])
    blocks = tuple(replace(block, file_lines=lines) for block, lines in zip(blocks, located, strict=True))
    metadata = {**text_metadata(source, blocks, 0), **page_metadata(document), "format": "html"}
    return Article(
        path,
        source,
        content_hash(data),
        title,
        0,
        blocks,
        metadata,
        decoded.encoding,
        source_lines_are_file_lines=False,
    )
