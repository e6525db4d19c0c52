"""An update reads, embeds and stages its articles a batch at a time, unseen by readers, and its one commit moves
them all into the index; a file of records that cannot be read to its end leaves none of its records behind."""

from __future__ import annotations

import gzip
import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from conftest import SEEDS, run_json

from qa import indexer
from qa.backends.local.check import check
from qa.backends.local.store import Store


@pytest.fixture()
def small_batches(monkeypatch):
    monkeypatch.setattr(indexer, "BATCH", 8)  # the seed articles' 29 passages take several batches


@pytest.fixture()
def index(seed_index, tmp_path) -> Path:
    """A copy of the seed index: it holds the vectors of the seed articles' texts, wherever they are copied to."""
    copy = tmp_path / "index"
    shutil.copytree(seed_index, copy)
    return copy


def counts(index: Path) -> tuple[int, int]:
    """The articles a reader sees, and those staged for the next commit."""
    with sqlite3.connect(index / "qa.sqlite") as db:
        return tuple(
            db.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in ("articles", "staged_articles")
        )


def test_batches_are_staged_unseen_and_committed_at_once(index, small_batches, tmp_path):
    copies = tmp_path / "copies"
    copies.mkdir()
    for path in SEEDS.iterdir():  # not byte-identical (those are one article): a line more at the end
        (copies / path.name).write_text(path.read_text() + "\n")
    seen = []

    def progress(done: int, total: int, what: str, passages: int) -> None:
        if what == "embedding":
            seen.append(counts(index))

    summary = indexer.update(Store.open(index), [copies], progress=progress)
    assert summary.added == 5 and summary.passages_embedded == 0  # the same texts: their vectors are stored
    assert {live for live, _ in seen} == {5}  # readers saw the seed articles alone until the commit
    assert max(staged for _, staged in seen) >= 2  # while earlier batches waited, staged
    assert counts(index) == (10, 0)
    with sqlite3.connect(index / "qa.sqlite") as db:  # the staging's pages are given back
        assert db.execute("PRAGMA freelist_count").fetchone()[0] == 0
    assert check(index).healthy  # every moved passage and sentence has its lexical row and its vector
    answers = run_json("ask", "--json", "--source", "copies", "How many civilians died in Raqqa?", index=index)
    assert answers["results"] and all("/copies/" in result["path"] for result in answers["results"])


def test_a_file_of_records_cut_short_leaves_none_of_its_records(index, small_batches, tmp_path):
    records = [{"title": path.stem, "text": path.read_text()} for path in sorted(SEEDS.iterdir())]
    lines = "".join(json.dumps(record) + "\n" for record in records).encode()
    cut = tmp_path / "desk.jsonl.gz"
    cut.write_bytes(gzip.compress(lines)[:-40])  # the last record's end is lost: read after the first batches
    summary = indexer.update(Store.open(index), [cut])
    assert [(item["path"], item["reason"]) for item in summary.skipped] == [(str(cut), "truncated gzip file")]
    assert (summary.added, summary.near_duplicates) == (0, 0)
    assert counts(index) == (5, 0)
    assert check(index).healthy
