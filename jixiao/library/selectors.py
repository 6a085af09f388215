"""Reads of the indicator library: browse, search and recommend, for an actor."""

import threading
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max, Q, QuerySet
from django.http import Http404

from jixiao.accounts.permissions import ActorContext, has_perm
from jixiao.budget.models import Project, ProjectCategory
from jixiao.core.text import IndicatorText, ProjectText, SearchIndex, Suggestion, recommend
from jixiao.library.models import Layout, LibraryIndicator, LibrarySettings, Status


def _visible(actor: Any, ctx: ActorContext) -> QuerySet[LibraryIndicator]:
    """Approved indicators for everyone; proposals for the office and the proposing unit."""
    indicators = LibraryIndicator.objects.with_scope(region=ctx.region_ids).all()
    if has_perm(actor, "library.curate") or ctx.unit_ids is None:
        return indicators  # the office, and readers of every unit (auditors)
    mine = Q(status=Status.PROPOSED, proposed_unit_id__in=ctx.unit_ids or [])
    return indicators.filter(Q(status=Status.APPROVED) | mine)


def indicator_list(
    *,
    actor: Any,
    ctx: ActorContext,
    level1: str = "",
    level2: str = "",
    category_id: int | None = None,
    scope: str = "",
    status: str = "",
) -> QuerySet[LibraryIndicator]:
    indicators = _visible(actor, ctx)
    indicators = indicators.filter(status=status) if status else indicators.filter(status=Status.APPROVED)
    if level1:
        indicators = indicators.filter(level1=level1)
    if level2:
        indicators = indicators.filter(level2=level2)
    if category_id is not None:
        indicators = indicators.filter(categories__id=category_id)
    if scope:
        indicators = indicators.filter(scope=scope)
    return indicators.prefetch_related("categories").order_by("code")


def indicator_get(*, actor: Any, ctx: ActorContext, pk: int) -> LibraryIndicator:
    indicator = _visible(actor, ctx).select_related("proposed_unit", "merged_into").filter(pk=pk).first()
    if indicator is None:
        raise Http404("没有找到该指标")
    return indicator


def layout_of(ctx: ActorContext) -> str:
    row = LibrarySettings.objects.filter(region_id__in=ctx.region_ids).first()
    return row.layout if row else Layout.COST_AS_LEVEL1


def taxonomy_counts(*, actor: Any, ctx: ActorContext) -> dict[tuple[str, str], int]:
    rows = indicator_list(actor=actor, ctx=ctx).order_by().values("level1", "level2").annotate(n=Count("id"))
    return {(r["level1"], r["level2"]): r["n"] for r in rows}


# --- search and recommendation ----------------------------------------------------------

_INDEXES: dict[int, tuple[tuple[Any, int], SearchIndex]] = {}
_INDEX_LOCK = threading.Lock()


def library_index(region_id: int) -> SearchIndex:
    """The region's approved library as a search index, rebuilt when the library changes (its
    latest update time or its size moves)."""
    approved = LibraryIndicator.objects.with_scope(region=[region_id]).filter(status=Status.APPROVED)
    stamp = approved.aggregate(m=Max("updated"), n=Count("id"))
    key = (stamp["m"], stamp["n"])
    with _INDEX_LOCK:
        cached = _INDEXES.get(region_id)
        if cached is not None and cached[0] == key:
            return cached[1]
    categories = {c.pk: c for c in ProjectCategory.objects.with_scope(region=[region_id]).all()}
    links: dict[int, list[int]] = {}
    for indicator_id, category_id in LibraryIndicator.categories.through.objects.filter(
        libraryindicator__region_id=region_id
    ).values_list("libraryindicator_id", "projectcategory_id"):
        links.setdefault(indicator_id, []).append(category_id)
    index = SearchIndex(
        IndicatorText(
            key=str(i.pk),
            name=i.name,
            keywords=i.keywords,
            definition=i.definition,
            categories=[categories[c].code for c in links.get(i.pk, [])],
            category_names=[categories[c].name for c in links.get(i.pk, [])],
            level1=i.level1,
            level2=i.level2,
            common=i.scope == "common",
        )
        for i in approved.only("id", "name", "keywords", "definition", "level1", "level2", "scope")
    )
    with _INDEX_LOCK:
        _INDEXES[region_id] = (key, index)
    return index


@dataclass
class Found:
    indicator: LibraryIndicator
    score: float
    reasons: list[str]


def _attach(actor: Any, ctx: ActorContext, ranked: list[tuple[str, float, list[str]]]) -> list[Found]:
    by_pk = {
        str(i.pk): i
        for i in _visible(actor, ctx).filter(pk__in=[int(k) for k, _, _ in ranked]).prefetch_related("categories")
    }
    return [Found(by_pk[k], s, r) for k, s, r in ranked if k in by_pk]


def indicator_search(*, actor: Any, ctx: ActorContext, q: str, limit: int = 50) -> list[Found]:
    if ctx.region is None or not q.strip():
        return []
    hits = library_index(ctx.region.pk).search(q, limit=limit)
    return _attach(actor, ctx, [(h.key, h.score, [f"匹配：{'、'.join(h.matched)}"]) for h in hits])


def recommend_for_project(*, actor: Any, ctx: ActorContext, project: Project, limit: int = 40) -> list[Found]:
    """Suggestions for a project's goal sheet, ranked, each with its reasons. The project's
    earlier sheets and other projects' usage join the signals once goal sheets exist."""
    category = project.category
    neighbours = list(
        ProjectCategory.objects.with_scope(region=[project.region_id])
        .filter(domain=category.domain)
        .exclude(pk=category.pk)
        .values_list("code", flat=True)
    )
    suggestions: list[Suggestion] = recommend(
        ProjectText(project.name, project.description, category.code, category.name, neighbours),
        library_index(project.region_id),
        limit=limit,
    )
    return _attach(actor, ctx, [(s.key, s.score, s.reasons) for s in suggestions])
