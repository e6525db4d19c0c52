"""Text as qa reads, searches and shows it: content words, whitespace and Unicode normal forms, and one rule for
control characters.

A control character is a C0 or C1 control or DEL (ESC, BEL, CSI…): text that articles, file names and questions
bring keeps none when it is searched, and reaches a terminal with each shown as a visible symbol, so no article can
move the cursor, retitle the window or write the clipboard. In a one-line field (a title, a path, a reason) line
and paragraph breaks and tabs become symbols too, so a name cannot forge a line of output. Bytes that are not UTF-8
(which Python carries as lone surrogates, in file names and arguments) are shown as \\xNN. JSON output escapes the
same characters.
"""

from __future__ import annotations

import json
import re
import unicodedata

STOPWORDS = frozenset(
    """a about after all also an and any are as at be been before being but by can could did do does
    during for from had has have he her his how i if in into is it its many me more most much my no not
    of on or our out she so some than that the their them then there these they this those to up us
    was we were what when where which while who whom why will with would you your""".split()
)

# Character classes, for use inside [ ]: the control characters; the Unicode line and paragraph separators; and
# lone surrogates, how Python carries bytes that are not UTF-8.
CONTROL = "\x00-\x1f\x7f-\x9f"
SEPARATORS = "\u2028\u2029"
UNDECODED = "\ud800-\udfff"

_WORD = re.compile(r"\w+")
_ESCAPE_SEQUENCE = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)?|.)?")
_CONTROL = re.compile(f"[{CONTROL}]")
_UNDECODED = re.compile(f"[{UNDECODED}]")
_CONTROL_BUT_TAB_OR_NEWLINE = re.compile(f"(?![\t\n])[{CONTROL}]|[{UNDECODED}]")
_CONTROL_OR_BREAK = re.compile(f"[{CONTROL}{SEPARATORS}{UNDECODED}]")


def content_words(text: str) -> list[str]:
    """Content words of text as written (case kept), in order."""
    return [word for word in _WORD.findall(normalize_for_search(text)) if word.lower() not in STOPWORDS]


def counted(number: int, noun: str, plural: str | None = None) -> str:
    """A count with its noun agreeing: "1 passage", "2 passages", "1 copy", "3 copies" (plural as given)."""
    return f"{number:,} {noun if number == 1 else plural or noun + 's'}"


def terms(text: str) -> list[str]:
    """Content words of text, lower-cased, in order."""
    return [word.lower() for word in content_words(text)]


def collapse_whitespace(text: str) -> str:
    """text on one line: each run of whitespace one space, none at either end."""
    return " ".join(text.split())


def normalize_for_search(text: str) -> str:
    """The form used for embedding and lexical search: NFKC, whitespace collapsed."""
    return collapse_whitespace(unicodedata.normalize("NFKC", text))


def search_form_if_changed(text: str, within: str | None = None) -> str | None:
    """text's search form where the lexical index cannot read it as written, else None: where NFKC changes its
    characters (a ligature, a full-width digit), or where the text it is cut from (`within`: a sentence's passage)
    holds a NUL, at which SQLite's substr stops. Read as written, a text tokenizes as its search form does."""
    if "\x00" in (text if within is None else within) or not unicodedata.is_normalized("NFKC", text):
        return normalize_for_search(text)
    return None


def replace_undecoded(text: str) -> str:
    """text with each lone surrogate (a byte that was not UTF-8) replaced by U+FFFD, as no encoder or database
    takes one."""
    return _UNDECODED.sub("\N{REPLACEMENT CHARACTER}", text)


def without_controls(text: str) -> str:
    """text on one line with nothing a terminal acts on: terminal escape sequences and control characters become
    spaces, lone surrogates U+FFFD, whitespace collapsed."""
    return collapse_whitespace(_CONTROL.sub(" ", _ESCAPE_SEQUENCE.sub(" ", replace_undecoded(text))))


def _symbol(match: re.Match) -> str:
    char = match.group()
    code = ord(char)
    if code < 0x20:
        return chr(0x2400 + code)  # ␛, ␇, ␊, ␉ …
    if 0xDC80 <= code <= 0xDCFF:
        return f"\\x{code - 0xDC00:02x}"  # a byte of a file name that is not UTF-8
    return "\N{REPLACEMENT CHARACTER}"


def printable(text: str) -> str:
    """text with control characters shown as symbols (ESC as ␛); line breaks and tabs kept."""
    return _CONTROL_BUT_TAB_OR_NEWLINE.sub(_symbol, text)


def one_line(text: str) -> str:
    """A one-line field (title, path, reason) made printable, its line breaks and tabs shown as symbols too."""
    return _CONTROL_OR_BREAK.sub(_symbol, str(text))


def json_text(value) -> str:
    """value as one line of JSON, non-ASCII text kept readable, every control character escaped (json.dumps
    escapes C0 itself; DEL, C1, the separators and lone surrogates are escaped here)."""
    return _CONTROL_OR_BREAK.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(value, ensure_ascii=False))
