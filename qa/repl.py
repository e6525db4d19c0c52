"""The chat REPL: questions and :commands in, cited answers out.

On a terminal, input comes from prompt-toolkit: history kept in the index folder
(Up/Down, Ctrl-R), Tab completes commands, Ctrl-C abandons the line, Ctrl-D leaves.
From a pipe, lines are read one by one with no prompt, each question named above its
answer. The prompt is up while the query encoder is still loading; the first answer
waits for it.
"""

from __future__ import annotations

import shlex
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from prompt_toolkit.completion import Completer, Completion
from rich.console import Console
from rich.text import Text

from qa.answer import Answer
from qa.errors import QAError
from qa.followup import in_context
from qa.json_output import answer_json
from qa.question import clean
from qa.records import Filters, date_bound
from qa.render import show_answer, show_article, show_sources, show_value_sentences, wrapped
from qa.search import MODES, Searcher
from qa.text import counted, json_text, one_line

PROMPT = "qa> "


def describe(filters: Filters) -> str:
    """The filter in the words :filter takes, or "none"."""
    return str(filters) or "none (every article)"


@dataclass
class Chat:
    """One conversation: the settings the commands change and what follow-ups lean on."""

    searcher: Searcher
    console: Console
    k: int
    mode: str
    as_json: bool = False
    previous: str | None = None  # the last question searched
    last: Answer | None = None  # the last answer shown, for :open

    def handle(self, line: str) -> bool:
        """Act on one line of input; False when it asks to leave."""
        line, notice = clean(line)
        if not line:
            return True
        if notice:
            self.console.print(f"qa: {notice}")
        line = BARE_COMMANDS.get(line.lower(), line)
        if line.startswith(":"):
            name, _, argument = line.partition(" ")
            command = COMMANDS.get(name)
            if command is None:
                self.console.print(f"unknown command {name}: :help lists the commands")
                return True
            return command.run(self, argument.strip()) is not False
        self.answer(line)
        return True

    def answer(self, question: str) -> None:
        searched = in_context(question, self.previous)
        answer = replace(self.searcher.ask(searched or question, self.k, self.mode), question=question)
        self.last = replace(answer, searched=searched)
        self.previous = searched or question
        if self.as_json:
            print(json_text(answer_json(self.last)), flush=True)
        else:
            if self.searcher.filters:
                self.console.print(wrapped(self.console, Text(f"(filter: {self.searcher.filters})", style="dim")))
            show_answer(self.console, self.last, filters=self.searcher.filters)

    # -- commands ---------------------------------------------------------------------

    def show_help(self, _: str) -> None:
        usages = {name: f"{name} {command.argument}".strip() for name, command in COMMANDS.items()}
        width = max(map(len, usages.values()))
        for name, command in COMMANDS.items():
            self.console.print(wrapped(self.console, Text(command.summary), usages[name].ljust(width)))
        note = (
            "help, clear, quit and exit work without the colon too. Anything else is a question; "
            "a short follow-up is read in the context of the last one (:new reads the next on its own)."
        )
        self.console.print(wrapped(self.console, Text(note)))

    def set_k(self, argument: str) -> None:
        if not argument.isdecimal() or not 1 <= int(argument) <= 100:
            self.console.print(f":k takes a number of passages from 1 to 100 (now {self.k})")
            return
        self.k = int(argument)
        self.console.print(f"showing {counted(self.k, 'passage')}")

    def set_mode(self, argument: str) -> None:
        if argument not in MODES:
            self.console.print(f":mode takes one of {', '.join(MODES)} (now {self.mode})")
            return
        self.mode = argument
        self.console.print(f"ranking with {self.mode}")

    def open_result(self, argument: str) -> None:
        count = len(self.last.results) if self.last else 0  # a not-confident answer's nearest passages too
        if not count:
            self.console.print(":open N shows the article around result N of an answer; ask a question first")
        elif not argument.isdecimal() or not 1 <= int(argument) <= count:
            self.console.print(f":open takes a result number from 1 to {count}")
        else:
            passage = self.last.results[int(argument) - 1].passage
            show_article(self.console, self.searcher.store.article_passages(passage.path), passage.id)

    def show_figures(self, _: str) -> None:
        if not (self.last and self.last.figures):
            self.console.print(
                ":figures shows each value of the last answer with its sentences; ask for a figure first"
            )
            return
        show_value_sentences(self.console, self.last.figures)

    def set_filter(self, argument: str) -> None:
        """:filter source=TEXT since=DATE until=DATE (any of them), :filter off, or :filter to see it."""
        if argument == "off":
            self.searcher.filters = Filters()
        elif argument:
            try:
                settings = dict(word.split("=", 1) for word in shlex.split(argument))
                unknown = set(settings) - {"source", "since", "until"}
                if unknown:
                    raise ValueError(f"unknown setting {', '.join(sorted(unknown))}")
                filters = Filters(
                    settings.get("source") or None,
                    date_bound(settings["since"], upper=False) if settings.get("since") else None,
                    date_bound(settings["until"], upper=True) if settings.get("until") else None,
                )
            except ValueError as error:
                self.console.print(f":filter takes source=TEXT since=DATE until=DATE, or off ({error})")
                return
            if not self.searcher.finds_articles(filters):
                self.console.print("no indexed article matches that filter; it is unchanged")
                return
            self.searcher.filters = filters
        self.console.print(f"filter: {describe(self.searcher.filters)}")

    def list_sources(self, _: str) -> None:
        store = self.searcher.store
        show_sources(self.console, list(store.articles().values()), store.copies())

    def reindex(self, _: str) -> None:
        from qa.progress import embedding_progress
        from qa.sharding import update_index

        def say(message: str) -> None:
            self.console.print(f"qa: {message}")

        with embedding_progress() as progress:
            summary = update_index(self.searcher.store.directory, [], progress=progress, say=say)
        for skipped in summary.skipped:
            self.console.print(f"skipped {one_line(skipped['path'])}: {one_line(skipped['reason'])}")
        self.console.print(summary.describe())

    def toggle_json(self, _: str) -> None:
        self.as_json = not self.as_json
        self.console.print(f"JSON output {'on' if self.as_json else 'off'}")

    def start_afresh(self, _: str) -> None:
        self.previous = None
        self.console.print("the next question is read on its own")

    def clear(self, _: str) -> None:
        self.console.clear()

    def leave(self, _: str) -> bool:
        return False


