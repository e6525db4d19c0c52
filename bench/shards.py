"""A sharded index against one index of the same articles: are the answers the same, and what does sharding cost?

    python bench/shards.py [WORKDIR] [--shards 2,3,4] [--corpus FOLDER] [--questions FILE ...]

Indexes the corpus (by default the seed and squad5 articles, copied into WORKDIR) into one index, splits a copy of
it into each number of shards (`qa index --shards N` on it: the shards take its stored vectors; all kept in WORKDIR
for the next run), asks every question of the question files (by default
the seed and squad5 sets) of each, interleaved so that all see the same machine load, and prints per number of
shards: the share of questions whose top 10 passages, scores (within 1e-6) and confidence equal one index's,
the worst score gap, and hybrid p50/p95 latency beside one index's. Shards are searched in this process.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = [ROOT / "tests" / "data" / "seed_questions.jsonl", ROOT / "bench" / "squad5" / "questions.jsonl"]


def qa_index(index: Path, *args: str) -> None:
    subprocess.run([sys.executable, "-m", "qa", "--index", str(index), "index", *args], check=True)


def split(one: Path, index: Path, shards: int) -> Path:
    """A copy of the index split into shards (taking its stored vectors, so that only ranking differs)."""
    if not index.exists():
        shutil.copytree(one, index)
        qa_index(index, "--shards", str(shards))
    return index


def timed_rank(searcher, question: str):
    began = time.perf_counter()
    answer = searcher.rank(question, 10)
    return answer, time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("workdir", nargs="?", type=Path, default=Path("/tmp/qa-shards-bench"))
    parser.add_argument("--shards", default="2,3,4")
    parser.add_argument("--corpus", type=Path)
    parser.add_argument("--questions", nargs="*", type=Path, default=QUESTIONS)
    options = parser.parse_args()
    corpus = options.corpus
    if corpus is None:
        corpus = options.workdir / "corpus"
        if not corpus.exists():
            corpus.mkdir(parents=True)
            for source in [*(ROOT / "seeds").iterdir(), *(ROOT / "bench" / "squad5" / "articles").iterdir()]:
                shutil.copy(source, corpus)
    from qa.search import Searcher

    counts = [int(n) for n in options.shards.split(",")]
    one = options.workdir / "one"
    if not one.exists():
        qa_index(one, str(corpus))
    searchers = {None: Searcher.open(one)}
    for n in counts:
        searchers[n] = Searcher.open(split(one, options.workdir / f"shards-{n}", n))
    questions = [json.loads(line)["question"] for path in options.questions for line in path.open() if line.strip()]
    for searcher in searchers.values():
        searcher.warm()
        searcher.rank(questions[0])
    times = {n: [] for n in searchers}
    same = dict.fromkeys(counts, 0)
    worst = dict.fromkeys(counts, 0.0)
    for question in questions:
        expected, elapsed = timed_rank(searchers[None], question)
        times[None].append(elapsed)
        for n in counts:
            found, elapsed = timed_rank(searchers[n], question)
            times[n].append(elapsed)
            gaps = [abs(a.score - b.score) for a, b in zip(expected.results, found.results, strict=False)]
            worst[n] = max(worst[n], *gaps, 0.0)
            same[n] += (
                [(r.passage.path, r.passage.start, r.answer) for r in found.results]
                == [(r.passage.path, r.passage.start, r.answer) for r in expected.results]
                and found.confident == expected.confident
                and all(gap <= 1e-6 for gap in gaps)
            )

    def p(values: list[float], q: float) -> float:
        return 1000 * statistics.quantiles(values, n=100)[q - 1]

    print(f"{len(questions)} questions, {sum(1 for _ in corpus.iterdir())} articles")
    print("| shards | same as one index | worst score gap | hybrid p50 / p95 | one index p50 / p95 | p50 ratio |")
    print("|---:|---:|---:|---:|---:|---:|")
    one = (p(times[None], 50), p(times[None], 95))
    for n in counts:
        print(
            f"| {n} | {same[n] / len(questions):.4f} | {worst[n]:.1e} | {p(times[n], 50):.1f} / {p(times[n], 95):.1f} ms "
            f"| {one[0]:.1f} / {one[1]:.1f} ms | {p(times[n], 50) / one[0]:.2f} |"
        )


if __name__ == "__main__":
    main()
