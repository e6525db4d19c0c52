"""The index file is whole by itself, `qa check` finds what is wrong and names the fix, an unfinished or
unwritable index is one line, a stuck update is named, and nothing is readable by other users."""

from __future__ import annotations

import fcntl
import os
import shutil
import sqlite3
import stat
import subprocess
from contextlib import closing, contextmanager
from pathlib import Path

import pytest
from conftest import ROOT, run_json, run_qa

QUESTION = "How many civilians did the coalition kill in Raqqa?"


@pytest.fixture()
def index(seed_index, tmp_path) -> Path:
    copy = tmp_path / "index"
    shutil.copytree(seed_index, copy)
    return copy


def one_line(done, status: int = 2) -> str:
    assert done.returncode == status and "Traceback" not in done.stderr, done.stderr
    assert done.stderr.startswith("qa: ") and done.stderr.count("\n") == 1, done.stderr
    return done.stderr


def test_qa_sqlite_without_its_write_ahead_log_is_the_whole_index(seed_index, tmp_path):
    wal = seed_index / "qa.sqlite-wal"
    assert not wal.exists() or wal.stat().st_size == 0  # every update ends checkpointed
    copy = tmp_path / "copy"
    shutil.copytree(seed_index, copy, ignore=shutil.ignore_patterns("qa.sqlite-*"))  # a backup of the file alone
    assert run_json("ask", "--json", QUESTION, index=copy) == run_json("ask", "--json", QUESTION, index=seed_index)
    assert run_json("check", "--json", index=copy)["healthy"]


def test_an_unfinished_first_build_is_one_line_naming_the_fix_and_qa_index_alone_finishes_it(tmp_path, corpus):
    from qa.backends.local.store import Store
    from qa.records import Source

    # what a first build of the corpus interrupted before its commit leaves: its sources recorded, nothing answering
    store = Store.create(tmp_path / "index")
    store.record_first_build([Source(str(corpus))], {})
    store.close()
    for command in (("ask", "hi"), ("info",)):
        assert "has not finished its first build: run `qa index` to finish it" in one_line(
            run_qa(*command, index=tmp_path / "index", check=False)
        )
    done = run_qa("check", index=tmp_path / "index", check=False)
    assert done.returncode == 1 and "damaged: run `qa index` to finish it" in done.stdout
    # run where ./seeds is not the corpus: the recorded source is read, not the default folder
    assert run_json("index", "--json", index=tmp_path / "index", cwd=tmp_path)["added"] == len(list(corpus.iterdir()))
    assert run_json("info", "--json", index=tmp_path / "index")["sources"] == [str(corpus)]


def test_check_on_a_healthy_index(index):
    done = run_qa("check", index=index)
    assert done.stdout.splitlines()[-1] == "healthy: nothing to do"
    report = run_json("check", "--json", index=index)
    assert report["healthy"] and [c["check"] for c in report["checks"]] == [
        "sqlite",
        "complete",
        "counts",
        "encoder",
        "model",
        "faiss",
    ]


