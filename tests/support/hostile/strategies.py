"""Hypothesis strategies drawing realistic but hostile office files
(see tests/support/hostile/files.py).

Files of the enterprise reports and of the labour lists: xlsx (one sheet, a notes sheet, a
hidden old sheet first, one sheet per month; title blocks merged over the table, header
variants, STT column, blank / STT-only / total / subtotal / repeated header rows, merged
cells in data rows, stray cells far away, error cells, formula-looking and HTML text) or CSV
(UTF-8, UTF-8 BOM, UTF-16, Windows-1258; LF, CRLF, CR or mixed line endings; comma,
semicolon or tab; a stray byte at the end); with hostile file names (Vietnamese, spaces,
``[``, ``]``, ``*``, ``?``, ~240 bytes, bytes that are not UTF-8, line breaks and escape
characters). Each file records the data rows its sender sees and which of them are valid.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from hypothesis import strategies as st

from flows.ingest.header import alias_index
from flows.ingest.text import fold
from schemas.base import Source
from schemas.registry import get_source
from tests.support.helpers import tax_code
from tests.support.hostile.files import Batch, Cell, HostileFile, Row, Sheet, XlError

Draw = Callable[[st.SearchStrategy], object]

# Text that is valid in a free-text column, and that a spreadsheet or a browser would take
# for something else if it were not escaped.
HOSTILE_TEXT = (
    "=SUM(A1:A3) Công ty",
    '=HYPERLINK("http://x.invalid","bấm vào")',
    "+84 912 345 678",
    "-Hộ kinh doanh Lê Văn A",
    "@Công ty Hồ Xá",
    "<script>alert('xss')</script>",
    "<b>Công ty</b> &amp; <i>HTX</i>",
    'Công ty "Hồ Xá", chi nhánh 1; 2',
    "Cơ sở\nxay xát",
)
# A number cell that no reading makes valid: the row must be rejected, its value quoted back.
DIRTY_NUMBERS = (
    "=1+2",
    "=SUM(K3:K9)",
    "@SUM(A1)",
    "+84 912 345 678",
    "-5",
    "<script>alert(1)</script>",
    "1.2.3",
    XlError("#REF!"),
    XlError("#DIV/0!"),
    XlError("#N/A"),
)
NUMBER_STYLES = ("plain", "vn", "en", "spaced", "nbsp", "cell")
TITLES = (
    "UBND HUYỆN VĨNH LINH",
    "PHÒNG KINH TẾ VÀ HẠ TẦNG",
    "",
    "BÁO CÁO SẢN XUẤT KINH DOANH",
    "Tháng 3 năm 2022",
    "Đơn vị tính: triệu đồng",
    "(Kèm theo Công văn số 125/UBND-KT)",
)
TOTAL_LABELS = ("Tổng cộng", "TỔNG CỘNG", "Cộng", "Tổng số", "Total")
SUBTOTAL_LABELS = (
    "Cộng khu công nghiệp Tây Bắc Hồ Xá",
    "Trong đó: doanh nghiệp FDI",
    "Cộng các xã",
    "Tổng số xã Vĩnh Long",
)
STT_HEADERS = ("STT", "TT", "Số TT", "S.T.T")
EXTRA_HEADERS = ("Điện thoại", "Người lập biểu")
UNITS = (" (triệu đồng)", " [người]", "\n(Đơn vị: tr.đ)", " (*)")
STRAYS = ((60, 40), (300, 100), (1000, 200), (5000, 60))  # far, but cheap to read
MONTHS = (1, 2, 3)
# What may be drawn, by kind of hostility (module constants, so that a local exploration
# can narrow them down to find which feature breaks an invariant).
NAME_KINDS = ("ascii", "vietnamese", "brackets", "long", "non_utf8", "control", "nfd")
SHEET_PLANS = ("single", "notes_first", "notes_last", "hidden_first", "per_month")
FILLERS = ("blank", "stt_only", "subtotal", "header_again", "total")
ENCODINGS = ("utf-8", "utf-8-sig", "utf-16", "cp1258")
LINE_ENDINGS = (("\n",), ("\r\n",), ("\r",), ("\r\n", "\n"), ("\n", "\r"))
DELIMITERS = (",", ";", "\t")
STRAY_BYTES = (b"", b"\x1a", b"\xa0", b"\r\n\x1a")
DATA_MERGES = True


@dataclass(frozen=True)
class Kind:
    """What the generator knows of a source: which fields may be left out, where a total
    row's label goes, which columns a merged cell may span, and how to draw a row."""

    source: Source
    optional: tuple[str, ...]
    label: str  # field holding "Tổng cộng"
    mergeable: tuple[str, ...]
    dirty: tuple[str, ...]  # number fields a dirty cell goes in
    row: Callable[[Draw, int, int, str], dict[str, Cell]]  # draw, n, month, fmt


