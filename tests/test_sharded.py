"""A sharded index (qa index --shards N): built, updated and asked through the real CLI, it answers exactly as one
index holding the same articles, and every command works on it."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
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
    """The corpus in one index, and a copy of it split into three shards (which take its stored vectors: the same
    text embedded in another batch may differ in its last bit, and ranking is what is compared)."""
    one, three = tmp_path_factory.mktemp("one") / "index", tmp_path_factory.mktemp("three") / "index"
    run_qa("index", str(corpus), index=one)
    shutil.copytree(one, three)
    summary = run_json("index", "--shards", "3", "--json", index=three)
    assert (summary["added"], summary["passages_embedded"], summary["sentences_embedded"]) == (10, 0, 0)
    assert sorted(path.name for path in three.iterdir()) == ["shards", "update.lock"]  # the local index is gone
    return one, three


def articles_in(shard: Path) -> set[str]:
    with sqlite3.connect(shard / "qa.sqlite") as db:
        return {Path(path).name for (path,) in db.execute("SELECT path FROM articles")}


def ranked(searcher: Searcher, question: str, mode: str = "hybrid", filters: Filters | None = None):
    answer = searcher.rank(question, 10, mode, filters)
    return answer, [(r.passage.path, r.passage.start, r.passage.end, r.answer) for r in answer.results]


def test_three_shards_answer_seed_and_squad5_questions_exactly_as_one_index(one_and_three):
    one, three = one_and_three
    shards = sorted((three / "shards").iterdir())
    assert [shard.name for shard in shards] == ["00", "01", "02"]
    held = [articles_in(shard) for shard in shards]
    assert all(held) and sum(map(len, held)) == len(set().union(*held)) == 10  # each article in one shard
    single, sharded = Searcher.open(one), Searcher.open(three)
    asked = questions(*QUESTION_FILES, OFF_TOPIC)[::3]  # a fixed third: bench/shards.py asks every one
    assert len(asked) > 250
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


def test_updates_reach_the_shard_holding_each_article(tmp_path):
    folder = tmp_path / "articles"
    shutil.copytree(SEEDS, folder)
    index = tmp_path / "index"
    run_qa("index", str(folder), "--shards", "3", index=index)
    before = [articles_in(shard) for shard in sorted((index / "shards").iterdir())]
    changed, removed, copied = sorted(folder.iterdir())[1:4]
    changed.write_text(changed.read_text() + "\nThe city also rebuilt its clock tower in 1201.\n")
    removed.unlink()
    shutil.copy(copied, folder / "zz_copy.txt")  # byte-identical: one article, stored under the path indexed
    summary = run_json("index", "--json", index=index)
    # updated: the article changed, and the one now also at the copy's path
    assert (summary["updated"], summary["removed"], summary["added"]) == (2, 1, 0)
    assert [d["path"].endswith("zz_copy.txt") for d in summary["duplicates"]] == [True]
    after = [articles_in(shard) for shard in sorted((index / "shards").iterdir())]
    assert after == [held - {removed.name} for held in before]
    answer = run_json("ask", "When was the clock tower rebuilt?", "--json", index=index)
    assert "1201" in answer["results"][0]["text"]
    assert run_json("info", "--json", index=index)["articles"] == 4


def test_a_sharded_index_keeps_its_number_of_shards(tmp_path):
    sharded = tmp_path / "sharded"
    run_qa("index", str(SEEDS), "--shards", "2", index=sharded)
    done = run_qa("index", "--shards", "3", index=sharded, check=False)
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and "holds 2 shards" in done.stderr
    assert run_json("info", "--json", index=sharded)["articles"] == 5


def test_copies_are_found_across_shards_and_forgotten_with_their_article(tmp_path):
    """A story republished under two other names, each routed to another shard than the original's: the copies
    are linked as in one index, the answer counts them as one story, and they are forgotten once the original goes."""
    corpus = tmp_path / "articles"
    shutil.copytree(SEEDS, corpus)
    original = corpus / "001_f2d3ef5ba37a2115.txt"
    paragraphs = original.read_text(encoding="utf-8").split("\n\n")
    (corpus / "reprinted.txt").write_text("\n\n".join(["Raqqa toll: 1,600 civilians", *paragraphs[1:]]))
    (corpus / "wire_copy.txt").write_text("\n\n".join(["Report: Raqqa offensive killed 1,600", *paragraphs[1:-1]]))
    one, three = tmp_path / "one", tmp_path / "three"
    for index, options in ((one, []), (three, ["--shards", "3"])):
        run_qa("index", str(corpus), *options, index=index)
    story = {original.name, "reprinted.txt", "wire_copy.txt"}
    holding = [articles_in(shard) & story for shard in sorted((three / "shards").iterdir())]
    assert [len(held) for held in holding] == [1, 1, 1]  # one of the three in each shard

    def copies(index: Path) -> dict[str, list[str]]:
        return {Path(a["path"]).name: a["copies"] for a in run_json("info", "--json", index=index)["article_list"]}

    assert copies(three) == copies(one)
    assert len(copies(one)[original.name]) == 2
    question = "How many civilians were killed in the battle for Raqqa, according to Amnesty and Airwars?"
    asked = [run_json("ask", question, "--json", index=index) for index in (one, three)]
    assert asked[1]["answers"] == asked[0]["answers"] and asked[1]["results"] == asked[0]["results"]
    original.unlink()
    for index in (one, three):
        run_qa("index", index=index)
    assert copies(three) == copies(one)
    assert len(copies(one)["reprinted.txt"]) == 1


def test_a_split_killed_midway_leaves_the_index_answering_and_the_next_one_finishes(seed_index, tmp_path):
    index = tmp_path / "index"
    shutil.copytree(seed_index, index)
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    splitting = subprocess.Popen(
        [sys.executable, "-m", "qa", "--index", str(index), "index", "--shards", "3"], env=env, cwd=ROOT
    )
    deadline = time.monotonic() + 120
    while not list(index.glob(".shards-*/02")) and splitting.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    splitting.kill()
    splitting.wait()
    assert not (index / "shards").exists()
    question = "How many civilians died in Raqqa?"
    assert run_json("ask", question, "--json", index=index)["results"]
    assert run_json("index", "--shards", "3", "--json", index=index)["passages_embedded"] == 0
    assert not list(index.glob(".shards-*")) and run_json("info", "--json", index=index)["shards"] == 3
    assert run_json("ask", question, "--json", index=index)["results"]


def test_an_index_whose_source_is_gone_is_not_split(tmp_path):
    folder, index = tmp_path / "articles", tmp_path / "index"
    shutil.copytree(SEEDS, folder)
    run_qa("index", str(folder), index=index)
    folder.rename(tmp_path / "unmounted")
    done = run_qa("index", "--shards", "2", index=index, check=False)
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and "not reachable" in done.stderr
    assert not (index / "shards").exists() and run_json("info", "--json", index=index)["articles"] == 5


def test_the_chat_brings_a_sharded_index_up_to_date(sharded_seed_index, tmp_path):
    index = tmp_path / "index"
    shutil.copytree(sharded_seed_index, index)
    done = run_qa("chat", input=":reindex\n", index=index)
    assert "0 added, 0 updated, 0 removed, 5 unchanged" in done.stdout and not done.stderr
