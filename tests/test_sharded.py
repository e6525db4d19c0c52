"""A sharded index (qa index --shards N): built, updated and asked through the real CLI, it answers exactly as one
index holding the same articles, and every command works on it."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from conftest import ROOT, SEEDS, run_json, run_qa

from qa.records import Filters
from qa.search import Searcher

SQUAD = ROOT / "bench" / "squad5"
QUESTION_FILES = [ROOT / "tests" / "data" / "seed_questions.jsonl", SQUAD / "questions.jsonl"]
OFF_TOPIC = ROOT / "tests" / "data" / "off_topic.jsonl"


def questions(*files: Path) -> list[str]:
    return [json.loads(line)["question"] for path in files for line in path.read_text().splitlines() if line.strip()]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """The seed articles and the squad5 articles in one folder."""
    folder = tmp_path_factory.mktemp("seeds-and-squad5")
    for source in [*SEEDS.iterdir(), *(SQUAD / "articles").iterdir()]:
        shutil.copy(source, folder)
    return folder


@pytest.fixture(scope="module")
def one_and_three(corpus, tmp_path_factory) -> tuple[Path, Path]:
    """The corpus in one index and in an index of three shards."""
    one, three = tmp_path_factory.mktemp("one"), tmp_path_factory.mktemp("three")
    run_qa("index", str(corpus), index=one)
    run_qa("index", str(corpus), "--shards", "3", index=three)
    return one, three


def articles_in(shard: Path) -> set[str]:
    with sqlite3.connect(shard / "qa.sqlite") as db:
        return {Path(path).name for (path,) in db.execute("SELECT path FROM articles")}


def ranked(searcher: Searcher, question: str, mode: str = "hybrid", filters: Filters | None = None):
    answer = searcher.rank(question, 10, mode, filters)
    return answer, [(r.passage.path, r.passage.start, r.passage.end, r.answer) for r in answer.results]


def test_three_shards_answer_every_seed_and_squad5_question_exactly_as_one_index(one_and_three):
    one, three = one_and_three
    shards = sorted((three / "shards").iterdir())
    assert [shard.name for shard in shards] == ["00", "01", "02"]
    held = [articles_in(shard) for shard in shards]
    assert all(held) and sum(map(len, held)) == len(set().union(*held)) == 10  # each article in one shard
    single, sharded = Searcher.open(one), Searcher.open(three)
    asked = questions(*QUESTION_FILES, OFF_TOPIC)
    assert len(asked) > 800
    for question in asked:
        (expected, passages), (found, found_passages) = ranked(single, question), ranked(sharded, question)
        assert found_passages == passages, question
        assert [r.score for r in found.results] == pytest.approx([r.score for r in expected.results], abs=1e-6)
        assert found.confident == expected.confident, question
        assert not found.missing


def test_each_retriever_and_a_filter_rank_as_in_one_index(one_and_three):
    one, three = one_and_three
    single, sharded = Searcher.open(one), Searcher.open(three)
    filters = [Filters(), Filters(source="Al Jazeera"), Filters(source="normans")]
    for question in questions(QUESTION_FILES[0])[:30]:
        for mode in ("dense", "lexical"):
            for kept in filters:
                (expected, passages), (found, found_passages) = (
                    ranked(single, question, mode, kept),
                    ranked(sharded, question, mode, kept),
                )
                assert found_passages == passages, (question, mode, kept)
                assert [r.score for r in found.results] == pytest.approx([r.score for r in expected.results], abs=1e-6)


def test_ask_info_and_eval_give_what_one_index_gives(one_and_three):
    one, three = one_and_three
    question = "How many civilians died in the battle for Raqqa?"
    single, sharded = run_json("ask", question, "--json", index=one), run_json("ask", question, "--json", index=three)
    assert "partial" not in sharded
    assert [r["article"] for r in sharded["results"]] == [r["article"] for r in single["results"]]
    assert [a["normalized"] for a in sharded["answers"]] == [a["normalized"] for a in single["answers"]]
    single_info, sharded_info = run_json("info", "--json", index=one), run_json("info", "--json", index=three)
    assert sharded_info["shards"] == 3 and "shards" not in single_info
    for key in ("articles", "passages", "vectors", "sources", "model_sha256"):
        assert sharded_info[key] == single_info[key], key
    assert [a["path"] for a in sharded_info["article_list"]] == [a["path"] for a in single_info["article_list"]]
    evaluated = [run_json("eval", str(QUESTION_FILES[0]), "--json", index=index)["hybrid"] for index in (one, three)]
    assert evaluated[1] == pytest.approx(evaluated[0])
    checked = run_json("check", "--json", index=three)
    assert checked["healthy"] and len(checked["shards"]) == 3


def test_updates_reach_the_shard_holding_each_article(corpus, tmp_path):
    folder = tmp_path / "articles"
    shutil.copytree(corpus, folder)
    index = tmp_path / "index"
    run_qa("index", str(folder), "--shards", "3", index=index)
    before = [articles_in(shard) for shard in sorted((index / "shards").iterdir())]
    changed = folder / "normans.txt"
    changed.write_text(changed.read_text() + "\nThe Normans also built a clock tower in 1201.\n")
    (folder / "victoria_australia.txt").unlink()
    shutil.copy(folder / "sky_united_kingdom.txt", folder / "sky_copy.txt")  # byte-identical: one article
    summary = run_json("index", "--json", index=index)
    # updated: the article changed, and the one now also at the copy's path
    assert (summary["updated"], summary["removed"], summary["added"]) == (2, 1, 0)
    assert [d["path"].endswith("sky_copy.txt") for d in summary["duplicates"]] == [True]
    after = [articles_in(shard) for shard in sorted((index / "shards").iterdir())]
    assert after == [held - {"victoria_australia.txt"} for held in before]
    answer = run_json("ask", "When did the Normans build a clock tower?", "--json", index=index)
    assert "1201" in answer["results"][0]["text"]
    info = run_json("info", "--json", index=index)
    assert info["articles"] == 9


def test_shards_are_asked_for_a_new_index_folder_only(seed_index, tmp_path):
    done = run_qa("index", str(SEEDS), "--shards", "2", index=seed_index, check=False)
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and "one shard" in done.stderr
    sharded = tmp_path / "sharded"
    run_qa("index", str(SEEDS), "--shards", "2", index=sharded)
    done = run_qa("index", "--shards", "3", index=sharded, check=False)
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and "holds 2 shards" in done.stderr
    assert run_json("info", "--json", index=sharded)["articles"] == 5


def test_the_chat_brings_a_sharded_index_up_to_date(sharded_seed_index, tmp_path):
    index = tmp_path / "index"
    shutil.copytree(sharded_seed_index, index)
    done = run_qa("chat", input=":reindex\n", index=index)
    assert "0 added, 0 updated, 0 removed, 5 unchanged" in done.stdout and not done.stderr
