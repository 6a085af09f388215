"""Reads of budget data, always for an actor and within the actor's reach."""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.db.models import Q, QuerySet, Sum
from django.http import Http404

from jixiao.accounts.permissions import ActorContext
from jixiao.budget.models import Execution, Project, ProjectCategory, UnitBudget
from jixiao.core.money import round_half_up


def _projects(ctx: ActorContext) -> QuerySet[Project]:
    return Project.objects.with_scope(region=ctx.region_ids, unit=ctx.unit_ids).all()


def project_list(
    *,
    actor: Any,
    ctx: ActorContext,
    q: str = "",
    unit_id: int | None = None,
    category_id: int | None = None,
    domain: str = "",
    is_new: bool | None = None,
    is_major: bool | None = None,
    is_special_bond: bool | None = None,
) -> QuerySet[Project]:
    """Projects of the fiscal year being worked in that the actor may see, with their paid total."""
    if ctx.fiscal_year is None:
        return Project.objects.none()
    projects = _projects(ctx).filter(fiscal_year=ctx.fiscal_year)
    if q:
        projects = projects.filter(Q(name__icontains=q) | Q(code__icontains=q) | Q(description__icontains=q))
    if unit_id is not None:
        projects = projects.filter(unit_id=unit_id)
    if category_id is not None:
        projects = projects.filter(category_id=category_id)
    if domain:
        projects = projects.filter(category__domain=domain)
    for name, value in (("is_new", is_new), ("is_major", is_major), ("is_special_bond", is_special_bond)):
        if value is not None:
            projects = projects.filter(**{name: value})
    return (
        projects.select_related("unit", "category")
        .annotate(paid=Sum("executions__amount"))
        .order_by("unit__code", "code")
    )


def project_get(*, actor: Any, ctx: ActorContext, pk: int) -> Project:
    project = _projects(ctx).select_related("unit", "category", "fiscal_year").filter(pk=pk).first()
    if project is None:
        raise Http404("没有找到该项目")
    return project


def project_totals(projects: QuerySet[Project]) -> dict[str, Decimal]:
    """Sums for the filtered list, computed in the database."""
    # Two queries: joining the payments into the first would count each budget once per month.
    plain = projects.order_by().values("pk")
    # ``plain`` is the scoped selection itself; these only sum within it.
    budgets = (
        Project.objects.with_scopes_disabled()
        .filter(pk__in=plain)
        .aggregate(initial=Sum("initial_budget"), adjusted=Sum("adjusted_budget"))
    )
    paid = Execution.objects.with_scopes_disabled().filter(project__in=plain).aggregate(paid=Sum("amount"))
    return {k: v or Decimal(0) for k, v in {**budgets, **paid}.items()}


@dataclass(frozen=True)
class MonthPoint:
    month: int
    paid: Decimal
    cumulative: Decimal
    rate: Decimal  # cumulative paid / adjusted budget, %
    time_progress: Decimal  # month / 12, %


def execution_series(project: Project) -> list[MonthPoint]:
    """Month by month: paid, cumulative, execution rate against the adjusted budget and the
    straight-line time progress (序时进度). Months after the last imported one are left out."""
    paid = dict(
        Execution.objects.with_scope(region=[project.region_id], unit=[project.unit_id])
        .filter(project=project)
        .values_list("month", "amount")
    )
    if not paid:
        return []
    points, cumulative = [], Decimal(0)
    for month in range(1, max(paid) + 1):
        amount = paid.get(month, Decimal(0))
        cumulative += amount
        rate = round_half_up(cumulative * 100 / project.adjusted_budget) if project.adjusted_budget else Decimal(0)
        points.append(MonthPoint(month, amount, cumulative, rate, round_half_up(Decimal(month) * 100 / 12)))
    return points


def unit_budget_get(*, actor: Any, ctx: ActorContext, unit_id: int) -> UnitBudget | None:
    if ctx.fiscal_year is None:
        return None
    return (
        UnitBudget.objects.with_scope(region=ctx.region_ids, unit=ctx.unit_ids)
        .filter(fiscal_year=ctx.fiscal_year, unit_id=unit_id)
        .first()
    )


def category_list(*, actor: Any, ctx: ActorContext) -> QuerySet[ProjectCategory]:
    return ProjectCategory.objects.with_scope(region=ctx.region_ids).filter(active=True).order_by("code")


def recommendations_for(project: Project) -> list[Any]:
    """Results application's recommendations for this project: the one drafted from it for the
    next year, and the one drafted for its own year from last year's project with its code. Read
    through the app registry, as budget sits to the left of results."""
    model = apps.get_model("results", "Recommendation")
    return list(
        model.objects.with_scope(region=[project.region_id], unit=[project.unit_id])
        .filter(code=project.code, budget_year__year__in=(project.fiscal_year.year, project.fiscal_year.year + 1))
        .select_related("budget_year", "project__fiscal_year", "decided_by")
        .order_by("budget_year__year")
    )
