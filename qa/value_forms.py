"""How numbers, durations, dates and clock times are written in news text, and the normal form of each: digits
for a number ("seven" 7, "1.6 million" 1600000), ISO for a full date, 24-hour time for a clock time."""

from __future__ import annotations

import re
from datetime import date

from qa.text import collapse_whitespace

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "a dozen": 12, "dozen": 12,
}  # fmt: skip
_SCALES = {"hundred": 100, "thousand": 1_000, "million": 10**6, "mln": 10**6, "billion": 10**9, "bln": 10**9}
_SHORT_SCALES = {"k": 1_000, "m": 10**6, "bn": 10**9}
_VAGUE = r"dozens|scores|hundreds\s+of\s+thousands|tens\s+of\s+thousands|hundreds|thousands|millions|several|a\s+few"
_QUALIFIER = (
    r"more than|fewer than|less than|at least|at most|up to|as many as|nearly|almost|about|around|over|under"
    r"|some|roughly|approximately|an estimated|estimated|just over|just under|only|exactly"
).replace(" ", r"\s+")
ONE_WORD = r"(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[\s-](?:one|two|three|four|five|six|seven|eight|nine))?|a dozen|zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen)\b"  # noqa: E501
_WORD_NUMBER = rf"(?:{ONE_WORD}(?:[\s-]+(?:hundred|thousand)(?:(?:[\s-]+and)?[\s-]+{ONE_WORD})?)*)"
# A sum written short: "£304m", "$1.3bn", "€5k"; "10bn" (a bare "5m" may be metres)
_COMPACT = rf"[$£€]\s?\d+(?:\.\d+)?(?:{'|'.join(_SHORT_SCALES)})\b|\d+(?:\.\d+)?bn\b"
AMOUNT_WRITTEN = rf"(?:{_COMPACT}|(?:[$£€]\s?)?(?:\d{{1,3}}(?:,\d{{3}})+|\d+(?:\.\d+)?|{_WORD_NUMBER})(?:\s(?:hundred|thousand|million|mln|billion|bln)\b)?)"  # noqa: E501
_STARTS = r"(?:\b|(?<!\w)(?=[$£€]))"  # a number's first word, or its currency sign ("paid £304m")
NUMBER_RE = re.compile(
    # a range: "between 1.5 and 1.6 mln", "10 to 15 pct" (not "from 10 to 15 pct", a change)
    rf"{_STARTS}(?P<range>(?:between\s+(?P<low>{AMOUNT_WRITTEN})\s+and|(?<!\bfrom\s)(?:(?:{_QUALIFIER})\s+)?(?=\S+\s+to\s)(?P<first>{AMOUNT_WRITTEN})\s+to)"
    rf"\s+(?P<high>{AMOUNT_WRITTEN}))(?P<range_percent>\s?(?:%|percent\b|per cent\b|pct\b))?(?![\w,.]\d)"
    rf"|{_STARTS}(?:(?P<qualifier>{_QUALIFIER})\s+)?(?P<amount>{AMOUNT_WRITTEN}|{_VAGUE})(?P<percent>\s?(?:%|percent\b|per cent\b|pct\b))?"
    rf"(?![\w,.]\d)",
    re.IGNORECASE,
)
TIME_UNITS = r"years?|months?|weeks?|days?|hours?|minutes?|seconds?|decades?|centuries|century"
MONEY = (
    r"dlrs?|dollars?|cts|cents|pence|pounds|stg|euros?|yen|francs|marks|kroner|kronor|kronur|krona|yuan|rupees|roubles"
    r"|rubles|pesos|lire|lira|guilders|crowns|ringgit|rand|cruzados|dinars|dirhams|riyals|rials|pesetas|escudos"
    r"|drachmas|schillings|shekels|rupiah|baht|naira"
)
_AREA = r"(?:square|sq\.?)\s+(?:kilometres?|kilometers?|km|miles?|mi|metres?|meters?|m|feet|ft)|km2"
_UNITS_OF_AMOUNT = rf"{MONEY}|tonnes?|tons?|barrels?|bbl|bushels?|bales?|ounces|grams?|kg|acres|hectares|{_AREA}"
AMOUNT_UNIT = re.compile(rf"\s?(?:{_UNITS_OF_AMOUNT})\b")  # after a number
_UNIT_WORD = re.compile(rf"(?:{_UNITS_OF_AMOUNT})$", re.IGNORECASE)
_SIGNS = {"$": "dollar", "£": "pound", "€": "euro"}
MONEY_VALUE = re.compile(rf"[$£€]|\b(?:{MONEY})\b", re.IGNORECASE)  # a sum of money: "$5 mln", "120 mln stg"
AND_A_HALF = r"[\s-]and[\s-]a[\s-]half"
DURATION_RE = re.compile(
    rf"\b(?:(?P<qualifier>{_QUALIFIER})\s+)?(?P<amount>\d+(?:\.\d+)?|{_WORD_NUMBER}|a|an)"
    rf"(?P<half_before>{AND_A_HALF})?[\s-](?P<unit>{TIME_UNITS})\b"  # "four and a half years"
    rf"(?P<half>{AND_A_HALF})?",  # "an hour and a half"
    re.IGNORECASE,
)
MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
           "november", "december"]  # fmt: skip
_MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December|Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept?\.?|Oct\.?|Nov\.?|Dec\.?)"  # noqa: E501
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
DATE_RE = re.compile(
    rf"\b(?:(?P<m1>{_MONTH})\s+(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(?P<y1>\d{{4}}))?"
    rf"|(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m2>{_MONTH})(?:,?\s+(?P<y2>\d{{4}}))?"
    rf"|(?P<m3>{_MONTH})\s+(?P<y3>\d{{4}})"
    rf"|(?P<weekday>{_WEEKDAY})(?:\s+(?:morning|afternoon|evening|night))?"
    rf"|(?:(?i:in|since|from|by|until|of)\s+)(?P<year>(?:(?:early|late|mid)[\s-]+)?(?:1[89]\d\d|20\d\d"
    rf"|1[0-7]\d\d(?![\s-]*[a-z%])))"  # "in 1066," but not "of 1500 people"
    rf"|(?:(?i:in|since|from|by|until|of|during)\s+the\s+)(?P<era>(?:(?:early|late|mid)[\s-]+)?"
    rf"(?:(?:1\d|20)\d0s|\d{{1,2}}(?:st|nd|rd|th)\s+centur(?:y|ies)))"
    rf"|(?:(?i:in|since|last|early|late|mid|until|by)[\s-]+)(?P<month>January|February|March|April|May|June|July|August"
    rf"|September|October|November|December)(?![\s,]+\d))\b"
)
TIME_RE = re.compile(
    r"\b(?P<hour>\d{1,2})(?:[.:](?P<minute>\d\d))?\s?(?P<half>am|pm|a\.m\.|p\.m\.)"
    r"|\b(?P<hour24>[01]?\d|2[0-3]):(?P<minute24>\d\d)(?:\s?(?:GMT|BST|UTC|ET|EST|local time))?\b",
    re.IGNORECASE,
)


# After a number, a unit it measures in ("2000 kilometres"), or the people or things it counts ("its 2000 workers"):
# a count, not a year. The answer reader reads the first alone, as "the 1990 men's final" is a year.
_UNITS_AFTER = r"kilometres|kilometers|km|miles|metres|meters|feet|ft|dlrs|dollars|euros|bushels|tonnes|tons|barrels"
_MEASURED_AFTER = re.compile(rf"[\s-]+(?:{_UNITS_AFTER})\b(?!['’])")
_COUNTED_AFTER = re.compile(
    r"[\s-]+(?:[a-z]+\s+)?(?:people|workers|employees|jobs|staff|troops|soldiers|police|officers|residents|passengers"
    r"|students|members|shares|units|cars|vehicles|homes|houses|acres|ships|planes|aircraft|cases|victims|dead"
    rf"|children|men|women|{_UNITS_AFTER})\b"
)


def is_year(m: re.Match) -> bool:
    """Whether a NUMBER_RE match is a year (1800 to 2099 alone), not a count ("2000 kilometres", "its 2000 workers")."""
    amount = m.group("amount")
    return (
        bool(re.fullmatch(r"1[89]\d\d|20\d\d", amount))
        and not m.group("percent")
        and not _MEASURED_AFTER.match(m.string, m.end())
    )


