"""Self-evaluation scoring (DOMAIN.md §7) and its checks (§16.5): every rule over its edges."""

import copy
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from jixiao.core.scoring import (
    CATALOGUE,
    ScoringRules,
    default_weights,
    distortion,
    execution_score,
    score,
    score_number,
    split,
)
from jixiao.core.selfeval import SCHEMA, read_selfeval
from jixiao.core.sheet import Indicator, SheetFormatError

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "formats" / "examples" / "selfeval.json"
D = Decimal


def example() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    return data


def scored(data: dict[str, Any], rules: ScoringRules | None = None) -> Any:
    return score(read_selfeval(data, source="t.json#0"), rules)


def codes(result: Any) -> list[str]:
    return [f.rule for f in result.findings]


def form(*indicators: dict[str, Any], **top: Any) -> dict[str, Any]:
    """A minimal form: execution 100% at 10 points, the given indicators."""
    data: dict[str, Any] = {
        "schema": SCHEMA,
        "kind": "project",
        "year": 2025,
        "unit": {"code": "001", "name": "测试单位"},
        "project": {"name": "测试项目"},
        "funds": {"total": "100000"},
        "goal": "完成任务。",
        "execution": {"adjusted_budget": "100000", "spent": "100000"},
        "indicators": list(indicators),
    }
    data.update(top)
    return data


def ind(symbol: str, value: str, actual: str, weight: str | None = "90", **more: Any) -> dict[str, Any]:
    item = {
        "level1": "产出指标",
        "level2": "数量指标",
        "name": "完成数量",
        "symbol": symbol,
        "value": value,
        "unit": "个",
        "actual": actual,
        "source": "台账",
        "deviation_reason": "已说明",
    }
    if weight is not None:
        item["weight"] = weight
    item.update(more)
    return item


# --- the worked example ------------------------------------------------------------------------


def test_the_example_scores_as_its_readme_works_out() -> None:
    result = scored(example())
    assert (result.execution_rate, result.execution_score) == (D("95.00"), D("9.50"))
    assert [i.score for i in result.indicators] == [
        D(x) for x in ("20.00", "14.92", "10.00", "4.44", "15.00", "15.00", "10.00")
    ]
    assert (result.total, result.grade) == (D("98.86"), "优")
    assert result.discrepancies == []
    assert not result.errors


def test_the_example_under_the_ratio_variant() -> None:
    result = scored(example(), ScoringRules.from_data({"reverse": "ratio"}))
    assert result.indicators[3].score == D("4.50")
    assert result.total == D("98.92")
    assert result.rules_version == "default-2026.1+custom"


def test_the_example_as_formats_section_4() -> None:
    data = scored(example()).to_data()
    assert data["execution_rate"] == "95.00" and data["total"] == "98.86" and data["grade"] == "优"
    assert data["indicators"][0] == {"index": 0, "weight": "20.00", "completion": "104.00", "score": "20.00"}
    assert data["indicators"][5]["completion"] is None and data["indicators"][5]["level"] == "达成"
    # a ceiling's 完成率 would mislead (2000 against ≤1800 is not 111% done): none is given
    assert data["indicators"][3]["completion"] is None and data["indicators"][1]["completion"] == "99.49"
    finding = data["findings"][0]
    assert set(finding) == {"rule", "family", "severity", "indicator", "field", "message", "hint", "basis"}


# --- indicator rules ---------------------------------------------------------------------------

