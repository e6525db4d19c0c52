"""Ingest and chunk: spans index the source exactly, nothing is dropped, fragments merge, long paragraphs split."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import SEEDS

from qa.article import MAX_TITLE_CHARS, IngestError, headline
from qa.chunking import MAX_WORDS, MIN_WORDS, chunk, sentence_spans
from qa.ingest import read_article
from qa.text import normalize_for_search

SEED_FILES = sorted(SEEDS.glob("*.txt"))


def test_five_seed_articles_are_the_shared_ones_unchanged():
    assert [f.name for f in SEED_FILES] == [
        "000_3bfce553260361f3.txt",
        "001_f2d3ef5ba37a2115.txt",
        "002_10add52973f599f4.txt",
        "003_17e51d554a60860d.txt",
        "004_7d1420245ddc1626.txt",
    ]


@pytest.mark.parametrize("path", SEED_FILES, ids=lambda p: p.name)
def test_every_seed_passage_is_its_exact_source_span(path: Path):
    article = read_article(path)
    source = path.read_bytes().decode("utf-8")
    lines = source.split("\n")
    passages = chunk(article)
    assert passages
    for passage in passages:
        assert source[passage.start : passage.end] == passage.text
        assert lines[passage.first_line - 1].strip() and passage.text.startswith(lines[passage.first_line - 1].strip())
        assert passage.text.endswith(lines[passage.last_line - 1].strip())
        for start, end in passage.sentences:
            assert passage.start <= start < end <= passage.end


@pytest.mark.parametrize("path", SEED_FILES, ids=lambda p: p.name)
def test_passages_are_ordered_and_cover_every_non_blank_character(path: Path):
    article = read_article(path)
    passages = chunk(article)
    covered = [False] * len(article.source)
    previous_end = 0
    for passage in passages:
        assert passage.start >= previous_end
        previous_end = passage.end
        covered[passage.start : passage.end] = [True] * (passage.end - passage.start)
    assert all(covered[i] for i, char in enumerate(article.source) if not char.isspace())
    assert [p.first_block for p in passages] == sorted(p.first_block for p in passages)
    assert passages[-1].last_block == len(article.blocks) - 1


def test_titles_are_headlines_and_a_site_banner_is_an_outlet():
    titles = {path.name: read_article(path) for path in SEED_FILES}
    assert titles["001_f2d3ef5ba37a2115.txt"].title == "US-led coalition ‘killed 1,600 civilians’ in Syria’s Raqqa"
    sputnik = titles["004_7d1420245ddc1626.txt"]
    assert sputnik.title == "US-Led Coalition Killed Over 1,600 Civilians in Syria's Raqqa - Amnesty"
    assert sputnik.metadata["outlet"] == "Sputnik International"


def test_a_story_on_one_line_is_titled_by_its_opening_words(tmp_path):
    one_line = tmp_path / "one-line.txt"
    one_line.write_text(" ".join((SEEDS / "001_f2d3ef5ba37a2115.txt").read_text(encoding="utf-8").split()))
    article = read_article(one_line)
    assert article.title.startswith("US-led coalition ‘killed 1,600 civilians’ in Syria’s Raqqa Amnesty")
    assert article.title.endswith("…") and len(article.title) <= MAX_TITLE_CHARS
    assert article.source[: len(article.title) - 1] == article.title[:-1]  # whole words, as written
    assert "Amnesty and Airwars" in " ".join(p.text for p in chunk(article))  # the text is all still passages


@pytest.mark.parametrize(
    ("title", "shown"),
    [
        ("Short headline", "Short headline"),
        ("word " * 40, "word " * 31 + "word…"),  # the 160th character a space: the last word is whole
        ("words " * 40, "words " * 25 + "words…"),  # a word cut at the 160th: left out
        ("a " + "x" * 200, "a " + "x" * 157 + "…"),  # one long word: cut within it
        ("  " + "y" * 200, "y" * 159 + "…"),
    ],
)
def test_a_title_is_cut_after_a_whole_word_where_it_can_be(title, shown):
    assert headline(title) == shown and len(shown) <= MAX_TITLE_CHARS


def test_fragments_are_merged_and_the_headline_joins_its_lede():
    passages = chunk(read_article(SEEDS / "003_17e51d554a60860d.txt"))
    first = passages[0]
    assert "Saul Bowman" in first.text and "August 9, 2017" in first.text and first.first_block == 0
    assert all(len(p.text.split()) >= MIN_WORDS for p in passages)
    assert "Discuss This Article" in passages[-1].text and passages[-1].last_block - passages[-1].first_block >= 1
    headline = chunk(read_article(SEEDS / "001_f2d3ef5ba37a2115.txt"))[0]
    assert "only admitted to 10 percent" in headline.text


def test_search_text_is_nfkc_normalised_but_text_is_shown_as_written():
    passages = chunk(read_article(SEEDS / "004_7d1420245ddc1626.txt"))
    written = next(p for p in passages if "1,291 civilians while" in p.text)
    assert "\u00a0" in written.text
    assert "\u00a0" not in written.search_text
    assert "killed at least 1,291 civilians" in written.search_text
    assert normalize_for_search("a\u00a0b\n\n c") == "a b c"


def test_a_very_long_paragraph_is_split_at_sentence_boundaries(tmp_path):
    sentences = [
        f"Sentence number {i} tells of the siege of the city and its many civilian victims." for i in range(60)
    ]
    path = tmp_path / "long.txt"
    path.write_text("A long story\n\n" + " ".join(sentences) + "\n")
    passages = chunk(read_article(path))
    body = passages[1:] if len(passages) > 1 else passages
    assert len(passages) >= 5
    assert all(len(p.text.split()) <= MAX_WORDS for p in passages)
    assert all(p.text.endswith(".") for p in body)
    assert " ".join(p.text for p in passages).count("Sentence number") == 60


def test_crlf_text_keeps_exact_spans(tmp_path):
    path = tmp_path / "crlf.txt"
    path.write_bytes(b"Headline here\r\n\r\nFirst paragraph of the story, long enough to stand alone.\r\n")
    article = read_article(path)
    for passage in chunk(article):
        assert article.source[passage.start : passage.end] == passage.text


@pytest.mark.parametrize(
    ("content", "reason"), [(b"", "empty"), (b"  \n\n \n", "empty"), (b"\x00\x01binary", "binary file")]
)
def test_unusable_files_raise_a_clear_error(tmp_path, content, reason):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(IngestError, match=reason) as raised:
        read_article(path)
    assert raised.value.reason == reason


@pytest.mark.parametrize(
    ("content", "encoding"),
    [
        (b"Caf\xe9 news\n\nThe caf\xe9 reopened.\n", "cp1252"),
        (b"Caf\x81 news\n\nByte 0x81 is not cp1252.\n", "latin-1"),
    ],
)
def test_text_that_is_not_utf8_is_decoded_with_a_stated_fallback(tmp_path, content, encoding):
    path = tmp_path / "legacy.txt"
    path.write_bytes(content)
    article = read_article(path)
    assert article.encoding == encoding
    assert article.source == content.decode(encoding)


def test_a_line_the_sentence_splitter_fails_on_is_one_sentence():
    line = "Item \x1f4. was listed twice"  # pysbd raises ValueError on a control character before a list number
    assert sentence_spans(line) == [(0, len(line))]


def test_sentences_run_together_by_a_stray_quotation_mark_are_cut_apart():
    # Scraped news often loses a closing quotation mark, and the sentence splitter then keeps all that follows as one.
    sentences = [
        '" Police have confirmed a 42-year-old man from Beckenham has been arrested on suspicion of manslaughter.',
        "He is currently in police custody following the deadly crash on Wednesday morning.",
        "Robin Smith, Assistant Chief Constable at the British Transport Police, confirmed there had been fatalities "
        'and called it a "tragic" incident.',
        'He said: "Sadly we can say there has been some loss of life.',
    ]
    line = " ".join(sentences)
    assert [line[start:end] for start, end in sentence_spans(line)] == sentences


def test_a_run_on_sentence_is_not_cut_after_an_abbreviated_month():
    # the stray quotation mark makes the splitter return all of it as one run-on sentence
    line = '" The agency reported on Sept. 21 that ' + "the count went on " * 13 + "until the end. Then it stopped."
    assert [line[start:end] for start, end in sentence_spans(line)] == [line[: line.index(" Then")], "Then it stopped."]
