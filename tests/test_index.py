"""Incremental indexing through real `qa index` processes with the real model and a real SQLite file."""

from __future__ import annotations

import json
import shutil
import sqlite3
from contextlib import closing

from conftest import SEEDS, run_json, run_qa

from qa import vector_format
from qa.backends.local.store import DB_FILE
from qa.indexer import IndexSummary

NEW_ARTICLE = """Residents return to Raqqa as reconstruction begins

Families who fled the fighting have started returning to the ruined city, clearing rubble by hand while aid groups repair water pipes and bakeries.

Local officials said schools would reopen in the autumn if funding arrives from donors.
"""


def passage_count(index) -> int:
    with closing(sqlite3.connect(index / DB_FILE)) as db:
        return db.execute("SELECT count(*) FROM passages").fetchone()[0]


def test_incremental_counts_for_add_edit_delete_and_no_change(tmp_path, corpus):
    index = tmp_path / "index"
    first = run_json("index", str(corpus), "--json", index=index)
    assert (first["added"], first["updated"], first["removed"], first["unchanged"]) == (5, 0, 0, 0)
    seeded = passage_count(index)
    assert first["passages_embedded"] == seeded >= 5 * 2
    assert set(first) >= {"added", "updated", "removed", "unchanged", "passages_embedded", "seconds"}

    again = run_json("index", "--json", index=index)  # no PATH: the recorded sources
    assert (again["added"], again["updated"], again["removed"], again["unchanged"], again["passages_embedded"]) == (
        0,
        0,
        0,
        5,
        0,
    )

    (corpus / "005_new.txt").write_text(NEW_ARTICLE)
    added = run_json("index", "--json", index=index)
    assert (added["added"], added["unchanged"]) == (1, 5)
    new_passages = passage_count(index) - seeded
    assert added["passages_embedded"] == new_passages >= 1

    edited = corpus / "005_new.txt"
    edited.write_text(NEW_ARTICLE + "\nA third paragraph adds that electricity returned to two districts last week.\n")
    updated = run_json("index", "--json", index=index)
    assert (updated["updated"], updated["unchanged"]) == (1, 5)
    assert 1 <= updated["passages_embedded"] <= passage_count(index) - seeded  # only the edited article's passages

    edited.unlink()
    removed = run_json("index", "--json", index=index)
    assert (removed["removed"], removed["unchanged"], removed["passages_embedded"]) == (1, 5, 0)
    assert passage_count(index) == seeded


def test_the_faiss_cache_is_rebuilt_from_stored_vectors_when_missing(tmp_path, corpus):
    index = tmp_path / "index"
    run_qa("index", str(corpus), index=index)
    caches = list(index.glob("vectors-*.faiss"))
    assert [c.name for c in caches] == ["vectors-1.faiss"]
    caches[0].unlink()
    answer = run_json("ask", "--json", "How many civilians were killed in Raqqa?", index=index)
    assert answer["results"]
    assert (index / "vectors-1.faiss").is_file()


def test_rebuild_embeds_everything_again(tmp_path, corpus):
    index = tmp_path / "index"
    run_qa("index", str(corpus), index=index)
    rebuilt = run_json("index", "--rebuild", "--json", index=index)
    assert rebuilt["added"] == 5 and rebuilt["passages_embedded"] == passage_count(index)


def test_first_build_without_paths_indexes_seeds_in_the_working_folder(tmp_path):
    shutil.copytree(SEEDS, tmp_path / "seeds")
    summary = run_json("index", "--json", index=tmp_path / "index", cwd=tmp_path)
    assert summary["added"] == 5


def test_a_path_that_does_not_exist_is_a_one_line_error(tmp_path):
    done = run_qa("index", str(tmp_path / "nowhere"), index=tmp_path / "index", check=False)
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0 and "no such file or folder" in done.stderr


def test_a_first_build_that_fails_leaves_no_index_behind(tmp_path):
    # nothing to index (no PATH, no ./seeds), or a path that does not exist: no empty index that `qa info` would list
    # (and a folder given as the index keeps every file it held, whatever their names)
    given = tmp_path / "given"
    given.mkdir()
    for name in ("notes.txt", "tokenizer.json", "encoder.json", "update.lock"):
        (given / name).write_text("kept")
    attempts = [("new", ()), ("given", (str(tmp_path / "nowhere"),)), ("given", ("--forget", str(tmp_path)))]
    for folder, arguments in attempts:
        done = run_qa("index", *arguments, index=tmp_path / folder, cwd=tmp_path, check=False)
        assert done.returncode == 2 and done.stderr.startswith("qa: ") and done.stderr.count("\n") == 1
        info = run_qa("info", index=tmp_path / folder, check=False)
        assert info.returncode == 2 and "no index at" in info.stderr
    assert not (tmp_path / "new").exists()
    assert sorted(p.name for p in given.iterdir()) == ["encoder.json", "notes.txt", "tokenizer.json", "update.lock"]


