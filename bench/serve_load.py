"""`qa serve` under load: concurrent clients on loopback while `qa index` adds articles, then memory over many requests.

    python bench/serve_load.py INDEX [INDEX ...] [--clients 50] [--seconds 60] [--requests 10000]

For each index, in this order:

- start: `qa serve --port 0` is started and asked one question; the time from the process
  start to that first answer;
- load: --clients clients (one HTTP/1.1 connection each) ask the seed and squad5 questions
  in turn for --seconds; halfway, `qa index` adds 100 new articles (made from squad5
  paragraphs) in another process. Requests per second, p50/p95/p99 latency, errors (any
  status but 200, or no response), and whether every answer came from one generation
  (the answer's X-QA-Generation before the update never holds a new article, after it the
  new articles are searchable);
- memory: the server's own resident memory (heap and stacks) and its pages of mapped files
  (the FAISS lists questions touched) once warm, after the load, and again after --requests
  requests in all.

The 100 articles are removed from the index again at the end. All traffic stays on
127.0.0.1. Prints a markdown table; writes bench/results/serve_load.json and .md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
QUESTION_FILES = (ROOT / "tests" / "data" / "seed_questions.jsonl", ROOT / "bench" / "squad5" / "questions.jsonl")
ENV = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(ROOT)}
NEW_ARTICLES = 100
MARKER = "Zephyrine"  # a word only the new articles hold, to see when they are searchable


def questions() -> list[str]:
    return [json.loads(line).get("question") for path in QUESTION_FILES for line in path.open()]


def write_articles(folder: Path) -> None:
    """NEW_ARTICLES short articles from squad5's paragraphs, each naming MARKER once."""
    paragraphs = [
        block.strip()
        for path in sorted((ROOT / "bench" / "squad5" / "articles").glob("*.txt"))
        for block in path.read_text().split("\n\n")
        if len(block.split()) > 30
    ]
    folder.mkdir(parents=True, exist_ok=True)
    for number in range(NEW_ARTICLES):
        body = "\n\n".join(paragraphs[(3 * number + i) % len(paragraphs)] for i in range(3))
        title = f"{MARKER} report {number}: {' '.join(body.split()[:8])}"
        (folder / f"load-{number:03}.txt").write_text(f"{title}\n\n{body}\n")


def resident_mb(pid: int) -> dict[str, float]:
    """The server's resident memory: its own (heap, stacks: what a leak grows) and pages of mapped files
    (the memory-mapped FAISS lists questions touched, which the system reclaims as it needs)."""
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines())
    return {key: int(fields[key].split()[0]) / 1024 for key in ("RssAnon", "RssFile")}


def start_server(index: Path) -> tuple[subprocess.Popen, str, float]:
    """A `qa serve` process, its address, and the seconds from its start to its first answer."""
    began = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "qa", "--index", str(index), "serve", "--port", "0"],
        cwd=ROOT,
        env=ENV,
        stderr=subprocess.PIPE,
        text=True,
    )
    address = re.search(r"at (http://\S+)", process.stderr.readline()).group(1)
    threading.Thread(target=process.stderr.read, daemon=True).start()
    response = httpx.post(f"{address}/ask", json={"question": "Who is Chris Woods?"}, timeout=60)
    response.raise_for_status()
    return process, address, time.perf_counter() - began