# --- cells ------------------------------------------------------------------------------------


def number(draw: Draw, fmt: str, low: int, high: int) -> Cell:
    """A number with one decimal digit (never ambiguous: "1.234" could be 1234 or 1.234),
    in one of the styles offices write."""
    whole = draw(st.integers(low, high))
    tenth = draw(st.integers(1, 9))
    style = draw(st.sampled_from(NUMBER_STYLES))
    grouped = f"{whole:,}"
    return {
        "plain": f"{whole}.{tenth}",
        "vn": grouped.replace(",", ".") + f",{tenth}",
        "en": f"{grouped}.{tenth}",
        "spaced": grouped.replace(",", " ") + f",{tenth}",
        "nbsp": grouped.replace(",", "\u00a0") + f",{tenth}",
        "cell": whole + tenth / 10 if fmt == "xlsx" else f"{whole}.{tenth}",
    }[style]


def integer(draw: Draw, fmt: str, value: int) -> Cell:
    style = draw(st.sampled_from(("text", "padded", "cell")))
    if style == "cell" and fmt == "xlsx":
        return value
    return f" {value} " if style == "padded" else str(value)


def month_cell(draw: Draw, fmt: str, month: int) -> Cell:
    options: list[Cell] = [
        f"{month:02d}/2022",
        f"{month}/2022",
        f"2022-{month:02d}",
        f"Tháng {month}/2022",
        f"T{month}/2022",
    ]
    if fmt == "xlsx":
        options.append(dt.date(2022, month, 1))
    return draw(st.sampled_from(options))


def date_cell(draw: Draw, fmt: str, day: dt.date) -> Cell:
    options: list[Cell] = [
        day.strftime("%d/%m/%Y"),
        f"{day.day}/{day.month}/{day.year}",
        day.isoformat(),
    ]
    if fmt == "xlsx":
        options.append(day)
    return draw(st.sampled_from(options))


def text_cell(draw: Draw, plain: str) -> str:
    return draw(st.sampled_from((plain, plain, *(f"{t} {plain}" for t in HOSTILE_TEXT))))


def code_cell(draw: Draw, fmt: str, code: str) -> Cell:
    style = draw(st.sampled_from(("text", "spaced", "cell")))
    if style == "cell" and fmt == "xlsx":
        return int(code)
    return f"{code[:4]} {code[4:7]} {code[7:]}" if style == "spaced" else code


def yes_no(draw: Draw) -> Cell:
    return draw(st.sampled_from(("Có", "Không", "x", "X", "có", "KHÔNG", None)))


# --- rows of each source ----------------------------------------------------------------------


def enterprise_cells(draw: Draw, n: int, month: int, fmt: str) -> dict[str, Cell]:
    employees = draw(st.integers(1, 999))
    return {
        "tax_code": code_cell(draw, fmt, tax_code(n)),
        "unit_name": text_cell(draw, f"Công ty số {n}"),
        "ownership": draw(
            st.sampled_from(
                (
                    "Ngoài nhà nước",
                    "DNNN",
                    "FDI",
                    "HTX",
                    "Hộ cá thể",
                    "Tư nhân",
                    "Hợp tác xã",
                    "NGOÀI NHÀ NƯỚC",
                    "hộ kinh doanh",
                )
            )
        ),
        "commune": draw(st.sampled_from(("Thị trấn Hồ Xá", "Xã Vĩnh Long", "Xã Vĩnh Lâm", None))),
        "industrial_zone": draw(st.sampled_from((None, "KCN Tây Bắc Hồ Xá", "CCN Cửa Tùng"))),
        "vsic_code": draw(st.sampled_from(("1010", "1610", "3510"))),
        "period": month_cell(draw, fmt, month),
        "report_date": date_cell(draw, fmt, dt.date(2022, 4, 8)),
        "gross_output_current": number(draw, fmt, 0, 99999),
        "gross_output_const2010": number(draw, fmt, 0, 99999),
        "revenue": number(draw, fmt, 0, 99999),
        "taxes_paid": number(draw, fmt, 0, 9999),
        "own_capital_invested": number(draw, fmt, 0, 999) if draw(st.booleans()) else None,
        "employees": integer(draw, fmt, employees),
        "trained_employees": integer(draw, fmt, draw(st.integers(0, employees))),
        "avg_monthly_income": number(draw, fmt, 1, 99),
        "advanced_machinery": yes_no(draw),
        "supporting_industry": yes_no(draw),
        "note": draw(st.sampled_from((None, *HOSTILE_TEXT))),
    }


