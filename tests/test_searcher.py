"""Searcher on the in-memory backend and hashing encoder (tests/memory_backend.py) over the hand-written articles
(tests/sample_articles.py): ranking, modes, filters, grouping and confidence in milliseconds, through the public
Searcher API only."""

from __future__ import annotations

import threading
from concurrent.futures import Future
from datetime import date

import pytest
from memory_backend import HashingEncoder, MemoryBackend
from sample_articles import COPIES, new_articles

from qa.records import Filters, StoredPassage
from qa.search import Searcher, _written_before
from qa.value_forms import periods

LANTERNS = "How many lanterns were released over the harbour in 2019?"
LANTERN_ARTICLES = {"planet/lanterns.txt", "wire/lanterns.txt"}
BRIDGE_ARTICLES = {"gazette/bridge.txt", "courier/bridge-digest.txt"}


@pytest.fixture()
def searcher() -> Searcher:
    encoder = HashingEncoder()
    return Searcher(MemoryBackend(new_articles(), encoder, COPIES), encoder)


def every_passage_count(searcher: Searcher) -> int:
    return searcher.backend.store.counts()["passages"]


@pytest.mark.parametrize("mode", ["hybrid", "dense", "lexical"])
@pytest.mark.parametrize(
    ("question", "answer"),
    [
        (LANTERNS, "4,000 lanterns were released"),
        ("How many steel cables did the engineers replace?", "Engineers replaced 212 steel cables"),
        ("What did growers pick in the valley this autumn?", "picked 31,000 tonnes of apples"),
    ],
)
def test_the_passage_holding_the_questions_words_ranks_first(searcher, mode, question, answer):
    best = searcher.rank(question, 3, mode).results[0]
    assert answer in best.passage.text
    assert answer in best.answer_text  # its answering sentence


def test_dense_mode_ranks_by_the_cosine_of_question_and_passage(searcher):
    ranked = searcher.rank("Which cider press opened?", 100, "dense").results
    assert len(ranked) == every_passage_count(searcher)
    query = searcher.encoder.encode(["Which cider press opened?"])[0]
    vectors = searcher.backend.dense.passage_vectors([r.passage.id for r in ranked])
    assert [r.score for r in ranked] == pytest.approx([float(vectors[r.passage.id] @ query) for r in ranked])


def test_lexical_mode_ranks_only_the_passages_holding_a_word_of_the_question(searcher):
    ranked = searcher.rank("Which cider press opened?", 100, "lexical").results
    assert [r.passage.text for r in ranked] == ["A new cider press opened beside the old granary."]
    assert ranked[0].score == pytest.approx(1.0, abs=0.01)  # its BM25 over the best's, the cosine breaking ties


def test_hybrid_mode_reads_both_retrievers(searcher):
    hybrid = searcher.rank("Which cider press opened?", 100, "hybrid").results
    dense = searcher.rank("Which cider press opened?", 100, "dense").results
    assert len(hybrid) == len(dense) == every_passage_count(searcher)
    assert hybrid[0].passage.text == "A new cider press opened beside the old granary."
    assert [r.score for r in hybrid] != pytest.approx([r.score for r in dense])
    scores = [r.score for r in hybrid]
    assert scores == sorted(scores, reverse=True)


def test_k_is_respected(searcher):
    assert len(searcher.rank(LANTERNS, 3).results) == 3
    assert len(searcher.ask(LANTERNS, 1).results) == 1
    assert len(searcher.rank(LANTERNS, 100).results) == every_passage_count(searcher)


def test_the_searchers_filters_restrict_every_question(searcher):
    searcher.filters = Filters(source="gotham")
    for question in (LANTERNS, "When did the bridge reopen?"):
        results = searcher.ask(question, 5).results
        assert results and {r.passage.metadata["outlet"] for r in results} == {"Gotham Gazette"}


def test_a_questions_own_filters_replace_the_searchers(searcher):
    searcher.filters = Filters(source="gotham")
    results = searcher.rank(LANTERNS, 5, filters=Filters(source="metro wire")).results
    assert results and {r.passage.path for r in results} == {"wire/lanterns.txt"}
    dated = searcher.rank(LANTERNS, 20, filters=Filters(since=date(2018, 1, 1), until=date(2018, 12, 31))).results
    assert {r.passage.path for r in dated} == BRIDGE_ARTICLES
    assert searcher.rank(LANTERNS, 5, filters=Filters()).results[0].passage.path in LANTERN_ARTICLES


def test_finds_articles_says_whether_any_article_passes(searcher):
    assert searcher.finds_articles(Filters())
    assert searcher.finds_articles(Filters(source="daily planet"))
    assert searcher.finds_articles(Filters(until=date(2017, 12, 31)))
    assert not searcher.finds_articles(Filters(source="Evening Standard"))
    assert not searcher.finds_articles(Filters(since=date(2030, 1, 1)))


def test_filters_letting_nothing_through_give_no_answer(searcher):
    answer = searcher.ask(LANTERNS, 5, filters=Filters(source="Evening Standard"))
    assert not answer.confident and answer.results == [] and answer.figures == ()


def test_ask_lists_a_repeat_in_another_article_under_the_better_result(searcher):
    ranked = searcher.rank(LANTERNS, 2).results
    assert {r.passage.path for r in ranked} == LANTERN_ARTICLES  # the same sentence, in two outlets
    best, *others = searcher.ask(LANTERNS, 5).results
    assert [r.passage.path for r in best.also_in] == [ranked[1].passage.path]
    assert best.passage.path == ranked[0].passage.path
    assert all(r.passage.path == best.passage.path or r.passage.path not in LANTERN_ARTICLES for r in others)


