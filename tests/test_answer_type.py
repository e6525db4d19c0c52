"""The kind of answer a question asks for, and the sentences that can hold one."""

from __future__ import annotations

import pytest

from qa.answer_type import QUANTITY, TIME, asked_for, holds


@pytest.mark.parametrize(
    "question, kind",
    [
        ("How many civilians died?", QUANTITY),
        ("For how long had the militants controlled Raqqa when the civilians tried to escape?", QUANTITY),
        ("What share of the deaths did the militaries admit to?", QUANTITY),
        ("By what factor does the estimate exceed the coalition's?", QUANTITY),
        ("When did the campaign begin?", TIME),
        ("Since when have the SDF been closing in on Raqqa?", TIME),
        ("In what year did Raqqa fall?", TIME),
        ("Which waterway were they crossing when they were bombed?", None),
        ("Who is Donatella Rovera?", None),
    ],
)
def test_the_kind_asked_for_comes_from_the_question_words(question, kind):
    assert asked_for(question) == kind


def test_a_sentence_holds_a_quantity_or_a_time():
    assert holds(QUANTITY, "The group lost 39 members.") and holds(QUANTITY, "More than three years passed.")
    assert holds(TIME, "It began in September 2014.") and holds(TIME, "The report came out on Thursday.")
    assert not holds(TIME, "It lost 39 members.") and not holds(QUANTITY, "Nobody was hurt.")
    assert not holds(None, "It lost 39 members in 2017.")
