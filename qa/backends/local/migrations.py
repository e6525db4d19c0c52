"""The schema of a local index, as numbered migrations.

A new index is made at the base schema (version 3, the oldest still read) and brought to the current one by
the same steps as an index made by an earlier release: each migration runs once, in the transaction that
opens the index after it appeared, and `PRAGMA user_version` records the last one applied. A change to the
schema is a new migration at the end, never an edit of one already released.
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
from collections.abc import Callable

import numpy as np

from qa.backends.local.bm25 import TOKENIZER
from qa.backends.local.vector_sums import encode_sums, sum_all_vectors
from qa.near_duplicates import NUM_PERM, VALUE
from qa.records import VECTOR_KEY_BYTES
from qa.text import search_form_if_changed

BASE_VERSION = 3
BASE_SCHEMA = f"""
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

_SHA256_HEX = re.compile("[0-9a-f]{64}")

Migration = Callable[[sqlite3.Connection], None]
MIGRATIONS: dict[int, Migration] = {}  # by the schema version each makes


def migration(version: int) -> Callable[[Migration], Migration]:
    def register(step: Migration) -> Migration:
        assert version == BASE_VERSION + len(MIGRATIONS) + 1, "migrations are numbered in order"
        MIGRATIONS[version] = step
        return step

    return register


def _manifest(db: sqlite3.Connection) -> dict[str, str]:
    return dict(db.execute("SELECT key, value FROM manifest"))


def _columns(db: sqlite3.Connection, table: str) -> set[str]:
    return {row[1] for row in db.execute(f"PRAGMA table_info({table})")}


@migration(4)
def change_log(db: sqlite3.Connection) -> None:
    """The passages each generation added and removed, so the FAISS cache follows an update without a rebuild.
    The log is complete from the index's current generation on. (Releases of schema 3 made it at their first
    update that needed it.)"""
    db.execute(
        "CREATE TABLE IF NOT EXISTS passage_changes "
        "(generation INTEGER NOT NULL, passage_id INTEGER NOT NULL, added INTEGER NOT NULL)"
    )
    db.execute("CREATE INDEX IF NOT EXISTS passage_changes_generation ON passage_changes(generation)")
    generation = _manifest(db).get("generation", "0")
    db.execute("INSERT OR IGNORE INTO manifest(key, value) VALUES ('changes_from', ?)", (generation,))


@migration(5)
def copies(db: sqlite3.Connection) -> None:
    """Near-duplicate articles (qa/near_duplicates.py): each article's signature (its MinHash, and its figures as a
    JSON list; none for a signature stored before figures were kept, whose article is signed again from its
    stored passages) and the pairs found to be copies, both ways."""
    db.execute(
        "CREATE TABLE IF NOT EXISTS article_signatures (path TEXT PRIMARY KEY, signature BLOB NOT NULL, figures TEXT) "
        "WITHOUT ROWID"
    )
    if "figures" not in _columns(db, "article_signatures"):
        db.execute("ALTER TABLE article_signatures ADD COLUMN figures TEXT")
    db.execute(
        "CREATE TABLE IF NOT EXISTS copies (path TEXT NOT NULL, other TEXT NOT NULL, PRIMARY KEY (path, other)) "
        "WITHOUT ROWID"
    )


@migration(6)
def recorded_counts(db: sqlite3.Connection) -> None:
    """The passage count and the sums of the passage and sentence vectors, which each update then keeps up to
    date in the manifest (counted here for an index that did not record them)."""
    manifest = _manifest(db)
    values = {}
    if "generation" in manifest and "passages" not in manifest:
        values["passages"] = str(db.execute("SELECT count(*) FROM passages").fetchone()[0])
    if manifest.get("dimension") and "passage_sum" not in manifest:
        values.update(encode_sums(sum_all_vectors(db, int(manifest["dimension"]))))
    db.executemany("INSERT OR REPLACE INTO manifest(key, value) VALUES (?, ?)", values.items())


@migration(7)
def article_dates(db: sqlite3.Connection) -> None:
    """Each article's date (ISO, as its metadata gives it) in a column of its own, indexed, so that a search
    filtered by date reads only the articles it keeps."""
    db.execute("ALTER TABLE articles ADD COLUMN date TEXT")
    db.execute("UPDATE articles SET date = json_extract(metadata, '$.date')")
    db.execute("CREATE INDEX articles_date ON articles(date)")


