"""The article store: one SQLite file, the single source of truth of an index.

It holds the recorded sources, articles, passages, the embedding vectors (keyed by
a hash of the embedded text, so unchanged text is never embedded twice), a
lexical FTS5 index, and a manifest naming the model and chunker that made it.
Every change a reader can see lands in one transaction; vectors may be stored
ahead of it, batch by batch, where only a later run will look them up.
"""

from __future__ import annotations

import base64
import json
import os
import re
import sqlite3
import time
from collections.abc import Callable, Container, Iterable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from qa import vector_format
from qa.bm25 import TOKENIZER, Scorer, phrases, quoted
from qa.chunking import Passage
from qa.errors import QAError
from qa.locations import RECORD_MARK
from qa.near_duplicates import Signature
from qa.text import normalize_for_search

DB_FILE = "qa.sqlite"
LOCK_FILE = "update.lock"
TITLE_WEIGHT = 0.5  # BM25 weight of a passage's article title (with its outlet) relative to its text
# Rows (summed over a question's words) that FTS5 may score for BM25 candidates. Above, candidates come from
# the rarest words within it and from the passages holding two of the words, then are scored on every word:
# 0.97 of FTS5's top 10 at a million passages (bench/results/scale.md). Not reached by the evaluation sets'
# questions (a few hundred passages): there rankings are FTS5's own.
MATCH_BUDGET = 1_000
RESCORED = 2  # candidates taken from each of those two queries, per candidate wanted
SCHEMA_VERSION = 3
PAGE_SIZE = 8192
QA_TABLES = frozenset({"manifest", "sources", "articles", "passages"})  # what makes a SQLite file a qa index

_SCHEMA = f"""
CREATE TABLE manifest (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE sources (
    path TEXT PRIMARY KEY,
    include TEXT NOT NULL DEFAULT '[]',  -- JSON lists of the globs a folder is scanned with
    exclude TEXT NOT NULL DEFAULT '[]'
);
CREATE TABLE articles (
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL UNIQUE,
    content_hash TEXT NOT NULL,
    title TEXT NOT NULL,
    metadata TEXT NOT NULL,
    also_at TEXT NOT NULL DEFAULT '[]',  -- JSON list of other paths holding the same bytes
    indexed_at REAL NOT NULL
);
CREATE TABLE passages (
    id INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id),
    ordinal INTEGER NOT NULL,
    text TEXT NOT NULL,
    first_block INTEGER NOT NULL,
    last_block INTEGER NOT NULL,
    start INTEGER NOT NULL,
    end INTEGER NOT NULL,
    first_line INTEGER NOT NULL,
    last_line INTEGER NOT NULL,
    lines_in TEXT NOT NULL,  -- 'file' or 'extracted': what first_line and last_line count
    embedding_key TEXT NOT NULL
);
CREATE INDEX passages_article ON passages(article_id);
CREATE INDEX passages_embedding ON passages(embedding_key);
CREATE TABLE sentences (
    id INTEGER PRIMARY KEY,
    passage_id INTEGER NOT NULL REFERENCES passages(id),
    start INTEGER NOT NULL,
    end INTEGER NOT NULL,
    embedding_key TEXT NOT NULL
);
CREATE INDEX sentences_passage ON sentences(passage_id);
CREATE INDEX sentences_embedding ON sentences(embedding_key);
CREATE TABLE embeddings (key TEXT PRIMARY KEY, vector BLOB NOT NULL) WITHOUT ROWID;
CREATE VIRTUAL TABLE passages_fts USING fts5(title, body, tokenize='{TOKENIZER}');
CREATE VIRTUAL TABLE sentences_fts USING fts5(body, tokenize='{TOKENIZER}');
"""
# The passages each generation added and removed, so the FAISS cache follows an update without a rebuild.
# Made by the first update that needs it, so indexes made before it keep their schema version.
_CHANGES_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS passage_changes "
    "(generation INTEGER NOT NULL, passage_id INTEGER NOT NULL, added INTEGER NOT NULL)",
    "CREATE INDEX IF NOT EXISTS passage_changes_generation ON passage_changes(generation)",
)

# Near-duplicate articles (qa/near_duplicates.py): each article's signature (its MinHash, and its figures as a JSON
# list) and the pairs found to be copies, both ways. Made by the first update that needs them, as the change log is;
# a signature stored before figures were kept has none, and its article is signed again from its stored passages.
_COPIES_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS article_signatures (path TEXT PRIMARY KEY, signature BLOB NOT NULL, figures TEXT) "
    "WITHOUT ROWID",
    "CREATE TABLE IF NOT EXISTS copies (path TEXT NOT NULL, other TEXT NOT NULL, PRIMARY KEY (path, other)) "
    "WITHOUT ROWID",
)


class StoreError(QAError):
    """The index cannot be used as it is; the message names the fix."""


def _usable(path: Path) -> bool:
    """Whether the SQLite file at path opens and has this version's schema."""
    try:
        with closing(sqlite3.connect(path)) as connection:
            return connection.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    except sqlite3.DatabaseError:
        return False


