"""Small real files for the reading and rule tests, and a direct (flow-less) ingest."""

from __future__ import annotations

import csv
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import duckdb
from stdnum.vn import mst

from flows import areas
from flows.config import Paths
from flows.ingest import ledger
from flows.ingest.pipeline import FileOutcome, ingest_source
from flows.ingest.references import load_references
from schemas.registry import DATA_SOURCES, REFERENCE_SOURCES, get_source

REFERENCE = {
    "communes.csv": [
        [
            "commune_code",
            "commune_name",
            "commune_type",
            "valid_from",
            "valid_to",
            "successor_code",
        ],
        ["19363", "Thị trấn Hồ Xá", "Thị trấn", "2020-01-01", "2025-06-30", "19363"],
        ["19387", "Xã Vĩnh Long", "Xã", "2020-01-01", "2025-06-30", "19363"],
        ["19405", "Xã Vĩnh Lâm", "Xã", "2020-01-01", "2025-06-30", "19405"],
        ["19363", "Xã Vĩnh Linh", "Xã", "2025-07-01", "", ""],
        ["19405", "Xã Vĩnh Thủy", "Xã", "2025-07-01", "", ""],
    ],
    "zones.csv": [
        ["zone_code", "zone_name", "zone_type", "full_name"],
        ["KCN_TBHX", "KCN Tây Bắc Hồ Xá", "KCN", "Khu công nghiệp Tây Bắc Hồ Xá"],
        ["CCN_CUA_TUNG", "CCN Cửa Tùng", "CCN", "Cụm công nghiệp Cửa Tùng"],
    ],
    "vsic_industry.csv": [
        ["division", "section", "name_vi"],
        ["10", "C", "Thực phẩm"],
        ["16", "C", "Gỗ"],
        ["35", "D", "Điện"],
    ],
    "lead_units.csv": [["unit_code", "unit_name"], ["KTHT", "Phòng Kinh tế và Hạ tầng"]],
    "plan_targets.csv": [
        [
            "plan_id",
            "year",
            "kpi_code",
            "kpi_name_vi",
            "unit",
            "comparator",
            "target_low",
            "target_high",
            "lead_unit",
        ],
        [
            "VL-2022",
            "2022",
            "IND_GO_CURRENT",
            "GTSX hiện hành",
            "billion VND",
            "gt",
            "1385",
            "",
            "Phòng Kinh tế và Hạ tầng",
        ],
    ],
}


def tax_code(n: int) -> str:
    """A valid Quảng Trị tax code (check digit by python-stdnum's algorithm)."""
    for k in range(100):
        body = f"32{n:05d}{k:02d}"
        code = body + mst.calc_check_digit(body)
        if mst.is_valid(code):
            return code
    raise ValueError(n)


def write_reference(raw: Path) -> None:
    folder = raw / "reference"
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in REFERENCE.items():
        with (folder / name).open("w", newline="", encoding="utf-8") as fh:
            csv.writer(fh).writerows(rows)


ENTERPRISE_HEADERS = [
    "Mã số thuế",
    "Tên doanh nghiệp / cơ sở",
    "Loại hình",
    "Xã, thị trấn",
    "Khu, cụm công nghiệp",
    "Mã ngành VSIC",
    "Kỳ báo cáo",
    "Ngày lập báo cáo",
    "Giá trị sản xuất theo giá hiện hành",
    "Giá trị sản xuất theo giá so sánh 2010",
    "Doanh thu",
    "Nộp ngân sách",
    "Vốn đầu tư thực hiện từ vốn tự có",
    "Tổng số lao động",
    "Lao động qua đào tạo",
    "Thu nhập bình quân",
    "Ứng dụng máy móc thiết bị tiên tiến",
    "Công nghiệp hỗ trợ",
    "Ghi chú",
]


