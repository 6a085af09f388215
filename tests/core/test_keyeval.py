"""财政重点评价 index system (DOMAIN.md §8): template, building, checks, totals and the report."""

import copy
import json
from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from jixiao.core.data import read_data
from jixiao.core.keyeval import (
    AFTER_SCORING,
    LEVEL1,
    TO_FILL,
    Facts,
    GoalIndicator,
    Item,
    build_items,
    check,
    grade,
    load_template,
    outline,
    outline_text,
    subtotals,
    template,
    total,
)
from jixiao.core.scoring import ScoringRules

D = Decimal


def shipped_data() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(read_data("keyeval/template.json"))
    return data


def codes(items: list[Item]) -> list[tuple[str, str, int | None]]:
    return [(c.code, c.severity, c.item) for c in check(items)]


def scored(items: list[Item], lost: dict[int, Decimal] | None = None) -> list[Item]:
    lost = lost or {}
    return [replace(i, score=i.weight - lost.get(n, D(0))) for n, i in enumerate(items)]


OUTPUTS = [
    GoalIndicator("产出指标", "数量指标", "培训人次", "≥", "500", "人次"),
    GoalIndicator("产出指标", "质量指标", "培训合格率", "≥", "95", "%"),
    GoalIndicator("产出指标", "时效指标", "完成时间", "", "2026年12月底前", ""),
]
MORE = [
    GoalIndicator("成本指标", "经济成本指标", "人均培训成本", "≤", "300", "元"),
    GoalIndicator("效益指标", "社会效益指标", "就业率", "≥", "80", "%"),
    GoalIndicator("满意度指标", "服务对象满意度指标", "学员满意度", "≥", "90", "%"),
]


# --- template ----------------------------------------------------------------------------------


def test_template_is_the_10hao_framework() -> None:
    t = template()
    assert t.version == "default-2026.1"
    assert dict(t.weights) == {"决策": D(20), "过程": D(20), "产出": D(30), "效益": D(30)}
    assert [(i.level1, i.level3, i.weight) for i in t.items] == [
        ("决策", "立项依据充分性", D(4)),
        ("决策", "立项程序规范性", D(3)),
        ("决策", "绩效目标合理性", D(4)),
        ("决策", "绩效指标明确性", D(3)),
        ("决策", "预算编制科学性", D(3)),
        ("决策", "资金分配合理性", D(3)),
        ("过程", "资金到位率", D(4)),
        ("过程", "预算执行率", D(5)),
        ("过程", "资金使用合规性", D(5)),
        ("过程", "管理制度健全性", D(3)),
        ("过程", "制度执行有效性", D(3)),
        ("产出", "实际完成率", D(12)),
        ("产出", "质量达标率", D(8)),
        ("产出", "完成及时性", D(5)),
        ("产出", "成本节约率", D(5)),
        ("效益", "实施效益", D(20)),
        ("效益", "满意度", D(10)),
    ]
    assert all(i.explanation and i.standard and i.score is None for i in t.items)
    assert template("default-2026.1") is t


def test_unknown_template_version() -> None:
    with pytest.raises(ValueError, match="没有版本为「2020」"):
        template("2020")


def _weight(data: dict[str, Any], value: Any) -> None:
    data["items"][0]["weight"] = value


def _level_weight(data: dict[str, Any], value: Any) -> None:
    data["weights"]["决策"] = value
    data["weights"]["过程"] = "21"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: _weight(d, "3"), "「决策」类指标分值合计 19，应为 20"),
        (lambda d: _weight(d, "5"), "「决策」类指标分值合计 21，应为 20"),
        (lambda d: _level_weight(d, "19"), "「决策」类指标分值合计 20，应为 19"),
        (lambda d: d["weights"].update({"决策": "25"}), "「weights」合计 105，应为 100"),
        (lambda d: d["weights"].pop("效益"), "四个一级指标"),
        (lambda d: _weight(d, 4.0), "应为数字"),
        (lambda d: _weight(d, "四"), "不是数字"),
        (lambda d: _weight(d, "0"), "大于 0"),
        (lambda d: d["items"][0].update({"level1": "投入"}), "level1」应为决策、过程、产出、效益之一"),
        (lambda d: d["items"][0].update({"level3": " "}), "level3」应为非空文字"),
        (lambda d: d.update({"items": []}), "非空列表"),
        (lambda d: d.update({"version": ""}), "版本号"),
    ],
)
def test_template_validation(change: Any, message: str) -> None:
    data = copy.deepcopy(shipped_data())
    change(data)
    with pytest.raises(ValueError, match=message):
        load_template(data)


def test_template_from_data_equals_shipped() -> None:
    assert load_template(shipped_data()) == template()


