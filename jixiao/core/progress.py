"""In-year monitoring (运行监控, "双监控") arithmetic: expected progress, warning lights, forecast.

Money comes in as yuan, shares as fractions of the year (0..1); the values a light shows are
percentages rounded half up to one decimal, and a light is judged on the number it shows, so that
"60.0" is never red. ``month`` is the number of months elapsed (0..12): payments through the end of
that month.

Expected progress follows the project rather than the calendar (issue 5): the unit's own payment
plan when it gave one, else its category's spending profile, else straight-line time progress
(序时进度, m/12). A back-loaded construction project in June is then "behind its own plan" or on
track, not red because half the year has gone.

Thresholds are data (``data/monitoring/warning-rules.json``, DOMAIN.md §6.3) loaded by
``WarningRules.from_data``; category profiles likewise (``category-profiles.json``,
``CategoryProfiles.from_data``). Every light carries a code and parameters; its Chinese sentence
comes from ``MESSAGES`` (STYLE.md rule 9).
"""

import dataclasses
import json
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any

from jixiao.core.data import read_data
from jixiao.core.money import round_half_up
from jixiao.core.values import COMPARISONS, Target

MONTHS = 12
ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)
SHARE_TOLERANCE = Decimal("0.001")

RED, YELLOW, GREEN, BLUE = "red", "yellow", "green", "blue"
LIGHTS = (RED, YELLOW, GREEN, BLUE)
LIGHT_LABELS = {RED: "红灯", YELLOW: "黄灯", GREEN: "绿灯", BLUE: "蓝灯"}

# Models of expected progress, in the order ``expected_progress`` prefers them.
PLAN, PROFILE, STRAIGHT_LINE = "plan", "profile", "straight_line"
MODEL_LABELS = {PLAN: "自身用款计划", PROFILE: "本类项目历史节奏", STRAIGHT_LINE: "序时进度"}
BEHIND = {PLAN: "低于自身用款计划", PROFILE: "低于本类项目历史支出节奏", STRAIGHT_LINE: "低于序时进度"}
BLEND = "blend"

RATIO_BANDS, STEPS = "ratio_bands", "steps"

MESSAGES: Mapping[str, str] = {
    "execution.ratio": "执行率 {rate}%，{model}应达 {expected}%，相当于预期的 {value}%，{band}",
    "execution.nothing-expected": "执行率 {rate}%，截至 {month} 月按{model}尚无应支出额，不判为滞后，为绿灯",
    "execution.step": "截至 {month} 月末执行率 {rate}%，{step} 月末应达 {minimum}%，{band}",
    "execution.before-checkpoint": "执行率 {rate}%，首个考核节点为 {first} 月末，尚未到达，为绿灯",
    "execution.not-started": "尚未过完第一个月，没有应执行进度，不亮灯",
    "execution.no-budget": "调整后预算为 {budget} 元，没有可执行的预算，无法计算执行率，不亮灯",
    "execution.over-budget": "累计支付 {paid} 元，超过调整后预算 {budget} 元，超出 {excess} 元，属超预算支付，为红灯",
    "indicator.ratio": "完成值 {done}{unit}，按{share_label} {share}% 应完成 {expected}{unit}（年度目标 {target}{unit}），相当于应完成的 {value}%，{band}",
    "indicator.level-short": "完成值 {done}{unit}，未达到年度目标 {symbol}{target}{unit}（相当于目标的 {value}%），水平类指标未达标为黄灯",
    "indicator.nothing-expected": "完成值 {done}{unit}，按{share_label}尚无应完成值，不判为滞后，为绿灯",
    "indicator.compare": "{compared} {done}{unit}，目标 {symbol}{target}{unit}，{verdict}，为{light}",
    "indicator.qualitative": "定性指标完成情况为「{level}」，为{light}",
    "indicator.unknown-level": "定性指标完成情况「{level}」不是可识别的等级（达成、部分达成、未达成），不亮灯",
    "indicator.no-actual": "尚未填报完成情况，不亮灯",
    "indicator.unreadable": "指标值「{target}」读不出数值，也没有填报达成等级，不亮灯",
    "indicator.no-symbol": "指标值「{target}」没有指标性质（≥、≤、=、定性），无法判断方向，不亮灯",
    "indicator.not-started": "尚未过完第一个月，没有应完成进度，不亮灯",
    "project.worst": "项目为{light}（取各项中最差者）：{parts}",
    "project.none": "预算执行和绩效指标都没有亮灯，项目不亮灯",
    "project.gap": "绩效目标完成进度 {goal}% 与预算执行进度 {execution}% 相差 {gap} 个百分点，超过 {points} 个百分点，为{light}",
}