@migration(8)
def staging(db: sqlite3.Connection) -> None:
    """Where an update puts the articles it has read and embedded, a batch at a time, until its one commit moves
    them into the index: an update holds one batch in memory, not the archive, and a reader sees none of them
    before that commit. The rows mirror articles, passages and sentences, with the lexical texts beside them."""
    db.execute(
        "CREATE TABLE IF NOT EXISTS staged_articles (id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE, "
        "content_hash TEXT NOT NULL, title TEXT NOT NULL, metadata TEXT NOT NULL, also_at TEXT NOT NULL, date TEXT)"
    )
    db.execute(
        "CREATE TABLE IF NOT EXISTS staged_passages (id INTEGER PRIMARY KEY, article_id INTEGER NOT NULL, "
        "ordinal INTEGER NOT NULL, text TEXT NOT NULL, first_block INTEGER NOT NULL, last_block INTEGER NOT NULL, "
        "start INTEGER NOT NULL, end INTEGER NOT NULL, first_line INTEGER NOT NULL, last_line INTEGER NOT NULL, "
        "lines_in TEXT NOT NULL, embedding_key TEXT NOT NULL, heading TEXT NOT NULL, search_text TEXT NOT NULL)"
    )
    db.execute(
        "CREATE TABLE IF NOT EXISTS staged_sentences (id INTEGER PRIMARY KEY, passage_id INTEGER NOT NULL, "
        "start INTEGER NOT NULL, end INTEGER NOT NULL, embedding_key TEXT NOT NULL, search_text TEXT NOT NULL)"
    )


@migration(9)
def staged_signatures(db: sqlite3.Connection) -> None:
    """Each staged article's signature (as article_signatures holds it), so that an update finds copies by reading
    the signatures from the index, not by holding the archive's in memory."""
    for column in ("signature BLOB", "figures TEXT"):
        if column.split()[0] not in _columns(db, "staged_articles"):
            db.execute(f"ALTER TABLE staged_articles ADD COLUMN {column}")


# What the lexical tables index, as views of the passages and sentences: a passage's article title and outlet
# ("according to Al Jazeera") and its text, a sentence's text, each as written or in its search form where NFKC
# changes it. The lexical tables read a row's text here when they remove it, so a row leaves the view after it
# leaves its lexical table, never before.
LEXICAL_VIEWS = """
CREATE VIEW IF NOT EXISTS passages_search(id, title, body) AS
    SELECT p.id, trim(a.title || ' ' || coalesce(json_extract(a.metadata, '$.outlet'), '')),
           coalesce(p.normalized, p.text)
    FROM passages p JOIN articles a ON a.id = p.article_id;
CREATE VIEW IF NOT EXISTS sentences_search(id, body) AS
    SELECT s.id, coalesce(s.normalized, substr(p.text, s.start - p.start + 1, s.end - s.start))
    FROM sentences s JOIN passages p ON p.id = s.passage_id;
"""


@migration(10)
def lexical_text_once(db: sqlite3.Connection) -> None:
    """The lexical tables keep no copy of the text they index (a fifth of the disk): they read it from the views
    above, and are rebuilt from them once. A passage or sentence keeps its search form (`normalized`) only where
    NFKC changes its characters (or its passage holds a NUL). The staged rows carry that form, not the search text and
    heading they carried: the staging tables are made anew (an interrupted update's rows, which the next update
    stages again, dropped), as dropping a column needs SQLite 3.35."""
    for table in ("passages", "sentences"):
        if "normalized" not in _columns(db, table):
            db.execute(f"ALTER TABLE {table} ADD COLUMN normalized TEXT")
    db.execute("DELETE FROM staged_articles")
    db.execute("DROP TABLE staged_passages")
    db.execute("DROP TABLE staged_sentences")
    db.execute(
        "CREATE TABLE staged_passages (id INTEGER PRIMARY KEY, article_id INTEGER NOT NULL, ordinal INTEGER NOT NULL, "
        "text TEXT NOT NULL, first_block INTEGER NOT NULL, last_block INTEGER NOT NULL, start INTEGER NOT NULL, "
        "end INTEGER NOT NULL, first_line INTEGER NOT NULL, last_line INTEGER NOT NULL, lines_in TEXT NOT NULL, "
        "embedding_key BLOB NOT NULL, normalized TEXT)"
    )
    db.execute(
        "CREATE TABLE staged_sentences (id INTEGER PRIMARY KEY, passage_id INTEGER NOT NULL, start INTEGER NOT NULL, "
        "end INTEGER NOT NULL, embedding_key BLOB NOT NULL, normalized TEXT)"
    )
    changed = [
        (form, passage, text, start)
        for passage, text, start in db.execute("SELECT id, text, start FROM passages")
        if (form := search_form_if_changed(text)) is not None
    ]
    for form, passage, text, start in changed:
        db.execute("UPDATE passages SET normalized = ? WHERE id = ?", (form, passage))
        sentences = db.execute("SELECT id, start, end FROM sentences WHERE passage_id = ?", (passage,)).fetchall()
        db.executemany(
            "UPDATE sentences SET normalized = ? WHERE id = ?",
            [(search_form_if_changed(text[s - start : e - start], text), sentence) for sentence, s, e in sentences],
        )
    for statement in LEXICAL_VIEWS.split(";"):
        if statement.strip():
            db.execute(statement)
    for table, columns, view in (
        ("passages_fts", "title, body", "passages_search"),
        ("sentences_fts", "body", "sentences_search"),
    ):
        db.execute(f"DROP TABLE {table}")
        db.execute(
            f"CREATE VIRTUAL TABLE {table} USING fts5({columns}, content='{view}', content_rowid='id', "
            f"tokenize='{TOKENIZER}')"
        )
        db.execute(f"INSERT INTO {table}({table}) VALUES ('rebuild')")


