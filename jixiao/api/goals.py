import json
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from jixiao.api.auth import require
from jixiao.api.pagination import Pages
from jixiao.budget import selectors as budget_selectors
from jixiao.budget.models import FundSource
from jixiao.core import checks
from jixiao.core.errors import DomainError
from jixiao.core.sheet import SheetFormatError, read_sheets
from jixiao.goals import selectors, services
from jixiao.goals.models import GoalSheet
from jixiao.goals.review import Row, as_findings, library_entries, ruleset_of
from jixiao.goals.selectors import FAMILIES, SEVERITIES
from jixiao.org.selectors import unit_get
from jixiao.web.decorators import ctx_of

router = Router(tags=["绩效目标"])

# The cross-sheet checks compare every pair of a unit's sheets; a request is capped to keep
# one call well under a second. ``jixiao check-goals`` has no cap.
MAX_CHECK_SHEETS = 200


class FindingOut(Schema):
    rule: str
    family: str
    severity: str
    indicator: int | None
    field: str | None
    message: str
    hint: str
    basis: str


class IndicatorIn(Schema):
    level1: str = ""
    level2: str = ""
    name: str = ""
    symbol: str = ""
    value: str = ""
    unit: str = ""
    weight: Decimal | None = None
    basis: str = ""
    source: str = ""
    library_indicator_id: int | None = None


class IndicatorOut(IndicatorIn):
    position: int


class SheetOut(Schema):
    id: int
    kind: str
    year: int
    unit_code: str
    unit_name: str
    project_id: int | None
    project_code: str
    project_name: str
    status: str
    status_label: str
    grade: str
    fundable: bool
    approved_version: int
    total: Decimal
    errors: int
    warnings: int
    infos: int
    rules_version: str

    @staticmethod
    def resolve_year(obj: GoalSheet) -> int:
        return obj.fiscal_year.year

    @staticmethod
    def resolve_unit_code(obj: GoalSheet) -> str:
        return obj.unit.code

    @staticmethod
    def resolve_unit_name(obj: GoalSheet) -> str:
        return obj.unit.name

    @staticmethod
    def resolve_project_code(obj: GoalSheet) -> str:
        return obj.project.code if obj.project else ""

    @staticmethod
    def resolve_project_name(obj: GoalSheet) -> str:
        return obj.project.name if obj.project else ""

    @staticmethod
    def resolve_status_label(obj: GoalSheet) -> str:
        return obj.get_status_display()


class CommentOut(Schema):
    indicator: int | None
    indicator_name: str
    text: str


class SnapshotOut(Schema):
    number: int
    approved_version: int | None
    adjustment: str
    created_at: Any
    data: dict[str, Any]


class EventOut(Schema):
    action: str
    from_status: str
    to_status: str
    actor: str
    reason: str
    grade: str
    adjustment: str
    created_at: Any
    comments: list[CommentOut]

    @staticmethod
    def resolve_actor(obj: Any) -> str:
        return str(obj.actor) if obj.actor else ""

    @staticmethod
    def resolve_comments(obj: Any) -> list[Any]:
        return list(obj.comments.all())


class SheetDetailOut(SheetOut):
    goal: str
    long_term_goal: str
    funds: dict[str, Decimal]
    project_lines: list[dict[str, str]]
    justification: str
    indicators: list[IndicatorOut]
    findings: list[FindingOut]
    events: list[EventOut]
    snapshots: list[SnapshotOut]

    @staticmethod
    def resolve_funds(obj: GoalSheet) -> dict[str, Decimal]:
        return {source: amount for source, _, amount in obj.funds if amount}

    @staticmethod
    def resolve_indicators(obj: GoalSheet) -> list[Any]:
        return list(obj.indicators.all())

    @staticmethod
    def resolve_findings(obj: GoalSheet) -> list[dict[str, Any]]:
        return [f.to_data() for f in as_findings(obj.findings.all())]

    @staticmethod
    def resolve_events(obj: GoalSheet) -> list[Any]:
        return list(obj.events.select_related("actor").prefetch_related("comments"))

    @staticmethod
    def resolve_snapshots(obj: GoalSheet) -> list[Any]:
        return list(obj.snapshots.all())


@router.get("/goals/sheets", response=list[SheetOut], summary="绩效目标表列表（所选预算年度、本人可见范围）")
@paginate(Pages, page_size=100)
def list_sheets(
    request: HttpRequest,
    unit_code: str = "",
    status: str = "",
    kind: str = "",
    family: str = "",
    severity: str = "",
    year: int | None = None,
) -> Any:
    require(request, "goals.view")
    ctx = ctx_of(request)
    if year is not None and (ctx.fiscal_year is None or ctx.fiscal_year.year != year):
        ctx.fiscal_year = next((y for y in ctx.fiscal_years if y.year == year), None)
    sheets = selectors.sheet_list(
        actor=request.user,
        ctx=ctx,
        status=status,
        kind=kind,
        family=family if family in FAMILIES else "",
        severity=severity if severity in SEVERITIES else "",
    ).select_related("fiscal_year")
    if unit_code:
        sheets = sheets.filter(unit__code=unit_code)
    return sheets


@router.get("/goals/sheets/{int:sheet_id}", response=SheetDetailOut, summary="目标表详情：指标、审核意见、流程")
def get_sheet(request: HttpRequest, sheet_id: int) -> Any:
    require(request, "goals.view")
    return selectors.sheet_get(actor=request.user, ctx=ctx_of(request), pk=sheet_id)