# --- results ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Light:
    """One traffic light: ``colour`` is None when there is none, and ``message`` says why."""

    code: str
    colour: str | None
    value: Decimal | None = None
    band: str = ""
    params: Mapping[str, str] = field(default_factory=dict, hash=False)

    @property
    def label(self) -> str:
        return LIGHT_LABELS[self.colour] if self.colour else "不亮灯"

    @property
    def message(self) -> str:
        return MESSAGES[self.code].format_map(self.params)

    def to_data(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "colour": self.colour,
            "value": None if self.value is None else str(self.value),
            "band": self.band,
            "params": dict(self.params),
            "message": self.message,
        }


@dataclass(frozen=True)
class ExpectedProgress:
    """How much of the year's budget should be paid by the end of ``month``, and by which model."""

    month: int
    model: str
    share: Decimal

    @property
    def label(self) -> str:
        return MODEL_LABELS[self.model]

    @property
    def behind(self) -> str:
        """The warning's headline when execution lags: 低于自身用款计划 / …历史支出节奏 / 序时进度."""
        return BEHIND[self.model]


@dataclass(frozen=True)
class ExecutionCheck:
    light: Light
    expected: ExpectedProgress
    rate: Decimal | None  # paid / adjusted budget, a fraction; None without a budget
    over_budget: Light | None
    rule_version: str

    @property
    def lights(self) -> tuple[Light, ...]:
        return (self.light,) if self.over_budget is None else (self.light, self.over_budget)


@dataclass(frozen=True)
class IndicatorCheck:
    light: Light
    progress: Decimal | None  # done / annual target for cumulative ≥ indicators, else None


@dataclass(frozen=True)
class ProjectCheck:
    light: Light
    execution: ExecutionCheck
    indicators: tuple[IndicatorCheck, ...]
    goal_progress: Decimal | None  # percent, average of capped indicator progress
    gap: Light | None


@dataclass(frozen=True)
class Forecast:
    month: int
    amount: Decimal | None  # year-end cumulative payments in yuan; None when it cannot be told
    rate: Decimal | None  # amount / budget
    method: str  # profile, blend, straight_line or "" when there is no forecast
    share: Decimal  # expected share the forecast divided by


@dataclass(frozen=True)
class HistorySeries:
    """One project's full past year: its adjusted budget and twelve monthly payments."""

    budget: Decimal
    payments: tuple[Decimal, ...]
    category: str = ""


@dataclass(frozen=True)
class ForecastError:
    month: int
    projects: int
    mean_absolute_error: Decimal | None  # percentage points of budget
    straight_line_error: Decimal | None


# --- rules -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Band:
    colour: str
    lower: Decimal | None  # inclusive
    upper: Decimal | None  # exclusive

    def contains(self, value: Decimal) -> bool:
        return (self.lower is None or value >= self.lower) and (self.upper is None or value < self.upper)

    @property
    def text(self) -> str:
        if self.lower is None and self.upper is None:
            return "v 任意"
        if self.lower is None:
            return f"v < {self.upper}"
        if self.upper is None:
            return f"v ≥ {self.lower}"
        return f"{self.lower} ≤ v < {self.upper}"

    @property
    def sentence(self) -> str:
        label = LIGHT_LABELS[self.colour]
        if self.lower is None and self.upper is not None:
            return f"低于 {self.upper} 为{label}"
        if self.upper is None and self.lower is not None:
            return f"达到 {self.lower} 及以上为{label}"
        if self.lower is None:
            return f"为{label}"
        return f"在 {self.lower} 至 {self.upper} 之间为{label}"


@dataclass(frozen=True)
class Step:
    month: int
    minimum: Decimal  # percent of the adjusted budget paid by the end of ``month``


@dataclass(frozen=True)
class ExecutionRule:
    key: str
    title: str
    basis: str
    style: str
    bands: tuple[Band, ...] = ()
    steps: tuple[Step, ...] = ()
    step_colour: str = RED