def enterprise_row(n: int = 1, overrides: dict[str, object] | None = None) -> dict[str, object]:
    row: dict[str, object] = {
        "Mã số thuế": tax_code(n),
        "Tên doanh nghiệp / cơ sở": f"Công ty {n}",
        "Loại hình": "Ngoài nhà nước",
        "Xã, thị trấn": "Thị trấn Hồ Xá",
        "Khu, cụm công nghiệp": "",
        "Mã ngành VSIC": "1010",
        "Kỳ báo cáo": "03/2022",
        "Ngày lập báo cáo": "08/04/2022",
        "Giá trị sản xuất theo giá hiện hành": "1200.5",
        "Giá trị sản xuất theo giá so sánh 2010": "1000",
        "Doanh thu": "1300",
        "Nộp ngân sách": "40",
        "Vốn đầu tư thực hiện từ vốn tự có": "",
        "Tổng số lao động": "50",
        "Lao động qua đào tạo": "45",
        "Thu nhập bình quân": "7.5",
        "Ứng dụng máy móc thiết bị tiên tiến": "Có",
        "Công nghiệp hỗ trợ": "Không",
        "Ghi chú": "",
    }
    row.update(overrides or {})
    return row


TONE_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def windows_1258_form(text: str) -> str:
    """Vietnamese text as Windows-1258 holds it: base letters composed, tone marks apart."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        parts = unicodedata.normalize("NFD", ch)
        tones = "".join(c for c in parts if c in TONE_MARKS)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONE_MARKS))
        out.append(base + tones)
    return "".join(out)


def write_csv(
    path: Path,
    headers: list[str],
    rows: list[dict[str, object]],
    *,
    delimiter: str = ",",
    encoding: str = "utf-8",
    title: list[str] | None = None,
) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding=encoding) as fh:
        writer = csv.writer(fh, delimiter=delimiter)
        form = windows_1258_form if encoding == "cp1258" else str
        for line in title or []:
            writer.writerow([form(line)])
        writer.writerow([form(h) for h in headers])
        for row in rows:
            writer.writerow([form(str(row.get(h, ""))) for h in headers])
    return path


@dataclass
class Ingested:
    outcomes: list[FileOutcome]
    con: duckdb.DuckDBPyConnection

    def rows(self, table: str) -> list[dict]:
        cur = self.con.execute(f"select * from raw.{table} order by _file_seq, _source_row")
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]

    def rejections(self) -> list[dict]:
        cur = self.con.execute(
            "select * from ops.rejections order by file_name, row_number, column_name"
        )
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]

    def rules(self) -> set[tuple[int, str, str]]:
        return {(r["row_number"], r["column_name"], r["rule"]) for r in self.rejections()}


def ingest(
    raw: Path,
    warehouse: Path,
    sources: list[str] | None = None,
    pii_key: bytes | None = b"test-key",
    run_id: str = "test-run",
) -> Ingested:
    """Ingest reference data, then the named data sources, into a private DuckDB file."""
    paths = Paths.of(raw, warehouse)
    paths.ensure()
    con = duckdb.connect(str(paths.private_db))
    ledger.ensure_ops(con)
    outcomes: list[FileOutcome] = []
    chosen = [get_source(s) for s in sources] if sources else list(DATA_SOURCES)
    for source in [*REFERENCE_SOURCES, *chosen]:
        refs = load_references(con)
        for in_area in areas.bound(source, areas.declared(con)):  # as the nightly flow does
            outcomes += ingest_source(con, in_area, paths.raw_dir, run_id, refs, pii_key)
        if source.name == "areas":
            ledger.retag_area_list(con, areas.root(areas.declared(con)).code)
    areas.write_ops_areas(con, areas.declared(con))  # for dbt, as the nightly's areas task
    return Ingested(outcomes, con)


def assert_rows_add_up(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Row accounting, checked against what the warehouse holds: for every loaded file,
    rows seen = loaded + rejected + set aside, per sheet and in all; loaded = the file's
    rows in its raw table; rejected = its distinct rejected rows. Returns the totals."""
    tables = {
        r[0]
        for r in con.execute(
            "select table_name from duckdb_tables() where schema_name = 'raw'"
        ).fetchall()
    }
    loaded_in_raw = " union all ".join(
        f"select _file_id as file_id, count(*) as n from raw.{s.table} group by all"
        for s in [*REFERENCE_SOURCES, *DATA_SOURCES]
        if s.table in tables
    )
    wrong = con.execute(f"""
        with in_raw as ({loaded_in_raw}),
        rejected as (
            select file_id, count(distinct (coalesce(sheet, ''), row_number)) as n
            from ops.rejections where rule <> 'total_mismatch' group by all),
        sheets as (
            select file_id, sum(rows_seen) as seen, sum(rows_loaded) as loaded,
                   sum(rows_rejected) as rejected,
                   sum(rows_blank + rows_total + rows_subtotal + rows_repeated_header) as aside,
                   bool_and(rows_seen = rows_loaded + rows_rejected + rows_blank + rows_total
                            + rows_subtotal + rows_repeated_header) as balanced
            from ops.file_sheets group by all)
        select f.file_name, f.rows_seen, f.rows_loaded, f.rows_rejected, f.rows_set_aside,
               coalesce(r.n, 0), coalesce(j.n, 0), s.seen, s.balanced
        from ops.files f
        left join in_raw r using (file_id)
        left join rejected j using (file_id)
        left join sheets s using (file_id)
        where f.status = 'loaded' and not (
            f.rows_seen = f.rows_loaded + f.rows_rejected + f.rows_set_aside
            and f.rows_loaded = coalesce(r.n, 0) and f.rows_rejected = coalesce(j.n, 0)
            and s.seen = f.rows_seen and s.loaded = f.rows_loaded
            and s.rejected = f.rows_rejected and s.aside = f.rows_set_aside and s.balanced)
    """).fetchall()
    assert wrong == [], wrong
    seen, loaded, rejected, aside = con.execute(
        "select sum(rows_seen), sum(rows_loaded), sum(rows_rejected), sum(rows_set_aside) "
        "from ops.files where status = 'loaded'"
    ).fetchone()
    return {
        "seen": seen or 0,
        "loaded": loaded or 0,
        "rejected": rejected or 0,
        "set_aside": aside or 0,
    }


