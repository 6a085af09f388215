"""The Excel door for goal sheets: the 项目支出绩效目标申报表 layout Hunan counties fill in.

``write_workbook`` lays interchange-format goal sheets (formats §1) out as the official table a
unit accountant recognises, one worksheet each, after a 填表说明 sheet; ``read_workbook`` reads a
filled workbook back into interchange dicts and a list of ``Issue``. Indicator cells are passed
through as text: splitting a target such as ``≥95%`` is the sheet reader's job, not this door's.

Amounts are written in 万元 as the exact value (123456.78 元 is 12.345678) shown with two decimals,
so nothing is lost on the way back. Text columns are formatted as text (``@``), so 95% typed into
指标值 stays "95%": a cell pasted with Excel's percent format would arrive as 0.95, and python-calamine
cannot see number formats to tell.

Layout (columns A–I; the first row of a merged range holds its text):

project sheet                                  department sheet
  1  title (A1:I1)                               1  title
  2  预算年度 A2 → C2                             2  预算年度 → C2
  3  项目名称 A3 → C3                             3  部门（单位）编码 → C3, 部门（单位）名称 F3 → H3
  4  项目编码 → C4, 项目类别 F4 → H4              4–10 资金情况（万元） A4: 年度资金总额 C4 → F4, then
  5  预算单位编码 → C5, 预算单位名称 F5 → H5            one row per fund source C5..C10 → F5..F10
  6  项目属性 → C6 (新增/延续), 项目期 F6 → H6      11 中期目标 → C11
  7  项目概况 → C7                                12 年度总体目标 → C12
  8–14 资金情况（万元） A8: 年度资金总额 C8 → F8,    13 indicator header, indicators from row 14
       fund sources C9..C14 → F9..F14            after the indicator rows: 部门预算项目, a header
 15  实施期目标 → C15                                  row 项目名称 (A) | 金额（万元） (G), lines below
 16  年度总体目标 → C16
 17  indicator header, indicators from row 18

The indicator header is 一级指标 | 二级指标 | 三级指标 | 指标性质 | 指标值 | 计量单位 | 分值 |
取值依据 | 数据来源 in A–I. Hidden column K holds the marker: K1 the schema string, K2 the kind.
The reader finds labels and headers by their text, so rows a person inserts do not shift fields.
"""

import datetime as dt
import io
import math
import os
import re
import unicodedata
import zipfile
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, TypeGuard

import python_calamine
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.page import PageMargins

from jixiao.core.money import TEN_THOUSAND
from jixiao.core.numbers import AmountError, header_scale, parse_amount
from jixiao.core.tabular import MAX_CELLS, Issue, TabularError, _check_xlsx_extent, cell_text

SCHEMA = "jixiao.goal-sheet/1"
KINDS = ("project", "department")
GUIDE_SHEET = "填表说明"
DEPARTMENT_SHEET = "部门整体"
FUND_SOURCES = (
    ("general_public", "一般公共预算"),
    ("government_fund", "政府性基金预算"),
    ("state_capital", "国有资本经营预算"),
    ("special_bond", "专项债券"),
    ("transfer", "上级转移支付"),
    ("other", "其他资金"),
)
LEVEL1 = ("产出指标", "效益指标", "满意度指标", "成本指标")
LEVEL2 = (
    "数量指标",
    "质量指标",
    "时效指标",
    "成本指标",
    "经济成本指标",
    "社会成本指标",
    "生态环境成本指标",
    "经济效益指标",
    "社会效益指标",
    "生态效益指标",
    "可持续影响指标",
    "服务对象满意度指标",
)
SYMBOLS = ("≥", "≤", "=", ">", "<", "定性")
BASES = ("计划标准", "行业标准", "历史标准", "其他标准")
# (field, header, column width in Excel units); widths add up to one A4 landscape page.
INDICATOR_COLUMNS = (
    ("level1", "一级指标", 11),
    ("level2", "二级指标", 15),
    ("name", "三级指标", 30),
    ("symbol", "指标性质", 9),
    ("value", "指标值", 15),
    ("unit", "计量单位", 9),
    ("weight", "分值", 7),
    ("basis", "取值依据", 10),
    ("source", "数据来源", 24),
)
EMPTY_INDICATOR_ROWS = 12
EMPTY_LINE_ROWS = 8
MARKER_COLUMN = 11  # K, hidden
NOT_TEMPLATE = "不是系统的绩效目标申报表模板：请在系统中下载「绩效目标申报表」模板，填写后上传"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
_THIN = Side(style="thin")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_LABEL_FILL = PatternFill("solid", fgColor="F2F2F2")
_WAN_FORMAT = "#,##0.00"

