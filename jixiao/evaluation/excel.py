"""Excel out of self-evaluation: one form as filed, the round's summary, the unit's template.

``form_workbook`` lays one form out as the national 项目支出绩效自评表 (财预〔2020〕10号 附件2;
DOMAIN.md §7.6): header, funding block in 万元 (年初预算数, 全年预算数, 全年执行数, 分值, 执行率,
得分; the 其中 rows are left empty, the system knows only the total), the overall goal and its
result, the indicators with their scores, the total, the grade, and the signatures. A
department form (部门整体) has the same blocks with the unit as the subject. The Sichuan
variant's boxes 评价结论 / 存在问题 / 改进措施 and the reason for a low execution rate are
kept, since the unit writes them in the system too.

``summary_workbook`` is the round's summary a bureau reports upward: one row per form with its
execution, score, grade and finance's re-check, and a totals row.

``template_workbook`` is the same form layout, one worksheet per editable form, for a unit to
fill offline and import (``imports``). Hidden column J carries what the import matches by: J1
the schema, J2 the form id, and on every row a person fills a tag (``funding``,
``execution_reason``, ``goal_result``, ``conclusion``, ``problems``, ``measures``,
``line:<line id>``, and ``total`` on the 总分 row that ends the indicators), so rows inserted
or moved by hand are found or refused, never guessed. What the system computes is grey and
locked; what the unit writes is white.
"""

from collections import Counter
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from jixiao.core.goal_excel import _put, _safe_sheet_name, _unique_sheet_name
from jixiao.core.money import round_half_up, yuan_to_wan
from jixiao.evaluation import compute
from jixiao.evaluation.models import GRADES, Line, Round, SelfEval
from jixiao.goals.models import Kind
from jixiao.monitoring.excel import (
    _CENTER,
    _LEFT,
    _READ_ONLY_FILL,
    _TOTAL_FILL,
    XLSX_TYPE,
    _cell,
    _input,
    _label,
    _merged,
    _print_setup,
    _save,
    _title,
)
from jixiao.org.models import Unit

__all__ = ["XLSX_TYPE", "form_workbook", "summary_workbook", "template_workbook"]

SCHEMA = "jixiao.selfeval-form/1"
SUMMARY_SHEET = "自评汇总表"
GUIDE_SHEET = "填表说明"
MARKER_COLUMN = 10  # J, hidden
LAST_COLUMN = 9  # I
TAG_FUNDING, TAG_EXECUTION_REASON, TAG_GOAL_RESULT = "funding", "execution_reason", "goal_result"
TAG_CONCLUSION, TAG_PROBLEMS, TAG_MEASURES, TAG_LINE = "conclusion", "problems", "measures", "line:"
TAG_TOTAL = "total"  # the 总分 row: the indicator block ends above it
# Fixed rows of the layout; the indicator rows follow HEADER_ROW, the footer follows them.
FUND_HEADER_ROW, FUND_ROW, EXECUTION_REASON_ROW = 5, 6, 10
GOAL_HEADER_ROW, GOAL_ROW, HEADER_ROW = 11, 12, 13
# The funding row: 年初预算数 C, 全年预算数 D, 全年执行数 E, 分值 F, 执行率 G, 得分 H:I.
BUDGET_COLUMN, SPENT_COLUMN = 4, 5
GOAL_RESULT_COLUMN = 6  # F:I of GOAL_ROW
TEXT_COLUMN = 3  # C:I of the text rows (execution reason, conclusion, problems, measures)
# The indicator block: (field the unit writes or None, header, width).
LINE_COLUMNS: tuple[tuple[str | None, str, int], ...] = (
    (None, "一级指标", 10),
    (None, "二级指标", 14),
    (None, "三级指标", 26),
    (None, "年度指标值", 14),
    ("actual", "实际完成值", 15),
    (None, "分值", 8),
    ("score", "得分", 9),
    ("deviation_reason", "偏差原因分析及改进措施", 30),
    ("source", "数据来源", 16),
)
LINE_FIELD_COLUMN = {name: index for index, (name, _, _) in enumerate(LINE_COLUMNS, start=1) if name}
NAME_COLUMN = 3
# The limits ``services.write_form`` holds the unit to, so the template can warn while typing.
TEXT_LIMITS = {"actual": 100, "deviation_reason": 2000, "source": 200}
FORM_TEXT_LIMITS = {
    TAG_EXECUTION_REASON: 2000,
    TAG_GOAL_RESULT: 5000,
    TAG_CONCLUSION: 2000,
    TAG_PROBLEMS: 2000,
    TAG_MEASURES: 2000,
}
FORM_TEXT_LABELS = {
    TAG_EXECUTION_REASON: "执行率偏低的原因",
    TAG_GOAL_RESULT: "总体目标实际完成情况",
    TAG_CONCLUSION: "评价结论",
    TAG_PROBLEMS: "存在问题",
    TAG_MEASURES: "改进措施",
}
QUALITATIVE = "定性"

