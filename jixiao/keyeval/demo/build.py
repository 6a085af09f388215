"""Building the key evaluation demo: the three agencies and their people, the 2022 round the seed
report tells of (渌财通【2023】23号), the 2023 round the rectification demo quotes, and this
year's 事中评价 round as it stands today — every step through the services, then dated."""

import datetime as dt
import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from jixiao.accounts.models import User
from jixiao.budget.demo_projects import CURRENT_MONTHS, CURRENT_YEAR
from jixiao.budget.models import Project
from jixiao.core import keyeval as core
from jixiao.core.access import Role
from jixiao.core.money import yuan_to_wan
from jixiao.goals.demo.writer import wan
from jixiao.keyeval import services
from jixiao.keyeval.demo import writing
from jixiao.keyeval.models import Agency, Declaration, Evaluation, Item, Status
from jixiao.keyeval.selectors import LIVELIHOOD_DOMAINS, spent
from jixiao.monitoring.demo import files
from jixiao.monitoring.models import Holiday
from jixiao.org.models import Region

SHANGHAI = ZoneInfo("Asia/Shanghai")
Day = dt.date | int  # a date, or days before today


@dataclass(frozen=True)
class AgencyPlan:
    key: str
    name: str
    credit_code: str
    contact: str
    phone: str
    email: str
    address: str
    qualifications: str
    username: str  # its evaluator's login (``dsf`` exists; the others are made here)
    full_name: str


AGENCIES = (
    AgencyPlan(
        "xiangjiang",
        "湖南湘江会计师事务所有限公司",
        "91430100MA4L3Q8X2T",
        "赵磊",
        "0731-84158826",
        "xiangjiang_jxpj@163.com",
        "长沙市芙蓉区五一大道389号华美欧国际大厦18楼",
        "会计师事务所执业证书；湖南省财政厅预算绩效管理第三方机构库入库机构；近三年承接省、市、县（区）"
        "财政重点绩效评价和部门整体支出评价项目40余项。",
        "dsf",
        "赵磊",
    ),
    AgencyPlan(
        "tianheng",
        "湖南天衡工程项目管理咨询有限公司",
        "91430200MA4PB6W31N",
        "彭志刚",
        "0731-28861532",
        "tianheng_zx@126.com",
        "株洲市天元区长江北路9号天易科技城A座12楼",
        "工程咨询单位乙级资信、工程造价咨询企业；近三年承接交通、市政、水利类项目绩效评价和造价审核60余项。",
        "dsf2",
        "彭志刚",
    ),
    AgencyPlan(
        "zhengxin",
        "株洲正信会计师事务所（普通合伙）",
        "91430202MA4R2KD87C",
        "谭晓燕",
        "0731-22667815",
        "zzzhengxin@163.com",
        "株洲市芦淞区建设中路168号",
        "会计师事务所执业证书；株洲市财政局预算绩效评价中介机构备选库成员；近三年承接民政、农业类专项资金"
        "绩效评价和专项审计20余项。",
        "dsf3",
        "谭晓燕",
    ),
)
REGISTERED = dt.datetime(2023, 9, 20, 15, 10, tzinfo=SHANGHAI)


@dataclass(frozen=True)
class RoundPlan:
    year: int  # the evaluated fiscal year
    notice: str
    selected: Day
    midyear: bool = False


ROUNDS = {
    2022: RoundPlan(
        2022, "《株洲市渌口区财政局关于开展2023年度财政绩效评价工作的通知》（渌财通【2023】23号）", dt.date(2023, 9, 26)
    ),
    2023: RoundPlan(
        2023, "《株洲市渌口区财政局关于开展2024年度财政绩效评价工作的通知》（渌财通【2024】17号）", dt.date(2024, 5, 21)
    ),
    CURRENT_YEAR: RoundPlan(
        CURRENT_YEAR,
        f"《株洲市渌口区财政局关于开展{CURRENT_YEAR}年度财政重点绩效评价工作的通知》（渌财通【{CURRENT_YEAR}】24号）",
        78,
        midyear=True,
    ),
}


