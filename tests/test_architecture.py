"""The package tree is the architecture: stages import only downwards, and nothing imports in a circle.

Floors, from the ground up (docs/architecture.md draws the same map). A module may import its own
package and any package on a lower floor, never one on its own floor or above: data flows one way,
source -> document -> catalog -> translations -> editions.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "pipeline"
FLOORS = {
    0: {"pipeline", "errors", "project", "terminal", "text"},
    1: {"config"},
    2: {"fileio", "jsonfile", "settle"},
    3: {"lang"},
    4: {"document", "typesetting", "templating"},
    5: {"po"},
    6: {"memory"},
    7: {"mt", "review"},
    8: {"editions"},
    9: {"cli"},
    10: {"__main__"},
}
FLOOR = {room: floor for floor, rooms in FLOORS.items() for room in rooms}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> list[tuple[str, int, bool]]:
    """(module imported, line, inside a function) for every import of a pipeline module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    functions = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
    local_lines = {
        sub.lineno for f in functions for sub in ast.walk(f) if isinstance(sub, ast.Import | ast.ImportFrom)
    }
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "pipeline":
            names = [node.module]
            # `from pipeline.x import y` where y is a module
            names += [
                f"{node.module}.{a.name}"
                for a in node.names
                if (PACKAGE.parent / f"{node.module}.{a.name}".replace(".", "/")).with_suffix(".py").exists()
                or (PACKAGE.parent / f"{node.module}.{a.name}".replace(".", "/") / "__init__.py").exists()
            ]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names if a.name.split(".")[0] == "pipeline"]
        found += [(name, node.lineno, node.lineno in local_lines) for name in names]
    return found


def room(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "pipeline"


def graph() -> dict[str, set[str]]:
    edges: dict[str, set[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        edges[module_name(path)] = {name for name, _, _ in imports(path)}
    return edges


def test_every_room_has_a_floor():
    rooms = {room(module_name(p)) for p in PACKAGE.rglob("*.py")}
    assert rooms <= set(FLOOR), f"packages or modules without a floor in this test: {rooms - set(FLOOR)}"


def test_imports_go_only_down():
    upward = []
    for path in sorted(PACKAGE.rglob("*.py")):
        here = room(module_name(path))
        for name, line, _ in imports(path):
            there = room(name)
            if there != here and FLOOR[there] >= FLOOR[here] and there != "pipeline":
                upward.append(f"{path.relative_to(ROOT)}:{line}: {here} (floor {FLOOR[here]}) imports {name}")
    assert not upward, "\n".join(upward)


def test_no_import_cycles():
    edges = graph()
    # strongly connected components (Tarjan), on modules, function-local imports included
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in edges.get(node, ()):
            if nxt not in edges:
                continue
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                item = stack.pop()
                component.append(item)
                if item == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    # a package's __init__ importing its own submodules, which import the package, is no cycle of ours
    # to fix only when the submodules import back the __init__ itself: those are listed too
    assert not cycles, cycles


def test_the_checker_sees_a_cycle_and_an_upward_import(tmp_path, monkeypatch):
    """The two checks above can fail: a planted cycle and a planted upward import are found."""
    fake = tmp_path / "pipeline"
    (fake / "po").mkdir(parents=True)
    (fake / "editions").mkdir()
    (fake / "__init__.py").write_text("")
    (fake / "po" / "__init__.py").write_text("")
    (fake / "editions" / "__init__.py").write_text("")
    (fake / "po" / "a.py").write_text("from pipeline.editions.b import x\n")
    (fake / "editions" / "b.py").write_text("def f():\n    from pipeline.po.a import y\n")
    monkeypatch.setattr(__import__(__name__), "ROOT", tmp_path)
    monkeypatch.setattr(__import__(__name__), "PACKAGE", fake)
    try:
        test_imports_go_only_down()
    except AssertionError as exc:
        assert "pipeline/po/a.py:1: po (floor 5) imports pipeline.editions.b" in str(exc)
    else:
        raise AssertionError("the upward import was not found")
    try:
        test_no_import_cycles()
    except AssertionError as exc:
        assert "pipeline.po.a" in str(exc) and "pipeline.editions.b" in str(exc)
    else:
        raise AssertionError("the cycle was not found")