NUMBER_CASES = [
    # symbol, target, actual, weight, expected (unrounded) points
    ("≥", "500", "520", "20", D(20)),  # over the target: full
    ("≥", "500", "500", "20", D(20)),  # a = t
    ("≥", "98", "97.5", "15", D("15") * D("97.5") / D(98)),
    ("≥", "100", "0", "10", D(0)),
    ("≥", "100", "-5", "10", D(0)),  # a negative actual earns nothing, not negative points
    ("≥", "0", "0", "10", D(10)),  # zero target reached
    ("≥", "0", "-1", "10", D(0)),  # a zero target missed: no share to give, nothing
    ("≥", "-5", "-8", "10", D(0)),  # a negative floor missed: nothing
    ("≥", "-5", "-3", "10", D(10)),
    (">", "90", "90", "10", D(10)),  # > is scored as ≥, as pmkpi does
    ("=", "0", "0", "15", D(15)),  # a target of 0 met
    ("=", "0", "1", "15", D(0)),  # a target of 0 missed: nothing
    ("=", "0", "-1", "15", D(15)),
    ("=", "100", "100", "10", D(10)),
    ("=", "100", "120", "10", D(10)),  # as 正向 when t > 0
    ("=", "100", "80", "10", D(8)),
    ("≤", "1800", "1800", "5", D(5)),
    ("≤", "1800", "1700", "5", D(5)),
    ("≤", "1800", "2000", "5", D(5) * (1 - D(200) / D(1800))),
    ("≤", "1800", "3600", "5", D(0)),  # a = 2t
    ("≤", "1800", "5000", "5", D(0)),
    ("≤", "0", "0", "5", D(5)),
    ("≤", "0", "1", "5", D(0)),
    ("<", "10", "15", "10", D(5)),
    ("≤", "-2", "-1", "10", D(0)),  # a ceiling below zero passed
    ("≤", "-2", "-3", "10", D(10)),
    ("=", "-1", "-1", "10", D(10)),
    ("=", "-1", "-2", "10", D(0)),
]


@pytest.mark.parametrize(("symbol", "target", "actual", "weight", "expected"), NUMBER_CASES)
def test_score_number(symbol: str, target: str, actual: str, weight: str, expected: Decimal) -> None:
    assert score_number(symbol, D(target), D(actual), D(weight)) == expected


@pytest.mark.parametrize(
    ("target", "actual", "expected"),
    [("1800", "2000", D(5) * D(1800) / D(2000)), ("10", "40", D("1.25")), ("0", "3", D(0))],
)
def test_reverse_ratio_variant(target: str, actual: str, expected: Decimal) -> None:
    assert score_number("≤", D(target), D(actual), D(5), reverse="ratio") == expected


def test_rounding_is_half_up_per_indicator_before_the_total() -> None:
    # 10 * 99.95 / 100 = 9.995 → 10.00 (half up);
    # 10 * 0.3335 = 3.335 → 3.34.
    result = scored(
        form(
            ind("≥", "100", "99.95", "10"),
            ind("≥", "100", "33.35", "10", name="第二项"),
            ind("≥", "1", "1", "70", name="第三项"),
        )
    )
    assert [i.score for i in result.indicators] == [D("10.00"), D("3.34"), D("70.00")]
    assert result.total == D("10.00") + D("10.00") + D("3.34") + D("70.00")


def test_each_indicator_is_rounded_before_adding() -> None:
    # three indicators of 1/3 point lost each: 29.67 * 3 rounded each = 89.01, not 89.00.
    result = scored(form(*(ind("≥", "90", "89", "30", name=f"项{i}") for i in range(3))))
    assert [i.score for i in result.indicators] == [D("29.67")] * 3
    assert result.total == D("10.00") + D("89.01")


QUALITATIVE_CASES = [
    # level, hand score, weight → score or the rule that refuses it
    ("达成", None, "10", D("10.00"), None),
    ("达成", "8", "10", D("8.00"), None),  # the band's lower bound is included
    ("达成", "7.99", "10", None, "consistency.score-out-of-band"),
    ("部分达成", "6", "10", D("6.00"), None),
    ("部分达成", "7.99", "10", D("7.99"), None),
    ("部分达成", "8", "10", None, "consistency.score-out-of-band"),  # the upper bound is not
    ("部分达成", None, "10", None, "completeness.qualitative-score-missing"),
    ("未达成", "0", "10", D("0.00"), None),
    ("未达成", "5.99", "10", D("5.99"), None),
    ("未达成", "6", "10", None, "consistency.score-out-of-band"),
    ("基本达成", "7", "10", D("7.00"), None),  # a synonym of 部分达成
    ("达成年度指标", None, "15", D("15.00"), None),
    ("较好", None, "10", None, "measurability.actual-unreadable"),
    ("100%", None, "10", None, "measurability.actual-unreadable"),
]


