"""Excel out of monitoring: the summary table a bureau reports upward, and the unit's template.

``summary_workbook`` is the 项目支出绩效运行监控汇总表: one row per project with its budget,
payments, expected progress (and by which model), the three lights, the gap, the forecast, the
reasons, finance's decisions and the report's status, a totals row, and a second sheet 指标明细
with one row per indicator. Amounts are numbers in 万元 with two decimals, rates are numbers
shown as percentages, so the table adds up in Excel.

``unit_template`` lays each report out as the national monitoring table (财预〔2019〕136号
附件《项目支出绩效目标执行监控表》), one worksheet per project, for a unit to fill offline and
import (``imports``). Hidden column L carries what the import matches by: L1 the schema, L2 the
report id, and on every row a person fills a tag (``estimate``, ``summary``, ``field_notes``,
``line:<position>``), so rows inserted or moved by hand are found or refused, never guessed.
What the system computes is grey and locked; what the unit writes is white.
"""

import io
from collections import Counter
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from jixiao.core.goal_excel import _put, _safe_sheet_name, _unique_sheet_name
from jixiao.core.money import round_half_up, yuan_to_wan
from jixiao.core.progress import MODEL_LABELS
from jixiao.monitoring.models import Light, Likelihood, Line, Reason, Report, Round, RoundKind
from jixiao.org.models import Unit

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SCHEMA = "jixiao.monitoring-report/1"
SUMMARY_SHEET = "监控汇总表"
DETAIL_SHEET = "指标明细"
GUIDE_SHEET = "填表说明"
MARKER_COLUMN = 12  # L, hidden
TAG_ESTIMATE, TAG_SUMMARY, TAG_FIELD_NOTES, TAG_LINE = "estimate", "summary", "field_notes", "line:"
# Indicator columns of the template: (field, header, width). ``None`` fields are read-only.
LINE_COLUMNS: tuple[tuple[str | None, str, int], ...] = (
    (None, "一级指标", 10),
    (None, "二级指标", 13),
    (None, "三级指标", 26),
    (None, "年度指标值", 14),
    ("done", "{period}执行情况（截至本期完成值）", 17),
    ("expected", "全年预计完成情况", 15),
    ("reason", "偏差原因分析", 13),
    ("reason_note", "偏差原因说明", 24),
    ("likelihood", "完成目标可能性", 13),
    ("measures", "备注（拟采取的措施）", 26),
    (None, "当前预警", 14),
)
LINE_FIELD_COLUMN = {name: index for index, (name, _, _) in enumerate(LINE_COLUMNS, start=1) if name}
NAME_COLUMN = 3
ESTIMATE_CELL = (6, 7)  # G6
SUMMARY_ROW, FIELD_NOTES_ROW, HEADER_ROW = 8, 9, 10
TEXT_LIMITS = {"done": 100, "expected": 100, "reason_note": 2000, "measures": 2000}
REPORT_TEXT_LIMIT = 5000

# Excel's own good / neutral / bad styles, and a blue for over-achievement (pmkpi 蓝灯).
LIGHT_COLOURS = {
    Light.RED: ("FFC7CE", "9C0006"),
    Light.YELLOW: ("FFEB9C", "9C5700"),
    Light.GREEN: ("C6EFCE", "006100"),
    Light.BLUE: ("BDD7EE", "1F4E78"),
}
_THIN = Side(style="thin")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_LABEL_FILL = PatternFill("solid", fgColor="D9E1F2")
_READ_ONLY_FILL = PatternFill("solid", fgColor="EDEDED")
_TOTAL_FILL = PatternFill("solid", fgColor="F2F2F2")
_WAN = "#,##0.00"
_PERCENT = "0.0%"
_POINTS = "0.0"
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
_RIGHT = Alignment(horizontal="right", vertical="center")


def _wan(yuan: Decimal | None) -> Decimal | None:
    return None if yuan is None else yuan_to_wan(yuan)


