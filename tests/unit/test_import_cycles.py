"""No import cycle in `ltxstudio/` (issue 13): an AST scan, module-level AND function-local
imports, because a cycle hidden in a function body is still a cycle (Help → Run self-test once
went main_window → selftest_dialog → selftest → main_window that way), and imports under
`if TYPE_CHECKING:` too (jobs.pipeline ↔ jobs.runner was one: a seam, if not a runtime cycle).

`python -m tests.unit.test_import_cycles` prints every cycle in `ltxstudio/`, UI or not, with the
line of each import and whether it runs at import time ("module"), when a function runs
("local") or only for the type checker ("typing", not a runtime cycle).
"""

from __future__ import annotations

import ast
import sys
from collections import deque
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = "ltxstudio"
RUNTIME = frozenset({"module", "local"})


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    kind: str  # "module", "local" (inside a function) or "typing" (under `if TYPE_CHECKING`)
    line: int


def modules(root: Path = ROOT) -> dict[str, Path]:
    found = {}
    for path in sorted((root / PACKAGE).rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def edges(known: dict[str, Path]) -> list[Edge]:
    found: list[Edge] = []
    for name, path in known.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]

        def visit(node: ast.AST, kind: str, name: str = name, package: str = package) -> None:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                kind = "typing" if kind == "typing" else "local"
            if isinstance(node, ast.If) and _is_type_checking(node.test):
                for child in node.body:
                    visit(child, "typing")
                for child in node.orelse:
                    visit(child, kind)
                return
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*anchor, base] if base else anchor)
                targets = [
                    f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base
                    for alias in node.names
                ]
            for target in targets:
                while target and target not in known:
                    target = target.rpartition(".")[0]  # `import a.b.c` where c is a name
                if target and target != name:
                    found.append(Edge(name, target, kind, getattr(node, "lineno", 0)))
            for child in ast.iter_child_nodes(node):
                visit(child, kind)

        visit(ast.parse(path.read_text(), str(path)), "module")
    return found


def strongly_connected(nodes: list[str], graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iteratively; components of more than one module."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    result: list[list[str]] = []
    counter = 0
    for start in nodes:
        if start in index:
            continue
        work = [(start, iter(sorted(graph.get(start, ()))))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is None:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        result.append(sorted(component))
            elif child not in index:
                index[child] = low[child] = counter
                counter += 1
                stack.append(child)
                on_stack.add(child)
                work.append((child, iter(sorted(graph.get(child, ())))))
            elif child in on_stack:
                low[node] = min(low[node], index[child])
    return result


def shortest_cycle(start: str, graph: dict[str, set[str]], within: set[str]) -> list[str]:
    """The shortest path start → … → start inside one component (breadth first)."""
    parents: dict[str, str] = {}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for child in sorted(graph.get(node, ())):
            if child not in within:
                continue
            if child == start:
                path = [node]
                while path[-1] != start:
                    path.append(parents[path[-1]])
                return [*reversed(path), start]
            if child not in parents:
                parents[child] = node
                queue.append(child)
    return []


def cycles(
    kinds: frozenset[str] = RUNTIME, root: Path = ROOT
) -> list[tuple[list[str], list[Edge]]]:
    """Each import cycle (one strongly connected component) with one shortest loop through it,
    as the edges that make it."""
    known = modules(root)
    chosen = [e for e in edges(known) if e.kind in kinds]
    graph: dict[str, set[str]] = {}
    for e in chosen:
        graph.setdefault(e.source, set()).add(e.target)
    found = []
    for component in strongly_connected(sorted(known), graph):
        loop = shortest_cycle(component[0], graph, set(component))
        steps = [
            min(
                (e for e in chosen if e.source == a and e.target == b),
                key=lambda e: (e.kind != "module", e.line),
            )
            for a, b in pairwise(loop)
        ]
        found.append((component, steps))
    return found


def describe(found: list[tuple[list[str], list[Edge]]]) -> str:
    lines = []
    for component, steps in found:
        lines.append(f"cycle of {len(component)} modules: {', '.join(component)}")
        lines.extend(f"    {e.source} -> {e.target}  ({e.kind}, line {e.line})" for e in steps)
    return "\n".join(lines) or "no import cycles"


def test_the_scan_sees_function_local_imports() -> None:
    found = edges(modules())
    local = {(e.source, e.target) for e in found if e.kind == "local"}
    assert ("ltxstudio.app", "ltxstudio.ui.main_window") in local  # app.Shell.open imports it


def test_no_import_cycle_anywhere_in_the_package() -> None:
    found = cycles(RUNTIME | {"typing"})
    assert not found, describe(found)


def test_the_scan_finds_a_cycle_when_there_is_one(tmp_path: Path) -> None:
    package = tmp_path / PACKAGE
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("def f() -> None:\n    from ltxstudio import b\n")
    (package / "b.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import ltxstudio.a\n"
    )
    assert cycles(RUNTIME, root=tmp_path) == []
    ((component, steps),) = cycles(RUNTIME | {"typing"}, root=tmp_path)
    assert component == ["ltxstudio.a", "ltxstudio.b"]
    assert {e.kind for e in steps} == {"local", "typing"}


if __name__ == "__main__":
    print("runtime imports (module-level and function-local):")
    print(describe(cycles()))
    print("\nincluding imports under `if TYPE_CHECKING:`:")
    print(describe(cycles(RUNTIME | {"typing"})))
    sys.exit(0)
