"""What each column of a template says and checks, derived from the field's declaration.

Nothing here names a source: the text (meaning, type, allowed values, example), the Excel
number format and the input check of a column all follow from its Field (kind, required,
choices, ranges, lookup, personal data) and from the reference lists; the error texts are
the pipeline's own messages (schemas/messages.py), so a sender reads the same words in Excel
as in the response workbook.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from openpyxl.utils import get_column_letter, quote_sheetname

from flows.ingest.header import INSTRUCTIONS_SHEET, LISTS_SHEET
from flows.ingest.parse import MAX_NUMBER
from flows.templates.lists import DROPDOWN_LOOKUPS, ReferenceList
from schemas.base import Field, Kind, Lookup, Pii, Source, pseudonym_column
from schemas.messages import ROW_RULES

DATA_SHEET = "Dữ liệu"
FIRST_ROW = 2  # the header is row 1
DATA_ROWS = 1000  # rows pre-formatted and checked for data entry (2 … 1001)
YES, NO = "Có", "Không"  # as flows.ingest.cells reads them
EXCEL_TEXT_LIMIT = 255  # an input check's error or prompt text, at most

NUMBER_FORMATS = {
    Kind.NUMBER: "#,##0.00",
    Kind.INTEGER: "0",
    Kind.DATE: "dd/mm/yyyy",
    Kind.MONTH: "mm/yyyy",
}
MIN_WIDTHS = {Kind.TEXT: 24, Kind.CODE: 17, Kind.NUMBER: 16}  # a tax code with its branch fits
TEXT_FORMAT = "@"  # codes and text stay text: leading zeros kept, never 3.2E+09

KIND_TEXT = {
    Kind.TEXT: ("Chữ", "text"),
    Kind.CODE: (
        "Mã, nhập dạng văn bản (giữ nguyên số 0 ở đầu)",
        "code, typed as text (leading zeros kept)",
    ),
    Kind.CATEGORY: ("Chọn trong danh sách", "pick from the list"),
    Kind.NUMBER: ("Số (có thể có phần thập phân)", "number (decimals allowed)"),
    Kind.INTEGER: ("Số nguyên", "whole number"),
    Kind.DATE: ("Ngày, dạng dd/mm/yyyy", "date, dd/mm/yyyy"),
    Kind.MONTH: ("Tháng, dạng mm/yyyy", "month, mm/yyyy"),
    Kind.BOOL: ("Có / Không", "yes / no"),
}
LOOKUP_TEXT = {  # what a lookup accepts, as a sender should read it
    Lookup.TAX_CODE: (
        "10 chữ số, hoặc 10 chữ số + '-' + 3 chữ số chi nhánh (14 ký tự); đúng chữ số kiểm tra",
        "10 digits, or 10 digits + '-' + 3 branch digits (14 characters); valid check digit",
    ),
    Lookup.CITIZEN_ID: ("Đúng 12 chữ số", "exactly 12 digits"),
    Lookup.DECISION_NO: ("Dạng số/QĐ-cơ quan ban hành, ví dụ 125/QĐ-UBND", "like 125/QĐ-UBND"),
}
PII_TEXT = {
    Pii.PSEUDONYMISE: (
        "dữ liệu cá nhân: được thay bằng mã ẩn danh khi nạp",
        "personal data: replaced by a pseudonym when loaded",
    ),
    Pii.DROP: (
        "dữ liệu cá nhân: bị xoá sau khi kiểm tra, không lưu",
        "personal data: deleted after the checks, never stored",
    ),
}
EXAMPLES = {Kind.DATE: "25/03/2022", Kind.MONTH: "03/2022", Kind.BOOL: YES}
EXAMPLE_NUMBERS = {Kind.NUMBER: 1250.5, Kind.INTEGER: 12}
DECISION_NO_EXAMPLE = "125/QĐ-UBND"


def words(name: str) -> str:
    """A canonical name as English words: 'gross_output_current' → 'gross output current'."""
    return name.replace("_", " ")


def rule_text(rule: str, header: str = "", detail: str | tuple[str, str] = "") -> tuple[str, str]:
    """A rule's message (Vietnamese, English) as a statement, without the offending value:
    "Cột 'Doanh thu': '{value}' phải lớn hơn…" → "Cột 'Doanh thu': phải lớn hơn…"."""
    texts = ROW_RULES.get(rule, (rule, rule))
    details = detail if isinstance(detail, tuple) else (detail, detail)
    out = []
    for text, det in zip(texts, details, strict=True):
        for pattern in (r"\s*\([^()]*\{value\}[^()]*\)", r"\s*'\{value\}'", r"\s*\{value\}"):
            text = re.sub(pattern, "", text)
        text = text.format(header=header, detail=det).strip()
        out.append(text[:1].upper() + text[1:])
    return out[0], out[1]


def join_rules(texts: list[tuple[str, str]]) -> tuple[str, str]:
    """Several messages about one column as one: the "Cột 'X':" prefix said once."""
    joined = []
    for lang in (0, 1):
        parts = [t[lang].rstrip(".") for t in texts]
        rest = [re.sub(r"^(Cột|Column) '[^']*':\s*", "", p) for p in parts[1:]]
        joined.append("; ".join([parts[0], *rest]) + ".")
    return joined[0], joined[1]


def fit(vi: str, en: str, limit: int = EXCEL_TEXT_LIMIT) -> str:
    """Vietnamese with the English in brackets when Excel's limit allows, else Vietnamese."""
    both = f"{vi}\n[{en}]"
    if len(both) <= limit:
        return both
    return vi if len(vi) <= limit else vi[: limit - 1] + "…"


