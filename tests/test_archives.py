"""Archives as newsrooms keep them: news-please JSON files, JSON Lines and CSV exports of one article per record.

Real files (tests/data/newsplease, tests/data/records) and files made here, the real model, real `qa` processes.
"""

from __future__ import annotations

import csv
import gzip
import html
import io
import json
import re
import shutil
from pathlib import Path

import pytest
from conftest import ROOT, run_json, run_qa

from qa.formats.records import csv_records
from qa.service import NotFound, Service

NEWSPLEASE = ROOT / "tests" / "data" / "newsplease"
WIRE = ROOT / "tests" / "data" / "records" / "wire.jsonl"
STORIES = [json.loads(line) for line in WIRE.read_text().splitlines()]


def record_source(fields: dict, title: str = "title", text: str = "text") -> str:
    """The documented source of an article held in fields: the title, a blank line, the text."""
    return f"{fields[title]}\n\n{fields[text]}" if fields.get(title) else fields[text]


def republished(story: dict) -> dict:
    """The wire story as another desk ran it: its own headline, a dateline, one sentence cut."""
    paragraphs = story["text"].split("\n\n")
    text = "\n\n".join(["CLEVELAND (Reuters) - " + paragraphs[0], *paragraphs[1:-1]])
    return {"headline": "Sealy deals may cut Ohio Mattress profit", "story": text, "published": story["date"]}


def as_html(text: str) -> str:
    """The story as a CMS exports its body: one <p> a paragraph, entities escaped."""
    return "<div class='body'>" + "".join(f"<p>{html.escape(p)}</p>\n" for p in text.split("\n\n")) + "</div>"


def write_csv_gz(path: Path, rows: list[dict]) -> None:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    path.write_bytes(gzip.compress(buffer.getvalue().encode()))


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> Path:
    """A folder of news-please files, a JSON Lines export with a broken line, a gzipped CSV whose text column
    has an unusual name, and files that cannot be read on."""
    folder = tmp_path_factory.mktemp("archive")
    shutil.copytree(NEWSPLEASE, folder / "crawl", ignore=shutil.ignore_patterns("*.md"))
    lines = WIRE.read_text().splitlines()
    (folder / "wire.jsonl").write_text("\n".join([*lines[:3], '{"id": "broken", "title": oops', *lines[3:6]]) + "\n")
    rows = [{"headline": story["title"], "story": story["text"], "published": story["date"]} for story in STORIES[6:]]
    rows[0]["story"] = as_html(rows[0]["story"])
    rows.append(republished(STORIES[4]))
    write_csv_gz(folder / "desk.csv.gz", rows)
    bad = folder / "bad"
    bad.mkdir()
    (bad / "truncated.jsonl.gz").write_bytes(gzip.compress(WIRE.read_bytes())[:-40])
    (bad / "no-text.csv").write_text("headline,published\nA headline,2020-01-02\n")
    (bad / "bomb.jsonl.gz").write_bytes(gzip.compress(b"0" * (80 * 2**20), compresslevel=9))
    (bad / "huge.jsonl").write_bytes(b'{"text": "' + b"x" * (9 * 2**20) + b'"}\n' + WIRE.read_bytes().splitlines()[0])
    return folder


@pytest.fixture(scope="module")
def archive_index(tmp_path_factory, archive) -> tuple[Path, dict, str]:
    index = tmp_path_factory.mktemp("archive-index")
    done = run_qa("index", "--json", "--field", "text=story", str(archive), index=index)
    return index, json.loads(done.stdout), done.stderr


def ask(index: Path, question: str, k: int = 3) -> list[dict]:
    return run_json("ask", "--json", "-k", str(k), question, index=index)["results"]


def test_news_please_files_index_as_they_are_with_their_metadata(archive_index, archive):
    index, _, _ = archive_index
    results = ask(index, "How long did rescuers search for the boy who fell down the well in Hebei?")
    top = results[0]
    assert top["format"] == "newsplease" and top["path"].startswith(str(archive / "crawl"))
    fields = json.loads(Path(top["path"]).read_text())
    assert top["article"] == Path(top["path"]).name
    assert record_source(fields)[slice(*top["chars"])] == top["text"]
    assert top["outlet"] == fields["publisher"] and top["url"] == fields["url"]
    assert top["date"] == fields["date_publish"][:10]
    assert top["title"] == fields["title"]
    # opened in the chat, the article says who published it, when, and where a reader finds it
    question = "How long did rescuers search for the boy who fell down the well in Hebei?"
    opened = run_qa("chat", index=index, input=f":k 1\n{question}\n:open 1\n", columns=300).stdout
    assert f"{fields['publisher']}, {top['date']} · {fields['url']}\n" in opened.split(":open 1")[-1]
    assert "▶ line" in opened and not re.search(r"\blines (\d+)-\1\b", opened)  # "line 3", not "lines 3-3"


