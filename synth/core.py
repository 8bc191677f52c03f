"""generate(): write a seeded Vĩnh Linh sample dataset (2021, 2022 and January–June 2023)
and return its Truth."""

from __future__ import annotations

import random
import shutil
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path

from .areas import SINGLE_AREA, AreaSpec
from .budget import plan_budget, plan_budget_2023, write_budget
from .economy import write_economy
from .enterprise_files import AMBIGUOUS_MONTH, RESUB_MONTH, EnterpriseWriter
from .enterprise_files import SOURCE as ENTERPRISE
from .enterprises import (
    FINAL,
    MONTHS,
    N_MONTHS,
    Unit,
    build_other_employers,
    build_reports,
    build_units,
    extend_2023,
)
from .formats import fmt_number
from .khuyen_cong import build_schemes, build_schemes_2023, write_khuyen_cong
from .labour import build_spells, choose_employers, track_spells, write_labour
from .names import TRADE_NAMES, make_tax_code
from .ocop import write_ocop
from .output import Output
from .plan_tasks import write_plan_tasks
from .reconciliation import (
    EMPLOYEES_CHECK,
    calibrate_taxes,
    plant_employees,
    plant_taxes_month,
    planted_register_findings,
)
from .reference import reference_tables, target_rows
from .shared import share_units
from .truth import Truth

SOURCES = ("enterprise_reports", "labour", "khuyen_cong", "reference")
# issue 3 sources: folders, each written from its own random stream (f"{seed}:{folder}") so
# that adding them left every earlier file byte-identical
NEW_FOLDERS = ("ocop", "budget", "economy", "plan_tasks")
REFERENCE_ARRIVAL = {
    "vsic_industry": datetime(2022, 1, 5, 8, 30),
    "plan_targets": datetime(2023, 1, 16, 9, 0),
    "lead_units": datetime(2022, 2, 18, 9, 10),
    "zones": datetime(2022, 5, 25, 14, 0),
    "communes": datetime(2025, 7, 3, 8, 0),
}


def _kc_households(rng: random.Random, scale: float, used_tax: set[str]) -> list[Unit]:
    """Khuyến công beneficiaries that never send an industrial report."""
    out = []
    for i in range(max(2, round(3 * scale))):
        vsic, label = (
            ("1079", "Cơ sở chế biến hồ tiêu"),
            ("3290", "Cơ sở mây tre đan"),
            ("1074", "Cơ sở làm bún"),
        )[i % 3]
        out.append(
            Unit(
                tax_code=make_tax_code(rng, used_tax),
                name=f"{label} {rng.choice(TRADE_NAMES)} {i + 1}",
                ownership="Hộ cá thể",
                vsic_code=vsic,
                commune_code=rng.choice(("19405", "19420", "19396", "19369")),
                zone_code=None,
                supporting=False,
                category="kc_only",
                industrial=False,
            )
        )
    return out


def reference_cell(v: object) -> str:
    """A value of a reference CSV as written: blank, plain number, ISO date or text."""
    if v is None:
        return ""
    if isinstance(v, float):
        return fmt_number(v, "plain", 3)
    return v.isoformat() if isinstance(v, date) else str(v)


def _write_reference(out: Output, prefix: str) -> None:
    for stem, (head, rows) in reference_tables(prefix).items():
        out.csv(
            f"reference/{stem}.csv",
            "reference",
            [head] + [[reference_cell(v) for v in r] for r in rows],
            delimiter=",",
            encoding="utf-8",
            mtime=REFERENCE_ARRIVAL[stem],
            data_rows=len(rows),
            quirks="UTF-8, canonical English column names",
        )
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


