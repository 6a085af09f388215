"""Building the 2023 self-evaluation season: last year's approved goal sheets, the round, what
each unit wrote, where each form stands in late April 2024, and finance's re-check."""

import datetime as dt
import math
import random
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from jixiao.accounts.models import User
from jixiao.audit.services import log_action
from jixiao.budget.models import Project, ProjectCategory, UnitBudget
from jixiao.core import scoring
from jixiao.core.money import round_half_up
from jixiao.core.report_flow import ReportAction, ReportState
from jixiao.evaluation import compute, services
from jixiao.evaluation.demo import writing
from jixiao.evaluation.models import GRADES, Line, Round, SelfEval, Status, Step
from jixiao.goals.demo import build as goals_demo
from jixiao.goals.demo import defects
from jixiao.goals.demo.season import Cast, write
from jixiao.goals.demo.writer import Writer, number_text
from jixiao.goals.models import Kind
from jixiao.monitoring.compute import update_rows
from jixiao.monitoring.demo.build import PATHS, TARGETS
from jixiao.org.demo_data import KEY_UNITS
from jixiao.org.models import FiscalYear, Region, Unit

YEAR = writing.YEAR  # the last full year of the demo's history
SHANGHAI = ZoneInfo("Asia/Shanghai")
# DOMAIN.md §3.1: goals reviewed with the budget in Y-1's fourth quarter; self-evaluation in
# Y+1's first months. The district stands as it did on the last Friday afternoon of April 2024.
GOALS_SETTLED = dt.datetime(YEAR - 1, 12, 29, 17, 30, tzinfo=SHANGHAI)
OPENED = dt.datetime(YEAR + 1, 3, 1, 9, 30, tzinfo=SHANGHAI)
DEADLINE = dt.date(YEAR + 1, 4, 30)
AS_OF = dt.datetime(YEAR + 1, 4, 26, 17, 40, tzinfo=SHANGHAI)
DAYS_OFF = {dt.date(YEAR + 1, 4, 4), dt.date(YEAR + 1, 4, 5)}  # 清明节
TITLE = f"{YEAR}年度项目支出和部门整体支出绩效自评"
INSTRUCTIONS = (
    f"依据《项目支出绩效评价管理办法》（财预〔2020〕10号），请各单位对{YEAR}年度批复绩效目标的全部项目支出"
    "和部门整体支出开展绩效自评：对照批复的绩效目标逐项填报实际完成值和数据来源，对未完成目标、超额完成30%以上"
    f"的指标说明偏差原因和改进措施，执行率低于90%的说明原因，经单位负责人审核后于{DEADLINE:%Y年%m月%d日}前报送。"
    "财政局将按不低于15%的比例抽查复核，复核得分低于自评得分10分以上的认定为自评失真。"
)
QUALITATIVE_SHARE = 0.1  # of the sheets, with a qualitative (定性) indicator finance let stand
SAMPLE_SHARE = 0.17  # of the forms finance received, drawn for 抽查复核
RECHECKED_SHARE = 0.85  # of those drawn, re-checked by late April
# Where the forms stand four days before the deadline, by unit: (fate, weight).
FATES = (
    ("accepted", 52),
    ("accepted_after_return", 6),
    ("submitted", 16),
    ("leader", 8),
    ("returned_leader", 3),
    ("returned_section", 6),
    ("withdrawn", 2),
    ("draft", 7),
)
# When the first step was taken, in days after the round opened (positive) or before AS_OF.
STARTS: dict[str, tuple[float, float]] = {
    "accepted": (6, 38),
    "accepted_after_return": (4, 24),
    "submitted": (-16, -3),
    "leader": (-6, -0.3),
    "returned_leader": (-24, -4),
    "returned_section": (-30, -7),
    "withdrawn": (-20, -2),
}
DELAYS = {
    ReportAction.SUBMIT: (1.0, 6.0),  # resubmitting after a return
    ReportAction.WITHDRAW: (0.05, 1.0),
    ReportAction.LEADER_APPROVE: (0.1, 3.0),
    ReportAction.LEADER_RETURN: (0.1, 2.0),
    ReportAction.ACCEPT: (1.0, 9.0),
    ReportAction.SECTION_RETURN: (1.0, 6.0),
}
# What is wrong with a form still with its unit: (defect, weight).
DRAFT_DEFECTS = (("untouched", 20), ("partial", 25), ("count_percent", 18), ("no_reason", 17), ("ready", 20))
RETURNED_DEFECTS = (("copied", 40), ("no_source", 25), ("execution", 15), ("thin", 20))
VAGUE_RESULTS = (
    "项目按计划实施，年度绩效目标基本完成，取得了较好的社会效益。",
    "全面完成了年度各项工作任务，资金使用规范。",
)
LEADER_RETURNS = {
    "copied": "各项指标完成值与年度指标值完全一样，请对照统计台账逐项核实后再报送。",
    "no_source": "部分指标没有填写数据来源，请补充数据来源并上传佐证材料后重新报送。",
    "execution": "执行率偏低，请说明结余资金的原因和处理情况。",
    "thin": "偏差原因写得过于简单，请逐项说明未完成的具体原因和整改措施后重新报送。",
    "summary": "总体目标完成情况写得过于笼统，请对照年度绩效目标逐项说明完成情况。",
}
SECTION_RETURNS = {
    "copied": "经审核，该表全部定量指标的实际完成值与年度指标值相同，自评得分{total}分，与项目实际执行情况不符。"
    "请核实实际完成情况，提供统计台账、验收资料等佐证材料后重新报送。",
    "no_source": "经审核，{names}未填写数据来源，也未上传佐证材料，实际完成值无法核实。请补充后重新报送。",
    "execution": "经审核，项目预算执行率{rate}%，低于90%，未说明原因。请补充执行率偏低的原因、结余资金的处理情况后重新报送。",
    "thin": "偏差原因分析不够具体，请说明未完成指标的具体原因、已采取的措施和整改时限后重新报送。",
    "summary": "总体目标实际完成情况未与绩效指标对应，请补充主要指标的完成数据和资金使用情况后重新报送。",
}