# Header-block labels (normalised) in column A or F → field; the value sits two columns right.
_HEADER_LABELS = {
    "预算年度": "year",
    "项目名称": "project.name",
    "项目编码": "project.code",
    "项目类别": "project.category",
    "项目属性": "project.is_new",
    "项目期": "project.period",
    "项目概况": "project.description",
    "预算单位编码": "unit.code",
    "预算单位名称": "unit.name",
    "部门(单位)编码": "unit.code",
    "部门(单位)名称": "unit.name",
    "资金情况": "funds",
    "实施期目标": "long_term_goal",
    "中期目标": "long_term_goal",
    "年度总体目标": "goal",
}
# Funds rows: label in column C, amount in column F.
_FUND_LABELS = {"年度资金总额": "total", **{name: key for key, name in FUND_SOURCES}}
_REQUIRED = {
    "project": ("year", "project.name", "unit.code", "unit.name", "funds", "total", "goal"),
    "department": ("year", "unit.code", "unit.name", "funds", "total", "goal"),
}
_FIELD_LABEL = {
    "year": "预算年度",
    "project.name": "项目名称",
    "project.code": "项目编码",
    "project.category": "项目类别",
    "project.is_new": "项目属性",
    "project.period": "项目期",
    "project.description": "项目概况",
    "unit.code": "单位编码",
    "unit.name": "单位名称",
    "funds": "资金情况（万元）",
    "long_term_goal": "实施期目标",
    "goal": "年度总体目标",
    "total": "年度资金总额",
    **{key: name for key, name in FUND_SOURCES},
}
_INDICATOR_HEADERS = {header: name for name, header, _ in INDICATOR_COLUMNS}
_REQUIRED_INDICATOR_COLUMNS = ("level1", "level2", "name", "value")
_LINES_SECTION = "部门预算项目"
_GUIDE = (
    "本工作簿的每个工作表是一张绩效目标申报表（项目支出或部门整体支出），由系统生成。",
    "请勿改写或删除表头文字，勿删除隐藏的 K 列（模板标识），否则系统无法识别。",
    "金额以万元为单位，保留两位小数。",
    "一级指标、二级指标、指标性质、取值依据可从下拉列表中选择。",
    "指标性质填 ≥、≤、=、>、< 或「定性」；指标值填数字（如 95），计量单位另填（如 %）。"
    "也可以在指标值中写完整目标，如「≥95%」「不少于3万人」，此时指标性质和计量单位留空。",
    "定性指标的指标值填写分级分档的等级，如「好」「较好」「一般」；「达到预期」之类的表述无法考核，审核时会被提示修改。",
    "时效指标填写完成时限，如「2027年6月30日前」「≤11月」。",
    "指标表下方预留了空行；不够时在已有指标行之间插入整行，下拉列表随之延伸。",
    "增加项目：右键工作表标签 →「移动或复制」→ 勾选「建立副本」，在副本中填写。",
    "填好后在系统中上传本文件，系统逐表检查，并列出需要修改的工作表、行和栏目。",
)


# ---------------------------------------------------------------- writing