@dataclass(frozen=True)
class WarningRules:
    """Versioned warning thresholds; ``execution`` is the rule set a region chose."""

    version: str
    execution: ExecutionRule
    execution_rules: Mapping[str, ExecutionRule]
    indicator_bands: tuple[Band, ...]
    qualitative_levels: tuple[tuple[str, str], ...]  # longest level first
    gap_points: Decimal
    gap_colour: str
    gap_direction: str  # "both", or "goal_behind": only money spent ahead of results warns
    progress_cap: Decimal
    severity_order: tuple[str, ...]
    forecast_blend_share: Decimal
    forecast_cap: Decimal
    # Which expected progress the region measures against: "auto" (the project's own plan, else
    # its category's profile, else time progress), "profile" (ignore plans) or "time" (m/12).
    expected: str = "auto"

    def sources(
        self, plan: Sequence[Decimal] | None, profile: Sequence[Decimal] | None
    ) -> tuple[Sequence[Decimal] | None, Sequence[Decimal] | None]:
        """The plan and profile ``expected_progress`` may use under this region's choice."""
        if self.expected == "time":
            return None, None
        if self.expected == "profile":
            return None, profile
        return plan, profile

    @classmethod
    def default(cls) -> "WarningRules":
        return _default_rules()

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> "WarningRules":
        """A region's rules merged over the shipped ones; keys left out keep the default.

        ``execution_rules`` adds to the default rule sets (or replaces one of the same key).
        Anything malformed raises ``ValueError`` with a Chinese message naming the key.
        """
        if not isinstance(data, Mapping):
            raise ValueError("预警规则应为 JSON 对象")
        unknown = set(data) - set(_default_data())
        if unknown:
            raise ValueError(f"预警规则含有无法识别的项目：{'、'.join(sorted(unknown))}")
        base = _default_data()
        merged = {**base, **data}
        merged["execution_rules"] = {**base["execution_rules"], **_object(data, "execution_rules")}
        for key in ("gap", "forecast"):  # a region changes one setting without restating the rest
            merged[key] = {**base[key], **_object(data, key)}
        if "version" not in data:
            merged["version"] = f"{base['version']}+custom"
        return _build_rules(merged)

    def using(self, key: str) -> "WarningRules":
        """The same rules with another execution rule set (``pmkpi``, ``sichuan-2025``, ...)."""
        if key not in self.execution_rules:
            raise ValueError(f"预警规则「{key}」不存在")
        return dataclasses.replace(self, execution=self.execution_rules[key])

    def severity(self, colour: str) -> int:
        """0 for the worst colour."""
        return self.severity_order.index(colour)


def _default_data() -> dict[str, Any]:
    return dict(_shipped("monitoring/warning-rules.json"))


@cache
def _shipped(path: str) -> Mapping[str, Any]:
    data: dict[str, Any] = json.loads(read_data(path))
    return data


@cache
def _default_rules() -> WarningRules:
    return _build_rules(_default_data())


def _object(data: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, Mapping):
        raise ValueError(f"「{key}」应为 JSON 对象")
    return value


def _number(where: str, value: object) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ValueError(f'{where}应为数字（如 "60"）')
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise ValueError(f"{where}的值「{value}」不是数字") from None
    if not number.is_finite():
        raise ValueError(f"{where}的值「{value}」不是有限的数字")
    return number


def _colour(where: str, value: object) -> str:
    if value not in LIGHTS:
        raise ValueError(f"{where}的颜色「{value}」无效，应为 red、yellow、green 或 blue")
    return str(value)


def _text(where: str, value: object) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{where}应为文字")
    return value


def _bands(where: str, value: object) -> tuple[Band, ...]:
    """``[{"below": "60", "light": "red"}, ..., {"light": "green"}]``: bounds rising, the last open."""
    if not isinstance(value, list) or not value or not all(isinstance(item, Mapping) for item in value):
        raise ValueError(f"{where}应为非空列表，每项含 below 和 light")
    bands: list[Band] = []
    lower: Decimal | None = None
    for index, item in enumerate(value):
        colour = _colour(f"{where}第 {index + 1} 档", item.get("light"))
        last = index == len(value) - 1
        if last != ("below" not in item):
            raise ValueError(f"{where}只有最后一档不写 below（上限）")
        upper = None if last else _number(f"{where}第 {index + 1} 档的 below", item["below"])
        if upper is not None and lower is not None and upper <= lower:
            raise ValueError(f"{where}各档的 below 应逐档增大")
        bands.append(Band(colour=colour, lower=lower, upper=upper))
        lower = upper
    return tuple(bands)


def _steps(where: str, value: object) -> tuple[Step, ...]:
    if not isinstance(value, list) or not value or not all(isinstance(item, Mapping) for item in value):
        raise ValueError(f"{where}应为非空列表，每项含 month 和 minimum")
    steps: list[Step] = []
    for item in value:
        month = item.get("month")
        if isinstance(month, bool) or not isinstance(month, int) or not 1 <= month <= MONTHS:
            raise ValueError(f"{where}的月份「{month}」应为 1 至 12 的整数")
        minimum = _number(f"{where}{month} 月的 minimum", item.get("minimum"))
        if not ZERO <= minimum <= HUNDRED:
            raise ValueError(f"{where}{month} 月的 minimum 应在 0 至 100 之间")
        if steps and (month <= steps[-1].month or minimum <= steps[-1].minimum):
            raise ValueError(f"{where}的月份和累计执行率下限都应逐个增大")
        steps.append(Step(month=month, minimum=minimum))
    return tuple(steps)


def _execution_rule(key: str, value: object) -> ExecutionRule:
    where = f"预警规则「{key}」"
    if not isinstance(value, Mapping):
        raise ValueError(f"{where}应为 JSON 对象")
    style = value.get("style")
    title = _text(f"{where}的 title", value.get("title", key))
    basis = _text(f"{where}的 basis", value.get("basis", ""))
    if style == RATIO_BANDS:
        return ExecutionRule(key, title, basis, RATIO_BANDS, bands=_bands(where, value.get("bands")))
    if style == STEPS:
        steps = _steps(where, value.get("steps"))
        colour = _colour(f"{where}的 light", value.get("light", RED))
        return ExecutionRule(key, title, basis, STEPS, steps=steps, step_colour=colour)
    raise ValueError(f"{where}的 style「{style}」无效，应为 ratio_bands 或 steps")


