"""Bring a sharded index up to date: each shard, an ordinary local index, is updated with the articles routed
to it (qa/backends/sharded/layout.py), one shard after the other."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from qa.backends.local.store import Store
from qa.backends.sharded.layout import is_sharded, make_shards, shard_folders, shard_of
from qa.errors import QAError
from qa.indexer import IndexSummary, update


def shard_folders_for(directory: Path, shards: int | None) -> list[Path] | None:
    """The shards to update: those of a sharded index (as many as asked, if asked), or `shards` new ones in an
    index folder that holds no index yet; None for a local index (and none asked)."""
    if is_sharded(directory):
        folders = shard_folders(directory)
        if shards is not None and shards != len(folders):
            raise QAError(
                f"{directory} holds {len(folders)} shards, not {shards} (another number of shards takes a new index folder)"
            )
        return folders
    if shards is None:
        return None
    if (directory / "qa.sqlite").exists():
        raise QAError(f"{directory} holds an index of one shard; give --shards to a new index folder")
    directory.mkdir(parents=True, exist_ok=True)
    return make_shards(directory, shards)


def _routed(shard: int, shards: int, key: str) -> bool:
    return shard_of(key, shards) == shard


def update_shards(folders: list[Path], paths: list[Path], *, rebuild: bool = False, **options) -> IndexSummary:
    """Update every shard with the articles routed to it (options as qa.indexer.update takes them), and the
    summary of the whole: what each shard skipped for a reason every shard met (a file that cannot be read) is
    listed once."""
    stores = [Store.create(folder, replace_unusable=rebuild) for folder in folders]
    try:
        indexed = set() if rebuild else {path for store in stores for path in store.article_paths()}
        return merged(
            [
                update(
                    store,
                    paths,
                    rebuild=rebuild,
                    keeps=partial(_routed, number, len(stores)),
                    indexed=indexed,
                    **options,
                )
                for number, store in enumerate(stores)
            ]
        )
    finally:
        for store in stores:
            store.close()


def merged(summaries: list[IndexSummary]) -> IndexSummary:
    whole = IndexSummary()
    for summary in summaries:
        for name in ("added", "updated", "removed", "unchanged", "passages_embedded", "sentences_embedded"):
            setattr(whole, name, getattr(whole, name) + getattr(summary, name))
        whole.near_duplicates += summary.near_duplicates
        whole.seconds = round(whole.seconds + summary.seconds, 3)
        for name in ("skipped", "warnings", "duplicates"):
            listed = getattr(whole, name)
            listed += [item for item in getattr(summary, name) if item not in listed]
    return whole
