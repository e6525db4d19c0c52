"""Bring an index up to date, sharded or not. Each shard of a sharded index, an ordinary local index, is updated with
the articles routed to it (qa/backends/sharded/layout.py), one shard after the other; a local index is split into
shards reusing its vectors.

Syndicated copies are found across shards: each shard's update compares its new articles with the signatures of
every other shard's (on a rebuild, of the shards rebuilt before it), and stores the links it finds; once a shard
has rewritten or removed articles, the other shards forget their links to them.
"""

from __future__ import annotations

from contextlib import closing
from functools import partial
from pathlib import Path

from qa.backends.local.backend import remove_index
from qa.backends.local.store import DB_FILE, Store
from qa.backends.local.update_lock import update_lock
from qa.backends.sharded.layout import is_sharded, make_shards, shard_folders, shard_of
from qa.errors import QAError
from qa.indexer import IndexSummary, OneShard, sources_to_read, update
from qa.scan import path_from_text
from qa.text import counted


def update_index(directory: Path, paths: list[Path], shards: int | None = None, **options) -> IndexSummary:
    """Bring the index in directory up to date (options as qa.indexer.update takes them): a local index, a sharded
    one, or a new one of `shards` shards; a local index given a number of shards is split into them."""
    if is_sharded(directory):
        folders = shard_folders(directory)
        if shards is not None and shards != len(folders):
            raise QAError(
                f"{directory} holds {counted(len(folders), 'shard')}, not {shards} (another number of shards takes a new index folder)"
            )
        return update_shards(folders, paths, **options)
    if not (directory / DB_FILE).exists():  # a first build: what it cannot read is refused before anything is made
        sources_to_read([], paths, forget=options.get("forget", ()), first_build=True)
    if shards is None:
        with closing(Store.create(directory, replace_unusable=options.get("rebuild", False))) as store:
            return update(store, paths, **options)
    directory.mkdir(parents=True, exist_ok=True)
    if (directory / DB_FILE).exists():
        return reshard(directory, shards, paths, **options)
    with update_lock(directory, options.get("say"), options.get("wait")):
        make_shards(directory, shards)
    return update_shards(shard_folders(directory), paths, **options)


def reshard(directory: Path, shards: int, paths: list[Path], **options) -> IndexSummary:
    """Split the local index in directory into shards. They read its recorded sources again (and `paths`), with its
    settings, and take its stored vectors for the texts it embedded: only what changed since is embedded. It
    answers as before until the shards are whole; then they replace it. Refused while a source is unreachable."""
    with update_lock(directory, options.get("say"), options.get("wait")):
        with closing(Store.open(directory)) as old:
            manifest, sources = old.require_complete(), old.sources()
            unreachable = [source.path for source in sources if not path_from_text(source.path).exists()]
            if unreachable:  # its articles would be left out of the shards, and lost with the index
                raise QAError(f"cannot split the index: its source {unreachable[0]} is not reachable")

            def fill(folders: list[Path]) -> IndexSummary:
                for folder in folders:
                    with closing(Store.create(folder)) as store:
                        store.commit_update(manifest=manifest, sources=sources, removed=[], written=[])
                return update_shards(folders, paths, reuse=None if options.get("rebuild") else old, **options)

            summary = make_shards(directory, shards, fill)
        remove_index(directory)
    return summary


def _routed(shard: int, shards: int, key: str) -> bool:
    return shard_of(key, shards) == shard


def _versions(store: Store) -> dict[str, tuple]:
    return {path: (a.content_hash, a.also_at) for path, a in store.articles().items()}


def update_shards(
    folders: list[Path], paths: list[Path], *, rebuild: bool = False, reuse: Store | None = None, **options
) -> IndexSummary:
    """Update every shard with the articles routed to it (options as qa.indexer.update takes them; `reuse`: an index
    whose stored vectors are taken for equal texts), and the summary of the whole: what each shard skipped for a
    reason every shard met (a file that cannot be read) is listed once."""
    stores = [Store.create(folder, replace_unusable=rebuild) for folder in folders]
    try:
        indexed = frozenset() if rebuild else frozenset(path for store in stores for path in store.article_paths())
        summaries = []
        for number, store in enumerate(stores):
            others = stores[:number] if rebuild else [*stores[:number], *stores[number + 1 :]]
            signatures = tuple(other.signatures() for other in others)
            before = {} if rebuild else _versions(store)
            shard = OneShard(partial(_routed, number, len(stores)), indexed, signatures, reuse)
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
