"""The areas (districts, towns) of the province a generated dataset may hold, and the files
that describe them: reference/areas.csv and the province's own plan."""

from __future__ import annotations

from dataclasses import dataclass

PROVINCE_CODE = "45"
PROVINCE_NAME = "Quảng Trị"
PROVINCE_PREFIX = "QT"  # the province plan: QT-2022, QT-2023
AREAS_HEADER = ["area_code", "area_name", "province_code", "province_name", "folder"]
FIRST_SYNTHETIC_CODE = 9001  # areas beyond the table get synthetic codes 9001, 9002, …


@dataclass(frozen=True)
class AreaSpec:
    """One area: GSO code, name, folder under the output directory ('' = the directory
    itself) and the prefix of its plan ids (VL-2022) and OCOP product codes (VL-OCOP-001)."""

    code: str
    name: str
    folder: str
    prefix: str


# Quảng Trị's districts and towns, Vĩnh Linh first (area 0: the original sample)
AREA_TABLE: tuple[AreaSpec, ...] = (
    AreaSpec("464", "Vĩnh Linh", "464_vinh_linh", "VL"),
    AreaSpec("466", "Gio Linh", "466_gio_linh", "GL"),
    AreaSpec("468", "Cam Lộ", "468_cam_lo", "CL"),
    AreaSpec("469", "Triệu Phong", "469_trieu_phong", "TP"),
    AreaSpec("470", "Hải Lăng", "470_hai_lang", "HL"),
    AreaSpec("465", "Hướng Hóa", "465_huong_hoa", "HH"),
    AreaSpec("467", "Đa Krông", "467_da_krong", "DK"),
    AreaSpec("461", "Đông Hà", "461_dong_ha", "DH"),
    AreaSpec("462", "Quảng Trị", "462_quang_tri", "TXQT"),  # the town; QT is the province
    AreaSpec("471", "Cồn Cỏ", "471_con_co", "CC"),
)
SINGLE_AREA = AreaSpec("464", "Vĩnh Linh", "", "VL")  # today's layout: the area is DIR itself


def area_specs(n: int) -> list[AreaSpec]:
    """The first n areas: one area is written into the output directory itself (folder '');
    from two on each has its folder; beyond the table, synthetic areas 9001, 9002, …"""
    if n < 1:
        raise ValueError("areas must be at least 1")
    if n == 1:
        return [SINGLE_AREA]
    specs = list(AREA_TABLE[:n])
    for i in range(n - len(specs)):
        code = str(FIRST_SYNTHETIC_CODE + i)
        specs.append(AreaSpec(code, f"Khu vực {code}", f"{code}_khu_vuc_{code}", f"A{code}"))
    return specs


def area_seed(seed: int, index: int, spec: AreaSpec) -> int:
    """Area 0 uses the seed itself (its files are a single-area run's); area i ≥ 1 uses
    seed × 10,000 + its code (seed 7, Gio Linh: 70466)."""
    return seed if index == 0 else seed * 10_000 + int(spec.code)


def areas_rows(specs: list[AreaSpec]) -> list[list[str]]:
    """reference/areas.csv: header and one row per area."""
    return [AREAS_HEADER] + [
        [s.code, s.name, PROVINCE_CODE, PROVINCE_NAME, s.folder] for s in specs
    ]
