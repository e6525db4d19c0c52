"""`qa serve`: a real server process on a free loopback port, driven with a real HTTP client (httpx)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import anyio
import httpx
import pytest
from conftest import ROOT, SEEDS, imported_after, run_json, run_qa

from qa.http_api import create_app
from qa.service import Service

QUESTION = "How many civilians did the coalition kill in Raqqa?"
SERVING = re.compile(r"serving .* at (http://\S+)")


@contextmanager
def server(index: Path, *args: str) -> Iterator[httpx.Client]:
    """`qa serve --port 0` as a real process; a client on the address it reports, until the block ends."""
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    env.pop("QA_TOKEN", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "qa", "--index", str(index), "serve", "--port", "0", *args],
        cwd=ROOT,
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = process.stderr.readline()
        found = SERVING.search(line)
        assert found, f"no address in {line!r}"
        threading.Thread(target=process.stderr.read, daemon=True).start()  # keep its stderr drained
        with httpx.Client(base_url=found.group(1), timeout=60) as client:
            yield client
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture(scope="module")
def seed_server(seed_index) -> Iterator[httpx.Client]:
    with server(seed_index) as client:
        yield client


@pytest.fixture()
def own_index(seed_index, tmp_path) -> Path:
    """A writable copy of the seed index."""
    index = tmp_path / "index"
    shutil.copytree(seed_index, index)
    return index


def test_ask_answers_exactly_as_qa_ask_json(seed_server, seed_index):
    for body, args in [
        ({"question": QUESTION}, []),
        ({"question": "Who is Chris Woods?", "k": 3, "mode": "lexical"}, ["-k", "3", "--mode", "lexical"]),
        ({"question": QUESTION, "source": "raqqa", "until": "2018"}, ["--source", "raqqa", "--until", "2018"]),
    ]:
        response = seed_server.post("/ask", json=body)
        assert response.status_code == 200
        assert response.json() == run_json("ask", "--json", *args, body["question"], index=seed_index)
        assert response.headers["x-qa-generation"] == str(seed_server.get("/health").json()["generation"])


def test_health_and_sources_match_qa_info(seed_server, seed_index):
    info = run_json("info", "--json", index=seed_index)
    health = seed_server.get("/health").json()
    assert health == {
        "status": "ok",
        "articles": info["articles"],
        "passages": info["passages"],
        "generation": info["generation"],
    }
    assert seed_server.get("/sources").json() == info["article_list"]


def test_an_article_shows_each_cited_passage_at_its_chars_and_lines(seed_server):
    results = seed_server.post("/ask", json={"question": QUESTION, "k": 5}).json()["results"]
    for result in results:
        article = seed_server.get(f"/articles/{result['article']}").json()
        assert article["path"] == result["path"] and article["title"] == result["title"]
        start, end = result["chars"]
        assert article["text"][start:end] == result["text"]
        cited = [p for p in article["passages"] if p["chars"] == result["chars"]]
        assert cited and cited[0]["lines"] == result["lines"]
        source = Path(result["path"]).read_text(encoding="utf-8")  # .txt: the article's source is the file
        assert [p["chars"] for p in article["passages"]] == sorted(p["chars"] for p in article["passages"])
        for passage in article["passages"]:
            first, last = passage["chars"]
            assert article["text"][first:last] == source[first:last]
    by_path = seed_server.get(f"/articles/{results[0]['path']}")
    assert by_path.status_code == 200 and by_path.json()["path"] == results[0]["path"]
    for listed in seed_server.get("/sources").json():  # each passage on its lines, whatever lies between ("\xa0\n\n")
        article = seed_server.get(f"/articles/{Path(listed['path']).name}").json()
        for passage in article["passages"]:
            assert article["text"].count("\n", 0, passage["chars"][0]) + 1 == passage["lines"][0]


@pytest.mark.parametrize(
    "name",
    ["../../../etc/passwd", "%2e%2e%2f%2e%2e%2fetc%2fpasswd", "/etc/passwd", str(ROOT / "README.md"), "seeds", "x"],
)
def test_only_indexed_articles_can_be_read(seed_server, name):
    response = seed_server.get(f"/articles/{name}")
    assert response.status_code == 404
    assert set(response.json()) == {"error"} and "root:" not in response.text


@pytest.mark.parametrize(
    "body, status, says",
    [
        ({"question": "x", "k": 0}, 422, "k: "),
        ({"question": "x", "k": 101}, 422, "k: "),
        ({"question": "x", "k": "3"}, 422, "k: "),
        ({"question": "x", "k": True}, 422, "k: "),
        ({"question": "x", "since": 2017}, 422, "since: "),
        ({"question": "x", "mode": "fuzzy"}, 422, "mode: "),
        ({"question": "x", "colour": "red"}, 422, "colour: "),
        ({"k": 3}, 422, "question: "),
        ({"question": "  \x1b[2J "}, 400, "the question is empty"),
        ({"question": "x", "since": "2017-13"}, 400, "not a date"),
        ({"question": "x", "since": "2019", "until": "2018"}, 400, "since 2019-01-01 is after until 2018-12-31"),
        ({"question": "x", "source": "no such outlet"}, 400, "no indexed article matches"),
        ('{"question": ', 422, "not JSON"),
        (b'{"question": "caf\xe9"}', 422, "not JSON"),
        ("[" * 60_000, 422, "not JSON"),
        ('["a question"]', 422, "JSON object"),
        ("x" * 70_000, 413, "over 65,536 bytes"),
    ],
)
def test_a_bad_request_gets_a_4xx_and_one_line_of_json(seed_server, body, status, says):
    if isinstance(body, dict):
        response = seed_server.post("/ask", json=body)
    else:
        response = seed_server.post("/ask", content=body, headers={"content-type": "application/json"})
    assert response.status_code == status
    assert set(response.json()) == {"error"}
    assert says in response.json()["error"] and "\n" not in response.json()["error"]


@pytest.mark.parametrize(
    "method, route, allowed",
    [("GET", "/ask", "POST"), ("DELETE", "/sources", "GET"), ("GET", "/reindex", "POST"), ("PUT", "/health", "GET")],
)
def test_a_wrong_method_gets_405_with_the_methods_allowed(seed_server, method, route, allowed):
    response = seed_server.request(method, route)
    assert response.status_code == 405 and response.headers["allow"] == allowed
    assert set(response.json()) == {"error"}


def test_the_openapi_description_shows_the_error_body_sent(seed_server):
    described = seed_server.get("/openapi.json").json()
    error = {"$ref": "#/components/schemas/ErrorBody"}
    for route, operations in described["paths"].items():
        for operation in operations.values():
            codes = operation["responses"]
            assert "422" not in codes and codes["4XX"]["content"]["application/json"]["schema"] == error, route
    schemas = described["components"]["schemas"]
    assert "HTTPValidationError" not in schemas and "ValidationError" not in schemas
    assert set(schemas["ErrorBody"]["properties"]) == set(schemas["ErrorBody"]["required"]) == {"error"}
    refused = seed_server.post("/ask", json={"question": "x", "k": 0})
    assert refused.status_code == 422 and set(refused.json()) == set(schemas["ErrorBody"]["properties"])


def test_a_body_sent_in_chunks_is_capped_too(seed_server):
    chunks = iter([b'{"question": "', *[b"a" * 8192] * 10, b'"}'])
    response = seed_server.post("/ask", content=chunks, headers={"content-type": "application/json"})
    assert response.status_code == 413 and "over" in response.json()["error"]


def test_a_long_question_is_cut_as_on_the_command_line(seed_server):
    response = seed_server.post("/ask", json={"question": "Raqqa civilians " * 400})
    assert response.status_code == 200
    assert len(response.json()["question"]) <= 2000
    assert "searching its first" in response.headers["x-qa-notice"]


def test_concurrent_questions_get_the_same_answers_as_one_at_a_time(seed_server):
    questions = [json.loads(line)["question"] for line in (ROOT / "tests/data/seed_questions.jsonl").open()][:8]
    alone = {q: seed_server.post("/ask", json={"question": q}).json() for q in questions}
    together: dict[str, list] = {q: [] for q in questions}

    def ask_each(question: str) -> None:
        for _ in range(3):
            together[question].append(seed_server.post("/ask", json={"question": question}).json())

    threads = [threading.Thread(target=ask_each, args=(q,)) for q in questions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(answer == alone[q] for q, answers in together.items() for answer in answers)


def test_a_token_guards_every_route_but_health(own_index):
    with server(own_index, "--token", "s3cret") as client:
        assert client.get("/health").status_code == 200
        routes = [("POST", "/ask"), ("GET", "/sources"), ("GET", "/articles/x"), ("POST", "/reindex")]
        for method, route in [*routes, ("GET", "/openapi.json")]:
            for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "s3cret"}):
                response = client.request(method, route, json={"question": QUESTION}, headers=headers)
                assert response.status_code == 401, (route, headers)
                assert response.headers["www-authenticate"] == "Bearer"
        for body in ('{"question": ', b'{"question": "caf\xe9"}', "[" * 60_000, "x" * 70_000):  # nothing said of it
            response = client.post("/ask", content=body, headers={"content-type": "application/json"})
            assert response.status_code == 401 and response.headers["www-authenticate"] == "Bearer", body[:20]
        streamed = client.post("/ask", content=iter([b"x" * 8192] * 10), headers={"content-type": "application/json"})
        assert streamed.status_code == 401
        for method, route in [("GET", "/ask"), ("DELETE", "/sources"), ("GET", "/no-such-route")]:
            assert client.request(method, route).status_code == 401, (method, route)
        assert client.put("/health").status_code == 405
        good = {"Authorization": "Bearer s3cret"}
        assert client.post("/ask", json={"question": QUESTION}, headers=good).json()["results"]
        assert client.post("/reindex", headers=good).json()["unchanged"] == 5
        assert set(client.get("/openapi.json", headers=good).json()["paths"]) >= {"/ask", "/articles/{article}"}
        assert client.get("/docs", headers=good).status_code == 404  # its scripts would come from a CDN


def test_a_websocket_without_the_token_is_closed_before_it_opens(seed_index):
    # qa serves no websocket, and its server takes none; should a route ever take one, the token still guards it
    app = create_app(Service(seed_index), token="s3cret")
    for headers, closed in (([], 1008), ([(b"authorization", b"Bearer s3cret")], 1000)):
        sent = []

        async def receive():
            return {"type": "websocket.connect"}

        async def send(message, sent=sent):
            sent.append(message)

        scope = {"type": "websocket", "path": "/ask", "headers": headers, "query_string": b"", "root_path": ""}
        anyio.run(app, scope, receive, send)
        assert sent[0]["type"] == "websocket.close" and sent[0]["code"] == closed  # 1000: no such websocket route


def test_listening_off_this_machine_needs_a_token(seed_index):
    done = run_qa("serve", "--host", "0.0.0.0", "--port", "0", index=seed_index, check=False)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "--token" in done.stderr


def test_a_port_in_use_and_a_missing_index_are_one_line_each(seed_server, seed_index, tmp_path):
    port = str(httpx.URL(str(seed_server.base_url)).port)
    for done in (
        run_qa("serve", "--port", port, index=seed_index, check=False),
        run_qa("serve", "--port", "0", index=tmp_path / "none", check=False),
    ):
        assert done.returncode == 2 and done.stderr.count("\n") == 1, done.stderr


def test_answers_stay_whole_while_an_update_commits(own_index, tmp_path):
    """Questions keep being answered during `qa index` and POST /reindex; each answer is from one generation:
    the old one, without the new articles, or the new one, which finds them."""
    more = tmp_path / "more"
    more.mkdir()
    (more / "tram.txt").write_text(
        "Tram derails in Croydon\n\nA tram came off the rails at Sandilands junction in Croydon, "
        "and seven passengers died, the transport police said.\n"
    )
    question = "How many people died when the tram derailed in Croydon?"
    seen: list[tuple[int, str]] = []
    failures: list[int] = []
    done = threading.Event()

    with server(own_index) as client:
        before = client.get("/health").json()["generation"]

        def keep_asking() -> None:
            while not done.is_set():
                response = client.post("/ask", json={"question": question, "k": 1})
                if response.status_code != 200:
                    failures.append(response.status_code)
                    continue
                seen.append((int(response.headers["x-qa-generation"]), response.json()["results"][0]["article"]))

        askers = [threading.Thread(target=keep_asking) for _ in range(4)]
        for asker in askers:
            asker.start()
        run_qa("index", str(more), index=own_index)
        (more / "tram-victims.txt").write_text(
            "Croydon tram victims named\n\nThe seven people killed when the tram overturned in Croydon were "
            "named by police on Friday.\n"
        )
        summary = client.post("/reindex")
        done.set()
        for asker in askers:
            asker.join()
        after = client.get("/health").json()

    assert summary.status_code == 200 and summary.json()["added"] == 1
    assert failures == []
    assert after["generation"] == before + 2 and after["articles"] == 7
    generations = {generation for generation, _ in seen}
    assert before in generations and len(generations) >= 2
    for generation, article in seen:
        assert (article in ("tram.txt", "tram-victims.txt")) == (generation > before), (generation, article)


def test_ask_help_and_info_import_no_web_or_mcp_library(seed_index):
    web = ("fastapi", "starlette", "uvicorn", "mcp", "httpx", "pydantic")
    for args in (["--help"], ["info"], ["ask", QUESTION]):
        imported, output = imported_after(["--index", str(seed_index), *args], web)
        assert output and imported == [], args


def test_the_seed_articles_are_what_the_server_lists(seed_server):
    listed = {Path(entry["path"]).name for entry in seed_server.get("/sources").json()}
    assert listed == {path.name for path in SEEDS.glob("*.txt")}


def test_a_sharded_index_is_served_and_reindexed_as_the_command_line_does_it(sharded_seed_index):
    with server(sharded_seed_index) as client:
        answer = client.post("/ask", json={"question": QUESTION}).json()
        assert answer == run_json("ask", "--json", QUESTION, index=sharded_seed_index) and "partial" not in answer
        summary = client.post("/reindex").json()
        assert (summary["added"], summary["unchanged"]) == (0, 5)
