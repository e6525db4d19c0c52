"""What the errors SQLite raises mean to the user of a local index."""

from __future__ import annotations

import sqlite3
from pathlib import Path

DatabaseError = sqlite3.DatabaseError


def database_error_text(error: DatabaseError, index_dir: Path | None) -> str:
    """What a SQLite error means to the user of the index at index_dir, and what to do."""
    text = str(error)
    if "full" in text:
        return "no space left on the device for the index: free some and run it again (committed work is kept)"
    if "readonly" in text or "unable to open" in text:
        return f"cannot write the index at {index_dir} ({text}): give an --index folder you can write to"
    return f"the index at {index_dir} is damaged ({text}): run `qa check`, then `qa index --rebuild`"
