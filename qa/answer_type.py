"""What kind of answer a question asks for, and whether a sentence can hold one.

"How long…" and "how much time" ask for a duration; "how many/much/far/fast/deep…", "what share/proportion/
percentage/number/factor", "by what" and "what (was the) … toll" for a quantity; "what time" for a clock time; "When…",
"since when" and "what/which year, date, day, month" for a time; "Who…", "Where…", "which
spokesperson/group/team/city/…" and "what … name" for a name. A sentence can answer a duration
when it holds a number of time units ("three years", "seven-month", "90 minutes"), a quantity
when it holds a number (digits or a number word), a clock time when it holds one ("6.04am"), a
time when it names a year, a month or a day of the week, and a name when it holds a capitalised
word that is not the first of the sentence and not one of the question's own words. Other
questions ask for no particular kind.

Whatever the kind, a short line that does not end as a statement does (a heading, a byline, a
link to another story) seldom answers anything.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from qa.question import words
from qa.text import STOPWORDS

DURATION = "duration"
QUANTITY = "quantity"
TIME = "time"
CLOCK = "clock"
NAME = "name"

_NUMBER_WORDS = (
    "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|hundreds?"
    "|thousands?|millions?|billions?|dozens?"
)
_MEASURES = r"deep|tall|high|wide|heavy|fast"  # "how fast": a number in units
_PLACES = (
    r"country|countries|city|town|state|region|province|river|waterway|place|street|station|village|area|port|capital"
)
# Nouns by which "which" asks for a person's name: "Which FBI director…?"
PERSON_ROLES = (
    r"person|commander|minister|official|spokes\w*|leader|adviser|director|driver|player|chief|executive|president"
    r"|chairman|chairwoman|manager|senator|governor|mayor|candidate|coach|judge|officer|aide|pitcher|captain|victim"
    r"|lawmaker|prosecutor|lawyer|doctor|journalist|reporter|author|singer|actor|actress"
)
_NAMED = r"team|club|firm|company|party|driver|player|airline|brand|bank|outlet|newspaper|broadcaster"
# Nouns by which "what" asks for a number: a measure in units (the "how …" it stands for), a sum, or a count.
MEASURE_NOUNS = {"speed": "fast", "depth": "deep", "height": "tall", "width": "wide", "weight": "heavy"}
AMOUNT_NOUNS = frozenset(
    "price cost value budget salary wage wages fee fine dividend payout income revenue revenues sales earnings profit"
    " profits loss losses deficit surplus debt amount sum".split()
)
_COUNT_NOUNS = tuple("toll population turnout age total number range tally margin rate output production quota".split())
_NUMBER_NOUN = "|".join([*MEASURE_NOUNS, *sorted(AMOUNT_NOUNS), *_COUNT_NOUNS])
# Ranking reads a toll asked for as a number, as it reads "how many died"; the other nouns by which a question asks
# for a number are read by the answer reader alone (bench/results/answers.md).
# A noun asking for a number ends its phrase: not "What toll road…", "What production company…", "What age group…".
_PHRASE_ENDS = (
    r"(?=\s*(?:$|[?,.;:]|(?:of|for|in|at|on|among|by|per|when|after|before|from|during|that|which|since|to|under"
    r"|over|did|does|do|is|was|were|are|has|have|had|will|would|according|now|so)\b))"
)
_AGE_ASKED = re.compile(rf"\bat what age\b|^\W*what age{_PHRASE_ENDS}", re.IGNORECASE)
_NOT_CAUSE = r"(?!(?:caused?|causes|drove|drives?|explains?|explained|led|leads?|affect(?:s|ed)?|hits?|cuts?)\b)"


def _asked_by(nouns: str) -> tuple[str, str]:
    """The patterns of a question asking for a number by one of the nouns (a regex alternation, captured): "What was
    the final death toll…?", "What were the company's earnings?", "What price did…?"."""
    return (
        rf"^\W*what\s+(?:is|was|are|were)\s+(?:(?:the|its|his|her|their)\s+)?(?:(?:(?!of\b)[\w.-]+\s+){{0,2}}?[\w.-]+['’]s\s+)?"
        rf"(?:(?!of\b)[\w-]+\s+){{0,3}}?({nouns}){_PHRASE_ENDS}",
        rf"^\W*what\s+(?:{_NOT_CAUSE}[\w-]+\s+){{0,2}}({nouns})\s+"
        r"(?:did|does|do|is|was|were|are|has|have|had|will|would|from|of|for|in|at|on|among|by|per|a)\b",
    )