def number_text(value: float) -> str:
    """A bound as written in a formula or a message: 0, 1900, 0.5."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def vietnamese_number(value: float) -> str:
    """1250.5 → '1.250,5' (the way the office writes numbers)."""
    text = f"{value:,.1f}" if not float(value).is_integer() else f"{int(value):,}"
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def runs(codes: list[str]) -> str:
    """Two-digit codes as runs: 05, 06, …, 33, 35, … 39 → '05–33, 35–39'."""
    numbers = sorted({int(c) for c in codes if c.isdigit()})
    spans: list[list[int]] = []
    for n in numbers:
        if spans and n == spans[-1][1] + 1:
            spans[-1][1] = n
        else:
            spans.append([n, n])
    return ", ".join(f"{a:02d}" if a == b else f"{a:02d}–{b:02d}" for a, b in spans)


def key_fields(source: Source) -> list[Field]:
    """The fields of the natural key (a pseudonym stands for the field it is made from)."""
    by_column = {f.name: f for f in source.fields}
    by_column.update({pseudonym_column(f.name): f for f in source.fields if f.pii})
    return [by_column[k] for k in source.key if k in by_column]


class Catalog:
    """The lists sheet: one column per distinct list, which input checks refer to by range
    (an inline list is limited to 255 characters and cannot hold a comma)."""

    def __init__(self) -> None:
        self.lists: list[tuple[str, tuple[str, ...]]] = []

    def range(self, title: str, values: list[str] | tuple[str, ...]) -> str:
        values = tuple(values)
        known = [v for _, v in self.lists]
        if values not in known:
            self.lists.append((title, values))
            known.append(values)
        letter = get_column_letter(known.index(values) + 1)
        return (
            f"{quote_sheetname(LISTS_SHEET)}!${letter}${FIRST_ROW}:"
            f"${letter}${FIRST_ROW + len(values) - 1}"
        )


@dataclass(frozen=True)
class Check:
    """An Excel input check (openpyxl DataValidation) over the column's data-entry rows."""

    type: str  # list | decimal | whole | date | custom
    formula1: str
    operator: str | None = None
    formula2: str | None = None
    error: str = ""


@dataclass(frozen=True)
class ColumnSpec:
    field: Field
    letter: str
    meaning: tuple[str, str]
    kind: tuple[str, str]
    allowed: tuple[str, str]
    example: str
    number_format: str
    width: float
    options: tuple[str, ...]  # the dropdown's values; () when the column has none
    check: Check | None

    @property
    def header(self) -> str:
        return self.field.header

    @property
    def required(self) -> bool:
        return self.field.required

    @property
    def cells(self) -> str:
        return f"{self.letter}{FIRST_ROW}:{self.letter}{FIRST_ROW + DATA_ROWS - 1}"


def describe(
    source: Source, lists: dict[Lookup, ReferenceList], catalog: Catalog
) -> list[ColumnSpec]:
    return [_column(source, f, i, lists, catalog) for i, f in enumerate(source.fields, start=1)]


def _options(f: Field, lists: dict[Lookup, ReferenceList]) -> tuple[str, ...]:
    if f.choices:
        return tuple(f.choices)
    if f.lookup in DROPDOWN_LOOKUPS and f.lookup in lists:
        return tuple(lists[f.lookup].values)
    return ()


