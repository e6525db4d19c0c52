"""Which PDF library reads a two-column page and a table page in reading order: pypdf, pdfplumber, pdfminer.

    pip install -e '.[bench]'   # pdfplumber; pypdf and fpdf2 come with qa and its tests
    python bench/pdf_extraction.py

Makes the pages with fpdf2 (tests/pdf_fixtures.py), extracts their text with each
library and prints how much of the text as written each gives back in order (difflib's
ratio over the word sequences: 1.0 is every word, in order) and the time taken.
"""

from __future__ import annotations

import argparse
import difflib
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from pdf_fixtures import LEFT_COLUMN, RIGHT_COLUMN, TABLE, TABLE_CAPTION, write_columns_and_table  # noqa: E402

PAGES = {
    "two columns": f"{LEFT_COLUMN} {RIGHT_COLUMN}",
    "table": " ".join([TABLE_CAPTION, *(" ".join(row) for row in TABLE)]),
}


def with_pypdf(path: Path) -> list[str]:
    import pypdf

    return [page.extract_text() for page in pypdf.PdfReader(path).pages]


def with_pdfplumber(path: Path) -> list[str]:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        return [page.extract_text() for page in pdf.pages]


def with_pdfminer_layout(path: Path) -> list[str]:
    from pdfminer.high_level import extract_text

    return extract_text(path).split("\f")[: len(PAGES)]


def main() -> None:
    argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter).parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "columns-and-table.pdf"
        write_columns_and_table(path)
        print(f"{'library':<22}" + "".join(f"{name:>14}" for name in PAGES) + f"{'ms':>8}")
        for name, extract in (
            ("pypdf", with_pypdf),
            ("pdfplumber", with_pdfplumber),
            ("pdfminer (LAParams)", with_pdfminer_layout),
        ):
            began = time.perf_counter()
            pages = extract(path)
            took = (time.perf_counter() - began) * 1000
            ratios = [
                difflib.SequenceMatcher(None, truth.split(), text.split(), autojunk=False).ratio()
                for truth, text in zip(PAGES.values(), pages, strict=True)
            ]
            print(f"{name:<22}" + "".join(f"{ratio:>14.3f}" for ratio in ratios) + f"{took:>8.0f}")


if __name__ == "__main__":
    main()
