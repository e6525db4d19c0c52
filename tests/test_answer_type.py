"""The kind of answer a question asks for, and the sentences that can hold one."""

from __future__ import annotations

import pytest

from qa.answer_type import (
    CLOCK,
    DURATION,
    NAME,
    QUANTITY,
    TIME,
    asked_for,
    figure_kind,
    holds,
    is_statement,
    number_noun,
)
from qa.question import words


@pytest.mark.parametrize(
    "question, kind",
    [
        ("How many civilians died?", QUANTITY),
        ("For how long had the militants controlled Raqqa when the civilians tried to escape?", DURATION),
        ("What share of the deaths did the militaries admit to?", QUANTITY),
        ("By what factor does the estimate exceed the coalition's?", QUANTITY),
        ("By what margin did the coalition's count fall short?", QUANTITY),
        ("By what main attribute are the problems classified?", None),  # "by what" alone asks for no figure
        ("What was the death toll in Raqqa according to Airwars?", QUANTITY),
        ("What death toll does the independent monitor put forward?", QUANTITY),
        ("What was Raqqa's death toll by the end of the battle?", QUANTITY),  # as the answer reader reads a toll
        ("What's the death toll in Raqqa so far?", QUANTITY),  # "what's" is "what is"
        ("Who's the head of the monitoring group?", NAME),
        ("What toll road was closed?", None),
        ("On which day did Amnesty release its findings on the Raqqa death toll?", TIME),
        ("How much time did Amnesty spend investigating?", DURATION),
        ("When did the campaign begin?", TIME),
        ("Since when have the SDF been closing in on Raqqa?", TIME),
        ("In what year did Raqqa fall?", TIME),
        ("Who is Donatella Rovera?", NAME),
        ("Which coalition spokesperson replied by email?", NAME),
        ("What Arabic-derived name did the spokesman use for the group?", NAME),
        ("How fast was the tram going on the bend?", QUANTITY),
        ("How deep was the abandoned well?", QUANTITY),
        ("What time were firefighters called?", CLOCK),
        ("Where were worried relatives told to go?", NAME),
        ("Which team ended the longest drought in baseball?", NAME),
        ("Which senior Seattle officer blamed a quarrel?", NAME),  # an office or role asks for a person
        ("Which crash victim went by the nickname Loag?", NAME),
        ("What was the Chinese child stuck underground called?", NAME),
        ("What is it called when prices rise?", None),  # a word for a thing, not its name
        ("During which years was Clinton the top diplomat?", TIME),
        ("What did Sale Tilney pay for most of an American insurance broker?", QUANTITY),  # "what" stands for a sum
        ("What does the smaller Toblerone bar weigh?", QUANTITY),
        ("What did the mourners pay tribute to?", None),
        ("What did prosecutors charge Ivan Boesky with?", None),
        ("What is another name for an input of a problem?", None),  # a synonym, not a name
        ("Why did the coalition bomb the city?", None),
    ],
)
def test_the_kind_asked_for_comes_from_the_question_words(question, kind):
    assert asked_for(question).kind == kind


def test_a_sentence_holds_a_duration_a_quantity_or_a_time():
    how_long, how_many, when = (asked_for(q) for q in ("How long?", "How many?", "When?"))
    assert holds(how_long, "After a seven-month advance.") and holds(how_long, "More than three years passed.")
    assert not holds(how_long, "It lost 39 members.")
    assert holds(how_many, "The group lost 39 members.") and holds(how_many, "More than three years passed.")
    assert holds(when, "It began in September 2014.") and holds(when, "The report came out on Thursday.")
    assert not holds(when, "It lost 39 members.") and not holds(how_many, "Nobody was hurt.")
    assert not holds(asked_for("Why?"), "It lost 39 members in 2017.")


def test_a_clock_time_answers_what_time_and_minutes_answer_how_long():
    what_time, how_long = asked_for("What time were firefighters called?"), asked_for("How long did the talks run?")
    assert holds(what_time, "The brigade was called at 6.04am.") and holds(what_time, "It landed at 3:30 pm.")
    assert not holds(what_time, "The brigade was called on Wednesday.")  # a day answers when, not what time
    assert not holds(what_time, "Shares rose 1.50 dlrs to 12.45.")  # prices are no clock times
    assert holds(how_long, "They met for more than 90 minutes.") and holds(how_long, "It went on for an hour.")
    assert not holds(how_long, "The convoy was struck a second time.")


