"""Open the index in a folder, whichever backend holds it."""

from __future__ import annotations

from pathlib import Path

from qa.backends.base import Backend


def open_backend(directory: Path, ray_address: str | None = None) -> Backend:
    """A sharded index (its shards served by Ray actors on the cluster at ray_address, else opened in this
    process), else a local one (ray_address changes nothing)."""
    from qa.backends.sharded.layout import is_sharded

    if is_sharded(directory):
        from qa.backends.sharded.backend import ShardedBackend
        from qa.backends.sharded.layout import shard_folders

        folders = shard_folders(directory)
        if ray_address is None:
            from qa.backends.sharded.transport import LocalShards

            return ShardedBackend(LocalShards.open(folders), directory)
        from qa.ray_cluster import connect

        connect(ray_address)
        from qa.backends.sharded.ray_shards import RayShards

        return ShardedBackend(RayShards(folders), directory)
    from qa.backends.local.backend import LocalBackend

    return LocalBackend.open(directory)
