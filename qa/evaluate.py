"""Retrieval evaluation: run questions through the searcher and score the rankings with ir-measures.

A question set is JSON lines of {"question"|"q", "answers"|"a", optional "article",
"paragraph", "values", "id"}; "values" lists every distinct value the articles give for a figure
they disagree on. A line whose "answers" is [] (or any line of a set read as unanswerable) asks what
the index does not answer: it is judged by the confidence flag alone. A passage is relevant by answer when it contains an answer string
(whitespace- and case-normalised, not inside a longer word), and gold when it is in the
named article and spans the named paragraph. A BEIR folder (corpus.jsonl, queries.jsonl,
qrels/test.tsv) is indexed as one article per document and judged by its qrels.

Judging reads only the passages that can be relevant (FTS5 finds those holding an answer's
words in order), not every passage of the index for every question.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

from qa.backends.local.backend import LocalBackend
from qa.errors import QAError
from qa.ranking import FIGURE_POOL
from qa.records import StoredPassage
from qa.text import collapse_whitespace, replace_undecoded

CUTOFFS = (1, 3, 5, 10)
METRICS = (  # every figure `qa eval` may report; which a question set measures depends on what its lines give
    *(f"hit@{k}" for k in CUTOFFS),
    "mrr@10",
    *(f"gold@{k}" for k in CUTOFFS),
    "ndcg@10",
    "answer@1",
    "text@1",
    "shown_precision",
    "shown_unanswerable",
    "value_recall",
    "value_precision",
    "flagged_unanswerable",
    "flagged_answerable",
    "flag_precision",
    "flag_recall",
    "median_words",
)


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
    values: tuple[str, ...] = ()  # every distinct value the articles give, when they disagree
    answerable: bool = True  # False: nothing in the index answers it, and the answer should say so


@dataclass(frozen=True)
class Ranking:
    question: Question
    documents: list[str]  # ranked, each once (see _document)
    top_text: str  # what was ranked first, for listing failures
    values: tuple = ()  # the values shown as the answer (qa.figures.Figure), most supported first
    confident: bool = True  # the answer's confidence flag


@dataclass(frozen=True)
class Judgement:
    by_answer: frozenset[str]  # documents containing an answer string
    gold: frozenset[str]  # documents the question names: its article's paragraph, or its BEIR qrels


def _fold(text: str) -> str:
    return collapse_whitespace(text.casefold())


def _document(question: Question, passage_id: int, path: str) -> str:
    """Documents are passages, or whole articles (by file name, see beir_file_stem) when judged by BEIR qrels."""
    return Path(path).stem if question.relevant_documents else str(passage_id)


_PLAIN_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,99}")


def beir_file_stem(document_id: str) -> str:
    """The file name (without .txt) a BEIR document is written under: its id when that is a plain name, else
    a digest of it, so no id ("../../x", "/etc/x") names a file outside the folder."""
    if _PLAIN_ID.fullmatch(document_id):
        return document_id
    return "id-" + hashlib.sha256(document_id.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def _json_lines(path: Path, kind: str = "JSON line") -> list[tuple[int, object]]:
    """(line number, value) of each non-blank JSON line of a file; an EvalError naming the first bad line."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise EvalError(f"cannot read {path}: {error}") from None
    rows = []
    for number, line in enumerate(lines, start=1):
        if line.strip():
            try:
                rows.append((number, json.loads(line)))
            except (ValueError, RecursionError) as error:
                raise EvalError(f"{path}:{number}: not a {kind} ({error})") from None
    return rows


