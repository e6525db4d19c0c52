"""Bring a sharded index up to date: each shard, an ordinary local index, is updated with the articles routed
to it (qa/backends/sharded/layout.py), one shard after the other.

Syndicated copies are found across shards: each shard's update compares its new articles with the signatures of
every other shard's (on a rebuild, of the shards rebuilt before it), and stores the links it finds; once a shard
has rewritten or removed articles, the other shards forget their links to them.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

from qa.backends.local.store import Store
from qa.backends.local.update_lock import update_lock
from qa.backends.sharded.layout import is_sharded, make_shards, shard_folders, shard_of
from qa.errors import QAError
from qa.indexer import IndexSummary, OneShard, update


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


def _versions(store: Store) -> dict[str, tuple]:
    return {path: (a.content_hash, a.also_at) for path, a in store.articles().items()}


def update_shards(folders: list[Path], paths: list[Path], *, rebuild: bool = False, **options) -> IndexSummary:
    """Update every shard with the articles routed to it (options as qa.indexer.update takes them), and the
    summary of the whole: what each shard skipped for a reason every shard met (a file that cannot be read) is
    listed once."""
    stores = [Store.create(folder, replace_unusable=rebuild) for folder in folders]
    try:
        indexed = frozenset() if rebuild else frozenset(path for store in stores for path in store.article_paths())
        summaries = []
        for number, store in enumerate(stores):
            others = stores[:number] if rebuild else [*stores[:number], *stores[number + 1 :]]
            signatures = {path: s for other in others for path, s in other.signatures().items()}
            before = {} if rebuild else _versions(store)
            shard = OneShard(partial(_routed, number, len(stores)), indexed, signatures)
            summaries.append(update(store, paths, rebuild=rebuild, shard=shard, **options))
            after = _versions(store)
            dropped = [path for path, version in before.items() if after.get(path) != version]
            for other in others if dropped else ():
                with update_lock(other.directory, options.get("say"), options.get("wait")):
                    other.forget_copies(dropped)
        return merged(summaries)
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