def _levels(value: object) -> tuple[tuple[str, str], ...]:
    if not isinstance(value, list) or not all(isinstance(item, Mapping) for item in value):
        raise ValueError("预警规则「qualitative_levels」应为列表，每项含 level 和 light")
    levels = []
    for item in value:
        level = _fold(_text("定性等级 level", item.get("level")))
        if not level:
            raise ValueError("定性等级 level 不能为空")
        levels.append((level, _colour(f"定性等级「{level}」", item.get("light"))))
    return tuple(sorted(levels, key=lambda pair: -len(pair[0])))


def _expected(value: object) -> str:
    if value not in ("auto", "profile", "time"):
        raise ValueError(f"预期进度口径「expected_progress」应为 auto、profile 或 time，收到「{value}」")
    return str(value)


def _direction(value: object) -> str:
    if value not in ("both", "goal_behind"):
        raise ValueError(f"目标与执行进度差距「gap.direction」应为 both 或 goal_behind，收到「{value}」")
    return str(value)


def _build_rules(data: Mapping[str, Any]) -> WarningRules:
    version = data.get("version")
    if not isinstance(version, str) or not version:
        raise ValueError("预警规则版本号「version」应为文字")
    raw_rules = _object(data, "execution_rules")
    rules = {key: _execution_rule(key, value) for key, value in raw_rules.items()}
    chosen = data.get("execution_rule")
    if chosen not in rules:
        raise ValueError(f"预警规则「execution_rule」应为 {'、'.join(rules)} 之一，而不是「{chosen}」")
    gap = _object(data, "gap")
    forecast = _object(data, "forecast")
    order = data.get("severity_order")
    if not isinstance(order, list) or sorted(order) != sorted(LIGHTS):
        raise ValueError("预警规则「severity_order」应为 red、yellow、green、blue 四种颜色的排列")
    gap_points = _number("目标与执行进度差距「gap.points」", gap.get("points"))
    progress_cap = _number("指标完成进度上限「gap.progress_cap」", gap.get("progress_cap"))
    blend = _number("预测「forecast.blend_below_share」", forecast.get("blend_below_share"))
    cap = _number("预测「forecast.cap」", forecast.get("cap"))
    if gap_points < 0 or progress_cap <= 0:
        raise ValueError("gap.points 不能为负数，gap.progress_cap 应大于 0")
    if not ZERO <= blend <= ONE or cap < ONE:
        raise ValueError("forecast.blend_below_share 应在 0 至 1 之间，forecast.cap 不小于 1")
    return WarningRules(
        version=version,
        execution=rules[str(chosen)],
        execution_rules=rules,
        indicator_bands=_bands("指标进度预警", data.get("indicator_bands")),
        qualitative_levels=_levels(data.get("qualitative_levels")),
        gap_points=gap_points,
        gap_colour=_colour("目标与执行进度差距预警", gap.get("light")),
        gap_direction=_direction(gap.get("direction", "goal_behind")),
        progress_cap=progress_cap,
        severity_order=tuple(order),
        forecast_blend_share=blend,
        forecast_cap=cap,
        expected=_expected(data.get("expected_progress", "auto")),
    )


@dataclass(frozen=True)
class CategoryProfiles:
    """Default monthly spending profiles per project category (code → twelve shares)."""

    version: str
    patterns: Mapping[str, tuple[Decimal, ...]]
    categories: Mapping[str, str]  # category code → pattern name

    @classmethod
    def default(cls) -> "CategoryProfiles":
        return _default_profiles()

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> "CategoryProfiles":
        """Read ``{"version", "patterns": {name: {"shares": [12]}}, "categories": {code: {"pattern"}}}``."""
        if not isinstance(data, Mapping):
            raise ValueError("支出节奏应为 JSON 对象")
        version = _text("支出节奏版本号「version」", data.get("version"))
        patterns = {
            name: check_profile(_object(_object(data, "patterns"), name).get("shares"), where=f"支出节奏「{name}」")
            for name in _object(data, "patterns")
        }
        categories: dict[str, str] = {}
        for code, item in _object(data, "categories").items():
            pattern = item.get("pattern") if isinstance(item, Mapping) else item
            if pattern not in patterns:
                raise ValueError(f"类别「{code}」的支出节奏「{pattern}」不存在")
            categories[code] = str(pattern)
        return cls(version=version, patterns=patterns, categories=categories)

    def profile(self, category: str) -> tuple[Decimal, ...] | None:
        pattern = self.categories.get(category)
        return None if pattern is None else self.patterns[pattern]


@cache
def _default_profiles() -> CategoryProfiles:
    return CategoryProfiles.from_data(_shipped("monitoring/category-profiles.json"))


