"""How soon the chat REPL is usable, and how fast it answers once warm.

    python bench/chat_latency.py [INDEX] [RUNS]

Starts `qa chat` in a pseudo-terminal RUNS times (7 by default) and reports the median
time from process start to the first prompt and to the first answer on screen. Then
answers every question of tests/data/seed_questions.jsonl in one warm process and reports
the median compute time per answer (search and ranking, without drawing). INDEX
(/tmp/qa-bench-index by default) is built over seeds/ when it does not exist.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pexpect

ROOT = Path(__file__).resolve().parent.parent
QUESTION = "Who is Donatella Rovera?"


def startup(index: Path) -> tuple[float, float]:
    """Seconds from spawning `qa chat` to its first prompt, and to its first answer."""
    environment = {**os.environ, "TERM": "xterm-256color", "PROMPT_TOOLKIT_NO_CPR": "1"}
    began = time.perf_counter()
    child = pexpect.spawn(
        str(Path(sys.executable).with_name("qa")),
        ["--index", str(index), "chat"],
        env=environment,
        dimensions=(50, 100),
        encoding="utf-8",
        timeout=60,
    )
    child.expect_exact("qa>")
    prompt = time.perf_counter() - began
    child.sendline(QUESTION)
    child.expect(r"\[1\]")
    answer = time.perf_counter() - began
    child.expect_exact("qa>")
    child.sendcontrol("d")
    child.expect(pexpect.EOF)
    return prompt, answer


def warm_median(index: Path) -> float:
    from qa.search import Searcher

    questions = [json.loads(line)["question"] for line in (ROOT / "tests/data/seed_questions.jsonl").open()]
    searcher = Searcher.open(index)
    searcher.ask(QUESTION)  # the encoder is loaded and the FAISS cache read
    times = []
    for question in questions:
        began = time.perf_counter()
        searcher.ask(question)
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def main(index: Path, runs: int) -> None:
    if not (index / "qa.sqlite").is_file():
        subprocess.run([sys.executable, "-m", "qa", "--index", str(index), "index", str(ROOT / "seeds")], check=True)
    prompts, answers = zip(*(startup(index) for _ in range(runs)), strict=True)
    print(f"runs: {runs}")
    print("| measure | median |")
    print("|---|---|")
    print(f"| qa chat: start to first prompt | {statistics.median(prompts):.3f} s |")
    print(f"| qa chat: start to first answer on screen | {statistics.median(answers):.3f} s |")
    print(f"| warm answer, compute only (86 seed questions) | {warm_median(index) * 1000:.1f} ms |")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "index", nargs="?", type=Path, default=Path("/tmp/qa-bench-index"), metavar="INDEX", help="the index asked"
    )
    parser.add_argument("runs", nargs="?", type=int, default=7, metavar="RUNS", help="times `qa chat` is started")
    args = parser.parse_args()
    main(args.index, args.runs)
