"""Monitoring arithmetic: expected progress, execution and indicator lights, project light, forecast."""

import json
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import pytest

from jixiao.core.data import read_data
from jixiao.core.progress import (
    BLUE,
    GREEN,
    MESSAGES,
    PLAN,
    PROFILE,
    RED,
    STRAIGHT_LINE,
    YELLOW,
    CategoryProfiles,
    ExecutionCheck,
    HistorySeries,
    IndicatorCheck,
    Light,
    WarningRules,
    check_profile,
    cumulative_share,
    execution_light,
    expected_progress,
    forecast_error,
    forecast_year_end,
    goal_progress,
    indicator_light,
    learn_profile,
    learn_profiles,
    paid_through,
    project_light,
    straight_line_share,
    worst_colour,
)
from jixiao.core.values import parse_target

D = Decimal
CONSTRUCTION = CategoryProfiles.default().patterns["construction"]
FLAT = tuple(D(1) / 12 for _ in range(12))
# Nothing expected before May: a works project tendered in spring.
LATE = (D(0), D(0), D(0), D(0), D("0.1"), D("0.1"), D("0.1"), D("0.1"), D("0.1"), D("0.1"), D("0.2"), D("0.2"))
PLAN_HALF = (D(0), D(0), D(0), D(0), D(0), D(50), D(0), D(0), D(0), D(0), D(0), D(50))
ZERO_PLAN = (D(0),) * 12
SICHUAN = WarningRules.default().using("sichuan-2025")


def shares(*values: str) -> tuple[Decimal, ...]:
    return tuple(D(v) for v in values)


# --- expected progress -----------------------------------------------------------------------


@pytest.mark.parametrize(("month", "share"), [(0, D(0)), (3, D("0.25")), (6, D("0.5")), (12, D(1))])
def test_straight_line_share(month: int, share: Decimal) -> None:
    assert straight_line_share(month) == share


@pytest.mark.parametrize(
    ("monthly", "month", "share"),
    [
        (CONSTRUCTION, 0, D(0)),
        (CONSTRUCTION, 4, D("0.11")),
        (CONSTRUCTION, 6, D("0.25")),
        (CONSTRUCTION, 12, D(1)),
        (PLAN_HALF, 5, D(0)),
        (PLAN_HALF, 6, D("0.5")),
        # a plan in yuan that does not add up to the budget is read as shares of its own total
        ((D(30),) * 12, 4, D(1) / 3),
        (ZERO_PLAN, 6, None),
    ],
)
def test_cumulative_share(monthly: Sequence[Decimal], month: int, share: Decimal | None) -> None:
    assert cumulative_share(monthly, month) == share


@pytest.mark.parametrize(
    ("plan", "profile", "model", "share"),
    [
        (PLAN_HALF, CONSTRUCTION, PLAN, D("0.5")),  # own plan beats the category profile
        (ZERO_PLAN, CONSTRUCTION, PROFILE, D("0.25")),  # a plan of zeros is no plan
        (None, CONSTRUCTION, PROFILE, D("0.25")),
        (None, None, STRAIGHT_LINE, D("0.5")),  # no history: time progress
        (None, ZERO_PLAN, STRAIGHT_LINE, D("0.5")),
    ],
)
def test_expected_progress_picks_the_model(
    plan: Sequence[Decimal] | None, profile: Sequence[Decimal] | None, model: str, share: Decimal
) -> None:
    expected = expected_progress(6, plan=plan, profile=profile)
    assert (expected.model, expected.share) == (model, share)


@pytest.mark.parametrize(
    ("model", "behind"),
    [(PLAN, "低于自身用款计划"), (PROFILE, "低于本类项目历史支出节奏"), (STRAIGHT_LINE, "低于序时进度")],
)
def test_expected_progress_names_what_the_project_is_behind(model: str, behind: str) -> None:
    plan = PLAN_HALF if model == PLAN else None
    profile = CONSTRUCTION if model != STRAIGHT_LINE else None
    assert expected_progress(6, plan=plan, profile=profile).behind == behind


@pytest.mark.parametrize("month", [-1, 13, True])
def test_month_out_of_range_is_refused(month: int) -> None:
    with pytest.raises(ValueError, match="0 至 12"):
        expected_progress(month)