async def load(address: str, clients: int, seconds: float, asked: list[str], update) -> dict:
    """clients asking in a loop for `seconds`; `update` runs (in a thread) from halfway through."""
    latencies: list[float] = []
    errors: list[str] = []
    generations: list[tuple[int, bool]] = []  # (generation, whether the answer holds a new article)
    stop = time.perf_counter() + seconds
    probe = f"What does the {MARKER} report say?"

    async def client(number: int) -> None:
        async with httpx.AsyncClient(base_url=address, timeout=120) as http:
            turn = number
            while time.perf_counter() < stop:
                question = probe if turn % 10 == 0 else asked[turn % len(asked)]
                turn += clients
                began = time.perf_counter()
                try:
                    response = await http.post("/ask", json={"question": question, "k": 5})
                except httpx.HTTPError as error:
                    errors.append(type(error).__name__)
                    continue
                latencies.append(time.perf_counter() - began)
                if response.status_code != 200:
                    errors.append(str(response.status_code))
                elif question == probe:
                    new = any(r["article"].startswith("load-") for r in response.json()["results"])
                    generations.append((int(response.headers["x-qa-generation"]), new))

    async def updater() -> float:
        await asyncio.sleep(seconds / 2)
        return await asyncio.to_thread(update)

    async def clients_done() -> float:
        began = time.perf_counter()
        await asyncio.gather(*(client(n) for n in range(clients)))
        return time.perf_counter() - began

    elapsed, update_seconds = await asyncio.gather(clients_done(), updater())
    before = min(g for g, _ in generations)
    return {
        "requests": len(latencies),
        "rps": len(latencies) / elapsed,
        "p50_ms": float(np.percentile(latencies, 50) * 1000),
        "p95_ms": float(np.percentile(latencies, 95) * 1000),
        "p99_ms": float(np.percentile(latencies, 99) * 1000),
        "errors": len(errors),
        "error_kinds": sorted(set(errors)),
        "update_s": update_seconds,
        "one_generation_each": all(new == (g > before) for g, new in generations),
        "generations_seen": sorted({g for g, _ in generations}),
    }


async def more_requests(address: str, clients: int, count: int, asked: list[str]) -> None:
    """count more questions from `clients` clients, as fast as they are answered."""
    remaining = iter(range(count))

    async def client() -> None:
        async with httpx.AsyncClient(base_url=address, timeout=120) as http:
            for turn in remaining:
                (await http.post("/ask", json={"question": asked[turn % len(asked)]})).raise_for_status()

    await asyncio.gather(*(client() for _ in range(clients)))


def qa_index(index: Path, folder: Path) -> float:
    began = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "qa", "--index", str(index), "index", str(folder)],
        cwd=ROOT,
        env=ENV,
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - began


def measure(index: Path, clients: int, seconds: float, requests: int) -> dict:
    asked = questions()
    folder = Path(tempfile.mkdtemp(prefix="qa-load-articles-"))
    write_articles(folder)
    process, address, first_answer = start_server(index)
    try:
        row = {"index": str(index), "first_answer_s": first_answer}
        row["passages"] = httpx.get(f"{address}/health").json()["passages"]
        row |= asyncio.run(load(address, clients, seconds, asked, lambda: qa_index(index, folder)))
        row["memory_warm_mb"] = resident_mb(process.pid)
        asyncio.run(more_requests(address, clients, max(0, requests - row["requests"]), asked))
        row["memory_after_mb"] = resident_mb(process.pid)
        row["requests_in_all"] = max(requests, row["requests"])
    finally:
        process.terminate()
        process.wait(timeout=60)
        for article in folder.iterdir():
            article.unlink()
        qa_index(index, folder)  # takes the articles out again
        shutil.rmtree(folder)
    return row


def table(rows: list[dict]) -> str:
    lines = [
        "| index | passages | first answer (s) | requests | req/s | p50 / p95 / p99 (ms) | errors | "
        "one generation each | `qa index` of 100 articles (s) | own memory warm → after (MB) | "
        "mapped file pages warm → after (MB) |",
        "|---|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {Path(r['index']).name} | {r['passages']:,} | {r['first_answer_s']:.2f} | {r['requests']:,} | "
            f"{r['rps']:.1f} | {r['p50_ms']:.0f} / {r['p95_ms']:.0f} / {r['p99_ms']:.0f} | {r['errors']} | "
            f"{'yes' if r['one_generation_each'] else 'NO'} | {r['update_s']:.1f} | "
            f"{r['memory_warm_mb']['RssAnon']:.0f} → {r['memory_after_mb']['RssAnon']:.0f} "
            f"(after {r['requests_in_all']:,}) | "
            f"{r['memory_warm_mb']['RssFile']:.0f} → {r['memory_after_mb']['RssFile']:.0f} |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("indexes", nargs="+", type=Path)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--requests", type=int, default=10_000)
    arguments = parser.parse_args()
    rows = [measure(i, arguments.clients, arguments.seconds, arguments.requests) for i in arguments.indexes]
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "serve_load.json").write_text(json.dumps(rows, indent=1))
    (RESULTS / "serve_load.md").write_text(table(rows))
    print(table(rows))


if __name__ == "__main__":
    main()
