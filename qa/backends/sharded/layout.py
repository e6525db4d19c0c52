"""Where a sharded index keeps its shards, and which shard holds an article.

A sharded index folder holds `shards/00`, `shards/01`, …, each an ordinary local index. An article lies in
the shard its store key's file name (and record) hashes to: stable across runs and machines, so that
updates and deletions of an article reach the shard holding it, and moving the archive keeps it there.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Callable
from pathlib import Path, PurePath
from typing import TypeVar

from qa.errors import QAError

T = TypeVar("T")
SHARDS_FOLDER = "shards"
MAX_SHARDS = 100  # two-digit folder names


def is_sharded(directory: Path) -> bool:
    return (directory / SHARDS_FOLDER).is_dir()


def shard_folders(directory: Path) -> list[Path]:
    """The shard folders of a sharded index, in order."""
    folders = sorted(p for p in (directory / SHARDS_FOLDER).iterdir() if p.name.isdigit())
    if [int(p.name) for p in folders] != list(range(len(folders))) or not folders:
        raise QAError(f"{directory / SHARDS_FOLDER} does not hold shards 00, 01, …: not a sharded qa index")
    return folders


def shard_of(key: str, shards: int) -> int:
    """The shard holding the article stored under key."""
    digest = hashlib.sha256(PurePath(key).name.encode()).digest()
    return int.from_bytes(digest[:8], "big") % shards


def make_shards(directory: Path, shards: int, fill: Callable[[list[Path]], T] | None = None) -> T | None:
    """Make the `shards` shard folders of a new sharded index in directory, whole or not at all: `fill` (when given)
    fills them before they are put in place, and its result is returned. The caller holds the directory's update
    lock: a scratch folder left by an interrupted run is removed."""
    if not 1 <= shards <= MAX_SHARDS:
        raise QAError(f"--shards takes 1 to {MAX_SHARDS} shards, not {shards}")
    for stale in directory.glob(f".{SHARDS_FOLDER}-*"):
        shutil.rmtree(stale, ignore_errors=True)
    scratch = directory / f".{SHARDS_FOLDER}-{os.getpid()}"
    folders = [scratch / f"{number:02d}" for number in range(shards)]
    try:
        for folder in folders:
            folder.mkdir(parents=True)
        filled = fill(folders) if fill else None
        scratch.rename(directory / SHARDS_FOLDER)
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)
        raise
    return filled
