"""Follow-up questions on plain strings: which lean on the previous question, and what is searched for them."""

from __future__ import annotations

import pytest

from qa.answer_type import figure_kind
from qa.followup import MAX_LEANING_WORDS, in_context, leans_on_previous

RAQQA = "How many civilians did the coalition kill in Raqqa?"


def test_a_follow_up_is_searched_with_the_content_words_it_lacks():
    assert in_context("and how many did the coalition admit?", RAQQA) == (
        "and how many did the coalition admit? civilians kill Raqqa"
    )


def test_a_follow_up_typed_without_its_question_mark_is_searched_as_with_it():
    previous = "Who is Donatella Rovera?"
    assert in_context("what did she say", previous) == in_context("what did she say?", previous)
    assert in_context("what did she say", previous) == "what did she say? Donatella Rovera"


@pytest.mark.parametrize(
    "question",
    [
        "and the coalition?",
        "But did Amnesty agree",
        "So what did Airwars count?",
        "also in Mosul?",
        "then when did it end?",
        "What about Mosul?",
        "how about the SDF?",
        "What of the survivors?",
        "AND WHEN?",
    ],
)
def test_a_question_opening_as_a_continuation_leans_on_the_previous(question):
    assert leans_on_previous(question)


def test_an_opening_word_counts_only_as_a_whole_word():
    assert not leans_on_previous("Andrew Wilkie said what about Raqqa?")
    assert not leans_on_previous("Sony Pictures sold how many films?")


def test_a_question_without_content_words_leans_on_the_previous():
    assert leans_on_previous("Why?")
    assert in_context("Why?", RAQQA) == "Why? civilians coalition kill Raqqa"


def test_a_question_pointing_back_leans_only_while_it_has_few_words_of_its_own():
    assert leans_on_previous("Who wrote that report?")
    assert not leans_on_previous("Who wrote that report on civilians killed in Raqqa?")
    assert not leans_on_previous("Who wrote the report?")  # nothing points back


def test_exactly_the_most_leaning_words_still_leans():
    words = ["alpha", "bravo", "charlie", "delta", "echo"]
    at_most = " ".join(words[:MAX_LEANING_WORDS]) + " of it?"
    over = " ".join(words[: MAX_LEANING_WORDS + 1]) + " of it?"
    assert leans_on_previous(at_most)
    assert not leans_on_previous(over)


def test_a_question_standing_alone_is_searched_as_it_is():
    assert in_context("Who is Chris Woods?", RAQQA) is None
    assert in_context("What did Amnesty call the coalition's approach to Raqqa?", RAQQA) is None


def test_nothing_is_carried_without_a_previous_question_or_words_to_carry():
    assert in_context("and how many did the coalition admit?", None) is None
    assert in_context("and how many did the coalition admit?", "") is None
    assert in_context("and did the coalition kill civilians in Raqqa?", RAQQA) is None  # it has them all


def test_carried_words_keep_their_order_and_come_once():
    previous = "Did civilians flee Raqqa before civilians in Raqqa lost their homes?"
    assert in_context("and then?", previous) == "and then? civilians flee Raqqa lost homes"


def test_a_carried_word_already_asked_in_other_case_is_not_repeated():
    assert in_context("and the COALITION?", RAQQA) == "How many the COALITION? civilians kill Raqqa"


@pytest.mark.parametrize(
    ("follow_up", "previous", "searched"),
    [
        ("and what about Amnesty?", RAQQA, "How many Amnesty? civilians coalition kill Raqqa"),
        ("and in Mosul?", "When did the coalition take Raqqa?", "When in Mosul? coalition take Raqqa"),
        ("and the Guardian?", "Who led the attack on the consulate?", "Who the Guardian? led attack consulate"),
        ("and in 2017?", "In what year did the siege begin?", "what year in 2017? siege begin"),  # "year" once
        ("and?", RAQQA, "How many civilians coalition kill Raqqa"),
    ],
)
def test_a_follow_up_asking_nothing_of_its_own_asks_what_the_previous_asked(follow_up, previous, searched):
    assert in_context(follow_up, previous) == searched
    assert figure_kind(searched) == figure_kind(previous)  # so the values asked for are read above the passages


def test_a_follow_up_asking_something_of_its_own_asks_that():
    assert in_context("and who counted them?", RAQQA) == "and who counted them? civilians coalition kill Raqqa"
    assert in_context("Why?", RAQQA) == "Why? civilians coalition kill Raqqa"


def test_so_at_the_end_points_back_at_what_was_said():
    assert in_context("Who said so?", RAQQA) == "Who said so? civilians coalition kill Raqqa"
    assert in_context("Why did so many die in Aleppo?", RAQQA) is None


def test_a_follow_up_counting_something_else_leaves_behind_what_the_previous_counted():
    previous = "How many were killed in the attack on the German consulate?"
    assert in_context("and how many were wounded?", previous) == "and how many were wounded? attack German consulate"
    # counting the same thing in other words, or saying nothing of what is counted, carries it
    assert in_context("and how many died there?", previous) == "and how many died there? killed attack German consulate"
    assert in_context("and how many did the coalition admit?", RAQQA).endswith("civilians kill Raqqa")


def test_a_possessive_after_a_name_the_question_gives_points_at_that_name():
    assert not leans_on_previous("Why did Toblerone change its shape?")
    assert not leans_on_previous("Who does Clinton blame for her defeat?")
    assert leans_on_previous("why did it change its shape?")  # nothing named before it
    assert leans_on_previous("What did Amnesty say about it?")  # "it" is no possessive: it points back
    assert leans_on_previous("Why did I sell its shares?")  # "I" names no one
    assert leans_on_previous(" Why did the firm change its name?")  # the first word, after a space, is no name either
