"""Workbooks for the goal-sheet Excel tests: sheets in interchange form, and tables filled in by
hand the way a unit accountant does it in WPS or Excel (typed numbers, dates, merged cells).

``hand_filled`` lays out the documented template addresses on its own, without the writer, so the
tests also pin the layout the Django app relies on.
"""

import io
from collections.abc import Iterable, Mapping
from typing import Any

from openpyxl import Workbook, load_workbook

from jixiao.core.goal_excel import FUND_SOURCES, SCHEMA, write_workbook


def indicator(level1: str, level2: str, name: str, symbol: str, value: str, unit: str, **extra: str) -> dict[str, Any]:
    """An indicator in the normal form ``read_workbook`` gives: every text field present."""
    item = {"level1": level1, "level2": level2, "name": name, "symbol": symbol, "value": value, "unit": unit}
    return item | {"basis": "", "source": ""} | extra


def project_sheet(**changes: Any) -> dict[str, Any]:
    sheet: dict[str, Any] = {
        "schema": SCHEMA,
        "kind": "project",
        "year": 2027,
        "unit": {"code": "118001", "name": "株洲市渌口区农业农村局"},
        "project": {
            "code": "430212-2027-118001-007",
            "name": "农产品质量安全抽检专项",
            "category": "农业农村",
            "description": "对全区食用农产品开展例行监测和监督抽检。",
            "is_new": False,
            "start_year": 2025,
            "end_year": 2027,
        },
        "funds": {
            "total": "1234567.89",
            "by_source": {"general_public": "1034567.89", "transfer": "200000.00", "other": "0.00"},
        },
        "goal": "完成全区食用农产品抽检500批次以上，抽检合格率不低于98%。",
        "long_term_goal": "三年内建成覆盖全区规模生产主体的质量安全追溯体系。",
        "indicators": [
            indicator("产出指标", "数量指标", "食用农产品抽检批次", "≥", "500", "批次", weight="20", basis="计划标准"),
            indicator("产出指标", "质量指标", "抽检产品合格率", "", "≥95%", "", weight="7.5", source="检测报告"),
            indicator("产出指标", "时效指标", "年度抽检任务完成时间", "≤", "2027-11-30", "", weight="10"),
            indicator("效益指标", "社会效益指标", "区域性农产品质量安全事件发生数", "=", "0", "起"),
            indicator("满意度指标", "服务对象满意度指标", "生产经营主体满意度", "定性", "达到预期", ""),
        ],
    }
    return sheet | changes


def department_sheet(**changes: Any) -> dict[str, Any]:
    sheet: dict[str, Any] = {
        "schema": SCHEMA,
        "kind": "department",
        "year": 2027,
        "unit": {"code": "118001", "name": "株洲市渌口区农业农村局"},
        "funds": {"total": "15800000.00", "by_source": {"general_public": "13800000.00", "transfer": "2000000.00"}},
        "goal": "保障机构正常运转，完成粮食生产等年度重点工作。",
        "long_term_goal": "",
        "indicators": [
            indicator("产出指标", "数量指标", "粮食播种面积", "≥", "30", "万亩", weight="20", source="统计年报"),
            indicator("满意度指标", "服务对象满意度指标", "农业经营主体满意度", "≥", "90", "%"),
        ],
        "projects": [
            {"name": "农产品质量安全抽检专项", "amount": "950000.00"},
            {"name": "动物防疫专项", "amount": "600000.50"},
        ],
    }
    return sheet | changes


def save(book: Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def fill_template(cells: Mapping[str, object], *, sheets: Iterable[Mapping[str, Any]] = ()) -> bytes:
    """The downloaded template (blank unless ``sheets`` are given) with cells typed into its first
    goal sheet: numbers stay numbers and dates stay dates, as when a person types or pastes them."""
    book = load_workbook(io.BytesIO(write_workbook(list(sheets))))
    sheet = book.worksheets[1]
    for address, value in cells.items():
        sheet[address] = value
    return save(book)


PROJECT_LABELS = {
    "A2": "预算年度",
    "A3": "项目名称",
    "A4": "项目编码",
    "F4": "项目类别",
    "A5": "预算单位编码",
    "F5": "预算单位名称",
    "A6": "项目属性",
    "F6": "项目期",
    "A7": "项目概况",
    "A8": "资金情况（万元）",
    "C8": "年度资金总额",
    **{f"C{9 + i}": name for i, (_, name) in enumerate(FUND_SOURCES)},
    "A15": "实施期目标",
    "A16": "年度总体目标",
    **{
        f"{column}17": header
        for column, header in zip(
            "ABCDEFGHI",
            ["一级指标", "二级指标", "三级指标", "指标性质", "指标值", "计量单位", "分值", "取值依据", "数据来源"],
            strict=True,
        )
    },
}


def hand_filled(
    cells: Mapping[str, object],
    *,
    labels: Mapping[str, str] = PROJECT_LABELS,
    merges: Iterable[str] = (),
    kind: str = "project",
    title: str = "项目1",
    extra_sheets: Iterable[str] = (),
) -> bytes:
    """A project sheet built cell by cell at the documented addresses, as a person retyping the
    template in WPS would: ``cells`` override the labels, ``None`` removes one."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title
    sheet["K1"], sheet["K2"] = SCHEMA, kind
    for address, value in {**labels, **cells}.items():
        sheet[address] = value
    for cells_range in merges:
        sheet.merge_cells(cells_range)
    for name in extra_sheets:
        book.create_sheet(name)["A1"] = "说明"
    return save(book)


def plain_workbook(rows: Iterable[Iterable[object]], *, title: str = "Sheet1") -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title
    for row in rows:
        sheet.append(list(row))
    return save(book)