def test_a_plan_needs_twelve_months() -> None:
    with pytest.raises(ValueError, match="12 个月"):
        expected_progress(6, plan=(D(1),) * 11)


def test_paid_through_counts_refunds() -> None:
    payments = (D(100), D(50), D(-30), D(0), D(0), D(0), D(0), D(0), D(0), D(0), D(0), D(20))
    assert [paid_through(payments, m) for m in (0, 2, 3, 12)] == [D(0), D(150), D(120), D(140)]


# --- learning profiles -----------------------------------------------------------------------


def series(total: int, profile: Sequence[Decimal]) -> tuple[Decimal, ...]:
    return tuple(D(total) * share for share in profile)


def test_learn_profile_weights_by_amount() -> None:
    big = series(900, FLAT)
    small = series(100, (D(1),) + (D(0),) * 11)
    profile = learn_profile([big, small, big, small, big], min_projects=5)
    assert profile is not None
    # January: 3 * 75 + 2 * 100 of 2900 in all
    assert profile[0] == D(425) / D(2900)
    assert sum(profile) == D(1)


def test_learn_profile_needs_enough_projects() -> None:
    assert learn_profile([series(100, FLAT)] * 4, min_projects=5) is None
    assert learn_profile([series(100, FLAT)] * 5, min_projects=5) is not None


def test_learn_profile_ignores_projects_that_paid_nothing_and_clamps_refund_months() -> None:
    refund = (D(-50),) + (D(0),) * 10 + (D(40),)  # net -10: left out
    with_refund = (D(100), D(-120)) + (D(0),) * 9 + (D(100),)
    profile = learn_profile([series(120, FLAT)] * 4 + [refund, with_refund], min_projects=5)
    assert profile is not None
    assert min(profile) >= 0
    assert learn_profile([series(120, FLAT)] * 4 + [refund], min_projects=5) is None


def test_learn_profiles_leaves_out_thin_categories() -> None:
    history = {"C35": [series(1000, CONSTRUCTION)] * 6, "C07": [series(1000, FLAT)] * 2}
    learned = learn_profiles(history, min_projects=5)
    assert set(learned) == {"C35"}
    assert learned["C35"] == pytest.approx(CONSTRUCTION)


# --- execution light -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("paid", "budget", "month", "plan", "profile", "colour", "code", "value"),
    [
        # zero or negative adjusted budget: no rate, no light
        ("0", "0", 6, None, None, None, "execution.no-budget", None),
        ("0", "-5000", 6, None, None, None, "execution.no-budget", None),
        # month 0: nothing expected yet
        ("0", "1000", 0, None, None, None, "execution.not-started", None),
        # straight line, pmkpi bands
        ("250", "1000", 6, None, None, RED, "execution.ratio", "50.0"),
        ("350", "1000", 6, None, None, YELLOW, "execution.ratio", "70.0"),
        ("400", "1000", 6, None, None, GREEN, "execution.ratio", "80.0"),
        # judged on the value shown: 59.98 shows as 60.0 and is yellow
        ("299.9", "1000", 6, None, None, YELLOW, "execution.ratio", "60.0"),
        ("299.4", "1000", 6, None, None, RED, "execution.ratio", "59.9"),
        # month 12: expected is the whole budget
        ("700", "1000", 12, None, None, YELLOW, "execution.ratio", "70.0"),
        ("1000", "1000", 12, None, None, GREEN, "execution.ratio", "100.0"),
        # a back-loaded project in June: red against the calendar, green against its category
        ("200", "1000", 6, None, None, RED, "execution.ratio", "40.0"),
        ("200", "1000", 6, None, CONSTRUCTION, GREEN, "execution.ratio", "80.0"),
        # its own plan beats the profile
        ("200", "1000", 6, PLAN_HALF, CONSTRUCTION, RED, "execution.ratio", "40.0"),
        # nothing expected yet: green whether or not something was paid
        ("0", "1000", 3, None, LATE, GREEN, "execution.nothing-expected", None),
        ("50", "1000", 3, None, LATE, GREEN, "execution.nothing-expected", None),
        # refunds larger than payments: a negative rate is red
        ("-10", "1000", 6, None, None, RED, "execution.ratio", "-2.0"),
    ],
)
def test_execution_light(
    paid: str,
    budget: str,
    month: int,
    plan: Sequence[Decimal] | None,
    profile: Sequence[Decimal] | None,
    colour: str | None,
    code: str,
    value: str | None,
) -> None:
    check = execution_light(paid=D(paid), budget=D(budget), month=month, plan=plan, profile=profile)
    assert (check.light.colour, check.light.code) == (colour, code)
    assert check.light.value == (None if value is None else D(value))
    assert check.light.message  # every code renders


