"""Shared fixtures: the real seed articles, the real model, real `qa` processes."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
REUTERS = ROOT / "bench" / "reuters21578"


def run_qa(
    *args: str,
    index: Path | None = None,
    input: str | None = None,
    cwd: Path | None = None,
    check: bool = True,
    columns: int = 100,
):
    """Run the real CLI in a subprocess; returns the CompletedProcess."""
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "COLUMNS": str(columns)}
    env.pop("QA_INDEX", None)
    env.pop("QA_RAY_ADDRESS", None)
    command = [sys.executable, "-m", "qa", *(["--index", str(index)] if index else []), *args]
    done = subprocess.run(command, input=input, capture_output=True, text=True, cwd=cwd or ROOT, env=env, timeout=600)
    if check and done.returncode != 0:
        raise AssertionError(f"qa {' '.join(args)} exited {done.returncode}:\n{done.stderr}")
    return done


def imported_after(args: list[str], modules: tuple[str, ...]) -> tuple[list[str], str]:
    """Run the real CLI in a fresh interpreter; return which of modules it imported, and its stdout."""
    probe = (
        "import json, sys\n"
        "from qa.cli import main\n"
        f"sys.argv = ['qa', *{args!r}]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        f"print(json.dumps([m for m in {modules!r} if m in sys.modules]))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, timeout=300)
    *output, last = done.stdout.strip().splitlines()
    return json.loads(last), "\n".join(output)


def run_json(*args: str, **kwargs):
    return json.loads(run_qa(*args, **kwargs).stdout)


@pytest.fixture(scope="session", autouse=True)
def encoder_cache(tmp_path_factory) -> Path:
    """The folder where an index's exported encoder is kept for the next index: one for the whole run, as on a
    user's machine, and never the user's own."""
    folder = tmp_path_factory.mktemp("qa-cache")
    os.environ["QA_CACHE_DIR"] = str(folder)
    return folder


@pytest.fixture(scope="session")
def seed_index(tmp_path_factory) -> Path:
    """An index built once over the seed articles, shared read-only by the tests."""
    index = tmp_path_factory.mktemp("seed-index")
    run_qa("index", str(SEEDS), index=index)
    return index


@pytest.fixture(scope="session")
def reuters_index(tmp_path_factory) -> Path:
    """The 300-story Reuters sample (561 passages), one article per JSON line."""
    index = tmp_path_factory.mktemp("reuters-index")
    run_qa("index", str(REUTERS / "sample.jsonl"), index=index)
    return index


@pytest.fixture(scope="session")
def sharded_seed_index(tmp_path_factory) -> Path:
    """The seed articles in an index of three shards, shared read-only by the tests."""
    index = tmp_path_factory.mktemp("sharded-seed-index")
    run_qa("index", str(SEEDS), "--shards", "3", index=index)
    return index


@pytest.fixture()
def corpus(tmp_path) -> Path:
    """A writable copy of the seed articles."""
    folder = tmp_path / "articles"
    shutil.copytree(SEEDS, folder)
    return folder


# The suite's clusters listen on loopback only: else Ray swaps 127.0.0.1 for the machine's network address. Ray reads
# this when it is imported, which may be while the tests are collected.
os.environ["RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER"] = "0"
NODE_MEMORY = 200 << 20  # each node's object store: the encoder's files (90 MB) and the groups in flight
NODE_LOST_WITHIN_MS = {  # a removed node is declared dead in about 2 s rather than Ray's default 30
    "health_check_initial_delay_ms": 0,
    "health_check_period_ms": 500,
    "health_check_timeout_ms": 500,
    "health_check_failure_threshold": 3,
}


_RAY_TEMPS: list[str] = []  # removed again at the end of the run: a Ray process shutting down may write a folder late


def pytest_sessionfinish(session, exitstatus):
    for temp in _RAY_TEMPS:
        shutil.rmtree(temp, ignore_errors=True)


@pytest.fixture(scope="module")
def ray_cluster():
    """A real Ray cluster on this machine for one test module: a head (no CPU) and two worker nodes of one CPU
    each (cluster.worker_nodes), every one on 127.0.0.1; shut down after the module."""
    from ray.cluster_utils import Cluster

    temp = tempfile.mkdtemp(prefix="qa-ray-", dir="/tmp")  # short: Ray's socket paths must fit in 107 bytes
    _RAY_TEMPS.append(temp)
    loopback = {"node_ip_address": "127.0.0.1", "object_store_memory": NODE_MEMORY}
    head = {**loopback, "num_cpus": 0, "include_dashboard": False, "temp_dir": temp}
    # Ray notes the address of a cluster it starts in RAY_TMPDIR/ray, which it does not create (/tmp/ray by default,
    # missing on a machine that never ran Ray): there, in this cluster's own folder
    os.makedirs(os.path.join(temp, "ray"))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("RAY_TMPDIR", temp)
        cluster = None
        try:
            cluster = Cluster(initialize_head=True, head_node_args={**head, "_system_config": NODE_LOST_WITHIN_MS})
            for _ in range(2):
                cluster.add_node(num_cpus=1, **loopback)
            cluster.wait_for_nodes()
            yield cluster
        finally:
            import ray

            ray.shutdown()  # the test process, if it joined
            if cluster is not None:
                cluster.shutdown()
            shutil.rmtree(temp, ignore_errors=True)
