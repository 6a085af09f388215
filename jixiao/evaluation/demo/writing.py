"""What a unit's accountant writes on a self-evaluation form: an actual for every indicator,
derived from its target by how the year went, the deviation reasons the rules ask for (a target
missed, a ceiling overrun, a deadline passed, an actual at 130% of its target or more, a
qualitative indicator only partly reached), the overall result and the execution reason.

Everything is drawn from the ``random.Random`` passed in; nothing here touches the database.
"""

import random
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal, InvalidOperation

from jixiao.budget.demo_projects import HISTORY_YEARS
from jixiao.core.money import round_half_up
from jixiao.evaluation.models import Line
from jixiao.goals.demo.writer import (
    BENEFIT,
    PURCHASE,
    QUALITY,
    QUANTITY,
    SATISFACTION,
    SUBSIDY,
    WORKS,
    number_text,
    wan,
)

YEAR = HISTORY_YEARS[-1]  # the year evaluated: the last full year of the demo's history
MET, SHORT, FAR, DEEP, OVER, PARTIAL = "met", "short", "far", "deep", "over", "partial"
HUNDRED = Decimal(100)
# How the year went for a project, and how often each indicator then comes out a little short
# (85–99% of its target), well short (about half to 85%), nowhere near (a stalled project) or far
# beyond its target: (short, far, deep, over).
PROFILES: dict[str, tuple[float, float, float, float]] = {
    "excellent": (0.03, 0.0, 0.0, 0.05),
    "good": (0.14, 0.08, 0.0, 0.03),
    "weak": (0.08, 0.4, 0.0, 0.02),
    "poor": (0.15, 0.35, 0.12, 0.0),
    "stalled": (0.05, 0.2, 0.7, 0.0),
}
PROFILE_WEIGHTS = (("excellent", 44), ("good", 32), ("weak", 20), ("poor", 4), ("stalled", 0))
TIME_UNITS = ("工作日", "天", "日", "分钟", "小时", "个月", "月", "周")


@dataclass
class Outcome:
    """How one indicator came out: what the unit wrote and what it means."""

    line: Line
    outcome: str  # MET, SHORT, FAR, DEEP, OVER, PARTIAL, or "" when nothing was written
    target: Decimal | None = None
    actual: Decimal | None = None

    @property
    def missed(self) -> bool:
        return self.outcome in (SHORT, FAR, DEEP, PARTIAL)


def profile_of(rate: Decimal | None, rng: random.Random) -> str:
    """A project's year: most went to plan; those that spent little more often fell short."""
    names = [name for name, _ in PROFILE_WEIGHTS]
    weights = [weight for _, weight in PROFILE_WEIGHTS]
    # A project that stalled left its money unspent.
    if rate is not None and rate < 85:
        weights = [28, 30, 28, 10, 4]
    elif rate is not None and rate < 90:
        weights = [36, 32, 24, 6, 2]
    return rng.choices(names, weights)[0]


def number(text: str) -> Decimal | None:
    try:
        value = Decimal(text.replace(",", ""))
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def _places(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def direction(line: Line) -> str:
    """up (≥), down (≤), equal (=), qualitative, or "" (a target the demo cannot read)."""
    if line.symbol == "定性":
        return "qualitative"
    if number(line.value) is None:
        return ""
    return {"≥": "up", ">": "up", "≤": "down", "<": "down", "=": "equal"}.get(line.symbol, "")


def kind(line: Line) -> str:
    if line.level1 == SATISFACTION:
        return "satisfaction"
    if line.unit in ("%", "‰"):
        return "rate"
    if "元" in line.unit:
        return "money"
    if line.unit in TIME_UNITS:
        return "time"
    return "count"


def outcome_for(line: Line, profile: str, rng: random.Random) -> str:
    short, far, deep, over = PROFILES[profile]
    roll = rng.random()
    if line.level1 == SATISFACTION:
        # Respondents are kinder than the ledgers: satisfaction rarely falls far.
        far, deep, over = (far + deep) / 3, 0.0, 0.0
    if roll < deep:
        return DEEP
    roll -= deep
    if roll < far:
        return FAR
    if roll < far + short:
        return SHORT
    if roll < far + short + over and direction(line) == "up" and kind(line) in ("count", "money"):
        return OVER
    return MET


# --- actuals ----------------------------------------------------------------------------------


def _shape(value: Decimal, places: int, rounding: str = ROUND_HALF_UP) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=rounding)