def _rate(part: Decimal, whole: Decimal) -> Decimal | None:
    return round_half_up(part / whole, 4) if whole > 0 else None


def light_label(colour: str) -> str:
    return Light(colour).label if colour in Light.values and colour else "—"


def _paint(cell: Any, colour: str) -> None:
    if colour in LIGHT_COLOURS:
        fill, font = LIGHT_COLOURS[Light(colour)]
        cell.fill = PatternFill("solid", fgColor=fill)
        cell.font = Font(color=font, bold=True)


def _cell(sheet: Worksheet, row: int, column: int, value: object, *, fmt: str = "General", align: Any = None) -> Any:
    cell = _put(sheet, row, column, "" if value is None else value)
    cell.number_format = fmt
    cell.border = _BORDER
    cell.alignment = align or (_RIGHT if isinstance(value, int | Decimal) else _LEFT)
    return cell


def _merged(
    sheet: Worksheet,
    row: int,
    first: int,
    last: int,
    value: object,
    *,
    fill: PatternFill | None = None,
    down_to: int | None = None,
    **kw: Any,
) -> Any:
    """A bordered cell spanning columns first..last of ``row`` (to row ``down_to``), every cell
    of the range styled so that the borders print and the fill shows across the merge."""
    bottom = down_to or row
    if last > first or bottom > row:
        sheet.merge_cells(start_row=row, start_column=first, end_row=bottom, end_column=last)
    cell = _cell(sheet, row, first, value, **kw)
    for r in range(row, bottom + 1):
        for column in range(first, last + 1):
            target = sheet.cell(row=r, column=column)
            target.border = _BORDER
            if fill is not None:
                target.fill = fill
    return cell


def _label(sheet: Worksheet, row: int, first: int, last: int, text: str, *, down_to: int | None = None) -> Any:
    cell = _merged(sheet, row, first, last, text, fill=_LABEL_FILL, align=_CENTER, down_to=down_to)
    cell.font = Font(bold=True)
    return cell