@pytest.mark.parametrize(("level", "given", "weight", "expected", "rule"), QUALITATIVE_CASES)
def test_qualitative_bands(
    level: str, given: str | None, weight: str, expected: Decimal | None, rule: str | None
) -> None:
    item = ind("定性", "达到预期", level, weight, unit="")
    if given is not None:
        item["score"] = given
    result = scored(form(item, ind("≥", "1", "1", str(90 - int(weight)), name="其他")))
    assert result.indicators[0].score == expected
    if rule:
        assert rule in codes(result)
        assert result.total is None
    else:
        assert not result.errors


def test_a_hand_score_on_a_quantitative_indicator_is_not_used() -> None:
    result = scored(form(ind("≥", "100", "50", "90", score="90")))
    assert result.indicators[0].score == D("45.00")
    assert "consistency.score-not-allowed" in codes(result)


# --- actuals a person writes -------------------------------------------------------------------

ACTUAL_CASES = [
    ("520", D("90.00"), None),
    ("\uff15\uff12\uff10", D("90.00"), None),  # full-width digits
    ("520个", D("90.00"), None),  # the unit inside the cell
    ("1,000", D("90.00"), None),
    ("", None, "completeness.actual-missing"),
    ("  ", None, "completeness.actual-missing"),
    ("100%", None, "measurability.actual-unreadable"),  # a percentage for a count
    ("达成", None, "measurability.actual-unreadable"),
    ("已完成", None, "measurability.actual-unreadable"),
    ("约500", None, "measurability.actual-unreadable"),
    ("≥500", None, "measurability.actual-unreadable"),  # copied from the target cell
    ("若干", None, "measurability.actual-unreadable"),
    ("**", None, "measurability.actual-unreadable"),
]


@pytest.mark.parametrize(("actual", "expected", "rule"), ACTUAL_CASES)
def test_actuals_as_written(actual: str, expected: Decimal | None, rule: str | None) -> None:
    result = scored(form(ind("≥", "500", actual)))
    assert result.indicators[0].score == expected
    if rule:
        assert rule in codes(result)
        assert result.total is None and result.grade is None
        assert any("无法计分" in note for note in result.notes)


def test_a_target_that_cannot_be_scored() -> None:
    result = scored(form(ind("≥", "**", "5")))
    assert result.indicators[0].score is None
    assert "measurability.target-unscorable" in codes(result)


def test_deadlines_on_time_and_late() -> None:
    deadline = {"level2": "时效指标", "name": "完工时间", "symbol": "≤", "value": "2025年6月30日", "unit": ""}
    on_time = scored(form(ind(**{**deadline, "actual": "2025年6月20日"})))
    assert on_time.indicators[0].score == D("90.00") and not on_time.errors
    late = scored(form(ind(**{**deadline, "actual": "2025-07-10", "deviation_reason": ""})))
    assert late.indicators[0].score == D("0.00")
    finding = next(f for f in late.findings if f.rule == "completeness.deviation-unexplained")
    assert "晚 10 天" in finding.message
    serial = scored(form(ind(**{**deadline, "actual": "45828"})))  # 2025-06-20 as Excel stores it
    assert serial.indicators[0].score == D("90.00")


# --- execution ---------------------------------------------------------------------------------

