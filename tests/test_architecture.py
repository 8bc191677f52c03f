"""The package's shape, read from its source with ``ast`` (nothing imported): the synthetic
generator stays out of the runtime."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUNTIME = ("flows", "schemas")  # what the wheel ships


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def runtime_files() -> list[Path]:
    return sorted(p for package in RUNTIME for p in (ROOT / package).rglob("*.py"))


def imported_modules(path: Path) -> set[str]:
    """Every module a file imports, at its top or inside a function, absolute names."""
    package = module_name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package[:len(package) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def test_runtime_never_imports_the_generator():
    offenders = {module_name(path): sorted(m for m in imported_modules(path)
                                           if m == "synth" or m.startswith("synth."))
                 for path in runtime_files()}
    assert not {k: v for k, v in offenders.items() if v}, (
        "flows/ and schemas/ ship in the wheel; the generator (synth/) does not")
    assert not (ROOT / "flows" / "generator").exists()


def import_graph() -> dict[str, set[str]]:
    """Module → the package modules it imports (top-level and function-level imports alike:
    a lazy import is still a dependency). ``from flows import docs`` counts as ``flows.docs``."""
    files = {module_name(path): path for path in runtime_files()}
    graph = {}
    for name, path in files.items():
        imported = imported_modules(path)
        graph[name] = {m for m in imported if m in files and m != name
                       and not _only_submodules(m, imported, files)}
    return graph


def _only_submodules(package: str, imported: set[str], files: dict[str, Path]) -> bool:
    """``from flows.report import kpis`` imports the module flows.report.kpis, not what the
    package's ``__init__`` defines: a dependency on the package only for other names."""
    names = {m[len(package) + 1:] for m in imported if m.startswith(package + ".")}
    direct = {n for n in names if "." not in n}
    return files[package].name == "__init__.py" and bool(direct) and all(
        f"{package}.{n}" in files for n in direct)


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle (a path that comes back to its start), or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt):], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_no_import_cycle_in_the_package():
    graph = import_graph()
    assert "flows.run_record" in graph["flows.nightly"] & graph["flows.status"] & (
        graph["flows.summary"])
    cycle = find_cycle(graph)
    assert cycle is None, " → ".join(cycle)


def test_the_run_record_is_a_leaf():
    assert import_graph()["flows.run_record"] <= {"flows", "flows.config"}
