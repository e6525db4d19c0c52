"""Find the article files of the recorded sources.

A file source is taken as it is. A folder is walked recursively, following symbolic
links but never into a folder already visited (so a link loop ends), and skipping:
hidden folders and files (names starting with '.'), the `NAME_files` folder a browser
saves beside `NAME.html`, files whose suffix is not a supported format, and what the
source's globs leave out. A glob matches a path relative to the folder (`drafts/*`) or
a bare name (`*.md`); an excluded folder is not entered.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from fnmatch import fnmatch
from pathlib import Path

from qa.ingest import HTML_SUFFIXES, is_article_file
from qa.store import Source


def matches(relative: Path, globs: Iterable[str]) -> bool:
    return any(fnmatch(relative.as_posix(), glob) or fnmatch(relative.name, glob) for glob in globs)


def is_saved_page_assets(folder: Path, name: str) -> bool:
    """Whether folder/name is the `NAME_files` folder of a page saved beside it as NAME.html."""
    page = name.removesuffix("_files")
    return page != name and any((folder / f"{page}{suffix}").is_file() for suffix in HTML_SUFFIXES)


def walk(root: Path, include: tuple[str, ...] = (), exclude: tuple[str, ...] = ()) -> Iterator[Path]:
    """The article files below root, as the module docstring says."""
    visited = {root.resolve()}
    for directory, folders, names in os.walk(root, followlinks=True):
        here = Path(directory)
        kept = []
        for name in sorted(folders):
            real = (here / name).resolve()
            if name.startswith(".") or real in visited or is_saved_page_assets(here, name):
                continue
            if matches((here / name).relative_to(root), exclude):
                continue
            visited.add(real)
            kept.append(name)
        folders[:] = kept
        for name in names:
            path = here / name
            relative = path.relative_to(root)
            if name.startswith(".") or not is_article_file(path):
                continue
            if (include and not matches(relative, include)) or matches(relative, exclude):
                continue
            yield path


def scan(sources: Iterable[Source]) -> tuple[list[Path], list[dict]]:
    """Article files under the sources (sorted), and the sources that could not be scanned."""
    files: set[Path] = set()
    problems = []
    for source in sources:
        path = Path(source.path)
        if path.is_file():
            files.add(path)
        elif path.is_dir():
            files.update(walk(path, source.include, source.exclude))
        else:
            problems.append({"path": source.path, "reason": "source not found"})
    return sorted(files), problems
