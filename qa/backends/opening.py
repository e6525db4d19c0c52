"""Open the index in a folder, whichever backend holds it."""

from __future__ import annotations

from pathlib import Path

from qa.backends.base import Backend


def open_backend(directory: Path) -> Backend:
    """A sharded index (its shards opened in this process), else a local one."""
    from qa.backends.sharded.layout import is_sharded

    if is_sharded(directory):
        from qa.backends.sharded.backend import ShardedBackend
        from qa.backends.sharded.layout import shard_folders
        from qa.backends.sharded.transport import LocalShards

        return ShardedBackend(LocalShards.open(shard_folders(directory)), directory)
    from qa.backends.local.backend import LocalBackend

    return LocalBackend.open(directory)