_NUMBER_NOUN_ASKED = tuple(re.compile(pattern, re.IGNORECASE) for pattern in _asked_by(_NUMBER_NOUN))
_TOLL_ASKED = "|".join(_asked_by("toll"))
# "By what factor/margin/percentage…": not "by what main attribute", "known by what name"
_BY_WHAT_QUANTITY = (
    r"\bby (?:what|how) (?:[\w-]+ )?(?:factor|margin|percentage|per ?cent|proportion|amount|ratio|multiple)\b"
)
_WHERE = r"^\W*where\b|\bin what (country|city|town|state)\b"
# "What did Sale Tilney pay for the broker?", "What does the bar weigh?": "what" stands for a sum or a measure
AMOUNT_VERB_ASKED = re.compile(
    r"^\W*what\s+(?:does|did|do|will|would|could|can|might)\s+(?:[\w'’.,&-]+\s+){1,12}?"
    r"(pay|cost|earn|net|weigh|fetch|charge(?![^?]*\bwith\b)|spend|owe)\b"  # not "charge him with"
    r"(?!\s+(?:tribute|attention|homage|respects?)\b)",
    re.IGNORECASE,
)
_ASKS = (
    (DURATION, re.compile(r"\bhow long\b|\bhow much time\b", re.IGNORECASE)),
    (
        QUANTITY,
        re.compile(
            rf"\bhow (many|much|far|old|big|large|often|{_MEASURES})\b"
            rf"|\b(what|which) (share|proportion|percentage|number|factor)\b|{_BY_WHAT_QUANTITY}|{_TOLL_ASKED}"
            rf"|{AMOUNT_VERB_ASKED.pattern}",
            re.IGNORECASE,
        ),
    ),
    (CLOCK, re.compile(r"\b(what|which) time\b|\bat what hour\b", re.IGNORECASE)),
    (TIME, re.compile(r"^\W*when\b|\bsince when\b|\b(what|which) (years?|date|day|month)\b", re.IGNORECASE)),
    (
        NAME,
        re.compile(
            rf"^\W*who\b|\bwhich (\w+ ){{0,2}}(group|organi[sz]ation|monitor|agency|{PERSON_ROLES})\b"
            # "which" alone here: "what area", "what state" ask for a name less often
            rf"|\bwhich (\w+ ){{0,2}}({_PLACES}|{_NAMED})\b|{_WHERE}"
            r"|\bwhat ([\w-]+ ){0,3}(?<!other )name\b"  # not "another name for": that asks for a synonym
            r"|^\W*what (is|was|are|were)\b.*\bcalled\W*$",  # "What was the Chinese child called?"
            re.IGNORECASE,
        ),
    ),
)
_HOLDS = {
    DURATION: re.compile(
        rf"(\d|\b(a|an|several|few|many|{_NUMBER_WORDS}))[\s-]*"
        r"(years?|months?|weeks?|days?|hours?|minutes?|seconds|decades?|centur(y|ies))\b",  # not "a second time"
        re.IGNORECASE,
    ),
    QUANTITY: re.compile(rf"\d|\b({_NUMBER_WORDS})\b", re.IGNORECASE),
    TIME: re.compile(
        r"\b(1\d{3}|20\d\d|january|february|march|april|may|june|july|august|september|october|november|december"
        r"|monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b",
        re.IGNORECASE,
    ),
    CLOCK: re.compile(  # as the answer reads a time (qa/figures.py): "6.04am", "3:30 p.m.", "15:30"; not "1.50 dlrs"
        r"\b\d{1,2}([.:]\d\d)?\s?[ap]\.?m\b|\b([01]?\d|2[0-3]):[0-5]\d\b|\b\d{1,2}\s?o'clock\b|\b(noon|midnight)\b",
        re.IGNORECASE,
    ),
}
CAPITALISED_WITHIN = re.compile(r"(?<=\w[\s,;:(“\"'-])[A-Z][\w-]*")
_STATEMENT_END = re.compile(r"[.!?\"'”’)]$")
# Headlines, bylines and links are short; a line of 20 words or more is prose, as a long quote that lost its full stop
# (figures in bench/results/ranking_history.md).
PROSE_WORDS = 20


@dataclass(frozen=True)
class Asked:
    """What a question asks for: a kind of answer (or None), and its own content words."""

    kind: str | None
    words: frozenset[str]


