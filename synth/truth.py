"""What the pipeline should end up with, for tests: the generator's ground truth."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import NamedTuple


class BadRow(NamedTuple):
    """A row written to break exactly one rule of docs/sources.md."""

    source: str
    file: str  # path relative to the output directory, '/' separated
    row_number: int  # 1-based physical row (sheet row or CSV line), title block included
    column: str  # canonical column name
    rule: str  # short rule description


class FileInfo(NamedTuple):
    """A file written by the generator."""

    path: str  # relative to the output directory, '/' separated
    source: str  # enterprise_reports | labour | khuyen_cong | reference | ocop_ratings |
    #                    budget_revenue | economic_accounts | plan_tasks (the four new sources
    #                    are named like their warehouse tables; folders ocop/, budget/,
    #                    economy/, plan_tasks/)
    format: str  # xlsx | csv | html
    mtime: datetime  # Vietnam local wall-clock time of arrival
    data_rows: int  # data rows written (title, header and total rows excluded)
    quirks: str  # short description of what makes the file awkward


@dataclass
class Truth:
    """Ground truth of one generated dataset (plain records with canonical names).

    Record lineage keys: ``file`` (relative path) and ``row_number`` (as the sender sees it).
    """

    seed: int
    scale: float
    out_dir: Path
    enterprise_reports: list[dict] = field(default_factory=list)
    enterprise_history: list[dict] = field(default_factory=list)
    labour_spells: list[dict] = field(default_factory=list)
    khuyen_cong: list[dict] = field(default_factory=list)
    units: list[dict] = field(default_factory=list)
    bad_rows: list[BadRow] = field(default_factory=list)
    unreadable_files: list[str] = field(default_factory=list)
    files: list[FileInfo] = field(default_factory=list)
    pii_values: set[str] = field(default_factory=set)
    targets: list[dict] = field(default_factory=list)
    resubmissions: list[dict] = field(default_factory=list)
    reference: dict[str, list[dict]] = field(default_factory=dict)
    # issue 3: effective records ("latest file wins", bad rows excluded) ...
    ocop_ratings: list[dict] = field(default_factory=list)
    budget_revenue: list[dict] = field(default_factory=list)
    economic_accounts: list[dict] = field(default_factory=list)
    # ... and every valid progress report (the latest per task is the oracle's business)
    plan_tasks: list[dict] = field(default_factory=list)
    # issue 3 (reconciliation): the findings the sample holds on purpose, as
    # {"check_name", "period" (first of the month), "entity" (tax code, None for a month-level
    # check), "detail" (text, for people)}; check names: employees_vs_labour_headcount,
    # taxes_vs_tax_office, khuyen_cong_beneficiary_not_in_register,
    # ocop_producer_not_in_register
    planted_findings: list[dict] = field(default_factory=list)
    # the area this dataset is (province mode, synth.province: paths above are then relative
    # to the province's directory, out_dir, and start with the area's folder)
    area_code: str = "464"
    area_name: str = "Vĩnh Linh"
    folder: str = ""  # '' = out_dir itself
    plan_id: str = "VL-2022"
    # units registered in this area and another one (same tax code and name, each area
    # reports its own branch): {"tax_code", "name", "areas" (the two area codes, the one it
    # was copied from first), "kind" ("khuyen_cong" for a khuyến công beneficiary paid in 2022
    # in both areas, else "monthly")}
    shared_units: list[dict] = field(default_factory=list)

    def file_order(self, source: str) -> list[str]:
        """Files of a source in arrival order (mtime, then name), as ingestion sees them."""
        return [
            f.path
            for f in sorted(
                (f for f in self.files if f.source == source),
                key=lambda f: (f.mtime, f.path.rsplit("/", 1)[-1]),
            )
        ]

    def relabel(self, renamed: dict[str, str]) -> None:
        """Rename files (old → new relative path) everywhere the Truth names them."""
        if not renamed:
            return
        self.bad_rows = [b._replace(file=renamed.get(b.file, b.file)) for b in self.bad_rows]
        self.files = [f._replace(path=renamed.get(f.path, f.path)) for f in self.files]
        self.unreadable_files = [renamed.get(p, p) for p in self.unreadable_files]
        for value in vars(self).values():
            records = [
                r
                for v in (value.values() if isinstance(value, dict) else [value])
                if isinstance(v, list)
                for r in v
                if isinstance(r, dict)
            ]
            for rec in records:
                if rec.get("file") in renamed:
                    rec["file"] = renamed[rec["file"]]

    def summary(self) -> str:
        """One line: the area and counts of what was written."""
        where = f" ({self.folder}/)" if self.folder else ""
        return (
            f"area {self.area_code} {self.area_name}{where} plan {self.plan_id}, "
            f"seed={self.seed} scale={self.scale:g}: {len(self.files)} files, "
            f"{len(self.units)} units, {len(self.enterprise_reports)} enterprise reports "
            f"({len(self.enterprise_history)} submitted), {len(self.labour_spells)} spells, "
            f"{len(self.khuyen_cong)} khuyến công schemes, {len(self.ocop_ratings)} OCOP "
            f"ratings, {len(self.budget_revenue)} budget rows, "
            f"{len(self.economic_accounts)} economic-account rows, {len(self.plan_tasks)} "
            f"task reports, {len(self.bad_rows)} bad rows, "
            f"{len(self.unreadable_files)} unreadable file(s), "
            f"{len(self.shared_units)} unit(s) shared with another area -> {self.out_dir}"
        )
