"""A local index as ranking reads it: the SQLite store, its FTS5 lexical index and its FAISS dense index."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from pathlib import Path

from qa.backends.local.lexical import FtsIndex
from qa.backends.local.store import DB_FILE, Store
from qa.backends.local.vector_index import FaissIndex, base_generations, base_path
from qa.onnx_encoder import ENCODER_FILES


def remove_index(directory: Path) -> None:
    """Delete the local index in directory: its database, FAISS cache and encoder (other files are left)."""
    files = [DB_FILE, f"{DB_FILE}-wal", f"{DB_FILE}-shm", *ENCODER_FILES, *(f"{name}.sha256" for name in ENCODER_FILES)]
    for path in [
        *(directory / name for name in files),
        *map(partial(base_path, directory), base_generations(directory)),
    ]:
        path.unlink(missing_ok=True)


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