def check_profile(value: object, *, where: str = "支出节奏") -> tuple[Decimal, ...]:
    """Twelve finite, non-negative shares that sum to 1 (within 0.001), as Decimals."""
    if not isinstance(value, list | tuple) or len(value) != MONTHS:
        raise ValueError(f"{where}应为 12 个月的份额")
    shares = tuple(v if isinstance(v, Decimal) else _number(f"{where}的份额", v) for v in value)
    if any(not share.is_finite() or share < 0 for share in shares):
        raise ValueError(f"{where}的份额应为不小于 0 的有限数字")
    if abs(sum(shares, ZERO) - ONE) > SHARE_TOLERANCE:
        raise ValueError(f"{where}的 12 个月份额合计为 {sum(shares, ZERO)}，应为 1")
    return shares


# --- expected progress -----------------------------------------------------------------------


def check_month(month: int) -> int:
    if isinstance(month, bool) or not isinstance(month, int) or not 0 <= month <= MONTHS:
        raise ValueError(f"已过月数应为 0 至 12 的整数，而不是「{month}」")
    return month


def straight_line_share(month: int) -> Decimal:
    """Time progress (序时进度): m/12."""
    return Decimal(check_month(month)) / MONTHS


def cumulative_share(monthly: Sequence[Decimal], month: int) -> Decimal | None:
    """The part of twelve monthly amounts (plan or profile) falling in months 1..``month``.

    Kept within 0..1 and exactly 1 at month 12; None when the twelve amounts total 0 or less.
    """
    check_month(month)
    if len(monthly) != MONTHS:
        raise ValueError("月度计划或支出节奏应有 12 个月")
    total = sum(monthly, ZERO)
    if total <= 0:
        return None
    return min(max(sum(monthly[:month], ZERO) / total, ZERO), ONE)


def expected_progress(
    month: int, *, plan: Sequence[Decimal] | None = None, profile: Sequence[Decimal] | None = None
) -> ExpectedProgress:
    """The project's own payment plan if it has one (total > 0), else its category's profile,
    else straight-line time progress."""
    for model, monthly in ((PLAN, plan), (PROFILE, profile)):
        if monthly is not None:
            share = cumulative_share(monthly, month)
            if share is not None:
                return ExpectedProgress(month=month, model=model, share=share)
    return ExpectedProgress(month=month, model=STRAIGHT_LINE, share=straight_line_share(month))


def paid_through(payments: Sequence[Decimal], month: int) -> Decimal:
    """Net payments in months 1..``month``; refunds (negative amounts) reduce the sum."""
    return sum(payments[: check_month(month)], ZERO)


def learn_profile(series: Iterable[Sequence[Decimal]], *, min_projects: int = 5) -> tuple[Decimal, ...] | None:
    """A category's profile from past full years: payments by month over all payments.

    Weighted by amount (big projects count more, as they do in the category's execution rate).
    Projects that paid nothing or net negative are left out; a month whose net is negative
    (refunds) counts as 0. None below ``min_projects`` usable projects.
    """
    totals = [ZERO] * MONTHS
    projects = 0
    for payments in series:
        if len(payments) != MONTHS:
            raise ValueError("历史支付应为 12 个月")
        if sum(payments, ZERO) <= 0:
            continue
        projects += 1
        totals = [total + paid for total, paid in zip(totals, payments, strict=True)]
    months = [max(total, ZERO) for total in totals]
    grand = sum(months, ZERO)
    if projects < min_projects or grand <= 0:
        return None
    return tuple(total / grand for total in months)


def learn_profiles(
    history: Mapping[str, Iterable[Sequence[Decimal]]], *, min_projects: int = 5
) -> dict[str, tuple[Decimal, ...]]:
    """``learn_profile`` per category; categories with too little history are left out."""
    learned = {category: learn_profile(series, min_projects=min_projects) for category, series in history.items()}
    return {category: profile for category, profile in learned.items() if profile is not None}


# --- execution -------------------------------------------------------------------------------


def _pct(value: Decimal) -> Decimal:
    return round_half_up(value, 1)


def _yuan(value: Decimal) -> str:
    return f"{round_half_up(value):,}"


def _plain(value: Decimal) -> str:
    rounded = round_half_up(value, 2).normalize()
    return format(rounded if rounded != 0 else ZERO, "f")


def _band(bands: Sequence[Band], value: Decimal) -> Band:
    return next(band for band in bands if band.contains(value))


