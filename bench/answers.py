"""The answer block measured: answer metrics of `qa eval` on the seed, news5w1h and Reuters question sets, the warm
time reading values adds to a question, and three answers as a person sees them at 100 columns.

    python bench/answers.py [--work DIR]    # DIR keeps the converted articles and indexes between runs

Indexes are built (incrementally) through the real `qa index`; news5w1h and the Reuters sample are converted to text
articles by bench/to_text.py first.
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

ROOT = Path(__file__).resolve().parent.parent
SETS = {  # name: (articles to index, or how to make them; question set)
    "seed questions": ("seeds", ROOT / "tests/data/seed_questions.jsonl"),
    "seed figure questions": ("seeds", ROOT / "tests/data/figure_questions.jsonl"),
    "news5w1h": ("news5w1h", ROOT / "bench/news5w1h/questions.jsonl"),
    "reuters21578 sample": ("reuters", ROOT / "bench/reuters21578/questions.jsonl"),
}
EXAMPLES = [
    ("seeds", "How many civilians died in the battle for Raqqa?"),
    ("news5w1h", "How many people lost their lives when the Croydon tram came off the rails?"),
    ("reuters", "How much is the Army's field radio contract with ITT worth?"),
]
METRICS = ("answer@1", "text@1", "shown_precision", "value_recall", "value_precision", "hit@1")


def qa(*args: str, index: Path, input: str | None = None) -> str:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "COLUMNS": "100"}
    command = [sys.executable, "-m", "qa", "--index", str(index), *args]
    return subprocess.run(command, input=input, capture_output=True, text=True, check=True, cwd=ROOT, env=env).stdout


def build(work: Path) -> dict[str, Path]:
    """The index of each collection, brought up to date."""
    articles = {
        "seeds": ROOT / "seeds",
        "news5w1h": work / "news5w1h",
        "reuters": work / "reuters",
    }
    converters = {
        "news5w1h": ("newsplease", ROOT / "bench/news5w1h/json"),
        "reuters": ("reuters", ROOT / "bench/reuters21578/sample.jsonl"),
    }
    for name, (kind, source) in converters.items():
        subprocess.run(
            [sys.executable, str(ROOT / "bench/to_text.py"), kind, str(source), str(articles[name])],
            check=True,
            cwd=ROOT,
        )
    indexes = {}
    for name, folder in articles.items():
        indexes[name] = work / f"index-{name}"
        qa("index", str(folder), index=indexes[name])
    return indexes


def added_latency(index: Path, questions: Path) -> dict[str, float]:
    """Median warm ms per question, in one process over the question set: ranking the ten best passages and the
    FIGURE_POOL best (as `qa ask` ranks them); reading the values from the ten best alone, and from the pool as
    `qa ask` reads them (the ten best, then deeper passages of the same stories; copies looked up)."""
    sys.path.insert(0, str(ROOT))
    from qa.figures import READ_ANY_ARTICLE, figures
    from qa.ranking import FIGURE_POOL
    from qa.search import Searcher

    searcher = Searcher.open(index)
    texts = [json.loads(line)["question"] for line in questions.read_text().splitlines() if line.strip()]
    searcher.rank(texts[0])  # warm: the encoder loaded, the FAISS cache read
    times: dict[str, list[float]] = {"rank 10": [], f"rank {FIGURE_POOL}": [], "read 10": [], "read pool": []}
    for text in texts:
        start = time.perf_counter()
        searcher.rank(text, READ_ANY_ARTICLE)
        times["rank 10"].append(time.perf_counter() - start)
        start = time.perf_counter()
        ranked = searcher.rank(text, FIGURE_POOL)
        times[f"rank {FIGURE_POOL}"].append(time.perf_counter() - start)
        if ranked.confident:
            start = time.perf_counter()
            figures(text, ranked.results[:READ_ANY_ARTICLE])
            times["read 10"].append(time.perf_counter() - start)
            start = time.perf_counter()
            searcher.values_of(text, ranked.results)
            times["read pool"].append(time.perf_counter() - start)
    return {name: statistics.median(values) * 1000 for name, values in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, default=Path("/tmp/qa-bench-answers"))
    work = parser.parse_args().work
    work.mkdir(parents=True, exist_ok=True)
    indexes = build(work)
    print(f"| question set | questions | {' | '.join(METRICS)} |")
    print(f"|---|---:|{'---:|' * len(METRICS)}")
    for name, (collection, questions) in SETS.items():
        figures = json.loads(qa("eval", str(questions), "--json", index=indexes[collection]))["hybrid"]
        count = sum(1 for line in questions.read_text().splitlines() if line.strip())
        print(
            f"| {name} | {count} | " + " | ".join(f"{figures[m]:.3f}" if m in figures else "" for m in METRICS) + " |"
        )
    for collection, questions in (("seeds", "tests/data/seed_questions.jsonl"), ("news5w1h", SETS["news5w1h"][1])):
        medians = added_latency(indexes[collection], ROOT / questions)
        print(
            f"\nwarm, median per question ({collection}): " + ", ".join(f"{k} {v:.1f} ms" for k, v in medians.items())
        )
    for collection, question in EXAMPLES:
        print(f"\n$ qa ask -k 1 {json.dumps(question)}   # {collection}, 100 columns\n")
        print(qa("ask", "-k", "1", question, index=indexes[collection]).rstrip())


if __name__ == "__main__":
    main()