@dataclass(frozen=True)
class Plan:
    """One evaluation: the project (unit code, name, year), where it ends up and when each step
    was taken. ``steps``: select (the round's unless given), assign, declare, submit, return,
    resubmit, rate, cancel, reassign — dates, or days before today."""

    key: str
    unit: str
    name: str
    year: int
    fate: str  # rated, returned, submitted, working, assigned, selected, cancelled
    agency: str = ""
    total: Decimal | None = None
    quality: Decimal | None = None
    deadline: Day | None = None
    steps: dict[str, Day] = field(default_factory=dict)
    reasons: tuple[str, ...] = ()
    first_agency: str = ""  # the agency first commissioned (reassigned, or commissioned and cancelled)


def _d(y: int, m: int, d: int) -> dt.date:
    return dt.date(y, m, d)


PLANS: tuple[Plan, ...] = (
    # The seed's five of the 2022 round (渌财通【2023】23号), commissioned in October 2023.
    Plan(
        "road_safety", "132", "农村公路安防", 2022, "rated", "tianheng", Decimal("76.5"), Decimal(85),
        _d(2023, 12, 22),
        {"assign": _d(2023, 10, 11), "declare": _d(2023, 10, 13), "submit": _d(2023, 12, 19), "rate": _d(2024, 1, 9)},
        ("道路交通安全民生实事项目",),
    ),
    Plan(
        "street_lights", "144", "路灯维护", 2022, "rated", "tianheng", Decimal(86), Decimal(80),
        _d(2023, 12, 22),
        {"assign": _d(2023, 10, 11), "declare": _d(2023, 10, 16), "submit": _d(2023, 12, 21), "rate": _d(2024, 1, 10)},
        ("社会关注度高，12345热线路灯不亮投诉较多",),
    ),
    Plan(
        "garbage", "144001", "生活垃圾收集和压缩", 2022, "rated", "xiangjiang", Decimal("88.5"), Decimal(90),
        _d(2023, 12, 29),
        {"assign": _d(2023, 10, 11), "declare": _d(2023, 10, 12), "submit": _d(2023, 12, 27), "rate": _d(2024, 1, 12)},
        ("城乡环境卫生重点支出",),
    ),
    Plan(
        "elderly_care", "146", "养老机构运营补贴和公办养老院运转经费", 2022, "returned", "zhengxin",
        Decimal(78), Decimal(72), _d(2023, 12, 15),
        {
            "assign": _d(2023, 10, 11),
            "declare": _d(2023, 10, 17),
            "submit": _d(2023, 12, 14),
            "return": _d(2023, 12, 20),
            "resubmit": _d(2024, 1, 5),
            "rate": _d(2024, 1, 19),
        },
        ("养老服务民生项目",),
    ),
    Plan(
        "produce_checks", "134", "农产品质量安全抽检专项", 2022, "rated", "zhengxin", Decimal("91.5"), Decimal(84),
        _d(2023, 12, 15),
        {"assign": _d(2023, 10, 11), "declare": _d(2023, 10, 12), "submit": _d(2023, 12, 12), "rate": _d(2023, 12, 22)},
        ("食品安全民生项目",),
    ),
    # The 2023 round, both by 湖南湘江 (the rectification demo quotes their scores).
    Plan(
        "nutrition", "125", "农村义务教育学生营养改善计划", 2023, "rated", "xiangjiang", Decimal("81.5"), Decimal(92),
        _d(2024, 8, 23),
        {"assign": _d(2024, 6, 4), "declare": _d(2024, 6, 5), "submit": _d(2024, 8, 20), "rate": _d(2024, 9, 6)},
        ("2023年度自评得分较高，需核实自评质量",),
    ),
    Plan(
        "cement", "144001", "华新水泥垃圾处置费", 2023, "rated", "xiangjiang", Decimal(84), Decimal(88),
        _d(2024, 8, 23),
        {"assign": _d(2024, 6, 4), "declare": _d(2024, 6, 6), "submit": _d(2024, 8, 22), "rate": _d(2024, 9, 13)},
        ("2023年纳入财政重点监控", "年中追加预算"),
    ),
    # This year's 事中评价, as it stands today.
    Plan(
        "dibao", "146", "城乡最低生活保障", CURRENT_YEAR, "submitted", "xiangjiang", Decimal("83.5"),
        deadline=75, steps={"assign": 64, "declare": 62, "submit": 8}, reasons=("兜底保障重点支出",),
    ),
    Plan(
        "sewage", "131", "城镇污水处理厂运营服务费", CURRENT_YEAR, "submitted", "tianheng", Decimal(74),
        deadline=75, steps={"assign": 64, "declare": 61, "submit": 4}, reasons=("1—8月预算执行进度滞后",),
    ),
    Plan(
        "tekun", "146", "特困人员救助供养", CURRENT_YEAR, "working", "zhengxin",
        deadline=60, steps={"assign": 64, "declare": 57}, reasons=("兜底保障重点支出",),
    ),
    Plan(
        "bus", "132", "城市公交运营补贴", CURRENT_YEAR, "assigned", "xiangjiang",
        deadline=70, steps={"assign": 64, "reassign": 5}, reasons=("1—8月预算执行进度滞后",), first_agency="tianheng",
    ),
    Plan(
        "after_school", "125", "义务教育课后服务补助", CURRENT_YEAR, "selected",
        steps={"select": 9}, reasons=("区政府常务会议要求增列",),
    ),
    Plan(
        "rural_revival", "134", "中央财政衔接推进乡村振兴补助资金", CURRENT_YEAR, "cancelled",
        deadline=75, steps={"assign": 64, "cancel": 40}, reasons=("资金规模大，涉及面广",), first_agency="tianheng",
    ),
)  # fmt: skip