@dataclass
class Form:
    """One form being made: the row, its lines, what the unit wrote and the path it took."""

    form: SelfEval
    lines: list[Line]
    fate: str = "draft"
    defect: str = ""
    profile: str = ""
    outcomes: list[writing.Outcome] = field(default_factory=list)
    steps: list[tuple[ReportAction, dt.datetime, str]] = field(default_factory=list)
    last: dt.datetime = OPENED
    money: tuple[Decimal, Decimal] | None = None  # a department's adjusted budget and spending


@transaction.atomic
def build_evaluation_demo(*, region: Region, seed: int) -> dict[str, int]:
    """The demo district after its 2023 self-evaluation season, as it stood in late April 2024:
    approved 2023 goal sheets for every 2023 project and top-level unit (``goals.demo``'s writer
    and review, approved in bulk), the round the office opened, every form as its unit filled it
    in, in every workflow state with its steps, scored by ``jixiao.core.scoring`` with the
    round's rules, and finance's re-check of a sample, a few of them 自评失真. Written in bulk with
    one ``evaluation.demo_loaded`` audit entry. Returns counts."""
    rng = random.Random(seed * 59 + 23)
    clock = random.Random(rng.random())
    fiscal_year = FiscalYear.objects.with_scope(region=[region.pk]).get(year=YEAR)
    cast, sheets = _approved_sheets(region, fiscal_year, rng)
    round_ = _open_round(fiscal_year, cast.office)
    rules = compute.rules_of(round_)
    made = _forms(round_, seed)
    _fates(made, rng)
    for m in made:
        _fill(m, seed, rules)
    for m in made:
        _score(m, rules)
        m.steps, m.last = _timeline(m, clock)
        _reasons(m, rng)
    _recheck(made, cast, rules, rng, clock)
    counts = _write(round_, made, cast)
    counts.update(sheets)
    log_action(
        actor=None,
        actor_name="jixiao demo",
        action="evaluation.demo_loaded",
        region=region,
        data={"seed": seed, "year": YEAR, "round": round_.pk, **counts},
    )
    return counts


# --- last year's approved goal sheets ---------------------------------------------------------