def _text(value, what: str) -> str:
    """value when it is a non-blank string (ids may be numbers), else a ValueError naming what."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{what} is not a non-empty string")
    return _valid(value)


def _valid(text: str) -> str:
    """text with any lone surrogate (JSON may escape one: "\\udcff") replaced, as no encoder or database takes one."""
    return replace_undecoded(text)


def ranked(question: Question, passages: list[StoredPassage], values: tuple = (), confident: bool = True) -> Ranking:
    documents = list(dict.fromkeys(_document(question, passage.id, passage.path) for passage in passages))
    return Ranking(question, documents, passages[0].text if passages else "", values, confident)


def load_questions(path: Path, unanswerable: bool = False) -> list[Question]:
    """The questions of a JSON-lines file; with unanswerable, every line is one the index should not answer
    (its "article" and "paragraph", if any, name where it looks answerable from, and are not judged)."""
    questions = []
    for number, row in _json_lines(path, "question line"):
        try:
            if not isinstance(row, dict):
                raise ValueError("not an object")
            text = _text(row.get("question", row.get("q")), "question")
            answers = row.get("answers", row.get("a", []))
            answers = [answers] if isinstance(answers, str) else answers
            if not isinstance(answers, list) or not all(isinstance(a, str) for a in answers):
                raise ValueError("answers are not a string or a list of strings")
            if unanswerable and answers:
                raise ValueError("answers given in a set of unanswerable questions")
            answers = [_valid(answer) for answer in answers]
            values = row.get("values", [])
            if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
                raise ValueError("values are not a list of strings")
            values = [_valid(value) for value in values]
            article = row.get("article")
            if article is not None and not isinstance(article, str):
                raise ValueError("article is not a file name")
            article = None if article is None else _valid(article)
            paragraph = row.get("paragraph")
            if paragraph is not None and (isinstance(paragraph, bool) or not str(paragraph).isdecimal()):
                raise ValueError("paragraph is not a number")
        except ValueError as error:
            raise EvalError(f"{path}:{number}: not a question line ({error})") from None
        answerable = not unanswerable and not (row.get("answers", row.get("a")) == [] and not values)
        questions.append(
            Question(
                str(row.get("id", number)),
                text,
                tuple(answers),
                article if answerable else None,
                None if paragraph is None or not answerable else int(str(paragraph)),
                values=tuple(values),
                answerable=answerable,
            )
        )
    if not questions:
        raise EvalError(f"{path}: no questions")
    return questions


def load_beir(folder: Path, split: str = "test") -> tuple[list[dict], list[Question]]:
    """(corpus documents, questions with their judged documents) of a BEIR-style folder."""
    try:
        corpus = []
        for number, row in _json_lines(folder / "corpus.jsonl"):
            where = f"corpus.jsonl:{number}"
            if not isinstance(row, dict):
                raise ValueError(f"{where}: not an object")
            corpus.append({**row, "_id": _text(row.get("_id"), f"{where}: _id")})
        queries = {}
        for number, row in _json_lines(folder / "queries.jsonl"):
            where = f"queries.jsonl:{number}"
            if not isinstance(row, dict):
                raise ValueError(f"{where}: not an object")
            queries[_text(row.get("_id"), f"{where}: _id")] = _text(row.get("text"), f"{where}: text")
        judged: dict[str, set[str]] = {}
        with (folder / "qrels" / f"{split}.tsv").open(encoding="utf-8") as file:
            for row in csv.DictReader(file, delimiter="\t"):
                if int(row["score"]) > 0:
                    judged.setdefault(row["query-id"], set()).add(beir_file_stem(row["corpus-id"]))
    except EvalError as error:
        raise EvalError(f"{folder}: not a BEIR folder ({error})") from None
    except (OSError, ValueError, KeyError, TypeError, csv.Error) as error:
        raise EvalError(f"{folder}: not a BEIR folder ({error})") from None
    questions = [
        Question(qid, queries[qid], relevant_documents=frozenset(docs))
        for qid, docs in judged.items()
        if qid in queries
    ]
    return corpus, questions


def write_beir_articles(corpus: list[dict], folder: Path) -> None:
    """One article file per document (title as headline), rewritten only when its content changed; named by
    beir_file_stem, so every file lands in folder."""
    folder.mkdir(parents=True, exist_ok=True)
    for document in corpus:
        text = f"{document.get('title') or document['_id']}\n\n{document.get('text', '')}\n"
        path = folder / f"{beir_file_stem(document['_id'])}.txt"
        if not path.is_file() or path.read_text(encoding="utf-8", errors="replace") != text:
            path.write_text(text, encoding="utf-8", errors="surrogatepass")


def rank_all(searcher, questions: list[Question], mode: str, depth: int = 10) -> tuple[list[Ranking], list[int]]:
    """Rankings of every question in one mode (with the values read from them, as `qa ask` reads them from its
    FIGURE_POOL best passages), and the word counts of the passages ranked first."""
    rankings, words = [], []
    for question in questions:
        answer = searcher.rank(question.text, max(depth, FIGURE_POOL), mode)
        passages = [result.passage for result in answer.results[:depth]]
        found = searcher.values_of(question.text, answer.results) if answer.confident else []
        rankings.append(ranked(question, passages, tuple(found), answer.confident))
        if question.answerable:
            words += [len(passage.text.split()) for passage in passages[:1]]
    return rankings, words


def judge(backend: LocalBackend, questions: list[Question]) -> dict[str, Judgement]:
    """What each question (by id) counts as relevant in the index."""
    store = backend.store
    paths_by_name: dict[str, list[str]] = {}  # questions name their article by file name
    for path in store.article_paths():
        paths_by_name.setdefault(Path(path).name, []).append(path)

    def gold(question: Question) -> set[str]:
        if question.relevant_documents or question.paragraph is None:
            return set(question.relevant_documents)
        paths = paths_by_name.get(question.article or "", [])
        return {str(pid) for path in paths for pid in store.passages_spanning(path, question.paragraph)}

    def by_answer(question: Question) -> set[str]:
        documents = set()
        for answer in question.answers:
            contains = re.compile(rf"(?<!\w){re.escape(_fold(answer))}(?!\w)")
            documents |= {
                _document(question, pid, path)
                for pid, path, text in backend.lexical.passages_holding(answer)
                if contains.search(_fold(text))
            }
        return documents

    return {q.id: Judgement(frozenset(by_answer(q)), frozenset(gold(q))) for q in questions}


@dataclass
class Evaluation:
    figures: dict[str, float]
    missed: list[Ranking]  # questions whose first passage is not relevant (gold when given, else by answer)


def score(rankings: list[Ranking], judgements: dict[str, Judgement]) -> Evaluation:
    """hit@k and mrr@10 by answer string; gold@k and ndcg@10 when gold labels are given; the confidence flag's
    figures when some questions are unanswerable (which take no part in the others)."""
    import ir_measures
    from ir_measures import RR, Success, nDCG

    run, answer_qrels, gold_qrels, missed = [], [], [], []
    answered = judged = 0
    for ranking in rankings:
        question, docs = ranking.question, ranking.documents
        if not question.answerable:
            continue
        run += [ir_measures.ScoredDoc(question.id, doc, float(len(docs) - rank)) for rank, doc in enumerate(docs)]
        by_answer, gold = judgements[question.id].by_answer, judgements[question.id].gold
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
    return Evaluation(figures | answer_figures(rankings) | flag_figures(rankings), missed)


def flag_figures(rankings: list[Ranking]) -> dict[str, float]:
    """How well the confidence flag tells unanswerable questions from answerable ones: the share of each side
    flagged not confident, and the flag's precision (flagged questions that are unanswerable) and recall
    (unanswerable questions flagged). Empty without unanswerable questions; without answerable ones, no share
    of that side."""
    flagged = [not r.confident for r in rankings if not r.question.answerable]
    if not flagged:
        return {}
    wrongly = [not r.confident for r in rankings if r.question.answerable]
    found = {
        "flagged_unanswerable": sum(flagged) / len(flagged),
        **({"flagged_answerable": sum(wrongly) / len(wrongly)} if wrongly else {}),
        "flag_precision": sum(flagged) / (sum(flagged) + sum(wrongly)) if any(flagged) else 0.0,
        "flag_recall": sum(flagged) / len(flagged),
    }
    return {name: round(value, 4) for name, value in found.items()}


def _holds(gold: str, text: str) -> bool:
    """Whether text holds the gold string as whole words, in any case and spacing."""
    return bool(re.search(rf"(?<!\w){re.escape(_fold(gold))}(?!\w)", _fold(text)))


def _gives(golds: tuple[str, ...], figure) -> bool:
    """Whether a shown value is one of the gold values: as written, or as normalised ("seven" for 7)."""
    first = figure.first
    return any(
        _holds(gold, first.value)
        or _fold(gold) == _fold(first.normalized)
        or (first.kind not in ("name", "place") and _holds(first.value, gold))  # "21" for "21 civilians"
        for gold in golds
    )


def answer_figures(rankings: list[Ranking]) -> dict[str, float]:
    """answer@1: the first value shown is a gold string (answers or values), over the questions asking for a
    short fact; text@1: its quoted phrase holds one; shown_precision: the share of all the values shown for them
    that are gold (a lower bound where a line lists one answer and its sources give others too); value_recall: the
    share of a line's gold values shown, and value_precision: the share of shown values that are gold, over lines
    listing values; shown_unanswerable: the share of unanswerable questions asking for a short fact that are shown
    a value (every one of which is wrong)."""
    from qa.answer_type import figure_kind

    asked = [r for r in rankings if (r.question.answers or r.question.values) and figure_kind(r.question.text)]
    listed = [r for r in rankings if r.question.values]
    unanswerable = [r for r in rankings if not r.question.answerable and figure_kind(r.question.text)]
    found = {}
    if asked:
        golds = [(r, r.question.answers + r.question.values) for r in asked]
        found["answer@1"] = sum(bool(r.values) and _gives(g, r.values[0]) for r, g in golds) / len(asked)
        found["text@1"] = sum(bool(r.values) and any(_holds(x, r.values[0].first.phrase) for x in g) for r, g in golds)
        found["text@1"] /= len(asked)
        judged = [_gives(g, f) for r, g in golds for f in r.values]
        found["shown_precision"] = sum(judged) / max(len(judged), 1)
    if listed:
        recall = [
            sum(any(_gives((v,), f) for f in r.values) for v in r.question.values) / len(r.question.values)
            for r in listed
        ]
        found["value_recall"] = sum(recall) / len(listed)
        shown = [f for r in listed for f in r.values]
        found["value_precision"] = sum(
            _gives(r.question.values + r.question.answers, f) for r in listed for f in r.values
        ) / max(len(shown), 1)
    if unanswerable:
        found["shown_unanswerable"] = sum(bool(r.values) for r in unanswerable) / len(unanswerable)
    return {name: round(value, 4) for name, value in found.items()}
