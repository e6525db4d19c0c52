"""int8 variants of an index's ONNX encoder: their vectors' cosine to the float32 encoder's, and their time.

    python bench/encoder_int8.py INDEX [INDEX ...] [--cache DIR --variant NAME]

Each variant is onnxruntime's dynamic quantisation (weights in int8 with one scale per output channel,
activations quantised as they come) of the first index's encoder:

- all: every matrix product and attention;
- products: the matrix products, attention left in float;
- products-but-down: the matrix products but the feed-forward down projections, whose inputs (the GELU's
  outputs) hold rare large values.

Texts: every question of the dev sets in bench/ and tests/data, and up to 600 passages of the indexes given.
Time is process CPU seconds on one thread against the float32 encoder's, over the same texts.

With --cache, the variant named is also written where `QA_CACHE_DIR=DIR qa index` takes its encoder from, so
that indexes built with it can be evaluated (`qa eval`) against indexes built with the float32 encoder.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from qa import onnx_encoder  # noqa: E402
from qa.backends.local.store import Store  # noqa: E402
from qa.embedding import resolve_model  # noqa: E402

PASSAGES = 600
QUESTION_FILES = [*ROOT.glob("bench/*/*.jsonl"), *ROOT.glob("tests/data/*.jsonl")]


def questions() -> list[str]:
    found = []
    for path in QUESTION_FILES:
        for line in path.read_text().splitlines():
            record = json.loads(line) if line.strip() else {}
            if isinstance(record.get("question"), str):
                found.append(record["question"])
    return list(dict.fromkeys(found))


def passages(indexes: list[Path]) -> list[str]:
    texts = [row[0] for index in indexes for row in Store.open(index).connection.execute("SELECT text FROM passages")]
    chosen = np.random.default_rng(0).choice(len(texts), min(PASSAGES, len(texts)), replace=False)
    return [texts[i] for i in sorted(chosen)]


def quantize(source: Path, target: Path, variant: str) -> None:
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    model = onnx.load(source / onnx_encoder.ONNX_FILE, load_external_data=False)
    shapes = {weight.name: tuple(weight.dims) for weight in model.graph.initializer}
    inner = json.loads((resolve_model().path / "config.json").read_text())["intermediate_size"]
    down = [n.name for n in model.graph.node if n.op_type == "MatMul" and shapes.get(n.input[1], (0,))[0] == inner]
    options = {
        "all": {},
        "products": {"op_types_to_quantize": ["MatMul"]},
        "products-but-down": {"op_types_to_quantize": ["MatMul"], "nodes_to_exclude": down},
    }[variant]
    for name in (onnx_encoder.TOKENIZER_FILE, onnx_encoder.SETTINGS_FILE):
        shutil.copyfile(source / name, target / name)
    with tempfile.TemporaryDirectory() as scratch:
        quantized = Path(scratch) / "quantized.onnx"
        quantize_dynamic(
            source / onnx_encoder.ONNX_FILE,
            quantized,
            weight_type=QuantType.QInt8,
            per_channel=True,
            extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},  # the fused operators' outputs are float
            **options,
        )
        onnx_encoder._optimize(quantized, target / onnx_encoder.ONNX_FILE)


def encoded(folder: Path, texts: dict[str, list[str]]) -> tuple[dict[str, np.ndarray], float]:
    encoder = onnx_encoder.OnnxEncoder(folder, resolve_model(), bulk=True, threads=1)
    began = time.process_time()
    vectors = {name: encoder.encode(group) for name, group in texts.items()}
    return vectors, time.process_time() - began


def install(folder: Path, cache: Path) -> None:
    """Put folder's encoder where `QA_CACHE_DIR=cache qa index` takes it from."""
    os.environ["QA_CACHE_DIR"] = str(cache)
    target = onnx_encoder.cache_folder(resolve_model())
    shutil.rmtree(target, ignore_errors=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copytree(folder, target)
    (target / "sha256").write_text(onnx_encoder.digest(target, verify=True))
    print(f"{folder.name} written to {target}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("indexes", nargs="+", type=Path)
    parser.add_argument("--cache", type=Path, help="write --variant where QA_CACHE_DIR=CACHE qa index reads it")
    parser.add_argument("--variant", default="products-but-down")
    args = parser.parse_args()
    texts = {"questions": questions(), "passages": passages(args.indexes)}
    print(", ".join(f"{len(group)} {name}" for name, group in texts.items()))
    reference, reference_seconds = encoded(args.indexes[0], texts)
    print("| encoder | CPU time vs float32 | question cosine mean / min | passage cosine mean / min |")
    print("|---|---:|---:|---:|")
    print(f"| float32 | 1 ({reference_seconds:.1f} s) | 1 | 1 |")
    with tempfile.TemporaryDirectory() as scratch:
        for variant in ("all", "products", "products-but-down"):
            folder = Path(scratch) / variant
            folder.mkdir()
            quantize(args.indexes[0], folder, variant)
            vectors, seconds = encoded(folder, texts)
            cosines = {name: np.sum(vectors[name] * reference[name], axis=1) for name in texts}
            print(
                f"| {variant} | {seconds / reference_seconds:.2f} | "
                + " | ".join(f"{c.mean():.4f} / {c.min():.4f}" for c in cosines.values())
                + " |"
            )
            if args.cache and variant == args.variant:
                install(folder, args.cache)


if __name__ == "__main__":
    main()