def _print_setup(sheet: Worksheet, *, title_rows: str) -> None:
    """A4 landscape, all columns on one page width, header rows on every page, page numbers."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = title_rows
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.page_margins.top = sheet.page_margins.bottom = 0.6
    sheet.oddFooter.center.text = "第 &P 页，共 &N 页"


def _save(book: Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _title(sheet: Worksheet, row: int, last: int, text: str, *, size: int = 16) -> None:
    sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last)
    cell = _put(sheet, row, 1, text)
    cell.font = Font(bold=True, size=size)
    cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    sheet.row_dimensions[row].height = 30 if size >= 14 else 20


def target_text(line: Line) -> str:
    """The annual target as the goal sheet states it: ≥12000人, 定性 levels as written."""
    symbol = line.symbol if line.symbol in ("≥", "≤", "=", ">", "<") else ""
    return f"{symbol}{line.target}{line.unit if line.target else ''}".strip()


# ---------------------------------------------------------------- the summary table


# (header, group, width); a group spans the adjacent columns that name it.
SUMMARY_COLUMNS: tuple[tuple[str, str, int], ...] = (
    ("序号", "", 6),
    ("单位编码", "", 10),
    ("单位名称", "", 22),
    ("项目编码", "", 20),
    ("项目名称", "", 28),
    ("项目类别", "", 14),
    ("全年预算数（万元）", "预算执行情况", 13),
    ("截至本期支付数（万元）", "预算执行情况", 13),
    ("执行率", "预算执行情况", 9),
    ("预期执行进度", "预算执行情况", 9),
    ("预期进度口径", "预算执行情况", 14),
    ("执行进度灯", "预警情况", 8),
    ("目标进度灯", "预警情况", 8),
    ("项目灯", "预警情况", 8),
    ("目标与执行偏差（百分点）", "预警情况", 11),
    ("预计全年执行数（万元）", "", 13),
    ("主要偏差原因", "", 34),
    ("处理决定", "", 30),
    ("填报状态", "", 10),
)
SUMMARY_HEADER_ROWS = (3, 4)
DETAIL_COLUMNS: tuple[tuple[str, int], ...] = (
    ("序号", 6),
    ("单位名称", 20),
    ("项目编码", 18),
    ("项目名称", 24),
    ("一级指标", 10),
    ("二级指标", 13),
    ("三级指标", 26),
    ("年度指标值", 14),
    ("截至本期完成值", 14),
    ("全年预计完成值", 14),
    ("指标灯", 8),
    ("预警说明", 36),
    ("偏差原因", 12),
    ("偏差原因说明", 26),
    ("完成目标可能性", 12),
    ("拟采取的措施", 30),
)


def _main_reasons(report: Report, lines: Sequence[Line]) -> str:
    """The reasons the unit gave on its indicators, most frequent first, then its own analysis."""
    counts = Counter(line.reason for line in lines if line.reason)
    reasons = "、".join(reason if n == 1 else f"{reason}（{n} 项）" for reason, n in counts.most_common())
    summary = report.summary.strip()
    if len(summary) > 200:
        summary = summary[:200] + "……"
    return "：".join(part for part in (reasons, summary) if part)


def _decisions_text(report: Report) -> str:
    parts = []
    for decision in report.decisions.all():
        late = "，已逾期" if decision.overdue else ""
        parts.append(
            f"{decision.get_kind_display()}（{decision.get_status_display()}，{decision.due:%Y-%m-%d} 前{late}）"
        )
    return "；".join(parts)


def _round_caption(round_: Round) -> str:
    kind = RoundKind(round_.kind).label
    return (
        f"行政区划：{round_.region.name}　监控任务：{round_.title}（{kind}）　"
        f"监控期间：{round_.fiscal_year.year}年{round_.period}　预警规则版本：{round_.rules_version}　"
        f"导出时间：{timezone.localtime():%Y-%m-%d %H:%M}"
    )


def summary_workbook(round_: Round, reports: Iterable[Report]) -> bytes:
    """The 项目支出绩效运行监控汇总表 of ``reports`` (already limited to what the actor may see;
    prefetch ``lines`` and ``decisions``, select ``unit`` and ``project__category``)."""
    reports = list(reports)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = SUMMARY_SHEET
    _write_summary(sheet, round_, reports)
    _write_detail(book.create_sheet(DETAIL_SHEET), round_, reports)
    book.properties.title = f"{round_.title} 监控汇总表"
    return _save(book)


def _write_summary(sheet: Worksheet, round_: Round, reports: Sequence[Report]) -> None:
    last = len(SUMMARY_COLUMNS)
    _title(sheet, 1, last, f"{round_.region.name}{round_.fiscal_year.year}年度项目支出绩效运行监控汇总表")
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=last)
    _put(sheet, 2, 1, _round_caption(round_)).alignment = Alignment(horizontal="left", vertical="center")
    top, bottom = SUMMARY_HEADER_ROWS
    column = 1
    while column <= last:
        header, group, _ = SUMMARY_COLUMNS[column - 1]
        if not group:
            _label(sheet, top, column, column, header, down_to=bottom)
            column += 1
            continue
        span = column
        while span < last and SUMMARY_COLUMNS[span][1] == group:
            span += 1
        _label(sheet, top, column, span, group)
        for index in range(column, span + 1):
            _label(sheet, bottom, index, index, SUMMARY_COLUMNS[index - 1][0])
        column = span + 1
    sheet.row_dimensions[top].height = 20
    sheet.row_dimensions[bottom].height = 42
    for index, (_, _, width) in enumerate(SUMMARY_COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width

    row = bottom + 1
    for number, report in enumerate(reports, start=1):
        lines = list(report.lines.all())
        rate = _rate(report.paid, report.budget)
        values: list[tuple[object, str]] = [
            (number, "0"),
            (report.unit.code, "@"),
            (report.unit.name, "@"),
            (report.project.code, "@"),
            (report.project.name, "@"),
            (report.project.category.name, "@"),
            (_wan(report.budget), _WAN),
            (_wan(report.paid), _WAN),
            (rate, _PERCENT),
            (report.expected_share, _PERCENT),
            (MODEL_LABELS.get(report.expected_model, ""), "@"),
            (light_label(report.execution_light), "@"),
            (light_label(report.goal_light), "@"),
            (light_label(report.light), "@"),
            (report.gap, _POINTS),
            (_wan(report.forecast), _WAN),
            (_main_reasons(report, lines), "@"),
            (_decisions_text(report), "@"),
            (report.get_status_display(), "@"),
        ]
        for column, (value, fmt) in enumerate(values, start=1):
            align = _CENTER if column in (1, 12, 13, 14, 19) else None
            _cell(sheet, row, column, value, fmt=fmt, align=align)
        for column, colour in ((12, report.execution_light), (13, report.goal_light), (14, report.light)):
            _paint(sheet.cell(row=row, column=column), colour)
        row += 1
    _write_totals(sheet, row, reports)
    sheet.freeze_panes = f"F{bottom + 1}"
    sheet.auto_filter.ref = f"A{bottom}:{get_column_letter(last)}{max(row - 1, bottom)}"
    _print_setup(sheet, title_rows=f"{top}:{bottom}")


def _write_totals(sheet: Worksheet, row: int, reports: Sequence[Report]) -> None:
    budget = sum((r.budget for r in reports), Decimal(0))
    paid = sum((r.paid for r in reports), Decimal(0))
    forecast = sum((r.forecast for r in reports if r.forecast is not None), Decimal(0))
    expected = sum((r.budget * r.expected_share for r in reports if r.expected_share is not None), Decimal(0))
    lights = Counter(r.light for r in reports)
    light_text = "　".join(
        f"{Light(c).label[0]}{lights[c]}" for c in (Light.RED, Light.YELLOW, Light.GREEN, Light.BLUE)
    )
    submitted = sum(1 for r in reports if r.status in ("submitted", "accepted"))
    _merged(sheet, row, 1, 6, f"合计（{len(reports)} 个项目）", fill=_TOTAL_FILL, align=_CENTER)
    values: list[tuple[int, object, str]] = [
        (7, yuan_to_wan(budget), _WAN),
        (8, yuan_to_wan(paid), _WAN),
        (9, _rate(paid, budget), _PERCENT),
        # The region's expected progress: each project's own expectation, weighted by budget.
        (10, _rate(expected, budget), _PERCENT),
        (11, "按预算加权", "@"),
        (12, "", "@"),
        (13, "", "@"),
        (14, light_text, "@"),
        (15, "", "@"),
        (16, yuan_to_wan(forecast), _WAN),
        (17, "", "@"),
        (18, f"处理决定 {sum(len(r.decisions.all()) for r in reports)} 项", "@"),
        (19, f"已报送 {submitted}/{len(reports)}", "@"),
    ]
    for column, value, fmt in values:
        cell = _cell(sheet, row, column, value, fmt=fmt)
        cell.fill = _TOTAL_FILL
    for column in range(1, len(SUMMARY_COLUMNS) + 1):
        sheet.cell(row=row, column=column).font = Font(bold=True)


def _write_detail(sheet: Worksheet, round_: Round, reports: Sequence[Report]) -> None:
    last = len(DETAIL_COLUMNS)
    _title(sheet, 1, last, f"{round_.region.name}{round_.fiscal_year.year}年度项目支出绩效运行监控指标明细表")
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=last)
    _put(sheet, 2, 1, _round_caption(round_)).alignment = Alignment(horizontal="left", vertical="center")
    for column, (header, width) in enumerate(DETAIL_COLUMNS, start=1):
        _label(sheet, 3, column, column, header)
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.row_dimensions[3].height = 30
    row = 4
    number = 0
    for report in reports:
        for line in report.lines.all():
            number += 1
            values = (
                number,
                report.unit.name,
                report.project.code,
                report.project.name,
                line.level1,
                line.level2,
                line.name,
                target_text(line),
                line.done,
                line.expected,
                light_label(line.light),
                line.message,
                line.reason,
                line.reason_note,
                line.likelihood,
                line.measures,
            )
            for column, value in enumerate(values, start=1):
                _cell(
                    sheet,
                    row,
                    column,
                    value,
                    fmt="0" if column == 1 else "@",
                    align=_CENTER if column in (1, 11) else None,
                )
            _paint(sheet.cell(row=row, column=11), line.light)
            row += 1
    sheet.freeze_panes = "E4"
    sheet.auto_filter.ref = f"A3:{get_column_letter(last)}{max(row - 1, 3)}"
    _print_setup(sheet, title_rows="3:3")


# ---------------------------------------------------------------- the unit's template


_GUIDE = (
    "本工作簿由系统生成，每个工作表是一个项目的《项目支出绩效目标执行监控表》（财预〔2019〕136号附件格式）。",
    "灰色单元格（项目信息、预算执行数、年度指标值、当前预警）由系统填写，已锁定，不能修改；"
    "执行数取自一体化系统的支付数据，导入后系统按最新数据重新计算灯色。",
    "白色单元格由单位填写：全年预计执行数（万元）、执行情况与偏差分析、实地核查情况（重点监控项目必填），"
    "以及每个指标的截至本期完成值、全年预计完成情况、偏差原因分析、偏差原因说明、完成目标可能性和措施。",
    "截至本期完成值：数值型指标填数字，可带单位（如 12350 人）；定性指标填「达成」「部分达成」或「未达成」。",
    "偏差原因分析从下拉列表选择：经费保障、制度保障、人员保障、硬件条件保障、其他；"
    "完成目标可能性从下拉列表选择：确定能、有可能、完全不可能。亮红灯、黄灯的指标须填写偏差原因、完成可能性和措施。",
    "请勿增删指标行、勿改动工作表中的项目和指标名称，勿删除隐藏的 L 列（系统据此识别监控表和指标）。",
    "完成值和全年预计完成情况不超过 100 字，偏差原因说明和措施不超过 2000 字，分析和核查情况不超过 5000 字。",
    "填好后在系统「运行监控」→「Excel 导入监控表」上传本文件：系统先逐表校验并预览，全部无误才写入；"
    "任何一处错误都不会写入，错误清单写明工作表、行、列、填写的值和应填什么。",
    "已报送（待审核、已审核）的监控表和已结束的监控任务不能通过导入修改。",
)


def unit_template(round_: Round, reports: Iterable[Report]) -> bytes:
    """One worksheet per report, in the national monitoring-table layout, for a unit to fill
    offline. ``reports`` are the actor's editable reports of ``round_`` (select ``unit__parent``,
    ``project__category`` and ``sheet``; prefetch ``lines``)."""
    book = Workbook()
    guide = book.active
    assert guide is not None
    guide.title = GUIDE_SHEET
    guide.column_dimensions["A"].width = 110
    _put(guide, 1, 1, f"{round_.title} 监控表填表说明").font = Font(bold=True, size=14)
    _put(guide, 2, 1, _round_caption(round_)).alignment = Alignment(wrap_text=True)
    for number, text in enumerate(_GUIDE, start=1):
        _put(guide, number + 3, 1, f"{number}. {text}").alignment = Alignment(wrap_text=True, vertical="top")
    taken = {GUIDE_SHEET.casefold()}
    for report in reports:
        name = _unique_sheet_name(_safe_sheet_name(report.project.code) or f"项目{report.pk}", taken)
        _write_report_sheet(book.create_sheet(name), round_, report)
    if len(book.sheetnames) > 1:
        book.active = 1
    book.properties.title = f"{round_.title} 监控表"
    return _save(book)


def _department(report: Report) -> Unit:
    """主管部门: the top of the unit's tree (a unit without a parent is its own)."""
    unit, seen = report.unit, set()
    while unit.parent is not None and unit.pk not in seen:
        seen.add(unit.pk)
        unit = unit.parent
    return unit


