"""Excel templates (mẫu) for the people who send data, generated from the declarations.

``vlpipe templates --out DIR`` writes ``mau_<source>.xlsx`` for every data source: a data
sheet with the declared Vietnamese headers (noted, frozen, formatted, checked, with
dropdowns), a "Hướng dẫn" sheet, and a hidden "Danh mục" sheet holding the lists. Nothing is
kept by hand: a changed declaration or reference file gives changed templates.

The reference tables (plan targets, communes, zones, VSIC divisions, lead units) get no
template by default: the office keeps them itself, nobody sends them, and a dropdown of
communes in the communes table would offer the list being written. ``write_templates``
accepts them all the same (the code is generic).
"""

from __future__ import annotations

from pathlib import Path

from flows.templates.lists import TemplateError, reference_lists
from flows.templates.workbook import build_workbook
from schemas.base import Source
from schemas.registry import DATA_SOURCES

__all__ = ["TemplateError", "template_name", "write_templates"]


def template_name(source: Source) -> str:
    return f"mau_{source.name}.xlsx"


def write_templates(
    out_dir: str | Path,
    raw_dir: str | Path = "raw",
    sources: tuple[Source, ...] | list[Source] = DATA_SOURCES,
) -> list[Path]:
    """Write one template per source into ``out_dir``; return their paths.

    The dropdowns of communes, zones and lead units and the VSIC check are read from the
    reference files under ``raw_dir``; a list a template needs and cannot find is a
    :class:`TemplateError`.
    """
    out = Path(out_dir)
    lists = reference_lists(Path(raw_dir), sources)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for source in sources:
        path = out / template_name(source)
        build_workbook(source, lists).save(path)
        written.append(path)
    return written