_CONTRACTED_IS = re.compile(r"\b(what|who|where|when|which|how)['’]s\b", re.IGNORECASE)  # "What's the toll?"


def _expanded(question: str) -> str:
    """The question with "what's", "who's" and the like written out, as the patterns of asking read them."""
    return _CONTRACTED_IS.sub(r"\1 is", question)


def asked_for(question: str) -> Asked:
    question = _expanded(question)
    kind = next((kind for kind, asks in _ASKS if asks.search(question)), None)
    return Asked(kind, frozenset(words(question)))


def asking_phrase(question: str) -> str | None:
    """The words by which a question asks for its kind of answer: "How many", "when", "which company"."""
    found = next((m for _, asks in _ASKS if (m := asks.search(_expanded(question)))), None)
    return found.group().strip(" \t\"'“‘(") if found else None


def holds(asked: Asked, sentence: str) -> bool:
    """Whether the sentence holds an answer of the kind asked for (never, for no kind)."""
    if asked.kind == NAME:
        names = (word.lower() for word in CAPITALISED_WITHIN.findall(sentence))
        return any(name not in asked.words and name not in STOPWORDS for name in names)
    return asked.kind is not None and bool(_HOLDS[asked.kind].search(sentence))


def is_statement(sentence: str) -> bool:
    """Whether the sentence ends as a statement does, unlike a heading, byline or link, or runs longer than they do
    (prose whose full stop went missing, a photo caption)."""
    return bool(_STATEMENT_END.search(sentence)) or len(sentence.split()) >= PROSE_WORDS


_FIGURE_ASKS = (
    ("place", re.compile(rf"{_WHERE}|\b(which|what) (\w+ ){{0,2}}({_PLACES})\b", re.IGNORECASE)),
    ("name", re.compile(rf"\b(which|what) (\w+ ){{0,2}}({_NAMED})\b", re.IGNORECASE)),
)
_MEASURE_ASK = re.compile(rf"\bhow ({_MEASURES})\b", re.IGNORECASE)
_FIGURE_KINDS = {DURATION: "duration", QUANTITY: "number", TIME: "date", CLOCK: "time", NAME: "name"}


_WHO_IS = re.compile(r"^\W*who\s+(?:is|was|are|were)\s+(.+?)\W*$", re.IGNORECASE)
# the lower-case words, or beginnings of words, of names: "al-Baghdadi", "van Gogh"
NAME_PARTICLES = r"al|el|bin|ibn|abu|de|da|di|du|van|von|der|le|la"
_NAME_PARTICLE = re.compile(rf"^(?:{NAME_PARTICLES})(?:-|$)")


def _asks_who_someone_is(question: str) -> bool:
    """Whether the question asks who a person it names is ("Who is Chris Woods?", "Who is Émile Zola?"): what a name
    stands for, which no other name answers; "Who was Guy's rival?" asks for a name."""
    asked = _WHO_IS.match(question)
    if asked is None:
        return False
    words = [_NAME_PARTICLE.sub("", word) for word in asked.group(1).split()]
    return bool(words[0]) and all(not word or (word[0].isupper() and not word.endswith(("'s", "’s"))) for word in words)


@lru_cache(maxsize=256)  # read by figure_kind and twice by the answer reader for each question
def number_noun(question: str) -> str | None:
    """The noun by which the question asks for a number, if it asks by one: "toll" in "What was the death toll?"."""
    found = next((m for pattern in _NUMBER_NOUN_ASKED if (m := pattern.search(_expanded(question)))), None)
    return found.group(1).lower() if found else None


def figure_kind(question: str) -> str | None:
    """The kind of value a question asks for, as answers name it: number, duration, date, time, name or place
    (None for a question that asks for no short fact). Finer than asked_for's kind, which ranking reads: a clock
    time or a measure first, then a number asked for by a noun or a verb ("What was the death toll?", "At what
    age…?", "What did it cost?"), then a place or a named thing, then asked_for's kind."""
    question = _expanded(question)
    if _asks_who_someone_is(question):
        return None
    asked = asked_for(question).kind
    if asked == CLOCK or _MEASURE_ASK.search(question):
        return _FIGURE_KINDS[asked]
    # read by the answer reader alone, not by ranking
    if number_noun(question) or _AGE_ASKED.search(question) or AMOUNT_VERB_ASKED.search(question):
        return "number"
    kind = next((kind for kind, asks in _FIGURE_ASKS if asks.search(question)), None)
    return kind or _FIGURE_KINDS.get(asked)