def _places_for(line: Line, target: Decimal) -> int:
    k = kind(line)
    if k in ("rate", "satisfaction"):
        return 1
    if k == "money":
        return _places(target) or (1 if target < 100 else 0)
    return _places(target)


# How far from its target a missed indicator lands, by how badly it was missed.
UP_SHARE = {SHORT: (0.86, 0.985), FAR: (0.45, 0.78), DEEP: (0.15, 0.45)}  # of a ≥ count
RATE_SHARE = {SHORT: (0.86, 0.985), FAR: (0.68, 0.86), DEEP: (0.45, 0.7)}  # of a ≥ rate
SATISFACTION_GAP = {SHORT: (0.8, 4.5), FAR: (5.0, 10.0), DEEP: (10.0, 18.0)}  # points below
DOWN_SHARE = {SHORT: (1.03, 1.16), FAR: (1.25, 1.5), DEEP: (1.5, 1.9)}  # of a ≤ ceiling
LATE_SHARE = {SHORT: (0.1, 0.4), FAR: (0.4, 0.7), DEEP: (0.7, 0.95)}  # of a time limit, added
EQUAL_GAP = {SHORT: (0.2, 1.6), FAR: (2.0, 6.0), DEEP: (6.0, 12.0)}  # points below an = rate
EQUAL_SHARE = {SHORT: (0.95, 0.99), FAR: (0.8, 0.94), DEEP: (0.6, 0.8)}  # of an = standard


def _draw(bounds: tuple[float, float], rng: random.Random, digits: int = 3) -> Decimal:
    return Decimal(str(round(rng.uniform(*bounds), digits)))


def _up(line: Line, target: Decimal, outcome: str, rng: random.Random) -> tuple[Decimal, str]:
    places = _places_for(line, target)
    step = Decimal(1).scaleb(-places)
    k = kind(line)
    capped = k in ("rate", "satisfaction") and target >= 50
    if target <= 0:
        return target + step * rng.randint(0, 5), MET
    if capped and target >= HUNDRED and outcome in (MET, OVER):
        return target, MET
    if target < 3 and k == "count" and outcome in (SHORT, FAR):
        outcome = MET  # one building, two sites: built or not, nothing in between
    if outcome == MET or (outcome == OVER and capped):
        if capped:
            room = (HUNDRED - target) * _draw((0.05, 0.85), rng)
            if k == "satisfaction":
                room = min(room, _draw((1.0, 6.0), rng, 1))
            # Below 130% of the target: beyond it the rules want an explanation.
            value = min(_shape(target + room, places), HUNDRED, _shape(target * Decimal("1.25"), places, ROUND_FLOOR))
            return max(target, value), MET
        if rng.random() < 0.3:
            return target, MET
        value = _shape(target * _draw((1.0, 1.12), rng), places, ROUND_CEILING)
        # Rounding up a small count (1 → 2) would be a large over-achievement.
        return (value if value < target * Decimal("1.3") else target), MET
    if outcome == OVER:
        return _shape(target * _draw((1.32, 1.75), rng), places, ROUND_CEILING), OVER
    if k == "satisfaction":
        value = _shape(target - _draw(SATISFACTION_GAP[outcome], rng, 1), places)
    else:
        shares = RATE_SHARE if k == "rate" else UP_SHARE
        value = _shape(target * _draw(shares[outcome], rng), places, ROUND_FLOOR)
    return max(Decimal(0), min(value, target - step)), outcome