# --- building ----------------------------------------------------------------------------------


def test_default_build() -> None:
    items = build_items()
    assert len(items) == 17
    assert [i.level1 for i in items] == ["决策"] * 6 + ["过程"] * 5 + ["产出"] * 4 + ["效益"] * 2
    assert sum(i.weight for i in items) == 100
    assert check(items) == []
    assert build_items([GoalIndicator("其他指标", "", "无关")]) == items


def test_build_with_three_outputs() -> None:
    items = build_items(OUTPUTS)
    outputs = [i for i in items if i.level1 == "产出"]
    assert [(i.level2, i.level3, i.weight) for i in outputs] == [
        ("数量", "培训人次", D("10.00")),
        ("质量", "培训合格率", D("10.00")),
        ("时效", "完成时间", D("10.00")),
    ]
    assert outputs[0].explanation == "绩效目标：培训人次≥500人次"
    assert outputs[2].explanation == "绩效目标：完成时间2026年12月底前"
    assert outputs[0].standard.startswith("完成目标值得满分，未完成的按完成比例计分")
    assert outputs[2].standard.startswith("按期完成得满分")
    assert [i.level3 for i in items if i.level1 == "效益"] == ["实施效益", "满意度"]  # no 效益 goals: generic
    assert check(items) == []


def test_build_with_seven_outputs_splits_to_the_cent() -> None:
    goals = [GoalIndicator("产出指标", "数量指标", f"指标{n}", "≥", str(n)) for n in range(6)]
    goals.append(MORE[0])
    outputs = [i for i in build_items(goals) if i.level1 == "产出"]
    assert [i.weight for i in outputs] == [D("4.29")] * 4 + [D("4.28")] * 3
    assert sum(i.weight for i in outputs) == D(30)
    assert outputs[-1].level2 == "成本"


def test_build_with_benefits_and_satisfaction() -> None:
    items = build_items(OUTPUTS + MORE)
    assert [(i.level1, i.level2, i.level3, i.weight) for i in items[11:]] == [
        ("产出", "数量", "培训人次", D("7.50")),
        ("产出", "质量", "培训合格率", D("7.50")),
        ("产出", "时效", "完成时间", D("7.50")),
        ("产出", "成本", "人均培训成本", D("7.50")),
        ("效益", "项目效益", "就业率", D("15.00")),
        ("效益", "满意度", "学员满意度", D("15.00")),
    ]
    assert items[-1].explanation == "绩效目标：学员满意度≥90%"
    assert sum(i.weight for i in items) == 100
    assert check(items) == []


# --- checks ------------------------------------------------------------------------------------

BASE = build_items()  # 17 items: 决策 0-5, 过程 6-10, 产出 11-14, 效益 15-16


def _with(index: int, **changes: Any) -> list[Item]:
    items = list(BASE)
    items[index] = replace(items[index], **changes)
    return items


def _results(output: str) -> list[Item]:
    """产出 + 效益 = ``output`` + 30, moving the rest to 决策 so the total stays 100."""
    moved = D(30) - D(output)
    items = _with(11, weight=D(12) - moved)
    items[0] = replace(items[0], weight=D(4) + moved)
    return items


@pytest.mark.parametrize(
    ("items", "expected"),
    [
        (_with(0, weight=D(-1)), [("weights.total", "error", None), ("weights.positive", "error", 0)]),
        (_with(0, weight=D(0)), [("weights.total", "error", None), ("weights.positive", "error", 0)]),
        (_with(0, weight=D("4.01")), [("weights.total", "error", None)]),
        (_results("30"), []),
        (_results("29.99"), [("weights.results", "warning", None)]),
        (_results("24"), [("weights.results", "warning", None)]),
        (_with(3, level1="投入"), [("level1.unknown", "error", 3)]),
        (_with(5, level3=" "), [("item.name", "error", 5)]),
        (_with(0, score=D(4)), []),
        (_with(0, score=D(0)), []),
        (_with(0, score=D("4.01")), [("score.range", "error", 0)]),
        (_with(0, score=D("-0.01")), [("score.range", "error", 0)]),
        (_with(0, score=D("3.125")), [("score.precision", "error", 0)]),
        (_with(0, score=D("3.100")), []),
        (_with(0, score=D("NaN")), [("score.range", "error", 0)]),
    ],
)
def test_checks(items: list[Item], expected: list[tuple[str, str, int | None]]) -> None:
    assert codes(items) == expected


def test_check_messages() -> None:
    assert check(_with(0, weight=D(-1)))[0].message == "各指标分值合计 95，应为 100"
    assert check(_results("29.99"))[0].message == (
        "产出和效益指标权重合计 59.99%，低于 60%（财预〔2020〕10号要求以结果为导向）"
    )
    assert check(_with(0, score=D(5)))[0].message == "「立项依据充分性」得分 5，应在 0 到 4 之间"