def labour_cells(draw: Draw, n: int, month: int, fmt: str) -> dict[str, Cell]:
    citizen = f"{38095000000 + n:012d}"  # a leading zero, as many citizen IDs have
    wage = draw(st.integers(1_000_000, 30_000_000))
    wage_style = draw(st.sampled_from(("int", "vn", "en", "spaced", "cell")))
    return {
        "citizen_id": int(citizen) if fmt == "xlsx" and draw(st.booleans()) else citizen,
        "full_name": text_cell(draw, f"Nguyễn Văn {n}"),
        "birth_year": integer(draw, fmt, draw(st.integers(1960, 2000))),
        "sex": draw(st.sampled_from(("Nam", "Nữ", "NAM", "nữ", None))),
        "employer_tax_code": code_cell(draw, fmt, tax_code(n)),
        "start_date": date_cell(draw, fmt, dt.date(2022, month, 1)),
        "end_date": draw(st.sampled_from((None, "31/12/2022"))),
        "training_level": draw(
            st.sampled_from(
                (
                    "Sơ cấp",
                    "Trung cấp",
                    "Cao đẳng",
                    "Đại học",
                    "Chưa đào tạo",
                    "ĐẠI HỌC TRỞ LÊN",
                    None,
                )
            )
        ),
        "monthly_wage": {
            "int": str(wage),
            "vn": f"{wage:,}".replace(",", "."),
            "en": f"{wage:,}",
            "spaced": f"{wage:,}".replace(",", " "),
            "cell": wage if fmt == "xlsx" else str(wage),
        }[wage_style],
        "residence_commune": draw(st.sampled_from(("Vĩnh Linh", "Hồ Xá", None, *HOSTILE_TEXT))),
    }


KINDS = {
    "enterprise_reports": Kind(
        get_source("enterprise_reports"),
        optional=(
            "ownership",
            "commune",
            "industrial_zone",
            "vsic_code",
            "gross_output_const2010",
            "own_capital_invested",
            "trained_employees",
            "advanced_machinery",
            "supporting_industry",
            "note",
        ),
        label="unit_name",
        mergeable=("commune", "period", "ownership", "report_date"),
        dirty=("gross_output_current", "revenue", "taxes_paid", "employees", "avg_monthly_income"),
        row=enterprise_cells,
    ),
    "labour_spells": Kind(
        get_source("labour_spells"),
        optional=("birth_year", "sex", "end_date", "training_level", "residence_commune"),
        label="full_name",
        mergeable=("start_date", "training_level", "sex"),
        dirty=("monthly_wage",),
        row=labour_cells,
    ),
}


# --- header -----------------------------------------------------------------------------------


def header_label(draw: Draw, source: Source, name: str) -> str:
    """The field's header or an alias, as an office types it: case, diacritics, a line
    break, a unit in brackets."""
    index = alias_index(source)
    f = source.field(name)
    labels = [x for x in (f.header, *f.aliases) if index.get(fold(x)) == name]
    label = draw(st.sampled_from(labels))
    form = draw(st.sampled_from(("as_is", "upper", "lower", "nfd", "no_marks", "break")))
    if form == "upper":
        label = label.upper()
    elif form == "lower":
        label = label.lower()
    elif form == "nfd":
        label = unicodedata.normalize("NFD", label)
    elif form == "no_marks":
        label = "".join(
            c
            for c in unicodedata.normalize("NFD", label.replace("đ", "d").replace("Đ", "D"))
            if not unicodedata.combining(c)
        )
    elif form == "break" and " " in label:
        label = label.replace(" ", "\n", 1)
    if draw(st.booleans()):
        label += draw(st.sampled_from(UNITS))
    return label


@dataclass(frozen=True)
class Layout:
    """The columns of a table: grid position → field name, "stt" or "extra"."""

    columns: tuple[str, ...]
    header: tuple[str, ...]

    def position(self, name: str) -> int:
        return self.columns.index(name)


