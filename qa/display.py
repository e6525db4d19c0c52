"""One rule for showing text that articles, file names and questions bring: nothing in it reaches a terminal raw.

C0 and C1 control characters (ESC, BEL, CSI…) become visible symbols, so no article can
move the cursor, retitle the window or write the clipboard; in a one-line field (a title,
a path, a reason) line and paragraph breaks and tabs become symbols too, so a name cannot
forge a line of output. Bytes of a file name that are not UTF-8 (which Python carries as
lone surrogates) are shown as \\xNN. JSON output escapes the same characters.
"""

from __future__ import annotations

import json
import re

# C0 but tab and newline, DEL, C1, and lone surrogates (undecodable bytes of a file name)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
# the same, with tab, line breaks and the Unicode line and paragraph separators
_CONTROL_OR_BREAK = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
# what json.dumps(ensure_ascii=False) leaves raw that a terminal or a line-based reader would act on
_JSON_RAW = re.compile(r"[\x7f-\x9f\u2028\u2029]")


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
    return _CONTROL.sub(_symbol, text)


def one_line(text: str) -> str:
    """A one-line field (title, path, reason) made printable, its line breaks and tabs shown as symbols too."""
    return _CONTROL_OR_BREAK.sub(_symbol, str(text))


def json_text(value) -> str:
    """value as one line of JSON, non-ASCII text kept readable, every control character escaped."""
    encoded = json.dumps(value, ensure_ascii=False)
    encoded = _JSON_RAW.sub(lambda m: f"\\u{ord(m.group()):04x}", encoded)
    # lone surrogates (undecodable file name bytes) cannot be written as UTF-8: escape them too
    return re.sub(r"[\ud800-\udfff]", lambda m: f"\\u{ord(m.group()):04x}", encoded)