class CreateIn(Schema):
    project_id: int | None = None
    unit_id: int | None = None


@router.post("/goals/sheets", response={201: SheetOut}, summary="新建目标表：项目（project_id）或部门整体（unit_id）")
def create_sheet(request: HttpRequest, payload: CreateIn) -> Any:
    require(request, "goals.edit")
    ctx = ctx_of(request)
    if payload.project_id is not None:
        project = budget_selectors.project_get(actor=request.user, ctx=ctx, pk=payload.project_id)
        sheet = services.sheet_create_for_project(actor=request.user, project=project)
    elif payload.unit_id is not None and ctx.fiscal_year is not None:
        unit = unit_get(actor=request.user, ctx=ctx, pk=payload.unit_id)
        sheet = services.sheet_create_for_department(actor=request.user, unit=unit, fiscal_year=ctx.fiscal_year)
    else:
        raise HttpError(400, "应给出 project_id 或 unit_id")
    return Status(201, selectors.sheet_get(actor=request.user, ctx=ctx, pk=sheet.pk))


class ProjectLineIn(Schema):
    name: str
    amount: Decimal


class SaveIn(Schema):
    goal: str
    long_term_goal: str = ""
    funds: dict[str, Decimal] | None = None
    project_lines: list[ProjectLineIn] | None = None
    indicators: list[IndicatorIn]


@router.put("/goals/sheets/{int:sheet_id}", response=SheetDetailOut, summary="保存目标表内容（自动审核并返回意见）")
def save_sheet(request: HttpRequest, sheet_id: int, payload: SaveIn) -> Any:
    require(request, "goals.edit")
    ctx = ctx_of(request)
    sheet = selectors.sheet_get(actor=request.user, ctx=ctx, pk=sheet_id)
    if payload.funds is not None:
        unknown = set(payload.funds) - {s.value for s in FundSource}
        if unknown:
            raise HttpError(400, f"未知的资金来源：{'、'.join(sorted(unknown))}")
    services.sheet_save(
        actor=request.user,
        sheet=sheet,
        goal=payload.goal,
        long_term_goal=payload.long_term_goal,
        rows=[Row(**i.dict()) for i in payload.indicators],
        funds=payload.funds,
        project_lines=[line.dict() for line in payload.project_lines] if payload.project_lines is not None else None,
    )
    return selectors.sheet_get(actor=request.user, ctx=ctx, pk=sheet_id)


class TransitionIn(Schema):
    action: str
    reason: str = ""
    grade: str = ""
    justification: str = ""
    adjustment: str = ""
    comments: dict[str, str] = {}


@router.post("/goals/sheets/{int:sheet_id}/transition", response=SheetOut, summary="办理：报送、审核通过、退回、调整等")
def transition(request: HttpRequest, sheet_id: int, payload: TransitionIn) -> Any:
    require(request, "goals.view")
    ctx = ctx_of(request)
    sheet = selectors.sheet_get(actor=request.user, ctx=ctx, pk=sheet_id)
    comments: dict[int | None, str] = {}
    for key, text in payload.comments.items():
        if key == "sheet":
            comments[None] = text
        elif key.isascii() and key.isdecimal():
            comments[int(key)] = text
        else:
            raise HttpError(400, "comments 的键应为指标序号（从 0 起）或 sheet")
    services.sheet_transition(
        actor=request.user,
        sheet=sheet,
        action=payload.action,
        reason=payload.reason,
        grade=payload.grade,
        justification=payload.justification,
        adjustment=payload.adjustment,
        comments=comments,
    )
    return selectors.sheet_get(actor=request.user, ctx=ctx, pk=sheet_id)


@router.post("/goals/check", summary="审核一张或多张 jixiao.goal-sheet/1 目标表（不保存），返回 jixiao.findings/1")
def check(request: HttpRequest) -> Any:
    """The same review as ``jixiao check-goals``, with the working region's rules and library.
    The body is one sheet object or an array of them."""
    require(request, "goals.view")
    ctx = ctx_of(request)
    try:
        payload = json.loads(request.body or b"null")
    except ValueError:
        raise HttpError(400, "请求体应为 JSON") from None
    if isinstance(payload, list) and len(payload) > MAX_CHECK_SHEETS:
        raise HttpError(413, f"一次最多审核 {MAX_CHECK_SHEETS} 张目标表，收到 {len(payload)} 张；请分批提交")
    try:
        sheets = read_sheets(payload, file="request")
    except SheetFormatError as exc:
        raise DomainError(str(exc)) from None
    rules = (
        ruleset_of(ctx.region.pk, ctx.fiscal_year.pk) if ctx.region and ctx.fiscal_year else checks.RuleSet.default()
    )
    context = checks.Context(rules=rules, library=library_entries(ctx.region.pk) if ctx.region else ())
    results = checks.review_together(sheets, context)
    return {
        "schema": "jixiao.findings/1",
        "rules_version": rules.version,
        "sheets": [
            {
                "source": s.source,
                "unit": s.unit_name,
                "project": s.project.name if s.project else None,
                "findings": [f.to_data() for f in results.get(s.source, [])],
            }
            for s in sheets
        ],
    }
