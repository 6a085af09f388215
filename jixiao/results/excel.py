"""结果应用建议表: one row per recommendation the actor may see, under the list's filters.

A title row, a caption (results years, export time), the header, the rows and a totals row.
Amounts are numbers in 万元 with two decimals so the table adds up in Excel; the reasons are
joined into one cell. Text that Excel would run as a formula is written as text.
"""

import io
from collections.abc import Iterable
from decimal import Decimal

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from jixiao.core.money import yuan_to_wan
from jixiao.org.models import Region
from jixiao.results.models import Recommendation

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEET = "结果应用建议表"
HEADER_ROW = 3
COLUMNS: tuple[tuple[str, int], ...] = (
    ("序号", 6),
    ("单位编码", 10),
    ("单位名称", 22),
    ("项目代码", 14),
    ("项目名称", 28),
    ("上年预算数（万元）", 14),
    ("依据等级", 8),
    ("建议", 22),
    ("压减比例（%）", 10),
    ("建议安排数（万元）", 14),
    ("整改完成后安排", 10),
    ("状态", 10),
    ("财政确定的意见", 14),
    ("财政确定的安排数（万元）", 14),
    ("调整理由", 30),
    ("依据", 60),
    ("规则版本", 16),
)
WAN_COLUMNS = (6, 10, 14)
_WAN = "#,##0.00"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_THIN = Side(style="thin")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
_TOTAL_FILL = PatternFill("solid", fgColor="F2F2F2")
_WRAP = Alignment(vertical="top", wrap_text=True)


def _put(sheet: Worksheet, row: int, column: int, value: object, *, fmt: str = "General") -> object:
    cell = sheet.cell(row=row, column=column)
    if isinstance(value, str):
        text = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell.value = text
        if text.startswith(_FORMULA_START):
            cell.data_type = "s"
            cell.quotePrefix = True
    else:
        cell.value = value
    cell.number_format = fmt
    cell.border = _BORDER
    cell.alignment = _WRAP
    return cell


def _wan(yuan: Decimal | None) -> Decimal | None:
    return None if yuan is None else yuan_to_wan(yuan)


def reasons_text(rec: Recommendation) -> str:
    return "；".join(("★" if r.get("decisive") else "") + str(r.get("text", "")) for r in rec.reasons)


def recommendation_workbook(*, region: Region, year: int, recommendations: Iterable[Recommendation]) -> bytes:
    """``recommendations`` are already limited to what the actor may see (select ``unit`` and
    ``project``)."""
    rows = list(recommendations)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = SHEET
    last = len(COLUMNS)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=last)
    title = sheet.cell(row=1, column=1, value=f"{region.name}{year}年度预算绩效评价结果应用建议表")
    title.font = Font(bold=True, size=16)
    title.alignment = Alignment(horizontal="center", vertical="center")
    sheet.row_dimensions[1].height = 30
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=last)
    sheet.cell(
        row=2,
        column=1,
        value=(
            f"依据 {year - 1} 年度项目及此前各年度的绩效自评、财政抽查复核、财政重点评价、运行监控处理决定"
            f"和整改情况；金额单位：万元；★ 为起决定作用的依据；导出时间 {timezone.localtime():%Y-%m-%d %H:%M}"
        ),
    )
    for column, (header, width) in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=HEADER_ROW, column=column, value=header)
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
        cell.border = _BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        sheet.column_dimensions[get_column_letter(column)].width = width
    row = HEADER_ROW + 1
    for number, rec in enumerate(rows, start=1):
        decided = rec.status != "draft"
        values: list[object] = [
            number,
            rec.unit.code,
            rec.unit.name,
            rec.code,
            rec.project.name,
            _wan(rec.base),
            rec.grade or "—",
            rec.label,
            rec.cut,
            _wan(rec.amount),
            "是" if rec.conditional else "否",
            rec.get_status_display(),
            rec.get_final_action_display() if decided else "",
            _wan(rec.final_amount) if decided else None,
            rec.decision_note,
            reasons_text(rec),
            rec.rules_version,
        ]
        for column, value in enumerate(values, start=1):
            fmt = _WAN if column in WAN_COLUMNS else ("0.00" if column == 9 else "General")
            _put(sheet, row, column, "" if value is None else value, fmt=fmt)
        row += 1
    _put(sheet, row, 1, "合计")
    sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=5)
    sums = {
        6: sum((r.base for r in rows), Decimal(0)),
        10: sum((r.amount for r in rows), Decimal(0)),
        14: sum((r.final_amount for r in rows if r.status != "draft" and r.final_amount is not None), Decimal(0)),
    }
    for column in range(6, last + 1):
        _put(sheet, row, column, _wan(sums[column]) if column in sums else "", fmt=_WAN)
    for column in range(1, last + 1):
        sheet.cell(row=row, column=column).fill = _TOTAL_FILL
        sheet.cell(row=row, column=column).font = Font(bold=True)
    sheet.freeze_panes = f"F{HEADER_ROW + 1}"
    sheet.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(last)}{max(row - 1, HEADER_ROW)}"
    sheet.page_setup.orientation = "landscape"
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    book.properties.title = f"{year}年度结果应用建议表"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
