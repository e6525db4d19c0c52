"""FTS5's bm25() for a few given rows, without iterating every row the query matches.

SQLite computes bm25() only for rows a MATCH yields, so scoring the sentences of 80
candidate passages meant walking every matching sentence of the collection: at a
million passages, hundreds of milliseconds a question. Here the given rows' stored
text is tokenized by FTS5 itself (a temporary in-memory FTS5 table with the same
tokenizer, read through fts5vocab), the collection's statistics come from the FTS5
table (its row and token totals, and a count of the rows matching each phrase), and
the score is FTS5's formula, term for term in its order, so it equals bm25()'s.
"""

from __future__ import annotations

import json
import math
import re
import sqlite3
from collections import defaultdict

from qa.backends.base import CollectionStatistics
from qa.backends.local.remembered import Remembered

TOKENIZER = "porter unicode61 remove_diacritics 2"  # every FTS5 table's, and the one that scores must use
K1 = 1.2
B = 0.75
_PHRASE = re.compile(r'"((?:[^"]|"")*)"')


def phrases(match: str) -> list[str]:
    """The phrases of an FTS5 expression of quoted phrases joined by OR, in order."""
    return [phrase.replace('""', '"') for phrase in _PHRASE.findall(match)]


def quoted(phrase: str) -> str:
    return '"' + phrase.replace('"', '""') + '"'


def _varints(blob: bytes) -> list[int]:
    """SQLite's variable-length integers, as FTS5 writes its averages record."""
    values, value, length = [], 0, 0
    for byte in blob:
        length += 1
        if length == 9:
            values.append((value << 8) | byte)
            value, length = 0, 0
        elif byte & 0x80:
            value = (value << 7) | (byte & 0x7F)
        else:
            values.append((value << 7) | byte)
            value, length = 0, 0
    return values


def collection_size(connection: sqlite3.Connection, table: str, columns: int) -> tuple[int, int]:
    """How many rows an FTS5 table holds and how many tokens its first `columns` columns hold, from the averages
    record FTS5 keeps."""
    rows, *totals = _varints(connection.execute(f"SELECT block FROM {table}_data WHERE id = 1").fetchone()[0])
    return rows, sum(totals[:columns])


REMEMBERED = 4096  # phrases whose frequency and tokens a Scorer keeps (a question's words are a few)


class Scorer:
    """Scores rows of the FTS5 tables of one connection."""

    def __init__(self, connection: sqlite3.Connection):
        self.connection = connection
        self._remembered = Remembered(connection, REMEMBERED)  # rows matching, tokens of phrases
        connection.execute(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.bm25_text USING fts5(c0, c1, tokenize='{TOKENIZER}')"
        )
        connection.execute(
            "CREATE VIRTUAL TABLE IF NOT EXISTS temp.bm25_tokens USING fts5vocab(temp, bm25_text, instance)"
        )

    def _tokens(self, texts: dict[int, tuple[str | None, ...]], only: list[str] | None = None) -> list[tuple]:
        """(token, row, column name, offset) of each token of the texts as FTS5 cuts them (only those in `only`)."""
        db = self.connection
        db.execute("SAVEPOINT bm25")  # one write, not one per row (each would add an FTS5 segment)
        db.execute("DELETE FROM temp.bm25_text")
        db.executemany(
            "INSERT INTO temp.bm25_text(rowid, c0, c1) VALUES (?, ?, ?)",
            [(row, *columns, *[None] * (2 - len(columns))) for row, columns in texts.items()],
        )
        db.execute("RELEASE bm25")
        if only is None:
            return db.execute("SELECT term, doc, col, offset FROM temp.bm25_tokens").fetchall()
        return db.execute(
            "SELECT term, doc, col, offset FROM temp.bm25_tokens WHERE term IN (SELECT value FROM json_each(?))",
            (json.dumps(only),),
        ).fetchall()

    def frequency(self, table: str, match: str) -> int:
        """How many rows of table match the FTS5 expression."""
        count = f"SELECT count(*) FROM {table} WHERE {table} MATCH ?"
        return self._remembered.get((table, match), lambda: self.connection.execute(count, (match,)).fetchone()[0])

    def _phrase_tokens(self, match: str) -> list[list[str]]:
        """The tokens of each phrase of match, as FTS5 cuts them."""

        def tokens() -> list[list[str]]:
            query = phrases(match)
            wanted: list[list[str]] = [[] for _ in query]
            by_offset = sorted(self._tokens({-1 - i: (p,) for i, p in enumerate(query)}), key=lambda t: t[3])
            for token, row, _, _ in by_offset:
                wanted[-1 - row].append(token)
            return wanted

        return self._remembered.get(("", match), tokens)

    def statistics(self, table: str, columns: int, query: list[str]) -> CollectionStatistics:
        """The table's statistics for the phrases of a query, its first `columns` columns counting for lengths."""
        rows, tokens = collection_size(self.connection, table, columns)
        return CollectionStatistics(rows, tokens, {phrase: self.frequency(table, quoted(phrase)) for phrase in query})

    def scores(
        self,
        table: str,
        match: str,
        texts: dict[int, tuple[str, ...]],
        weights: tuple[float, ...],
        collection: CollectionStatistics | None = None,
    ) -> dict[int, float]:
        """bm25 (higher is better, as -bm25() in SQL) of the rows of `table` whose columns hold `texts`,
        for the OR of phrases `match`; only rows that match. The collection's statistics are the given ones
        (a sharded index's), else the table's own."""
        query = phrases(match)
        wanted = self._phrase_tokens(match)
        places = {(row, column, offset): token for token, row, column, offset in self._tokens(texts, sum(wanted, []))}
        frequencies: dict[int, list[float]] = defaultdict(lambda: [0.0] * len(query))
        for (row, column, offset), token in places.items():
            for i, phrase_tokens in enumerate(wanted):
                if (
                    phrase_tokens
                    and token == phrase_tokens[0]
                    and all(
                        places.get((row, column, offset + step)) == later
                        for step, later in enumerate(phrase_tokens[1:], 1)
                    )
                ):
                    frequencies[row][i] += weights[int(column[1:])]
        if not frequencies:
            return {}
        collection = collection or self.statistics(table, len(weights), query)
        idf = [_inverse_frequency(collection.rows, collection.frequencies[phrase]) for phrase in query]
        average = collection.average_length
        lengths = self.connection.execute(
            f"SELECT id, sz FROM {table}_docsize WHERE id IN (SELECT value FROM json_each(?))",
            (json.dumps(list(frequencies)),),
        )
        scored = {}
        for row, size in lengths:
            length = float(sum(_varints(size)))
            score = 0.0
            for i, frequency in enumerate(frequencies[row]):
                score += idf[i] * ((frequency * (K1 + 1.0)) / (frequency + K1 * (1 - B + B * length / average)))
            scored[row] = score
        return scored


def _inverse_frequency(rows: int, count: int) -> float:
    """FTS5's idf of a phrase `count` of `rows` rows hold (never below 1e-6)."""
    value = math.log((rows - count + 0.5) / (count + 0.5))
    return value if value > 0.0 else 1e-6
