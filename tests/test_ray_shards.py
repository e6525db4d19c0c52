"""A sharded index served by Ray actors (`qa --ray ADDRESS`) on a real cluster of three nodes on this machine: it
answers exactly as in-process shards; a shard stopped, killed or on a removed node gives answers marked partial
that name it and come from the other shards only, and answers are whole again once it is back."""

from __future__ import annotations

import json
import os
import shutil
import signal
import time
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import ROOT, SEEDS, imported_after, run_json, run_qa
from test_serve import server

from qa.answer import Answer, partial_notice
from qa.backends.local.backend import LocalBackend
from qa.backends.sharded.backend import ShardedBackend
from qa.backends.sharded.layout import shard_folders
from qa.backends.sharded.transport import LocalShards
from qa.render import make_console, show_answer
from qa.search import Searcher, load_encoder

QUESTIONS = [
    json.loads(line)["question"]
    for line in (ROOT / "tests" / "data" / "seed_questions.jsonl").read_text().splitlines()
    if line.strip()
]
SOME = QUESTIONS[::12]  # asked while a shard is away
QUESTION = "How many civilians did the coalition kill in Raqqa?"
TIMEOUT = 2.0  # seconds a call waits for a shard here
WHOLE_AGAIN_WITHIN = 90.0  # seconds Ray may take to bring a shard back on this busy machine


class LeavingOut(LocalShards):
    """The shards opened in this process, some left out and named: what the others answer alone."""

    left_out: frozenset[int] = frozenset()

    def call(self, call: str, arguments: dict[int, tuple]) -> dict:
        return super().call(call, {shard: args for shard, args in arguments.items() if shard not in self.left_out})

    def gaps(self) -> tuple[str, ...]:
        return tuple(self.names[shard] for shard in sorted(self.left_out))


@pytest.fixture(scope="module")
def address(ray_cluster) -> str:
    """The cluster's address, this process joined to it."""
    from qa.ray_cluster import connect

    connect(ray_cluster.address)
    return ray_cluster.address


@pytest.fixture(scope="module")
def searchers(address, sharded_seed_index):
    """A searcher of the sharded seed index through Ray actors (started here, given all the time they need the
    first time, then TIMEOUT), and one through the shards in this process leaving out none, or the one asked."""
    from qa.backends.sharded.ray_shards import RayShards

    folders = shard_folders(sharded_seed_index)
    served = RayShards(folders, timeout=120)
    served.timeout = TIMEOUT
    local = LeavingOut([LocalBackend.open(folder) for folder in folders], served.names)
    backend = ShardedBackend(local, sharded_seed_index)
    encoder = load_encoder(backend.encoder_directory, backend.store.require_complete())
    return Searcher(ShardedBackend(served, sharded_seed_index), encoder), Searcher(backend, encoder)


def ranked(searcher: Searcher, question: str) -> tuple[tuple[str, ...], list]:
    answer = searcher.rank(question, 10)
    return answer.missing, [(r.passage.path, r.passage.start, r.passage.end, r.answer, r.score) for r in answer.results]


def where(server) -> tuple[int, str]:
    """The process id and node id of a shard server."""
    import ray

    return ray.get(server.__ray_call__.remote(lambda _: (os.getpid(), ray.get_runtime_context().get_node_id())))


def assert_partial_then_whole(searchers, shards: set[int], back) -> None:
    """Answers name the shards and equal the other shards' own, until back() brings them back; then whole."""
    served, local = searchers
    local.backend.shards.left_out = frozenset(shards)
    try:
        for question in SOME:
            assert ranked(served, question) == ranked(local, question), question
    finally:
        local.backend.shards.left_out = frozenset()
    back()
    deadline = time.monotonic() + WHOLE_AGAIN_WITHIN
    while ranked(served, QUESTION)[0] and time.monotonic() < deadline:
        time.sleep(0.5)
    for question in SOME:
        assert ranked(served, question) == ((), ranked(local, question)[1]), question


def test_ray_actors_answer_exactly_as_shards_in_this_process(searchers, address, sharded_seed_index):
    served, local = searchers
    for question in QUESTIONS:
        assert ranked(served, question) == ranked(local, question), question
    servers = [where(server) for server in served.backend.shards.servers]
    assert len({node for _, node in servers}) == len(servers)  # one shard on each of the three nodes
    over_ray = run_json("--ray", address, "ask", QUESTION, "--json", index=sharded_seed_index)
    assert over_ray == run_json("ask", QUESTION, "--json", index=sharded_seed_index)
    assert [where(server) for server in served.backend.shards.servers] == servers  # the same servers answered it