def test_execution_message_explains_the_light() -> None:
    profile = (D("0.55"),) + (D(0),) * 10 + (D("0.45"),)
    check = execution_light(paid=D(32), budget=D(100), month=1, profile=profile)
    assert check.light.message == "执行率 32.0%，本类项目历史节奏应达 55.0%，相当于预期的 58.2%，低于 60 为红灯"
    assert check.light.band == "v < 60"
    assert check.light.params["behind"] == "低于本类项目历史支出节奏"


def test_zero_budget_says_why_there_is_no_light() -> None:
    check = execution_light(paid=D(0), budget=D(0), month=6)
    assert check.rate is None
    assert check.light.label == "不亮灯"
    assert "没有可执行的预算" in check.light.message


def test_mid_year_budget_cut_raises_the_rate() -> None:
    before = execution_light(paid=D(250), budget=D(1000), month=6)
    after = execution_light(paid=D(250), budget=D(500), month=6)  # adjusted budget after the cut
    assert (before.rate, after.rate) == (D("0.25"), D("0.5"))
    assert (before.light.colour, after.light.colour) == (RED, GREEN)


@pytest.mark.parametrize(
    ("paid", "budget", "excess"),
    [("1200", "1000", "200.00"), ("100", "0", "100.00"), ("100", "-300", "100.00")],
)
def test_paid_above_budget_is_a_separate_red_finding(paid: str, budget: str, excess: str) -> None:
    check = execution_light(paid=D(paid), budget=D(budget), month=12)
    assert check.over_budget is not None
    assert check.over_budget.colour == RED
    assert check.over_budget.params["excess"] == excess
    assert "超预算支付" in check.over_budget.message
    assert check.lights == (check.light, check.over_budget)


@pytest.mark.parametrize(("paid", "budget"), [("1000", "1000"), ("0", "-300"), ("-20", "0")])
def test_paid_within_budget_has_no_over_budget_finding(paid: str, budget: str) -> None:
    # a budget cut below zero is read as zero: nothing paid is not "over" it
    check = execution_light(paid=D(paid), budget=D(budget), month=12)
    assert check.over_budget is None
    assert check.lights == (check.light,)


@pytest.mark.parametrize(
    ("paid", "month", "colour", "code"),
    [
        ("100", 3, GREEN, "execution.before-checkpoint"),  # the first checkpoint is end of April
        ("249", 4, RED, "execution.step"),
        ("250", 4, GREEN, "execution.step"),
        ("300", 5, GREEN, "execution.step"),  # May is held to April's 25%
        ("399", 7, RED, "execution.step"),  # July to June's 40%
        ("599", 8, RED, "execution.step"),
        ("600", 8, GREEN, "execution.step"),
        ("799", 12, RED, "execution.step"),  # after October, 80%
        ("0", 0, None, "execution.not-started"),
    ],
)
def test_sichuan_steps(paid: str, month: int, colour: str | None, code: str) -> None:
    check = execution_light(paid=D(paid), budget=D(1000), month=month, rules=SICHUAN)
    assert (check.light.colour, check.light.code) == (colour, code)
    assert check.rule_version == "default-2026.1/sichuan-2025"


def test_sichuan_message_names_the_checkpoint() -> None:
    check = execution_light(paid=D(380), budget=D(1000), month=7, rules=SICHUAN)
    assert check.light.message == "截至 7 月末执行率 38.0%，6 月末应达 40%，低于 40% 为红灯"


