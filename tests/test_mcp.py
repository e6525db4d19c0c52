"""`qa mcp`: the real server in a subprocess, driven by the MCP SDK's own stdio client."""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import sys
from pathlib import Path

import pytest
from conftest import ROOT, run_json, run_qa
from mcp import Client, StdioServerParameters

from qa.question import MAX_CHARS
from qa.text import json_text

QUESTION = "How many civilians did the coalition kill in Raqqa?"
BELL = "When was the bell cast again in bronze?"
RAW = re.compile("[\x7f-\x9f\u2028\u2029]")  # what json.dumps leaves unescaped and json_text escapes


def session(index: Path, *calls: tuple[str, dict]) -> tuple[list, list]:
    """Start `qa mcp` on the index, list its tools and make the calls; the tools and each call's result."""

    async def talk():
        server = StdioServerParameters(
            command=sys.executable,
            args=["-m", "qa", "--index", str(index), "mcp"],
            cwd=str(ROOT),
            env={"HF_HUB_OFFLINE": "1", "PYTHONPATH": os.environ.get("PYTHONPATH", "")},
        )
        async with Client(server) as client:
            tools = (await client.list_tools()).tools
            return tools, [await client.call_tool(name, arguments) for name, arguments in calls]

    return asyncio.run(asyncio.wait_for(talk(), timeout=120))


def test_an_assistant_asks_opens_and_lists_and_every_quote_is_in_its_source(seed_index):
    tools, (asked, opened, listed, empty, unknown, beyond) = session(
        seed_index,
        ("ask", {"question": QUESTION, "k": 3}),
        ("open_article", {"article": "001_f2d3ef5ba37a2115.txt", "chars": 700}),
        ("list_sources", {}),
        ("ask", {"question": " "}),
        ("open_article", {"article": "../../etc/passwd"}),
        ("open_article", {"article": "001_f2d3ef5ba37a2115.txt", "chars": 999_999}),
    )
    by_name = {tool.name: tool for tool in tools}
    assert set(by_name) == {"ask", "open_article", "list_sources"}
    assert "quote" in by_name["ask"].description.lower() and "cite" in by_name["ask"].description.lower()
    assert by_name["ask"].input_schema["required"] == ["question"]

    answer = asked.structured_content
    assert not asked.is_error
    assert answer == run_json("ask", "--json", "-k", "3", QUESTION, index=seed_index)
    assert json.loads(asked.content[0].text) == answer
    for result in answer["results"]:
        source = Path(result["path"]).read_text(encoding="utf-8")
        start, end = result["chars"]
        assert source[start:end] == result["text"] and result["answer"] in result["text"]
        first, last = result["lines"]
        assert "\n".join(source.splitlines()[first - 1 : last]).strip() == result["text"].strip()

    around = opened.structured_content
    marked = [p for p in around["passages"] if p["at"]]
    assert len(marked) == 1 and marked[0]["chars"][0] <= 700 < marked[0]["chars"][1]
    source = Path(around["path"]).read_text(encoding="utf-8")
    assert all(source[p["chars"][0] : p["chars"][1]] == p["text"] for p in around["passages"])

    assert {entry["path"] for entry in listed.structured_content["result"]} == {
        entry["path"] for entry in run_json("info", "--json", index=seed_index)["article_list"]
    }
    assert empty.is_error and "the question is empty" in empty.content[0].text
    assert unknown.is_error and "no indexed article" in unknown.content[0].text
    assert beyond.is_error and "chars 999999 lies outside the article's passages" in beyond.content[0].text


def test_an_unknown_argument_or_a_value_of_another_type_is_refused_by_name(seed_index):
    tools, results = session(
        seed_index,
        ("ask", {"question": QUESTION, "kk": 3}),
        ("ask", {"question": QUESTION, "sourse": "Amnesty"}),
        ("ask", {"question": QUESTION, "k": "3"}),
        ("ask", {"question": QUESTION, "k": True}),
        ("ask", {"question": QUESTION, "k": 3.0}),
        ("ask", {"question": QUESTION, "since": 2017}),
        ("open_article", {"article": "001_f2d3ef5ba37a2115.txt", "chars": "700"}),
        ("open_article", {"article": "001_f2d3ef5ba37a2115.txt", "line": 3}),
        ("list_sources", {"outlet": "Amnesty"}),
    )
    assert all(tool.input_schema["additionalProperties"] is False for tool in tools)
    named = ("kk", "sourse", "k", "k", "k", "since", "chars", "line", "outlet")
    for name, result in zip(named, results, strict=True):
        assert result.is_error and f"\n{name}\n" in result.content[0].text, (name, result.content[0].text)


def test_a_string_argument_is_taken_as_sent_not_read_as_json(seed_index):
    # "null" is a source to filter by, as over HTTP, not the absence of a filter; a list in a string is a string
    _, results = session(
        seed_index,
        ("ask", {"question": QUESTION, "source": "null"}),
        ("ask", {"question": QUESTION, "source": '["Amnesty"]'}),
        ("open_article", {"article": "001_f2d3ef5ba37a2115.txt", "chars": "null"}),
    )
    assert [result.is_error for result in results] == [True, True, True]
    assert "no indexed article matches source/since/until" in results[0].content[0].text
    assert "no indexed article matches source/since/until" in results[1].content[0].text
    assert "\nchars\n" in results[2].content[0].text


@pytest.fixture(scope="module")
def escapes_index(tmp_path_factory, seed_index):
    """The seed index with an article holding C1 controls and line separators, and one named in bytes that are
    not UTF-8."""
    folder = tmp_path_factory.mktemp("escapes")
    (folder / "escapes.txt").write_text(
        "Clock \x9b tower\u2028bell\n\nThe tower's bell was cast again in bronze \x85 in 1921\u2029 by the guild.\n"
    )
    with open(os.path.join(os.fsencode(folder), b"caf\xe9.txt"), "wb") as file:
        file.write(b"Cafe notes\n\nThe cafe beside the tower reopened in spring.\n")
    index = tmp_path_factory.mktemp("escapes-index") / "index"
    shutil.copytree(seed_index, index)
    run_qa("index", str(folder), index=index)
    return index


def test_the_text_of_a_result_is_its_json_with_every_control_character_escaped(escapes_index):
    _, (asked, opened, listed) = session(
        escapes_index,
        ("ask", {"question": BELL, "k": 1}),
        ("open_article", {"article": "escapes.txt"}),
        ("list_sources", {}),
    )
    texts = [[block.text for block in result.content] for result in (asked, opened, listed)]
    assert texts == [
        [run_qa("ask", "--json", "-k", "1", BELL, index=escapes_index).stdout.strip()],
        [json_text(opened.structured_content)],
        [json_text(listed.structured_content["result"])],
    ]
    assert "\\u0085" in texts[0][0] and "\\u2029" in texts[0][0] and "\\u009b" in texts[1][0]
    assert not any(RAW.search(text) for (text,) in texts)
    assert "caf\\\\xe9.txt" in texts[2][0]  # the name's byte that is not UTF-8 written as \xe9, as the CLI does


def test_a_question_cut_to_its_first_characters_is_told_as_the_cli_tells_it(seed_index):
    question = "Raqqa civilians " * 400
    _, (asked,) = session(seed_index, ("ask", {"question": question}))
    notice = run_qa("ask", "--json", question, index=seed_index).stderr.strip().removeprefix("qa: ")
    assert not asked.is_error and len(asked.structured_content["question"]) <= MAX_CHARS
    assert [block.text for block in asked.content][1:] == [notice] and "searching its first" in notice
