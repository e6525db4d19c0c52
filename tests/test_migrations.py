"""An index made by an earlier release opens without --rebuild: its schema is migrated once, in place, and it
answers, filters, updates and checks as a new one does."""

from __future__ import annotations

import shutil
import sqlite3
from contextlib import closing

import pytest
from conftest import ROOT, run_json, run_qa

from qa.backends.local import migrations
from qa.backends.local.store import DB_FILE, Store
from qa.indexer import embedding_key
from qa.records import VECTOR_KEY_BYTES
from qa.text import normalize_for_search

SCHEMA_3 = ROOT / "tests" / "data" / "schema3" / DB_FILE


@pytest.fixture()
def old_index(tmp_path):
    index = tmp_path / "index"
    index.mkdir()
    shutil.copy(SCHEMA_3, index / DB_FILE)
    return index


def user_version(index) -> int:
    with closing(sqlite3.connect(index / DB_FILE)) as db:
        return db.execute("PRAGMA user_version").fetchone()[0]


def test_the_fixture_is_a_schema_3_index():
    with closing(sqlite3.connect(f"{SCHEMA_3.as_uri()}?mode=ro", uri=True)) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == 3
        assert "date" not in {row[1] for row in db.execute("PRAGMA table_info(articles)")}


def test_an_index_of_schema_3_is_migrated_when_opened_and_keeps_every_article(old_index):
    said = run_qa("info", "--json", index=old_index).stderr
    assert said.count("\n") == 1 and "up to date with this version of qa" in said
    assert run_qa("info", "--json", index=old_index).stderr == ""  # once
    before = run_json("info", "--json", index=old_index)
    assert user_version(old_index) == migrations.SCHEMA_VERSION
    with closing(Store.open(old_index)) as store:
        rows = store.connection.execute("SELECT date, json_extract(metadata, '$.date') FROM articles").fetchall()
        recorded = store.manifest_rows()
    assert {"changes_from", "passages", "passage_sum", "sentence_sum"} <= recorded.keys()
    assert all(column == metadata for column, metadata in rows) and any(column for column, _ in rows)
    assert before["articles"] == 5 and before["passages"] == 23


def lexical_scores(db) -> list[list[tuple]]:
    """bm25 of every passage and sentence matching a few words, as the index's lexical tables give it."""
    match = '"civilians" OR "raqqa" OR "amnesty" OR "coalition"'
    return [
        db.execute(
            f"SELECT rowid, round(bm25({table}), 9) FROM {table} WHERE {table} MATCH ? ORDER BY rowid", (match,)
        ).fetchall()
        for table in ("passages_fts", "sentences_fts")
    ]


def test_a_migrated_index_scores_every_lexical_match_as_before_from_one_copy_of_the_text(old_index):
    with closing(sqlite3.connect(f"{SCHEMA_3.as_uri()}?mode=ro", uri=True)) as db:
        before = lexical_scores(db)
        assert "passages_fts_content" in {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
    with closing(Store.open(old_index)) as store:
        after = lexical_scores(store.connection)
        names = {row[0] for row in store.connection.execute("SELECT name FROM sqlite_master")}
    assert after == before and all(len(rows) > 5 for rows in before)
    assert not {"passages_fts_content", "sentences_fts_content"} & names


def test_a_migrated_index_keys_each_vector_as_the_indexer_does_so_nothing_is_embedded_again(old_index):
    with closing(Store.open(old_index)) as store:
        model = store.manifest().model
        rows = store.connection.execute("SELECT text, embedding_key FROM passages").fetchall()
        vectors = store.connection.execute("SELECT count(*), min(length(key)), max(length(key)) FROM embeddings")
        assert vectors.fetchone()[1:] == (VECTOR_KEY_BYTES, VECTOR_KEY_BYTES)
    assert rows and all(key == embedding_key(model, normalize_for_search(text)) for text, key in rows)


def test_a_migrated_index_answers_filters_updates_and_checks_healthy(old_index, tmp_path):
    restored = run_json("index", "--json", index=old_index)  # its sources are gone: it keeps their articles
    assert (restored["unchanged"], restored["removed"]) == (0, 0)
    answer = run_json("ask", "--json", "How many civilians died in Raqqa?", index=old_index)
    assert answer["results"]
    dated = run_json("info", "--json", index=old_index)["article_list"]
    years = sorted(article["date"][:4] for article in dated if article.get("date"))
    since = run_json("ask", "--json", "--since", years[-1], "What happened?", index=old_index)
    assert since["results"] and all(r.get("date", "")[:4] >= years[-1] for r in since["results"])
    more = tmp_path / "more"
    more.mkdir()
    (more / "tower.txt").write_text(
        "Clock tower rebuilt\n\nResidents rebuilt the medieval clock tower stone by stone.\n"
    )
    summary = run_json("index", "--json", str(more), index=old_index)
    assert summary["added"] == 1 and summary["removed"] == 0
    assert run_json("info", "--json", index=old_index)["articles"] == 6
    assert run_qa("check", index=old_index, check=False).returncode == 0


def test_an_index_of_a_newer_schema_is_refused_with_one_line(old_index):
    with closing(sqlite3.connect(old_index / DB_FILE)) as db:
        db.execute(f"PRAGMA user_version = {migrations.SCHEMA_VERSION + 1}")
    refused = run_qa("ask", "What did Amnesty say?", index=old_index, check=False)
    assert refused.returncode == 2 and refused.stderr.count("\n") == 1 and "a newer version of qa" in refused.stderr
