"""What finance writes when it raises a rectification item, and what the unit's accountant writes
back: drawn from the self-evaluation forms, the monitoring reports and decisions the other demos
left, and from a few fixed cases (a key evaluation, audit findings, a subsidy check).

Everything random is drawn from the ``random.Random`` passed in; nothing here touches the
database.
"""

import datetime as dt
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from jixiao.budget.demo_projects import CURRENT_YEAR
from jixiao.budget.models import Project
from jixiao.evaluation.demo import writing as selfeval_writing
from jixiao.evaluation.models import Line, SelfEval
from jixiao.goals.demo.writer import nice, number_text, wan
from jixiao.monitoring.models import Decision, DecisionKind, Light
from jixiao.monitoring.models import Line as MonitoringLine
from jixiao.org.models import Unit

YEAR = selfeval_writing.YEAR  # the self-evaluated year
HUNDRED = Decimal(100)
NUMBERS = "一二三四五六"
CAUSE = re.compile(r"主要原因是(.+?)。")


def day(value: dt.date) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


def short(unit: Unit) -> str:
    """株洲市渌口区教育局 → 区教育局, as letters between the district's offices name each other."""
    name = unit.name.removeprefix("株洲市").removeprefix("渌口区")
    return name if "镇" in name or "街道" in name else f"区{name}"


def numbered(points: Sequence[str]) -> str:
    return "；".join(f"{NUMBERS[n]}是{p}" for n, p in enumerate(points)) + "。"


def listed(points: Sequence[str]) -> str:
    return "".join(f"（{NUMBERS[n]}）{p}；" for n, p in enumerate(points)).removesuffix("；") + "。"


