"""Retrieval quality through the real `qa eval`: floors just under what the hybrid ranker reaches."""

from __future__ import annotations

import json

import pytest
from conftest import ROOT, SEEDS, run_json, run_qa

SQUAD = ROOT / "bench" / "squad5"
SEED_QUESTIONS = ROOT / "tests" / "data" / "seed_questions.jsonl"
OFF_TOPIC = ROOT / "tests" / "data" / "off_topic.jsonl"


@pytest.fixture(scope="session")
def squad_index(tmp_path_factory):
    index = tmp_path_factory.mktemp("squad-index")
    run_qa("index", str(SQUAD / "articles"), index=index)
    return index


def test_squad5_hybrid_beats_the_targets_and_both_single_rankers(squad_index):
    figures = run_json(
        "eval", str(SQUAD / "questions.jsonl"), "--mode", "hybrid,dense,lexical", "--json", index=squad_index
    )
    hybrid = figures["hybrid"]
    # Measured 0.909 gold@1, 0.960 mrr@10 (answers judged as whole words): the targets are 0.90 and 0.95.
    assert hybrid["gold@1"] >= 0.90 and hybrid["mrr@10"] >= 0.95
    assert hybrid["gold@1"] > figures["lexical"]["gold@1"] > figures["dense"]["gold@1"]
    assert hybrid["median_words"] <= 120


def test_seed_questions_are_answered_near_the_top(seed_index):
    figures = run_json("eval", str(SEED_QUESTIONS), "--json", index=seed_index)["hybrid"]
    # Measured 0.872 hit@1 (75 of 86; 0.977 hit@5): the target is 0.85.
    assert figures["hit@1"] >= 0.86 and figures["hit@5"] >= 0.96
    assert figures["median_words"] <= 120
    # The values shown for the 56 questions asking for a short fact: measured answer@1 0.518 (bench/results/answers.md).
    assert figures["answer@1"] >= 0.5


def test_fail_under_exits_non_zero_below_a_floor(seed_index):
    done = run_qa("eval", str(SEED_QUESTIONS), "--fail-under", "hit@1=1.01", index=seed_index, check=False)
    assert done.returncode == 1 and "below the floor" in done.stderr
    passed = run_qa("eval", str(SEED_QUESTIONS), "--fail-under", "hit@1=0.5", "--failures", "2", index=seed_index)
    assert "hit@1" in passed.stdout and "missed:" in passed.stdout
    assert not any(line.endswith(" ") for line in passed.stdout.splitlines())


def _confident(index, path) -> list[bool]:
    questions = "\n".join(json.loads(line)["question"] for line in path.read_text().splitlines() if line.strip())
    lines = run_qa("ask", "--json", "--file", "-", index=index, input=questions).stdout.splitlines()
    return [json.loads(line)["confident"] for line in lines]


def test_off_topic_questions_are_flagged_and_seed_questions_are_not(seed_index):
    off_topic = _confident(seed_index, OFF_TOPIC)
    on_topic = _confident(seed_index, SEED_QUESTIONS)
    # Measured: 91.4% of off-topic questions flagged (32 of 35), 9.3% of seed questions (8 of 86): the targets.
    assert len(off_topic) >= 30 and off_topic.count(False) / len(off_topic) >= 0.9
    assert on_topic.count(False) / len(on_topic) <= 0.1


def test_an_answer_string_counts_as_a_whole_word_in_any_case_and_spacing(seed_index, tmp_path):
    questions = tmp_path / "questions.jsonl"
    rows = [
        {"question": "Who directs the Syrian Observatory for Human Rights?", "answers": ["rami   ABDELRAHMAN"]},
        {"question": "How many civilians died in Raqqa?", "answers": ["ten"]},  # only in "tens", "detention"…
    ]
    questions.write_text("".join(json.dumps(row) + "\n" for row in rows))
    assert run_json("eval", str(questions), "--json", index=seed_index)["hybrid"]["hit@10"] == 0.5


def test_a_not_confident_answer_is_said_plainly(seed_index):
    out = run_qa("ask", "What is the capital of Peru?", index=seed_index).stdout
    assert out.strip() == "Nothing in the index answers this confidently."


def test_a_sentence_with_the_questions_words_but_not_the_kind_of_answer_asked_is_no_answer(seed_index):
    # "…as they attempted to escape across the Euphrates River": it names the river, not its length.
    assert run_json("ask", "How long is the Euphrates River?", "--json", index=seed_index)["confident"] is False
    assert run_json("ask", "Who is Chris Woods?", "--json", index=seed_index)["confident"] is True


def test_beir_folder_is_evaluated_unchanged(tmp_path):
    beir = tmp_path / "beir"
    (beir / "qrels").mkdir(parents=True)
    documents = sorted(SEEDS.glob("*.txt"))
    corpus = [
        {"_id": f"d{i}", "title": "", "text": path.read_text(encoding="utf-8")} for i, path in enumerate(documents)
    ]
    (beir / "corpus.jsonl").write_text("".join(json.dumps(d) + "\n" for d in corpus))
    queries = [
        ("q1", "Who is the director of the Syrian Observatory for Human Rights?", "d0"),
        ("q2", "How many artillery rounds did the US fire during the operation?", "d2"),
    ]
    (beir / "queries.jsonl").write_text("".join(json.dumps({"_id": q, "text": t}) + "\n" for q, t, _ in queries))
    (beir / "qrels" / "test.tsv").write_text(
        "query-id\tcorpus-id\tscore\n" + "".join(f"{q}\t{d}\t1\n" for q, _, d in queries)
    )
    figures = run_json("eval", str(beir), "--json", index=tmp_path / "unused")["hybrid"]
    assert figures["gold@1"] == 1.0 and figures["ndcg@10"] == 1.0
