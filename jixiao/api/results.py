"""结果应用 over the API: next year's budget recommendation for every project, drafted from the
project's evaluation grades, monitoring decisions and rectification under the region's linkage
rules; finance's acceptance or override (with its reason); and the rules themselves. The same
services and selectors as the pages, the same permissions and reach."""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate
from pydantic import AfterValidator

from jixiao.accounts.permissions import ActorContext
from jixiao.api.auth import require
from jixiao.api.inputs import Text, Word, Yuan, at_most, choice
from jixiao.api.pagination import Pages
from jixiao.org.models import FiscalYear, Region
from jixiao.results import selectors, services
from jixiao.results.models import Action, Recommendation
from jixiao.results.models import Status as RecStatus
from jixiao.web.decorators import ctx_of

router = Router(tags=["结果应用"])

# ``conditional``: the recommendations that fund the project only after its rectification.
ACTION_FILTERS = [*Action.values, "conditional"]
Id = Annotated[int, Field(ge=1, le=2**63 - 1)]


def _fiscal_year(ctx: ActorContext, year: int | None) -> FiscalYear:
    """Fiscal year ``year`` of the working region (when not given, the year after the selected
    one if the region has it, else the selected one — as on the page)."""
    found = (
        selectors.default_budget_year(ctx)
        if year is None
        else next((y for y in ctx.fiscal_years if y.year == year), None)
    )
    if found is None:
        raise HttpError(400, f"本地区没有 {year} 预算年度" if year is not None else "尚未设置预算年度")
    return found


# --- recommendations -------------------------------------------------------------------------


class RecommendationOut(Schema):
    id: int
    year: int = Field(description="预算年度（建议所针对的年度）")
    unit_id: int
    unit_code: str
    unit_name: str
    project_id: int = Field(description="上年度的项目")
    code: str = Field(description="项目代码")
    project_name: str
    base: Decimal = Field(description="上年调整后预算（元）")
    grade: str = Field(description="所依据的评价等级：优、良、中、差；无评价结果时为空")
    action: str = Field(description="建议：priority、keep、reduce、cut、after_rectification 或 none")
    action_label: str
    label: str = Field(description="建议表述")
    cut: Decimal = Field(description="压减比例（%）")
    amount: Decimal = Field(description="建议安排数（元）")
    conditional: bool = Field(description="整改完成后才安排")
    rules_version: str
    drafted_at: dt.datetime
    status: str = Field(description="draft（待财政确认）、accepted（已采纳）或 overridden（已调整）")
    status_label: str
    final_action: str = Field(description="财政确定的意见；未确认时为空")
    final_action_label: str
    final_amount: Decimal | None = Field(description="财政确定的安排数（元）")
    decision_note: str = Field(description="调整理由")
    decided_by: str | None
    decided_at: dt.datetime | None

    @staticmethod
    def resolve_year(obj: Recommendation) -> int:
        return obj.budget_year.year

    @staticmethod
    def resolve_unit_code(obj: Recommendation) -> str:
        return obj.unit.code

    @staticmethod
    def resolve_unit_name(obj: Recommendation) -> str:
        return obj.unit.name

    @staticmethod
    def resolve_project_name(obj: Recommendation) -> str:
        return obj.project.name

    @staticmethod
    def resolve_action_label(obj: Recommendation) -> str:
        return obj.get_action_display()

    @staticmethod
    def resolve_status_label(obj: Recommendation) -> str:
        return obj.get_status_display()

    @staticmethod
    def resolve_final_action_label(obj: Recommendation) -> str:
        return obj.get_final_action_display() if obj.final_action else ""

    @staticmethod
    def resolve_decided_by(obj: Recommendation) -> str | None:
        return str(obj.decided_by) if obj.decided_by else None


class ReasonOut(Schema):
    kind: str = Field(description="selfeval、recheck、keyeval、decision 或 rectification")
    kind_label: str = Field(description="单位自评、财政复核、财政重点评价、监控处理决定、整改")
    text: str
    ref: str = Field(description="依据的出处，如 selfeval:12（自评表）、keyeval:3（重点评价）")
    url: str = Field(description="出处的页面（调用者有权查看时），否则为空")
    decisive: bool = Field(description="决定建议的依据")


class RecommendationDetailOut(RecommendationOut):
    project_year: int = Field(description="项目所属年度（预算年度的上一年）")
    explanation: str = Field(description="建议及其决定性依据的一句话说明")
    reasons: list[ReasonOut] = Field(description="依据：各项评价等级、监控处理决定、整改情况")

    @staticmethod
    def resolve_project_year(obj: Recommendation) -> int:
        return obj.project.fiscal_year.year

    @staticmethod
    def resolve_explanation(obj: Recommendation) -> str:
        return selectors.explanation(obj)

    @staticmethod
    def resolve_reasons(obj: Recommendation, context: dict[str, Any]) -> list[dict[str, Any]]:
        shown = selectors.reasons_for(actor=context["request"].user, recommendation=obj)
        return [
            {
                "kind": str(stored.get("kind", "")),
                "kind_label": row.kind,
                "text": row.text,
                "ref": str(stored.get("ref", "")),
                "url": row.url,
                "decisive": row.decisive,
            }
            for stored, row in zip(obj.reasons, shown, strict=True)
        ]


@router.get(
    "/results/recommendations",
    response=list[RecommendationOut],
    summary="结果应用建议（本人可见范围；year 为预算年度，默认所选年度的下一年度（如已设置）；action、status、unit_id、q 筛选）",
)
@paginate(Pages, page_size=100)
def list_recommendations(
    request: HttpRequest,
    year: int | None = None,
    action: str = "",
    status: str = "",
    unit_id: Id | None = None,
    q: Annotated[str, AfterValidator(at_most(100))] = "",
) -> Any:
    require(request, "results.view")
    ctx = ctx_of(request)
    return selectors.recommendation_list(
        ctx=ctx,
        year=_fiscal_year(ctx, year).year,
        action=choice(action, ACTION_FILTERS, "action"),
        status=choice(status, RecStatus.values, "status"),
        unit_id=unit_id,
        q=q.strip(),
    ).select_related("budget_year")


