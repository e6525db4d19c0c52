"""Show answers and summaries on a terminal with rich; plain text when output is not a terminal."""

from __future__ import annotations

import re
from pathlib import Path

from rich.console import Console
from rich.style import Style
from rich.text import Text

from qa.answer import Answer, Result, partial_notice
from qa.figures import DATE, Figure, Mention, copy_of, disagree, same_quantity
from qa.locations import file_of, lines_worded, location_json, place_text
from qa.question import words as question_words
from qa.records import Filters, StoredArticle, StoredPassage
from qa.text import counted, one_line, printable

_ISO_DATE = re.compile(r"\d{4}-\d\d-\d\d")
_YEAR = re.compile(r"\d{4}")
_BLANK_LINES = re.compile(r"\s*\n\s*\n\s*")
_SPACES = re.compile(r"[^\S\n]+")

NOT_CONFIDENT = "Nothing in the index answers this confidently."
NOT_CONFIDENT_FILTERED = "Nothing in the articles the filter lets through ({}) answers this confidently."
NO_VALUE = "No short answer found in the passages (qa ask without --brief shows them)."
NEAREST = "The nearest sentences, which may not answer it:"

PATH = Style(meta={"path": True})  # marks a file path in a text (shows nothing): `wrapped` never breaks it
KEPT = "\ud800"  # a path's space while it is wrapped: one cell, no space, never shown (one_line escapes it)


def _tidy(text: str) -> str:
    """Display form of source text: paragraph breaks become line breaks, runs of spaces one space."""
    return printable(_SPACES.sub(" ", _BLANK_LINES.sub("\n", text)))


def display_path(path: str) -> str:
    """The path relative to the working folder when it lies below it, else as stored."""
    try:
        return str(Path(path).relative_to(Path.cwd()))
    except ValueError:
        return path


def _with_paths(text: str, paths: list[str], style: str) -> Text:
    """text on one line, styled, the files at paths in it (as display_path writes them) marked to be kept whole."""
    marked = Text(one_line(text), style=style)
    marked.highlight_words([one_line(display_path(path)) for path in paths], PATH)
    return marked


def citation(result: Result, style: str = "cyan") -> Text:
    """Title — outlet, date — file:lines: enough for a person to find and check the passage."""
    p = result.passage
    place = place_text(p.path, p.metadata, p.start, p.end, (p.first_line, p.last_line), p.lines_in, display_path)
    path = file_of(p.path, p.metadata)
    parts = [p.title or Path(path).name, _published(p.metadata), place]
    return _with_paths(" — ".join(part for part in parts if part), [path], style)


def _published(metadata: dict, unnamed: str | None = None) -> str:
    """Who published an article (its outlet, else its author, else `unnamed`) and when, as far as it says."""
    who = metadata.get("outlet") or metadata.get("author") or unnamed
    return ", ".join(str(value) for value in (who, metadata.get("date") or metadata.get("date_text")) if value)


def within_file(p: StoredPassage) -> str:
    """Where a passage lies in its file: `lines 12-15`, `page 3, lines 4-9`, `record 12, line 3`."""
    located = location_json(p.path, p.metadata, p.start, p.end, (p.first_line, p.last_line), p.lines_in)
    return (f"record {p.metadata['record']}, " if "record" in p.metadata else "") + lines_worded(located)


def _emphasis(words: list[str]) -> re.Pattern | None:
    """Matches the question's words in a passage; words of four letters or more also match their
    inflections ("kill" matches "killed")."""
    if not words:
        return None
    alternatives = sorted({re.escape(w) + (r"\w*" if len(w) >= 4 else "") for w in words}, key=len, reverse=True)
    return re.compile(rf"\b(?:{'|'.join(alternatives)})\b", re.IGNORECASE)