@dataclass(frozen=True)
class Command:
    run: Callable[[Chat, str], bool | None]
    argument: str
    summary: str


COMMANDS = {
    ":help": Command(Chat.show_help, "", "this list"),
    ":k": Command(Chat.set_k, "N", "show N passages per answer"),
    ":mode": Command(Chat.set_mode, "|".join(MODES), "rank with both retrievers fused, or one alone"),
    ":open": Command(Chat.open_result, "N", "the article around result N, the passage marked"),
    ":figures": Command(Chat.show_figures, "", "every value of the last answer with the sentences giving it"),
    ":filter": Command(Chat.set_filter, "source=… since=… until=…|off", "answer only from matching articles"),
    ":sources": Command(Chat.list_sources, "", "the articles in the index"),
    ":reindex": Command(Chat.reindex, "", "bring the index up to date with its sources"),
    ":json": Command(Chat.toggle_json, "", "switch raw JSON output on or off"),
    ":new": Command(Chat.start_afresh, "", "read the next question on its own, not as a follow-up"),
    ":clear": Command(Chat.clear, "", "clear the screen"),
    ":quit": Command(Chat.leave, "", "leave (or Ctrl-D)"),
}
# typed alone, these ask for no passage
BARE_COMMANDS = {"help": ":help", "clear": ":clear", "quit": ":quit", "exit": ":quit"}


class CommandCompleter(Completer):
    """Tab completes a command name typed at the start of the line."""

    def get_completions(self, document, complete_event):
        typed = document.text_before_cursor
        if typed.startswith(":") and " " not in typed:
            for name, command in COMMANDS.items():
                if name.startswith(typed):
                    yield Completion(name, start_position=-len(typed), display_meta=command.summary)


def typed_lines(history: Path) -> Iterator[str]:
    """Lines typed at the prompt until Ctrl-D; Ctrl-C abandons the line being typed."""
    from prompt_toolkit import PromptSession
    from prompt_toolkit.history import FileHistory

    session = PromptSession(
        history=FileHistory(str(history)), completer=CommandCompleter(), complete_while_typing=False
    )
    while True:
        try:
            yield session.prompt(PROMPT)
        except KeyboardInterrupt:
            continue
        except EOFError:
            return


def run(searcher: Searcher, console: Console, k: int, mode: str) -> None:
    chat = Chat(searcher, console, k, mode)
    terminal = sys.stdin.isatty()
    if terminal:
        counts = searcher.store.counts()
        console.print(
            f"qa: {counted(counts['articles'], 'article')}, {counted(counts['passages'], 'passage')}. "
            "Ask a question; :help lists commands, Ctrl-D leaves."
        )
    if not terminal:
        sys.stdin.reconfigure(errors="replace")  # a line that is not UTF-8 is a question like any other
    lines = typed_lines(searcher.store.directory / "history") if terminal else sys.stdin
    for line in lines:
        if not terminal and line.strip():
            console.print(Text(f"» {one_line(line.strip())}", style="bold"))  # piped input is not on screen
        try:
            if not chat.handle(line):
                return
        except QAError as error:
            console.print(f"qa: {one_line(str(error))}")
        except KeyboardInterrupt:
            console.print("interrupted")
