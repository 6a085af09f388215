"""Building the demo's monitoring season: who acts, the calendar and payment plans, the two
rounds, what each unit reported and where each report stands, and finance's decisions."""

import datetime as dt
import random
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from jixiao.accounts.models import User
from jixiao.audit.services import log_action
from jixiao.budget import demo_projects
from jixiao.budget.demo_projects import CURRENT_YEAR, KEY_MONITORED, split_by_profile
from jixiao.budget.models import Project
from jixiao.core import progress
from jixiao.core.access import Role
from jixiao.core.report_flow import ReportAction, ReportState
from jixiao.monitoring import compute, services
from jixiao.monitoring.demo import files, writing
from jixiao.monitoring.models import (
    Decision,
    DecisionKind,
    Holiday,
    Light,
    Line,
    PaymentPlan,
    Report,
    ReportStatus,
    Round,
    RoundKind,
    Scope,
    Step,
)
from jixiao.org.demo_data import KEY_UNITS
from jixiao.org.models import FiscalYear, Region, Unit

MONTH = 8  # the seed's 1–8 month monitoring (一(三))
OPENED = dt.datetime(CURRENT_YEAR, 9, 1, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
GENERAL_DEADLINE = dt.date(CURRENT_YEAR, 9, 18)
KEY_DEADLINE = dt.date(CURRENT_YEAR, 9, 25)
GENERAL_INSTRUCTIONS = (
    "依据《财政部关于印发〈中央部门预算绩效运行监控管理暂行办法〉的通知》（财预〔2019〕136号），"
    "请各单位对照批复的绩效目标，逐项填报1—8月绩效指标完成值和全年预计完成值，"
    "对亮红灯、黄灯的指标说明偏差原因、完成目标可能性和拟采取的措施，经单位负责人审核后于9月18日前报送。"
)
KEY_INSTRUCTIONS = (
    "对公安局平安城市视频监控运行维护、环境卫生服务中心华新水泥垃圾处置费、卫生健康局基本公共卫生服务、"
    "信访局特护期维稳四个项目开展重点监控：在一般监控内容基础上，由绩效管理股会同业务股室和主管部门实地核查，"
    "填写实地核查情况并上传核查记录、现场照片和支付凭证等佐证材料，9月25日前报送。"
)
# Where the units' reports stand in late November, by unit: (fate, weight). Most units sent
# theirs in and finance has accepted them; some sit with the unit leader or the section, a few
# were sent back, and some units have still not finished.
FATES = (
    ("accepted", 46),
    ("accepted_after_return", 6),
    ("submitted", 16),
    ("leader", 9),
    ("returned_leader", 4),
    ("returned_section", 6),
    ("withdrawn", 2),
    ("draft", 11),
)
PATHS: dict[str, tuple[ReportAction, ...]] = {
    "draft": (),
    "withdrawn": (ReportAction.SUBMIT, ReportAction.WITHDRAW),
    "leader": (ReportAction.SUBMIT,),
    "submitted": (ReportAction.SUBMIT, ReportAction.LEADER_APPROVE),
    "accepted": (ReportAction.SUBMIT, ReportAction.LEADER_APPROVE, ReportAction.ACCEPT),
    "returned_leader": (ReportAction.SUBMIT, ReportAction.LEADER_RETURN),
    "returned_section": (ReportAction.SUBMIT, ReportAction.LEADER_APPROVE, ReportAction.SECTION_RETURN),
    "accepted_after_return": (
        ReportAction.SUBMIT,
        ReportAction.LEADER_APPROVE,
        ReportAction.SECTION_RETURN,
        ReportAction.SUBMIT,
        ReportAction.LEADER_APPROVE,
        ReportAction.ACCEPT,
    ),
}
TARGETS = {
    ReportAction.SUBMIT: ReportState.LEADER,
    ReportAction.WITHDRAW: ReportState.DRAFT,
    ReportAction.LEADER_APPROVE: ReportState.SUBMITTED,
    ReportAction.LEADER_RETURN: ReportState.RETURNED,
    ReportAction.ACCEPT: ReportState.ACCEPTED,
    ReportAction.SECTION_RETURN: ReportState.RETURNED,
}
# Days a step takes after the one before it.
DELAYS = {
    ReportAction.SUBMIT: (1.0, 15.0),
    ReportAction.WITHDRAW: (0.05, 1.0),
    ReportAction.LEADER_APPROVE: (0.1, 3.0),
    ReportAction.LEADER_RETURN: (0.1, 2.0),
    ReportAction.ACCEPT: (1.0, 9.0),
    ReportAction.SECTION_RETURN: (1.0, 6.0),
}
LEADER_RETURNS = (
    "请补充全年预计完成值，并对执行进度滞后的原因作具体说明。",
    "偏差原因说明过于简单，请写明具体原因和整改时限后重新报送。",
)
SECTION_RETURNS = (
    "执行率明显低于预期进度，偏差原因仅填写「资金未拨付」，请说明资金未拨付的具体环节和预计支付时间。",
    "指标完成值与支付进度不匹配，请核实完成值的统计口径并补充佐证说明。",
    "全年预计完成值低于年度目标，请说明拟采取的措施；确实无法完成的，请按程序申请调整绩效目标。",
)
WORKS_WORDS = ("工程", "建设", "改造", "提质", "修缮", "加固", "新建")
PLAN_SHARE = 0.06  # of the monitored projects, whose units filed a monthly payment plan (用款计划)


@dataclass
class Cast:
    """Who acts: the goals demo's people (the demo logins where they exist)."""

    office: User
    editors: dict[int, User]  # by unit id
    leaders: dict[int, User]  # by top-level unit id
    reviewers: dict[int, User]  # by finance section id
    tops: dict[int, Unit]  # unit id -> its top-level unit
    units: dict[int, Unit]

    def actor(self, action: ReportAction, unit_id: int) -> User:
        if action in (ReportAction.SUBMIT, ReportAction.WITHDRAW):
            return self.editors[unit_id]
        if action in (ReportAction.LEADER_APPROVE, ReportAction.LEADER_RETURN):
            return self.leaders[self.tops[unit_id].pk]
        section = self.units[unit_id].section_id
        assert section is not None
        return self.reviewers[section]


def _cast(region: Region) -> Cast:
    """The same people the goals demo chose (``goals.demo.build._cast``: the first username of
    each role per unit or section)."""
    units = {u.pk: u for u in Unit.objects.with_scope(region=[region.pk], unit=None).all()}
    tops: dict[int, Unit] = {}
    for pk, unit in units.items():
        top = unit
        while top.parent_id is not None:
            top = units[top.parent_id]
        tops[pk] = top
    users = list(User.objects.filter(region=region, is_active=True).order_by("username"))
    office = next(u for u in users if u.role == Role.OFFICE)
    return Cast(
        office=office,
        editors={u.unit_id: u for u in reversed(users) if u.role == Role.UNIT_EDITOR and u.unit_id},
        leaders={u.unit_id: u for u in reversed(users) if u.role == Role.UNIT_LEADER and u.unit_id},
        reviewers={u.section_id: u for u in reversed(users) if u.role == Role.SECTION and u.section_id},
        tops=tops,
        units=units,
    )


@transaction.atomic
def build_monitoring_demo(*, region: Region, seed: int) -> dict[str, int]:
    """The demo district's 1–8 month monitoring of the current year, as it stands in late
    November: the 2026 holidays in the region's calendar, payment plans for some projects, a
    general round over every project with an approved sheet and a 重点监控 round over the seed's
    four projects, the units' reports in every state, and finance's decisions on warned projects.

    Rounds, plans, the calendar, the four key reports and the decisions go through the services
    (each with its audit entry); the general round's reports are written in bulk as the services
    would have left them, with one ``monitoring.demo_loaded`` entry. Returns counts."""
    rng = random.Random(seed * 43 + 11)
    clock = random.Random(rng.random())
    fiscal_year = FiscalYear.objects.with_scope(region=[region.pk]).get(year=CURRENT_YEAR)
    cast = _cast(region)
    if not Holiday.objects.with_scope(region=[region.pk]).filter(date__year=CURRENT_YEAR).exists():
        services.holidays_load(actor=cast.office, region=region, year=CURRENT_YEAR)
    profiles = {p.code: p.profile for p in demo_projects.generate(random.Random(seed), year=CURRENT_YEAR)}
    sheets = list(services.eligible_sheets(fiscal_year).select_related("project").prefetch_related("indicators"))
    if not sheets:
        return {"reports": 0}
    projects = [s.project for s in sheets if s.project is not None]
    series = compute.payment_series(projects)
    showcase = _plans(projects, sheets, series, profiles, cast, rng)

    general = services.round_open(
        actor=cast.office,
        fiscal_year=fiscal_year,
        title=f"{CURRENT_YEAR}年1—{MONTH}月项目支出绩效运行监控",
        month=MONTH,
        deadline=GENERAL_DEADLINE,
        instructions=GENERAL_INSTRUCTIONS,
    )
    key_ids = [p.pk for p in projects if (cast.units[p.unit_id].code, p.name) in KEY_MONITORED]
    key = (
        services.round_open(
            actor=cast.office,
            fiscal_year=fiscal_year,
            title=f"{CURRENT_YEAR}年1—{MONTH}月重点项目绩效运行监控（实地核查）",
            month=MONTH,
            deadline=KEY_DEADLINE,
            kind=RoundKind.KEY,
            scope=Scope.LIST,
            project_ids=key_ids,
            instructions=KEY_INSTRUCTIONS,
        )
        if key_ids
        else None
    )
    now = timezone.now()
    counts = _fill_round(general, cast, profiles, seed, rng, clock, now)
    if key is not None:
        counts["focus_reports"] = _key_round(key, cast, profiles, series, seed, clock, now)
    counts["decisions"] = _decide(general, key, cast, rng, clock, now)
    counts["plans"] = PaymentPlan.objects.with_scope(region=[region.pk], unit=None).count()
    Round.objects.with_scope(region=[region.pk]).filter(pk__in=[r.pk for r in (general, key) if r]).update(
        created_at=min(OPENED, now - dt.timedelta(hours=1))
    )
    log_action(
        actor=None,
        actor_name="jixiao demo",
        action="monitoring.demo_loaded",
        region=region,
        data={"seed": seed, "round": general.pk, "showcase": showcase, **counts},
    )
    return counts


def _local(moment: dt.datetime) -> dt.datetime:
    return timezone.make_aware(moment, timezone.get_default_timezone())


# --- payment plans ----------------------------------------------------------------------------


def _plans(
    projects: Sequence[Project],
    sheets: Sequence[Any],
    series: dict[int, list[Decimal]],
    profiles: dict[str, str],
    cast: Cast,
    rng: random.Random,
) -> str:
    """Monthly payment plans for some projects, through ``services.plan_save``: mostly the
    project's own pattern as its unit planned it in January; and one back-loaded works project
    that keeps to its plan although a straight line would call it red. Returns that one's code."""
    by_project = {s.project_id: s for s in sheets}
    time = Decimal(MONTH) / 12
    showcase = None
    candidates = []
    for p in projects:
        if profiles.get(p.code) != "construction" or p.adjusted_budget < 1_000_000:
            continue
        rate = progress.paid_through(series[p.pk], MONTH) / p.adjusted_budget
        lines = [Line(level2=i.level2, unit=i.unit) for i in by_project[p.pk].indicators.all()]
        # Red on the calendar (below 60% of time progress) but not a project that has stalled.
        if Decimal("0.25") <= rate < time * Decimal("0.6"):
            works = any(word in p.name for word in WORKS_WORDS)
            candidates.append((sum(writing.is_flow(line) for line in lines), not works, p.code, p, rate))
    if candidates:
        *_, showcase, rate = min(candidates, key=lambda c: c[:3])
        # The unit planned the tender for spring and most of the works for the autumn.
        planned = rate / Decimal(str(round(rng.uniform(0.9, 0.98), 3)))
        _save_plan(showcase, _back_loaded(showcase.adjusted_budget, planned), cast)
    chosen = [p for p in projects if p is not showcase and p.adjusted_budget > 0 and rng.random() < PLAN_SHARE]
    for p in chosen:
        shares = split_by_profile(p.adjusted_budget, profiles.get(p.code, "flat"))
        months = [max(Decimal(0), amount * Decimal(str(round(rng.uniform(0.85, 1.15), 3)))) for amount in shares]
        total = sum(months, Decimal(0))
        scale = p.adjusted_budget * Decimal(str(round(rng.uniform(0.97, 1.0), 3))) / total if total else Decimal(0)
        _save_plan(p, [(m * scale).quantize(Decimal("100"), rounding="ROUND_DOWN") for m in months], cast)
    return showcase.code if showcase is not None else ""


def _back_loaded(budget: Decimal, through_month: Decimal) -> list[Decimal]:
    """Twelve amounts summing to ``budget`` with ``through_month`` of it in months 1..MONTH,
    shaped like a works project's payments (split_by_profile's construction pattern)."""
    pattern = demo_projects.PROFILES["construction"]
    early, late = sum(pattern[:MONTH], Decimal(0)), sum(pattern[MONTH:], Decimal(0))
    months = [
        share / early * through_month if n < MONTH else share / late * (1 - through_month)
        for n, share in enumerate(pattern)
    ]
    amounts = [(budget * m).quantize(Decimal("100"), rounding="ROUND_DOWN") for m in months]
    amounts[-1] += budget - sum(amounts, Decimal(0))
    return amounts


def _save_plan(project: Project, months: list[Decimal], cast: Cast) -> None:
    services.plan_save(actor=cast.editors[project.unit_id], project=project, months=months)


# --- the general round, in bulk ---------------------------------------------------------------


def _unit_fates(reports: Sequence[Report], cast: Cast, rng: random.Random) -> dict[int, str]:
    """Each report's fate: a unit mostly sends its reports together, a few lag behind the rest.
    The demo logins' own units show every kind of work."""
    fates, weights = zip(*FATES, strict=True)
    by_unit: defaultdict[int, list[Report]] = defaultdict(list)
    for r in reports:
        by_unit[r.unit_id].append(r)
    out: dict[int, str] = {}
    for unit_id in sorted(by_unit):
        fate = rng.choices(fates, weights)[0]
        for r in by_unit[unit_id]:
            out[r.pk] = fate if rng.random() < 0.8 else rng.choices(fates, weights)[0]
    # 教育局 (jyj, jyjfz) and 公安局 (gaj): a report to fix, one with the leader, one accepted.
    for code in (KEY_UNITS["education_bureau"], KEY_UNITS["police"]):
        own = sorted((r for r in reports if cast.units[r.unit_id].code == code), key=lambda r: r.project_id)
        for r, fate in zip(own, ("returned_section", "leader", "accepted", "draft", "submitted"), strict=False):
            out[r.pk] = fate
    return out


def _fill_round(
    round_: Round,
    cast: Cast,
    profiles: dict[str, str],
    seed: int,
    rng: random.Random,
    clock: random.Random,
    now: dt.datetime,
) -> dict[str, int]:
    """Every report of the round as its unit left it, then moved along the workflow."""
    reports = list(
        Report.objects.with_scope(region=[round_.region_id], unit=None)
        .filter(round=round_)
        .select_related("project", "round__fiscal_year")
        .prefetch_related("lines")
        .order_by("project__code")
    )
    fates = _unit_fates(reports, cast, rng)
    rules = compute.rules_of(round_)
    year = round_.fiscal_year.year
    paces: dict[int, writing.Pace] = {}
    lines: list[Line] = []
    for report in reports:
        own = random.Random(f"{seed}:{report.project.code}")
        pace = paces[report.pk] = writing.pace_of(report, profiles.get(report.project.code, "flat"), own)
        mine = list(report.lines.all())
        # A draft is untouched, or filled as far as the unit has got.
        stop = len(mine)
        if fates[report.pk] == "draft":
            stop = 0 if rng.random() < 0.4 else rng.randint(1, len(mine))
        for line in mine[:stop]:
            _write_line(line, pace, year, rules, report, own)
        lines.extend(mine)
    compute.update_rows(lines, ["done", "expected", "reason", "reason_note", "likelihood", "measures"])
    compute.refresh_round(round_)
    reports = list(
        Report.objects.with_scope(region=[round_.region_id], unit=None)
        .filter(round=round_)
        .select_related("project", "round")
        .prefetch_related("lines")
        .order_by("project__code")
    )
    steps: list[Step] = []
    times: list[dt.datetime] = []
    for report in reports:
        own = random.Random(f"{seed}:{report.project.code}:summary")
        pace = paces[report.pk]
        written = any(line.done for line in report.lines.all())
        if written:
            warned = [line for line in report.lines.all() if line.light in (Light.RED, Light.YELLOW)]
            report.estimate = writing.estimate(report, pace, own)
            report.summary = writing.summary(report, pace, warned, report.estimate, own)
        path = _path(PATHS[fates[report.pk]], clock, now)
        for action, at, reason in path:
            steps.append(
                Step(
                    report=report,
                    action=action.value,
                    from_status=report.status,
                    to_status=TARGETS[action].value,
                    actor=cast.actor(action, report.unit_id),
                    reason=reason,
                )
            )
            times.append(at)
            report.status = TARGETS[action].value
            if action is ReportAction.SUBMIT:
                report.submitted_at = at
            report.updated_at = at
        if written and fates[report.pk] == "draft":
            report.updated_at = _office_hours(OPENED + dt.timedelta(days=clock.uniform(2, 20)), clock)
        # Whatever went up would have passed the service's check on submission.
        assert not path or not services.submission_problems(report), services.submission_problems(report)
    compute.update_rows(reports, ["status", "estimate", "summary", "submitted_at", "updated_at"])
    Step.objects.bulk_create(steps, batch_size=1000)
    for step, at in zip(steps, times, strict=True):
        step.created_at = at
    # auto_now_add stamped the moment of insertion; the season is older.
    compute.update_rows(steps, ["created_at"])
    states = Counter(r.status for r in reports)
    lights = Counter(r.light or "none" for r in reports)
    return {
        "reports": len(reports),
        "lines": len(lines),
        "steps": len(steps),
        **{f"status_{s}": states.get(s, 0) for s in ReportStatus.values},
        **{f"light_{c}": lights.get(c, 0) for c in ("red", "yellow", "green", "blue", "none")},
        "lines_blue": sum(line.light == Light.BLUE for r in reports for line in r.lines.all()),
    }


def _write_line(
    line: Line,
    pace: writing.Pace,
    year: int,
    rules: progress.WarningRules,
    report: Report,
    rng: random.Random,
) -> None:
    """Fill the line as the unit would, and explain it when the light it will get warns."""
    writing.fill_line(line, pace, year, rng)
    check = compute.line_check(line, report.round.month, year, rules, share=report.expected_share)
    light = check.light.colour or ""
    writing.explain_line(line, pace, light, rng)


def _path(
    actions: Sequence[ReportAction], clock: random.Random, now: dt.datetime
) -> list[tuple[ReportAction, dt.datetime, str]]:
    """The steps with their times (office hours after the round opened, none in the future)
    and, for a return, the reason."""
    out = []
    at = OPENED
    for action in actions:
        low, high = DELAYS[action]
        if action is ReportAction.SUBMIT and out:
            low, high = 1.0, 6.0  # resubmitting after a return
        at = _office_hours(at + dt.timedelta(days=clock.uniform(low, high)), clock)
        reason = ""
        if action is ReportAction.LEADER_RETURN:
            reason = clock.choice(LEADER_RETURNS)
        elif action is ReportAction.SECTION_RETURN:
            reason = clock.choice(SECTION_RETURNS)
        elif action is ReportAction.LEADER_APPROVE and clock.random() < 0.3:
            reason = "同意报送。"
        out.append((action, at, reason))
    latest = now - dt.timedelta(minutes=5 * (len(out) + 1))
    if out and out[-1][1] > latest:
        # Built before the season ran its course: squeeze the steps into the time there was.
        start = OPENED
        span = max((latest - start) / max(out[-1][1] - start, dt.timedelta(seconds=1)), 0)
        out = [(a, start + (t - start) * span, r) for a, t, r in out]
    return out


def _office_hours(moment: dt.datetime, clock: random.Random) -> dt.datetime:
    local = timezone.localtime(moment)
    opening = local.replace(hour=8, minute=30, second=0, microsecond=0)
    if local < opening:
        local = opening + dt.timedelta(minutes=clock.uniform(0, 90))
    elif local > opening.replace(hour=17, minute=45):
        local = opening + dt.timedelta(days=1, minutes=clock.uniform(0, 90))
    while local.weekday() >= 5:
        local += dt.timedelta(days=1)
    return local


# --- the key round, through the services ------------------------------------------------------

# What the field checks found, per project (by name), and where each key report stands.
FIELD_NOTES = {
    "平安城市视频监控运行维护": (
        "9月10日，绩效管理股会同行政政法股、区公安局指挥中心对城区和南洲、淦田两镇的前端点位进行实地核查。"
        "随机抽取前端点位60个，在线56个，抽查在线率93.3%；离线的4个点位均为雷雨天气后光纤中断，运维单位已在48小时内修复。"
        "调阅运维单位6—8月巡检记录和故障工单，巡检轮次与合同约定一致；运维费按季度考核后支付，支付凭证齐全。"
    ),
    "华新水泥垃圾处置费": (
        "9月12日，经济建设股会同区城市管理和综合执法局、环境卫生服务中心到华新水泥（株洲）有限公司协同处置生产线现场核查。"
        "核对1—8月过磅记录，进场生活垃圾全部当日入窑处置，无原生垃圾填埋；处置量与结算单一致，按月结算，单价未超合同价。"
        "现场发现进场道路洒漏和臭气投诉2起，已要求运输单位加盖密闭、增加冲洗频次。"
    ),
    "基本公共卫生服务": (
        "9月15日，教科文股会同区卫生健康局对南洲镇卫生院、淦田镇卫生院和3个村卫生室进行实地核查。"
        "抽查居民电子健康档案120份，真实有效115份；老年人健康体检和慢病随访记录与系统数据基本一致。"
        "补助资金一、二季度已按考核结果拨付到基层医疗机构，三季度资金待考核后于9月底拨付；"
        "个别村卫生室随访记录补签、代签，已责令限期整改。"
    ),
    "信访特护期维稳": (
        "9月16日，行政政法股会同区信访局核查特护期值班值守、劝返接返经费支出情况。"
        "全国两会特护期值守人员排班表、签到记录、误餐补助发放表齐全，补助标准未超规定；"
        "国庆特护期值守计划已制定，相关经费将在10月支付。1—8月未发生越级非正常上访。"
    ),
}
KEY_PATHS = {
    "平安城市视频监控运行维护": (ReportAction.SUBMIT, ReportAction.LEADER_APPROVE, ReportAction.ACCEPT),
    "华新水泥垃圾处置费": (ReportAction.SUBMIT, ReportAction.LEADER_APPROVE),
    "基本公共卫生服务": (
        ReportAction.SUBMIT,
        ReportAction.LEADER_APPROVE,
        ReportAction.SECTION_RETURN,
        ReportAction.SUBMIT,
        ReportAction.LEADER_APPROVE,
        ReportAction.ACCEPT,
    ),
    "信访特护期维稳": (ReportAction.SUBMIT,),
}
KEY_RETURN = "实地核查发现个别村卫生室随访记录补签、代签，请补充整改情况说明和三季度资金拨付计划后重新报送。"
# Evidence per project: (file name, kind, what it shows).
EVIDENCE = {
    "平安城市视频监控运行维护": (("前端点位抽查现场照片.png", "camera"), ("运维服务季度考核报告.docx", "docx")),
    "华新水泥垃圾处置费": (("协同处置生产线现场照片.png", "plant"), ("1-8月处置费支付明细.xlsx", "xlsx")),
    "基本公共卫生服务": (("南洲镇卫生院现场核查照片.png", "clinic"), ("1-8月资金拨付明细.xlsx", "xlsx")),
    "信访特护期维稳": (("特护期值守经费核查照片.png", "office"), ("特护期值守工作总结.docx", "docx")),
}


def _key_round(
    round_: Round,
    cast: Cast,
    profiles: dict[str, str],
    series: dict[int, list[Decimal]],
    seed: int,
    clock: random.Random,
    now: dt.datetime,
) -> int:
    """The four key reports written, evidenced and moved by the unit and finance through the
    services, with the same progress figures as in the general round."""
    reports = list(
        Report.objects.with_scope(region=[round_.region_id], unit=None)
        .filter(round=round_)
        .select_related("project", "round__fiscal_year", "unit")
        .order_by("project__code")
    )
    rules = compute.rules_of(round_)
    year = round_.fiscal_year.year
    for report in reports:
        name = report.project.name
        own = random.Random(f"{seed}:{report.project.code}")
        pace = writing.pace_of(report, profiles.get(report.project.code, "flat"), own)
        lines = list(report.lines.all())
        for line in lines:
            _write_line(line, pace, year, rules, report, own)
        editor = cast.editors[report.unit_id]
        notes = FIELD_NOTES.get(name, "绩效管理股会同业务股室对项目实施现场进行了实地核查，未发现重大问题。")
        summary_rng = random.Random(f"{seed}:{report.project.code}:summary")
        year_end = writing.estimate(report, pace, summary_rng)
        report = services.report_save(
            actor=editor,
            report=report,
            lines=[
                services.LineIn(
                    position=line.position,
                    done=line.done,
                    expected=line.expected,
                    reason=line.reason,
                    reason_note=line.reason_note,
                    likelihood=line.likelihood,
                    measures=line.measures,
                )
                for line in lines
            ],
            estimate=year_end,
            field_notes=notes,
        )
        warned = [line for line in report.lines.all() if line.light in (Light.RED, Light.YELLOW)]
        # The lines' lights are known now; the analysis names those that warn.
        services.report_save(
            actor=editor,
            report=report,
            lines=[services.LineIn(position=line.position, **_line_fields(line)) for line in report.lines.all()],
            summary=writing.summary(report, pace, warned, year_end, summary_rng),
            estimate=year_end,
            field_notes=notes,
        )
        for title, kind in EVIDENCE.get(name, ()):
            services.attachment_add(actor=editor, report=report, upload=_evidence(title, kind, report, series))
        services.attachment_add(
            actor=editor,
            report=report,
            upload=SimpleUploadedFile(
                f"实地核查记录表（{name}）.pdf",
                files.pdf(f"{name}实地核查记录表", [f"单位：{report.unit.name}", *_sentences(notes)]),
                content_type="application/pdf",
            ),
        )
        steps = []
        for action in KEY_PATHS.get(name, (ReportAction.SUBMIT,)):
            reason = KEY_RETURN if action is ReportAction.SECTION_RETURN else ""
            services.report_transition(
                actor=cast.actor(action, report.unit_id), report=report, action=action.value, reason=reason
            )
            steps.append(action)
        _backdate_key(report, steps, clock, now)
    return len(reports)


def _line_fields(line: Line) -> dict[str, str]:
    return {
        "done": line.done,
        "expected": line.expected,
        "reason": line.reason,
        "reason_note": line.reason_note,
        "likelihood": line.likelihood,
        "measures": line.measures,
    }


def _sentences(text: str) -> list[str]:
    return [s + "。" for s in text.split("。") if s]


def _evidence(title: str, kind: str, report: Report, series: dict[int, list[Decimal]]) -> SimpleUploadedFile:
    name = report.project.name
    if kind == "xlsx":
        data = files.xlsx(f"{name} {title.removesuffix('.xlsx')}", series[report.project_id][:MONTH], report.budget)
        return SimpleUploadedFile(
            title, data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
    if kind == "docx":
        data = files.docx(
            title.removesuffix(".docx"),
            [
                f"项目名称：{name}",
                f"实施单位：{report.unit.name}",
                f"截至{MONTH}月底累计支付{_wan(report.paid)}万元，预算执行率{_pct(report.paid, report.budget)}%。",
                *_sentences(FIELD_NOTES.get(name, "")),
            ],
        )
        return SimpleUploadedFile(
            title, data, content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        )
    return SimpleUploadedFile(title, files.png(kind), content_type="image/png")


def _backdate_key(report: Report, actions: Sequence[ReportAction], clock: random.Random, now: dt.datetime) -> None:
    """The services stamped everything with today; the key checks ran in mid-September."""
    timed = _path(actions, clock, now)
    steps = list(Step.objects.filter(report=report).order_by("created_at", "id"))
    for step, (_, at, _) in zip(steps, timed, strict=True):
        step.created_at = at
    Step.objects.bulk_update(steps, ["created_at"])
    submits = [at for action, at, _ in timed if action is ReportAction.SUBMIT]
    Report.objects.with_scope(region=[report.region_id], unit=[report.unit_id]).filter(pk=report.pk).update(
        submitted_at=submits[-1] if submits else None, updated_at=timed[-1][1] if timed else now
    )
    report.attachments.update(uploaded_at=timed[0][1] - dt.timedelta(hours=2) if timed else now)


def _wan(amount: Decimal) -> str:
    return format((amount / 10_000).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP), ",f")


def _pct(part: Decimal, whole: Decimal) -> str:
    return format((part / whole * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP), "f") if whole else "—"


# --- decisions --------------------------------------------------------------------------------

# (kind, what becomes of it, working days, days ago it was decided): every kind, open and on time,
# open and overdue, answered (once late) and closed.
DECISIONS = (
    (DecisionKind.CORRECT, "overdue", 10, 35),
    (DecisionKind.SUSPEND, "overdue", 5, 24),
    (DecisionKind.CONTINUE, "closed", 10, 55),
    (DecisionKind.ADJUST, "answered", 15, 40),
    (DecisionKind.STOP, "closed", 20, 60),
    (DecisionKind.CORRECT, "answered_late", 10, 45),
    (DecisionKind.CONTINUE, "open", 15, 3),
    (DecisionKind.CORRECT, "open", 10, 1),
    (DecisionKind.ADJUST, "closed", 15, 50),
    (DecisionKind.SUSPEND, "answered", 10, 30),
    (DecisionKind.CONTINUE, "answered", 10, 20),
)
DECISION_REASONS = {
    DecisionKind.CONTINUE: "偏差主要由资金拨付节奏造成，项目实施正常，绩效目标预计能够完成，同意继续执行，请加快支付进度。",
    DecisionKind.CORRECT: "预算执行和绩效目标完成进度均明显滞后，请单位查找原因、制定纠偏措施，按月报送实施进度。",
    DecisionKind.ADJUST: "项目全年预计难以支出到位，按规定将预计结余资金调剂用于急需支出，绩效目标相应调整。",
    DecisionKind.SUSPEND: "项目实施进度严重滞后且未说明具体原因，暂缓拨付后续资金，待单位提交整改方案并经审核后恢复。",
    DecisionKind.STOP: "项目实施条件发生变化，预期无法实现绩效目标，按「对预期无绩效、低绩效的项目要停止执行」的要求停止执行，收回剩余资金。",
}
ANSWERS = {
    DecisionKind.CONTINUE: "已加快合同款支付，9—10月完成支付{amount}万元，执行进度已恢复正常。",
    DecisionKind.CORRECT: "已制定纠偏方案：倒排工期、明确责任人，按月报送进度；截至目前累计支付进度较监控时提高约15个百分点。",
    DecisionKind.ADJUST: "同意调剂，已按财政局意见调整项目预算和绩效目标，调整后的绩效目标表已重新报送。",
    DecisionKind.SUSPEND: "已提交整改方案，补充了合同、施工日志等资料，请求恢复拨款。",
    DecisionKind.STOP: "已停止项目实施，剩余资金已按程序退回国库，并在部门决算中说明。",
}


def _decide(
    general: Round, key: Round | None, cast: Cast, rng: random.Random, clock: random.Random, now: dt.datetime
) -> int:
    """Decisions on warned reports that finance has seen, through the services, then dated."""
    seen = (ReportStatus.ACCEPTED, ReportStatus.SUBMITTED)
    rounds = [general.pk] + ([key.pk] if key is not None else [])
    warned = list(
        Report.objects.with_scope(region=[general.region_id], unit=None)
        .filter(round_id__in=rounds, status__in=seen, light__in=(Light.RED, Light.YELLOW))
        .select_related("project", "round", "unit")
        .order_by("-round__kind", "project__code")
    )
    red = [r for r in warned if r.light == Light.RED]
    yellow = [r for r in warned if r.light == Light.YELLOW]
    rng.shuffle(red)
    rng.shuffle(yellow)
    # The key round's warned reports first: finance decides on what it went to see.
    red.sort(key=lambda r: r.round.kind != RoundKind.KEY)
    yellow.sort(key=lambda r: r.round.kind != RoundKind.KEY)
    used: set[str] = set()  # project names: a township's 山塘水库巡查管护 is like another's
    today = timezone.localdate()
    made = 0
    for kind, fate, working_days, days_ago in DECISIONS:
        money = kind in (DecisionKind.ADJUST, DecisionKind.SUSPEND, DecisionKind.STOP)
        pool = (red or yellow) if kind in (DecisionKind.SUSPEND, DecisionKind.STOP) else (yellow or red)
        fresh = [r for r in pool if r.project.name not in used] or [
            r for r in red + yellow if r.project.name not in used
        ]
        pool = fresh
        if money:
            # Moving, holding back or taking back money is worth a decision on a sizeable sum.
            pool = [r for r in pool if r.budget - r.paid >= 50_000] or pool
        if not pool:
            break
        report = pool[0]
        used.add(report.project.name)
        # The office decides on money, the unit's section on how the work goes on.
        decider = cast.office if money else cast.actor(ReportAction.ACCEPT, report.unit_id)
        unpaid = max(report.budget - report.paid, Decimal(0))
        amount = {
            DecisionKind.ADJUST: unpaid * Decimal("0.3"),
            DecisionKind.SUSPEND: unpaid * Decimal("0.5"),
            DecisionKind.STOP: unpaid,
        }.get(kind)
        decided_on = today - dt.timedelta(days=days_ago)
        decision = services.decision_make(
            actor=decider,
            report=report,
            kind=kind,
            reason=DECISION_REASONS[kind],
            working_days=working_days,
            amount=(amount / 1000).to_integral_value(rounding="ROUND_DOWN") * 1000 if amount is not None else None,
            today=decided_on,
        )
        decided_at = _office_hours(_local(dt.datetime.combine(decided_on, dt.time(9))), clock)
        stamps: dict[str, Any] = {"decided_at": decided_at}
        if fate in ("answered", "answered_late", "closed"):
            editor = cast.editors[report.unit_id]
            text = ANSWERS[kind].format(amount=_wan(unpaid * Decimal("0.4")))
            decision = services.decision_answer(actor=editor, decision=decision, text=text)
            due = _local(dt.datetime.combine(decision.due, dt.time(16)))
            answered = (
                due + dt.timedelta(days=clock.uniform(2, 6))
                if fate == "answered_late"
                else decided_at + (due - decided_at) * clock.uniform(0.3, 0.9)
            )
            stamps["followed_at"] = min(_office_hours(answered, clock), now - dt.timedelta(hours=2))
            if fate == "closed":
                decision = services.decision_close(actor=decider, decision=decision)
                closed = stamps["followed_at"] + dt.timedelta(days=clock.uniform(1, 4))
                stamps["closed_at"] = min(_office_hours(closed, clock), now - dt.timedelta(hours=1))
        Decision.objects.with_scope(region=[report.region_id], unit=[report.unit_id]).filter(pk=decision.pk).update(
            **stamps
        )
        made += 1
    return made
