"""One-shot answer latency and embedding throughput, measured side by side in one run.

    python bench/ask_latency.py [INDEX] [RUNS]

Builds INDEX (/tmp/qa-bench-index by default) over seeds/ when it does not exist. Prints
the median wall time, over RUNS runs (7 by default), of `qa ask` (process start to answer
printed) and of bench/reference_ask.py (a one-shot sentence-transformers + FAISS script
doing the same search), their ratio, the modules that take longest to import in `qa ask`
(python -X importtime), and passages per second when embedding the seed passages with
each encoder.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUESTION = "How many civilians did the coalition kill in Raqqa?"


def wall(command: list[str]) -> float:
    began = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, cwd=ROOT)
    return time.perf_counter() - began


def slowest_imports(command: list[str], count: int = 8) -> list[tuple[int, str]]:
    """The top-level imports of command with the largest cumulative import time, in microseconds."""
    done = subprocess.run([sys.executable, "-X", "importtime", *command], capture_output=True, text=True, cwd=ROOT)
    rows = []
    for line in done.stderr.splitlines():
        fields = line.removeprefix("import time:").split("|")
        if len(fields) == 3 and fields[1].strip().isdigit() and not fields[2].startswith("  "):
            rows.append((int(fields[1]), fields[2].strip()))
    return sorted(rows, reverse=True)[:count]


def throughput(encoder, texts: list[str]) -> float:
    encoder.encode(texts[:8])  # warm up
    began = time.perf_counter()
    encoder.encode(texts)
    return len(texts) / (time.perf_counter() - began)


def main(index: Path, runs: int) -> None:
    if not (index / "qa.sqlite").is_file():
        subprocess.run([sys.executable, "-m", "qa", "--index", str(index), "index", str(ROOT / "seeds")], check=True)
    qa_ask = [str(Path(sys.executable).with_name("qa")), "--index", str(index), "ask", QUESTION]  # as a user runs it
    reference = [sys.executable, str(ROOT / "bench" / "reference_ask.py"), str(index), QUESTION]
    qa_times, reference_times = [], []
    for _ in range(runs):  # interleaved, so both see the same machine load
        qa_times.append(wall(qa_ask))
        reference_times.append(wall(reference))
    qa_median, reference_median = statistics.median(qa_times), statistics.median(reference_times)

    from qa.backends.local.store import Store
    from qa.embedding import SentenceTransformersEncoder, resolve_model
    from qa.onnx_encoder import OnnxEncoder

    texts = (
        sorted((text for _, _, _, _, text in Store.open(index).all_passages()), key=len) * 4
    )  # as qa index orders them
    spec = resolve_model()
    torch_rate = throughput(SentenceTransformersEncoder(spec), texts)
    onnx_rate = throughput(OnnxEncoder(index, spec, bulk=True), texts)  # as qa index uses it

    print(f"runs: {runs}; question: {QUESTION!r}")
    print("| measure | value |")
    print("|---|---|")
    print(f"| qa ask, cold, median | {qa_median:.3f} s |")
    print(f"| reference sentence-transformers + FAISS script, median | {reference_median:.3f} s |")
    print(f"| ratio (reference / qa ask) | {reference_median / qa_median:.1f}x |")
    print(f"| embedding, sentence-transformers (torch) | {torch_rate:.0f} passages/s |")
    print(f"| embedding, onnxruntime | {onnx_rate:.0f} passages/s |")
    print("\nslowest top-level imports of qa ask (python -X importtime, cumulative):")
    for microseconds, module in slowest_imports(qa_ask):
        print(f"  {microseconds / 1000:6.1f} ms  {module}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "index", nargs="?", type=Path, default=Path("/tmp/qa-bench-index"), metavar="INDEX", help="the index asked"
    )
    parser.add_argument("runs", nargs="?", type=int, default=7, metavar="RUNS", help="times each command is timed")
    args = parser.parse_args()
    main(args.index, args.runs)
