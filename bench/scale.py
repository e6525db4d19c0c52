"""How qa grows: open time, query latency, memory, disk and the cost of adding an article, at 10k to 1M passages.

    python bench/scale.py [--sizes 10000,100000,1000000] [--cache /tmp/qa-scale] [--questions 100]

Indexes are built by bench/synthetic.py (cached under --cache, so a rerun only measures)
from a real index of seeds/ and bench/squad5/articles (built first with `qa index`).
For each size, in this order and each in a fresh process:

- add: `qa index` of one new real article (wall time, and the update's own seconds);
- ask: open the index as `qa ask` does (store, FAISS cache, encoder ready), then the
  latency of hybrid and dense questions (the seed and squad5 questions), asked twice:
  the first time with the index's pages mostly not yet in memory (cold), then again
  (warm); and the process's peak memory; then one whole `qa ask` process, start to answer;
- recall: recall@10 of the dense search over the IVF base (its candidates ranked by their stored
  vectors, as qa does) against an exhaustive float32 scan, for a range of probed lists, on the
  real question vectors, and the time of each search; and the overlap of
  the BM25 top 10 with FTS5's exact top 10 (they differ only above the match budget);
- the article is removed again (timed too), so the cached index stays as built;
- filtered: hybrid latency of each question unfiltered, with a --since keeping about half of the
  articles and with one keeping about 1%, in turn (a first round warms the pages, the second is
  measured); each question brings its own filter (an --until past every article, a day later
  each time), so nothing computed for one serves the next, as in a `qa ask` process; then, on
  every fifth question, the overlap of each filtered top 10 with the exact one (every filter
  applied by listing the passages it keeps, FTS5 without the match budget, IVF probing every list).

Synthetic articles are dated (bench/synthetic.py); an index cached before they were is dated in
place first (`synthetic.set_dates`, one UPDATE), not rebuilt. `--filtered-only` measures the
filtered questions alone and adds them to the sizes of scale.json.

Writes bench/results/scale.json, scale.md (the tables) and scale.png, recall.png (the curves).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
QUESTION_FILES = (ROOT / "tests" / "data" / "seed_questions.jsonl", ROOT / "bench" / "squad5" / "questions.jsonl")
PROBES = (1, 2, 4, 8, 16, 24, 32, 64, 128)
NEW_ARTICLE = """Residents return to Raqqa as reconstruction begins

Families who fled the fighting have started returning to the ruined city, clearing rubble by hand while aid groups repair water pipes and bakeries.

