"""The article store: one SQLite file, the single source of truth of an index.

It holds the recorded sources, articles, passages, the embedding vectors (keyed by
a hash of the embedded text, so unchanged text is never embedded twice), a
lexical FTS5 index, and a manifest naming the model and chunker that made it.
Every change a reader can see lands in one transaction; vectors may be stored
ahead of it, batch by batch, where only a later run will look them up.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import time
from collections.abc import Container, Iterable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from qa import vector_format
from qa.backends.base import VectorSum
from qa.backends.local import migrations
from qa.backends.local.migrations import BASE_VERSION, SCHEMA_VERSION
from qa.backends.local.remembered import Remembered
from qa.backends.local.update_lock import LOCK_FILE
from qa.backends.local.vector_sums import (
    VECTOR_KINDS,
    add_article_vectors,
    add_staged_vectors,
    decode_sum,
    decode_sums,
    encode_sums,
)
from qa.errors import QAError
from qa.locations import RECORD_MARK, listing_order
from qa.manifest import Manifest
from qa.near_duplicates import Signature, Signed
from qa.records import ArticleVersion, Filters, NewArticle, Source, StoredArticle, StoredPassage
from qa.text import search_form_if_changed

DB_FILE = "qa.sqlite"
PAGE_SIZE = 8192
REMEMBERED = 8  # answers about filters kept until the index changes: a question's two indexes share them
SAMPLED = 1_000  # articles on which the share a source filter keeps is estimated, in a large index
QA_TABLES = frozenset({"manifest", "sources", "articles", "passages"})  # what makes a SQLite file a qa index
STAGING_TABLES = ("staged_sentences", "staged_passages", "staged_articles")


class StoreError(QAError):
    """The index cannot be used as it is; the message names the fix."""


def _usable(path: Path) -> bool:
    """Whether the SQLite file at path opens and has a schema this version reads (migrated when opened)."""
    try:
        with closing(sqlite3.connect(path)) as connection:
            return BASE_VERSION <= connection.execute("PRAGMA user_version").fetchone()[0] <= SCHEMA_VERSION
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


def _frozen(path: Path) -> bool:
    """Whether the index file lies on a read-only file system without its write-ahead log (an update checkpoints it
    and removes it and its shared-memory file when it ends): SQLite can then read it only as a file that cannot
    change, as it is."""
    if not path.exists() or not os.statvfs(path.parent).f_flag & os.ST_RDONLY:
        return False
    log, shared_memory = (path.with_name(f"{path.name}-{end}") for end in ("wal", "shm"))
    return not shared_memory.exists() and not (log.exists() and log.stat().st_size)


def _casefold(text: str | None) -> str | None:
    return text.casefold() if text else text


def _passages_after(db: sqlite3.Connection, recorded: dict[str, str], generation: int, wipe: bool) -> int:
    """How many passages the index holds after this generation's changes: the count recorded before, plus
    what this generation's change log adds, less what it removes."""
    net = db.execute(
        "SELECT coalesce(sum(CASE WHEN added THEN 1 ELSE -1 END), 0) FROM passage_changes WHERE generation = ?",
        (generation,),
    ).fetchone()[0]
    return (0 if wipe else int(recorded.get("passages", 0))) + net


def _record_sources(db: sqlite3.Connection, sources: Iterable[Source]) -> None:
    """Record the index's sources: these, and no other."""
    rows = [(s.path, json.dumps(list(s.include)), json.dumps(list(s.exclude))) for s in sources]
    db.execute("DELETE FROM sources")
    db.executemany("INSERT INTO sources(path, include, exclude) VALUES (?, ?, ?)", rows)


def _article_filter(filters: Filters) -> tuple[str, list[str]]:
    """The SQL condition on articles `a` that the filters set, and its values: outlet, title or a path contains
    `source` (case-insensitive), and the ISO date lies within [since, until]; an undated article fails a date
    bound."""
    clauses, values = ["1"], []
    if filters.source:
        clauses.append(
            "instr(casefold(coalesce(json_extract(a.metadata, '$.outlet'), '') || char(10) || a.title "
            "|| char(10) || a.path || char(10) || a.also_at), ?)"
        )
        values.append(filters.source.casefold())
    for bound, operator in ((filters.since, ">="), (filters.until, "<=")):
        if bound:
            clauses.append(f"a.date {operator} ?")
            values.append(bound.isoformat())
    return " AND ".join(clauses), values


