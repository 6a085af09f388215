"""What a unit writes on its monitoring form in September: the progress of every indicator,
the expected full-year value, and for an indicator that warns the reason, the likelihood of
reaching the target and the measures; the report's analysis and its own year-end estimate.

The numbers follow the project's money: a project whose payments lag has delivered less, one
paid on measured progress (works, purchases) has delivered about what it has paid for, and
services run with the calendar. Levels (rates, coverage, standards) hold all year.
"""

import random
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from jixiao.core.values import Target, parse_target
from jixiao.monitoring.compute import accumulates
from jixiao.monitoring.models import Light, Likelihood, Line, Reason, Report

ZERO = Decimal(0)
HUNDRED = Decimal(100)
WAN = Decimal(10_000)
# Paid on measured progress or on delivery: output follows the money.
PAID_ON_DELIVERY = frozenset({"construction", "procurement"})
# Counted over the year although ``compute.FLOW_UNITS`` does not list them (the engine then
# judges them against the whole year's target; see the monitoring demo's notes).
MORE_FLOW_UNITS = frozenset({"家次", "轮", "篇", "万吨", "万人次", "人次/年"})
PATTERN_WORDS = {
    "construction": "工程款按计量进度支付，工程量集中在下半年",
    "procurement": "设备按合同分批到货验收后付款",
    "year_end": "资金在年终考核验收后结算",
    "quarterly": "资金按季度考核后拨付，三季度资金9月底拨付",
    "front": "资金按春秋两季学期拨付，秋季学期资金9月拨付",
    "service": "服务费按月考核后结算，存在一个月左右的结算周期",
    "flat": "资金按月拨付",
}


@dataclass(frozen=True)
class Pace:
    """How a project stands at the end of the round's month, as its unit sees it."""

    month: int
    rate: Decimal  # paid / budget
    ratio: Decimal | None  # rate / expected progress (the execution light's v / 100)
    profile: str  # how its money is paid out (demo_projects.PROFILES)
    state: str  # ahead, on_track, slow, behind
    delivery: Decimal  # share of the year's output delivered so far

    @property
    def time(self) -> Decimal:
        return Decimal(self.month) / 12


def pace_of(report: Report, profile: str, rng: random.Random) -> Pace:
    """The project's state from its execution light's ratio, and how much it has delivered."""
    month = report.round.month
    rate = report.paid / report.budget if report.budget > 0 else ZERO
    expected = report.expected_share
    ratio = rate / expected if expected else None
    if ratio is None or ratio >= Decimal("1.12"):
        state = "ahead" if ratio is not None else "on_track"
    elif ratio >= Decimal("0.85"):
        state = "on_track"
    elif ratio >= Decimal("0.6"):
        state = "slow"
    else:
        state = "behind"
    time = Decimal(month) / 12
    factor = {
        "ahead": (1.08, 1.35),
        "on_track": (0.92, 1.08),
        "slow": (0.78, 0.95),
        "behind": (0.45, 0.8),
    }[state]
    base = rate if profile in PAID_ON_DELIVERY else time
    delivery = min(Decimal(1), base * Decimal(str(round(rng.uniform(*factor), 3))))
    return Pace(month=month, rate=rate, ratio=ratio, profile=profile, state=state, delivery=delivery)


def target_of(line: Line, year: int) -> Target:
    return parse_target(
        line.target, symbol=line.symbol, unit=line.unit, date_context=line.level2 == "时效指标", year=year
    )


# Units whose amounts are written with decimals (7.35万吨, 12.6公里); counts stay whole.
DECIMAL_UNITS = frozenset({"公里", "千米", "km", "吨", "亩", "小时", "天"})


def _text(value: Decimal, like: Decimal, unit: str) -> str:
    """``value`` written with the decimals of its target (``like``), as a unit would."""
    exponent = like.normalize().as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    fractional = value != value.to_integral_value() and value < 1000
    if fractional and (unit == "%" or unit.startswith("万") or unit in DECIMAL_UNITS):
        places = max(places, 1 if unit == "%" else 2)
    rounded = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return format(rounded.normalize() if places else rounded, "f")


def _between(rng: random.Random, low: float, high: float) -> Decimal:
    return Decimal(str(round(rng.uniform(low, high), 4)))


def is_flow(line: Line) -> bool:
    """Whether the indicator piles up over the year (so by September only part is done). A
    count of places, schools or people covered is a level: the unit reports those in the
    year's programme (under way or done), as the form's 截至本期完成值 is usually read."""
    return accumulates(line) or line.unit.strip() in MORE_FLOW_UNITS


