"""Retrieval quality through the real `qa eval`: floors just under what the hybrid ranker reaches."""

from __future__ import annotations

import json

import pytest
from conftest import REUTERS, ROOT, SEEDS, run_json, run_qa

from qa.evaluate import METRICS

SQUAD = ROOT / "bench" / "squad5"
NEWS = ROOT / "bench" / "news5w1h"
SEED_QUESTIONS = ROOT / "tests" / "data" / "seed_questions.jsonl"
OFF_TOPIC = ROOT / "tests" / "data" / "off_topic.jsonl"


@pytest.fixture(scope="session")
def squad_index(tmp_path_factory):
    index = tmp_path_factory.mktemp("squad-index")
    run_qa("index", str(SQUAD / "articles"), index=index)
    return index


@pytest.fixture(scope="session")
def news_index(tmp_path_factory):
    """news5w1h's 96 news-please articles, indexed as a user would index them."""
    index = tmp_path_factory.mktemp("news5w1h-index")
    run_qa("index", str(NEWS / "json"), index=index)
    return index


def test_seed_questions_are_answered_near_the_top_and_off_topic_ones_flagged(seed_index):
    evaluated = run_json("eval", str(SEED_QUESTIONS), "--unanswerable", str(OFF_TOPIC), "--json", index=seed_index)
    figures = evaluated["hybrid"]
    # Measured 0.872 hit@1 (75 of 86; 0.977 hit@5): the target is 0.85.
    assert figures["hit@1"] >= 0.86 and figures["hit@5"] >= 0.96
    assert figures["median_words"] <= 120
    # The values shown for the 58 questions asking for a short fact: measured answer@1 0.638 (bench/results/answers.md).
    assert figures["answer@1"] >= 0.6
    # Measured: 91.4% of off-topic questions flagged (32 of 35), 9.3% of seed questions (8 of 86): the targets.
    assert figures["flagged_unanswerable"] >= 0.9 and figures["flagged_answerable"] <= 0.1
    assert figures["flag_recall"] == figures["flagged_unanswerable"] and figures["flag_precision"] >= 0.75
    # Measured: of the 23 off-topic questions asking for a short fact, 2 are shown a value (8.7%).
    assert figures["shown_unanswerable"] <= 0.1


def _every(path, step: int, tmp_path):
    """The question file, or a fixed sample of it (every step-th line) written beside the test."""
    if step == 1:
        return path
    sample = tmp_path / path.name
    sample.write_text("".join(path.read_text(encoding="utf-8").splitlines(keepends=True)[::step]), encoding="utf-8")
    return sample


