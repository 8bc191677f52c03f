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