# --- indicator light -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "month", "done", "kwargs", "colour", "value"),
    [
        # positive: v = done / (target * m/12) * 100
        ("≥100人", 6, "29", {}, RED, "58.0"),
        ("≥100人", 6, "30", {}, YELLOW, "60.0"),
        ("≥100人", 6, "40", {}, GREEN, "80.0"),
        ("≥100人", 6, "59.9", {}, GREEN, "119.8"),
        ("≥100人", 6, "60", {}, BLUE, "120.0"),  # over-achievement: was the target set too low?
        ("≥100人", 12, "100", {}, GREEN, "100.0"),
        ("≥100人", 12, "90", {}, GREEN, "90.0"),
        (">100人", 6, "30", {"share": D("0.25")}, BLUE, "120.0"),  # the caller's share
        # a level, not a running total: judged against the whole target
        ("≥90%", 3, "92", {"cumulative": False}, GREEN, "102.2"),
        ("≥90%", 3, "92", {}, BLUE, "408.9"),
        ("=100%", 12, "100", {}, GREEN, "100.0"),
        ("=100%", 12, "70", {}, YELLOW, "70.0"),
    ],
)
def test_positive_indicator(
    target: str, month: int, done: str, kwargs: dict[str, Any], colour: str, value: str
) -> None:
    check = indicator_light(parse_target(target), month=month, done=D(done), **kwargs)
    assert (check.light.colour, check.light.code, check.light.value) == (colour, "indicator.ratio", D(value))
    assert check.light.message


def test_positive_indicator_message() -> None:
    check = indicator_light(parse_target("≥100人"), month=6, done=D(29))
    assert check.light.message == (
        "完成值 29人，按时间进度 50.0% 应完成 50人（年度目标 100人），相当于应完成的 58.0%，低于 60 为红灯"
    )
    assert check.light.band == "v < 60"


@pytest.mark.parametrize(
    ("target", "done", "projected", "colour"),
    [
        ("≤1800元/批次", "1700", None, GREEN),
        ("≤1800元/批次", "1800", None, GREEN),
        ("≤1800元/批次", "1900", None, RED),
        ("≤1800元/批次", "1700", "1900", RED),  # the year-end projection decides
        ("≤1800元/批次", "1900", "1750", GREEN),
        ("<5起", "5", None, RED),
        ("<5起", "4", None, GREEN),
        # a target of zero is compared directly, not pro rata
        ("=0起", "0", None, GREEN),
        ("=0起", "1", None, RED),
        ("≥0", "0", None, GREEN),
    ],
)
def test_reverse_and_zero_target_indicators(target: str, done: str, projected: str | None, colour: str) -> None:
    check = indicator_light(
        parse_target(target), month=6, done=D(done), projected=None if projected is None else D(projected)
    )
    assert (check.light.colour, check.light.code) == (colour, "indicator.compare")
    assert check.progress is None
    assert ("在目标范围内" if colour == GREEN else "超出目标范围") in check.light.message


def test_reverse_message_says_when_it_used_the_projection() -> None:
    check = indicator_light(parse_target("≤1800元/批次"), month=6, done=D(1700), projected=D(1900))
    assert check.light.message == "预计全年 1900元/批次，目标 ≤1800元/批次，超出目标范围，为红灯"


@pytest.mark.parametrize(
    ("target", "level", "colour", "code"),
    [
        ("达到预期", "达成", GREEN, "indicator.qualitative"),
        ("达到预期", "达成年度目标", GREEN, "indicator.qualitative"),
        ("达到预期", "部分达成年度目标，并具有一定效果", YELLOW, "indicator.qualitative"),
        ("达到预期", "未达成年度目标且效果较差", RED, "indicator.qualitative"),
        ("达到预期", " 未达成 ", RED, "indicator.qualitative"),
        ("达到预期", "很好", None, "indicator.unknown-level"),
        ("达到预期", "", None, "indicator.no-actual"),
        # a target with no number is judged on the reported level
        ("≥**%", "部分达成", YELLOW, "indicator.qualitative"),
        ("≥**%", "", None, "indicator.unreadable"),
        ("100%", "", None, "indicator.no-symbol"),
        ("≤2026-06-30", "达成", GREEN, "indicator.qualitative"),
    ],
)
def test_qualitative_indicator(target: str, level: str, colour: str | None, code: str) -> None:
    check = indicator_light(parse_target(target), month=8, level=level)
    assert (check.light.colour, check.light.code) == (colour, code)
    assert check.progress is None
    assert check.light.message


