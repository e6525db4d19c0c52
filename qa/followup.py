"""Follow-up questions: a short question that leans on the one before is searched in its context.

"and how many did the coalition admit?" after "How many civilians did the coalition
kill in Raqqa?" is searched as the follow-up plus the earlier question's content
words it lacks: "and how many did the coalition admit? civilians kill Raqqa". One that
asks nothing of its own ("and the coalition?") asks what the earlier one asked: "How many
the coalition? civilians kill Raqqa". One counting something else ("and how many were
wounded?") leaves behind what the earlier one counted ("killed").
"""

from __future__ import annotations

import re

from qa.answer_type import asking_phrase
from qa.figures import another_count
from qa.question import as_asked
from qa.text import content_words

# Openings that continue the previous question rather than start a new one ("and what about the SDF?" asks nothing
# of its own past them).
_OPENINGS = re.compile(r"^(?:\s*(?:and|but|so|also|then|what about|how about|what of)\b)+", re.IGNORECASE)
# Words pointing back at something the previous question or answer named.
_POINTS_BACK = frozenset("that this it its they them their those these he him his she her such there".split())
# Possessives, which point back at the question's own subject when it names one before them: "Why did Toblerone
# change its shape?", "Who does Clinton blame for her defeat?"
_POSSESSIVES = frozenset("its their his her".split())
_SO_AT_END = re.compile(r"\bso\W*$", re.IGNORECASE)  # "who said so?"; not "why did so many die?"
_ASKS = re.compile(r"\b(who|whom|whose|what|which|when|where|why|how)\b", re.IGNORECASE)
MAX_LEANING_WORDS = 3  # a question pointing back with more content words than this stands alone


def leans_on_previous(question: str) -> bool:
    """Whether question only makes sense after the previous one."""
    own = content_words(question)
    points_back = any(_points_back(question, word) for word in re.finditer(r"\w+", question)) or bool(
        _SO_AT_END.search(question)
    )
    return bool(_OPENINGS.match(question)) or not own or (points_back and len(own) <= MAX_LEANING_WORDS)


def _points_back(question: str, word: re.Match) -> bool:
    """Whether a word of the question points back at what was asked or answered before: a possessive after a name
    the question gives (capitalised past its first word) points at that name."""
    lowered = word.group().lower()
    if lowered not in _POINTS_BACK:
        return False
    named = [w for w in re.findall(r"\w[\w'’-]*", question[: word.start()])[1:] if w[0].isupper() and w != "I"]
    return lowered not in _POSSESSIVES or not named


def in_context(question: str, previous: str | None) -> str | None:
    """The question to search instead of question when it leans on previous (the last question
    searched), or None when it stands alone."""
    if not previous or not leans_on_previous(question):
        return None
    question = as_asked(question.strip())  # "what did she say" searched as "what did she say? Donatella Rovera"
    own = {word.lower() for word in content_words(question)}
    carried = [
        word
        for word in dict.fromkeys(content_words(previous))
        if word.lower() not in own and not another_count(word, own)
    ]
    if not carried:
        return None
    past_opening = _OPENINGS.sub("", question).strip()
    if _ASKS.search(past_opening) or not (asked_before := asking_phrase(previous)):
        return " ".join([question.strip(), *carried])
    # asking first, as questions do: "When in Mosul? coalition take", read as a "when" question is
    asked = {word.lower() for word in content_words(asked_before)}
    kept = [past_opening] if re.search(r"\w", past_opening) else []
    return " ".join([asked_before, *kept, *(word for word in carried if word.lower() not in asked)])
