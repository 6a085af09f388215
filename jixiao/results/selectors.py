"""Reads of results application, and the facts a recommendation is drafted from."""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404
from django.urls import NoReverseMatch, reverse

from jixiao.accounts.permissions import ActorContext, has_perm
from jixiao.budget import selectors as budget_selectors
from jixiao.budget.models import Project
from jixiao.core import linkage
from jixiao.core.scoring.rules import ScoringRules
from jixiao.evaluation.compute import rules_of
from jixiao.evaluation.models import SelfEval
from jixiao.evaluation.models import Status as FormStatus
from jixiao.keyeval.models import Evaluation
from jixiao.keyeval.models import Status as KeyStatus
from jixiao.monitoring.models import Decision
from jixiao.org.models import FiscalYear, Region
from jixiao.rectification.models import Item
from jixiao.rectification.models import Status as ItemStatus
from jixiao.results.models import Action, LinkageRules, Recommendation, Status

CONDITIONAL = "conditional"  # the list's pseudo action: funded only after rectification
ZERO = Decimal(0)


def default_budget_year(ctx: ActorContext) -> FiscalYear | None:
    """The budget year results application works on unless another is chosen: the year after the
    one being worked in (in the autumn the bureau prepares next year's budget from this year's
    and earlier results) when the region has it, else the year being worked in."""
    if ctx.fiscal_year is None:
        return None
    return next((y for y in ctx.fiscal_years if y.year == ctx.fiscal_year.year + 1), ctx.fiscal_year)


def recommendations(*, ctx: ActorContext) -> QuerySet[Recommendation]:
    """Every recommendation of the context's region within the actor's units."""
    return Recommendation.objects.with_scope(region=ctx.region_ids, unit=ctx.unit_ids).all()


def recommendation_list(
    *,
    ctx: ActorContext,
    year: int,
    action: str = "",
    status: str = "",
    unit_id: int | None = None,
    q: str = "",
) -> QuerySet[Recommendation]:
    """The recommendations for budget year ``year``, filtered; unknown filter values are ignored."""
    qs = recommendations(ctx=ctx).filter(budget_year__year=year).select_related("unit", "project", "decided_by")
    if action == CONDITIONAL:
        qs = qs.filter(conditional=True)
    elif action in Action.values:
        qs = qs.filter(action=action)
    if status in Status.values:
        qs = qs.filter(status=status)
    if unit_id is not None:
        qs = qs.filter(unit_id=unit_id)
    if q:
        qs = qs.filter(Q(project__name__icontains=q) | Q(code__icontains=q) | Q(unit__name__icontains=q))
    return qs.order_by("unit__code", "code")


def counts(qs: QuerySet[Recommendation]) -> dict[str, Any]:
    """How many recommendations per action (with the conditional ones) and per status."""
    by_action = dict(qs.order_by().values_list("action").annotate(n=Count("id")))
    by_status = dict(qs.order_by().values_list("status").annotate(n=Count("id")))
    return {
        "total": sum(by_status.values()),
        "actions": [(value, label, by_action.get(value, 0)) for value, label in Action.choices],
        "conditional": qs.filter(conditional=True).count(),
        "statuses": [(value, label, by_status.get(value, 0)) for value, label in Status.choices],
    }


def totals(qs: QuerySet[Recommendation]) -> dict[str, Decimal]:
    """Base, suggested and decided amounts (元) of ``qs``; decided counts accepted and overridden."""
    found = qs.order_by().aggregate(
        base=Sum("base"),
        amount=Sum("amount"),
        decided=Sum("final_amount", filter=~Q(status=Status.DRAFT)),
    )
    return {key: value or ZERO for key, value in found.items()}


def recommendation_get(*, actor: Any, ctx: ActorContext, pk: int) -> Recommendation:
    """One recommendation within the actor's reach (another unit's → 404)."""
    found = (
        recommendations(ctx=ctx)
        .filter(pk=pk)
        .select_related("unit", "project__fiscal_year", "budget_year", "decided_by")
        .first()
    )
    if found is None or not has_perm(actor, "results.view", found):
        raise Http404("没有找到该结果应用建议")
    return found