def test_indicator_without_actual_or_before_the_first_month_has_no_light() -> None:
    assert indicator_light(parse_target("≥100人"), month=6).light.code == "indicator.no-actual"
    assert indicator_light(parse_target("≥100人"), month=0, done=D(0)).light.code == "indicator.not-started"
    assert indicator_light(parse_target("≥100人"), month=6, share=D(0), done=D(0)).light.colour == GREEN


@pytest.mark.parametrize(
    ("target", "kwargs", "progress"),
    [
        ("≥100人", {"done": D(30)}, D("0.3")),
        ("≥100人", {"done": D(130)}, D("1.3")),
        ("≥90%", {"done": D(92), "cumulative": False}, None),
        ("≤1800元/批次", {"done": D(1700)}, None),
        ("达到预期", {"level": "达成"}, None),
    ],
)
def test_indicator_progress_feeds_the_gap(target: str, kwargs: dict[str, Any], progress: Decimal | None) -> None:
    assert indicator_light(parse_target(target), month=6, **kwargs).progress == progress


# --- project light ---------------------------------------------------------------------------


def indicator(colour: str | None, progress: str | None = None) -> IndicatorCheck:
    return IndicatorCheck(Light("indicator.no-actual", colour), None if progress is None else D(progress))


def on_track(month: int = 6) -> ExecutionCheck:
    return execution_light(paid=D(500), budget=D(1000), month=month)


@pytest.mark.parametrize(
    ("indicators", "colour"),
    [
        ([GREEN, GREEN], GREEN),
        ([GREEN, YELLOW], YELLOW),
        ([BLUE, YELLOW, GREEN], YELLOW),
        ([RED, BLUE], RED),
        # DOMAIN.md §6.3 (pmkpi goalwarn): red > yellow > green > blue, so blue alone never
        # outranks a green
        ([GREEN, BLUE], GREEN),
        ([None, GREEN], GREEN),
    ],
)
def test_project_light_is_the_worst(indicators: list[str | None], colour: str) -> None:
    check = project_light(on_track(), [indicator(c) for c in indicators])
    assert check.light.colour == colour
    assert check.light.code == "project.worst"


def test_project_light_takes_execution_and_over_budget_into_account() -> None:
    late = execution_light(paid=D(100), budget=D(1000), month=6)
    assert project_light(late, [indicator(GREEN)]).light.colour == RED
    over = execution_light(paid=D(1100), budget=D(1000), month=12)
    assert over.light.colour == GREEN
    check = project_light(over, [indicator(GREEN)])
    assert check.light.colour == RED
    assert check.light.message == "项目为红灯（取各项中最差者）：预算执行 1 个红灯、1 个绿灯；指标 1 个绿灯"


def test_project_without_any_light() -> None:
    check = project_light(execution_light(paid=D(0), budget=D(0), month=6), [indicator(None)])
    assert (check.light.colour, check.light.code) == (None, "project.none")


BOTH_WAYS = WarningRules.from_data({"version": "t", "gap": {"points": "10", "light": "yellow", "direction": "both"}})


@pytest.mark.parametrize(
    ("paid", "progress", "goal", "gap", "rules"),
    [
        # Goals at 50%, money at 20%: results ahead of payment (a subsidy paid in arrears) warns
        # only where the region asks for both directions (川财绩〔2025〕10号 as written).
        ("200", ["0.5"], D("50.0"), D("30.0"), BOTH_WAYS),
        ("200", ["0.5"], D("50.0"), None, None),
        ("600", ["0.3", "0.2"], D("25.0"), D("35.0"), None),  # money spent ahead of results always warns
        ("600", ["0.3", "0.2"], D("25.0"), D("35.0"), BOTH_WAYS),
        ("600", ["0.5"], D("50.0"), None, None),  # exactly 10 points: no warning
        ("590", ["0.5"], D("50.0"), None, None),
        ("500", ["3.0", "0.0"], D("50.0"), None, None),  # 300% is held at 100% before averaging
        ("500", [], None, None, None),  # no cumulative indicator: no goal progress
    ],
)
def test_gap_between_goals_and_money(
    paid: str, progress: list[str], goal: Decimal | None, gap: Decimal | None, rules: WarningRules | None
) -> None:
    execution = execution_light(paid=D(paid), budget=D(1000), month=6, rules=rules)
    check = project_light(execution, [indicator(GREEN, p) for p in progress], rules=rules)
    assert check.goal_progress == goal
    if gap is None:
        assert check.gap is None
    else:
        assert check.gap is not None
        assert (check.gap.colour, check.gap.value) == (YELLOW, gap)
        assert f"相差 {gap} 个百分点" in check.gap.message
        assert check.light.colour in (YELLOW, RED)


