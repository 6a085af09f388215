"""运行监控 over the API: rounds, the units' reports and their workflow, warnings, finance's
decisions and the units' payment plans. The same services and selectors as the pages; money is
a decimal string in yuan, rates are shares (``0.2000`` is 20%), gaps are percentage points."""

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Annotated, Any

from django.db.models import Case, Count, IntegerField, Value, When
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate
from pydantic import AfterValidator

from jixiao.accounts.permissions import ActorContext, has_perm
from jixiao.api.auth import require
from jixiao.api.inputs import Day, LongText, Text, Title, Word, Yuan, at_most, choice
from jixiao.api.pagination import Pages
from jixiao.budget import selectors as budget_selectors
from jixiao.budget.models import Project, ProjectCategory
from jixiao.core.numbers import CENT
from jixiao.core.progress import MODEL_LABELS
from jixiao.core.report_flow import report_actions
from jixiao.monitoring import selectors, services
from jixiao.monitoring.models import Decision, Light, Report, ReportStatus, Round
from jixiao.web.decorators import ctx_of

router = Router(tags=["运行监控"])

WARNED = [Light.RED.value, Light.YELLOW.value, Light.BLUE.value]
LIGHT_FILTERS = [Light.RED.value, Light.YELLOW.value, Light.BLUE.value, Light.GREEN.value]
DECISION_STATES = ("open", "answered", "closed", "overdue")
RATE = Decimal("0.0001")
ZERO = Decimal(0)


def _ctx(request: HttpRequest, year: int | None = None) -> ActorContext:
    """The request's context, in fiscal year ``year`` of the working region when one is asked for."""
    ctx = ctx_of(request)
    if year is not None and (ctx.fiscal_year is None or ctx.fiscal_year.year != year):
        ctx.fiscal_year = next((y for y in ctx.fiscal_years if y.year == year), None)
    return ctx


# --- rounds ----------------------------------------------------------------------------------


class RoundOut(Schema):
    id: int
    year: int
    title: str
    month: int
    period: str
    kind: str
    kind_label: str
    scope: str
    scope_label: str
    category_code: str | None
    deadline: dt.date
    instructions: str
    rules_version: str
    closed: bool
    created_by: str
    created_at: dt.datetime
    report_count: int = Field(description="本人可见范围内的监控表数")
    lights: dict[str, int] = Field(description="按项目灯统计的监控表数：red、yellow、blue、green、none")

    @staticmethod
    def resolve_year(obj: Round) -> int:
        return obj.fiscal_year.year

    @staticmethod
    def resolve_kind_label(obj: Round) -> str:
        return obj.get_kind_display()

    @staticmethod
    def resolve_scope_label(obj: Round) -> str:
        return obj.get_scope_display()

    @staticmethod
    def resolve_category_code(obj: Round) -> str | None:
        return obj.category.code if obj.category else None

    @staticmethod
    def resolve_created_by(obj: Round) -> str:
        return str(obj.created_by)


class UnitLightsOut(Schema):
    unit_id: int
    unit_code: str
    unit_name: str
    reports: int
    red: int
    yellow: int
    blue: int
    green: int
    submitted: int
    budget: Decimal
    paid: Decimal
    rate: Decimal | None
    light: str


class RoundDetailOut(RoundOut):
    units: list[UnitLightsOut]


def _named_counts(counts: dict[str, int]) -> dict[str, int]:
    return {light or "none": n for light, n in counts.items()}


def _with_counts(round_: Round, reports: Any) -> Round:
    counts = _named_counts(selectors.light_counts(reports))
    round_.lights = counts  # type: ignore[attr-defined]
    round_.report_count = sum(counts.values())  # type: ignore[attr-defined]
    return round_


def _round_detail(request: HttpRequest, round_: Round) -> Round:
    in_round = selectors.reports(ctx=ctx_of(request)).filter(round=round_)
    _with_counts(round_, in_round)
    round_.units = [  # type: ignore[attr-defined]
        {
            "unit_id": row["unit_id"],
            "unit_code": row["unit__code"],
            "unit_name": row["unit__name"],
            "reports": row["n"],
            **{key: row[key] for key in ("red", "yellow", "blue", "green", "submitted", "light")},
            # SQLite's SUM drops the trailing zeros; money is shown to the cent.
            "budget": (row["budget"] or ZERO).quantize(CENT),
            "paid": (row["paid"] or ZERO).quantize(CENT),
            "rate": row["rate"].quantize(RATE) if row["rate"] is not None else None,
        }
        for row in selectors.unit_lights(in_round)
    ]
    return round_