def passage_text(result: Result, words: list[str] = ()) -> Text:
    """The passage as written, its answering sentence highlighted and the question's words emphasised."""
    p = result.passage
    start, end = (offset - p.start for offset in result.answer)
    text = Text(_tidy(p.text[:start]).lstrip())
    text.append(_tidy(p.text[start:end]), style="bold yellow")
    text.append(_tidy(p.text[end:]).rstrip())
    if pattern := _emphasis(list(words)):
        text.highlight_regex(pattern, style="underline")
    return text


def wrapped(console: Console, entry: Text, label: str = "") -> Text:
    """The entry wrapped to the console's width, hanging beside a label if given (its later lines under its
    first). Unlike rich's own wrapping and table cells, no line ends in spaces, so piped output has none. A path is
    kept whole (_with_paths), past the width if need be: print an entry that may hold one with soft_wrap=True, or
    rich folds it there."""
    indent = len(label) + 1 if label else 0
    width = max(console.width - indent, 20)
    lines = [part for line in entry.split("\n", allow_blank=True) for part in _divided(console, line, width)]
    text = Text()
    for number, line in enumerate(lines):
        line.rstrip()
        if number:
            text.append("\n" + " " * indent)
        elif label:
            text.append(label + " ", style="bold cyan")
        text.append(line)
    return text


def _divided(console: Console, line: Text, width: int) -> list[Text]:
    """One line of text wrapped at its spaces to width, a word longer than that folded; but a line holding a path (a
    span styled PATH) is wrapped at its other spaces alone, a long path running past the width rather than being
    cut where it could no longer be copied."""
    paths = [span for span in line.spans if span.style == PATH]
    if not paths:
        return list(line.wrap(console, width))
    held = list(line.plain)
    for span in paths:
        held[span.start : span.end] = line.plain[span.start : span.end].replace(" ", KEPT)
    # a Text's own overflow "ignore" (not wrap's argument, which stops wrapping) leaves a long word unfolded
    pieces = Text("".join(held), style=line.style, spans=line.spans, overflow="ignore").wrap(console, width)
    for piece in pieces:
        piece.plain = piece.plain.replace(KEPT, " ")
    return list(pieces)


def show_answer(console: Console, answer: Answer, brief: bool = False, filters: Filters = Filters()) -> None:
    """The answer block (the values asked for and their sources), then the passages unless brief; `filters`, those
    the answer was searched with, are named when nothing answers confidently."""
    if answer.searched:
        console.print(wrapped(console, Text(f"(searched: {printable(answer.searched)})", style="dim")))
    if answer.missing:
        console.print(wrapped(console, Text(partial_notice(answer.missing), style="bold red")))
    if not answer.confident:
        console.print(wrapped(console, Text(NOT_CONFIDENT_FILTERED.format(filters) if filters else NOT_CONFIDENT)))
        if not brief:
            show_nearest(console, answer.results)
        return
    show_values(console, answer.figures)
    if brief:
        if not answer.figures:
            console.print(NO_VALUE)
        return
    words = question_words(answer.searched or answer.question)
    for rank, result in enumerate(answer.results, start=1):
        entry = Text.assemble(citation(result), "\n", passage_text(result, words))
        if result.also_in:
            entry.append("\nalso in: ", style="dim")
            entry.append(Text("; ", style="dim").join(citation(r, "dim") for r in result.also_in))
        # a hanging indent keeps results apart on narrow terminals
        console.print(wrapped(console, entry, f"[{rank}]"), soft_wrap=True)
        console.print()


def show_nearest(console: Console, results: list[Result]) -> None:
    """Under a not-confident answer, each passage's best sentence with its citation, dimmed: a reader may still
    find the answer in other words than the question's, and can check it."""
    if results:
        console.print(Text(NEAREST, style="dim"))
    for rank, result in enumerate(results, start=1):
        entry = Text.assemble(citation(result), "\n", (_tidy(result.answer_text).strip(), "dim"))
        console.print(wrapped(console, entry, f"[{rank}]"), soft_wrap=True)


