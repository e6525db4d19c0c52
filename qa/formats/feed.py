"""RSS and Atom feeds (.rss, .atom, read with feedparser): each item is an article.

An item's text is its full content (`content:encoded`, Atom `content`), else its summary:
such an item is kept as a short article marked `summary_only`. HTML in either is reduced
to its paragraphs. The source is the item's title, a blank line, then those paragraphs,
blank-line separated; `url` is the item's link, `outlet` the feed's title, `record_id` the
item's guid or id.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import partial
from pathlib import Path

from qa.article import Article, IngestError, content_hash
from qa.formats.fields import fields_article
from qa.formats.html import html_paragraphs
from qa.formats.records import MAX_RECORD_BYTES, BadRecord, Record


def _item_article(path: Path, fields: dict, digest: str, index: int, summary_only: bool) -> Article:
    metadata = {"format": "feed", "record": index, **({"summary_only": True} if summary_only else {})}
    return fields_article(path, fields, {}, digest, metadata)


def feed_records(path: Path, salt: bytes) -> Iterator[Record | BadRecord]:
    import feedparser

    try:
        data = path.read_bytes()
    except OSError as error:
        raise IngestError(path, f"unreadable: {error.strerror or error}") from None
    parsed = feedparser.parse(data)
    if not parsed.entries:
        raise IngestError(path, "no feed items")
    outlet = parsed.feed.get("title", "")
    for index, entry in enumerate(parsed.entries):
        content = "\n".join(part.get("value", "") for part in entry.get("content", []))
        summary_only = not content.strip()
        markup = entry.get("summary", "") if summary_only else content
        if len(markup) > MAX_RECORD_BYTES:
            yield BadRecord(index, None, f"record over {MAX_RECORD_BYTES // 2**20} MiB")
            continue
        fields = {
            "title": entry.get("title", ""),
            "text": html_paragraphs(markup) if markup.strip() else "",
            "date": entry.get("published") or entry.get("updated") or "",
            "outlet": outlet,
            "author": entry.get("author", ""),
            "url": entry.get("link", ""),
            "id": entry.get("id", ""),
        }
        digest = content_hash(salt + json.dumps(fields, sort_keys=True).encode())
        yield Record(index, None, digest, partial(_item_article, path, fields, digest, index, summary_only))