def execution_light(
    *,
    paid: Decimal,
    budget: Decimal,
    month: int,
    plan: Sequence[Decimal] | None = None,
    profile: Sequence[Decimal] | None = None,
    rules: WarningRules | None = None,
) -> ExecutionCheck:
    """The budget-execution light (预算执行预警).

    ``paid`` is the cumulative net payment through ``month`` (refunds already subtracted);
    ``budget`` the adjusted budget (财预〔2020〕10号: execution rate = paid / adjusted budget),
    so a mid-year cut raises the rate. Payments above the budget also give a separate red
    ``execution.over-budget`` light.
    """
    rules = rules or WarningRules.default()
    expected = expected_progress(check_month(month), plan=plan, profile=profile)
    over = _over_budget(paid, budget)
    version = f"{rules.version}/{rules.execution.key}"
    if budget <= 0:
        light = Light("execution.no-budget", None, params={"budget": _yuan(budget)})
        return ExecutionCheck(light=light, expected=expected, rate=None, over_budget=over, rule_version=version)
    rate = paid / budget
    if month == 0:
        light = Light("execution.not-started", None)
    elif rules.execution.style == STEPS:
        light = _step_light(rules.execution, rate, month)
    else:
        light = _ratio_light(rules.execution, rate, expected)
    return ExecutionCheck(light=light, expected=expected, rate=rate, over_budget=over, rule_version=version)


def _over_budget(paid: Decimal, budget: Decimal) -> Light | None:
    if paid <= max(budget, ZERO):
        return None
    params = {"paid": _yuan(paid), "budget": _yuan(budget), "excess": _yuan(paid - max(budget, ZERO))}
    return Light("execution.over-budget", RED, value=round_half_up(paid), band="累计支付 > 调整后预算", params=params)


def _ratio_light(rule: ExecutionRule, rate: Decimal, expected: ExpectedProgress) -> Light:
    params = {"rate": str(_pct(rate * HUNDRED)), "model": expected.label, "month": str(expected.month)}
    if expected.share == 0:
        # A back-loaded profile expects nothing yet: there is nothing to be behind.
        return Light("execution.nothing-expected", GREEN, band="应执行进度为 0", params=params)
    value = _pct(rate / expected.share * HUNDRED)
    band = _band(rule.bands, value)
    params |= {
        "expected": str(_pct(expected.share * HUNDRED)),
        "value": str(value),
        "band": band.sentence,
        "behind": expected.behind if band.colour in (RED, YELLOW) else "",
    }
    return Light("execution.ratio", band.colour, value=value, band=band.text, params=params)


def _step_light(rule: ExecutionRule, rate: Decimal, month: int) -> Light:
    value = _pct(rate * HUNDRED)
    passed = [step for step in rule.steps if step.month <= month]
    if not passed:
        params = {"rate": str(value), "first": str(rule.steps[0].month)}
        return Light("execution.before-checkpoint", GREEN, value=value, band="未到考核节点", params=params)
    step = passed[-1]
    colour = rule.step_colour if value < step.minimum else GREEN
    sentence = (
        f"低于 {step.minimum}% 为{LIGHT_LABELS[colour]}"
        if colour != GREEN
        else f"达到 {step.minimum}% 为{LIGHT_LABELS[GREEN]}"
    )
    params = {
        "month": str(month),
        "rate": str(value),
        "step": str(step.month),
        "minimum": str(step.minimum),
        "band": sentence,
    }
    return Light(
        "execution.step", colour, value=value, band=f"{step.month} 月末执行率 < {step.minimum}%", params=params
    )


# --- indicators ------------------------------------------------------------------------------

_REVERSE = ("≤", "<")


def _meets(symbol: str, value: Decimal, target: Decimal) -> bool:
    return {
        "≥": value >= target,
        ">": value > target,
        "≤": value <= target,
        "<": value < target,
        "=": value == target,
    }[symbol]


