"""Reads of key evaluation. Finance, auditors and units see evaluations within their reach; an
agency member sees only those assigned to the member's agency, and — until the member signs the
declaration — only enough to sign it (``NotDeclared``)."""

import dataclasses
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Avg, Count, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from jixiao.accounts.permissions import ActorContext, has_perm
from jixiao.budget.models import Execution, Project
from jixiao.core import keyeval as core
from jixiao.core.access import Role
from jixiao.core.money import yuan_to_wan
from jixiao.core.scoring.rules import ScoringRules
from jixiao.evaluation.models import SelfEval
from jixiao.evaluation.models import Status as FormStatus
from jixiao.keyeval.models import VISIBLE_TO_AGENCY, Agency, Declaration, Evaluation, Evidence, Status
from jixiao.keyeval.services import has_declared
from jixiao.monitoring.models import Light, Report

# 民生领域: the domains whose projects reach people directly (education, social security and
# employment, health, housing, agriculture and water), which 10号 asks key evaluation to favour.
LIVELIHOOD_DOMAINS = frozenset({"教育", "社会保障和就业", "卫生健康", "住房保障", "农林水"})
WEAK = ("中", "差")


class NotDeclared(Exception):
    """An agency member opened an assigned evaluation before declaring."""

    def __init__(self, evaluation: Evaluation) -> None:
        super().__init__(evaluation.pk)
        self.evaluation = evaluation


def is_agency(actor: Any) -> bool:
    return getattr(actor, "role", None) == Role.AGENCY


def evaluations(*, actor: Any, ctx: ActorContext) -> QuerySet[Evaluation]:
    """Every evaluation the actor may list: within reach, or (an agency member) assigned to the
    member's agency and not cancelled."""
    if is_agency(actor):
        return Evaluation.objects.with_scope(region=ctx.region_ids, unit=None).filter(
            agency__members=actor, status__in=VISIBLE_TO_AGENCY
        )
    return Evaluation.objects.with_scope(region=ctx.region_ids, unit=ctx.unit_ids).all()


def evaluation_list(
    *,
    actor: Any,
    ctx: ActorContext,
    status: str = "",
    year: int | None = None,
    agency_id: int | None = None,
    q: str = "",
) -> QuerySet[Evaluation]:
    qs = evaluations(actor=actor, ctx=ctx).select_related("unit", "project", "agency", "fiscal_year")
    if status in Status.values:
        qs = qs.filter(status=status)
    if year is not None:
        qs = qs.filter(fiscal_year__year=year)
    if agency_id is not None:
        qs = qs.filter(agency_id=agency_id)
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(unit__name__icontains=q) | Q(agency__name__icontains=q))
    return qs.order_by("-fiscal_year__year", "deadline", "id")


def evaluation_get(*, actor: Any, ctx: ActorContext, pk: int, declared: bool = True) -> Evaluation:
    """The evaluation, or 404 when it is outside the actor's reach (another unit, another agency,
    not yet assigned). An agency member who has not declared gets ``NotDeclared`` unless
    ``declared`` is False (the declaration page itself)."""
    found = (
        evaluations(actor=actor, ctx=ctx)
        .filter(pk=pk)
        .select_related("unit", "project__category", "project__fiscal_year", "agency", "fiscal_year")
        .first()
    )
    if found is None or not has_perm(actor, "keyeval.view"):
        raise Http404("没有找到该重点评价")
    if is_agency(actor):
        if Declaration.objects.filter(evaluation=found, user=actor, conflict=True).exists():
            raise Http404("您已申报回避该评价")
        if declared and not has_declared(actor, found):
            raise NotDeclared(found)
    elif not has_perm(actor, "keyeval.view", found):
        raise Http404("没有找到该重点评价")
    return found


def sees_scores(actor: Any, evaluation: Evaluation) -> bool:
    """The evaluated unit sees the agency's scores and notes once the report is in, not while the
    agency is still scoring: an evaluation under way is the agency's, free of pressure."""
    unit_roles = (Role.UNIT_EDITOR, Role.UNIT_LEADER)
    return getattr(actor, "role", None) not in unit_roles or evaluation.status in (Status.SUBMITTED, Status.RATED)


def sees_fee(actor: Any) -> bool:
    """The fee is finance's business: those who may read the agency registry see it; the units
    and the agencies do not."""
    return has_perm(actor, "agencies.view")


def declarations_for(actor: Any, evaluation: Evaluation) -> QuerySet[Declaration]:
    """The declarations the actor sees: the office (which commissions) and the auditor (who checks
    independence) see conflicts and their reasons too; everyone else only the clean ones."""
    found = evaluation.declarations.select_related("user")
    if getattr(actor, "role", None) in (Role.OFFICE, Role.AUDITOR):
        return found
    return found.filter(conflict=False)