@router.get("/monitoring/rounds", response=list[RoundOut], summary="监控任务列表（所选预算年度）")
def list_rounds(request: HttpRequest, year: int | None = None) -> Any:
    require(request, "monitoring.view")
    ctx = _ctx(request, year)
    rounds = list(selectors.rounds(ctx=ctx).select_related("fiscal_year", "category", "created_by"))
    # One query for every round's counts, within the caller's reach.
    counts: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(selectors.LIGHT_ORDER, 0))
    for round_id, light, n in (
        selectors.reports(ctx=ctx)
        .filter(round__in=[r.pk for r in rounds])
        .order_by()
        .values_list("round_id", "light")
        .annotate(n=Count("id"))
    ):
        counts[round_id][light] = n
    for round_ in rounds:
        round_.lights = _named_counts(counts[round_.pk])  # type: ignore[attr-defined]
        round_.report_count = sum(counts[round_.pk].values())  # type: ignore[attr-defined]
    return rounds


class RoundIn(Schema):
    title: Title
    month: int = Field(description="监控截至月份，1–12：1–8 月的任务为 8")
    deadline: Day
    kind: Word = Field("general", description="general（一般监控）或 key（重点监控）")
    scope: Word = Field("all", description="all（全部已批复目标的项目）、category（某一类别）或 list（指定项目）")
    category_id: int | None = None
    project_ids: Annotated[list[int], AfterValidator(at_most(5000))] = []
    instructions: Text = ""


@router.post("/monitoring/rounds", response={201: RoundDetailOut}, summary="发起监控任务")
def open_round(request: HttpRequest, payload: RoundIn) -> Any:
    require(request, "monitoring.manage")
    ctx = ctx_of(request)
    if ctx.fiscal_year is None:
        raise HttpError(400, "尚未设置预算年度")
    category = None
    if payload.category_id is not None:
        category = ProjectCategory.objects.with_scope(region=ctx.region_ids).filter(pk=payload.category_id).first()
        if category is None:
            raise HttpError(400, f"没有编号为 {payload.category_id} 的项目类别")
    round_ = services.round_open(
        actor=request.user,
        fiscal_year=ctx.fiscal_year,
        title=payload.title,
        month=payload.month,
        deadline=payload.deadline,
        kind=payload.kind,
        scope=payload.scope,
        category=category,
        project_ids=payload.project_ids,
        instructions=payload.instructions,
    )
    return Status(201, _round_detail(request, selectors.round_get(actor=request.user, ctx=ctx, pk=round_.pk)))


@router.get("/monitoring/rounds/{int:round_id}", response=RoundDetailOut, summary="监控任务详情：灯数与各单位情况")
def get_round(request: HttpRequest, round_id: int) -> Any:
    require(request, "monitoring.view")
    return _round_detail(request, selectors.round_get(actor=request.user, ctx=ctx_of(request), pk=round_id))


@router.post(
    "/monitoring/rounds/{int:round_id}/refresh", response=RoundDetailOut, summary="按最新支付数据重算全部监控表"
)
def refresh_round(request: HttpRequest, round_id: int) -> Any:
    require(request, "monitoring.manage")
    ctx = ctx_of(request)
    services.round_refresh(actor=request.user, round_=selectors.round_get(actor=request.user, ctx=ctx, pk=round_id))
    return _round_detail(request, selectors.round_get(actor=request.user, ctx=ctx, pk=round_id))


@router.post("/monitoring/rounds/{int:round_id}/close", response=RoundDetailOut, summary="结束监控任务")
def close_round(request: HttpRequest, round_id: int) -> Any:
    require(request, "monitoring.manage")
    ctx = ctx_of(request)
    services.round_close(actor=request.user, round_=selectors.round_get(actor=request.user, ctx=ctx, pk=round_id))
    return _round_detail(request, selectors.round_get(actor=request.user, ctx=ctx, pk=round_id))


# --- reports ---------------------------------------------------------------------------------


class MessageOut(Schema):
    code: str
    colour: str | None = None
    value: str | None = None
    band: str = ""
    params: dict[str, str] = {}
    message: str


