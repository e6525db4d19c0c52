"""Articles as people keep them: saved web pages, Markdown notes, legacy text files, folders of them.

Real fixture files (tests/data/articles), the real extractor and model, real `qa` processes.
"""

from __future__ import annotations

import html
import re
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from conftest import ROOT, SEEDS, run_json, run_qa
from test_onnx import imported_after

from qa.article import IngestError
from qa.backends.local.store import DB_FILE
from qa.chunking import chunk
from qa.ingest import describe_size, read_article
from qa.locations import place_text
from qa.scan import walk

INDEXING_ONLY = (
    "trafilatura",
    "lxml",
    "markdown_it",
    "yaml",
    "dateutil",
    "qa.formats",
    "pypdf",
    "warcio",
    "feedparser",
)
ARTICLES = ROOT / "tests" / "data" / "articles"
PAGE = ARTICLES / "raqqa-report.html"
NOTES = ARTICLES / "mosul-notes.md"
LATIN1 = ARTICLES / "cafes-latin1.txt"

STORY = (
    "killed more than 1,600 civilians",
    "visited more than 200 strike sites",
    "admitted to causing only 159 civilian deaths",
    "“Coalition forces razed Raqqa, but they cannot erase the truth,” said Donatella Rovera",
)
AROUND_THE_STORY = (
    "cookies",  # the consent banner
    "Subscribe for $1 a week",  # navigation
    "Luxury watches",  # ads
    "Refinance your home loan",
    "Win a holiday in Cyprus",
    "goalless draw",  # related stories
    "crypto trading",  # reader comments
    "Heartbreaking reading",
    "All rights reserved",  # footer
)


def words(text: str) -> list[str]:
    return re.findall(r"\w+", text)


@pytest.fixture(scope="session")
def library(tmp_path_factory) -> Path:
    """A folder holding the fixture articles beside the seed articles."""
    folder = tmp_path_factory.mktemp("library")
    shutil.copytree(ARTICLES, folder / "clippings")
    shutil.copytree(SEEDS, folder / "seeds")
    return folder


@pytest.fixture(scope="session")
def library_index(tmp_path_factory, library) -> tuple[Path, dict]:
    """An index over the library, and the summary its first `qa index --json` printed."""
    index = tmp_path_factory.mktemp("library-index")
    return index, run_json("index", "--json", str(library), index=index)


# -- saved web pages ---------------------------------------------------------------------


def test_a_saved_page_yields_its_story_without_navigation_ads_or_comments():
    article = read_article(PAGE)
    assert article.title == "Amnesty: Coalition strikes killed more than 1,600 civilians in Raqqa"
    for sentence in STORY:
        assert sentence in article.source
    for noise in AROUND_THE_STORY:
        assert noise not in article.source
    assert article.metadata == {
        "outlet": "Levant Ledger",
        "author": "Maya Haddad",
        "date": "2019-04-25",
        "format": "html",
    }


def test_page_passages_cite_the_lines_of_the_saved_file():
    page_lines = [html.unescape(line) for line in PAGE.read_text(encoding="utf-8").split("\n")]
    passages = chunk(read_article(PAGE))
    assert len(passages) >= 2
    for passage in passages:
        assert passage.lines_in == "file"
        first, last = page_lines[passage.first_line - 1], page_lines[passage.last_line - 1]
        assert passage.text.split("\n")[0][:30] in first
        assert passage.text[-25:] in last
    assert passages[0].first_line == 44  # the <h1>, not the <title> in the head


@pytest.mark.parametrize(
    "page",
    [
        "<html><head><title>Menu</title></head><body><header><nav><ul><li><a href='/'>Home</a></li>"
        "<li><a href='/news'>News</a></li></ul></nav></header><footer><p>Copyright 2019</p></footer></body></html>",
        # a bare page whose menu and footer the extractor keeps: no line of it is a sentence
        "<html><body><nav>Home | About</nav><footer>(c) 2020</footer></body></html>",
    ],
)
def test_a_page_without_article_text_is_refused(tmp_path, page):
    path = tmp_path / "menu.html"
    path.write_text(page)
    with pytest.raises(IngestError) as raised:
        read_article(path)
    assert raised.value.reason == "no article text found"


@pytest.mark.parametrize(
    "story",
    [
        "The port of Hull closed on Monday after a storm damaged two cranes",  # a brief, its full stop lost
        "东京电力公司周一表示，福岛核电站的冷却系统已经恢复正常运行。",  # no spaces, its own full stop
    ],
)
def test_a_short_page_of_any_script_is_read(tmp_path, story):
    path = tmp_path / "brief.html"
    path.write_text(f"<html><head><title>Brief</title></head><body><article><p>{story}</p></article></body></html>")
    assert read_article(path).source == f"Brief\n\n{story}\n"


