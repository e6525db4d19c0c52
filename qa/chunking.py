"""Turn an article's paragraph blocks into passages: the units that are embedded and shown.

The headline joins the block after it, and tiny fragments (a byline, a date,
"Discuss This Article") are merged with a neighbour; very long paragraphs are split at sentence boundaries. Passages are
contiguous spans of the source, in order, covering every block.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from qa.article import Article, Block
from qa.text import normalize_for_search

# Bump whenever passage boundaries or search text could change: stored articles are re-chunked.
# 3: the lexical title column holds the article's outlet too. 4: lines over PIECE_CHARS split before pysbd.
# 5: sentences over RUN_ON_WORDS split at likely sentence ends.
CHUNKER_VERSION = 5

MIN_WORDS = 8  # a block shorter than this is a fragment, merged with a neighbour
MAX_WORDS = 160  # a block longer than this is split at sentence boundaries
TARGET_WORDS = 100  # the size split pieces aim for
# News paragraphs are often one or two sentences: a passage shorter than GROW_BELOW words takes
# in the next block while it stays within MAX_PASSAGE_WORDS, so that a passage carries its context
# (figures in bench/results/ranking_history.md).
GROW_BELOW = 90
MAX_PASSAGE_WORDS = 120
_WRAPPED_LINE = range(40, 101)  # line lengths of hard-wrapped text
# pysbd's time per character grows with the length of what it is given and with how many list-like or
# abbreviation-like marks it holds ("a. a. a.", "Mr. Mr."): it reads a line in pieces of at most PIECE_CHARS,
# cut after a likely sentence end, and only the first SEGMENTED_CHARS of an article (longer than any news
# story); sentences of the rest end at a likely sentence end, so every article is cut in linear time.
PIECE_CHARS = 2000
SEGMENTED_CHARS = 100_000
_LIKELY_END = re.compile(r"[a-z]{3}[.!?]['\"”’)]?\s+")  # after a word, not an initial or "Mr."
# pysbd rewrites a piece once per abbreviation-like mark in it: a piece with more is a list or noise, not prose
_MARKS = re.compile(r"(?<!\w)\w{1,3}\.")
MAX_MARKS = 60
# pysbd keeps a quotation whole, and a stray quotation mark (common in scraped news) runs many sentences into one:
# a "sentence" this long is cut again at its likely sentence ends.
RUN_ON_WORDS = 60
_RUN_ON_END = re.compile(_LIKELY_END.pattern + r"(?!\d)")  # and no number next: "Sept. 21" is no end

Span = tuple[int, int]


@dataclass(frozen=True)
class Passage:
    ordinal: int  # position within the article
    start: int  # character span in the article's source
    end: int
    first_block: int
    last_block: int
    first_line: int  # 1-based, inclusive
    last_line: int
    sentences: tuple[Span, ...]  # character spans in the source, in order
    text: str  # source[start:end], exactly as written
    lines_in: str = "file"  # "file": lines of the article's file; "extracted": lines of the extracted text

    @property
    def search_text(self) -> str:
        return normalize_for_search(self.text)


def word_count(text: str) -> int:
    return len(text.split())


@cache
def _segmenter():
    import pysbd

    return pysbd.Segmenter(language="en", clean=False)


def _line_spans(text: str) -> list[Span]:
    """Spans of the non-blank lines of a block, or one span when the block is hard-wrapped prose."""
    spans: list[Span] = []
    offset = 0
    for line in text.splitlines(keepends=True):
        stripped = line.strip()
        if stripped:
            start = offset + len(line) - len(line.lstrip())
            spans.append((start, start + len(stripped)))
        offset += len(line)
    wrapped = len(spans) > 1 and all(end - start in _WRAPPED_LINE for start, end in spans[:-1])
    return [(spans[0][0], spans[-1][1])] if wrapped else spans


def _pieces(text: str) -> list[Span]:
    """Spans covering text, each at most PIECE_CHARS long and at least half that (but the last): cut after the
    last likely sentence end in its second half, else after its last space there, else at the limit."""
    spans: list[Span] = []
    start = 0
    while len(text) - start > PIECE_CHARS:
        window = text[start + PIECE_CHARS // 2 : start + PIECE_CHARS]
        ends = [match.end() for match in _LIKELY_END.finditer(window)]
        cut = ends[-1] if ends else window.rfind(" ") + 1 or len(window)
        spans.append((start, start + PIECE_CHARS // 2 + cut))
        start = spans[-1][1]
    return [*spans, (start, len(text))]


def _segments(piece: str, careful: bool) -> list[str]:
    """The sentences of a piece: pysbd's when careful and the piece is prose (its processor alone: its own search
    for the sentences in the text takes quadratic time), else the piece cut after each likely sentence end."""
    if not careful or len(_MARKS.findall(piece)) > MAX_MARKS:
        return [piece[start:end] for start, end in _spans_between(piece, _LIKELY_END.finditer(piece))]
    try:
        return _segmenter().processor(piece).process()
    except ValueError:  # pysbd's numbered-list detection fails on some control characters ("\x1f4.")
        return [piece]


def _spans_between(text: str, ends) -> list[Span]:
    cuts = [0, *(match.end() for match in ends), len(text)]
    return [(start, end) for start, end in zip(cuts, cuts[1:], strict=False) if start < end]


def sentence_spans(text: str, careful_chars: int = SEGMENTED_CHARS) -> list[Span]:
    """Sentence spans within text; a line break in unwrapped text also ends a sentence. pysbd finds those in
    the first careful_chars characters, likely sentence ends alone the others; a sentence over RUN_ON_WORDS is cut
    again at its likely ends."""
    spans: list[Span] = []
    for line_start, line_end in _line_spans(text):
        line = text[line_start:line_end]
        found: list[list[int]] = []
        for piece_start, piece_end in _pieces(line):
            piece = line[piece_start:piece_end]
            cursor = 0
            for sentence in _segments(piece, line_start + piece_start < careful_chars):
                sentence = sentence.strip()
                position = piece.find(sentence, cursor) if sentence else -1
                if position >= 0:
                    offset = piece_start + position
                    found.extend([offset + start, offset + end] for start, end in _run_on_cut(sentence))
                    cursor = position + len(sentence)
        if not found:
            found = [[0, len(line)]]
        found[-1][1] = len(line)  # whatever the segmenter left over belongs to the last sentence
        spans.extend((line_start + start, line_start + end) for start, end in found)
    return spans


def _run_on_cut(sentence: str) -> list[Span]:
    """A sentence's span, or the spans of the sentences run into it, cut after each likely end, when it runs on."""
    if word_count(sentence) <= RUN_ON_WORDS:
        return [(0, len(sentence))]
    return [
        (start, start + len(sentence[start:end].rstrip()))
        for start, end in _spans_between(sentence, _RUN_ON_END.finditer(sentence))
    ]


