"""Compare fusion schemes and weights on question sets, computing each candidate's signals once.

    python bench/fusion.py INDEX QUESTIONS.jsonl [INDEX QUESTIONS.jsonl ...]

Prints gold@1 / hit@1 / mrr@10 (by qa.evaluate, i.e. ir-measures) for each scheme:
weighted sums of the signals (qa.ranking.Weights), and reciprocal rank fusion of the rankings
by passage and best-sentence cosine and BM25.
"""

from __future__ import annotations

import argparse
import itertools
from pathlib import Path

from qa import evaluate as ev
from qa.ranking import Candidate, Weights, fuse
from qa.search import Searcher

RRF_SIGNALS = {
    "passage_dense": lambda c: c.centred_cosine,
    "passage_lexical": lambda c: c.bm25_share,
    "sentence_dense": lambda c: max(s.dense for s in c.sentences),
    "sentence_lexical": lambda c: max(s.lexical for s in c.sentences),
}


def rrf(candidates: list[Candidate], k: int = 60) -> list[float]:
    """Each candidate's reciprocal rank fusion score."""
    scores = [0.0] * len(candidates)
    for signal in RRF_SIGNALS.values():
        ordered = sorted(range(len(candidates)), key=lambda i: -signal(candidates[i]))
        for rank, i in enumerate(ordered, start=1):
            scores[i] += 1 / (k + rank)
    return scores


def main(pairs: list[tuple[Path, Path]]) -> None:
    sets = []
    for index, questions_path in pairs:
        searcher = Searcher.open(index)
        questions = ev.load_questions(questions_path)
        signals = [searcher.candidates(q.text) for q in questions]
        sets.append((questions_path.name, questions, signals, ev.judge(searcher.backend, questions)))
    schemes = {"rrf": None} | {
        f"w={pd},1.0,{pl},{sl},{at},{al}": Weights(pd, 1.0, pl, sl, at, al)
        for pd, pl, sl, at, al in itertools.product([0.5, 1.0], [0.25, 0.5], [0.25], [0.0, 0.15, 0.3, 0.45], [0.0, 0.2])
    }
    rows = []
    for name, weights in schemes.items():
        row = [name]
        for _, questions, signals, judgements in sets:
            rankings = []
            for question, candidates in zip(questions, signals, strict=False):
                if weights is None:
                    scores = rrf(candidates)
                else:
                    scores = [fuse(c, "hybrid", weights) for c in candidates]
                best = sorted(range(len(candidates)), key=lambda i: -scores[i])[:10]
                rankings.append(ev.ranked(question, [candidates[i].passage for i in best]))
            figures = ev.score(rankings, judgements).figures
            row += [figures.get("gold@1", 0.0), figures.get("hit@1", 0.0), figures.get("mrr@10", 0.0)]
        rows.append(row)
    header = ["scheme"] + [f"{name}:{m}" for name, *_ in sets for m in ("gold@1", "hit@1", "mrr@10")]
    print("\t".join(header))
    for row in sorted(rows, key=lambda r: -sum(r[1:])):
        print("\t".join([row[0]] + [f"{v:.3f}" for v in row[1:]]))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "paths", nargs="+", type=Path, metavar="INDEX QUESTIONS.jsonl", help="an index and a question set over it"
    )
    paths = parser.parse_args().paths
    if len(paths) % 2:
        parser.error("give each index its question set")
    main(list(zip(paths[::2], paths[1::2], strict=True)))
