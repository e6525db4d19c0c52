"""Articles held as named fields: news-please JSON files and the records of JSON Lines and CSV exports.

Fields are found by their common names (any case) or by the names given with
`--field ROLE=NAME`. The article's source is its title, a blank line, then its text as
stored (the text alone when there is no title), or its paragraphs when the text is HTML
(`--field text=body_html`); blocks are its blank-line paragraphs, and a passage's lines
are lines of that source.
"""

from __future__ import annotations

from pathlib import Path

from qa.article import Article, IngestError, content_hash, decode, split_blocks
from qa.errors import QAError
from qa.formats.html import html_paragraphs, looks_like_markup
from qa.formats.metadata import iso_date
from qa.text import collapse_whitespace

FIELD_NAMES: dict[str, tuple[str, ...]] = {
    "title": ("title", "headline"),
    "text": ("text", "body", "content", "maintext"),
    "date": ("date", "published", "date_publish", "pubdate", "published_at"),
    "outlet": ("outlet", "source", "publisher", "source_domain"),
    "author": ("author", "authors", "byline"),
    "url": ("url", "link"),
    "id": ("id",),
}


class FieldMappingError(QAError):
    """A --field option that does not name a role and a field."""


def parse_field_options(options: tuple[str, ...]) -> dict[str, str]:
    """{"text": "body_html"} from ("text=body_html",); raises FieldMappingError for anything else."""
    mapping = {}
    for option in options:
        role, _, name = option.partition("=")
        if role not in FIELD_NAMES or not name:
            raise FieldMappingError(f"--field takes ROLE=NAME with ROLE one of {', '.join(FIELD_NAMES)}: {option!r}")
        mapping[role] = name
    return mapping


def field_of(names: list[str], role: str, mapping: dict[str, str]) -> str | None:
    """The name among `names` holding `role`: the one given for it, else the first common name present."""
    lowered = {name.lower(): name for name in reversed(names)}
    wanted = (mapping[role], *FIELD_NAMES[role]) if role in mapping else FIELD_NAMES[role]
    return next((lowered[name.lower()] for name in wanted if name.lower() in lowered), None)


def _as_text(value) -> str:
    """A field's value as text: lists (of authors) joined, objects and nulls ignored."""
    if isinstance(value, list):
        return ", ".join(str(item) for item in value if isinstance(item, str | int | float) and str(item).strip())
    return str(value) if isinstance(value, str | int | float) and not isinstance(value, bool) else ""


def fields_article(path: Path, fields: dict, mapping: dict[str, str], digest: str, metadata: dict) -> Article:
    """The article the fields hold; `metadata` (format, record) is added to what the fields state.
    Raises IngestError ("no text") when the text field is missing or empty."""
    names = list(fields)
    chosen = {role: _as_text(fields[name]) for role in FIELD_NAMES if (name := field_of(names, role, mapping))}
    text = chosen.get("text", "").replace("\r\n", "\n").replace("\r", "\n")
    if looks_like_markup(text):
        text = html_paragraphs(text)
    if not text.strip():
        raise IngestError(path, "no text")
    title = collapse_whitespace(chosen.get("title", ""))
    source = f"{title}\n\n{text}" if title else text
    blocks = split_blocks(source)
    stated = {}
    if chosen.get("outlet"):
        stated["outlet"] = collapse_whitespace(chosen["outlet"])
    if chosen.get("author"):
        stated["author"] = collapse_whitespace(chosen["author"])
    stated.update(iso_date(chosen.get("date")))
    if chosen.get("url"):
        stated["url"] = chosen["url"].strip()
    if chosen.get("id") and "record" in metadata:
        stated["record_id"] = chosen["id"].strip()
    title = title or collapse_whitespace(source[blocks[0].start : blocks[0].end])
    return Article(
        path,
        source,
        digest,
        title,
        0,
        blocks,
        {**stated, **metadata},
        source_lines_are_file_lines=False,
    )


def read_newsplease_article(path: Path, data: bytes) -> Article:
    """A news-please JSON file: one article, its metadata from date_publish, publisher, authors, url."""
    import json

    try:
        fields = json.loads(decode(data, path).text)
    except ValueError:
        raise IngestError(path, "not JSON") from None
    if not isinstance(fields, dict):
        raise IngestError(path, "not a JSON object")
    return fields_article(path, fields, {}, content_hash(data), {"format": "newsplease"})
