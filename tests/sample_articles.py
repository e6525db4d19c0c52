"""A handful of hand-written news articles, as the indexer hands them to a backend (qa.records.NewArticle): a
paragraph per passage, a sentence per full stop. Shared by the contract suite and the Searcher tests."""

from __future__ import annotations

import hashlib
import re

from qa.chunking import Passage
from qa.records import VECTOR_KEY_BYTES, NewArticle, NewPassage, NewSentence
from qa.text import normalize_for_search

_SENTENCE = re.compile(r"[^.!?]+[.!?]?")

# path: (title, metadata, paragraphs)
ARTICLES: dict[str, tuple[str, dict, list[str]]] = {
    "planet/lanterns.txt": (
        "Harbour festival lights up the bay",
        {"outlet": "Daily Planet", "date": "2019-08-10"},
        [
            "In 2019, 4,000 lanterns were released over the harbour. The crowd cheered until midnight.",
            "The mayor thanked the volunteers who folded the paper boats. Rain had been forecast but never came.",
            "Next year the organisers hope to move the fireworks to the lighthouse pier.",
        ],
    ),
    "gazette/bridge.txt": (
        "River bridge reopens after repairs",
        {"outlet": "Gotham Gazette", "date": "2018-03-02"},
        [
            "The suspension bridge over the Kestrel river reopened on Friday. Repairs took eleven months.",
            "Engineers replaced 212 steel cables and repainted the towers. The work cost 9 million dollars.",
            "Cyclists will share a widened lane with pedestrians from April.",
        ],
    ),
    "wire/lanterns.txt": (
        "Lanterns fill the sky at the harbour festival",
        {"outlet": "Metro Wire", "date": "2019-08-11"},
        [
            "In 2019, 4,000 lanterns were released over the harbour. Families watched from the beach.",
            "Street vendors sold grilled corn and lemonade along the promenade.",
        ],
    ),
    "planet/orchard.txt": (
        "Orchard harvest breaks a record",
        {"outlet": "Daily Planet", "date": "2017-10-05"},
        [
            "Growers in the valley picked 31,000 tonnes of apples this autumn. Pears fared worse after a late frost.",
            "A new cider press opened beside the old granary.",
        ],
    ),
    "notes/observatory.txt": (
        "Observatory telescope restored",
        {},
        [
            "Volunteers restored the brass telescope of the hilltop observatory. Stargazing nights resume in spring.",
        ],
    ),
    "courier/bridge-digest.txt": (
        "Bridge digest",
        {"outlet": "Valley Courier", "date": "2018-03-03"},
        [
            "Traffic returned to the Kestrel bridge this weekend after nearly a year of closure.",
        ],
    ),
}

# Syndicated copies: the same story as another outlet ran it.
COPIES = [("courier/bridge-digest.txt", "gazette/bridge.txt")]


def vector_key(text: str) -> bytes:
    return hashlib.sha256(text.encode()).digest()[:VECTOR_KEY_BYTES]


def new_article(path: str, title: str, metadata: dict, paragraphs: list[str]) -> NewArticle:
    """The article as the indexer would hand it over: its source is the title then the paragraphs."""
    source, passages = title, []
    for ordinal, paragraph in enumerate(paragraphs):
        source += "\n\n"
        start, line = len(source), source.count("\n") + 1
        source += paragraph
        spans = [(start + m.start(), start + m.end()) for m in _SENTENCE.finditer(paragraph) if m.group().strip()]
        spans = [(s + len(source[s:e]) - len(source[s:e].lstrip()), e) for s, e in spans]  # no leading space
        chunk = Passage(ordinal, start, len(source), ordinal + 1, ordinal + 1, line, line, tuple(spans), paragraph)
        sentences = tuple(
            NewSentence(s, e, text, vector_key(text)) for s, e in spans for text in [normalize_for_search(source[s:e])]
        )
        passages.append(NewPassage(chunk, vector_key(chunk.search_text), sentences))
    return NewArticle(path, hashlib.sha256(source.encode()).hexdigest(), title, metadata, passages)


def new_articles() -> list[NewArticle]:
    return [new_article(path, *article) for path, article in ARTICLES.items()]
