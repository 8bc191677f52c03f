"""A small, independent reader of the generated files, written from docs/sources.md only.

Used by test_generator.py to check that every value the generator writes reads back to the
Truth (and that each deliberate bad row really breaks a rule). Not the pipeline's ingestion.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from datetime import date, datetime
from pathlib import Path

import openpyxl
from stdnum.vn import mst

HEADERS = {
    "enterprise_reports": {
        "Mã số thuế": "tax_code",
        "Tên doanh nghiệp / cơ sở": "unit_name",
        "Loại hình": "ownership",
        "Xã, thị trấn": "commune",
        "Khu, cụm công nghiệp": "industrial_zone",
        "Mã ngành VSIC": "vsic_code",
        "Kỳ báo cáo": "period",
        "Ngày lập báo cáo": "report_date",
        "Giá trị sản xuất theo giá hiện hành": "gross_output_current",
        "Giá trị sản xuất theo giá so sánh 2010": "gross_output_const2010",
        "Doanh thu": "revenue",
        "Nộp ngân sách": "taxes_paid",
        "Vốn đầu tư thực hiện từ vốn tự có": "own_capital_invested",
        "Tổng số lao động": "employees",
        "Lao động qua đào tạo": "trained_employees",
        "Thu nhập bình quân": "avg_monthly_income",
        "Ứng dụng máy móc thiết bị tiên tiến": "advanced_machinery",
        "Công nghiệp hỗ trợ": "supporting_industry",
        "Ghi chú": "note",
    },
    "labour": {
        "Số CCCD": "citizen_id",
        "Họ và tên": "full_name",
        "Năm sinh": "birth_year",
        "Giới tính": "sex",
        "Mã số thuế đơn vị": "employer_tax_code",
        "Ngày bắt đầu làm việc": "start_date",
        "Ngày nghỉ việc": "end_date",
        "Trình độ chuyên môn kỹ thuật": "training_level",
        "Tiền lương tháng": "monthly_wage",
        "Xã nơi cư trú": "residence_commune",
    },
    "khuyen_cong": {
        "Số quyết định": "decision_no",
        "Ngày quyết định": "decision_date",
        "Tên đề án": "scheme_name",
        "Đơn vị thụ hưởng": "beneficiary_name",
        "Mã số thuế": "beneficiary_tax_code",
        "Xã, thị trấn": "commune",
        "Nguồn kinh phí": "fund_source",
        "Nội dung hỗ trợ": "support_type",
        "Tổng kinh phí đề án": "scheme_cost",
        "Kinh phí được duyệt": "approved_amount",
        "Kinh phí đã giải ngân": "disbursed_amount",
        "Ngày giải ngân": "disbursement_date",
    },
    "ocop_ratings": {
        "Mã sản phẩm": "product_code",
        "Tên sản phẩm": "product_name",
        "Chủ thể": "producer_name",
        "Mã số thuế": "producer_tax_code",
        "Xã, thị trấn": "commune",
        "Nhóm sản phẩm": "product_group",
        "Điểm": "score",
        "Số sao": "stars",
        "Cấp công nhận": "level",
        "Số quyết định": "decision_no",
        "Ngày công nhận": "recognised_on",
    },
    "budget_revenue": {"Kỳ": "period", "Chỉ tiêu": "item", "Số thu": "amount"},
    "economic_accounts": {
        "Năm": "year",
        "Quý": "quarter",
        "Khu vực": "sector",
        "Giá trị tăng thêm theo giá hiện hành": "value_added_current",
    },
    "plan_tasks": {
        "Mã nhiệm vụ": "task_code",
        "Nội dung nhiệm vụ": "task_name",
        "Đơn vị chủ trì": "lead_unit",
        "Đơn vị phối hợp": "partner_units",
        "Hạn hoàn thành": "due_date",
        "Ngày báo cáo": "report_date",
        "Tình trạng": "status",
        "Tỷ lệ hoàn thành": "percent_done",
        "Ngày hoàn thành": "done_date",
    },
}
NUMERIC = {
    "gross_output_current",
    "gross_output_const2010",
    "revenue",
    "taxes_paid",
    "own_capital_invested",
    "avg_monthly_income",
    "monthly_wage",
    "scheme_cost",
    "approved_amount",
    "disbursed_amount",
    "amount",
    "value_added_current",
    "percent_done",
}
INTEGER = {"employees", "trained_employees", "birth_year", "score", "stars", "year", "quarter"}
DATES = {
    "report_date",
    "start_date",
    "end_date",
    "decision_date",
    "disbursement_date",
    "recognised_on",
    "due_date",
    "done_date",
}
OCOP_GROUPS = {
    "Thực phẩm",
    "Đồ uống",
    "Thảo dược",
    "Thủ công mỹ nghệ",
    "Sinh vật cảnh",
    "Dịch vụ du lịch",
}
OCOP_LEVELS = {"Huyện", "Tỉnh", "Trung ương"}
BUDGET_ITEMS = ("Thu ngoài quốc doanh", "Trong đó: Công nghiệp")
SECTORS = {"Nông, lâm nghiệp và thủy sản", "Công nghiệp", "Xây dựng", "Dịch vụ", "Thuế sản phẩm"}
TASK_STATUSES = {"Chưa triển khai", "Đang thực hiện", "Hoàn thành", "Tạm dừng"}
LEAD_UNITS = {
    "Phòng Kinh tế và Hạ tầng",
    "Phòng Tài chính - Kế hoạch",
    "Phòng Tài nguyên và Môi trường",
    "Phòng Nông nghiệp và PTNT",
    "Phòng Văn hóa và Thông tin (với Trung tâm VHTT và TDTT)",
    "Thanh tra huyện",
    "Phòng Lao động - Thương binh và Xã hội",
    "Trung tâm phát triển cụm công nghiệp, khuyến công và dịch vụ du lịch biển",
    "Ban QLDA Đầu tư - Xây dựng và Phát triển quỹ đất",
    "UBND các xã, thị trấn",
}
BOOLS = {"advanced_machinery", "supporting_industry"}
COMMUNES = {
    "19363": "Hồ Xá",
    "19366": "Bến Quan",
    "19414": "Cửa Tùng",
    "19369": "Vĩnh Thái",
    "19372": "Vĩnh Tú",
    "19375": "Vĩnh Chấp",
    "19378": "Trung Nam",
    "19384": "Kim Thạch",
    "19387": "Vĩnh Long",
    "19393": "Vĩnh Khê",
    "19396": "Vĩnh Hòa",
    "19402": "Vĩnh Thủy",
    "19405": "Vĩnh Lâm",
    "19408": "Hiền Thành",
    "19417": "Vĩnh Hà",
    "19420": "Vĩnh Sơn",
    "19423": "Vĩnh Giang",
    "19426": "Vĩnh Ô",
}
ZONES = {
    "kcn tây bắc hồ xá": "KCN_TBHX",
    "khu công nghiệp tây bắc hồ xá": "KCN_TBHX",
    "ccn cửa tùng": "CCN_CUA_TUNG",
    "cụm công nghiệp cửa tùng": "CCN_CUA_TUNG",
}
AMBIGUOUS = re.compile(r"-?\d{1,3}[.,]\d{3}")
VN = re.compile(r"-?(\d{1,3}(\.\d{3})+(,\d+)?|\d+,\d+)")
EN = re.compile(r"-?(\d{1,3}(,\d{3})+(\.\d+)?|\d+\.\d+)")


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFC", text).replace("đ", "d").replace("Đ", "D")
    nfd = unicodedata.normalize("NFD", text)
    return " ".join("".join(c for c in nfd if not unicodedata.combining(c)).lower().split())


def _header_key(cell: object) -> str:
    return _fold(re.sub(r"\(.*?\)", "", str(cell or "")))


def commune_code(text: str) -> str | None:
    """GSO code of a commune written with or without prefix, abbreviated, or as code."""
    t = unicodedata.normalize("NFC", text.strip())
    if t in COMMUNES:
        return t
    t = re.sub(r"^(Thị trấn|Xã|TT\.|TT)\s+", "", t)
    return next((c for c, n in COMMUNES.items() if n == t), None)


def _find_header(rows: list[list], keys: dict[str, str]) -> tuple[int, dict[int, str]]:
    for h, row in enumerate(rows):
        mapped = {i: keys[_header_key(c)] for i, c in enumerate(row) if _header_key(c) in keys}
        if len(mapped) >= 3:
            return h, mapped
    return -1, {}


def read_table(path: Path, source: str) -> list[tuple[int, dict[str, object]]]:
    """(row_number, {canonical: raw cell}) for every data row of the file."""
    keys = {_header_key(k): v for k, v in HEADERS[source].items()}
    if path.suffix == ".csv":
        raw = path.read_bytes()
        if raw.startswith(b"\xef\xbb\xbf"):
            text = raw[3:].decode("utf-8")
        else:
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                text = raw.decode("cp1258")
        text = unicodedata.normalize("NFC", text)
        # the delimiter whose header row maps the most columns (';' may sit inside fields)
        h, mapped, rows = max(
            (
                _find_header(rows, keys) + (rows,)
                for rows in (
                    list(csv.reader(io.StringIO(text, newline=""), delimiter=d)) for d in ",;"
                )
            ),
            key=lambda t: len(t[1]),
        )
    else:
        wb = openpyxl.load_workbook(path)
        rows = [list(r) for r in wb.worksheets[0].iter_rows(values_only=True)]
        h, mapped = _find_header(rows, keys)
    out = []
    for n, row in enumerate(rows[h + 1 :], start=h + 2):
        cells = [c for c in row if c not in (None, "")]
        if not cells:
            continue
        if isinstance(cells[0], str) and _fold(cells[0]) in ("tong cong", "cong", "tong"):
            continue
        out.append(
            (
                n,
                {
                    col: (
                        unicodedata.normalize("NFC", row[i]) if isinstance(row[i], str) else row[i]
                    )
                    for i, col in mapped.items()
                    if i < len(row)
                },
            )
        )
    return out


def parse_numbers(cells: list[object], integer: bool) -> list[float | None | str]:
    """Numbers of one column of one file; 'AMBIGUOUS' where the rule cannot decide."""
    texts = [c.strip() for c in cells if isinstance(c, str) and c.strip()]
    vn = any(VN.fullmatch(t) and not AMBIGUOUS.fullmatch(t) for t in texts)
    en = any(EN.fullmatch(t) and not AMBIGUOUS.fullmatch(t) for t in texts)
    assert not (vn and en), "column mixes number styles"
    out: list[float | None | str] = []
    for c in cells:
        if c is None or (isinstance(c, str) and not c.strip()):
            out.append(None)
        elif not isinstance(c, str):
            out.append(float(c))
        else:
            t = c.strip()
            if AMBIGUOUS.fullmatch(t) and not (vn or en or integer):
                out.append("AMBIGUOUS")
                continue
            dot_thousands = (
                vn or (integer and not en) if AMBIGUOUS.fullmatch(t) else bool(VN.fullmatch(t))
            )
            t = t.replace(".", "").replace(",", ".") if dot_thousands else t.replace(",", "")
            out.append(float(t))
    return out


def parse_date(v: object) -> date | None:
    if v is None or v == "":
        return None
    if isinstance(v, datetime):
        return v.date()
    if isinstance(v, date):
        return v
    t = str(v).strip()
    if m := re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", t):
        return date(int(m[3]), int(m[2]), int(m[1]))
    return date.fromisoformat(t)


def parse_period(v: object) -> date:
    t = str(v).strip()
    if m := re.fullmatch(r"(?:Tháng\s*)?(\d{1,2})/(\d{4})", t):
        return date(int(m[2]), int(m[1]), 1)
    m = re.fullmatch(r"(\d{4})-(\d{2})", t)
    assert m, t
    return date(int(m[1]), int(m[2]), 1)


def parse_bool(v: object) -> bool:
    t = "" if v is None else _fold(str(v))
    assert t in ("co", "x", "1", "yes", "khong", "", "0", "no"), v
    return t in ("co", "x", "1", "yes")


def read_file(path: Path, source: str) -> list[tuple[int, dict, list[str]]]:
    """Typed rows with the rules each one breaks: (row_number, record, broken rules)."""
    rows = read_table(path, source)
    cols = {c for _, r in rows for c in r}
    numbers = {
        c: parse_numbers([r.get(c) for _, r in rows], c in INTEGER)
        for c in cols
        if c in NUMERIC | INTEGER
    }
    out = []
    for i, (n, raw) in enumerate(rows):
        rec: dict[str, object] = {}
        errors: list[str] = []
        for c, v in raw.items():
            if c in numbers:
                rec[c] = numbers[c][i]
                if rec[c] == "AMBIGUOUS":
                    errors.append(c)
                elif c in INTEGER and rec[c] is not None:
                    rec[c] = int(rec[c])
            elif c in DATES:
                rec[c] = parse_date(v)
            elif c == "period":
                rec[c] = parse_period(v)
            elif c in BOOLS:
                rec[c] = parse_bool(v)
            else:
                rec[c] = None if v in (None, "") else str(v).strip()
        errors += _rules(source, rec)
        out.append((n, rec, errors))
    if source == "budget_revenue":  # industry ≤ total for the same month in the same file
        totals = {r["period"]: r["amount"] for _, r, _ in out if r["item"] == BUDGET_ITEMS[0]}
        for _, r, errors in out:
            total = totals.get(r["period"])
            if r["item"] == BUDGET_ITEMS[1] and total is not None and r["amount"] > total:
                errors.append("amount")
    return out


def _rules(source: str, r: dict) -> list[str]:
    bad = []
    for c in ("tax_code", "employer_tax_code", "beneficiary_tax_code", "producer_tax_code"):
        blank_ok = c == "producer_tax_code"  # optional for households
        if c in r and (not mst.is_valid(str(r[c])) if r[c] is not None else not blank_ok):
            bad.append(c)
    if source == "enterprise_reports":
        if commune_code(r["commune"]) is None:
            bad.append("commune")
        if not 5 <= int(r["vsic_code"][:2]) <= 39:
            bad.append("vsic_code")
        if r["period"] > r["report_date"]:
            bad.append("period")
        bad += [c for c in NUMERIC if isinstance(r.get(c), float) and r[c] < 0]
        if r["trained_employees"] > r["employees"]:
            bad.append("trained_employees")
    elif source == "labour":
        if not re.fullmatch(r"\d{12}", r["citizen_id"]):
            bad.append("citizen_id")
        if not 15 <= r["start_date"].year - r["birth_year"] <= 75:
            bad.append("birth_year")
        if r["end_date"] is not None and r["end_date"] < r["start_date"]:
            bad.append("end_date")
    elif source == "khuyen_cong":
        if (r["disbursed_amount"] or 0) > r["approved_amount"]:
            bad.append("disbursed_amount")
        if r["disbursement_date"] is not None and r["disbursement_date"] < r["decision_date"]:
            bad.append("disbursement_date")
    elif source == "ocop_ratings":
        if commune_code(r["commune"]) is None:
            bad.append("commune")
        if r["product_group"] not in OCOP_GROUPS:
            bad.append("product_group")
        if r["level"] not in OCOP_LEVELS:
            bad.append("level")
        if not 0 <= r["score"] <= 100:
            bad.append("score")  # consistency is only judged on a valid score
        elif r["stars"] != _stars(r["score"]):
            bad.append("stars")
        if not (
            r["product_code"]
            and r["product_name"]
            and r["producer_name"]
            and r["decision_no"]
            and r["recognised_on"]
        ):
            bad.append("required")
    elif source == "budget_revenue":
        if r["item"] not in BUDGET_ITEMS:
            bad.append("item")
        if r["amount"] is None or r["amount"] < 0:
            bad.append("amount")
    elif source == "economic_accounts":
        if r["quarter"] is not None and not 1 <= r["quarter"] <= 4:
            bad.append("quarter")
        if r["sector"] not in SECTORS:
            bad.append("sector")
        if r["value_added_current"] is None or r["value_added_current"] < 0:
            bad.append("value_added_current")
    elif source == "plan_tasks":
        if r["lead_unit"] not in LEAD_UNITS:
            bad.append("lead_unit")
        if r["status"] not in TASK_STATUSES:
            bad.append("status")
        done = r["status"] == "Hoàn thành"
        if not 0 <= r["percent_done"] <= 100 or (done and r["percent_done"] != 100):
            bad.append("percent_done")
        if r["status"] == "Hoàn thành" and r["done_date"] is None:
            bad.append("done_date")
        if not (r["task_code"] and r["task_name"] and r["due_date"] and r["report_date"]):
            bad.append("required")
    return bad


def _stars(score: int) -> int:
    """docs/domain.md#ocop: 90–100 ★5, 70–89 ★4, 50–69 ★3, 30–49 ★2, under 30 ★1."""
    return next(
        stars for low, stars in ((90, 5), (70, 4), (50, 3), (30, 2), (0, 1)) if score >= low
    )
