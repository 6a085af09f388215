"""The demo district's results application (结果应用) for the 2027 budget, as it stands today.

Built last, on everything the other demos left: the office drafts a recommendation for every
2026 project from the earlier years' self-evaluations, re-checks and key evaluations, this year's
monitoring decisions and the rectification still open (``services.draft``, the region's linkage
rules). It then goes through the units whose projects finance evaluated — accepting most of their
drafts as they stand and deciding a handful otherwise, each with the reason finance gives in a
budget meeting: a 优 project kept at this year's amount because the 2027 budget is tight, a
压减 turned into 保持 for a policy-mandated payment, a 差 project's budget cancelled outright,
another's cut eased, and a key-evaluated project's cut set between the rule and nothing. The rest
stay drafts for the demo. Every decision goes through the services with its audit entry; the
times are then set to the last weeks of 2027's budget preparation.
"""

import datetime as dt
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from jixiao.accounts.models import User
from jixiao.audit.services import log_action
from jixiao.budget.demo_projects import CURRENT_YEAR
from jixiao.core.access import Role
from jixiao.core.money import yuan_to_wan
from jixiao.goals.demo.writer import number_text
from jixiao.monitoring.compute import update_rows
from jixiao.monitoring.models import Holiday
from jixiao.org.models import FiscalYear, Region
from jixiao.results import services
from jixiao.results.models import Action, Recommendation, Status

SHANGHAI = ZoneInfo("Asia/Shanghai")
BUDGET_YEAR = CURRENT_YEAR + 1
# The units finance goes through first: those whose projects it evaluated itself.
UNITS = ("125", "132", "134", "144", "144001", "146")
ACCEPT_SHARE = 0.85  # of their drafts with an evaluation result
DRAFTED = 16  # days before today the office drafted
# What no budget meeting cancels outright, whatever its self-evaluation.
ESSENTIAL = (
    "应急",
    "消防",
    "救援",
    "安全",
    "防汛",
    "医疗",
    "卫生",
    "疾病",
    "疫",
    "教育",
    "教学",
    "学校",
    "治理",
    "污染",
)
RIGID = ("养老机构运营补贴", "城乡居民基本医疗保险", "城乡居民基本养老保险", "最低生活保障", "特困人员", "抚恤")
NEEDY = ("困难", "慰问", "救助", "补助", "补贴")


@dataclass(frozen=True)
class Override:
    """One draft finance decides otherwise: which (a test on the draft), and what it decides."""

    key: str
    pick: Callable[[Recommendation], bool]
    action: str
    share: Decimal  # of the base amount, to the hundred yuan
    note: str  # {grade} {score} {base} {amount} {name}


def _wan(amount: Decimal) -> str:
    return number_text(yuan_to_wan(amount))


def _keyeval(rec: Recommendation) -> bool:
    return any(r["kind"] == "keyeval" and r["decisive"] for r in rec.reasons)


def _local(rec: Recommendation) -> bool:
    """Paid (nearly) all from the district's own general budget, which the 2027 squeeze hits."""
    return rec.project.fund_general_public >= rec.base * Decimal("0.9")


def _any(rec: Recommendation, words: tuple[str, ...]) -> bool:
    return any(word in rec.project.name for word in words)


OVERRIDES = (
    Override(
        "tight",
        lambda r: r.action == Action.PRIORITY and not r.conditional and _local(r) and not _any(r, RIGID + NEEDY),
        Action.KEEP,
        Decimal(1),
        "{basis}，按规则应优先保障；但{year}年区级可用财力增长有限，新增财力优先保障「三保」支出，"
        "本项目按{prior}年预算规模{base}万元安排，不再增加。",
    ),
    Override(
        "rigid",
        lambda r: r.action == Action.REDUCE and _any(r, RIGID),
        Action.KEEP,
        Decimal(1),
        "{basis}，按规则应压减；但该项目属于按政策标准和保障对象人数据实安排的刚性支出，不宜简单压减。"
        "评价发现的问题已纳入整改，{year}年按保障对象人数和补助标准核定后安排，暂按{base}万元保持。",
    ),
    Override(
        "cancel",
        lambda r: r.action == Action.CUT and r.grade == "差" and not _any(r, NEEDY + ESSENTIAL),
        Action.CUT,
        Decimal(0),
        "{basis}，项目产出难以量化、绩效目标基本未实现，相关工作可由单位基本支出保障，"
        "经局务会研究，{year}年不再安排该项目预算（取消）。",
    ),
    Override(
        "eased",
        lambda r: r.action == Action.CUT and r.grade == "差" and _any(r, NEEDY),
        Action.REDUCE,
        Decimal("0.8"),
        "{basis}，按规则应削减50%；经核实，自评得分低主要是绩效目标设置不合理（目标值偏高、部分指标无法取数），"
        "项目属于民生保障性质，{year}年按压减20%安排{amount}万元，并要求单位重新设置绩效目标。",
    ),
    Override(
        "partial",
        lambda r: r.action == Action.REDUCE and _keyeval(r),
        Action.REDUCE,
        Decimal("0.95"),
        "{basis}，按规则压减10%；重点评价发现的问题已基本整改，考虑省级配套资金要求，{year}年按压减5%安排{amount}万元。",
    ),
)