def test_a_passage_not_found_in_the_file_cites_the_extracted_text(tmp_path):
    folder = tmp_path / "pages"
    folder.mkdir()
    without_headline = re.sub(r"\s*<h1 .*</h1>", "", PAGE.read_text(encoding="utf-8"))
    (folder / "page.html").write_text(without_headline, encoding="utf-8")
    index = tmp_path / "index"
    run_qa("index", str(folder), index=index)
    results = run_json("ask", "--json", "-k", "10", "How many civilians were killed in Raqqa?", index=index)["results"]
    headline = next(r for r in results if r["paragraphs"][0] == 0)  # only in <title> and og:title now
    assert headline["lines_in"] == "extracted" and headline["lines"][0] == 1
    assert all(r["lines_in"] == "file" for r in results if r is not headline)


# -- Markdown notes ----------------------------------------------------------------------


def test_markdown_front_matter_is_metadata_and_markup_is_reduced_to_text():
    article = read_article(NOTES)
    assert article.title == "At any cost: Amnesty on the civilian toll in west Mosul"
    assert article.metadata == {
        "outlet": "Amnesty International",
        "author": "Rebecca Okafor",
        "date": "2017-07-11",
        "format": "markdown",
    }
    assert "tags:" not in article.source and "---" not in article.source
    assert "## " not in article.source and "**" not in article.source and "*human" not in article.source
    assert "full report." in article.source and "https://" not in article.source
    assert "used them\nas human shields" in article.source


def test_markdown_passages_keep_the_file_lines():
    file_lines = NOTES.read_text(encoding="utf-8").split("\n")
    article = read_article(NOTES)
    assert article.source.count("\n") == len(file_lines) - 1  # line for line
    for passage in chunk(article):
        assert article.source[passage.start : passage.end] == passage.text
        assert passage.lines_in == "file"
        for offset, line in enumerate(passage.text.split("\n")):
            assert set(words(line)) <= set(words(file_lines[passage.first_line - 1 + offset]))
        assert passage.last_line == passage.first_line + passage.text.count("\n")


# -- plain text --------------------------------------------------------------------------


def test_latin1_text_is_decoded_and_its_stated_metadata_read():
    article = read_article(LATIN1)
    assert article.encoding == "cp1252"
    assert article.source == LATIN1.read_bytes().decode("cp1252")
    assert "Médecins Sans Frontières" in article.source
    assert article.metadata == {
        "outlet": "Courrier du Levant",
        "author": "Élise Durand",
        "date": "2018-06-06",
        "format": "text",
    }


def test_seed_articles_state_their_outlet_and_date():
    metadata = {path.name[:3]: read_article(path).metadata for path in sorted(SEEDS.glob("*.txt"))}
    assert metadata["000"]["date_text"] == "6 June"  # "This story was updated on 6 June": no year stated
    assert metadata["001"]["outlet"] == "Al Jazeera"  # "Source: Al Jazeera, News Agencies"
    assert (metadata["003"]["date"], metadata["003"]["author"]) == ("2017-08-09", "Saul Bowman")
    assert metadata["004"]["outlet"] == "Sputnik International"
    assert "date" not in metadata["001"] and "outlet" not in metadata["002"]


# -- folders -----------------------------------------------------------------------------


def test_indexing_the_folder_reports_skips_warnings_and_duplicates(library_index, library):
    _, summary = library_index
    clippings = library / "clippings"
    assert {"added", "updated", "removed", "unchanged", "passages_embedded", "seconds", "skipped"} <= set(summary)
    assert (summary["added"], summary["updated"], summary["removed"]) == (8, 0, 0)
    assert summary["skipped"] == [
        {"path": str(clippings / "empty.txt"), "reason": "empty"},
        {"path": str(clippings / "photo.txt"), "reason": "binary file"},
    ]
    assert summary["warnings"] == [
        {"path": str(clippings / "cafes-latin1.txt"), "warning": "not UTF-8: decoded as cp1252"}
    ]
    assert summary["duplicates"] == [
        {"path": str(clippings / "archive" / "raqqa-report.html"), "same_as": str(clippings / "raqqa-report.html")}
    ]


