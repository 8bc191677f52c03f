"""The repository cites only itself: its specification is in docs/ (see docs/README.md).

- No tracked file refers to a path outside the repository (a sibling's shared folder, the
  design-time contract, the machine's work tree).
- The original specification's file names are cited only as their pages in docs/
  (``docs/<page>.md``, ``../docs/<page>.md`` from a subfolder, or the bare name inside docs/
  itself), and only when that page exists.
- Every ``docs/<page>.md`` reference, in any tracked file, names a page that exists, and its
  ``#section`` a heading of that page.
- Every relative Markdown link of the Markdown files (README.md, sql/README.md, docs/*.md, …)
  points to a file that exists, and its ``#section`` to a heading of the target.
- Every KPI code of the catalogue and every declared source has its section in the docs.

Files are those git tracks (uv.lock excepted), so the test needs a git checkout: outside one
it is skipped with the reason.
"""

from __future__ import annotations

import csv
import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
THIS_FILE = Path(__file__).resolve().relative_to(ROOT).as_posix()
SKIPPED = {"uv.lock", THIS_FILE}  # this file spells out the forbidden patterns

OUTSIDE = re.compile(r"\.\./shared\b|/tmp/(?:contract)\b|/work/")
# The file names of the specification as it lived outside the repository.
SPEC_NAMES = {"plan-2022-targets.md", "plan-2022-vi.md", "sources.md", "domain.md", "contract.md"}
MD_TOKEN = re.compile(r"[\w./-]*\.md(?:#[\w-]+)?")
DOCS_REF = re.compile(r"(?<![\w.-])(?:\.\./)*docs/([\w.-]+\.md)(?:#([\w-]+))?")
FENCE = re.compile(r"^(```|~~~).*?^\1[^\n]*$", re.MULTILINE | re.DOTALL)
INLINE_CODE = re.compile(r"`[^`\n]*`")
LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
LINK_DEFINITION = re.compile(r"^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)", re.MULTILINE)
HEADING = re.compile(r"^ {0,3}#{1,6}\s+(.+?)\s*#*\s*$", re.MULTILINE)
SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def _tracked() -> list[str]:
    try:
        done = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=False)
    except FileNotFoundError:
        pytest.skip("git is not installed: the tracked files cannot be listed")
    if done.returncode != 0:
        pytest.skip(f"not a git checkout ({done.stderr.decode(errors='replace').strip()})")
    return [p for p in done.stdout.decode().split("\0") if p and p not in SKIPPED]


@pytest.fixture(scope="module")
def texts() -> dict[str, str]:
    """Every tracked text file (binary files, e.g. the sample workbooks, left out)."""
    found = {}
    for rel in _tracked():
        path = ROOT / rel
        if not path.is_file():  # deleted in the work tree, not yet committed
            continue
        data = path.read_bytes()
        if b"\0" in data[:8192]:
            continue
        found[rel] = data.decode("utf-8", errors="replace")
    return found


def _lines(text: str, pattern: re.Pattern[str]):
    for number, line in enumerate(text.splitlines(), start=1):
        for match in pattern.finditer(line):
            yield number, match


def _prose(text: str) -> str:
    """Markdown without code: fenced blocks and inline code spans blanked (lines kept)."""
    text = FENCE.sub(lambda m: "\n" * m.group(0).count("\n"), text)
    return INLINE_CODE.sub("", text)


def slug(heading: str) -> str:
    """A heading's anchor as GitHub makes it: lower case, punctuation dropped, spaces → -."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    """The anchors of a Markdown file's headings (a repeated heading gets -1, -2, …)."""
    seen: dict[str, int] = {}
    found = set()
    for heading in HEADING.findall(_prose(path.read_text(encoding="utf-8"))):
        base = slug(heading)
        count = seen.get(base, 0)
        seen[base] = count + 1
        found.add(base if count == 0 else f"{base}-{count}")
    return found


def test_nothing_refers_outside_the_repository(texts: dict[str, str]) -> None:
    found = [
        f"{rel}:{n}: {m.group(0)!r}"
        for rel, text in texts.items()
        for n, m in _lines(text, OUTSIDE)
    ]
    assert not found, "paths outside the repository (cite docs/ instead):\n" + "\n".join(found)


