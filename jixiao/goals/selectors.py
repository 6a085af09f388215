"""Reads of goal sheets, always for an actor and within the actor's reach."""

from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404

from jixiao.accounts.permissions import ActorContext, has_perm
from jixiao.core.access import role_permissions
from jixiao.core.workflow import State
from jixiao.goals.models import Finding, GoalSheet

FAMILIES = {
    "completeness": "完整性",
    "clarity": "明确性",
    "measurability": "可衡量性",
    "reasonableness": "合理性",
    "relevance": "相关性",
    "consistency": "一致性",
}
SEVERITIES = {"error": "错误", "warning": "警告", "info": "提示"}
SORTS = {
    "unit": ("unit__code", "kind", "project__code"),
    "-errors": ("-errors", "-warnings", "unit__code"),
    "-warnings": ("-warnings", "-errors", "unit__code"),
    "-total": ("-total", "unit__code"),
    "-updated": ("-updated_at",),
    "status": ("status", "unit__code"),
}
# The state each reviewing permission works on: a reviewer's queue.
QUEUE_STATES = {
    "goals.leader_review": State.LEADER,
    "goals.section_review": State.SECTION,
    "goals.office_review": State.OFFICE,
}


def _sheets(ctx: ActorContext) -> QuerySet[GoalSheet]:
    return GoalSheet.objects.with_scope(region=ctx.region_ids, unit=ctx.unit_ids).all()


def sheet_list(
    *,
    actor: Any,
    ctx: ActorContext,
    q: str = "",
    unit_id: int | None = None,
    status: str = "",
    kind: str = "",
    family: str = "",
    severity: str = "",
    grade: str = "",
    sort: str = "unit",
) -> QuerySet[GoalSheet]:
    """The year's sheets the actor may see, filtered; ``family``/``severity`` keep sheets with at
    least one such finding."""
    if ctx.fiscal_year is None:
        return GoalSheet.objects.none()
    sheets = _sheets(ctx).filter(fiscal_year=ctx.fiscal_year)
    if q:
        sheets = sheets.filter(
            Q(project__name__icontains=q) | Q(project__code__icontains=q) | Q(unit__name__icontains=q)
        )
    if unit_id is not None:
        sheets = sheets.filter(unit_id=unit_id)
    if status:
        sheets = sheets.filter(status=status)
    if kind:
        sheets = sheets.filter(kind=kind)
    if grade:
        sheets = sheets.filter(grade=grade)
    if family or severity:
        match = Finding.objects.filter(sheet=OuterRef("pk"))
        if family:
            match = match.filter(family=family)
        if severity:
            match = match.filter(severity=severity)
        sheets = sheets.filter(Exists(match))
    return sheets.select_related("unit", "project", "project__category").order_by(*SORTS.get(sort, SORTS["unit"]))


def queue(*, actor: Any, ctx: ActorContext) -> QuerySet[GoalSheet]:
    """Sheets waiting for this actor's step (leader, section or office), oldest first."""
    states = [state for perm, state in QUEUE_STATES.items() if perm in role_permissions(actor.role)]
    if ctx.fiscal_year is None or not states:
        return GoalSheet.objects.none()
    return (
        _sheets(ctx)
        .filter(fiscal_year=ctx.fiscal_year, status__in=states)
        .select_related("unit", "project")
        .order_by("updated_at")
    )


def sheet_get(*, actor: Any, ctx: ActorContext, pk: int) -> GoalSheet:
    sheet = (
        _sheets(ctx)
        .select_related("unit", "project", "project__category", "fiscal_year", "region")
        .filter(pk=pk)
        .first()
    )
    if sheet is None or not has_perm(actor, "goals.view", sheet):
        raise Http404("没有找到该绩效目标表")
    return sheet


def family_counts(sheets: QuerySet[GoalSheet]) -> dict[str, dict[str, int]]:
    """family → severity → number of findings over the listed sheets (database-side)."""
    rows = (
        Finding.objects.filter(sheet__in=sheets.order_by().values("pk"))
        .values("family", "severity")
        .annotate(n=Count("id"))
    )
    out: dict[str, dict[str, int]] = {f: {} for f in FAMILIES}
    for row in rows:
        out.setdefault(row["family"], {})[row["severity"]] = row["n"]
    return out


def status_counts(sheets: QuerySet[GoalSheet]) -> dict[str, int]:
    return dict(sheets.order_by().values_list("status").annotate(n=Count("id")).values_list("status", "n"))


def unit_summary(sheets: QuerySet[GoalSheet]) -> list[Any]:
    """Per unit: sheets, approved, with errors, findings by severity — the office's season view."""
    return list(
        sheets.order_by()
        .values("unit_id", "unit__code", "unit__name")
        .annotate(
            n=Count("id"),
            approved=Count("id", filter=Q(approved_version__gt=0)),
            with_errors=Count("id", filter=Q(errors__gt=0)),
            waiting=Count("id", filter=Q(status__in=[State.LEADER, State.SECTION, State.OFFICE])),
        )
        .order_by("unit__code")
    )


def sheet_for_project(*, actor: Any, ctx: ActorContext, project_id: int) -> GoalSheet | None:
    return _sheets(ctx).filter(project_id=project_id).first()


def department_sheet(*, actor: Any, ctx: ActorContext, unit_id: int) -> GoalSheet | None:
    if ctx.fiscal_year is None:
        return None
    return _sheets(ctx).filter(fiscal_year=ctx.fiscal_year, unit_id=unit_id, kind="department").first()
