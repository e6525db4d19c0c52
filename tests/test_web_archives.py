"""Web archives and feeds: each HTML response of a WARC file and each item of an RSS feed is an article of its own,
cited by file, record and URL. The WARC file is written here with warcio around a saved page of tests/data."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from conftest import ROOT, run_json

from qa.article import IngestError
from qa.ingest import read_records

PAGE = ROOT / "tests" / "data" / "articles" / "raqqa-report.html"
FEED = ROOT / "tests" / "data" / "feeds" / "levant-ledger.rss"
PAGE_URI = "https://levant-ledger.example/2018/06/raqqa-amnesty"
# An Atom feed saved as .xml, as browsers and feed readers save them, and an .xml file that is no feed.
ATOM_XML = """<?xml version="1.0" encoding="utf-8"?>
<!-- saved from the desk's reader -->
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Euphrates Desk</title>
  <entry>
    <title>Tabqa dam engineers warn of spillway damage</title>
    <id>urn:euphrates-desk:77</id>
    <link href="https://euphrates-desk.example/tabqa-spillway"/>
    <updated>2018-03-02T08:00:00Z</updated>
    <content type="html">&lt;p&gt;Engineers inspecting the Tabqa dam said the spillway gates had been jammed since the
    fighting, and that repairs would need nine months and heavy cranes brought from Aleppo.&lt;/p&gt;</content>
  </entry>
</feed>
"""
SITEMAP_XML = """<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>https://euphrates-desk.example/tabqa-spillway</loc></url></urlset>
"""


def write_warc(path: Path, compress: bool = True) -> None:
    """A crawl of one story: its request, the HTML response, an image response and the crawler's metadata."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as stream:
        writer = WARCWriter(stream, gzip=compress)
        writer.write_record(
            writer.create_warc_record(PAGE_URI, "request", payload=io.BytesIO(b"GET / HTTP/1.1\r\n\r\n"))
        )
        for uri, kind, body in (
            (PAGE_URI, "text/html; charset=utf-8", PAGE.read_bytes()),
            (PAGE_URI + ".png", "image/png", b"\x89PNG"),
        ):
            headers = StatusAndHeaders("200 OK", [("Content-Type", kind)], protocol="HTTP/1.1")
            writer.write_record(
                writer.create_warc_record(uri, "response", payload=io.BytesIO(body), http_headers=headers)
            )
        writer.write_record(writer.create_warc_record(PAGE_URI, "metadata", payload=io.BytesIO(b"crawled-by: test")))


@pytest.fixture(scope="module")
def web(tmp_path_factory) -> tuple[Path, Path, dict]:
    folder = tmp_path_factory.mktemp("web")
    write_warc(folder / "crawl.warc.gz")
    (folder / "junk.warc").write_bytes(b"this is not a web archive\n" * 5)
    (folder / "levant-ledger.rss").write_bytes(FEED.read_bytes())
    (folder / "euphrates-desk.xml").write_text(ATOM_XML)
    (folder / "sitemap.xml").write_text(SITEMAP_XML)
    index = tmp_path_factory.mktemp("web-index")
    return folder, index, run_json("index", "--json", str(folder), index=index)


def source_of(path: Path, record: int) -> str:
    """The documented source of a record's article: what its reader makes of it."""
    return next(r for r in read_records(path, {}) if getattr(r, "index", None) == record).article().source


def test_an_html_response_in_a_warc_file_is_read_as_its_saved_page(web):
    folder, index, summary = web
    top = run_json("ask", "--json", "-k", "1", "How many strike sites did Amnesty visit in Raqqa?", index=index)[
        "results"
    ][0]
    assert (
        top["format"] == "warc" and top["path"] == str(folder / "crawl.warc.gz") and top["article"] == "crawl.warc.gz"
    )
    assert top["record"] == 1 and top["url"] == PAGE_URI and top["record_id"].startswith("<urn:uuid:")
    assert top["outlet"] == "Levant Ledger" and top["lines_in"] == "extracted"
    assert source_of(folder / "crawl.warc.gz", 1)[slice(*top["chars"])] == top["text"]
    assert "visited more than 200 strike sites" in top["text"]
    skipped = {(Path(item["path"]).name, item["reason"]): item.get("count", 1) for item in summary["skipped"]}
    assert skipped == {("crawl.warc.gz", "not an HTML response"): 3, ("junk.warc", "not a WARC file"): 1}


def test_a_record_the_file_ends_inside_is_skipped_not_read_in_part(tmp_path):
    whole = tmp_path / "crawl.warc"
    write_warc(whole, compress=False)
    cut = tmp_path / "cut.warc"
    data = whole.read_bytes()
    cut.write_bytes(data[: data.index(b"Amnesty") + 2000])  # within the page's response
    records = list(read_records(cut, {}))
    assert [(r.index, r.reason) for r in records if getattr(r, "reason", None)] == [
        (1, "truncated: the file ends inside this record"),
        (None, "not an HTML response"),
    ]
    assert not [r for r in records if hasattr(r, "article")]
    cut.write_bytes(data[: data.index(b"WARC-Target-URI") + 8])  # within the first record's header
    with pytest.raises(IngestError, match="damaged WARC file"):
        list(read_records(cut, {}))


def test_feed_items_are_articles_with_their_link_date_and_feed_title(web):
    folder, index, _ = web
    results = run_json("ask", "--json", "-k", "3", "How long will rebuilding the Hadba minaret take?", index=index)[
        "results"
    ]
    top = next(r for r in results if r["format"] == "feed")
    assert (top["record"], top["record_id"], top["outlet"], top["date"], top["author"]) == (
        0,
        "levant-ledger-4411",
        "Levant Ledger",
        "2018-07-10",
        "Rania Haddad",
    )
    assert top["url"] == "https://levant-ledger.example/2018/07/nuri-mosque-rubble"
    assert source_of(folder / "levant-ledger.rss", 0)[slice(*top["chars"])] == top["text"]
    listed = {entry.get("record_id"): entry for entry in run_json("info", "--json", index=index)["article_list"]}
    assert listed["levant-ledger-4412"]["summary_only"] is True and "summary_only" not in listed["levant-ledger-4411"]


def test_a_feed_saved_as_xml_is_read_and_other_xml_is_not(web):
    _, index, _ = web
    top = run_json("ask", "--json", "-k", "1", "How long until the dam's floodgates are fixed?", index=index)[
        "results"
    ][0]
    assert (top["article"], top["format"], top["outlet"], top["record_id"]) == (
        "euphrates-desk.xml",
        "feed",
        "Euphrates Desk",
        "urn:euphrates-desk:77",
    )
    listed = {Path(entry["path"]).name for entry in run_json("info", "--json", index=index)["article_list"]}
    assert "euphrates-desk.xml" in listed and "sitemap.xml" not in listed


def test_an_xml_file_named_that_is_no_feed_is_skipped_with_its_reason(web, tmp_path):
    folder, _, _ = web
    summary = run_json("index", "--json", str(folder / "sitemap.xml"), index=tmp_path / "index")
    assert summary["added"] == 0
    assert [item["reason"] for item in summary["skipped"]] == ["an .xml file that is no RSS or Atom feed"]
