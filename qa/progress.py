"""A rich progress bar for an update (hashing files, reading articles, embedding), drawn on a terminal only."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

from qa.indexer import Progress as ProgressCallback
from qa.render import make_console
from qa.text import counted


@contextmanager
def embedding_progress() -> Iterator[ProgressCallback | None]:
    console = make_console(stderr=True)
    if not console.is_terminal:
        yield None
        return
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.fields[count]}"),
        TextColumn("{task.fields[rate]}"),
        TimeRemainingColumn(),
    )
    began = {"": time.perf_counter()}
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task("indexing", total=None, count="", rate="")

        def update(done: int, total: int, what: str, passages: int) -> None:
            if what not in began:  # a new phase: its rate counts from its start
                began[what] = time.perf_counter()
            seconds = max(time.perf_counter() - began[what], 1e-9)
            if what == "embedding":  # done and total count bytes read: passages are what a person waits for
                count, rate = counted(passages, "passage"), f"{passages / seconds:.1f} passages/s"
            else:
                count, rate = f"{done:,}/{total:,}", f"{done / seconds:.1f}/s"
            bar.update(task, description=what, completed=done, total=total, count=count, rate=rate)

        yield update