def test_gap_direction_is_checked() -> None:
    with pytest.raises(ValueError, match=r"gap\.direction"):
        WarningRules.from_data({"gap": {"points": "10", "light": "yellow", "direction": "sideways"}})


def test_no_gap_check_in_month_zero() -> None:
    execution = execution_light(paid=D(0), budget=D(1000), month=0)
    assert project_light(execution, [indicator(None, "0.5")]).gap is None


def test_goal_progress_caps_each_indicator() -> None:
    assert goal_progress([indicator(GREEN, "1.5"), indicator(GREEN, "-0.2")]) == D("50.0")
    assert goal_progress([indicator(GREEN, "1.5")], cap=D("1.2")) == D("120.0")


def test_worst_colour_follows_the_rules_order() -> None:
    assert worst_colour([GREEN, BLUE, None]) == GREEN
    rules = WarningRules.from_data({"version": "t", "severity_order": ["red", "yellow", "blue", "green"]})
    assert worst_colour([GREEN, BLUE], rules=rules) == BLUE
    assert worst_colour([None]) is None


# --- rules data ------------------------------------------------------------------------------


def test_default_rules() -> None:
    rules = WarningRules.default()
    assert rules.version == "default-2026.1"
    assert rules.execution.key == "pmkpi"
    assert [(b.colour, b.upper) for b in rules.execution.bands] == [(RED, D(60)), (YELLOW, D(80)), (GREEN, None)]
    assert [(s.month, s.minimum) for s in SICHUAN.execution.steps] == [
        (4, D(25)),
        (6, D(40)),
        (8, D(60)),
        (10, D(80)),
    ]
    assert [b.text for b in rules.indicator_bands] == ["v < 60", "60 ≤ v < 80", "80 ≤ v < 120", "v ≥ 120"]
    assert rules.gap_points == D(10)


def test_region_override_keeps_the_rest() -> None:
    rules = WarningRules.from_data({"execution_rule": "sichuan-2025"})
    assert rules.version == "default-2026.1+custom"
    assert rules.execution.style == "steps"
    assert rules.indicator_bands == WarningRules.default().indicator_bands
    custom = WarningRules.from_data(
        {
            "version": "430212-2026.1",
            "execution_rule": "zhuzhou",
            "execution_rules": {
                "zhuzhou": {"style": "ratio_bands", "bands": [{"below": "70", "light": "red"}, {"light": "green"}]}
            },
        }
    )
    assert custom.execution.key == "zhuzhou"
    assert set(custom.execution_rules) == {"pmkpi", "sichuan-2025", "zhuzhou"}
    check = execution_light(paid=D(325), budget=D(1000), month=6, rules=custom)
    assert (check.light.colour, check.rule_version) == (RED, "430212-2026.1/zhuzhou")


def bands(*items: dict[str, Any]) -> dict[str, Any]:
    return {"execution_rules": {"x": {"style": "ratio_bands", "bands": list(items)}}, "execution_rule": "x"}


def steps(*items: dict[str, Any]) -> dict[str, Any]:
    return {"execution_rules": {"x": {"style": "steps", "steps": list(items)}}, "execution_rule": "x"}