class ReportOut(Schema):
    id: int
    round_id: int
    unit_code: str
    unit_name: str
    project_id: int
    project_code: str
    project_name: str
    status: str
    status_label: str
    budget: Decimal = Field(description="全年预算数（调整后，元）")
    paid: Decimal = Field(description="截至本期支付数（元）")
    execution_rate: Decimal | None = Field(description="执行进度：支付数 ÷ 预算数")
    expected_share: Decimal | None = Field(description="截至本期应达到的执行进度")
    expected_model: str = Field(
        description="plan（自身用款计划）、profile（本类项目历史节奏）或 straight_line（序时进度）"
    )
    expected_model_label: str
    forecast: Decimal | None = Field(description="预计全年执行数（元）")
    estimate: Decimal | None = Field(description="单位预计全年执行数（元）")
    execution_light: str
    goal_light: str
    light: str
    light_label: str
    gap: Decimal | None = Field(description="目标完成进度与预算执行进度之差（百分点）")
    computed_at: dt.datetime | None
    submitted_at: dt.datetime | None

    @staticmethod
    def resolve_unit_code(obj: Report) -> str:
        return obj.unit.code

    @staticmethod
    def resolve_unit_name(obj: Report) -> str:
        return obj.unit.name

    @staticmethod
    def resolve_project_code(obj: Report) -> str:
        return obj.project.code

    @staticmethod
    def resolve_project_name(obj: Report) -> str:
        return obj.project.name

    @staticmethod
    def resolve_status_label(obj: Report) -> str:
        return obj.get_status_display()

    @staticmethod
    def resolve_execution_rate(obj: Report) -> Decimal | None:
        rate = obj.execution_rate
        return rate.quantize(RATE) if rate is not None else None

    @staticmethod
    def resolve_expected_model_label(obj: Report) -> str:
        return MODEL_LABELS.get(obj.expected_model, "")

    @staticmethod
    def resolve_light_label(obj: Report) -> str:
        return obj.get_light_display()


class WarningOut(ReportOut):
    round_title: str
    messages: list[MessageOut]

    @staticmethod
    def resolve_round_title(obj: Report) -> str:
        return obj.round.title


class LineOut(Schema):
    position: int
    level1: str
    level2: str
    name: str
    symbol: str
    target: str
    unit: str
    done: str
    expected: str
    reason: str
    reason_note: str
    likelihood: str
    measures: str
    light: str
    message: str


class StepOut(Schema):
    action: str
    from_status: str
    to_status: str
    actor: str
    reason: str
    created_at: dt.datetime

    @staticmethod
    def resolve_actor(obj: Any) -> str:
        return str(obj.actor)


class AttachmentOut(Schema):
    id: int
    name: str
    size: int
    uploaded_at: dt.datetime


class ActionOut(Schema):
    action: str
    label: str
    needs_reason: bool


class DecisionOut(Schema):
    id: int
    report_id: int
    round_id: int
    round_title: str
    unit_code: str
    unit_name: str
    project_id: int
    project_code: str
    project_name: str
    kind: str
    kind_label: str
    reason: str
    amount: Decimal | None
    working_days: int
    due: dt.date
    status: str
    status_label: str
    overdue: bool
    late: bool
    decided_by: str
    decided_at: dt.datetime
    follow_up: str
    followed_by: str | None
    followed_at: dt.datetime | None
    closed_by: str | None
    closed_at: dt.datetime | None

    @staticmethod
    def resolve_round_id(obj: Decision) -> int:
        return obj.report.round_id

    @staticmethod
    def resolve_round_title(obj: Decision) -> str:
        return obj.report.round.title

    @staticmethod
    def resolve_unit_code(obj: Decision) -> str:
        return obj.unit.code

    @staticmethod
    def resolve_unit_name(obj: Decision) -> str:
        return obj.unit.name

    @staticmethod
    def resolve_project_code(obj: Decision) -> str:
        return obj.project.code

    @staticmethod
    def resolve_project_name(obj: Decision) -> str:
        return obj.project.name

    @staticmethod
    def resolve_kind_label(obj: Decision) -> str:
        return obj.get_kind_display()

    @staticmethod
    def resolve_status_label(obj: Decision) -> str:
        return obj.get_status_display()

    @staticmethod
    def resolve_decided_by(obj: Decision) -> str:
        return str(obj.decided_by)

    @staticmethod
    def resolve_followed_by(obj: Decision) -> str | None:
        return str(obj.followed_by) if obj.followed_by else None

    @staticmethod
    def resolve_closed_by(obj: Decision) -> str | None:
        return str(obj.closed_by) if obj.closed_by else None


class RoundBriefOut(Schema):
    id: int
    title: str
    month: int
    period: str
    kind: str
    deadline: dt.date
    closed: bool


