"""结果应用 (DOMAIN.md §9): grades, decisions and rectifications → next year's budget."""

import re
from decimal import Decimal
from typing import Any

import pytest

from jixiao.core.linkage import (
    ACTIONS,
    DecisionFact,
    Facts,
    Grade,
    LinkageRules,
    Reason,
    RectificationFact,
    Rule,
    explain,
    recommend,
)

D = Decimal
BASE = D("1000000")  # 100.00万元

SELF = Grade("selfeval", "优", D("92.5"), "2023年度绩效自评", ref="se-1")
RECHECK_MID = Grade("recheck", "中", D("75"), "2023年度财政复核")
KEY_MID = Grade("keyeval", "中", D("78.5"), "2023年度财政重点评价", ref="ke-1")
KEY_GOOD = Grade("keyeval", "良", D("85"), "2023年度财政重点评价")
SELF_BAD = Grade("selfeval", "差", D("55"), "2023年度绩效自评")
STOP = DecisionFact("stop", "2024年第二季度监控处理决定", "open", ref="d-1")
OPEN = RectificationFact("open", overdue=True, label="2023年度重点评价整改", ref="r-1")
CLOSED = RectificationFact("closed", overdue=False, label="2022年度自评整改")


def lower() -> LinkageRules:
    return LinkageRules.from_data({"prefer": "lower"})


@pytest.mark.parametrize(
    ("grade", "action", "label", "cut", "amount"),
    [
        ("优", "priority", "优先保障", D(0), D("1000000.00")),
        ("良", "keep", "保持", D(0), D("1000000.00")),
        ("中", "reduce", "压减", D(10), D("900000.00")),
        ("差", "cut", "削减或取消", D(50), D("500000.00")),
    ],
)
def test_each_grade(grade: str, action: str, label: str, cut: Decimal, amount: Decimal) -> None:
    rec = recommend(Facts(BASE, grades=[Grade("selfeval", grade, None, "2023年度绩效自评")]))
    assert (rec.action, rec.label, rec.cut, rec.amount, rec.grade) == (action, label, cut, amount, grade)
    assert not rec.conditional
    assert rec.reasons == (Reason("selfeval", f"2023年度绩效自评「{grade}」", decisive=True),)


@pytest.mark.parametrize(
    ("grades", "rules", "grade", "decisive"),
    [
        ([SELF, RECHECK_MID], None, "中", [False, True]),  # finance's re-check replaces the self-evaluation
        ([SELF, RECHECK_MID, KEY_GOOD], None, "良", [False, False, True]),  # prefer key: key beats both
        ([SELF_BAD, KEY_GOOD], None, "良", [False, True]),
        ([SELF, KEY_MID], lower(), "中", [False, True]),  # prefer lower: key is lower
        ([SELF_BAD, KEY_GOOD], lower(), "差", [True, False]),  # prefer lower: self is lower
        ([SELF_BAD, RECHECK_MID, KEY_GOOD], lower(), "中", [False, True, False]),  # recheck first replaces self
        ([Grade("selfeval", "中", None, "自评"), KEY_MID], lower(), "中", [False, True]),  # a tie: key decides
    ],
)
def test_deciding_grade(grades: list[Grade], rules: LinkageRules | None, grade: str, decisive: list[bool]) -> None:
    rec = recommend(Facts(BASE, grades=grades), rules)
    assert rec.grade == grade
    assert rec.cut == LinkageRules.default().rules[grade].cut
    assert [r.decisive for r in rec.reasons] == decisive
    assert [r.kind for r in rec.reasons] == [g.source for g in grades]


def test_grade_reason_text() -> None:
    rec = recommend(Facts(BASE, grades=[SELF, Grade("keyeval", "中", D("78.505"), "2023年度财政重点评价")]))
    assert [r.text for r in rec.reasons] == ["2023年度绩效自评 92.50分「优」", "2023年度财政重点评价 78.51分「中」"]
    assert rec.reasons[0].ref == "se-1"


def test_no_grade() -> None:
    rec = recommend(Facts(D("123.45")))
    assert (rec.action, rec.label, rec.cut, rec.amount, rec.grade, rec.reasons) == (
        "none",
        ACTIONS["none"],
        D(0),
        D("123.45"),
        None,
        (),
    )
    assert explain(rec) == "无评价结果，按常规审核，安排0.01万元"


@pytest.mark.parametrize(
    ("grades", "decisions", "action", "cut", "amount"),
    [
        ([SELF], [STOP], "cut", D(100), D(0)),
        ([], [STOP], "cut", D(100), D(0)),
        (
            [SELF],
            [DecisionFact("suspend", "暂缓", "answered"), DecisionFact("correct", "纠偏", "closed")],
            "priority",
            D(0),
            BASE,
        ),
    ],
)
def test_decisions(
    grades: list[Grade], decisions: list[DecisionFact], action: str, cut: Decimal, amount: Decimal
) -> None:
    rec = recommend(Facts(BASE, grades=grades, decisions=decisions))
    assert (rec.action, rec.cut, rec.amount) == (action, cut, amount)
    assert [r.kind for r in rec.reasons] == ["selfeval"] * len(grades) + ["decision"] * len(decisions)


