"""Write benchmark articles stored as JSON as plain-text articles qa indexes: the title, a `Source:` line and a
date line (read as the article's metadata), then the story's paragraphs. Never edit the output by hand.

    python bench/to_text.py newsplease bench/news5w1h/json /tmp/news5w1h       # news-please JSON files
    python bench/to_text.py reuters bench/reuters21578/sample.jsonl /tmp/reuters  # one story per line
"""

from __future__ import annotations

import argparse
import json
from datetime import date
from pathlib import Path

from qa.chunking import sentence_spans

SENTENCES_PER_PARAGRAPH = 3  # news-please keeps a story as one block: paragraphs of three sentences stand in


def article_text(title: str, outlet: str, day: str | None, paragraphs: list[str]) -> str:
    """The article as qa reads plain text: the title, the outlet and the date each a block of their own (where qa
    recognises them), then one block per paragraph."""
    dateline = [f"{date.fromisoformat(day):%B} {int(day[8:])}, {day[:4]}"] if day else []
    return "\n\n".join([title.strip(), f"Source: {outlet}", *dateline, *paragraphs]) + "\n"


def paragraphs_of(story: str) -> list[str]:
    """A story given as one block, cut into paragraphs of a few sentences."""
    story = " ".join(story.split())
    sentences = [story[start:end] for start, end in sentence_spans(story)]
    return [
        " ".join(sentences[i : i + SENTENCES_PER_PARAGRAPH]) for i in range(0, len(sentences), SENTENCES_PER_PARAGRAPH)
    ]


def newsplease(folder: Path, out: Path) -> None:
    for path in sorted(folder.glob("*.json")):
        item = json.loads(path.read_text(encoding="utf-8"))
        day = (item.get("date_publish") or "None")[:10]
        day = day if day[:1].isdigit() else None
        text = article_text(item["title"], item["publisher"], day, paragraphs_of(item["text"]))
        (out / f"{item.get('category') or 'other'}-{path.stem[:8]}.txt".replace(" ", "_")).write_text(
            text, encoding="utf-8"
        )


def reuters(lines: Path, out: Path) -> None:
    for line in lines.read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        paragraphs = [" ".join(p.split()) for p in item["text"].split("\n\n") if p.strip()]
        text = article_text(item["title"].title(), item["outlet"], item["date"], paragraphs)
        (out / f"{item['id']}.txt").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    converters = {"newsplease": newsplease, "reuters": reuters}
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("kind", choices=converters, help="how the stories are stored")
    parser.add_argument(
        "source", type=Path, metavar="SOURCE", help="a folder of news-please JSON files, or a JSON Lines file"
    )
    parser.add_argument("target", type=Path, metavar="TARGET", help="the folder the text articles are written to")
    args = parser.parse_args()
    args.target.mkdir(parents=True, exist_ok=True)
    converters[args.kind](args.source, args.target)