class ReportDetailOut(ReportOut):
    round: RoundBriefOut
    sheet_id: int | None
    editable: bool
    summary: str
    field_notes: str
    needs_rectify: bool
    rectify_advice: str
    messages: list[MessageOut]
    lines: list[LineOut]
    steps: list[StepOut]
    decisions: list[DecisionOut]
    attachments: list[AttachmentOut]
    actions: list[ActionOut] = Field(description="调用者此刻可以办理的操作")

    @staticmethod
    def resolve_editable(obj: Report) -> bool:
        return obj.editable and not obj.round.closed

    @staticmethod
    def resolve_lines(obj: Report) -> list[Any]:
        return list(obj.lines.all())

    @staticmethod
    def resolve_steps(obj: Report) -> list[Any]:
        return list(obj.steps.select_related("actor"))

    @staticmethod
    def resolve_decisions(obj: Report) -> list[Any]:
        return list(
            obj.decisions.select_related("report__round", "unit", "project", "decided_by", "followed_by", "closed_by")
        )

    @staticmethod
    def resolve_attachments(obj: Report) -> list[Any]:
        return list(obj.attachments.all())

    @staticmethod
    def resolve_actions(obj: Report, context: dict[str, Any]) -> list[dict[str, Any]]:
        if obj.round.closed:
            return []
        actor = context["request"].user
        return [
            {"action": t.action.value, "label": t.label, "needs_reason": t.needs_reason}
            for t in report_actions(obj.status)
            if has_perm(actor, t.perm, obj)
        ]


@router.get(
    "/monitoring/rounds/{int:round_id}/reports",
    response=list[ReportOut],
    summary="监控任务的监控表（本人可见范围；light、status、unit_code 筛选）",
)
@paginate(Pages, page_size=100)
def list_reports(request: HttpRequest, round_id: int, light: str = "", status: str = "", unit_code: str = "") -> Any:
    require(request, "monitoring.view")
    ctx = ctx_of(request)
    round_ = selectors.round_get(actor=request.user, ctx=ctx, pk=round_id)
    reports = selectors.report_list(
        ctx=ctx,
        round_=round_,
        light=choice(light, LIGHT_FILTERS, "light"),
        status=choice(status, ReportStatus.values, "status"),
    )
    if unit_code:
        reports = reports.filter(unit__code=unit_code)
    return reports


def _report(request: HttpRequest, report_id: int) -> Report:
    return selectors.report_get(actor=request.user, ctx=ctx_of(request), pk=report_id)


@router.get("/monitoring/reports/{int:report_id}", response=ReportDetailOut, summary="监控表详情")
def get_report(request: HttpRequest, report_id: int) -> Any:
    require(request, "monitoring.view")
    return _report(request, report_id)


class LineIn(Schema):
    position: int = Field(description="指标序号，从 0 起")
    done: Title = ""
    expected: Title = ""
    reason: Word = Field("", description="偏差原因：经费保障、制度保障、人员保障、硬件条件保障、其他")
    reason_note: Text = ""
    likelihood: Word = Field("", description="完成目标可能性：确定能、有可能、完全不可能")
    measures: Text = ""


class ReportIn(Schema):
    lines: Annotated[list[LineIn], AfterValidator(at_most(200))]
    summary: LongText = ""
    estimate: Yuan | None = None
    field_notes: LongText = ""


@router.put("/monitoring/reports/{int:report_id}", response=ReportDetailOut, summary="填报监控表（随即重新计算预警）")
def save_report(request: HttpRequest, report_id: int, payload: ReportIn) -> Any:
    require(request, "monitoring.edit")
    services.report_save(
        actor=request.user,
        report=_report(request, report_id),
        lines=[services.LineIn(**line.dict()) for line in payload.lines],
        summary=payload.summary,
        estimate=payload.estimate,
        field_notes=payload.field_notes,
    )
    return _report(request, report_id)


class TransitionIn(Schema):
    action: Word
    reason: Text = ""


@router.post(
    "/monitoring/reports/{int:report_id}/transition",
    response=ReportDetailOut,
    summary="办理监控表：报送、撤回、单位审核、股室审核、退回",
)
def transition_report(request: HttpRequest, report_id: int, payload: TransitionIn) -> Any:
    require(request, "monitoring.view")
    services.report_transition(
        actor=request.user, report=_report(request, report_id), action=payload.action, reason=payload.reason
    )
    return _report(request, report_id)


# --- warnings --------------------------------------------------------------------------------