@dataclass
class Cast:
    office: User
    agencies: dict[str, Agency]
    evaluators: dict[str, User]  # by agency key


@dataclass
class Clock:
    """Office hours on working days, from the region's calendar."""

    rng: random.Random
    today: dt.date
    now: dt.datetime
    off: set[dt.date]
    on: set[dt.date]

    def day(self, value: Day) -> dt.date:
        if isinstance(value, dt.date):
            return value
        found = self.today - dt.timedelta(days=value)
        while not self.workday(found) and found > self.today - dt.timedelta(days=value + 7):
            found -= dt.timedelta(days=1)
        return found

    def workday(self, value: dt.date) -> bool:
        return value not in self.off and (value in self.on or value.weekday() < 5)

    def at(self, value: Day) -> dt.datetime:
        morning = self.rng.random() < 0.5
        minutes = self.rng.randint(0, 165) if morning else self.rng.randint(0, 180)
        start = dt.time(9, 0) if morning else dt.time(14, 30)
        moment = dt.datetime.combine(self.day(value), start, tzinfo=SHANGHAI) + dt.timedelta(minutes=minutes)
        return min(moment, self.now - dt.timedelta(minutes=self.rng.randint(30, 120)))


@transaction.atomic
def build_keyeval_demo(*, region: Region, seed: int) -> dict[str, int]:
    """The three agencies with their evaluators and fourteen key evaluations: the seed's five of
    2022 and the two of 2023 the rectification demo quotes, rated (one after a return); this
    year's in every state — two reports waiting for the office, two under way, one commissioned
    but not yet declared by ``dsf``, one selected without an agency and one cancelled. Every step
    goes through ``jixiao.keyeval.services`` with its audit entry; the times are then set to when
    each step was taken. Returns counts."""
    rng = random.Random(seed * 71 + 31)
    today, now = timezone.localdate(), timezone.now()
    days = Holiday.objects.with_scope(region=[region.pk]).values_list("date", "working")
    clock = Clock(random.Random(rng.random()), today, now, {d for d, w in days if not w}, {d for d, w in days if w})
    cast = _cast(region, rng)
    projects = _projects(region)
    made: list[tuple[Plan, Evaluation, dict[str, dt.datetime]]] = []
    for year, round_ in ROUNDS.items():
        plans = [p for p in PLANS if p.year == year and (p.key, year) in projects]
        # The round's projects together; one added later on its own.
        groups = [([p for p in plans if "select" not in p.steps], round_.selected)]
        groups += [([p], p.steps["select"]) for p in plans if "select" in p.steps]
        for group, when in groups:
            if not group:
                continue
            chosen = [projects[(p.key, year)] for p in group]
            selected = services.evaluation_select(
                actor=cast.office,
                projects=chosen,
                reasons={pr.pk: _reasons(pr, p) for pr, p in zip(chosen, group, strict=True)},
                requirements=writing.requirements(round_.notice, year, midyear=round_.midyear),
            )
            at = clock.at(when)
            made += [(plan, evaluation, {"select": at}) for plan, evaluation in zip(group, selected, strict=True)]
    for plan, evaluation, times in made:
        _carry(plan, evaluation, times, cast, clock, ROUNDS[plan.year], seed)
    _backdate(region, made, cast)
    states = Counter(e.status for _, e, _ in made)
    grades = Counter(e.grade for _, e, _ in made if e.status == Status.RATED)
    return {
        "evaluations": len(made),
        "agencies": len(cast.agencies),
        **{f"status_{s}": states.get(s, 0) for s in Status.values},
        "grade_excellent": grades.get("优", 0),
        "grade_good": grades.get("良", 0),
        "grade_fair": grades.get("中", 0),
        "grade_poor": grades.get("差", 0),
        "returned": sum(e.returns > 0 for _, e, _ in made),
        "users": len(cast.evaluators) - 1,
    }