def _chunks(values: list, size: int = 500) -> Iterator[tuple[list, str]]:
    """values a few hundred at a time, each with the SQL parameter marks for it."""
    for start in range(0, len(values), size):
        chunk = values[start : start + size]
        yield chunk, ",".join("?" * len(chunk))


def _not_brought_up_to_date(directory: Path, error: sqlite3.OperationalError) -> str:
    """What a migration that could not run means, and what to do (the index is left as it was)."""
    text = str(error)
    if "locked" in text:
        return f"the index at {directory} is being written by another qa process: run this again when it has finished"
    if "readonly" in text:
        return (
            f"the index at {directory} was made by an earlier version of qa and cannot be brought up to date where it "
            "is (read-only): open it once with this version where it can be written"
        )
    if "full" in text:
        return (
            f"no space left on the device to bring the index at {directory} up to date (it needs about its own size "
            "free): free some and run this again"
        )
    return f"the index at {directory} could not be brought up to date ({text}): run `qa check`"


def _not_an_index(directory: Path) -> str:
    return (
        f"{directory / DB_FILE} is not a qa index (another program's database?): "
        "leave it be and choose another folder with --index"
    )


@dataclass(frozen=True)
class _Signatures:
    """Articles' signatures by path, as a query reads them: each iteration runs it again, and reads them in the
    same order while the index is unchanged."""

    connection: sqlite3.Connection
    query: str
    parameters: tuple

    def __iter__(self) -> Iterator[tuple[str, Signature]]:
        for path, minhash, figures in self.connection.execute(self.query, self.parameters):
            yield path, Signature(minhash, frozenset(json.loads(figures)))


@dataclass(frozen=True)
class PassageChanges:
    """What changed since a generation, as one snapshot: passage ids added and removed since, net of each other."""

    generation: int  # the current generation
    passages: int  # how many passages it holds
    added: list[int]
    removed: list[int]


