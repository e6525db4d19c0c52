"""The package's layout: no module of qa/ imports, at load time or lazily inside a function, a module that
imports it back (directly or through others); format readers live under qa/formats/ and never import the
module that dispatches to them."""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import ROOT

PACKAGE = ROOT / "qa"


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def imported_modules(name: str) -> set[str]:
    """The qa modules a module imports anywhere in its text: at the top, in a function, under TYPE_CHECKING."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}".rstrip(".")
            # `from package import module` imports the module; `from module import name`, the module
            found.update(f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base for alias in node.names)
    return {module for module in found if module in MODULES and module != name}


GRAPH = {name: imported_modules(name) for name in MODULES}


def reachable(start: str) -> set[str]:
    seen: set[str] = set()
    todo = list(GRAPH[start])
    while todo:
        module = todo.pop()
        if module not in seen:
            seen.add(module)
            todo.extend(GRAPH[module])
    return seen


def test_the_import_graph_reads_lazy_imports():
    """The graph is built from the source as it is: a sanity check that the parse sees what it must."""
    assert "qa.figures" in GRAPH["qa.render"]  # at the top
    assert "qa.search" in GRAPH["qa.cli"]  # inside a function only
    assert "qa.formats.records" in GRAPH["qa.ingest"]  # under TYPE_CHECKING
    assert "qa.onnx_encoder" in GRAPH["qa.search"]  # `from qa import onnx_encoder`


def test_no_import_cycle_in_qa():
    cycles = sorted({tuple(sorted(m for m in reachable(name) if name in reachable(m))) for name in GRAPH} - {()})
    assert cycles == [], "modules that import each other, directly or through others: " + "; ".join(
        " <-> ".join(cycle) for cycle in cycles
    )


def builds(name: str) -> set[str]:
    """The names of the classes a module calls (constructs), as `Article(…)`."""
    tree = ast.parse(MODULES[name].read_text())
    return {node.func.id for node in ast.walk(tree) if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)}


def test_format_readers_live_under_formats_and_do_not_import_ingest():
    """A reader makes articles (or records of articles) from a file's bytes; qa/ingest.py only picks the reader."""
    readers = {name for name in MODULES if builds(name) & {"Article", "Record"}}
    assert "qa.formats.text" in readers
    assert {name for name in readers if not name.startswith("qa.formats.")} == set()
    assert [name for name in MODULES if name.startswith("qa.formats.") and "qa.ingest" in GRAPH[name]] == []


def external_imports(name: str) -> set[str]:
    """The top-level names of every package a module imports (`sqlite3`, `faiss`, `numpy`…)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(MODULES[name].read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name.partition(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            found.add(node.module.partition(".")[0])
    return found


def test_only_the_local_backend_touches_sqlite_faiss_or_fts5():
    """Storage sits behind the roles of qa/backends/base.py: SQLite, FAISS and FTS5 queries stay inside the
    backend that uses them."""
    outside = [name for name in MODULES if not name.startswith("qa.backends.local")]
    assert "sqlite3" in external_imports("qa.backends.local.store")
    assert [name for name in outside if external_imports(name) & {"sqlite3", "faiss"}] == []
    assert [name for name in outside if " MATCH " in MODULES[name].read_text()] == []