SOURCE_TITLE_CHARS = 48  # a headline naming a source that states no outlet is cut to this length


def _source_line(mention: Mention) -> Text:
    """Who published it, date — file:lines of one mention of a value. The outlet names the source, else its
    author, else its headline (quoted and shortened): a date alone would stand where a reader looks for who said
    it."""
    p = mention.result.passage
    place = place_text(p.path, p.metadata, *mention.phrase_span, mention.lines, p.lines_in, display_path)
    where = _published(p.metadata, p.title and f"“{_shortened(p.title)}”")
    return _with_paths(" — ".join(part for part in (where, place) if part), [file_of(p.path, p.metadata)], "cyan")


def _shortened(title: str) -> str:
    """A headline cut at a word (within a word if its first is longer) to SOURCE_TITLE_CHARS, an ellipsis marking
    the cut."""
    title = " ".join(title.split())
    if len(title) <= SOURCE_TITLE_CHARS:
        return title
    space = title.rfind(" ", 0, SOURCE_TITLE_CHARS)
    return title[: space if space > 0 else SOURCE_TITLE_CHARS - 1].rstrip(",;:") + "…"


def show_values(console: Console, figures: tuple[Figure, ...]) -> None:
    """Each value asked for with a short quoted phrase, what it is of where its sentence says so, and its sources
    (independent stories counted, copies named), most supported first; a line first when the sources disagree."""
    if not figures:
        return
    if disagree(figures):
        console.print(wrapped(console, Text(_disagreement(figures), style="bold")))
    for figure in figures:
        first = figure.first
        entry = Text(_tidy(first.value), style="bold green")
        if first.kind == DATE and _ISO_DATE.fullmatch(first.normalized) and not _YEAR.search(first.value):
            entry.append(f", {first.normalized}", style="green")  # "Wednesday", read by the article's date
        if figure.qualifier:
            entry.append(f" ({_tidy(figure.qualifier)})", style="green")
        support = counted(figure.articles, "source")
        if figure.copies:
            support += f" + {counted(figure.copies, 'copy', 'copies')}"
        entry.append(f"  ({support})", style="dim")
        entry.append(f"\n“{_tidy(first.phrase)}”")
        if figure.attributed_to:
            entry.append(f" — according to {printable(figure.attributed_to)}", style="italic")
        for mention in figure.cited:
            copied = " (copy)" if copy_of(mention, figure) else ""
            entry.append("\n")
            entry.append(_source_line(mention))
            entry.append(copied, style="cyan")
        console.print(wrapped(console, entry, "▸"), soft_wrap=True)
    console.print()


def _disagreement(figures: tuple[Figure, ...]) -> str:
    """The line above values that disagree: how many differ, and how many of those listed are not counted among
    them (of another scope, shown in brackets; or a share beside counts, a count beside shares)."""
    counted_values = len(same_quantity(list(figures)))
    scoped = sum(figure.qualifier is not None for figure in figures)
    asides = [
        f"{number} of another {what}"
        for number, what in ((scoped, "scope"), (len(figures) - counted_values - scoped, "measure"))
        if number
    ]
    return f"The sources disagree: {counted_values} different values" + (
        f" (and {' and '.join(asides)})." if asides else "."
    )


def show_value_sentences(console: Console, figures: tuple[Figure, ...]) -> None:
    """Every value with each sentence that gives it, the value highlighted (the chat's :figures)."""
    for figure in figures:
        console.print(wrapped(console, Text(_tidy(figure.first.value), style="bold green"), "▸"))
        for mention in figure.mentions:
            start, end = (offset - mention.sentence_span[0] for offset in mention.value_span)
            sentence = mention.sentence
            entry = _source_line(mention).append("\n")
            entry.append(_tidy(sentence[:start]).lstrip())
            entry.append(_tidy(sentence[start:end]), style="bold yellow")
            entry.append(_tidy(sentence[end:]).rstrip())
            console.print(wrapped(console, entry, "  "), soft_wrap=True)
        console.print()