def _approved_sheets(region: Region, fiscal_year: FiscalYear, rng: random.Random) -> tuple[Cast, dict[str, int]]:
    """Every 2023 project's sheet and every top-level unit's 部门整体 sheet, as finance approved
    them a year before: written by the goals demo's writer for 2023, a few with a qualitative
    indicator (which the review warns of and finance let stand), reviewed by the engine and
    given the history of an approval (``goals.demo.season.write``)."""
    units = {u.pk: u for u in Unit.objects.with_scope(region=[region.pk], unit=None).select_related("section")}
    tops = {pk: goals_demo._top(u, units) for pk, u in units.items()}
    projects = list(
        Project.objects.with_scope(region=[region.pk], unit=None)
        .filter(fiscal_year=fiscal_year)
        .select_related("category")
        .order_by("unit__code", "code")
    )
    for p in projects:
        p.unit = units[p.unit_id]
    categories = ProjectCategory.objects.with_scope(region=[region.pk]).all()
    writer = Writer(goals_demo._library(region), year=YEAR, domains={c.code: c.domain for c in categories})
    cast = goals_demo._cast(region, projects, tops, units, rng, timezone.now())
    drafts = goals_demo._project_drafts(region, fiscal_year, projects, writer, rng, sound=True)
    for d in drafts:
        qualitative = rng.random() < QUALITATIVE_SHARE
        if qualitative and d.facts is not None and defects.vague_value(d.content, d.facts, writer, rng):
            d.content.defects.append("vague_value")
    drafts += goals_demo._department_drafts(region, fiscal_year, drafts, tops, writer, rng, sound=True)
    goals_demo._review(region, fiscal_year, drafts)
    faulty = {d.sheet.unit_id for d in drafts if d.worst == "error"}
    if faulty:
        # Finance approves no sheet with an error: the unit's careful version is what it approved.
        for d in drafts:
            if d.worst == "error" and d.sound is not None:
                d.content = d.sound.copy()
        goals_demo._review(region, fiscal_year, [d for d in drafts if d.sheet.unit_id in faulty])
    assert all(d.worst != "error" for d in drafts), [d.sheet for d in drafts if d.worst == "error"]
    for d in drafts:
        d.fate = "approved"
    counts = write(drafts, cast, rng, GOALS_SETTLED)
    return cast, {
        "sheets": counts["sheets"],
        "sheets_with_warnings": counts["with_findings"],
        "users": cast.created,
    }


# --- the round and its forms ------------------------------------------------------------------


def _open_round(fiscal_year: FiscalYear, office: User) -> Round:
    """``services.round_open``'s round: the rules in force frozen into it."""
    version, data = compute.frozen_rules(fiscal_year.region_id, fiscal_year.pk)
    return Round.objects.with_scope(region=[fiscal_year.region_id]).create(
        region_id=fiscal_year.region_id,
        fiscal_year=fiscal_year,
        title=TITLE,
        deadline=DEADLINE,
        instructions=INSTRUCTIONS,
        rules_version=version,
        rules=data,
        created_by=office,
    )


def _forms(round_: Round, seed: int) -> list[Form]:
    """One form per approved sheet with its indicators, budget and payments, as ``round_open``
    makes them (``services._new_form``), in memory."""
    fiscal_year = round_.fiscal_year
    sheets = list(
        services.eligible_sheets(fiscal_year)
        .select_related("project", "unit")
        .prefetch_related("indicators")
        .order_by("unit__code", "kind", "project__code")
    )
    spent = services._spent([s.project_id for s in sheets if s.project_id])
    budgets = {
        b.unit_id: b
        for b in UnitBudget.objects.with_scope(region=[fiscal_year.region_id], unit=None).filter(
            fiscal_year=fiscal_year
        )
    }
    totals = {unit_id: b.total for unit_id, b in budgets.items()}
    made = []
    for sheet in sheets:
        form = services._new_form(sheet, round_, spent, totals)
        form.sheet, form.unit, form.project = sheet, sheet.unit, sheet.project
        made.append(Form(form, services.lines_for(form, sheet)))
    _department_money(made, budgets, spent, seed)
    return made


def _department_money(
    made: Sequence[Form], budgets: dict[int, UnitBudget], spent: dict[int, Decimal], seed: int
) -> None:
    """What a department reports for its whole spending: its projects' adjusted budgets and
    payments (the imported data) plus its basic spending, nearly all of it paid."""
    own: defaultdict[int, list[SelfEval]] = defaultdict(list)
    for m in made:
        if m.form.kind == Kind.PROJECT:
            own[m.form.unit_id].append(m.form)
    for m in made:
        form = m.form
        if form.kind != Kind.DEPARTMENT:
            continue
        rng = random.Random(f"{seed}:{YEAR}:{form.unit.code}:money")
        budget = budgets.get(form.unit_id)
        basic = budget.basic_expenditure if budget is not None else Decimal(0)
        projects = own.get(form.unit_id, [])
        adjusted = basic + sum((f.adjusted_budget or Decimal(0) for f in projects), Decimal(0))
        paid = sum((f.spent or Decimal(0) for f in projects), Decimal(0))
        basic_paid = (basic * Decimal(str(round(rng.uniform(0.975, 1.0), 4)))).quantize(Decimal(100))
        # Held aside until the unit writes its form (``_fill``).
        m.money = (adjusted, paid + basic_paid)


