import datetime as dt
import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from jixiao.core.goal_excel import NOT_TEMPLATE, SCHEMA, number_text, read_workbook, write_workbook
from jixiao.core.sheet import load_json, read_sheets
from jixiao.core.tabular import Issue
from tests.core.goal_workbooks import (
    department_sheet,
    fill_template,
    hand_filled,
    indicator,
    plain_workbook,
    project_sheet,
)


def _read(data: bytes, file: str = "目标表.xlsx") -> tuple[list[dict[str, Any]], list[Issue]]:
    return read_workbook(data, file=file)


def test_round_trip_gives_back_the_same_sheets() -> None:
    second = {"code": "", "name": "第二个项目", "category": "", "description": ""}
    sheets = [project_sheet(), department_sheet(), project_sheet(project=second, indicators=[], long_term_goal="")]
    read, issues = _read(write_workbook(sheets, title="渌口区农业农村局2027年绩效目标"))
    assert issues == []
    assert read == sheets


def test_layout_addresses_the_django_app_relies_on() -> None:
    book = load_workbook(io.BytesIO(write_workbook([project_sheet(), department_sheet()])))
    assert book.sheetnames == ["填表说明", "430212-2027-118001-007", "部门整体"]
    project, department = book.worksheets[1], book.worksheets[2]
    assert project["A1"].value == "2027年度项目支出绩效目标申报表"
    assert (project["K1"].value, project["K2"].value) == (SCHEMA, "project")
    assert project.column_dimensions["K"].hidden
    assert [project[a].value for a in ("C2", "C3", "C4", "H4", "C5", "H5", "C6", "H6")] == [
        2027,
        "农产品质量安全抽检专项",
        "430212-2027-118001-007",
        "农业农村",
        "118001",
        "株洲市渌口区农业农村局",
        "延续",
        "2025-2027",
    ]
    assert project["A8"].value == "资金情况（万元）"
    assert (project["C8"].value, project["F8"].value) == ("年度资金总额", pytest.approx(123.456789))
    assert project["F8"].number_format == "#,##0.00"
    assert [project[f"C{r}"].value for r in range(9, 15)] == [
        "一般公共预算",
        "政府性基金预算",
        "国有资本经营预算",
        "专项债券",
        "上级转移支付",
        "其他资金",
    ]
    assert (project["F10"].value, project["F14"].value) == (None, 0)
    assert (project["A15"].value, project["A16"].value) == ("实施期目标", "年度总体目标")
    assert [c.value for c in project[17]][:9] == [
        "一级指标",
        "二级指标",
        "三级指标",
        "指标性质",
        "指标值",
        "计量单位",
        "分值",
        "取值依据",
        "数据来源",
    ]
    assert [c.value for c in project[18]][:9] == [
        "产出指标",
        "数量指标",
        "食用农产品抽检批次",
        "≥",
        "500",
        "批次",
        20,
        "计划标准",
        None,
    ]
    assert project.print_area == "'430212-2027-118001-007'!$A$1:$I$34"  # 5 indicators + 12 empty rows
    assert (project.page_setup.orientation, project.page_setup.paperSize, project.page_setup.fitToWidth) == (
        "landscape",
        9,
        1,
    )

    assert department["A1"].value == "2027年度部门整体支出绩效目标申报表"
    assert (department["A3"].value, department["C3"].value, department["H3"].value) == (
        "部门（单位）编码",
        "118001",
        "株洲市渌口区农业农村局",
    )
    assert (department["C4"].value, department["F4"].value, department["F9"].value) == ("年度资金总额", 1580, 200)
    assert (department["A11"].value, department["A12"].value, department["A13"].value) == (
        "中期目标",
        "年度总体目标",
        "一级指标",
    )
    assert department["C14"].value == "粮食播种面积"
    lines = 14 + 2 + 12 + 1  # after the 2 indicators, the 12 empty rows and a blank row
    assert department[f"A{lines}"].value == "部门预算项目"
    assert (department[f"A{lines + 1}"].value, department[f"G{lines + 1}"].value) == ("项目名称", "金额（万元）")
    assert (department[f"A{lines + 2}"].value, department[f"G{lines + 2}"].value) == ("农产品质量安全抽检专项", 95)