def _column(
    source: Source, f: Field, index: int, lists: dict[Lookup, ReferenceList], catalog: Catalog
) -> ColumnSpec:
    letter = get_column_letter(index)
    options = _options(f, lists)
    kind = KIND_TEXT[Kind.CATEGORY] if options else KIND_TEXT[f.kind]
    allowed = _allowed(source, f, options, lists)
    check = _check(source, f, f"{letter}{FIRST_ROW}", options, lists, catalog)
    longest = max((len(o) for o in options), default=0)
    width = max(len(f.header) / 2.2 + 3, MIN_WIDTHS.get(f.kind, 12), longest * 0.9)
    return ColumnSpec(
        field=f,
        letter=letter,
        meaning=(f.description_vi or f.header, f.description_en or words(f.name)),
        kind=kind,
        allowed=allowed,
        example=_example(f, options, lists),
        number_format=NUMBER_FORMATS.get(f.kind, TEXT_FORMAT),
        width=round(min(width, 45), 1),
        options=options,
        check=check,
    )


def _range_text(f: Field) -> tuple[str, str] | None:
    low = (
        f"≥ {number_text(f.ge)}"
        if f.ge is not None
        else (f"> {number_text(f.gt)}" if f.gt is not None else None)
    )
    high = f"≤ {number_text(f.le)}" if f.le is not None else None
    if low and high and f.ge is not None and f.le is not None:
        a, b = number_text(f.ge), number_text(f.le)
        return f"Từ {a} đến {b}", f"from {a} to {b}"
    parts = [p for p in (low, high) if p]
    return ("; ".join(parts), "; ".join(parts)) if parts else None


def _allowed(
    source: Source, f: Field, options: tuple[str, ...], lists: dict[Lookup, ReferenceList]
) -> tuple[str, str]:
    vi: list[str] = []
    en: list[str] = []
    if f.choices:
        vi.append("; ".join(f.choices))
        en.append("one of the values listed")
    elif options:
        assert f.lookup is not None  # options come from the field's reference list
        ref = lists[f.lookup].source
        vi.append(
            f"Chọn một giá trị của '{ref.title_vi}' ({len(options)} giá trị, xem trang "
            f"'{INSTRUCTIONS_SHEET}')"
        )
        en.append(
            f"a value of the list of {words(ref.name)} (see the sheet '{INSTRUCTIONS_SHEET}')"
        )
        if f.lookup is Lookup.COMMUNE and f.reference_date:
            at = source.field(f.reference_date).header
            vi.append(f"phải còn hiệu lực tại ngày ở cột '{at}'")
            en.append(f"valid on the date in '{at}'")
    elif f.lookup is Lookup.VSIC_INDUSTRY and f.lookup in lists:
        divisions = runs(lists[f.lookup].values)
        vi.append(f"4 hoặc 5 chữ số; 2 chữ số đầu là ngành công nghiệp {divisions}")
        en.append(f"4 or 5 digits; the first two an industrial division {divisions}")
    elif f.lookup in LOOKUP_TEXT:
        vi.append(LOOKUP_TEXT[f.lookup][0])
        en.append(LOOKUP_TEXT[f.lookup][1])
    if f.kind is Kind.BOOL:
        vi.append(f"{YES} hoặc {NO}; để trống = {NO}")
        en.append("yes or no; blank = no")
    bounds = _range_text(f)
    if bounds:
        vi.append(bounds[0])
        en.append(bounds[1])
    if f.blank_as_zero:
        vi.append("để trống = 0")
        en.append("blank = 0")
    if not f.required and (options or f.lookup) and f.kind is not Kind.BOOL:
        vi.append("để trống nếu không có")
        en.append("blank if none")
    if f.pii:
        vi.append(PII_TEXT[f.pii][0])
        en.append(PII_TEXT[f.pii][1])
    return "; ".join(vi), "; ".join(en)


def _example(f: Field, options: tuple[str, ...], lists: dict[Lookup, ReferenceList]) -> str:
    """A value of the right shape; never a person's data, never a tax code (it would be some
    real enterprise's)."""
    if f.pii or f.lookup in (Lookup.TAX_CODE, Lookup.CITIZEN_ID):
        return ""
    if options:
        return options[0]
    if f.lookup is Lookup.DECISION_NO:
        return DECISION_NO_EXAMPLE
    if f.lookup is Lookup.VSIC_INDUSTRY and f.lookup in lists:
        return lists[f.lookup].values[0] + "10"
    if f.kind in EXAMPLE_NUMBERS:
        value = EXAMPLE_NUMBERS[f.kind]
        low = f.ge if f.ge is not None else f.gt
        if low is not None and value <= low:
            value = low if f.ge is not None else low + 1
        if f.le is not None and value > f.le:
            value = f.le
        return vietnamese_number(value) if f.kind is Kind.NUMBER else number_text(value)
    return EXAMPLES.get(f.kind, "")