def test_a_stopped_shard_gives_partial_answers_naming_it_until_it_runs_again(
    searchers, address, sharded_seed_index, monkeypatch
):
    served, _ = searchers
    stopped = where(served.backend.shards.servers[0])[0]  # the first shard: the index's settings come from another
    os.kill(stopped, signal.SIGSTOP)
    try:
        monkeypatch.setenv("QA_SHARD_TIMEOUT", str(TIMEOUT))
        answer = run_json("--ray", address, "ask", QUESTION, "--json", index=sharded_seed_index)
        assert answer["partial"] is True and answer["missing_shards"] == ["shards/00"]
        info = run_json("--ray", address, "info", "--json", index=sharded_seed_index)
        assert info["partial"] is True and info["missing_shards"] == ["shards/00"]
        shown = run_qa("--ray", address, "info", index=sharded_seed_index).stdout
        assert shown.startswith(partial_notice(("shards/00",)))
        shown = run_qa("--ray", address, "ask", QUESTION, "--brief", index=sharded_seed_index).stdout
        assert shown.startswith(partial_notice(("shards/00",)))
        monkeypatch.setenv("QA_RAY_ADDRESS", address)
        with server(sharded_seed_index) as client:
            assert client.post("/ask", json={"question": QUESTION}).json() == answer
            assert client.get("/health").json()["missing_shards"] == ["shards/00"]
        monkeypatch.delenv("QA_RAY_ADDRESS")
        assert_partial_then_whole(searchers, {0}, lambda: os.kill(stopped, signal.SIGCONT))
    finally:
        os.kill(stopped, signal.SIGCONT)
    assert "partial" not in run_json("--ray", address, "ask", QUESTION, "--json", index=sharded_seed_index)


def test_the_servers_answer_from_a_new_index_made_in_the_same_folder(address, tmp_path):
    from qa.backends.sharded.ray_shards import RayShards

    index, articles = tmp_path / "index", sorted(SEEDS.iterdir())
    for kept in (articles[:2], articles[2:]):
        shutil.rmtree(index, ignore_errors=True)
        run_qa("index", *map(str, kept), "--shards", "3", index=index)
        shards = RayShards(shard_folders(index), timeout=120)
        held = ShardedBackend(shards, index).store.article_paths()
        assert [Path(path).name for path in held] == [path.name for path in kept]


def assert_named_while_missing(searchers, shards: set[int], fault) -> None:
    """After fault(), Ray may bring the shards back before a question reaches them: each answer is then whole, else
    partial naming them and equal to the other shards' own, never a quietly smaller ranking; once back, whole."""
    served, local = searchers
    whole = {question: ranked(local, question) for question in SOME}
    local.backend.shards.left_out = frozenset(shards)
    without = {question: ranked(local, question) for question in SOME}
    local.backend.shards.left_out = frozenset()
    fault()
    for question in SOME:
        assert ranked(served, question) in (without[question], whole[question]), question
    deadline = time.monotonic() + WHOLE_AGAIN_WITHIN
    while ranked(served, QUESTION)[0] and time.monotonic() < deadline:
        time.sleep(0.5)
    assert all(ranked(served, question) == whole[question] for question in SOME)


def test_a_killed_shard_actor_is_named_until_ray_restarts_it(searchers):
    import ray

    served, _ = searchers
    actor = served.backend.shards.servers[1]
    killed = where(actor)[0]

    def kill() -> None:
        ray.kill(actor, no_restart=False)
        while _alive(killed):
            time.sleep(0.05)

    assert_named_while_missing(searchers, {1}, kill)
    assert where(served.backend.shards.servers[1])[0] != killed  # Ray started another


def test_a_shard_on_a_removed_node_is_named_until_ray_places_it_on_another(searchers, ray_cluster):
    served, _ = searchers
    workers = {node.node_id: node for node in ray_cluster.worker_nodes}
    nodes = [node for _, node in map(where, served.backend.shards.servers)]
    removed = next((node for node in nodes if node in workers), None)
    assert removed, "no shard server on a worker node"
    moved = {shard for shard, node in enumerate(nodes) if node == removed}
    assert_named_while_missing(searchers, moved, lambda: ray_cluster.remove_node(workers[removed]))
    assert all(where(served.backend.shards.servers[shard])[1] != removed for shard in moved)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_the_screen_names_the_missing_shards_above_the_answer(searchers):
    _, local = searchers
    answer = local.ask(QUESTION)
    for partial in (
        Answer(QUESTION, False, [], missing=("shards/01",)),
        replace(answer, missing=("shards/00", "shards/02")),
    ):
        for brief in (False, True):
            console = make_console()
            with console.capture() as captured:
                show_answer(console, partial, brief)
            first = captured.get().splitlines()[0]
            assert first.startswith("Partial answer: ") and ", ".join(partial.missing) in first


def test_ray_is_imported_only_for_a_sharded_index_given_ray(seed_index, sharded_seed_index):
    asked = ["ask", QUESTION, "--json"]
    assert imported_after(["--index", str(sharded_seed_index), *asked], ("ray",))[0] == []
    assert imported_after(["--ray", "local", "--index", str(seed_index), *asked], ("ray",))[0] == []


def test_an_address_without_a_cluster_and_a_bad_timeout_are_one_line_each(address, sharded_seed_index, monkeypatch):
    done = run_qa("--ray", "127.0.0.1:9", "ask", QUESTION, index=sharded_seed_index, check=False)
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and "no Ray cluster answers" in done.stderr
    monkeypatch.setenv("QA_SHARD_TIMEOUT", "soon")
    done = run_qa("--ray", address, "ask", QUESTION, index=sharded_seed_index, check=False)
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and "QA_SHARD_TIMEOUT" in done.stderr