def _tables(path: Path) -> set[str] | None:
    """The names of the tables of the SQLite file at path, or None when it cannot be read as a database."""
    try:
        with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as connection:
            return {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError:
        return None


def _is_qa_index(path: Path) -> bool:
    """Whether the file at path is a qa index, of any version, damaged or not: its tables are qa's, or it cannot be
    read as a database but lies in a folder qa has written (beside an encoder, a FAISS cache or an update lock)."""
    tables = _tables(path)
    if tables is not None:
        return not tables or QA_TABLES <= tables
    return any((path.parent / name).exists() for name in (LOCK_FILE, "encoder.onnx")) or any(
        path.parent.glob("vectors-*.faiss")
    )


def _recorded_source_paths(path: Path) -> list[str]:
    """The source paths an unusable index recorded, as far as they can be read."""
    try:
        with closing(sqlite3.connect(path)) as connection:
            return [row[0] for row in connection.execute("SELECT path FROM sources")]
    except sqlite3.DatabaseError:
        return []


def _casefold(text: str | None) -> str | None:
    return text.casefold() if text else text


# Each update keeps the sum and count of the passage and of the sentence vectors in the manifest, adding what it
# inserts and subtracting what it deletes, so that the means ranking centres cosines on never need a full scan.
VECTOR_KINDS = ("passage", "sentence")
_VECTORS_OF_ARTICLE = {
    "passage": "SELECT e.vector FROM passages p JOIN embeddings e ON e.key = p.embedding_key "
    "WHERE p.article_id = (SELECT id FROM articles WHERE path = ?)",
    "sentence": "SELECT e.vector FROM sentences s JOIN passages p ON p.id = s.passage_id "
    "JOIN embeddings e ON e.key = s.embedding_key WHERE p.article_id = (SELECT id FROM articles WHERE path = ?)",
}
_ALL_VECTORS = {
    "passage": "SELECT e.vector FROM passages p JOIN embeddings e ON e.key = p.embedding_key",
    "sentence": "SELECT e.vector FROM sentences s JOIN embeddings e ON e.key = s.embedding_key",
}


@dataclass
class VectorSum:
    total: np.ndarray  # float64
    count: int

    def add(self, rows: sqlite3.Cursor, sign: int) -> None:
        while batch := rows.fetchmany(4096):
            vectors = vector_format.decode([row[0] for row in batch], len(self.total))
            self.total += sign * vectors.sum(axis=0, dtype=np.float64)
            self.count += sign * len(batch)

    def mean(self) -> np.ndarray:
        return (self.total / self.count if self.count > 0 else self.total * 0).astype(np.float32)


def _decode_sum(manifest: dict[str, str], kind: str, dimension: int) -> VectorSum:
    if f"{kind}_sum" not in manifest:
        return VectorSum(np.zeros(dimension), 0)
    total = np.frombuffer(base64.b64decode(manifest[f"{kind}_sum"]), dtype="<f8").copy()
    return VectorSum(total, int(manifest[f"{kind}_count"]))


def _decode_sums(manifest: dict[str, str], dimension: int) -> dict[str, VectorSum]:
    return {kind: _decode_sum(manifest, kind, dimension) for kind in VECTOR_KINDS}


def _encode_sums(sums: dict[str, VectorSum]) -> dict[str, str]:
    encoded = {}
    for kind, vector_sum in sums.items():
        encoded[f"{kind}_sum"] = base64.b64encode(vector_sum.total.astype("<f8").tobytes()).decode()
        encoded[f"{kind}_count"] = str(vector_sum.count)
    return encoded


def _add_article_vectors(db: sqlite3.Connection, sums: dict[str, VectorSum], path: str, sign: int) -> None:
    for kind, vector_sum in sums.items():
        vector_sum.add(db.execute(_VECTORS_OF_ARTICLE[kind], (path,)), sign)


def _sum_all_vectors(db: sqlite3.Connection, dimension: int) -> dict[str, VectorSum]:
    """The sums of every stored passage and sentence vector: for a new, wiped or older index."""
    sums = {kind: VectorSum(np.zeros(dimension), 0) for kind in VECTOR_KINDS}
    for kind, vector_sum in sums.items():
        vector_sum.add(db.execute(_ALL_VECTORS[kind]), 1)
    return sums


def _passages_after(db: sqlite3.Connection, recorded: dict[str, str], generation: int, wipe: bool) -> int:
    """How many passages the index holds after this generation's changes: the count recorded before, plus
    what this generation's change log adds, less what it removes (counted anew only for an older index)."""
    if not wipe and "passages" not in recorded:
        return db.execute("SELECT count(*) FROM passages").fetchone()[0]
    net = db.execute(
        "SELECT coalesce(sum(CASE WHEN added THEN 1 ELSE -1 END), 0) FROM passage_changes WHERE generation = ?",
        (generation,),
    ).fetchone()[0]
    return (0 if wipe else int(recorded["passages"])) + net


def _not_an_index(directory: Path) -> str:
    return (
        f"{directory / DB_FILE} is not a qa index (another program's database?): "
        "leave it be and choose another folder with --index"
    )


def _lock_holder(handle) -> str:
    """Who holds the update lock, as its holder wrote it: "pid 123, since 2026-11-30 04:50:12"."""
    handle.seek(0)
    pid, _, since = handle.read(200).strip().partition(" ")
    try:
        started = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(float(since)))
    except (ValueError, OverflowError, OSError):
        return "holder unknown"
    return f"pid {pid}, since {started}"


def _wait_for_lock(handle, wait: float | None, holder: str) -> None:
    """Take the lock another process holds: as soon as it is free, or give up after `wait` seconds."""
    import fcntl

    if wait is None:
        fcntl.flock(handle, fcntl.LOCK_EX)
        return
    deadline = time.monotonic() + wait
    while True:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise StoreError(
                    f"another update of this index ({holder}) is still running after {wait:g} s: "
                    "nothing was changed; try again when it ends"
                ) from None
            time.sleep(0.1)


@dataclass(frozen=True)
class Source:
    """A recorded source: a file, or a folder scanned with include and exclude globs."""

    path: str
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()


@dataclass(frozen=True)
class StoredArticle:
    id: int
    path: str
    content_hash: str
    title: str
    metadata: dict
    also_at: tuple[str, ...]
    passages: int


