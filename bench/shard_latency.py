"""Answer latency of a sharded index, its shards in this process and served by Ray actors, side by side.

    python bench/shard_latency.py [INDEX] [ADDRESS]

Builds INDEX (three shards; /tmp/qa-shard-latency by default) over seeds/ when it does not exist. Joins the Ray
cluster at ADDRESS (default: a Ray of this machine alone, "local"), then asks every seed question
(tests/data/seed_questions.jsonl) through both, in turn, and prints the median and 90th percentile of `Searcher.ask`
wall time for each, and whether the rankings agree.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = ROOT / "tests" / "data" / "seed_questions.jsonl"


def timed(searcher, question: str) -> tuple[float, list]:
    began = time.perf_counter()
    answer = searcher.ask(question)
    spent = time.perf_counter() - began
    return spent, [(r.passage.path, r.passage.start, r.score) for r in answer.results]


def main(index: Path, address: str) -> None:
    if not (index / "shards").is_dir():
        command = [sys.executable, "-m", "qa", "--index", str(index), "index", str(ROOT / "seeds"), "--shards", "3"]
        subprocess.run(command, check=True, cwd=ROOT)
    from qa.search import Searcher

    questions = [json.loads(line)["question"] for line in QUESTIONS.read_text().splitlines() if line.strip()]
    began = time.perf_counter()
    served = Searcher.open(index, ray_address=address)
    served.warm()
    print(f"joined Ray ({address}) and reached the shard servers in {time.perf_counter() - began:.1f} s")
    local = Searcher.open(index)
    local.warm()
    times: dict[str, list[float]] = {"in process": [], "Ray actors": []}
    agree = 0
    for question in questions:  # interleaved, so both see the same machine load
        spent, here = timed(local, question)
        times["in process"].append(spent)
        spent, there = timed(served, question)
        times["Ray actors"].append(spent)
        agree += here == there
    for name, spent in times.items():
        p50, p90 = statistics.median(spent), statistics.quantiles(spent, n=10)[-1]
        print(f"{name:>10}: p50 {p50 * 1000:.1f} ms, p90 {p90 * 1000:.1f} ms over {len(spent)} questions")
    print(f"same results and scores: {agree} of {len(questions)}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "index", nargs="?", type=Path, default=Path("/tmp/qa-shard-latency"), metavar="INDEX", help="the sharded index"
    )
    parser.add_argument("address", nargs="?", default="local", metavar="ADDRESS", help="the Ray cluster to join")
    args = parser.parse_args()
    main(args.index, args.address)
