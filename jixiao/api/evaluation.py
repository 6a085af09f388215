"""绩效自评 over the API: the office's rounds, the units' forms with their scores and workflow,
finance's sample and re-check, the scoring rules, and the stateless scoring of forms in the
interchange format (formats §2 → §4). The same services and selectors as the pages; money is a
decimal string in yuan, rates are percentages and scores are points, both with two decimals."""

import datetime as dt
import json
import unicodedata
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from django.db.models import Count
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate
from pydantic import AfterValidator, BeforeValidator

from jixiao.accounts.permissions import ActorContext, has_perm
from jixiao.api.auth import require
from jixiao.api.inputs import Day, LongText, Text, Title, Word, Yuan, at_most, choice
from jixiao.api.pagination import Pages
from jixiao.core import scoring
from jixiao.core.errors import DomainError
from jixiao.core.report_flow import SELFEVAL_TRANSITIONS, report_actions
from jixiao.core.selfeval import read_selfevals
from jixiao.core.sheet import SheetFormatError
from jixiao.evaluation import compute, selectors, services
from jixiao.evaluation.models import GRADES, Round, SelfEval
from jixiao.evaluation.models import Status as FormStatus
from jixiao.org.models import FiscalYear
from jixiao.web.decorators import ctx_of

router = Router(tags=["绩效自评"])

# Scoring is per form and cheap, but a request is capped like goals/check caps its sheets, to keep
# one call well under a second. ``jixiao score-selfeval`` has no cap.
MAX_SCORE_FORMS = 200
GRADE_FILTERS = [*GRADES, "none"]
KINDS = ["project", "department"]


# --- bounded input ---------------------------------------------------------------------------
# The same Chinese 422s as the monitoring API for amounts, dates and texts; scores and shares here.


def _number(value: Any, what: str, example: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, str | int | float | Decimal):
        raise ValueError(f'{what}应为数字，如 "{example}"')
    try:
        number = Decimal(unicodedata.normalize("NFKC", value).strip() if isinstance(value, str) else str(value))
    except InvalidOperation:
        raise ValueError(f'{what}应为数字，如 "{example}"') from None
    if not number.is_finite():
        raise ValueError(f"{what}应为有限的数字")
    return number


def _points(value: Any) -> Any:
    """A score in points (``"85.5"`` or 85.5); the services check 0–100 and two decimals."""
    if value is None:
        return None
    return _number(value, "得分", "85.5")


def _share(value: Any) -> Any:
    """A share of the forms: ``"0.2"``, 0.2 or ``"20%"``; the service checks 1%–100%."""
    if isinstance(value, str):
        text = unicodedata.normalize("NFKC", value).strip()
        if text.endswith("%"):
            return _number(text.removesuffix("%"), "抽查比例", "20%") / 100
    return _number(value, "抽查比例", "0.2")


Points = Annotated[Decimal, BeforeValidator(_points), Field(description='得分（分），如 "85.5"')]
Share = Annotated[Decimal, BeforeValidator(_share), Field(description='抽查比例，如 "0.2" 或 "20%"')]
Actual = Annotated[str, AfterValidator(at_most(100)), Field(json_schema_extra={"maxLength": 100})]
Source = Annotated[str, AfterValidator(at_most(200)), Field(json_schema_extra={"maxLength": 200})]
# A foreign-key filter is not range-checked by Django the way a primary key is: past a 64-bit
# integer the database driver fails (a 500).
Id = Annotated[int, Field(ge=1, le=2**63 - 1)]


def _fiscal_year(ctx: ActorContext, year: int | None) -> FiscalYear:
    """Fiscal year ``year`` of the working region (the selected one when not given)."""
    found = ctx.fiscal_year if year is None else next((y for y in ctx.fiscal_years if y.year == year), None)
    if found is None:
        raise HttpError(400, f"本地区没有 {year} 预算年度" if year is not None else "尚未设置预算年度")
    return found


# --- rounds ----------------------------------------------------------------------------------