Local officials said schools would reopen in the autumn if funding arrives from donors, and that the clock tower would be rebuilt first.
"""
sys.path.insert(0, str(ROOT / "bench"))
from synthetic import DAYS, FIRST_DAY  # noqa: E402

SINCE = {"half": FIRST_DAY + timedelta(days=DAYS // 2), "1%": FIRST_DAY + timedelta(days=DAYS - DAYS // 100)}
AFTER_ALL = date(2100, 1, 1)
EXACT_EVERY = 5  # the overlap with exact filtered results is measured on every 5th question (exact BM25 takes seconds)
ENV = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(ROOT)}


def asked_questions(count: int) -> list[str]:
    """`count` of the questions, spread over both sets."""
    return questions()[:: max(1, len(questions()) // count)][:count]


def questions() -> list[str]:
    found = []
    for path in QUESTION_FILES:
        for line in path.read_text().splitlines():
            row = json.loads(line)
            found.append(row.get("question") or row["q"])
    return found


def qa(directory: Path, *args: str) -> tuple[float, str]:
    """Run `qa --index directory ARGS`; its wall time and output."""
    began = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "qa", "--index", str(directory), *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=ENV,
        check=True,
    )
    return time.perf_counter() - began, done.stdout


def child(mode: str, directory: Path, *extra: str) -> dict:
    """Run one measurement of this script in a fresh process (so its memory and cold start are its own)."""
    done = subprocess.run(
        [sys.executable, __file__, f"--{mode}", str(directory), *extra],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=ENV,
        check=True,
    )
    return json.loads(done.stdout)


def percentile(values: list[float], share: float) -> float:
    return float(np.percentile(values, share)) * 1000


def measure_asking(directory: Path, count: int) -> dict:
    """Open as `qa ask` does, answer `count` questions per mode; milliseconds and megabytes."""
    from qa.search import Searcher

    began = time.perf_counter()
    searcher = Searcher.open(directory)
    searcher.warm()
    opened = time.perf_counter() - began
    asked = asked_questions(count)
    figures = {"open_ms": opened * 1000}
    for run in ("cold_", ""):
        for mode in ("hybrid", "dense"):
            times = []
            for question in asked:
                began = time.perf_counter()
                searcher.rank(question, 10, mode)
                times.append(time.perf_counter() - began)
            figures[f"{run}{mode}_p50_ms"], figures[f"{run}{mode}_p95_ms"] = (
                percentile(times, 50),
                percentile(times, 95),
            )
    figures["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return figures


def measure_filtered(directory: Path, count: int) -> dict:
    """Hybrid latency of `count` questions unfiltered and with each --since of SINCE, milliseconds; the share of
    articles each keeps; the overlap of its top 10 with the exact filtered top 10; the load average."""
    from qa.records import Filters
    from qa.search import Searcher

    searcher = Searcher.open(directory)
    searcher.warm()
    asked = asked_questions(count)

    def filters(name: str, serial: int) -> Filters:
        if name == "none":
            return Filters()
        return Filters(since=SINCE[name], until=AFTER_ALL + timedelta(days=serial))

    load = os.getloadavg()[0]
    times: dict[str, list[float]] = {name: [] for name in ("none", *SINCE)}
    found: dict[tuple[str, int], set[int]] = {}
    for measured in (False, True):
        for n, question in enumerate(asked):
            for name, spent in times.items():
                began = time.perf_counter()
                answer = searcher.rank(question, 10, "hybrid", filters(name, n + measured * count))
                if measured:
                    spent.append(time.perf_counter() - began)
                    found[name, n] = {result.passage.id for result in answer.results}
    figures = {"load_before": load, "load_after": os.getloadavg()[0]}
    for name, spent in times.items():
        figures[name] = {"p50_ms": percentile(spent, 50), "p95_ms": percentile(spent, 95)}
    lexical, dense = searcher.backend.lexical, searcher.backend.dense
    lexical.match_budget = lexical.narrow_passages = dense.narrow_passages = float("inf")
    for name in SINCE:
        overlaps = []
        for n, question in list(enumerate(asked))[::EXACT_EVERY]:
            exact = {result.passage.id for result in searcher.rank(question, 10, "hybrid", filters(name, n)).results}
            overlaps.append(len(found[name, n] & exact) / max(1, len(exact)))
        figures[name] |= {
            "share": searcher.store.filter_share(Filters(since=SINCE[name])),
            "overlap_at_10": float(np.mean(overlaps)),
        }
    return figures


def exact_top(store, vectors: np.ndarray, k: int = 10) -> list[set[int]]:
    """The ids of each question's k nearest stored passage vectors, by an exhaustive scan of them in float32."""
    best_ids = np.zeros((len(vectors), 0), dtype=np.int64)
    best = np.zeros((len(vectors), 0), dtype=np.float32)
    for ids, batch in store.vector_batches(10_000):
        scores = np.hstack([best, vectors @ batch.T])
        everyone = np.hstack([best_ids, np.broadcast_to(ids, (len(vectors), len(ids)))])
        keep = np.argsort(-scores, axis=1)[:, :k]
        best, best_ids = np.take_along_axis(scores, keep, 1), np.take_along_axis(everyone, keep, 1)
    return [set(row) for row in best_ids.tolist()]


