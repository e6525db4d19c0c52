"""`qa ask`, `qa info` and `qa chat` as scripts and people use them: real processes, the real model."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, run_json, run_qa

from qa.embedding import ModelError, default_model_path, resolve_model

CONTRACT_FIELDS = {"rank", "score", "text", "answer", "article", "title", "paragraphs", "chars", "lines", "also_in"}


def test_ask_json_has_the_contract_shape_and_checkable_citations(seed_index):
    answer = run_json(
        "ask", "--json", "-k", "3", "How many civilians did the coalition kill in Raqqa?", index=seed_index
    )
    assert set(answer) == {"question", "confident", "answers", "disagree", "results"}
    assert answer["question"] == "How many civilians did the coalition kill in Raqqa?"
    assert isinstance(answer["confident"], bool)
    assert [r["rank"] for r in answer["results"]] == [1, 2, 3]
    assert any("1,600" in r["text"] for r in answer["results"])
    for result in answer["results"]:
        assert CONTRACT_FIELDS <= set(result)
        source = (Path(result["path"])).read_text(encoding="utf-8")
        start, end = result["chars"]
        assert source[start:end] == result["text"]
        assert result["answer"] in result["text"]
        first, last = result["lines"]
        assert source.split("\n")[first - 1].strip() in result["text"]
        assert 1 <= first <= last
        assert result["paragraphs"][0] <= result["paragraphs"][1]
        assert result["article"] == Path(result["path"]).name
        assert isinstance(result["also_in"], list)  # empty when no other article says the same


def test_ask_file_answers_each_line_in_one_process(seed_index):
    questions = "Who said coalition forces razed Raqqa?\n\nWhat did Amnesty International investigate?\n"
    lines = run_qa("ask", "--json", "--file", "-", index=seed_index, input=questions).stdout.splitlines()
    assert [json.loads(line)["question"] for line in lines] == [
        "Who said coalition forces razed Raqqa?",
        "What did Amnesty International investigate?",
    ]


def test_a_question_ranks_the_same_with_or_without_its_question_mark(seed_index):
    asked = ["In what year was the campaign to retake raqqa launched?", "did the coalition admit killing civilians?"]
    typed = "\n".join(line for question in asked for line in (question, question.removesuffix("?"))) + "\n"
    answers = [
        json.loads(line)
        for line in run_qa("ask", "--json", "--file", "-", index=seed_index, input=typed).stdout.splitlines()
    ]
    for with_mark, without in zip(answers[::2], answers[1::2], strict=True):
        assert [(r["chars"], r["score"]) for r in with_mark["results"]] == [
            (r["chars"], r["score"]) for r in without["results"]
        ]
        assert with_mark["answers"] == without["answers"] and with_mark["confident"] == without["confident"]


def test_ask_prints_ranked_passages_with_citations(seed_index):
    out = run_qa("ask", "-k", "2", "What did Rami Abdelrahman tell AFP news agency?", index=seed_index).stdout
    assert "[1]" in out and "[2]" in out
    assert "000_3bfce553260361f3.txt:" in out
    assert "Abdelrahman" in out
    assert "\x1b[" not in out  # no colour codes on a pipe


def test_chat_reads_questions_from_a_pipe_and_exits_at_end_of_input(seed_index):
    done = run_qa(
        "chat",
        index=seed_index,
        input="What did Rami Abdelrahman tell AFP news agency?\nWhat did the UK Ministry of Defence say?\n",
    )
    assert done.stdout.count("[1]") == 2
    assert "» What did the UK Ministry of Defence say?" in done.stdout
    assert "qa>" not in done.stdout


def test_the_chat_lists_each_source_with_who_published_it_and_when(seed_index):
    sources = run_qa("chat", index=seed_index, input=":sources\n", columns=200).stdout
    assert "5 articles" in sources
    assert "Raqqa — Al Jazeera\n" in sources
    assert "'they will likely die there' — Saul Bowman, 2017-08-09\n" in sources  # an author where no outlet is named


def test_info_reports_what_the_index_holds(seed_index):
    info = run_json("info", "--json", index=seed_index)
    assert info["articles"] == 5 and len(info["article_list"]) == 5
    assert info["passages"] == sum(article["passages"] for article in info["article_list"]) > 5 * 2
    assert info["model"] == "all-MiniLM-L6-v2" and info["size_bytes"] > 0 and info["built_at"]
    text = run_qa("info", index=seed_index).stdout
    assert "articles: 5" in text
    assert "Raqqa, Monitors Say — 6 June" in text  # a date stated without its year is shown as stated


def test_a_missing_index_is_a_one_line_error(tmp_path):
    done = run_qa("ask", "anything", index=tmp_path / "none", check=False)
    assert done.returncode == 2
    assert "no index" in done.stderr and "qa index" in done.stderr and "Traceback" not in done.stderr
    relative = run_qa("ask", "anything", index=Path("no-such-index"), check=False)
    assert relative.stderr == (
        "qa: no index at ./no-such-index: build one with `qa index PATH`, or name one with --index DIR\n"
    )
    checked = run_qa("check", index=tmp_path / "none", check=False)  # no index is not a damaged one
    assert checked.returncode == 1 and checked.stdout.splitlines()[-1].startswith("missing: build one with")


def test_the_index_may_be_named_after_the_command_too(seed_index, tmp_path):
    assert run_json("ask", "--index", str(seed_index), "--json", "Who is Donatella Rovera?")["results"]
    assert run_json("info", "--json", "--index", f"{seed_index}/", index=seed_index)["articles"] == 5  # the same
    twice = run_qa("info", "--index", str(tmp_path), index=seed_index, check=False)
    assert twice.returncode == 2 and "differs from `qa --index" in twice.stderr
    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "short.txt").write_text("Storm closes harbour\n\nThe harbour at Dover closed as a storm passed.\n")
    run_qa("index", str(articles), "--index", str(tmp_path / "index"))
    assert run_json("info", "--json", "--index", str(tmp_path / "index"))["articles"] == 1


def test_an_index_refuses_queries_with_another_model(seed_index, tmp_path):
    other = tmp_path / "other-model"
    shutil.copytree(default_model_path(), other)
    with (other / "model.safetensors").open("ab") as weights:
        weights.write(b"\0")  # different weights, so a different model identity
    done = run_qa("ask", "--model", str(other), "Who is Rami Abdelrahman?", index=seed_index, check=False)
    assert done.returncode == 2
    assert "built with model all-MiniLM-L6-v2" in done.stderr and "--model" in done.stderr


def test_the_packaged_weights_are_verified(monkeypatch, tmp_path):
    assert resolve_model().sha256 == "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
    tampered = tmp_path / "tampered"
    shutil.copytree(default_model_path(), tampered)
    (tampered / "model.safetensors").write_bytes(b"not the weights")
    monkeypatch.setattr("qa.embedding.default_model_path", lambda: tampered)
    with pytest.raises(ModelError, match="fail verification"):
        resolve_model()


RAQQA = "How many civilians died in Raqqa?"


@pytest.mark.parametrize(
    ("args", "input"),
    [
        (["ask", RAQQA], None),
        (["ask", "--brief", RAQQA], None),
        (["ask", "--json", "--file", "-"], f"{RAQQA}\n" * 8),  # more than a pipe's buffer
        (["chat"], f"{RAQQA}\n:sources\n"),
        (["info"], None),
    ],
    ids=["ask", "brief", "json", "chat", "info"],
)
def test_a_reader_that_leaves_early_ends_the_command_quietly_with_status_0(seed_index, args, input):
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    command = [sys.executable, "-m", "qa", "--index", str(seed_index), *args]
    with subprocess.Popen(
        command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT, env=env, text=True
    ) as process:
        process.stdout.close()  # as `| head -0` does: every write fails
        _, stderr = process.communicate(input, timeout=600)
    assert (process.returncode, stderr) == (0, "")


def test_the_disagreement_line_accounts_for_every_value_listed(seed_index):
    brief = run_qa("ask", "--brief", RAQQA, index=seed_index).stdout
    answers = run_json("ask", "--json", RAQQA, index=seed_index)["answers"]
    scoped = sum("qualifier" in answer for answer in answers)
    assert scoped and brief.count("▸") == len(answers)  # a value of another scope listed beside those that differ
    assert f"The sources disagree: {len(answers) - scoped} different values (and {scoped} of another scope)." in brief