# Row builders of the other sources (one valid row each; overrides break one rule).
LABOUR_HEADERS = [
    "Số CCCD",
    "Họ và tên",
    "Năm sinh",
    "Giới tính",
    "Mã số thuế đơn vị",
    "Ngày bắt đầu làm việc",
    "Ngày nghỉ việc",
    "Trình độ chuyên môn kỹ thuật",
    "Tiền lương tháng",
    "Xã nơi cư trú",
]
KC_HEADERS = [
    "Số quyết định",
    "Ngày quyết định",
    "Tên đề án",
    "Đơn vị thụ hưởng",
    "Mã số thuế",
    "Xã, thị trấn",
    "Nguồn kinh phí",
    "Nội dung hỗ trợ",
    "Tổng kinh phí đề án",
    "Kinh phí được duyệt",
    "Kinh phí đã giải ngân",
    "Ngày giải ngân",
]


def labour_row(n: int, overrides: dict | None = None) -> dict:
    row = {
        "Số CCCD": f"0452{n:08d}",
        "Họ và tên": f"Nguyễn Văn {n}",
        "Năm sinh": "1990",
        "Giới tính": "Nam",
        "Mã số thuế đơn vị": tax_code(1),
        "Ngày bắt đầu làm việc": "01/03/2020",
        "Ngày nghỉ việc": "",
        "Trình độ chuyên môn kỹ thuật": "Trung cấp",
        "Tiền lương tháng": "6.500.000",
        "Xã nơi cư trú": "Vĩnh Long",
    }
    row.update(overrides or {})
    return row


