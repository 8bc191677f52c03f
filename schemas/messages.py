"""Every rule a row or a file can break, with its message in Vietnamese and English.

Placeholders: ``{header}`` the column as written in the sender's file, ``{value}`` the cell,
``{detail}`` rule-specific context, ``{part[i]}`` its i-th part where it has several
(separated by "|"). The people who sent the file read the Vietnamese text.
"""

from __future__ import annotations

ROW_RULES: dict[str, tuple[str, str]] = {
    "required": (
        "Cột '{header}' bắt buộc phải có giá trị.",
        "Column '{header}' is required.",
    ),
    "number_format": (
        "Cột '{header}': '{value}' không phải là một số hợp lệ.",
        "Column '{header}': '{value}' is not a valid number.",
    ),
    "out_of_range": (
        "Cột '{header}': '{value}' quá lớn hoặc không phải số hữu hạn.",
        "Column '{header}': '{value}' is too large or not a finite number.",
    ),
    "number_ambiguous": (
        "Cột '{header}': không rõ '{value}' dùng dấu chấm/phẩy phân cách hàng nghìn hay thập "
        "phân; hãy ghi rõ, ví dụ 1.110,0 hoặc 1110.",
        "Column '{header}': '{value}' is ambiguous (thousands or decimal separator?); "
        "write it unambiguously, e.g. 1.110,0 or 1110.",
    ),
    "excel_error": (
        "Cột '{header}': ô báo lỗi Excel '{value}' (công thức hỏng hoặc tham chiếu sai); hãy sửa "
        "công thức hoặc nhập giá trị.",
        "Column '{header}': the cell shows the Excel error '{value}' (a broken formula or "
        "reference); fix the formula or type the value.",
    ),
    "formula_no_value": (
        "Cột '{header}': ô chứa công thức '{value}' nhưng chưa có giá trị tính sẵn (tệp chưa "
        "từng được mở và lưu bằng Excel); hãy mở tệp bằng Excel, lưu lại rồi gửi, hoặc nhập giá "
        "trị.",
        "Column '{header}': the cell holds the formula '{value}' with no calculated value (the "
        "file was never opened and saved in Excel); open and save it in Excel, or type the "
        "value.",
    ),
    "integer": (
        "Cột '{header}': '{value}' phải là số nguyên.",
        "Column '{header}': '{value}' must be a whole number.",
    ),
    "date_format": (
        "Cột '{header}': '{value}' không phải ngày hợp lệ (dd/mm/yyyy).",
        "Column '{header}': '{value}' is not a valid date (dd/mm/yyyy).",
    ),
    "month_format": (
        "Cột '{header}': '{value}' không phải kỳ báo cáo hợp lệ (mm/yyyy).",
        "Column '{header}': '{value}' is not a valid reporting month (mm/yyyy).",
    ),
    "yes_no": (
        "Cột '{header}': '{value}' phải là Có/Không (hoặc x, 1, 0).",
        "Column '{header}': '{value}' must be yes/no (Có/Không, x, 1, 0).",
    ),
    "category": (
        "Cột '{header}': '{value}' không thuộc danh mục cho phép ({detail}).",
        "Column '{header}': '{value}' is not an allowed value ({detail}).",
    ),
    "min": (
        "Cột '{header}': '{value}' phải lớn hơn hoặc bằng {detail}.",
        "Column '{header}': '{value}' must be at least {detail}.",
    ),
    "min_exclusive": (
        "Cột '{header}': '{value}' phải lớn hơn {detail}.",
        "Column '{header}': '{value}' must be greater than {detail}.",
    ),
    "max": (
        "Cột '{header}': '{value}' phải nhỏ hơn hoặc bằng {detail}.",
        "Column '{header}': '{value}' must be at most {detail}.",
    ),
    "tax_code": (
        "Cột '{header}': mã số thuế '{value}' không hợp lệ (10 chữ số, có thể thêm -3 chữ số "
        "chi nhánh; chữ số kiểm tra sai hoặc thiếu số 0 đầu).",
        "Column '{header}': tax code '{value}' is invalid (10 digits, optionally -3 digits for a "
        "branch; wrong check digit or lost leading zero).",
    ),
    "citizen_id": (
        "Cột '{header}': số CCCD phải gồm đúng 12 chữ số.",
        "Column '{header}': a citizen ID must be exactly 12 digits.",
    ),
    "commune": (
        "Cột '{header}': '{value}' không phải xã, thị trấn của huyện có hiệu lực tại {detail}.",
        "Column '{header}': '{value}' is not a commune of the district valid on {detail}.",
    ),
    "zone": (
        "Cột '{header}': '{value}' không có trong danh mục khu, cụm công nghiệp.",
        "Column '{header}': '{value}' is not in the list of industrial zones and clusters.",
    ),
    "vsic_industry": (
        "Cột '{header}': mã ngành '{value}' phải có 4 hoặc 5 chữ số thuộc ngành công nghiệp "
        "(ngành cấp 2 từ 05 đến 39).",
        "Column '{header}': VSIC code '{value}' must have 4 or 5 digits in an industrial "
        "division (05–39).",
    ),
    "lead_unit": (
        "Cột '{header}': '{value}' không có trong danh sách đơn vị chủ trì.",
        "Column '{header}': '{value}' is not in the list of lead units.",
    ),
    "decision_no": (
        "Cột '{header}': số quyết định '{value}' không đúng dạng, ví dụ 125/QĐ-UBND.",
        "Column '{header}': decision number '{value}' is malformed, expected e.g. 125/QĐ-UBND.",
    ),
    "area_folder": (
        "Thư mục '{value}' không hợp lệ: chỉ một tên thư mục dưới raw/ (chữ, số, '_', '-'), "
        "không trùng thư mục của một nguồn.",
        "Folder '{value}' is not valid: one folder name under raw/ (letters, digits, '_', '-'), "
        "not a source's folder.",
    ),
    "period_after_report_date": (
        "Kỳ báo cáo '{value}' sau ngày lập báo cáo.",
        "Reporting period '{value}' is after the report date.",
    ),
    "trained_gt_employees": (
        "Lao động qua đào tạo ({value}) lớn hơn tổng số lao động.",
        "Trained employees ({value}) exceed total employees.",
    ),
    "age_out_of_range": (
        "Năm sinh {value}: người lao động phải từ 15 đến 75 tuổi khi bắt đầu làm việc.",
        "Birth year {value}: the worker must be 15 to 75 years old at the start date.",
    ),
    "end_before_start": (
        "Ngày nghỉ việc {value} trước ngày bắt đầu làm việc.",
        "End date {value} is before the start date.",
    ),
    "approved_gt_cost": (
        "Kinh phí được duyệt ({value}) lớn hơn tổng kinh phí đề án.",
        "Approved amount ({value}) exceeds the scheme cost.",
    ),
    "disbursed_gt_approved": (
        "Kinh phí đã giải ngân ({value}) lớn hơn kinh phí được duyệt.",
        "Disbursed amount ({value}) exceeds the approved amount.",
    ),
    "disbursement_before_decision": (
        "Ngày giải ngân {value} trước ngày quyết định.",
        "Disbursement date {value} is before the decision date.",
    ),
    "disbursement_date_missing": (
        "Đã giải ngân nhưng thiếu ngày giải ngân.",
        "An amount was disbursed but the disbursement date is missing.",
    ),
    "stars_score_mismatch": (
        "Số sao {value} không khớp với điểm đánh giá (90–100: 5 sao, 70–89: 4, 50–69: 3, "
        "30–49: 2, dưới 30: 1).",
        "{value} stars do not match the score (90–100: 5 stars, 70–89: 4, 50–69: 3, 30–49: 2, "
        "under 30: 1).",
    ),
    "industry_gt_total": (
        "Số thu ngành Công nghiệp ({value}) lớn hơn tổng thu ngoài quốc doanh cùng tháng.",
        "Industry revenue ({value}) exceeds the month's total non-state revenue.",
    ),
    "done_date_missing": (
        "Nhiệm vụ đã hoàn thành nhưng thiếu ngày hoàn thành.",
        "The task is done but its completion date is missing.",
    ),
    "done_not_100_percent": (
        "Nhiệm vụ đã hoàn thành thì tỷ lệ hoàn thành phải là 100% (đang ghi {value}).",
        "A task that is done must be 100 % complete (found {value}).",
    ),
    "duplicate_in_file": (
        "Dòng trùng khóa ({detail}) với một dòng khác trong cùng tệp; cả hai dòng bị loại.",
        "Row repeats the key ({detail}) of another row in the same file; both are rejected.",
    ),
    "total_mismatch": (
        "Dòng tổng cộng, cột '{header}': {value} khác tổng các dòng phía trên ({detail}).",
        "Total row, column '{header}': {value} differs from the sum of the rows above ({detail}).",
    ),
    "invalid_bytes": (
        "Cột '{header}': ô chứa ký tự không hợp lệ theo UTF-8 ('{value}'), có thể do dán từ "
        "một chương trình khác; hãy gõ lại nội dung ô này.",
        "Column '{header}': the cell holds characters that are not valid UTF-8 ('{value}'), "
        "maybe pasted from another program; retype the cell.",
    ),
    "cell_too_long": (
        "Cột '{header}': ô dài từ {detail} ký tự trở lên (giới hạn của một ô Excel, nội dung "
        "có thể đã bị cắt), bắt đầu bằng '{value}'; hãy kiểm tra lại nội dung ô.",
        "Column '{header}': the cell holds {detail} characters or more (an Excel cell's limit; "
        "its text may have been cut), starting '{value}'; check the cell.",
    ),
    "future_date": (
        "Cột '{header}': '{value}' ở sau ngày chạy {detail}; năm hoặc ngày có thể bị gõ nhầm.",
        "Column '{header}': '{value}' is after the run date {detail}; a mistyped year or date?",
    ),
    "kpi_code": (
        "Cột '{header}': mã chỉ tiêu '{value}' không có trong danh mục chỉ tiêu "
        "(sql/seeds/kpi_catalog.csv); có thể bị gõ nhầm.",
        "Column '{header}': KPI code '{value}' is not in the KPI catalogue "
        "(sql/seeds/kpi_catalog.csv); a typo?",
    ),
    # {part[i]}: the i-th part of the detail "wrong unit|unit|factor VI|factor EN|basis VI|
    # basis EN" (flows/ingest/validate.py, implausible).
    "unit_error": (
        "Cột '{header}': '{value}' {part[4]}: có vẻ đã nhập theo đơn vị {part[0]} thay cho "
        "{part[1]} ({part[2]}). Hãy sửa và gửi lại tệp: tệp mới thay thế tệp cũ.",
        "Column '{header}': '{value}' is {part[5]}: looks like {part[0]} typed instead of "
        "{part[1]} ({part[3]}). Correct it and send the file again: the new file replaces "
        "the old one.",
    ),
    "implausible": (
        "Cột '{header}': '{value}' {part[4]}; hãy kiểm tra lại số liệu và đơn vị tính ({part[1]}).",
        "Column '{header}': '{value}' is {part[5]}; check the figure and its unit ({part[1]}).",
    ),
}