def test_stop_decision_reason_and_configured_cut() -> None:
    rec = recommend(Facts(BASE, grades=[SELF], decisions=[STOP]))
    assert rec.reasons[-1] == Reason(
        "decision", "2024年第二季度监控处理决定：停止执行、收回资金（待单位落实）", "d-1", True
    )
    assert rec.amount == 0
    softer = LinkageRules.from_data({"stop_decision_cut": "80"})
    assert recommend(Facts(BASE, grades=[SELF_BAD], decisions=[STOP]), softer).cut == D(80)
    # the cut is at least the stop cut: a larger grade cut stays
    harsh = LinkageRules.from_data({"stop_decision_cut": "30"})
    assert recommend(Facts(BASE, grades=[SELF_BAD], decisions=[STOP]), harsh).cut == D(50)


@pytest.mark.parametrize(
    ("grades", "action", "label", "cut"),
    [
        ([SELF], "priority", "优先保障（整改完成后安排）", D(0)),
        ([KEY_MID], "reduce", "压减（整改完成后安排）", D(10)),
        ([], "none", "无评价结果，按常规审核（整改完成后安排）", D(0)),
        ([SELF_BAD], "cut", "削减或取消", D(50)),  # a cut stays a cut, still only after rectification
    ],
)
def test_open_rectification_makes_it_conditional(grades: list[Grade], action: str, label: str, cut: Decimal) -> None:
    rec = recommend(Facts(BASE, grades=grades, rectifications=[CLOSED, OPEN]))
    assert (rec.action, rec.label, rec.cut, rec.conditional) == (action, label, cut, True)
    assert rec.reasons[-2:] == (
        Reason("rectification", "2022年度自评整改：整改已完成"),
        Reason("rectification", "2023年度重点评价整改：整改未完成（待单位落实，已逾期）", "r-1", True),
    )


def test_closed_rectification_only() -> None:
    rec = recommend(Facts(BASE, grades=[SELF], rectifications=[CLOSED]))
    assert (rec.label, rec.conditional) == ("优先保障", False)


@pytest.mark.parametrize(
    ("grades", "action", "cut", "amount"),
    [
        ([SELF], "cut", D(50), D("500000.00")),
        ([KEY_MID], "cut", D(50), D("500000.00")),
        ([SELF_BAD], "cut", D(50), D("500000.00")),
    ],
)
def test_unrectified_cut(grades: list[Grade], action: str, cut: Decimal, amount: Decimal) -> None:
    rules = LinkageRules.from_data({"unrectified": "cut"})
    answered = RectificationFact("answered", overdue=False, label="整改")
    rec = recommend(Facts(BASE, grades=grades, rectifications=[answered]), rules)
    assert (rec.action, rec.cut, rec.amount, rec.conditional) == (action, cut, amount, False)
    assert rec.reasons[-1].text == "整改：整改未完成（单位已反馈）"


@pytest.mark.parametrize(
    ("base", "grade", "amount"),
    [
        (D("100.01"), "差", D("50.01")),  # 50.005 → 50.01
        (D("0.05"), "中", D("0.05")),  # 0.045 → 0.05
        (D("0.15"), "中", D("0.14")),  # 0.135 → 0.14 (banker's rounding would give 0.14 too)
        (D("0.25"), "中", D("0.23")),  # 0.225 → 0.23, not 0.22
        (D("100.03"), "差", D("50.02")),  # 50.015 → 50.02
    ],
)
def test_rounding_half_up(base: Decimal, grade: str, amount: Decimal) -> None:
    rec = recommend(Facts(base, grades=[Grade("selfeval", grade, None, "自评")]))
    assert rec.amount == amount
    assert rec.amount is not None and rec.amount.as_tuple().exponent == -2


@pytest.mark.parametrize(
    ("facts", "text"),
    [
        (Facts(D("1000000"), grades=[KEY_MID]), "建议压减10%，安排90.00万元：依据2023年度财政重点评价 78.50分「中」"),
        (Facts(D("1000000"), grades=[SELF]), "建议优先保障，安排100.00万元：依据2023年度绩效自评 92.50分「优」"),
        (
            Facts(D("1000000"), grades=[KEY_MID], rectifications=[OPEN]),
            "建议压减10%（整改完成后安排），安排90.00万元：依据2023年度财政重点评价 78.50分「中」；"
            "2023年度重点评价整改：整改未完成（待单位落实，已逾期）",
        ),
        (
            Facts(D("1000000"), grades=[SELF], decisions=[STOP]),
            "建议削减或取消100%，安排0.00万元：依据2023年度绩效自评 92.50分「优」；"
            "2024年第二季度监控处理决定：停止执行、收回资金（待单位落实）",
        ),
    ],
)
def test_explain(facts: Facts, text: str) -> None:
    assert explain(recommend(facts)) == text