def test_info_lists_each_article_with_its_metadata_and_other_paths(library_index, library):
    index, _ = library_index
    info = run_json("info", "--json", index=index)
    assert info["articles"] == len(info["article_list"]) == 8
    entries = {Path(entry["path"]).name: entry for entry in info["article_list"]}
    assert not any(".drafts" in entry["path"] for entry in info["article_list"])
    page = entries["raqqa-report.html"]
    assert page["also_at"] == [str(library / "clippings" / "archive" / "raqqa-report.html")]
    assert (page["outlet"], page["author"], page["date"], page["format"]) == (
        "Levant Ledger",
        "Maya Haddad",
        "2019-04-25",
        "html",
    )
    assert page["passages"] >= 2 and page["title"].startswith("Amnesty: Coalition strikes")
    assert entries["mosul-notes.md"]["format"] == "markdown"
    assert "Levant Ledger" in run_qa("info", index=index).stdout


def test_duplicates_and_renames_are_indexed_without_embedding_again(tmp_path):
    folder = tmp_path / "clips"
    (folder / "old").mkdir(parents=True)
    shutil.copy(NOTES, folder / "notes.md")
    shutil.copy(NOTES, folder / "old" / "copy.md")
    index = tmp_path / "index"
    first = run_json("index", "--json", str(folder), index=index)
    assert first["added"] == 1 and first["duplicates"] == [
        {"path": str(folder / "old" / "copy.md"), "same_as": str(folder / "notes.md")}
    ]
    (folder / "notes.md").unlink()
    moved = run_json("index", "--json", index=index)
    assert (moved["added"], moved["removed"], moved["passages_embedded"], moved["duplicates"]) == (1, 1, 0, [])
    assert [entry["path"] for entry in run_json("info", "--json", index=index)["article_list"]] == [
        str(folder / "old" / "copy.md")
    ]


def test_include_and_exclude_globs_are_recorded_with_their_folder(tmp_path):
    folder = tmp_path / "clippings"
    shutil.copytree(ARTICLES, folder)
    index = tmp_path / "index"
    only_notes = run_json("index", "--json", str(folder), "--include", "*.md", index=index)
    assert (only_notes["added"], only_notes["skipped"], only_notes["duplicates"]) == (1, [], [])
    rescan = run_json("index", "--json", index=index)  # no PATH: the recorded folder, with its globs
    assert (rescan["added"], rescan["unchanged"]) == (0, 1)
    changed = run_json("index", "--json", str(folder), "--exclude", "archive", "--exclude", "*.txt", index=index)
    assert (changed["added"], changed["unchanged"], changed["skipped"], changed["duplicates"]) == (1, 1, [], [])
    names = {Path(entry["path"]).name for entry in run_json("info", "--json", index=index)["article_list"]}
    assert names == {"mosul-notes.md", "raqqa-report.html"}


def test_a_symlink_loop_is_walked_once_and_a_broken_link_is_skipped(tmp_path):
    folder = tmp_path / "loop"
    (folder / "sub").mkdir(parents=True)
    shutil.copy(LATIN1, folder / "a.txt")
    shutil.copy(NOTES, folder / "sub" / "b.md")
    (folder / "sub" / "up").symlink_to(folder, target_is_directory=True)
    (folder / "self").symlink_to(folder / "sub", target_is_directory=True)
    (folder / "gone.txt").symlink_to(folder / "nowhere.txt")
    found = sorted(path.relative_to(folder).as_posix() for path in walk(folder))
    assert found in (["a.txt", "self/b.md"], ["a.txt", "sub/b.md"])
    summary = run_json("index", "--json", str(folder), index=tmp_path / "index")
    assert summary["added"] == 2 and summary["duplicates"] == []
    assert summary["skipped"] == [{"path": str(folder / "gone.txt"), "reason": "unreadable: No such file or directory"}]


def test_an_index_of_an_older_schema_asks_for_a_rebuild_which_works(tmp_path):
    folder = tmp_path / "notes"
    folder.mkdir()
    shutil.copy(NOTES, folder)
    index = tmp_path / "index"
    run_qa("index", str(folder), index=index)
    with closing(sqlite3.connect(index / DB_FILE)) as db:
        db.execute("PRAGMA user_version = 2")
    refused = run_qa("ask", "What did Amnesty say?", index=index, check=False)
    assert refused.returncode == 2 and refused.stderr.count("\n") == 1 and "qa index --rebuild" in refused.stderr
    assert run_json("index", "--rebuild", "--json", index=index)["added"] == 1
    assert run_json("ask", "--json", "What did Amnesty say?", index=index)["results"]


# -- answers, citations and filters ------------------------------------------------------


