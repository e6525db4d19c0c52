"""The answer itself: the figure, date, name or place a question asks for, read from the answering sentences of
the ranked passages, with the different values other sources give.

Each answering sentence offers at most one value of the kind asked for (qa/answer_type.py `figure_kind`): the
candidate nearest the question's distinctive words (those most of the answering sentences do not share); when no
answering sentence offers one, every sentence of the passages is read, a value there needing stronger support. A number
must count what the question counts ("how many civilians": "21 civilians", "hundreds died") and stand in a clause
that says what the question asks ("killed", "deaths" for "died"). Values are normalised ("seven" = 7, "1,600" =
1600, "more than" kept in the value as written, full dates in ISO, durations with their unit), sources giving the
same value are grouped (a syndicated copy counting once with its original), and values are ordered by their
support across independent stories (Figure.support). A value whose sentence says it is of something narrower or
wider than the question asks ("in a single airstrike", "in Syria and Iraq") carries that as its qualifier and is
shown beside the others without being counted as a disagreement (`disagree`). A value the question's words support
much less closely than the first, or a name much less supported, or one from an article that does not name what the
question names, is not shown (`_beside`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from itertools import chain, combinations, dropwhile, takewhile
from math import inf, isclose
from os.path import commonprefix
from statistics import median

from qa.answer import Result
from qa.answer_type import (
    AMOUNT_NOUNS,
    AMOUNT_VERB_ASKED,
    CAPITALISED_WITHIN,
    MEASURE_NOUNS,
    NAME_PARTICLES,
    PERSON_ROLES,
    figure_kind,
    number_noun,
)
from qa.locations import location_json
from qa.text import STOPWORDS, collapse_whitespace, normalize_for_search, terms
from qa.value_forms import (
    AMOUNT_UNIT,
    AMOUNT_WRITTEN,
    AND_A_HALF,
    DATE_RE,
    DURATION_RE,
    MONEY,
    MONEY_VALUE,
    MONTHS,
    NUMBER_RE,
    ONE_WORD,
    TIME_RE,
    TIME_UNITS,
    dated,
    dimension_of,
    is_year,
    measure_of,
    normal_date,
    normal_number,
    normal_time,
    unit_of,
)

NUMBER, DURATION, DATE, TIME, NAME, PLACE = "number", "duration", "date", "time", "name", "place"
PERSON = "person"  # a name asked of a person: shown as a name
AMOUNT, FACTOR, SHARE = "amount", "factor", "share"
# What "how fast / deep / tall / wide / heavy" asks for: a number in a unit of that measure ("12mph", "40 metres").
_SPEED = r"mph|kph|kmph|km/hr?|kmh|m/s|knots|(?:miles|km|kilometres|kilometers)\s+(?:an|per)\s+hour"
_LENGTH = r"m|metres?|meters?|km|kilometres?|kilometers?|cm|mm|ft|feet|foot|inch(?:es)?|miles?|yards?"
_WEIGHT = r"g|gram(?:me)?s?|kg|kilos?|kilogram(?:me)?s?|tonnes?|tons?|lbs?|pounds|ounces|oz"
# "long" too, where "how long" asks of a thing's length, not of a time ("the 100 feet-long tram")
_UNITS = {"fast": _SPEED, "deep": _LENGTH, "tall": _LENGTH, "wide": _LENGTH, "heavy": _WEIGHT, "long": _LENGTH}
_MEASURED_IN = {asked: re.compile(rf"[\s-]?(?:{units})\b") for asked, units in _UNITS.items()}  # a number's unit
_HOW_MEASURED = "|".join(asked for asked in _UNITS if asked != "long")  # "how long" asks for a time first
_MEASURE_FIRST = {  # a measure joined to the word of what it measures: "a 40-metre-deep well", not "a 400-gram bar"
    asked: re.compile(rf"-(?:{units})[\s-]+{asked}\b") for asked, units in _UNITS.items()
}
_MEASURE_AFTER = re.compile(r"[\s-]+(deep|tall|high|wide|long|heavy|fast)\b", re.IGNORECASE)  # "40 metres deep"
_SAME_MEASURE_WORD = {"high": "tall"}  # "300 metres high" answers how tall
# A figure given again in other units, in brackets just after it: "40 metres deep (131 feet)", "26,000 square
# kilometres (10,000 sq mi)"
_CONVERTED = re.compile(
    r"\d(?:[\s-]*[^\W\d_][\w.]*){1,3}\s*\(\s*(?:about|around|some|nearly|roughly|approximately|almost)?\s*$",
    re.IGNORECASE,
)
MAX_VALUES = 6
SAME_MEASURE = 0.03  # a length, weight or speed within this share of another, in other units, is its conversion
# A value is shown beside the first only when the question's words support it in its sentence (Mention.weight) at
# least this share as closely as they do the first (asked how many members of one family were killed, "Amnesty says
# hundreds died" is no other count; asked how many bags of cocoa arrived in a week, the season's "6.13 mln" is no
# other arrival). A name or place asked for has one answer far more often than a figure has: another name also needs
# at least OTHER_NAME_SUPPORT of the first's support (Figure.support), and is never one only the first's own stories
# give (each sentence of a story offering one, another is another person's or place's). Other values are not cut by
# support: sources disagree on counts, sums and dates, and the less-read ones too.
OTHER_VALUE_CLOSENESS = 0.75
OTHER_NAME_SUPPORT = 0.3
# The best-ranked passages are read whatever their article; those below them (down to qa/ranking.py's FIGURE_POOL)
# only where their article, or a copy of it, is among these passages' articles (the story the question is about),
# and a value there counts only when the question's words support it nearly as well as the values above (their median).
READ_ANY_ARTICLE = 10
DEEPER_SUPPORT = 0.9
# Among the ten, a passage of another story than the best passage's is read only when it ranks this close to the
# best (its score over the best's): far below, it answers another question about something else.
SIMILARITY_FLOOR = 0.6
PHRASE_WORDS = 6  # words each side of a value in its quoted phrase, within its clause
WINDOW = 10  # words each side of a value in which the question's words count as supporting it
# The least support a value needs in the answering sentence of the best passage (a distinctive word 12 words away),
# times √rank below it: a passage far down the ranking must say more to be believed.
ANSWER_SUPPORT = 0.3
# A place asked for is read after a word of place ("in", "near", "the city of") or as an owner ("Switzerland's"); a
# whole name with neither counts too, with this much less support (what is left of a name the question holds does not).
UNPLACED_PLACE = 1.5
# When no answering sentence gives a value, the other sentences of the passages are read, and a value there needs this
# much support (times √rank): the question's words close around it, or the noun it counts.
OTHER_SENTENCE_SUPPORT = 1.8

_LENGTH_ASKED = re.compile(r"\bhow long (?:is|was|are|were)\b", re.IGNORECASE)  # may ask for a length
_TIME_COUNTED = re.compile(rf"\bhow many\s+(?:{TIME_UNITS})\b", re.IGNORECASE)
_HALF_A_UNIT = re.compile(rf"{AND_A_HALF}(?=[\s-]({TIME_UNITS})\b)", re.IGNORECASE)  # "four| and a half| years"
# "seven-month" is a length, "three-for-two" a ratio
_DURATION_AFTER = re.compile(rf"-(?:(?:{TIME_UNITS})\b(?!-old)|for-)", re.IGNORECASE)
_YEARS_BOUND = re.compile(
    r"\b(before|prior to|earlier than|until|up to|after|later than|since)\s+(the\s+end\s+of\s+)?(1\d{3}|20\d\d)\b",
    re.IGNORECASE,
)
_YEAR_ASKED = re.compile(r"\b(?:what|which) year\b", re.IGNORECASE)  # a date must give one
# A year asked for, before a noun: "the 2010 census"; not before a plural, which it counts: "the 2000 troops"
_YEAR_BEFORE_NOUN = re.compile(r"\b(?i:the)\s+(1[89]\d\d|20\d\d)\s+(?![a-z]*[^su\s]s\b)(?=[A-Za-z])")
# After what it dates: "a study of rudimentary sets (1961)"; not "a staff of (1800)"
_YEAR_IN_BRACKETS = re.compile(r"(?<=\w)(?<!\bof)(?<!\bto)\s\((1[5-9]\d\d|20\d\d)\)")
_CONNECTORS = r"(?:of|for|the|de|al|on|in)"
_LOWERCASE_WORD = re.compile(r"\b[a-z]+\b")
_LETTER_WORD = re.compile(r"\b[^\W\d_][\w'’-]*")
_NAME_PREFIX = rf"(?:{NAME_PARTICLES})-"  # begins a name's word: "Abu Bakr al-Baghdadi"
_NAME_RE = re.compile(rf"\b[A-Z][\w'’.&-]*(?:\s+(?:{_CONNECTORS}\s+|{_NAME_PREFIX})?[A-Z][\w'’.&-]*)*")
_TITLES = frozenset("minister secretary president director chairman chief spokesman spokeswoman governor".split())
_IRREGULAR_DEMONYMS = r"American|Mexican|African|German|French|Dutch|Greek"  # not "-ican": Vatican, Republican
_DEMONYM = re.compile(rf"[A-Z][a-z]+(?:an|ese|ish|ine|i)|{_IRREGULAR_DEMONYMS}|Swiss|Thai|U\.?S\.?|U\.?K\.?")
_PEOPLES_ADJECTIVE = re.compile(rf"[A-Z][a-z]+(?:ish|ian|ese|ean)|{_IRREGULAR_DEMONYMS}")  # alone, names no one
# A capitalised word joined to a lower-case prefix describes ("anti-ISIS", "pro-European"); "al-", "bin-" begin a name.
_MODIFIER_BEFORE = re.compile(rf"\b(?!{_NAME_PREFIX}$)[a-z]+-$")
_DIRECTION = r"(?:(?:north|south)(?:-?(?:east|west))?|east|west)(?:ern)?|central"  # "in southern Italy"
_DIRECTION_BEFORE = re.compile(rf"\b(?:{_DIRECTION})\s+$")
_BEFORE_A_PLACE = rf"\s+(?:the\s+)?(?:(?:{_DIRECTION})\s+)?$"  # after a word of place: "in (the) (southern)"
_IN = r"in|within|at|near|outside|into|across"  # words after which a name is a place; not "from", "to"
_PLACE_BEFORE = re.compile(
    rf"\b(?:{_IN}|from|to|out of|(?:city|town|province|village|region|state) of){_BEFORE_A_PLACE}",
    re.IGNORECASE,  # "In Melbourne, …"
)
_SAY = r"said|says|told|reported|claimed|claims|estimated|estimates|confirmed|announced|stated|added|believes"
_NAME_ASKED_OF = re.compile(r"\b(?i:which|what|name\s+of(?:\s+the|\s+an?)?)\s+([a-z-]+)(?:\s+([a-z-]+))?")
# "“…,” she said.", "…, he said": a sentence whose speaker a sentence before names; not "Acme said he will be succeeded"
_PRONOUN_SAID = re.compile(
    rf"(?:[,\"”’']\s*(?:he|she)\s+(?:{_SAY})|\b(?:he|she)\s+(?:{_SAY})\W*$|\b(?:{_SAY})\s+(?:he|she)\W*$)",
    re.IGNORECASE,
)
_ROLE = (
    r"group|monitor|report|agency|ministry|spokesman|spokeswoman|spokesperson|official|statement|observatory|police"
    r"|coalition|watchdog|investigation|release|assessment|department|office|force|service"
)
_SOURCES = r"police|officials|authorities|witnesses|media|sources|reports"
# After '…, said X' only these words leave X the one who speaks ("said Maddon.", "said Khan, citing records", "said Khan
# by telephone"); any other word is what was said, X its subject ("said Robert Stearns has joined", "said Iraq lost").
_AFTER_WHO = (
    r"in|on|at|of|for|by|from|to|and|who|which|late|earlier|today|yesterday|last|this|adding|citing|according|during"
    r"|with|after|before|when|while|as|told|speaking"
)
_NAMED_ACTOR = r"[A-Z][\w.'’&-]*(?:\s+(?:(?:of|for|and)(?:\s+the)?\s+|the\s+)?[A-Z][\w.'’&-]*){0,6}"
# "said Police and fire crews were on the scene": X the first subject of what was said, joined to a second by "and"
_AND_ANOTHER_SUBJECT = (  # not "said Khan and warned that more were missing", "…and other officials who were there"
    r"\s+and\s+(?:(?!(?:who|which|that|said|[a-z]+ed)\b)[\w-]+\s+){0,3}(?:were|was|are|is|have|has|had|will|would)\b"
)
_ROLE_ACTOR = rf"(?:[Aa]n?|[Tt]he)\s+(?:[\w.-]+\s+){{0,3}}(?:{_ROLE})"
_ACTOR = (
    # "Chinese media", "state media", "Iranian officials": who says it, not the adjective alone
    rf"(?:(?:(?:{_DEMONYM.pattern})\s+)?(?:state\s+|local\s+)?(?:{_SOURCES})\b|{_ROLE_ACTOR}|(?:the\s+)?{_NAMED_ACTOR})"
)
_ATTRIBUTION = (
    re.compile(  # "according to a telex from …": a telex
        rf"\baccording to\s+(?P<who>(?:the\s+|a\s+|an\s+)?(?:{_ACTOR}|(?:new\s+|latest\s+)?\w+"
        r"(?:\s+(?!(?:from|of|by|to|in|on|at|for)\b)\w+)?))"
    ),
    re.compile(rf"(?P<who>\b{_ACTOR})(?:\s*\([^)]*\))?\s+(?:has\s+|have\s+)?(?:{_SAY})\b"),
    # "an independent monitoring group that estimates 4,724 civilian deaths"; not "a man from Kabul who said"
    re.compile(rf"(?P<who>\b{_ROLE_ACTOR})\s+(?:that|which|who)\s+(?:{_SAY})\b"),
    # '…," said X': not "X said Y signed", nor "the agency, received here, said Iranian forces smashed…"
    re.compile(
        rf"[,\"”’']\s*(?:{_SAY})\s+(?P<who>(?>{_ACTOR}))(?![\w'’&-]|\.\w|\s+[A-Z]|\s+(?!(?:{_AFTER_WHO})\b)[a-z]|{_AND_ANOTHER_SUBJECT})"
    ),
)
# The marks of a quotation, which closes where its speaker is named ('…,' Hillary said', '…," said X'); curly and
# straight marks of one kind open and close the same quotation.
_QUOTE_MARKS = "\"“”'‘’"
_SAME_MARK = {"“": '"', "”": '"', "‘": "'", "’": "'"}
_OPENING_MARK = re.compile(r"(?<!\w)[\"“'‘](?=\S)")  # not the apostrophe of "Clinton's"
_ATTRIBUTION_JOINED = re.compile(r",?\s*")
_THE_NAME = re.compile(rf"the\s+{_NAMED_ACTOR}")  # "the U.S. Army"; not "the German foreign ministry spokesman"
# What leaves no name of a source: "a new report", "Officials", "the assessment", "local media".
_GENERIC_SOURCE = re.compile(rf"\b(?:[a-z][\w-]*|(?i:an?|the|state|local|{_SOURCES}|{_ROLE})(?!\w))\s*")
_LINKING = STOPWORDS | {"said", "says", "claimed", "while", "as", "although", "because"}
_WORD = re.compile(r"\w+")
_AT_LEAST = re.compile(r"at\s+(?:least|most)\b", re.IGNORECASE)
_NUMBER_OR_WORD = re.compile(r"\d+(?:[.,/:]\d+)*\w*|\w+")  # "3.66", "1986/87" and "10th" are one word each
_CLAUSE_BREAK = re.compile(r"[;:()\[\]“”\"—–]|\s-\s|(?<!\d),|,(?!\d)")  # not the comma of "2,000"
# A count joined by "and" to a count of something else: "six men and one woman".
_JOINED_AFTER = re.compile(rf"\s+[a-z]+\s+and\s+(?:{AMOUNT_WRITTEN})\s+[a-z]+", re.IGNORECASE)
_JOINED_BEFORE = re.compile(rf"\b(?:{AMOUNT_WRITTEN})\s+[a-z]+\s+and\s+$", re.IGNORECASE)
_IN_PLACE = re.compile(rf"\b(?:{_IN}){_BEFORE_A_PLACE}", re.IGNORECASE)
_HOME_BEFORE = re.compile(r"(?:\b\d{1,3},|\bboth|\ball)\s+(?:of|from)\s+$")  # "Philip Logan, 52, from New Addington"
_COMPASS_NAME = re.compile(r"(?:North|South|East|West)(?:ern)?\b")  # "South London", "West Bank": places
_CONTRACTED = STOPWORDS | {"here", "let", "there", "that", "what", "who", "where", "how", "why", "it"}  # "Here's why"
_OWNED = ("'s", "’s")  # an owner's mark: "Switzerland's economy"
_JOINED_TO_WORD = re.compile(r"\w[-/]$")  # "M-1", "1985/86": a number part of a name or a span
_GALLERY_BEFORE = re.compile(r"\b(?:Images|Photos?|Pictures)\s+$")  # a photo credit a gallery's counter follows
# "Reuters 3 Protests": a caption's counter after a photo agency
_AGENCY_BEFORE = re.compile(r"\b(?:Reuters|AP|AFP|PA|EPA|Shutterstock|Alamy|Rex)\s+$")
_LEADING_ARTICLE = re.compile(r"^(?:An?(?=\s)|The(?= [a-z]))")  # "A Syrian monitoring group", "The statement"
_THE_BEFORE = re.compile(r"\bthe\s+$", re.IGNORECASE)  # "the Red Crescent": no one's name
# "Shearson Lehman Brothers, a unit of American Express Co": a company that owns another, no one asked for unless the
# question asks of an owner
_PARENT_BEFORE = re.compile(r"\b(?:(?:unit|subsidiary|division|affiliate|part|arm)\s+of|owned\s+by)\s+$", re.IGNORECASE)
_OF_A_COUNT = {"other", "additional", "further", "remaining", "extra", "fewer"}  # "how many other people"
_PART_BEFORE = re.compile(r"\bthe\s+(?:other|remaining|final)\s+$", re.IGNORECASE)  # "the other four victims"
_PART_AFTER = re.compile(r"\s+remaining\b", re.IGNORECASE)  # "the three remaining victims"
_REST_ASKED = re.compile(r"\b(?:other|more|remain\w*|final|rest|additional|further|extra)\b", re.IGNORECASE)
_NOT_WHOLE = {"average", "averaged", "averages", "mean", "per", "rate", "rates"}  # asked how many, may be a fraction
_MONEY_ASKED = re.compile(  # "How much did Brown-Forman net?"; not "By how much did profits rise?", "…shares lose?"
    r"(?<!\bby )\bhow much (?:(?!(?:after|when|because|before|while|if|that|which|who)\b)[\w'’-]+\s+){0,12}?"
    r"(?:earn|earned|net|netted|pay|paid|spend|spent|cost|owe|owed|charge"
    r"|charged|fetch|fetched|invest|invested)\b",
    re.IGNORECASE,
)
# "How much…?" asks a sum or a quantity, never a count of things, and so does "how big/large" a sum ("How large is the
# World Bank loan…?"); "How big a crowd…?" may ask a count
_SUMS = sorted(
    AMOUNT_NOUNS | {"loan", "loans", "bond", "bonds", "eurobond", "shortfall", "stake", "bid", "offer", "deal"}
)
_MASS_ASKED = re.compile(
    rf"\bhow much\b|\bhow (?:large|big)\s+(?:[\w'’-]+\s+){{0,4}}?({'|'.join(_SUMS)})\b", re.IGNORECASE
)
# Sums that are money whatever else a story counts: asked how big a loan is, "6.28 mln tonnes" is no answer
_MONEY_NOUNS = frozenset(
    "loan loans bond bonds eurobond debt budget price cost fee fine salary wage wages dividend payout income revenue"
    " revenues earnings profit profits loss losses deficit".split()
)
_TIME_AFTER = re.compile(rf"[\s-]+(?:{TIME_UNITS})\b(?![\s-]+old)", re.IGNORECASE)  # not an age: "42-year-old"
_TIME_ASKED = re.compile(rf"\bhow (?:many\s+(?:{TIME_UNITS})|often|long)\b|\btimes?\b", re.IGNORECASE)
_JOINED_MEASURE = re.compile(rf"(?!m\b)(?:{_WEIGHT}|{_LENGTH}|{_SPEED})\b")  # "360g", "130ft"; "5m" may be a sum
_UNIT_OF_VAGUE = re.compile(rf"\s+of(?:\s+[A-Za-z.-]+){{0,2}}?{AMOUNT_UNIT.pattern}")  # "thousands of (US) dollars"
_UNIT_NEXT_BUT_ONE = re.compile(rf"\s+[A-Za-z]+(?=\s){AMOUNT_UNIT.pattern}")  # "64 Canadian cts", "37,000 long tons"
_YEAR_SPAN = re.compile(r"\b(1[6-9]\d\d|20\d\d)(?:/(\d\d))?\b")  # "1986", "1986/87"
# "1.26 mln in 1985", "in fiscal 1986/87": the year of the value; not "5 pct higher than in 1986"
_YEAR_AFTER = re.compile(
    rf"(?:\s+(?!(?:than|from|over|against|compared|with|versus|vs)\b)[a-z]+){{0,2}}?\s+in\s+(?:fiscal\s+)?"
    rf"({_YEAR_SPAN.pattern})"
)
_MONTH_DAY_END = re.compile(r"\b[A-Z][a-z]{2,8}\.?\s+\d{1,2}$")  # "November 9", "Nov. 9" ending a date
_AGE_WORDS = frozenset(("old", "age", "aged"))  # a question holding one asks for an age
_AGE_NOW_ASKED = re.compile(r"\bhow old (?:is|are)\b", re.IGNORECASE)
_AGE_THEN = re.compile(
    r"\b(?:as\s+an?|at\s+(?:the\s+)?age(?:\s+of)?|when\s+(?:he|she|they)\s+(?:was|were))\s+$", re.IGNORECASE
)
_AGE_OF = re.compile(r"\b(?i:how old (?:is|was|are|were))\s+([^,?]+)")  # "How old is Olin chairman John Henske, …?"
_CAPITALISED_RUN = re.compile(r"[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*)*")
_AGE_OWNER = re.compile(r"([A-Z][\w'’-]+)\s*,\s*$")  # "Henske, 53": whose age it is
_OWNER_ASKED = re.compile(r"\b(?:owns?|owned|owners?|parent)\b", re.IGNORECASE)
_BACK_REFERENCE = {"others"}  # "50 others were injured": the number counts what the sentence counted before
# Words that say one thing in other words: a question's "died" is answered by "killed", "deaths", "toll".
_PEOPLE = {"people", "persons", "civilians", "residents", "passengers", "victims", "men", "women", "children"}
_FIGHTERS = {"fighters", "militants", "jihadists", "insurgents", "rebels", "gunmen", "combatants"}
_SAME_SENSE_GROUPS = [
    {"die", "died", "dead", "death", "deaths", "kill", "killed", "killing", "killings", "toll", "lives", "fatal",
     "fatalities", "perished", "lost", "lose"},
    {"injure", "injured", "injuries", "wounded", "hurt", "hospital", "hospitalised", "hospitalized"},
    {"arrest", "arrested", "detained", "held", "custody"},
    {"cost", "costs", "costly", "paid", "pay", "price", "spent", "worth", "value", "valued"},
    {"weigh", "weighs", "weight", "heavy", "grams", "g"},
    {"win", "won", "winner", "victory", "champion", "champions", "title", "beat"},
    {"born", "age", "aged", "old"},
    {"begin", "began", "begun", "beginning", "start", "started", "starts", "launch", "launched", "opened", "commenced"},
    {"head", "heads", "director", "directs", "chief", "leader", "leads", "runs", "chairman", "chair", "charge"},
]  # fmt: skip
# Words that say the same, but say nothing of what a number beside them counts ("made 12 arrests", "200 homes built");
# not "founded", which is one stem with "found"
_MADE = {"made", "make", "created", "creates", "invented", "invents", "established", "built"}  # "makes" sells, too
# An event told in other words: "bombed the consulate" as "struck the consulate", "tipped over" as "derailed".
_ATTACKED = {"attack", "attacked", "attacks", "bomb", "bombed", "bombing", "struck", "strike", "blast", "explosion",
             "assault", "raid"}  # fmt: skip
_CRASHED = {"crash", "crashed", "derailed", "derailment", "overturned", "overturn", "tipped", "flipped", "collision"}
_SHOT = {"shooting", "shot", "shots", "shoot", "gunfire", "gunman", "gunmen"}
# A figure made smaller or larger, in other words: "cut to 360g" is asked as "reduced to", "rose" as "increased".
_LESS = {"cut", "reduce", "reduced", "reduces", "decrease", "decreased", "lowered", "trimmed", "slashed", "shrank",
         "shrunk", "downsized", "fell", "fall", "falls", "dropped", "declined", "decline"}  # fmt: skip
_MORE = {"raise", "raised", "increase", "increased", "rose", "rise", "rises", "risen", "boosted", "grew", "climbed",
         "jumped", "gained"}  # fmt: skip
# A number measuring something other than what the question counts: "100 metres" away, "three years" on, "seven
# times" more.
_UNIT_AFTER = re.compile(
    rf"[\s-]*(?:mph|kph|km/h|{TIME_UNITS}|metres?|meters?|km|kilometres?|kilometers?|miles?|feet|foot|ft|kg|kilos?|tonnes?|tons?"
    r"|grams?|pounds|lbs?|points?|laps?|goals?|runs?|games?|times)\b",
    re.IGNORECASE,
)
# What a value is said of when it is not what the question asks as a whole: one strike, all strikes, a place, a span.
_SCOPE = re.compile(
    r"(?i:\b(?:(?:in|during|from|by)\s+)?(?:a|an|one|a\s+single|each|the\s+same)\s+(?:[\w.-]+\s+){0,3}?"
    r"(?:air\s?strike|strike|raid|attack|bombing|blast|explosion|incident)\b"
    r"|\b(?:in|on|during)\s+(?:one|a\s+single|each)\s+(?:day|night|week|month)\b)"
    r"|\b(?:in|across|throughout)\s+(?:the\s+)?[A-Z][\w-]+\s+and\s+[A-Z][\w-]+"
    r"|\bsince\s+(?:early\s+|late\s+|mid-?\s*)?(?:\d{4}|[A-Z][a-z]+(?:\s+\d{4})?)"
)
# What a sentence tells of an earlier event it measures the story against: "the first since 1959, when two women
# passengers and the driver died", "the lowest since August 1985, when it was estimated at 8.3 pct".
_EARLIER_EVENT = re.compile(
    r"\bsince\s+(?:(?:early|late|mid-?)\s*)?(?:[A-Z][a-z]+\.?\s+)?((?:1[89]|20)\d\d),?\s+when\b[^,;:()]*$",
    re.IGNORECASE,
)
# A record measured against the last time: "the first … since 1959", "its lowest level since March 1986"; not "has
# only been in office since 1985", "most of the workers have been on strike since March".
_RECORD_SINCE = re.compile(
    r"\b(?:the|its|their|his|her)\s+(?:[\w-]+\s+)?(?:first|worst|deadliest|biggest|largest|smallest|highest|lowest"
    r"|strongest|weakest|best|fastest|slowest|sharpest|steepest|longest)"
    r"\b[^,;:.]{0,80}\bsince\s+(?:(?:early|late|mid-?)\s*)?(?:(?:the\s+)?[A-Z][a-z]+\.?\s+)?$",
    re.IGNORECASE,
)
# A number a sentence gives as the one before ("to 230 mln from 600 mln", "against 3.13 mln a year earlier"), and the
# question words that ask for it.
_FORMER = re.compile(r"\b(?:from|against|compared\s+with|versus|vs\.?)\s+$", re.IGNORECASE)
_CHANGE = (
    r"(?:cut|reduced|reducing|lowered|raised|increased|decreased|trimmed|slashed|shrunk|shrank|downsized|revised|dropping"
    r"|dropped|falling|fell|rising|rose|going\s+down|going\s+up)"
)
# "the 170-gram bar was reduced to 150 grams": the number before the change, and the one it was changed to
_CHANGED_AFTER = re.compile(  # the words between in the number's clause: not "400 workers when output was cut to"
    r"[a-z]*(?:[\s-]+(?!(?:when|as|and|or|but|while|after|before|because|since|which|that|if|so|then)\b)[a-z]+){0,3}?\s+"
    rf"(?:(?:was|were|is|are|will|would|has|have|had|be|been|being)\s+){{0,2}}{_CHANGE}\s+(?:down\s+|up\s+)?to"
    r"\s+(?:(?:an?|about|around|some|just|only)\s+)?[$£€]?\d"  # a figure: not "fell to their deaths"
)
_CHANGED_BEFORE = re.compile(rf"\b{_CHANGE}\s+(?:down\s+|up\s+)?to\s+(?:an?\s+)?$", re.IGNORECASE)
# A limit is what a measure may reach, not what it reached: "faster than the 12mph speed limit", "a speed limit of
# 12 mph"; asked for unless the question speaks of what is allowed.
_LIMIT_BEFORE = re.compile(r"\b(?:limits?|quotas?|ceilings?)\s+(?:of|at|is|was)\s+(?:up\s+to\s+)?$", re.IGNORECASE)
_LIMIT_AFTER = re.compile(  # "12mph speed limit", "12 mph (20km/h) limit"; not "3,000 troops to limit the violence"
    r"(?:\s?(?!(?:to|would|will|could|can|may|might|should|must)\b)[a-z/]+)?(?:\s*\([^)]{1,20}\))?\s+"
    r"(?:(?:speed|weight|height|age|time|term|daily|legal|upper|lower|spending|borrowing|credit|output|import|export"
    r"|price)\s+)?(?:limits?|quotas?|ceilings?)\b",
    re.IGNORECASE,
)
_LIMIT_ASKED = re.compile(
    r"\b(?:limits?|quotas?|ceilings?|allowed|permitted|maximum|legal|capped|can)\b", re.IGNORECASE
)
# Asked when something began or ended, a date the sentence gives as the other end is no answer: "the quota year
# began January 1, 1987 and ends December 31", asked when it ends.
_START_ASKED = re.compile(r"\b(?:begin|began|begins|start|started|starts)\b(?!\s+of\b)", re.IGNORECASE)
_END_ASKED = re.compile(  # not "the end of …", which as often bounds the time asked: "before the end of 2016"
    r"\b(?:end|ends|ended|finish|finished|finishes|expire|expires|expired)\b(?!\s+of\b)", re.IGNORECASE
)
_STARTED_BEFORE = re.compile(
    r"\b(?:began|begins|begin|beginning|started|starts|start|starting|from)\s+(?:on\s+|in\s+)?$", re.IGNORECASE
)
_ENDED_BEFORE = re.compile(
    r"\b(?:ended|ends|end|ending|finished|finishes|expires|expired|until|till|through)\s+(?:on\s+|in\s+)?$",
    re.IGNORECASE,
)
_EARLIER_ASKED = re.compile(  # not "before the end of the year", nor asked what it was cut to
    r"\b(?:before(?!\s+the\s+(?:end|start|beginning|close)\b)|previous|previously|earlier|former|prior|ago|originally"
    r"|initially)\b",
    re.IGNORECASE,
)
# "How much will output be cut to?" asks the new figure; "…before it fell to 10.9 pct?" gives it and asks the old
_CHANGE_ASKED = re.compile(rf"\b{_CHANGE}\s+to\b(?!\s+(?:\S+\s+)?[$£€]?\d)", re.IGNORECASE)
_SUCCEEDED = re.compile(r"\b(?:succeed(?:s|ed|ing)?|replac(?:e|es|ed|ing)|successor\s+to)\s+$", re.IGNORECASE)
# "Who did Johnstone succeed?", "Whose predecessor…": the one leaving; "Who will succeed Henske?": the one arriving
_PREDECESSOR_ASKED = re.compile(
    r"\bpredecessor\b|\bwho\w*\s+(?:did|does|do|will|would|is|was|has|had)\s+(?!succeed|replace)\S.*\b(?:succeed|replace)",
    re.IGNORECASE,
)
# "a victory over the Cleveland Indians", "ahead of Rosberg": the one who lost, not who won
_BEATEN = re.compile(
    r"\b(?:over|against|ahead\s+of|beat(?:s|ing)?|defeat(?:s|ed|ing)?|versus|vs\.?|edg(?:es|ed|ing)|overc(?:ame|omes|oming))\s+"
    r"(?:the\s+)?$",
    re.IGNORECASE,
)
# "Who won the World Series?" asks for the winner; "Who did the Cubs beat to win it?" for the one beaten
_WINNER_ASKED = re.compile(r"\b(?:won|wins?|winning|winners?)\b", re.IGNORECASE)
_BEATEN_ASKED = re.compile(r"\b(?:against|over|beat\w*|defeat\w*)\b", re.IGNORECASE)
_OWNER_BEFORE = re.compile(  # "on its Facebook page"; not "its Fluor Daniel unit received a contract"
    r"\b(?:on|in|at|via|through|from|to)\s+(?:its|his|her|their|our|your|my)\s+$", re.IGNORECASE
)
_ACCORDING_TO = re.compile(r"\baccording\s+to\s+(?:the\s+|an?\s+)?$", re.IGNORECASE)  # who gives a claim
_SOURCE_ASKED = re.compile(
    rf"\b(?:{_SAY}|say|tell|spoke|speak\w*|spokes\w*|according|sources?|report\w*|claim\w*|estimat\w*|confirm\w*"
    r"|announc\w*|quot\w*|blam\w*|figures?|count(?:ed|s)?|put)\b",
    re.IGNORECASE,
)
_PER_SHARE = re.compile(rf"\s?(?:{MONEY})?\s+(?:a|per)\s+(?:share|shr)\b", re.IGNORECASE)
_GIVEN_PER_SHARE = re.compile(NUMBER_RE.pattern + _PER_SHARE.pattern, re.IGNORECASE)  # "earned one dollar per share"
# A sentence speaking of days to come ("will reopen on Tuesday"), and a weekday of another week than its story's.
_FUTURE = re.compile(
    r"\b(?:will|shall|going\s+to|(?:is|are)\s+(?:due|set|expected)\s+to|scheduled\s+(?:to|for))\b", re.IGNORECASE
)
_OTHER_WEEK = re.compile(r"\b(?:the|a|last|every|each)\s+$", re.IGNORECASE)  # "the Sunday before the election"
_FACTOR_AFTER = re.compile(r"[\s-]+(?:times|fold)\b", re.IGNORECASE)
_MORE_AFTER = re.compile(r"\s+(?:more|higher|greater|larger|bigger|above)\b", re.IGNORECASE)  # "15 pct more than"
# What says a number is an amount rather than a count: money, a share, a scale (in the value), a unit after it.
_AMOUNT_SCALE = re.compile(r"[$£€%]|\b(?:mln|bln|million|billion|thousand|pct|percent|per cent)\b", re.IGNORECASE)
_WORD_BEFORE = re.compile(r"\b([A-Za-z]+)\s+$")
_ORDINAL = re.compile(r"(?:st|nd|rd|th)\b", re.IGNORECASE)  # "4TH QTR" in a wire headline
_PERSON_ASKED = re.compile(rf"^\W*who\b|\bwhich (?:\w+ ){{0,2}}(?:{PERSON_ROLES})\b", re.IGNORECASE)
# A question asking who of several people, the dead or hurt: their names are no disagreement, and one story may give
# several ("Who died in the crash?").
_SEVERAL_ASKED = re.compile(  # not "Who killed the ambassador?", "Who was the youngest of the victims?"
    r"^\W*who\s+(?:died|dies|(?:was|were|got)\s+(?:killed|injured|wounded|hurt)\b|(?:were|are)\b.*"
    r"\b(?:victims|casualties|dead|killed|injured|wounded|hurt)\b)",
    re.IGNORECASE,
)
_LIST_GAP = re.compile(r"\s*,?\s*(?:\d{1,3}\s*,\s*)?(?:and\s+)?")  # between names listed: ", ", ", 19, ", " and "
# Words that make a capitalised span an organisation or a thing rather than a person.
_NOT_PERSON = {
    "forces", "force", "board", "fund", "agency", "news", "house", "party", "international", "bank", "council",
    "committee", "ministry", "department", "office", "group", "army", "field", "side", "corp", "inc", "co",
}  # fmt: skip
_PLACED_WORD = re.compile(rf"\b(?:{_IN})\s+([A-Z][\w'’-]*[a-z])\b(?!\s+[A-Z])")  # "in Raqqa"
_NOT_PLACE = {"news", "times", "post", "press", "agency", "ministry", "committee", "council", "party", "fund", "board"}
_COMPANY = {"corp", "inc", "co", "ltd", "plc", "group", "llc", "lp", "ag", "sa", "nv", "kk", "company"}
_NOT_NAMES = frozenset(MONTHS) | _COMPANY | {
    "director", "president", "chairman", "chief", "minister", "secretary", "spokesman", "spokeswoman", "general",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "mr", "mrs", "ms", "dr", "he", "she",
    "it", "they", "we", "i", "but", "and", "the", "a", "an", "in", "on", "at", "this", "that", "there", "its",
    "image", "images", "caption", "copyright", "photo", "getty", "ap", "afp", "reuters", "pa", "epa", "twitter",
    "prime", "deputy", "vice", "senior", "former", "commander", "head", "leader", "adviser", "governor", "mayor",
}  # fmt: skip
# Words that open a question or a clause, capitalised first in a sentence ("If Rosberg finishes third", "What caused…"):
# none of a name, written so; in capitals they may be one ("WHO", "AS Roma").
_CLAUSE_WORDS = frozenset(
    "what who whom whose when where which why how if while after before as although though because since unless until"
    " whether once despite however meanwhile even also only still within during".split()
)


@dataclass(frozen=True)
class Attribution:
    """Who a sentence says gives a claim, where it says so, and the quotation it closes ("'…,' X said"), if any."""

    start: int
    end: int
    who: str
    quoted: tuple[int, int] | None


@dataclass(frozen=True)
class Mention:
    """One value as one sentence gives it: spans in the article's source."""

    result: Result
    rank: int  # the rank of the passage it came from, 1 first
    value: str  # as written
    normalized: str
    kind: str
    value_span: tuple[int, int]
    phrase_span: tuple[int, int]  # the value with the words around it in its clause
    sentence_span: tuple[int, int]
    attributed_to: str | None
    weight: float  # how strongly the question's words support it in its sentence
    qualifier: str | None = None  # what the sentence says the value is of, where narrower or wider than asked
    story: str = ""  # the independent story it comes from: its article's path, or the first of its copies'

    def source_text(self, span: tuple[int, int]) -> str:
        p = self.result.passage
        return p.text[span[0] - p.start : span[1] - p.start]

    @property
    def phrase(self) -> str:
        return self.source_text(self.phrase_span)

    @property
    def sentence(self) -> str:
        return self.source_text(self.sentence_span)

    @property
    def lines(self) -> tuple[int, int]:
        """The phrase's lines, counted within the passage where its lines are those of its text's source (a
        text file's, or an extracted text's); a web page's passage cites the lines of the file it was found at."""
        p = self.result.passage
        if not p.lines_of_its_text:
            return p.first_line, p.last_line
        first = p.first_line + p.text.count("\n", 0, self.phrase_span[0] - p.start)
        return first, first + p.text.count("\n", self.phrase_span[0] - p.start, self.phrase_span[1] - p.start)

    @property
    def location(self) -> dict:
        """Where the phrase is, as a result cites its passage: article, path, lines (and page, for a PDF)."""
        p = self.result.passage
        return location_json(p.path, p.metadata, *self.phrase_span, self.lines, p.lines_in)