def _input(cell: Any, fmt: str = "@") -> None:
    cell.protection = Protection(locked=False)
    cell.number_format = fmt


def _write_report_sheet(sheet: Worksheet, round_: Round, report: Report) -> None:
    period = round_.period
    last = len(LINE_COLUMNS)
    for index, (_, _, width) in enumerate(LINE_COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    marker = get_column_letter(MARKER_COLUMN)
    sheet.column_dimensions[marker].hidden = True
    _put(sheet, 1, MARKER_COLUMN, SCHEMA)
    _put(sheet, 2, MARKER_COLUMN, str(report.pk))

    _title(sheet, 1, last, "项目支出绩效目标执行监控表")
    _title(sheet, 2, last, f"（{round_.fiscal_year.year}年度　{round_.title}　监控期间：{period}）", size=11)
    project, unit, department = report.project, report.unit, _department(report)
    grey = {"fill": _READ_ONLY_FILL}
    _label(sheet, 3, 1, 2, "项目名称")
    _merged(sheet, 3, 3, 6, project.name, **grey)
    _label(sheet, 3, 7, 7, "项目编码")
    _merged(sheet, 3, 8, last, project.code, fmt="@", **grey)
    _label(sheet, 4, 1, 2, "主管部门及代码")
    _merged(sheet, 4, 3, 6, f"{department.name}（{department.code}）", **grey)
    _label(sheet, 4, 7, 7, "实施单位")
    _merged(sheet, 4, 8, last, f"{unit.name}（{unit.code}）", **grey)

    _label(sheet, 5, 1, 2, "项目资金（万元）", down_to=6)
    for column, header in enumerate(
        (
            "年度资金总额",
            f"{period}执行数",
            f"{period}执行率",
            "预期执行进度",
            "全年预计执行数（单位填报）",
            "系统预测全年执行数",
        ),
        start=3,
    ):
        _label(sheet, 5, column, column, header)
    _label(sheet, 5, 9, last, "当前预警（导入后按最新数据重算）")
    sheet.row_dimensions[5].height = 32
    model = MODEL_LABELS.get(report.expected_model, "")
    figures: list[tuple[object, str]] = [
        (_wan(report.budget), _WAN),
        (_wan(report.paid), _WAN),
        (_rate(report.paid, report.budget), _PERCENT),
        (report.expected_share, _PERCENT),
    ]
    for column, (value, fmt) in enumerate(figures, start=3):
        _merged(sheet, 6, column, column, value, fmt=fmt, **grey)
    estimate = _cell(sheet, *ESTIMATE_CELL, _wan(report.estimate), fmt=_WAN)
    _input(estimate, _WAN)
    _put(sheet, ESTIMATE_CELL[0], MARKER_COLUMN, TAG_ESTIMATE)
    _merged(sheet, 6, 8, 8, _wan(report.forecast), fmt=_WAN, **grey)
    said = {
        key: light_label(colour) if colour else "未亮灯"
        for key, colour in (
            ("project", report.light),
            ("execution", report.execution_light),
            ("goal", report.goal_light),
        )
    }
    status = f"项目：{said['project']}　执行进度：{said['execution']}　目标进度：{said['goal']}"
    if model:
        status += f"（预期进度口径：{model}）"
    _merged(sheet, 6, 9, last, status, **grey)
    _paint(sheet.cell(row=6, column=9), report.light)

    goal = report.sheet.goal if report.sheet is not None else ""
    _label(sheet, 7, 1, 2, "年度总体目标")
    _merged(sheet, 7, 3, last, goal, **grey)
    sheet.row_dimensions[7].height = max(30, 15 * (len(goal) // 70 + 1) + 5)
    for row, label, tag, value in (
        (SUMMARY_ROW, "执行情况与偏差分析", TAG_SUMMARY, report.summary),
        (
            FIELD_NOTES_ROW,
            "实地核查情况" + ("（重点监控必填）" if round_.kind == RoundKind.KEY else "（重点监控项目填写）"),
            TAG_FIELD_NOTES,
            report.field_notes,
        ),
    ):
        _label(sheet, row, 1, 2, label)
        _merged(sheet, row, 3, last, value, fmt="@")
        for column in range(3, last + 1):
            _input(sheet.cell(row=row, column=column))
        sheet.cell(row=row, column=3).alignment = Alignment(wrap_text=True, vertical="top")
        sheet.row_dimensions[row].height = 60
        _put(sheet, row, MARKER_COLUMN, tag)

    for column, (_, header, _) in enumerate(LINE_COLUMNS, start=1):
        _label(sheet, HEADER_ROW, column, column, header.format(period=period))
    sheet.row_dimensions[HEADER_ROW].height = 42
    row = HEADER_ROW + 1
    for line in report.lines.all():
        values: dict[str, object] = {
            "一级指标": line.level1,
            "二级指标": line.level2,
            "三级指标": line.name,
            "年度指标值": target_text(line),
            "当前预警": light_label(line.light),
        }
        for column, (name, header, _) in enumerate(LINE_COLUMNS, start=1):
            if name is None:
                _merged(sheet, row, column, column, values[header], fmt="@", **grey)
            else:
                _input(_cell(sheet, row, column, getattr(line, name), fmt="@"))
        _paint(sheet.cell(row=row, column=last), line.light)
        _put(sheet, row, MARKER_COLUMN, f"{TAG_LINE}{line.position}")
        sheet.row_dimensions[row].height = 30
        row += 1
    if row > HEADER_ROW + 1:
        _choices(sheet, Reason.values, LINE_FIELD_COLUMN["reason"], row - 1, "偏差原因分析")
        _choices(sheet, Likelihood.values, LINE_FIELD_COLUMN["likelihood"], row - 1, "完成目标可能性")
        for name in ("done", "expected"):
            _length(sheet, LINE_FIELD_COLUMN[name], row - 1, TEXT_LIMITS[name])
    sheet.merge_cells(start_row=row + 1, start_column=1, end_row=row + 1, end_column=last)
    _put(sheet, row + 1, 1, "填报单位（盖章）：　　　　　　　填表人：　　　　　　　联系电话：　　　　　　　填报日期：")
    sheet.freeze_panes = f"A{HEADER_ROW + 1}"
    # Locked so the system's figures are not typed over by accident; no password, and columns
    # and rows may still be resized. The import checks every cell again regardless.
    sheet.protection.sheet = True
    sheet.protection.formatColumns = False
    sheet.protection.formatRows = False
    _print_setup(sheet, title_rows=f"{HEADER_ROW}:{HEADER_ROW}")


def _column_range(sheet: Worksheet, column: int, last_row: int) -> str:
    letter = get_column_letter(column)
    return f"{letter}{HEADER_ROW + 1}:{letter}{last_row}"


def _choices(sheet: Worksheet, items: Sequence[str], column: int, last_row: int, title: str) -> None:
    rule = DataValidation(type="list", formula1='"' + ",".join(items) + '"', allow_blank=True)
    rule.showErrorMessage = True
    rule.errorStyle = "stop"
    rule.errorTitle = title
    rule.error = f"请从下拉列表中选择：{'、'.join(items)}"
    rule.add(_column_range(sheet, column, last_row))
    sheet.add_data_validation(rule)


def _length(sheet: Worksheet, column: int, last_row: int, limit: int) -> None:
    rule = DataValidation(type="textLength", operator="lessThanOrEqual", formula1=str(limit), allow_blank=True)
    rule.showErrorMessage = True
    rule.errorTitle = "内容过长"
    rule.error = f"不超过 {limit} 字"
    rule.add(_column_range(sheet, column, last_row))
    sheet.add_data_validation(rule)
