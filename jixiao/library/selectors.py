"""Reads of the indicator library: browse, search and recommend, for an actor."""

import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar, cast

from django.db.models import Count, Max, Q, QuerySet
from django.http import Http404

from jixiao.accounts.permissions import ActorContext, has_perm
from jixiao.budget.models import Project, ProjectCategory
from jixiao.core.text import IndicatorText, PastIndicator, ProjectText, SearchIndex, Suggestion, recommend
from jixiao.core.values import parse_target
from jixiao.library.models import Layout, LibraryIndicator, LibrarySettings, Status

T = TypeVar("T")


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

_CACHE: dict[tuple[str, int], tuple[tuple[Any, int], Any]] = {}
_CACHE_LOCK = threading.Lock()


def approved_indicators(region_id: int) -> QuerySet[LibraryIndicator]:
    return LibraryIndicator.objects.with_scope(region=[region_id]).filter(status=Status.APPROVED)


def per_library(name: str, region_id: int, build: Callable[[], T]) -> T:
    """``build()``'s result for the region's approved library, kept until the library changes
    (its latest update time or its size moves): the search index, the review engine's entries."""
    stamp = approved_indicators(region_id).aggregate(m=Max("updated"), n=Count("id"))
    key = (stamp["m"], stamp["n"])
    with _CACHE_LOCK:
        cached = _CACHE.get((name, region_id))
        if cached is not None and cached[0] == key:
            return cast(T, cached[1])
    value = build()
    with _CACHE_LOCK:
        _CACHE[(name, region_id)] = (key, value)
    return value


def category_links(region_id: int) -> dict[int, list[ProjectCategory]]:
    """Library indicator id → its project categories, for the whole region in two queries."""
    categories = {c.pk: c for c in ProjectCategory.objects.with_scope(region=[region_id]).all()}
    links: dict[int, list[ProjectCategory]] = {}
    for indicator_id, category_id in LibraryIndicator.categories.through.objects.filter(
        libraryindicator__region_id=region_id
    ).values_list("libraryindicator_id", "projectcategory_id"):
        links.setdefault(indicator_id, []).append(categories[category_id])
    return links


def library_index(region_id: int) -> SearchIndex:
    """The region's approved library as a search index."""

    def build() -> SearchIndex:
        links = category_links(region_id)
        return SearchIndex(
            IndicatorText(
                key=str(i.pk),
                name=i.name,
                keywords=i.keywords,
                definition=i.definition,
                categories=[c.code for c in links.get(i.pk, [])],
                category_names=[c.name for c in links.get(i.pk, [])],
                level1=i.level1,
                level2=i.level2,
                common=i.scope == "common",
            )
            for i in approved_indicators(region_id).only(
                "id", "name", "keywords", "definition", "level1", "level2", "scope"
            )
        )

    return per_library("index", region_id, build)


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
    """Suggestions for a project's goal sheet, ranked, each with its reasons: the project's own
    sheet of last year (with its targets), the category, how often similar projects use it,
    and the words of the project's name and description."""
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
        history=last_year_indicators(project),
        usage=category_usage(project),
        limit=limit,
    )
    return _attach(actor, ctx, [(s.key, s.score, s.reasons) for s in suggestions])


# Goal sheets point at the library (goals → library): their indicators are read here through
# the reverse relation ``uses`` and the project's ``goal_sheets``, without importing the app.


def last_year_indicators(project: Project) -> list[PastIndicator]:
    """The library indicators on the same project's sheet of the year before (a continuing
    project keeps its code), with the target written there."""
    before = (
        Project.objects.with_scope(region=[project.region_id], unit=[project.unit_id])
        .filter(
            code=project.code, fiscal_year__region_id=project.region_id, fiscal_year__year=project.fiscal_year.year - 1
        )
        .first()
    )
    if before is None:
        return []
    used = (
        LibraryIndicator.objects.with_scope(region=[project.region_id])
        .filter(uses__sheet__project=before)
        .values_list("pk", "uses__symbol", "uses__value", "uses__unit")
    )
    return [
        PastIndicator(
            key=str(pk), year=before.fiscal_year.year, target=f"{symbol if symbol != '定性' else ''}{value}{unit}"
        )
        for pk, symbol, value, unit in used
    ]


def category_usage(project: Project) -> dict[str, int]:
    """Library indicator → how many sheets of the project's category in the region use it."""
    rows = (
        LibraryIndicator.objects.with_scope(region=[project.region_id])
        .filter(uses__sheet__project__category_id=project.category_id)
        .exclude(uses__sheet__project=project)
        .values("pk")
        .annotate(n=Count("uses__sheet", distinct=True))
    )
    return {str(r["pk"]): r["n"] for r in rows}


@dataclass
class Usage:
    sheets: int
    units: int
    years: list[int]
    targets: list[tuple[str, int]]  # the commonest target values as written, with their counts
    low: Decimal | None
    median: Decimal | None
    high: Decimal | None


def usage_of(indicator: LibraryIndicator) -> Usage:
    """How goal sheets of the region use the indicator: how often, by how many units, and the
    targets they set (the spread of numeric targets, the commonest values as written).

    Only sheets finance has approved at least once count: a unit's draft is its own business
    until then, and every holder of ``library.view`` (third-party agencies too) sees this."""
    uses = indicator.uses.filter(sheet__approved_version__gt=0)
    counts = uses.aggregate(sheets=Count("sheet", distinct=True), units=Count("sheet__unit", distinct=True))
    years = sorted(set(uses.values_list("sheet__fiscal_year__year", flat=True)))
    written: Counter[str] = Counter()
    numbers: list[Decimal] = []
    for symbol, value, unit in uses.values_list("symbol", "value", "unit")[:2000]:
        target = parse_target(value, symbol=symbol, unit=unit)
        written[f"{'' if symbol == '定性' else symbol}{value}{unit}"] += 1
        if target.number is not None and target.problem is None:
            numbers.append(target.number)
    numbers.sort()
    return Usage(
        sheets=counts["sheets"],
        units=counts["units"],
        years=years,
        targets=written.most_common(5),
        low=numbers[0] if numbers else None,
        median=numbers[len(numbers) // 2] if numbers else None,
        high=numbers[-1] if numbers else None,
    )