def show_article(console: Console, passages: list[StoredPassage], marked: int, context: int = 2) -> None:
    """The passages around the marked one (by id) of one article, the marked passage set apart."""
    position = next(i for i, p in enumerate(passages) if p.id == marked)
    first = passages[0]
    path = file_of(first.path, first.metadata)
    console.print(wrapped(console, Text(one_line(first.title or Path(path).name), style="bold")))
    url = str(first.metadata.get("url") or "")
    if published := " · ".join(part for part in (_published(first.metadata), url) if part):
        console.print(wrapped(console, _with_paths(published, [url] if url else [], "dim")), soft_wrap=True)
    console.print(wrapped(console, _with_paths(display_path(path), [path], "dim")), soft_wrap=True)
    console.print()
    if position > context:
        console.print(Text("…", style="dim"))
    for passage in passages[max(0, position - context) : position + context + 1]:
        if passage.id == marked:
            console.print(Text(f"▶ {within_file(passage)}", style="bold cyan"))
            console.print(wrapped(console, Text(_tidy(passage.text), style="bold")))
        else:
            console.print(wrapped(console, Text(_tidy(passage.text))))
        console.print()
    if position + context + 1 < len(passages):
        console.print(Text("…", style="dim"))


def show_sources(console: Console, articles: list[StoredArticle], copies: dict[str, list[str]]) -> None:
    """The indexed articles, one entry each: title, where it comes from, file, passage count, copies found."""
    console.print(Text(counted(len(articles), "article"), style="bold"))
    label_width = len(f"{len(articles)}.")
    for number, article in enumerate(articles, start=1):
        entry = Text(one_line(" — ".join(filter(None, [article.title, _published(article.metadata)]))))
        path = file_of(article.path, article.metadata)
        place = display_path(path) + (f", record {article.metadata['record']}" if "record" in article.metadata else "")
        entry.append("\n").append(_with_paths(f"{place} · {counted(article.passages, 'passage')}", [path], "dim"))
        if copied := copies.get(article.path):
            entry.append("\n").append(_with_paths(f"copies: {', '.join(map(display_path, copied))}", copied, "dim"))
        console.print(wrapped(console, entry, f"{number}.".rjust(label_width)), soft_wrap=True)


class _Console(Console):
    def on_broken_pipe(self) -> None:
        """Raise the error, for the command to end as every command does when its reader leaves (rich would exit
        with status 1)."""
        raise BrokenPipeError


def make_console(stderr: bool = False) -> Console:
    """A console that stays plain when not writing to a terminal (rich honours NO_COLOR itself)."""
    return _Console(stderr=stderr, highlight=False, markup=False, emoji=False)  # text is shown as written


def show_figures(console: Console, caption: str, table: dict[str, dict[str, float]], missed: dict[str, list]) -> None:
    """One column per mode, one row per metric; then each mode's listed failures."""
    from rich.table import Table

    metrics = list(dict.fromkeys(metric for figures in table.values() for metric in figures))
    console.print(wrapped(console, Text(one_line(caption), style="italic")))
    grid = Table()
    grid.add_column("metric")
    for mode in table:
        grid.add_column(mode, justify="right")
    for metric in metrics:
        grid.add_row(metric, *(f"{figures[metric]:.3f}" if metric in figures else "" for figures in table.values()))
    console.print(grid)
    for mode, rankings in missed.items():
        for ranking in rankings:
            console.print(wrapped(console, Text(one_line(f"[{mode}] missed: {ranking.question.text}"), style="bold")))
            expected = ", ".join(ranking.question.answers) or ranking.question.article
            console.print(wrapped(console, Text(one_line(f"expected: {expected}")), " " * 3))
            console.print(
                wrapped(console, Text(f"ranked first: {_tidy(ranking.top_text)[:200]}", style="dim"), " " * 3)
            )