def _fold(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def indicator_light(
    target: Target,
    *,
    month: int,
    done: Decimal | None = None,
    level: str = "",
    projected: Decimal | None = None,
    share: Decimal | None = None,
    cumulative: bool = True,
    rules: WarningRules | None = None,
) -> IndicatorCheck:
    """The progress light of one indicator (pmkpi 正向/反向/定性指标预警, DOMAIN.md §6.3).

    * ≥ and > (and =): v = done / (target * share) * 100 on the indicator bands (blue for
      over-achievement). ``share`` defaults to time progress m/12 for an indicator that
      accumulates over the year, and to 1 with ``cumulative=False`` (a satisfaction or pass
      rate is judged on its level, not pro rata). A target of 0 or less is compared directly.
    * ≤ and <: green while ``projected`` (the expected year-end value) or else ``done`` is
      within the target, red otherwise.
    * 定性, or a target with no number: the reported ``level`` (达成 / 部分达成 / 未达成).
    """
    rules = rules or WarningRules.default()
    if check_month(month) == 0:
        return IndicatorCheck(Light("indicator.not-started", None), None)
    if not target.quantitative or target.symbol is None or target.number is None or (done is None and level):
        return IndicatorCheck(_qualitative(target, level, rules), None)
    if done is None:
        return IndicatorCheck(Light("indicator.no-actual", None), None)
    symbol, number = target.symbol, target.number
    params = {"unit": target.unit, "target": _plain(number), "symbol": symbol}
    if symbol in _REVERSE or number <= 0:
        use_projection = projected is not None and symbol in _REVERSE
        compared = projected if projected is not None and use_projection else done
        return IndicatorCheck(_compare(symbol, compared, number, use_projection, params), None)
    if share is None:
        share = straight_line_share(month) if cumulative else ONE
    share_label = "时间进度" if cumulative else "全年目标"
    params |= {"done": _plain(done), "share_label": share_label, "share": str(_pct(share * HUNDRED))}
    progress = done / number if cumulative else None
    if share <= 0:
        return IndicatorCheck(Light("indicator.nothing-expected", GREEN, band="应完成值为 0", params=params), progress)
    expected = number * share
    value = _pct(done / expected * HUNDRED)
    band = _band(rules.indicator_bands, value)
    params |= {"expected": _plain(expected), "value": str(value), "band": band.sentence}
    if not cumulative and band.colour == GREEN and symbol != "=" and not _meets(symbol, done, number):
        # A level (a rate, a satisfaction) below its target is not on track however close the
        # ratio: 80% against ≥98% is 81.6% of the target, green on the bands, and a miss.
        return IndicatorCheck(
            Light("indicator.level-short", YELLOW, value=value, band=band.text, params=params), progress
        )
    return IndicatorCheck(Light("indicator.ratio", band.colour, value=value, band=band.text, params=params), progress)


def _compare(symbol: str, value: Decimal, target: Decimal, projected: bool, params: dict[str, str]) -> Light:
    ok = _meets(symbol, value, target)
    colour = GREEN if ok else RED
    params = params | {
        "compared": "预计全年" if projected else "完成值",
        "done": _plain(value),
        "verdict": "在目标范围内" if ok else "超出目标范围",
        "light": LIGHT_LABELS[colour],
    }
    return Light("indicator.compare", colour, value=value, band=f"完成值 {symbol} {_plain(target)}", params=params)


def _qualitative(target: Target, level: str, rules: WarningRules) -> Light:
    text = _fold(level)
    if not text:
        if target.symbol is None and target.number is not None:
            return Light("indicator.no-symbol", None, params={"target": target.raw})
        if target.problem is not None or target.symbol in COMPARISONS:
            return Light("indicator.unreadable", None, params={"target": target.raw})
        return Light("indicator.no-actual", None)
    for known, colour in rules.qualitative_levels:
        if text.startswith(known):
            params = {"level": level.strip(), "light": LIGHT_LABELS[colour]}
            return Light("indicator.qualitative", colour, band=f"{known} → {LIGHT_LABELS[colour]}", params=params)
    return Light("indicator.unknown-level", None, params={"level": level.strip()})


# --- project ---------------------------------------------------------------------------------


def worst_colour(colours: Iterable[str | None], *, rules: WarningRules | None = None) -> str | None:
    """The most severe colour (by ``severity_order``: red, yellow, green, blue); None if none lit."""
    rules = rules or WarningRules.default()
    lit = [colour for colour in colours if colour is not None]
    return min(lit, key=rules.severity) if lit else None


def goal_progress(indicators: Iterable[IndicatorCheck], *, cap: Decimal = ONE) -> Decimal | None:
    """Average completion of the cumulative indicators in percent, each held within 0..``cap``
    so that one over-achieved indicator does not hide another that lags."""
    progress = [min(max(check.progress, ZERO), cap) for check in indicators if check.progress is not None]
    if not progress:
        return None
    return _pct(sum(progress, ZERO) / len(progress) * HUNDRED)


def project_light(
    execution: ExecutionCheck, indicators: Sequence[IndicatorCheck], *, rules: WarningRules | None = None
) -> ProjectCheck:
    """The project's light: the worst of execution, over-budget, indicators and the gap warning.

    The gap warning (川财绩〔2025〕10号) fires when goal progress and execution progress (both
    held within the progress cap) differ by more than ``gap.points`` percentage points.
    """
    rules = rules or WarningRules.default()
    goal = goal_progress(indicators, cap=rules.progress_cap)
    gap = _gap_light(execution, goal, rules)
    parts = [("预算执行", light) for light in execution.lights]
    parts += [("指标", check.light) for check in indicators]
    if gap is not None:
        parts.append(("目标与执行进度差距", gap))
    colour = worst_colour((light.colour for _, light in parts), rules=rules)
    if colour is None:
        light = Light("project.none", None)
    else:
        params = {"light": LIGHT_LABELS[colour], "parts": _summary(parts, rules)}
        light = Light("project.worst", colour, params=params)
    return ProjectCheck(light=light, execution=execution, indicators=tuple(indicators), goal_progress=goal, gap=gap)


def _gap_light(execution: ExecutionCheck, goal: Decimal | None, rules: WarningRules) -> Light | None:
    if goal is None or execution.rate is None or execution.expected.month == 0:
        return None
    spent = _pct(min(max(execution.rate, ZERO), rules.progress_cap) * HUNDRED)
    gap = abs(goal - spent)
    if gap <= rules.gap_points or (rules.gap_direction == "goal_behind" and goal >= spent):
        return None
    params = {
        "goal": str(goal),
        "execution": str(spent),
        "gap": str(gap),
        "points": str(rules.gap_points),
        "light": LIGHT_LABELS[rules.gap_colour],
    }
    return Light("project.gap", rules.gap_colour, value=gap, band=f"差距 > {rules.gap_points} 个百分点", params=params)


def _summary(parts: Sequence[tuple[str, Light]], rules: WarningRules) -> str:
    counts: dict[str, dict[str, int]] = {}
    for kind, light in parts:
        if light.colour is not None:
            by_colour = counts.setdefault(kind, {})
            by_colour[light.colour] = by_colour.get(light.colour, 0) + 1
    return "；".join(
        f"{kind} "
        + "、".join(
            f"{number} 个{LIGHT_LABELS[colour]}"
            for colour, number in sorted(by_colour.items(), key=lambda item: rules.severity(item[0]))
        )
        for kind, by_colour in counts.items()
    )


# --- forecast --------------------------------------------------------------------------------


def forecast_year_end(
    *,
    paid: Decimal,
    budget: Decimal,
    month: int,
    profile: Sequence[Decimal] | None = None,
    rules: WarningRules | None = None,
) -> Forecast:
    """Year-end cumulative payments forecast from ``paid`` through ``month``.

    Method: the year's total is what has been paid divided by the share of the year's payments
    the category's profile puts in months 1..m (paid / s). Early in a back-loaded year s is
    tiny and one early payment would explode the ratio, so while s is below
    ``forecast.blend_below_share`` the estimate is blended with straight-line extrapolation
    (paid * 12 / m), weight s / blend_below_share on the profile. Without a profile it is the
    straight line alone (the baseline peers use). The result is held between what is already
    paid and ``forecast.cap`` * budget (a project rarely pays more than its budget; if it already
    did, the forecast is what it paid). Month 0 or a budget of 0 or less gives no forecast.

    The blend threshold is small (2%) on purpose: on the demo history, with profiles learned on
    one year and tested on the other, any wider blend made the error worse at every month, since
    the straight line badly under-forecasts back-loaded projects; ``forecast_error`` measures it.
    """
    rules = rules or WarningRules.default()
    line = straight_line_share(month)
    share = cumulative_share(profile, month) if profile is not None else None
    if month == 0 or budget <= 0:
        return Forecast(month=month, amount=None, rate=None, method="", share=share if share is not None else line)
    by_line = paid / line
    if share is None:
        amount, method, used = by_line, STRAIGHT_LINE, line
    elif share > 0 and share >= rules.forecast_blend_share:
        amount, method, used = paid / share, PROFILE, share
    else:
        weight = share / rules.forecast_blend_share if share > 0 else ZERO
        by_profile = paid / share if share > 0 else ZERO
        amount, method, used = weight * by_profile + (ONE - weight) * by_line, BLEND, share
    amount = round_half_up(min(max(amount, paid), max(budget * rules.forecast_cap, paid)))
    return Forecast(month=month, amount=amount, rate=amount / budget, method=method, share=used)


def forecast_error(
    series: Iterable[HistorySeries],
    *,
    month: int,
    profiles: Mapping[str, Sequence[Decimal]],
    rules: WarningRules | None = None,
) -> ForecastError:
    """How far the forecast at ``month`` lands from what past years actually paid.

    For each full past year, months after ``month`` are hidden, the year-end total forecast from
    the category's profile (learned on *other* years: the caller holds them out) and compared with
    the actual total. Returns the mean absolute error in percentage points of the budget, and the
    same for the straight-line baseline. Series with a budget of 0 or less are skipped.
    """
    rules = rules or WarningRules.default()
    check_month(month)
    ours: list[Decimal] = []
    baseline: list[Decimal] = []
    for item in series:
        if len(item.payments) != MONTHS:
            raise ValueError("历史支付应为 12 个月")
        if item.budget <= 0:
            continue
        paid = paid_through(item.payments, month)
        actual = paid_through(item.payments, MONTHS)
        profile = profiles.get(item.category)
        for errors, used in ((ours, profile), (baseline, None)):
            forecast = forecast_year_end(paid=paid, budget=item.budget, month=month, profile=used, rules=rules)
            amount = forecast.amount if forecast.amount is not None else paid
            errors.append(abs(amount - actual) / item.budget * HUNDRED)
    if not ours:
        return ForecastError(month=month, projects=0, mean_absolute_error=None, straight_line_error=None)
    return ForecastError(
        month=month,
        projects=len(ours),
        mean_absolute_error=round_half_up(sum(ours, ZERO) / len(ours)),
        straight_line_error=round_half_up(sum(baseline, ZERO) / len(baseline)),
    )