def test_missing_level1() -> None:
    only_decision = [i for i in BASE if i.level1 == "决策"]
    found = check(only_decision)
    assert [(c.code, c.severity) for c in found] == [
        ("weights.total", "error"),
        ("weights.results", "warning"),
        ("level1.missing", "warning"),
        ("level1.missing", "warning"),
        ("level1.missing", "warning"),
    ]
    assert [c.message for c in found if c.code == "level1.missing"] == [
        "指标体系缺少「过程」类指标",
        "指标体系缺少「产出」类指标",
        "指标体系缺少「效益」类指标",
    ]
    assert found[1].message.startswith("产出和效益指标权重合计 0%")
    assert [c.code for c in check([])] == ["weights.total", "weights.results"] + ["level1.missing"] * 4


def test_results_share_is_the_weights_themselves() -> None:
    # weights are points out of 100: 产出 and 效益 at 30 each are 60 whatever the other items add
    items = [*BASE, Item("决策", "其他", "附加", D(10))]
    assert codes(items) == [("weights.total", "error", None)]
    items[11] = replace(items[11], weight=D("11.99"))
    assert codes(items)[1] == ("weights.results", "warning", None)


# --- totals and grades -------------------------------------------------------------------------


def test_total_and_subtotals() -> None:
    assert total([]) is None
    assert total(BASE) is None
    items = scored(BASE, {0: D(1), 12: D("2.5")})
    assert total(items) == D("96.5")
    assert subtotals(items) == {
        "决策": (D(20), D(19)),
        "过程": (D(20), D(20)),
        "产出": (D(30), D("27.5")),
        "效益": (D(30), D(30)),
    }
    partly = [*items[:-1], BASE[-1]]
    assert subtotals(partly)["效益"] == (D(30), None)
    assert subtotals(partly)["决策"] == (D(20), D(19))
    assert list(subtotals([Item("投入", "x", "y", D(5))])) == ["投入"]


@pytest.mark.parametrize(
    ("points", "expected"),
    [
        ("100", "优"),
        ("90", "优"),
        ("89.99", "良"),
        ("80", "良"),
        ("79.99", "中"),
        ("60", "中"),
        ("59.99", "差"),
        ("0", "差"),
    ],
)
def test_grade(points: str, expected: str) -> None:
    assert grade(D(points)) == expected


def test_grade_with_other_rules() -> None:
    rules = ScoringRules.from_data({"grades": [["85", "优"], ["75", "良"], ["60", "中"], ["0", "差"]]})
    assert grade(D(85), rules) == "优"
    assert grade(D(84), rules) == "良"


# --- the report --------------------------------------------------------------------------------


def facts(**changes: Any) -> Facts:
    base = Facts(
        project="职业技能培训项目",
        unit="县人力资源和社会保障局",
        year=2026,
        category="民生保障",
        budget=D("1234567.89"),
        initial_budget=D("1000000"),
        spent=D("987654.32"),
        funds={"一般公共预算": D("1000000"), "政府性基金": D(0), "上级补助": D("234567.89")},
        indicators=OUTPUTS,
        agency="某会计师事务所",
        evaluated_on=date(2027, 4, 15),
        items=scored(build_items(OUTPUTS), {0: D(1), 12: D("2.5")}),
        description="项目用于开展职业技能培训。",
    )
    return replace(base, **changes)


HEADINGS = [
    "一、基本情况",
    "二、绩效评价工作开展情况",
    "三、综合评价情况及评价结论",
    "四、绩效评价指标分析",
    "五、主要经验及做法、存在的问题及原因分析",
    "六、有关建议",
    "七、其他需要说明的问题",
]


def by_heading(f: Facts) -> dict[str, Any]:
    return {s.heading: s for s in outline(f)}


def test_outline_sections_in_order() -> None:
    headings = [s.heading for s in outline(facts())]
    assert [h for h in headings if h[0] in "一二三四五六七" and h[1] == "、"] == HEADINGS
    assert headings == [
        HEADINGS[0],
        "（一）项目概况",
        "（二）项目绩效目标",
        *HEADINGS[1:4],
        "（一）项目决策情况",
        "（二）项目过程情况",
        "（三）项目产出情况",
        "（四）项目效益情况",
        *HEADINGS[4:],
        "附件：评分表",
    ]