def write_workbook(sheets: Sequence[Mapping[str, Any]], *, title: str = "") -> bytes:
    """An xlsx with a 填表说明 sheet and one official-layout worksheet per goal sheet.

    Project sheets are named by their project code (or 项目1, 项目2 ...), the department sheet
    部门整体. No sheets gives one blank project sheet: the template to download.
    """
    book = Workbook()
    guide = book.active
    assert guide is not None
    guide.title = GUIDE_SHEET
    _write_guide(guide, title)
    taken = {GUIDE_SHEET.casefold()}
    projects = 0
    for data in sheets or [{"schema": SCHEMA, "kind": "project"}]:
        kind = data.get("kind")
        if kind not in KINDS:
            raise ValueError(f"goal sheet kind must be project or department, not {kind!r}")
        if kind == "project":
            projects += 1
            code = str(_mapping(data.get("project")).get("code") or "")
            base = _safe_sheet_name(code) or f"项目{projects}"
        else:
            base = DEPARTMENT_SHEET
        sheet = book.create_sheet(_unique_sheet_name(base, taken))
        _write_sheet(sheet, data, str(kind))
    if title:
        book.properties.title = title
    book.active = 1
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _mapping(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _safe_sheet_name(text: str) -> str:
    name = _BAD_SHEET_CHARS.sub("", ILLEGAL_CHARACTERS_RE.sub("", text)).strip().strip("'")
    return "" if name.casefold() == "history" else name[:31]


def _unique_sheet_name(base: str, taken: set[str]) -> str:
    name, number = base, 1
    while name.casefold() in taken:
        number += 1
        suffix = f"（{number}）"
        name = base[: 31 - len(suffix)] + suffix
    taken.add(name.casefold())
    return name


def _write_guide(sheet: Any, title: str) -> None:
    sheet.column_dimensions["A"].width = 110
    _put(sheet, 1, 1, title or "绩效目标申报表填表说明").font = Font(bold=True, size=14)
    for number, line in enumerate(_GUIDE, start=1):
        cell = _put(sheet, number + 2, 1, f"{number}. {line}")
        cell.alignment = Alignment(wrap_text=True, vertical="top")


def _put(sheet: Any, row: int, column: int, value: object) -> Any:
    """Write one cell; text that Excel would run as a formula stays text (quote prefix)."""
    cell = sheet.cell(row=row, column=column)
    if isinstance(value, str):
        text: str = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell.value = text
        if text.startswith(_FORMULA_START):
            cell.data_type = "s"
            cell.quotePrefix = True
    else:
        cell.value = value
    return cell


def _block(sheet: Any, row: int, first: int, last: int, value: object, *, label: bool = False, fmt: str = "@") -> None:
    """A bordered, wrapped cell spanning columns first..last (merged when wider than one)."""
    if last > first:
        sheet.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last)
    cell = _put(sheet, row, first, value)
    if label:
        cell.font = Font(bold=True)
    cell.number_format = fmt
    for column in range(first, last + 1):
        target = sheet.cell(row=row, column=column)
        target.border = _BORDER
        target.alignment = Alignment(
            wrap_text=True, vertical="center", horizontal="center" if label else ("right" if fmt != "@" else "left")
        )
        if label:
            target.fill = _LABEL_FILL


def _is_list(value: object) -> TypeGuard[Sequence[object]]:
    return isinstance(value, Sequence) and not isinstance(value, str | bytes)


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _wan(amount: object) -> Decimal | str | None:
    """Yuan → 万元 exactly: the cell shows two decimals, and keeps every 分 for the way back."""
    if amount is None or amount == "":
        return None
    if isinstance(amount, bool):
        return str(amount)
    try:
        yuan = Decimal(str(amount).strip())
    except InvalidOperation:
        return str(amount)
    if not yuan.is_finite():
        return str(amount)
    return Decimal(format(yuan / TEN_THOUSAND, "f"))


def _number_or_text(value: object) -> Decimal | str:
    if value is None or isinstance(value, bool):
        return _text(value)
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        return str(value)
    return Decimal(format(number, "f")) if number.is_finite() else str(value)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _fit_height(sheet: Any, row: int, text: str, width: int, *, minimum: float = 20) -> None:
    """Merged cells do not grow to their text in Excel or WPS; size the row for wrapped lines."""
    lines = sum(max(1, math.ceil(_width(part) / max(width - 2, 1))) for part in text.split("\n"))
    height = max(minimum, 15.0 * lines + 5)
    current = sheet.row_dimensions[row].height or 0
    sheet.row_dimensions[row].height = max(height, current)


def _pair(sheet: Any, row: int, left: tuple[str, object], right: tuple[str, object] | None = None) -> None:
    _block(sheet, row, 1, 2, left[0], label=True)
    if right is None:
        _block(sheet, row, 3, 9, left[1])
        _fit_height(sheet, row, _text(left[1]), _columns_width(3, 9))
        return
    _block(sheet, row, 3, 5, left[1])
    _block(sheet, row, 6, 7, right[0], label=True)
    _block(sheet, row, 8, 9, right[1])
    _fit_height(sheet, row, _text(left[1]), _columns_width(3, 5))
    _fit_height(sheet, row, _text(right[1]), _columns_width(8, 9))