_WAN = "#,##0.00"
_SCORE = "0.00"
_PERCENT = "0.00%"
_HUNDRED = Decimal(100)


def _wan(yuan: Decimal | None) -> Decimal | None:
    return None if yuan is None else yuan_to_wan(yuan)


def _share(percent: Decimal | None) -> Decimal | None:
    """A rate stored in percent (95.00) as the fraction Excel shows as 95.00%."""
    return None if percent is None else percent / _HUNDRED


def is_qualitative(line: Line) -> bool:
    return line.symbol == QUALITATIVE


def target_text(line: Line) -> str:
    """The annual target as the goal sheet states it: ≥12000人, 定性 levels as written."""
    symbol = line.symbol if line.symbol in ("≥", "≤", "=", ">", "<") else ""
    return f"{symbol}{line.value}{line.unit if line.value else ''}".strip()


def kind_label(form: SelfEval) -> str:
    return "部门整体" if form.kind == Kind.DEPARTMENT else "项目"


def department_of(unit: Unit) -> Unit:
    """主管部门: the top of the unit's tree (a unit without a parent is its own)."""
    seen: set[int] = set()
    while unit.parent is not None and unit.pk not in seen:
        seen.add(unit.pk)
        unit = unit.parent
    return unit


def _execution_weight(form: SelfEval) -> Decimal:
    return compute.rules_of(form.round).execution_weight


def _grade_text(form: SelfEval) -> str:
    if form.grade:
        return form.grade
    return "未评定（尚有无法计分的项目，见系统检查意见）"


# ---------------------------------------------------------------- one form