class RoundOut(Schema):
    id: int
    year: int
    title: str
    deadline: dt.date
    instructions: str
    rules_version: str
    closed: bool
    created_by: str
    created_at: dt.datetime
    form_count: int = Field(description="本人可见范围内的自评表数")

    @staticmethod
    def resolve_year(obj: Round) -> int:
        return obj.fiscal_year.year

    @staticmethod
    def resolve_created_by(obj: Round) -> str:
        return str(obj.created_by)


class SummaryOut(Schema):
    total: int = Field(description="自评表数")
    status: dict[str, int] = Field(description="按状态统计：draft、leader、submitted、accepted、returned")
    grades: dict[str, int] = Field(description="按自评等级统计：优、良、中、差")
    ungraded: int = Field(description="尚无等级（无法计分）的自评表数")
    average: Decimal | None = Field(description="平均自评得分")
    sampled: int
    checked: int
    distorted: int


class UnitSummaryOut(Schema):
    unit_id: int
    unit_code: str
    unit_name: str
    forms: int
    received: int = Field(description="已报送到财政（待财政审核或已审核）的自评表数")
    average: Decimal | None
    good: int = Field(description="优、良")
    weak: int = Field(description="中、差")


class RoundDetailOut(RoundOut):
    summary: SummaryOut
    units: list[UnitSummaryOut]


def _round_detail(request: HttpRequest, round_: Round) -> Round:
    in_round = selectors.forms(ctx=ctx_of(request)).filter(round=round_)
    counts = selectors.summary(in_round)
    round_.form_count = counts["total"]  # type: ignore[attr-defined]
    round_.summary = {  # type: ignore[attr-defined]
        **counts,
        "status": {code: n for code, _, n in counts["status"]},
        "grades": dict(counts["grades"]),
    }
    round_.units = [  # type: ignore[attr-defined]
        {**row, "unit_code": row["unit__code"], "unit_name": row["unit__name"]}
        for row in selectors.unit_summary(in_round)
    ]
    return round_


def _round(request: HttpRequest, round_id: int) -> Round:
    return selectors.round_get(actor=request.user, ctx=ctx_of(request), pk=round_id)


@router.get("/evaluation/rounds", response=list[RoundOut], summary="自评任务列表（本地区各年度，新的在前）")
def list_rounds(request: HttpRequest) -> Any:
    require(request, "evaluation.view")
    ctx = ctx_of(request)
    rounds = list(selectors.rounds(ctx=ctx).select_related("created_by"))
    # One query for every round's count, within the caller's reach.
    counts = dict(
        selectors.forms(ctx=ctx)
        .filter(round__in=[r.pk for r in rounds])
        .order_by()
        .values_list("round_id")
        .annotate(n=Count("id"))
        .values_list("round_id", "n")
    )
    for round_ in rounds:
        round_.form_count = counts.get(round_.pk, 0)  # type: ignore[attr-defined]
    return rounds


class RoundIn(Schema):
    year: int = Field(description="评价年度，如 2026")
    title: Title
    deadline: Day
    instructions: Text = ""


@router.post("/evaluation/rounds", response={201: RoundDetailOut}, summary="发起自评任务")
def open_round(request: HttpRequest, payload: RoundIn) -> Any:
    require(request, "evaluation.manage")
    round_ = services.round_open(
        actor=request.user,
        fiscal_year=_fiscal_year(ctx_of(request), payload.year),
        title=payload.title,
        deadline=payload.deadline,
        instructions=payload.instructions,
    )
    return Status(201, _round_detail(request, _round(request, round_.pk)))


@router.get(
    "/evaluation/rounds/{int:round_id}", response=RoundDetailOut, summary="自评任务详情：状态、等级统计与各单位情况"
)
def get_round(request: HttpRequest, round_id: int) -> Any:
    require(request, "evaluation.view")
    return _round_detail(request, _round(request, round_id))