def _short_key(key: str | bytes) -> bytes:
    """A vector's key as VECTOR_KEY_BYTES bytes: the first of its sha256 written in hex, or of the sha256 of any
    other text key (as tools wrote)."""
    if isinstance(key, bytes):
        return key
    digest = bytes.fromhex(key) if _SHA256_HEX.fullmatch(key) else hashlib.sha256(key.encode()).digest()
    return digest[:VECTOR_KEY_BYTES]


@migration(11)
def short_vector_keys(db: sqlite3.Connection) -> None:
    """Each vector keyed by 16 bytes instead of 64 hexadecimal characters: a key is stored with its vector, with
    each passage and sentence using it and in their indexes (a seventh of the disk)."""
    db.create_function("short_key", 1, _short_key, deterministic=True)
    for table in ("staged_sentences", "staged_passages", "staged_articles"):
        db.execute(f"DELETE FROM {table}")  # an interrupted update's; the next update stages them again
    db.execute("CREATE TABLE short_embeddings (key BLOB PRIMARY KEY, vector BLOB NOT NULL) WITHOUT ROWID")
    db.execute("INSERT INTO short_embeddings SELECT short_key(key), vector FROM embeddings ORDER BY key")
    db.execute("DROP TABLE embeddings")
    db.execute("ALTER TABLE short_embeddings RENAME TO embeddings")
    for table in ("passages", "sentences"):
        db.execute(f"DROP INDEX IF EXISTS {table}_embedding")  # made again after the keys change: faster than kept up
        db.execute(f"UPDATE {table} SET embedding_key = short_key(embedding_key)")
        db.execute(f"CREATE INDEX {table}_embedding ON {table}(embedding_key)")


def _narrow_signature(signature: bytes | None) -> bytes | None:
    """A signature of 64-bit values (each under 2**32) as 32-bit ones."""
    if signature is None or len(signature) != 8 * NUM_PERM:
        return signature
    return np.frombuffer(signature, dtype="<u8").astype(VALUE).tobytes()


@migration(12)
def narrow_signatures(db: sqlite3.Connection) -> None:
    """Each article's signature in 32-bit values, as its hashes are, instead of 64-bit ones: half the size."""
    db.create_function("narrow_signature", 1, _narrow_signature, deterministic=True)
    for table in ("article_signatures", "staged_articles"):
        db.execute(f"UPDATE {table} SET signature = narrow_signature(signature)")


SCHEMA_VERSION = max(MIGRATIONS)


def create(db: sqlite3.Connection) -> None:
    """Make the current schema in an empty database, in one transaction."""
    db.execute("BEGIN IMMEDIATE")
    try:
        for statement in BASE_SCHEMA.split(";"):
            if statement.strip():
                db.execute(statement)
        _apply(db, BASE_VERSION)
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def migrate(db: sqlite3.Connection) -> None:
    """Apply the migrations an index of an earlier schema (BASE_VERSION or later) lacks, in one transaction;
    another process opening it meanwhile waits (30 s at most, then says the index is being written), then finds it
    migrated."""
    db.execute("BEGIN IMMEDIATE")
    try:
        _apply(db, db.execute("PRAGMA user_version").fetchone()[0])
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def _apply(db: sqlite3.Connection, version: int) -> None:
    for number in range(version + 1, SCHEMA_VERSION + 1):
        MIGRATIONS[number](db)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
