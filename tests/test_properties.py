"""Properties of ingestion and chunking for any article text: no crash, exact spans, order, full coverage."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qa.article import IngestError
from qa.chunking import chunk
from qa.ingest import read_article

WORDS = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), min_size=1, max_size=12)
SPACES = st.sampled_from([" ", "  ", "\t", "\u00a0", "\u3000"])
LINE_BREAKS = st.sampled_from(["\n", "\r\n", "\n\n", "\n \n", "\n\n\n", "\r"])


@st.composite
def articles(draw) -> str:
    """Article-like text: words, odd spaces and line breaks, sometimes huge paragraphs or none at all."""
    shape = draw(st.sampled_from(["mixed", "one huge paragraph", "no blank lines", "whitespace only", "any text"]))
    if shape == "whitespace only":
        return draw(st.text(st.sampled_from(" \t\n\r\u00a0\u2028"), max_size=50))
    if shape == "any text":
        return draw(st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=3000))
    count = draw(st.integers(1, 1200 if shape == "one huge paragraph" else 300))
    words = draw(st.lists(WORDS, min_size=count, max_size=count))
    separators = {
        "mixed": st.one_of(SPACES, LINE_BREAKS, st.just(". ")),
        "one huge paragraph": st.one_of(SPACES, st.just(". ")),
        "no blank lines": st.one_of(SPACES, st.just("\n"), st.just(". ")),
    }[shape]
    gaps = draw(st.lists(separators, min_size=count, max_size=count))
    return "".join(word + gap for word, gap in zip(words, gaps, strict=True))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(articles())
def test_any_article_text_chunks_into_exact_ordered_spans_covering_every_character(text):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "article.txt"
        path.write_bytes(text.encode("utf-8"))
        try:
            article = read_article(path)
        except IngestError as error:  # only an article with nothing in it is refused
            assert not text.strip() or "empty" in str(error)
            return
    passages = chunk(article)
    assert passages
    source = article.source
    covered = set()
    previous_end = 0
    for passage in passages:
        assert source[passage.start : passage.end] == passage.text
        assert previous_end <= passage.start < passage.end  # in order, never overlapping
        previous_end = passage.end
        covered.update(range(passage.start, passage.end))
        for start, end in passage.sentences:
            assert passage.start <= start < end <= passage.end
    blank = {i for i, character in enumerate(source) if character.isspace()}
    assert set(range(len(source))) - blank <= covered  # every non-blank character is in some passage
