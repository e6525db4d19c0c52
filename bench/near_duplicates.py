"""Syndicated copies in an index: how many pairs and groups qa's MinHash/LSH finds, and a sample to read.

    python bench/near_duplicates.py INDEX [PAIRS] [SEED]

Signs every article of INDEX from its stored passages (as `qa index` does for the articles it
reads), links the copies with qa.near_duplicates, and prints the number of linked pairs and of
groups (articles linked directly or through others), the largest groups, and PAIRS random
linked pairs (30 by default; SEED, 0 by default, seeds the draw) with their titles, estimated
overlap and openings, to be judged by hand: the same story (a copy, an update) or not.
"""

from __future__ import annotations

import argparse
import random
import textwrap
import time
from collections import Counter
from pathlib import Path

from qa.backends.local.store import Store
from qa.near_duplicates import Signature, links, overlap


def groups(pairs: set[tuple[str, str]]) -> list[set[str]]:
    """Connected components of the pairs."""
    parent: dict[str, str] = {}

    def root(key: str) -> str:
        while parent.setdefault(key, key) != key:
            key = parent[key]
        return key

    for a, b in pairs:
        parent[root(a)] = root(b)
    found: dict[str, set[str]] = {}
    for key in parent:
        found.setdefault(root(key), set()).add(key)
    return sorted(found.values(), key=len, reverse=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("index", type=Path, metavar="INDEX", help="the index whose articles are compared")
    parser.add_argument(
        "sample", nargs="?", type=int, default=30, metavar="PAIRS", help="linked pairs printed to judge"
    )
    parser.add_argument("seed", nargs="?", type=int, default=0, metavar="SEED", help="seed of their random choice")
    args = parser.parse_args()
    index, sample, seed = args.index, args.sample, args.seed
    store = Store.open(index)
    articles = store.articles()
    began = time.perf_counter()
    texts = {path: " ".join(p.text for p in store.article_passages(path)) for path in articles}
    signatures = {path: Signature.of(text) for path, text in texts.items()}
    signed = time.perf_counter()
    pairs = links([signatures.items()])
    linked = time.perf_counter()
    found = groups(pairs)
    print(
        f"{len(articles)} articles: {len(pairs)} linked pairs in {len(found)} groups holding {sum(map(len, found))} articles"
    )
    print(f"signing {signed - began:.1f} s, linking {linked - signed:.1f} s")
    print("group sizes:", dict(sorted(Counter(map(len, found)).items())))
    for group in found[:5]:
        print(f"  {len(group)}: " + "; ".join(sorted(articles[p].title for p in group)[:4]))
    print()
    for number, (a, b) in enumerate(random.Random(seed).sample(sorted(pairs), min(sample, len(pairs))), start=1):
        print(f"[{number}] overlap {overlap(signatures[a], signatures[b]):.2f}")
        for path in (a, b):
            print(
                f"  {Path(path).name} — {articles[path].title} — {articles[path].metadata.get('outlet', '')}, {articles[path].metadata.get('date', '')}"
            )
            print(textwrap.indent(textwrap.fill(texts[path][:400], 110), "    "))
        print()


if __name__ == "__main__":
    main()