def test_outline_fills_known_numbers() -> None:
    s = by_heading(facts())
    overview = "\n".join(s["（一）项目概况"].paragraphs)
    assert "调整后预算123.46万元" in overview
    assert "年初预算100.00万元" in overview
    assert "资金来源：一般公共预算100.00万元、上级补助23.46万元。" in overview
    assert "政府性基金" not in overview
    assert "实际支出98.77万元，预算执行率80.00%" in overview
    goals = s["（二）项目绩效目标"]
    assert goals.table[0] == ("一级指标", "二级指标", "三级指标", "指标值")
    assert goals.table[1] == ("产出指标", "数量指标", "培训人次", "≥500人次")
    conclusion = s["三、综合评价情况及评价结论"].paragraphs
    assert conclusion[0] == "经综合评价，该项目得分96.50分，评价等级为「优」。"
    assert "决策类指标得分19.00分（满分20分）" in conclusion[1]
    decision = s["（一）项目决策情况"].paragraphs
    assert decision[0] == "决策类指标满分20分，得分19.00分，得分率95.00%。"
    assert decision[1] == "1. 项目立项—立项依据充分性（分值4分）：得分3.00分。"
    problems = s["五、主要经验及做法、存在的问题及原因分析"].paragraphs
    assert problems[2:] == (
        "1. 决策—立项依据充分性扣1.00分：问题及原因（待填写）",
        "2. 产出—培训合格率扣2.50分：问题及原因（待填写）",
    )
    work = "".join(s["二、绩效评价工作开展情况"].paragraphs)
    assert "某会计师事务所" in work and "2027年4月15日" in work
    assert "分值为决策20分、过程20分、产出30分、效益30分" in work
    table = s["附件：评分表"].table
    assert table[0] == ("一级指标", "二级指标", "三级指标", "分值", "得分", "评分说明")
    assert len(table) == 1 + 16 + 1
    assert table[-1] == ("合计", "", "", "100", "96.50", "")


def test_outline_never_invents() -> None:
    s = by_heading(
        facts(
            spent=None,
            funds={},
            indicators=(),
            agency="",
            evaluated_on=None,
            items=build_items(),
            description="",
            category="",
        )
    )
    overview = "\n".join(s["（一）项目概况"].paragraphs)
    assert f"实际支出{TO_FILL}，预算执行率{TO_FILL}" in overview
    assert f"资金来源：{TO_FILL}" in overview and f"项目类别：{TO_FILL}" in overview
    assert s["（二）项目绩效目标"].paragraphs == (f"项目绩效目标：{TO_FILL}",)
    assert s["（二）项目绩效目标"].table == ()
    assert s["三、综合评价情况及评价结论"].paragraphs == (AFTER_SCORING,)
    assert s["（三）项目产出情况"].paragraphs[0] == f"产出类指标满分30分，得分{AFTER_SCORING}。"
    assert s["五、主要经验及做法、存在的问题及原因分析"].paragraphs[-1] == AFTER_SCORING
    assert s["附件：评分表"].table[-1] == ("合计", "", "", "100", "", "")
    work = "".join(s["二、绩效评价工作开展情况"].paragraphs)
    assert f"评价机构为{TO_FILL}，评价日期为{TO_FILL}" in work


def test_outline_without_items_or_budget() -> None:
    s = by_heading(facts(items=(), budget=D(0)))
    assert f"预算执行率{TO_FILL}" in "".join(s["（一）项目概况"].paragraphs)
    assert s["（四）项目效益情况"].paragraphs == ("未设置效益类指标。",)
    assert s["三、综合评价情况及评价结论"].paragraphs == (AFTER_SCORING,)


def test_full_marks_have_no_problems() -> None:
    s = by_heading(facts(items=scored(build_items())))
    assert s["五、主要经验及做法、存在的问题及原因分析"].paragraphs[-1] == f"评分中未发现扣分事项；其他问题{TO_FILL}"
    assert s["三、综合评价情况及评价结论"].paragraphs[0] == "经综合评价，该项目得分100.00分，评价等级为「优」。"


def test_outline_text() -> None:
    items = scored(build_items(OUTPUTS), {0: D(1)})
    items[1] = replace(items[1], note="缺少\t可行性\n研究")
    text = outline_text(outline(facts(items=items)))
    lines = text.splitlines()
    assert lines[0] == "一、基本情况"
    assert "（一）项目概况" in lines
    assert "一级指标\t二级指标\t三级指标\t分值\t得分\t评分说明" in lines
    assert "决策\t项目立项\t立项程序规范性\t3\t3.00\t缺少 可行性 研究" in lines
    assert lines[-1] == "合计\t\t\t100\t99.00\t"
    assert text.endswith("\n") and "\n\n二、绩效评价工作开展情况\n" in text
    assert all(h in text for h in HEADINGS)


def test_level1_constant() -> None:
    assert LEVEL1 == ("决策", "过程", "产出", "效益")
