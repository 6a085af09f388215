"""Reads of monitoring, always within the actor's reach."""

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from jixiao.accounts.permissions import ActorContext, has_perm
from jixiao.budget.models import Execution
from jixiao.core import progress
from jixiao.monitoring import compute
from jixiao.monitoring.models import Decision, Light, PaymentPlan, Report, Round

LIGHT_ORDER = ("red", "yellow", "blue", "green", "")
ZERO = Decimal(0)


def today() -> dt.date:
    return timezone.localdate()


def rounds(*, ctx: ActorContext) -> QuerySet[Round]:
    qs = Round.objects.with_scope(region=ctx.region_ids).all()
    return qs.filter(fiscal_year=ctx.fiscal_year) if ctx.fiscal_year is not None else qs.none()


def round_get(*, actor: Any, ctx: ActorContext, pk: int) -> Round:
    found = Round.objects.with_scope(region=ctx.region_ids).filter(pk=pk).select_related("fiscal_year").first()
    if found is None or not has_perm(actor, "monitoring.view", found):
        raise Http404("没有找到该监控任务")
    return found


def reports(*, ctx: ActorContext) -> QuerySet[Report]:
    return Report.objects.with_scope(region=ctx.region_ids, unit=ctx.unit_ids).all()


def report_list(
    *,
    ctx: ActorContext,
    round_: Round,
    light: str = "",
    status: str = "",
    unit_id: int | None = None,
    q: str = "",
) -> QuerySet[Report]:
    qs = reports(ctx=ctx).filter(round=round_).select_related("unit", "project__category")
    if light and light in Light.values:
        qs = qs.filter(light=light)
    if status:
        qs = qs.filter(status=status)
    if unit_id is not None:
        qs = qs.filter(unit_id=unit_id)
    if q:
        qs = qs.filter(Q(project__name__icontains=q) | Q(project__code__icontains=q) | Q(unit__name__icontains=q))
    return qs.order_by("unit__code", "project__code")


def my_reports(*, ctx: ActorContext) -> QuerySet[Report]:
    """The reports of open rounds within reach, newest round first."""
    return (
        reports(ctx=ctx)
        .filter(round__closed=False)
        .select_related("round", "unit", "project")
        .order_by("-round__created_at", "unit__code", "project__code")
    )


def report_get(*, actor: Any, ctx: ActorContext, pk: int) -> Report:
    found = (
        reports(ctx=ctx)
        .filter(pk=pk)
        .select_related("round__fiscal_year", "unit", "project__category", "sheet")
        .first()
    )
    if found is None or not has_perm(actor, "monitoring.view", found):
        raise Http404("没有找到该监控表")
    return found


def decisions(*, ctx: ActorContext) -> QuerySet[Decision]:
    return Decision.objects.with_scope(region=ctx.region_ids, unit=ctx.unit_ids).all()


def decision_list(*, ctx: ActorContext, state: str = "") -> QuerySet[Decision]:
    qs = decisions(ctx=ctx).select_related("unit", "project", "report__round", "decided_by")
    if state == "overdue":
        qs = qs.filter(status="open", due__lt=today())
    elif state in ("open", "answered", "closed"):
        qs = qs.filter(status=state)
    if ctx.fiscal_year is not None:
        qs = qs.filter(project__fiscal_year=ctx.fiscal_year)
    return qs


def decision_get(*, actor: Any, ctx: ActorContext, pk: int) -> Decision:
    found = decisions(ctx=ctx).filter(pk=pk).select_related("report__round", "project", "unit").first()
    if found is None or not has_perm(actor, "monitoring.view", found):
        raise Http404("没有找到该处理决定")
    return found


def light_counts(qs: QuerySet[Report]) -> dict[str, int]:
    counts = dict(qs.order_by().values_list("light").annotate(n=Count("id")).values_list("light", "n"))
    return {light: counts.get(light, 0) for light in LIGHT_ORDER}


def unit_lights(qs: QuerySet[Report]) -> list[dict[str, Any]]:
    """Per unit: reports by light, submitted, the budget and what was paid: the office's board."""
    rows = (
        qs.order_by()
        .values("unit_id", "unit__code", "unit__name")
        .annotate(
            n=Count("id"),
            red=Count("id", filter=Q(light="red")),
            yellow=Count("id", filter=Q(light="yellow")),
            blue=Count("id", filter=Q(light="blue")),
            green=Count("id", filter=Q(light="green")),
            submitted=Count("id", filter=Q(status__in=["submitted", "accepted"])),
            budget=Sum("budget"),
            paid=Sum("paid"),
        )
        .order_by("unit__code")
    )
    out: list[dict[str, Any]] = []
    for values in rows:
        row: dict[str, Any] = dict(values)
        row["rate"] = row["paid"] / row["budget"] if row["budget"] else None
        row["light"] = next((c for c in ("red", "yellow", "blue", "green") if row[c]), "")
        out.append(row)
    return out


def curves(report_qs: QuerySet[Report], round_: Round) -> list[dict[str, Any]]:
    """Month by month, cumulative execution of the listed reports' projects against their
    expected progress (each project's own model, weighted by budget) and straight time
    progress: the chart that shows a back-loaded region is on its own track."""
    reps = list(report_qs.select_related(None).select_related("project__category").order_by())
    budget = sum((r.budget for r in reps if r.budget > 0), ZERO)
    paid: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for row in (
        Execution.objects.with_scope(region=None, unit=None)
        .filter(project_id__in=[r.project_id for r in reps])
        .values("month")
        .annotate(total=Sum("amount"))
    ):
        paid[row["month"]] = row["total"]
    plans = {
        p.project_id: p.amounts
        for p in PaymentPlan.objects.with_scope(region=None, unit=None).filter(
            project_id__in=[r.project_id for r in reps]
        )
    }
    rules = compute.rules_of(round_)
    out = []
    cumulative = ZERO
    for month in range(1, 13):
        cumulative += paid[month]
        expected = ZERO
        for r in reps:
            if r.budget > 0:
                plan, profile = rules.sources(plans.get(r.project_id), compute.profile_of(round_, r.project))
                share = progress.expected_progress(month, plan=plan, profile=profile).share
                expected += r.budget * share
        out.append(
            {
                "month": month,
                "actual": _pct(cumulative / budget) if budget and month <= round_.month else None,
                "expected": _pct(expected / budget) if budget else None,
                "time": _pct(Decimal(month) / 12),
            }
        )
    return out


def report_curve(report: Report) -> list[dict[str, Any]]:
    """One project's cumulative execution by month against its expected progress."""
    series = compute.payment_series([report.project])[report.project_id]
    plan = PaymentPlan.objects.with_scope(region=None, unit=None).filter(project=report.project).first()
    planned, profile = compute.rules_of(report.round).sources(
        plan.amounts if plan else None, compute.profile_of(report.round, report.project)
    )
    out = []
    cumulative = ZERO
    for month in range(1, 13):
        cumulative += series[month - 1]
        share = progress.expected_progress(month, plan=planned, profile=profile).share
        out.append(
            {
                "month": month,
                "actual": _pct(cumulative / report.budget)
                if report.budget > 0 and month <= report.round.month
                else None,
                "expected": _pct(share),
                "time": _pct(Decimal(month) / 12),
            }
        )
    return out


def _pct(value: Decimal) -> float:
    return float(round(value * 100, 1))
