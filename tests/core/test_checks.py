"""The review engine: every rule fires on a minimal defect and stays quiet on the sound sheet."""

import json
import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from jixiao.core.checks import (
    CATALOGUE,
    FAMILIES,
    RULES,
    Context,
    Finding,
    LibraryEntry,
    RuleSet,
    library_entries,
    review,
    review_together,
)
from jixiao.core.data import read_data
from jixiao.core.sheet import GoalSheet, load_json, read_sheet

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "formats" / "examples"
SPEC_CODES = re.compile(r"^((?:completeness|clarity|measurability|reasonableness|relevance|consistency)\.[a-z0-9-]+)")

LIBRARY = library_entries(
    json.loads(read_data("library/indicators.json")),
    category_names={c["code"]: c["name"] for c in json.loads(read_data("library/categories.json"))["categories"]},
)
STARTER = Context(library=LIBRARY)


def example(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((EXAMPLES / name).read_text(encoding="utf-8"))
    return data


def sheet_of(data: dict[str, Any], source: str = "t.json#0") -> GoalSheet:
    return read_sheet(data, source=source)


def rules_of(findings: list[Finding]) -> set[str]:
    return {f.rule for f in findings}


def at(findings: list[Finding], rule: str) -> list[int | None]:
    return [f.indicator for f in findings if f.rule == rule]


def ind(level1: str, level2: str, name: str, symbol: str = "", value: str = "", unit: str = "", **extra: str) -> dict:
    return {"level1": level1, "level2": level2, "name": name, "symbol": symbol, "value": value, "unit": unit, **extra}


# --- the examples (formats/examples/README.md) ----------------------------------------------


@pytest.mark.parametrize("context", [None, STARTER], ids=["no library", "starter library"])
def test_sound_example_passes(context: Context | None) -> None:
    findings = review(sheet_of(example("goal-sound.json")), context)
    assert findings == []


@pytest.mark.parametrize("context", [None, STARTER], ids=["no library", "starter library"])
def test_defects_example(context: Context | None) -> None:
    findings = review(sheet_of(example("goal-defects.json")), context)
    found = rules_of(findings)
    for rule in (
        "clarity.vague-goal",
        "clarity.goal-other-year",
        "completeness.missing-benefit",
        "completeness.missing-cost",
        "measurability.few-quantitative",
        "measurability.no-data-source",
    ):
        assert rule in found, rule
    assert 0 in at(findings, "measurability.qualitative-in-quantity") + at(findings, "clarity.vague-wording")
    assert 1 in at(findings, "reasonableness.rate-over-100")
    assert 2 in at(findings, "measurability.time-no-deadline")
    assert 3 in at(findings, "relevance.unrelated-indicator")
    assert 4 in at(findings, "clarity.satisfaction-no-respondent")
    assert 4 in at(findings, "reasonableness.satisfaction-100")
    vague = next(f for f in findings if f.rule == "clarity.vague-wording" and f.indicator == 0)
    assert vague.message == "指标值「有效提升」含模糊表述「有效」，无法衡量是否达成。"


def test_defects_example_with_the_library_keeps_street_lighting_indicators() -> None:
    findings = review(sheet_of(example("goal-defects.json")), STARTER)
    assert at(findings, "relevance.unrelated-indicator") == [3]  # 亮灯率 belongs to a street-lighting project


def test_department_and_project_sheets_together() -> None:
    sheets = load_json(EXAMPLES / "goal-department.json") + load_json(EXAMPLES / "goal-sound.json")
    results = review_together(sheets, STARTER)
    department, project = (results[s.source] for s in sheets)
    [mismatch] = [f for f in department if f.rule == "consistency.department-line-amount"]
    assert mismatch.severity == "error"
    assert "950,000.00" in mismatch.message and "900,000.00" in mismatch.message
    assert "农产品质量安全抽检专项" in mismatch.message
    assert project == []
    missing = [f.params["project"] for f in department if f.rule == "consistency.department-line-missing"]
    assert missing == ["高标准农田建设配套", "动物防疫专项"]


def test_department_alone_has_no_cross_checks() -> None:
    findings = review(sheet_of(example("goal-department.json")))
    assert not {r for r in rules_of(findings) if r.startswith("consistency.department-line")}


# --- every rule fires on a minimal defect ----------------------------------------------------

Mutation = Callable[[dict[str, Any]], Context | None]


def _set(index: int, **fields: str) -> Mutation:
    def mutate(data: dict[str, Any]) -> None:
        data["indicators"][index].update(fields)

    return mutate


def _drop_level1(level1: str) -> Mutation:
    def mutate(data: dict[str, Any]) -> None:
        data["indicators"] = [i for i in data["indicators"] if i["level1"] != level1]

    return mutate


def _drop_level2(level2: str) -> Mutation:
    def mutate(data: dict[str, Any]) -> None:
        data["indicators"] = [i for i in data["indicators"] if i["level2"] != level2]

    return mutate


def _add(*indicators: dict[str, str]) -> Mutation:
    def mutate(data: dict[str, Any]) -> None:
        data["indicators"].extend(indicators)

    return mutate


def _goal(text: str) -> Mutation:
    def mutate(data: dict[str, Any]) -> None:
        data["goal"] = text

    return mutate


def _no_sources(data: dict[str, Any]) -> None:
    for item in data["indicators"]:
        item.pop("source", None)


def _only_two(data: dict[str, Any]) -> None:
    data["indicators"] = data["indicators"][:2]


def _many(data: dict[str, Any]) -> None:
    data["indicators"] += [
        ind("产出指标", "数量指标", f"食用农产品抽检批次（第{i}类）", "≥", "10", "批次", source="台账")
        for i in range(14)
    ]


def _qualitative(data: dict[str, Any]) -> None:
    for i in (1, 2, 6):
        data["indicators"][i].update(symbol="定性", value="好", unit="")


def _few_quantitative(data: dict[str, Any]) -> None:
    data["indicators"][0].update(value="若干")
    data["indicators"][1].update(value="120")  # an error: a rate no one can reach is no target
    for i in (2, 5, 6):
        data["indicators"][i].update(symbol="定性", value="好", unit="")


def _history(year: int, total: str | None, **values: tuple[str, str]) -> Mutation:
    def mutate(data: dict[str, Any]) -> None:
        past: dict[str, Any] = {
            "year": year,
            "indicators": [{"name": n, "value": v, "actual": a} for n, (v, a) in values.items()],
        }
        if total is not None:
            past["total"] = total
        data["history"] = [past]

    return mutate


def _same_as_last_year(data: dict[str, Any]) -> None:
    data["history"] = [
        {
            "year": 2023,
            "total": "700000.00",
            "indicators": [
                {"name": i["name"], "symbol": i["symbol"], "value": i["value"], "unit": i["unit"]}
                for i in data["indicators"]
            ],
        }
    ]


def _funds(total: str, **by_source: str) -> Mutation:
    def mutate(data: dict[str, Any]) -> None:
        data["funds"] = {"total": total, "by_source": by_source}

    return mutate


def _approved(amount: str) -> Mutation:
    def mutate(data: dict[str, Any]) -> Context:
        return Context(approved_amount=Decimal(amount))

    return mutate


def _unit_cost(data: dict[str, Any]) -> Context:
    data["project"] = {"name": "城区路灯维护项目", "description": "城区主次干道路灯日常巡查、维修、更换。"}
    data["indicators"][0].update(name="城区路灯维护数量", value="100", unit="盏")
    data["indicators"][4].update(name="单灯年均维护费用", value="≤180", unit="")
    library = [
        LibraryEntry(
            "单灯年均维护费用", "成本指标", "经济成本指标", "元/盏·年", ("C28",), ("路灯",), Decimal(120), Decimal(250)
        ),
        LibraryEntry("维护路灯数量", "产出指标", "数量指标", "盏", ("C28",), ("路灯",)),
    ]
    return Context(library=library)


def _category_from_context(data: dict[str, Any]) -> Context:
    data["project"]["name"] = "农业专项"
    data["project"]["description"] = ""
    return Context()


def _multi(*mutations: Mutation) -> Mutation:
    def mutate(data: dict[str, Any]) -> Context | None:
        context = None
        for m in mutations:
            context = m(data) or context
        return context

    return mutate


QUANTITY, QUALITY, TIME, COST = "数量指标", "质量指标", "时效指标", "成本指标"

# code → (the defect, the indicator the finding is on; None for the sheet)
TRIGGERS: dict[str, tuple[Mutation, int | None]] = {
    "completeness.empty-goal": (_goal("  "), None),
    "completeness.no-indicators": (lambda d: d.update(indicators=[]), None),
    "completeness.missing-output": (_drop_level1("产出指标"), None),
    "completeness.missing-benefit": (_drop_level1("效益指标"), None),
    "completeness.missing-satisfaction": (_drop_level1("满意度指标"), None),
    "completeness.missing-cost": (_drop_level2(COST), None),
    "completeness.missing-output-dimension": (_drop_level2(TIME), None),
    "completeness.empty-row": (_add(ind("效益指标", "生态效益指标", "")), 8),
    "completeness.missing-value": (_set(0, value=""), 0),
    "completeness.missing-unit": (_set(0, unit=""), 0),
    "completeness.indicator-count": (_only_two, None),
    "completeness.goal-same-as-long-term": (lambda d: d.update(long_term_goal=d["goal"]), None),
    "completeness.department-no-lines": (lambda d: d.update(kind="department", projects=[]), None),
    "clarity.vague-wording": (_set(6, symbol="定性", value="明显提高", unit=""), 6),
    "clarity.vague-name": (_set(6, name="进一步加强追溯管理"), 6),
    "clarity.vague-goal": (_goal("进一步加强农产品质量安全监管，有效提升监管水平。"), None),
    "clarity.goal-other-year": (_goal("2021年完成全区食用农产品抽检500批次以上。"), None),
    "clarity.satisfaction-no-respondent": (_set(7, name="群众满意度"), 7),
    "clarity.satisfaction-misplaced": (
        _add(ind("效益指标", "社会效益指标", "市民对农产品质量安全的满意程度", "≥", "85", "%")),
        8,
    ),
    "clarity.output-as-benefit": (_add(ind("效益指标", "社会效益指标", "培训农户人次", "≥", "300", "人次")), 8),
    "clarity.management-as-output": (_add(ind("产出指标", "质量指标", "抽检经费支出合规性", "定性", "好")), 8),
    "measurability.not-a-number": (_set(0, value="若干"), 0),
    "measurability.placeholder": (_set(0, value="**"), 0),
    "measurability.qualitative-in-quantity": (_set(0, symbol="定性", value="较多", unit=""), 0),
    "measurability.qualitative-no-levels": (_set(6, symbol="定性", value="追溯体系运转顺畅", unit=""), 6),
    "measurability.too-many-qualitative": (_qualitative, None),
    "measurability.time-no-deadline": (_set(3, symbol="定性", value="按时", unit=""), 3),
    "measurability.few-quantitative": (_few_quantitative, None),
    "measurability.no-data-source": (_no_sources, None),
    "measurability.unit-conflict": (_set(0, value="500人次"), 0),
    "measurability.satisfaction-no-survey": (_set(7, source="工作台账"), 7),
    "reasonableness.rate-over-100": (_set(1, value="120"), 1),
    "reasonableness.negative-value": (_set(0, value="-5"), 0),
    "reasonableness.satisfaction-100": (_set(7, value="100"), 7),
    "reasonableness.satisfaction-low": (_set(7, value="60"), 7),
    "reasonableness.symbol-direction": (_set(5, symbol="≥"), 5),
    "reasonableness.below-history": (_history(2023, None, 食用农产品抽检批次=("500", "620")), 0),
    "reasonableness.above-history": (_history(2023, None, 食用农产品抽检批次=("200", "300")), 0),
    "reasonableness.cost-equals-budget": (_set(4, name="项目总成本", value="90", unit="万元"), 4),
    "reasonableness.self-referential": (_set(0, name="抽检任务完成率", value="100", unit="%"), 0),
    "reasonableness.equals-for-minimum": (_set(0, symbol="="), 0),
    "reasonableness.date-outside-year": (_set(3, symbol="", value="2025年3月31日前", unit=""), 3),
    "relevance.unrelated-indicator": (
        _add(ind("产出指标", "数量指标", "学生资助人数", "≥", "300", "人", source="台账")),
        8,
    ),
    "relevance.boilerplate": (lambda d: None, 0),  # needs siblings: test_boilerplate
    "relevance.unit-cost-out-of-range": (_unit_cost, 0),
    "relevance.budget-target-mismatch": (_history(2023, "600000.00", 食用农产品抽检批次=("500", "510")), None),
    "relevance.special-bond-no-revenue": (_funds("900000.00", special_bond="900000.00"), None),
    "consistency.duplicate-indicator": (_set(2, name="抽检产品合格率"), 2),
    "consistency.funds-sum": (_funds("900000.00", general_public="800000.00"), None),
    "consistency.funds-vs-budget": (_approved("950000.00"), None),
    "consistency.department-line-amount": (lambda d: None, None),  # test_department_and_project_sheets_together
    "consistency.department-line-missing": (lambda d: None, None),  # idem
    "consistency.department-lines-total": (
        lambda d: d.update(kind="department", projects=[{"name": "甲", "amount": "950000.00"}]),
        None,
    ),
    "consistency.same-as-last-year": (_same_as_last_year, None),
}
CROSS_SHEET = {"relevance.boilerplate", "consistency.department-line-amount", "consistency.department-line-missing"}


def test_every_code_has_a_trigger() -> None:
    assert set(TRIGGERS) == set(CATALOGUE)


@pytest.mark.parametrize("code", sorted(set(TRIGGERS) - CROSS_SHEET))
def test_rule_fires_on_a_minimal_defect(code: str) -> None:
    mutate, indicator = TRIGGERS[code]
    data = example("goal-sound.json")
    context = mutate(data)
    findings = review(sheet_of(data), context)
    hits = [f for f in findings if f.rule == code]
    assert hits, f"{code} did not fire; found {rules_of(findings)}"
    assert indicator in [f.indicator for f in hits]
    for f in hits:
        assert f.severity == CATALOGUE[code].severity
        assert "{" not in f.message and "{" not in f.hint, f.message


def test_unit_cost_against_the_sheets_own_unit_cost() -> None:
    data = example("goal-sound.json")
    data["project"]["name"] = "食用农产品抽检"
    assert "relevance.unit-cost-out-of-range" not in rules_of(review(sheet_of(data)))  # 900000 / 500 = 1800
    data["indicators"][0]["value"] = "200"  # 4500 元 per 批次 against ≤1800元/批次
    data["indicators"][4]["unit"] = "元/批次"
    [finding] = [f for f in review(sheet_of(data)) if f.rule == "relevance.unit-cost-out-of-range"]
    assert finding.indicator == 0
    assert "4,500.00 元/批次" in finding.message and "单批次平均检测费用" in finding.message
    # A count that is only part of what the project pays for is not divided into the total.
    data["project"]["name"] = "农产品质量安全监管能力建设"
    assert "relevance.unit-cost-out-of-range" not in rules_of(review(sheet_of(data)))


def test_boilerplate() -> None:
    lighting = example("goal-defects.json")
    lighting["indicators"].append(example("goal-sound.json")["indicators"][0])
    lighting["unit"] = example("goal-sound.json")["unit"]
    sheets = [sheet_of(example("goal-sound.json"), "a.json#0"), sheet_of(lighting, "b.json#0")]
    results = review_together(sheets)
    assert [f.indicator for f in results["a.json#0"] if f.rule == "relevance.boilerplate"] == [0]
    assert [f.indicator for f in results["b.json#0"] if f.rule == "relevance.boilerplate"] == [5]
    # Another unit's sheets are not siblings.
    lighting["unit"] = {"code": "999", "name": "别的单位"}
    results = review_together([sheets[0], sheet_of(lighting, "b.json#0")])
    assert not any(f.rule == "relevance.boilerplate" for found in results.values() for f in found)


def test_department_lines_match_whatever_the_punctuation() -> None:
    department = example("goal-department.json")
    department["projects"][0]["name"] = "农产品质量安全抽检专项 "
    department["projects"][0]["amount"] = "900000.00"
    sheets = [sheet_of(department, "d#0"), sheet_of(example("goal-sound.json"), "p#0")]
    found = review_together(sheets)["d#0"]
    assert "consistency.department-line-amount" not in rules_of(found)


# --- rules that must stay quiet --------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "mutate"),
    [
        (
            "reasonableness.rate-over-100",
            _add(ind("效益指标", "经济效益指标", "农产品销售收入增长率", "≥", "120", "%")),
        ),
        ("reasonableness.symbol-direction", _add(ind("产出指标", "质量指标", "故障修复率", "≥", "95", "%"))),
        ("reasonableness.symbol-direction", _add(ind("产出指标", "质量指标", "不合格率", "≤", "2", "%"))),
        ("reasonableness.equals-for-minimum", lambda d: None),
        ("clarity.vague-wording", _set(6, symbol="定性", value="较好", unit="")),
        ("clarity.goal-other-year", _goal("比2023年增加抽检50批次，2024年完成500批次以上。")),
        ("clarity.satisfaction-no-respondent", _set(7, name="入住老人及家属满意度")),
        ("clarity.output-as-benefit", _add(ind("效益指标", "经济效益指标", "带动就业人数", "≥", "30", "人"))),
        ("measurability.time-no-deadline", _set(3, symbol="≤", value="3", unit="个工作日")),
        ("measurability.time-no-deadline", _set(3, symbol="", value="2024年6月30日前", unit="")),
        ("measurability.time-no-deadline", _set(3, name="抽检结果报送及时率", symbol="≥", value="95", unit="%")),
        ("relevance.unrelated-indicator", _add(ind("产出指标", "时效指标", "补助资金拨付及时率", "≥", "95", "%"))),
        ("reasonableness.below-history", _history(2023, None, 食用农产品抽检批次=("480", "520"))),
        (
            "completeness.missing-cost",
            lambda d: Context(rules=RuleSet.from_data({"thresholds": {"require_cost": False}})),
        ),
    ],
)
def test_rule_stays_quiet(code: str, mutate: Mutation) -> None:
    data = example("goal-sound.json")
    if code == "completeness.missing-cost":
        _drop_level2(COST)(data)
    context = mutate(data)
    assert code not in rules_of(review(sheet_of(data), context))