EXECUTION_CASES = [
    ("1000000", "950000", "10", D("95.00"), D("9.50")),
    ("1000000", "1000000", "10", D("100.00"), D("10.00")),
    ("1000000", "1200000", "10", D("120.00"), D("10.00")),  # capped at its points
    ("1000000", "0", "10", D("0.00"), D("0.00")),
    ("300000", "100000", "10", D("33.33"), D("3.33")),
    ("1000000", "999950", "10", D("100.00"), D("10.00")),  # 99.995% → 100.00, score 9.9995 → 10.00
    ("1000000", "950000", "20", D("95.00"), D("19.00")),
]


@pytest.mark.parametrize(("adjusted", "spent", "weight", "rate", "points"), EXECUTION_CASES)
def test_execution(adjusted: str, spent: str, weight: str, rate: Decimal, points: Decimal) -> None:
    assert execution_score(D(adjusted), D(spent), D(weight))[:2] == (rate, points)


@pytest.mark.parametrize(
    ("execution", "why"),
    [
        ({"adjusted_budget": "0", "spent": "0"}, "应大于 0"),
        ({"spent": "100"}, "没有全年预算数"),
        ({"adjusted_budget": "100"}, "没有全年执行数"),
    ],
)
def test_execution_that_cannot_be_scored(execution: dict[str, str], why: str) -> None:
    result = scored(form(ind("≥", "1", "1"), execution=execution))
    assert result.execution_rate is None and result.total is None
    finding = next(f for f in result.findings if f.rule == "measurability.execution-unscorable")
    assert why in finding.message


def test_low_execution_asks_for_a_reason() -> None:
    low = form(ind("≥", "1", "1"), execution={"adjusted_budget": "100", "spent": "80"})
    assert "completeness.execution-unexplained" in codes(scored(low))
    low["execution"]["reason"] = "项目 12 月才完成验收，尾款次年支付。"
    assert "completeness.execution-unexplained" not in codes(scored(low))


# --- weights -----------------------------------------------------------------------------------


def test_split_gives_whole_cents_that_add_up() -> None:
    assert split(D(50), 3) == [D("16.67"), D("16.67"), D("16.66")]
    assert sum(split(D(30), 7)) == D(30)
    assert split(D(10), 0) == []


def test_default_weights_follow_10_50_30_10() -> None:
    data = example()
    for item in data["indicators"]:
        del item["weight"]
    result = scored(data)
    weights = [i.weight for i in result.indicators]
    assert weights == [D("12.50")] * 4 + [D("15.00"), D("15.00"), D("10.00")]
    assert sum(w for w in weights if w is not None) == D(90)
    assert any("默认权重" in note for note in result.notes)
    assert result.total is not None and not result.errors


def test_a_missing_level1_gives_its_points_pro_rata() -> None:
    indicators = [
        Indicator(level1="产出指标", level2="数量指标", name="甲", symbol="≥", value="1"),
        Indicator(level1="效益指标", level2="社会效益指标", name="乙", symbol="≥", value="1"),
    ]
    weights, notes = default_weights(indicators, ScoringRules.default(), D(10))
    assert weights == [D("56.25"), D("33.75")]  # 90 * 50/80 and 90 * 30/80
    assert "满意度指标" in notes[0]
    lost, notes = default_weights(indicators, ScoringRules.from_data({"weights": {"missing_level1": "none"}}), D(10))
    assert lost == [D("50.00"), D("30.00")] and "不计" in notes[0]


def test_cost_indicators_count_under_outputs() -> None:
    indicators = [
        Indicator(level1="产出指标", level2="数量指标", name="甲", symbol="≥", value="1"),
        Indicator(level1="成本指标", level2="经济成本指标", name="乙", symbol="≤", value="1"),
        Indicator(level1="效益指标", level2="社会效益指标", name="丙", symbol="≥", value="1"),
        Indicator(level1="满意度指标", level2="服务对象满意度指标", name="丁", symbol="≥", value="90"),
    ]
    weights, _ = default_weights(indicators, ScoringRules.default(), D(10))
    assert weights == [D(25), D(25), D(30), D(10)]


