"""Syndicated copies: the same story told twice is linked, two stories written to one template are not, and an
index made before a signature was kept whole links its articles at the next update."""

from __future__ import annotations

import shutil
import sqlite3
from contextlib import closing

import numpy as np
from conftest import SEEDS, run_json, run_qa

from qa.near_duplicates import NUM_PERM, Signature, links

# Two days' Reuters slaughter estimates: one template, other figures (reuters21578).
SLAUGHTER = (
    "HOG AND CATTLE SLAUGHTER GUESSTIMATES\n\nChicago Mercantile Exchange floor traders and commission house "
    "representatives are guesstimating today's hog slaughter at about {0} to {1} head versus {2} week ago and {3} a "
    "year ago.\n\nCattle slaughter is guesstimated at about 128,000 to 132,000 head versus {4} week ago and {5} a "
    "year ago."
)
# A quarterly report and its correction (the period named anew, every figure kept).
REPORT = (
    "{0} - PEGASUS GOLD INC <PGULF> {1} NET\n\nShr profit 20 cts vs loss two cts\n\nNet profit 2,665,000 vs loss "
    "202,000\n\nRevs 12,141,000 vs 5,993,000\n\n{2}\n\nShr profit 35 cts vs loss 11 cts\n\nNet profit 4,653,000 vs "
    "loss 1,167,000\n\nRevs 35.1 mln vs 18.0 mln"
)


def test_a_correction_is_a_copy_and_a_template_with_other_figures_is_not():
    signatures = {
        "monday": Signature.of(SLAUGHTER.format("265,000", "275,000", "286,000", "278,000", "132,000", "137,000")),
        "tuesday": Signature.of(SLAUGHTER.format("305,000", "320,000", "291,000", "282,000", "128,000", "130,000")),
        "report": Signature.of(REPORT.format("PEGASUS", "3RD QTR DEC 31", "Nine mths")),
        "corrected": Signature.of(REPORT.format("CORRECTED", "4TH QTR", "Year")),
    }
    assert links([signatures.items()]) == {("corrected", "report")}


def test_copies_are_sought_for_new_articles_only_and_never_of_themselves():
    """The stored articles are read as the index gives them (here a generator, read afresh each time): pairs hold a
    new article, and an article rewritten under its path is no copy of its former version."""
    report = Signature.of(REPORT.format("PEGASUS", "3RD QTR DEC 31", "Nine mths"))
    corrected = Signature.of(REPORT.format("CORRECTED", "4TH QTR", "Year"))
    monday = Signature.of(SLAUGHTER.format("265,000", "275,000", "286,000", "278,000", "132,000", "137,000"))

    class Stored:
        def __iter__(self):
            yield from {"report": report, "corrected": corrected, "monday": monday}.items()

    assert links([{"report": report}.items()], [Stored()]) == {("corrected", "report")}
    assert links([{"monday": monday}.items()], [Stored()]) == set()
    assert links([{"tuesday": monday}.items()], [Stored()]) == {("monday", "tuesday")}


def test_articles_indexed_before_their_signature_was_whole_are_linked_at_the_next_update(tmp_path):
    corpus, index = tmp_path / "articles", tmp_path / "index"
    shutil.copytree(SEEDS, corpus)
    run_qa("index", str(corpus), index=index)
    with closing(sqlite3.connect(index / "qa.sqlite")) as db:  # as a schema 3 index made before figures were kept
        db.executescript(
            "DROP INDEX articles_date; ALTER TABLE articles DROP COLUMN date; "
            "ALTER TABLE article_signatures DROP COLUMN figures; PRAGMA user_version = 3;"
        )
    original = (corpus / "001_f2d3ef5ba37a2115.txt").read_text(encoding="utf-8").split("\n\n")
    republished = ["Raqqa offensive killed 1,600 civilians, rights groups say", *original[1:-1]]
    (corpus / "republished.txt").write_text("\n\n".join(republished), encoding="utf-8")
    assert run_json("index", "--json", index=index)["near_duplicates"] == 1
    listed = {entry["path"]: entry["copies"] for entry in run_json("info", "--json", index=index)["article_list"]}
    assert listed[str(corpus / "republished.txt")] == [str(corpus / "001_f2d3ef5ba37a2115.txt")]


def test_signatures_stored_in_64_bit_values_are_halved_and_still_find_copies(tmp_path):
    corpus, index = tmp_path / "articles", tmp_path / "index"
    shutil.copytree(SEEDS, corpus)
    run_qa("index", str(corpus), index=index)
    with closing(sqlite3.connect(index / "qa.sqlite")) as db:  # as an index of schema 11 stored them
        db.create_function("widen", 1, lambda blob: np.frombuffer(blob, dtype="<u4").astype("<u8").tobytes())
        db.execute("UPDATE article_signatures SET signature = widen(signature)")
        db.execute("PRAGMA user_version = 11")
        db.commit()
    original = (corpus / "004_7d1420245ddc1626.txt").read_text(encoding="utf-8").split("\n\n")
    (corpus / "republished.txt").write_text("\n\n".join(["Coalition admits civilian deaths", *original[1:]]))
    assert run_json("index", "--json", index=index)["near_duplicates"] == 1
    with closing(sqlite3.connect(index / "qa.sqlite")) as db:
        sizes = {length for (length,) in db.execute("SELECT length(signature) FROM article_signatures")}
    assert sizes == {4 * NUM_PERM}
