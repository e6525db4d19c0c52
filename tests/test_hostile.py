"""A hostile corpus (someone else's unpacked archive) through real `qa` processes with time limits: nothing
outside the folder is read, nothing hangs, nothing reaches the terminal raw, and every later command still works."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from conftest import ROOT, SEEDS, run_json, run_qa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

RAW_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
TITLE = "\x1b]0;owned\x07\x1b[2J\x1b]52;c;aGVsbG8=\x07Clock \x9b tower\x1b[0m"
LIMIT = 120  # seconds any one command may take


def write(folder, name: bytes, data: bytes) -> None:
    with open(os.path.join(os.fsencode(folder), name), "wb") as file:
        file.write(data)


def hostile_corpus(tmp_path):
    """Links out of the folder, a FIFO, a device, a giant file, pathological lines, escape sequences in a title
    and in names, a name that is not UTF-8, a folder 1,100 deep, and two ordinary articles."""
    folder = tmp_path / "archive"
    folder.mkdir()
    secret = tmp_path / "private"
    secret.mkdir()
    (secret / "diary.txt").write_text("Private diary\n\nThe clock tower key is under the mat.\n")
    write(folder, b"plain.txt", b"Raqqa clock tower\n\nResidents of Raqqa rebuilt the clock tower by hand.\n")
    write(folder, b"escapes.txt", f"{TITLE}\n\nThe tower's bell was cast again in bronze.\n".encode())
    write(folder, b"evil\nskipped fake.txt", b"Newline name\n\nA name that holds a line break.\n")
    write(folder, b"\x1b[31mred.txt", b"Red name\n\nA name that holds an escape sequence.\n")
    write(folder, b"caf\xe9.txt", b"Cafe notes\n\nThe cafe beside the tower reopened in spring.\n")
    write(folder, b"byline.txt", b"Byline\n\nBy x" + b" " * 60_000 + b"y\n\nBody.\n")
    write(folder, b"dots.txt", b"Dots\n\n" + b"a. " * 20_000 + b"\n")
    write(folder, b"mr.txt", b"Misters\n\n" + b"Mr. " * 100_000 + b"\n")
    write(folder, b"dateline.txt", b"Dateline\n\nUpdated " + b"9" * 300_000 + b"\n\nBody.\n")
    with open(folder / "giant.txt", "wb") as giant:
        giant.truncate(60 << 20)  # sparse: 60 MiB on paper, above the 50 MiB cap
    os.mkfifo(folder / "fifo.txt")
    (folder / "passwd.txt").symlink_to("/etc/passwd")
    (folder / "zero.txt").symlink_to("/dev/zero")
    (folder / "everything").symlink_to("/", target_is_directory=True)
    (folder / "private").symlink_to(secret, target_is_directory=True)
    deep = os.fsencode(folder / "deep")
    os.mkdir(deep)
    descriptor = os.open(deep, os.O_RDONLY)
    for _ in range(1100):  # below a path's length limit, far beyond the interpreter's recursion limit
        os.mkdir("d", dir_fd=descriptor)
        descriptor, parent = os.open("d", os.O_RDONLY, dir_fd=descriptor), descriptor
        os.close(parent)
    article = os.open("deep.txt", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=descriptor)
    os.write(article, b"Deep\n\nAn article eleven hundred folders down.\n")
    os.close(article)
    os.close(descriptor)
    return folder


def clean(done: subprocess.CompletedProcess) -> subprocess.CompletedProcess:
    """done, asserted free of tracebacks and of raw control characters on both streams."""
    for stream in (done.stdout, done.stderr):
        assert "Traceback" not in stream
        assert not RAW_CONTROL.search(stream), repr(RAW_CONTROL.search(stream))
    return done


def qa(*args, index, **kwargs):
    began = time.monotonic()
    done = run_qa(*args, index=index, **kwargs)
    assert time.monotonic() - began < LIMIT
    return clean(done)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory, seed_index):
    """The hostile corpus indexed once into a copy of the seed index: (folder, index, first summary)."""
    # pytest clears old temporary folders with a recursive shutil.rmtree, which 1,100 levels overflow: a run stopped
    # before its clean-up below left its deep folder to every later run
    runs = tmp_path_factory.getbasetemp().parent  # pytest's folder of numbered runs (unless --basetemp is given)
    for left in runs.glob("*/hostile*/archive/deep") if runs.name.startswith("pytest-of-") else ():
        subprocess.run(["rm", "-rf", str(left)], check=True)
    tmp_path = tmp_path_factory.mktemp("hostile")
    index = tmp_path / "index"
    shutil.copytree(seed_index, index)
    folder = hostile_corpus(tmp_path)
    summary = json.loads(qa("index", "--json", str(folder), index=index).stdout)
    yield folder, index, summary
    subprocess.run(["rm", "-rf", str(folder / "deep")], check=True)


def test_nothing_outside_the_folder_is_read_and_nothing_hangs(hostile):
    folder, index, summary = hostile
    reasons = {os.path.basename(item["path"]): item["reason"] for item in summary["skipped"]}
    assert reasons == {
        "passwd.txt": "link to outside the folder",
        "zero.txt": "link to outside the folder",
        "everything": "link to outside the folder",
        "private": "link to outside the folder",
        "fifo.txt": "not a regular file (FIFO)",
        "giant.txt": "larger than 50M (--max-size)",
    }
    paths = [entry["path"] for entry in run_json("info", "--json", index=index)["article_list"]]
    assert not [path for path in paths if not (path.startswith(str(folder)) or path.startswith(str(SEEDS)))]
    assert len(paths) == 5 + 10  # the seeds, and every regular file of the archive under the cap
    assert str(folder / "caf\\xe9.txt") in paths  # a name that is not UTF-8, indexed and named escaped
    done = qa("ask", "--json", "Where is the clock tower key hidden?", index=index)
    assert "diary" not in done.stdout


def test_titles_and_names_reach_no_terminal_raw(hostile):
    folder, index, _ = hostile
    info = qa("info", index=index).stdout
    assert "␛]0;owned␇␛[2J␛]52;c;aGVsbG8=␇Clock � tower␛[0m" in info
    assert "evil␊skipped fake.txt" in info and "␛[31mred.txt" in info and "caf\\xe9.txt" in info
    assert len(info.splitlines()) == 10 + 15  # one line per field and per article: no name forged a line
    listed = qa("info", "--json", index=index).stdout
    assert "\\u009b" in listed and "\\u001b" in listed
    answer = qa("ask", "-k", "3", "When was the bell cast again in bronze?", index=index).stdout
    assert "Clock � tower" in answer
    assert "\\u009b" in qa("ask", "--json", "When was the bell cast again in bronze?", index=index).stdout
    chat = qa("chat", "-k", "2", index=index, input="What reopened beside the tower?\n:open 1\n:sources\n").stdout
    assert "caf\\xe9.txt" in chat and "␛[31mred.txt" in chat


def test_a_later_update_and_reindex_still_work(hostile):
    folder, index, _ = hostile
    again = json.loads(qa("index", "--json", index=index).stdout)
    assert (again["added"], again["updated"], again["removed"], again["unchanged"]) == (0, 0, 0, 15)
    (folder / "caf\udce9.txt").unlink()
    chat = qa("chat", index=index, input=":reindex\n").stdout
    assert "0 added, 0 updated, 1 removed, 14 unchanged" in chat


@pytest.mark.parametrize(
    "question",
    [b"caf\xe9 beside the tower", b"\xff\xfe\xfd", b"tower \x1b]52;c;aGVsbG8=\x07 \xc2\x9b"],
    ids=["latin-1", "invalid", "escapes"],
)
def test_questions_that_are_not_utf8_are_answered_from_argv_files_and_pipes(seed_index, tmp_path, question):
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    command = [sys.executable, "-m", "qa", "--index", str(seed_index)]
    argv = subprocess.run([*command, "ask", "-k", "1", question], capture_output=True, cwd=ROOT, env=env)
    questions = tmp_path / "questions.txt"
    questions.write_bytes(question + b"\n")
    from_file = subprocess.run(
        [*command, "ask", "--json", "--file", str(questions)], capture_output=True, cwd=ROOT, env=env
    )
    piped = subprocess.run(
        [*command, "chat"], input=question + b"\n:open \xc2\xb2\n:k 2\n", capture_output=True, cwd=ROOT, env=env
    )
    for done in (argv, from_file, piped):
        text = subprocess.CompletedProcess(done.args, done.returncode, done.stdout.decode(), done.stderr.decode())
        assert done.returncode == 0, text.stderr
        clean(text)
    assert ":open takes a result number" in piped.stdout.decode() or ":open N shows" in piped.stdout.decode()
    assert "showing 2 passages" in piped.stdout.decode()  # the chat went on after each line


def test_a_beir_id_never_names_a_file_outside_the_folder(tmp_path):
    from qa.evaluate import beir_file_stem, write_beir_articles

    corpus = [{"_id": name, "text": "x"} for name in ("../../escaped", "/tmp/absolute", "ok-1", "a/b", ".hidden")]
    write_beir_articles(corpus, tmp_path / "articles")
    written = sorted(p.name for p in (tmp_path / "articles").iterdir())
    assert written == sorted(f"{beir_file_stem(d['_id'])}.txt" for d in corpus) and "ok-1.txt" in written
    assert all(path.parent == tmp_path / "articles" for path in tmp_path.rglob("*") if path.is_file())


NAMES = (
    st.binary(min_size=1, max_size=16)
    .filter(lambda name: b"/" not in name and b"\x00" not in name)
    .map(lambda name: name + b".txt")
)
QUESTIONS = st.binary(min_size=1, max_size=120).filter(lambda question: b"\x00" not in question)


@pytest.fixture(scope="module")
def property_index(tmp_path_factory, seed_index):
    index = tmp_path_factory.mktemp("property") / "index"
    shutil.copytree(seed_index, index)
    return index


def run_bytes(*args, index) -> subprocess.CompletedProcess:
    """A real `qa` process given byte arguments; its output decoded strictly (it must be UTF-8)."""
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "COLUMNS": "100"}
    command = [sys.executable, "-m", "qa", "--index", str(index), *args]
    done = subprocess.run(command, capture_output=True, cwd=ROOT, env=env, timeout=LIMIT)
    return clean(subprocess.CompletedProcess(args, done.returncode, done.stdout.decode(), done.stderr.decode()))


@settings(
    max_examples=5,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(files=st.dictionaries(NAMES, st.binary(max_size=3000), min_size=1, max_size=3), question=QUESTIONS)
def test_any_bytes_names_and_questions_give_no_traceback_and_no_raw_control_byte(property_index, files, question):
    with tempfile.TemporaryDirectory() as folder:
        for name, data in files.items():
            write(folder, name, data)
        assert run_bytes("index", folder.encode(), index=property_index).returncode == 0
        assert run_bytes("info", index=property_index).returncode == 0
        assert run_bytes("ask", "-k", "2", question, index=property_index).returncode in (0, 2)
        questions = Path(folder) / "questions.jsonl"
        text = question.decode("utf-8", "surrogateescape")
        questions.write_text(json.dumps({"question": text, "answers": [text[:5]]}) + "\n", encoding="utf-8")
        assert run_bytes("eval", str(questions).encode(), "--failures", "1", index=property_index).returncode in (0, 2)