def _down(line: Line, target: Decimal, outcome: str, rng: random.Random) -> tuple[Decimal, str]:
    places = _places_for(line, target)
    step = Decimal(1).scaleb(-places)
    k = kind(line)
    if target == 0:
        # A bad event that should not happen (安全事故 ≤ 0 起): it happened, or it did not.
        if outcome == DEEP or (outcome == FAR and rng.random() < 0.4):
            return Decimal(rng.choice((1, 1, 2))), outcome
        return Decimal(0), MET
    if outcome in (MET, OVER):
        low = {"money": 0.84, "time": 0.55, "rate": 0.35}.get(k, 0.5)
        if k == "time" and rng.random() < 0.25:
            return target, MET
        value = _shape(target * _draw((low, 1.0), rng), places, ROUND_FLOOR)
        return max(min(value, target), step if k == "time" else Decimal(0)), MET
    if k == "time":
        late = max(1, round(float(target) * rng.uniform(*LATE_SHARE[outcome])))
        return _shape(target + Decimal(late), places), outcome
    value = _shape(target * _draw(DOWN_SHARE[outcome], rng), places, ROUND_CEILING)
    return max(value, target + step), outcome


def _equal(line: Line, target: Decimal, outcome: str, rng: random.Random) -> tuple[Decimal, str]:
    if outcome in (MET, OVER):
        return target, MET
    if target == 0:
        return (Decimal(1), outcome) if outcome in (FAR, DEEP) else (Decimal(0), MET)
    if kind(line) == "rate":
        return target - _draw(EQUAL_GAP[outcome], rng, 1), outcome
    return _shape(target * _draw(EQUAL_SHARE[outcome], rng), _places_for(line, target), ROUND_FLOOR), outcome


def actual_text(line: Line, value: Decimal, rng: random.Random) -> str:
    """The number as units type it: 96.5 or 96.5%, 12,150 for a large count."""
    text = number_text(value)
    if line.unit == "%" and rng.random() < 0.3:
        return f"{text}%"
    if kind(line) == "count" and value >= 10000 and value == value.to_integral_value() and rng.random() < 0.5:
        return f"{int(value):,}"
    return text


def fill(line: Line, outcome: str, rng: random.Random, *, weight: Decimal | None, what: str = "general") -> Outcome:
    """Write the line's actual and, where the rules ask for one, its deviation reason."""
    way = direction(line)
    if way == "qualitative":
        partial = outcome in (SHORT, FAR, DEEP) and weight is not None
        if partial:
            assert weight is not None
            line.actual = rng.choice(("部分达成", "部分达成", "基本达成"))
            share = Decimal(str(round(rng.uniform(0.62, 0.78), 3)))
            line.score_given = (weight * share).quantize(Decimal("0.01"), rounding=ROUND_FLOOR)
            line.deviation_reason = qualitative_reason(line, rng)
            return Outcome(line, PARTIAL)
        line.actual = rng.choice(("达成", "达成", "达成", "达成年度指标", "全部达成"))
        if weight is not None and rng.random() < 0.3:
            share = Decimal(str(round(rng.uniform(0.85, 1.0), 2)))
            line.score_given = (weight * share).quantize(Decimal("0.01"), rounding=ROUND_FLOOR)
        return Outcome(line, MET)
    target = number(line.value)
    if not way or target is None:
        line.actual = line.value  # the unit copies what it cannot measure; the scorer says so
        return Outcome(line, "")
    shaped = {"up": _up, "down": _down, "equal": _equal}[way]
    value, outcome = shaped(line, target, outcome, rng)
    line.actual = actual_text(line, value, rng)
    done = Outcome(line, outcome, target, value)
    if outcome != MET:
        line.deviation_reason = reason(done, rng, what=what)
    return done


# --- what the unit says about it ------------------------------------------------------------