def test_each_record_of_an_export_is_an_article_cited_by_record_and_id(archive_index, archive):
    index, _, _ = archive_index
    story = STORIES[4]  # line 5 of the export: the broken line comes before it
    results = ask(index, "How much did Ohio Mattress expect its first quarter earnings to fall?")
    top = next(
        r for r in [*results, *(c for r in results for c in r.get("also_in", []))] if r.get("record_id") == story["id"]
    )
    assert top["format"] == "jsonl" and top["path"] == str(archive / "wire.jsonl") and top["article"] == "wire.jsonl"
    assert top["record"] == 5 and top["title"] == story["title"] and top["date"] == story["date"]
    assert record_source(story)[slice(*top["chars"])] == top["text"]
    assert top["outlet"] == "Reuters"
    plain = run_qa(
        "ask", "-k", "1", "How much did Ohio Mattress expect its first quarter earnings to fall?", index=index
    )
    assert f"wire.jsonl, record 5 (id {story['id']}), lines" in plain.stdout.replace("\n    ", " ")


def test_a_value_read_in_a_record_cites_the_lines_of_its_phrase(archive_index):
    index, _, _ = archive_index
    answer = run_json("ask", "--json", "How many licensees of Sealy did Ohio Mattress acquire?", index=index)
    sources = [s for a in answer["answers"] for s in a["sources"] if s.get("record_id") == STORIES[4]["id"]]
    assert sources and all(s["lines"][0] > 1 for s in sources)  # not the record's first line, where its passage begins
    for source in sources:
        lines = record_source(STORIES[4]).split("\n")
        phrase = record_source(STORIES[4])[slice(*source["chars"])]
        assert phrase in "\n".join(lines[source["lines"][0] - 1 : source["lines"][1]])


@pytest.mark.parametrize("separator", [",", ";", "\t", "|"])
def test_a_csv_export_is_read_whatever_separates_its_columns(tmp_path, separator):
    # a spreadsheet set to a European locale exports with semicolons; a text column may hold the separator too
    rows = [
        ["title", "date", "text", "notes, internal"],  # a name holding a comma, quoted when it is the separator
        ["Port report", "2020-01-05", "The port handled 5,000 containers; a record.", "none"],
    ]
    export = tmp_path / "export.csv"
    with export.open("w", newline="") as handle:
        csv.writer(handle, delimiter=separator).writerows(rows)
    articles = [record.article() for record in csv_records(export, {}, b"")]
    assert [(a.title, a.metadata["date"]) for a in articles] == [("Port report", "2020-01-05")]
    assert articles[0].source.endswith("The port handled 5,000 containers; a record.")


def test_csv_rows_are_read_through_the_field_names_given(archive_index, archive):
    index, _, _ = archive_index
    story = STORIES[7]
    results = ask(index, "How much bonus wheat flour will North Yemen receive?")
    top = next(r for r in results if r["format"] == "csv")
    assert top["path"] == str(archive / "desk.csv.gz") and top["record"] == 1 and "record_id" not in top
    assert record_source(story)[slice(*top["chars"])] == top["text"]
    assert top["date"] == story["date"]


def test_a_body_in_html_is_read_as_its_paragraphs(archive_index, archive):
    index, _, _ = archive_index
    story = STORIES[6]  # the first CSV row, its story given as HTML
    top = ask(index, "How big a share of the new partnership does National Intergroup hold on to?", k=1)[0]
    assert (top["format"], top["record"]) == ("csv", 0)
    assert record_source(story)[slice(*top["chars"])] == top["text"] and "<p>" not in top["text"]


def test_bad_records_and_files_are_skipped_with_one_line_each(archive_index, archive):
    _, summary, stderr = archive_index
    skipped = {(Path(item["path"]).name, item.get("line")): item["reason"] for item in summary["skipped"]}
    assert skipped == {
        ("wire.jsonl", 4): "not JSON",
        ("truncated.jsonl.gz", None): "truncated gzip file",
        (
            "no-text.csv",
            None,
        ): "no text column (story, text, body, content, maintext; name it with qa index --field text=COLUMN PATH)",
        ("bomb.jsonl.gz", None): "decompression bomb: inflates over 100 times its size",
        ("huge.jsonl", 1): "record over 8 MiB",
    }
    assert summary["added"] == 3 + 6 + 3 + 1  # news-please files, good lines, CSV rows, huge.jsonl's second line
    assert "Traceback" not in stderr