def measure_recall(directory: Path) -> dict:
    """recall@10 of qa's dense search over an IVF base (as the cache builds above its threshold) against an
    exhaustive float32 scan of the stored vectors, and latencies (each search reads its candidates' vectors)."""
    import faiss

    from qa import onnx_encoder
    from qa.backends.local import vector_index
    from qa.backends.local.store import PassageChanges, Store

    faiss.omp_set_num_threads(1)
    store = Store.open(directory)
    encoder = onnx_encoder.load(directory, store.manifest())
    vectors = encoder.encode(questions())
    truth = exact_top(store, vectors)
    unchanged = PassageChanges(store.generation, store.passage_count(), [], [])
    exhaustive = vector_index.VectorIndex(vector_index.build(store, approximate=False)[0], unchanged, store)
    approximate = vector_index.VectorIndex(vector_index.build(store, approximate=True)[0], unchanged, store)
    curve = []
    for probed in PROBES:
        approximate.base.nprobe = probed
        found = [{passage for passage, _ in approximate.search(vector, 10)} for vector in vectors]
        recall = np.mean([len(a & b) / 10 for a, b in zip(found, truth, strict=True)])
        curve.append({"probed": probed, "recall_at_10": float(recall), "ms": one_at_a_time_ms(approximate, vectors)})
    return {
        "exact_ms": one_at_a_time_ms(exhaustive, vectors),
        "lists": approximate.base.nlist,
        "curve": curve,
        "lexical_overlap_at_10": lexical_overlap(store),
    }


def lexical_overlap(store, count: int = 100) -> float:
    """Mean share of FTS5's exact BM25 top 10 that the budgeted candidate search returns, over `count` questions."""
    from qa.backends.local.lexical import FtsIndex
    from qa.records import Filters
    from qa.text import terms

    lexical = FtsIndex(store)
    asked = [terms(q) for q in asked_questions(count)]
    budgeted = [set(lexical.search(words, 10, Filters())) for words in asked]
    lexical.match_budget = float("inf")
    exact = [set(lexical.search(words, 10, Filters())) for words in asked]
    return float(np.mean([len(a & b) / max(1, len(b)) for a, b in zip(budgeted, exact, strict=True)]))


def one_at_a_time_ms(index, vectors: np.ndarray, count: int = 100) -> float:
    """Median milliseconds of a search for one question, as qa asks them (a batch shares the work)."""
    times = []
    for vector in vectors[:count]:
        began = time.perf_counter()
        index.search(vector, 10)
        times.append(time.perf_counter() - began)
    return float(np.median(times)) * 1000


def disk_mb(directory: Path) -> float:
    return sum(path.stat().st_size for path in directory.iterdir() if path.is_file()) / 2**20


def new_article_folder(cache: Path, size: int, present: bool) -> Path:
    """The folder the index of `size` passages takes its one new article from, holding it or not."""
    folder = cache / f"new-article-{size}"
    folder.mkdir(exist_ok=True)
    article = folder / "reconstruction.txt"
    if present:
        article.write_text(NEW_ARTICLE)
    else:
        article.unlink(missing_ok=True)
    return folder


def ready(size: int, cache: Path, source: Path) -> Path:
    """The cached index of `size` passages, built if missing, its articles dated."""
    from contextlib import closing

    from synthetic import build, built, set_dates

    from qa.backends.local.store import Store

    directory = cache / str(size)
    if not built(directory, size):
        began = time.perf_counter()
        build(source, directory, size).close()
        print(f"{size}: built in {time.perf_counter() - began:.0f} s", file=sys.stderr)
        # Built through the store, its articles are unsigned, as in an index made before copies were sought: the
        # first update signs them all. Done here, once, so that adding an article is measured as it costs after.
        # (An index cached by an older bench/scale.py is signed by its first measured add instead.)
        signed, _ = qa(directory, "index", str(new_article_folder(cache, size, present=True)))
        qa(directory, "index", str(new_article_folder(cache, size, present=False)))
        print(f"{size}: signed in {signed:.0f} s", file=sys.stderr)
    with closing(Store.open(directory)) as store:
        set_dates(store)
    return directory