def test_ask_lists_a_syndicated_copy_under_its_original(searcher):
    question = "When did traffic return to the Kestrel bridge?"
    ranked = searcher.rank(question, 10).results
    assert BRIDGE_ARTICLES <= {r.passage.path for r in ranked[:4]}
    results = searcher.ask(question, 5).results
    kept = [r for r in results if r.passage.path in BRIDGE_ARTICLES]
    assert len({r.passage.path for r in kept}) == 1  # the copy is not a result of its own...
    folded = {repeat.passage.path for r in kept for repeat in r.also_in}
    assert folded == BRIDGE_ARTICLES - {kept[0].passage.path}  # ...but listed under its original


def test_confident_when_a_sentence_answers_with_every_word_of_the_question(searcher):
    assert searcher.ask(LANTERNS).confident


def test_not_confident_when_the_question_names_a_number_no_passage_holds(searcher):
    answer = searcher.ask(LANTERNS.replace("2019", "2031"))
    assert not answer.confident
    assert answer.results and answer.figures == ()


def test_not_confident_when_the_best_passage_was_written_before_the_year_asked_of(searcher):
    """A later event: a passage of 2018 does not tell what happened in 2019 (a year other passages hold), unless it
    names that year."""
    cables = "How many steel cables did the engineers replace on the Kestrel bridge?"
    assert searcher.ask(cables).confident
    answer = searcher.ask(cables.replace("?", " in 2019?"))
    assert answer.results[0].passage.path == "gazette/bridge.txt"  # of 2018-03-02
    assert not answer.confident and answer.figures == ()
    assert not searcher.ask(cables.replace("?", " in April 2018?")).confident  # 2018 held by no passage
    assert searcher.ask(LANTERNS.replace("in 2019", "in December 2019")).confident  # of August, naming 2019


def _passage(text: str, published: str) -> StoredPassage:
    return StoredPassage(1, text, 1, 1, 0, len(text), 1, 1, "file", ((0, len(text)),), "a.txt", "", {"date": published})


@pytest.mark.parametrize(
    ("asked", "said", "later"),
    [
        ("in 2019", "Repairs ran on.", True),
        ("in 2018", "Repairs ran on.", False),  # of March 2018
        ("in February 2018", "Repairs ran on.", False),
        ("in April 2018", "Repairs ran on.", True),
        ("in 2019", "Repairs ran over the 2018/19 winter.", False),  # the year named in its short forms
        ("in 2019", "Repairs ran into '19.", False),
        ("in 2019", "Repairs ran into 2019.", False),
        ("in 2019", "Repairs began on 10/19.", True),  # a day and month, not a year
    ],
)
def test_a_passage_is_written_before_the_period_asked_of_unless_it_names_its_year(asked, said, later):
    assert _written_before(f"What did the repairs cost {asked}?", _passage(said, "2018-03-02")) is later
    assert not _written_before(f"What will the repairs cost {asked}?", _passage(said, "2018-03-02"))  # a forecast
    assert _written_before(f"What did the project cost {asked}?", _passage(said, "2018-03-02")) is later  # a noun


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("Who won the 2017 World Series?", [("2017", "2017")]),
        ("How far did the Dow fall in October 1987?", [("1987", "1987-10")]),
        ("What happened in sept. 1987 and in 1990?", [("1987", "1987-09"), ("1990", "1990")]),
        ("Did 1,600 civilians die, or 4,724?", []),
        ("How many of its 2000 workers were laid off?", []),  # a count
        ("Is there a route of 2000 kilometres?", []),  # a measure
        ("What were Chrysler's 1987 earnings?", [("1987", "1987")]),
        ("What may 2020 bring?", [("2020", "2020")]),  # "may" a verb
        ("What happened in May 2020?", [("2020", "2020-05")]),
    ],
)
def test_periods_are_the_years_a_question_names_with_the_start_of_each(text, named):
    assert periods(text) == named


def test_a_number_the_question_names_is_held_whole_with_or_without_thousands_commas(searcher):
    assert not searcher.ask(LANTERNS.replace("2019", "2019,000")).confident  # "2019" and "000" are held apart
    assert searcher.ask("Were 4000 lanterns released over the harbour in 2019?").confident  # "4,000 lanterns"
    assert searcher.ask("Were 4,000 lanterns released over the harbour in 2,019?").confident


def test_values_of_reads_the_value_asked_for(searcher):
    answer = searcher.ask(LANTERNS)
    assert answer.figures and answer.figures[0].first.value == "4,000"
    assert answer.figures[0].articles == 2  # two outlets give it
    values = searcher.values_of(LANTERNS, searcher.rank(LANTERNS, 10).results)
    assert [figure.first.value for figure in values] == [figure.first.value for figure in answer.figures]


def test_no_candidates_no_answer(searcher):
    answer = searcher.ask("Who painted the zeppelin hangar?", 5, "lexical")
    assert not answer.confident and answer.results == []


def test_an_empty_index_gives_no_answer():
    encoder = HashingEncoder()
    searcher = Searcher(MemoryBackend([], encoder), encoder)
    for mode in ("hybrid", "dense", "lexical"):
        answer = searcher.ask(LANTERNS, 5, mode)
        assert not answer.confident and answer.results == []
    assert not searcher.finds_articles(Filters(source="planet"))


def test_an_encoder_still_loading_is_waited_for():
    encoder, loading = HashingEncoder(), Future()
    searcher = Searcher(MemoryBackend(new_articles(), encoder, COPIES), loading)
    threading.Timer(0.05, loading.set_result, [encoder]).start()
    assert searcher.rank(LANTERNS, 1).results[0].passage.path in LANTERN_ARTICLES
    assert searcher.encoder is encoder