@dataclass(frozen=True)
class ArticleVersion:
    """What an update compares with a file: the hash of the bytes indexed and the other paths holding them."""

    content_hash: str
    also_at: tuple[str, ...]


@dataclass(frozen=True)
class StoredPassage:
    """A passage as a search result needs it: its text, spans and its article's citation fields."""

    id: int
    text: str
    first_block: int
    last_block: int
    start: int
    end: int
    first_line: int
    last_line: int
    lines_in: str
    sentences: tuple[tuple[int, int], ...]  # spans in the source, like start/end
    path: str
    title: str
    metadata: dict

    def search_text(self, start: int, end: int) -> str:
        """The lexical and embedded text of the span source[start:end] within the passage (one of its sentences)."""
        return normalize_for_search(self.text[start - self.start : end - self.start])


@dataclass(frozen=True)
class PassageChanges:
    """What changed since a generation, as one snapshot: passage ids added and removed since, net of each other."""

    generation: int  # the current generation
    passages: int  # how many passages it holds
    added: list[int]
    removed: list[int]


@dataclass(frozen=True)
class NewSentence:
    start: int
    end: int
    search_text: str
    embedding_key: str


@dataclass(frozen=True)
class NewPassage:
    """What the indexer hands the store for one passage: the chunk, and the vector keys of it and its sentences."""

    chunk: Passage
    embedding_key: str
    sentences: tuple[NewSentence, ...]


@dataclass(frozen=True)
class NewArticle:
    path: str
    content_hash: str
    title: str
    metadata: dict
    passages: list[NewPassage]
    also_at: tuple[str, ...] = ()
    signature: Signature | None = None  # for finding copies