def test_an_answer_cites_the_page_with_its_outlet_date_and_file_lines(library_index):
    index, _ = library_index
    question = "How many civilians did the coalition kill in Raqqa according to Amnesty and Airwars?"
    out = run_qa("ask", "-k", "1", "--source", "levant", question, index=index).stdout
    result = run_json("ask", "--json", "-k", "1", "--source", "levant", question, index=index)["results"][0]
    first, last = result["lines"]
    assert "Levant Ledger, 2019-04-25" in out and f"raqqa-report.html:{first}-{last}" in " ".join(out.split())
    assert (result["outlet"], result["date"], result["lines_in"]) == ("Levant Ledger", "2019-04-25", "file")
    page_lines = [html.unescape(line) for line in PAGE.read_text(encoding="utf-8").split("\n")]
    assert result["text"][:30] in page_lines[first - 1] and result["text"][-25:] in page_lines[last - 1]
    assert "1,600 civilians" in result["text"] and result["format"] == "html"


def test_source_filter_matches_outlet_title_or_path_and_keeps_every_passage_of_one_article(library_index):
    index, _ = library_index
    passages = next(
        e["passages"] for e in run_json("info", "--json", index=index)["article_list"] if e["outlet"] == "Levant Ledger"
    )
    question = "What did the Kurdish-led Syrian Democratic Forces accuse the government of?"  # about other articles
    for source in ("LEVANT ledger", "coalition strikes killed more", "raqqa-report"):
        results = run_json("ask", "--json", "-k", "20", "--source", source, question, index=index)["results"]
        assert len(results) == passages
        assert {r["outlet"] for r in results} == {"Levant Ledger"}
    al_jazeera = run_json("ask", "--json", "--source", "al jazeera", "Who compiled the findings?", index=index)
    assert {r["article"] for r in al_jazeera["results"]} == {"001_f2d3ef5ba37a2115.txt"}


def test_date_filters_bound_the_article_date_and_leave_out_undated_articles(library_index):
    index, _ = library_index
    question = "How many civilians were killed?"
    later = run_json("ask", "--json", "-k", "20", "--since", "2018-01-01", question, index=index)["results"]
    assert {r["article"] for r in later} == {"raqqa-report.html", "cafes-latin1.txt"}
    earlier = run_json("ask", "--json", "-k", "30", "--until", "2017", question, index=index)["results"]
    assert {r["article"] for r in earlier} == {"mosul-notes.md", "003_17e51d554a60860d.txt"}
    august = run_json("ask", "--json", "--since", "2017-08", "--until", "2017-08-31", question, index=index)
    assert {r["date"] for r in august["results"]} == {"2017-08-09"}


def test_bad_filters_are_one_line_errors(library_index):
    index, _ = library_index
    bad_date = run_qa("ask", "--since", "9 June", "anything", index=index, check=False)
    assert bad_date.returncode == 2 and "Invalid value for '--since'" in bad_date.stderr
    assert "Traceback" not in bad_date.stderr
    nothing = run_qa("ask", "--source", "no such outlet", "anything", index=index, check=False)
    assert nothing.returncode == 2 and nothing.stderr == "qa: no indexed article matches --source/--since/--until\n"


def test_chat_answers_within_its_filters(library_index):
    index, _ = library_index
    done = run_qa("chat", "--source", "amnesty international", index=index, input="What did Amnesty say?\n")
    assert "[1]" in done.stdout
    assert set(re.findall(r"[\w-]+\.(?:txt|md|html)\b", done.stdout)) == {"mosul-notes.md"}


@pytest.mark.parametrize(
    "args", [["ask", "--source", "ledger", "What did Amnesty say?"], ["info"]], ids=["ask", "info"]
)
def test_asking_and_info_never_load_the_format_readers(library_index, args):
    index, _ = library_index
    imported, output = imported_after(["--index", str(index), *args], INDEXING_ONLY)
    assert output
    assert imported == []


def test_a_citation_says_line_for_one_line_and_lines_for_several():
    record = {"record": 16364, "record_id": "reuters-18397"}
    assert (
        place_text("x.jsonl#16364", record, 0, 9, (31, 31), "record")
        == "x.jsonl, record 16364 (id reuters-18397), line 31"
    )
    assert (
        place_text("x.jsonl#16364", record, 0, 9, (1, 7), "record")
        == "x.jsonl, record 16364 (id reuters-18397), lines 1-7"
    )
    assert place_text("story.txt", {}, 0, 9, (4, 4), "file") == "story.txt:4"


@pytest.mark.parametrize(
    ("size", "said"), [(50 << 20, "50M"), (512 << 10, "512K"), (1 << 30, "1G"), (1, "1 byte"), (1500, "1500 bytes")]
)
def test_a_size_cap_is_named_as_max_size_takes_it(size, said):
    assert describe_size(size) == said