def normal_number(amount: str) -> str | None:
    """Digits for a number as written ("1,600" 1600, "seven" 7, "1.6 million" 1600000), the word for a vague one."""
    text = collapse_whitespace(amount.lower().replace("$", "").replace("£", "").replace("€", ""))
    if re.fullmatch(_VAGUE, text):
        return text
    scale = 1
    parts = text.split()
    if len(parts) == 2 and parts[1] in _SCALES:
        scale, text = _SCALES[parts[1]], parts[0]
    elif short := re.fullmatch(rf"([\d.]+)({'|'.join(_SHORT_SCALES)})", text):
        scale, text = _SHORT_SCALES[short.group(2)], short.group(1)
    if text in _UNITS or re.fullmatch(_WORD_NUMBER, text):
        number = _UNITS.get(text) or _words_number(text)
    else:
        try:
            number = float(text.replace(",", ""))
        except ValueError:
            return None
    number *= scale
    return str(int(number)) if float(number).is_integer() else f"{number:g}"


def _words_number(text: str) -> int:
    """A number written in words: "one hundred and twenty two" 122, "twenty-one" 21."""
    total = current = 0
    for word in re.split(r"[\s-]+", text):
        if word == "hundred":
            current *= 100
        elif word == "thousand":
            total, current = total + current * 1000, 0
        elif word != "and":
            current += _UNITS[word]
    return total + current


def normal_date(m: re.Match) -> str:
    """ISO date where day, month and year are given, YYYY-MM for a month of a year, else the words as written."""
    if m.group("month") or m.group("weekday") or m.group("era"):
        return collapse_whitespace(m.group("month") or m.group("weekday") or m.group("era"))
    month = next((m.group(g) for g in ("m1", "m2", "m3") if m.group(g)), None)
    day = m.group("d1") or m.group("d2")
    year = m.group("y1") or m.group("y2") or m.group("y3")
    if month is None:
        return m.group("year")[-4:]
    number = _month_number(month)
    try:
        if day and year:
            return date(int(year), number, int(day)).isoformat()
    except ValueError:
        return m.group()
    if year:
        return f"{year}-{number:02d}"
    return f"{MONTHS[number - 1].title()} {int(day)}"


def _month_number(month: str) -> int:
    """A month's number from its name or abbreviation ("Sept." 9)."""
    return next(i for i, name in enumerate(MONTHS, start=1) if name.startswith(month.lower().rstrip(".")[:3]))


# A month before a year, in any case but "May" and "Mar.", verbs as often ("What may 2020 bring?"); a number before
# people or things counted counts them ("its 2000 workers"), not before what a year has ("1987 earnings").
_MONTH_NOT_A_VERB = _MONTH.replace("May|", "").replace(r"Mar\.?|", "")
_PERIOD = re.compile(
    rf"\b(?:(?P<month>(?i:{_MONTH_NOT_A_VERB})|May|Mar\.?)\s+)?(?P<year>1[6-9]\d\d|20\d\d)\b(?!{_COUNTED_AFTER.pattern})"
)


def periods(text: str) -> list[tuple[str, str]]:
    """The years a text names, each with the ISO start of the period it names: ("1987", "1987-10") for "October
    1987", ("2017", "2017") for "the 2017 World Series"; not a count ("its 2000 workers")."""
    return [
        (
            m.group("year"),
            f"{m.group('year')}-{_month_number(m.group('month')):02d}" if m.group("month") else m.group("year"),
        )
        for m in _PERIOD.finditer(text)
    ]


_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTH_DAY = re.compile(r"([A-Z][a-z]+) (\d{1,2})")  # normal_date's form of a day and month without a year


def dated(normalized: str, published: object, forward: bool = False) -> str:
    """A date stated without its year or as a weekday ("Wednesday", "Wednesday morning", "November 9"), in ISO
    form by the date its article was published: the nearest such day on or before it (after it, `forward`: "will
    vote on Tuesday"). Else as given."""
    try:
        return _dated(normalized, date.fromisoformat(str(published or "")[:10]), forward) or normalized
    except (ValueError, OverflowError):  # no date, or none a calendar holds ("0001-01-01" less a day)
        return normalized


def _dated(normalized: str, day: date, forward: bool) -> str | None:
    words = normalized.lower().split()
    if words and words[0] in _WEEKDAYS:
        apart = (_WEEKDAYS.index(words[0]) - day.weekday()) % 7
        return date.fromordinal(day.toordinal() + (apart if forward else apart - 7 * (apart > 0))).isoformat()
    found = _MONTH_DAY.fullmatch(normalized)
    if found is None or found.group(1).lower() not in MONTHS:
        return None
    month = MONTHS.index(found.group(1).lower()) + 1
    for year in (day.year, day.year + (1 if forward else -1)):
        try:
            stated = date(year, month, int(found.group(2)))
        except ValueError:
            continue  # "February 29" in a year without one
        if (stated >= day) if forward else (stated <= day):
            return stated.isoformat()
    return None


