"""整改 over the API: the items finance raises (from a self-evaluation, a monitoring decision, or
for a unit directly), the unit's answer, and finance's confirmation or return. The same services
and selectors as the pages, the same permissions and reach."""

import datetime as dt
from typing import Annotated, Any, Self

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import AfterValidator, BeforeValidator, model_validator

from jixiao.accounts.permissions import has_perm
from jixiao.api.auth import require
from jixiao.api.inputs import Day, Text, Word, at_most, choice
from jixiao.api.pagination import Pages
from jixiao.budget import selectors as budget_selectors
from jixiao.evaluation import selectors as evaluation_selectors
from jixiao.monitoring import selectors as monitoring_selectors
from jixiao.org.selectors import unit_get
from jixiao.rectification import selectors, services
from jixiao.rectification.models import Evidence, Item, Source
from jixiao.rectification.models import Status as ItemStatus
from jixiao.web.decorators import ctx_of

router = Router(tags=["整改"])

# An item raised for a unit directly comes from finance's key evaluation or another inspection;
# the self-evaluation and monitoring sources belong to items raised from a form or a decision.
DIRECT_SOURCES = [Source.EVALUATION.value, Source.OTHER.value]
MAX_ID = 2**63 - 1

# What the caller may do to an item in each state: (state, action, label, permission, needs text).
ACTIONS = [
    (ItemStatus.OPEN, "answer", "反馈整改情况", "rectification.respond", True),
    (ItemStatus.ANSWERED, "close", "确认整改完成", "rectification.manage", False),
    (ItemStatus.ANSWERED, "return", "退回继续整改", "rectification.manage", True),
]


def _ref(value: Any) -> Any:
    """An object's id, as a JSON integer or a query string. Past a 64-bit integer the database
    driver fails (a 500): Django range-checks a primary key lookup, not a foreign-key filter."""
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdecimal():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"编号应为正整数，收到「{str(value)[:20]}」")
    if not 1 <= value <= MAX_ID:
        raise ValueError(f"编号应为 1 到 {MAX_ID} 之间的整数")
    return value


Ref = Annotated[int, BeforeValidator(_ref), Field(description="编号（正整数）")]


# --- output ----------------------------------------------------------------------------------


class ItemOut(Schema):
    id: int
    unit_id: int
    unit_code: str
    unit_name: str
    project_id: int | None
    project_code: str
    project_name: str
    source: str = Field(description="selfeval、monitoring、evaluation 或 other")
    source_label: str
    selfeval_id: int | None
    decision_id: int | None
    problem: str = Field(description="发现的问题")
    requirement: str = Field(description="整改要求")
    due: dt.date = Field(description="整改期限")
    status: str = Field(description="open（待整改）、answered（待财政确认）或 closed（已整改）")
    status_label: str
    overdue: bool = Field(description="逾期未整改：待整改且已过整改期限")
    late: bool = Field(description="单位在整改期限之后才反馈")
    rounds: int = Field(description="退回次数")
    created_by: str
    created_at: dt.datetime
    responded_at: dt.datetime | None
    closed_at: dt.datetime | None

    @staticmethod
    def resolve_unit_code(obj: Item) -> str:
        return obj.unit.code

    @staticmethod
    def resolve_unit_name(obj: Item) -> str:
        return obj.unit.name

    @staticmethod
    def resolve_project_code(obj: Item) -> str:
        return obj.project.code if obj.project else ""

    @staticmethod
    def resolve_project_name(obj: Item) -> str:
        return obj.project.name if obj.project else ""

    @staticmethod
    def resolve_source_label(obj: Item) -> str:
        return obj.get_source_display()

    @staticmethod
    def resolve_status_label(obj: Item) -> str:
        return obj.get_status_display()

    @staticmethod
    def resolve_created_by(obj: Item) -> str:
        return str(obj.created_by)