@dataclass(frozen=True)
class Figure:
    """A value and every mention of it, best-ranked first."""

    mentions: tuple[Mention, ...]
    several: bool = False  # one of the several people the question asks of (_SEVERAL_ASKED): no disagreement

    @property
    def first(self) -> Mention:
        return self.mentions[0]

    @property
    def cited(self) -> tuple[Mention, ...]:
        """Each article's best-ranked mention, best first: the value's sources."""
        best: dict[str, Mention] = {}
        for mention in self.mentions:
            best.setdefault(mention.result.passage.path, mention)
        return tuple(best.values())

    @property
    def articles(self) -> int:
        """The independent stories giving the value: syndicated copies of one story count once."""
        return len({m.story for m in self.mentions})

    @property
    def copies(self) -> int:
        """The articles giving the value that are copies of another one giving it."""
        return len({m.result.passage.path for m in self.mentions}) - self.articles

    @property
    def support(self) -> float:
        """Independent support: each story giving the value counts (1 + weight) / rank of its best mention."""
        best: dict[str, float] = {}
        for m in self.mentions:
            best[m.story] = max(best.get(m.story, 0.0), (1 + m.weight) / m.rank)
        return sum(best.values())

    @property
    def closeness(self) -> float:
        """How closely the question's words support the value in the sentence that supports it most."""
        return max(m.weight for m in self.mentions)

    @property
    def qualifier(self) -> str | None:
        return self.first.qualifier

    @property
    def attributed_to(self) -> str | None:
        """Who the sources say gives the value: the first who is named ("Amnesty International"), else the first
        said ("a new report", "officials")."""
        said = [m.attributed_to for m in self.mentions if m.attributed_to]
        return next((who for who in said if _GENERIC_SOURCE.sub("", who).strip()), said[0] if said else None)