def _columns_width(first: int, last: int) -> int:
    return sum(width for _, _, width in INDICATOR_COLUMNS[first - 1 : last])


def _write_sheet(sheet: Any, data: Mapping[str, Any], kind: str) -> None:
    for index, (_, _, width) in enumerate(INDICATOR_COLUMNS, start=1):
        sheet.column_dimensions[_letter(index)].width = width
    _put(sheet, 1, MARKER_COLUMN, SCHEMA)
    _put(sheet, 2, MARKER_COLUMN, kind)
    sheet.column_dimensions[_letter(MARKER_COLUMN)].hidden = True

    year = data.get("year")
    kind_title = "项目支出绩效目标申报表" if kind == "project" else "部门整体支出绩效目标申报表"
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=9)
    heading = _put(sheet, 1, 1, f"{year}年度{kind_title}" if year not in (None, "") else kind_title)
    heading.font = Font(bold=True, size=16)
    heading.alignment = Alignment(horizontal="center", vertical="center")
    sheet.row_dimensions[1].height = 32

    unit = _mapping(data.get("unit"))
    _pair(sheet, 2, ("预算年度", _number_or_text(year) if year not in (None, "") else ""))
    if kind == "project":
        project = _mapping(data.get("project"))
        is_new = project.get("is_new")
        start, end = project.get("start_year"), project.get("end_year")
        period = "" if start in (None, "") and end in (None, "") else f"{_text(start)}-{_text(end)}"
        _pair(sheet, 3, ("项目名称", _text(project.get("name"))))
        _pair(sheet, 4, ("项目编码", _text(project.get("code"))), ("项目类别", _text(project.get("category"))))
        _pair(sheet, 5, ("预算单位编码", _text(unit.get("code"))), ("预算单位名称", _text(unit.get("name"))))
        attribute = "新增" if is_new is True else "延续" if is_new is False else ""
        _pair(sheet, 6, ("项目属性", attribute), ("项目期", period))
        _choices(sheet, ("新增", "延续"), "C6", "项目属性")
        _pair(sheet, 7, ("项目概况", _text(project.get("description"))))
        row = 8
    else:
        _pair(sheet, 3, ("部门（单位）编码", _text(unit.get("code"))), ("部门（单位）名称", _text(unit.get("name"))))
        row = 4
    row = _write_funds(sheet, row, _mapping(data.get("funds")))
    long_label = "实施期目标" if kind == "project" else "中期目标"
    _pair(sheet, row, (long_label, _text(data.get("long_term_goal"))))
    _pair(sheet, row + 1, ("年度总体目标", _text(data.get("goal"))))
    _fit_height(sheet, row, _text(data.get("long_term_goal")), _columns_width(3, 9), minimum=45)
    _fit_height(sheet, row + 1, _text(data.get("goal")), _columns_width(3, 9), minimum=60)
    row = _write_indicators(sheet, row + 2, data.get("indicators"))
    if kind == "department":
        row = _write_lines(sheet, row + 1, data.get("projects"))

    sheet.print_area = f"A1:I{row - 1}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True
    sheet.page_margins = PageMargins(left=0.4, right=0.4, top=0.6, bottom=0.6, header=0.3, footer=0.3)


def _letter(column: int) -> str:
    return chr(64 + column)


def _write_funds(sheet: Any, row: int, funds: Mapping[str, Any]) -> int:
    """资金情况（万元）: the annual total, then every fund source by its Chinese name."""
    last = row + len(FUND_SOURCES)
    sheet.merge_cells(start_row=row, start_column=1, end_row=last, end_column=2)
    by_source = _mapping(funds.get("by_source"))
    lines = [("年度资金总额", funds.get("total"))] + [(name, by_source.get(key)) for key, name in FUND_SOURCES]
    for offset, (name, amount) in enumerate(lines):
        current = row + offset
        for column in (1, 2):
            cell = sheet.cell(row=current, column=column)
            cell.border, cell.fill = _BORDER, _LABEL_FILL
        _block(sheet, current, 3, 5, name, label=True)
        value = _wan(amount)
        _block(sheet, current, 6, 9, "" if value is None else value, fmt=_WAN_FORMAT if value is not None else "@")
    label = _put(sheet, row, 1, "资金情况（万元）")
    label.font = Font(bold=True)
    label.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
    return last + 1