# Causes by what the project is: works (工程, 改造), purchases (购置), subsidies (补助), the rest.
CAUSES_COUNT = {
    "works": (
        "上半年持续降雨，土方和路基施工推迟，部分工程量顺延至次年",
        "部分点位涉及征地和管线迁改，协调时间较长，未能按计划开工",
        "施工图设计变更后重新履行审批程序，工期相应推迟",
    ),
    "purchase": (
        "政府采购流程较计划延后，合同签订推迟，部分设备次年一季度到货",
        "一次招标流标后重新组织采购，交付时间推迟",
    ),
    "subsidy": (
        "部分申报对象经资格审核不符合条件，实际享受补助的对象少于年初测算",
        "年中动态调整后部分对象退出，补助人数相应减少",
    ),
    "general": (
        "上级主管部门年中调整了工作安排，部分任务不再实施",
        "基层实际需求低于年初预计，相应减少了任务量",
        "个别乡镇（街道）工作推进较慢，任务未按计划完成",
        "一季度部分集中性活动延期举办，全年任务量相应减少",
    ),
}
CAUSES_RATE = (
    "部分基础数据经核查后剔除，按核实后的口径统计",
    "个别乡镇（街道）工作衔接不到位，进度落后于全区平均水平",
    "部分村（社区）基础资料不完整，整改工作仍在进行中",
    "业务系统升级期间部分数据未能及时录入",
    "少数事项情况复杂，需多部门协调办理，未能在期限内完成",
)
CAUSES_COST = {
    "works": (
        "钢材、水泥等主要材料价格上涨，人工成本相应提高",
        "施工中发现地下管线，增加了迁改工程量",
    ),
    "three": (
        "公务用车老化，维修费用较上年增加",
        "承接上级检查和外地考察交流较多，接待支出增加",
    ),
    "general": (
        "实际服务量少于计划，固定成本分摊后单位成本上升",
        "部分设备使用年限较长，维修频次和维修费用增加",
        "按新签订的服务合同标准支付，单价较上年提高",
    ),
}
CAUSES_TIME = (
    "部分单位报账资料不全，退回补正后才完成审核",
    "年底业务集中，办理量较平时明显增加",
    "业务系统升级改造期间部分事项改为线下办理",
    "部分事项需多个部门会签，流转时间较长",
)
CAUSES_DOWN = (
    "受极端天气和辖区人口流动增加影响",
    "部分老旧设施运行状况较差，问题集中暴露",
    "基层监管力量不足，个别环节管控不到位",
)
CAUSES_OVER = {
    "subsidy": ("年中扩大了补助范围，新增符合条件的对象较多", "上级追加了补助资金，相应扩大了受益面"),
    "general": (
        "群众参与积极性较高，报名和服务人数超出预期",
        "上级追加了工作任务和补助资金",
        "采取线上线下相结合的方式，扩大了覆盖面",
        "与乡镇（街道）联合开展，统筹使用了部门资源",
    ),
}
SATISFACTION_ISSUES = {
    "works": ("施工期间对出行和生活的影响", "工程完工后的管护不到位"),
    "subsidy": ("补助标准偏低", "申领手续较繁琐"),
    "general": ("办理时限和服务态度", "宣传解读不够到位", "服务网点分布不均"),
}
MEASURES = (
    "下一步将提前开展需求摸底，合理测算目标值",
    "未完成的任务已纳入{next}年工作计划，计划于{next}年上半年完成",
    "已建立月调度、月通报制度，加强对乡镇（街道）的督促指导",
    "将加强与实施单位的对接，倒排工期，确保按计划推进",
    "将完善工作台账和数据核查机制，确保数据及时准确",
)
MEASURES_COST = (
    "下一步将通过公开招标和集中采购控制成本",
    "将严格执行支出标准，加强成本核算和过程控制",
    "已修订内部经费管理办法，压减非必要支出",
)
MEASURES_TIME = (
    "已推行资料一次性告知和网上预审，压缩办理时间",
    "将优化审批流程，实行限时办结和超时督办",
)


def nature(name: str) -> str:
    """What kind of spending a project is, by the words its name uses (as the writer reads them)."""
    if any(w in name for w in WORKS):
        return "works"
    if any(w in name for w in PURCHASE):
        return "purchase"
    if any(w in name for w in SUBSIDY):
        return "subsidy"
    return "general"


def _of(pool: dict[str, tuple[str, ...]], what: str, rng: random.Random) -> str:
    return rng.choice(pool.get(what) or pool["general"])


def _shown(value: Decimal | None, unit: str) -> str:
    if value is None:
        return ""
    unit = {"工作日": "个工作日", "月": "个月"}.get(unit, unit)
    return f"{number_text(value)}{unit}"


