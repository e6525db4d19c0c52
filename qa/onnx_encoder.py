"""The query encoder without torch: the model exported to ONNX, run by onnxruntime with tokenizers.

At index time the transformer plus mean pooling and L2 normalisation is exported
into the index folder, its attention, embedding and layer-normalisation steps fused
into onnxruntime's single BERT operators, graph-optimised once and saved with its
weights in a separate file (encoder.onnx + encoder.onnx.data, beside the model's
tokenizer.json): a session then opens in about a third of the time, and questions
are encoded in milliseconds without importing torch or sentence-transformers.
The files' digest is recorded in the manifest and checked before use.

An exported encoder is also kept in a cache folder (`cache_folder`): the next index made
from the same model copies it, checked whole against its digest, instead of exporting
again, and so never imports torch.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import warnings
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np

from qa.embedding import BATCH_SIZE, file_sha256
from qa.manifest import Manifest, ModelSpec

ONNX_FILE = "encoder.onnx"
WEIGHTS_FILE = ONNX_FILE + ".data"
TOKENIZER_FILE = "tokenizer.json"
SETTINGS_FILE = "encoder.json"
# In the order they are put in place: the graph last, so that a reader never finds it without its weights.
ENCODER_FILES = (TOKENIZER_FILE, SETTINGS_FILE, WEIGHTS_FILE, ONNX_FILE)
EXPORT_FORMAT = 2  # raised whenever export writes other files or another graph: cached encoders of another are unused
_INPUTS = ("input_ids", "attention_mask", "token_type_ids")


def export(encoder, directory: Path) -> str:
    """Export the sentence-transformers model of encoder into directory; return the encoder's digest."""
    import torch

    model = encoder.model
    transformer = model[0].auto_model.eval()
    transformer.set_attn_implementation("eager")  # the attention pattern onnxruntime's BERT fusion recognises

    class MeanPooled(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.transformer = transformer

        def forward(self, input_ids, attention_mask, token_type_ids):
            hidden = self.transformer(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(pooled, p=2, dim=1)

    sample = model.tokenizer(
        ["an example question", "and a second, longer example text"], padding=True, return_tensors="pt"
    )
    axes = {name: {0: "batch", 1: "tokens"} for name in _INPUTS} | {"embedding": {0: "batch"}}
    with tempfile.TemporaryDirectory(dir=directory, prefix=".encoder-") as scratch:
        exported = Path(scratch) / "exported.onnx"
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the exporter's notes on opsets concern its authors, not users
            torch.onnx.export(
                MeanPooled(),
                tuple(sample[name] for name in _INPUTS),
                str(exported),
                input_names=list(_INPUTS),
                output_names=["embedding"],
                dynamic_axes=axes,
                opset_version=17,
                dynamo=False,
            )
        _optimize(_fused(exported, transformer.config), Path(scratch) / ONNX_FILE)
        shutil.copyfile(encoder.spec.path / TOKENIZER_FILE, Path(scratch) / TOKENIZER_FILE)
        (Path(scratch) / SETTINGS_FILE).write_text(json.dumps({"max_length": model.max_seq_length}))
        _put_in_place(Path(scratch), directory)
    return digest(directory)


def _put_in_place(scratch: Path, directory: Path) -> None:
    for name in ENCODER_FILES:  # a reader between the renames fails the digest check
        os.replace(scratch / name, directory / name)


def cache_folder(spec: ModelSpec) -> Path:
    """Where the encoder exported from spec's model is kept: under $QA_CACHE_DIR, else $XDG_CACHE_HOME/qa or
    ~/.cache/qa, one folder per model (its weights and settings), export format and onnxruntime version."""
    import onnxruntime

    root = os.environ.get("QA_CACHE_DIR") or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "qa"
    settings = sorted(spec.path.rglob("*.json"))
    identity = hashlib.sha256(" ".join([spec.sha256, *map(file_sha256, settings)]).encode()).hexdigest()[:24]
    return Path(root) / "encoders" / f"{identity}-format{EXPORT_FORMAT}-onnxruntime{onnxruntime.__version__}"


def install_cached(directory: Path, spec: ModelSpec) -> str | None:
    """Copy the cached encoder of spec's model into directory and return its digest; None when the cache has
    none, or one that fails its digest (then removed, to be replaced by the next export)."""
    folder = cache_folder(spec)
    try:
        recorded = (folder / "sha256").read_text().strip()
        with tempfile.TemporaryDirectory(dir=directory, prefix=".encoder-") as scratch:
            for name in ENCODER_FILES:
                shutil.copyfile(folder / name, Path(scratch) / name)
            if digest(Path(scratch), verify=True) != recorded:
                shutil.rmtree(folder, ignore_errors=True)
                return None
            _put_in_place(Path(scratch), directory)
            for name in (ONNX_FILE, WEIGHTS_FILE):  # the hashes just taken go along: digest() reads no file again
                if (hashed := _sidecar(Path(scratch) / name)).exists():
                    os.replace(hashed, _sidecar(directory / name))
    except OSError:
        return None
    return digest(directory)


def remember(directory: Path, spec: ModelSpec, sha256: str) -> None:
    """Keep the encoder just exported into directory in the cache, unless one is there; a cache that cannot be
    written is left alone (it only saves the next index an export)."""
    folder = cache_folder(spec)
    if folder.exists():
        return
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        scratch = Path(tempfile.mkdtemp(dir=folder.parent, prefix=".partial-"))
        try:
            for name in ENCODER_FILES:
                shutil.copyfile(directory / name, scratch / name)
            (scratch / "sha256").write_text(sha256)
            os.replace(scratch, folder)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
    except OSError:
        pass


def _fused(exported: Path, config) -> bytes:
    """The exported BERT graph with each layer's attention, embedding and skip layer normalisation fused into one
    onnxruntime operator (fewer, faster kernels; the same vectors within float noise)."""
    from onnxruntime.transformers.optimizer import optimize_model

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fused = optimize_model(
            str(exported),
            model_type="bert",
            num_heads=config.num_attention_heads,
            hidden_size=config.hidden_size,
            opt_level=0,
        )
    return fused.model.SerializeToString()


def _optimize(graph: bytes, target: Path) -> None:
    """Save graph with onnxruntime's portable graph fusions applied and its weights in target + ".data".

    Extended (not "all") optimisations keep the file independent of this CPU's instruction set.
    """
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_EXTENDED
    options.optimized_model_filepath = str(target)
    options.add_session_config_entry("session.optimized_model_external_initializers_file_name", WEIGHTS_FILE)
    options.add_session_config_entry("session.optimized_model_external_initializers_min_size_in_bytes", "1024")
    onnxruntime.InferenceSession(graph, options, providers=["CPUExecutionProvider"])


class OnnxEncoder:
    """Encodes texts like SentenceTransformersEncoder, from the exported ONNX model in an index folder.

    bulk: tuned for embedding many passages (every core, weights prepacked for faster
    matrix products) rather than a question at a time, where one thread is fastest
    (hand-offs between threads cost more than they save on a short text) and prepacking
    would add ~40 ms to every start. threads, when given, is how many it uses.
    """

    def __init__(self, directory: Path, spec: ModelSpec, bulk: bool = False, threads: int | None = None):
        import onnxruntime
        from tokenizers import Tokenizer

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads or ((os.cpu_count() or 1) if bulk else 1)
        options.log_severity_level = 3
        if not bulk:
            options.add_session_config_entry("session.disable_prepacking", "1")
        self.spec = spec
        self.session = onnxruntime.InferenceSession(
            str(directory / ONNX_FILE), options, providers=["CPUExecutionProvider"]
        )
        self.tokenizer = Tokenizer.from_file(str(directory / TOKENIZER_FILE))
        max_length = json.loads((directory / SETTINGS_FILE).read_text())["max_length"]
        self.tokenizer.enable_truncation(max_length)
        self.tokenizer.enable_padding()

    def encode_batches(self, texts: Sequence[str]) -> Iterator[np.ndarray]:
        for start in range(0, len(texts), BATCH_SIZE):
            encodings = self.tokenizer.encode_batch(list(texts[start : start + BATCH_SIZE]))
            feeds = {
                name: np.array([getattr(e, attribute) for e in encodings], dtype=np.int64)
                for name, attribute in zip(_INPUTS, ("ids", "attention_mask", "type_ids"), strict=False)
            }
            yield self.session.run(None, feeds)[0].astype(np.float32, copy=False)

    @property
    def dimension(self) -> int:
        return self.session.get_outputs()[0].shape[1]

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        batches = list(self.encode_batches(texts))
        return np.vstack(batches) if batches else np.zeros((0, self.dimension), np.float32)


def cached_sha256(path: Path, verify: bool = False) -> str:
    """sha256 of path, recomputed only when its size or modification time changed since last time (always
    when verify: damage that keeps both is found only so).

    The sidecar (path + ".sha256") only remembers a hash for a file state; the
    trusted value it is compared with lives in the index's manifest.
    """
    stat = path.stat()
    sidecar = _sidecar(path)
    state = [stat.st_size, stat.st_mtime_ns]
    try:
        remembered = json.loads(sidecar.read_text())
        if remembered["state"] == state and not verify:
            return remembered["sha256"]
    except (OSError, ValueError, KeyError, TypeError):
        pass
    sha256 = file_sha256(path)
    try:
        sidecar.write_text(json.dumps({"state": state, "sha256": sha256}))
    except OSError:
        pass
    return sha256


def _sidecar(path: Path) -> Path:
    return path.with_name(path.name + ".sha256")


def digest(directory: Path, verify: bool = False) -> str | None:
    """One sha256 over the encoder's graph and weights files, or None when either is missing (each file read
    whole when verify, else its remembered hash trusted while its size and time are unchanged)."""
    paths = [directory / ONNX_FILE, directory / WEIGHTS_FILE]
    if not all(path.is_file() for path in paths):
        return None
    return hashlib.sha256(" ".join(cached_sha256(path, verify) for path in paths).encode()).hexdigest()


def is_intact(directory: Path, manifest: Manifest, verify: bool = False) -> bool:
    """Whether the index's ONNX encoder is present and is the one its manifest records (read whole when verify)."""
    recorded = manifest.onnx_sha256
    return bool(recorded) and digest(directory, verify) == recorded


def load(directory: Path, manifest: Manifest) -> OnnxEncoder | None:
    """The index's ONNX encoder when present and matching its recorded sha256, else None."""
    if not is_intact(directory, manifest):
        return None
    try:
        return OnnxEncoder(directory, manifest.model)
    except Exception:  # onnxruntime raises its own exception types for unreadable models
        return None
