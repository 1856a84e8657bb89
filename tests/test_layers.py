"""The house: three packages whose imports only look down, no import circles, rooms of readable size.

Read from the source with ``ast``, so a lazy import inside a function counts as much as one at the top;
imports under ``if TYPE_CHECKING:`` are for type hints only and do not count.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("crawler", "spiders", "pipelines")
MAX_LINES = 600

# What each layer may import from the project (itself included). The Scrapy side is crawler/crawl plus
# the thin top-level spiders/ and pipelines/; the CLI sits on top; the demo portal stands alone.
ALLOWED = {
    "extract": {"extract"},
    "corpus": {"corpus", "extract"},
    "crawl": {"crawl", "corpus", "extract"},
    "demo": {"demo"},
    "cli": {"crawl", "corpus", "extract", "demo", "cli"},
    "root": set(),
}
ALLOWED = {name: allowed | {"root"} for name, allowed in ALLOWED.items()}


def layer(module: str) -> str:
    parts = module.split(".")
    if module == "crawler":
        return "root"  # the version string, importable from every layer
    if parts[0] in ("spiders", "pipelines"):
        return "crawl"
    if parts[0] == "crawler" and len(parts) > 1 and parts[1] in ("extract", "corpus", "crawl", "demo"):
        return parts[1]
    return "cli"  # crawler, crawler.cli, crawler.__main__


def project_modules() -> dict[str, Path]:
    modules = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            modules[".".join(parts)] = path
    return modules


def _type_checking_block(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)


def _import_nodes(tree: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    stack = [tree]
    while stack:
        node = stack.pop()
        for child in ast.iter_child_nodes(node):
            if _type_checking_block(child):
                stack.extend(getattr(child, "orelse", []))
                continue
            if isinstance(child, ast.Import | ast.ImportFrom):
                yield child
            stack.append(child)


def imports_of(module: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The project modules ``module`` imports (``from a import b`` names module ``a.b`` when it is one)."""
    found = set()
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in _import_nodes(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            names = [
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base for alias in node.names
            ]
        found.update(name for name in names if name in modules and name != module)
    return found


def import_graph() -> dict[str, set[str]]:
    modules = project_modules()
    return {module: imports_of(module, path, modules) for module, path in modules.items()}


def test_the_graph_is_read_from_the_source():
    graph = import_graph()
    assert "crawler.extract.patterns" in graph["crawler.extract.pagekind"]
    assert "crawler.crawl.config" in graph["pipelines.store"]


def upward_imports(graph: dict[str, set[str]]) -> list[str]:
    """Each import from a module to a layer it may not import, as ``module → target``."""
    return [
        f"{module} → {target}"
        for module, targets in sorted(graph.items())
        for target in sorted(targets)
        if layer(target) not in ALLOWED[layer(module)]
    ]


def import_circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Each import circle a depth-first walk finds, as the modules around it (the first one last too)."""
    circles: list[list[str]] = []
    state: dict[str, int] = {}  # 1 on the current path, 2 done

    def visit(module: str, path: list[str]) -> None:
        state[module] = 1
        for target in sorted(graph.get(module, ())):
            if state.get(target) == 1:
                circles.append([*path[path.index(target) :], target])
            elif target not in state:
                visit(target, [*path, target])
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    return circles


def test_the_checks_find_what_they_look_for(tmp_path):
    """A made-up module with a lazy upward import (and one for type hints only, which is allowed), and
    a made-up graph with a circle: each check fails where it should."""
    source = tmp_path / "spam.py"
    source.write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from crawler.corpus import db\n"
        "def late():\n    from crawler.crawl import config\n",
        encoding="utf-8",
    )
    modules = {name: ROOT for name in ("crawler.extract.spam", "crawler.crawl.config", "crawler.corpus.db")}
    graph = {"crawler.extract.spam": imports_of("crawler.extract.spam", source, modules)}
    assert graph["crawler.extract.spam"] == {"crawler.crawl.config"}
    assert upward_imports(graph) == ["crawler.extract.spam → crawler.crawl.config"]
    graph = {
        "crawler.crawl.guard": {"crawler.crawl.resolver", "crawler.extract.record"},
        "crawler.crawl.resolver": {"crawler.crawl.guard"},
        "crawler.extract.record": set(),
    }
    assert upward_imports(graph) == []
    assert import_circles(graph) == [["crawler.crawl.guard", "crawler.crawl.resolver", "crawler.crawl.guard"]]


def test_no_layer_imports_a_layer_above_it():
    assert upward_imports(import_graph()) == []


def test_extract_imports_neither_scrapy_nor_sqlite():
    offending = []
    for module, path in project_modules().items():
        if layer(module) != "extract":
            continue
        for node in _import_nodes(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            offending += [
                f"{module}: {n}" for n in names if n.split(".")[0] in {"scrapy", "sqlite3", "sqlite_utils"}
            ]
    assert offending == []


def test_there_is_no_import_circle():
    assert import_circles(import_graph()) == []


def test_crawler_holds_only_the_three_packages_the_demo_and_the_cli():
    entries = {p.name for p in (ROOT / "crawler").iterdir() if p.name != "__pycache__"}
    assert entries <= {
        "crawl",
        "extract",
        "corpus",
        "demo",
        "cli",
        "__init__.py",
        "py.typed",
    }


def test_no_module_outside_the_demo_is_over_600_lines():
    long = {
        module: lines
        for module, path in project_modules().items()
        if layer(module) != "demo"
        and (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}