def _pct(value: Decimal) -> str:
    return number_text(value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


# --- the self-evaluation: a form finance accepted with a low grade ---------------------------


@dataclass
class Shortfall:
    """An indicator the unit fell short of, and what its accountant said about it."""

    line: Line
    fact: str  # 「name」实际完成195件，完成目标的25%
    cause: str  # the unit's 主要原因是..., or "" (an incident has none)
    kind: str  # adjust, data, demand, delay, cost, time, ceiling, incident, other


# A target reached short of, by what the unit blamed.
CAUSES = (
    ("adjust", ("调整了工作安排", "不再实施")),
    ("data", ("剔除", "口径", "录入", "基础资料不完整")),
    ("demand", ("需求低于", "少于年初测算", "对象退出", "不符合条件", "延期举办")),
    ("delay", ("推迟", "延后", "流标", "推进较慢", "衔接不到位", "协调", "降雨", "征地")),
)
# What finance makes of the unit's explanation, and what it asks for.
CRITIQUES = {
    "adjust": "但未提供上级调整工作安排的文件依据，也未按程序申请调整绩效目标",
    "data": "但未提供核查记录和剔除明细，实际完成值缺少数据来源支撑，无法核实",
    "demand": "反映年初目标值测算依据不足",
    "cost": "超支部分的资金来源和审批情况未作说明",
    "delay": "未完成部分的后续安排和完成时限不明确",
    "time": "内部办理流程有待优化",
    "ceiling": "风险防控措施落实不到位",
    "incident": "反映日常监管和隐患排查存在薄弱环节",
    "other": "原因分析不够具体",
}
ASKS = {
    "adjust": "提供上级主管部门调整工作安排的文件",
    "data": "补充剔除数据的核查记录和核实后的统计台账",
    "demand": "说明年初目标值的测算依据",
    "cost": "说明单位成本超出目标的具体原因和超支资金的审批情况",
    "delay": "说明未完成任务的后续安排和完成时限",
    "time": "说明办理时限超标的原因和改进措施",
    "ceiling": "说明超出控制目标的具体原因和已采取的防控措施",
    "incident": "报送事件调查处理情况和隐患整改台账",
    "other": "补充偏差原因的具体说明和佐证材料",
}


def shortfalls(lines: Sequence[Line], limit: int) -> list[Shortfall]:
    """The worst-scoring quantified indicators (not satisfaction, not qualitative), worst first."""
    missed = [
        line
        for line in lines
        if line.score is not None
        and line.weight_used
        and line.score < line.weight_used
        and line.deviation_reason
        and selfeval_writing.direction(line) in ("up", "down", "equal")
        and selfeval_writing.kind(line) != "satisfaction"
    ]
    missed.sort(key=lambda line: (line.score / line.weight_used if line.weight_used else 0, line.position))
    return [_shortfall(line) for line in missed[:limit]]


def _shortfall(line: Line) -> Shortfall:
    said = line.deviation_reason.split("。")[0]
    target = selfeval_writing.number(line.value)
    if said.startswith(line.name):
        fact = f"「{line.name}」{said.removeprefix(line.name)}"
    else:
        fact = f"「{line.name}」控制目标为{line.value}{line.unit}，{said}"
    found = CAUSE.search(line.deviation_reason)
    cause = found.group(1) if found else ""
    way, measure = selfeval_writing.direction(line), selfeval_writing.kind(line)
    if target == 0 and way in ("down", "equal"):
        kind = "incident"
    elif way == "down":
        kind = {"money": "cost", "time": "time"}.get(measure, "ceiling")
    else:
        kind = next((k for k, words in CAUSES if any(w in cause for w in words)), "other")
    return Shortfall(line, fact, cause, kind)


def _money(form: SelfEval) -> tuple[Decimal, str] | None:
    """What was left unspent and the unit's reason, when execution fell below 90%."""
    if form.execution_rate is None or form.execution_rate >= 90 or not form.adjusted_budget or form.spent is None:
        return None
    return max(form.adjusted_budget - form.spent, Decimal(0)), form.execution_reason.strip().removesuffix("。")


def selfeval_problem(form: SelfEval, found: Sequence[Shortfall]) -> str:
    points = []
    for s in found:
        said = f"，单位称“{s.cause}”" if s.cause else ""
        points.append(f"{s.fact}{said}，{CRITIQUES[s.kind]}")
    money = _money(form)
    if money is not None:
        rest, why = money
        said = f"，单位称“{why}”" if why else ""
        tail = "，请附收回凭证" if "收回" in why else "，结转（结余）资金的处理情况未作说明"
        points.append(f"预算执行率{_pct(form.execution_rate or Decimal(0))}%，{wan(rest)}万元未在年内支出{said}{tail}")
    return (
        f"区财政局审核{form.title}{YEAR}年度绩效自评表（自评得分{number_text(form.total or Decimal(0))}分，"
        f"等级「{form.grade}」），发现以下问题：" + numbered(points)
    )


def selfeval_requirement(form: SelfEval, found: Sequence[Shortfall], due: dt.date) -> str:
    grouped: dict[str, list[str]] = {}
    for s in found:
        grouped.setdefault(s.kind, []).append(f"「{s.line.name}」")
    asks = [f"对{'、'.join(names)}{ASKS[kind]}" for kind, names in grouped.items()]
    money = _money(form)
    if money is not None:
        asks.append(f"说明{wan(money[0])}万元结转（结余）资金的处理情况，应收回的按规定交回区财政统筹")
    budget = "部门预算" if form.project_id is None else f"该项目{YEAR + 2}年预算"
    asks.append(f"在{YEAR + 1}年度绩效目标执行中合理设置和调整指标值，整改情况将作为安排{budget}的重要参考")
    return f"请于{day(due)}前完成整改，经单位负责人审核后书面反馈：" + listed(asks)


def selfeval_response(
    form: SelfEval, found: Sequence[Shortfall], at: dt.datetime, rng: random.Random, *, again: bool = False
) -> str:
    """The unit's account, point by point, with what it changed; ``again`` after finance sent
    the first one back."""
    month = at.month
    points = [_answer(s, max(2, month), rng) for s in found]
    money = _money(form)
    if money is not None:
        rest, why = money
        if "收回" in why:
            points.append(f"结余资金{wan(rest)}万元已于{YEAR + 1}年1月由区财政收回统筹，收回文件已上传")
        elif "结转" in why or "次年" in why:
            points.append(f"结转资金{wan(rest)}万元已于{YEAR + 1}年{max(1, month - 2)}月按合同约定支付完毕")
        else:
            points.append(f"结余资金{wan(rest)}万元已于{YEAR + 1}年{month}月由区财政收回统筹")
    points.append("已修订单位预算绩效管理内部规程，绩效指标完成值由业务股室按季度统计、财务股复核后填报")
    opening = "根据区财政局退回意见，补充反馈如下：" if again else "根据区财政局整改通知，我单位已逐项整改："
    return opening + numbered(points)


def _answer(s: Shortfall, month: int, rng: random.Random) -> str:
    line = s.line
    name, unit = line.name, line.unit
    target = selfeval_writing.number(line.value)
    actual = selfeval_writing.number(line.actual.rstrip("%"))
    count = selfeval_writing.kind(line) == "count" and selfeval_writing.direction(line) == "up"
    lower = f"{number_text(nice(float(actual) * 1.1))}{unit}" if count and actual else ""
    if s.kind == "adjust":
        set_to = f"，{YEAR + 1}年度目标已按调整后的任务量设置为{lower}" if lower else ""
        return f"「{name}」未完成系上级主管部门年中调整任务所致，已补充上级调整工作安排的通知作为佐证{set_to}"
    if s.kind == "data":
        rows = rng.randint(12, 86)
        if "录入" in s.cause:
            done = f"已将系统升级期间线下办理的{rows}条业务补录入系统"
        else:
            done = f"已补齐剔除数据的核查记录和明细（共{rows}条）"
        if "基础资料" in s.cause:
            done = f"已督促补齐基础资料（共{rows}户）"
        source = f"重新核对{line.source}，" if line.source else ""
        return f"{source}{done}，核实后「{name}」实际完成值{line.actual}{'' if '%' in line.actual else unit}无误，台账已上传"
    if s.kind == "demand":
        set_to = f"，{YEAR + 1}年度目标已调整为{lower}" if lower else ""
        return f"经复核，「{name}」年初目标系按上年申报数测算，偏高；{YEAR + 1}年起编制绩效目标前先开展需求摸底{set_to}"
    if s.kind == "cost":
        measure = rng.choice(
            ("通过公开招标确定服务单位，单价已降至目标值以内", "已修订内部经费管理办法，压减非必要支出")
        )
        return f"「{name}」超出目标系{s.cause}，超支部分经单位领导班子集体研究同意后在项目预算内调剂解决，会议纪要已上传；{YEAR + 1}年{measure}"
    if s.kind == "delay":
        remaining = ""
        if count and target is not None and actual is not None and target > actual:
            remaining = f"{number_text(target - actual)}{unit}"
        return f"「{name}」未完成的{remaining or '任务'}已纳入{YEAR + 1}年工作计划，截至{month - 1}月底已全部完成，验收资料已上传"
    if s.kind == "time":
        limit = f"{line.value}{ {'工作日': '个工作日', '月': '个月'}.get(unit, unit) }"
        return f"已推行资料一次性告知和限时办结，{YEAR + 1}年1—{month - 1}月「{name}」已控制在{limit}以内"
    if s.kind == "ceiling":
        return (
            f"「{name}」超出控制目标系{s.cause}，已制定专项整治方案并落实责任人，"
            f"{YEAR + 1}年1—{month - 1}月已控制在目标{line.value}{unit}以内"
        )
    if s.kind == "incident":
        return (
            f"「{name}」所涉事件已完成调查处理，对{rng.randint(1, 3)}名责任人进行了约谈问责，开展隐患排查整治，"
            f"整改隐患{rng.randint(6, 40)}处，{YEAR + 1}年1—{month - 1}月未再发生同类事件"
        )
    return f"已对「{name}」偏差原因逐项核实并补充说明，相关佐证材料已上传"


THIN_ANSWERS = (
    "已按要求进行整改，今后将加强项目管理，确保绩效目标按期完成。",
    "已组织相关股室对照问题逐项整改，整改工作已基本完成。",
)
SELFEVAL_RETURNS = (
    "反馈内容过于笼统，未逐项说明未完成指标的原因核实情况，也未附佐证材料，请补充后重新反馈。",
    "反馈未说明结转（结余）资金的处理情况，未完成指标的后续安排不明确，请补充后重新反馈。",
)
CLOSE_NOTES = (
    "经核对佐证材料，整改到位，同意销号。",
    "整改措施具体，相关资料齐全，同意销号。",
    "整改到位。",
    "",
)


# --- the self-evaluation: a form finance's re-check found 自评失真 ---------------------------

DISTORTED = re.compile(r"「(.+?)」台账记载实际完成([\d.,]+)(.*?)，与自评填报的([\d.,]+)")
NO_LEDGER = re.compile(r"；「(.+?)」无统计台账支撑")
COUNTED_WRONG = ("上年结转办理的业务量", "尚未办结的在途业务量", "乡镇（街道）重复上报的数量")


def distorted_problem(form: SelfEval) -> str:
    checked = timezone.localdate(form.checked_at) if form.checked_at else dt.date(YEAR + 1, 4, 1)
    return (
        f"{day(checked)}，区财政局对{form.title}{YEAR}年度绩效自评表进行抽查复核"
        f"（自评得分{number_text(form.total or Decimal(0))}分，复核得分{number_text(form.check_total or Decimal(0))}分），"
        f"复核意见：“{form.check_note}”"
    )


def distorted_requirement(form: SelfEval, due: dt.date) -> str:
    main = DISTORTED.search(form.check_note)
    other = NO_LEDGER.search(form.check_note)
    name = main.group(1) if main else "相关指标"
    asks = [
        f"对照统计台账更正「{name}」的实际完成值，提供台账原件和数据来源"
        + (f"，为「{other.group(1)}」建立统计台账" if other else ""),
        "书面说明自评填报数与台账不一致的原因，明确数据填报和审核责任人",
        f"在{YEAR + 1}年度自评中如实填报；本项目{YEAR}年度绩效评价结果以复核得分为准",
    ]
    return f"请于{day(due)}前完成整改，经单位负责人审核后书面反馈：" + listed(asks)


def distorted_response(form: SelfEval, rng: random.Random, *, again: bool = False) -> str:
    main = DISTORTED.search(form.check_note)
    other = NO_LEDGER.search(form.check_note)
    if main:
        name, found, unit, reported = main.groups()
        fixed = (
            f"经核查，「{name}」自评填报的{reported}{unit}误将{rng.choice(COUNTED_WRONG)}计入，统计口径有误；"
            f"按业务台账核实，{YEAR}年实际完成{found}{unit}，已报送更正说明并上传台账"
        )
    else:
        fixed = "经核查，自评填报数统计口径有误，已按业务台账核实更正并上传台账"
    if other:
        fixed += f"；已为「{other.group(1)}」建立月度统计台账，{YEAR}年数据已按业务系统导出记录补录"
    opening = "根据区财政局退回意见，补充反馈如下：" if again else ""
    return (
        f"{opening}{fixed}。此次自评失真系填报人员未与业务股室核对数据所致，已对相关人员进行批评教育；"
        f"单位已建立自评数据“业务股室统计、财务股复核、分管领导审签”的三级审核机制，{YEAR + 1}年度自评将如实填报。"
    )


DISTORTED_THIN = "经核查，自评数据填报有误，已要求相关人员今后认真核对、如实填报。"
DISTORTED_RETURN = "反馈未说明填报数与台账不一致的具体原因，也未提供更正后的台账，请补充后重新反馈。"


# --- monitoring: a decision that calls for correction -----------------------------------------

LIGHTS: dict[str, str] = {Light.RED: "红", Light.YELLOW: "黄"}
SHARE = re.compile(r"相当于(应完成的|目标的) ?([\d.]+)%")


def _warned(line: MonitoringLine) -> str:
    found = SHARE.search(line.message)
    unit = "" if line.unit == "%" and line.done.endswith("%") else line.unit
    if found:
        whose = "按进度应完成量" if found.group(1) == "应完成的" else "年度目标"
        return f"「{line.name}」截至8月完成{line.done}{unit}，为{whose}的{found.group(2)}%"
    if line.expected:
        return f"「{line.name}」预计全年{line.expected}{unit}，超出目标{line.target}{unit}"
    return f"「{line.name}」{line.message}"


def warned_lines(lines: Sequence[MonitoringLine]) -> list[MonitoringLine]:
    order: dict[str, int] = {Light.RED: 0, Light.YELLOW: 1}
    return sorted((x for x in lines if x.light in order), key=lambda x: (order[x.light], x.position))


def monitoring_problem(decision: Decision, warned: Sequence[MonitoringLine]) -> str:
    report = decision.report
    rate = report.paid / report.budget * HUNDRED if report.budget else Decimal(0)
    light = LIGHTS.get(report.light, "")
    signal = f"亮{light}灯" if light else "存在偏差"
    pace = f"，按同类项目历年支出节奏应达{_pct(report.expected_share * HUNDRED)}%" if report.expected_share else ""
    facts = "；".join(_warned(x) for x in warned[:3])
    decided = timezone.localdate(decision.decided_at)
    return (
        f"{CURRENT_YEAR}年1—8月绩效运行监控中，{decision.project.name}{signal}：截至8月底累计支付{wan(report.paid)}万元，"
        f"预算执行率{_pct(rate)}%{pace}"
        + (f"；{facts}" if facts else "")
        + f"。{day(decided)}，区财政局作出「{decision.get_kind_display()}」的处理决定：{decision.reason}"
    )


def _names(warned: Sequence[MonitoringLine]) -> str:
    """The lines behind their progress (a cost over its ceiling is not "behind")."""
    behind = [x for x in warned if SHARE.search(x.message)] or list(warned)
    return "、".join(f"「{x.name}」" for x in behind[:2]) or "绩效指标"


def monitoring_requirement(decision: Decision, warned: Sequence[MonitoringLine], due: dt.date) -> str:
    amount = wan(decision.amount or Decimal(0))
    if decision.kind == DecisionKind.STOP:
        return (
            f"项目停止执行，剩余资金{amount}万元由区财政收回。请于{day(due)}前办理资金退回手续，清理已签订的合同并结算已完成的工作量，"
            "书面说明项目停止的原因和已形成资产、成果的处置情况。"
        )
    if decision.kind == DecisionKind.SUSPEND:
        return (
            f"暂缓拨付项目后续资金{amount}万元。请于{day(due)}前报送整改方案，说明{_names(warned)}等指标滞后的原因和解决时限，"
            "附合同、实施进度和已支付资金的使用明细，经审核同意后恢复拨款。"
        )
    return (
        f"请于{day(due)}前报送纠偏方案：针对{_names(warned)}等指标进度滞后的原因，明确责任人、具体措施和完成时限，"
        "倒排9—12月支付和实施计划；此后每月5日前报送实施进度，确保年底完成年度绩效目标。"
    )


def monitoring_response(
    decision: Decision, warned: Sequence[MonitoringLine], at: dt.datetime, rng: random.Random
) -> str:
    report = decision.report
    when = f"{at.month}月{at.day}日"
    if decision.kind == DecisionKind.STOP:
        back = at - dt.timedelta(days=rng.randint(2, 5))
        return "项目已停止实施：" + numbered(
            [
                "与服务单位签订的合同已协商解除，已完成的工作量经验收后按合同结算",
                f"剩余资金{wan(decision.amount or Decimal(0))}万元已于{back.month}月{back.day}日退回区财政，退库凭证已上传",
                f"项目已在预算管理一体化系统中终止，将在{CURRENT_YEAR}年部门决算中说明",
            ]
        )
    if decision.kind == DecisionKind.SUSPEND:
        return (
            f"整改方案已报送：一是{_names(warned)}等指标滞后系{_cause(warned)}，已明确分管领导为责任人，11月底前完成；"
            f"二是附上合同、实施进度表和已支付{wan(report.paid)}万元的使用明细；三是建立周调度制度，按周向区财政局报送进度。请求恢复拨款。"
        )
    budget, paid = report.budget, report.paid
    paid_now = paid + (budget - paid) * Decimal(str(round(rng.uniform(0.35, 0.55), 3)))
    before, after = (_pct(x / budget * HUNDRED) if budget else "0" for x in (paid, paid_now))
    return "纠偏方案已报送：" + numbered(
        [
            f"针对{_names(warned)}等指标滞后，已倒排9—12月实施计划，明确分管领导为责任人，每周调度",
            f"截至{when}累计支付{wan(paid_now)}万元，预算执行率由8月底的{before}%提高到{after}%",
            "此后每月5日前向区财政局报送实施进度",
        ]
    )


def _cause(warned: Sequence[MonitoringLine]) -> str:
    notes = [x.reason_note.strip().removesuffix("。") for x in warned if x.reason_note.strip()]
    return notes[0] if notes else "实施进度滞后"


MONITORING_THIN = "已报送整改方案，说明了项目滞后的原因，请求恢复拨款。"


def monitoring_return(decision: Decision, warned: Sequence[MonitoringLine]) -> str:
    return (
        f"整改方案未附合同和实施进度资料，{_names(warned)}等指标滞后的解决时限不明确，"
        f"已支付{wan(decision.report.paid)}万元的使用明细也未说明。请补充后重新反馈，审核通过前暂不恢复拨款。"
    )


MONITORING_CLOSES = {
    DecisionKind.STOP: "经核对退库凭证，剩余资金已收回，同意销号。",
    DecisionKind.SUSPEND: "整改方案已审核同意，恢复拨款，同意销号。",
    DecisionKind.CORRECT: "纠偏措施已落实，执行进度已恢复，同意销号。",
}


# --- fixed cases: a key evaluation, audit findings, a subsidy check ----------------------------


@dataclass(frozen=True)
class Texts:
    problem: str
    requirement: str
    response: str = ""
    first_response: str = ""  # an account finance sent back
    return_note: str = ""
    close_note: str = ""


@dataclass(frozen=True)
class Case:
    """One item finance raised outside the self-evaluation and monitoring seasons."""

    key: str
    source: str  # evaluation or other
    unit: str  # unit code
    project: str  # project name, "" for the unit as a whole
    year: int  # the project's fiscal year
    raised: dt.date | int  # a date, or days before today
    days: int  # days allowed
    fate: str  # closed, closed_after_return, answered, open
    by: str  # office or section


AGENCY = "湖南湘江会计师事务所有限公司"
CASES = (
    Case(
        "nutrition",
        "evaluation",
        "125",
        "农村义务教育学生营养改善计划",
        YEAR,
        dt.date(YEAR + 1, 9, 23),
        60,
        "closed_after_return",
        "office",
    ),
    Case(
        "cement", "evaluation", "144001", "华新水泥垃圾处置费", YEAR, dt.date(YEAR + 1, 10, 14), 60, "closed", "office"
    ),
    Case("health", "evaluation", "138", "", CURRENT_YEAR, 26, 45, "open", "office"),
    Case("police_audit", "other", "121", "警务辅助人员经费", YEAR, dt.date(YEAR + 1, 8, 19), 60, "closed", "office"),
    Case("school_audit", "other", "125", "义务教育学校公用经费保障", CURRENT_YEAR, 75, 60, "open", "office"),
    Case("teacher_subsidy", "other", "125", "乡村教师生活补助", CURRENT_YEAR, 34, 30, "answered", "section"),
)


def case_texts(case: Case, unit: Unit, project: Project | None, score: Decimal | None, due: dt.date) -> Texts:
    budget = project.adjusted_budget if project is not None else Decimal(0)
    name = project.name if project is not None else ""
    own = f"（单位自评{number_text(score)}分）" if score is not None else ""
    by = f"请于{day(due)}前完成整改"
    if case.key == "nutrition":
        extra = wan(budget * Decimal("0.0062"))
        return Texts(
            problem=(
                f"区财政局委托{AGENCY}对{name}{YEAR}年度资金（{wan(budget)}万元）开展财政重点绩效评价，评价得分81.5分，"
                f"等级为「良」{own}。评价报告指出："
                + numbered(
                    [
                        f"3所农村学校按在籍学生数而非实际就餐人数申领膳食补助，多申领{extra}万元",
                        "抽查的12所学校中有5所未落实校领导陪餐制度，食材验收记录不全",
                        "供餐企业结算单未经学校签字确认即拨付资金，支付依据不充分",
                    ]
                )
            ),
            requirement=f"{by}并报送整改报告："
            + listed(
                [
                    "核实多申领的膳食补助资金，按规定收回",
                    "建立按实际就餐人数核拨补助的机制，每月公示就餐人数和补助发放情况",
                    "完善陪餐和食材验收制度，并抽查落实情况",
                    "规范供餐结算程序，结算单经学校签字确认后方可拨付",
                ]
            ),
            first_response="已组织各学校开展自查，完善了陪餐和食材验收制度，规范了供餐结算程序。",
            return_note="反馈未说明多申领资金的核实和收回情况，也未附相关凭证，请补充后重新反馈。",
            response="根据区财政局退回意见，补充反馈如下："
            + numbered(
                [
                    f"经逐校核对{YEAR}年学生就餐登记表，3所学校多申领膳食补助{extra}万元，已于{YEAR + 1}年11月收回并缴入区财政，缴款凭证已上传",
                    f"自{YEAR + 1}年秋季学期起，膳食补助按各校每月实际就餐人数核拨，就餐人数和补助发放情况每月在校务公开栏公示",
                    "已印发学校领导陪餐和食材验收管理办法，10月对全区中小学进行了抽查，陪餐和验收记录齐全",
                    "供餐结算单须经学校校长和食堂管理员签字确认后方可拨付，9月以来未发生未经确认付款的情况",
                ]
            ),
            close_note="经核对缴款凭证和抽查记录，整改到位，同意销号。",
        )
    if case.key == "cement":
        deducted = budget * Decimal("0.0081")
        return Texts(
            problem=(
                f"区财政局委托{AGENCY}对{name}{YEAR}年度资金（{wan(budget)}万元）开展财政重点绩效评价，评价得分84分，"
                f"等级为「良」{own}。评价报告指出："
                + numbered(
                    [
                        "处置费按运输单位报送的过磅数据结算，过磅系统未与区城管局称重监管平台联网，1—5月结算量无法与监管数据核对",
                        "「进场垃圾无害化处置率」等指标的数据来源为协同处置企业自报，缺少第三方核验",
                        "渗滤液处理费用由企业还是财政承担，合同约定不明确",
                    ]
                )
            ),
            requirement=f"{by}："
            + listed(
                [
                    "推动过磅系统与称重监管平台联网，逐月核对结算量",
                    f"对{YEAR}年1—5月结算量进行追溯核对，多结算的予以扣回",
                    "完善绩效指标的数据来源，引入第三方核验",
                    "与协同处置企业签订补充协议，明确渗滤液处理费用的承担方式",
                ]
            ),
            response=numbered(
                [
                    f"华新水泥过磅系统已于{YEAR + 1}年11月接入区城管局称重监管平台，结算量按平台数据逐月核对",
                    f"追溯核对{YEAR}年1—5月结算量，核减{int(deducted / 150)}吨，对应处置费{wan(deducted)}万元已在11月结算中扣回",
                    "已委托第三方检测机构每季度抽检进场垃圾处置情况，抽检报告作为指标数据来源",
                    "已与华新水泥（株洲）有限公司签订补充协议，明确渗滤液由企业自行处理，费用包含在处置单价内",
                ]
            ),
            close_note="经核对结算单、扣款凭证和补充协议，整改到位，同意销号。",
        )
    if case.key == "health":
        return Texts(
            problem=(
                f"{CURRENT_YEAR}年，区财政局委托{AGENCY}对{short(unit)}{CURRENT_YEAR - 1}年度部门整体支出开展财政重点绩效评价，"
                "评价得分78.5分，等级为「中」。评价报告指出："
                + numbered(
                    [
                        "部门整体绩效目标与部门职责衔接不紧，12项绩效指标中有5项为定性表述，无法衡量",
                        "基层医疗卫生机构补助资金拨付滞后，四季度集中拨付占全年的41%",
                        "紧密型县域医共体建设形成的信息系统使用率偏低，远程会诊、双向转诊模块基本闲置",
                    ]
                )
            ),
            requirement=f"{by}并报送整改报告："
            + listed(
                [
                    f"修订{CURRENT_YEAR + 1}年部门整体绩效目标，对照部门职责设置指标，定量指标不少于80%",
                    "建立基层医疗卫生机构补助资金按季度考核拨付机制",
                    "对闲置的信息系统模块提出盘活或停用意见，停用的不再安排运维经费",
                ]
            ),
        )
    if case.key == "police_audit":
        extra = wan(budget * Decimal("0.0113"))
        return Texts(
            problem=(
                f"区审计局《关于{short(unit)}{YEAR}年度预算执行和其他财政收支情况的审计报告》（渌审报〔{YEAR + 1}〕9号）指出："
                + numbered(
                    [
                        f"{name}中{extra}万元用于发放在编民警加班补贴，超范围列支",
                        "年末实有警务辅助人员较核定员额多11人，相关经费未经审批",
                    ]
                )
                + "审计报告已移送区财政局督促整改。"
            ),
            requirement=f"{by}："
            + listed(
                [
                    f"将超范围列支的{extra}万元调整至正确科目，归还原项目",
                    "按核定员额清理超员辅警，确需增加的按程序报批",
                    "整改结果同时报区审计局",
                ]
            ),
            response=numbered(
                [
                    f"超范围列支的{extra}万元已于{YEAR + 1}年9月调整账务，改在单位公用经费中列支，记账凭证已上传",
                    "超出员额的11名辅警中，7人合同到期不再续聘，4人调整至核定的综治网格岗位，目前辅警人数与核定员额一致",
                    "已修订警务辅助人员经费管理办法，辅警经费专款专用；整改报告已同时报送区审计局",
                ]
            ),
            close_note="经核对记账凭证和辅警花名册，整改到位，同意销号。",
        )
    if case.key == "school_audit":
        extra = wan(budget * Decimal("0.0074"))
        return Texts(
            problem=(
                f"区审计局《关于{short(unit)}{CURRENT_YEAR - 1}年度预算执行和其他财政收支情况的审计报告》"
                f"（渌审报〔{CURRENT_YEAR}〕17号）指出："
                + numbered(
                    [
                        f"{name}资金中，3所学校共{extra}万元用于支付校舍维修工程款和食堂临聘人员工资，改变资金用途",
                        "全区中小学公用经费用于教师培训的支出占比为3.2%，未达到按学校年度公用经费预算总额5%安排教师培训经费的规定",
                    ]
                )
                + "审计报告已移送区财政局督促整改。"
            ),
            requirement=f"{by}："
            + listed(
                [
                    f"挤占的{extra}万元由相关学校从其他经费渠道归还，校舍维修按规定申报专项资金",
                    f"调整{CURRENT_YEAR}年公用经费支出安排，教师培训经费不低于5%",
                    "整改结果同时报区审计局",
                ]
            ),
        )
    assert case.key == "teacher_subsidy", case.key
    return Texts(
        problem=(
            f"{CURRENT_YEAR}年惠民惠农财政补贴资金“一卡通”专项治理中，区财政局将{name}发放名册与机关事业单位工资系统比对，"
            "发现4名已调入城区学校的教师仍按乡村学校标准领取补助，多发1.08万元；另有2名教师的补助发放至本人以外的银行账户。"
        ),
        requirement=f"{by}：核实情况，追回多发资金，将补助全部发放至本人社会保障卡，建立人员调动与补助名册的月度比对机制，并附追回凭证反馈整改情况。",
        response=numbered(
            [
                f"4名教师分别于{CURRENT_YEAR}年3月和5月调入城区学校，调出学校未及时报送人员变动信息，多发补助1.08万元已全额追回并缴回区财政，缴款凭证已上传",
                "2名教师的补助发放至配偶账户系本人书面申请代领，已全部改为发放至本人社会保障卡",
                "已建立每月人事调动信息与补助名册比对制度，由人事股和计划财务股共同签字确认后发放",
            ]
        ),
    )