def test_weights_not_adding_up_to_100_are_scaled() -> None:
    # 10 + 60 + 20 = 90: the unit cannot change an approved sheet's weights, so the indicator
    # weights are scaled to 90 in proportion (67.50, 22.50) and the form still scores.
    result = scored(form(ind("≥", "1", "1", "60"), ind("≥", "10", "5", "20", name="乙")))
    assert "consistency.weights-not-100" in codes(result)
    assert [i.weight for i in result.indicators] == [D("67.50"), D("22.50")]
    assert result.total == D("10.00") + D("67.50") + D("11.25")
    assert any("按比例折算" in n for n in result.notes) and not result.errors


def test_some_weights_missing_fall_back_to_defaults() -> None:
    result = scored(form(ind("≥", "1", "1", "50"), ind("≥", "1", "1", None, name="乙")))
    assert "completeness.weight-missing" in codes(result)
    assert [i.weight for i in result.indicators] == [D("45.00"), D("45.00")]  # 产出 50 → 90 pro rata, halved
    assert result.total == D("100.00") and not result.errors


def test_weights_of_zero_fall_back_to_defaults() -> None:
    result = scored(form(ind("≥", "1", "1", "0")))
    assert result.indicators[0].weight == D("90.00") and "consistency.weights-not-100" in codes(result)


def test_an_unreadable_target_is_rated_by_level() -> None:
    result = scored(form(ind("≥", "**", "达成")))
    assert "measurability.target-unscorable" in codes(result)
    assert result.indicators[0].score == D("90.00") and result.total is not None
    as_number = scored(form(ind("≥", "**", "5")))
    assert "measurability.actual-unreadable" in codes(as_number) and as_number.total is None


def test_band_message_shows_what_is_checked() -> None:
    # 3.33 points: 达成 from 2.664 → 2.67 (rounded up) to 3.33; 2.66 is refused and the
    # message says 2.67, not 2.66.
    item = ind("定性", "达到预期", "达成", "3.33", unit="", score="2.66")
    result = scored(form(item, ind("≥", "1", "1", "86.67", name="其他")))
    finding = next(f for f in result.findings if f.rule == "consistency.score-out-of-band")
    assert "2.67（含）至 3.33（含）" in finding.message
    item["score"] = "2.67"
    assert scored(form(item, ind("≥", "1", "1", "86.67", name="其他"))).indicators[0].score == D("2.67")


def test_a_qualitative_line_of_no_points_asks_for_nothing() -> None:
    item = ind("定性", "达到预期", "部分达成", "0", unit="", deviation_reason="部分完成")
    result = scored(form(item, ind("≥", "1", "1", "90", name="其他")))
    assert result.indicators[0].score == D("0.00") and not result.errors


def test_huge_numbers_are_refused_not_a_crash() -> None:
    result = scored(form(ind("≥", "1", "1" + "0" * 24)))
    assert "measurability.actual-unreadable" in codes(result) and result.total is None
    data = example()
    data["claimed"] = {"total": "1e100", "indicator_scores": ["9e30"]}
    claimed = scored(data)
    assert ("total", "1e100", "98.86") in [(d.field, d.claimed, d.computed) for d in claimed.discrepancies]


def test_execution_far_over_budget_warns() -> None:
    result = scored(form(ind("≥", "1", "1"), execution={"adjusted_budget": "100", "spent": "35000000"}))
    assert result.execution_score == D("10.00") and "consistency.spent-over-budget" in codes(result)


def test_level1_weights_changed_warns() -> None:
    data = example()
    data["indicators"][0]["weight"] = 30
    data["indicators"][6]["weight"] = 0
    result = scored(data)
    assert "reasonableness.level1-weights-changed" in codes(result)
    assert "consistency.weights-not-100" not in codes(result)


# --- the checks of §16.5 -----------------------------------------------------------------------


def test_s1_actuals_copied_from_targets() -> None:
    data = example()
    for item in data["indicators"]:
        if item["symbol"] != "定性":
            item["actual"] = item["value"]
    data["execution"]["spent"] = "1000000.00"
    result = scored(data)
    assert result.total == D(100)
    assert "reasonableness.actuals-copied" in codes(result)