def _execution_rate(form: SelfEval) -> Decimal | None:
    if not form.adjusted_budget or form.spent is None:
        return None
    return round_half_up(form.spent / form.adjusted_budget * 100)


# --- where each form stands -------------------------------------------------------------------


def _fates(made: Sequence[Form], rng: random.Random) -> None:
    """A unit mostly sends its forms together; a few lag. The demo logins' units (教育局,
    公安局) show every kind of work."""
    fates, weights = zip(*FATES, strict=True)
    by_unit: defaultdict[int, list[Form]] = defaultdict(list)
    for m in made:
        by_unit[m.form.unit_id].append(m)
    for unit_id in sorted(by_unit):
        fate = rng.choices(fates, weights)[0]
        for m in by_unit[unit_id]:
            m.fate = fate if rng.random() < 0.75 else rng.choices(fates, weights)[0]
    for code in (KEY_UNITS["education_bureau"], KEY_UNITS["police"]):
        own = [m for m in made if m.form.unit.code == code and m.form.kind == Kind.PROJECT]
        wanted = ("returned_section", "leader", "accepted", "draft", "submitted", "accepted", "returned_leader")
        for m, fate in zip(own, wanted, strict=False):
            m.fate = fate
    for m in made:
        if m.fate.startswith("returned"):
            m.defect = _pick(RETURNED_DEFECTS, rng)
        elif m.fate == "draft":
            m.defect = _pick(DRAFT_DEFECTS, rng)


def _pick(options: Sequence[tuple[str, int]], rng: random.Random) -> str:
    names, weights = zip(*options, strict=True)
    return rng.choices(names, weights)[0]


# --- what the unit wrote ----------------------------------------------------------------------


def _weights(form: SelfEval, lines: Sequence[Line], rules: scoring.ScoringRules) -> list[Decimal | None]:
    """The points each line will carry: the sheet's, else the rules' defaults (the unit gives a
    qualitative indicator a score inside its band of these)."""
    if any(line.weight is not None for line in lines):
        return [line.weight for line in lines]
    indicators = compute.to_core(form, lines).sheet.indicators
    return scoring.default_weights(indicators, rules, rules.execution_weight)[0]


def _fill(m: Form, seed: int, rules: scoring.ScoringRules) -> None:
    """Write the form as its unit did; the defect of a form still with the unit on top."""
    form, lines = m.form, m.lines
    key = form.project.code if form.project is not None else form.unit.code
    rng = random.Random(f"{seed}:{YEAR}:{key}")
    if m.money is not None:
        form.adjusted_budget, form.spent = m.money
    rate = _execution_rate(form)
    m.profile = writing.profile_of(rate, rng)
    if m.defect == "untouched":
        if form.kind == Kind.DEPARTMENT:
            form.adjusted_budget = form.spent = None
        return
    weights = _weights(form, lines, rules) if any(line.symbol == "定性" for line in lines) else [None] * len(lines)
    forced = _forced_shortfall(lines) if m.defect == "no_reason" else None
    what = writing.nature(form.project.name) if form.project is not None else "general"
    for line, weight in zip(lines, weights, strict=True):
        outcome = writing.SHORT if line is forced else writing.outcome_for(line, m.profile, rng)
        m.outcomes.append(writing.fill(line, outcome, rng, weight=weight, what=what))
    if form.project is not None:
        name = form.project.name
        subject = name if name.endswith("项目") else f"{name}项目"
    else:
        subject = form.unit.name.replace("株洲市", "")
    form.goal_result = writing.goal_result(subject, m.outcomes, form.adjusted_budget, form.spent, YEAR)
    low = rate is not None and rate < 90
    # Below 90% the rules ask why; some units explain a smaller shortfall too.
    explains = low or (rate is not None and rate < 97 and rng.random() < 0.15)
    if explains and form.adjusted_budget and form.spent is not None:
        form.execution_reason = writing.execution_reason(form.adjusted_budget, form.spent, rng, what=what)
    form.conclusion, form.problems, form.measures = writing.conclusion(m.outcomes, low, rng)
    _spoil(m, forced, rng)