def measure(size: int, cache: Path, source: Path, count: int) -> dict:
    """Build (unless cached) and measure the index of `size` passages."""
    directory = ready(size, cache, source)
    folder = new_article_folder(cache, size, present=True)
    add_s, added = qa(directory, "index", "--json", str(folder))
    figures = {"passages": size, "add_s": add_s, "add_update_s": json.loads(added)["seconds"]}
    figures |= child("ask", directory, "--questions", str(count))
    figures["qa_ask_s"], _ = qa(directory, "ask", "--json", "Who is rebuilding Raqqa's clock tower?")
    figures["disk_mb"] = disk_mb(directory)
    figures["remove_s"], _ = qa(directory, "index", "--json", str(new_article_folder(cache, size, present=False)))
    figures["recall"] = child("recall", directory)
    figures["filtered"] = child("filtered", directory, "--questions", str(count))
    print(json.dumps({k: v for k, v in figures.items() if k != "recall"}), file=sys.stderr)
    return figures


def table(rows: list[dict]) -> str:
    lines = [
        "| passages | open (ms) | hybrid p50 / p95 (ms) | dense p50 / p95 (ms) | cold hybrid p50 / p95 (ms) "
        "| peak memory (MB) | disk (MiB) | add one article (s) | `qa ask` process (s) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['passages']:,} | {r['open_ms']:.0f} | {r['hybrid_p50_ms']:.1f} / {r['hybrid_p95_ms']:.1f} "
            f"| {r['dense_p50_ms']:.1f} / {r['dense_p95_ms']:.1f} "
            f"| {r['cold_hybrid_p50_ms']:.1f} / {r['cold_hybrid_p95_ms']:.1f} | {r['peak_mb']:.0f} | {r['disk_mb']:.0f} "
            f"| {r['add_s']:.2f} (update {r['add_update_s']:.2f}) | {r['qa_ask_s']:.2f} |"
        )
    lines += [
        "",
        "recall@10 of the dense search over IVF against an exhaustive float32 scan (real question vectors), and ms per "
        "search (median, one question a search, its candidates' stored vectors read):",
        "",
    ]
    lines.append(
        "| passages | BM25 top-10 overlap | lists | exhaustive ms | " + " | ".join(f"nprobe {p}" for p in PROBES) + " |"
    )
    lines.append("|---:" * (4 + len(PROBES)) + "|")
    for r in rows:
        recall = r["recall"]
        cells = [f"{c['recall_at_10']:.3f} ({c['ms']:.2f} ms)" for c in recall["curve"]]
        lines.append(
            f"| {r['passages']:,} | {recall['lexical_overlap_at_10']:.3f} | {recall['lists']} "
            f"| {recall['exact_ms']:.2f} | " + " | ".join(cells) + " |"
        )
    return "\n".join(lines) + "\n" + filtered_table(rows)


