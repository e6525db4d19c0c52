"""What an index records of itself, as one typed value: the model and encoder that made its vectors, how its
files were read and cut, and what its last update left.

A backend stores it as text rows, one per field (`rows`, `from_rows`); a field an index made before it existed
takes its default. A backend may keep rows of its own beside these (the local one: running vector sums and
where its change log starts).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from pathlib import Path


@dataclass(frozen=True)
class ModelSpec:
    """Which model, where, and the sha256 of its weights: the identity an index records."""

    name: str
    path: Path
    sha256: str


@dataclass(frozen=True)
class Manifest:
    generation: int = 0  # updates committed; 0 before the first
    built_at: float = 0.0  # when the last one committed (Unix time)
    passages: int | None = None  # as the last update counted them
    model_name: str = ""
    model_path: str = ""
    model_sha256: str = ""  # of the model's weights: vectors are only compared with ones made by the same
    dimension: int = 0
    onnx_sha256: str = ""  # of the index's exported encoder files
    passage_encoder: str = ""
    vector_format: str = ""  # qa/vector_format.py's NAME once every stored vector has that form
    chunker_version: str = ""  # qa/chunking.py's CHUNKER_VERSION its passages were cut by
    record_fields: dict[str, dict[str, str]] = field(default_factory=dict)  # by file of records: its named fields
    follow_links: bool = False  # how folders are scanned
    max_file_bytes: int | None = None

    @property
    def complete(self) -> bool:
        """Whether the index has finished its first build."""
        return self.generation > 0 and self.dimension > 0 and bool(self.model_sha256)

    @property
    def model(self) -> ModelSpec:
        return ModelSpec(self.model_name, Path(self.model_path), self.model_sha256)

    @classmethod
    def from_rows(cls, rows: dict[str, str]) -> Manifest:
        values: dict[str, object] = {}
        for f in fields(cls):
            if f.name not in rows:
                continue
            text = rows[f.name]
            if f.name == "record_fields":
                values[f.name] = json.loads(text)
            elif f.name == "follow_links":
                values[f.name] = text == "yes"
            elif f.name in ("generation", "passages", "dimension", "max_file_bytes"):
                values[f.name] = int(text) if text else 0
            elif f.name == "built_at":
                values[f.name] = float(text)
            else:
                values[f.name] = text
        return cls(**values)

    def rows(self) -> dict[str, str]:
        """The fields as text rows; those still at None are left out."""
        rows = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if value is None:
                continue
            if f.name == "record_fields":
                rows[f.name] = json.dumps(value, sort_keys=True)
            elif f.name == "follow_links":
                rows[f.name] = "yes" if value else "no"
            else:
                rows[f.name] = str(value)
        return rows