def _write_indicators(sheet: Any, row: int, indicators: object) -> int:
    for column, (_, header, _) in enumerate(INDICATOR_COLUMNS, start=1):
        _block(sheet, row, column, column, header, label=True)
    sheet.row_dimensions[row].height = 24
    items = [_mapping(i) for i in indicators] if _is_list(indicators) else []
    first = row + 1
    for offset, item in enumerate([*items, *([{}] * EMPTY_INDICATOR_ROWS)]):
        current = first + offset
        for column, (name, _, width) in enumerate(INDICATOR_COLUMNS, start=1):
            raw = item.get(name)
            if name == "weight":
                value = _number_or_text(raw) if raw not in (None, "") else ""
                _block(sheet, current, column, column, value, fmt="General")
                continue
            _block(sheet, current, column, column, _text(raw))
            _fit_height(sheet, current, _text(raw), width)
    last = first + len(items) + EMPTY_INDICATOR_ROWS - 1
    _choices(sheet, LEVEL1, f"A{first}:A{last}", "一级指标")
    _choices(sheet, LEVEL2, f"B{first}:B{last}", "二级指标", strict=False)
    _choices(sheet, SYMBOLS, f"D{first}:D{last}", "指标性质")
    _choices(sheet, BASES, f"H{first}:H{last}", "取值依据")
    return last + 1


def _write_lines(sheet: Any, row: int, lines: object) -> int:
    """部门预算项目: the project lines a department sheet lists, in 万元."""
    sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=9)
    section = _put(sheet, row, 1, _LINES_SECTION)
    section.font = Font(bold=True)
    _block(sheet, row + 1, 1, 6, "项目名称", label=True)
    _block(sheet, row + 1, 7, 9, "金额（万元）", label=True)
    items = [_mapping(i) for i in lines] if _is_list(lines) else []
    current = row + 2
    for item in [*items, *([{}] * EMPTY_LINE_ROWS)]:
        _block(sheet, current, 1, 6, _text(item.get("name")))
        amount = _wan(item.get("amount"))
        _block(sheet, current, 7, 9, "" if amount is None else amount, fmt=_WAN_FORMAT if amount is not None else "@")
        current += 1
    return current


def _choices(sheet: Any, items: Sequence[str], cells: str, title: str, *, strict: bool = True) -> None:
    """A dropdown. Local taxonomies add 二级指标 names, so that list warns instead of refusing."""
    rule = DataValidation(type="list", formula1='"' + ",".join(items) + '"', allow_blank=True)
    rule.showErrorMessage = True
    rule.errorStyle = "stop" if strict else "warning"
    rule.errorTitle = title
    rule.error = f"请从下拉列表中选择：{'、'.join(items)}"
    rule.add(cells)
    sheet.add_data_validation(rule)


# ---------------------------------------------------------------- reading


def read_workbook(
    path_or_bytes: bytes | str | os.PathLike[str], *, file: str
) -> tuple[list[dict[str, Any]], list[Issue]]:
    """Every template worksheet as an interchange dict (formats §1), and the problems found."""
    named, issues = read_worksheets(path_or_bytes, file=file)
    return [data for _, data in named], issues


