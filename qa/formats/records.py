"""Files holding one article per record: JSON Lines and CSV exports, plain or gzipped (and, through
qa/formats/warc.py and qa/formats/feed.py, web archives and feeds).

Records are read one at a time (a file's size does not matter, only a record's:
MAX_RECORD_BYTES). Each record comes with the hash of its bytes, so that an update builds
the article only of a record that is new or changed. A record that cannot be used (a
line that is not JSON, one without text, one over the size limit) is reported with its
line and the rest are read; a file that cannot be read on (a truncated or damaged gzip
stream, a decompression bomb, a CSV with no text column) raises IngestError.
"""

from __future__ import annotations

import csv
import gzip
import io
import itertools
import json
import re
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from qa.article import Article, IngestError, content_hash
from qa.formats.fields import FIELD_NAMES, field_of, fields_article

MAX_RECORD_BYTES = 8 * 2**20
# A gzip stream may inflate to this many times its size (text rarely passes 10), and to BOMB_FLOOR whatever its size.
BOMB_RATIO = 100
BOMB_FLOOR = 64 * 2**20


@dataclass(frozen=True)
class Record:
    index: int  # 0-based line (JSON Lines), row after the header (CSV), record (WARC) or item (feed)
    line: int | None  # 1-based line of the file where the record starts, where lines mean something
    digest: str  # of the record's bytes and the field names given: equal means the same article
    article: Callable[[], Article]  # reads the record's article (raises IngestError)
    offset: int | None = None  # bytes of the file read through the record (of a .gz, compressed): how far it is


@dataclass(frozen=True)
class BadRecord:
    index: int | None  # None for records counted together
    line: int | None  # 1-based line of the file where the record starts, where lines mean something
    reason: str
    count: int = 1

    def as_skipped(self, path: Path) -> dict:
        """The record as `qa index` lists what it skipped: its file, then its line, else its index or count."""
        where = {"line": self.line} if self.line else {"record": self.index} if self.index is not None else {}
        return {"path": str(path), **where, "reason": self.reason, **({"count": self.count} if self.count > 1 else {})}


class _Inflated(io.RawIOBase):
    """A gzip file's decompressed bytes, stopped with IngestError when damaged, truncated or inflating too far."""

    def __init__(self, path: Path):
        self.path = path
        self.stream = gzip.open(path, "rb")
        self.limit = max(BOMB_RATIO * path.stat().st_size, BOMB_FLOOR)
        self.total = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        try:
            count = self.stream.readinto(buffer)
        except EOFError:
            raise IngestError(self.path, "truncated gzip file") from None
        except (OSError, zlib.error):
            raise IngestError(self.path, "damaged gzip file") from None
        self.total += count
        if self.total > self.limit:
            raise IngestError(self.path, f"decompression bomb: inflates over {BOMB_RATIO} times its size")
        return count

    def close(self) -> None:
        self.stream.close()
        super().close()


def open_bytes(path: Path) -> io.BufferedIOBase:
    """The file's bytes, decompressed when its name ends in .gz."""
    try:
        if path.name.lower().endswith(".gz"):
            return io.BufferedReader(_Inflated(path))
        return open(path, "rb")
    except OSError as error:
        raise IngestError(path, f"unreadable: {error.strerror or error}") from None


def _offset(stream: io.BufferedIOBase) -> int:
    """How many bytes of the file under the stream are read (of a .gz, compressed bytes, read ahead a little)."""
    raw = getattr(stream, "raw", None)
    return raw.stream.fileobj.tell() if isinstance(raw, _Inflated) else stream.tell()


def _lines(stream: io.BufferedIOBase) -> Iterator[bytes | None]:
    """The stream's lines; None for a line over MAX_RECORD_BYTES, which is passed over without being held."""
    while line := stream.readline(MAX_RECORD_BYTES + 1):
        if len(line) > MAX_RECORD_BYTES and not line.endswith(b"\n"):
            while (rest := stream.readline(MAX_RECORD_BYTES)) and not rest.endswith(b"\n"):
                pass
            yield None
        else:
            yield line


def _record_article(path: Path, fields: dict, mapping: dict, digest: str, fmt: str, index: int) -> Article:
    return fields_article(path, fields, mapping, digest, {"format": fmt, "record": index})


def jsonl_records(path: Path, mapping: dict[str, str], salt: bytes) -> Iterator[Record | BadRecord]:
    with open_bytes(path) as stream:
        yield from _jsonl_lines(path, stream, mapping, salt)


def csv_records(path: Path, mapping: dict[str, str], salt: bytes) -> Iterator[Record | BadRecord]:
    with open_bytes(path) as stream:
        yield from _csv_rows(path, stream, mapping, salt)


def _jsonl_lines(path: Path, stream, mapping: dict[str, str], salt: bytes) -> Iterator[Record | BadRecord]:
    for index, line in enumerate(_lines(stream)):
        if line is None:
            yield BadRecord(index, index + 1, f"record over {MAX_RECORD_BYTES // 2**20} MiB")
            continue
        if not line.strip():
            continue
        try:
            fields = json.loads(line)
        except ValueError:
            yield BadRecord(index, index + 1, "not JSON")
            continue
        if not isinstance(fields, dict):
            yield BadRecord(index, index + 1, "not a JSON object")
            continue
        digest = content_hash(salt + line)
        article = partial(_record_article, path, fields, mapping, digest, "jsonl", index)
        yield Record(index, index + 1, digest, article, _offset(stream))


_QUOTED = re.compile(r'"[^"]*"')


def _delimiter(header: str) -> str:
    """The separator of a CSV file's columns, read in its header outside quoted names: a comma, or the semicolon,
    tab or bar a spreadsheet exports with when it separates as many names as commas do, or more."""
    counts = {separator: _QUOTED.sub("", header).count(separator) for separator in ";\t|,"}
    most = max(counts, key=counts.__getitem__)  # the first of equals: a comma only when it separates most
    return most if counts[most] else ","


def _csv_rows(path: Path, stream, mapping: dict[str, str], salt: bytes) -> Iterator[Record | BadRecord]:
    csv.field_size_limit(MAX_RECORD_BYTES)
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="replace", newline="")
    first = text.readline()
    reader = csv.reader(itertools.chain([first], text), delimiter=_delimiter(first))
    try:
        header = [name.strip() for name in next(reader, [])]
    except csv.Error as error:
        raise IngestError(path, f"unreadable CSV header: {error}") from None
    if not header:
        raise IngestError(path, "empty")
    if field_of(header, "text", mapping) is None:
        wanted = ", ".join(dict.fromkeys([*mapping.get("text", "").split(), *FIELD_NAMES["text"]]))
        raise IngestError(path, f"no text column ({wanted}; name it with qa index --field text=COLUMN PATH)")
    index = 0
    while True:
        line = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            yield BadRecord(index, line, f"unreadable row: {error}")
            index += 1
            continue
        if row:
            fields = dict(zip(header, row, strict=False))
            digest = content_hash(salt + json.dumps(row, ensure_ascii=False).encode())
            article = partial(_record_article, path, fields, mapping, digest, "csv", index)
            yield Record(index, line, digest, article, _offset(stream))
            index += 1