@pytest.mark.parametrize(
    ("data", "match"),
    [
        ({"thresholds": {}}, "无法识别"),
        ({"execution_rule": "hunan"}, "execution_rule"),
        (bands({"below": "80", "light": "red"}, {"below": "60", "light": "yellow"}, {"light": "green"}), "逐档增大"),
        (bands({"below": "60", "light": "red"}, {"below": "80", "light": "green"}), "最后一档"),
        (bands({"below": "NaN", "light": "red"}, {"light": "green"}), "有限"),
        (bands({"below": "六十", "light": "red"}, {"light": "green"}), "不是数字"),
        (bands({"below": 60.0, "light": "red"}, {"light": "green"}), "应为数字"),
        (bands({"below": "60", "light": "orange"}, {"light": "green"}), "颜色"),
        (bands(), "非空列表"),
        (steps({"month": 6, "minimum": "40"}, {"month": 4, "minimum": "50"}), "逐个增大"),
        (steps({"month": 4, "minimum": "40"}, {"month": 6, "minimum": "25"}), "逐个增大"),
        (steps({"month": 13, "minimum": "40"}), "1 至 12"),
        (steps({"month": 4, "minimum": "140"}), "0 至 100"),
        ({"execution_rules": {"x": {"style": "curve"}}, "execution_rule": "x"}, "style"),
        ({"severity_order": ["red", "yellow", "green"]}, "severity_order"),
        ({"gap": {"points": "-1", "light": "yellow", "progress_cap": "1"}}, "gap.points"),
        ({"qualitative_levels": [{"level": "", "light": "red"}]}, "不能为空"),
        ({"forecast": {"blend_below_share": "2", "cap": "1"}}, "blend_below_share"),
        ([], "JSON 对象"),
    ],
)
def test_bad_rules_are_refused(data: Any, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        WarningRules.from_data(data)


def test_using_an_unknown_rule_set() -> None:
    with pytest.raises(ValueError, match="不存在"):
        WarningRules.default().using("hunan")


def test_default_profiles_cover_every_category() -> None:
    profiles = CategoryProfiles.default()
    categories = json.loads(read_data("library/categories.json"))["categories"]
    assert set(profiles.categories) == {c["code"] for c in categories}
    shipped = json.loads(read_data("monitoring/category-profiles.json"))["categories"]
    assert {code: item["name"] for code, item in shipped.items()} == {c["code"]: c["name"] for c in categories}
    for code in profiles.categories:
        profile = profiles.profile(code)
        assert profile is not None
        assert sum(profile) == D(1)
    assert profiles.profile("C35") == CONSTRUCTION
    assert profiles.profile("C99") is None


def profile_data(shares_: list[Any], pattern: str = "p") -> dict[str, Any]:
    return {"version": "t", "patterns": {"p": {"shares": shares_}}, "categories": {"C01": {"pattern": pattern}}}


@pytest.mark.parametrize(
    ("data", "match"),
    [
        (profile_data(["0.1"] * 11), "12 个月"),
        (profile_data(["0.075"] * 12), "合计为 0.900"),
        (profile_data(["-0.1", "0.2"] + ["0.09"] * 10), "不小于 0"),
        (profile_data(["Infinity"] + ["0"] * 11), "有限"),
        (profile_data(["0.0833"] * 12, pattern="q"), "不存在"),
        ({"patterns": {}}, "version"),
    ],
)
def test_bad_profiles_are_refused(data: dict[str, Any], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        CategoryProfiles.from_data(data)


def test_profile_sum_tolerance() -> None:
    assert check_profile(["0.0833"] * 12)  # 0.9996: within 0.001
    with pytest.raises(ValueError, match="应为 1"):
        check_profile(["0.083"] * 12)  # 0.996


@pytest.mark.parametrize(
    ("target", "done", "colour"),
    [
        ("≥98%", "98", GREEN),
        ("≥98%", "90", YELLOW),
        ("≥98%", "50", RED),
        (">90%", "90", YELLOW),
        ("≥90%", "100", GREEN),
    ],
)
def test_a_level_below_its_target_is_never_green(target: str, done: str, colour: str) -> None:
    check = indicator_light(parse_target(target), month=8, done=D(done), cumulative=False)
    assert check.light.colour == colour


def test_every_message_code_is_reachable() -> None:
    reached = {
        execution_light(paid=D(0), budget=D(0), month=6).light.code,
        execution_light(paid=D(0), budget=D(1), month=0).light.code,
        execution_light(paid=D(1), budget=D(2), month=6).light.code,
        execution_light(paid=D(0), budget=D(1), month=3, profile=LATE).light.code,
        execution_light(paid=D(1), budget=D(2), month=3, rules=SICHUAN).light.code,
        execution_light(paid=D(1), budget=D(2), month=6, rules=SICHUAN).light.code,
        "execution.over-budget",
        indicator_light(parse_target("≥100人"), month=6, done=D(1)).light.code,
        indicator_light(parse_target("≥100人"), month=6, done=D(1), share=D(0)).light.code,
        indicator_light(parse_target("≥98%"), month=6, done=D(90), cumulative=False).light.code,
        indicator_light(parse_target("≤1"), month=6, done=D(1)).light.code,
        indicator_light(parse_target("达到预期"), month=6, level="达成").light.code,
        indicator_light(parse_target("达到预期"), month=6, level="好").light.code,
        indicator_light(parse_target("达到预期"), month=6).light.code,
        indicator_light(parse_target("≥**"), month=6).light.code,
        indicator_light(parse_target("100"), month=6).light.code,
        indicator_light(parse_target("≥1"), month=0).light.code,
        "project.worst",
        "project.none",
        "project.gap",
    }
    assert reached == set(MESSAGES)


# --- forecast --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("paid", "month", "profile", "amount", "method"),
    [
        ("225", 6, CONSTRUCTION, "900.00", PROFILE),  # 90% of a back-loaded year
        ("225", 6, None, "450.00", STRAIGHT_LINE),  # the straight line halves it
        ("450", 6, None, "900.00", STRAIGHT_LINE),
        ("600", 1, FLAT, "1000.00", PROFILE),  # held at the budget
        ("1200", 11, FLAT, "1200.00", PROFILE),  # already over: what was paid
        ("880", 12, CONSTRUCTION, "880.00", PROFILE),  # month 12: what was paid
        # construction in January expects 1%: half profile (1000), half straight line (120)
        ("10", 1, CONSTRUCTION, "560.00", "blend"),
        # nothing expected yet: straight line only
        ("10", 1, LATE, "120.00", "blend"),
        ("-50", 6, None, "-50.00", STRAIGHT_LINE),  # refunds: no less than what stands paid
    ],
)
def test_forecast_year_end(paid: str, month: int, profile: Sequence[Decimal] | None, amount: str, method: str) -> None:
    forecast = forecast_year_end(paid=D(paid), budget=D(1000), month=month, profile=profile)
    assert (forecast.amount, forecast.method) == (D(amount), method)
    assert forecast.rate == D(amount) / 1000


@pytest.mark.parametrize(("budget", "month"), [("1000", 0), ("0", 6), ("-10", 6)])
def test_no_forecast_without_months_or_budget(budget: str, month: int) -> None:
    forecast = forecast_year_end(paid=D(0), budget=D(budget), month=month, profile=FLAT)
    assert (forecast.amount, forecast.rate, forecast.method) == (None, None, "")


def test_forecast_error_against_straight_line() -> None:
    # two back-loaded projects that spent 90% and 80% of their budget
    history = [
        HistorySeries(budget=D(1000), payments=series(900, CONSTRUCTION), category="C35"),
        HistorySeries(budget=D(2000), payments=series(1600, CONSTRUCTION), category="C35"),
        HistorySeries(budget=D(0), payments=series(100, FLAT), category="C35"),  # skipped
    ]
    result = forecast_error(history, month=6, profiles={"C35": CONSTRUCTION})
    assert (result.month, result.projects) == (6, 2)
    assert result.mean_absolute_error == D("0.00")
    # straight line at June: 2 * 22.5% = 45% and 2 * 20% = 40% against 90% and 80%
    assert result.straight_line_error == D("42.50")


def test_forecast_error_with_a_wrong_profile_or_none() -> None:
    history = [HistorySeries(budget=D(1000), payments=series(900, CONSTRUCTION), category="C35")]
    no_profile = forecast_error(history, month=6, profiles={})
    assert no_profile.mean_absolute_error == no_profile.straight_line_error == D("45.00")
    flat = forecast_error(history, month=6, profiles={"C35": FLAT})
    assert flat.mean_absolute_error == D("45.00")
    assert forecast_error([], month=6, profiles={}).mean_absolute_error is None


def test_forecast_error_needs_full_years() -> None:
    with pytest.raises(ValueError, match="12 个月"):
        forecast_error([HistorySeries(budget=D(1), payments=(D(1),) * 8)], month=6, profiles={})


def test_results_serialise_for_storage() -> None:
    data = execution_light(paid=D(250), budget=D(1000), month=6).light.to_data()
    assert data["colour"] == RED
    assert data["value"] == "50.0"
    assert data["message"].startswith("执行率 25.0%，序时进度应达 50.0%")
    assert json.loads(json.dumps(data, ensure_ascii=False)) == data