@dataclass
class Calendar:
    off: set[dt.date]
    on: set[dt.date]

    def workday(self, day: dt.date) -> bool:
        return day not in self.off and (day in self.on or day.weekday() < 5)

    def before(self, today: dt.date, days: int) -> dt.date:
        day = today - dt.timedelta(days=days)
        while not self.workday(day):
            day -= dt.timedelta(days=1)
        return day


@transaction.atomic
def build_results_demo(*, region: Region, seed: int) -> dict[str, int]:
    """The 2027 recommendations drafted from what the other demos left, finance's decisions on
    those of the evaluated units (most accepted, about five decided otherwise with reasons), the
    rest still drafts. Through the services, then dated; one ``results.demo_loaded`` entry.
    Returns counts."""
    rng = random.Random(seed * 73 + 37)
    budget_year = FiscalYear.objects.with_scope(region=[region.pk]).get(year=BUDGET_YEAR)
    office = User.objects.filter(region=region, role=Role.OFFICE, is_active=True).order_by("username").first()
    assert office is not None
    services.draft(actor=office, budget_year=budget_year)
    scope = Recommendation.objects.with_scope(region=[region.pk], unit=None).filter(budget_year=budget_year)
    recs = list(scope.select_related("unit", "project").order_by("unit__code", "code"))
    decided: list[Recommendation] = []
    overridden: set[int] = set()
    for plan in OVERRIDES:
        found = [r for r in recs if r.pk not in overridden and r.status == Status.DRAFT and plan.pick(r)]
        if not found:
            continue
        rec = max(found, key=lambda r: (r.base, r.code)) if plan.key != "cancel" else min(found, key=_score)
        amount = (rec.base * plan.share / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP) * 100
        note = plan.note.format(
            basis=_basis(rec), year=BUDGET_YEAR, prior=BUDGET_YEAR - 1, base=_wan(rec.base), amount=_wan(amount)
        )
        decided.append(
            services.override(actor=office, recommendation=rec, action=plan.action, amount=amount, note=note)
        )
        overridden.add(rec.pk)
    for rec in recs:
        if rec.unit.code not in UNITS or rec.pk in overridden or rec.action == Action.NONE:
            continue
        if rng.random() < ACCEPT_SHARE:
            decided.append(services.accept(actor=office, recommendation=rec))
    _backdate(region, scope, decided, rng)
    fresh = list(scope.values_list("action", "status"))
    actions = Counter(a for a, _ in fresh)
    states = Counter(s for _, s in fresh)
    counts = {
        "recommendations": len(fresh),
        **{f"action_{a}": actions.get(a, 0) for a in Action.values},
        **{f"status_{s}": states.get(s, 0) for s in Status.values},
        "decided": states.get(Status.ACCEPTED, 0) + states.get(Status.OVERRIDDEN, 0),
    }
    log_action(
        actor=None,
        actor_name="jixiao demo",
        action="results.demo_loaded",
        region=region,
        data={"seed": seed, "year": BUDGET_YEAR, **counts},
    )
    return counts


def _score(rec: Recommendation) -> Decimal:
    decisive = [r for r in rec.reasons if r["decisive"]]
    text = decisive[0]["text"] if decisive else ""
    try:
        return Decimal(text.split("分")[0].split()[-1])
    except (ArithmeticError, IndexError, ValueError):
        return Decimal(100)


def _basis(rec: Recommendation) -> str:
    """ "2023年度绩效自评 51.31分「差」" — the grade the draft follows."""
    decisive = [r["text"] for r in rec.reasons if r["decisive"]]
    return "依据" + "、".join(decisive) if decisive else f"评价等级「{rec.grade}」"


def _backdate(
    region: Region, scope: QuerySet[Recommendation], decided: list[Recommendation], rng: random.Random
) -> None:
    """Drafted a little over two weeks ago; decided in the office's budget meetings since."""
    days = Holiday.objects.with_scope(region=[region.pk]).values_list("date", "working")
    calendar = Calendar({d for d, w in days if not w}, {d for d, w in days if w})
    today, now = timezone.localdate(), timezone.now()
    drafted = dt.datetime.combine(calendar.before(today, DRAFTED), dt.time(10, 20), tzinfo=SHANGHAI)
    scope.update(drafted_at=min(drafted, now - dt.timedelta(hours=2)))
    meetings = sorted({calendar.before(today, n) for n in range(2, DRAFTED - 1, 3)})
    for rec in decided:
        day = rng.choice(meetings)
        at = dt.datetime.combine(day, dt.time(9, 0), tzinfo=SHANGHAI) + dt.timedelta(minutes=rng.randint(0, 480))
        rec.decided_at = min(max(at, drafted + dt.timedelta(hours=1)), now - dt.timedelta(minutes=30))
    update_rows(decided, ["decided_at"])
