"""How a sharded backend reaches its shards: the same calls on each, in this process or on a cluster.

A call names a role and its method ("lexical.search") or property ("store.generation"), as qa/backends/base.py
defines them; each shard runs it on its own local backend.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any, Protocol

from qa.backends.local.backend import LocalBackend


def shard_names(folders: list[Path]) -> tuple[str, ...]:
    """How the shards are named to a person: "shards/02"."""
    return tuple(f"{folder.parent.name}/{folder.name}" for folder in folders)


def dispatch(backend: LocalBackend, call: str, args: tuple) -> Any:
    """Run a call ("role.method" with its arguments, or "role.property") on a local backend."""
    role, name = call.split(".")
    value = getattr(getattr(backend, role), name)
    return value(*args) if callable(value) else value


class Shards(Protocol):
    """The shards of an index, each answering the calls it is given."""

    names: tuple[str, ...]

    def call(self, call: str, arguments: dict[int, tuple]) -> dict[int, Any]:
        """Run the call on each shard given (shard number: its arguments); the results of those that answered
        (a shard that did not is named by gaps())."""

    def snapshot(self) -> Any:
        """A context in which reads see one committed state of each shard, where the shards allow it."""

    def gaps(self) -> tuple[str, ...]:
        """The shards that did not answer since the last call, forgotten once told."""

    def close(self) -> None: ...


class LocalShards:
    """Shards opened in this process, answering in turn on the calling thread (SQLite connections stay on it)."""

    def __init__(self, backends: list[LocalBackend], names: tuple[str, ...]):
        self.backends = backends
        self.names = names

    @classmethod
    def open(cls, folders: list[Path]) -> LocalShards:
        return cls([LocalBackend.open(folder) for folder in folders], shard_names(folders))

    def call(self, call: str, arguments: dict[int, tuple]) -> dict[int, Any]:
        return {shard: dispatch(self.backends[shard], call, args) for shard, args in arguments.items()}

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        with ExitStack() as stack:
            for backend in self.backends:
                stack.enter_context(backend.store.snapshot())
            yield

    def gaps(self) -> tuple[str, ...]:
        return ()

    def close(self) -> None:
        for backend in self.backends:
            backend.close()