def test_dropdowns_cover_the_indicator_rows() -> None:
    book = load_workbook(io.BytesIO(write_workbook([project_sheet()])))
    rules = {str(v.sqref): v.formula1 for v in book.worksheets[1].data_validations.dataValidation}
    assert rules == {
        "C6": '"新增,延续"',
        "A18:A34": '"产出指标,效益指标,满意度指标,成本指标"',
        "B18:B34": '"数量指标,质量指标,时效指标,成本指标,经济成本指标,社会成本指标,生态环境成本指标,'
        '经济效益指标,社会效益指标,生态效益指标,可持续影响指标,服务对象满意度指标"',
        "D18:D34": '"≥,≤,=,>,<,定性"',
        "H18:H34": '"计划标准,行业标准,历史标准,其他标准"',
    }


def test_formula_like_text_is_written_as_text_and_reads_back_unchanged() -> None:
    hostile = '=HYPERLINK("http://evil.example","点击")'
    sheet = project_sheet(
        project={"name": hostile},
        goal="+1+1",
        indicators=[indicator("产出指标", "数量指标", "@SUM(A1)", "=", "-5", "起", source="=1+1")],
    )
    data = write_workbook([sheet])
    xml = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet2.xml").decode()
    assert "<f>" not in xml
    ws = load_workbook(io.BytesIO(data)).worksheets[1]
    for address in ("C3", "C16", "C18", "D18", "E18", "I18"):
        assert ws[address].data_type == "s"
        assert ws[address].quotePrefix
    (read,), issues = _read(data)
    assert issues == []
    assert read["project"]["name"] == hostile
    assert read["goal"] == "+1+1"
    assert read["indicators"] == sheet["indicators"]


def test_hand_filled_template_reads_as_typed() -> None:
    data = hand_filled(
        {
            "C2": "2027年",
            "A3": "项目名称：",
            "C3": "  乡村道路养护  ",
            "C4": "XM-001",
            "C5": 118001,
            "H5": "株洲市渌口区交通运输局",
            "C6": "新增项目",
            "H6": "2025年至2027年",
            "F8": 12.345678,
            "F9": "\uff11\uff12.\uff13\uff14\uff15\uff16\uff17\uff18",
            "F13": "0",
            "C16": "完成农村公路养护120公里。",
            "A18": "产出指标",
            "B18": "数量指标",
            "C18": "受益人数",
            "E18": "不少于3万人",
            "B19": "质量指标",
            "C19": "道路优良率",
            "D19": "≥",
            "E19": 95,
            "F19": "%",
            "G19": 10.0,
            "B20": "时效指标",
            "C20": "完工时间",
            "D20": "≤",
            "E20": dt.datetime(2027, 6, 30),  # noqa: DTZ001 - Excel dates have no time zone
            "A22": "效益指标",
            "B22": "社会效益指标",
            "A23": "满意度指标",
            "B23": "服务对象满意度指标",
            "C23": "群众满意度",
            "E23": "\uff1e\uff1d\uff19\uff15\uff05",
            "C24": "每公里养护成本",
            "E24": 0.1 + 0.2,
            "F24": "万元/公里",
        },
        merges=["A18:A20"],
    )
    (sheet,), issues = _read(data)
    assert issues == []
    assert sheet["year"] == 2027
    assert sheet["unit"] == {"code": "118001", "name": "株洲市渌口区交通运输局"}
    assert sheet["project"] == {
        "code": "XM-001",
        "name": "乡村道路养护",
        "category": "",
        "description": "",
        "is_new": True,
        "start_year": 2025,
        "end_year": 2027,
    }
    assert sheet["funds"] == {"total": "123456.78", "by_source": {"general_public": "123456.78", "transfer": "0.00"}}
    assert sheet["goal"] == "完成农村公路养护120公里。"
    assert sheet["indicators"] == [
        indicator("产出指标", "数量指标", "受益人数", "", "不少于3万人", ""),
        indicator("产出指标", "质量指标", "道路优良率", "≥", "95", "%", weight="10"),
        indicator("产出指标", "时效指标", "完工时间", "≤", "2027-06-30", ""),
        indicator("效益指标", "社会效益指标", "", "", "", ""),
        indicator("满意度指标", "服务对象满意度指标", "群众满意度", "", "\uff1e\uff1d\uff19\uff15\uff05", ""),
        indicator("", "", "每公里养护成本", "", "0.3", "万元/公里"),
    ]