@dataclass(frozen=True)
class Sought:
    """What a question asks for, as the values are read for it."""

    kind: str  # figure_kind's, or PERSON
    terms: frozenset[str]  # the question's content words
    wanted: frozenset[str]  # the stems of its distinctive words, and of the words that say the same (_senses)
    counted: frozenset[str]  # the stems of what a "how many" question counts (_counted)
    measure: str | None  # AMOUNT, FACTOR, SHARE or a key of _MEASURED_IN (_measure)
    asks_year: bool  # "in what year": a date must give one
    lowercase: frozenset[str]  # the words the passages read also write in lower case: "Like", "However" name nothing
    places: frozenset[str]  # the words the passages read write as places ("in Raqqa"): no one's name, asked who
    predecessor: bool  # the question asks whom someone succeeds or replaces (_PREDECESSOR_ASKED)
    winner: bool  # the question asks who won (_WINNER_ASKED), not whom a winner beat (_BEATEN_ASKED)
    source: bool  # the question asks who says or gives something (_SOURCE_ASKED)
    named: frozenset[str]  # what the question names (_named)
    years: tuple[int, int] = (0, 9999)  # the years a date asked for may fall in: "before 2016" (0, 2015)
    several: bool = False  # the question asks who of several people (_SEVERAL_ASKED): the dead, the hurt
    every_sentence: bool = False  # every sentence of a passage read, not its answering one alone
    any_noun: bool = False  # a number may count any noun of its own, not only the one the question counts
    limit: bool = False  # asked what may be reached ("How fast can…", "…allowed to go"): a limit answers
    owner: bool = False  # asked who owns something: a parent company answers
    money: bool = False  # asked how much someone earned, paid, lost…: a sum, not a share (_MONEY_ASKED)
    mass: bool = False  # asked how much, or a price, a cost…: a count of things is no answer (_MASS_ASKED)
    aged: frozenset[str] = frozenset()  # the words of the name whose age is asked ("How old is John Henske?")
    age_now: bool = False  # asked how old someone is (_AGE_NOW_ASKED): not how old at some event
    time: bool = False  # asked how many years, how often, how long… (_TIME_ASKED): a span of time may answer
    rest: bool = False  # asked of the rest of a count ("How many more…", "…remain"): "the other four" answers
    earlier: bool = False  # asked of what was before ("the year before", "previously"): "from 3.46 mln" answers
    boundary: str = ""  # "start" or "end": asked when something began, or when it ends
    given: frozenset[str] = frozenset()  # the numbers the question gives, normalised: no answer while another is given
    head: frozenset[str] = frozenset()  # the words by which a name may be asked: "desert" in "which desert"
    per_share: bool = False  # asked what a share earns or is paid, not of a figure it gives ("one dollar per share")