@st.composite
def layouts(draw: Draw, kind: Kind) -> Layout:
    names = [
        f.name for f in kind.source.fields if f.name not in kind.optional or draw(st.booleans())
    ]
    if draw(st.booleans()):  # the name before the code, as many templates have it
        names[0], names[1] = names[1], names[0]
    columns = [
        *(["stt"] if draw(st.booleans()) else []),
        *names,
        *(["extra"] if draw(st.booleans()) else []),
    ]
    header = [
        draw(st.sampled_from(STT_HEADERS))
        if c == "stt"
        else draw(st.sampled_from(EXTRA_HEADERS))
        if c == "extra"
        else header_label(draw, kind.source, c)
        for c in columns
    ]
    return Layout(tuple(columns), tuple(header))


# --- a sheet ----------------------------------------------------------------------------------


def data_row(
    draw: Draw, kind: Kind, layout: Layout, n: int, month: int, fmt: str, number_in_list: int
) -> Row:
    values = kind.row(draw, n, month, fmt)
    clean = True
    dirty = [c for c in kind.dirty if c in layout.columns]
    if dirty and draw(st.integers(0, 4)) == 0:
        values[draw(st.sampled_from(dirty))] = draw(st.sampled_from(DIRTY_NUMBERS))
        clean = False
    cells: list[Cell] = []
    for column in layout.columns:
        if column == "stt":
            cells.append(
                number_in_list if fmt == "xlsx" and draw(st.booleans()) else str(number_in_list)
            )
        elif column == "extra":
            cells.append(draw(st.sampled_from((None, "0912 345 678", *HOSTILE_TEXT))))
        else:
            cells.append(values[column])
    return Row("data", tuple(cells), clean)


def label_row(
    kind: str, layout: Layout, label_at: int, label: str, sums: dict[int, float], width: int
) -> Row:
    cells: list[Cell] = [None] * width
    cells[label_at] = label
    for position, value in sums.items():
        cells[position] = f"{value:.1f}"
    return Row(kind, tuple(cells))


def filler_row(draw: Draw, kind: Kind, layout: Layout, what: str, fmt: str) -> tuple[Row, bool]:
    """A row that is not data: (the row, whether its label is merged from the first cell)."""
    width = len(layout.columns)
    if what == "blank":
        return Row("blank", (None,) * width), False
    if what == "stt_only":
        cells: list[Cell] = [None] * width
        cells[0] = "99"
        return Row(
            "stt_only" if "stt" in layout.columns else "blank",
            tuple(cells) if "stt" in layout.columns else (None,) * width,
        ), False
    if what == "header_again":
        return Row("header_again", layout.header), False
    merged = fmt == "xlsx" and what == "total" and draw(st.booleans())
    label_at = 0 if merged else layout.position(kind.label)
    labels = TOTAL_LABELS if what == "total" else SUBTOTAL_LABELS
    amount = {
        layout.position(c): draw(st.integers(0, 99999)) + 0.5
        for c in kind.dirty[:1]
        if c in layout.columns
    }
    return label_row(what, layout, label_at, draw(st.sampled_from(labels)), amount, width), merged


@st.composite
def sheets(
    draw: Draw,
    kind: Kind,
    layout: Layout,
    fmt: str,
    name: str,
    n0: int,
    month: int,
    hidden: bool = False,
) -> Sheet:
    width = len(layout.columns)
    titles = draw(st.lists(st.sampled_from(TITLES), max_size=5))
    rows: list[Row] = [Row("title", (t,) + (None,) * (width - 1)) for t in titles]
    merges: list[tuple[int, int, int, int]] = []
    if fmt == "xlsx" and draw(st.booleans()):
        merges += [(i, 0, i, width - 1) for i in range(len(titles))]
    rows.append(Row("header", layout.header))
    count = draw(st.integers(1, 12))
    body: list[tuple[Row, bool]] = [
        (data_row(draw, kind, layout, n0 + i, month, fmt, i + 1), False) for i in range(count)
    ]
    fillers = draw(st.lists(st.tuples(st.sampled_from(FILLERS), st.integers(0, count)), max_size=4))
    for what, at in sorted(fillers, key=lambda x: -x[1]):
        body.insert(at, filler_row(draw, kind, layout, what, fmt))
    for row, merged in body:
        if merged:
            label_end = layout.position(kind.label)
            if label_end > 0:
                merges.append((len(rows), 0, len(rows), label_end))
        rows.append(row)
    if fmt == "xlsx":
        merges += draw(data_merges(kind, layout, rows))
        rows = apply_merges(rows, merges)
    strays = tuple(
        draw(
            st.lists(
                st.tuples(st.sampled_from(STRAYS), st.sampled_from((" ", "x", "ghi chú", "0"))),
                max_size=2 if fmt == "xlsx" else 0,
            )
        )
    )
    return Sheet(
        name, tuple(rows), hidden, tuple(merges), tuple((r, c, text) for (r, c), text in strays)
    )


