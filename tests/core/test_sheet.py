"""The interchange format: strict about the shape, lenient about cells, and it round-trips."""

import copy
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from jixiao.core.sheet import GoalSheet, Indicator, SheetFormatError, load_json, read_sheet, read_sheets

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "formats" / "examples"


def sound() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((EXAMPLES / "goal-sound.json").read_text(encoding="utf-8"))
    return data


def test_reads_the_sound_example() -> None:
    [sheet] = load_json(EXAMPLES / "goal-sound.json")
    assert sheet.kind == "project" and sheet.year == 2024
    assert sheet.source == f"{EXAMPLES / 'goal-sound.json'}#0"
    assert sheet.unit_name == "株洲市渌口区农业农村局" and sheet.region_code == "430212"
    assert sheet.project is not None and sheet.project.name == "农产品质量安全抽检专项"
    assert (sheet.project.start_year, sheet.project.end_year, sheet.project.is_new) == (2022, 2024, False)
    assert sheet.total == Decimal("900000.00") and sheet.by_source == {"general_public": Decimal("900000.00")}
    assert not sheet.special_bond
    first = sheet.indicators[0]
    assert (first.name, first.weight, first.target.number, first.target.unit) == (
        "食用农产品抽检批次",
        Decimal(20),
        Decimal(500),
        "批次",
    )


@pytest.mark.parametrize("name", ["goal-sound.json", "goal-defects.json", "goal-department.json"])
def test_round_trip(name: str) -> None:
    for sheet in load_json(EXAMPLES / name):
        again = read_sheet(json.loads(json.dumps(sheet.to_data(), ensure_ascii=False)), source=sheet.source)
        assert again == sheet


def test_round_trip_of_every_field() -> None:
    data = sound()
    data["long_term_goal"] = "三年内实现全区食用农产品例行监测全覆盖。"
    data["funds"]["by_source"] = {"general_public": "600000.00", "special_bond": "300000.00"}
    data["history"] = [
        {
            "year": 2023,
            "total": "850000.00",
            "indicators": [{"name": "食用农产品抽检批次", "value": "480", "actual": "492"}],
        }
    ]
    sheet = read_sheet(data, source="x.json#0")
    assert sheet.special_bond and sheet.long_term_goal.startswith("三年内")
    assert sheet.history[0].total == Decimal("850000.00")
    assert sheet.history[0].indicators[0].actual == "492"
    assert read_sheet(sheet.to_data(), source="x.json#0") == sheet
    assert sheet.to_data()["funds"]["total"] == "900000.00"


def test_amounts_as_json_numbers_and_strings() -> None:
    data = sound()
    data["funds"] = {"total": 900000, "by_source": {"general_public": "900,000.00"}}
    sheet = read_sheet(data, source="x.json#0")
    assert sheet.total == Decimal("900000.00") and sheet.by_source["general_public"] == Decimal("900000.00")
    parsed = json.loads('{"total": 1234.5}', parse_float=Decimal)
    data["funds"] = parsed
    assert read_sheet(data, source="x.json#0").total == Decimal("1234.50")


def test_values_and_weights_as_numbers() -> None:
    data = sound()
    data["indicators"][0]["value"] = 500
    data["indicators"][0]["weight"] = "20"
    indicator = read_sheet(data, source="x.json#0").indicators[0]
    assert indicator.value == "500" and indicator.weight == Decimal(20) and indicator.target.number == Decimal(500)


def test_whole_cell_in_value() -> None:
    data = sound()
    data["indicators"][1] = {"level1": "产出指标", "level2": "质量指标", "name": "抽检产品合格率", "value": "≧98％"}
    target = read_sheet(data, source="x.json#0").indicators[1].target
    assert (target.symbol, target.number, target.unit) == ("≥", Decimal(98), "%")


def test_time_rows_are_dated_with_the_sheet_year() -> None:
    data = sound()
    data["indicators"][3]["symbol"] = ""
    data["indicators"][3]["value"] = "11月底前"
    data["indicators"][3]["unit"] = ""
    target = read_sheet(data, source="x.json#0").indicators[3].target
    assert target.date is not None and target.date.isoformat() == "2024-11-30"