class Store:
    """One index's SQLite file. Open with Store.open (must exist) or Store.create (may be new)."""

    def __init__(self, connection: sqlite3.Connection, directory: Path):
        self.connection = connection
        self.directory = directory
        self._remembered = Remembered(connection, REMEMBERED)

    @classmethod
    def open(cls, directory: Path) -> Store:
        path = directory / DB_FILE
        if not path.is_file():
            shown = directory if directory.is_absolute() or directory.parts[:1] == ("..",) else f"./{directory}"
            raise StoreError(f"no index at {shown}: build one with `qa index PATH`, or name one with --index DIR")
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
            migrations.create(store.connection)
            store.connection.executemany("INSERT INTO sources(path) VALUES (?)", [(s,) for s in kept_sources])
        store._check_schema()
        return store

    @classmethod
    def _connect(cls, path: Path, directory: Path) -> Store:
        new = not path.exists() or path.stat().st_size == 0
        frozen = _frozen(path)
        try:
            # one user at a time, though not always the thread that opened it (a server's pool of searchers)
            connection = sqlite3.connect(
                f"{path.resolve().as_uri()}?immutable=1" if frozen else path,
                uri=frozen,
                isolation_level=None,
                timeout=30,
                check_same_thread=False,
            )
            connection.create_function("casefold", 1, _casefold, deterministic=True)
            # a new file only: pages that hold a stored vector whole (with 4 KiB pages each spills into two more)
            connection.execute(f"PRAGMA page_size = {PAGE_SIZE}")
            if new:  # before the first write: the pages an update frees (its staging, rows deleted) can be given back
                connection.execute("PRAGMA auto_vacuum = INCREMENTAL")
            store = cls(connection, directory)
            if store._has_tables():
                store._check_schema()  # before anything is written: another program's database is left as it was
            connection.execute("PRAGMA journal_mode = WAL")
            connection.execute("PRAGMA synchronous = NORMAL")
        except sqlite3.DatabaseError as error:
            if not _is_qa_index(path):
                raise StoreError(_not_an_index(directory)) from None
            raise StoreError(f"the index at {directory} is damaged ({error}): run `qa index --rebuild`") from None
        return store

    def require_complete(self) -> Manifest:
        """The manifest of an index that has finished its first build (else a StoreError naming the fix)."""
        manifest = self.manifest()
        if not manifest.complete:
            raise StoreError(
                f"the index at {self.directory} has not finished its first build: run `qa index` to finish it"
            )
        return manifest

    def checkpoint(self) -> None:
        """Give the pages the update freed back to the file system (in an index made with auto_vacuum), and move
        every committed page from the write-ahead log into qa.sqlite, so that file alone is the whole index."""
        self.connection.executescript("PRAGMA incremental_vacuum")  # stepped to its end, unlike execute
        self.connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def _user_version(self) -> int:
        return self.connection.execute("PRAGMA user_version").fetchone()[0]

    def _has_tables(self) -> bool:
        return self.connection.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] > 0

    def _check_schema(self) -> None:
        if not QA_TABLES <= {row[0] for row in self.connection.execute("SELECT name FROM sqlite_master")}:
            raise StoreError(_not_an_index(self.directory))
        version = self._user_version()
        if not BASE_VERSION <= version <= SCHEMA_VERSION:
            raise StoreError(
                f"the index at {self.directory} was made by {'a newer' if version > SCHEMA_VERSION else 'an older'} "
                f"version of qa (schema {version}, this one reads {BASE_VERSION} to {SCHEMA_VERSION}): "
                "run `qa index --rebuild`"
            )
        if version < SCHEMA_VERSION:  # said first: a migration can take minutes at a million passages
            logging.getLogger(__name__).warning(
                "qa: bringing the index at %s up to date with this version of qa, once…", self.directory
            )
            try:
                migrations.migrate(self.connection)
            except sqlite3.OperationalError as error:
                raise StoreError(_not_brought_up_to_date(self.directory, error)) from None
            self.checkpoint()  # the pages a migration freed given back

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

    def manifest(self) -> Manifest:
        return Manifest.from_rows(self.manifest_rows())

    def manifest_rows(self) -> dict[str, str]:
        """The manifest as stored, with this backend's own rows (the vector sums, where the change log starts)."""
        return dict(self.connection.execute("SELECT key, value FROM manifest"))

    @property
    def generation(self) -> int:
        row = self.connection.execute("SELECT value FROM manifest WHERE key = 'generation'").fetchone()
        return int(row[0]) if row else 0

    def record_first_build(self, sources: Iterable[Source], record_fields: dict[str, dict[str, str]]) -> None:
        """Record what a first build reads before it reads it, so that `qa index` alone finishes an interrupted one
        (an index that answers records its sources with each update it commits)."""
        with self.transaction() as db:
            _record_sources(db, sources)
            db.execute(
                "INSERT OR REPLACE INTO manifest(key, value) VALUES ('record_fields', ?)",
                (Manifest(record_fields=record_fields).rows()["record_fields"],),
            )

    def sources(self) -> list[Source]:
        rows = self.connection.execute("SELECT path, include, exclude FROM sources ORDER BY path")
        return [Source(path, tuple(json.loads(include)), tuple(json.loads(exclude))) for path, include, exclude in rows]

    # -- articles and passages -----------------------------------------------------------

    def articles(self, paths: list[str] | None = None) -> dict[str, StoredArticle]:
        """The stored articles by path, in listing order: all of them, or those at the given paths."""
        where = f"WHERE a.path IN ({','.join('?' * len(paths))})" if paths is not None else ""
        rows = self.connection.execute(
            "SELECT a.id, a.path, a.content_hash, a.title, a.metadata, a.also_at, "
            f"(SELECT count(*) FROM passages p WHERE p.article_id = a.id) FROM articles a {where}",
            paths or (),
        )
        articles = [StoredArticle(*row[:4], json.loads(row[4]), tuple(json.loads(row[5])), row[6]) for row in rows]
        return {a.path: a for a in sorted(articles, key=lambda a: listing_order(a.path, a.metadata))}

    def unsigned_articles(self) -> list[str]:
        """The articles stored without a whole signature (indexed before copies were found, or before figures were
        kept), but those staged to replace them."""
        rows = self.connection.execute(
            "SELECT path FROM articles WHERE path NOT IN (SELECT path FROM article_signatures WHERE figures NOT NULL) "
            "AND path NOT IN (SELECT path FROM staged_articles)"
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

    def signatures(self, leaving_out: Iterable[str] = ()) -> Signed:
        """The signature of each article that has a whole one (its figures too), by path, but those of the
        articles `leaving_out` and of those staged (an update replaces them): read from the index at each
        iteration."""
        return _Signatures(
            self.connection,
            "SELECT path, signature, figures FROM article_signatures WHERE figures NOT NULL "
            "AND path NOT IN (SELECT path FROM staged_articles) AND path NOT IN (SELECT value FROM json_each(?)) "
            "ORDER BY path",
            (json.dumps(list(leaving_out)),),
        )

    def staged_signatures(self) -> Signed:
        """The signature of each staged article that has one, read from the index at each iteration."""
        return _Signatures(
            self.connection,
            "SELECT path, signature, figures FROM staged_articles WHERE signature NOT NULL ORDER BY id",
            (),
        )

    def copies(self, paths: list[str] | None = None) -> dict[str, list[str]]:
        """The articles found to be copies of each article (of the given paths, or of every one) that has any."""
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

    def articles_matching(self, filters: Filters) -> int:
        """How many articles the filters let through."""
        where, values = _article_filter(filters)
        return self.connection.execute(f"SELECT count(*) FROM articles a WHERE {where}", values).fetchone()[0]

    def filtered_passages(self, filters: Filters) -> list[int] | None:
        """Ids of the passages of the articles the filters let through, or None when they let everything through."""
        if not filters:
            return None

        def listed() -> list[int]:
            where, values = _article_filter(filters)
            rows = self.connection.execute(
                f"SELECT p.id FROM passages p JOIN articles a ON a.id = p.article_id WHERE {where} ORDER BY p.id",
                values,
            )
            return [row[0] for row in rows]

        return self._remembered.get(("passages", filters), listed)

    def filter_share(self, filters: Filters) -> float:
        """The share of the articles the filters let through: counted (through the date index when they bound
        dates only), or estimated on SAMPLED articles spread over the ids when a source filter would read more."""
        if not filters:
            return 1.0

        def share() -> float:
            where, values = _article_filter(filters)
            total, last = self._remembered.get(
                ("articles",), lambda: self.connection.execute("SELECT count(*), max(id) FROM articles").fetchone()
            )
            if not total:
                return 0.0
            if filters.source and total > 2 * SAMPLED:
                sample = json.dumps(list(range(1, last + 1, max(1, last // SAMPLED))))
                sampled, kept = self.connection.execute(
                    f"SELECT count(*), coalesce(sum({where}), 0) FROM articles a "
                    "WHERE a.id IN (SELECT value FROM json_each(?))",
                    (*values, sample),
                ).fetchone()
                return kept / max(1, sampled)
            return self.articles_matching(filters) / total

        return self._remembered.get(("share", filters), share)

    def passing(self, ids: list[int], filters: Filters) -> set[int]:
        """Those of the passages `ids` whose article the filters let through."""
        where, values = _article_filter(filters)
        rows = self.connection.execute(
            "SELECT p.id FROM passages p JOIN articles a ON a.id = p.article_id "
            f"WHERE p.id IN (SELECT value FROM json_each(?)) AND {where}",
            (json.dumps(ids), *values),
        )
        return {row[0] for row in rows}

    def all_passages(self) -> Iterator[tuple[int, str, int, int, str]]:
        """(id, article path, first block, last block, text) of every passage."""
        yield from self.connection.execute(
            "SELECT p.id, a.path, p.first_block, p.last_block, p.text FROM passages p JOIN articles a ON a.id = p.article_id"
        )

    def passages_spanning(self, path: str, block: int) -> list[int]:
        """Ids of the article's passages that span its block (paragraph) number `block`."""
        rows = self.connection.execute(
            "SELECT p.id FROM passages p JOIN articles a ON a.id = p.article_id "
            "WHERE a.path = ? AND p.first_block <= ? AND ? <= p.last_block",
            (path, block, block),
        )
        return [row[0] for row in rows]

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
        """How many passages the index holds, as its last update recorded (counted before its first)."""
        recorded = self.manifest().passages
        if recorded is not None:
            return recorded
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

    def missing_embeddings(self, keys: Iterable[bytes]) -> list[bytes]:
        """The keys, in order and without repeats, that have no stored vector yet."""
        wanted = list(dict.fromkeys(keys))
        present: set[bytes] = set()
        for chunk, marks in _chunks(wanted):
            present.update(
                row[0] for row in self.connection.execute(f"SELECT key FROM embeddings WHERE key IN ({marks})", chunk)
            )
        return [key for key in wanted if key not in present]

    def take_embeddings(self, source: Store, keys: Iterable[bytes]) -> set[bytes]:
        """Copy the stored vectors of the keys that the source index holds, as stored there; the keys copied."""
        taken: set[bytes] = set()
        for chunk, marks in _chunks(list(keys)):
            rows = source.connection.execute(f"SELECT key, vector FROM embeddings WHERE key IN ({marks})", chunk)
            rows = rows.fetchall()
            with self.transaction() as db:
                db.executemany("INSERT OR REPLACE INTO embeddings(key, vector) VALUES (?, ?)", rows)
            taken.update(key for key, _ in rows)
        return taken

    def put_embeddings(self, keys: list[bytes], vectors: np.ndarray, passage_keys: Container[bytes] = ()) -> None:
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
        dimension, converted, after = self.dimension(), 0, b""
        while rows := self.connection.execute(
            "SELECT key, vector FROM embeddings WHERE key > ? ORDER BY key LIMIT ?", (after, batch)
        ).fetchall():
            after = rows[-1][0]
            old = [(key, blob) for key, blob in rows if len(blob) == 4 * dimension]
            if old:
                keys = [key for key, _ in old]
                passage_keys = {
                    row[0]
                    for chunk, marks in _chunks(keys)
                    for row in self.connection.execute(
                        f"SELECT embedding_key FROM passages WHERE embedding_key IN ({marks})", chunk
                    )
                }
                self.put_embeddings(keys, vector_format.decode([blob for _, blob in old], dimension), passage_keys)
                converted += len(old)
        return converted

    def compact(self) -> None:
        """Rewrite the file packed: the pages freed by a conversion given back, each table in the order of its keys
        (a reader meanwhile sees it as before)."""
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
            manifest = self.manifest_rows()
            generation = int(manifest.get("generation", 0))
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

    def vector_sums(self) -> tuple[VectorSum, VectorSum]:
        """The sums of the passage vectors and of the sentence vectors of the committed index, whose means ranking
        centres cosines on (zeros, plain cosines, for an index that records none yet)."""
        manifest = self.manifest_rows()
        dimension = int(manifest.get("dimension") or 0)
        return tuple(decode_sum(manifest, kind, dimension) for kind in VECTOR_KINDS)

    # -- the one write a reader sees, and the articles staged for it ---------------------

    def stage(self, articles: Iterable[NewArticle]) -> None:
        """Put articles read and embedded aside for the next commit_update, unseen by readers until it."""
        with self.transaction() as db:
            self._stage(db, articles)

    def unstage(self, paths: Iterable[str]) -> None:
        """Take staged articles back out (their file could not be read to its end)."""
        with self.transaction() as db:
            self._unstage(db, list(paths))

    def clear_staged(self) -> None:
        """Drop what an interrupted update staged (its vectors stay stored: they are not embedded again)."""
        with self.transaction() as db:
            for table in STAGING_TABLES:
                db.execute(f"DELETE FROM {table}")

    def commit_update(
        self,
        *,
        manifest: Manifest,
        sources: Iterable[Source],
        removed: Iterable[str],
        written: Iterable[NewArticle] = (),
        wipe: bool = False,
        copies: Iterable[tuple[str, str]] = (),
        signed: dict[str, Signature] | None = None,
    ) -> int:
        """Apply one index update atomically and return its generation.

        sources: every source the index reads now; removed: article paths to drop; written: articles new or
        changed, besides those staged already (each replaces the article at its path). wipe drops every article
        first. copies: the pairs of copies found among the new articles and the others (the links of removed and new
        articles are dropped first); signed: the signatures of kept articles signed again, to store beside each new
        article's own.
        """
        removed = list(removed)
        with self.transaction() as db:
            written = self._stage(db, written)
            recorded = dict(db.execute("SELECT key, value FROM manifest"))
            generation = int(recorded.get("generation", 0)) + 1
            # the change log is complete after this generation: the one before this update, or this one after a wipe
            changes_from = recorded["changes_from"]
            unused_keys: set[bytes] = set()
            dimension = manifest.dimension
            sums = decode_sums({} if wipe else recorded, dimension)
            if wipe:
                for table in ("sentences_fts", "passages_fts"):  # before the rows they read their text from
                    db.execute(f"INSERT INTO {table}({table}) VALUES ('delete-all')")
                for table in (
                    "sentences",
                    "passages",
                    "articles",
                    "passage_changes",
                    "article_signatures",
                    "copies",
                ):
                    db.execute(f"DELETE FROM {table}")
                changes_from = str(generation)
            new_paths = [path for (path,) in db.execute("SELECT path FROM staged_articles")]
            for path in removed + new_paths:
                add_article_vectors(db, sums, path, sign=-1)
                unused_keys |= self._delete_article(db, path, generation)
            now = time.time()
            add_staged_vectors(db, sums)
            self._link_copies(db, removed + new_paths, copies, signed or {})
            self._move_staged(db, now, generation)
            _record_sources(db, sources)
            passages = _passages_after(db, recorded, generation, wipe)
            values = {
                **manifest.rows(),
                "generation": str(generation),
                "built_at": str(now),
                "passages": str(passages),
                "changes_from": changes_from,
                **encode_sums(sums),
            }
            db.executemany("INSERT OR REPLACE INTO manifest(key, value) VALUES (?, ?)", values.items())
            for chunk, marks in _chunks(sorted(unused_keys)):
                db.execute(
                    f"DELETE FROM embeddings WHERE key IN ({marks}) "
                    "AND NOT EXISTS (SELECT 1 FROM passages WHERE embedding_key = embeddings.key) "
                    "AND NOT EXISTS (SELECT 1 FROM sentences WHERE embedding_key = embeddings.key)",
                    chunk,
                )
        if wipe:
            self.drop_unused_vectors()
        return generation

    def forget_copies(self, paths: Iterable[str]) -> None:
        """Drop the links to copies of the articles at the paths (another shard's articles, rewritten or removed)."""
        with self.transaction() as db:
            db.execute(
                "DELETE FROM copies WHERE path IN (SELECT value FROM json_each(?1)) "
                "OR other IN (SELECT value FROM json_each(?1))",
                (json.dumps(list(paths)),),
            )

    @staticmethod
    def _link_copies(
        db: sqlite3.Connection, dropped: list[str], copies: Iterable[tuple[str, str]], signed: dict[str, Signature]
    ) -> None:
        listed = json.dumps(dropped)
        db.execute("DELETE FROM article_signatures WHERE path IN (SELECT value FROM json_each(?))", (listed,))
        db.execute(
            "DELETE FROM copies WHERE path IN (SELECT value FROM json_each(?1)) OR other IN (SELECT value FROM json_each(?1))",
            (listed,),
        )
        db.executemany(
            "INSERT OR REPLACE INTO article_signatures(path, signature, figures) VALUES (?, ?, ?)",
            [(path, s.minhash, json.dumps(sorted(s.figures))) for path, s in signed.items()],
        )
        db.execute(
            "INSERT OR REPLACE INTO article_signatures(path, signature, figures) "
            "SELECT path, signature, figures FROM staged_articles WHERE signature NOT NULL"
        )
        db.executemany(
            "INSERT OR IGNORE INTO copies VALUES (?, ?)", [(a, b) for pair in copies for a, b in (pair, pair[::-1])]
        )

    @staticmethod
    def _stage(db: sqlite3.Connection, articles: Iterable[NewArticle]) -> list[NewArticle]:
        """Stage the articles (an article staged again replaces the one before); return them."""
        articles = list(articles)
        for article in articles:
            Store._stage_article(db, article)
        return articles

    @staticmethod
    def _unstage(db: sqlite3.Connection, paths: list[str]) -> None:
        chosen = "SELECT id FROM staged_articles WHERE path IN (SELECT value FROM json_each(?))"
        passages = f"SELECT id FROM staged_passages WHERE article_id IN ({chosen})"
        listed = (json.dumps(paths),)
        db.execute(f"DELETE FROM staged_sentences WHERE passage_id IN ({passages})", listed)
        db.execute(f"DELETE FROM staged_passages WHERE article_id IN ({chosen})", listed)
        db.execute(f"DELETE FROM staged_articles WHERE id IN ({chosen})", listed)

    @staticmethod
    def _stage_article(db: sqlite3.Connection, article: NewArticle) -> None:
        if db.execute("SELECT 1 FROM staged_articles WHERE path = ?", (article.path,)).fetchone():
            Store._unstage(db, [article.path])
        signature = article.signature
        article_id = db.execute(
            "INSERT INTO staged_articles(path, content_hash, title, metadata, also_at, date, signature, figures) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                article.path,
                article.content_hash,
                article.title,
                json.dumps(article.metadata, ensure_ascii=False),
                json.dumps(list(article.also_at), ensure_ascii=False),
                article.metadata.get("date"),
                signature and signature.minhash,
                signature and json.dumps(sorted(signature.figures)),
            ),
        ).lastrowid
        for new in article.passages:
            p = new.chunk
            passage_id = db.execute(
                "INSERT INTO staged_passages(article_id, ordinal, text, first_block, last_block, start, end, "
                "first_line, last_line, lines_in, embedding_key, normalized) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
                    search_form_if_changed(p.text),
                ),
            ).lastrowid
            db.executemany(
                "INSERT INTO staged_sentences(passage_id, start, end, embedding_key, normalized) VALUES (?, ?, ?, ?, ?)",
                [
                    (
                        passage_id,
                        s.start,
                        s.end,
                        s.embedding_key,
                        search_form_if_changed(p.text[s.start - p.start : s.end - p.start], p.text),
                    )
                    for s in new.sentences
                ],
            )

    @staticmethod
    def _move_staged(db: sqlite3.Connection, now: float, generation: int) -> None:
        """Move the staged articles into the index, numbered after its last rows, in the order they were staged."""
        articles, passages, sentences = (
            db.execute(f"SELECT coalesce(max(id), 0) FROM {table}").fetchone()[0]
            for table in ("articles", "passages", "sentences")
        )
        db.execute(
            "INSERT INTO articles(id, path, content_hash, title, metadata, also_at, indexed_at, date) "
            "SELECT id + ?, path, content_hash, title, metadata, also_at, ?, date FROM staged_articles ORDER BY id",
            (articles, now),
        )
        db.execute(
            "INSERT INTO passages(id, article_id, ordinal, text, first_block, last_block, start, end, first_line, "
            "last_line, lines_in, embedding_key, normalized) SELECT id + ?, article_id + ?, ordinal, text, "
            "first_block, last_block, start, end, first_line, last_line, lines_in, embedding_key, normalized "
            "FROM staged_passages ORDER BY id",
            (passages, articles),
        )
        db.execute("INSERT INTO passage_changes SELECT ?, id + ?, 1 FROM staged_passages", (generation, passages))
        db.execute(
            "INSERT INTO sentences(id, passage_id, start, end, embedding_key, normalized) "
            "SELECT id + ?, passage_id + ?, start, end, embedding_key, normalized FROM staged_sentences ORDER BY id",
            (sentences, passages),
        )
        db.execute(
            "INSERT INTO passages_fts(rowid, title, body) SELECT id, title, body FROM passages_search WHERE id > ? "
            "ORDER BY id",
            (passages,),
        )
        db.execute(
            "INSERT INTO sentences_fts(rowid, body) SELECT id, body FROM sentences_search WHERE id > ? ORDER BY id",
            (sentences,),
        )
        for table in STAGING_TABLES:
            db.execute(f"DELETE FROM {table}")

    @staticmethod
    def _delete_article(db: sqlite3.Connection, path: str, generation: int) -> set[bytes]:
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
        # each lexical row before the rows it reads its text from (qa/backends/local/migrations.py)
        db.execute(f"DELETE FROM sentences_fts WHERE rowid IN ({sentences})", row)
        db.execute(f"DELETE FROM sentences WHERE passage_id IN ({passages})", row)
        db.execute(f"DELETE FROM passages_fts WHERE rowid IN ({passages})", row)
        db.execute("DELETE FROM passages WHERE article_id = ?", row)
        db.execute("DELETE FROM articles WHERE id = ?", row)
        return keys