def test_a_source_that_cannot_be_found_keeps_its_articles_until_forgotten(tmp_path):
    kept, gone, folder = tmp_path / "kept.txt", tmp_path / "gone.txt", tmp_path / "desk"
    shutil.copy(SEEDS / "001_f2d3ef5ba37a2115.txt", kept)
    shutil.copy(SEEDS / "002_10add52973f599f4.txt", gone)
    folder.mkdir()
    shutil.copy(SEEDS / "003_17e51d554a60860d.txt", folder)
    index = tmp_path / "index"
    run_qa("index", str(kept), str(gone), str(folder), index=index)
    gone.unlink()  # deleted, or on a drive unplugged: no telling which
    again = run_json("index", "--json", index=index)
    assert again["removed"] == 0
    assert again["skipped"] == [{"path": str(gone), "reason": "source not found: its articles are kept (--forget it)"}]
    forgotten = run_json("index", "--json", "--forget", str(gone), "--forget", str(folder), index=index)
    assert (forgotten["removed"], forgotten["unchanged"], forgotten["skipped"]) == (2, 1, [])
    info = run_json("info", "--json", index=index)
    assert info["sources"] == [str(kept)] and [a["path"] for a in info["article_list"]] == [str(kept)]
    unknown = run_qa("index", "--forget", str(tmp_path / "never.txt"), index=index, check=False)
    assert unknown.returncode == 2 and unknown.stderr.startswith("qa: not a recorded source: ")
    both = run_qa("index", str(kept), "--forget", str(kept), index=index, check=False)
    assert both.returncode == 2 and "is both given and to be forgotten" in both.stderr


def test_a_rebuild_is_refused_while_a_source_cannot_be_found(tmp_path):
    # a rebuild drops every article first: those of a drive unplugged would be lost
    folder, inner = tmp_path / "desk", tmp_path / "desk" / "inner"
    inner.mkdir(parents=True)
    shutil.copy(SEEDS / "001_f2d3ef5ba37a2115.txt", folder)
    shutil.copy(SEEDS / "002_10add52973f599f4.txt", inner)
    index = tmp_path / "index"
    run_qa("index", str(folder), str(inner), index=index)
    forgotten = run_json("index", "--json", "--forget", str(inner), index=index)
    assert forgotten["removed"] == 0  # the folder around it still reads its article
    folder.rename(tmp_path / "unplugged")
    done = run_qa("index", "--rebuild", index=index, check=False)
    assert done.returncode == 2 and f"cannot rebuild: the source {folder} cannot be found" in done.stderr
    assert run_json("info", "--json", index=index)["articles"] == 2


def test_the_store_holds_no_pickle_and_records_its_manifest(seed_index):
    with closing(sqlite3.connect(seed_index / DB_FILE)) as db:
        manifest = dict(db.execute("SELECT key, value FROM manifest"))
    assert manifest["model_name"] == "all-MiniLM-L6-v2"
    assert manifest["model_sha256"] == "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
    assert {"chunker_version", "generation", "built_at"} <= set(manifest)
    assert not [p for p in seed_index.iterdir() if p.suffix in {".pkl", ".pickle", ".npy"}]


def _as_float32(index) -> None:
    """Make the index store its vectors as qa did before int8: float32, no vector_format in the manifest."""
    with closing(sqlite3.connect(index / DB_FILE)) as db, db:
        rows = db.execute("SELECT key, vector FROM embeddings").fetchall()
        vectors = vector_format.decode([blob for _, blob in rows], 384)
        db.executemany(
            "UPDATE embeddings SET vector = ? WHERE key = ?",
            [(vector.astype("<f4").tobytes(), key) for (key, _), vector in zip(rows, vectors, strict=True)],
        )
        db.execute("DELETE FROM manifest WHERE key = 'vector_format'")
    with closing(sqlite3.connect(index / DB_FILE)) as db:
        db.execute("VACUUM")


def test_an_index_of_float32_vectors_answers_and_its_next_update_converts_them_once(seed_index, tmp_path):
    index = tmp_path / "index"
    shutil.copytree(seed_index, index)
    _as_float32(index)
    question = "How many civilians did the coalition kill in Raqqa?"
    before = run_json("ask", "--json", question, index=index)
    size = (index / DB_FILE).stat().st_size
    done = run_qa("index", "--json", index=index)
    assert (
        done.stderr == "qa: converting this index's stored vectors to float16 and int8 (a third of their disk), once…\n"
    )
    assert json.loads(done.stdout)["passages_embedded"] == 0
    with closing(sqlite3.connect(index / DB_FILE)) as db:
        passages = "SELECT embedding_key FROM passages"
        lengths = f"SELECT DISTINCT length(vector) FROM embeddings WHERE key {{}} IN ({passages})"
        assert db.execute(lengths.format("")).fetchall() == [(768,)]  # float16
        assert db.execute(lengths.format("NOT")).fetchall() == [(388,)]  # int8 and its scale
    assert (index / DB_FILE).stat().st_size < size  # the pages freed are given back
    after = run_json("ask", "--json", question, index=index)
    assert [r["chars"] for r in after["results"]] == [r["chars"] for r in before["results"]]
    assert run_qa("index", index=index).stderr == ""
    assert run_json("check", "--json", index=index)["healthy"]


