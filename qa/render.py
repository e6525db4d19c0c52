"""Show answers and summaries on a terminal with rich; plain text when output is not a terminal."""

from __future__ import annotations

import re
from pathlib import Path

from rich.console import Console
from rich.text import Text

from qa.answer import Answer, Result

_BLANK_LINES = re.compile(r"\s*\n\s*\n\s*")
_SPACES = re.compile(r"[^\S\n]+")

NOT_CONFIDENT = "Nothing in the index answers this confidently."


def _tidy(text: str) -> str:
    """Display form of source text: paragraph breaks become line breaks, runs of spaces one space."""
    return _SPACES.sub(" ", _BLANK_LINES.sub("\n", text))


def display_path(path: str) -> str:
    """The path relative to the working folder when it lies below it, else as stored."""
    try:
        return str(Path(path).relative_to(Path.cwd()))
    except ValueError:
        return path


def citation(result: Result) -> str:
    p = result.passage
    lines = f"{p.first_line}" if p.first_line == p.last_line else f"{p.first_line}-{p.last_line}"
    if p.lines_in != "file":
        lines += " of the extracted text"
    when = p.metadata.get("date") or p.metadata.get("date_text")
    where = ", ".join(str(value) for value in (p.metadata.get("outlet"), when) if value)
    parts = [p.title or Path(p.path).name, where, f"{display_path(p.path)}:{lines}"]
    return " — ".join(part for part in parts if part)


def passage_text(result: Result) -> Text:
    """The passage as written, its answering sentence highlighted."""
    p = result.passage
    start, end = (offset - p.start for offset in result.answer)
    text = Text(_tidy(p.text[:start]).lstrip())
    text.append(_tidy(p.text[start:end]), style="bold yellow")
    text.append(_tidy(p.text[end:]).rstrip())
    return text


def show_answer(console: Console, answer: Answer) -> None:
    if answer.searched:
        console.print(Text(f"(searched: {answer.searched})", style="dim"))
    if not answer.confident:
        console.print(NOT_CONFIDENT)
        return
    for rank, result in enumerate(answer.results, start=1):
        console.print(Text(f"[{rank}] ", style="bold cyan") + Text(citation(result), style="cyan"))
        console.print(passage_text(result), style=None)
        console.print()


def make_console(stderr: bool = False) -> Console:
    """A console that stays plain when not writing to a terminal (rich honours NO_COLOR itself)."""
    return Console(stderr=stderr, highlight=False)


def show_figures(console: Console, caption: str, table: dict[str, dict[str, float]], missed: dict[str, list]) -> None:
    """One column per mode, one row per metric; then each mode's listed failures."""
    from rich.table import Table

    metrics = list(dict.fromkeys(metric for figures in table.values() for metric in figures))
    grid = Table(title=caption, title_justify="left")
    grid.add_column("metric")
    for mode in table:
        grid.add_column(mode, justify="right")
    for metric in metrics:
        grid.add_row(metric, *(f"{figures[metric]:.3f}" if metric in figures else "" for figures in table.values()))
    console.print(grid)
    for mode, rankings in missed.items():
        for ranking in rankings:
            console.print(Text(f"[{mode}] missed: {ranking.question.text}", style="bold"))
            console.print(Text(f"    expected: {', '.join(ranking.question.answers) or ranking.question.article}"))
            console.print(Text(f"    ranked first: {_tidy(ranking.top_text)[:200]}", style="dim"))
