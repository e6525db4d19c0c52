"""Shards served by Ray actors: one long-lived server per shard, spread across a cluster's nodes and restarted by
Ray when it dies. A shard that does not answer in time is left out of the answer and named, never quietly."""

from __future__ import annotations

import os
from contextlib import nullcontext
from pathlib import Path
from typing import Any

import ray
from ray.exceptions import GetTimeoutError, RayError

from qa.backends.local.backend import LocalBackend
from qa.backends.local.store import DB_FILE
from qa.backends.sharded.transport import dispatch, shard_names
from qa.errors import QAError

DEFAULT_TIMEOUT = 10.0  # seconds a call waits for its shards (env QA_SHARD_TIMEOUT)
NAMESPACE = "qa"  # where the shard servers are named on a cluster


class ShardServer:
    """One shard's local backend, answering calls one at a time (on the thread that opened it); opened once, and
    again when the shard's database is another file (a new index made in the same folder)."""

    def __init__(self, folder: str):
        self.folder = Path(folder)
        self._open()

    def _open(self) -> None:
        self.opened = self._database()
        self.backend = LocalBackend.open(self.folder)

    def _database(self) -> tuple[int, int]:
        """Which file the shard's database is."""
        found = (self.folder / DB_FILE).stat()
        return found.st_dev, found.st_ino

    def call(self, call: str, args: tuple) -> Any:
        if self._database() != self.opened:
            self.backend.close()
            self._open()
        return dispatch(self.backend, call, args)


# Named and detached, a server outlives the process that started it: every `qa` process on the cluster asks the
# same ones. It waits most of its life, so it takes no CPU from the cluster's tasks and every shard finds a node. It
# asks for some memory: Ray places an actor that asks for no resource at all on any node, whatever its placement.
SERVER_MEMORY = 64 << 20
Server = ray.remote(num_cpus=0, memory=SERVER_MEMORY, max_restarts=-1)(ShardServer)


def placement(shard: int):
    """Where a new server goes: the cluster's live nodes in turn, shard by shard (Ray's SPREAD is a preference a
    busy scheduler may pass over); softly, so that Ray starts it elsewhere when that node is gone."""
    from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

    nodes = sorted(node["NodeID"] for node in ray.nodes() if node["Alive"])
    return NodeAffinitySchedulingStrategy(nodes[shard % len(nodes)], soft=True)


def server_name(folder: Path) -> str:
    """The actor name of the server of the shard in folder (a resolved path)."""
    return f"qa shard {folder}"


def shard_timeout() -> float:
    text = os.environ.get("QA_SHARD_TIMEOUT", "")
    try:
        timeout = float(text) if text else DEFAULT_TIMEOUT
    except ValueError:
        timeout = -1.0
    if not timeout > 0:
        raise QAError(f"QA_SHARD_TIMEOUT is a number of seconds above 0, not {text!r}")
    return timeout


class RayShards:
    """The shards of an index, each served by its actor on the cluster joined (qa.ray_cluster.connect).

    A call goes to all its shards at once and waits at most `timeout` seconds. A shard that fails (its actor dead
    or restarting, its node gone, an error) or does not answer in time is left out of the result and named by
    gaps(); it is asked nothing more until it answers a ping, so a question waits for a missing shard once, not at
    every call. It is taken back once its ping has come back, at the next call if no shard has been missed since
    gaps() was last asked, else when gaps() is asked (between questions): the next answer is whole as soon as the
    shard is back, and no answer mixes a shard's statistics with its absence. snapshot() is a null context: each
    call reads the latest committed state of its shard.
    """

    def __init__(self, folders: list[Path], timeout: float | None = None):
        self.folders = [folder.resolve() for folder in folders]
        self.names = shard_names(folders)
        self.timeout = shard_timeout() if timeout is None else timeout
        self.servers = [self._server(shard) for shard in range(len(folders))]
        self._down: dict[int, ray.ObjectRef] = {}  # the shards left out, each with a ping in flight
        self._missed: set[int] = set()  # the shards that did not answer since gaps() was last asked
        self.call("store.generation", dict.fromkeys(range(len(folders)), ()))  # each server up, or left out

    def _server(self, shard: int):
        """The shard's running server, else a new one."""
        folder = self.folders[shard]
        return Server.options(
            name=server_name(folder),
            namespace=NAMESPACE,
            get_if_exists=True,
            lifetime="detached",
            scheduling_strategy=placement(shard),
        ).remote(str(folder))

    def call(self, call: str, arguments: dict[int, tuple]) -> dict[int, Any]:
        if not self._missed:  # (a question that has lost a shard goes on without it, so its parts agree)
            self._readmit()
        asked = {
            shard: self.servers[shard].call.remote(call, args)
            for shard, args in arguments.items()
            if shard not in self._down
        }
        self._missed.update(set(arguments) - set(asked))
        ready, _ = ray.wait(list(asked.values()), num_returns=len(asked), timeout=self.timeout) if asked else ([], [])
        answered = {}
        for shard, reply in asked.items():
            try:
                if reply not in ready:
                    ray.cancel(reply)
                    raise GetTimeoutError
                answered[shard] = ray.get(reply)
            except RayError:
                self._leave_out(shard)
        if len(self._down) == len(self.servers):
            raise QAError(
                f"no shard of the index answered on the Ray cluster within {self.timeout:g} s "
                "(QA_SHARD_TIMEOUT sets the wait)"
            )
        return answered

    def _leave_out(self, shard: int) -> None:
        self._missed.add(shard)
        self._down[shard] = self.servers[shard].__ray_ready__.remote()

    def _readmit(self) -> None:
        """Take back the left-out shards whose ping has come back; ping the others again when theirs failed
        (asking for the server anew: Ray may have started another in place of a dead one)."""
        for shard, ping in list(self._down.items()):
            if not ray.wait([ping], timeout=0)[0]:
                continue
            try:
                ray.get(ping)
                del self._down[shard]
            except RayError:
                self.servers[shard] = self._server(shard)
                self._down[shard] = self.servers[shard].__ray_ready__.remote()

    def snapshot(self) -> nullcontext:
        return nullcontext()

    def gaps(self) -> tuple[str, ...]:
        self._readmit()
        missed, self._missed = self._missed, set()
        return tuple(self.names[shard] for shard in sorted(missed))

    def close(self) -> None:
        """Let go of the servers (they stay up for the next process)."""
        self.servers = []
