"""`qa index --ray`: embedding on a real Ray cluster of three nodes on this machine (a head and two workers, all on
loopback), through real `qa` processes; one worker node is killed in the middle of a run."""

from __future__ import annotations

import ipaddress
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import numpy as np
import pytest
from conftest import ROOT, SEEDS, imported_after, run_json, run_qa

from qa import vector_format
from qa.backends.local.store import DB_FILE

pytest.importorskip("ray", reason="Ray is an extra: pip install 'qa[ray]'")

ARTICLES = ROOT / "bench" / "squad5" / "articles"  # 173 passages: 11 groups, enough to kill a node between two


def stored_vectors(index: Path) -> dict[str, np.ndarray]:
    with closing(sqlite3.connect(index / DB_FILE)) as db:
        rows = db.execute("SELECT key, vector FROM embeddings").fetchall()
        dimension = int(db.execute("SELECT value FROM manifest WHERE key = 'dimension'").fetchone()[0])
    return dict(zip([key for key, _ in rows], vector_format.decode([blob for _, blob in rows], dimension), strict=True))


def passage_texts(index: Path) -> list[str]:
    with closing(sqlite3.connect(index / DB_FILE)) as db:
        return sorted(text for (text,) in db.execute("SELECT text FROM passages"))


def test_the_cluster_listens_on_loopback_only(ray_cluster):
    addresses = listening_addresses(os.getpid())
    assert addresses, "no listening socket found under this process: the check would see nothing"
    assert all(is_loopback(address) for address in addresses), addresses


def test_the_cluster_stores_the_vectors_local_encoding_does(ray_cluster, seed_index, tmp_path):
    index = tmp_path / "index"
    summary = run_json("index", str(SEEDS), "--json", "--ray", ray_cluster.address, index=index)
    assert summary["added"] == 5 and summary["passages_embedded"] == len(passage_texts(seed_index))
    assert passage_texts(index) == passage_texts(seed_index)
    on_cluster, local = stored_vectors(index), stored_vectors(seed_index)
    assert on_cluster.keys() == local.keys()  # every passage and sentence vector
    keys = sorted(local)
    cosines = np.einsum("ij,ij->i", np.stack([on_cluster[k] for k in keys]), np.stack([local[k] for k in keys]))
    cosines /= np.linalg.norm([on_cluster[k] for k in keys], axis=1) * np.linalg.norm([local[k] for k in keys], axis=1)
    assert cosines.min() >= 0.9999, keys[int(cosines.argmin())]


def test_an_unreachable_cluster_is_one_line_and_leaves_the_index_as_it_was(seed_index, tmp_path):
    index = tmp_path / "index"
    shutil.copytree(seed_index, index)
    before = (index / DB_FILE).read_bytes()
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    done = run_qa("index", str(SEEDS), "--ray", f"127.0.0.1:{port}", index=index, check=False)
    assert done.returncode == 2
    assert done.stderr.startswith(f"qa: no Ray cluster answers at 127.0.0.1:{port}") and done.stderr.count("\n") == 1
    assert (index / DB_FILE).read_bytes() == before
    assert run_json("ask", "How many civilians were killed in Raqqa?", "--json", index=index)["results"]


def test_without_ray_installed_the_option_names_the_extra(seed_index, tmp_path):
    (tmp_path / "ray.py").write_text("raise ImportError('No module named ray')\n")  # what a missing Ray raises
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    command = [sys.executable, "-m", "qa", "--index", str(tmp_path / "index"), "index", "--ray", "local"]
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
    assert (done.returncode, done.stderr) == (2, "qa: --ray needs Ray: pip install 'qa[ray]'\n")
    assert not (tmp_path / "index").exists()


def test_without_the_option_ray_is_not_imported(tmp_path):
    folder = tmp_path / "articles"
    folder.mkdir()
    shutil.copy(next(SEEDS.glob("*.txt")), folder)
    imported, output = imported_after(["--index", str(tmp_path / "index"), "index", str(folder), "--json"], ("ray",))
    assert json.loads(output)["passages_embedded"] > 0
    assert imported == []


def test_a_worker_node_killed_mid_run_loses_nothing_and_embeds_nothing_twice(ray_cluster, tmp_path):
    """Last of the file: it leaves the cluster one worker short."""
    workers = sorted(ray_cluster.worker_nodes, key=lambda node: node.unique_id)
    index = tmp_path / "index"
    env = {**os.environ, "QA_RAY_ADDRESS": ray_cluster.address}  # the option's default
    command = [sys.executable, "-m", "qa", "--index", str(index), "index", str(ARTICLES), "--json"]
    run = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    killed_at = 0
    while run.poll() is None and not killed_at:
        time.sleep(0.2)
        killed_at = vector_count(index)
        if killed_at:
            ray_cluster.remove_node(workers[0], allow_graceful=False)
    out, err = run.communicate(timeout=600)
    assert run.returncode == 0, err
    assert err == ""  # nothing of Ray's own messages on the terminal
    summary = json.loads(out)
    stored = vector_count(index)
    assert 0 < killed_at < stored, "the node was not killed in the middle of the run"
    assert summary["passages_embedded"] == len(passage_texts(index))
    assert summary["passages_embedded"] + summary["sentences_embedded"] == stored
    assert run_qa("check", index=index).returncode == 0
    answer = run_json("ask", "In what country is Normandy located?", "--json", index=index)
    assert answer["results"][0]["article"] == "normans.txt"


def vector_count(index: Path) -> int:
    """How many vectors the index holds so far (0 before its database is made)."""
    try:
        with closing(sqlite3.connect(f"file:{index / DB_FILE}?mode=ro", uri=True)) as db:
            return db.execute("SELECT count(*) FROM embeddings").fetchone()[0]
    except sqlite3.Error:
        return 0


def listening_addresses(root: int) -> list[str]:
    """The addresses TCP sockets of root's descendant processes listen on (from /proc)."""
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parents[int(stat.parent.name)] = int(stat.read_text().rpartition(")")[2].split()[1])
        except (OSError, IndexError, ValueError):
            continue

    def descends(pid: int) -> bool:
        while pid > 1:
            pid = parents.get(pid, 0)
            if pid == root:
                return True
        return False

    sockets = set()
    for pid in filter(descends, parents):
        try:
            links = [os.readlink(fd) for fd in Path(f"/proc/{pid}/fd").iterdir()]
        except OSError:
            continue
        sockets.update(link[len("socket:[") : -1] for link in links if link.startswith("socket:["))
    addresses = []
    for table in ("tcp", "tcp6"):
        for line in Path(f"/proc/net/{table}").read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] == "0A" and fields[9] in sockets:  # 0A: LISTEN
                raw = bytes.fromhex(fields[1].partition(":")[0])  # 32-bit words in the host's order
                address = b"".join(raw[start : start + 4][::-1] for start in range(0, len(raw), 4))
                addresses.append(str(ipaddress.ip_address(address)))
    return addresses


def is_loopback(address: str) -> bool:
    parsed = ipaddress.ip_address(address)
    return parsed.is_loopback or bool(getattr(parsed, "ipv4_mapped", None) and parsed.ipv4_mapped.is_loopback)
