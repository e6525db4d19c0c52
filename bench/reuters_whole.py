"""The Reuters questions over the whole reuters21578 archive, beside the 300-story sample that CI evaluates.

    python bench/reuters_whole.py [ARCHIVE.jsonl] [--work DIR]

The questions were written over the sample's 300 stories, which the whole archive (19,043 stories, read where it
lies, copying nothing into the repository) holds among 63 times as many others: the same questions, among the
distractors of a real archive. Both indexes are brought up to date through the real `qa index` in DIR (the whole
archive's first build takes about half an hour on 2 cores; a later run finds it unchanged in a second) and
evaluated with `qa eval --json`, hybrid. Prints a markdown table and appends it to bench/results/retrieval.md.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from answers import qa
from index_throughput import ARCHIVE

ROOT = Path(__file__).resolve().parent.parent
REUTERS = ROOT / "bench" / "reuters21578"
RESULTS = ROOT / "bench" / "results" / "retrieval.md"
COLUMNS = {  # question set: the metrics shown of it
    "retrieval": ("hit@1", "hit@5", "mrr@10", "answer@1", "flagged_unanswerable", "flagged_answerable"),
    "figure questions": ("hit@1", "answer@1", "value_recall", "value_precision"),
}


def evaluate(index: Path) -> dict[str, dict[str, float]]:
    """The hybrid figures of the Reuters question sets on an index."""
    retrieval = qa(
        "eval",
        str(REUTERS / "retrieval.jsonl"),
        "--unanswerable",
        str(REUTERS / "unanswerable.jsonl"),
        "--json",
        index=index,
    )
    figures = qa("eval", str(REUTERS / "questions.jsonl"), "--json", index=index)
    return {"retrieval": json.loads(retrieval)["hybrid"], "figure questions": json.loads(figures)["hybrid"]}


def table(rows: dict[str, dict[str, dict[str, float]]]) -> str:
    lines = []
    for name, metrics in COLUMNS.items():
        lines += [f"| {name} | {' | '.join(metrics)} |", "|---|" + "---:|" * len(metrics)]
        for collection, figures in rows.items():
            lines.append(f"| {collection} | " + " | ".join(f"{figures[name][m]:.3f}" for m in metrics) + " |")
        lines.append("")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("archive", nargs="?", type=Path, default=ARCHIVE)
    parser.add_argument("--work", type=Path, default=Path("/tmp/qa-reuters-whole"))
    args = parser.parse_args()
    sources = {"sample (300 stories)": REUTERS / "sample.jsonl", f"whole ({args.archive.name})": args.archive}
    rows = {}
    for number, (collection, source) in enumerate(sources.items()):
        index = args.work / f"index-{number}"
        qa("index", str(source), index=index)
        rows[collection] = evaluate(index)
    heading = f"\n## {time.strftime('%Y-%m-%d %H:%M')}: the Reuters questions, sample and whole archive\n\n"
    report = heading + table(rows)
    print(report)
    with RESULTS.open("a") as results:
        results.write(report)


if __name__ == "__main__":
    main()
