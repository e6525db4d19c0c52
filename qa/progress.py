"""A rich progress bar for embedding, drawn on a terminal only (nothing on a pipe)."""

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
        TextColumn("embedding"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]:.0f} passages/s"),
        TimeRemainingColumn(),
    )
    began = time.perf_counter()
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task("embedding", total=None, rate=0.0)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total, rate=done / max(time.perf_counter() - began, 1e-9))

        yield update