def _recommendation(request: HttpRequest, recommendation_id: int) -> Recommendation:
    return selectors.recommendation_get(actor=request.user, ctx=ctx_of(request), pk=recommendation_id)


@router.get(
    "/results/recommendations/{int:recommendation_id}",
    response=RecommendationDetailOut,
    summary="结果应用建议详情及其依据",
)
def get_recommendation(request: HttpRequest, recommendation_id: int) -> Any:
    require(request, "results.view")
    return _recommendation(request, recommendation_id)


class DraftIn(Schema):
    year: int = Field(description="预算年度：按上一年度项目的评价结果生成该年度的建议")


class DraftOut(Schema):
    year: int
    created: int = Field(description="新生成的建议数")
    updated: int = Field(description="按最新结果重新生成的待确认建议数")
    kept: int = Field(description="财政已确认、保持不变的建议数")


@router.post(
    "/results/draft",
    response=DraftOut,
    summary="生成（或更新）某预算年度的结果应用建议；已确认的建议保持不变",
)
def draft(request: HttpRequest, payload: DraftIn) -> Any:
    require(request, "results.manage")
    budget_year = _fiscal_year(ctx_of(request), payload.year)
    counts = services.draft(actor=request.user, budget_year=budget_year)
    return {"year": budget_year.year, **counts}


@router.post(
    "/results/recommendations/{int:recommendation_id}/accept",
    response=RecommendationDetailOut,
    summary="采纳结果应用建议",
)
def accept(request: HttpRequest, recommendation_id: int) -> Any:
    require(request, "results.decide")
    services.accept(actor=request.user, recommendation=_recommendation(request, recommendation_id))
    return _recommendation(request, recommendation_id)


class AcceptAllIn(Schema):
    year: int = Field(description="预算年度")
    action: str = Field("", description="只采纳该建议的（动作代码，或 conditional）；不填为全部")
    unit_id: Id | None = Field(None, description="只采纳该单位的")


class AcceptAllOut(Schema):
    year: int
    accepted: int = Field(description="采纳的建议数（每条一条操作日志）")


@router.post(
    "/results/accept",
    response=AcceptAllOut,
    summary="批量采纳：按建议采纳某预算年度（可限建议、单位）本人可见范围内全部待确认的建议",
)
def accept_all(request: HttpRequest, payload: AcceptAllIn) -> Any:
    require(request, "results.decide")
    ctx = ctx_of(request)
    budget_year = _fiscal_year(ctx, payload.year)
    listed = selectors.recommendation_list(
        ctx=ctx,
        year=budget_year.year,
        action=choice(payload.action, ACTION_FILTERS, "action"),
        unit_id=payload.unit_id,
    )
    return {"year": budget_year.year, "accepted": services.accept_all(actor=request.user, recommendations=listed)}


class OverrideIn(Schema):
    action: Word = Field(description="财政确定的意见：priority、keep、reduce、cut、after_rectification 或 none")
    amount: Yuan = Field(description='财政确定的安排数（元），如 "900000.00"')
    note: Text = Field(description="调整理由")


@router.post(
    "/results/recommendations/{int:recommendation_id}/override",
    response=RecommendationDetailOut,
    summary="调整结果应用建议（须说明理由）",
)
def override(request: HttpRequest, recommendation_id: int, payload: OverrideIn) -> Any:
    require(request, "results.decide")
    services.override(
        actor=request.user,
        recommendation=_recommendation(request, recommendation_id),
        action=payload.action,
        amount=payload.amount,
        note=payload.note,
    )
    return _recommendation(request, recommendation_id)


# --- rules -----------------------------------------------------------------------------------


class VersionOut(Schema):
    version: str
    note: str
    created_by: str
    created_at: dt.datetime

    @staticmethod
    def resolve_created_by(obj: Any) -> str:
        return str(obj.created_by)


class RulesOut(Schema):
    version: str = Field(description="现行结果应用规则版本")
    custom: bool = Field(description="本地区是否保存过自己的规则")
    rules: dict[str, Any] = Field(
        description="现行规则：rules（优良中差各自的 action、label、cut）、unrectified、stop_decision_cut、prefer"
    )
    history: list[VersionOut] = Field(description="本地区保存过的版本，新的在前")


def _rules_out(region: Region) -> dict[str, Any]:
    rules = selectors.rules_in_force(region)
    history = list(selectors.rules_history(region))
    return {"version": rules.version, "custom": bool(history), "rules": rules.to_data(), "history": history}


@router.get("/results/rules", response=RulesOut, summary="现行结果应用规则（评价等级与下年预算挂钩）")
def get_rules(request: HttpRequest) -> Any:
    require(request, "results.view")
    return _rules_out(ctx_of(request).current_region)


class RulesIn(Schema):
    data: dict[str, Any] = Field(
        description="对默认规则的修改：rules（按等级：action、label、cut）、unrectified、stop_decision_cut、prefer"
    )
    note: Annotated[str, AfterValidator(at_most(200))] = Field("", description="修改说明")


@router.put("/results/rules", response=RulesOut, summary="保存本地区的结果应用规则（新版本）")
def save_rules(request: HttpRequest, payload: RulesIn) -> Any:
    require(request, "results.manage")
    region = ctx_of(request).current_region
    services.rules_save(actor=request.user, region=region, data=payload.data, note=payload.note)
    return _rules_out(region)
