"""PDF reports: paragraphs rebuilt, running heads dropped, citations by page and line; files that cannot be read
skipped with their reason. The PDFs are made here with fpdf2 (tests/pdf_fixtures.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import run_json, run_qa
from pdf_fixtures import FOOTER, HEADER, REPORT_PARAGRAPHS, REPORT_TITLE, write_image_only, write_report

from qa.ingest import read_article


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("reports")
    write_report(folder / "raqqa.pdf")
    write_report(folder / "locked.pdf", password="secret")
    write_image_only(folder / "scan.pdf")
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >>\ngarbage\n")
    return folder


@pytest.fixture(scope="module")
def reports_index(tmp_path_factory, reports) -> tuple[Path, dict]:
    index = tmp_path_factory.mktemp("reports-index")
    return index, run_json("index", "--json", str(reports), index=index)


def test_a_report_reads_as_paragraphs_without_running_heads_or_page_numbers(reports):
    article = read_article(reports / "raqqa.pdf")
    assert article.title == REPORT_TITLE and article.metadata["author"] == "Amnesty International"
    paragraphs = [article.block_text(block) for block in article.blocks]
    assert paragraphs == [REPORT_TITLE, *REPORT_PARAGRAPHS]  # hyphenated words whole, a paragraph over a page whole
    for noise in (HEADER, FOOTER, "Page 1 of 3"):
        assert noise not in article.source


def test_answers_from_a_pdf_cite_the_page_and_its_lines(reports_index, reports):
    index, _ = reports_index
    results = run_json("ask", "--json", "-k", "1", "How many artillery shells did US troops fire?", index=index)
    top = results["results"][0]
    source = read_article(reports / "raqqa.pdf").source
    assert top["format"] == "pdf" and top["article"] == "raqqa.pdf" and top["path"] == str(reports / "raqqa.pdf")
    assert source[slice(*top["chars"])] == top["text"] and "30,000 artillery rounds" in top["text"]
    # below the end of page 1's last paragraph, and on to the last page's paragraph
    assert (top["page"], top["lines"], top["page_end"], top["lines_in"]) == (2, [3, 3], 3, "page")
    plain = run_qa("ask", "-k", "1", "How many artillery shells did US troops fire?", index=index).stdout
    assert "raqqa.pdf, page 2 line 3 to page 3 line 3" in plain.replace("\n    ", " ")


def test_encrypted_image_only_and_damaged_pdfs_are_skipped_with_their_reason(reports_index):
    _, summary = reports_index
    assert {Path(item["path"]).name: item["reason"] for item in summary["skipped"]} == {
        "locked.pdf": "encrypted PDF (needs a password)",
        "scan.pdf": "no text layer (an image-only PDF)",
        "broken.pdf": "unreadable PDF (PdfStreamError)",
    }
    assert summary["added"] == 1