@router.post("/evaluation/rounds/{int:round_id}/close", response=RoundDetailOut, summary="结束自评任务")
def close_round(request: HttpRequest, round_id: int) -> Any:
    require(request, "evaluation.manage")
    services.round_close(actor=request.user, round_=_round(request, round_id))
    return _round_detail(request, _round(request, round_id))


@router.post(
    "/evaluation/rounds/{int:round_id}/refresh",
    response=RoundDetailOut,
    summary="按最新执行数据重算未审核的自评表",
)
def refresh_round(request: HttpRequest, round_id: int) -> Any:
    require(request, "evaluation.manage")
    services.round_refresh(actor=request.user, round_=_round(request, round_id))
    return _round_detail(request, _round(request, round_id))


# --- forms -----------------------------------------------------------------------------------


class FindingOut(Schema):
    rule: str
    family: str
    severity: str
    indicator: int | None
    field: str | None
    message: str
    hint: str
    basis: str


class FormOut(Schema):
    id: int
    round_id: int
    round_title: str
    year: int
    unit_id: int
    unit_code: str
    unit_name: str
    kind: str
    kind_label: str
    project_id: int | None
    project_code: str
    project_name: str
    title: str
    status: str
    status_label: str
    adjusted_budget: Decimal | None = Field(description="全年预算数（元）")
    spent: Decimal | None = Field(description="全年执行数（元）")
    execution_rate: Decimal | None = Field(description="预算执行率（%）")
    total: Decimal | None = Field(description="自评得分；有无法计分的项目时为 null")
    grade: str = Field(description="优、良、中、差；无法计分时为空")
    errors: int
    warnings: int
    sampled: bool
    check_total: Decimal | None = Field(description="财政复核得分")
    distorted: bool = Field(description="自评失真：自评得分比复核得分高 10 分以上")
    submitted_at: dt.datetime | None

    @staticmethod
    def resolve_round_title(obj: SelfEval) -> str:
        return obj.round.title

    @staticmethod
    def resolve_year(obj: SelfEval) -> int:
        return obj.round.fiscal_year.year

    @staticmethod
    def resolve_unit_code(obj: SelfEval) -> str:
        return obj.unit.code

    @staticmethod
    def resolve_unit_name(obj: SelfEval) -> str:
        return obj.unit.name

    @staticmethod
    def resolve_kind_label(obj: SelfEval) -> str:
        return obj.get_kind_display()

    @staticmethod
    def resolve_project_code(obj: SelfEval) -> str:
        return obj.project.code if obj.project else ""

    @staticmethod
    def resolve_project_name(obj: SelfEval) -> str:
        return obj.project.name if obj.project else ""

    @staticmethod
    def resolve_status_label(obj: SelfEval) -> str:
        return obj.get_status_display()


class LineOut(Schema):
    position: int
    level1: str
    level2: str
    name: str
    symbol: str
    target: str = Field(description="年度指标值")
    unit: str
    weight: Decimal | None = Field(description="目标表上设的分值")
    actual: str
    score_given: Decimal | None = Field(description="定性指标评价人给的得分")
    deviation_reason: str
    source: str
    weight_used: Decimal | None = Field(description="计分所用分值")
    completion: Decimal | None = Field(description="完成率（%）")
    score: Decimal | None
    level: str = Field(description="定性指标的完成等级")

    @staticmethod
    def resolve_target(obj: Any) -> str:
        return obj.value


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


class EvidenceOut(Schema):
    id: int
    position: int | None = Field(description="对应指标序号；null 为整表")
    name: str
    size: int
    uploaded_at: dt.datetime


class ActionOut(Schema):
    action: str
    label: str
    needs_reason: bool


class RoundBriefOut(Schema):
    id: int
    title: str
    year: int
    deadline: dt.date
    rules_version: str
    closed: bool

    @staticmethod
    def resolve_year(obj: Round) -> int:
        return obj.fiscal_year.year