@st.composite
def data_merges(
    draw: Draw, kind: Kind, layout: Layout, rows: list[Row]
) -> list[tuple[int, int, int, int]]:
    """Vertical merges over runs of consecutive data rows (a commune, a month, one value
    for a group of rows, as offices lay them out)."""
    columns = [layout.position(c) for c in kind.mergeable if c in layout.columns]
    runs, start = [], None
    for i, row in enumerate([*rows, Row("end", ())]):
        if row.kind == "data" and start is None:
            start = i
        elif row.kind != "data" and start is not None:
            if i - start >= 2:
                runs.append((start, i - 1))
            start = None
    if not DATA_MERGES or not columns or not runs or not draw(st.booleans()):
        return []
    first, last = draw(st.sampled_from(runs))
    top = draw(st.integers(first, last - 1))
    bottom = draw(st.integers(top + 1, last))
    return [(top, draw(st.sampled_from(columns)), bottom, -1)]  # col end filled below


def apply_merges(rows: list[Row], merges: list[tuple[int, int, int, int]]) -> list[Row]:
    """The sender sees a merged cell's value in every cell it covers (vertical merges of
    data rows, marked by a last column of -1 until here)."""
    out = list(rows)
    for index, (top, col, bottom, end) in enumerate(merges):
        if end != -1:
            continue
        merges[index] = (top, col, bottom, col)
        anchor = out[top].cells[col]
        for r in range(top + 1, bottom + 1):
            cells = list(out[r].cells)
            cells[col] = anchor
            out[r] = Row(out[r].kind, tuple(cells), out[r].clean)
    return out


# --- a file -----------------------------------------------------------------------------------


@st.composite
def file_names(draw: Draw, fmt: str) -> tuple[bytes, frozenset[str]]:
    """A file name as offices send them (bytes: it need not be UTF-8)."""
    kind = draw(st.sampled_from(NAME_KINDS))
    stem: bytes = {
        "ascii": b"bao_cao_thang_3",
        "vietnamese": "Báo cáo tháng 3 năm 2022 (bản cuối)".encode(),
        "brackets": "Báo cáo [bản cuối] *mới? ".encode(),
        "long": ("Báo cáo sản xuất kinh doanh tháng 3 năm 2022 " * 8).encode()[:228],
        "non_utf8": b"b\xe1o c\xe1o th\xe1ng 3 \xff",  # Latin-1 bytes, not UTF-8
        "control": b"bao\ncao\tthang 3 \x1b[31mdo\x1b[0m",
        "nfd": unicodedata.normalize("NFD", "Báo cáo tháng 3").encode(),
    }[kind]
    if kind == "long":
        stem = stem.decode(errors="ignore").encode()  # never cut inside a letter
    folder = draw(st.sampled_from((b"", b"", "Quý 1/".encode(), b"2022/")))
    suffix = draw(
        st.sampled_from((".xlsx", ".XLSX") if fmt == "xlsx" else (".csv", ".CSV", ".txt"))
    ).encode()
    return folder + stem + suffix, frozenset({f"name:{kind}"})


@st.composite
def sheet_sets(
    draw: Draw, kind: Kind, layout: Layout, fmt: str, n0: int
) -> tuple[tuple[Sheet, ...], frozenset[str]]:
    if fmt != "xlsx":
        return (draw(sheets(kind, layout, fmt, "Sheet1", n0, 3)),), frozenset()
    plan = draw(st.sampled_from(SHEET_PLANS))
    notes = Sheet(
        "Hướng dẫn",
        (
            Row("title", ("Hướng dẫn: điền số liệu vào trang Số liệu.",)),
            Row("title", ("=SUM(K3:K10) là công thức, xin đừng xóa",)),
            Row("title", ("Người lập biểu: Nguyễn Văn A",)),
        ),
    )
    if plan == "per_month":
        found = tuple(
            draw(sheets(kind, layout, fmt, f"Tháng {m}", n0 + 30 * i, m))
            for i, m in enumerate(MONTHS[: draw(st.integers(2, 3))])
        )
    else:
        found = (draw(sheets(kind, layout, fmt, "Số liệu", n0, 3)),)
    if plan == "notes_first":
        found = (notes, *found)
    elif plan == "notes_last":
        found = (*found, notes)
    elif plan == "hidden_first":
        found = (draw(sheets(kind, layout, fmt, "Tháng 2 (cũ)", n0 + 90, 2, hidden=True)), *found)
    return found, frozenset({f"sheets:{plan}"})