def normal_time(m: re.Match) -> str:
    """A TIME_RE match as 24-hour HH:MM: "6.04am" 06:04, "3:30 p.m." 15:30."""
    if m.group("hour24"):
        return f"{int(m.group('hour24')):02d}:{m.group('minute24')}"
    hour = int(m.group("hour")) % 12 + (12 if m.group("half").lower().startswith("p") else 0)
    return f"{hour:02d}:{m.group('minute') or '00'}"


# Lengths in metres, weights in kilograms, speeds in km/h: "131 feet" and "40 metres" are one depth
_SIZES = {
    "length": {
        "m": 1, "metre": 1, "meter": 1, "km": 1000, "kilometre": 1000, "kilometer": 1000, "cm": 0.01, "mm": 0.001,
        "ft": 0.3048, "feet": 0.3048, "foot": 0.3048, "inch": 0.0254, "inches": 0.0254, "mile": 1609.344,
        "yard": 0.9144,
    },
    "weight": {
        "g": 0.001, "gram": 0.001, "gramme": 0.001, "kg": 1, "kilo": 1, "kilogram": 1, "kilogramme": 1,
        "tonne": 1000, "ton": 907.18, "lb": 0.45359, "pound": 0.45359, "ounce": 0.02835, "oz": 0.02835,
    },
    "speed": {
        "mph": 1.609344, "mile/h": 1.609344, "kph": 1, "kmph": 1, "km/h": 1, "km/hr": 1, "kmh": 1, "kilometre/h": 1,
        "kilometer/h": 1, "knot": 1.852,
    },
}  # fmt: skip
_MEASURE = re.compile(r"(\d+(?:,\d{3})*(?:\.\d+)?)[\s-]?([a-z/]+(?:\s+(?:an|per)\s+hour)?)\b", re.IGNORECASE)
_PER_HOUR = re.compile(r"s?\s+(?:an|per)\s+hour$")  # "miles an hour": "mile/h"


def measure_of(value: str) -> tuple[str, float, float] | None:
    """A length, weight or speed as its kind, its size in metres, kilograms or km/h, and its unit's size ("130ft":
    ("length", 39.62, 0.3048)), or None for a value in no unit of these (a sum: "$5m")."""
    found = None if any(sign in value for sign in _SIGNS) else _MEASURE.search(value)
    if found is None:
        return None
    unit = _PER_HOUR.sub("/h", found.group(2).lower())
    for kind, units in _SIZES.items():
        if (size := units.get(unit, units.get(unit.removesuffix("s")))) is not None:
            return kind, float(found.group(1).replace(",", "")) * size, size
    return None


def unit_of(value: str) -> str:
    """The unit a value is stated in, as one word ("dollar" for "$3 mln" and "3 mln dlrs", "tonne"), or "" for
    none: equal amounts in other units are other values."""
    if sign := next((s for s in _SIGNS if s in value), None):
        return _SIGNS[sign]
    word = _UNIT_WORD.search(value)
    if word is None:
        return ""
    unit = word.group().lower()
    units = {"dlr": "dollar", "dlrs": "dollar", "cts": "cent", "stg": "pound", "bbl": "barrel"}
    return units.get(unit, unit.removesuffix("s"))


def dimension_of(value: str) -> str:
    """What a number's unit measures: "money" ("5.768 billion dlrs", "£5m"), "area", "length", "weight" or "speed"
    ("1.45 mln tonnes": weight), another unit as itself ("barrel"), or "" for a number stated in none or in pounds
    (money or a weight)."""
    if re.search(r"\bpounds\b", value, re.IGNORECASE):
        return ""
    if MONEY_VALUE.search(value):
        return "money"
    if re.search(rf"\b(?:{_AREA}|acres|hectares)\b", value, re.IGNORECASE):
        return "area"
    if measure := measure_of(value):
        return measure[0]
    unit = unit_of(value)
    return next((kind for kind, units in _SIZES.items() if unit in units), unit)