def _forced_shortfall(lines: Sequence[Line]) -> Line | None:
    """The line a unit leaves unexplained: the first count or rate it can fall short of."""
    for line in lines:
        if writing.direction(line) in ("up", "down") and writing.kind(line) != "satisfaction":
            target = writing.number(line.value)
            if target is not None and target >= 3:
                return line
    return None


def _spoil(m: Form, forced: Line | None, rng: random.Random) -> None:
    """What real forms still have wrong when they sit with the unit (DOMAIN.md §16.5)."""
    form, lines, defect = m.form, m.lines, m.defect
    if defect == "partial":
        # Filled as far as the unit has got: the rest of the actuals and the summary are blank.
        stop = rng.randint(1, max(1, len(lines) - 1))
        for line in lines[stop:]:
            line.actual, line.deviation_reason, line.score_given = "", "", None
        form.goal_result = form.conclusion = form.problems = form.measures = ""
    elif defect == "count_percent":
        counts = [line for line in lines if writing.direction(line) == "up" and writing.kind(line) == "count"]
        if counts:
            # The completion rate typed where the count goes.
            line = rng.choice(counts)
            line.actual, line.deviation_reason = "100%", ""
        else:
            lines[-1].actual = ""  # no count on the sheet: the last actual is still to come
    elif defect == "no_reason":
        target = forced if forced is not None else lines[0]
        target.deviation_reason = ""
    elif defect == "copied":
        # S1: every actual is the target as written, and the summary is the goal.
        for line in lines:
            line.actual = "达成" if line.symbol == "定性" else line.value
            line.score_given, line.deviation_reason = None, ""
        form.goal_result = "已全面完成年度绩效目标。" + form.goal
        form.problems = form.measures = ""
        form.conclusion = "项目按计划完成，绩效目标全部实现。"
        m.outcomes = [writing.Outcome(line, writing.MET) for line in lines]
    elif defect == "no_source":
        for line in rng.sample(lines, min(len(lines), rng.randint(2, 4))):
            line.source = ""
    elif defect == "execution" and form.execution_reason:
        form.execution_reason = ""
    elif defect in ("execution", "thin"):
        # Sent back for what no rule catches: explanations of a few words, a summary that says
        # nothing.
        explained = [line for line in lines if line.deviation_reason]
        m.defect = "thin" if explained else "summary"
        for line in explained:
            line.deviation_reason = rng.choice(writing.THIN_REASONS)
        if not explained:
            form.goal_result = rng.choice(VAGUE_RESULTS)


def _score(m: Form, rules: scoring.ScoringRules) -> None:
    """What ``compute.refresh`` stores: the real scorer's result on the form and its lines (no
    evidence files in the demo)."""
    result = scoring.score(compute.to_core(m.form, m.lines), rules, evidenced=())
    compute.apply(m.form, m.lines, result, rules)
    # Whatever went up passed the service's check when it did.
    assert m.fate == "draft" or not services.submission_problems(m.form), (m.form.sheet, m.fate, m.defect)


# --- the workflow ------------------------------------------------------------------------------


def _office_hours(moment: dt.datetime, clock: random.Random) -> dt.datetime:
    local = moment.astimezone(SHANGHAI)
    opening = local.replace(hour=8, minute=30, second=0, microsecond=0)
    if local < opening:
        local = opening + dt.timedelta(minutes=clock.uniform(0, 90))
    elif local > opening.replace(hour=17, minute=45):
        local = opening + dt.timedelta(days=1, minutes=clock.uniform(0, 90))
    while local.weekday() >= 5 or local.date() in DAYS_OFF:
        local += dt.timedelta(days=1)
    return local