def form_workbook(form: SelfEval) -> bytes:
    """One form in the national layout, as the unit prints, signs and files it (select
    ``round__fiscal_year``, ``unit__parent`` and ``project``)."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _sheet_name(form, set())
    _write_form_sheet(sheet, form, list(form.lines.all()), template=False)
    book.properties.title = f"{form.title} 绩效自评表"
    return _save(book)


def _sheet_name(form: SelfEval, taken: set[str]) -> str:
    if form.kind == Kind.DEPARTMENT or form.project is None:
        base = _safe_sheet_name(f"{form.unit.code}部门整体")
    else:
        base = _safe_sheet_name(form.project.code)
    return _unique_sheet_name(base or f"自评表{form.pk}", taken)


def _form_title(form: SelfEval) -> str:
    return "部门整体支出绩效自评表" if form.kind == Kind.DEPARTMENT else "项目支出绩效自评表"


def _write_form_sheet(sheet: Worksheet, form: SelfEval, lines: Sequence[Line], *, template: bool) -> None:
    """The national layout; with ``template`` the unit's cells are white and unlocked, the rest
    grey and locked, and hidden column J tags the form and every row the import reads."""
    last = LAST_COLUMN
    for index, (_, _, width) in enumerate(LINE_COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    grey: dict[str, Any] = {"fill": _READ_ONLY_FILL} if template else {}
    department = form.kind == Kind.DEPARTMENT
    if template:
        sheet.column_dimensions[get_column_letter(MARKER_COLUMN)].hidden = True
        _put(sheet, 1, MARKER_COLUMN, SCHEMA)
        _put(sheet, 2, MARKER_COLUMN, str(form.pk))

    _title(sheet, 1, last, _form_title(form))
    _title(sheet, 2, last, f"（{form.round.fiscal_year.year}年度）", size=11)
    unit, top = form.unit, department_of(form.unit)
    _label(sheet, 3, 1, 2, "部门（单位）名称" if department else "项目名称")
    _merged(sheet, 3, 3, last, form.unit.name if department else form.title, **grey)
    _label(sheet, 4, 1, 2, "主管部门")
    _merged(sheet, 4, 3, 5, top.name, **grey)
    _label(sheet, 4, 6, 7, "实施单位")
    _merged(sheet, 4, 8, last, unit.name, **grey)

    # 财预〔2020〕10号 附件2: 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分.
    _label(sheet, FUND_HEADER_ROW, 1, 1, "部门资金（万元）" if department else "项目资金（万元）", down_to=9)
    _label(sheet, FUND_HEADER_ROW, 2, 2, "")
    for column, header in enumerate(("年初预算数", "全年预算数", "全年执行数", "分值", "执行率"), start=3):
        _label(sheet, FUND_HEADER_ROW, column, column, header)
    _label(sheet, FUND_HEADER_ROW, 8, last, "得分")
    row = FUND_ROW
    _merged(sheet, row, 2, 2, "年度资金总额", align=_LEFT)
    _merged(sheet, row, 3, 3, _wan(form.initial_budget), fmt=_WAN, **grey)
    by_unit = template and not form.execution_from_data
    for column, amount in ((BUDGET_COLUMN, form.adjusted_budget), (SPENT_COLUMN, form.spent)):
        cell = _merged(sheet, row, column, column, _wan(amount), fmt=_WAN, **({} if by_unit else grey))
        if by_unit:
            _input(cell, _WAN)
    _merged(sheet, row, 6, 6, _execution_weight(form), fmt=_SCORE, **grey)
    _merged(sheet, row, 7, 7, _share(form.execution_rate), fmt=_PERCENT, **grey)
    _merged(sheet, row, 8, last, form.execution_score, fmt=_SCORE, **grey)
    if template:
        _put(sheet, row, MARKER_COLUMN, TAG_FUNDING)
    # Only the year's total is known (payments are not split by source): the 其中 rows stay
    # empty rather than carry an invented split.
    for offset, label in enumerate(("其中：本年财政拨款", "上年结转资金", "其他资金"), start=1):
        _merged(sheet, row + offset, 2, 2, label, align=_LEFT)
        for column in range(3, 6):
            _merged(sheet, row + offset, column, column, None, fmt=_WAN, **grey)
        for first, end in ((6, 6), (7, 7), (8, last)):
            _merged(sheet, row + offset, first, end, "—", align=_CENTER, **grey)

    texts = {
        TAG_EXECUTION_REASON: form.execution_reason,
        TAG_GOAL_RESULT: form.goal_result,
        TAG_CONCLUSION: form.conclusion,
        TAG_PROBLEMS: form.problems,
        TAG_MEASURES: form.measures,
    }
    _text_row(sheet, EXECUTION_REASON_ROW, "执行率偏低的原因", TAG_EXECUTION_REASON, texts, template=template)

    _label(sheet, GOAL_HEADER_ROW, 1, 1, "年度总体目标", down_to=GOAL_ROW)
    _label(sheet, GOAL_HEADER_ROW, 2, GOAL_RESULT_COLUMN - 1, "预期目标")
    _label(sheet, GOAL_HEADER_ROW, GOAL_RESULT_COLUMN, last, "实际完成情况")
    top_left = Alignment(horizontal="left", vertical="top", wrap_text=True)
    _merged(sheet, GOAL_ROW, 2, GOAL_RESULT_COLUMN - 1, form.goal, align=top_left, **grey)
    result = _merged(sheet, GOAL_ROW, GOAL_RESULT_COLUMN, last, form.goal_result, fmt="@", align=top_left)
    if template:
        for column in range(GOAL_RESULT_COLUMN, last + 1):
            _input(sheet.cell(row=GOAL_ROW, column=column))
        _put(sheet, GOAL_ROW, MARKER_COLUMN, TAG_GOAL_RESULT)
    longest = max(len(form.goal), len(result.value or ""))
    sheet.row_dimensions[GOAL_ROW].height = max(45, 15 * (longest // 36 + 1) + 5)

    for column, (_, header, _) in enumerate(LINE_COLUMNS, start=1):
        _label(sheet, HEADER_ROW, column, column, header)
    sheet.row_dimensions[HEADER_ROW].height = 30
    row = HEADER_ROW + 1
    for line in lines:
        _line_row(sheet, row, line, template=template)
        row += 1
    if template and row > HEADER_ROW + 1:
        for name, limit in TEXT_LIMITS.items():
            _length(sheet, LINE_FIELD_COLUMN[name], HEADER_ROW + 1, row - 1, limit)

    points = _execution_weight(form) + sum((_line_points(line) or Decimal(0) for line in lines), Decimal(0))
    _merged(sheet, row, 1, 5, "总分", align=_CENTER, fill=_TOTAL_FILL).font = Font(bold=True)
    _merged(sheet, row, 6, 6, points, fmt=_SCORE, fill=_TOTAL_FILL)
    _merged(sheet, row, 7, 7, form.total, fmt=_SCORE, fill=_TOTAL_FILL).font = Font(bold=True)
    _merged(sheet, row, 8, last, "", fill=_TOTAL_FILL)
    if template:
        _put(sheet, row, MARKER_COLUMN, TAG_TOTAL)
    row += 1
    _merged(sheet, row, 1, 5, "评价等级", align=_CENTER, fill=_TOTAL_FILL).font = Font(bold=True)
    _merged(sheet, row, 6, last, _grade_text(form), align=_LEFT, fill=_TOTAL_FILL).font = Font(bold=True)
    row += 1
    for tag in (TAG_CONCLUSION, TAG_PROBLEMS, TAG_MEASURES):
        _text_row(sheet, row, FORM_TEXT_LABELS[tag], tag, texts, template=template)
        row += 1
    sheet.merge_cells(start_row=row + 1, start_column=1, end_row=row + 1, end_column=last)
    head = "单位负责人" if department else "项目负责人"
    _put(sheet, row + 1, 1, f"{head}（签字）：　　　　　　财务负责人（签字）：　　　　　　填报人：　　　　　　")
    sheet.merge_cells(start_row=row + 2, start_column=1, end_row=row + 2, end_column=last)
    _put(sheet, row + 2, 1, "填报单位（盖章）：　　　　　　　　　　联系电话：　　　　　　　　　　填报日期：")
    for r in (row + 1, row + 2):
        sheet.row_dimensions[r].height = 28
        sheet.cell(row=r, column=1).alignment = Alignment(vertical="center")
    sheet.freeze_panes = f"A{HEADER_ROW + 1}"
    if template:
        # Locked so the system's figures are not typed over by accident; no password, and
        # columns and rows may still be resized. The import checks every cell regardless.
        sheet.protection.sheet = True
        sheet.protection.formatColumns = False
        sheet.protection.formatRows = False
    _print_setup(sheet, title_rows=f"{HEADER_ROW}:{HEADER_ROW}")
    sheet.page_setup.orientation = "portrait"


def _text_row(sheet: Worksheet, row: int, label: str, tag: str, texts: dict[str, str], *, template: bool) -> None:
    _label(sheet, row, 1, 2, label)
    value = texts[tag]
    cell = _merged(sheet, row, TEXT_COLUMN, LAST_COLUMN, value, fmt="@")
    cell.alignment = Alignment(horizontal="left", vertical="top", wrap_text=True)
    sheet.row_dimensions[row].height = max(30, 15 * (len(value) // 60 + 1) + 5)
    if template:
        for column in range(TEXT_COLUMN, LAST_COLUMN + 1):
            _input(sheet.cell(row=row, column=column))
        _put(sheet, row, MARKER_COLUMN, tag)


def _line_points(line: Line) -> Decimal | None:
    return line.weight_used if line.weight_used is not None else line.weight


def _line_row(sheet: Worksheet, row: int, line: Line, *, template: bool) -> None:
    grey: dict[str, Any] = {"fill": _READ_ONLY_FILL} if template else {}
    qualitative = is_qualitative(line)
    # On the template the 得分 of a 定性 indicator is the unit's own (within its level's band);
    # a quantitative one's is computed and shown for reference.
    score = line.score_given if template and qualitative else line.score
    fixed: dict[int, tuple[object, str]] = {
        1: (line.level1, "@"),
        2: (line.level2, "@"),
        3: (line.name, "@"),
        4: (target_text(line), "@"),
        6: (_line_points(line), _SCORE),
    }
    written: dict[int, tuple[object, str]] = {
        5: (line.actual, "@"),
        7: (score, _SCORE),
        8: (line.deviation_reason, "@"),
        9: (line.source, "@"),
    }
    for column, (value, fmt) in fixed.items():
        _merged(sheet, row, column, column, value, fmt=fmt, **grey)
    for column, (value, fmt) in written.items():
        unlocked = template and (column != LINE_FIELD_COLUMN["score"] or qualitative)
        cell = _merged(sheet, row, column, column, value, fmt=fmt, **({} if unlocked else grey))
        if unlocked:
            _input(cell, fmt)
    if template:
        _put(sheet, row, MARKER_COLUMN, f"{TAG_LINE}{line.pk}")
    longest = max(len(line.name), len(line.deviation_reason) // 2)
    sheet.row_dimensions[row].height = max(30, 15 * (longest // 14 + 1))


def _length(sheet: Worksheet, column: int, first: int, last: int, limit: int) -> None:
    letter = get_column_letter(column)
    rule = DataValidation(type="textLength", operator="lessThanOrEqual", formula1=str(limit), allow_blank=True)
    rule.showErrorMessage = True
    rule.errorTitle = "内容过长"
    rule.error = f"不超过 {limit} 字"
    rule.add(f"{letter}{first}:{letter}{last}")
    sheet.add_data_validation(rule)


# ---------------------------------------------------------------- the round's summary


# (header, group, width); a group spans the adjacent columns that name it.
SUMMARY_COLUMNS: tuple[tuple[str, str, int], ...] = (
    ("序号", "", 6),
    ("单位编码", "", 10),
    ("单位名称", "", 22),
    ("项目编码", "", 20),
    ("项目名称", "", 28),
    ("类型", "", 9),
    ("填报状态", "", 10),
    ("全年预算数（万元）", "预算执行情况", 13),
    ("全年执行数（万元）", "预算执行情况", 13),
    ("预算执行率", "预算执行情况", 10),
    ("自评得分", "单位自评", 9),
    ("自评等级", "单位自评", 8),
    ("抽中复核", "财政抽查复核", 8),
    ("复核得分", "财政抽查复核", 9),
    ("自评与复核分差", "财政抽查复核", 10),
    ("自评失真", "财政抽查复核", 8),
)
SUMMARY_HEADER_ROWS = (3, 4)


def _round_caption(round_: Round) -> str:
    return (
        f"行政区划：{round_.region.name}　自评任务：{round_.title}　评价年度：{round_.fiscal_year.year}年　"
        f"评分规则版本：{round_.rules_version}　导出时间：{timezone.localtime():%Y-%m-%d %H:%M}"
    )


def summary_workbook(round_: Round, forms: Iterable[SelfEval]) -> bytes:
    """The round's 绩效自评结果汇总表 of ``forms`` (already limited to what the actor may see;
    select ``unit`` and ``project``)."""
    forms = list(forms)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = SUMMARY_SHEET
    last = len(SUMMARY_COLUMNS)
    _title(sheet, 1, last, f"{round_.region.name}{round_.fiscal_year.year}年度绩效自评结果汇总表")
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
    sheet.row_dimensions[bottom].height = 32
    for index, (_, _, width) in enumerate(SUMMARY_COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width

    row = bottom + 1
    for number, form in enumerate(forms, start=1):
        values: list[tuple[object, str]] = [
            (number, "0"),
            (form.unit.code, "@"),
            (form.unit.name, "@"),
            (form.project.code if form.project else "", "@"),
            (form.title, "@"),
            (kind_label(form), "@"),
            (form.get_status_display(), "@"),
            (_wan(form.adjusted_budget), _WAN),
            (_wan(form.spent), _WAN),
            (_share(form.execution_rate), _PERCENT),
            (form.total, _SCORE),
            (form.grade or "—", "@"),
            ("是" if form.sampled else "否", "@"),
            (form.check_total, _SCORE),
            (form.gap, _SCORE),
            ("是" if form.distorted else "否", "@"),
        ]
        for column, (value, fmt) in enumerate(values, start=1):
            align = _CENTER if column in (1, 6, 7, 12, 13, 16) else None
            _cell(sheet, row, column, value, fmt=fmt, align=align)
        if form.distorted:
            flagged = sheet.cell(row=row, column=16)
            flagged.font = Font(color="9C0006", bold=True)
        row += 1
    _summary_totals(sheet, row, forms)
    sheet.freeze_panes = f"F{bottom + 1}"
    sheet.auto_filter.ref = f"A{bottom}:{get_column_letter(last)}{max(row - 1, bottom)}"
    _print_setup(sheet, title_rows=f"{top}:{bottom}")
    book.properties.title = f"{round_.title} 自评汇总表"
    return _save(book)


def _summary_totals(sheet: Worksheet, row: int, forms: Sequence[SelfEval]) -> None:
    budget = sum((f.adjusted_budget for f in forms if f.adjusted_budget is not None), Decimal(0))
    spent = sum((f.spent for f in forms if f.spent is not None), Decimal(0))
    scored = [f.total for f in forms if f.total is not None]
    average = round_half_up(sum(scored, Decimal(0)) / len(scored)) if scored else None
    grades = Counter(f.grade for f in forms)
    received = sum(1 for f in forms if f.status in ("submitted", "accepted"))
    _merged(sheet, row, 1, 6, f"合计（{len(forms)} 张自评表）", fill=_TOTAL_FILL, align=_CENTER)
    values: list[tuple[int, object, str]] = [
        (7, f"已报送 {received}/{len(forms)}", "@"),
        (8, yuan_to_wan(budget), _WAN),
        (9, yuan_to_wan(spent), _WAN),
        (10, round_half_up(spent / budget, 4) if budget > 0 else None, _PERCENT),
        (11, average, _SCORE),
        (12, "　".join(f"{g}{grades[g]}" for g in GRADES), "@"),
        (13, f"抽中 {sum(1 for f in forms if f.sampled)}", "@"),
        (14, f"已复核 {sum(1 for f in forms if f.check_total is not None)}", "@"),
        (15, "", "@"),
        (16, f"失真 {sum(1 for f in forms if f.distorted)}", "@"),
    ]
    for column, value, fmt in values:
        _cell(sheet, row, column, value, fmt=fmt).fill = _TOTAL_FILL
    for column in range(1, len(SUMMARY_COLUMNS) + 1):
        sheet.cell(row=row, column=column).font = Font(bold=True)


# ---------------------------------------------------------------- the unit's template


_GUIDE = (
    "本工作簿由系统生成，每个工作表是一张绩效自评表（财预〔2020〕10号附件2《项目支出绩效自评表》格式；"
    "部门整体支出绩效自评表的栏目相同）。",
    "灰色单元格（项目信息、预算和执行数、年度指标值、分值、按系统规则计算的得分）由系统填写，已锁定，不能修改；"
    "项目的执行数取自一体化系统的支付数据。导入后系统按填报内容重新计分。",
    "白色单元格由单位填写：每个指标的实际完成值、偏差原因分析及改进措施、数据来源；定性指标的得分；"
    "总体目标实际完成情况；执行率偏低的原因；评价结论、存在问题、改进措施。"
    "部门整体支出绩效自评表还须填写全年预算数和全年执行数（万元）。",
    "实际完成值：定量指标填数字，可带单位（如 12150 人、99.2%）；定性指标填「达成」「部分达成」或「未达成」。",
    "定性指标的得分：达成的可不填（按满分计），部分达成、未达成的须在所评等级的区间内给分，"
    "填 0 到 100 之间的数字，最多两位小数。定量指标的得分由系统计算，无须填写。",
    "未完成指标值或超过指标值 30% 以上的指标，须填写偏差原因分析及改进措施。",
    "请勿增删指标行、勿改动指标名称，勿删除隐藏的 J 列（系统据此识别自评表和指标）。",
    "实际完成值不超过 100 字，数据来源不超过 200 字，偏差原因和各项说明不超过 2000 字，"
    "总体目标实际完成情况不超过 5000 字。",
    "填好后在系统「绩效自评」→「Excel 导入自评表」上传本文件：系统先逐表校验并预览得分的变化，全部无误才写入；"
    "任何一处错误都不会写入，错误清单写明工作表、行、列、填写的值和应填什么。",
    "已报送（待单位审核、待财政审核、已审核）的自评表和已结束的自评任务不能通过导入修改。",
)


def template_workbook(forms: Iterable[SelfEval]) -> bytes:
    """One worksheet per form, in the national layout, for a unit to fill offline. ``forms``
    are the actor's editable forms (select ``round__fiscal_year``, ``round__region``,
    ``unit__parent`` and ``project``; prefetch ``lines``)."""
    forms = list(forms)
    book = Workbook()
    guide = book.active
    assert guide is not None
    guide.title = GUIDE_SHEET
    guide.column_dimensions["A"].width = 110
    rounds = {f.round_id: f.round for f in forms}
    title = "、".join(r.title for r in rounds.values()) or "绩效自评"
    _put(guide, 1, 1, f"{title} 自评表填表说明").font = Font(bold=True, size=14)
    if len(rounds) == 1:
        _put(guide, 2, 1, _round_caption(next(iter(rounds.values())))).alignment = Alignment(wrap_text=True)
    for number, text in enumerate(_GUIDE, start=1):
        _put(guide, number + 3, 1, f"{number}. {text}").alignment = Alignment(wrap_text=True, vertical="top")
    taken = {GUIDE_SHEET.casefold()}
    for form in forms:
        sheet = book.create_sheet(_sheet_name(form, taken))
        _write_form_sheet(sheet, form, list(form.lines.all()), template=True)
    if len(book.sheetnames) > 1:
        book.active = 1
    book.properties.title = f"{title} 自评表"
    return _save(book)