def test_bad_cells_are_not_errors() -> None:
    data = sound()
    data["indicators"][0]["value"] = "若干"
    data["indicators"][1]["value"] = ""
    sheet = read_sheet(data, source="x.json#0")
    assert sheet.indicators[0].target.problem == "not-a-number"
    assert sheet.indicators[1].target.problem == "empty"


def _broken(path: list[Any], value: object) -> dict[str, Any]:
    data = sound()
    node: Any = data
    for key in path[:-1]:
        node = node[key]
    if value is KeyError:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return data


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (["schema"], "other/1", "文件「goal.json」第 1 张表 schema：「other/1」不是绩效目标表格式"),
        (["schema"], KeyError, "文件「goal.json」第 1 张表：缺少「schema」"),
        (["kind"], "unit", "kind：「unit」无效"),
        (["year"], "二〇二四", "year：年度「二〇二四」无效"),
        (["year"], True, "year：年度应为四位整数"),
        (["unit"], KeyError, "缺少「unit」"),
        (["project"], KeyError, "缺少「project」"),
        (["project", "name"], "", "project.name：项目名称不能为空"),
        (["project", "is_new"], "no", "project.is_new：应为 true 或 false"),
        (["funds", "total"], "九十万", "funds.total：金额「九十万」无效"),
        (["funds", "total"], "-5", "funds.total：金额「-5」无效"),
        (["funds", "by_source"], {"bank": "1"}, "funds.by_source.bank：资金来源「bank」无效"),
        (["goal"], KeyError, "缺少「goal」"),
        (["indicators"], {"a": 1}, "indicators：应为列表"),
        (["indicators", 2, "level1"], KeyError, "文件「goal.json」第 1 张表 indicators[2]：缺少「level1」"),
        (["indicators", 2], "≥95%", "indicators[2]：应为 JSON 对象"),
        (["indicators", 0, "weight"], "二十", "indicators[0].weight：「二十」不是数字"),
        (["indicators", 0, "name"], ["a"], "indicators[0].name：应为文字"),
    ],
)
def test_format_errors_name_file_sheet_and_place(path: list[Any], value: object, message: str) -> None:
    with pytest.raises(SheetFormatError) as caught:
        read_sheet(_broken(path, value), source="goal.json#0")
    assert message in str(caught.value)
    assert str(caught.value).startswith("文件「goal.json」第 1 张表")


def test_department_sheet_needs_no_project() -> None:
    data = json.loads((EXAMPLES / "goal-department.json").read_text(encoding="utf-8"))
    sheet = read_sheet(data, source="d.json#0")
    assert sheet.project is None and len(sheet.projects) == 3
    assert sheet.projects[0].amount == Decimal("950000.00")


def test_read_sheets_accepts_a_list() -> None:
    sheets = read_sheets([sound(), sound()], file="two.json")
    assert [s.source for s in sheets] == ["two.json#0", "two.json#1"]
    with pytest.raises(SheetFormatError, match="第 2 张表"):
        read_sheets([sound(), {"schema": "jixiao.goal-sheet/1"}], file="two.json")
    with pytest.raises(SheetFormatError, match="空列表"):
        read_sheets([], file="none.json")


def test_load_json_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"schema": ', encoding="utf-8")
    with pytest.raises(SheetFormatError, match=r"文件「.*bad\.json」 第 1 行第 \d+ 列：不是有效的 JSON"):
        load_json(bad)
    with pytest.raises(SheetFormatError, match="不存在"):
        load_json(tmp_path / "missing.json")


def test_special_bond_is_derived_from_the_funds() -> None:
    data = sound()
    data["funds"]["by_source"] = {"special_bond": "900000.00"}
    assert read_sheet(data, source="x#0").special_bond
    built = GoalSheet(kind="project", year=2024, by_source={"special_bond": Decimal(1)})
    assert built.special_bond


def test_indicator_parses_its_target() -> None:
    indicator = Indicator("产出指标", "数量指标", "维护路灯数量", symbol="≥", value="8600", unit="盏")
    assert indicator.target.quantitative and indicator.target.number == Decimal(8600)
    copied = copy.deepcopy(indicator)
    assert copied == indicator
