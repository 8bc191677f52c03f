"""The package's shape, read from its source with ``ast`` (nothing imported): the synthetic
generator stays out of the runtime."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
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
                anchor = package[: len(package) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def test_runtime_never_imports_the_generator():
    offenders = {
        module_name(path): sorted(
            m for m in imported_modules(path) if m == "synth" or m.startswith("synth.")
        )
        for path in runtime_files()
    }
    assert not {k: v for k, v in offenders.items() if v}, (
        "flows/ and schemas/ ship in the wheel; the generator (synth/) does not"
    )
    assert not (ROOT / "flows" / "generator").exists()


def import_graph() -> dict[str, set[str]]:
    """Module → the package modules it imports (top-level and function-level imports alike:
    a lazy import is still a dependency). ``from flows import docs`` counts as ``flows.docs``."""
    files = {module_name(path): path for path in runtime_files()}
    graph = {}
    for name, path in files.items():
        imported = imported_modules(path)
        graph[name] = {
            m
            for m in imported
            if m in files and m != name and not _only_submodules(m, imported, files)
        }
    return graph


def _only_submodules(package: str, imported: set[str], files: dict[str, Path]) -> bool:
    """``from flows.report import kpis`` imports the module flows.report.kpis, not what the
    package's ``__init__`` defines: a dependency on the package only for other names."""
    names = {m[len(package) + 1 :] for m in imported if m.startswith(package + ".")}
    direct = {n for n in names if "." not in n}
    return (
        files[package].name == "__init__.py"
        and bool(direct)
        and all(f"{package}.{n}" in files for n in direct)
    )


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle (a path that comes back to its start), or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
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
    assert (
        "flows.run_record"
        in graph["flows.nightly"] & graph["flows.status"] & (graph["flows.summary"])
    )
    cycle = find_cycle(graph)
    assert cycle is None, " → ".join(cycle)


def test_the_run_record_is_a_leaf():
    assert import_graph()["flows.run_record"] <= {"flows", "flows.config"}


def _calls(path: Path, dotted: str) -> list[tuple[int, str]]:
    """(line, enclosing function) of every call of ``dotted`` (e.g. ``duckdb.connect``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []

    def walk(node: ast.AST, function: str) -> None:
        for child in ast.iter_child_nodes(node):
            name = (
                child.name
                if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
                else (function)
            )
            if isinstance(child, ast.Call) and ast.unparse(child.func) == dotted:
                found.append((child.lineno, function))
            walk(child, name)

    walk(tree, "")
    return found


def test_every_duckdb_connection_goes_through_config_connect():
    """The memory ceiling (VLPIPE_DUCKDB_MEMORY) and the UTC session apply to every
    connection: only flows.config.connect calls duckdb.connect."""
    calls = {
        (module_name(path), function): line
        for path in runtime_files()
        for line, function in _calls(path, "duckdb.connect")
    }
    assert set(calls) == {("flows.config", "connect")}, calls


def readme_variables() -> set[str]:
    """The variables of the README's configuration table (its first column)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    table = text.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    found = set()
    for line in table.splitlines():
        if line.startswith("| `"):
            found.update(re.findall(r"`([A-Z_][A-Z0-9_]*)`", line.split("|")[1]))
    return found


def test_settings_and_the_readme_table_list_the_same_variables():
    from flows.settings import PREFECT_DEFAULTS, Settings

    documented = readme_variables()
    assert {v for v in documented if v.startswith("VLPIPE_")} == Settings.variables()
    # The rest of the table: a Prefect default, or the allocator setting of flows/__init__.py.
    others = documented - Settings.variables()
    assert others <= set(PREFECT_DEFAULTS) | {"_RJEM_MALLOC_CONF"}, others


def test_only_the_settings_module_reads_the_environment():
    """No module but flows/settings.py reads a VLPIPE_* variable (os.environ[...],
    os.environ.get, os.getenv): a new one is added to Settings, hence to the README."""
    readers = []
    for path in runtime_files():
        if module_name(path) == "flows.settings":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and ast.unparse(node.func) in {
                "os.environ.get",
                "os.getenv",
                "environ.get",
                "getenv",
            }:
                readers.append((module_name(path), node.lineno, ast.unparse(node)))
            elif isinstance(node, ast.Subscript) and ast.unparse(node.value) == "os.environ":
                key = ast.unparse(node.slice)
                if "VLPIPE" in key or not key.startswith(("'PREFECT", '"PREFECT')):
                    readers.append((module_name(path), node.lineno, ast.unparse(node)))
    assert not readers, readers


def test_a_quiet_night_imports_neither_pandera_nor_openpyxl():
    """The flow module leaves pandera (and pandas under it) and openpyxl to the first file
    validated or workbook written: a night with no new file does not pay ~2 s of imports
    for them (issue 16's no-new-file target). A subprocess: a fresh interpreter."""
    import subprocess
    import sys

    code = (
        "import sys, flows.cli, flows.nightly, flows.summary; "
        "print(sorted(m for m in ('pandera', 'pandas', 'openpyxl') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]", out.stdout