# --- agencies and evaluators ------------------------------------------------------------------


def _cast(region: Region, rng: random.Random) -> Cast:
    """``dsf`` (a demo login) and two more evaluators, the three agencies registered by the
    office with them as members. The new accounts share ``dsf``'s password hash: the demo
    password, hashed once."""
    users = {u.username: u for u in User.objects.filter(region=region, role__in=(Role.OFFICE, Role.AGENCY))}
    office = next(u for u in sorted(users.values(), key=lambda u: u.username) if u.role == Role.OFFICE)
    model = users["dsf"]
    now = timezone.now()
    evaluators: dict[str, User] = {}
    for plan in AGENCIES:
        user = users.get(plan.username)
        if user is None:
            user = User.objects.create(
                username=plan.username,
                full_name=plan.full_name,
                role=Role.AGENCY,
                region=region,
                organization=plan.name,
                phone=f"0731-{rng.randint(22000000, 22999999)}",
                password=model.password,
                password_changed_at=now,
            )
        evaluators[plan.key] = user
    agencies = {}
    for plan in AGENCIES:
        agencies[plan.key] = services.agency_save(
            actor=office,
            region=region,
            data=services.AgencyIn(
                name=plan.name,
                contact=plan.contact,
                phone=plan.phone,
                credit_code=plan.credit_code,
                qualifications=plan.qualifications,
                email=plan.email,
                address=plan.address,
                member_ids=[evaluators[plan.key].pk],
            ),
        )
    return Cast(office, agencies, evaluators)


def _projects(region: Region) -> dict[tuple[str, int], Project]:
    wanted = {(p.unit, p.name, p.year): p.key for p in PLANS}
    found = (
        Project.objects.with_scope(region=[region.pk], unit=None)
        .filter(name__in={p.name for p in PLANS}, fiscal_year__year__in=set(ROUNDS))
        .select_related("unit", "fiscal_year", "category")
    )
    return {
        (wanted[key], p.fiscal_year.year): p
        for p in found
        if (key := (p.unit.code, p.name, p.fiscal_year.year)) in wanted
    }


def _reasons(project: Project, plan: Plan) -> list[str]:
    """The 选定理由 the selection page gives (amount, 民生, 重大), and the office's own."""
    reasons = [f"项目资金 {yuan_to_wan(project.adjusted_budget)} 万元"]
    if project.category.domain in LIVELIHOOD_DOMAINS:
        reasons.append(f"民生项目（{project.category.domain}）")
    if project.is_major:
        reasons.append("重大项目")
    return reasons + list(plan.reasons)


def fee(budget: Decimal) -> Decimal:
    """3 to 12 万元, growing with the money evaluated (a little under its 0.6th power)."""
    share = min(float(budget) / 25_000_000, 1.0) ** 0.6
    return (Decimal(30_000 + 90_000 * share) / 1000).quantize(Decimal(1), rounding=ROUND_HALF_UP) * 1000


# --- each evaluation's way -----------------------------------------------------------------------


def _execution(project: Project) -> tuple[Decimal, str] | None:
    """预算执行率 as the evaluator scores it: the year's payments over the adjusted budget; for
    this year (事中), the payments imported so far over the time elapsed."""
    paid = spent(project) or Decimal(0)
    budget = project.adjusted_budget
    if not budget:
        return None
    rate = paid / budget * 100
    if project.fiscal_year.year < CURRENT_YEAR:
        text = (
            f"{project.fiscal_year.year}年实际支出{yuan_to_wan(paid)}万元，预算执行率{rate.quantize(Decimal('0.1'))}%"
        )
        return rate, text
    due = Decimal(CURRENT_MONTHS) / 12 * 100
    text = (
        f"截至{CURRENT_MONTHS}月底支出{yuan_to_wan(paid)}万元，预算执行率{rate.quantize(Decimal('0.1'))}%，"
        f"序时进度{due.quantize(Decimal('0.1'))}%"
    )
    return rate / due * 100, text


