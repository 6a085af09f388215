"""Reads of self-evaluation, always within the actor's reach.

Self-evaluation looks back: a round evaluates a finished year, usually not the year selected in
the menu, so rounds are listed for every year of the region, newest first.
"""

from decimal import Decimal
from typing import Any

from django.db.models import Avg, Count, Q, QuerySet
from django.http import Http404

from jixiao.accounts.permissions import ActorContext, has_perm
from jixiao.evaluation.models import GRADES, Evidence, Round, SelfEval, Status

ZERO = Decimal(0)


def rounds(*, ctx: ActorContext) -> QuerySet[Round]:
    return (
        Round.objects.with_scope(region=ctx.region_ids)
        .select_related("fiscal_year")
        .order_by("-fiscal_year__year", "-created_at")
    )


def round_get(*, actor: Any, ctx: ActorContext, pk: int) -> Round:
    found = Round.objects.with_scope(region=ctx.region_ids).filter(pk=pk).select_related("fiscal_year").first()
    if found is None or not has_perm(actor, "evaluation.view", found):
        raise Http404("没有找到该自评任务")
    return found


def forms(*, ctx: ActorContext) -> QuerySet[SelfEval]:
    return SelfEval.objects.with_scope(region=ctx.region_ids, unit=ctx.unit_ids).all()


def form_list(
    *,
    ctx: ActorContext,
    round_: Round | None = None,
    status: str = "",
    grade: str = "",
    unit_id: int | None = None,
    kind: str = "",
    sampled: bool = False,
    distorted: bool = False,
    q: str = "",
) -> QuerySet[SelfEval]:
    qs = forms(ctx=ctx).select_related("round__fiscal_year", "unit", "project")
    qs = qs.filter(round=round_) if round_ is not None else qs.filter(round__closed=False)
    if status in Status.values:
        qs = qs.filter(status=status)
    if grade in GRADES:
        qs = qs.filter(grade=grade)
    elif grade == "none":
        qs = qs.filter(grade="")
    if unit_id is not None:
        qs = qs.filter(unit_id=unit_id)
    if kind in ("project", "department"):
        qs = qs.filter(kind=kind)
    if sampled:
        qs = qs.filter(sampled=True)
    if distorted:
        qs = qs.filter(distorted=True)
    if q:
        qs = qs.filter(Q(project__name__icontains=q) | Q(project__code__icontains=q) | Q(unit__name__icontains=q))
    return qs.order_by("-round__fiscal_year__year", "unit__code", "kind", "project__code")


def form_get(*, actor: Any, ctx: ActorContext, pk: int) -> SelfEval:
    found = (
        forms(ctx=ctx)
        .filter(pk=pk)
        .select_related("round__fiscal_year", "unit", "project__category", "sheet", "checked_by")
        .first()
    )
    if found is None or not has_perm(actor, "evaluation.view", found):
        raise Http404("没有找到该自评表")
    return found


def evidence_get(*, actor: Any, ctx: ActorContext, pk: int) -> Evidence:
    found = Evidence.objects.filter(pk=pk).select_related("form").first()
    if found is None or not forms(ctx=ctx).filter(pk=found.form_id).exists():
        raise Http404("没有找到该佐证材料")
    if not has_perm(actor, "evaluation.view", found.form):
        raise Http404("没有找到该佐证材料")
    return found


def summary(qs: QuerySet[SelfEval]) -> dict[str, Any]:
    """Counts by status and grade, the average score, the sample and its distortions."""
    by_status = dict(qs.order_by().values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    by_grade = dict(qs.order_by().values_list("grade").annotate(n=Count("id")).values_list("grade", "n"))
    figures = qs.aggregate(
        average=Avg("total"),
        sampled=Count("id", filter=Q(sampled=True)),
        checked=Count("id", filter=Q(check_total__isnull=False)),
        distorted=Count("id", filter=Q(distorted=True)),
    )
    average = figures["average"]
    return {
        "total": sum(by_status.values()),
        "received": by_status.get(Status.SUBMITTED, 0) + by_status.get(Status.ACCEPTED, 0),
        "status": [(s.value, s.label, by_status.get(s.value, 0)) for s in Status],
        "grades": [(g, by_grade.get(g, 0)) for g in GRADES],
        "ungraded": by_grade.get("", 0),
        "average": None if average is None else Decimal(average).quantize(Decimal("0.01")),
        "sampled": figures["sampled"],
        "checked": figures["checked"],
        "distorted": figures["distorted"],
    }


def unit_summary(qs: QuerySet[SelfEval]) -> list[dict[str, Any]]:
    """Per unit: forms, submitted, average score and the grade counts (the overview's table)."""
    rows = (
        qs.order_by()
        .values("unit_id", "unit__code", "unit__name")
        .annotate(
            forms=Count("id"),
            received=Count("id", filter=Q(status__in=[Status.SUBMITTED, Status.ACCEPTED])),
            average=Avg("total"),
            good=Count("id", filter=Q(grade__in=["优", "良"])),
            weak=Count("id", filter=Q(grade__in=["中", "差"])),
        )
        .order_by("unit__code")
    )
    return [
        {**row, "average": None if row["average"] is None else Decimal(row["average"]).quantize(Decimal("0.01"))}
        for row in rows
    ]


def accepted_actuals(sheet: Any) -> dict[int, str]:
    """The actuals of ``sheet``'s latest accepted self-evaluation, by indicator position: what
    next year's goal editor shows as last year's actuals and the review compares targets with."""
    form = (
        SelfEval.objects.with_scope(region=[sheet.region_id], unit=[sheet.unit_id])
        .filter(sheet=sheet, status=Status.ACCEPTED)
        .order_by("-round__created_at")
        .first()
    )
    if form is None:
        return {}
    return {line.position: line.actual for line in form.lines.all() if line.actual}