FILE_RULES: dict[str, tuple[str, str]] = {
    "unreadable": (
        "Không đọc được tệp ({detail}). Hãy gửi lại tệp Excel (.xlsx) hoặc CSV.",
        "The file cannot be read ({detail}). Please resend it as Excel (.xlsx) or CSV.",
    ),
    "password_protected": (
        "Bảng tính được đặt mật khẩu nên không đọc được; hãy bỏ mật khẩu (Tệp > Thông tin > "
        "Bảo vệ sổ làm việc), lưu lại rồi gửi lại.",
        "The workbook is password-protected and cannot be read; remove the password (File > "
        "Info > Protect Workbook), save it and send it again.",
    ),
    "unsupported_type": (
        "Loại tệp '{detail}' không được hỗ trợ; hãy gửi .xlsx hoặc .csv.",
        "File type '{detail}' is not supported; send .xlsx or .csv.",
    ),
    "no_header": (
        "Không tìm thấy dòng tiêu đề cột (cần các cột: {detail}).",
        "No header row was found (expected columns: {detail}).",
    ),
    "missing_columns": (
        "Thiếu cột bắt buộc: {detail}.",
        "Required columns are missing: {detail}.",
    ),
    "duplicate_columns": (
        "Cột xuất hiện hai lần: {detail}.",
        "A column appears twice: {detail}.",
    ),
    "legacy_encoding": (
        "Tệp dùng bảng mã cũ {detail}; hãy lưu lại dạng Unicode (UTF-8) rồi gửi lại.",
        "The file uses the legacy {detail} encoding; save it as Unicode (UTF-8) and resend.",
    ),
    "empty": (
        "Tệp không có dòng dữ liệu nào.",
        "The file has no data rows.",
    ),
    "too_large": (
        "Tệp quá lớn để xử lý ({detail}); hãy chia nhỏ tệp (giới hạn đặt bằng "
        "VLPIPE_MAX_FILE_MB / VLPIPE_MAX_ROWS).",
        "The file is too large to process ({detail}); split it (limits: VLPIPE_MAX_FILE_MB / "
        "VLPIPE_MAX_ROWS).",
    ),
    "internal_error": (
        "Lỗi khi xử lý tệp ({detail}); tệp sẽ được xử lý lại ở lần chạy sau. Hãy báo cho "
        "người bảo trì hệ thống.",
        "Internal error while processing the file ({detail}); it will be tried again in the "
        "next run. Please tell the maintainers.",
    ),
    "pii_key_changed": (
        "Khóa bảo vệ dữ liệu cá nhân khác với khóa đã dùng cho kho dữ liệu này; nguồn này chưa "
        "được nạp để tránh một người có hai mã ẩn danh.",
        "The personal-data key differs from the one this warehouse was built with; this "
        "source was not loaded (a person would get a second pseudonym).",
    ),
    "optional_columns_missing": (
        "Đã nạp; tệp thiếu các cột không bắt buộc: {detail} (để trống).",
        "Loaded; the file lacks the optional columns: {detail} (left empty).",
    ),
    "subtotal_rows_skipped": (
        "Bỏ qua {detail} dòng cộng nhóm (tổng phụ), không phải số liệu.",
        "Skipped {detail} subtotal rows (not data).",
    ),
    "sheets_not_read": (
        "Không đọc các trang tính {detail}; nếu trang nào có số liệu, hãy dùng tiêu đề cột như "
        "trang đã đọc.",
        "Sheets not read: {detail}; if one holds data, give it the column headers of the "
        "sheets read.",
    ),
    "no_pii_key": (
        "Chưa cấu hình khóa bảo vệ dữ liệu cá nhân (VLPIPE_PII_KEY); nguồn này chưa được nạp.",
        "No personal-data key is configured (VLPIPE_PII_KEY); this source was not loaded.",
    ),
    "stray_cells_ignored": (
        "Bỏ qua ô nằm rất xa bảng số liệu (có thể do gõ nhầm): {detail}; hãy xóa ô đó nếu "
        "không cần.",
        "Ignored cells lying far away from the table (probably typed by mistake): {detail}; "
        "delete them if they are not needed.",
    ),
    "unassigned": (
        "Tệp không nằm trong thư mục của nguồn dữ liệu nào nên chưa được đọc; hãy đặt tệp vào "
        "một trong các thư mục: {detail}.",
        "The file is in no source's folder and was not read; put it in one of the folders: "
        "{detail}.",
    ),
}


