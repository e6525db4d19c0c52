"""Web archives (.warc, .warc.gz, read with warcio): each HTML response record is a saved page.

A response record whose HTTP Content-Type is HTML goes through the same trafilatura
extraction as a saved page (qa/formats/html.py); its `url` is the record's target URI
and its `record_id` the WARC-Record-ID. Lines are those of the extracted text. Other
records (requests, metadata, images…) are passed over and counted.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from dataclasses import replace
from functools import partial
from pathlib import Path

from qa.article import Article, IngestError, content_hash
from qa.formats.records import MAX_RECORD_BYTES, BadRecord, Record


def _page_article(path: Path, payload: bytes, digest: str, index: int, uri: str, record_id: str) -> Article:
    from qa.formats.html import read_html_article

    page = read_html_article(path, payload)
    blocks = tuple(replace(block, file_lines=None) for block in page.blocks)  # the page's lines are not the file's
    metadata = {**page.metadata, "format": "warc", "record": index, "record_id": record_id}
    if uri:
        metadata["url"] = uri
    return replace(page, content_hash=digest, blocks=blocks, metadata=metadata)


def warc_records(path: Path, salt: bytes) -> Iterator[Record | BadRecord]:
    """The HTML responses of a WARC file as records; one BadRecord counts the other records passed over."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    passed_over = 0
    try:
        with open(path, "rb") as stream:
            head = stream.read(64)
            if head.startswith(b"\x1f\x8b"):
                head = zlib.decompressobj(wbits=31).decompress(head + stream.read(4096), 8)
            if not head.startswith(b"WARC/"):
                raise IngestError(path, "not a WARC file")
            stream.seek(0)
            for index, record in enumerate(ArchiveIterator(stream)):
                content_type = record.http_headers.get_header("Content-Type", "") if record.http_headers else ""
                if record.rec_type != "response" or "html" not in content_type.lower():
                    passed_over += 1
                    continue
                payload = record.content_stream().read(MAX_RECORD_BYTES + 1)
                if len(payload) > MAX_RECORD_BYTES:
                    yield BadRecord(index, None, f"record over {MAX_RECORD_BYTES // 2**20} MiB")
                    continue
                record.raw_stream.read()  # what the payload leaves of the record (the blank lines closing a chunked one)
                if record.raw_stream.limit:  # bytes its header announces that the file does not hold
                    yield BadRecord(index, None, "truncated: the file ends inside this record")
                    continue
                uri = record.rec_headers.get_header("WARC-Target-URI", "")
                record_id = record.rec_headers.get_header("WARC-Record-ID", "")
                digest = content_hash(salt + uri.encode() + b"\0" + payload)
                yield Record(index, None, digest, partial(_page_article, path, payload, digest, index, uri, record_id))
    except (ArchiveLoadFailed, OSError, EOFError, ValueError, zlib.error, AttributeError) as error:
        # AttributeError: warcio reading a record header the file ends inside
        raise IngestError(path, f"damaged WARC file ({type(error).__name__})") from None
    if passed_over:
        yield BadRecord(None, None, "not an HTML response", passed_over)