def _timeline(m: Form, clock: random.Random) -> tuple[list[tuple[ReportAction, dt.datetime, str]], dt.datetime]:
    """The steps of the form's fate at office hours between the round's opening and AS_OF, and
    when the form last changed."""
    actions = PATHS[m.fate]
    if not actions:
        return [], _office_hours(OPENED + dt.timedelta(days=clock.uniform(2, 52)), clock)
    low, high = STARTS[m.fate]
    first = clock.uniform(low, high)
    at = OPENED + dt.timedelta(days=first) if first > 0 else AS_OF + dt.timedelta(days=first)
    out: list[tuple[ReportAction, dt.datetime, str]] = []
    for n, action in enumerate(actions):
        if n:
            at = at + dt.timedelta(days=clock.uniform(*DELAYS[action]))
        at = _office_hours(at, clock)
        out.append((action, at, ""))
    latest = AS_OF - dt.timedelta(minutes=5 * (len(out) + 1))
    if out[-1][1] > latest:
        # Squeeze the steps into the time there was.
        start = min(out[0][1], latest - dt.timedelta(hours=len(out)))
        span = (latest - start) / max(out[-1][1] - start, dt.timedelta(seconds=1))
        out = [(a, start + (t - start) * span, r) for a, t, r in out]
    return out, out[-1][1]


def _reasons(m: Form, rng: random.Random) -> None:
    """Returns carry the reviewer's reason: what the form got wrong, in the reviewer's words."""
    if not m.steps:
        return
    form = m.form
    steps = []
    for action, at, _ in m.steps:
        text = ""
        if m.fate.startswith("returned"):
            defect = m.defect
        else:
            defect = "thin" if any(line.deviation_reason for line in m.lines) else "summary"
        if action is ReportAction.LEADER_RETURN:
            text = LEADER_RETURNS[defect]
        elif action is ReportAction.SECTION_RETURN:
            blank = [line.name for line in m.lines if not line.source][:3]
            text = SECTION_RETURNS[defect].format(
                total=form.total,
                names="、".join(f"「{n}」" for n in blank) or "部分指标",
                rate=form.execution_rate,
            )
        elif action is ReportAction.LEADER_APPROVE and rng.random() < 0.3:
            text = rng.choice(("同意报送。", "已审核，同意报送。"))
        elif action is ReportAction.ACCEPT and rng.random() < 0.2:
            text = rng.choice(("审核通过。", "资料齐全，同意。"))
        steps.append((action, at, text))
    m.steps = steps


# --- finance's re-check ------------------------------------------------------------------------

CHECKED_CLEAN = (
    "经抽查核对资金支付凭证、验收资料和统计台账，各项指标完成值与佐证材料一致，自评得分客观，维持单位自评得分。"
)


def _recheck(
    made: Sequence[Form], cast: Cast, rules: scoring.ScoringRules, rng: random.Random, clock: random.Random
) -> None:
    """Finance draws about a sixth of the forms it has received and re-checks most of them by
    late April: most within a few points of the unit, two to four 自评失真."""
    received = [m for m in made if m.fate in ("accepted", "accepted_after_return", "submitted")]
    drawn = rng.sample(received, math.ceil(len(received) * SAMPLE_SHARE))
    checked = [m for m in drawn if rng.random() < RECHECKED_SHARE]
    high = [m for m in checked if m.form.total is not None and m.form.total >= 90 and _count_line(m)]
    distorted = set(map(id, rng.sample(high, min(len(high), rng.randint(2, 4)))))
    for m in drawn:
        m.form.sampled = True
    for m in checked:
        form = m.form
        assert form.total is not None
        if id(m) in distorted:
            gap = Decimal(rng.choice(("10.5", "11", "12.5", "13", "14.5", "16")))
            form.check_note = _distorted_note(m, form.total - gap, gap, rng)
        else:
            gap = Decimal(rng.choice(("0", "0", "0", "0.5", "1", "1.5", "2", "2.5", "3", "4")))
            form.check_note = CHECKED_CLEAN if not gap else _deducted_note(m, gap, rng)
        form.check_total = max(Decimal(0), form.total - gap)
        form.checked_by = cast.office
        received_at = next(at for action, at, _ in reversed(m.steps) if action is ReportAction.LEADER_APPROVE)
        when = _office_hours(received_at + dt.timedelta(days=clock.uniform(2, 12)), clock)
        form.checked_at = min(when, AS_OF - dt.timedelta(minutes=clock.uniform(10, 600)))
        # The re-check scores the form again (S7, 自评失真) as ``services.recheck_save`` does.
        _score(m, rules)


def _count_line(m: Form) -> writing.Outcome | None:
    return next(
        (o for o in m.outcomes if o.actual is not None and o.actual >= 10 and writing.kind(o.line) == "count"), None
    )