def kc_row(n: int, overrides: dict | None = None) -> dict:
    row = {
        "Số quyết định": f"{n}/QĐ-UBND",
        "Ngày quyết định": "15/03/2022",
        "Tên đề án": "Hỗ trợ máy sấy",
        "Đơn vị thụ hưởng": f"Cơ sở {n}",
        "Mã số thuế": tax_code(n),
        "Xã, thị trấn": "Hồ Xá",
        "Nguồn kinh phí": "Huyện",
        "Nội dung hỗ trợ": "Máy móc thiết bị",
        "Tổng kinh phí đề án": "200.000.000",
        "Kinh phí được duyệt": "60.000.000",
        "Kinh phí đã giải ngân": "60.000.000",
        "Ngày giải ngân": "20/06/2022",
    }
    row.update(overrides or {})
    return row


OCOP_HEADERS = [
    "Mã sản phẩm",
    "Tên sản phẩm",
    "Chủ thể",
    "Mã số thuế",
    "Xã, thị trấn",
    "Nhóm sản phẩm",
    "Điểm",
    "Số sao",
    "Cấp công nhận",
    "Số quyết định",
    "Ngày công nhận",
]
ECONOMY_HEADERS = ["Năm", "Quý", "Khu vực", "Giá trị tăng thêm theo giá hiện hành"]
TASK_HEADERS = [
    "Mã nhiệm vụ",
    "Nội dung nhiệm vụ",
    "Đơn vị chủ trì",
    "Đơn vị phối hợp",
    "Hạn hoàn thành",
    "Ngày báo cáo",
    "Tình trạng",
    "Tỷ lệ hoàn thành (%)",
    "Ngày hoàn thành",
]
BUDGET_HEADERS = ["Kỳ", "Chỉ tiêu", "Số thu"]


def ocop_row(n: int, overrides: dict | None = None) -> dict:
    row = {
        "Mã sản phẩm": f"OCOP-{n:03d}",
        "Tên sản phẩm": f"Nước mắm {n}",
        "Chủ thể": f"HTX {n}",
        "Mã số thuế": "",
        "Xã, thị trấn": "Vĩnh Long",
        "Nhóm sản phẩm": "Thực phẩm",
        "Điểm": "72",
        "Số sao": "4",
        "Cấp công nhận": "Tỉnh",
        "Số quyết định": f"{n}/QĐ-UBND",
        "Ngày công nhận": "10/11/2022",
    }
    row.update(overrides or {})
    return row


def economy_row(n: int, overrides: dict | None = None) -> dict:
    sectors = ["Công nghiệp", "Xây dựng", "Dịch vụ"]
    row = {
        "Năm": "2022",
        "Quý": "",
        "Khu vực": sectors[n - 1],
        "Giá trị tăng thêm theo giá hiện hành": "1.250.000",
    }
    row.update(overrides or {})
    return row


def task_row(n: int, overrides: dict | None = None) -> dict:
    row = {
        "Mã nhiệm vụ": f"NV-{n:02d}",
        "Nội dung nhiệm vụ": "Hỗ trợ nhà đầu tư KCN",
        "Đơn vị chủ trì": "Phòng Kinh tế và Hạ tầng",
        "Đơn vị phối hợp": "",
        "Hạn hoàn thành": "30/09/2022",
        "Ngày báo cáo": "15/10/2022",
        "Tình trạng": "Hoàn thành",
        "Tỷ lệ hoàn thành (%)": "100%",
        "Ngày hoàn thành": "20/09/2022",
    }
    row.update(overrides or {})
    return row


SOURCES = {
    "enterprise_reports": ("enterprise_reports", ENTERPRISE_HEADERS, enterprise_row),
    "labour_spells": ("labour", LABOUR_HEADERS, labour_row),
    "khuyen_cong": ("khuyen_cong", KC_HEADERS, kc_row),
    "ocop_ratings": ("ocop", OCOP_HEADERS, ocop_row),
    "economic_accounts": ("economy", ECONOMY_HEADERS, economy_row),
    "plan_tasks": ("plan_tasks", TASK_HEADERS, task_row),
}
