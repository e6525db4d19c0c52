"""`qa mcp`: the real server in a subprocess, driven by the MCP SDK's own stdio client."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path

from conftest import ROOT, run_json
from mcp import Client, StdioServerParameters

QUESTION = "How many civilians did the coalition kill in Raqqa?"


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