def generate(
    out_dir: Path,
    seed: int = 2022,
    scale: float = 1.0,
    formats: str = "mixed",
    *,
    area: AreaSpec | None = None,
    donors: Sequence[dict] = (),
) -> Truth:
    """Write the dataset (one subfolder per source) into out_dir and return its Truth.

    The source subfolders are emptied first; anything else in out_dir is left alone.
    ``formats`` "csv" or "xlsx" writes the same tables all as CSV or all as workbooks (for
    the benchmark); the default "mixed" writes each file as the office receives it.
    ``area`` (default Vĩnh Linh) names the plan ids and OCOP product codes; ``donors``
    (synth.shared.donor_candidates of the areas written before) are the units this area
    registers too (synth.shared; their own stream f"{seed}:shared"). Without donors the
    draws are exactly a single-area run's. reference/areas.csv is synth.province's.
    """
    area = area or SINGLE_AREA
    if scale <= 0:
        raise ValueError("scale must be positive")
    out_dir = Path(out_dir)
    for sub in SOURCES + NEW_FOLDERS:
        shutil.rmtree(out_dir / sub, ignore_errors=True)
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    truth = Truth(
        seed=seed,
        scale=scale,
        out_dir=out_dir,
        targets=target_rows(area.prefix),
        area_code=area.code,
        area_name=area.name,
        folder=area.folder,
        plan_id=f"{area.prefix}-2022",
    )
    out = Output(out_dir, truth, formats)
    used_tax: set[str] = set()

    # the main stream: drawn in this order since the first sample, never re-ordered
    units = build_units(rng, scale, used_tax)
    reports, model = build_reports(rng, units, scale, blank_capital_month=AMBIGUOUS_MONTH)
    employers = build_other_employers(rng, scale, used_tax)
    households = _kc_households(rng, scale, used_tax)
    draft = build_spells(rng, units, employers, scale)
    schemes = build_schemes(rng, units, households, scale)
    if donors:
        truth.shared_units = share_units(
            random.Random(f"{seed}:shared"), area.code, donors, units, reports, schemes, used_tax
        )
    _write_reference(out, area.prefix)
    writer = EnterpriseWriter(out, rng, units, reports)
    writer.choose_bad_rows()
    rejected = set(writer.bad)

    # January–June 2023, and the consistency between sources (streams of their own)
    reports23 = extend_2023(random.Random(f"{seed}:2023"), units, model, scale, used_tax)
    budget_rng = random.Random(f"{seed}:budget")
    budget = plan_budget(budget_rng)
    plan_budget_2023(random.Random(f"{seed}:budget:2023"), budget)
    industry_revenue = {p: ind for p, (_, ind) in budget.amounts.items()}
    recon = random.Random(f"{seed}:reconciliation")
    everything = reports + reports23
    calibrate_taxes(recon, everything, rejected, industry_revenue)
    taxes_months = [
        MONTHS[t]
        for t in range(15, 20)
        if MONTHS[t].month not in (budget.fix_month, budget.bad_month)
    ]
    planted = [plant_taxes_month(recon, everything, rejected, industry_revenue, taxes_months)]
    labour_rng = random.Random(f"{seed}:labour")
    clean = {(r["tax_code"], MONTHS.index(r["period"])): r["employees"] for r in everything}
    covered = choose_employers(labour_rng, units, clean, scale)
    doubled = plant_employees(recon, everything, rejected, covered, units, {MONTHS[RESUB_MONTH]})
    planted += [
        {
            "check_name": EMPLOYEES_CHECK,
            "period": period,
            "entity": tax,
            "detail": f"report {2 * n} employees, labour records about {n}",
        }
        for (tax, period), n in sorted(doubled.items(), key=lambda x: x[0][::-1])
    ]

    writer.write_all()
    writer23 = EnterpriseWriter(out, random.Random(f"{seed}:2023:files"), units, reports23)
    writer23.write_all(months=range(N_MONTHS, FINAL + 1), extras=False)
    truth.enterprise_history = writer.history + writer23.history
    truth.enterprise_reports = _effective_reports(truth)

    # labour follows the employees as loaded (resubmissions included), not the doubled ones
    staff = dict(clean)
    staff.update(
        {
            (r["tax_code"], MONTHS.index(r["period"])): r["employees"]
            for r in truth.enterprise_reports
        }
    )
    staff.update({(tax, MONTHS.index(period)): n for (tax, period), n in doubled.items()})
    others = [sp for sp in draft if not sp.employer.industrial]
    tracked = track_spells(labour_rng, units, covered, staff, {sp.citizen_id for sp in draft})
    write_labour(out, labour_rng, tracked + others)

    schemes23 = build_schemes_2023(
        random.Random(f"{seed}:khuyen_cong:2023"), schemes, units, households, scale
    )
    write_khuyen_cong(
        out,
        random.Random(f"{seed}:khuyen_cong"),
        schemes + schemes23,
        random.Random(f"{seed}:khuyen_cong:2023:files"),
    )
    truth.units = [u.record() for u in units + employers + households]
    write_ocop(
        out,
        random.Random(f"{seed}:ocop"),
        scale,
        units,
        random.Random(f"{seed}:ocop:2023"),
        area.prefix,
    )
    write_budget(out, budget_rng, budget, random.Random(f"{seed}:budget:2023:files"))
    write_economy(out, random.Random(f"{seed}:economy"), random.Random(f"{seed}:economy:2023"))
    write_plan_tasks(
        out, random.Random(f"{seed}:plan_tasks"), random.Random(f"{seed}:plan_tasks:2023")
    )
    truth.planted_findings = planted + planted_register_findings(
        truth.enterprise_reports, truth.khuyen_cong, truth.ocop_ratings
    )
    out.relabel_truth()
    truth.files.sort(key=lambda f: f.path)
    return truth