def reason(done: Outcome, rng: random.Random, *, what: str = "general", year: int = YEAR) -> str:
    """偏差原因分析及改进措施, as the unit's accountant writes it; ``what`` is the project's
    ``nature``."""
    line, target, actual = done.line, done.target, done.actual
    assert target is not None and actual is not None
    name, unit = line.name, line.unit
    a, t = _shown(actual, unit), _shown(target, unit)
    after = str(year + 1)
    measure = rng.choice(MEASURES).format(next=after)
    way, k = direction(line), kind(line)
    if done.outcome == OVER:
        share = round_half_up(actual / target * HUNDRED, 0)
        return (
            f"{name}实际完成{a}，为目标值的{share}%。超额完成的主要原因是{_of(CAUSES_OVER, what, rng)}。"
            f"年初设定目标时对需求估计偏保守，{after}年编制绩效目标时将参考本年实际完成情况合理确定目标值。"
        )
    if k == "satisfaction":
        issued = rng.choice((200, 300, 400, 500))
        valid = issued - rng.randint(3, 25)
        return (
            f"本年度发放满意度调查问卷{issued}份，回收有效问卷{valid}份，满意度为{a}，低于目标"
            f"{number_text(target - actual)}个百分点。不满意意见主要集中在{_of(SATISFACTION_ISSUES, what, rng)}方面。"
            f"下一步将针对群众反映的问题逐项整改，加强政策宣传和服务跟踪回访。"
        )
    if way in ("down", "equal") and target == 0:
        return (
            f"全年发生{a}，未实现控制目标。事件发生后第一时间组织处置并开展原因调查，已对相关责任人进行约谈，"
            f"{rng.choice(('开展了隐患排查整治专项行动', '加密了日常巡查频次', '修订了应急处置预案'))}。"
        )
    if way == "down" and k == "money":
        over = round_half_up((actual - target) / target * HUNDRED, 1)
        cost = "three" if "三公" in name else "works" if any(w in name for w in ("造价", "工程", "改造")) else what
        return (
            f"{name}为{a}，超出目标值{number_text(over)}%。主要原因是{_of(CAUSES_COST, cost, rng)}。"
            f"{rng.choice(MEASURES_COST)}。"
        )
    if way == "down" and k == "time":
        return f"{name}实际为{a}，超过目标{t}。主要原因是{rng.choice(CAUSES_TIME)}。{rng.choice(MEASURES_TIME)}。"
    if way == "down":
        return f"{name}为{a}，高于控制目标{t}。主要原因是{rng.choice(CAUSES_DOWN)}。{measure}。"
    if way == "equal":
        return (
            f"{name}为{a}，与目标{t}存在差距。主要原因是"
            f"{rng.choice(('个别对象银行账户信息有误导致首次发放失败，已核实后重新发放', '部分对象年中身份变更，按政策停止发放', '标准调整文件下达较晚，按新标准补发部分尚未到位'))}。"
            "已建立信息动态核查机制，确保资金精准发放。"
        )
    if k == "rate":
        return (
            f"{name}为{a}，比目标值低{number_text(target - actual)}个百分点。主要原因是{rng.choice(CAUSES_RATE)}。"
            f"{measure}。"
        )
    share = round_half_up(actual / target * HUNDRED, 1)
    return f"{name}实际完成{a}，完成目标的{number_text(share)}%。主要原因是{_of(CAUSES_COUNT, what, rng)}。{measure}。"


THIN_REASONS = ("受客观因素影响。", "工作推进未达预期。", "因实际情况变化。", "下一步加强管理。")


def qualitative_reason(line: Line, rng: random.Random) -> str:
    remaining = rng.choice(
        (
            "各乡镇（街道）进展不平衡，个别地方仍有差距",
            "长效管理机制尚未完全建立",
            "与年初预期相比仍有一定差距，群众获得感有待进一步增强",
        )
    )
    return f"{line.name}取得一定成效，但{remaining}。下一步将细化工作措施，明确完成时限和责任人，并在次年绩效目标中设置可量化的指标。"


