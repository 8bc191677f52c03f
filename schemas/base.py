"""The vocabulary every source declaration is written in.

A source is declared once (folder, fields with their Vietnamese headers and aliases, natural
key, rules); the generic ingestion path in ``flows/ingest`` reads, parses, validates and loads
any declared source. Nothing here knows about a particular source.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum


class Kind(StrEnum):
    """How a cell's text is parsed into a typed value."""

    TEXT = "text"  # free text, NFC-normalised, whitespace collapsed
    CODE = "code"  # identifier kept as text (tax codes, VSIC, citizen IDs): no spaces, no ".0"
    CATEGORY = "category"  # one of Field.choices, matched without case/diacritics
    NUMBER = "number"  # Vietnamese or English number text, or a numeric cell
    INTEGER = "integer"  # as NUMBER, then must be whole
    DATE = "date"  # date cell, dd/mm/yyyy, d/m/yyyy, yyyy-mm-dd, Excel serial
    MONTH = "month"  # 03/2022, 3/2022, 2022-03, Tháng 3/2022 → first day of the month
    BOOL = "bool"  # Có / x / 1 / Yes  vs  Không / blank / 0 / No


class Pii(StrEnum):
    """What happens to personal data once it has been validated."""

    PSEUDONYMISE = "pseudonymise"  # replaced by a keyed HMAC-SHA-256 pseudonym
    DROP = "drop"  # removed before loading


class Lookup(StrEnum):
    """Checks against reference data loaded earlier in the same run."""

    TAX_CODE = "tax_code"  # valid Vietnamese tax code (python-stdnum), branch suffix allowed
    CITIZEN_ID = "citizen_id"  # 12 digits
    COMMUNE = "commune"  # a commune of the district valid at the row's reference date
    ZONE = "zone"  # an industrial zone or cluster of the reference list
    VSIC_INDUSTRY = "vsic_industry"  # 4–5 digit VSIC code whose division counts as industry
    LEAD_UNIT = "lead_unit"  # a lead unit of the reference list
    DECISION_NO = "decision_no"  # like "125/QĐ-UBND"
    KPI_CODE = "kpi_code"  # a KPI of the catalogue (sql/seeds/kpi_catalog.csv)


# Money units a value may be written in, and their size in đồng: a value far from its unit's
# history by about one of their ratios names the unit typed by mistake.
MONEY_UNITS: dict[str, float] = {"đồng": 1.0, "nghìn đồng": 1e3, "triệu đồng": 1e6, "tỷ đồng": 1e9}
# A value more than this many times above (or below) its unit's median of earlier rows is
# rejected as implausible (see Field.plausible).
PLAUSIBLE_RATIO = 1000.0


@dataclass(frozen=True)
class Field:
    """One column of a source: its canonical (warehouse) name and how to read it."""

    name: str
    header: str
    kind: Kind
    required: bool = False
    aliases: tuple[str, ...] = ()
    choices: tuple[str, ...] = ()
    choice_aliases: dict[str, str] = field(default_factory=dict)
    ge: float | None = None
    gt: float | None = None
    le: float | None = None
    lookup: Lookup | None = None
    blank_as_zero: bool = False
    pii: Pii | None = None
    resolved_as: str | None = None  # name of the column a lookup writes (commune → commune_code)
    reference_date: str | None = None  # field giving the date a lookup applies at
    # DATE/MONTH: whether a value may lie after the run date (a task's due date); by default
    # a date after the run's own date is a typo and the row is rejected.
    future: bool = False
    # NUMBER/INTEGER: the area's plausible range of a positive value, in the field's unit,
    # generous. A positive value is rejected when it lies more than PLAUSIBLE_RATIO times
    # away from the median of its unit's earlier rows (Source.history_by), or, for a unit
    # with no history, outside this range; the message names a money unit typed by mistake
    # (đồng for triệu đồng) where one explains it.
    plausible: tuple[float, float] | None = None
    # The unit the value is written in ("triệu đồng", "người"): shown in the Excel templates
    # (flows/templates) and read by the plausibility check (a money unit typed by mistake).
    # What the column means where its header does not say it, in Vietnamese and English, is
    # for the people who fill the templates only.
    unit: str = ""
    description_vi: str = ""
    description_en: str = ""


def pseudonym_column(name: str) -> str:
    """Where a pseudonymised field is stored: citizen_id → citizen_pseudonym."""
    return name.removesuffix("_id") + "_pseudonym"


@dataclass(frozen=True)
class RowRule:
    """A rule across columns of one row, written as a polars expression over typed columns.

    ``expr`` must be True for a valid row; a NULL result (an input missing) passes, because the
    missing input is reported by its own rule. The failure is attributed to ``column``.
    """

    rule: str
    column: str
    expr: object  # polars.Expr; typed loosely so that schemas import without polars at runtime


@dataclass(frozen=True)
class Source:
    """A declared source: where its files are, what they hold and how versions supersede."""

    name: str
    folder: str
    title_vi: str
    fields: tuple[Field, ...]
    key: tuple[str, ...]
    version_by: tuple[str, ...] = ()  # columns ordering versions of a key (plus file order)
    row_rules: tuple[RowRule, ...] = ()
    reference: bool = False
    keep_extra_columns: bool = True
    files: str = "**/*"  # glob below the folder selecting this source's files
    # The column naming the unit whose earlier rows a value is compared with (Field.plausible)
    history_by: str | None = None
    # The reporting area this copy of the declaration reads for (``Source.in_area``): its
    # folder is then the area's, and every row and ledger entry carries the area's code.
    area_code: str = ""

    def in_area(self, area_folder: str, area_code: str) -> Source:
        """The same source, reading ``<area_folder>/<folder>`` under raw/ for that area
        (``area_folder`` '' is raw/ itself)."""
        folder = f"{area_folder}/{self.folder}" if area_folder else self.folder
        return replace(self, folder=folder, area_code=area_code)

    @property
    def table(self) -> str:
        return self.name

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)

    @property
    def has_pii(self) -> bool:
        return any(f.pii for f in self.fields)

    @property
    def output_columns(self) -> list[tuple[str, Kind]]:
        """Columns of the raw warehouse table, in order (PII replaced, lookups added)."""
        cols: list[tuple[str, Kind]] = []
        for f in self.fields:
            if f.pii is Pii.DROP:
                continue
            if f.pii is Pii.PSEUDONYMISE:
                cols.append((pseudonym_column(f.name), Kind.CODE))
                continue
            cols.append((f.name, f.kind))
            if f.resolved_as:
                cols.append((f.resolved_as, Kind.CODE))
        return cols
