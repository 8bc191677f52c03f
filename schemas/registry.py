"""Every declared source, in load order: reference data first (other sources look it up)."""

from schemas.base import Source
from schemas.budget import BUDGET
from schemas.economy import ECONOMY
from schemas.enterprise_reports import ENTERPRISE_REPORTS
from schemas.khuyen_cong import KHUYEN_CONG
from schemas.labour import LABOUR
from schemas.ocop import OCOP
from schemas.plan_tasks import PLAN_TASKS
from schemas.reference import AREAS, COMMUNES, LEAD_UNITS, PLAN_TARGETS, VSIC_INDUSTRY, ZONES

REFERENCE_SOURCES: tuple[Source, ...] = (
    AREAS,
    PLAN_TARGETS,
    COMMUNES,
    ZONES,
    VSIC_INDUSTRY,
    LEAD_UNITS,
)
DATA_SOURCES: tuple[Source, ...] = (
    ENTERPRISE_REPORTS,
    LABOUR,
    KHUYEN_CONG,
    OCOP,
    BUDGET,
    ECONOMY,
    PLAN_TASKS,
)
SOURCES: tuple[Source, ...] = REFERENCE_SOURCES + DATA_SOURCES


def get_source(name: str) -> Source:
    for source in SOURCES:
        if source.name == name:
            return source
    raise KeyError(f"unknown source {name!r}; known: {[s.name for s in SOURCES]}")