def test_library_widens_relevance() -> None:
    data = example("goal-defects.json")
    data["indicators"].append(ind("产出指标", "数量指标", "新装和更换LED路灯数", "≥", "300", "盏"))
    findings = review(sheet_of(data), STARTER)
    assert 5 not in at(findings, "relevance.unrelated-indicator")


def test_category_names_widen_relevance() -> None:
    data = example("goal-sound.json")
    data["project"].update(name="专项工作经费", description="", category="")
    data["indicators"][0]["name"] = "畜禽产品检测批次"
    alone = review(sheet_of(data))
    assert 0 in at(alone, "relevance.unrelated-indicator")
    named = review(sheet_of(data), Context(category_names=["畜禽检测"]))
    assert 0 not in at(named, "relevance.unrelated-indicator")


# --- rule sets -------------------------------------------------------------------------------


def test_off_disables_a_rule_and_severity_can_change() -> None:
    data = example("goal-defects.json")
    rules = RuleSet.from_data(
        {
            "version": "430212-2024.1",
            "severities": {"relevance.unrelated-indicator": "off", "clarity.vague-goal": "error"},
        }
    )
    findings = review(sheet_of(data), Context(rules=rules))
    assert "relevance.unrelated-indicator" not in rules_of(findings)
    assert {f.severity for f in findings if f.rule == "clarity.vague-goal"} == {"error"}
    assert rules.version == "430212-2024.1"