class SelfEvalLinkOut(Schema):
    id: int
    round_id: int
    round_title: str

    @staticmethod
    def resolve_round_title(obj: Any) -> str:
        return str(obj.round.title)


class DecisionLinkOut(Schema):
    id: int
    report_id: int
    round_title: str
    kind: str
    kind_label: str
    due: dt.date

    @staticmethod
    def resolve_round_title(obj: Any) -> str:
        return str(obj.report.round.title)

    @staticmethod
    def resolve_kind_label(obj: Any) -> str:
        return str(obj.get_kind_display())


class EvidenceOut(Schema):
    id: int
    name: str
    size: int
    uploaded_by: str
    uploaded_at: dt.datetime

    @staticmethod
    def resolve_uploaded_by(obj: Evidence) -> str:
        return str(obj.uploaded_by)


class ActionOut(Schema):
    action: str
    label: str
    needs_reason: bool


class ItemDetailOut(ItemOut):
    selfeval: SelfEvalLinkOut | None = Field(description="来源自评表")
    decision: DecisionLinkOut | None = Field(description="来源监控处理决定")
    response: str = Field(description="单位反馈的整改情况")
    responded_by: str | None
    review_note: str = Field(description="财政意见：确认意见或退回理由")
    closed_by: str | None
    evidence: list[EvidenceOut] = Field(description="整改佐证材料（在页面上上传和下载）")
    actions: list[ActionOut] = Field(description="调用者此刻可以办理的操作")

    @staticmethod
    def resolve_responded_by(obj: Item) -> str | None:
        return str(obj.responded_by) if obj.responded_by else None

    @staticmethod
    def resolve_closed_by(obj: Item) -> str | None:
        return str(obj.closed_by) if obj.closed_by else None

    @staticmethod
    def resolve_evidence(obj: Item) -> list[Any]:
        return list(obj.evidence.select_related("uploaded_by"))

    @staticmethod
    def resolve_actions(obj: Item, context: dict[str, Any]) -> list[dict[str, Any]]:
        actor = context["request"].user
        return [
            {"action": action, "label": label, "needs_reason": needs}
            for state, action, label, perm, needs in ACTIONS
            if obj.status == state and has_perm(actor, perm, obj)
        ]


class CountsOut(Schema):
    open: int = Field(description="待整改（含逾期）")
    overdue: int = Field(description="逾期未整改")
    answered: int = Field(description="待财政确认")
    closed: int = Field(description="已整改")


# --- reads -----------------------------------------------------------------------------------


@router.get(
    "/rectification/items",
    response=list[ItemOut],
    summary="整改事项（本人可见范围；state、source、unit_id、q 筛选）",
)
@paginate(Pages, page_size=100)
def list_items(
    request: HttpRequest,
    state: str = "",
    source: str = "",
    unit_id: Ref | None = None,
    q: Annotated[str, AfterValidator(at_most(100))] = "",
) -> Any:
    require(request, "rectification.view")
    return selectors.item_list(
        ctx=ctx_of(request),
        state=choice(state, selectors.STATES, "state"),
        source=choice(source, Source.values, "source"),
        unit_id=unit_id,
        q=q.strip(),
    )


def _item(request: HttpRequest, item_id: int) -> Item:
    return selectors.item_get(actor=request.user, ctx=ctx_of(request), pk=item_id)


@router.get(
    "/rectification/items/{int:item_id}",
    response=ItemDetailOut,
    summary="整改事项详情：来源、整改情况、财政意见、佐证材料",
)
def get_item(request: HttpRequest, item_id: int) -> Any:
    require(request, "rectification.view")
    return _item(request, item_id)


@router.get("/rectification/counts", response=CountsOut, summary="本人可见范围内各状态的整改事项数")
def get_counts(request: HttpRequest) -> Any:
    require(request, "rectification.view")
    return selectors.counts(selectors.items(ctx=ctx_of(request)))


# --- writes ----------------------------------------------------------------------------------


