"""The ranking formula on hand-made candidates: fusion, the answering sentence, confidence and repeat grouping.

No index and no model: each test sets the signals a retrieval would have gathered and checks what ranks first.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from qa.answer import Result
from qa.ranking import (
    Candidate,
    Confidence,
    SentenceSignals,
    Weights,
    best_sentence,
    close_enough,
    fuse,
    group_repeats,
    says_the_same,
)
from qa.records import StoredPassage

WEIGHTS = Weights()


def _passage(text: str = "A passage.", path: str = "a.txt", passage_id: int = 1) -> StoredPassage:
    return StoredPassage(passage_id, text, 1, 1, 0, len(text), 1, 1, "file", ((0, len(text)),), path, "T", {})


def _sentence(dense=0.0, lexical=0.0, typed=False, statement=True, span=(0, 10)) -> SentenceSignals:
    return SentenceSignals(dense, lexical, typed, statement, span)


def _candidate(sentences=(), **signals) -> Candidate:
    """A candidate whose signals are 0 unless given, with one neutral sentence unless sentences are given."""
    fields = dict(cosine=0.0, centred_cosine=0.0, bm25_share=0.0, article_bm25_share=0.0, closeness=0.0)
    fields.update(signals)
    fields.setdefault("distinctness", fields["centred_cosine"])
    return Candidate(passage=_passage(), sentences=tuple(sentences) or (_sentence(),), **fields)


def _first(*candidates: Candidate, mode: str = "hybrid") -> Candidate:
    return max(candidates, key=lambda candidate: fuse(candidate, mode, WEIGHTS))


def test_hybrid_score_is_the_weighted_sum_of_each_signal_with_its_own_weight():
    weights = Weights(
        passage_dense=2.0, sentence_dense=3.0, passage_lexical=5.0, sentence_lexical=7.0, answer_type=11.0,
        article_lexical=13.0, heading=0.5,
    )  # fmt: skip
    statement = _sentence(dense=0.25, lexical=0.5, typed=True)
    candidate = _candidate([statement], cosine=0.9, centred_cosine=0.5, bm25_share=0.25, article_bm25_share=0.75)
    assert fuse(candidate, "hybrid", weights) == 2 * 0.5 + 5 * 0.25 + 13 * 0.75 + 3 * 0.25 + 7 * 0.5 + 11
    heading = replace(statement, statement=False)
    assert fuse(replace(candidate, sentences=(heading,)), "hybrid", weights) == (
        2 * 0.5 + 5 * 0.25 + 13 * 0.75 + (3 * 0.25 + 7 * 0.5) * 0.5 + 11
    )


def test_a_passage_whose_sentence_answers_closely_beats_one_only_close_as_a_whole():
    """The sentence's cosine weighs more than the passage's: the answer is a sentence."""
    answering_sentence = _candidate([_sentence(dense=0.6)], centred_cosine=0.3)
    close_overall = _candidate([_sentence(dense=0.3)], centred_cosine=0.6)
    assert _first(close_overall, answering_sentence) is answering_sentence


def test_a_higher_bm25_passage_cosine_or_article_bm25_ranks_first_all_else_equal():
    plain = _candidate(centred_cosine=0.2, bm25_share=0.2, article_bm25_share=0.2)
    for better in (
        replace(plain, centred_cosine=0.3),
        replace(plain, bm25_share=0.3, article_bm25_share=0.3),
        replace(plain, article_bm25_share=0.5),  # the article the question names lifts its passages
        replace(plain, sentences=(_sentence(lexical=0.5),)),
    ):
        assert _first(plain, better) is better and _first(better, plain) is better


def test_the_passage_bm25_weighs_more_than_the_articles():
    own_words = _candidate(bm25_share=0.5, article_bm25_share=0.5)
    article_only = _candidate(bm25_share=0.0, article_bm25_share=1.0)
    assert _first(article_only, own_words) is own_words


def test_a_sentence_holding_the_kind_of_answer_asked_for_beats_a_slightly_closer_one():
    typed = _candidate([_sentence(dense=0.5, typed=True)])
    closer = _candidate([_sentence(dense=0.7)])
    assert _first(closer, typed) is typed


def test_the_kind_of_answer_asked_for_outweighs_the_question_words_in_a_sentence():
    typed = _candidate([_sentence(dense=0.5, typed=True)])
    same_words = _candidate([_sentence(dense=0.5, lexical=1.0)])
    assert _first(same_words, typed) is typed


def test_a_heading_keeps_part_of_its_closeness():
    """A heading repeating the question's words ranks under a statement saying as much, above a remote one."""
    heading = _candidate([_sentence(dense=0.8, lexical=0.8, statement=False)])
    statement = _candidate([_sentence(dense=0.6, lexical=0.6)])
    remote = _candidate([_sentence(dense=0.2, lexical=0.2)])
    assert _first(heading, statement) is statement
    assert _first(remote, heading) is heading


def test_the_answering_sentence_is_the_best_scoring_one_and_the_first_of_equals():
    heading = _sentence(dense=0.8, statement=False, span=(0, 10))
    statement = _sentence(dense=0.6, span=(11, 40))
    typed = _sentence(dense=0.4, typed=True, span=(41, 60))
    assert best_sentence((heading, statement), WEIGHTS) is statement
    assert best_sentence((heading, statement, typed), WEIGHTS) is typed
    twin = replace(statement, span=(61, 90))
    assert best_sentence((statement, twin), WEIGHTS) is statement
    assert best_sentence((twin, statement), WEIGHTS) is twin