def fill_line(line: Line, pace: Pace, year: int, rng: random.Random) -> None:
    """Set ``done`` and ``expected`` as the unit reports them."""
    target = target_of(line, year)
    lagging = pace.state in ("slow", "behind")
    if not target.quantitative or target.number is None or target.symbol is None:
        if pace.state == "behind" and rng.random() < 0.5:
            line.done, line.expected = rng.choice(("部分达成", "基本达成")), "基本达成"
        else:
            line.done, line.expected = "达成", "达成"
        return
    number, symbol, unit = target.number, target.symbol, target.unit
    if symbol in ("≤", "<") or number <= 0:
        # Ceilings: costs, time limits, incidents. Mostly within; a lagging project sometimes over.
        if number <= 0:
            over = pace.state == "behind" and rng.random() < 0.15
            done = Decimal(1) if over else ZERO
        elif pace.state == "behind" and rng.random() < 0.25:
            done = number * _between(rng, 1.02, 1.15)
        else:
            done = number * _between(rng, 0.7, 0.99)
        line.done = _text(done, number, unit)
        line.expected = _text(max(done, number * _between(rng, 0.9, 1.0)) if done <= number else done, number, unit)
        return
    if symbol == "=":
        line.done = line.expected = _text(number, number, unit)
        return
    if is_flow(line):
        done = number * pace.delivery * _between(rng, 0.96, 1.04)
        year_end = number * (_between(rng, 1.0, 1.08) if not lagging else _between(rng, 0.8, 0.98))
        if pace.state == "on_track":
            year_end = max(year_end, number)
        line.done = _text(done, number, unit)
        line.expected = _text(max(year_end, done), number, unit)
        return
    # A level: a rate, a coverage, a count of places served. It holds all year.
    if unit == "%":
        headroom = max(ZERO, HUNDRED - number)
        chance = {"behind": 0.35, "slow": 0.12}.get(pace.state, 0.015)
        short = rng.random() < chance
        if short:
            done = number - _between(rng, 0.5, 6.0) if number > 10 else number * _between(rng, 0.8, 0.97)
        else:
            done = min(HUNDRED, number + headroom * _between(rng, 0.0, 0.8))
        line.done = _text(max(done, ZERO), number, unit)
        line.expected = _text(max(number, done) if not short else number, number, unit)
        return
    if pace.state == "behind" and rng.random() < 0.5:
        done = number * _between(rng, 0.7, 0.95)
    else:
        done = number * _between(rng, 1.0, 1.05)
    line.done = _text(done, number, unit)
    line.expected = _text(max(done, number), number, unit)


# Causes of delay a unit gives, by reason: (reason note, measures).
CAUSES: dict[str, tuple[tuple[str, str], ...]] = {
    Reason.FUNDING: (
        (
            "上级专项资金8月下旬才下达，区级配套资金尚未到位，部分合同款未能按期支付",
            "已向财政局申请调度资金，配套资金到位后10个工作日内完成支付",
        ),
        (
            "项目资金分两批下达，第二批资金尚在走指标下达程序",
            "加强与财政部门对接，指标下达后立即办理支付",
        ),
    ),
    Reason.RULES: (
        (
            "政府采购实施方案调整，重新履行招标程序，合同签订推迟约两个月",
            "合同已于8月签订，督促供应商按合同节点供货，按月调度进度",
        ),
        (
            "项目实施方案经区政府常务会审定后才启动，前期审批时间较长",
            "倒排工期、挂图作战，每周调度一次实施进度",
        ),
    ),
    Reason.STAFF: (
        (
            "项目负责人岗位调整，新接手人员对业务不熟悉，资料收集和报账滞后",
            "明确专人负责，建立台账，每月5日前完成上月报账",
        ),
        ("乡镇经办人员变动，基础数据上报不及时", "开展业务培训，实行周报制度"),
    ),
    Reason.HARDWARE: (
        (
            "6—7月持续降雨和防汛，施工场地停工约一个月",
            "汛期结束后增加作业班组，确保四季度完成剩余工程量",
        ),
        ("部分设备厂家供货延迟，安装调试顺延", "督促厂家按合同供货，逾期按合同条款追责"),
    ),
    Reason.OTHER: (
        (
            "服务对象数量较年初预计减少，按实结算后支出相应减少",
            "据实结算，年底前将结余资金情况报财政局统筹",
        ),
        ("部分补助对象资格复核尚未完成，资金暂未发放", "9月底前完成资格复核，10月集中发放"),
    ),
}


