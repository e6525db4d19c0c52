"""Answers read from an index, kept until it changes."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Hashable


class Remembered:
    """What compute() gave for each key, kept until any connection commits a change to the database (SQLite's
    data_version), the `size` last used at most: a long chat stays bounded."""

    def __init__(self, connection: sqlite3.Connection, size: int):
        self.connection = connection
        self.size = size
        self._answers: dict[Hashable, object] = {}
        self._version = None

    def get(self, key: Hashable, compute: Callable[[], object]):
        version = self.connection.execute("PRAGMA data_version").fetchone()[0]
        if version != self._version:
            self._answers.clear()
            self._version = version
        value = self._answers.pop(key) if key in self._answers else compute()
        self._answers[key] = value
        while len(self._answers) > self.size:
            del self._answers[next(iter(self._answers))]
        return value