class FormDetailOut(FormOut):
    round: RoundBriefOut
    sheet_id: int
    editable: bool
    goal: str
    goal_result: str
    initial_budget: Decimal = Field(description="年初预算数（元）")
    execution_from_data: bool = Field(description="执行数来自导入的预算执行数据（项目）；否则由单位填报（部门整体）")
    execution_reason: str
    execution_score: Decimal | None
    conclusion: str
    problems: str
    measures: str
    notes: list[str] = Field(description="计分说明")
    findings: list[FindingOut] = Field(description="检查意见")
    before_submit: list[str] = Field(description="报送前须改正的问题")
    computed_at: dt.datetime | None
    updated_at: dt.datetime
    check_note: str
    checked_by: str | None
    checked_at: dt.datetime | None
    gap: Decimal | None = Field(description="自评得分减复核得分")
    lines: list[LineOut]
    steps: list[StepOut]
    evidence: list[EvidenceOut]
    actions: list[ActionOut] = Field(description="调用者此刻可以办理的操作")

    @staticmethod
    def resolve_editable(obj: SelfEval) -> bool:
        return obj.editable and not obj.round.closed

    @staticmethod
    def resolve_before_submit(obj: SelfEval) -> list[str]:
        return services.submission_problems(obj) if obj.editable else []

    @staticmethod
    def resolve_checked_by(obj: SelfEval) -> str | None:
        return str(obj.checked_by) if obj.checked_by else None

    @staticmethod
    def resolve_lines(obj: SelfEval) -> list[Any]:
        return list(obj.lines.all())

    @staticmethod
    def resolve_steps(obj: SelfEval) -> list[Any]:
        return list(obj.steps.select_related("actor"))

    @staticmethod
    def resolve_evidence(obj: SelfEval) -> list[Any]:
        return list(obj.evidence.all())

    @staticmethod
    def resolve_actions(obj: SelfEval, context: dict[str, Any]) -> list[dict[str, Any]]:
        if obj.round.closed:
            return []
        actor = context["request"].user
        return [
            {"action": t.action.value, "label": t.label, "needs_reason": t.needs_reason}
            for t in report_actions(obj.status, SELFEVAL_TRANSITIONS)
            if has_perm(actor, t.perm, obj)
        ]


@router.get(
    "/evaluation/forms",
    response=list[FormOut],
    summary="自评表（本人可见范围；未指定任务时为进行中的任务；round_id、status、grade 等筛选）",
)
@paginate(Pages, page_size=100)
def list_forms(
    request: HttpRequest,
    round_id: int | None = None,
    status: str = "",
    grade: str = "",
    unit_id: Id | None = None,
    unit_code: str = "",
    kind: str = "",
    sampled: bool = False,
    distorted: bool = False,
    q: Annotated[str, AfterValidator(at_most(100))] = "",
) -> Any:
    require(request, "evaluation.view")
    ctx = ctx_of(request)
    forms = selectors.form_list(
        ctx=ctx,
        round_=_round(request, round_id) if round_id is not None else None,
        status=choice(status, FormStatus.values, "status"),
        grade=choice(grade, GRADE_FILTERS, "grade"),
        unit_id=unit_id,
        kind=choice(kind, KINDS, "kind"),
        sampled=sampled,
        distorted=distorted,
        q=q.strip(),
    )
    if unit_code:
        forms = forms.filter(unit__code=unit_code)
    return forms


def _form(request: HttpRequest, form_id: int) -> SelfEval:
    return selectors.form_get(actor=request.user, ctx=ctx_of(request), pk=form_id)


@router.get(
    "/evaluation/forms/{int:form_id}", response=FormDetailOut, summary="自评表详情：执行、指标得分、检查意见、流程"
)
def get_form(request: HttpRequest, form_id: int) -> Any:
    require(request, "evaluation.view")
    return _form(request, form_id)