class Store:
    """One index's SQLite file. Open with Store.open (must exist) or Store.create (may be new)."""

    def __init__(self, connection: sqlite3.Connection, directory: Path):
        self.connection = connection
        self.directory = directory
        self.match_budget = MATCH_BUDGET
        self._scorer: Scorer | None = None

    @classmethod
    def open(cls, directory: Path) -> Store:
        path = directory / DB_FILE
        if not path.is_file():
            raise StoreError(f"no index at {directory}: build one with `qa index [PATH ...]`")
        store = cls._connect(path, directory)
        if not store._has_tables():
            raise StoreError(
                f"the index at {directory} holds nothing (its qa.sqlite is empty): run `qa index --rebuild`"
            )
        return store

    @classmethod
    def create(cls, directory: Path, *, replace_unusable: bool = False) -> Store:
        """Open or make an index (its folder readable by its owner only). With replace_unusable, one of another
        schema version or damaged is replaced by a new empty one that keeps only the recorded source paths it
        could read; a SQLite file that is not a qa index is never replaced."""
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        path = directory / DB_FILE
        kept_sources: list[str] = []
        if replace_unusable and path.is_file() and not _usable(path):
            if not _is_qa_index(path):
                raise StoreError(_not_an_index(directory))
            kept_sources = _recorded_source_paths(path)
            for name in (DB_FILE, f"{DB_FILE}-wal", f"{DB_FILE}-shm"):
                (directory / name).unlink(missing_ok=True)
        store = cls._connect(path, directory)
        if store._user_version() == 0 and not store._has_tables():
            store.connection.executescript(f"BEGIN; {_SCHEMA} PRAGMA user_version = {SCHEMA_VERSION}; COMMIT;")
            store.connection.executemany("INSERT INTO sources(path) VALUES (?)", [(s,) for s in kept_sources])
        store._check_schema()
        return store

    @classmethod
    def _connect(cls, path: Path, directory: Path) -> Store:
        try:
            # one user at a time, though not always the thread that opened it (a server's pool of searchers)
            connection = sqlite3.connect(path, isolation_level=None, timeout=30, check_same_thread=False)
            connection.create_function("casefold", 1, _casefold, deterministic=True)
            # a new file only: pages that hold a stored vector whole (with 4 KiB pages each spills into two more)
            connection.execute(f"PRAGMA page_size = {PAGE_SIZE}")
            connection.execute("PRAGMA journal_mode = WAL")
            connection.execute("PRAGMA synchronous = NORMAL")
            store = cls(connection, directory)
            if store._has_tables():
                store._check_schema()
        except sqlite3.DatabaseError as error:
            if not _is_qa_index(path):
                raise StoreError(_not_an_index(directory)) from None
            raise StoreError(f"the index at {directory} is damaged ({error}): run `qa index --rebuild`") from None
        return store

    def require_complete(self) -> dict[str, str]:
        """The manifest of an index that has finished its first build (else a StoreError naming the fix)."""
        manifest = self.manifest()
        if not {"generation", "dimension", "model_sha256"} <= manifest.keys():
            raise StoreError(
                f"the index at {self.directory} has not finished its first build: run `qa index` to finish it"
            )
        return manifest

    def checkpoint(self) -> None:
        """Move every committed page from the write-ahead log into qa.sqlite, so that file alone is the whole index."""
        self.connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def _user_version(self) -> int:
        return self.connection.execute("PRAGMA user_version").fetchone()[0]

    def _has_tables(self) -> bool:
        return self.connection.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] > 0

    def _check_schema(self) -> None:
        if not QA_TABLES <= {row[0] for row in self.connection.execute("SELECT name FROM sqlite_master")}:
            raise StoreError(_not_an_index(self.directory))
        if self._user_version() != SCHEMA_VERSION:
            raise StoreError(
                f"the index at {self.directory} was made by another version of qa "
                f"(schema {self._user_version()}, expected {SCHEMA_VERSION}): run `qa index --rebuild`"
            )

    @contextmanager
    def update_lock(self, on_wait: Callable[[str], None] | None = None, wait: float | None = None) -> Iterator[None]:
        """Hold the index's update lock, waiting for another holder to finish (on_wait is called first, with
        a line naming the holder), at most `wait` seconds when given.

        An flock on a file in the index folder: the system releases it however its holder ends,
        SIGKILL included, so a crashed update never blocks the next one. The holder writes its
        process id and start time in it, so a waiting update can name it.
        """
        import fcntl

        descriptor = os.open(self.directory / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o600)
        with os.fdopen(descriptor, "r+") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = _lock_holder(handle)
                if on_wait:
                    on_wait(f"another update of this index is running ({holder}); waiting for it to finish…")
                _wait_for_lock(handle, wait, holder)
            handle.seek(0)
            handle.truncate()
            handle.write(f"{os.getpid()} {time.time()}\n")
            handle.flush()
            yield

    def close(self) -> None:
        self.connection.close()

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """Several reads that see one committed state, whatever updates commit meanwhile (within an
        enclosing snapshot, that one's state)."""
        if self.connection.in_transaction:
            yield
            return
        self.connection.execute("BEGIN")
        try:
            yield
        finally:
            self.connection.execute("COMMIT")

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One atomic write: committed on success, rolled back on any exception."""
        self.connection.execute("BEGIN IMMEDIATE")
        try:
            yield self.connection
        except BaseException:
            self.connection.execute("ROLLBACK")
            raise
        self.connection.execute("COMMIT")

    # -- manifest and sources ------------------------------------------------------------

    def manifest(self) -> dict[str, str]:
        return dict(self.connection.execute("SELECT key, value FROM manifest"))

    @property
    def generation(self) -> int:
        return int(self.manifest().get("generation", 0))

    def sources(self) -> list[Source]:
        rows = self.connection.execute("SELECT path, include, exclude FROM sources ORDER BY path")
        return [Source(path, tuple(json.loads(include)), tuple(json.loads(exclude))) for path, include, exclude in rows]

    # -- articles and passages -----------------------------------------------------------

    def articles(self, paths: list[str] | None = None) -> dict[str, StoredArticle]:
        """The stored articles by path: all of them, or those at the given paths."""
        where = f"WHERE a.path IN ({','.join('?' * len(paths))})" if paths is not None else ""
        rows = self.connection.execute(
            "SELECT a.id, a.path, a.content_hash, a.title, a.metadata, a.also_at, "
            f"(SELECT count(*) FROM passages p WHERE p.article_id = a.id) FROM articles a {where} ORDER BY a.path",
            paths or (),
        )
        return {row[1]: StoredArticle(*row[:4], json.loads(row[4]), tuple(json.loads(row[5])), row[6]) for row in rows}

    def unsigned_articles(self) -> list[str]:
        """The articles stored without a whole signature: indexed before copies were found, or before figures were
        kept."""
        if not self._has_column("article_signatures", "figures"):
            return self.article_paths()
        rows = self.connection.execute(
            "SELECT path FROM articles WHERE path NOT IN (SELECT path FROM article_signatures WHERE figures NOT NULL)"
        )
        return [path for (path,) in rows]

    def article_paths(self) -> list[str]:
        return [row[0] for row in self.connection.execute("SELECT path FROM articles")]

    def article_versions(self, under: list[str]) -> dict[str, ArticleVersion]:
        """The version of each article at one of the paths `under` or below one, by path: all an update needs
        to know of the articles stored (read through the index on paths, so other folders cost nothing)."""
        found = {}
        for source in under:
            folder = source.rstrip(os.sep) + os.sep
            records = source + RECORD_MARK  # the articles of the records of a file (qa/locations.py)
            rows = self.connection.execute(
                "SELECT path, content_hash, also_at FROM articles "
                "WHERE path = ? OR (path >= ? AND path < ?) OR (path >= ? AND path < ?)",
                (source, folder, folder[:-1] + chr(ord(os.sep) + 1), records, source + chr(ord(RECORD_MARK) + 1)),
            )
            found.update((path, ArticleVersion(digest, tuple(json.loads(also_at)))) for path, digest, also_at in rows)
        return found

    def _has_table(self, name: str) -> bool:
        return bool(self.connection.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (name,)).fetchone())

    def signatures(self) -> dict[str, Signature]:
        """The signature of each article that has a whole one (its figures too), by path."""
        if not self._has_column("article_signatures", "figures"):
            return {}
        rows = self.connection.execute("SELECT path, signature, figures FROM article_signatures WHERE figures NOT NULL")
        return {path: Signature(minhash, frozenset(json.loads(figures))) for path, minhash, figures in rows}

    def _has_column(self, table: str, column: str) -> bool:
        return any(row[1] == column for row in self.connection.execute(f"PRAGMA table_info({table})"))

    def copies(self, paths: list[str] | None = None) -> dict[str, list[str]]:
        """The articles found to be copies of each article (of the given paths, or of every one) that has any."""
        if not self._has_table("copies"):
            return {}
        where = "" if paths is None else "WHERE path IN (SELECT value FROM json_each(?))"
        found: dict[str, list[str]] = {}
        rows = self.connection.execute(
            f"SELECT path, other FROM copies {where} ORDER BY path, other",
            () if paths is None else (json.dumps(paths),),
        )
        for path, other in rows:
            found.setdefault(path, []).append(other)
        return found

    def passages(self, ids: Iterable[int]) -> dict[int, StoredPassage]:
        ids = list(ids)
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        spans: dict[int, list[tuple[int, int]]] = {}
        for passage_id, start, end in self.connection.execute(
            f"SELECT passage_id, start, end FROM sentences WHERE passage_id IN ({marks}) ORDER BY id", ids
        ):
            spans.setdefault(passage_id, []).append((start, end))
        rows = self.connection.execute(
            "SELECT p.id, p.text, p.first_block, p.last_block, p.start, p.end, p.first_line, p.last_line, p.lines_in, "
            f"a.path, a.title, a.metadata FROM passages p JOIN articles a ON a.id = p.article_id WHERE p.id IN ({marks})",
            ids,
        )
        return {
            row[0]: StoredPassage(*row[:9], tuple(spans.get(row[0], ())), row[9], row[10], json.loads(row[11]))
            for row in rows
        }

    def article_passages(self, path: str) -> list[StoredPassage]:
        """Every passage of one article, in reading order."""
        ids = [
            row[0]
            for row in self.connection.execute(
                "SELECT p.id FROM passages p JOIN articles a ON a.id = p.article_id WHERE a.path = ? ORDER BY p.start",
                (path,),
            )
        ]
        passages = self.passages(ids)
        return [passages[i] for i in ids]

    def filtered_passages(self, source: str | None, since: str | None, until: str | None) -> list[int]:
        """Ids of the passages of the articles that match: outlet, title or a path contains source
        (case-insensitive), and the ISO date lies within [since, until]; an undated article fails a date bound."""
        clauses, values = [], []
        if source:
            clauses.append(
                "instr(casefold(coalesce(json_extract(a.metadata, '$.outlet'), '') || char(10) || a.title "
                "|| char(10) || a.path || char(10) || a.also_at), ?)"
            )
            values.append(source.casefold())
        for bound, operator in ((since, ">="), (until, "<=")):
            if bound:
                clauses.append(f"json_extract(a.metadata, '$.date') {operator} ?")
                values.append(bound)
        where = " AND ".join(clauses) or "1"
        rows = self.connection.execute(
            f"SELECT p.id FROM passages p JOIN articles a ON a.id = p.article_id WHERE {where} ORDER BY p.id", values
        )
        return [row[0] for row in rows]

    def all_passages(self) -> Iterator[tuple[int, str, int, int, str]]:
        """(id, article path, first block, last block, text) of every passage."""
        yield from self.connection.execute(
            "SELECT p.id, a.path, p.first_block, p.last_block, p.text FROM passages p JOIN articles a ON a.id = p.article_id"
        )

    def passages_holding(self, phrase: str) -> list[tuple[int, str, str]]:
        """(id, article path, text) of the passages holding the phrase's words in order, stemmed: a superset of
        those holding the phrase as written. Every passage when the phrase has no words."""
        match = [f"body : {quoted(phrase)}"] if re.search(r"\w", phrase) else []
        where = "WHERE p.id IN (SELECT rowid FROM passages_fts WHERE passages_fts MATCH ?)" if match else ""
        return self.connection.execute(
            f"SELECT p.id, a.path, p.text FROM passages p JOIN articles a ON a.id = p.article_id {where}", match
        ).fetchall()

    def passages_spanning(self, path: str, block: int) -> list[int]:
        """Ids of the article's passages that span its block (paragraph) number `block`."""
        rows = self.connection.execute(
            "SELECT p.id FROM passages p JOIN articles a ON a.id = p.article_id "
            "WHERE a.path = ? AND p.first_block <= ? AND ? <= p.last_block",
            (path, block, block),
        )
        return [row[0] for row in rows]

    # -- lexical search (FTS5, BM25) -----------------------------------------------------

    @property
    def scorer(self) -> Scorer:
        if self._scorer is None:
            self._scorer = Scorer(self.connection)
        return self._scorer

    def lexical_passages(self, match: str, limit: int, among: list[int] | None = None) -> list[tuple[int, float]]:
        """(passage id, BM25 score, higher is better) for an OR of quoted words, best first; only `among` if given.

        When the words match more rows than MATCH_BUDGET, candidates come from the rarest words that fit it
        and from passages holding two of the words, and are then scored on all of them.
        """
        if among is None:
            frequencies = {phrase: self.document_frequency(quoted(phrase)) for phrase in phrases(match)}
            if sum(frequencies.values()) > self.match_budget:
                return self._lexical_passages_within_budget(match, frequencies, limit)
        return self._fts_passages(match, limit, among)

    def _lexical_passages_within_budget(self, match: str, frequencies: dict[str, int], limit: int):
        rarest, kept = sorted((p for p in frequencies if frequencies[p]), key=frequencies.get), []
        for phrase in rarest:
            if kept and sum(frequencies[p] for p in kept) + frequencies[phrase] > self.match_budget:
                break
            kept.append(phrase)
        candidates = [i for i, _ in self._fts_passages(" OR ".join(map(quoted, kept)), RESCORED * limit)]
        # Passages holding two of the words, one of them common: the rest of BM25's best. Written as
        # "common AND (any later word)", the commonest first: FTS5's bm25() reads all of a phrase's
        # rows once per mention, and so mentions the commonest words least.
        common = rarest[len(kept) :][::-1]
        pairs = [
            f"({quoted(word)} AND ({' OR '.join(map(quoted, others))}))"
            for n, word in enumerate(common)
            if (others := [*common[n + 1 :], *kept])
        ]
        if pairs:
            candidates += [i for i, _ in self._fts_passages(" OR ".join(pairs), RESCORED * limit)]
        texts = {
            row[0]: row[1:]
            for row in self.connection.execute(
                "SELECT rowid, title, body FROM passages_fts WHERE rowid IN (SELECT value FROM json_each(?))",
                (json.dumps(candidates),),
            )
        }
        scores = self.scorer.scores("passages_fts", match, texts, (TITLE_WEIGHT, 1.0))
        return sorted(scores.items(), key=lambda pair: -pair[1])[:limit]

    def _fts_passages(self, match: str, limit: int, among: list[int] | None = None) -> list[tuple[int, float]]:
        within = "" if among is None else "AND rowid IN (SELECT value FROM json_each(?)) "
        rows = self.connection.execute(
            f"SELECT rowid, -bm25(passages_fts, ?, 1.0) FROM passages_fts WHERE passages_fts MATCH ? {within}"
            "ORDER BY bm25(passages_fts, ?, 1.0) LIMIT ?",
            (TITLE_WEIGHT, match, *([] if among is None else [json.dumps(among)]), TITLE_WEIGHT, limit),
        )
        return [(int(i), float(score)) for i, score in rows]

    def lexical_sentences(self, match: str, texts: dict[int, str]) -> dict[int, float]:
        """BM25 score of each of the given sentences that matches, by sentence id; `texts` are their
        lexical rows' texts, which the caller derives from the passages it holds instead of reading them."""
        return self.scorer.scores("sentences_fts", match, {sid: (text,) for sid, text in texts.items()}, (1.0,))

    def matching_sentence_spans(self, match: str, passage_id: int) -> set[tuple[int, int]]:
        """The spans of the passage's sentences that match an FTS5 expression (any, AND included)."""
        rows = self.connection.execute(
            "SELECT s.start, s.end FROM sentences s JOIN sentences_fts f ON f.rowid = s.id "
            "WHERE s.passage_id = ? AND sentences_fts MATCH ?",  # each of the passage's sentences looked up alone
            (passage_id, match),
        )
        return set(rows)

    def document_frequency(self, match: str) -> int:
        return self.scorer.frequency("passages_fts", match)

    def any_passage_matches(self, match: str) -> bool:
        """Whether some passage matches an FTS5 expression (stops at the first, whatever the index's size)."""
        row = self.connection.execute("SELECT 1 FROM passages_fts WHERE passages_fts MATCH ? LIMIT 1", (match,))
        return row.fetchone() is not None

    def passage_holds(self, passage_id: int, match: str) -> bool:
        """Whether the passage (its text, or its article's title and outlet) matches an FTS5 expression."""
        row = self.connection.execute(
            "SELECT 1 FROM passages_fts WHERE passages_fts MATCH ? AND rowid = ?", (match, passage_id)
        ).fetchone()
        return row is not None

    # -- vectors of candidates -----------------------------------------------------------

    def passage_vectors(self, passage_ids: list[int]) -> dict[int, np.ndarray]:
        rows = self.connection.execute(
            "SELECT p.id, e.vector FROM passages p JOIN embeddings e ON e.key = p.embedding_key "
            "WHERE p.id IN (SELECT value FROM json_each(?))",
            (json.dumps(passage_ids),),
        )
        ids, blobs = [], []
        for passage_id, blob in rows:
            ids.append(int(passage_id))
            blobs.append(blob)
        return dict(zip(ids, vector_format.decode(blobs, self.dimension()), strict=True))

    def sentence_vectors(self, passage_ids: list[int]) -> tuple[list[tuple[int, int, int, int]], np.ndarray]:
        """([(sentence id, passage id, start, end)], their vectors as rows) for the given passages."""
        marks = ",".join("?" * len(passage_ids))
        rows = self.connection.execute(
            "SELECT s.id, s.passage_id, s.start, s.end, e.vector FROM sentences s "
            f"JOIN embeddings e ON e.key = s.embedding_key WHERE s.passage_id IN ({marks}) ORDER BY s.id",
            passage_ids,
        ).fetchall()
        matrix = vector_format.decode([row[4] for row in rows], self.dimension())
        return [row[:4] for row in rows], matrix

    def dimension(self) -> int:
        """How many components the index's vectors have (0 before its first vector)."""
        row = self.connection.execute("SELECT value FROM manifest WHERE key = 'dimension'").fetchone()
        return int(row[0]) if row else 0

    def passage_count(self) -> int:
        """How many passages the index holds, as its last update recorded (counted for an older index)."""
        recorded = self.manifest().get("passages")
        if recorded is not None:
            return int(recorded)
        return self.connection.execute("SELECT count(*) FROM passages").fetchone()[0]

    def counts(self) -> dict[str, int]:
        return {
            "articles": self.connection.execute("SELECT count(*) FROM articles").fetchone()[0],
            "passages": self.passage_count(),
        }

    def vector_count(self) -> int:
        """How many vectors are stored: a walk through all of them, seconds for millions."""
        return self.connection.execute("SELECT count(*) FROM embeddings").fetchone()[0]

    # -- embeddings ----------------------------------------------------------------------

    def missing_embeddings(self, keys: Iterable[str]) -> list[str]:
        """The keys, in order and without repeats, that have no stored vector yet."""
        wanted = list(dict.fromkeys(keys))
        present: set[str] = set()
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            present.update(
                row[0] for row in self.connection.execute(f"SELECT key FROM embeddings WHERE key IN ({marks})", chunk)
            )
        return [key for key in wanted if key not in present]

    def put_embeddings(self, keys: list[str], vectors: np.ndarray, passage_keys: Container[str] = ()) -> None:
        """Store one batch of vectors in its own transaction, so an interrupted run keeps it (those of
        passage_keys in float16, the others in int8: qa/vector_format.py)."""
        stored = vector_format.encode(vectors, [key in passage_keys for key in keys])
        with self.transaction() as db:
            db.executemany(
                "INSERT OR REPLACE INTO embeddings(key, vector) VALUES (?, ?)", zip(keys, stored, strict=True)
            )

    def quantise_vectors(self, batch: int = 4096) -> int:
        """Store every float32 vector (as an index made before stored them) in its smaller form, a batch per
        transaction (either form reads alike, so an interrupted conversion is resumed by the next); return
        how many were converted."""
        dimension, converted, after = self.dimension(), 0, ""
        while rows := self.connection.execute(
            "SELECT key, vector FROM embeddings WHERE key > ? ORDER BY key LIMIT ?", (after, batch)
        ).fetchall():
            after = rows[-1][0]
            old = [(key, blob) for key, blob in rows if len(blob) == 4 * dimension]
            if old:
                keys = [key for key, _ in old]
                passage_keys = {
                    row[0]
                    for row in self.connection.execute(
                        "SELECT embedding_key FROM passages WHERE embedding_key IN (SELECT value FROM json_each(?))",
                        (json.dumps(keys),),
                    )
                }
                self.put_embeddings(keys, vector_format.decode([blob for _, blob in old], dimension), passage_keys)
                converted += len(old)
        return converted

    def compact(self) -> None:
        """Give the pages freed by a conversion back to the system: the file is rewritten (a reader meanwhile
        sees it as before)."""
        self.connection.execute("VACUUM")

    def vector_batches(self, size: int, every: int = 1) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """(passage ids, vectors) of every passage (or of every `every`-th id), `size` rows at a time, in id order,
        for building the FAISS cache without holding every vector twice."""
        dimension = self.dimension()
        cursor = self.connection.execute(
            "SELECT p.id, e.vector FROM passages p JOIN embeddings e ON e.key = p.embedding_key "
            "WHERE p.id % ? = 0 ORDER BY p.id",
            (every,),
        )
        while rows := cursor.fetchmany(size):
            ids = np.fromiter((row[0] for row in rows), dtype=np.int64, count=len(rows))
            yield ids, vector_format.decode([row[1] for row in rows], dimension)

    def passage_changes(self, since: int) -> PassageChanges | None:
        """The passages added and removed after generation `since`, or None when that is no longer recorded."""
        with self.snapshot():
            manifest = self.manifest()
            generation = int(manifest.get("generation", 0))
            if "changes_from" not in manifest:  # made before the change log: only its own generation's cache fits
                return PassageChanges(generation, self.passage_count(), [], []) if since == generation else None
            if since < int(manifest["changes_from"]):
                return None
            added: dict[int, None] = {}
            removed: dict[int, None] = {}
            rows = self.connection.execute(
                "SELECT passage_id, added FROM passage_changes WHERE generation > ? ORDER BY generation, added",
                (since,),
            )
            for passage_id, was_added in rows:
                if was_added:
                    added[passage_id] = None
                elif passage_id in added:
                    del added[passage_id]
                else:
                    removed[passage_id] = None
            return PassageChanges(generation, self.passage_count(), list(added), list(removed))

    def forget_changes(self, through: int) -> None:
        """Drop the record of changes up to generation `through`: the FAISS cache of that generation holds them."""
        with self.transaction() as db:
            db.execute("DELETE FROM passage_changes WHERE generation <= ?", (through,))
            db.execute(
                "UPDATE manifest SET value = ? WHERE key = 'changes_from' AND CAST(value AS INTEGER) < ?",
                (through, through),
            )

    def drop_unused_vectors(self) -> None:
        """Delete every stored vector no passage or sentence uses, such as those an interrupted run left behind."""
        with self.transaction() as db:
            db.execute(
                "DELETE FROM embeddings WHERE key NOT IN "
                "(SELECT embedding_key FROM passages UNION SELECT embedding_key FROM sentences)"
            )

    def mean_vectors(self) -> tuple[np.ndarray, np.ndarray]:
        """The mean passage vector and the mean sentence vector of the committed index; zeros (plain cosines)
        for an index that records none yet."""
        manifest = self.manifest()
        dimension = int(manifest.get("dimension") or 0)
        return tuple(_decode_sum(manifest, kind, dimension).mean() for kind in VECTOR_KINDS)

    # -- the one write a reader sees -----------------------------------------------------

    def commit_update(
        self,
        *,
        manifest: dict[str, str],
        sources: Iterable[Source],
        removed: Iterable[str],
        written: Iterable[NewArticle],
        wipe: bool = False,
        copies: Iterable[tuple[str, str]] = (),
        signed: dict[str, Signature] | None = None,
    ) -> int:
        """Apply one index update atomically and return its generation.

        removed: article paths to drop; written: articles new or changed. wipe drops every article first.
        copies: the pairs of copies found among the written articles and the others (the links of removed and
        written articles are dropped first; each written article's signature is stored, and each of `signed`: kept
        articles signed again).
        """
        written, removed = list(written), list(removed)
        with self.transaction() as db:
            for statement in _CHANGES_SCHEMA + _COPIES_SCHEMA:
                db.execute(statement)
            if not self._has_column("article_signatures", "figures"):
                db.execute("ALTER TABLE article_signatures ADD COLUMN figures TEXT")
            recorded = dict(db.execute("SELECT key, value FROM manifest"))
            generation = int(recorded.get("generation", 0)) + 1
            # the change log is complete after this generation: the one before this update, or this one after a wipe
            changes_from = recorded.get("changes_from", str(generation - 1))
            unused_keys: set[str] = set()
            dimension = int(manifest.get("dimension") or recorded.get("dimension") or 0)
            sums = None if wipe or f"{VECTOR_KINDS[0]}_sum" not in recorded else _decode_sums(recorded, dimension)
            if wipe:
                for table in (
                    "sentences",
                    "sentences_fts",
                    "passages",
                    "passages_fts",
                    "articles",
                    "passage_changes",
                    "article_signatures",
                    "copies",
                ):
                    db.execute(f"DELETE FROM {table}")
                changes_from = str(generation)
            for path in list(removed) + [article.path for article in written]:
                if sums:
                    _add_article_vectors(db, sums, path, sign=-1)
                unused_keys |= self._delete_article(db, path, generation)
            now = time.time()
            for article in written:
                self._insert_article(db, article, now, generation)
                if sums:
                    _add_article_vectors(db, sums, article.path, sign=1)
            self._link_copies(db, removed, written, copies, signed or {})
            db.executemany(
                "INSERT OR REPLACE INTO sources(path, include, exclude) VALUES (?, ?, ?)",
                [(s.path, json.dumps(list(s.include)), json.dumps(list(s.exclude))) for s in sources],
            )
            passages = _passages_after(db, recorded, generation, wipe)
            values = {
                **manifest,
                "generation": str(generation),
                "built_at": str(now),
                "passages": str(passages),
                "changes_from": changes_from,
                **_encode_sums(sums or _sum_all_vectors(db, dimension)),
            }
            db.executemany("INSERT OR REPLACE INTO manifest(key, value) VALUES (?, ?)", values.items())
            db.execute(
                "DELETE FROM embeddings WHERE key IN (SELECT value FROM json_each(?)) "
                "AND NOT EXISTS (SELECT 1 FROM passages WHERE embedding_key = embeddings.key) "
                "AND NOT EXISTS (SELECT 1 FROM sentences WHERE embedding_key = embeddings.key)",
                (json.dumps(sorted(unused_keys)),),
            )
        if wipe:
            self.drop_unused_vectors()
        return generation

    @staticmethod
    def _link_copies(
        db: sqlite3.Connection,
        removed: Iterable[str],
        written: list[NewArticle],
        copies: Iterable[tuple[str, str]],
        signed: dict[str, Signature],
    ) -> None:
        dropped = json.dumps([*removed, *(article.path for article in written)])
        db.execute("DELETE FROM article_signatures WHERE path IN (SELECT value FROM json_each(?))", (dropped,))
        db.execute(
            "DELETE FROM copies WHERE path IN (SELECT value FROM json_each(?1)) OR other IN (SELECT value FROM json_each(?1))",
            (dropped,),
        )
        signed = {**signed, **{article.path: article.signature for article in written if article.signature}}
        db.executemany(
            "INSERT OR REPLACE INTO article_signatures(path, signature, figures) VALUES (?, ?, ?)",
            [(path, s.minhash, json.dumps(sorted(s.figures))) for path, s in signed.items()],
        )
        db.executemany(
            "INSERT OR IGNORE INTO copies VALUES (?, ?)", [(a, b) for pair in copies for a, b in (pair, pair[::-1])]
        )

    @staticmethod
    def _insert_article(db: sqlite3.Connection, article: NewArticle, now: float, generation: int) -> None:
        article_id = db.execute(
            "INSERT INTO articles(path, content_hash, title, metadata, also_at, indexed_at) VALUES (?, ?, ?, ?, ?, ?)",
            (
                article.path,
                article.content_hash,
                article.title,
                json.dumps(article.metadata, ensure_ascii=False),
                json.dumps(list(article.also_at), ensure_ascii=False),
                now,
            ),
        ).lastrowid
        heading = " ".join(filter(None, (article.title, article.metadata.get("outlet"))))  # "according to Al Jazeera"
        for new in article.passages:
            p = new.chunk
            passage_id = db.execute(
                "INSERT INTO passages(article_id, ordinal, text, first_block, last_block, start, end, "
                "first_line, last_line, lines_in, embedding_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    article_id,
                    p.ordinal,
                    p.text,
                    p.first_block,
                    p.last_block,
                    p.start,
                    p.end,
                    p.first_line,
                    p.last_line,
                    p.lines_in,
                    new.embedding_key,
                ),
            ).lastrowid
            db.execute(
                "INSERT INTO passages_fts(rowid, title, body) VALUES (?, ?, ?)",
                (passage_id, heading, p.search_text),
            )
            db.execute("INSERT INTO passage_changes VALUES (?, ?, 1)", (generation, passage_id))
            for sentence in new.sentences:
                sentence_id = db.execute(
                    "INSERT INTO sentences(passage_id, start, end, embedding_key) VALUES (?, ?, ?, ?)",
                    (passage_id, sentence.start, sentence.end, sentence.embedding_key),
                ).lastrowid
                db.execute("INSERT INTO sentences_fts(rowid, body) VALUES (?, ?)", (sentence_id, sentence.search_text))

    @staticmethod
    def _delete_article(db: sqlite3.Connection, path: str, generation: int) -> set[str]:
        """Delete the article at path; return the vector keys its passages and sentences used."""
        row = db.execute("SELECT id FROM articles WHERE path = ?", (path,)).fetchone()
        if not row:
            return set()
        passages = "SELECT id FROM passages WHERE article_id = ?"
        sentences = f"SELECT id FROM sentences WHERE passage_id IN ({passages})"
        keys = {key for (key,) in db.execute("SELECT embedding_key FROM passages WHERE article_id = ?", row)}
        keys.update(
            key for (key,) in db.execute(f"SELECT embedding_key FROM sentences WHERE passage_id IN ({passages})", row)
        )
        db.execute("INSERT INTO passage_changes SELECT ?, id, 0 FROM passages WHERE article_id = ?", (generation, *row))
        db.execute(f"DELETE FROM sentences_fts WHERE rowid IN ({sentences})", row)
        db.execute(f"DELETE FROM sentences WHERE passage_id IN ({passages})", row)
        db.execute(f"DELETE FROM passages_fts WHERE rowid IN ({passages})", row)
        db.execute("DELETE FROM passages WHERE article_id = ?", row)
        db.execute("DELETE FROM articles WHERE id = ?", row)
        return keys