def row_message(rule: str, header: str, value: object, detail: str = "") -> tuple[str, str]:
    """The (Vietnamese, English) message for a broken row rule."""
    vi, en = ROW_RULES[rule]
    text = "" if value is None else str(value)
    part = tuple(detail.split("|"))  # a detail of several parts, for the templates that use them
    return (
        vi.format(header=header, value=text, detail=detail, part=part),
        en.format(header=header, value=text, detail=detail, part=part),
    )


def file_message(rule: str, detail: str = "") -> str:
    """A file-level reason, Vietnamese first then English, as one line."""
    vi, en = FILE_RULES[rule]
    return f"{vi.format(detail=detail)} / {en.format(detail=detail)}"


# What stops a whole night before it starts, or ends it: one line for the operator.
RUN_RULES: dict[str, tuple[str, str]] = {
    "raw_dir_missing": (
        "Không có thư mục dữ liệu gửi đến {detail}; không đọc được tệp nào.",
        "The raw folder {detail} does not exist; no file could be read.",
    ),
    "raw_dir_unreadable": (
        "Không đọc được thư mục dữ liệu gửi đến {detail}.",
        "The raw folder {detail} cannot be read.",
    ),
    "warehouse_read_only": (
        "Thư mục kho dữ liệu {detail} chỉ đọc, không ghi được; lần chạy dừng, bản đã công bố "
        "giữ nguyên.",
        "The warehouse folder {detail} is read-only; the run stopped, the current publication "
        "stands.",
    ),
    "warehouse_full": (
        "Ổ đĩa của kho dữ liệu {detail} đã đầy; hãy giải phóng dung lượng. Lần chạy dừng, bản "
        "đã công bố giữ nguyên.",
        "The warehouse's disk {detail} is full; free some space. The run stopped, the current "
        "publication stands.",
    ),
    "warehouse_unwritable": (
        "Không ghi được vào thư mục kho dữ liệu {detail}; lần chạy dừng, bản đã công bố giữ "
        "nguyên.",
        "Cannot write to the warehouse folder {detail}; the run stopped, the current "
        "publication stands.",
    ),
    "bad_month": (
        "Tháng không hợp lệ: {detail}; cần dạng YYYY-MM, ví dụ 2022-06.",
        "Invalid month {detail}; expected YYYY-MM, e.g. 2022-06.",
    ),
    "server_not_started": (
        "Không khởi động được máy chủ Prefect ({detail}); chưa có lịch chạy nào. Hãy kiểm tra "
        "thư mục PREFECT_HOME, hoặc đặt PREFECT_API_URL trỏ tới một máy chủ đang chạy.",
        "The Prefect server could not be started ({detail}); nothing is scheduled. Check the "
        "PREFECT_HOME folder, or set PREFECT_API_URL to a running server.",
    ),
    "bad_cron": (
        "Lịch chạy không hợp lệ: {detail}; cần biểu thức cron, ví dụ '0 1 * * *' (01:00 hằng đêm).",
        "Invalid schedule {detail}; expected a cron expression, e.g. '0 1 * * *' (01:00 "
        "every night).",
    ),
    "bad_timezone": (
        "Múi giờ không hợp lệ: {detail}; ví dụ Asia/Ho_Chi_Minh.",
        "Invalid time zone {detail}; e.g. Asia/Ho_Chi_Minh.",
    ),
    "source_no_pii_key": (
        "Nguồn {detail} không được nạp: chưa cấu hình khóa bảo vệ dữ liệu cá nhân. Cách sửa: "
        "đặt biến môi trường VLPIPE_PII_KEY hoặc tạo Secret block 'vlpipe-pii-key' của "
        "Prefect, rồi chạy lại; các nguồn khác vẫn được nạp.",
        "Source {detail} not loaded: no personal-data key is configured. To fix: set "
        "VLPIPE_PII_KEY or create the Prefect Secret block 'vlpipe-pii-key', then run again; "
        "the other sources were loaded.",
    ),
    "source_pii_key_changed": (
        "Nguồn {detail} không được nạp: khóa bảo vệ dữ liệu cá nhân (VLPIPE_PII_KEY hoặc "
        "Secret block 'vlpipe-pii-key') khác với khóa đã dùng cho kho dữ liệu này. Cách sửa: "
        "dùng lại khóa cũ, hoặc dựng kho dữ liệu mới với khóa mới; các nguồn khác vẫn được "
        "nạp.",
        "Source {detail} not loaded: the personal-data key (VLPIPE_PII_KEY or the Secret "
        "block 'vlpipe-pii-key') differs from the one this warehouse was built with. To fix: "
        "set the warehouse's key again, or build a new warehouse with the new key; the other "
        "sources were loaded.",
    ),
}


def run_message(rule: str, detail: str = "") -> str:
    """A run-level problem, Vietnamese first then English, as one line."""
    vi, en = RUN_RULES[rule]
    return f"{vi.format(detail=detail)} / {en.format(detail=detail)}"