def content_features(sheet_set: tuple[Sheet, ...]) -> set[str]:
    found = set()
    for sheet in sheet_set:
        found |= {f"row:{r.kind}" for r in sheet.rows}
        found |= {"cell:excel_error" for r in sheet.rows for c in r.cells if isinstance(c, XlError)}
        found |= {
            "cell:formula_text"
            for r in sheet.rows
            for c in r.cells
            if isinstance(c, str) and c[:1] in "=+-@"
        }
        found |= {
            "cell:html" for r in sheet.rows for c in r.cells if isinstance(c, str) and "<" in c
        }
        found |= {"row:dirty" for r in sheet.rows if r.kind == "data" and not r.clean}
        if any(c1 == c2 and r2 > r1 for r1, c1, r2, c2 in sheet.merges):
            found.add("merge:data")
        if sheet.strays:
            found.add("stray_cell")
    return found


@st.composite
def hostile_files(
    draw: Draw,
    index: int = 0,
    sources: tuple[str, ...] = ("enterprise_reports", "enterprise_reports", "labour_spells"),
) -> HostileFile:
    """One file; ``index`` keeps its rows (tax codes, citizen IDs) apart from the batch's
    other files."""
    kind = KINDS[draw(st.sampled_from(sources))]
    fmt = draw(st.sampled_from(("xlsx", "csv")))
    layout = draw(layouts(kind))
    sheet_set, sheet_features = draw(sheet_sets(kind, layout, fmt, 100 + 200 * index))
    name, name_features = draw(file_names(fmt))
    features = {
        f"fmt:{fmt}",
        f"source:{kind.source.name}",
        *sheet_features,
        *name_features,
        *content_features(sheet_set),
    }
    if fmt == "xlsx":
        return HostileFile(
            kind.source.name, kind.source.folder, name, fmt, sheet_set, features=frozenset(features)
        )
    encoding = draw(st.sampled_from(ENCODINGS))
    endings = draw(st.sampled_from(LINE_ENDINGS))
    delimiter = draw(st.sampled_from(DELIMITERS))
    stray = draw(st.sampled_from(STRAY_BYTES)) if encoding in ("utf-8", "cp1258") else b""
    features |= {
        f"enc:{encoding}",
        f"eol:{'+'.join(map(repr, endings))}",
        f"delimiter:{delimiter!r}",
        *([f"stray_bytes:{stray!r}"] if stray else []),
    }
    return HostileFile(
        kind.source.name,
        kind.source.folder,
        name,
        fmt,
        sheet_set,
        encoding,
        endings,
        delimiter,
        stray,
        frozenset(features),
    )


def unique_names(files: list[HostileFile]) -> tuple[HostileFile, ...]:
    """Files of one batch with distinct names (a number put before a repeated name)."""
    seen: set[bytes] = set()
    out = []
    for i, f in enumerate(files):
        name = f.name
        key = (f.folder.encode() + b"/" + name).lower()
        if key in seen:
            head, _, tail = name.rpartition(b"/")
            name = (head + b"/" if head else b"") + b"%d_" % i + tail
            key = (f.folder.encode() + b"/" + name).lower()
        seen.add(key)
        out.append(
            HostileFile(
                f.source,
                f.folder,
                name,
                f.fmt,
                f.sheets,
                f.encoding,
                f.line_endings,
                f.delimiter,
                f.stray_bytes,
                f.features,
            )
        )
    return tuple(out)


@st.composite
def batches(draw: Draw, max_files: int = 3) -> Batch:
    """One to ``max_files`` files sent the same night, maybe with a symlink out of raw/."""
    count = draw(st.integers(1, max_files))
    files = [draw(hostile_files(index=i)) for i in range(count)]
    return Batch(unique_names(files), symlink_outside=draw(st.booleans()))