CAUSES_EXECUTION = {
    "works": (
        "部分工程款按合同约定须在竣工验收和结算审计后支付，{rest}万元结转下年",
        "受征地协调影响开工推迟，按工程进度付款后{rest}万元结转下年",
    ),
    "purchase": (
        "政府采购项目于年底完成验收，尾款{rest}万元于次年一季度支付",
        "采购结余{rest}万元，已按规定收回统筹",
    ),
    "subsidy": (
        "部分补助对象资格复核未完成，{rest}万元暂未发放",
        "实际享受补助的对象少于年初测算，结余{rest}万元已按规定收回",
    ),
    "general": (
        "部分合同款按约定于次年支付，{rest}万元结转下年",
        "厉行节约，压减了会议、培训等支出，结余{rest}万元已按规定收回统筹",
        "年中上级专项资金到位较晚，{rest}万元未能在年内支出",
    ),
}


def execution_reason(adjusted: Decimal, spent: Decimal, rng: random.Random, *, what: str = "general") -> str:
    """Why money was left: the unit names the sum and what holds it."""
    rest = wan(max(adjusted - spent, Decimal(0)))
    return _of(CAUSES_EXECUTION, what, rng).format(rest=rest) + "。"


# --- the form as a whole ----------------------------------------------------------------------


def _phrase(done: Outcome) -> str:
    line = done.line
    if done.actual is None:
        return f"{line.name}{line.actual}"
    return f"{line.name}{_shown(done.actual, line.unit)}"


def goal_result(
    subject: str, outcomes: Sequence[Outcome], adjusted: Decimal | None, spent: Decimal | None, year: int = YEAR
) -> str:
    """总体目标实际完成情况: the goal's main numbers, as they came out, and the money."""
    by = {
        key: [o for o in outcomes if (o.line.level2 == key or o.line.level1 == key) and o.outcome]
        for key in (QUANTITY, QUALITY, BENEFIT, SATISFACTION)
    }
    picked = by[QUANTITY][:2] + by[QUALITY][:1] + by[BENEFIT][:1] + by[SATISFACTION][:1]
    missed = [o for o in outcomes if o.missed]
    state = "全面完成" if not missed else "基本完成" if len(missed) <= 2 else "部分完成"
    text = f"{year}年，{subject}{state}年度绩效目标：{'，'.join(_phrase(o) for o in picked)}。"
    if adjusted and spent is not None:
        rate = round_half_up(spent / adjusted * HUNDRED, 1)
        text += f"全年预算{wan(adjusted)}万元，实际支出{wan(spent)}万元，预算执行率{number_text(rate)}%。"
    if missed:
        names = "、".join(f"「{o.line.name}」" for o in missed[:3])
        text += f"{names}{'等指标' if len(missed) > 3 else ''}未达到年度目标，原因及改进措施见偏差分析。"
    return text


def conclusion(outcomes: Sequence[Outcome], low_execution: bool, rng: random.Random) -> tuple[str, str, str]:
    """评价结论, 存在问题, 改进措施."""
    missed = [o for o in outcomes if o.missed]
    if not missed and not low_execution:
        return (
            rng.choice(
                (
                    "项目按计划实施，资金使用规范，年度绩效目标全面完成，取得了较好的社会效益。",
                    "项目立项依据充分，资金管理规范，各项绩效指标均已完成。",
                )
            ),
            "",
            "",
        )
    problems = []
    if missed:
        problems.append(f"{'、'.join(o.line.name for o in missed[:3])}未达到年度目标")
    if low_execution:
        problems.append("预算执行进度偏慢，年底形成结余")
    numbered = "；".join(f"{'一二三'[n]}是{p}" for n, p in enumerate(problems)) + "。"
    return (
        "项目总体按计划实施，资金使用基本规范，"
        + ("年度绩效目标基本完成。" if len(missed) <= 2 else "部分绩效目标未完成。"),
        numbered,
        "加强项目前期论证和需求测算，合理设置绩效目标；建立执行进度月调度机制，及时发现和纠正偏差。",
    )
