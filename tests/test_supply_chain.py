"""Nothing leaves the machine and nothing in the index can run code: no socket is created (let alone connected)
and nothing is unpickled while indexing or answering, and the index folder holds no pickle."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest
from conftest import ROOT

PAGE = ROOT / "tests" / "data" / "articles" / "raqqa-report.html"

# Runs the real CLI with an audit hook that records every attempt to reach the network or unpickle.
PROBE = """
import json, sys
events = []
WATCHED = ("socket.__new__", "socket.bind", "socket.connect", "socket.getaddrinfo", "socket.gethostbyname",
           "urllib.Request", "pickle.find_class")
def hook(event, args):
    if event in WATCHED:
        events.append(event)
sys.addaudithook(hook)
from qa.cli import main
sys.argv = ["qa", *json.loads(sys.argv[1])]
try:
    main()
except SystemExit as done:
    assert not done.code, done.code
print(json.dumps(events))
"""


def audited(*args: str) -> list[str]:
    """Events seen while the CLI ran with args (a failure of the command fails the test)."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(args)], capture_output=True, text=True, cwd=ROOT, timeout=600
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture()
def writable_index(seed_index, tmp_path):
    index = tmp_path / "index"
    shutil.copytree(seed_index, index)
    return index


def test_indexing_a_new_article_and_answering_open_no_socket_and_unpickle_nothing(writable_index, tmp_path):
    (tmp_path / "more").mkdir()
    (tmp_path / "more" / "note.txt").write_text("Raqqa notes\n\nResidents of Raqqa rebuilt the clock tower by hand.\n")
    shutil.copy(PAGE, tmp_path / "more")  # a saved page: the HTML reader (trafilatura, urllib3) is imported
    assert audited("--index", str(writable_index), "index", str(tmp_path / "more")) == []
    assert audited("--index", str(writable_index), "ask", "Who rebuilt the clock tower?") == []


def test_a_first_build_exporting_the_encoder_opens_no_socket(tmp_path, monkeypatch):
    monkeypatch.setenv("QA_CACHE_DIR", str(tmp_path / "empty-cache"))
    article = tmp_path / "one" / "note.txt"
    article.parent.mkdir()
    article.write_text("A note\n\nThe coalition said the strike was under review.\n")
    events = audited("--index", str(tmp_path / "index"), "index", str(article.parent))
    assert [e for e in events if e.startswith(("socket", "urllib"))] == []


def test_the_index_folder_holds_no_pickle(seed_index):
    for path in seed_index.iterdir():
        if path.is_file():
            assert not path.read_bytes()[:2].startswith(b"\x80"), f"{path.name} looks like a pickle"
