"""Which files are articles, and reading one: each format's reader is picked by the file's suffix (or, for
an .xml file, its root element) and imported only when a file of its kind is read.

The article they return, and its `source`, are described in qa/article.py.
"""

from __future__ import annotations

import codecs
import json
import os
import re
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from qa.article import Article, IngestError
from qa.formats.text import read_text_article

if TYPE_CHECKING:
    from qa.formats.records import BadRecord, Record

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
MAX_FILE_BYTES = 50 << 20  # a larger file is skipped (`qa index --max-size`): no article is that long


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
    return f"{size} byte" + ("s" if size != 1 else "")


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
    if suffix == ".xml":  # a feed is read as records before this; other XML is markup, no article
        raise IngestError(path, "an .xml file that is no RSS or Atom feed")
    return read_text_article(path, data)


def read_records(path: Path, mapping: dict[str, str]) -> Iterator[Record | BadRecord]:
    """The records of a file of records, in order; raises IngestError when the file cannot be read on."""
    salt = json.dumps(sorted(mapping.items())).encode()  # other field names make other articles
    kind = record_format(path)
    if kind == "warc":
        from qa.formats.warc import warc_records

        yield from warc_records(path, salt)  # field names are a matter of exports: web pages and feeds have their own
    elif kind == "feed":
        from qa.formats.feed import feed_records

        yield from feed_records(path, salt)
    else:
        from qa.formats.records import csv_records, jsonl_records

        yield from (csv_records if kind == "csv" else jsonl_records)(path, mapping, salt)