def test_thresholds_and_word_lists_override() -> None:
    data = example("goal-sound.json")
    data["indicators"][7]["value"] = "85"
    strict = RuleSet.from_data({"thresholds": {"satisfaction_low": "90"}})
    assert "reasonableness.satisfaction-low" in rules_of(review(sheet_of(data), Context(rules=strict)))
    data["indicators"][6].update(symbol="定性", value="持续向好", unit="")
    loose = RuleSet.from_data({"lexicons": {"vague_words": {"remove": ["持续"]}}})
    assert "clarity.vague-wording" in rules_of(review(sheet_of(data)))
    assert "clarity.vague-wording" not in rules_of(review(sheet_of(data), Context(rules=loose)))
    assert "持续" not in loose.lexicons["vague_words"] and "进一步" in loose.lexicons["vague_words"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"severities": {"no.such-rule": "error"}}, "规则「no.such-rule」不存在"),
        ({"severities": {"clarity.vague-goal": "fatal"}}, "级别「fatal」无效"),
        ({"thresholds": {"no_such": "1"}}, "阈值「no_such」不存在"),
        ({"thresholds": {"satisfaction_low": "八十"}}, "不是数字"),
        ({"thresholds": {"require_cost": "yes"}}, "应为 true 或 false"),
        ({"lexicons": {"vague_words": "有效"}}, "应为文字列表"),
        ({"lexicons": {"vague_words": {"drop": ["有效"]}}}, "只能用 add、remove"),
        ({"colour": "red"}, "无法识别"),
    ],
)
def test_rule_set_validation(data: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        RuleSet.from_data(data)


def test_rule_set_round_trip() -> None:
    rules = RuleSet.from_data({"version": "x-1", "thresholds": {"satisfaction_low": "85"}})
    again = RuleSet.from_data(rules.to_data())
    assert again == rules
    assert RuleSet.default().version == "default-2026.1"
    assert RuleSet.default() is RuleSet.default()


# --- catalogue and output --------------------------------------------------------------------


def test_catalogue_matches_the_fixed_code_list() -> None:
    spec = Path("/tmp/spec/rules.md")
    if spec.exists():
        codes = {m.group(1) for line in spec.read_text(encoding="utf-8").splitlines() if (m := SPEC_CODES.match(line))}
        assert codes == set(CATALOGUE)
    assert len(CATALOGUE) == 54
    for code, info in CATALOGUE.items():
        assert info.family in FAMILIES and code.startswith(info.family + ".")
        assert info.severity in ("error", "warning", "info")
        assert info.message and info.hint and info.title
        assert code in RULES, f"{code} has no rule function"
    assert set(RULES) == set(CATALOGUE)


def test_bases_cite_documents_without_article_numbers() -> None:
    for info in CATALOGUE.values():
        if info.basis:
            assert re.search(r"〔20\d\d〕\d+号", info.basis), info.code
            assert not re.search(r"第[一二三四五六七八九十百\d]+条", info.basis), info.code


def test_finding_data_is_formats_section_3() -> None:
    findings = review(sheet_of(example("goal-defects.json")))
    data = findings[0].to_data()
    assert set(data) == {"rule", "family", "severity", "indicator", "field", "message", "hint", "basis"}
    assert data["family"] == data["rule"].split(".")[0]
    json.dumps([f.to_data() for f in findings], ensure_ascii=False)
    hash(findings[0])


def test_findings_are_sorted_sheet_first_then_by_indicator_and_severity() -> None:
    findings = review(sheet_of(example("goal-defects.json")))
    keys = [
        (f.indicator is not None, f.indicator or 0, ("error", "warning", "info").index(f.severity)) for f in findings
    ]
    assert keys == sorted(keys)
    assert findings[0].indicator is None


def test_finding_rebuilt_from_stored_parts_reads_the_same() -> None:
    finding = review(sheet_of(example("goal-defects.json")))[-1]
    stored = Finding(finding.rule, finding.severity, finding.indicator, finding.field, dict(finding.params))
    assert stored.message == finding.message and stored == finding