def evidence_get(*, actor: Any, ctx: ActorContext, pk: int) -> Evidence:
    found = Evidence.objects.filter(pk=pk).first()
    if found is None:
        raise Http404("没有找到该文件")
    evaluation = evaluation_get(actor=actor, ctx=ctx, pk=found.evaluation_id)
    if not sees_scores(actor, evaluation):  # working papers are the agency's until the report is in
        raise Http404("没有找到该文件")
    return found


def pending_declarations(*, actor: Any, ctx: ActorContext) -> QuerySet[Evaluation]:
    """Assignments the agency member has not declared on yet."""
    if not is_agency(actor):
        return Evaluation.objects.none()
    return (
        evaluations(actor=actor, ctx=ctx)
        .filter(status__in=(Status.ASSIGNED, Status.WORKING))
        .exclude(declarations__user=actor)
    )


# --- what an evaluation shows -----------------------------------------------------------------


def spent(project: Project) -> Decimal | None:
    total = (
        Execution.objects.with_scope(region=[project.region_id], unit=[project.unit_id])
        .filter(project=project)
        .aggregate(total=Sum("amount"))["total"]
    )
    return total


FUND_FIELDS = (
    ("一般公共预算", "fund_general_public"),
    ("政府性基金预算", "fund_government_fund"),
    ("国有资本经营预算", "fund_state_capital"),
    ("专项债券", "fund_special_bond"),
    ("上级转移支付", "fund_transfer"),
    ("其他资金", "fund_other"),
)


def facts(evaluation: Evaluation, *, scores: bool = True) -> core.Facts:
    """What the report outline is pre-filled with; without the agency's scores and notes when
    ``scores`` is False (the evaluated unit, while the agency is still at work)."""
    from jixiao.keyeval.services import as_core, goal_indicators

    project = evaluation.project
    return core.Facts(
        project=project.name,
        unit=evaluation.unit.name,
        year=evaluation.fiscal_year.year,
        category=project.category.name,
        budget=project.adjusted_budget,
        initial_budget=project.initial_budget,
        spent=spent(project),
        funds={label: getattr(project, name) for label, name in FUND_FIELDS if getattr(project, name)},
        indicators=goal_indicators(project),
        agency=evaluation.agency.name if evaluation.agency else "",
        evaluated_on=evaluation.submitted_at.date() if evaluation.submitted_at else None,
        items=[
            item if scores else dataclasses.replace(item, score=None, note="")
            for item in as_core(list(evaluation.items.all()))
        ],
        description=project.description,
    )


def selfevals_of(evaluation: Evaluation) -> list[SelfEval]:
    """The unit's accepted self-evaluations of the same project (by code), all years."""
    return list(
        SelfEval.objects.with_scope(region=[evaluation.region_id], unit=[evaluation.unit_id])
        .filter(project__code=evaluation.project.code, status=FormStatus.ACCEPTED)
        .select_related("round__fiscal_year")
        .order_by("-round__fiscal_year__year")
    )


# --- agencies ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Record:
    """An agency's track record: how many evaluations, how many rated, the average quality."""

    assigned: int
    rated: int
    quality: Decimal | None
    late: int


def agencies(*, ctx: ActorContext) -> QuerySet[Agency]:
    return Agency.objects.with_scope(region=ctx.region_ids).all()


def agency_get(*, actor: Any, ctx: ActorContext, pk: int) -> Agency:
    found = agencies(ctx=ctx).filter(pk=pk).first()
    if found is None or not has_perm(actor, "agencies.view", found):
        raise Http404("没有找到该机构")
    return found


def records(agency_ids: list[int]) -> dict[int, Record]:
    rows = (
        Evaluation.objects.with_scope(region=None, unit=None)
        .filter(agency_id__in=agency_ids)
        .exclude(status=Status.CANCELLED)
        .values("agency_id")
        .annotate(
            assigned=Count("id"),
            rated=Count("id", filter=Q(status=Status.RATED)),
            quality=Avg("quality", filter=Q(status=Status.RATED)),
        )
    )
    late = defaultdict(int)
    for agency_id, deadline, submitted_at in (
        Evaluation.objects.with_scope(region=None, unit=None)
        .filter(agency_id__in=agency_ids, submitted_at__isnull=False, deadline__isnull=False)
        .values_list("agency_id", "deadline", "submitted_at")
    ):
        if timezone.localdate(submitted_at) > deadline:  # the local day, not UTC's
            late[agency_id] += 1
    found = {
        r["agency_id"]: Record(
            assigned=r["assigned"],
            rated=r["rated"],
            quality=None if r["quality"] is None else Decimal(r["quality"]).quantize(Decimal("0.01")),
            late=late[r["agency_id"]],
        )
        for r in rows
    }
    return {pk: found.get(pk, Record(0, 0, None, 0)) for pk in agency_ids}