def for_project(project: Project) -> list[Recommendation]:
    """The recommendations that concern a project (the project page reads the same list through
    the app registry, as budget sits to the left of results). The caller has already checked
    that the actor may see ``project``."""
    return budget_selectors.recommendations_for(project)


def rules_in_force(region: Region) -> linkage.LinkageRules:
    """The region's latest saved rules, or the shipped defaults."""
    saved = rules_history(region).first()
    return linkage.LinkageRules.default() if saved is None else linkage.LinkageRules.from_data(saved.data)


def rules_history(region: Region) -> QuerySet[LinkageRules]:
    return (
        LinkageRules.objects.with_scope(region=[region.pk])
        .filter(region=region)
        .select_related("created_by")
        .order_by("-created_at", "-id")
    )


# A reason's reference → (URL name, permission needed to open it).
LINKS: dict[str, tuple[str, str]] = {
    "selfeval": ("evaluation:form_detail", "evaluation.view"),
    "keyeval": ("keyeval:evaluation_detail", "keyeval.view"),
    "report": ("monitoring:report_detail", "monitoring.view"),
    "rectification": ("rectification:item_detail", "rectification.view"),
}


def link(ref: str) -> str:
    """The page a reason's reference points to ("selfeval:12" → the self-evaluation form), or ""."""
    kind, _, pk = ref.partition(":")
    if kind not in LINKS or not (pk.isascii() and pk.isdecimal()):
        return ""
    try:
        return reverse(LINKS[kind][0], args=[int(pk)])
    except NoReverseMatch:  # the target app has no page for it (yet)
        return ""


@dataclass(frozen=True)
class ReasonRow:
    kind: str
    text: str
    url: str
    decisive: bool


KIND_LABELS = {
    "selfeval": "单位自评",
    "recheck": "财政复核",
    "keyeval": "财政重点评价",
    "decision": "监控处理决定",
    "rectification": "整改",
}


def reasons_for(*, actor: Any, recommendation: Recommendation) -> list[ReasonRow]:
    """The stored reasons, each linked to its source when the actor may open that kind of page."""
    rows = []
    for reason in recommendation.reasons:
        ref = str(reason.get("ref", ""))
        kind = ref.partition(":")[0]
        allowed = kind in LINKS and has_perm(actor, LINKS[kind][1])
        rows.append(
            ReasonRow(
                kind=KIND_LABELS.get(str(reason.get("kind", "")), ""),
                text=str(reason.get("text", "")),
                url=link(ref) if allowed else "",
                decisive=bool(reason.get("decisive")),
            )
        )
    return rows


def explanation(recommendation: Recommendation) -> str:
    """The recommendation in one Chinese sentence (``linkage.explain``)."""
    return linkage.explain(
        linkage.Recommendation(
            action=recommendation.action,
            label=recommendation.label,
            cut=recommendation.cut,
            amount=recommendation.amount,
            grade=recommendation.grade or None,
            reasons=tuple(
                linkage.Reason(
                    kind=str(r.get("kind", "")),
                    text=str(r.get("text", "")),
                    ref=str(r.get("ref", "")),
                    decisive=bool(r.get("decisive")),
                )
                for r in recommendation.reasons
            ),
            conditional=recommendation.conditional,
        )
    )