@dataclass
class _Unit:
    """A block, or a sentence-aligned piece of a long block, before fragments are merged."""

    start: int
    end: int
    block: int
    sentences: list[Span]
    words: int


def _units(article: Article, block: Block) -> list[_Unit]:
    text = article.block_text(block)
    sentences = [(block.start + s, block.start + e) for s, e in sentence_spans(text, SEGMENTED_CHARS - block.start)]
    words = word_count(text)
    if words <= MAX_WORDS or len(sentences) < 2:
        return [_Unit(block.start, block.end, block.index, sentences, words)]
    pieces: list[_Unit] = []
    for start, end in sentences:
        count = word_count(article.source[start:end])
        if pieces and pieces[-1].words + count <= TARGET_WORDS:
            pieces[-1].end = end
            pieces[-1].sentences.append((start, end))
            pieces[-1].words += count
        else:
            pieces.append(_Unit(start, end, block.index, [(start, end)], count))
    return pieces


def _merge_fragments(units: list[_Unit], title_block: int) -> list[list[_Unit]]:
    """Group units so that no group is a lone fragment or headline (those join what follows, a trailing one
    what precedes), and short runs of paragraphs grow into passages of up to MAX_PASSAGE_WORDS."""
    groups: list[list[_Unit]] = []
    for unit in units:
        words = sum(u.words for u in groups[-1]) if groups else 0
        if groups and (
            words < MIN_WORDS
            or groups[-1][-1].block == title_block
            and words < TARGET_WORDS
            or words < GROW_BELOW
            and words + unit.words <= MAX_PASSAGE_WORDS
        ):
            groups[-1].append(unit)
        else:
            groups.append([unit])
    if len(groups) > 1 and sum(u.words for u in groups[-1]) < MIN_WORDS:
        groups[-2].extend(groups.pop())
    return groups


def file_lines(article: Article, start: int, end: int, first_block: int, last_block: int) -> tuple[int, int, str]:
    """(first line, last line, what they count) of a passage spanning source[start:end] and those blocks.

    Lines of the file when the source's lines are the file's, or when the passage's
    first and last blocks were found in the file; else lines of the extracted text.
    """
    if not article.source_lines_are_file_lines:
        first, last = article.blocks[first_block].file_lines, article.blocks[last_block].file_lines
        if first and last and first[0] <= last[1]:
            return first[0], last[1], "file"
    kind = "file" if article.source_lines_are_file_lines else "extracted"
    return article.line_of(start), article.line_of(end - 1), kind


def chunk(article: Article) -> list[Passage]:
    source = article.source
    units = [unit for block in article.blocks for unit in _units(article, block)]
    passages = []
    for ordinal, group in enumerate(_merge_fragments(units, article.title_block)):
        start, end = group[0].start, group[-1].end
        first_line, last_line, lines_in = file_lines(article, start, end, group[0].block, group[-1].block)
        passages.append(
            Passage(
                ordinal=ordinal,
                start=start,
                end=end,
                first_block=group[0].block,
                last_block=group[-1].block,
                first_line=first_line,
                last_line=last_line,
                sentences=tuple(span for unit in group for span in unit.sentences),
                text=source[start:end],
                lines_in=lines_in,
            )
        )
    return passages