def _rows(items: Sequence[Item], scored: writing.Scored) -> list[services.ItemIn]:
    return [
        services.ItemIn(
            level1=i.level1,
            level2=i.level2,
            level3=i.level3,
            weight=i.weight,
            explanation=i.explanation,
            standard=i.standard,
            score=s,
            note=note if s is not None else "",
        )
        for i, s, note in zip(items, scored.scores, scored.notes, strict=True)
    ]


def _report(
    plan: Plan, evaluation: Evaluation, round_: RoundPlan, scored: writing.Scored, on: dt.date, *, revised: bool = False
) -> SimpleUploadedFile:
    project = evaluation.project
    title = f"{project.name}{plan.year}年度财政重点绩效评价报告"
    assert evaluation.agency is not None
    lines = writing.report_lines(
        unit=evaluation.unit.name,
        project=project.name,
        year=plan.year,
        budget=project.adjusted_budget,
        agency=evaluation.agency.name,
        notice=round_.notice.split("（")[-1].rstrip("）"),
        texts=writing.TEXTS[plan.key],
        scored=scored,
        grade=core.grade(scored.total),
        on=on,
        revised=revised,
    )
    name = f"{title}（修改稿）.pdf" if revised else f"{title}.pdf"
    return SimpleUploadedFile(name, files.pdf(title, lines), content_type="application/pdf")


def _carry(
    plan: Plan,
    evaluation: Evaluation,
    times: dict[str, dt.datetime],
    cast: Cast,
    clock: Clock,
    round_: RoundPlan,
    seed: int,
) -> None:
    """Take the evaluation through its steps with the services, noting when each was taken."""
    office = cast.office
    steps = plan.steps
    if plan.fate == "selected":
        return
    first = cast.agencies[plan.first_agency or plan.agency]
    assigned = clock.day(steps["assign"])
    deadline = plan.deadline
    assert deadline is not None
    due = deadline if isinstance(deadline, dt.date) else assigned + dt.timedelta(days=deadline)
    services.evaluation_assign(
        actor=office,
        evaluation=evaluation,
        agency=first,
        deadline=due,
        fee=fee(evaluation.project.adjusted_budget),
        today=assigned,
    )
    _mark(times, "assign", steps["assign"], clock)
    if plan.fate == "cancelled":
        services.evaluation_cancel(
            actor=office, evaluation=evaluation, reason=writing.CANCEL_REASON.format(year=plan.year)
        )
        _mark(times, "cancel", steps["cancel"], clock)
        _refresh(evaluation)
        return
    if "reassign" in steps:
        again = clock.day(steps["reassign"])
        agency = cast.agencies[plan.agency]
        services.evaluation_assign(
            actor=office,
            evaluation=evaluation,
            agency=agency,
            deadline=again + dt.timedelta(days=int(deadline) if isinstance(deadline, int) else 70),
            fee=fee(evaluation.project.adjusted_budget),
            requirements=evaluation.requirements + writing.REASSIGN.format(old=first.name, new=agency.name),
            today=again,
        )
        _mark(times, "assign", steps["reassign"], clock)
    _refresh(evaluation)
    if plan.fate == "assigned":
        return
    evaluator = cast.evaluators[plan.agency]
    services.declare(actor=evaluator, evaluation=evaluation, conflict=False)
    _mark(times, "declare", steps["declare"], clock)
    items = list(evaluation.items.all())
    texts = writing.TEXTS[plan.key]
    project = evaluation.project
    execution = _execution(project)
    rng = random.Random(f"{seed}:keyeval:{plan.key}")
    if plan.fate == "working":
        scored = writing.partly(items, texts, execution=execution, upto=3 if plan.key == "tekun" else 4)
        services.items_save(actor=evaluator, evaluation=evaluation, rows=_rows(items, scored))
        _refresh(evaluation)
        return
    assert plan.total is not None
    values = {
        "extra": wan(project.adjusted_budget * Decimal("0.0062")),
        "topup": wan(project.adjusted_budget - project.initial_budget),
    }
    final = writing.score(items, texts, total=plan.total, execution=execution, rng=rng, values=values)
    agency_name = cast.agencies[plan.agency].name
    budget = project.adjusted_budget

    def hand_in(scored: writing.Scored, key: str, *, revised: bool = False) -> None:
        services.items_save(actor=evaluator, evaluation=evaluation, rows=_rows(items, scored))
        on = clock.day(steps[key])
        text = writing.conclusion(
            project=project.name,
            unit=evaluation.unit.name,
            year=plan.year,
            budget=budget,
            agency=agency_name,
            grade=core.grade(scored.total),
            scored=scored,
            texts=texts,
        )
        report = _report(plan, evaluation, round_, scored, on, revised=revised)
        services.submit(actor=evaluator, evaluation=evaluation, conclusion=text, report=report)
        _mark(times, key, steps[key], clock)

    if plan.fate == "returned":
        skip = frozenset({texts.added_on_return})
        lost = next(x.points for x in texts.losses if x.where == texts.added_on_return)
        first_try = writing.score(
            items, texts, total=plan.total + lost, execution=execution, rng=random.Random(f"{seed}:keyeval:{plan.key}"),
            values=values, skip=skip,
        )  # fmt: skip
        hand_in(first_try, "submit")
        services.return_report(actor=office, evaluation=evaluation, note=texts.return_note)
        _mark(times, "return", steps["return"], clock)
        hand_in(final, "resubmit", revised=True)
    else:
        hand_in(final, "submit")
    if plan.fate in ("rated", "returned"):
        assert plan.quality is not None
        services.rate(actor=office, evaluation=evaluation, quality=plan.quality, note=texts.quality_note)
        _mark(times, "rate", steps["rate"], clock)
    _refresh(evaluation)