def test_values_typed_into_the_downloaded_template() -> None:
    data = fill_template({"C2": 2028, "C3": "新项目", "F8": 50, "C16": "目标", "A18": "产出指标", "E18": 0.1})
    (sheet,), issues = _read(data)
    assert issues == []
    assert (sheet["year"], sheet["funds"], sheet["indicators"][0]["value"]) == (
        2028,
        {"total": "500000.00", "by_source": {}},
        "0.1",
    )


def test_cell_problems_name_file_sheet_row_and_column() -> None:
    data = fill_template(
        {"C2": "明年", "C6": "改扩建", "H6": "三年", "F8": "十二万", "F9": 12.3456789, "F10": "abc"},
        sheets=[project_sheet()],
    )
    (sheet,), issues = _read(data, file="交通局.xlsx")
    name = "430212-2027-118001-007"
    assert issues == [
        Issue("交通局.xlsx", name, 2, "预算年度", "明年", "四位数字的年度，如 2027"),
        Issue("交通局.xlsx", name, 6, "项目属性", "改扩建", "新增或延续"),
        Issue("交通局.xlsx", name, 6, "项目期", "三年", "起止年度，如 2025-2027"),
        Issue("交通局.xlsx", name, 8, "年度资金总额", "十二万", "数字金额，如 1234.50 或 1,234.50"),
        Issue("交通局.xlsx", name, 9, "一般公共预算", "12.3456789", "精确到分的金额（小数位过多）"),
        Issue("交通局.xlsx", name, 10, "政府性基金预算", "abc", "数字金额，如 1234.50 或 1,234.50"),
    ]
    assert issues[3].message() == (
        "文件「交通局.xlsx」工作表「430212-2027-118001-007」第 8 行「年度资金总额」列："
        "值为「十二万」，应为：数字金额，如 1234.50 或 1,234.50"
    )
    # Nothing is guessed: the unreadable values are left out.
    assert "year" not in sheet
    assert "is_new" not in sheet["project"]
    assert sheet["funds"] == {"by_source": {"transfer": "200000.00", "other": "0.00"}}


def test_missing_header_block_and_indicator_header_are_reported() -> None:
    data = hand_filled({"A3": None, "A17": "指标", "C2": 2027, "F8": 1, "C16": "目标"})
    (sheet,), issues = _read(data, file="a.xlsx")
    assert [(i.sheet, i.row, i.column) for i in issues] == [("项目1", None, "项目名称"), ("项目1", None, "一级指标")]
    assert "请使用系统下载的模板" in issues[0].expected
    assert sheet["indicators"] == []


def test_amounts_without_a_stated_unit_are_not_read() -> None:
    (sheet,), issues = _read(hand_filled({"A8": "资金情况", "C2": 2027, "C3": "x", "F8": 12}))
    assert issues == [
        Issue("目标表.xlsx", "项目1", 8, "资金情况", "资金情况", "注明金额单位的栏目名，如「资金情况（万元）」")
    ]
    assert sheet["funds"] == {}


def test_blank_and_missing_required_cells() -> None:
    (sheet,), issues = _read(write_workbook([]))
    assert [(i.row, i.column, i.expected) for i in issues] == [
        (2, "预算年度", "四位数字的年度，如 2027"),
        (3, "项目名称", "项目名称（不能为空）"),
        (8, "年度资金总额", "年度资金总额（不能为空）"),
    ]
    assert sheet["indicators"] == []


def test_long_codes_typed_as_numbers_are_reported() -> None:
    (sheet,), issues = _read(hand_filled({"C2": 2027, "C3": "x", "F8": 1, "C4": 4302122027118001007.0}))
    assert [(i.row, i.column) for i in issues] == [(4, "项目编码")]
    assert sheet["project"]["code"] == ""