class ItemIn(Schema):
    selfeval_id: Ref | None = Field(None, description="来源自评表；单位和项目随之确定")
    decision_id: Ref | None = Field(None, description="来源监控处理决定；单位和项目随之确定")
    unit_id: Ref | None = Field(None, description="整改单位（不从自评表或处理决定提出时）")
    project_id: Ref | None = Field(None, description="整改单位的项目，可不填；仅与 unit_id 一起")
    source: Word | None = Field(None, description="evaluation 或 other（默认）；仅与 unit_id 一起")
    problem: Text = Field(description="发现的问题")
    requirement: Text = Field(description="整改要求")
    due: Day = Field(description="整改期限，YYYY-MM-DD，今天起一年内")

    @model_validator(mode="after")
    def _one_origin(self) -> Self:
        given = [self.selfeval_id, self.decision_id, self.unit_id]
        if sum(ref is not None for ref in given) != 1:
            raise ValueError("selfeval_id、decision_id、unit_id 应填且只填其中一个")
        if self.unit_id is None and (self.project_id is not None or self.source is not None):
            raise ValueError("project_id 和 source 只与 unit_id 一起填写：自评表和处理决定已确定项目和问题来源")
        return self


@router.post("/rectification/items", response={201: ItemDetailOut}, summary="提出整改要求")
def raise_item(request: HttpRequest, payload: ItemIn) -> Any:
    require(request, "rectification.manage")
    ctx = ctx_of(request)
    actor = request.user
    selfeval = decision = unit = project = None
    if payload.selfeval_id is not None:
        selfeval = evaluation_selectors.form_get(actor=actor, ctx=ctx, pk=payload.selfeval_id)
    elif payload.decision_id is not None:
        decision = monitoring_selectors.decision_get(actor=actor, ctx=ctx, pk=payload.decision_id)
    elif payload.unit_id is not None:
        unit = unit_get(actor=actor, ctx=ctx, pk=payload.unit_id)
        if payload.project_id is not None:
            project = budget_selectors.project_get(actor=actor, ctx=ctx, pk=payload.project_id)
    item = services.item_raise(
        actor=actor,
        selfeval=selfeval,
        decision=decision,
        unit=unit,
        project=project,
        source=choice(payload.source or Source.OTHER.value, DIRECT_SOURCES, "source"),
        problem=payload.problem,
        requirement=payload.requirement,
        due=payload.due,
    )
    return Status(201, _item(request, item.pk))


class AnswerIn(Schema):
    text: Text = Field(description="整改情况：做了什么、结果如何")


@router.post("/rectification/items/{int:item_id}/answer", response=ItemDetailOut, summary="反馈整改情况，提交财政确认")
def answer_item(request: HttpRequest, item_id: int, payload: AnswerIn) -> Any:
    require(request, "rectification.respond")
    services.item_answer(actor=request.user, item=_item(request, item_id), text=payload.text)
    return _item(request, item_id)


class CloseIn(Schema):
    note: Text = Field("", description="财政确认意见，可不填")


@router.post("/rectification/items/{int:item_id}/close", response=ItemDetailOut, summary="确认整改完成")
def close_item(request: HttpRequest, item_id: int, payload: CloseIn) -> Any:
    require(request, "rectification.manage")
    services.item_close(actor=request.user, item=_item(request, item_id), note=payload.note)
    return _item(request, item_id)


class ReturnIn(Schema):
    note: Text = Field(description="退回理由")
    due: Day | None = Field(None, description="新的整改期限，YYYY-MM-DD；不填则不变")


@router.post(
    "/rectification/items/{int:item_id}/return", response=ItemDetailOut, summary="整改情况不到位，退回单位继续整改"
)
def return_item(request: HttpRequest, item_id: int, payload: ReturnIn) -> Any:
    require(request, "rectification.manage")
    services.item_return(actor=request.user, item=_item(request, item_id), note=payload.note, due=payload.due)
    return _item(request, item_id)