def test_s2_deviation_reasons() -> None:
    data = example()
    data["indicators"][1].pop("deviation_reason")  # 97.5 < 98
    data["indicators"][0]["actual"] = "700"  # 140% of 500
    result = scored(data)
    flagged = {f.indicator for f in result.findings if f.rule == "completeness.deviation-unexplained"}
    assert flagged == {0, 1}
    assert (
        next(f for f in result.findings if f.indicator == 0 and f.rule.endswith("unexplained")).message.count("140%")
        == 1
    )
    data["indicators"][0]["actual"] = "640"  # 128%: under the 130% line
    assert 0 not in {f.indicator for f in scored(data).findings if f.rule == "completeness.deviation-unexplained"}


def test_s2_partly_achieved_qualitative_needs_a_reason() -> None:
    item = ind("定性", "达到预期", "部分达成", "20", unit="", score="14", deviation_reason="")
    result = scored(form(item, ind("≥", "1", "1", "70", name="其他")))
    assert "completeness.deviation-unexplained" in codes(result)


def test_s5_high_score_with_low_execution() -> None:
    result = scored(form(ind("≥", "1", "1"), execution={"adjusted_budget": "100", "spent": "50", "reason": "略"}))
    assert result.total == D("95.00")
    assert "reasonableness.high-score-low-execution" in codes(result)


def test_s6_actuals_without_a_source() -> None:
    result = scored(form(ind("≥", "1", "1", source="")))
    assert "measurability.actual-without-source" in codes(result)


def test_s7_distortion() -> None:
    finding = distortion(D("95"), D("84.5"))
    assert finding is not None and finding.rule == "reasonableness.self-score-distorted" and "10.50" in finding.message
    assert distortion(D("95"), D("85.01")) is None
    assert distortion(D("95"), D("85")) is not None  # a gap of exactly 10 counts


def test_special_bond_needs_revenue_indicators() -> None:
    data = form(ind("≥", "1", "1"), funds={"total": "100", "by_source": {"special_bond": "100"}})
    assert "relevance.special-bond-no-revenue" in codes(scored(data))
    data["indicators"].append(ind("≥", "100", "100", "0", name="专项债券还本付息按期完成率", unit="%"))
    assert "relevance.special-bond-no-revenue" not in codes(scored(data))


# --- claimed figures on a messy published form -------------------------------------------------


def test_claimed_figures_that_differ_are_listed() -> None:
    data = example()
    data["claimed"] = {
        "execution_rate": "95%",
        "execution_score": 9.5,
        "indicator_scores": ["20", "15", "10", "5", "15", "15", "10"],  # full marks despite 97.5 < 98
        "total": "100",
        "grade": "优",
    }
    result = scored(data)
    assert [(d.field, d.claimed, d.computed) for d in result.discrepancies] == [
        ("indicator_scores[1]", "15", "14.92"),
        ("indicator_scores[3]", "5", "4.44"),
        ("total", "100", "98.86"),
    ]
    assert "consistency.claimed-total-mismatch" in codes(result)  # 9.5 + 90 is 99.5, not 100


def test_claimed_blank_cells_are_no_claim_and_words_are_kept() -> None:
    data = example()
    data["claimed"] = {"execution_rate": "", "total": "九十八", "grade": "良"}
    result = scored(data)
    assert [(d.field, d.claimed, d.computed) for d in result.discrepancies] == [
        ("total", "九十八", "98.86"),
        ("grade", "良", "优"),
    ]


def test_a_claim_against_a_score_that_cannot_be_computed() -> None:
    data = example()
    data["indicators"][0]["actual"] = ""
    data["claimed"] = {"indicator_scores": ["20"], "total": "98.86"}
    result = scored(data)
    assert ("indicator_scores[0]", "20", None) in [(d.field, d.claimed, d.computed) for d in result.discrepancies]
    assert result.total is None


