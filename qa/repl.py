"""The chat loop: questions in, answers out, until end of input."""

from __future__ import annotations

import sys
from pathlib import Path

from rich.console import Console
from rich.text import Text

from qa.render import show_answer
from qa.search import Searcher

PROMPT = "qa> "


def questions(history_file: Path):
    """Questions typed at a prompt on a terminal, or read line by line from a pipe."""
    if not sys.stdin.isatty():
        for line in sys.stdin:
            if line.strip():
                yield line.strip()
        return
    from prompt_toolkit import PromptSession
    from prompt_toolkit.history import FileHistory

    session = PromptSession(history=FileHistory(str(history_file)))
    while True:
        try:
            line = session.prompt(PROMPT)
        except KeyboardInterrupt:
            continue
        except EOFError:
            return
        if line.strip() in {":quit", ":q"}:
            return
        if line.strip():
            yield line.strip()


def run(searcher: Searcher, console: Console, k: int, mode: str) -> None:
    piped = not sys.stdin.isatty()
    for question in questions(searcher.store.directory / "history"):
        if piped:  # the question is not on screen, so name it above its answer
            console.print(Text(f"» {question}", style="bold"))
        show_answer(console, searcher.ask(question, k, mode))
