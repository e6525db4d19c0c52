"""A question as typed, made searchable: control characters and escape sequences dropped, bytes that
are not UTF-8 replaced (U+FFFD), whitespace collapsed, and its length capped (the encoder reads 256
tokens at most anyway)."""

from __future__ import annotations

import re

from qa.errors import QAError
from qa.text import terms, without_controls

MAX_CHARS = 2000
_ASKING_ADJECTIVE = re.compile(r"\b(how) (long|far|old|big|large|often|soon)\b", re.IGNORECASE)
_OPENS_A_QUESTION = re.compile(  # "how many…", "in what year…", "did the…"
    r"^\W*(?:(?:\w+\W+){0,2}(?:who|whom|whose|what|when|where|which|why|how)|is|are|was|were|do|does|did|can"
    r"|could|will|would|should|has|have|had)\b",
    re.IGNORECASE,
)


class QuestionError(QAError):
    """Nothing searchable was asked."""


def clean(text: str) -> tuple[str, str | None]:
    """The question to search, and a notice for the user when it had to be shortened."""
    question = without_controls(text)
    if len(question) <= MAX_CHARS:
        return question, None
    shortened = question[:MAX_CHARS].rsplit(" ", 1)[0]
    return shortened, f"the question is {len(question):,} characters long: searching its first {len(shortened):,}"


def required(text: str) -> tuple[str, str | None]:
    """clean(text), refusing a question that is empty once cleaned."""
    question, notice = clean(text)
    if not question:
        raise QuestionError('the question is empty: ask something, e.g. qa ask "Who is Donatella Rovera?"')
    return question, notice


def words(question: str) -> list[str]:
    """The content words a question is searched by: its terms, less the adjective of a "how long/far/old…"
    asking phrase, which names the kind of answer wanted rather than its subject (as "many" in "how many")."""
    return terms(_ASKING_ADJECTIVE.sub(r"\1", question))


def as_asked(question: str) -> str:
    """The question as the encoder reads it: with the question mark a typist left off ("how many died"), so that
    it ranks the passages as "How many died?" does. A text holding one already (a follow-up searched with the
    words of the question before it) is left as it is."""
    if _OPENS_A_QUESTION.match(question) and "?" not in question and not question.rstrip().endswith((".", "!")):
        return question.rstrip().rstrip(",;:").rstrip() + "?"  # "how many died," as "how many died?"
    return question
