from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from jixiao.api.auth import require
from jixiao.budget import selectors as budget_selectors
from jixiao.library import selectors
from jixiao.library.models import LibraryIndicator
from jixiao.web.decorators import ctx_of

router = Router(tags=["绩效指标库"])


class IndicatorOut(Schema):
    id: int
    code: str
    name: str
    level1: str
    level2: str
    definition: str
    measure_unit: str
    direction: str
    symbols: list[str]
    levels: list[str]
    typical_low: Decimal | None
    typical_high: Decimal | None
    basis: str
    data_source: str
    evidence: str
    categories: list[str]
    keywords: list[str]
    scope: str
    status: str
    version: int

    @staticmethod
    def resolve_categories(obj: LibraryIndicator) -> list[str]:
        return sorted(c.code for c in obj.categories.all())


class RankedOut(Schema):
    score: float
    reasons: list[str]
    indicator: IndicatorOut


@router.get("/library/search", response=list[RankedOut], summary="按词检索指标库（中文分词，按相关程度排序）")
def search(request: HttpRequest, q: str, limit: int = 20) -> Any:
    require(request, "library.view")
    found = selectors.indicator_search(
        actor=request.user, ctx=ctx_of(request), q=q[:100], limit=max(1, min(limit, 100))
    )
    return [{"score": f.score, "reasons": f.reasons, "indicator": f.indicator} for f in found]


@router.get("/library/indicators/{int:indicator_id}", response=IndicatorOut, summary="指标详情")
def get_indicator(request: HttpRequest, indicator_id: int) -> Any:
    require(request, "library.view")
    return selectors.indicator_get(actor=request.user, ctx=ctx_of(request), pk=indicator_id)


@router.get("/library/recommend/{int:project_id}", response=list[RankedOut], summary="为项目推荐指标（含推荐理由）")
def recommend(request: HttpRequest, project_id: int, limit: int = 40) -> Any:
    require(request, "library.view")
    ctx = ctx_of(request)
    project = budget_selectors.project_get(actor=request.user, ctx=ctx, pk=project_id)
    found = selectors.recommend_for_project(actor=request.user, ctx=ctx, project=project, limit=max(1, min(limit, 100)))
    return [{"score": f.score, "reasons": f.reasons, "indicator": f.indicator} for f in found]
