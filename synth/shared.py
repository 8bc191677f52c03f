"""Units registered in two areas of the province: the same tax code and name in each area's
files (a branch in each area, each area reporting its own figures).

An area other than the first takes 2–3 identities (tax code, name, ownership, VSIC code) from
companies of the areas generated before it and gives them to units of its own, right after its
units, reports and khuyến công schemes are drawn and before anything is written: one khuyến
công beneficiary paid in 2022 in both areas where both have one, the others industrial units
that report every month of 2021–2022. Each area's figures stay its own (drawn for its unit).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date

from .enterprises import N_MONTHS, Unit
from .khuyen_cong import Scheme, _name
from .truth import Truth

HOUSEHOLD = "Hộ cá thể"  # a household has no branch in another district
FIRST, LAST = date(2021, 1, 1), date(2022, 12, 1)


def donor_candidates(truth: Truth) -> list[dict]:
    """Units of a generated area that another area may register too: companies (no
    household, no branch code '-…'), industrial, reporting every month of 2021–2022, not
    already shared; each with the area's code and whether a valid khuyến công row paid it in
    2022 (``kc_paid_2022``)."""
    paid = {
        k["beneficiary_tax_code"]
        for k in truth.khuyen_cong
        if k["disbursement_date"] is not None
        and k["disbursement_date"].year == 2022
        and k["disbursed_amount"] > 0
    }
    shared = {s["tax_code"] for s in truth.shared_units}
    return [
        {**u, "area_code": truth.area_code, "kc_paid_2022": u["tax_code"] in paid}
        for u in truth.units
        if u["industrial"]
        and u["ownership"] != HOUSEHOLD
        and "-" not in u["tax_code"]
        and u["tax_code"] not in shared
        and u["first_period"] == FIRST
        and u["last_period"] >= LAST
    ]


def _paid_2022(unit: Unit, schemes: Sequence[Scheme]) -> bool:
    """Paid in 2022 by a scheme row, and no row of the unit is a deliberately bad one."""
    mine = [s for s in schemes if s.unit is unit]
    return all(s.bad is None for s in mine) and any(
        s.paid_on is not None and s.paid_on.year == 2022 and s.disbursed > 0 for s in mine
    )


def _relabel(
    unit: Unit, donor: dict, reports: list[dict], schemes: Sequence[Scheme], used_tax: set[str]
) -> None:
    """Give the unit the donor's identity in every record drawn so far."""
    old = unit.tax_code
    unit.tax_code, unit.name = donor["tax_code"], donor["name"]
    unit.ownership, unit.vsic_code = donor["ownership"], donor["vsic_code"]
    used_tax.add(unit.tax_code)
    for r in reports:
        if r["tax_code"] == old:
            r.update(
                tax_code=unit.tax_code,
                unit_name=unit.name,
                ownership=unit.ownership,
                vsic_code=unit.vsic_code,
            )
    for s in schemes:
        if s.unit is unit:
            s.scheme_name = _name(s.support, unit, s.decision_date.year)


def share_units(
    rng: random.Random,
    area_code: str,
    donors: Sequence[dict],
    units: list[Unit],
    reports: list[dict],
    schemes: Sequence[Scheme],
    used_tax: set[str],
) -> list[dict]:
    """Relabel 2–3 of this area's units with donors' identities (see the module); returns
    the shared units as Truth.shared_units records."""
    names = {u.name for u in units}
    donors = [d for d in donors if d["name"] not in names and d["tax_code"] not in used_tax]
    full = [
        u
        for u in units
        if u.first == 0
        and u.last >= N_MONTHS - 1
        and u.ownership != HOUSEHOLD
        and "-" not in u.tax_code
    ]
    wanted = rng.choice((2, 3))
    pairs: list[tuple[Unit, dict, str]] = []
    kc_units = [u for u in full if _paid_2022(u, schemes)]
    kc_donors = [d for d in donors if d["kc_paid_2022"]]
    if kc_units and kc_donors:
        pairs.append((rng.choice(kc_units), rng.choice(kc_donors), "khuyen_cong"))
    kc_ids = {id(u) for u in kc_units}
    while len(pairs) < wanted:
        taken_ids = {id(p[0]) for p in pairs}
        taken_codes = {p[1]["tax_code"] for p in pairs}
        free_units = [u for u in full if id(u) not in taken_ids | kc_ids]
        free_donors = [d for d in donors if d["tax_code"] not in taken_codes]
        if not free_units or not free_donors:
            break
        pairs.append((rng.choice(free_units), rng.choice(free_donors), "monthly"))
    out = []
    for unit, donor, kind in pairs:
        _relabel(unit, donor, reports, schemes, used_tax)
        out.append(
            {
                "tax_code": donor["tax_code"],
                "name": donor["name"],
                "areas": (donor["area_code"], area_code),
                "kind": kind,
            }
        )
    return out