class LineIn(Schema):
    position: int = Field(description="指标序号，从 0 起")
    actual: Actual = Field("", description="实际完成值；定性指标填 达成、部分达成 或 未达成")
    score: Points | None = Field(None, description="定性指标的得分（部分达成、未达成时必填）")
    deviation_reason: Text = Field("", description="偏差原因分析及改进措施")
    source: Source = Field("", description="数据来源")


class FormIn(Schema):
    lines: Annotated[list[LineIn], AfterValidator(at_most(200))] = []
    goal_result: LongText = ""
    execution_reason: Text = ""
    conclusion: Text = ""
    problems: Text = ""
    measures: Text = ""
    adjusted_budget: Yuan | None = Field(None, description="全年预算数（元），仅部门整体自评表填写")
    spent: Yuan | None = Field(None, description="全年执行数（元），仅部门整体自评表填写")

    def to_service(self) -> services.FormIn:
        return services.FormIn(
            lines=[services.LineIn(**line.dict()) for line in self.lines],
            **self.dict(exclude={"lines"}),
        )


@router.put("/evaluation/forms/{int:form_id}", response=FormDetailOut, summary="填报自评表（随即重新计分）")
def save_form(request: HttpRequest, form_id: int, payload: FormIn) -> Any:
    require(request, "evaluation.edit")
    services.form_save(actor=request.user, form=_form(request, form_id), data=payload.to_service())
    return _form(request, form_id)


class PreviewLineOut(Schema):
    position: int
    name: str
    weight_used: str | None
    completion: str | None
    score: str | None
    level: str


class PreviewOut(Schema):
    rules_version: str
    execution_rate: str | None
    execution_score: str | None
    total: str | None
    grade: str | None
    errors: int
    warnings: int
    notes: list[str]
    findings: list[FindingOut]
    lines: list[PreviewLineOut]


@router.post("/evaluation/forms/{int:form_id}/preview", response=PreviewOut, summary="按填写内容试算得分（不保存）")
def preview_form(request: HttpRequest, form_id: int, payload: FormIn) -> Any:
    require(request, "evaluation.edit")
    result, lines = services.form_preview(actor=request.user, form=_form(request, form_id), data=payload.to_service())
    data = result.to_data()
    return {
        **data,
        "errors": result.errors,
        "warnings": sum(1 for f in result.findings if f.severity == "warning"),
        "lines": [
            {
                "position": line.position,
                "name": line.name,
                "weight_used": item["weight"],
                "completion": item["completion"],
                "score": item["score"],
                "level": item.get("level", ""),
            }
            for line, item in zip(lines, data["indicators"], strict=True)
        ],
    }


class TransitionIn(Schema):
    action: Word
    reason: Text = ""


@router.post(
    "/evaluation/forms/{int:form_id}/transition",
    response=FormDetailOut,
    summary="办理自评表：报送、撤回、单位审核、财政审核、退回",
)
def transition_form(request: HttpRequest, form_id: int, payload: TransitionIn) -> Any:
    require(request, "evaluation.view")
    services.form_transition(
        actor=request.user, form=_form(request, form_id), action=payload.action, reason=payload.reason
    )
    return _form(request, form_id)


# --- finance's sample and re-check -----------------------------------------------------------


class SampleIn(Schema):
    share: Share


class SampleOut(Schema):
    drawn: list[FormOut] = Field(description="本次抽中的自评表")
    round: RoundDetailOut


@router.post(
    "/evaluation/rounds/{int:round_id}/sample",
    response=SampleOut,
    summary="按比例随机抽取已报送财政的自评表复核",
)
def sample_round(request: HttpRequest, round_id: int, payload: SampleIn) -> Any:
    require(request, "evaluation.recheck")
    round_ = _round(request, round_id)
    drawn = services.sample_draw(actor=request.user, round_=round_, share=payload.share)
    return {
        "drawn": selectors.form_list(ctx=ctx_of(request), round_=round_).filter(pk__in=[f.pk for f in drawn]),
        "round": _round_detail(request, round_),
    }