# --- grades and rules --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "grade"),
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
def test_grades(total: str, grade: str) -> None:
    assert ScoringRules.default().grade(D(total)) == grade


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"reverse": "inverse"}, "reverse"),
        ({"weights": {"execution": "20"}}, "合计应为 100"),
        ({"weights": {"groups": {"成本指标": "其他"}}}, "groups"),
        ({"grades": [["90", "优"], ["60", "中"]]}, "下限应为 0"),
        ({"thresholds": {"over_achievement": "abc"}}, "不是数字"),
        ({"thresholds": {"nope": "1"}}, "不存在"),
        ({"severities": {"completeness.actual-missing": "fatal"}}, "级别"),
        ({"qualitative": {"levels": {"达成": {"low": "0.9", "high": "1", "default": "0.5"}}}}, "不成立"),
        ({"colour": "red"}, "无法识别"),
    ],
)
def test_rules_refuse_bad_overrides(override: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        ScoringRules.from_data(override)


def test_rules_round_trip_and_severity_off() -> None:
    rules = ScoringRules.default()
    assert ScoringRules.from_data(rules.to_data()) == rules
    quiet = ScoringRules.from_data({"severities": {"measurability.actual-without-source": "off"}})
    data = form(ind("≥", "1", "1", source=""))
    assert "measurability.actual-without-source" not in codes(scored(data, quiet))


def test_catalogue_entries_are_complete() -> None:
    for code, info in CATALOGUE.items():
        assert info.family in ("completeness", "clarity", "measurability", "reasonableness", "relevance", "consistency")
        assert info.message and info.hint and info.title and code.startswith(info.family + ".")
    for ref in ("S1", "S2", "S3", "S4", "S5", "S6", "S7"):
        assert any(info.ref == ref for info in CATALOGUE.values()), ref


def test_every_finding_renders_without_placeholders() -> None:
    messy = example()
    messy["indicators"][0]["actual"] = "100%"
    messy["indicators"][1].pop("deviation_reason")
    messy["indicators"][5]["actual"] = "部分达成"
    messy["indicators"][6]["weight"] = 5
    messy["execution"]["spent"] = "100"
    for finding in scored(messy).findings:
        assert "{" not in finding.message and "{" not in finding.hint, finding.rule


# --- the reader --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "place"),
    [
        (lambda d: d.pop("execution"), "缺少「execution」"),
        (lambda d: d.update(schema="jixiao.goal-sheet/1"), "不是绩效自评表格式"),
        (lambda d: d["execution"].update(spent="-1"), "execution.spent"),
        (lambda d: d["execution"].update(weight="200"), "execution.weight"),
        (lambda d: d["indicators"][0].update(weight="NaN"), "indicators[0].weight"),
        (lambda d: d["indicators"][0].update(score="abc"), "indicators[0].score"),
        (lambda d: d.update(claimed={"totl": "1"}), "claimed"),
        (lambda d: d.update(claimed={"indicator_scores": "20"}), "claimed.indicator_scores"),
    ],
)
def test_reader_names_the_place(change: Any, place: str) -> None:
    data = copy.deepcopy(example())
    change(data)
    with pytest.raises(SheetFormatError) as exc:
        read_selfeval(data, source="f.json#0")
    assert place in str(exc.value) and "文件「f.json」第 1 张表" in str(exc.value)


def test_form_round_trips_through_to_data() -> None:
    ev = read_selfeval(example(), source="x#0")
    again = read_selfeval(json.loads(json.dumps(ev.to_data())), source="x#0")
    assert score(again).to_data() == score(ev).to_data()


def test_every_check_is_in_the_docs() -> None:
    text = (Path(__file__).resolve().parents[2] / "docs" / "score-selfeval.md").read_text(encoding="utf-8")
    for code in CATALOGUE:
        assert f"`{code}`" in text, code
    for key in ScoringRules.default().thresholds:
        assert f"`{key}`" in text, key