def read_worksheets(
    path_or_bytes: bytes | str | os.PathLike[str], *, file: str
) -> tuple[list[tuple[str, dict[str, Any]]], list[Issue]]:
    """``read_workbook`` with each sheet's worksheet name, for messages that point at it.

    Sheets without the marker (the 填表说明 sheet, a unit's own notes) are skipped; a workbook
    with none at all is one issue. A value that cannot be read is left out of its dict and
    reported, never guessed: do not import while there are issues.
    """
    if isinstance(path_or_bytes, bytes):
        data = path_or_bytes
    else:
        try:
            data = Path(path_or_bytes).read_bytes()
        except OSError as exc:
            return [], [Issue(file, None, None, None, "", f"无法读取（{exc.strerror or exc}）")]
    try:
        if zipfile.is_zipfile(io.BytesIO(data)):
            _check_xlsx_extent(file, data)
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except TabularError as exc:
        return [], [Issue(file, None, None, None, "", exc.reason)]
    except Exception as exc:
        return [], [Issue(file, None, None, None, "", f"无法读取：不是有效的 Excel 文件（{exc}）")]
    sheets: list[tuple[str, dict[str, Any]]] = []
    issues: list[Issue] = []
    for name in book.sheet_names:
        try:
            sheet = book.get_sheet_by_name(name)
            if sheet.total_height * max(sheet.total_width, 1) > MAX_CELLS:
                issues.append(Issue(file, name, None, None, "", "工作表过大：请删除多余的行列后再上传"))
                continue
            grid = _Grid(sheet.to_python(skip_empty_area=False), sheet.merged_cell_ranges or [])
        except Exception as exc:
            issues.append(Issue(file, name, None, None, "", f"工作表无法读取（{exc}）"))
            continue
        marker = grid.marker()
        if marker is None:
            continue
        result = _SheetReader(file, name, grid).read(*marker)
        if result is not None:
            sheets.append((name, result))
        issues.extend(grid.issues)
    if not sheets and not issues:
        issues.append(Issue(file, None, None, None, "", NOT_TEMPLATE))
    return sheets, issues


