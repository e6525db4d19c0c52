"""A rich progress bar for an update (hashing files, reading articles, embedding), drawn on a terminal only."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from qa.indexer import Progress as ProgressCallback
from qa.render import make_console


@contextmanager
def embedding_progress() -> Iterator[ProgressCallback | None]:
    console = make_console(stderr=True)
    if not console.is_terminal:
        yield None
        return
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]:.1f}/s"),
        TimeRemainingColumn(),
    )
    began = {"": time.perf_counter()}
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task("embedding", total=None, rate=0.0)

        def update(done: int, total: int, what: str) -> None:
            if what not in began:  # a new phase: its rate counts from its start
                began[what] = time.perf_counter()
            rate = done / max(time.perf_counter() - began[what], 1e-9)
            bar.update(task, description=what, completed=done, total=total, rate=rate)

        yield update
