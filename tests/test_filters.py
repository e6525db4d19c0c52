"""Filters pushed down into the local indexes: whether a filter is applied widely (the whole index searched for
more candidates, those of articles that pass kept) or narrowly (searched among the passages it keeps), both
indexes return exactly the passages an unfiltered search ranks that pass it."""

from __future__ import annotations

import json
from contextlib import closing
from datetime import date, timedelta

import numpy as np
import pytest
from conftest import ROOT, run_qa

from qa import onnx_encoder
from qa.backends.local import vector_index
from qa.backends.local.lexical import FtsIndex
from qa.backends.local.store import PassageChanges, Store
from qa.backends.local.vector_index import FaissIndex, VectorIndex
from qa.records import Filters
from qa.text import terms

SQUAD = ROOT / "bench" / "squad5"
QUESTIONS = [json.loads(line)["question"] for line in (SQUAD / "questions.jsonl").open()][::25][:12]
K = 10
FILTERS = {
    "wide": Filters(since=date(2002, 1, 1)),  # nine in ten articles
    "narrow": Filters(since=date(2018, 6, 1), until=date(2019, 12, 31)),  # one in twenty
    "source": Filters(source="normans"),
}


def paragraph_date(number: int) -> str:
    return (date(2000, 1, 1) + timedelta(days=number * 211 % 7300)).isoformat()


@pytest.fixture(scope="module")
def dated_index(tmp_path_factory):
    """An index of the squad5 articles' paragraphs, one dated Markdown article each, spread over twenty years."""
    folder = tmp_path_factory.mktemp("dated")
    number = 0
    for article in sorted((SQUAD / "articles").glob("*.txt")):
        title, *paragraphs = [part for part in article.read_text().split("\n\n") if part.strip()]
        for n, paragraph in enumerate(paragraphs):
            front = f'---\ntitle: "{title} ({n + 1})"\ndate: {paragraph_date(number)}\n---\n\n'
            (folder / f"{article.stem}-{n:02}.md").write_text(front + paragraph + "\n")
            number += 1
    index = tmp_path_factory.mktemp("dated-index")
    run_qa("index", str(folder), index=index)
    with closing(Store.open(index)) as store:
        yield store


def passes(store: Store, ranked: dict[int, float], filters: Filters) -> dict[int, float]:
    """The ranked passages whose article the filters let through, by reading each passage's article."""
    passages = store.passages(ranked)
    kept = {}
    for passage_id, score in ranked.items():
        passage = passages[passage_id]
        day = passage.metadata.get("date")
        if filters.source and filters.source not in f"{passage.path}\n{passage.title}".casefold():
            continue
        if (filters.since and not (day and day >= filters.since.isoformat())) or (
            filters.until and not (day and day <= filters.until.isoformat())
        ):
            continue
        kept[passage_id] = score
    return kept


def top(ranked: dict[int, float], k: int) -> dict[int, float]:
    return dict(list(ranked.items())[:k])


@pytest.mark.parametrize("way", ["wide", "narrow"])
@pytest.mark.parametrize("name", list(FILTERS))
def test_either_way_both_indexes_keep_the_best_passages_that_pass(dated_index, name, way):
    lexical, dense = FtsIndex(dated_index), FaissIndex(dated_index)
    lexical.narrow_passages = dense.narrow_passages = 0 if way == "wide" else 10**9
    filters = FILTERS[name]
    assert 0 < dated_index.filter_share(filters) < 1
    vectors = onnx_encoder.load(dated_index.directory, dated_index.manifest()).encode(QUESTIONS)
    for question, vector in zip(QUESTIONS, vectors, strict=True):
        words = terms(question)
        found = lexical.search(words, K, filters)
        assert found == top(passes(dated_index, lexical.search(words, 10**6, Filters()), filters), K)
        assert list(found.values()) == sorted(found.values(), reverse=True)
        nearest = dense.search(vector, K, filters)
        expected = top(passes(dated_index, dict(dense.search(vector, 10**6, Filters())), filters), K)
        assert [i for i, _ in nearest] == list(expected)
        assert np.allclose([s for _, s in nearest], list(expected.values()))


def test_an_ivf_base_searched_narrowly_is_exact_among_the_passages_kept(dated_index):
    base, generation = vector_index.build(dated_index, approximate=True)
    base.nprobe = 1
    index = VectorIndex(base, PassageChanges(generation, base.ntotal, [], []), dated_index)
    exact = FaissIndex(dated_index)
    filters = FILTERS["narrow"]
    among = dated_index.filtered_passages(filters)
    vectors = onnx_encoder.load(dated_index.directory, dated_index.manifest()).encode(QUESTIONS)
    for vector in vectors:
        found, expected = index.search(vector, K, among), exact.search(vector, K, filters)
        assert [i for i, _ in found] == [i for i, _ in expected]
        assert np.allclose([s for _, s in found], [s for _, s in expected], atol=1e-6)


def test_the_share_a_filter_keeps_is_counted_and_one_keeping_nothing_finds_nothing(dated_index):
    articles = dated_index.counts()["articles"]
    for filters in FILTERS.values():
        assert dated_index.filter_share(filters) == dated_index.articles_matching(filters) / articles
    assert dated_index.filter_share(Filters(since=date(2030, 1, 1))) == 0
    assert FtsIndex(dated_index).search(["normans"], K, Filters(since=date(2030, 1, 1))) == {}


def test_over_the_budget_a_narrow_filter_takes_candidates_among_its_passages_scored_on_all_words(dated_index):
    lexical, exact_index = FtsIndex(dated_index), FtsIndex(dated_index)
    lexical.match_budget = 1  # every question is over it, whatever share of the passages it searches
    filters = FILTERS["narrow"]
    answered = 0
    for question in QUESTIONS:
        exact = passes(dated_index, exact_index.search(terms(question), 10**6, Filters()), filters)
        found = lexical.search(terms(question), K, filters)
        assert all(exact[passage] == score for passage, score in found.items())
        answered += bool(found)
    assert answered >= len(QUESTIONS) // 2