def test_check_finds_an_encoder_damaged_in_place_and_the_update_replaces_it(index):
    weights = index / "encoder.onnx.data"
    before = weights.stat()
    with open(weights, "r+b") as file:  # same size, same modification time: only reading it finds the damage
        file.seek(before.st_size // 2)
        byte = file.read(1)
        file.seek(-1, os.SEEK_CUR)
        file.write(bytes([byte[0] ^ 0xFF]))
    os.utime(weights, ns=(before.st_atime_ns, before.st_mtime_ns))
    report = run_json("check", "--json", index=index, check=False)
    assert not report["healthy"] and report["advice"] == "run `qa index`"
    assert [c["check"] for c in report["checks"] if not c["ok"]] == ["encoder"]
    run_qa("index", index=index)  # verified whole before embedding: exported again
    assert run_json("check", "--json", index=index)["healthy"]


def test_check_finds_stored_rows_that_disagree_with_the_record(index):
    with closing(sqlite3.connect(index / "qa.sqlite")) as db:
        db.execute("UPDATE manifest SET value = value + 3 WHERE key = 'passages'")
        db.commit()
    done = run_qa("check", index=index, check=False)
    assert done.returncode == 1
    assert "counts: FAILED" in done.stdout and "passages stored" in done.stdout
    assert done.stdout.splitlines()[-1].startswith("damaged: run `qa index --rebuild`")


@contextmanager
def lock_held_by_us(index: Path):
    with open(index / "update.lock", "r+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()} 1700000000.0\n")
        handle.flush()
        yield


def test_check_beside_a_running_update_leaves_the_lexical_tables_to_it(index):
    with lock_held_by_us(index):
        done = run_qa("check", index=index, check=False)
    assert done.returncode == 0 and "the lexical tables not checked: an update is running" in done.stdout
    assert "lexical tables agree with the text they index" in run_qa("check", index=index).stdout


def test_a_stuck_update_is_named_and_wait_gives_up(index):
    with lock_held_by_us(index):
        done = run_qa("index", "--wait", "0.5", index=index, check=False)
    message = done.stderr.splitlines()
    assert done.returncode == 2 and "Traceback" not in done.stderr and len(message) == 2
    assert message[0].startswith(f"qa: another update of this index is running (pid {os.getpid()}, since 2023-11-1")
    assert "is still running after 0.5 s: nothing was changed" in message[1]


def test_the_index_is_readable_by_its_owner_only(tmp_path, seed_index):
    from qa.backends.local.store import Store

    os.umask(0o022)
    Store.create(tmp_path / "new" / "index").close()
    assert stat.S_IMODE((tmp_path / "new" / "index").stat().st_mode) == 0o700
    for path in seed_index.iterdir():  # written by `qa index` under the usual umask
        assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0, path.name


def mounted(tmp_path, size: str) -> Path | None:
    """A small filesystem of its own (tmpfs), or None where this user may not mount one."""
    point = tmp_path / "mount"
    point.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(point)], capture_output=True)
    return point if done.returncode == 0 else None


@pytest.fixture()
def small_disk(tmp_path):
    point = mounted(tmp_path, "110m")
    if point is None:
        pytest.skip("needs permission to mount a tmpfs")
    yield point
    subprocess.run(["umount", "-l", str(point)], check=True)


def test_a_full_disk_during_an_update_is_one_line_and_loses_nothing(index, small_disk, tmp_path):
    full = small_disk / "index"
    shutil.copytree(index, full)
    before = run_json("ask", "--json", QUESTION, index=full)
    available = shutil.disk_usage(small_disk).free
    with open(small_disk / "filler", "wb") as filler:
        filler.truncate(0)
        os.posix_fallocate(filler.fileno(), 0, available - 16_384)
    more = tmp_path / "more"
    more.mkdir()
    (more / "more.txt").write_text("More\n\n" + "Residents rebuilt the clock tower by hand. " * 2000 + "\n")
    assert "no space left on the device" in one_line(run_qa("index", str(more), index=full, check=False))
    assert run_json("ask", "--json", QUESTION, index=full) == before
    (small_disk / "filler").unlink()
    assert run_json("index", "--json", str(more), index=full)["added"] == 1


def test_a_read_only_index_answers_and_an_update_is_one_line(index, small_disk):
    shutil.copytree(index, small_disk / "index")
    for log in ("qa.sqlite-wal", "qa.sqlite-shm"):  # as an update leaves them when it ends
        (small_disk / "index" / log).unlink(missing_ok=True)
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    assert run_json("ask", "--json", QUESTION, index=small_disk / "index")["results"]
    checked = run_qa("check", index=small_disk / "index", check=False).stdout
    assert "the lexical tables not checked: the index is read-only" in checked
    assert "cannot write" in one_line(run_qa("index", index=small_disk / "index", check=False))
    assert "cannot write" in one_line(run_qa("index", index=small_disk / "new", check=False))


def test_an_index_of_an_earlier_version_on_a_read_only_disk_is_one_line_naming_the_fix(small_disk):
    shutil.copytree(ROOT / "tests" / "data" / "schema3", small_disk / "old")
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    said = run_qa("ask", QUESTION, index=small_disk / "old", check=False)
    message = said.stderr.splitlines()[-1]
    assert said.returncode == 2 and "Traceback" not in said.stderr and message.startswith("qa: ")
    assert "made by an earlier version of qa and cannot be brought up to date where it is" in message


def test_check_finds_text_changed_under_the_lexical_index(index):
    with closing(sqlite3.connect(index / "qa.sqlite")) as db:
        db.execute(
            "UPDATE passages SET text = 'Nothing of what was indexed.' WHERE id = (SELECT min(id) FROM passages)"
        )
        db.commit()
    done = run_qa("check", index=index, check=False)
    assert done.returncode == 1
    assert "sqlite: FAILED" in done.stdout and "passages_fts disagrees with the text it indexes" in done.stdout