def _error(texts: list[tuple[str, str]]) -> str:
    return fit(*join_rules(texts))


def _check(
    source: Source,
    f: Field,
    ref: str,
    options: tuple[str, ...],
    lists: dict[Lookup, ReferenceList],
    catalog: Catalog,
) -> Check | None:
    h = f.header
    if options:
        if f.choices:
            rule = rule_text("category", h, ", ".join(f.choices))
        elif f.lookup is Lookup.COMMUNE:
            at = source.field(f.reference_date).header if f.reference_date else ""
            rule = rule_text(
                "commune",
                h,
                (
                    f"ngày ở cột '{at}'" if at else "ngày của dòng",
                    f"the date in '{at}'" if at else "the row's date",
                ),
            )
        else:
            assert f.lookup is not None  # options come from the field's reference list
            rule = rule_text(f.lookup.value, h)
        title = h if f.choices or f.lookup is None else lists[f.lookup].source.title_vi
        return Check("list", catalog.range(title, options), error=_error([rule]))
    if f.kind is Kind.BOOL:
        return Check("list", f'"{YES},{NO}"', error=_error([rule_text("yes_no", h)]))
    if f.kind in (Kind.NUMBER, Kind.INTEGER):
        return _number_check(f, ref)
    if f.kind in (Kind.DATE, Kind.MONTH):
        rule_name = "date_format" if f.kind is Kind.DATE else "month_format"
        return Check(
            "date",
            "DATE(1900,1,1)",
            "between",
            "DATE(2100,12,31)",
            _error([rule_text(rule_name, h)]),
        )
    formula = None
    if f.lookup is Lookup.TAX_CODE:
        formula = (
            f"AND(ISNUMBER(--LEFT({ref},10)),OR(LEN({ref})=10,AND(LEN({ref})=14,"
            f'MID({ref},11,1)="-",ISNUMBER(--RIGHT({ref},3)))))'
        )
    elif f.lookup is Lookup.CITIZEN_ID:
        formula = f"AND(LEN({ref})=12,ISNUMBER(--{ref}))"
    elif f.lookup is Lookup.DECISION_NO:
        formula = f'OR(ISNUMBER(SEARCH("/QĐ-",{ref})),ISNUMBER(SEARCH("/QD-",{ref})))'
    elif f.lookup is Lookup.VSIC_INDUSTRY and f.lookup in lists:
        divisions = catalog.range(lists[f.lookup].source.title_vi, lists[f.lookup].values)
        formula = (
            f"AND(OR(LEN({ref})=4,LEN({ref})=5),ISNUMBER(--{ref}),"
            f"ISNUMBER(MATCH(LEFT({ref},2),{divisions},0)))"
        )
    if formula is None or f.lookup is None:
        return None
    return Check("custom", formula, error=_error([rule_text(f.lookup.value, h)]))


def _number_check(f: Field, ref: str) -> Check:
    h = f.header
    kind = "whole" if f.kind is Kind.INTEGER else "decimal"
    texts = [rule_text("integer" if f.kind is Kind.INTEGER else "number_format", h)]
    if f.ge is not None:
        texts.append(rule_text("min", h, number_text(f.ge)))
    elif f.gt is not None:
        texts.append(rule_text("min_exclusive", h, number_text(f.gt)))
    if f.le is not None:
        texts.append(rule_text("max", h, number_text(f.le)))
    error = _error(texts)
    low = f.ge if f.ge is not None else f.gt
    if low is None and f.le is None:
        limit = number_text(MAX_NUMBER)
        return Check(kind, f"-{limit}", "between", limit, error)
    if f.le is None:
        assert low is not None  # both None returned above
        op = "greaterThanOrEqual" if f.ge is not None else "greaterThan"
        return Check(kind, number_text(low), op, error=error)
    if low is None:
        return Check(kind, number_text(f.le), "lessThanOrEqual", error=error)
    if f.ge is not None:
        return Check(kind, number_text(f.ge), "between", number_text(f.le), error)
    whole = f",{ref}=INT({ref})" if f.kind is Kind.INTEGER else ""
    assert f.gt is not None  # low is f.gt here
    return Check(
        "custom",
        f"AND(ISNUMBER({ref}),{ref}>{number_text(f.gt)},{ref}<={number_text(f.le)}{whole})",
        error=error,
    )