@router.get(
    "/monitoring/warnings",
    response=list[WarningOut],
    summary="预警项目：所选年度未结束任务中亮红灯、黄灯、蓝灯的监控表",
)
@paginate(Pages, page_size=100)
def list_warnings(
    request: HttpRequest, round_id: int | None = None, light: str = "", unit_code: str = "", year: int | None = None
) -> Any:
    require(request, "monitoring.view")
    ctx = _ctx(request, year)
    light = choice(light, WARNED, "light")
    warned = (
        selectors.my_reports(ctx=ctx)
        .filter(round__fiscal_year=ctx.fiscal_year, light__in=[light] if light else WARNED)
        .select_related("project__category")
    )
    if round_id is not None:
        warned = warned.filter(round_id=round_id)
    if unit_code:
        warned = warned.filter(unit__code=unit_code)
    severity = Case(
        When(light=Light.RED, then=Value(0)),
        When(light=Light.YELLOW, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return warned.order_by(severity, "-round__created_at", "unit__code", "project__code")


# --- decisions -------------------------------------------------------------------------------


@router.get(
    "/monitoring/decisions",
    response=list[DecisionOut],
    summary="处理决定（所选年度；state = open | answered | closed | overdue）",
)
@paginate(Pages, page_size=100)
def list_decisions(request: HttpRequest, state: str = "", year: int | None = None) -> Any:
    require(request, "monitoring.view")
    found = selectors.decision_list(ctx=_ctx(request, year), state=choice(state, DECISION_STATES, "state"))
    return found.select_related("followed_by", "closed_by")


def _decision(request: HttpRequest, decision_id: int) -> Decision:
    return selectors.decision_get(actor=request.user, ctx=ctx_of(request), pk=decision_id)


class DecisionIn(Schema):
    kind: Word = Field(description="continue、correct、adjust、suspend 或 stop")
    reason: Text
    working_days: int = Field(description="办理时限（工作日），1–60")
    amount: Yuan | None = None


@router.post(
    "/monitoring/reports/{int:report_id}/decisions",
    response={201: DecisionOut},
    summary="对预警项目作出处理决定",
)
def make_decision(request: HttpRequest, report_id: int, payload: DecisionIn) -> Any:
    require(request, "monitoring.decide")
    decision = services.decision_make(
        actor=request.user,
        report=_report(request, report_id),
        kind=payload.kind,
        reason=payload.reason,
        working_days=payload.working_days,
        amount=payload.amount,
    )
    return Status(201, _decision(request, decision.pk))


class AnswerIn(Schema):
    text: Text


@router.post("/monitoring/decisions/{int:decision_id}/answer", response=DecisionOut, summary="反馈处理决定的落实情况")
def answer_decision(request: HttpRequest, decision_id: int, payload: AnswerIn) -> Any:
    require(request, "monitoring.edit")
    services.decision_answer(actor=request.user, decision=_decision(request, decision_id), text=payload.text)
    return _decision(request, decision_id)


@router.post("/monitoring/decisions/{int:decision_id}/close", response=DecisionOut, summary="办结处理决定")
def close_decision(request: HttpRequest, decision_id: int) -> Any:
    require(request, "monitoring.decide")
    services.decision_close(actor=request.user, decision=_decision(request, decision_id))
    return _decision(request, decision_id)


# --- payment plans ---------------------------------------------------------------------------


class PlanOut(Schema):
    project_id: int
    project_code: str
    project_name: str
    adjusted_budget: Decimal
    months: list[Decimal] | None = Field(description="1–12 月计划支付数（元）；未填报为 null")
    total: Decimal | None
    updated_by: str | None
    updated_at: dt.datetime | None


def _plan_out(project: Project) -> dict[str, Any]:
    # The project was found within reach; its plan belongs to it.
    plan = getattr(project, "payment_plan", None)
    amounts = plan.amounts if plan is not None else None
    return {
        "project_id": project.pk,
        "project_code": project.code,
        "project_name": project.name,
        "adjusted_budget": project.adjusted_budget,
        "months": amounts,
        "total": sum(amounts, Decimal("0.00")) if amounts is not None else None,
        "updated_by": str(plan.updated_by) if plan is not None else None,
        "updated_at": plan.updated_at if plan is not None else None,
    }


def _project(request: HttpRequest, project_id: int) -> Project:
    return budget_selectors.project_get(actor=request.user, ctx=ctx_of(request), pk=project_id)


@router.get("/monitoring/projects/{int:project_id}/plan", response=PlanOut, summary="项目的用款计划")
def get_plan(request: HttpRequest, project_id: int) -> Any:
    require(request, "monitoring.view")
    return _plan_out(_project(request, project_id))


class PlanIn(Schema):
    months: Annotated[list[Yuan], AfterValidator(at_most(24))] = Field(description="1–12 月计划支付数（元），12 个")


@router.put("/monitoring/projects/{int:project_id}/plan", response=PlanOut, summary="填报项目的用款计划")
def save_plan(request: HttpRequest, project_id: int, payload: PlanIn) -> Any:
    require(request, "monitoring.edit")
    services.plan_save(actor=request.user, project=_project(request, project_id), months=payload.months)
    return _plan_out(_project(request, project_id))