def number_text(value: float) -> str:
    """A number cell as the plain decimal a person typed: Excel keeps 15 significant digits, so
    0.1 + 0.2 shows as 0.3, and 95.0 is 95."""
    if not math.isfinite(value):
        return repr(value)
    text = format(Decimal(f"{value:.15g}"), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def value_text(value: object) -> str:
    """One cell as text: numbers without float artefacts, dates as YYYY-MM-DD."""
    if isinstance(value, bool):
        return cell_text(value)
    if isinstance(value, float):
        return number_text(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return cell_text(value)


def _label(text: str) -> str:
    """A label as the template spells it, whatever spaces, colons or full-width forms were added."""
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).lstrip("*").rstrip(":")
    return text.removeprefix("其中:")


class _Grid:
    """A worksheet's cells, 1-based, with vertically merged ranges (一级指标 spanning several
    rows in a hand-made table) filled down: each of those rows carries the merged text."""

    def __init__(self, rows: Sequence[Sequence[object]], merged: Sequence[Any]) -> None:
        self.rows = [list(r) for r in rows]
        self.issues: list[Issue] = []
        for (top, left), (bottom, _) in merged:
            if top < len(self.rows) and left < len(self.rows[top]):
                for r in range(top + 1, min(bottom, len(self.rows) - 1) + 1):
                    while len(self.rows[r]) <= left:
                        self.rows[r].append("")
                    self.rows[r][left] = self.rows[top][left]

    @property
    def height(self) -> int:
        return len(self.rows)

    def raw(self, row: int, column: int) -> object:
        if 1 <= row <= len(self.rows) and 1 <= column <= len(self.rows[row - 1]):
            return self.rows[row - 1][column - 1]
        return ""

    def text(self, row: int, column: int) -> str:
        return value_text(self.raw(row, column))

    def label(self, row: int, column: int) -> str:
        return _label(self.text(row, column))

    def marker(self) -> tuple[int, int] | None:
        """Where the schema marker is (K1 as written; a column inserted by hand moves it)."""
        for row in range(1, min(2, len(self.rows)) + 1):
            for column in range(1, len(self.rows[row - 1]) + 1):
                if self.text(row, column).startswith("jixiao.goal-sheet/"):
                    return row, column
        return None


class _SheetReader:
    def __init__(self, file: str, sheet: str, grid: _Grid) -> None:
        self.file, self.sheet, self.grid = file, sheet, grid

    def issue(self, row: int | None, column: str | None, value: str, expected: str) -> None:
        self.grid.issues.append(Issue(self.file, self.sheet, row, column, value, expected))

    def read(self, marker_row: int, marker_column: int) -> dict[str, Any] | None:
        grid = self.grid
        schema, kind = grid.text(marker_row, marker_column), grid.text(marker_row + 1, marker_column)
        if schema != SCHEMA:
            self.issue(marker_row, "模板标识", schema, f"本系统可读取的模板（{SCHEMA}）：请重新下载模板")
            return None
        if kind not in KINDS:
            self.issue(marker_row + 1, "模板标识", kind, "project 或 department：请重新下载模板，勿改动隐藏的 K 列")
            return None
        header = next((r for r in range(1, grid.height + 1) if grid.label(r, 1) == "一级指标"), None)
        found = self._labels(grid.height if header is None else header - 1)
        for key in _REQUIRED[kind]:
            if key not in found:
                self.issue(
                    None,
                    _FIELD_LABEL[key],
                    "",
                    f"表头应包含「{_FIELD_LABEL[key]}」一栏（请使用系统下载的模板，勿改写表头文字）",
                )

        def text(key: str) -> str:
            return grid.text(*found[key]) if key in found else ""

        result: dict[str, Any] = {"schema": SCHEMA, "kind": kind}
        year = self._year(found.get("year"))
        if year is not None:
            result["year"] = year
        result["unit"] = {"code": self._code(found.get("unit.code"), "单位编码"), "name": text("unit.name")}
        if kind == "project":
            result["project"] = self._project(found, text)
        result["funds"] = self._funds(found)
        result["goal"] = text("goal")
        result["long_term_goal"] = text("long_term_goal")
        if header is None:
            self.issue(
                None, "一级指标", "", "表头应包含绩效指标表（一级指标、二级指标、三级指标……），请使用系统下载的模板"
            )
            result["indicators"] = []
            end = grid.height + 1
        else:
            end = next(
                (r for r in range(header + 1, grid.height + 1) if grid.label(r, 1) in (_LINES_SECTION, "项目名称")),
                grid.height + 1,
            )
            result["indicators"] = self._indicators(header, end)
        if kind == "department":
            result["projects"] = self._lines(end)
        return result

    def _labels(self, last_row: int) -> dict[str, tuple[int, int]]:
        """Where each header-block value is: labels in column A or F, funds lines in column C."""
        found: dict[str, tuple[int, int]] = {}
        for row in range(1, last_row + 1):
            for column in (1, 6):
                name, _ = header_scale(self.grid.label(row, column))
                key = _HEADER_LABELS.get(name)
                if key is not None and key not in found:
                    found[key] = (row, column + 2)
            key = _FUND_LABELS.get(self.grid.label(row, 3))
            if key is not None and key not in found:
                found[key] = (row, 6)
        return found

    def _year(self, place: tuple[int, int] | None) -> int | None:
        if place is None:
            return None
        text = self.grid.text(*place)
        match = re.fullmatch(r"(\d{4})(年度?)?", re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)))
        if match is None or not 2000 <= int(match.group(1)) <= 2100:
            self.issue(place[0], "预算年度", text, "四位数字的年度，如 2027")
            return None
        return int(match.group(1))

    def _code(self, place: tuple[int, int] | None, name: str) -> str:
        if place is None:
            return ""
        raw = self.grid.raw(*place)
        if isinstance(raw, float) and abs(raw) >= 1e15:
            # Excel keeps 15 digits of a number: a longer code typed as a number has lost digits.
            self.issue(
                place[0],
                name,
                value_text(raw),
                "以文本输入的编码（超过 15 位的数字已被 Excel 改写，请把单元格设为文本后重新输入）",
            )
            return ""
        return value_text(raw)

    def _project(self, found: Mapping[str, tuple[int, int]], text: Callable[[str], str]) -> dict[str, Any]:
        project: dict[str, Any] = {
            "code": self._code(found.get("project.code"), "项目编码"),
            "name": text("project.name"),
            "category": text("project.category"),
            "description": text("project.description"),
        }
        if not project["name"] and "project.name" in found:
            self.issue(found["project.name"][0], "项目名称", "", "项目名称（不能为空）")
        attribute = _label(text("project.is_new")).removesuffix("项目")
        if attribute in ("新增", "延续"):
            project["is_new"] = attribute == "新增"
        elif attribute:
            self.issue(found["project.is_new"][0], "项目属性", text("project.is_new"), "新增或延续")
        period = text("project.period")
        compact = re.sub(r"\s+", "", unicodedata.normalize("NFKC", period))
        match = re.fullmatch(r"(?:(\d{4})年?)?(?:([-—–~至到])(?:(\d{4})年?)?)?", compact)
        if match is None or (compact and not (match.group(1) or match.group(3))):
            self.issue(found["project.period"][0], "项目期", period, "起止年度，如 2025-2027")
        elif compact:
            start, separator, end = match.groups()
            if start:
                project["start_year"] = int(start)
            if end or not separator:
                project["end_year"] = int(end or start)
        return project

    def _amount(self, row: int, column: int, scale: Decimal, name: str) -> str | None:
        text = self.grid.text(row, column)
        if not text:
            return None
        try:
            return str(parse_amount(text, scale=scale))
        except AmountError as exc:
            self.issue(row, name, text, exc.expected)
            return None

    def _scale(self, row: int, column: int, name: str) -> Decimal | None:
        """The unit a header states; an amount without one is not read as either."""
        label = self.grid.label(row, column)
        stripped, scale = header_scale(label)
        if stripped == label:
            self.issue(row, name, self.grid.text(row, column), f"注明金额单位的栏目名，如「{name}（万元）」")
            return None
        return scale

    def _funds(self, found: Mapping[str, tuple[int, int]]) -> dict[str, Any]:
        funds: dict[str, Any] = {}
        if "funds" not in found:
            return funds
        row, column = found["funds"]
        scale = self._scale(row, column - 2, "资金情况")
        if scale is None:
            return funds
        if "total" in found:
            total = self._amount(*found["total"], scale, "年度资金总额")
            if total is not None:
                funds["total"] = total
            elif not self.grid.text(*found["total"]):
                self.issue(found["total"][0], "年度资金总额", "", "年度资金总额（不能为空）")
        by_source: dict[str, str] = {}
        for key, name in FUND_SOURCES:
            if key in found:
                amount = self._amount(*found[key], scale, name)
                if amount is not None:
                    by_source[key] = amount
        funds["by_source"] = by_source
        return funds

    def _indicators(self, header: int, end: int) -> list[dict[str, Any]]:
        grid = self.grid
        columns: dict[str, int] = {}
        for column in range(1, len(grid.rows[header - 1]) + 1):
            key = _INDICATOR_HEADERS.get(grid.label(header, column))
            if key is not None and key not in columns:
                columns[key] = column
        for key in _REQUIRED_INDICATOR_COLUMNS:
            if key not in columns:
                title = next(h for name, h, _ in INDICATOR_COLUMNS if name == key)
                self.issue(header, title, "", f"表头应包含「{title}」列")
        indicators: list[dict[str, Any]] = []
        for row in range(header + 1, end):
            cells = {name: grid.text(row, columns[name]) if name in columns else "" for name, _, _ in INDICATOR_COLUMNS}
            if not any(cells.values()):
                continue
            weight = self._weight(row, cells.pop("weight"))
            item: dict[str, Any] = cells
            if weight:
                item["weight"] = weight
            indicators.append(item)
        return indicators

    def _weight(self, row: int, text: str) -> str:
        """分值 is a number in the interchange format: a cell that is not one is reported here."""
        plain = unicodedata.normalize("NFKC", text).strip()
        try:
            number = Decimal(plain) if plain else None
        except InvalidOperation:
            number = None
        if plain and (number is None or not number.is_finite() or number < 0):
            self.issue(row, "分值", text, "不小于 0 的数字分值，如 10")
            return ""
        return plain

    def _lines(self, start: int) -> list[dict[str, Any]]:
        grid = self.grid
        header = next((r for r in range(start, grid.height + 1) if grid.label(r, 1) == "项目名称"), None)
        if header is None:
            self.issue(None, "项目名称", "", f"表头应包含「{_LINES_SECTION}」表（项目名称、金额（万元））")
            return []
        amount_column = next(
            (c for c in range(2, len(grid.rows[header - 1]) + 1) if header_scale(grid.label(header, c))[0] == "金额"),
            None,
        )
        scale = None if amount_column is None else self._scale(header, amount_column, "金额")
        if amount_column is None:
            self.issue(header, "金额（万元）", "", "表头应包含「金额（万元）」列")
        lines: list[dict[str, Any]] = []
        for row in range(header + 1, grid.height + 1):
            name = grid.text(row, 1)
            amount_text = grid.text(row, amount_column) if amount_column else ""
            if not name and not amount_text:
                continue
            line: dict[str, Any] = {"name": name}
            if amount_column and scale is not None:
                amount = self._amount(row, amount_column, scale, "金额")
                if amount is not None:
                    line["amount"] = amount
            lines.append(line)
        return lines