def test_specification_is_cited_in_docs(texts: dict[str, str]) -> None:
    found = []
    for rel, text in texts.items():
        in_docs = rel.startswith("docs/")
        for n, m in _lines(text, MD_TOKEN):
            path = m.group(0).split("#", 1)[0]
            name = path.rsplit("/", 1)[-1]
            if name not in SPEC_NAMES:
                continue
            exists = (DOCS / name).is_file()
            cited_in_docs = path.endswith(f"docs/{name}") or (in_docs and path == name)
            if not (cited_in_docs and exists):
                found.append(f"{rel}:{n}: {m.group(0)!r}")
    assert not found, (
        "specification files cited outside docs/, or docs pages that do not "
        "exist:\n" + "\n".join(found)
    )


def test_docs_references_resolve(texts: dict[str, str]) -> None:
    found = []
    for rel, text in texts.items():
        for n, m in _lines(text, DOCS_REF):
            page, anchor = m.group(1), m.group(2)
            target = DOCS / page
            if not target.is_file():
                found.append(f"{rel}:{n}: {m.group(0)!r}: no such page")
            elif anchor and target.suffix == ".md" and anchor not in anchors(target):
                found.append(f"{rel}:{n}: {m.group(0)!r}: no heading #{anchor} in {page}")
    assert not found, "references to docs/ that do not resolve:\n" + "\n".join(found)


def _markdown_files(texts: dict[str, str]) -> list[str]:
    named = {"README.md", "sql/README.md"} | {
        p.relative_to(ROOT).as_posix() for p in DOCS.glob("*.md")
    }
    return sorted(named | {rel for rel in texts if rel.endswith(".md")})


def test_markdown_links_resolve(texts: dict[str, str]) -> None:
    files = _markdown_files(texts)
    assert {
        "README.md",
        "sql/README.md",
        "docs/README.md",
        "docs/kpis.md",
        "docs/sources.md",
        "docs/domain.md",
        "docs/plan-2022.md",
    } <= set(files)
    found = []
    for rel in files:
        source = ROOT / rel
        assert source.is_file(), f"{rel} is missing"
        prose = _prose(source.read_text(encoding="utf-8"))
        targets = [(n, m.group(1)) for n, m in _lines(prose, LINK)]
        targets += [
            (prose.count("\n", 0, m.start()) + 1, m.group(1))
            for m in LINK_DEFINITION.finditer(prose)
        ]
        for n, target in targets:
            if SCHEME.match(target):  # https:, mailto:
                continue
            path, _, anchor = target.partition("#")
            resolved = (source.parent / path).resolve() if path else source
            if not resolved.exists():
                found.append(f"{rel}:{n}: {target}: no such file")
            elif anchor and resolved.suffix == ".md" and anchor not in anchors(resolved):
                found.append(f"{rel}:{n}: {target}: no heading #{anchor}")
            elif ROOT not in resolved.parents and resolved != ROOT:
                found.append(f"{rel}:{n}: {target}: outside the repository")
    assert not found, "broken Markdown links:\n" + "\n".join(found)


def test_every_kpi_and_source_is_documented() -> None:
    from schemas.registry import SOURCES

    with (ROOT / "sql" / "seeds" / "kpi_catalog.csv").open(encoding="utf-8") as fh:
        codes = [row["kpi_code"] for row in csv.DictReader(fh)]
    kpi_sections = anchors(DOCS / "kpis.md")
    missing = [code for code in codes if slug(code) not in kpi_sections]
    assert not missing, f"KPI codes without a section in docs/kpis.md: {missing}"

    source_sections = anchors(DOCS / "sources.md")
    undocumented = [s.name for s in SOURCES if not s.reference and s.name not in source_sections]
    assert not undocumented, f"sources without a section in docs/sources.md: {undocumented}"
    sources_text = (DOCS / "sources.md").read_text(encoding="utf-8")
    # Data sources: each field with its Vietnamese header; reference tables: by name.
    missing_fields = [
        f"{s.name}.{f.name}"
        for s in SOURCES
        for f in s.fields
        if f.name not in sources_text or (not s.reference and f.header not in sources_text)
    ]
    assert not missing_fields, f"fields not described in docs/sources.md: {missing_fields}"