def _mark(times: dict[str, dt.datetime], key: str, value: Day, clock: Clock) -> None:
    """When a step was taken: in office hours on its day, after the step before it."""
    at, last = clock.at(value), max(times.values())
    day = timezone.localdate(last)
    while at <= last and day < clock.today - dt.timedelta(days=1):
        # Two steps on the same day before a holiday: the later one on the next working day.
        day += dt.timedelta(days=1)
        if clock.workday(day):
            at = clock.at(day)
    if at <= last:
        at = last + dt.timedelta(minutes=clock.rng.randint(25, 140))
    times[key] = at


def _refresh(evaluation: Evaluation) -> None:
    """The services write through their own locked copy: bring ours up to date."""
    fresh = Evaluation.objects.with_scope(region=[evaluation.region_id], unit=[evaluation.unit_id]).get(
        pk=evaluation.pk
    )
    for f in Evaluation._meta.concrete_fields:
        setattr(evaluation, f.attname, getattr(fresh, f.attname))


# --- the times -----------------------------------------------------------------------------------


def _backdate(region: Region, made: Sequence[tuple[Plan, Evaluation, dict[str, dt.datetime]]], cast: Cast) -> None:
    """The services stamped everything now; each step was taken when its plan says. (The audit
    entries keep the moment they were written: the log is append-only.)"""
    scope = Evaluation.objects.with_scope(region=[region.pk], unit=None)
    for _, evaluation, times in made:
        stamps: dict[str, dt.datetime | None] = {"created_at": times["select"]}
        if "assign" in times:
            stamps["assigned_at"] = times["assign"]
        last = times.get("resubmit") or times.get("submit")
        if last is not None:
            stamps["submitted_at"] = last
        if "rate" in times:
            stamps["rated_at"] = times["rate"]
        scope.filter(pk=evaluation.pk).update(**stamps)
        if "declare" in times:
            Declaration.objects.filter(evaluation_id=evaluation.pk).update(signed_at=times["declare"])
    Agency.objects.with_scope(region=[region.pk]).filter(pk__in=[a.pk for a in cast.agencies.values()]).update(
        created_at=REGISTERED
    )


def logins_text() -> str:
    """The agencies' evaluators made here, as ``org.demo.logins_text`` lists the demo logins
    (same password); empty when the demo was built without them."""
    from jixiao.core.access import ROLE_LABELS

    made = {plan.username: plan for plan in AGENCIES if plan.username != "dsf"}
    found = User.objects.filter(username__in=made, role=Role.AGENCY).values_list("username", flat=True)
    return "\n".join(
        f"  {name:<8} {ROLE_LABELS[Role.AGENCY]:<10} {made[name].full_name} {made[name].name}" for name in sorted(found)
    )
