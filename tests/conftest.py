"""Shared fixtures: the real seed articles, the real model, real `qa` processes."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


def run_qa(
    *args: str, index: Path | None = None, input: str | None = None, cwd: Path | None = None, check: bool = True
):
    """Run the real CLI in a subprocess; returns the CompletedProcess."""
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "COLUMNS": "100"}
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