def facts_for(projects: list[Project], budget_year: int) -> dict[int, linkage.Facts]:
    """The results known for each project (by code, every year before ``budget_year``): the
    latest accepted self-evaluation and finance's re-check of it, the latest rated key
    evaluation unless it is older than that self-evaluation, the monitoring decisions on the project itself, and its rectification not
    closed (or closed since the earliest project's year). Five queries whatever the number of
    projects."""
    if not projects:
        return {}
    region_ids = sorted({p.region_id for p in projects})
    codes = [p.code for p in projects]
    grades: dict[str, list[linkage.Grade]] = defaultdict(list)
    grading: dict[int, ScoringRules] = {}
    seen: set[str] = set()
    selfeval_year: dict[str, int] = {}
    for form in (
        SelfEval.objects.with_scope(region=region_ids, unit=None)
        .filter(project__code__in=codes, status=FormStatus.ACCEPTED, round__fiscal_year__year__lt=budget_year)
        .select_related("round__fiscal_year", "project")
        .order_by("-round__fiscal_year__year", "-id")
    ):
        assert form.project is not None
        code = form.project.code
        if code in seen or form.grade not in linkage.GRADES:
            continue
        seen.add(code)
        year = form.round.fiscal_year.year
        selfeval_year[code] = year
        grades[code].append(
            linkage.Grade(
                source="selfeval",
                grade=form.grade,
                score=form.total,
                label=f"{year}年度绩效自评",
                ref=f"selfeval:{form.pk}",
            )
        )
        if form.check_total is not None:
            # The re-check is graded by the bands the round froze when it opened (10号 附件).
            if form.round_id not in grading:
                grading[form.round_id] = rules_of(form.round)
            grades[code].append(
                linkage.Grade(
                    source="recheck",
                    grade=grading[form.round_id].grade(form.check_total),
                    score=form.check_total,
                    label=f"{year}年度绩效自评财政抽查复核",
                    ref=f"selfeval:{form.pk}",
                )
            )
    seen = set()
    for ev in (
        Evaluation.objects.with_scope(region=region_ids, unit=None)
        .filter(project__code__in=codes, status=KeyStatus.RATED, fiscal_year__year__lt=budget_year)
        .select_related("fiscal_year", "project")
        .order_by("-fiscal_year__year", "-id")
    ):
        code = ev.project.code
        if code in seen or ev.grade not in linkage.GRADES:
            continue
        # A key evaluation of an earlier year than the latest self-evaluation is history: the
        # newer result decides (else a 2021 差 would still cut a project rated 优 in 2025).
        if ev.fiscal_year.year < selfeval_year.get(code, 0):
            continue
        seen.add(code)
        grades[code].append(
            linkage.Grade(
                source="keyeval",
                grade=ev.grade,
                score=ev.total,
                label=f"{ev.fiscal_year.year}年度财政重点评价",
                ref=f"keyeval:{ev.pk}",
            )
        )
    decisions: dict[int, list[linkage.DecisionFact]] = defaultdict(list)
    for d in (
        Decision.objects.with_scope(region=region_ids, unit=None)
        .filter(project__in=projects)
        .select_related("report__round")
        .order_by("decided_at", "id")
    ):
        decisions[d.project_id].append(
            linkage.DecisionFact(
                kind=d.kind,
                label=f"{d.report.round.title}处理决定",
                status=d.status,
                ref=f"report:{d.report_id}",
            )
        )
    fixes: dict[str, list[linkage.RectificationFact]] = defaultdict(list)
    oldest = min(p.fiscal_year.year for p in projects)
    for item in (
        Item.objects.with_scope(region=region_ids, unit=None)
        .filter(project__code__in=codes, project__fiscal_year__year__lt=budget_year)
        .filter(~Q(status=ItemStatus.CLOSED) | Q(closed_at__year__gte=oldest))
        .select_related("project")
        .order_by("created_at", "id")
    ):
        assert item.project is not None
        fixes[item.project.code].append(
            linkage.RectificationFact(
                status=item.status,
                overdue=item.overdue,
                label=f"{item.get_source_display()}发现问题的整改（期限 {item.due:%Y-%m-%d}）",
                ref=f"rectification:{item.pk}",
            )
        )
    return {
        p.pk: linkage.Facts(
            base=p.adjusted_budget,
            grades=tuple(grades[p.code]),
            decisions=tuple(decisions[p.pk]),
            rectifications=tuple(fixes[p.code]),
        )
        for p in projects
    }