def explain_line(line: Line, pace: Pace, light: str, rng: random.Random) -> None:
    """The reason, the likelihood and the measures for an indicator that warns."""
    if light not in (Light.RED, Light.YELLOW):
        line.reason = line.reason_note = line.likelihood = line.measures = ""
        return
    if pace.state in ("on_track", "ahead") and is_flow(line):
        line.reason, line.likelihood = Reason.OTHER, Likelihood.SURE
        line.measures = "按年度实施计划推进，每月跟踪完成情况，确保年底前完成全年目标"
        done, whole = _number(line.done), _number(line.target)
        share = done / whole if done is not None and whole else None
        if share is not None and share >= pace.time * Decimal("0.9"):
            line.reason_note = (
                f"该指标全年累计完成，截至{pace.month}月已完成全年目标的{_pct(share)}%，与时间进度基本一致"
            )
        else:
            words = PATTERN_WORDS.get(pace.profile, "项目按年度计划分阶段实施")
            line.reason_note = f"{words}，任务量随之集中在下半年，截至{pace.month}月完成进度低于时间进度"
        return
    target = line.target.strip()
    if line.symbol in ("≤", "<"):
        line.reason = rng.choice((Reason.FUNDING, Reason.OTHER))
        line.reason_note = f"部分原材料和人工价格上涨，{line.name}暂高于目标值{target}{line.unit}"
        line.measures = "优化采购方式、压减非必要开支，四季度控制在目标值以内"
        line.likelihood = Likelihood.MAYBE
        return
    reason = rng.choice(tuple(CAUSES))
    note, measures = rng.choice(CAUSES[reason])
    line.reason, line.reason_note, line.measures = reason, note, measures
    if light == Light.RED and pace.state == "behind" and rng.random() < 0.35:
        line.likelihood = Likelihood.NO
        line.measures += "；预计全年难以完成目标，拟申请调整绩效目标"
    else:
        line.likelihood = Likelihood.MAYBE if light == Light.RED or pace.state != "on_track" else Likelihood.SURE


def _number(text: str) -> Decimal | None:
    try:
        return Decimal(text)
    except ArithmeticError:
        return None


def _wan(amount: Decimal) -> str:
    return format((amount / WAN).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP), ",f")


def _pct(share: Decimal | None) -> str:
    return "—" if share is None else format((share * HUNDRED).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP), "f")


MODEL_WORDS = {"plan": "按本单位用款计划", "profile": "按同类项目历年支出节奏", "straight_line": "按序时进度"}


def estimate(report: Report, pace: Pace, rng: random.Random) -> Decimal:
    """The unit's own estimate of the year's payments, in yuan: optimistic when behind."""
    if report.budget <= 0:
        return ZERO
    if pace.state in ("on_track", "ahead"):
        share = _between(rng, 0.96, 1.0)
    else:
        forecast = report.forecast if report.forecast is not None else report.paid
        share = min(Decimal(1), forecast / report.budget * _between(rng, 1.0, 1.2))
    return (report.budget * share).quantize(Decimal("100"), rounding=ROUND_HALF_UP)


def summary(report: Report, pace: Pace, warned: list[Line], year_end: Decimal, rng: random.Random) -> str:
    """执行情况与偏差分析: the money, then what lags and why, then what the unit will do."""
    month = report.round.month
    parts = [
        f"截至{month}月底，项目全年预算{_wan(report.budget)}万元，累计支付{_wan(report.paid)}万元，"
        f"预算执行率{_pct(pace.rate)}%，{MODEL_WORDS.get(report.expected_model, '')}应达{_pct(report.expected_share)}%。"
    ]
    if pace.state in ("on_track", "ahead"):
        parts.append("预算执行进度正常。")
    else:
        cause = rng.choice(CAUSES[rng.choice(tuple(CAUSES))])
        parts.append(f"执行进度滞后，主要原因是{cause[0]}。下一步将{cause[1]}。")
    if warned:
        names = "、".join(f"「{line.name}」" for line in warned[:3])
        parts.append(f"{names}{'等' if len(warned) > 3 else ''}指标进度低于预期，原因和措施见指标说明。")
    else:
        parts.append("各项绩效指标按计划推进。")
    if report.gap is not None and report.gap > 10:
        parts.append(
            f"绩效目标完成进度与预算执行进度相差{report.gap}个百分点，主要是{PATTERN_WORDS.get(pace.profile, '资金拨付与任务完成不同步')}。"
        )
    parts.append(f"预计全年支付{_wan(year_end)}万元。")
    return "".join(parts)