def test_a_workbook_that_is_not_the_template_is_one_clear_issue(tmp_path: Path) -> None:
    path = tmp_path / "units.xlsx"
    path.write_bytes(plain_workbook([["单位编码", "单位名称"], [101001, "渌口区教育局"]]))
    sheets, issues = read_workbook(path, file="units.xlsx")
    assert sheets == []
    assert issues == [Issue("units.xlsx", None, None, None, "", NOT_TEMPLATE)]
    assert issues[0].message() == f"文件「units.xlsx」{NOT_TEMPLATE}"


@pytest.mark.parametrize("data", [b"not a workbook", b"PK\x03\x04broken zip"])
def test_unreadable_files_are_an_issue_not_an_exception(data: bytes) -> None:
    sheets, (issue,) = _read(data, file="x.xlsx")
    assert sheets == []
    assert issue.message().startswith("文件「x.xlsx」无法读取")


def test_other_sheets_are_skipped_by_the_marker() -> None:
    data = hand_filled({"C2": 2027, "C3": "x", "F8": 1}, extra_sheets=["备注"])
    sheets, issues = _read(data)
    assert (len(sheets), issues) == (1, [])


def test_another_template_version_is_refused() -> None:
    sheets, issues = _read(hand_filled({"K1": "jixiao.goal-sheet/9"}))
    assert sheets == []
    assert [(i.row, i.column, i.value) for i in issues] == [(1, "模板标识", "jixiao.goal-sheet/9")]


def test_sheet_names_are_safe_and_unique() -> None:
    sheets = [
        project_sheet(project={"name": "a", "code": "A/B:C*D"}),
        project_sheet(project={"name": "b", "code": "A/B:C*D"}),
        project_sheet(project={"name": "c"}),
        department_sheet(),
    ]
    book = load_workbook(io.BytesIO(write_workbook(sheets)))
    assert book.sheetnames == ["填表说明", "ABCD", "ABCD（2）", "项目3", "部门整体"]


def test_writer_refuses_an_unknown_kind() -> None:
    with pytest.raises(ValueError, match="kind"):
        write_workbook([{"schema": SCHEMA, "kind": "selfeval"}])


@pytest.mark.parametrize(
    ("value", "text"),
    [(95.0, "95"), (0.1, "0.1"), (0.1 + 0.2, "0.3"), (1e-05, "0.00001"), (1e16, "10000000000000000"), (-0.0, "0")],
)
def test_number_text_has_no_float_artefacts(value: float, text: str) -> None:
    assert number_text(value) == text


def test_weights_that_are_not_numbers_are_reported() -> None:
    (sheet,), issues = _read(
        hand_filled({"C2": 2027, "C3": "x", "F8": 1, "C18": "a", "G18": "十分", "C19": "b", "G19": "\uff11\uff10"})
    )
    assert issues == [Issue("目标表.xlsx", "项目1", 18, "分值", "十分", "不小于 0 的数字分值，如 10")]
    assert ["weight" in i for i in sheet["indicators"]] == [False, True]
    assert sheet["indicators"][1]["weight"] == "10"


EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "formats" / "examples"


@pytest.mark.parametrize("example", ["goal-sound.json", "goal-defects.json", "goal-department.json"])
def test_workbook_output_reads_as_the_same_goal_sheets(example: str) -> None:
    """Through Excel and back, the example sheets parse without SheetFormatError and equal the
    originals in every field the template carries (not region or history)."""
    originals = load_json(EXAMPLES / example)
    read, issues = _read(write_workbook([s.to_data() for s in originals]), file="examples.xlsx")
    assert issues == []
    again = read_sheets(read, file="examples.xlsx")
    carried = [s.to_data() | {"region": None, "history": None} for s in originals]
    assert [s.to_data() | {"region": None, "history": None} for s in again] == carried
    assert [[i.target for i in s.indicators] for s in again] == [[i.target for i in s.indicators] for s in originals]
