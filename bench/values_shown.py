"""Every value the answer block shows for every question of the dev question files, and what changed between two
such listings: the check a rule of the answer reader (qa/figures.py) is kept by, beside `qa eval`'s totals.

    python bench/values_shown.py --work DIR OUT.json     # index the dev collections in DIR (incrementally), list values
    python bench/values_shown.py --compare BEFORE.json AFTER.json   # the questions whose values differ, with gold

The indexes are built by the real `qa index` from seeds/, bench/news5w1h/json, bench/reuters21578/sample.jsonl and
bench/squad5/articles; each question file is asked in one `qa ask --json --file` process.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COLLECTIONS = {  # index name: (articles, question files)
    "seeds": (ROOT / "seeds", ["tests/data/seed_questions.jsonl", "tests/data/figure_questions.jsonl"]),
    "news5w1h": (
        ROOT / "bench/news5w1h/json",
        ["bench/news5w1h/retrieval.jsonl", "bench/news5w1h/questions.jsonl", "bench/news5w1h/unanswerable.jsonl"],
    ),
    "reuters21578": (
        ROOT / "bench/reuters21578/sample.jsonl",
        [
            "bench/reuters21578/retrieval.jsonl",
            "bench/reuters21578/questions.jsonl",
            "bench/reuters21578/unanswerable.jsonl",
        ],
    ),
    "squad5": (ROOT / "bench/squad5/articles", ["bench/squad5/questions.jsonl", "bench/squad5/unanswerable.jsonl"]),
}


def qa(*args: str, index: Path, input: str | None = None) -> str:
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    command = [sys.executable, "-m", "qa", "--index", str(index), *args]
    return subprocess.run(command, input=input, capture_output=True, text=True, check=True, cwd=ROOT, env=env).stdout


def listing(work: Path) -> dict[str, dict]:
    """For each question (by file and id): the question, its gold strings and the values shown, first first."""
    shown = {}
    for name, (articles, question_files) in COLLECTIONS.items():
        index = work / name
        qa("index", str(articles), index=index)
        for question_file in question_files:
            lines = [json.loads(line) for line in (ROOT / question_file).read_text(encoding="utf-8").splitlines()]
            asked = "".join(line["question"] + "\n" for line in lines)
            answers = [
                json.loads(reply) for reply in qa("ask", "--json", "--file", "-", index=index, input=asked).splitlines()
            ]
            for line, answer in zip(lines, answers, strict=True):
                shown[f"{question_file}:{line.get('id', line['question'])}"] = {
                    "question": line["question"],
                    "gold": line.get("answers", []) + line.get("values", []),
                    "values": [value["value"] for value in answer["answers"]],
                }
    return shown


def compare(before: dict[str, dict], after: dict[str, dict]) -> None:
    changed = [key for key in after if before.get(key, {}).get("values") != after[key]["values"]]
    for key in changed:
        print(f"{key}\n  {after[key]['question']}  gold {after[key]['gold']}")
        print(f"  - {before.get(key, {}).get('values')}\n  + {after[key]['values']}")
    print(f"{len(changed)} of {len(after)} questions show other values")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--work", type=Path, help="where the dev collections' indexes are kept between runs")
    parser.add_argument("--compare", nargs=2, type=Path, metavar=("BEFORE", "AFTER"), help="two listings to compare")
    parser.add_argument("out", nargs="?", type=Path, help="where the listing is written (with --work)")
    args = parser.parse_args()
    if args.compare:
        compare(*(json.loads(path.read_text(encoding="utf-8")) for path in args.compare))
    elif args.work and args.out:
        args.out.write_text(json.dumps(listing(args.work), indent=1, ensure_ascii=False), encoding="utf-8")
    else:
        parser.error("give --work DIR OUT, or --compare BEFORE AFTER")