def test_adding_and_changing_records_reembeds_only_those(tmp_path):
    export = tmp_path / "wire.jsonl"
    export.write_text("".join(line + "\n" for line in WIRE.read_text().splitlines()[:6]))
    index = tmp_path / "index"
    first = run_json("index", "--json", str(export), index=index)
    assert first["added"] == 6

    with export.open("a") as handle:
        handle.write("".join(line + "\n" for line in WIRE.read_text().splitlines()[6:]))
    appended = run_json("index", "--json", index=index)
    assert (appended["added"], appended["updated"], appended["unchanged"], appended["removed"]) == (2, 0, 6, 0)
    new_passages = run_json("info", "--json", index=index)["article_list"][-2:]
    assert appended["passages_embedded"] == sum(entry["passages"] for entry in new_passages) > 0

    lines = export.read_text().splitlines()
    changed = json.loads(lines[2]) | {"text": "Red Lion Inns withdrew its offering plans on Friday, it said."}
    export.write_text("\n".join([*lines[:2], json.dumps(changed), *lines[3:7]]) + "\n")
    again = run_json("index", "--json", index=index)
    assert (again["added"], again["updated"], again["unchanged"], again["removed"]) == (0, 1, 6, 1)
    assert again["passages_embedded"] == 1
    listed = {entry["record"]: entry for entry in run_json("info", "--json", index=index)["article_list"]}
    assert sorted(listed) == list(range(7)) and {entry["path"] for entry in listed.values()} == {str(export)}


def test_a_files_records_are_listed_in_their_order(tmp_path):
    export = tmp_path / "briefs.jsonl"
    towns = ["Arles", "Bergen", "Cork", "Delft", "Evora", "Fano", "Ghent", "Hull", "Ivrea", "Jena", "Kotor", "Lund"]
    export.write_text("".join(json.dumps({"text": f"The council of {town} met on Monday."}) + "\n" for town in towns))
    run_qa("index", str(export), index=tmp_path / "index")
    listed = run_json("info", "--json", index=tmp_path / "index")["article_list"]
    assert [entry["record"] for entry in listed] == list(range(12))  # record 2 before record 10
    shown = run_qa("info", index=tmp_path / "index").stdout
    assert shown.index("record 2 ") < shown.index("record 10 ")


def test_a_story_republished_by_another_desk_is_linked_and_folded_into_one_answer(archive_index, archive):
    index, summary, _ = archive_index
    wire, desk = f"{archive / 'wire.jsonl'}#5", f"{archive / 'desk.csv.gz'}#2"
    assert summary["near_duplicates"] == 2  # and huge.jsonl's second line, which is wire.jsonl's first
    listed = {
        (entry["path"], entry.get("record")): entry for entry in run_json("info", "--json", index=index)["article_list"]
    }
    assert listed[(str(archive / "wire.jsonl"), 5)]["copies"] == [desk]
    assert listed[(str(archive / "desk.csv.gz"), 2)]["copies"] == [wire]
    assert sum(bool(entry["copies"]) for entry in listed.values()) == 4
    results = ask(index, "Why might Ohio Mattress earn less in its first quarter?")
    top = results[0]
    folded = {(r["path"], r["record"]) for r in top.get("also_in", [])}
    assert {(top["path"], top["record"]), *folded} >= {
        (str(archive / "wire.jsonl"), 5),
        (str(archive / "desk.csv.gz"), 2),
    }
    copy = (
        {(str(archive / "wire.jsonl"), 5), (str(archive / "desk.csv.gz"), 2)} - {(top["path"], top["record"])}
    ).pop()
    assert all((r["path"], r.get("record")) != copy for r in results[1:])  # nor does a later passage of the copy
    # The figure both give counts one story: the copy is cited, named as the copy of the first.
    question = "How much did Ohio Mattress earn in the first quarter of the year before?"
    value = run_json("ask", "--json", question, index=index)["answers"][0]
    assert value["normalized"] == "2400000" and len(value["sources"]) == 2
    assert "copy_of" not in value["sources"][0] and value["sources"][1]["copy_of"] == value["sources"][0]["article"]
    assert "(1 source + 1 copy)" in run_qa("ask", "--brief", question, index=index).stdout


def test_a_file_of_records_is_opened_by_its_record_and_named_so_when_it_is_not(archive_index):
    service = Service(archive_index[0], searchers=1)
    with pytest.raises(NotFound, match=r"'wire.jsonl' is a file of records: .* \(6 indexed, numbered 0 to 6\)"):
        service.article("wire.jsonl")  # its line 3 is broken: records 0-2 and 4-6
    assert service.article("wire.jsonl", 5)["title"] == STORIES[4]["title"]
    with pytest.raises(NotFound, match="no indexed article is named 'wire.jsonl#3'"):
        service.article("wire.jsonl", 3)
