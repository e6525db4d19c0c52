"""The retrieval question sets of bench/ are fit to measure with: each answerable question comes with the
sentence of its archive that answers it, holds none of that sentence's runs of four words (it is asked as a
reader who half-remembers the story would ask it), and the sets are as large as the issue asks."""

from __future__ import annotations

import json
import re

import pytest
from conftest import ROOT

BENCH = ROOT / "bench"


def _folded(text: str) -> str:
    return " ".join(text.split()).casefold()


def _archive(name: str) -> list[str]:
    """The folded title and text of every article of a bench corpus."""
    if name == "news5w1h":
        records = [json.loads(path.read_text(encoding="utf-8")) for path in (BENCH / name / "json").glob("*.json")]
    else:
        lines = (BENCH / name / "sample.jsonl").read_text(encoding="utf-8").splitlines()
        records = [json.loads(line) for line in lines if line.strip()]
    return [_folded(f"{record['title']}\n{record['text']}") for record in records]


def _rows(path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _runs_of_four(text: str) -> set[str]:
    words = re.findall(r"[a-z0-9]+", text.casefold())
    return {" ".join(words[i : i + 4]) for i in range(len(words) - 3)}


@pytest.mark.parametrize(("name", "answerable", "unanswerable"), [("news5w1h", 60, 40), ("reuters21578", 100, 60)])
def test_each_question_is_answered_by_its_sentence_in_other_words(name, answerable, unanswerable):
    archive = _archive(name)
    rows = _rows(BENCH / name / "retrieval.jsonl")
    assert len(rows) >= answerable and len({row["question"] for row in rows}) == len(rows)
    for row in rows:
        sentence = _folded(row["sentence"])
        assert any(sentence in article for article in archive), row["id"]
        assert any(re.search(rf"(?<!\w){re.escape(_folded(a))}(?!\w)", sentence) for a in row["answers"]), row["id"]
        copied = _runs_of_four(row["question"]) & _runs_of_four(row["sentence"])
        assert not copied, (row["id"], copied)
    unanswered = _rows(BENCH / name / "unanswerable.jsonl")
    assert len(unanswered) >= unanswerable and all(row["answers"] == [] for row in unanswered)
