"""Reads of the organisation, always for an actor and within the actor's reach."""

from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from jixiao.accounts.permissions import ActorContext
from jixiao.org.models import FinanceSection, FiscalYear, Unit


def unit_list(*, actor: Any, ctx: ActorContext, q: str = "", include_inactive: bool = True) -> QuerySet[Unit]:
    """Units of the current region the actor may see, optionally matching ``q`` (code or name)."""
    reach = None if _sees_all_units(actor) else ctx.unit_ids
    units = Unit.objects.with_scope(region=ctx.region_ids, unit=reach).select_related("parent", "section")
    if q:
        units = units.filter(Q(code__icontains=q) | Q(name__icontains=q))
    if not include_inactive:
        units = units.filter(active=True)
    return units.order_by("code")


def _sees_all_units(actor: Any) -> bool:
    # Unit names and codes are master data: the account administrator places users in any
    # unit of its region without seeing any unit's business data.
    return "accounts.manage" in actor.permissions


def unit_get(*, actor: Any, ctx: ActorContext, pk: int) -> Unit:
    unit = unit_list(actor=actor, ctx=ctx).filter(pk=pk).first()
    if unit is None:
        raise Http404("没有找到该单位")
    return unit


def unit_tree(*, actor: Any, ctx: ActorContext, q: str = "") -> list[dict[str, Any]]:
    """Visible units as a flat list in tree order with depth, for an indented tree.

    A unit whose parent is not visible is shown as a root; a search keeps the matching units
    and their visible ancestors so the tree still reads.
    """
    # Plain rows and a dict of the few sections: joining parent and section for every unit
    # would cost most of the page's time in a large region (bench/: unit_tree_5000).
    units = list(
        unit_list(actor=actor, ctx=ctx)
        .select_related(None)
        .only("id", "code", "name", "kind", "parent_id", "section_id", "active")
    )
    sections = {s.pk: s for s in FinanceSection.objects.with_scope(region=ctx.region_ids).all()}
    by_id = {u.pk: u for u in units}
    keep = set(by_id)
    if q:
        needle = q.lower()
        matches = {u.pk for u in units if needle in u.code.lower() or needle in u.name.lower()}
        keep = set(matches)
        for pk in matches:
            parent_id = by_id[pk].parent_id
            while parent_id in by_id and parent_id not in keep:
                keep.add(parent_id)
                parent_id = by_id[parent_id].parent_id
    children: dict[int | None, list[Unit]] = {}
    for u in units:
        if u.pk in keep:
            parent = u.parent_id if u.parent_id in keep else None
            children.setdefault(parent, []).append(u)
    rows: list[dict[str, Any]] = []

    def walk(parent: int | None, depth: int) -> None:
        for u in sorted(children.get(parent, []), key=lambda x: x.code):
            rows.append(
                {
                    "unit": u,
                    "section": sections.get(u.section_id) if u.section_id else None,
                    "depth": depth,
                    "has_children": bool(children.get(u.pk)),
                }
            )
            walk(u.pk, depth + 1)

    walk(None, 0)
    return rows


def section_list(*, actor: Any, ctx: ActorContext) -> QuerySet[FinanceSection]:
    sections = FinanceSection.objects.with_scope(region=ctx.region_ids)
    return sections.annotate(unit_count=Count("units")).order_by("name")


def section_get(*, actor: Any, ctx: ActorContext, pk: int) -> FinanceSection:
    section = section_list(actor=actor, ctx=ctx).filter(pk=pk).first()
    if section is None:
        raise Http404("没有找到该业务股室")
    return section


def fiscal_year_list(*, actor: Any, ctx: ActorContext) -> QuerySet[FiscalYear]:
    return FiscalYear.objects.with_scope(region=ctx.region_ids).prefetch_related("phases").order_by("-year")


def fiscal_year_get(*, actor: Any, ctx: ActorContext, pk: int) -> FiscalYear:
    fiscal_year = fiscal_year_list(actor=actor, ctx=ctx).filter(pk=pk).first()
    if fiscal_year is None:
        raise Http404("没有找到该预算年度")
    return fiscal_year