# --- selection ----------------------------------------------------------------------------------


@dataclass
class Filters:
    """What the office selects by. Every filter set must hold (they narrow, not widen)."""

    min_amount: Decimal | None = None  # 元
    category_ids: list[int] = field(default_factory=list)
    livelihood: bool = False
    weak: int = 0  # at least this many weak (中/差) accepted self-evaluations up to the year evaluated
    increase: Decimal | None = None  # budget up by at least this percent over the year before
    warnings: bool = False  # a red or yellow light in the year's monitoring
    q: str = ""


@dataclass
class Candidate:
    project: Project
    reasons: list[str]
    weak: int
    increase: Decimal | None
    lights: list[str]
    taken: bool


def candidates(*, ctx: ActorContext, year: int, filters: Filters, limit: int = 500) -> list[Candidate]:
    """Projects of ``year`` matching every filter, each with the reasons it qualifies (which
    become the evaluation's 选定理由)."""
    region_ids = ctx.region_ids
    projects = (
        Project.objects.with_scope(region=region_ids, unit=ctx.unit_ids)
        .filter(fiscal_year__year=year)
        .select_related("unit", "category", "fiscal_year")
        .order_by("-adjusted_budget", "code")
    )
    if filters.min_amount is not None:
        projects = projects.filter(adjusted_budget__gte=filters.min_amount)
    if filters.category_ids:
        projects = projects.filter(category_id__in=filters.category_ids)
    if filters.livelihood:
        projects = projects.filter(category__domain__in=LIVELIHOOD_DOMAINS)
    if filters.q:
        projects = projects.filter(Q(name__icontains=filters.q) | Q(unit__name__icontains=filters.q))
    rows = list(projects)
    codes = [p.code for p in rows]
    weak: dict[str, int] = defaultdict(int)
    grading = ScoringRules.default()
    for code, grade, check in (
        SelfEval.objects.with_scope(region=region_ids, unit=None)
        .filter(project__code__in=codes, status=FormStatus.ACCEPTED, round__fiscal_year__year__lte=year)
        .values_list("project__code", "grade", "check_total")
    ):
        if (grading.grade(check) if check is not None else grade) in WEAK:
            weak[code] += 1
    before = dict(
        Project.objects.with_scope(region=region_ids, unit=None)
        .filter(fiscal_year__year=year - 1, code__in=codes)
        .values_list("code", "adjusted_budget")
    )
    lights: dict[int, set[str]] = defaultdict(set)
    for project_id, light in (
        Report.objects.with_scope(region=region_ids, unit=None)
        .filter(project__in=rows, light__in=(Light.RED, Light.YELLOW))
        .values_list("project_id", "light")
    ):
        lights[project_id].add(light)
    taken = set(
        Evaluation.objects.with_scope(region=region_ids, unit=None)
        .filter(project__in=rows)
        .exclude(status=Status.CANCELLED)
        .values_list("project_id", flat=True)
    )
    found = []
    for p in rows:
        old = before.get(p.code)
        increase = (p.adjusted_budget - old) * 100 / old if old else None
        if filters.weak and weak[p.code] < filters.weak:
            continue
        if filters.increase is not None and (increase is None or increase < filters.increase):
            continue
        if filters.warnings and not lights[p.pk]:
            continue
        reasons = [f"项目资金 {yuan_to_wan(p.adjusted_budget)} 万元"]
        if p.category.domain in LIVELIHOOD_DOMAINS:
            reasons.append(f"民生项目（{p.category.domain}）")
        if p.is_major:
            reasons.append("重大项目")
        if weak[p.code]:
            reasons.append(f"以往自评 {weak[p.code]} 次为「中」或「差」")
        if increase is not None and increase >= 20:
            reasons.append(f"预算较上年增长 {increase.quantize(Decimal('0.1'))}%")
        if lights[p.pk]:
            shown = "、".join(Light(x).label for x in (Light.RED, Light.YELLOW) if x in lights[p.pk])
            reasons.append(f"运行监控亮{shown}")
        found.append(
            Candidate(
                project=p,
                reasons=reasons,
                weak=weak[p.code],
                increase=None if increase is None else increase.quantize(Decimal("0.1")),
                lights=sorted(lights[p.pk]),
                taken=p.pk in taken,
            )
        )
        if len(found) >= limit:
            break
    return found