def test_a_name_answers_only_when_the_question_does_not_give_it():
    question = asked_for("Who is the head of the Syrian Observatory?")
    assert holds(question, "SOHR's director Rami Abdelrahman told AFP news agency.")
    assert not holds(question, "The head of the Syrian Observatory spoke.")  # its names are the question's
    assert not holds(question, "Nobody was hurt, it said. The count went on.")  # a capital that starts a sentence


def test_short_headings_bylines_and_links_are_not_statements():
    assert is_statement("The coalition said it takes all reasonable measures.")
    assert is_statement("“Coalition forces razed Raqqa,” she said.")
    assert not is_statement("Pictures of the Year: The battle against Islamic State")
    assert not is_statement("Smoke rises after an air raid [File: Reuters]")
    assert not is_statement("Saul Bowman")


def test_a_long_line_is_prose_though_its_full_stop_went_missing():
    quote = (
        "“Any unintentional loss of life during the defeat of Daesh is tragic,” said Scott Rawlinson, a coalition "
        "spokesman in an emailed statement later on Thursday, using an Arabic acronym for ISIL"
    )
    assert is_statement(quote)
    assert not is_statement(
        "U.S.-led Coalition Accused of War Crimes in Syria, May Have Killed Hundreds of Raqqa Civilians"
    )


def test_how_long_is_searched_by_its_subject_not_by_long():
    assert words("For how long had the militants controlled Raqqa?") == ["militants", "controlled", "raqqa"]
    assert words("How far is Raqqa from the long border?") == ["raqqa", "long", "border"]
    assert asked_for("How long is the Euphrates River?").words == {"euphrates", "river"}


@pytest.mark.parametrize(
    "question",
    [
        "Who is Chris Woods?",
        "who was Dane Chinnery",
        "Who is Abu Bakr al-Baghdadi?",
        "Who is Émile Zola?",
        "Who Is Łukasz Fabiański?",
        "Who is Vincent van Gogh?",
    ],
)
def test_asked_who_a_named_person_is_no_other_name_answers(question):
    assert figure_kind(question) is None  # the passages tell who they are; no value is read


@pytest.mark.parametrize("question", ["Who was Guy's rival?", "Who is the head of the Syrian Observatory?"])
def test_asked_who_holds_a_role_a_name_answers(question):
    assert figure_kind(question) == "name"


@pytest.mark.parametrize(
    ("question", "kind", "noun"),
    [
        ("What was the final civilian death toll?", "number", "toll"),
        ("What is the population of Melbourne?", "number", "population"),
        ("What were the company's earnings?", "number", "earnings"),
        ("What is Magma Copper's new price for cathode copper?", "number", "price"),  # a name of two words owns it
        ("What is Saudi Arabia's Opec quota?", "number", "quota"),
        ("What is Saudi Arabia's capital?", None, None),
        ("What was the cause of Brazil's loss?", None, None),
        ("What was the tram's speed when it came off the rails?", "number", "speed"),
        ("What price did Nestle pay for the brand?", "number", "price"),
        ("What regular quarterly amount per share is the fund paying?", "number", "amount"),
        ("What sum did the club pay for him?", "number", "sum"),
        ("What price war did the airlines start?", None, None),
        ("At what age did he join the club?", "number", None),
        ("What caused the loss?", None, None),
        ("What toll road was closed?", None, None),
        ("What was the production company behind the film?", None, None),
        ("What age group was most affected?", None, None),
        ("What was the sales tax rate?", "number", "rate"),
        ("What is the name of the rate-setting committee?", "name", None),
        ("What is the name of the toll road's operator?", "name", None),
        ("What's the population of Melbourne now?", "number", "population"),
        ("What's the name of the driver?", "name", None),
    ],
)
def test_a_noun_asking_for_a_number_asks_the_answer_reader_for_one(question, kind, noun):
    assert (figure_kind(question), number_noun(question)) == (kind, noun)
    if noun != "toll":
        assert asked_for(question).kind != QUANTITY  # ranking reads them as before (bench/results/answers.md)