def filtered_table(rows: list[dict]) -> str:
    rows = [r for r in rows if "filtered" in r]
    if not rows:
        return ""
    lines = [
        "",
        "Filtered hybrid questions (warm; each question its own filter, as in one `qa ask` process), beside the same "
        "questions unfiltered in the same run; overlap: of the filtered top 10 with the exact filtered top 10, "
        "on every fifth question:",
        "",
        "| passages | unfiltered p50 / p95 (ms) | `--since` keeping | p50 / p95 (ms) | overlap@10 "
        "| `--since` keeping | p50 / p95 (ms) | overlap@10 | load average (before, after) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        f = r["filtered"]
        cells = [
            f"{f[name]['share']:.1%} | {f[name]['p50_ms']:.1f} / {f[name]['p95_ms']:.1f} | {f[name]['overlap_at_10']:.3f}"
            for name in SINCE
        ]
        lines.append(
            f"| {r['passages']:,} | {f['none']['p50_ms']:.1f} / {f['none']['p95_ms']:.1f} | "
            + " | ".join(cells)
            + f" | {f['load_before']:.1f}, {f['load_after']:.1f} |"
        )
    return "\n".join(lines) + "\n"


def plot(rows: list[dict]) -> None:
    """scale.png and recall.png, when matplotlib is installed (`pip install -e '.[bench]'`)."""
    try:
        import matplotlib
    except ImportError:
        print("scale: matplotlib is not installed; the plots are left as they were", file=sys.stderr)
        return

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = [r["passages"] for r in rows]
    figure, (latency, memory) = plt.subplots(1, 2, figsize=(11, 4.2))
    for key, label in (
        ("hybrid_p50_ms", "hybrid p50"),
        ("hybrid_p95_ms", "hybrid p95"),
        ("cold_hybrid_p50_ms", "hybrid p50, cold"),
        ("dense_p50_ms", "dense p50"),
    ):
        latency.plot(sizes, [r[key] for r in rows], marker="o", label=label)
    latency.plot(sizes, [r["recall"]["exact_ms"] for r in rows], marker="x", linestyle="--", label="exhaustive FAISS")
    latency.plot(sizes, [r["open_ms"] for r in rows], marker="s", label="open")
    latency.set(xscale="log", yscale="log", xlabel="passages", ylabel="ms", title="latency")
    latency.legend()
    memory.plot(sizes, [r["peak_mb"] for r in rows], marker="o", label="peak memory (qa ask)")
    memory.plot(sizes, [r["disk_mb"] for r in rows], marker="o", label="index on disk")
    memory.set(xscale="log", yscale="log", xlabel="passages", ylabel="MB", title="memory and disk")
    memory.legend()
    figure.tight_layout()
    figure.savefig(RESULTS / "scale.png", dpi=120)

    figure, axis = plt.subplots(figsize=(6, 4.2))
    for r in rows:
        curve = r["recall"]["curve"]
        axis.plot([c["ms"] for c in curve], [c["recall_at_10"] for c in curve], marker="o", label=f"{r['passages']:,}")
        axis.axvline(r["recall"]["exact_ms"], linestyle=":", color=axis.lines[-1].get_color())
    axis.axhline(0.95, color="grey", linewidth=0.8)
    axis.set(xscale="log", xlabel="ms per search (dotted: exhaustive)", ylabel="recall@10", title="IVF vs exhaustive")
    axis.legend(title="passages")
    figure.tight_layout()
    figure.savefig(RESULTS / "recall.png", dpi=120)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--cache", type=Path, default=Path("/tmp/qa-scale"))
    parser.add_argument("--source", type=Path, default=Path("/tmp/qa-scale/source"))
    parser.add_argument("--questions", type=int, default=100)
    parser.add_argument("--ask", type=Path)
    parser.add_argument("--recall", type=Path)
    parser.add_argument("--filtered", type=Path)
    parser.add_argument("--filtered-only", action="store_true", help="add filtered questions to scale.json's sizes")
    arguments = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    if arguments.ask:
        print(json.dumps(measure_asking(arguments.ask, arguments.questions)))
        return
    if arguments.recall:
        print(json.dumps(measure_recall(arguments.recall)))
        return
    if arguments.filtered:
        print(json.dumps(measure_filtered(arguments.filtered, arguments.questions)))
        return
    if not (arguments.source / "qa.sqlite").is_file():
        qa(arguments.source, "index", str(ROOT / "seeds"), str(ROOT / "bench" / "squad5" / "articles"))
    sizes = [int(size) for size in arguments.sizes.split(",")]
    if arguments.filtered_only:
        rows = json.loads((RESULTS / "scale.json").read_text())
        for row in rows:
            if row["passages"] in sizes:
                directory = ready(row["passages"], arguments.cache, arguments.source)
                row["filtered"] = child("filtered", directory, "--questions", str(arguments.questions))
                print(json.dumps(row["filtered"]), file=sys.stderr)
    else:
        rows = [measure(size, arguments.cache, arguments.source, arguments.questions) for size in sizes]
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "scale.json").write_text(json.dumps(rows, indent=1))
    (RESULTS / "scale.md").write_text(table(rows))
    print(table(rows))
    if not arguments.filtered_only:
        plot(rows)


if __name__ == "__main__":
    main()
