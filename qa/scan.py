"""Find the article files of the recorded sources, never leaving the folders given unasked.

A file source is taken as it is. A folder is walked recursively, skipping: hidden folders
and files (names starting with '.'), the `NAME_files` folder a browser saves beside
`NAME.html`, files whose suffix is not a supported format, and what the source's globs
leave out. A glob matches a path relative to the folder (`drafts/*`) or a bare name
(`*.md`); an excluded folder is not entered. Symbolic links are followed only while
they resolve inside the folder (or anywhere with follow_links), never into a folder
already visited, so a link loop ends; a link leading out of the folder and anything that
is not a regular file (a FIFO, a device, a socket) are listed as skipped with the reason.

Paths are stored as text: the bytes of a file name that are not UTF-8 are written \\xNN
(path_text), and read back into the file's own name (path_from_text).
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterable, Iterator
from fnmatch import fnmatch
from pathlib import Path

from qa.ingest import HTML_SUFFIXES, is_article_file
from qa.records import Source

LINK_OUTSIDE = "link to outside the folder"
_ESCAPED_BYTE = re.compile(r"\\x([89a-f][0-9a-f])")
_KINDS = {stat.S_IFIFO: "FIFO", stat.S_IFCHR: "device", stat.S_IFBLK: "device", stat.S_IFSOCK: "socket"}


def path_text(path: Path | str) -> str:
    """The path as stored text: its undecodable bytes (lone surrogates in Python) written \\xNN."""
    return re.sub(r"[\udc80-\udcff]", lambda m: f"\\x{ord(m.group()) - 0xDC00:02x}", str(path))


def path_from_text(text: str) -> Path:
    """The path a stored text names (the inverse of path_text)."""
    return Path(_ESCAPED_BYTE.sub(lambda m: chr(0xDC00 + int(m.group(1), 16)), text))


def not_regular(path: Path) -> str | None:
    """Why path (followed if a link) is not a regular file to read, or None when it is one."""
    try:
        mode = path.stat().st_mode
    except OSError as error:
        return f"unreadable: {error.strerror or error}"
    if stat.S_ISREG(mode):
        return None
    return f"not a regular file ({_KINDS.get(stat.S_IFMT(mode), 'special file')})"


def matches(relative: Path, globs: Iterable[str]) -> bool:
    return any(fnmatch(relative.as_posix(), glob) or fnmatch(relative.name, glob) for glob in globs)


def is_saved_page_assets(folder: Path, name: str) -> bool:
    """Whether folder/name is the `NAME_files` folder of a page saved beside it as NAME.html."""
    page = name.removesuffix("_files")
    return page != name and any((folder / f"{page}{suffix}").is_file() for suffix in HTML_SUFFIXES)


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def walk(
    root: Path,
    include: tuple[str, ...] = (),
    exclude: tuple[str, ...] = (),
    follow_links: bool = False,
    skipped: list[dict] | None = None,
) -> Iterator[Path]:
    """The article files below root, as the module docstring says; what is left out for a reason goes to skipped.

    Walked with a stack rather than recursion (any depth), folders known by device and inode (so a link
    back into the tree is not walked twice, whatever its depth)."""
    skipped = [] if skipped is None else skipped
    real_root = root.resolve()

    def leaves_tree(path: Path) -> bool:
        if follow_links or not path.is_symlink() or _inside(path.resolve(), real_root):
            return False
        skipped.append({"path": path_text(path), "reason": LINK_OUTSIDE})
        return True

    def unreadable(path: Path, error: OSError) -> None:
        skipped.append({"path": path_text(path), "reason": f"unreadable: {error.strerror or error}"})

    try:
        visited = {_identity(root.stat())}
    except OSError as error:
        unreadable(root, error)
        return
    stack = [root]
    while stack:
        here = stack.pop()
        try:
            with os.scandir(here) as entries:
                names = sorted(entry.name for entry in entries)
        except OSError as error:
            unreadable(here, error)
            continue
        folders = []
        for name in names:
            path = here / name
            relative = path.relative_to(root)
            if name.startswith(".") or matches(relative, exclude):
                continue
            try:
                is_folder = path.is_dir()
            except OSError as error:
                unreadable(path, error)
                continue
            if is_folder:
                if is_saved_page_assets(here, name) or leaves_tree(path):
                    continue
                try:
                    identity = _identity(path.stat())
                except OSError as error:
                    unreadable(path, error)
                    continue
                if identity not in visited:
                    visited.add(identity)
                    folders.append(path)
            elif is_article_file(path) and (not include or matches(relative, include)):
                if leaves_tree(path):
                    continue
                if reason := not_regular(path):
                    skipped.append({"path": path_text(path), "reason": reason})
                    continue
                yield path
        stack.extend(reversed(folders))


def _identity(status: os.stat_result) -> tuple[int, int]:
    return status.st_dev, status.st_ino


def scan(sources: Iterable[Source], follow_links: bool = False) -> tuple[list[Path], list[dict]]:
    """Article files under the sources (sorted), and what was skipped with its reason."""
    files: set[Path] = set()
    skipped: list[dict] = []
    for source in sources:
        path = path_from_text(source.path)
        if path.is_dir():
            files.update(walk(path, source.include, source.exclude, follow_links, skipped))
        elif not path.exists():
            skipped.append({"path": source.path, "reason": "source not found: its articles are kept (--forget it)"})
        elif reason := not_regular(path):
            skipped.append({"path": source.path, "reason": reason})
        else:
            files.add(path)
    return sorted(files), skipped