LIGATURES = """Bank of Gondor reports quarterly ﬁgures

The ﬁnancial regulator ﬁned the bank ４０ million crowns after auditors found gaps in its ledgers.

Its chief executive resigned on Friday.
"""


def test_the_lexical_index_keeps_no_copy_of_the_text_and_reads_ligatures_as_letters(tmp_path, corpus):
    """The lexical tables index the passages' own text (no second copy), in NFKC form where it differs: "ﬁned"
    is found by "fined". The article edited, then removed, leaves the lexical tables agreeing with the text."""
    index = tmp_path / "index"
    (corpus / "bank.txt").write_text(LIGATURES)
    run_json("index", str(corpus), "--json", index=index)
    with closing(sqlite3.connect(index / DB_FILE)) as db:
        tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert not {"passages_fts_content", "sentences_fts_content"} & tables
    answer = run_json("ask", "--json", "--mode", "lexical", "Which regulator fined the bank 40 million?", index=index)
    first = answer["results"][0]
    assert first["article"].endswith("bank.txt") and "ﬁned the bank ４０ million" in first["text"]
    (corpus / "bank.txt").write_text(LIGATURES.replace("Friday", "Saturday"))
    assert run_json("index", "--json", index=index)["updated"] == 1
    (corpus / "bank.txt").unlink()
    assert run_json("index", "--json", index=index)["removed"] == 1
    assert run_qa("check", index=index, check=False).returncode == 0


def test_an_index_first_built_from_an_empty_folder_answers_once_an_article_is_added(tmp_path):
    index, empty, more = tmp_path / "index", tmp_path / "empty", tmp_path / "more"
    empty.mkdir()
    more.mkdir()
    assert run_json("index", "--json", str(empty), index=index)["added"] == 0
    (more / "005_new.txt").write_text(NEW_ARTICLE)
    assert run_json("index", "--json", str(more), index=index)["added"] == 1
    for mode in ("dense", "hybrid"):
        answer = run_json("ask", "--json", "--mode", mode, "When will the schools reopen?", index=index)
        assert answer["results"][0]["article"].endswith("005_new.txt")


def test_every_sentence_of_a_record_holding_a_nul_is_searchable(tmp_path):
    """A NUL in a record's text (JSON allows one) does not hide the sentences after it from the lexical index."""
    index, records = tmp_path / "index", tmp_path / "wire.jsonl"
    text = "Alpha beta gamma.\u0000 Delta epsilon zeta eta theta iota.\n\nKappa lambda mu nu xi omicron."
    records.write_text(json.dumps({"title": "Greek letters", "text": text}) + "\n")
    run_json("index", "--json", str(records), index=index)
    with closing(sqlite3.connect(index / DB_FILE)) as db:
        for word in ("zeta", "omicron", "alpha"):
            assert db.execute("SELECT count(*) FROM sentences_fts WHERE sentences_fts MATCH ?", (word,)).fetchone()[0]
    assert run_qa("check", index=index, check=False).returncode == 0


def test_the_summary_counts_in_words_that_agree():
    one = IndexSummary(added=1, passages_embedded=1, seconds=0.5, duplicates=[{"path": "b", "same_as": "a"}])
    one.near_duplicates = 1
    assert one.describe().splitlines() == [
        "1 added, 0 updated, 0 removed, 0 unchanged; 1 passage embedded in 0.5 s",
        "1 byte-identical duplicate file recorded beside the copy indexed",
        "1 pair of articles found to be copies of one story",
    ]
    assert IndexSummary(passages_embedded=1200).describe().endswith("; 1,200 passages embedded in 0.0 s")


def test_a_long_list_of_skipped_files_is_cut_to_twenty_lines_and_a_count(tmp_path):
    folder = tmp_path / "empties"
    folder.mkdir()
    for number in range(25):
        (folder / f"empty{number:02d}.txt").write_text("")
    done = run_qa("index", str(folder), index=tmp_path / "index")
    lines = done.stderr.splitlines()
    assert [line.startswith("skipped ") for line in lines] == [True] * 20 + [False]
    assert lines[-1] == "… and 5 more skipped (qa index --json lists them all)"
    assert len(run_json("index", "--json", str(folder), index=tmp_path / "index")["skipped"]) == 25
