"""The reference lists a template offers (communes, zones, lead units, VSIC divisions).

They are read from the reference files under ``<raw>/reference/`` with the pipeline's own
discovery, reader, header mapping and parsers, so a template offers exactly the values the
next run will accept; where several files hold a key, the latest file wins, as in a run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from flows.ingest.header import locate_header
from flows.ingest.parse import parse_grid
from flows.ingest.pipeline import discover
from flows.ingest.readers import FileRejected, read_grids
from schemas.base import Lookup, Source
from schemas.reference import COMMUNES, LEAD_UNITS, VSIC_INDUSTRY, ZONES

# Which reference table, and which of its columns, each lookup checks against
# (as flows/ingest/references.py builds its lookups).
LOOKUP_LISTS: dict[Lookup, tuple[Source, str]] = {
    Lookup.COMMUNE: (COMMUNES, "commune_name"),
    Lookup.ZONE: (ZONES, "zone_name"),
    Lookup.LEAD_UNIT: (LEAD_UNITS, "unit_name"),
    Lookup.VSIC_INDUSTRY: (VSIC_INDUSTRY, "division"),
}
# Lookups whose values are picked from a dropdown; VSIC divisions only check a code's start.
DROPDOWN_LOOKUPS = (Lookup.COMMUNE, Lookup.ZONE, Lookup.LEAD_UNIT)


class TemplateError(Exception):
    """A template cannot be made as declared (e.g. a reference list it needs is missing)."""


@dataclass(frozen=True)
class ReferenceList:
    lookup: Lookup
    source: Source  # the reference table
    column: str  # the field whose values are offered
    table: pl.DataFrame  # its current rows, typed, in file order

    @property
    def values(self) -> list[str]:
        """Distinct values of the offered column, in the order of the reference file."""
        seen: dict[str, None] = {}
        for value in self.table[self.column].to_list():
            if value is None:
                continue
            text = str(value).strip()
            if self.lookup is Lookup.VSIC_INDUSTRY:  # "5" and "05" are division 05
                text = re.sub(r"\D", "", text).zfill(2)
            seen.setdefault(text, None)
        return list(seen)


def read_reference(raw_dir: Path, source: Source) -> pl.DataFrame:
    """The current rows of a reference table: every readable file, latest file per key.

    Rows the pipeline would reject for a cell it cannot parse are left out; a file it cannot
    read at all is skipped (the run reports it).
    """
    frames = []
    for path in discover(raw_dir, source):
        try:
            parsed = parse_grid(locate_header(read_grids(path), source), source)
        except FileRejected:
            continue
        frame = parsed.frame.filter(~pl.col("_row").is_in(parsed.errors["_row"].implode()))
        required = [f.name for f in source.fields if f.required]
        frame = frame.filter(pl.all_horizontal(pl.col(c).is_not_null() for c in required))
        frames.append(frame.select(f.name for f in source.fields))
    if not frames:
        return pl.DataFrame(schema={f.name: pl.Utf8 for f in source.fields})
    return pl.concat(frames, how="vertical_relaxed").unique(
        subset=list(source.key), keep="last", maintain_order=True
    )


def reference_lists(
    raw_dir: Path, sources: list[Source] | tuple[Source, ...]
) -> dict[Lookup, ReferenceList]:
    """The lists the lookups of these sources need, each read once; an empty one is an error
    (a template without its list would let any value through)."""
    needed = {f.lookup for s in sources for f in s.fields if f.lookup in LOOKUP_LISTS}
    lists = {}
    for lookup in sorted(needed, key=list(LOOKUP_LISTS).index):
        source, column = LOOKUP_LISTS[lookup]
        found = ReferenceList(lookup, source, column, read_reference(Path(raw_dir), source))
        if not found.values:
            raise TemplateError(
                f"no {source.name} found under {Path(raw_dir) / source.folder} "
                f"(files {source.files}); the templates need it for their {lookup.value} "
                "lists: pass --raw-dir with the reference files"
            )
        lists[lookup] = found
    return lists