def test_bad_facts() -> None:
    with pytest.raises(ValueError, match="等级「甲」无效"):
        recommend(Facts(BASE, grades=[Grade("selfeval", "甲", None, "自评")]))
    with pytest.raises(ValueError, match="来源「audit」无效"):
        recommend(Facts(BASE, grades=[Grade("audit", "优", None, "审计")]))
    with pytest.raises(ValueError, match="监控处理决定"):
        recommend(Facts(BASE, decisions=[DecisionFact("halt", "决定", "open")]))
    with pytest.raises(ValueError, match="整改「x」的状态"):
        recommend(Facts(BASE, rectifications=[RectificationFact("done", False, "x")]))
    with pytest.raises(ValueError, match="预算基数"):
        recommend(Facts(D("-1")))


def test_default_rules() -> None:
    rules = LinkageRules.default()
    assert rules.version == "default-2026.1"
    assert rules.rules == {
        "优": Rule("优", "priority", "优先保障", D(0)),
        "良": Rule("良", "keep", "保持", D(0)),
        "中": Rule("中", "reduce", "压减", D(10)),
        "差": Rule("差", "cut", "削减或取消", D(50)),
    }
    assert (rules.unrectified, rules.stop_decision_cut, rules.prefer) == ("after", D(100), "key")


def test_from_data_merges() -> None:
    rules = LinkageRules.from_data({"rules": {"中": {"cut": "20"}, "差": {"action": "cut", "cut": 100}}})
    assert rules.version == "default-2026.1+custom"
    assert rules.rules["中"] == Rule("中", "reduce", "压减", D(20))
    assert rules.rules["差"].cut == D(100)
    assert rules.rules["优"] == LinkageRules.default().rules["优"]
    relabelled = LinkageRules.from_data(
        {"version": "川-2025", "rules": {"良": {"action": "priority", "label": "保障"}}}
    )
    assert relabelled.version == "川-2025"
    assert relabelled.rules["良"] == Rule("良", "priority", "保障", D(0))
    renamed = LinkageRules.from_data({"rules": {"中": {"action": "after_rectification"}}})
    assert renamed.rules["中"].label == "整改完成后安排"  # a new action brings its own words
    assert LinkageRules.from_data({"rules": {"中": {"cut": "12.50"}}}).rules["中"].cut == D("12.5")
    assert LinkageRules.default() == LinkageRules.default()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"colour": "red"}, "无法识别的项目：colour"),
        ({"rules": {"甲": {"cut": "10"}}}, "「rules.甲」不是等级"),
        ({"rules": {"中": {"cut": "10", "why": "x"}}}, "「rules.中」含有无法识别的项目：why"),
        ({"rules": {"中": {"cut": "101"}}}, "「rules.中.cut」的值「101」应为 0 到 100"),
        ({"rules": {"中": {"cut": "-1"}}}, "「rules.中.cut」的值「-1」应为 0 到 100"),
        ({"rules": {"中": {"cut": "10.555"}}}, "「rules.中.cut」的值「10.555」最多保留两位小数"),
        ({"rules": {"中": {"cut": "十"}}}, "「rules.中.cut」的值「十」不是数字"),
        ({"rules": {"中": {"cut": 10.5}}}, "「rules.中.cut」应为数字"),
        ({"rules": {"中": {"action": "abolish"}}}, "「rules.中.action」的值「abolish」无效"),
        ({"rules": {"中": {"label": ""}}}, "「rules.中.label」应为文字"),
        ({"rules": {"中": "10"}}, "「中」应为 JSON 对象"),
        ({"unrectified": "later"}, "「unrectified」的值「later」无效"),
        ({"prefer": "higher"}, "「prefer」的值「higher」无效"),
        ({"stop_decision_cut": "150"}, "「stop_decision_cut」的值「150」应为 0 到 100"),
        ({"version": ""}, "版本号「version」应为文字"),
    ],
)
def test_from_data_rejects(data: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        LinkageRules.from_data(data)


def test_from_data_rejects_non_object() -> None:
    with pytest.raises(ValueError, match="应为 JSON 对象"):
        LinkageRules.from_data(["优"])  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "rules",
    [
        LinkageRules.default(),
        LinkageRules.from_data(
            {
                "version": "x-1",
                "rules": {"良": {"action": "priority", "label": "保障", "cut": "0"}, "中": {"cut": "12.5"}},
                "unrectified": "cut",
                "stop_decision_cut": "90",
                "prefer": "lower",
            }
        ),
    ],
)
def test_to_data_round_trip(rules: LinkageRules) -> None:
    data = rules.to_data()
    assert LinkageRules.from_data(data) == rules
    assert LinkageRules.from_data(data).to_data() == data
