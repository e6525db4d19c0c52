"""A local index as ranking reads it: the SQLite store, its FTS5 lexical index and its FAISS dense index."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from qa.backends.local.lexical import FtsIndex
from qa.backends.local.store import Store
from qa.backends.local.vector_index import FaissIndex


@dataclass
class LocalBackend:
    store: Store
    lexical: FtsIndex
    dense: FaissIndex

    @classmethod
    def open(cls, directory: Path) -> LocalBackend:
        return cls.of(Store.open(directory))

    @classmethod
    def of(cls, store: Store) -> LocalBackend:
        return cls(store, FtsIndex(store), FaissIndex(store))

    @property
    def encoder_directory(self) -> Path:
        return self.store.directory

    def gaps(self) -> tuple[str, ...]:
        return ()  # one index, in this process: every read answers or raises

    def close(self) -> None:
        self.store.close()
