"""Retrieval evaluation: run questions through the searcher and score the rankings with ir-measures.

A question set is JSON lines of {"question"|"q", "answers"|"a", optional "article",
"paragraph", "id"}. A passage is relevant by answer when it contains an answer string
(whitespace- and case-normalised), and gold when it is in the named article and spans
the named paragraph. A BEIR folder (corpus.jsonl, queries.jsonl, qrels/test.tsv) is
indexed as one article per document and judged by its qrels.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from pathlib import Path

from qa.errors import QAError

CUTOFFS = (1, 3, 5, 10)


class EvalError(QAError):
    """A question set that cannot be read."""


@dataclass(frozen=True)
class Question:
    id: str
    text: str
    answers: tuple[str, ...] = ()
    article: str | None = None
    paragraph: int | None = None
    relevant_documents: frozenset[str] = frozenset()  # BEIR: judged document ids


@dataclass(frozen=True)
class Judged:
    """An indexed passage as judgement needs it."""

    id: int
    article: str  # file name
    first_block: int
    last_block: int
    folded_text: str


@dataclass
class Ranking:
    question: Question
    passage_ids: list[int] = field(default_factory=list)
    top_text: str = ""  # what was ranked first, for listing failures


def _fold(text: str) -> str:
    return " ".join(text.casefold().split())


def load_questions(path: Path) -> list[Question]:
    questions = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise EvalError(f"cannot read {path}: {error}") from None
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            text = row.get("question", row.get("q"))
            answers = row.get("answers", row.get("a", []))
            answers = [answers] if isinstance(answers, str) else answers
            if not isinstance(text, str) or not text.strip():
                raise ValueError("no question")
        except (ValueError, AttributeError) as error:
            raise EvalError(f"{path}:{number}: not a question line ({error})") from None
        paragraph = row.get("paragraph")
        questions.append(
            Question(
                str(row.get("id", number)),
                text,
                tuple(answers),
                row.get("article"),
                None if paragraph is None else int(paragraph),
            )
        )
    if not questions:
        raise EvalError(f"{path}: no questions")
    return questions


def load_beir(folder: Path, split: str = "test") -> tuple[list[dict], list[Question]]:
    """(corpus documents, questions with their judged documents) of a BEIR-style folder."""
    try:
        corpus = [
            json.loads(line)
            for line in (folder / "corpus.jsonl").read_text(encoding="utf-8").splitlines()
            if line.strip()
        ]
        queries = {
            row["_id"]: row["text"]
            for row in map(json.loads, (folder / "queries.jsonl").read_text(encoding="utf-8").splitlines())
        }
        judged: dict[str, set[str]] = {}
        with (folder / "qrels" / f"{split}.tsv").open(encoding="utf-8") as file:
            for row in csv.DictReader(file, delimiter="\t"):
                if int(row["score"]) > 0:
                    judged.setdefault(row["query-id"], set()).add(row["corpus-id"])
    except (OSError, ValueError, KeyError) as error:
        raise EvalError(f"{folder}: not a BEIR folder ({error})") from None
    questions = [
        Question(qid, queries[qid], relevant_documents=frozenset(docs))
        for qid, docs in judged.items()
        if qid in queries
    ]
    return corpus, questions


def write_beir_articles(corpus: list[dict], folder: Path) -> None:
    """One article file per document (title as headline), rewritten only when its content changed."""
    folder.mkdir(parents=True, exist_ok=True)
    for document in corpus:
        text = f"{document.get('title') or document['_id']}\n\n{document.get('text', '')}\n"
        path = folder / f"{document['_id']}.txt"
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")


def load_corpus(store) -> list[Judged]:
    return [
        Judged(pid, Path(path).name, first, last, _fold(text)) for pid, path, first, last, text in store.all_passages()
    ]


def rank_all(searcher, questions: list[Question], mode: str, depth: int = 10) -> tuple[list[Ranking], list[int]]:
    """Rankings of every question in one mode, and the word counts of the passages ranked first."""
    rankings, words = [], []
    for question in questions:
        answer = searcher.rank(question.text, depth, mode)
        ids = [r.passage.id for r in answer.results]
        top = answer.results[0].passage.text if answer.results else ""
        rankings.append(Ranking(question, ids, top))
        words += [len(r.passage.text.split()) for r in answer.results[:1]]
    return rankings, words


def _doc(question: Question, passage: Judged) -> str:
    """Documents are passages, or whole articles when judged by BEIR qrels."""
    return Path(passage.article).stem if question.relevant_documents else str(passage.id)


def relevant(question: Question, corpus: list[Judged]) -> tuple[set[str], set[str]]:
    """(documents containing an answer string, gold documents) for a question."""
    answers = [_fold(a) for a in question.answers]
    by_answer = {_doc(question, p) for p in corpus if answers and any(a in p.folded_text for a in answers)}
    if question.relevant_documents:
        gold = set(question.relevant_documents)
    else:
        gold = {
            _doc(question, p)
            for p in corpus
            if question.paragraph is not None
            and p.article == question.article
            and p.first_block <= question.paragraph <= p.last_block
        }
    return by_answer, gold


@dataclass
class Evaluation:
    figures: dict[str, float]
    missed: list[Ranking]  # questions whose first passage is not relevant (gold when given, else by answer)


def score(rankings: list[Ranking], corpus: list[Judged]) -> Evaluation:
    """hit@k and mrr@10 by answer string; gold@k and ndcg@10 when gold labels are given."""
    import ir_measures
    from ir_measures import RR, Success, nDCG

    by_id = {p.id: p for p in corpus}
    run, answer_qrels, gold_qrels, missed = [], [], [], []
    answered = judged = 0
    for ranking in rankings:
        question = ranking.question
        docs = list(dict.fromkeys(_doc(question, by_id[pid]) for pid in ranking.passage_ids if pid in by_id))
        run += [ir_measures.ScoredDoc(question.id, doc, float(len(docs) - rank)) for rank, doc in enumerate(docs)]
        by_answer, gold = relevant(question, corpus)
        has_gold = bool(question.relevant_documents or question.article)
        if question.answers:
            answered += 1  # a question whose answer is nowhere still counts, as a miss
            answer_qrels += [ir_measures.Qrel(question.id, doc, 1) for doc in by_answer or {"(absent)"}]
        if has_gold:
            judged += 1
            gold_qrels += [ir_measures.Qrel(question.id, doc, 1) for doc in gold or {"(absent)"}]
        if not docs or docs[0] not in (gold if has_gold else by_answer):
            missed.append(ranking)

    def means(names: dict, qrels: list, count: int) -> dict[str, float]:
        totals = dict.fromkeys(names.values(), 0.0)
        for metric in ir_measures.iter_calc(list(names), qrels, run):
            totals[names[metric.measure]] += metric.value
        return {name: round(total / count, 4) for name, total in totals.items()}

    figures = {}
    if answered:
        figures |= means({Success @ k: f"hit@{k}" for k in CUTOFFS} | {RR @ 10: "mrr@10"}, answer_qrels, answered)
    if judged:
        figures |= means({Success @ k: f"gold@{k}" for k in CUTOFFS} | {nDCG @ 10: "ndcg@10"}, gold_qrels, judged)
    return Evaluation(figures, missed)
