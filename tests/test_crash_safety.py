"""A killed or interrupted `qa index` leaves the index answering as before the run or as after it, never a mix,
and the next run finishes the work without embedding again what was already stored. Two updates at once take
turns; readers keep answering from a consistent index meanwhile and see the new one afterwards."""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing

import pytest
from conftest import ROOT, run_json, run_qa

PROBES = [
    "Who is Donatella Rovera?",
    "How many civilians did the coalition kill in Raqqa?",
    "Who were the Normans?",
    "What is computational complexity theory?",
    "Which river flows through Melbourne?",
]
KILLS = 4


def paragraph_articles(folder) -> int:
    """One small article per paragraph of the squad5 articles: a couple of hundred files to index."""
    folder.mkdir()
    count = 0
    for source in sorted((ROOT / "bench" / "squad5" / "articles").glob("*.txt")):
        for number, paragraph in enumerate(source.read_text().split("\n\n")):
            if paragraph.strip():
                (folder / f"{source.stem}-{number:03}.txt").write_text(paragraph.strip() + "\n")
                count += 1
    return count


def answers(index) -> list:
    done = run_qa("ask", "--json", "--file", "-", index=index, input="\n".join(PROBES) + "\n")
    return [[(r["path"], r["chars"]) for r in json.loads(line)["results"]] for line in done.stdout.splitlines()]


def recorded_sources(index) -> int:
    """How many sources the index records (0 while it has no database yet)."""
    if not (index / "qa.sqlite").is_file():
        return 0
    with closing(sqlite3.connect(f"file:{index / 'qa.sqlite'}?mode=ro", uri=True, timeout=5)) as db:
        try:
            return db.execute("SELECT count(*) FROM sources").fetchone()[0]
        except sqlite3.OperationalError:  # its tables not made yet
            return 0


def start_indexing(index, folder) -> subprocess.Popen:
    command = [sys.executable, "-m", "qa", "--index", str(index), "index", "--json", str(folder)]
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    return subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # Ctrl-C as at a terminal, even when the tests run in the background (where SIGINT is inherited ignored)
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )


@pytest.fixture()
def index_and_corpus(seed_index, tmp_path):
    index = tmp_path / "index"
    shutil.copytree(seed_index, index)
    folder = tmp_path / "paragraphs"
    assert paragraph_articles(folder) >= 150
    return index, folder


def stored_vectors(index) -> int:
    return run_json("info", "--json", index=index)["vectors"]


def test_sigkill_at_random_moments_never_leaves_a_mix(index_and_corpus):
    index, folder = index_and_corpus
    before = answers(index)
    vectors_before = stored_vectors(index)
    seed = random.randrange(10**6)
    chance = random.Random(seed)
    # random moments, then the moment the first batch is stored (however slow the machine), so one kill keeps some
    moments: list[float | None] = [*sorted(chance.uniform(0.3, 6.0) for _ in range(KILLS - 1)), None]
    seen = []
    for moment in moments:
        process = start_indexing(index, folder)
        if moment is None:
            while process.poll() is None and stored_vectors(index) == vectors_before:
                time.sleep(0.2)
        else:
            time.sleep(moment)
        process.send_signal(signal.SIGKILL)
        process.wait()
        seen.append(answers(index))  # the index still opens and answers after every kill
    stored = stored_vectors(index)
    assert stored > vectors_before, f"no batch was kept (seed {seed}, moments {moments})"

    finished = run_json("index", "--json", str(folder), index=index)
    after = answers(index)
    assert after != before
    for number, state in enumerate(seen):
        assert state in (before, after), f"kill {number} at {moments[number]} s left a mix (seed {seed})"
    total = run_json("info", "--json", index=index)["vectors"]
    embedded = finished["passages_embedded"] + finished["sentences_embedded"]
    assert total - stored == embedded  # the last run embedded only what the killed runs had not stored


def test_ctrl_c_prints_one_line_and_keeps_the_index_as_it_was(index_and_corpus):
    index, folder = index_and_corpus
    before = answers(index)
    process = start_indexing(index, folder)
    time.sleep(2.0)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130
    assert stderr.strip().splitlines() == [
        "qa: interrupted; the index is as it was before this run (finished batches are kept)"
    ]
    assert answers(index) == before


def test_a_first_build_stopped_by_ctrl_c_is_finished_by_qa_index_alone(index_and_corpus, tmp_path):
    _, folder = index_and_corpus
    index = tmp_path / "first"
    process = start_indexing(index, folder)
    while process.poll() is None and not recorded_sources(index):
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)  # reading its 150 articles and more, long before its end
    process.communicate(timeout=60)
    assert process.returncode == 130
    finished = run_json("index", "--json", index=index, cwd=tmp_path)  # no ./seeds here: the recorded folder is read
    assert finished["added"] == len(list(folder.iterdir())) and answers(index)


def test_a_second_update_waits_for_the_first_while_readers_keep_answering(index_and_corpus, tmp_path):
    index, folder = index_and_corpus
    before = answers(index)
    other = tmp_path / "other"
    other.mkdir()
    (other / "clock.txt").write_text("Raqqa clock tower\n\nResidents of Raqqa rebuilt the clock tower by hand.\n")
    first = start_indexing(index, folder)
    holds_lock = time.monotonic() + 120  # the first holds the update lock once it has written its pid there
    while not (index / "update.lock").is_file() or not (index / "update.lock").read_text().startswith(f"{first.pid} "):
        assert first.poll() is None and time.monotonic() < holds_lock, "the first update never took the lock"
        time.sleep(0.05)
    second = start_indexing(index, other)
    during = answers(index)  # while both run: the index as it was, whole
    first_out, _ = first.communicate(timeout=300)
    second_out, second_err = second.communicate(timeout=300)
    assert first.returncode == 0 and second.returncode == 0
    assert during == before
    assert re.search(
        r"another update of this index is running \(pid \d+, since [\d: -]+\); waiting for it to finish", second_err
    )
    assert json.loads(first_out)["added"] >= 150 and json.loads(second_out)["added"] == 1
    assert run_json("info", "--json", index=index)["articles"] == 5 + json.loads(first_out)["added"] + 1


def test_the_chat_sees_an_update_made_while_it_runs(seed_index, tmp_path):
    import pexpect

    index = tmp_path / "index"
    shutil.copytree(seed_index, index)
    env = {**os.environ, "TERM": "xterm-256color", "PROMPT_TOOLKIT_NO_CPR": "1", "HF_HUB_OFFLINE": "1"}
    chat = pexpect.spawn(
        sys.executable,
        ["-m", "qa", "--index", str(index), "chat", "-k", "1"],
        cwd=str(ROOT),
        env=env,
        encoding="utf-8",
        timeout=120,
        dimensions=(50, 120),
    )
    chat.expect_exact("qa>")
    note = tmp_path / "more" / "clock.txt"
    note.parent.mkdir()
    note.write_text("Raqqa clock tower\n\nResidents of Raqqa rebuilt the clock tower by hand.\n")
    run_qa("index", str(note.parent), index=index)
    chat.sendline("Who rebuilt the clock tower?")
    chat.expect(r"\[1\][^\n]*")
    assert "clock.txt" in chat.after
    chat.expect_exact("qa>")
    chat.sendcontrol("d")
    chat.expect(pexpect.EOF)
