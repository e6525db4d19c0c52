"""What kind of answer a question asks for, and whether a sentence holds one.

"How many/much/long/far…", "what share/proportion/percentage/number/factor" and "by what"
ask for a quantity; "When…", "since when" and "what/which year, date, day, month" ask for a
time. A sentence can answer a quantity when it holds a number (digits or a number word) and
a time when it names a year, a month or a day of the week. Other questions ask for no
particular kind.
"""

from __future__ import annotations

import re

QUANTITY = "quantity"
TIME = "time"

_ASKS_QUANTITY = re.compile(
    r"\bhow (many|much|long|far|old|big|large|often)\b|\b(what|which) (share|proportion|percentage|number|factor)\b"
    r"|\bby what\b",
    re.IGNORECASE,
)
_ASKS_TIME = re.compile(r"^\W*when\b|\bsince when\b|\b(what|which) (year|date|day|month)\b", re.IGNORECASE)

_NUMBER = re.compile(
    r"\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|hundreds?"
    r"|thousands?|millions?|billions?|dozens?)\b",
    re.IGNORECASE,
)
_TIME = re.compile(
    r"\b(1\d{3}|20\d\d|january|february|march|april|may|june|july|august|september|october|november|december"
    r"|monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b",
    re.IGNORECASE,
)


def asked_for(question: str) -> str | None:
    """QUANTITY, TIME, or None when the question asks for no particular kind of answer."""
    if _ASKS_QUANTITY.search(question):
        return QUANTITY
    if _ASKS_TIME.search(question):
        return TIME
    return None


def holds(kind: str | None, sentence: str) -> bool:
    """Whether the sentence holds an answer of that kind (never, for no kind)."""
    if kind == QUANTITY:
        return bool(_NUMBER.search(sentence))
    if kind == TIME:
        return bool(_TIME.search(sentence))
    return False