def _deducted_note(m: Form, gap: Decimal, rng: random.Random) -> str:
    line = rng.choice(m.lines)
    issue = rng.choice(
        ("只有汇总数，缺少明细台账", "验收资料未加盖公章", "统计口径与年初目标不一致", "部分凭证日期跨年")
    )
    return (
        f"经抽查核对，「{line.name}」的佐证材料不够完整（{issue}），核减{number_text(gap)}分；"
        "其他指标完成值与台账一致，自评得分基本客观。"
    )


def _distorted_note(m: Form, check: Decimal, gap: Decimal, rng: random.Random) -> str:
    count = _count_line(m)
    assert count is not None and count.actual is not None
    found = (count.actual * Decimal(str(round(rng.uniform(0.55, 0.75), 2)))).quantize(Decimal(1))
    other = next((o.line.name for o in m.outcomes if o is not count and writing.kind(o.line) == "rate"), "")
    more = f"「{other}」无统计台账支撑；" if other else ""
    return (
        f"经实地核查，「{count.line.name}」台账记载实际完成{number_text(found)}{count.line.unit}，"
        f"与自评填报的{count.line.actual}{count.line.unit}不符；{more}复核得分{number_text(check)}分，"
        f"较单位自评低{number_text(gap)}分，认定为自评失真。请单位说明情况，限期整改，并在下年度自评中如实填报。"
    )


# --- the writes -------------------------------------------------------------------------------


def _actor(cast: Cast, action: ReportAction, unit: Unit) -> User:
    if action in (ReportAction.SUBMIT, ReportAction.WITHDRAW):
        return cast.editors[unit.pk]
    if action in (ReportAction.LEADER_APPROVE, ReportAction.LEADER_RETURN):
        return cast.leaders[cast.tops[unit.pk].pk]
    assert unit.section_id is not None
    return cast.reviewers[unit.section_id]


def _write(round_: Round, made: Sequence[Form], cast: Cast) -> dict[str, int]:
    """Forms, lines and steps in bulk, with the season's times (auto_now stamps today)."""
    forms = [m.form for m in made]
    changed = []
    for m in made:
        form = m.form
        status = ReportState.DRAFT.value
        for action, at, _ in m.steps:
            status = TARGETS[action].value
            if action is ReportAction.SUBMIT:
                form.submitted_at = at
        form.status = status
        # The last save scored the form (the unit's, or finance's re-check).
        changed.append(max([m.last, *([form.checked_at] if form.checked_at else [])]))
        form.computed_at = changed[-1]
    scope = SelfEval.objects.with_scope(region=[round_.region_id], unit=None)
    scope.bulk_create(forms, batch_size=500)
    for form, at in zip(forms, changed, strict=True):
        form.updated_at = at
    Line.objects.bulk_create([line for m in made for line in m.lines], batch_size=1000)
    steps: list[Step] = []
    times: list[dt.datetime] = []
    for m in made:
        status = ReportState.DRAFT.value
        for action, at, reason in m.steps:
            target = TARGETS[action].value
            steps.append(
                Step(
                    form=m.form,
                    action=action.value,
                    from_status=status,
                    to_status=target,
                    actor=_actor(cast, action, m.form.unit),
                    reason=reason,
                )
            )
            times.append(at)
            status = target
    Step.objects.bulk_create(steps, batch_size=1000)
    for step, at in zip(steps, times, strict=True):
        step.created_at = at
    update_rows(steps, ["created_at"])
    # auto_now and auto_now_add stamped the moment of insertion; the season is older.
    update_rows(forms, ["updated_at", "computed_at"])
    Round.objects.with_scope(region=[round_.region_id]).filter(pk=round_.pk).update(created_at=OPENED)
    states = Counter(f.status for f in forms)
    grades = Counter(f.grade or "none" for f in forms)
    names = dict(zip(GRADES, ("excellent", "good", "fair", "poor"), strict=True))
    return {
        "forms": len(forms),
        "project_forms": sum(f.kind == Kind.PROJECT for f in forms),
        "department_forms": sum(f.kind == Kind.DEPARTMENT for f in forms),
        "lines": sum(len(m.lines) for m in made),
        "steps": len(steps),
        **{f"status_{s}": states.get(s, 0) for s in Status.values},
        **{f"grade_{names[g]}": grades.get(g, 0) for g in GRADES},
        "ungraded": grades.get("none", 0),
        "with_errors": sum(1 for f in forms if f.errors),
        "sampled": sum(f.sampled for f in forms),
        "rechecked": sum(f.check_total is not None for f in forms),
        "distorted": sum(f.distorted for f in forms),
    }