def _sought(question: str, kind: str, results: list[Result]) -> Sought:
    """What the question asks for, of the kind figure_kind reads in it, as the values are read from the results."""
    question_terms = {w for w in _NUMBER_OR_WORD.findall(normalize_for_search(question).lower()) if w not in STOPWORDS}
    distinctive = _distinctive(question_terms, [r.answer_text for r in results])
    person = kind == NAME and _PERSON_ASKED.search(question)
    sum_noun = _sum_asked(question)  # "loan" in "How large is the loan?", "price" in "What was the price?"
    verb = AMOUNT_VERB_ASKED.search(question)  # "What did Sale Tilney pay…?" asks a sum; "What does it weigh?" not
    lowercase = {word for r in results for word in _LOWERCASE_WORD.findall(r.passage.text)}
    return Sought(
        PERSON if person else kind,
        frozenset(question_terms),
        frozenset(_senses(distinctive, _TOLD_ALIKE)),
        frozenset(_counted(question)),
        _measure(question, verb),
        bool(_YEAR_ASKED.search(question)),
        frozenset(lowercase) if kind in (NAME, PLACE) else frozenset(),  # only names are told from common words
        frozenset(m.group(1) for r in results for m in _PLACED_WORD.finditer(r.passage.text))
        if person
        else frozenset(),
        bool(_PREDECESSOR_ASKED.search(question)),
        bool(_WINNER_ASKED.search(question)) and not _BEATEN_ASKED.search(question),
        bool(_SOURCE_ASKED.search(question)),
        frozenset(_named(question, question_terms, results, lowercase)),
        _years(question),
        bool(person and _SEVERAL_ASKED.search(question)),
        limit=bool(_LIMIT_ASKED.search(question)),
        owner=bool(_OWNER_ASKED.search(question)),
        money=bool(_MONEY_ASKED.search(question) or verb and verb.group(1).lower() != "weigh")
        or sum_noun in _MONEY_NOUNS,
        mass=bool(_MASS_ASKED.search(question) or verb) or sum_noun in AMOUNT_NOUNS,
        aged=_aged(question),
        rest=bool(_REST_ASKED.search(question)),
        time=bool(_TIME_ASKED.search(question)),
        age_now=bool(_AGE_NOW_ASKED.search(question)),
        earlier=bool(_EARLIER_ASKED.search(question)) and not _CHANGE_ASKED.search(question),
        boundary=_boundary(question),
        given=frozenset(normal_number(m.group("amount")) for m in NUMBER_RE.finditer(question) if m.group("amount")),
        head=frozenset(w for m in _NAME_ASKED_OF.finditer(question) for w in m.groups() if w and w not in STOPWORDS),
        per_share="share" in {w.lower() for w in _WORD.findall(_GIVEN_PER_SHARE.sub(" ", question))}
        or sum_noun in ("dividend", "payout"),  # a dividend is paid on each share
    )


def _boundary(question: str) -> str:
    """Which end of a span the question asks the date of: "start", "end", or "" for neither or both."""
    start, end = bool(_START_ASKED.search(question)), bool(_END_ASKED.search(question))
    return "start" if start and not end else "end" if end and not start else ""


def _sum_asked(question: str) -> str | None:
    """The noun of the sum a question asks for: "loan" in "How large is the World Bank loan…?", "price" in "What was
    the price…?"."""
    found = _MASS_ASKED.search(question)
    noun = found.group(1) if found and found.group(1) else number_noun(question)
    return noun.lower() if noun else None


def _aged(question: str) -> frozenset[str]:
    """The words of the name whose age the question asks, when it asks a person's ("How old is Olin chairman John
    Henske?": john, henske); none for "How old is Olin's new chief executive?"."""
    asked = _AGE_OF.search(question)
    runs = _CAPITALISED_RUN.findall(asked.group(1)) if asked else []
    name = runs[-1].split() if runs else []
    return frozenset(word.lower() for word in name) if len(name) >= 2 else frozenset()


def _years_of(text: str) -> list[str]:
    """The years a word or phrase names: "1987" 1987; "1987/88" 1987 and 1988."""
    return [
        year
        for m in _YEAR_SPAN.finditer(text)
        for year in (m.group(1), m.group(2) and m.group(1)[:2] + m.group(2))
        if year
    ]


def _another_year(label: str, question_terms: frozenset[str]) -> bool:
    """Whether the year a value is labelled with ("1.26 mln in 1985", "in 1985/86") is not one the question asks of,
    when it asks of one: another year, or another crop year asked of one ("1985/86" asked of 1986/87)."""
    asked = {year for term in question_terms for year in _years_of(term)}
    crop_year = any("/" in term for term in question_terms if _YEAR_SPAN.fullmatch(term))
    return (
        bool(asked) and label not in question_terms and ("/" in label and crop_year or not asked & {*_years_of(label)})
    )


def _years(question: str) -> tuple[int, int]:
    """The years a date the question asks for may fall in, by what it says of them: "before 2016", "after 2010",
    "since 2010", "until 1990"."""
    earliest, latest = 0, 9999
    for bound in _YEARS_BOUND.finditer(question):
        year = int(bound.group(3))
        word = bound.group(1).lower()
        if word in ("before", "prior to", "earlier than") and not bound.group(2):
            latest = min(latest, year - 1)
        elif word in ("until", "up to", "before", "prior to", "earlier than"):  # "before the end of 2016" too
            latest = min(latest, year)
        elif word in ("after", "later than"):
            earliest = max(earliest, year + 1)
        else:  # since
            earliest = max(earliest, year)
    return earliest, latest


def figures(
    question: str,
    results: list[Result],
    copies: dict[str, list[str]] | None = None,
    article_text: Callable[[str], str] | None = None,
) -> list[Figure]:
    """The values the ranked results give for what the question asks, most supported first (none when the
    question asks for no short fact): read in the answering sentences, or in every sentence of the passages when
    none gives one; those beside the first as _beside keeps them. `copies`: the articles found to be copies of
    each (by path), which count as one story; `article_text`: an article's whole text by its path (else the text
    of its passages among the results)."""
    kind = figure_kind(question)
    if kind is None or not results:
        return []
    sought = _sought(question, kind, results)
    stories = _stories([r.passage.path for r in results], copies or {})
    floor = SIMILARITY_FLOOR * results[0].score
    mentions = _mentions(sought, results, stories, floor)
    if not mentions:  # "How many residents did Amnesty's researchers speak to?": "… interviewed 112 civilian residents"
        mentions = _mentions(replace(sought, every_sentence=True), results, stories, floor)
    if not mentions and sought.counted and not _TIME_COUNTED.search(question):
        # "How many volunteers…?": "… saw 3,000 digital activists scan…"; but "four cases" is no count of months
        best = results[:1]  # the best passage's answering sentence alone: the noun counted is not the question's
        mentions = _mentions(replace(sought, any_noun=True), best, stories, floor)
    if not mentions and kind == DURATION and _LENGTH_ASKED.search(question):  # "How long was the tram?": 100 feet
        sought = replace(sought, kind=NUMBER, measure="long")
        mentions = _mentions(sought, results, stories, floor)
    found = _grouped(mentions, sought.measure in _UNITS)
    if not found:
        return []
    if kind == NUMBER and _SCOPE.search(question):  # "…died in a single air raid?": a value of one raid first
        found.sort(key=lambda figure: not any(_SCOPE.search(m.sentence) for m in figure.mentions))
    if sought.several:
        found = [replace(figure, several=True) for figure in found]
    things = sought.counted - _MONEY if sought.measure == AMOUNT else set()  # "how much wheat"; any sum is of money
    others = [figure for figure in found[1:] if not things or _speaks_of(figure, things)]
    text = article_text or (lambda path: " ".join(r.passage.text for r in results if r.passage.path == path))
    article_words = cache(lambda path: set(terms(text(path))))  # each article read once a question
    return [found[0], *_beside(found[0], others, sought.named, kind in (NAME, PLACE), article_words)]


def _speaks_of(figure: Figure, things: set[str]) -> bool:
    """Whether a passage giving the value speaks of one of the things (stems) asked of: beside 1.5 mln tonnes of
    wheat, not 1.8 mln tonnes of raw sugar from a story that never speaks of wheat. A sum of money may be of anything
    a story calls it ("how much aid": "120 mln stg in assistance")."""
    return bool(MONEY_VALUE.search(figure.first.value)) or any(
        things & _passage_stems(mention.result.passage.text) for mention in figure.mentions
    )


def _beside(
    first: Figure, others: list[Figure], named: frozenset[str], names: bool, article_words: Callable[[str], set[str]]
) -> list[Figure]:
    """The other values shown beside the first: supported nearly as closely (OTHER_VALUE_CLOSENESS), a name or place
    (`names`) nearly as strongly (OTHER_NAME_SUPPORT) and never only by the first's own stories unless the question
    asks of several people, and given by an article naming everything the question names (`named`, _names_all)."""
    stories = {mention.story for mention in first.mentions}
    support = OTHER_NAME_SUPPORT * first.support if names else 0.0
    kept = []
    for other in others:
        own = all(mention.story in stories for mention in other.mentions)
        if own and names and not first.several:
            continue
        if _measured_otherwise(first.first, other.first):
            continue  # "5.768 billion dlrs" of exports, or "over 7.0 pct", beside "1.45 mln tonnes" of palm oil
        if other.closeness >= OTHER_VALUE_CLOSENESS * first.closeness and other.support >= support:
            if any(_names_all(named, mention, article_words) for mention in other.mentions):
                kept.append(other)
                if len(kept) == MAX_VALUES - 1:
                    break
    return kept


def _measured_otherwise(first: Mention, other: Mention) -> bool:
    """Whether two numbers are of things measured otherwise: a share and a weight, a sum of money and a weight. A
    number stated in no unit may be of either."""
    if first.kind != NUMBER or other.kind != NUMBER:
        return False
    dimensions = [
        "share" if mention.normalized.endswith("%") else dimension_of(mention.value) for mention in (first, other)
    ]
    return all(dimensions) and dimensions[0] != dimensions[1]


def _mentions(sought: Sought, results: list[Result], stories: dict[str, str], floor: float) -> list[Mention]:
    """The best mention of each result read (_best_mention), with its story and qualifier: the ten best-ranked
    passages' of the best passage's story, or of another story scoring above the floor (or said by someone the
    question names), and below them those of these stories whose support reaches DEEPER_SUPPORT of the median
    above (READ_ANY_ARTICLE)."""
    first = stories[results[0].passage.path]
    about = {stories[r.passage.path] for r in results[:READ_ANY_ARTICLE] if r.score >= floor}
    mentions: list[Mention] = []
    for rank, result in enumerate(results, start=1):
        deeper = rank > READ_ANY_ARTICLE
        story = stories[result.passage.path]
        below = story not in about or (not deeper and story != first and result.score < floor)
        if below and (deeper or not sought.named):
            continue
        mention = _best_mention(sought, result, rank)
        if mention is None or (below and not _said_by_named(sought, mention)):
            continue  # below the floor, a value said by whom the question names still answers: "did Amnesty say"
        if deeper and mention.weight < DEEPER_SUPPORT * _median([m.weight for m in mentions]):
            continue
        scoped = sought.kind in (NUMBER, DURATION) and not sought.terms & _AGE_WORDS  # an age has no scope
        scope = _qualifier(mention, set(sought.terms)) if scoped else None
        named = (
            sorted([mention, *_listed_with(sought, mention)], key=lambda m: m.value_span)
            if sought.several
            else [mention]
        )
        mentions.extend(replace(m, qualifier=scope, story=story) for m in named)  # a list as written
    return mentions


