"""How long each pathological article takes to read and cut into passages and sentences (all before embedding).

    python bench/pathological.py [SECONDS]

Writes each file of the hostile cases below to a temporary folder and times reading,
chunking and sentence splitting it (`qa.indexer.passages`, what `qa index` does before
embedding) in a fresh process, given at most SECONDS (120 by default).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MB = 1 << 20

CASES = {
    "byline of 60 KB spaces (By x<spaces>y)": ("txt", "Title\n\nBy x" + " " * 60_000 + "y\n\nBody.\n"),
    "60 KB of 'a. a. a.'": ("txt", "Title\n\n" + "a. " * 20_000 + "\n"),
    "2 MB of 'a. a. a.'": ("txt", "Title\n\n" + "a. " * (2 * MB // 3) + "\n"),
    "2 MB of 'Mr. Mr. Mr.'": ("txt", "Title\n\n" + "Mr. " * (MB // 2) + "\n"),
    "2 MB sentence of words": ("txt", "Title\n\n" + "the cat sat on the mat and " * (2 * MB // 27) + "\n"),
    "2 MB line without spaces": ("txt", "Title\n\n" + "x" * 2 * MB + "\n"),
    "5 MB of ordinary paragraphs": (
        "txt",
        "Title\n\n" + "Officials said the strike killed 12 people on Monday. It was reviewed.\n\n" * (5 * MB // 74),
    ),
    "2 MB of one-line paragraphs 'By x'": ("txt", "Title\n\n" + "By x" + " y" * (MB) + "\n"),
    "2 MB dateline words": ("txt", "Title\n\nUpdated " + "9" * 2 * MB + "\n\nBody text here.\n"),
    "2 MB HTML page": (
        "html",
        "<html><head><title>T</title></head><body><article>"
        + "<p>Officials said the strike killed 12 people on Monday.</p>\n" * (2 * MB // 60)
        + "</article></body></html>",
    ),
    "2 MB Markdown of nested quotes and emphasis": ("md", "# T\n\n" + "> " * 50_000 + "*a " * (MB // 2) + "\n"),
}

TIMED = """
import sys, time
from pathlib import Path
from qa.manifest import ModelSpec
from qa.indexer import _passages
from qa.ingest import read_article
from qa.text import counted
began = time.perf_counter()
passages = _passages(read_article(Path(sys.argv[1])), ModelSpec("m", Path("."), "0"))
sentences = sum(len(p.sentences) for p in passages)
print(f"{time.perf_counter() - began:.2f} s, {counted(len(passages), 'passage')}, {counted(sentences, 'sentence')}")
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("limit", nargs="?", type=float, default=120.0, metavar="SECONDS", help="time given each case")
    limit = parser.parse_args().limit
    with tempfile.TemporaryDirectory() as folder:
        for name, (suffix, text) in CASES.items():
            path = Path(folder) / f"case.{suffix}"
            path.write_text(text, encoding="utf-8")
            began = time.perf_counter()
            try:
                done = subprocess.run(
                    [sys.executable, "-c", TIMED, str(path)],
                    cwd=ROOT,
                    capture_output=True,
                    text=True,
                    timeout=limit,
                )
                figure = done.stdout.strip() or done.stderr.strip().splitlines()[-1]
            except subprocess.TimeoutExpired:
                figure = f"> {limit:.0f} s (stopped)"
            print(f"{name:<48} {figure}   [{time.perf_counter() - began:.1f} s with start-up]", flush=True)


if __name__ == "__main__":
    main()
