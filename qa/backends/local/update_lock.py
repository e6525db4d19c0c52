"""The update lock of a local index: one update at a time, and a crashed one never blocks the next."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from qa.errors import QAError

LOCK_FILE = "update.lock"


class LockTimeout(QAError):
    """Another update held the lock longer than the caller would wait."""


def _lock_holder(handle) -> str:
    """Who holds the update lock, as its holder wrote it: "pid 123, since 2026-11-30 04:50:12"."""
    handle.seek(0)
    pid, _, since = handle.read(200).strip().partition(" ")
    try:
        started = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(float(since)))
    except (ValueError, OverflowError, OSError):
        return "holder unknown"
    return f"pid {pid}, since {started}"


def _wait_for_lock(handle, wait: float | None, holder: str) -> None:
    """Take the lock another process holds: as soon as it is free, or give up after `wait` seconds."""
    import fcntl

    if wait is None:
        fcntl.flock(handle, fcntl.LOCK_EX)
        return
    deadline = time.monotonic() + wait
    while True:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise LockTimeout(
                    f"another update of this index ({holder}) is still running after {wait:g} s: "
                    "nothing was changed; try again when it ends"
                ) from None
            time.sleep(0.1)


@contextmanager
def update_lock(
    directory: Path, on_wait: Callable[[str], None] | None = None, wait: float | None = None
) -> Iterator[None]:
    """Hold the index's update lock, waiting for another holder to finish (on_wait is called first, with
    a line naming the holder), at most `wait` seconds when given.

    An flock on a file in the index folder: the system releases it however its holder ends,
    SIGKILL included, so a crashed update never blocks the next one. The holder writes its
    process id and start time in it, so a waiting update can name it.
    """
    import fcntl

    descriptor = os.open(directory / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o600)
    with os.fdopen(descriptor, "r+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _lock_holder(handle)
            if on_wait:
                on_wait(f"another update of this index is running ({holder}); waiting for it to finish…")
            _wait_for_lock(handle, wait, holder)
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()} {time.time()}\n")
        handle.flush()
        yield
