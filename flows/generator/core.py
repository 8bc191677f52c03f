"""generate(): write a seeded Vĩnh Linh 2021–2022 sample dataset and return its Truth."""

from __future__ import annotations

import random
import shutil
from datetime import date, datetime
from pathlib import Path

from .budget import write_budget
from .economy import write_economy
from .enterprise_files import AMBIGUOUS_MONTH, EnterpriseWriter
from .enterprise_files import SOURCE as ENTERPRISE
from .enterprises import Unit, build_other_employers, build_reports, build_units
from .formats import fmt_number
from .khuyen_cong import build_schemes, write_khuyen_cong
from .labour import build_spells, write_labour
from .names import TRADE_NAMES, make_tax_code
from .ocop import write_ocop
from .output import Output
from .plan_tasks import write_plan_tasks
from .reference import reference_tables, target_rows
from .truth import Truth

SOURCES = ("enterprise_reports", "labour", "khuyen_cong", "reference")
# issue 3 sources: folders, each written from its own random stream (f"{seed}:{folder}") so
# that adding them left every earlier file byte-identical
NEW_FOLDERS = ("ocop", "budget", "economy", "plan_tasks")
REFERENCE_ARRIVAL = {
    "vsic_industry": datetime(2022, 1, 5, 8, 30), "plan_targets": datetime(2022, 2, 18, 9, 0),
    "lead_units": datetime(2022, 2, 18, 9, 10), "zones": datetime(2022, 5, 25, 14, 0),
    "communes": datetime(2025, 7, 3, 8, 0),
}


def _kc_households(rng: random.Random, scale: float, used_tax: set[str]) -> list[Unit]:
    """Khuyến công beneficiaries that never send an industrial report."""
    out = []
    for i in range(max(2, round(3 * scale))):
        vsic, label = (("1079", "Cơ sở chế biến hồ tiêu"), ("3290", "Cơ sở mây tre đan"),
                       ("1074", "Cơ sở làm bún"))[i % 3]
        out.append(Unit(tax_code=make_tax_code(rng, used_tax),
                        name=f"{label} {rng.choice(TRADE_NAMES)} {i + 1}",
                        ownership="Hộ cá thể", vsic_code=vsic,
                        commune_code=rng.choice(("19405", "19420", "19396", "19369")),
                        zone_code=None, supporting=False, category="kc_only", industrial=False))
    return out


def _write_reference(out: Output) -> None:
    for stem, (head, rows) in reference_tables().items():
        def cell(v: object) -> str:
            if v is None:
                return ""
            if isinstance(v, float):
                return fmt_number(v, "plain", 3)
            return v.isoformat() if isinstance(v, date) else str(v)
        out.csv(f"reference/{stem}.csv", "reference", [head] + [[cell(v) for v in r]
                                                             for r in rows],
                delimiter=",", encoding="utf-8", mtime=REFERENCE_ARRIVAL[stem],
                data_rows=len(rows), quirks="UTF-8, canonical English column names")
        out.truth.reference[stem] = [dict(zip(head, r, strict=True)) for r in rows]


def _effective_reports(truth: Truth) -> list[dict]:
    """Latest report_date wins per (tax_code, period); ties: later file, then later row."""
    seq = {path: i for i, path in enumerate(truth.file_order(ENTERPRISE))}
    best: dict[tuple, dict] = {}
    for rec in truth.enterprise_history:
        key = (rec["tax_code"], rec["period"])
        rank = (rec["report_date"], seq[rec["file"]], rec["row_number"])
        cur = best.get(key)
        if cur is None or rank > (cur["report_date"], seq[cur["file"]], cur["row_number"]):
            best[key] = rec
    return sorted(best.values(), key=lambda r: (r["period"], r["tax_code"]))


def generate(out_dir: Path, seed: int = 2022, scale: float = 1.0) -> Truth:
    """Write the dataset (one subfolder per source) into out_dir and return its Truth.

    The source subfolders are emptied first; anything else in out_dir is left alone.
    """
    if scale <= 0:
        raise ValueError("scale must be positive")
    out_dir = Path(out_dir)
    for sub in SOURCES + NEW_FOLDERS:
        shutil.rmtree(out_dir / sub, ignore_errors=True)
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    truth = Truth(seed=seed, scale=scale, out_dir=out_dir, targets=target_rows())
    out = Output(out_dir, truth)
    used_tax: set[str] = set()

    units = build_units(rng, scale, used_tax)
    reports = build_reports(rng, units, scale, blank_capital_month=AMBIGUOUS_MONTH)
    employers = build_other_employers(rng, scale, used_tax)
    households = _kc_households(rng, scale, used_tax)
    spells = build_spells(rng, units, employers, scale)
    schemes = build_schemes(rng, units, households, scale)

    _write_reference(out)
    writer = EnterpriseWriter(out, rng, units, reports)
    writer.choose_bad_rows()
    writer.write_all()
    truth.enterprise_history = writer.history
    truth.enterprise_reports = _effective_reports(truth)
    write_labour(out, rng, spells)
    write_khuyen_cong(out, rng, schemes)
    truth.units = [u.record() for u in units + employers + households]
    write_ocop(out, random.Random(f"{seed}:ocop"), scale)
    write_budget(out, random.Random(f"{seed}:budget"))
    write_economy(out, random.Random(f"{seed}:economy"))
    write_plan_tasks(out, random.Random(f"{seed}:plan_tasks"))
    truth.files.sort(key=lambda f: f.path)
    return truth