class RecheckIn(Schema):
    total: Points = Field(description="复核得分，0–100，最多两位小数")
    note: Text = Field(description="复核意见：复核发现的问题和扣分理由")


@router.post("/evaluation/forms/{int:form_id}/recheck", response=FormDetailOut, summary="财政复核自评表，给出复核得分")
def recheck_form(request: HttpRequest, form_id: int, payload: RecheckIn) -> Any:
    require(request, "evaluation.recheck")
    services.recheck_save(actor=request.user, form=_form(request, form_id), total=payload.total, note=payload.note)
    return _form(request, form_id)


# --- rules -----------------------------------------------------------------------------------


class RulesOut(Schema):
    year: int
    version: str = Field(description="现行评分规则版本")
    custom: bool = Field(description="本地区是否修改过默认规则")
    overrides: dict[str, Any] = Field(description="本地区对默认规则的修改")
    rules: dict[str, Any] = Field(description="合并后的完整规则（与 scoring.json 的格式相同）")


def _rules_out(fiscal_year: FiscalYear) -> dict[str, Any]:
    _, overrides = compute.rules_for(fiscal_year.region_id, fiscal_year.pk)
    rules = compute.rules_in_force(fiscal_year.region_id, fiscal_year.pk)
    return {
        "year": fiscal_year.year,
        "version": rules.version,
        "custom": bool(overrides),
        "overrides": overrides,
        "rules": rules.to_data(),
    }


@router.get("/evaluation/rules", response=RulesOut, summary="现行自评评分规则（year：评价年度，默认所选年度）")
def get_rules(request: HttpRequest, year: int | None = None) -> Any:
    require(request, "evaluation.view")
    return _rules_out(_fiscal_year(ctx_of(request), year))


class RulesIn(Schema):
    year: int
    data: dict[str, Any] = Field(
        description="对默认规则的修改：weights、reverse、qualitative、grades、thresholds、severities"
    )
    note: Annotated[str, AfterValidator(at_most(200))] = ""


@router.post("/evaluation/rules", response={201: RulesOut}, summary="保存本地区某年度的自评评分规则（新版本）")
def save_rules(request: HttpRequest, payload: RulesIn) -> Any:
    require(request, "evaluation.manage")
    fiscal_year = _fiscal_year(ctx_of(request), payload.year)
    services.rules_save(actor=request.user, fiscal_year=fiscal_year, data=payload.data, note=payload.note)
    return Status(201, _rules_out(fiscal_year))


# --- stateless scoring -----------------------------------------------------------------------


@router.post(
    "/evaluation/score",
    summary="计算一张或多张 jixiao.self-evaluation/1 自评表的得分（不保存），返回 jixiao.score/1",
)
def score(request: HttpRequest) -> Any:
    """The same scoring as ``jixiao score-selfeval``, with the rules in force in the working
    region for each form's year (the shipped rules for a year the region does not have). The
    body is one form object or an array of them."""
    require(request, "evaluation.view")
    ctx = ctx_of(request)
    try:
        payload = json.loads(request.body or b"null")
    except (ValueError, RecursionError):
        raise HttpError(400, "请求体应为 JSON") from None
    if isinstance(payload, list) and len(payload) > MAX_SCORE_FORMS:
        raise HttpError(413, f"一次最多计分 {MAX_SCORE_FORMS} 张自评表，收到 {len(payload)} 张；请分批提交")
    try:
        forms = read_selfevals(payload, file="request")
    except SheetFormatError as exc:
        raise DomainError(str(exc)) from None
    by_year: dict[int, scoring.ScoringRules] = {}
    years: Mapping[int, FiscalYear] = {y.year: y for y in ctx.fiscal_years}
    for form in forms:
        year = form.sheet.year
        if year not in by_year:
            by_year[year] = (
                compute.rules_in_force(years[year].region_id, years[year].pk)
                if year in years
                else scoring.ScoringRules.default()
            )
    return scoring.scores_document([scoring.score(form, by_year[form.sheet.year]) for form in forms])