@pytest.mark.parametrize(
    ("questions", "unanswerable", "step", "index", "floors", "ceilings"),
    [
        # Measured (bench/results/retrieval.md): hit@1 0.359, hit@5 0.781, mrr@10 0.534; 22.5% of the unanswerable
        # questions flagged, 3.1% of the answerable. Far under the targets: floors against losing ground.
        # Answer@1 0.341, of all the values shown 0.421 gold (bench/results/answers.md); 37.9% of the unanswerable
        # questions asking for a short fact are shown a value.
        (
            NEWS / "retrieval.jsonl",
            NEWS / "unanswerable.jsonl",
            1,
            "news_index",
            {
                "hit@1": 0.33,
                "hit@5": 0.7,
                "mrr@10": 0.5,
                "flagged_unanswerable": 0.2,
                "answer@1": 0.31,
                "shown_precision": 0.39,
            },
            {"flagged_answerable": 0.07, "shown_unanswerable": 0.42},
        ),
        # Measured: hit@1 0.954, hit@5 1.000, mrr@10 0.975; 30.0% of the unanswerable flagged, 0.9% of the answerable;
        # answer@1 0.848, of all the values shown 0.870 gold (bench/results/answers.md); 44.9% of the unanswerable
        # questions asking for a short fact are shown a value.
        (
            REUTERS / "retrieval.jsonl",
            REUTERS / "unanswerable.jsonl",
            1,
            "reuters_index",
            {
                "hit@1": 0.92,
                "hit@5": 0.98,
                "mrr@10": 0.95,
                "flagged_unanswerable": 0.28,
                "answer@1": 0.8,
                "shown_precision": 0.84,
            },
            {"flagged_answerable": 0.03, "shown_unanswerable": 0.48},
        ),
        # A fixed fifth of squad5's questions (the whole set is in bench/results/retrieval.md): measured gold@1 0.865,
        # mrr@10 0.953, answer@1 0.600, of all the values shown 0.643 gold; 8.5% of the unanswerable flagged, 0.7% of
        # the answerable; 81.8% of the unanswerable asking for a short fact are shown a value (squad5's unanswerable
        # questions ask of what its articles speak of, in their words).
        (
            SQUAD / "questions.jsonl",
            SQUAD / "unanswerable.jsonl",
            5,
            "squad_index",
            {"gold@1": 0.84, "mrr@10": 0.93, "answer@1": 0.58, "shown_precision": 0.62, "flagged_unanswerable": 0.05},
            {"flagged_answerable": 0.03, "shown_unanswerable": 0.85},
        ),
    ],
    ids=["news5w1h", "reuters21578", "squad5"],
)
def test_dev_archive_stays_above_its_floors(questions, unanswerable, step, index, floors, ceilings, request, tmp_path):
    """One `qa eval` of an archive's answerable and unanswerable questions, failing below a floor or above a ceiling
    (answerable questions flagged, unanswerable ones shown a value)."""
    done = run_qa(
        "eval",
        str(_every(questions, step, tmp_path)),
        "--unanswerable",
        str(_every(unanswerable, step, tmp_path)),
        "--json",
        *(f"--fail-under={metric}={value}" for metric, value in floors.items()),
        *(f"--fail-over={metric}={value}" for metric, value in ceilings.items()),
        "--fail-over=median_words=120",
        index=request.getfixturevalue(index),
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["hybrid"]["flag_precision"] >= 0.75


@pytest.mark.parametrize(
    ("corpus", "index", "floors"),
    [
        # The values shown (bench/results/answers.md): measured answer@1 0.816, value recall 0.681, of all the values
        # shown 0.794 gold, hit@1 0.592.
        (NEWS, "news_index", {"answer@1": 0.78, "value_recall": 0.65, "shown_precision": 0.76, "hit@1": 0.55}),
        # Measured answer@1 0.932, value recall 0.619 (seven lines list the values stories disagree on), shown 0.860
        # gold, hit@1 1.000.
        (REUTERS, "reuters_index", {"answer@1": 0.9, "value_recall": 0.58, "shown_precision": 0.83, "hit@1": 0.95}),
    ],
    ids=["news5w1h", "reuters21578"],
)
def test_answers_on_a_dev_archive_stay_above_their_floors(corpus, index, floors, request):
    done = run_qa(
        "eval",
        str(corpus / "questions.jsonl"),
        *(f"--fail-under={metric}={value}" for metric, value in floors.items()),
        index=request.getfixturevalue(index),
        check=False,
    )
    assert done.returncode == 0, done.stderr


def test_lines_without_answers_are_judged_by_the_flag_alone(seed_index, tmp_path):
    questions = tmp_path / "questions.jsonl"
    rows = [
        {"question": "Who directs the Syrian Observatory for Human Rights?", "answers": ["Rami Abdelrahman"]},
        {"question": "What is the capital of Peru?", "answers": []},
    ]
    questions.write_text("".join(json.dumps(row) + "\n" for row in rows))
    figures = run_json("eval", str(questions), "--json", index=seed_index)["hybrid"]
    assert figures["flagged_unanswerable"] == 1.0 and figures["flagged_answerable"] == 0.0
    assert figures["flag_precision"] == 1.0 and figures["hit@10"] == 1.0
    above = run_qa("eval", str(questions), "--fail-over", "flagged_unanswerable=0.5", index=seed_index, check=False)
    assert above.returncode == 1 and "above the ceiling" in above.stderr
    plain = run_json("eval", str(SEED_QUESTIONS), "--json", index=seed_index)["hybrid"]
    assert not any(metric.startswith("flag") for metric in plain)  # no unanswerable questions, no flag figures
    assert {*figures, *plain} <= set(METRICS)  # a floor may be set on any of them
    misfiled = run_qa("eval", str(SEED_QUESTIONS), "--unanswerable", str(questions), index=seed_index, check=False)
    assert misfiled.returncode == 2 and "answers given in a set of unanswerable questions" in misfiled.stderr


def test_fail_under_exits_non_zero_below_a_floor(seed_index):
    done = run_qa("eval", str(SEED_QUESTIONS), "--fail-under", "hit@1=1.01", index=seed_index, check=False)
    assert done.returncode == 1 and "below the floor" in done.stderr
    passed = run_qa("eval", str(SEED_QUESTIONS), "--fail-under", "hit@1=0.5", "--failures", "2", index=seed_index)
    assert "hit@1" in passed.stdout and "missed:" in passed.stdout
    assert not any(line.endswith(" ") for line in passed.stdout.splitlines())


def test_a_floor_on_a_metric_the_set_does_not_measure_is_a_usage_error(seed_index, tmp_path):
    # no unanswerable questions, so no share of them flagged: not scored 0 or 1
    floors = ("--fail-over", "flagged_answerable=0.1", "--fail-under", "hit@1=0.5")
    done = run_qa("eval", str(SEED_QUESTIONS), *floors, index=seed_index, check=False)
    assert done.returncode == 2
    assert done.stderr.startswith("qa: not measured here: flagged_answerable (measured: hit@1,")
    # a misspelt metric is refused before anything is opened or asked: here there is no index to open
    misspelt = run_qa("eval", str(SEED_QUESTIONS), "--fail-under", "hit1=0.5", index=tmp_path / "none", check=False)
    assert misspelt.returncode == 2 and misspelt.stderr.startswith("qa: no such metric: hit1 (metrics: hit@1,")
    never = run_qa("eval", str(SEED_QUESTIONS), "--fail-under", "hit@1=nan", index=tmp_path / "none", check=False)
    assert never.returncode == 2 and "expected a finite number, got 'hit@1=nan'" in never.stderr


def test_an_answer_string_counts_as_a_whole_word_in_any_case_and_spacing(seed_index, tmp_path):
    questions = tmp_path / "questions.jsonl"
    rows = [
        {"question": "Who directs the Syrian Observatory for Human Rights?", "answers": ["rami   ABDELRAHMAN"]},
        {"question": "How many civilians died in Raqqa?", "answers": ["ten"]},  # only in "tens", "detention"…
    ]
    questions.write_text("".join(json.dumps(row) + "\n" for row in rows))
    assert run_json("eval", str(questions), "--json", index=seed_index)["hybrid"]["hit@10"] == 0.5


def test_a_not_confident_answer_is_said_plainly_above_the_nearest_sentences(seed_index):
    lines = run_qa("ask", "-k", "2", "What is the capital of Peru?", index=seed_index).stdout.splitlines()
    assert lines[:2] == [
        "Nothing in the index answers this confidently.",
        "The nearest sentences, which may not answer it:",
    ]
    assert [line[:4] for line in lines if line.startswith("[")] == ["[1] ", "[2] "]  # each with its citation
    assert not any(line.startswith("▸") for line in lines)  # no value is offered
    brief = run_qa("ask", "--brief", "What is the capital of Peru?", index=seed_index).stdout
    assert brief.strip() == "Nothing in the index answers this confidently."


def test_a_sentence_with_the_questions_words_but_not_the_kind_of_answer_asked_is_no_answer(seed_index):
    # "…as they attempted to escape across the Euphrates River": it names the river, not its length.
    assert run_json("ask", "How long is the Euphrates River?", "--json", index=seed_index)["confident"] is False
    assert run_json("ask", "Who is Chris Woods?", "--json", index=seed_index)["confident"] is True


def test_a_number_no_article_holds_says_nothing_here_answers(seed_index):
    asked = "How many civilians did the coalition kill in Raqqa"
    assert run_json("ask", f"{asked}?", "--json", index=seed_index)["confident"] is True
    assert run_json("ask", f"{asked} in 1987?", "--json", index=seed_index)["confident"] is False


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