def test_dense_ranking_reads_the_plain_cosine_only():
    plain = _candidate(cosine=0.7, centred_cosine=0.0, bm25_share=0.0)
    lifted = _candidate(cosine=0.6, centred_cosine=0.9, bm25_share=1.0, sentences=[_sentence(dense=1.0)])
    assert fuse(plain, "dense", WEIGHTS) == 0.7
    assert _first(lifted, plain, mode="dense") is plain


def test_lexical_ranking_reads_bm25_and_the_cosine_only_breaks_its_ties():
    more_words = _candidate(bm25_share=0.9, cosine=0.1)
    closer = _candidate(bm25_share=0.8, cosine=0.9)
    assert _first(closer, more_words, mode="lexical") is more_words
    tied = replace(more_words, cosine=0.5)
    assert _first(more_words, tied, mode="lexical") is tied


# The confidence rule, with weights whose sums are exact in binary: closeness + 0.5 centred + 0.25 distinctness.
EXACT = Confidence(passage_distinct=0.5, sentence_distinct=0.25, threshold=0.75)


@pytest.mark.parametrize(
    ("closeness", "centred_cosine", "distinctness", "confident"),
    [
        (0.5, 0.25, 0.5, True),  # 0.5 + 0.125 + 0.125: at the threshold
        (0.5 - 2**-20, 0.25, 0.5, False),  # just under it
        (0.5, 0.5, 0.0, True),  # the passage's centred cosine weighs 0.5
        (0.5, 0.0, 0.5, False),  # the sentence's only 0.25
        (0.75, 0.0, 0.0, True),
        (0.8125, -0.25, 0.0, False),  # a passage further than the mean passage counts against
    ],
)
def test_the_best_candidate_answers_when_close_and_distinct_enough(closeness, centred_cosine, distinctness, confident):
    candidate = _candidate(closeness=closeness, centred_cosine=centred_cosine, distinctness=distinctness)
    assert close_enough(candidate, EXACT) is confident


def test_a_passage_close_to_the_question_but_no_closer_than_every_passage_does_not_answer():
    """The default rule: on the index's subject is not enough; beyond what every passage shares is."""
    on_subject = _candidate(closeness=0.6, centred_cosine=0.0, distinctness=0.0)
    assert not close_enough(on_subject, Confidence())
    assert close_enough(replace(on_subject, centred_cosine=0.1, distinctness=0.2), Confidence())


def test_a_passage_distinct_as_a_whole_counts_more_than_one_distinct_sentence():
    distinct_passage = _candidate(closeness=0.55, centred_cosine=0.2, distinctness=0.2)
    distinct_sentence = _candidate(closeness=0.55, centred_cosine=0.0, distinctness=0.3)
    assert close_enough(distinct_passage, Confidence())
    assert not close_enough(distinct_sentence, Confidence())


def _result(text: str, path: str, score: float = 1.0) -> Result:
    """A result whose passage is the answering sentence alone."""
    return Result(_passage(text, path), score, (0, len(text)))


AMNESTY = "The coalition killed more than 1,600 civilians in Raqqa, Amnesty says."
RETOLD = "Amnesty says the US-led coalition killed more than 1,600 civilians in Raqqa."


def test_the_same_claim_in_another_article_folds_under_the_better_ranked():
    first, retold = _result(AMNESTY, "a.txt"), _result(RETOLD, "b.txt", 0.9)
    other = _result("Airwars counted the dead street by street.", "c.txt", 0.8)
    grouped = group_repeats([first, retold, other], k=5)
    assert [r.passage.path for r in grouped] == ["a.txt", "c.txt"]
    assert grouped[0].also_in == (retold,)


def test_other_numbers_make_another_claim():
    admitted = _result("The coalition killed more than 1,291 civilians in Raqqa, Amnesty says.", "b.txt")
    assert not says_the_same(_result(AMNESTY, "a.txt"), admitted)
    assert len(group_repeats([_result(AMNESTY, "a.txt"), admitted], k=5)) == 2


def test_few_shared_words_make_another_claim():
    """The shorter sentence's content words must nearly all be in the other: 4 of 5 fold, 3 of 5 do not."""
    five = _result("alpha bravo charlie delta echo", "a.txt")
    assert says_the_same(five, _result("alpha bravo charlie delta foxtrot golf", "b.txt"))
    assert not says_the_same(five, _result("alpha bravo charlie hotel foxtrot golf", "b.txt"))


def test_a_sentence_repeated_within_one_article_is_listed_twice():
    """Only another article's repeat folds: within one, a second passage is more of the same story."""
    once, again = _result(AMNESTY, "a.txt"), _result(AMNESTY, "a.txt", 0.9)
    assert not says_the_same(once, again)
    assert group_repeats([once, again], k=5) == [once, again]


def test_a_copy_of_a_better_ranked_article_folds_whatever_it_says():
    first, copy = _result(AMNESTY, "a.txt"), _result("Airwars counted the dead.", "copy.txt", 0.9)
    grouped = group_repeats([first, copy], k=5, copies={"a.txt": ["copy.txt"]})
    assert grouped == [replace(first, also_in=(copy,))]
    assert group_repeats([first, copy], k=5, copies={"copy.txt": ["a.txt"]}) == [first, copy]  # only under its own


def test_k_counts_the_results_once_grouped():
    results = [
        _result(AMNESTY, "a.txt"),
        _result(RETOLD, "b.txt"),
        _result("Airwars counted the dead.", "c.txt"),
        _result("The battle lasted four months.", "d.txt"),
    ]
    assert [r.passage.path for r in group_repeats(results, k=2)] == ["a.txt", "c.txt"]