def _listed_with(sought: Sought, mention: Mention) -> list[Mention]:
    """The other people the mention's sentence names in one list with its name, asked of several ("named the final
    three victims as Donald Collett, Philip Logan and Robert Huxley"), each as closely supported."""
    sentence, start = mention.sentence, mention.sentence_span[0]
    names = [c for c in _candidates(sought, sentence) if _person_like(c[3])]
    at = next((i for i, c in enumerate(names) if start + c[0] == mention.value_span[0]), None)
    if at is None:
        return []
    first = last = at
    while first > 0 and _LIST_GAP.fullmatch(sentence, names[first - 1][1], names[first][0]):
        first -= 1
    while last + 1 < len(names) and _LIST_GAP.fullmatch(sentence, names[last][1], names[last + 1][0]):
        last += 1
    attributions = _attributions(sentence)
    listed = [names[i] for i in range(first, last + 1) if i != at]
    return [
        _mention_at(mention.result, mention.rank, mention.sentence_span, c, mention.weight, attributions)
        for c in listed
    ]


def _said_by_named(sought: Sought, mention: Mention) -> bool:
    """Whether the mention's sentence says its value is given by someone the question names."""
    return mention.attributed_to is not None and bool(sought.named & set(terms(mention.attributed_to)))


def _named(question: str, question_terms: set[str], results: list[Result], lowercase: set[str]) -> set[str]:
    """The words a question names: those it capitalises (not its first), and, typed in lower case, those the
    passages read write capitalised and never in lower case: "Amnesty", "Croydon", "February" (a monthly report of
    another month gives another figure)."""
    written = set(terms(" ".join(CAPITALISED_WITHIN.findall(question))))
    unwritten = question_terms - lowercase - written  # the passages' prose is read only when some word is in doubt
    if not unwritten:
        return written
    prose = [line for r in results for line in r.passage.text.splitlines() if not _title_cased(line)]
    return written | {word.lower() for line in prose for word in CAPITALISED_WITHIN.findall(line)} & unwritten


def _title_cased(line: str) -> bool:
    """Whether most of a line's words are capitalised, as in a headline ("Taliban Strike German Consulate"), where
    capitals say nothing of names."""
    words = _LETTER_WORD.findall(line)
    return sum(word[0].isupper() for word in words) > len(words) / 2


def _names_all(named: frozenset[str], mention: Mention, article_words: Callable[[str], set[str]]) -> bool:
    """Whether the mention's article (its title or text) names everything the question names: a value beside the
    first from an article that does not is about something else ("fats and oils rose to 2.16 mln tonnes" for how
    much palm oil Indonesia will produce), or not said by whom the question asks ("according to Amnesty")."""
    passage = mention.result.passage
    held = set(terms(f"{passage.title} {passage.text}"))
    return named <= held or named <= held | article_words(passage.path)


def _median(weights: list[float]) -> float:
    return median(weights) if weights else inf


def _stories(paths: list[str], copies: dict[str, list[str]]) -> dict[str, str]:
    """Each path's story: the first path, in ranked order, of the copies it belongs to (copies of copies too)."""
    story: dict[str, str] = {}
    for path in paths:
        if path in story:
            continue
        story[path] = path
        linked = list(copies.get(path, ()))
        while linked:
            other = linked.pop()
            if other not in story:
                story[other] = path
                linked += copies.get(other, ())
    return story


def _qualifier(mention: Mention, question_terms: set[str]) -> str | None:
    """The words of the value's sentence that say what it counts when that is narrower or wider than the question
    asks ("A U.S.-led coalition airstrike", "in Iraq and Syria"), as written; None when the sentence says nothing
    the question does not."""
    sentence = mention.sentence
    start = mention.value_span[0] - mention.sentence_span[0]
    end = mention.value_span[1] - mention.sentence_span[0]
    stems = {_stem(term) for term in question_terms}
    found = []
    for m in _SCOPE.finditer(sentence):
        if m.start() < end and m.end() > start:
            continue  # the value itself ("one", "a week")
        scope_words = {_stem(w) for w in terms(m.group())} - {"all", "single"}
        if scope_words and not scope_words <= stems:
            found.append((min(abs(m.start() - end), abs(start - m.end())), m.group()))
    return min(found)[1].strip() if found else None


def _distinctive(question_terms: set[str], sentences: list[str]) -> set[str]:
    """The question's words that fewer than half the answering sentences hold: the topic's own words (the city
    every article names) tell nothing of which sentence answers."""
    stems = [{_stem(w) for w in _WORD.findall(s.lower())} for s in sentences]
    return {w for w in question_terms if sum(_stem(w) in s for s in stems) * 2 < len(sentences) or len(sentences) < 3}


@lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    """A crude stem: the word less a plural or verb ending (and a consonant doubled before it) or a final e, cut to
    six letters ("directs", "director": "direct")."""
    word = word.lower()
    if word in _FIGHTERS or word + "s" in _FIGHTERS:
        return word.removesuffix("s")  # whole: a "militant" is not "military", "combatants" not "combat"
    for suffix in ("ies", "es", "s", "ed", "ing"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            stem = word[: -len(suffix)]
            if suffix in ("ed", "ing") and len(stem) >= 4 and stem[-1] == stem[-2] and stem[-1] not in "aeiouyflsz":
                stem = stem[:-1]  # "flagged", "stopping": "flag", "stop" (not "called", "passed", "staffed", "added")
            return stem[:6]
    return (word[:-1] if word.endswith("e") and len(word) >= 5 else word)[:6]  # "seize" as "seized", "seizing"


_MONEY = frozenset(map(_stem, ("money", "cash", "funds")))


@lru_cache(maxsize=256)
def _passage_stems(text: str) -> frozenset[str]:
    return frozenset(_stem(m.group()) for m in _NUMBER_OR_WORD.finditer(text))


_SAME_SENSE = [frozenset(map(_stem, group)) for group in _SAME_SENSE_GROUPS]  # what a number counts by its verb
_ALIKE = [*_SAME_SENSE, *(frozenset(map(_stem, group)) for group in (_PEOPLE, _FIGHTERS, _MADE))]  # by any noun
# Words that tell the same event or change, and so support a value, but count nothing: "four attacks using 10 bombs"
_TOLD_ALIKE = [*_ALIKE, *(frozenset(map(_stem, group)) for group in (_LESS, _MORE, _ATTACKED, _CRASHED, _SHOT))]
# A number's sense is not read past these: "trapping five people and injuring another 40".
_NEXT_CLAUSE = frozenset(map(_stem, ("and", "or", "but", "while", "as", "after", "before", "when")))
_OF_GROUP = re.compile(  # not "two of the six packages": a fraction
    rf"\s+of\s+(?:the|those|these|its|his|her|their)\s+(?!\d|{ONE_WORD})(\w+)", re.IGNORECASE
)
_JOINED_SUBJECT = frozenset(("the", "a", "an", "his", "her", "their", "its"))  # "… passengers and the driver died"
_AUXILIARY = frozenset(map(_stem, ("was", "were", "is", "are", "had", "have", "has")))


def _clause_after(own: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """The few words after a number in its clause, where its verb is: not read past "and", "while" and the like
    ("trapping five people and injuring another 40"), except past "and" joining a second subject ("two women
    passengers and the driver died": they died)."""
    clause = list(takewhile(lambda w: w[1] not in _NEXT_CLAUSE, own[:4]))
    rest = [stem for _, stem in own[len(clause) :]]  # "and", "the", "driver", ("were",) "died"
    if len(clause) < 4 and len(rest) > 3 and rest[0] == "and" and rest[1] in _JOINED_SUBJECT:
        verb_end = 5 if rest[3] in _AUXILIARY else 4
        clause += own[len(clause) + 3 : len(clause) + verb_end]
    return clause


def another_count(word: str, words: set[str]) -> bool:
    """Whether word says what a number counts ("killed") and words say that another thing is counted ("wounded"):
    a follow-up asking "and how many were wounded?" asks no longer of the killed."""
    stems = {_stem(w) for w in words}
    senses = [group for group in _SAME_SENSE if _stem(word) in group]
    asked = [group for group in _SAME_SENSE if stems & group]
    return bool(senses and asked) and not any(group in asked for group in senses)


def _senses(words: set[str], groups: list[frozenset[str]] = _ALIKE) -> set[str]:
    """The stems of words, and of the words that say the same (_ALIKE, or the groups given)."""
    stems = {_stem(w) for w in words}
    for group in groups:
        if stems & group:
            stems |= group
    return stems


def _counted(question: str) -> set[str]:
    """What a "how many …" question counts: the words between "how many" and its verb ("civilians"); what a question
    asking for a toll or a population counts: people."""
    match = re.search(
        r"\bhow (?:many|much)\s+((?:[\w-]+\s+){0,3}?)(?:were|was|are|is|did|do|does|have|has|had|\w+ed"
        r"|lost|hit|hurt|left|fell|took|saw|came|got|won|gave|paid|spent|held|fled|sold|bought|shot|struck|caught)\b",
        question,
        re.I,
    )
    if match and re.match(r"how much\s+of\b", match.group(), re.I):
        return set()  # "How much of Victoria…?" asks a part of a whole, which may be a share
    if match:
        return _senses(set(terms(match.group(1))) - _OF_A_COUNT)
    return _senses({"people"}) if number_noun(question) in ("toll", "population") else set()


def _measure(question: str, verb: re.Match | None) -> str | None:
    """What a number question asks beyond a count: an AMOUNT ("how much", "how big"), a FACTOR ("by what
    factor", "how many times"), a SHARE ("what percentage") or a measure in units (_MEASURED_IN: "how fast",
    "how deep"); the verb found by AMOUNT_VERB_ASKED asks a weight ("What does it weigh?") or an AMOUNT."""
    if re.search(r"\bfactor\b|\bhow many times\b|\bhow much (?:bigger|larger|higher|more)\b", question, re.I):
        return FACTOR
    if re.search(r"\b(?:what|which) (?:share|proportion|percentage|per ?cent)\b", question, re.I):
        return SHARE
    measured = re.search(rf"\bhow ({_HOW_MEASURED})\b", question, re.I)
    if measured:
        return measured.group(1).lower()
    noun = number_noun(question)  # "What was the tram's speed?" asks how fast; "What was the price?" how much
    if noun in MEASURE_NOUNS:
        return MEASURE_NOUNS[noun]
    if verb:  # asked by AMOUNT_VERB_ASKED: "What does the bar weigh?" how heavy; "What did it cost?" how much
        return "heavy" if verb.group(1).lower() == "weigh" else AMOUNT
    return AMOUNT if re.search(r"\bhow (?:much|large|big|high)\b", question, re.I) or noun in AMOUNT_NOUNS else None


def _best_mention(sought: Sought, result: Result, rank: int) -> Mention | None:
    """The value of the kind asked for that the question's words support most in the result's answering sentence
    (in any of its sentences, sought.every_sentence), if they support it enough for the passage's rank."""
    if sought.every_sentence:
        others = [span for span in result.passage.sentences if span != result.answer]  # the answering one gave none
        weighed = (_sentence_mention(sought, result, rank, span) for span in others)
        found = max(filter(None, weighed), key=lambda supported: supported[0], default=None)
        return found[1] if found and found[0] >= OTHER_SENTENCE_SUPPORT * rank**0.5 else None
    found = _sentence_mention(sought, result, rank, result.answer)
    if sought.kind == PERSON and not sought.winner and not (found and _person_like(found[1].value)):
        start, end = (offset - result.passage.start for offset in result.answer)
        before = [span for span in result.passage.sentences if span[1] <= result.answer[0]][-1:]
        # "Rovera, adviser at Amnesty, said … “…,” she said."; "The Syrian Observatory (SOHR) said … SOHR's director
        # Rami Abdelrahman told AFP …"
        beside = before if _PRONOUN_SAID.search(result.passage.text, start, end) else []
        beside += [span for span in result.passage.sentences if span[0] >= result.answer[1]][:1]
        for span in beside:
            other = _sentence_mention(sought, result, rank, span)
            if other and _person_like(other[1].value) and other[0] >= ANSWER_SUPPORT:
                found = other
                break
    return found[1] if found and found[0] >= ANSWER_SUPPORT * rank**0.5 else None


def _sentence_mention(sought: Sought, result: Result, rank: int, span: tuple[int, int]) -> tuple[float, Mention] | None:
    """The value of the kind asked for in one sentence that the question's words near it support most, and that
    support: each distinctive word counts the more the nearer it is (1 beside the value, 1/2 five words away), the
    noun a number counts 2; a full name, and the name the sentence quotes, a quarter more; a person's name (not after
    "the"), asked for a person, and a place just after the question's words, a half more; a place no word of place
    comes before, UNPLACED_PLACE less. Asked how much, a sum of money, a share or a quantity in units is preferred
    among the sentence's values, adding nothing to its support."""
    kind, question_terms, wanted, counted = sought.kind, sought.terms, sought.wanted, sought.counted
    measure = sought.measure
    start, end = span
    sentence = result.passage.text[start - result.passage.start : end - result.passage.start]
    # a headline run into a sentence ("…since watching Ayrton Senna FOR HAMILTON TO WIN THE TITLE") supports nothing
    shouted = [] if _in_capitals_alone(sentence) else [(m.start(), m.end()) for m in _SHOUTED_RUN.finditer(sentence)]
    words = [
        (m.start(), _stem(m.group()))
        for m in _NUMBER_OR_WORD.finditer(sentence)
        if not any(s <= m.start() < e for s, e in shouted)
    ]
    question_stems = {_stem(term) for term in question_terms}
    window = WINDOW if kind in (NUMBER, DURATION) else len(words)
    attributions = _attributions(sentence)
    best = None
    candidates = list(_candidates(sought, sentence))
    if kind == NUMBER and sought.given:  # a figure the question gives answers it only when the sentence gives no other:
        # "How much did it net in the quarter in which it earned one dollar per share?"; "… 10 cts, unchanged"
        candidates = [c for c in candidates if c[3].rstrip("%") not in sought.given] or candidates
    # the noun asked, ending a name ("the Colorado Desert", asked the name of the desert), speaks of that name alone
    headed = [c[:2] for c in candidates if kind in (NAME, PLACE) and _headed(sought, c[3])]
    for candidate in candidates:
        value_start, value_end = candidate[:2]
        item = _list_item(sentence, value_start, value_end)  # the words of other items of a list support nothing
        others = [span for span in headed if span != (value_start, value_end)]
        apart = [w for w in words if not any(s <= w[0] < e for s, e in others)] if others else words
        before = [w for w in apart if item[0] <= w[0] < value_start][-window:]
        after = [w for w in apart if value_end <= w[0] < item[1]][:window]
        nearest: dict[str, int] = {}
        for distance, (_, stem) in [*enumerate(reversed(before)), *enumerate(after)]:
            if stem in wanted and stem not in counted:
                nearest[stem] = min(nearest.get(stem, distance), distance)
        score = sum(1 / (1 + distance / 5) for distance in nearest.values())
        preferred = False
        earlier = _ends_before(_EARLIER_EVENT, sentence, value_start)
        if earlier and earlier.group(1) not in question_terms:
            continue  # "the first tram crash since 1959, when two women passengers died": not this crash's toll
        if kind in (NAME, PERSON):
            if _ends_before(_SUCCEEDED, sentence, value_start) and not (sought.predecessor or sought.earlier):
                continue  # "Johnstone will succeed John M. Henske as chief executive": Henske is leaving the post
            if sought.winner and _ends_before(_BEATEN, sentence, value_start):
                continue  # "a 10-inning victory over the Cleveland Indians": asked who won, not who lost
            if _ends_before(_OWNER_BEFORE, sentence, value_start):
                continue  # "Toblerone said on its Facebook page": a thing someone has, not who or which
            if not sought.source and _ends_before(_ACCORDING_TO, sentence, value_start):
                continue  # "the tram overturned, according to British Transport Police": not who drove it
            score += 0.25 * (" " in candidate[3]) + 0.25 * (_nearest(attributions, *candidate[:2]) == candidate[3])
        if kind == PERSON:
            if _ends_before(_PARENT_BEFORE, sentence, value_start) and not sought.owner:
                continue
            score += 0.5 * (_person_like(candidate[3]) and not _ends_before(_THE_BEFORE, sentence, value_start))
        if kind == PLACE:
            score += 0.5 * any(stem in question_stems for _, stem in before[-3:])  # "the consulate in Mazar"
            if not _placed(sentence, value_start, value_end):
                score -= UNPLACED_PLACE  # no word says it is a place: "Melbourne is the capital"
        if kind in (NUMBER, DURATION):
            own = list(takewhile(lambda w: not w[1][0].isdigit(), after))  # the words up to the next number
            clause = _clause_after(own)
            sense = _sense_of(before[-1:], clause) if kind == NUMBER else None
            if sense is not None and sense not in _senses(question_terms):
                continue  # "dozens were injured" does not say how many died
            if kind == NUMBER and sense is None and before and _has_sense(question_terms):
                verb = _WORD.match(sentence, before[-1][0]).group().lower()
                if verb.endswith(("ing", "ed")) and verb not in STOPWORDS and counted & {w[1] for w in own[:5]}:
                    continue  # asked how many were hurt, "trapping five people and injuring another 40": not five
            if [w[1] for w in own] == ["of"]:  # "21 of 71 laps", "210 of 1,500 runners": the 21 are laps too
                own = list(
                    takewhile(lambda w: not w[1][0].isdigit(), dropwhile(lambda w: w[1][0].isdigit(), after[1:]))
                )
            # "42 air strikes", "sites of 42"; not "an area with over 12 million inhabitants"
            counts = bool(counted & {w[1] for w in own[:5]}) or (
                bool(counted & {w[1] for w in before[-2:]}) and not _counts_a_noun(sentence, value_end, candidate[3])
            )
            share = candidate[3].endswith("%")
            measured = _UNIT_AFTER.match(sentence, value_end) or share
            noun = after[1:2] if [w[1] for w in after[:1]] == ["of"] else after[:1]  # "20% of Victorians"
            if counted and measured and measure is None and not counted & {w[1] for w in noun}:
                continue  # "100 metres" away, "100 per cent" sure: not how many shells
            if not measured and _one_of_a_group(sentence, value_end):
                continue  # "one of the injured passengers", "one of the largest": not "three of the passengers died"
            if before[-1:] and before[-1][1] == "includ":
                continue  # "including at least 10 children": a part of the count
            if (
                kind == NUMBER
                and not sought.rest
                and (
                    _PART_BEFORE.search(sentence, max(0, value_start - 20), value_start)
                    or _PART_AFTER.match(sentence, value_end)
                )
            ):
                continue  # "the other four victims", "the three remaining victims": the rest of a count, unless asked
            next_word = re.match(r"\s+([a-z]+)", sentence[value_end:])
            joined = _ends_before(_JOINED_BEFORE, sentence, value_start) or _JOINED_AFTER.match(sentence, value_end)
            if joined and next_word and _stem(next_word.group(1)) not in question_stems:
                continue  # "six men and one woman died": each a part of a count the sentence does not give
            limit = _ends_before(_LIMIT_BEFORE, sentence, value_start) or _LIMIT_AFTER.match(sentence, value_end)
            if limit and not sought.limit:
                continue  # "the tram was going faster than the 12mph speed limit": not how fast it went
            former = _ends_before(_FORMER, sentence, value_start) or _CHANGED_AFTER.match(sentence, value_end)
            if former and not sought.earlier:
                continue  # "rose to 3.66 mln tonnes from 3.46 mln": the figure now is asked, not the one before
            if sought.earlier and _ends_before(_CHANGED_BEFORE, sentence, value_start):
                continue  # asked the weight before, not "was reduced to 150 grams"
            amount = (
                measure == AMOUNT
                and not (counted and share)  # "by over 7.0 pct" is no amount of palm oil
                and (_AMOUNT_SCALE.search(candidate[2]) or AMOUNT_UNIT.match(sentence, value_end))
            )
            if sought.money and share:
                continue  # "How much did Brown-Forman net?": a sum, not "a 37 pct increase"
            if amount and bool(_PER_SHARE.match(sentence, value_end)) != sought.per_share:
                amount = None  # "earned 2.4 mln dlrs, or 15 cts a share": the whole, unless asked what a share earned
            if kind == NUMBER and _TIME_AFTER.match(sentence, value_end) and not sought.time:
                continue  # "its two years of denial" counts no people, and is no price
            if (
                kind == NUMBER
                and sought.mass
                and not (counted or amount)
                and _counts_things(sentence, value_end, candidate[3])
            ):
                continue  # "What was the price of the MD-11 jets?": not "four MD-11 jets"
            if sought.any_noun and not _counts_a_noun(sentence, value_end, candidate[3]):
                continue
            # "measuring 6.5 on the Richter scale"; but "averaged 27.3", asked an average or a rate; a share is of
            # something, and no count
            alone = _bare(sentence, value_end) and (
                "." not in candidate[3] and not share or bool(question_terms & _NOT_WHOLE)
            )
            if counted and not (counts or amount or sought.any_noun or alone):
                continue  # "how much sugar" is answered by "3.66 mln tonnes", "how many shells" by "30,000 rounds"; a
                # number counting nothing named is whole
            if wanted - counted and not nearest and not (counts and not _has_sense(question_terms)):
                continue  # the question's other words, or the noun it counts when it asks nothing that has a sense
            if measure == FACTOR and not (
                _FACTOR_AFTER.match(sentence, value_end)
                or (  # "how much more costly": "15 pct more"; not when asked by what factor or how many times
                    share and not {"factor", "times"} & question_terms and _MORE_AFTER.match(sentence, value_end)
                )
            ):
                continue  # "by what factor" is answered by "ten times" or "15 pct more", not by a count
            if measure == SHARE and not share:
                continue  # "what share" is answered by "90 percent", not by "3 million"
            labelled = _YEAR_AFTER.match(sentence, value_end)
            if labelled and _another_year(labelled.group(1), question_terms):
                continue  # asked of 1986: not "1.26 mln in 1985"; asked of 1986/87, not "1.1 mln in 1985/86"
            aged = _AGE_OWNER.search(sentence, max(0, value_start - 40), value_start) if sought.aged else None
            if aged and aged.group(1).lower() not in sought.aged:
                continue  # "How old is John Henske?": not "Johnstone, 54"
            score += 2 * bool(aged)  # "Henske, 53,": whose age is asked, beside it, as the noun a count counts
            if measure in _MEASURED_IN:
                unit = _MEASURED_IN[measure].match(sentence, value_end)
                if not unit:
                    continue  # "how fast" is answered by "12mph", not by "five people"
                other = _MEASURE_AFTER.match(sentence, unit.end())
                if other and _SAME_MEASURE_WORD.get(other.group(1).lower(), other.group(1).lower()) != measure:
                    continue  # asked how wide, "about 40 metres deep" is a depth
                if measure == "long" and not other:
                    continue  # "how long was…" asked of a time too: "held 50 miles from Baghdad" is no length of it
            else:
                unit = AMOUNT_UNIT.match(sentence, value_end) if kind == NUMBER else None
                if sought.money and (
                    (unit and not MONEY_VALUE.search(unit.group())) or _JOINED_MEASURE.match(sentence, value_end)
                ):
                    continue  # "How much did Moscow pay for the wheat?": not "four mln tonnes", nor "cut to 360g"
            if unit:  # the value shown is the measure or the sum with its unit: "12mph", "18 million euros"
                candidate = (value_start, unit.end(), sentence[value_start : unit.end()], *candidate[3:])
            score += 2 * counts
            preferred = bool(amount)  # chooses between the sentence's values; says nothing of the sentence
        score += (not wanted) * ANSWER_SUPPORT  # when every sentence holds all the question's words, none tells
        if best is None or (score + preferred, score) > (best[0] + best[2], best[0]):
            best = (score, candidate, preferred)
    if best is None:
        return None
    return best[0], _mention_at(result, rank, span, best[1], best[0], attributions)


def _mention_at(
    result: Result,
    rank: int,
    span: tuple[int, int],
    candidate: tuple,
    weight: float,
    attributions: list[Attribution],
) -> Mention:
    """The mention of a candidate value (_candidates') in the result's sentence at span."""
    start, end = span
    sentence = result.passage.text[start - result.passage.start : end - result.passage.start]
    value_start, value_end, value, normalized, value_kind = candidate
    if value_kind == DATE and _dated_by_story(sentence, value_start, value_end):
        future = _FUTURE.search(sentence, max(0, value_start - 80), value_start)  # "will reopen on Tuesday"
        normalized = dated(normalized, result.passage.metadata.get("date"), bool(future))
    clause_start, clause_end = _clause(sentence, value_start, value_end)
    if not sentence[clause_start:value_start].strip() and not sentence[value_end:clause_end].strip():
        # a clause of its own ("Henske, 63, will stay"): quoted with the clauses either side
        clause_start = _clause(sentence, clause_start - 1, clause_start - 1)[0] if clause_start else 0
        clause_end = _clause(sentence, clause_end + 1, clause_end + 1)[1] if clause_end < len(sentence) else clause_end
    phrase = _phrase(sentence, value_start, value_end, clause_start, clause_end)
    attributed = _nearest(attributions, value_start, value_end)
    if value_kind in (NAME, PLACE) and attributed and set(terms(normalized)) <= set(terms(attributed)):
        attributed = None  # "Chris Woods said": the name is who speaks, not who gives it
    return Mention(
        result,
        rank,
        value,
        normalized,
        value_kind,
        (start + value_start, start + value_end),
        (start + phrase[0], start + phrase[1]),
        (start, end),
        attributed,
        weight,
    )


def _dated_by_story(sentence: str, start: int, end: int) -> bool:
    """Whether a date without its year, sentence[start:end], is one its story's date tells: a day and month
    ("November 9"), or a weekday the story speaks of as its own week's ("on Wednesday", "early Wednesday morning"),
    not one set by another event ("the Sunday before the election", "Tuesday's election") or of another week ("last
    Wednesday")."""
    if not re.match(r"[A-Z][a-z]+day\b", sentence[start:end]):
        return True
    return not (
        _ends_before(_OTHER_WEEK, sentence, start)
        or sentence.startswith(_OWNED, end)
        or re.match(r"\s+(?:before|after)\b", sentence[end:])
    )


def _cut_year(sentence: str, number: re.Match, dates: list[tuple[int, int]]) -> bool:
    """Whether the number is a date's year cut short, as a copied tweet's often is ("November 9, 201 \"There are
    eight fire engines"): the first digits of a year just after a month, a day and a comma, with no word after it
    ("On November 9, 20 Palestinians were hurt" counts them)."""
    after_date = any(
        re.fullmatch(r",\s*", sentence[end : number.start()]) and _MONTH_DAY_END.search(sentence, 0, end)
        for _, end in dates
        if end <= number.start()
    )
    return bool(
        after_date
        and re.fullmatch(r"(?:19|20)\d?", number.group())
        and re.match(r"\s*(?:$|[\"“”'‘’…]|\.\.\.)", sentence[number.end() :])
    )


def _score(sentence: str, number: re.Match) -> bool:
    """Whether the number begins a score ("won 8-7", "drew 1-1"): a pair whose second is no higher, unlike a range
    ("10-15 people")."""
    after = re.match(r"-(\d+)\b", sentence[number.end() :])
    return bool(after and number.group().isdigit() and int(after.group(1)) <= int(number.group()))


def _ends_before(pattern: re.Pattern, sentence: str, end: int) -> re.Match | None:
    """pattern (anchored with $) matched just before sentence[end], looking back at most 100 characters: a long
    sentence of many values is not read again from its start for each."""
    return pattern.search(sentence, max(0, end - 100), end)


def _list_item(sentence: str, start: int, end: int) -> tuple[int, int]:
    """The span of the semicolon-separated item of the sentence that holds sentence[start:end]."""
    before = sentence.rfind(";", 0, start)
    after = sentence.find(";", end)
    return before + 1, after if after >= 0 else len(sentence)


def _sense_of(before: list[tuple[int, str]], after: list[tuple[int, str]]) -> str | None:
    """What a number counts by the verb or noun beside it: the first word, of the one just before it ("killing at
    least six") and the few after it in its clause ("dozens were injured"), that has a sense listed in
    _SAME_SENSE."""
    for _, stem in before + after:
        if any(stem in group for group in _SAME_SENSE):
            return stem
    return None


def _has_sense(question_terms: set[str]) -> bool:
    """Whether the question says what a number counts with a word of _SAME_SENSE ("died", "injured")."""
    stems = {_stem(term) for term in question_terms}
    return any(stems & group for group in _SAME_SENSE)


def _one_of_a_group(sentence: str, end: int) -> bool:
    """Whether a number counts some of a group ("one of the injured passengers described…") rather than those the
    verb after the group says something of ("three of the passengers died")."""
    group = _OF_GROUP.match(sentence, end)
    if group is None:
        return False
    after = _WORD.findall(sentence, group.end(), group.end() + 40)[:3]
    return _has_sense({group.group(1)}) or not _has_sense(set(after))


def _counts_a_noun(sentence: str, end: int, normalized: str) -> bool:
    """Whether a number counts things named just after it ("3,000 digital activists"): not a span of time or a
    measure ("three years", "five times"), not "one of" or "the 15 largest", and not "one" (a pronoun as often)."""
    following = re.match(r"\s+([A-Za-z]+)", sentence[end:])
    if following is None or normalized == "1" or _UNIT_AFTER.match(sentence, end):
        return False
    word = following.group(1).lower()
    return word not in STOPWORDS and not word.endswith("est")


def _counts_things(sentence: str, end: int, normalized: str) -> bool:
    """Whether a number counts things named after it ("four MD-11 jets", "tens of thousands of artillery strikes"):
    not a sum or a quantity in units, even one word on ("64 Canadian cts", "37,000 long tons", "hundreds of millions
    of dollars")."""
    if not normalized[:1].isdigit() and re.match(r"\s+of\b", sentence[end:]):  # a vague count: "thousands of"
        return not _UNIT_OF_VAGUE.match(sentence, end)
    return _counts_a_noun(sentence, end, normalized) and not _UNIT_NEXT_BUT_ONE.match(sentence, end)


def _bare(sentence: str, end: int) -> bool:
    """Whether a number stands alone, counting no noun of its own ("hundreds died", "rose to 7", "50 others")."""
    following = re.match(r"\s*([A-Za-z]+)?", sentence[end:]).group(1)
    if following is None:
        return True
    word = following.lower()
    return word in _BACK_REFERENCE or (word != "of" and (word in STOPWORDS or word.endswith("ed")))


def _labelled(sought: Sought, sentence: str, start: int) -> bool:
    """Whether the number at start labels one of what the question counts rather than counting them: "Lap 29"
    is no count of laps."""
    before = _ends_before(_WORD_BEFORE, sentence, start)
    return bool(before and _stem(before.group(1).lower()) in sought.counted)


def _candidates(sought: Sought, sentence: str):
    """(start, end, value, normalized, kind) of every value of the kind sought in the sentence."""
    kind, question_terms, asks_year = sought.kind, sought.terms, sought.asks_year
    question_stems = {_stem(term) for term in question_terms}
    if kind == NUMBER:
        taken = [(m.start(), m.end()) for m in DATE_RE.finditer(sentence)] + [
            (m.start(), m.end()) for m in TIME_RE.finditer(sentence)
        ]
        for m in NUMBER_RE.finditer(sentence):
            if m.group("range") and any(s <= m.start() < e for s, e in taken):
                m = NUMBER_RE.match(sentence, m.start("high"))  # "on February 25 to 4.151 billion": 25 is a day's
                if m is None:
                    continue
            if m.group("range"):
                low, high = normal_number(m.group("low") or m.group("first")), normal_number(m.group("high"))
                if low and high and (m.group("low") or float(low) < float(high)):  # "won 5 to 4" is a score
                    yield (
                        m.start(),
                        m.end(),
                        m.group(),
                        f"{low}-{high}" + ("%" if m.group("range_percent") else ""),
                        NUMBER,
                    )
                continue
            if (
                any(s <= m.start("amount") < e for s, e in taken)
                or _ends_before(_JOINED_TO_WORD, sentence, m.start())  # "M-1", "1985/86"
                or _ends_before(_GALLERY_BEFORE, sentence, m.start())  # "Getty Images 22": a photo gallery's counter
                or _ends_before(_CONVERTED, sentence, m.start())  # "a 40-metre-deep well (131 feet)": the same again
                or (_ends_before(_AGENCY_BEFORE, sentence, m.start()) and re.match(r"\s+[A-Z\d]", sentence[m.end() :]))
                or _labelled(sought, sentence, m.start())
                or re.match(r"/\d", sentence[m.end() :])  # "2/8": one too
                or _score(sentence, m)
                or is_year(m)
                or _cut_year(sentence, m, taken)
                or _DURATION_AFTER.match(sentence, m.end())
            ):
                continue
            normalized = normal_number(m.group("amount"))
            if normalized and (half := _HALF_A_UNIT.match(sentence, m.end())):  # "the last four and a half years"
                if _stem(half.group(1).lower()) in sought.counted:  # asked how many years: 4.5
                    yield (
                        m.start(),
                        half.end(),
                        sentence[m.start() : half.end()],
                        f"{float(normalized) + 0.5:g}",
                        NUMBER,
                    )
                continue  # else a span of time counts nothing asked
            if normalized is None or (normalized == "1" and _bare(sentence, m.end())):
                continue  # "when one …" is a pronoun more often than a count
            if bool(question_terms & _AGE_WORDS) != _is_age(sentence, m.start(), m.end()):
                continue  # "how old" asks for an age, and an age counts nothing else
            if sought.age_now and _ends_before(_AGE_THEN, sentence, m.start()):
                continue  # "How old is Verstappen?": not "made his debut as a 17-year-old"
            if ordinal := _ORDINAL.match(sentence, m.end()):  # "finished 15th", "his 52nd win": a place, no count
                if not sought.counted and sought.measure is None:  # nor an amount: "how big a loss" is no "4th"
                    written = m.group() + ordinal.group()
                    yield m.start(), ordinal.end(), written, normalized + ordinal.group().lower(), NUMBER
                continue
            compound = re.match(r"-([a-z]+)\b(?!-old)", sentence[m.end() :])
            if (
                compound
                and _stem(compound.group(1)) not in question_stems
                and not re.fullmatch(MONEY, compound.group(1))
                and not (sought.measure in _MEASURE_FIRST and _MEASURE_FIRST[sought.measure].match(sentence, m.end()))
            ):
                continue  # "a two-carriage tram" counts no passengers; "a 500 mln-dlr loan" is a sum
            yield m.start(), m.end(), m.group(), normalized + ("%" if m.group("percent") else ""), NUMBER
    elif kind == DURATION:
        for m in DURATION_RE.finditer(sentence):
            if re.match(r"[\s-]old\b", sentence[m.end() :]):
                continue  # "a five-year-old boy" is an age
            if re.match(r"\s+ago\b", sentence[m.end() :]) and "ago" not in question_terms:
                continue  # "suspended a year ago": when, not for how long (unless asked how long ago)
            amount = "1" if m.group("amount").lower() in ("a", "an") else normal_number(m.group("amount"))
            amount = f"{float(amount) + 0.5:g}" if m.group("half") or m.group("half_before") else amount
            unit = m.group("unit").lower().rstrip("s")
            unit = {"century": "centurie"}.get(unit, unit) + ("" if amount == "1" else "s")
            unit = "century" if unit == "centurie" else unit
            yield m.start(), m.end(), m.group(), f"{amount} {unit}", DURATION
    elif kind in (DATE, TIME):
        for m in DATE_RE.finditer(sentence) if kind == DATE else ():
            year = next((m.group(g)[-4:] for g in ("year", "y1", "y2", "y3") if m.group(g)), None)
            if asks_year and not year:
                continue  # "Oct. 15" does not say in what year
            if year and not sought.years[0] <= int(year) <= sought.years[1]:
                continue  # asked when the Cubs last won before 2016, not "Nov. 2, 2016"
            other_end = {"start": _ENDED_BEFORE, "end": _STARTED_BEFORE}.get(sought.boundary)
            if other_end and _ends_before(other_end, sentence, m.start()):
                continue  # asked when the quota year ends, not "began January 1, 1987"
            named = next((g for g in ("year", "era", "month") if m.group(g)), None)  # "in 1066": 1066
            start = m.start(named) if named else m.start()
            if _ends_before(_RECORD_SINCE, sentence, start) and not (sought.earlier or year in question_terms):
                continue  # "the first tram crash with deaths since 1959": when the one before was, not this one
            yield start, m.end(), sentence[start : m.end()], normal_date(m), DATE
        for m in chain(_YEAR_BEFORE_NOUN.finditer(sentence), _YEAR_IN_BRACKETS.finditer(sentence)) if asks_year else ():
            if sought.years[0] <= int(m.group(1)) <= sought.years[1]:
                yield m.start(1), m.end(1), m.group(1), m.group(1), DATE
        for m in () if asks_year else TIME_RE.finditer(sentence):  # "6.10am" says no year
            yield m.start(), m.end(), m.group(), normal_time(m), TIME
    elif not _in_capitals_alone(sentence):  # in "COLECO INDUSTRIES INC 4TH QTR" no word is told as a name
        dates = [(m.start(), m.end()) for m in DATE_RE.finditer(sentence)]
        for m in _NAME_RE.finditer(sentence):
            name_words = list(re.finditer(r"\S+", m.group()))
            name_words = _without_shouting(name_words)
            dated = [i for i, w in enumerate(name_words) if any(s <= m.start() + w.start() < e for s, e in dates)]
            name_words = name_words[: dated[0]] if dated else name_words  # "in Abu Dhabi on Nov 27": Abu Dhabi
            if not name_words:
                continue
            base = _unowned(name_words[0].group())
            owner_first = base != name_words[0].group() and base.lower() not in _CONTRACTED | sought.lowercase
            if len(name_words) == 1 and not owner_first and not re.search(r"\w", sentence[: m.start()]):
                continue  # a sentence's first word is capitalised whatever it is ("Here's why"), unless it owns what
                # follows ("Switzerland's economy"); after a quotation mark too
            popped = []
            while name_words and (
                _before_the_name(name_words, _NOT_NAMES | question_terms) or _opens_a_clause(name_words[0].group())
            ):
                popped.append(name_words.pop(0))  # "FBI Director James Comey" asked "which FBI director": James Comey
            trimmed = any(_unowned(w.group().lower()) in question_terms for w in popped)
            restored = 0  # the first words of the name that are the question's own
            if popped and name_words and name_words[0].group().islower():  # "of Taranto", "of England"
                if any(_unowned(w.group().lower()) in sought.named for w in popped):
                    continue  # "Bohemond of Taranto" asked of Bohemond: the name the question gives
                kept = list(dropwhile(lambda w: _unowned(w.group().lower()) in _NOT_NAMES, popped))
                if kept:
                    name_words, restored, trimmed = kept + name_words, len(kept), False  # "Bank of England"
                else:  # a title of several words: "Secretary of State Hillary Clinton", "Minister of Defence X"
                    del name_words[: 2 if len(name_words) > 3 else 1]
                    while len(name_words) > 1 and _before_the_name(name_words, _NOT_NAMES | question_terms):
                        name_words.pop(0)
            if name_words and _ends_before(_MODIFIER_BEFORE, sentence, m.start() + name_words[0].start()):
                name_words.pop(0)  # "anti-ISIS coalition strikes", "pro-European Emmanuel Macron": Emmanuel Macron
            while name_words and (
                name_words[-1].group().lower().rstrip(".,;:") in _NOT_NAMES or _opens_a_clause(name_words[-1].group())
            ):
                name_words.pop()  # "The Paper Image": The Paper; "London on Monday.": London
            stop = next((i for i, w in enumerate(name_words) if _ends_sentence(w.group())), None)
            if stop is not None:
                name_words = name_words[: stop + 1]  # "Manchester, England. ISIS threatens": England
            owner = next((i for i, w in enumerate(name_words) if w.group().endswith(_OWNED)), None)
            if owner is not None and owner + 1 < len(name_words):
                name_words = name_words[: owner + 1]  # "Bettino Craxi's Socialist Party": Bettino Craxi
            echoed = [_echoes(w.group(), question_stems, sought.named) for w in name_words[restored:]]
            if _headed(sought, " ".join(w.group() for w in name_words)):
                echoed[-1] = False  # "the Colorado Desert" asked "What is the name of the desert…?"
            if not name_words or (echoed and 2 * sum(echoed) >= len(echoed)):
                continue  # "Brazil" does not say who won the Brazilian Grand Prix
            if all(w.group().lower().strip(".,") in _COMPANY for w in name_words):
                continue
            word = _unowned(name_words[0].group()).strip(".,;:'’")
            if len(name_words) == 1 and word.istitle() and word.lower() in sought.lowercase:
                continue  # a common word capitalised ("However" after a caption that lost its full stop), not "IS"
            start = m.start() + name_words[0].start()
            written = sentence[start : m.start() + name_words[-1].end()]
            value = re.sub(r"(?:['’]s)?[.'’]*$", "", written)
            if written.endswith(".") and not _ends_sentence(written.split()[-1]):
                value += "."  # "the U.S." keeps its full stop
            end = start + len(value)
            if kind == PLACE and (direction := _ends_before(_DIRECTION_BEFORE, sentence, start)):
                start, value = direction.start(), sentence[direction.start() : end]  # "southern Italy"
            if kind == PLACE and trimmed and not _placed(sentence, start, end):
                continue  # "Varian Associates Inc" asked of Varian: "Associates" is what is left of a company
            if kind == PLACE and name_words[-1].group().lower().strip(".,") in _NOT_PLACE:
                continue  # "a reporter from The Beijing News": a newspaper, not where the well was
            if kind == PERSON and (
                _ends_before(_HOME_BEFORE, sentence, start)
                or _COMPASS_NAME.match(value)
                or _ends_before(_PLACE_BEFORE, sentence, start)
                and (len(name_words) == 1 or _ends_before(_IN_PLACE, sentence, start))
            ):
                continue  # "headed to Iraq", "in Deir Ezzor Province", "both of New Addington", "South London" name no one
            if sentence[start - 1 : start] == "<":
                continue  # "Union Carbide Corp <UK>": a stock ticker
            if kind == PERSON and len(name_words) == 1 and value in sought.places:
                continue  # "the assault on Raqqa", where other sentences say "in Raqqa": a place, not who led it
            if len(name_words) == 1 and _PEOPLES_ADJECTIVE.fullmatch(name_words[0].group().rstrip(".,;:")):
                continue  # "Kurdish", "Syrian", "American", "French": a people's adjective, not a name
            if based := re.search(r"-([a-z]+)$", value):
                if not (kind == PLACE and based.group(1) == "based" and "based" in question_terms):
                    continue  # "U.S.-led", "London-based": a description
                value, end = value[: based.start()], end - len(based.group())  # asked where it is based: London
            yield start, end, value, collapse_whitespace(value), NAME if kind == PERSON else kind


def _before_the_name(words: list[re.Match], titles: set[str]) -> bool:
    """Whether the first of a capitalised span's words comes before the name it holds: a title or a word of the
    question ("FBI Director James Comey"), or a word describing the title after it ("Argentine Finance Minister
    Mario Brodersohn", "Treasury Secretary Mario Brodersohn")."""
    if _unowned(words[0].group().lower()) in titles:
        return True
    following = _unowned(words[1].group().lower()) if len(words) > 2 else ""  # a name is left after the title
    return following in _TITLES or (following in titles and bool(_DEMONYM.fullmatch(words[0].group())))


def _headed(sought: Sought, name: str) -> bool:
    """Whether a name of several words ends in the noun by which the question asks for it: "Colorado Desert" asked
    "What is the name of the desert…?", "Blue Mosque" asked "Which landmark mosque…?"."""
    words = name.split()
    return len(words) > 1 and _unowned(words[-1]).strip(".,;:'’").lower() in sought.head


def _echoes(word: str, question_stems: set[str], named: frozenset[str]) -> bool:
    """Whether a word of a name is one of the question's, or the place of a people's adjective the question names
    ("Iraq" asked "which Iraqi city", "China" asked "which Chinese city")."""
    word = _unowned(word).strip(".,;:'’").lower()
    return _stem(word) in question_stems or any(_adjective_of(adjective, word) for adjective in named)


def _adjective_of(adjective: str, place: str) -> bool:
    """Whether a word reads as a people's adjective of the place: the place's first four letters or more, and an
    adjective's ending (Iraqi, Syrian, Chinese, British of Iraq, Syria, China, Britain)."""
    return (
        adjective != place
        and adjective.endswith(("i", "n", "ese", "ish"))
        and not _COMPASS_NAME.fullmatch(adjective.title())  # "Northern San Diego" asks of no "North County"
        and len(commonprefix([adjective, place])) >= 4
    )


def _unowned(word: str) -> str:
    """The word without its owner's "'s" ("Switzerland's": Switzerland)."""
    return word[:-2] if word.endswith(_OWNED) else word


def _placed(sentence: str, start: int, end: int) -> bool:
    """Whether a word says sentence[start:end] is a place: one of place before it ("in", "near", "the city of"), or
    its owner's "'s" after it ("Switzerland's economy")."""
    return bool(_ends_before(_PLACE_BEFORE, sentence, start)) or sentence.startswith(_OWNED, end)


def _ends_sentence(word: str) -> bool:
    """Whether a word of a name ends with a full stop that is no abbreviation's ("England.", not "U.S." or "Jr.")."""
    return word.endswith(".") and not re.fullmatch(r"(?:[A-Z]\.)+|[A-Z][a-z]{0,2}\.", word)


def _opens_a_clause(word: str) -> bool:
    """Whether a capitalised word is one that opens a question or a clause ("What", "If"; not "WHO")."""
    word = word.strip(".,;:'’\"")
    return word.istitle() and word.lower() in _CLAUSE_WORDS


_SHOUTED = frozenset(
    "i me my we our you your he him his she her they them their it it's i'm is are was were be been will would can"
    " could should do does did not no have has had for to in on at with by".split()
)
_SHOUTED_RUN = re.compile(r"\b[A-Z][A-Z'’.-]+(?:\s+[A-Z][A-Z'’.-]*){2,}\b")  # three words in capitals or more


def _in_capitals_alone(sentence: str) -> bool:
    """Whether a line is written in capitals alone (a wire headline), where capitals tell no name from a word."""
    return not re.search(r"[a-z]", sentence)


def _in_capitals(word: str) -> bool:
    word = word.strip(".,;:'’\"")
    return word.isupper() and (len(word) > 1 or word == "I")


def _without_shouting(words: list[re.Match]) -> list[re.Match]:
    """A capitalised span's words less a phrase in capitals before or after the name ("'I WARNED THEM' Passenger
    claims", "CHANGE OF GEAR Serena Williams won"): a run of three words in capitals or more, or of two with one such
    as THEM, IT'S or FOR. Acronyms ("NATO", "U.S. Army", "FBI Director") and a span all in capitals ("BANK OF BOSTON")
    stay."""
    capitals = [_in_capitals(w.group()) for w in words]
    if all(capitals):
        return words
    lead = next(i for i, upper in enumerate(capitals) if not upper)
    tail = len(words) - next(i for i, upper in enumerate(reversed(capitals)) if not upper)

    def shouting(run: list[re.Match]) -> bool:
        said = {re.sub(r"[^\w'’]", "", w.group()).lower().replace("’", "'") for w in run}
        return len(run) >= 3 or (len(run) == 2 and bool(said & _SHOUTED))

    return words[lead if shouting(words[:lead]) else 0 : tail if shouting(words[tail:]) else len(words)]


def _person_like(name: str) -> bool:
    """Whether a name reads as a person's: two words or more, none of them all capitals or an organisation's."""
    parts = name.replace(".", ". ").split()
    return len(parts) >= 2 and not any(p.isupper() and len(p) > 2 or p.lower() in _NOT_PERSON for p in parts)


def _is_age(sentence: str, start: int, end: int) -> bool:
    """Whether a number is an age: "a 42-year-old driver", "aged 19", "at the age of 34", "Philip Logan, 52, from
    New Addington"."""
    return bool(
        re.match(r"[\s-]years?[\s-]old\b", sentence[end:])
        or re.search(r"\b(?:aged|age(?:\s+of)?)\s+$", sentence[max(0, start - 20) : start])
        or (
            re.search(r"\b[A-Z][\w'’-]+,\s*$", sentence[:start])
            and re.match(r"\s*(?:[,;.)]|$|and\b|from\b|of\b)", sentence[end:])
        )
    )


def _clause(sentence: str, start: int, end: int) -> tuple[int, int]:
    """The span of the clause around sentence[start:end]: up to the nearest punctuation either side."""
    before = [m.end() for m in _CLAUSE_BREAK.finditer(sentence, 0, start)]
    after = _CLAUSE_BREAK.search(sentence, end)
    return (before[-1] if before else 0), (after.start() if after else len(sentence))


def _phrase(sentence: str, start: int, end: int, clause_start: int, clause_end: int) -> tuple[int, int]:
    """The value with up to PHRASE_WORDS words either side of it, within its clause, trimmed of spaces."""
    left = [m for m in re.finditer(r"\S+", sentence[clause_start:start])][-PHRASE_WORDS:]
    right = [m for m in re.finditer(r"\S+", sentence[end:clause_end])][:PHRASE_WORDS]
    while (
        left and left[0].group().lower() in _LINKING and not _AT_LEAST.match(sentence, clause_start + left[0].start())
    ):
        left.pop(0)  # but "at least seven passengers died", not "least seven…"
    while right and right[-1].group().lower() in _LINKING:
        right.pop()
    left = [m.start() for m in left]
    right = [m.end() for m in right]
    first = clause_start + left[0] if left else start
    last = end + right[-1] if right else end
    return first, max(last, end)


def _attributions(sentence: str) -> list[Attribution]:
    """Where the sentence says who gives a claim ("according to X", "X said", "said X"), and who."""
    found = []
    for pattern in _ATTRIBUTION:
        for match in pattern.finditer(sentence):
            who = match.group("who").strip()
            who = who[:-1] if _ends_sentence(who.split()[-1]) else who  # "The U.S." keeps its full stop
            if _THE_NAME.fullmatch(who):  # "said the U.S. Army": U.S. Army, as "the BBC reported": BBC
                who = who[4:]
            if who.split()[0].lower() not in _NOT_NAMES - {"the", "a", "an", "mr", "mrs", "ms", "dr"}:
                who = _LEADING_ARTICLE.sub(lambda m: m.group().lower(), who)
                found.append(Attribution(match.start(), match.end(), who, _quoted_before(sentence, match.start())))
    found.sort(key=lambda a: a.start)
    for i in range(1, len(found)):  # "'…,' Hillary said, according to the newspaper": the newspaper gives the quote
        joined = _ATTRIBUTION_JOINED.fullmatch(sentence, found[i - 1].end, found[i].start)
        if found[i - 1].quoted and joined and sentence.startswith("according to", found[i].start):
            found[i] = replace(found[i], quoted=found[i - 1].quoted)
    return found


def _quoted_before(sentence: str, at: int) -> tuple[int, int] | None:
    """The quotation that closes just before sentence[at:] ("'…,' Hillary said", '"…", said X'): from its opening
    mark, or from the sentence's start when it opened in an earlier one; None when no quotation closes there."""
    head = (sentence[: at + 1] if sentence[at : at + 1] in _QUOTE_MARKS + "," else sentence[:at]).rstrip()
    comma_after = head.endswith(",")  # '"We were up", said X'
    head = head.removesuffix(",").rstrip()
    if not head or head[-1] not in _QUOTE_MARKS or not (comma_after or head[-2:-1] in (",", ".", "!", "?")):
        return None  # a mark that closes a quotation follows what it quotes: '…,"', '…."', '"…",'
    close = len(head) - 1
    mark = _SAME_MARK.get(head[-1], head[-1])
    opened = [
        m.start() for m in _OPENING_MARK.finditer(sentence, 0, close) if _SAME_MARK.get(m.group(), m.group()) == mark
    ]
    return (opened[-1] if opened else 0), close


def _nearest(attributions: list[Attribution], start: int, end: int) -> str | None:
    """Who gives the claim of the value at sentence[start:end]: the attribution nearest it ("The U.S. said it fired
    30,000 rounds, and American jets flew 90 percent of the strikes, Amnesty reported": Amnesty for 90 percent).
    Who closes a quotation gives what it quotes and what follows ("…,' Hillary said, adding that…"), not what came
    before the quotation."""
    reaching = [
        a for a in attributions if not a.quoted or a.quoted[0] <= start and end <= a.quoted[1] or start >= a.end
    ]
    nearest = min(reaching, key=lambda a: max(a.start - end, start - a.end, 0), default=None)
    return nearest.who if nearest else None


def _grouped(mentions: list[Mention], measured: bool = False) -> list[Figure]:
    """Mentions grouped by value (a name within a longer one is the same value), most articles first, then rank."""
    groups: list[list[Mention]] = []
    for mention in mentions:
        for group in groups:
            if _same_value(group[0], mention, measured):
                group.append(mention)
                break
        else:
            groups.append([mention])
    found = [Figure(tuple(group)) for group in groups]
    return sorted(found, key=lambda f: (-f.support, f.first.rank))


def _same_value(a: Mention, b: Mention, measured: bool) -> bool:
    """Whether two mentions give one value: a name within the other, equal numbers in one unit (or one stated without
    its unit), or, asked for a measure (`measured`), the same length, weight or speed in other units."""
    measures = (measure_of(a.value), measure_of(b.value)) if measured else (None, None)
    if all(measures) and measures[0][0] == measures[1][0] and measures[0][2] != measures[1][2]:
        return isclose(measures[0][1], measures[1][1], rel_tol=SAME_MEASURE)  # "40 metres deep", another's "130ft"
    if a.kind in (NAME, PLACE) and b.kind in (NAME, PLACE):
        words_a, words_b = set(a.normalized.lower().split()), set(b.normalized.lower().split())
        return words_a <= words_b or words_b <= words_a
    units = {unit_of(a.value), unit_of(b.value)} - {""}  # a sum stated without its currency may be either
    return (a.kind, a.normalized) == (b.kind, b.normalized) and len(units) <= 1


def same_quantity(found: list[Figure]) -> list[Figure]:
    """The values given for what the question asks as a whole: those whose sentence says no narrower or wider
    scope, and (numbers) of the first such value's unit: a share is not a count."""
    plain = [f for f in found if f.qualifier is None]
    if not plain:
        return []
    share = plain[0].first.normalized.endswith("%")
    return [f for f in plain if f.first.normalized.endswith("%") == share]


def disagree(found: list[Figure]) -> bool:
    """Whether the sources give different values for the same quantity: a story gives one value and not another
    that a second story gives (values of another scope are shown beside them, not counted against them; one story
    giving two values more often tells of two things). Names and places disagree only when each is given by two
    stories: one article naming someone else is more often a name read wrong than a dispute."""
    values = same_quantity(found)
    if values and values[0].several:
        return False
    if values and values[0].first.kind in (NAME, PLACE):
        values = [f for f in values if f.articles > 1]
    stories = [{mention.story for mention in figure.mentions} for figure in values]
    return any(a - b and b - a for a, b in combinations(stories, 2))


def copy_of(mention: Mention, figure: Figure) -> Mention | None:
    """The better-ranked mention of the figure's value, in another article of the same story, that this one's
    article copies (None for the first of its story)."""
    first = next(m for m in figure.mentions if m.story == mention.story)
    return first if first.result.passage.path != mention.result.passage.path else None
