"""财政重点评价 over the API: the office's registry of third-party agencies with their records,
the selection of projects (with the reasons each qualifies), the commission, the agency's
declaration, index system, scores and report, and the office's return or quality rating. The
same services and selectors as the pages, the same permissions and reach.

An agency member sees only the evaluations assigned to the member's agency. Until the member has
signed the conflict-of-interest declaration, an evaluation shows its title and nothing else: the
list leaves the rest out, the detail answers 403 "请先签署利益冲突声明". A member who declared a
conflict stays out (404, and the list no longer shows it)."""

import datetime as dt
import sys
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Self

from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest
from ninja import Body, Field, File, Form, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile
from ninja.pagination import paginate
from pydantic import AfterValidator, BeforeValidator, model_validator

from jixiao.accounts.permissions import ActorContext, has_perm
from jixiao.api.auth import require
from jixiao.api.inputs import Day, LongText, Text, Title, Yuan, at_most, choice
from jixiao.api.pagination import Pages
from jixiao.budget import selectors as budget_selectors
from jixiao.budget.models import Project, ProjectCategory
from jixiao.core import keyeval as core
from jixiao.core.money import wan_to_yuan
from jixiao.keyeval import selectors, services
from jixiao.keyeval.models import AGENCY_EDITABLE, Agency, Declaration, Evaluation, Evidence, Item
from jixiao.keyeval.models import Status as EvalStatus
from jixiao.web.decorators import ctx_of

router = Router(tags=["重点评价"])

MAX_ID = 2**63 - 1
MAX_SELECT = 100  # projects selected in one request
NOT_DECLARED = "请先签署利益冲突声明"
# The office commissions and the auditor checks independence: both see conflicts and why.

# What the caller may do to an evaluation in each state: (states, action, label, permission, needs text).
ACTIONS = [
    ((EvalStatus.SELECTED, EvalStatus.ASSIGNED), "assign", "委托第三方机构", "keyeval.manage", False),
    ((EvalStatus.SELECTED, EvalStatus.ASSIGNED), "items", "调整评价指标体系", "keyeval.manage", False),
    ((EvalStatus.SELECTED, EvalStatus.ASSIGNED, EvalStatus.WORKING), "cancel", "取消评价", "keyeval.manage", True),
    (tuple(AGENCY_EDITABLE), "items", "评分", "keyeval.score", False),
    (tuple(AGENCY_EDITABLE), "submit", "提交评价报告", "keyeval.score", False),
    ((EvalStatus.SUBMITTED,), "feedback", "反馈对评价报告的意见", "keyeval.feedback", True),
    ((EvalStatus.SUBMITTED,), "return", "退回评价报告", "keyeval.manage", True),
    ((EvalStatus.SUBMITTED,), "rate", "评定报告质量", "keyeval.manage", False),
]


# --- bounded input ---------------------------------------------------------------------------


def _ref(value: Any) -> Any:
    """An object's id: a positive integer within what the database takes (past a 64-bit integer
    a foreign-key filter fails in the driver, a 500)."""
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdecimal():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"编号应为正整数，收到「{str(value)[:20]}」")
    if not 1 <= value <= MAX_ID:
        raise ValueError(f"编号应为 1 到 {MAX_ID} 之间的整数")
    return value


def _number(value: Any, what: str, example: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, str | int | float | Decimal):
        raise ValueError(f'{what}应为数字，如 "{example}"')
    try:
        number = Decimal(unicodedata.normalize("NFKC", value).strip() if isinstance(value, str) else str(value))
    except InvalidOperation:
        raise ValueError(f'{what}应为数字，如 "{example}"') from None
    if not number.is_finite():
        raise ValueError(f"{what}应为有限的数字")
    if number.adjusted() > 12:
        raise ValueError(f"{what}超出范围")
    return number


def _points(what: str, example: str) -> Any:
    def parse(value: Any) -> Any:
        return None if value is None else _number(value, what, example)

    return parse


def _not_negative(what: str, example: str) -> Any:
    def parse(value: Any) -> Any:
        if value is None:
            return None
        number = _number(value, what, example)
        if number < 0 or number >= Decimal("1e12"):
            raise ValueError(f"{what}应为不小于 0 的数字")
        return number

    return parse


Ref = Annotated[int, BeforeValidator(_ref), Field(description="编号（正整数）")]
Weight = Annotated[Decimal, BeforeValidator(_points("分值", "10")), Field(description='分值（分），如 "10"')]
Score = Annotated[Decimal, BeforeValidator(_points("得分", "8.5")), Field(description='得分（分），如 "8.5"')]
Quality = Annotated[Decimal, BeforeValidator(_points("报告质量评分", "85")), Field(description="报告质量评分，0–100")]
Wan = Annotated[Decimal, BeforeValidator(_not_negative("金额", "100")), Field(description="金额（万元）")]
Percent = Annotated[Decimal, BeforeValidator(_not_negative("增长幅度", "20")), Field(description="百分比")]
Short = Annotated[str, AfterValidator(at_most(30)), Field(json_schema_extra={"maxLength": 30})]
Name = Annotated[str, AfterValidator(at_most(200)), Field(json_schema_extra={"maxLength": 200})]
Level1 = Annotated[str, AfterValidator(at_most(10)), Field(json_schema_extra={"maxLength": 10})]


def _require_any(request: HttpRequest, *perms: str) -> None:
    if not any(has_perm(request.user, perm) for perm in perms):
        raise HttpError(403, "您没有执行此操作的权限")


# --- agencies --------------------------------------------------------------------------------


class MemberOut(Schema):
    id: int
    username: str
    full_name: str


class RecordOut(Schema):
    assigned: int = Field(description="受托的重点评价数（不含已取消）")
    rated: int = Field(description="已评定报告质量的评价数")
    quality: Decimal | None = Field(description="报告质量平均分")
    late: int = Field(description="逾期提交报告的次数")


class AgencyOut(Schema):
    id: int
    name: str
    credit_code: str
    qualifications: str
    contact: str
    phone: str
    email: str
    address: str
    active: bool = Field(description="可承接业务")
    members: list[MemberOut] = Field(description="机构评价人员（第三方机构评价人员账户）")
    created_at: dt.datetime
    record: RecordOut = Field(description="业绩记录：受托、评定、质量平均分、逾期")

    @staticmethod
    def resolve_members(obj: Agency) -> list[Any]:
        return sorted(obj.members.all(), key=lambda m: m.username)


def _with_records(agencies: list[Agency]) -> list[Agency]:
    found = selectors.records([a.pk for a in agencies])
    for agency in agencies:
        agency.record = found[agency.pk]  # type: ignore[attr-defined]
    return agencies


def _agency(request: HttpRequest, agency_id: int) -> Agency:
    return _with_records([selectors.agency_get(actor=request.user, ctx=ctx_of(request), pk=agency_id)])[0]


@router.get("/keyeval/agencies", response=list[AgencyOut], summary="第三方机构库及其业绩记录")
def list_agencies(request: HttpRequest) -> Any:
    require(request, "agencies.view")
    return _with_records(list(selectors.agencies(ctx=ctx_of(request)).prefetch_related("members")))


class AgencyIn(Schema):
    name: Title = Field(description="机构名称")
    contact: Short = Field(description="联系人")
    phone: Short = Field(description="联系电话")
    credit_code: Annotated[str, AfterValidator(at_most(18))] = Field("", description="统一社会信用代码（18 位）")
    qualifications: Text = Field("", description="资质和业绩")
    email: Title = ""
    address: Name = ""
    active: bool = Field(True, description="可承接业务")
    member_ids: Annotated[list[Ref], AfterValidator(at_most(100))] = Field(
        [], description="机构评价人员：本区划第三方机构评价人员账户的编号"
    )

    def to_service(self) -> services.AgencyIn:
        return services.AgencyIn(**self.dict())


@router.post("/keyeval/agencies", response={201: AgencyOut}, summary="登记第三方机构")
def create_agency(request: HttpRequest, payload: AgencyIn) -> Any:
    require(request, "keyeval.manage")
    agency = services.agency_save(actor=request.user, region=ctx_of(request).current_region, data=payload.to_service())
    return Status(201, _agency(request, agency.pk))


@router.put("/keyeval/agencies/{int:agency_id}", response=AgencyOut, summary="修改第三方机构及其评价人员")
def update_agency(request: HttpRequest, agency_id: int, payload: AgencyIn) -> Any:
    require(request, "keyeval.manage")
    services.agency_save(
        actor=request.user,
        region=ctx_of(request).current_region,
        data=payload.to_service(),
        agency=_agency(request, agency_id),
    )
    return _agency(request, agency_id)


# --- selection -------------------------------------------------------------------------------


class CandidateOut(Schema):
    project_id: int
    project_code: str
    project_name: str
    year: int
    unit_id: int
    unit_code: str
    unit_name: str
    category_code: str
    category: str
    domain: str
    is_major: bool
    adjusted_budget: Decimal = Field(description="调整后预算（元）")
    reasons: list[str] = Field(description="选定理由；选定后成为评价的「选定理由」")
    weak: int = Field(description="以往（含本年）自评或复核为「中」「差」的次数")
    increase: Decimal | None = Field(description="预算较上年增长（%）；上年没有同代码项目时为 null")
    lights: list[str] = Field(description="本年运行监控亮过的灯：red、yellow")
    taken: bool = Field(description="已有进行中的重点评价（不能再选定）")

    @staticmethod
    def resolve_project_id(obj: selectors.Candidate) -> int:
        return obj.project.pk

    @staticmethod
    def resolve_project_code(obj: selectors.Candidate) -> str:
        return obj.project.code

    @staticmethod
    def resolve_project_name(obj: selectors.Candidate) -> str:
        return obj.project.name

    @staticmethod
    def resolve_year(obj: selectors.Candidate) -> int:
        return obj.project.fiscal_year.year

    @staticmethod
    def resolve_unit_id(obj: selectors.Candidate) -> int:
        return obj.project.unit_id

    @staticmethod
    def resolve_unit_code(obj: selectors.Candidate) -> str:
        return obj.project.unit.code

    @staticmethod
    def resolve_unit_name(obj: selectors.Candidate) -> str:
        return obj.project.unit.name

    @staticmethod
    def resolve_category_code(obj: selectors.Candidate) -> str:
        return obj.project.category.code

    @staticmethod
    def resolve_category(obj: selectors.Candidate) -> str:
        return obj.project.category.name

    @staticmethod
    def resolve_domain(obj: selectors.Candidate) -> str:
        return obj.project.category.domain

    @staticmethod
    def resolve_is_major(obj: selectors.Candidate) -> bool:
        return obj.project.is_major

    @staticmethod
    def resolve_adjusted_budget(obj: selectors.Candidate) -> Decimal:
        return obj.project.adjusted_budget


def _year(ctx: ActorContext, year: int | None) -> int:
    """``year``, a fiscal year of the working region (the selected one when not given)."""
    found = ctx.fiscal_year if year is None else next((y for y in ctx.fiscal_years if y.year == year), None)
    if found is None:
        raise HttpError(400, f"本地区没有 {year} 预算年度" if year is not None else "尚未设置预算年度")
    return found.year


def _categories(ctx: ActorContext, codes: str) -> list[int]:
    """Category codes, comma-separated (``C10,C13``), as the ids of the working region's categories."""
    wanted = [c.strip() for c in unicodedata.normalize("NFKC", codes).split(",") if c.strip()]
    if not wanted:
        return []
    if len(wanted) > 50:
        raise HttpError(400, "category 最多 50 个类别代码")
    found = dict(
        ProjectCategory.objects.with_scope(region=ctx.region_ids).filter(code__in=wanted).values_list("code", "id")
    )
    missing = [c[:20] for c in wanted if c not in found]
    if missing:
        raise HttpError(400, f"没有项目类别代码「{'、'.join(missing)}」")
    return [found[c] for c in wanted]


@router.get(
    "/keyeval/candidates",
    response=list[CandidateOut],
    summary="按条件筛选重点评价备选项目，并给出选定理由（各条件同时满足）",
)
def list_candidates(
    request: HttpRequest,
    year: int | None = None,
    min_amount_wan: Wan | None = None,
    category: Annotated[str, AfterValidator(at_most(500))] = "",
    livelihood: bool = False,
    weak: Annotated[int, Field(ge=0, le=100)] = 0,
    increase: Percent | None = None,
    warnings: bool = False,
    q: Annotated[str, AfterValidator(at_most(100))] = "",
) -> Any:
    require(request, "keyeval.manage")
    ctx = ctx_of(request)
    filters = selectors.Filters(
        min_amount=None if min_amount_wan is None else wan_to_yuan(min_amount_wan),
        category_ids=_categories(ctx, category),
        livelihood=livelihood,
        weak=weak,
        increase=increase,
        warnings=warnings,
        q=q.strip(),
    )
    return selectors.candidates(ctx=ctx, year=_year(ctx, year), filters=filters)


# --- evaluations: output ---------------------------------------------------------------------

# Left out of the list for an agency member who has not signed a clean declaration: as on the
# page, only the title, the evaluated unit's name (to judge a conflict by) and the dates show.
SEALED = (
    "unit_id",
    "unit_code",
    "project_id",
    "project_code",
    "project_name",
    "agency_id",
    "agency_name",
    "total",
    "grade",
    "quality",
)


class EvaluationOut(Schema):
    id: int
    title: str = Field(description="评价名称")
    year: int = Field(description="评价年度")
    status: str = Field(description="selected、assigned、working、submitted、rated 或 cancelled")
    status_label: str
    unit_id: int | None
    unit_code: str | None
    unit_name: str | None
    project_id: int | None
    project_code: str | None
    project_name: str | None
    agency_id: int | None
    agency_name: str | None
    deadline: dt.date | None = Field(description="报告提交期限")
    overdue: bool = Field(description="已过报告提交期限而尚未提交")
    total: Decimal | None = Field(description="评价得分（提交报告时计算）")
    grade: str | None = Field(description="评价等级：优、良、中、差；未提交时为空")
    quality: Decimal | None = Field(description="报告质量评分（评定后）")
    returns: int = Field(description="报告退回次数")
    assigned_at: dt.datetime | None
    submitted_at: dt.datetime | None
    rated_at: dt.datetime | None
    declaration: str | None = Field(
        description="第三方机构评价人员本人的利益冲突声明：pending（未签署）、signed（无利害关系）、"
        "recused（已申报回避）；未签署或回避时只显示评价名称、被评价单位和期限。其他用户为 null"
    )

    @staticmethod
    def resolve_year(obj: Evaluation) -> int:
        return obj.fiscal_year.year

    @staticmethod
    def resolve_status_label(obj: Evaluation) -> str:
        return obj.get_status_display()

    @staticmethod
    def resolve_unit_code(obj: Evaluation) -> str:
        return obj.unit.code

    @staticmethod
    def resolve_unit_name(obj: Evaluation) -> str:
        return obj.unit.name

    @staticmethod
    def resolve_project_code(obj: Evaluation) -> str:
        return obj.project.code

    @staticmethod
    def resolve_project_name(obj: Evaluation) -> str:
        return obj.project.name

    @staticmethod
    def resolve_agency_name(obj: Evaluation) -> str:
        return obj.agency.name if obj.agency else ""

    @staticmethod
    def resolve_declaration(obj: Any) -> str | None:
        if not hasattr(obj, "signed"):
            return None
        return "recused" if obj.recused else "signed" if obj.signed else "pending"

    @model_validator(mode="after")
    def _seal(self) -> Self:
        if self.declaration not in (None, "signed"):
            for name in SEALED:
                setattr(self, name, None)
        return self


class ItemOut(Schema):
    position: int = Field(description="序号，从 1 起")
    level1: str = Field(description="一级指标：决策、过程、产出、效益")
    level2: str
    level3: str
    weight: Decimal = Field(description="分值")
    explanation: str = Field(description="指标解释")
    standard: str = Field(description="评分标准")
    score: Decimal | None
    note: str = Field(description="评分说明")
    lost: Decimal | None = Field(description="扣分")


class SubtotalOut(Schema):
    level1: str
    weight: Decimal = Field(description="该类指标分值合计")
    score: Decimal | None = Field(description="该类指标得分合计；有未评分的指标时为 null")


class CheckOut(Schema):
    code: str
    severity: str = Field(description="error（提交前须改正）或 warning")
    message: str
    position: int | None = Field(description="所涉指标的序号；null 为整个指标体系")


class EvidenceOut(Schema):
    id: int
    position: int | None = Field(description="对应指标序号；null 为整个评价")
    name: str
    size: int
    uploaded_by: str
    uploaded_at: dt.datetime

    @staticmethod
    def resolve_position(obj: Evidence) -> int | None:
        return obj.item.position if obj.item else None

    @staticmethod
    def resolve_uploaded_by(obj: Evidence) -> str:
        return str(obj.uploaded_by)


class ActionOut(Schema):
    action: str
    label: str
    needs_reason: bool


class DeclarationOut(Schema):
    evaluation_id: int
    user: str
    conflict: bool = Field(description="存在利害关系（回避）")
    statement: str
    signed_at: dt.datetime

    @staticmethod
    def resolve_user(obj: Declaration) -> str:
        return str(obj.user)


def _checks(checks: list[core.Check]) -> list[dict[str, Any]]:
    return [
        {
            "code": c.code,
            "severity": c.severity,
            "message": c.message,
            "position": None if c.item is None else c.item + 1,
        }
        for c in checks
    ]


class EvaluationDetailOut(EvaluationOut):
    reasons: list[str] = Field(description="选定理由")
    requirements: str = Field(description="评价范围和要求")
    template_version: str = Field(description="指标体系模板版本")
    items: list[ItemOut] = Field(description="评价指标体系及评分")
    subtotals: list[SubtotalOut] = Field(description="决策、过程、产出、效益各类指标的分值和得分")
    checks: list[CheckOut] = Field(description="指标体系和评分的检查意见")
    before_submit: list[str] = Field(description="提交报告前须解决的问题（评价中时）")
    conclusion: str = Field(description="评价结论和主要问题")
    report_name: str = Field(description="评价报告文件名（在页面上下载）")
    report_size: int
    submitted_by: str | None
    feedback: str = Field(description="被评价单位对报告的意见")
    return_note: str = Field(description="最近一次退回意见")
    quality_note: str = Field(description="质量评价意见")
    rated_by: str | None
    evidence: list[EvidenceOut] = Field(description="评价工作底稿（在页面上上传和下载）")
    declarations: list[DeclarationOut] = Field(
        description="机构评价人员的利益冲突声明；申报回避的声明只有绩效管理股和审计看得到"
    )
    actions: list[ActionOut] = Field(description="调用者此刻可以办理的操作")
    created_by: str
    created_at: dt.datetime

    @staticmethod
    def resolve_items(obj: Evaluation) -> list[Any]:
        return _items(obj)

    @staticmethod
    def resolve_subtotals(obj: Evaluation) -> list[dict[str, Any]]:
        parts = core.subtotals(services.as_core(_items(obj)))
        return [{"level1": level, "weight": weight, "score": score} for level, (weight, score) in parts.items()]

    @staticmethod
    def resolve_checks(obj: Evaluation) -> list[dict[str, Any]]:
        return _checks(core.check(services.as_core(_items(obj))))

    @staticmethod
    def resolve_before_submit(obj: Evaluation) -> list[str]:
        return services.submission_problems(obj) if obj.status in AGENCY_EDITABLE else []

    @staticmethod
    def resolve_submitted_by(obj: Evaluation) -> str | None:
        return str(obj.submitted_by) if obj.submitted_by else None

    @staticmethod
    def resolve_rated_by(obj: Evaluation) -> str | None:
        return str(obj.rated_by) if obj.rated_by else None

    @staticmethod
    def resolve_evidence(obj: Evaluation) -> list[Any]:
        return list(obj.evidence.select_related("item", "uploaded_by"))

    @staticmethod
    def resolve_declarations(obj: Evaluation, context: dict[str, Any]) -> list[Any]:
        return list(selectors.declarations_for(context["request"].user, obj))

    @staticmethod
    def resolve_created_by(obj: Evaluation) -> str:
        return str(obj.created_by)

    @staticmethod
    def resolve_actions(obj: Evaluation, context: dict[str, Any]) -> list[dict[str, Any]]:
        actor = context["request"].user
        member = selectors.is_agency(actor)
        return [
            {"action": action, "label": label, "needs_reason": needs}
            for states, action, label, perm, needs in ACTIONS
            if obj.status in states
            and (perm == "keyeval.score") == member
            and has_perm(actor, perm, None if member else obj)
        ]


class FinanceDetailOut(EvaluationDetailOut):
    """What finance and the auditor see besides: the fee."""

    fee: Decimal | None = Field(description="委托费用（元）")


def _items(obj: Evaluation) -> list[Item]:
    """The evaluation's items, read once per response."""
    cached: list[Item] | None = getattr(obj, "_api_items", None)
    if cached is None:
        cached = list(obj.items.all())
        obj._api_items = cached  # type: ignore[attr-defined]
    return cached


def _evaluation(request: HttpRequest, evaluation_id: int, *, declared: bool = True) -> Evaluation:
    """The evaluation within the caller's reach (404 otherwise); an agency member who has not
    declared gets 403 and nothing about it."""
    try:
        return selectors.evaluation_get(actor=request.user, ctx=ctx_of(request), pk=evaluation_id, declared=declared)
    except selectors.NotDeclared:
        raise HttpError(403, NOT_DECLARED) from None


def _detail(request: HttpRequest, evaluation_id: int) -> EvaluationDetailOut:
    """The detail as the caller may see it: with the fee and the declarations for finance."""
    evaluation = _evaluation(request, evaluation_id)
    schema = FinanceDetailOut if selectors.sees_fee(request.user) else EvaluationDetailOut
    out = schema.from_orm(evaluation, context={"request": request})
    if not selectors.sees_scores(request.user, evaluation):
        for item in out.items:
            item.score, item.note, item.lost = None, "", None
        for part in out.subtotals:
            part.score = None
        out.evidence = []
    return out


def _listed(request: HttpRequest, evaluations: QuerySet[Evaluation]) -> QuerySet[Evaluation]:
    """For an agency member, each evaluation marked with the member's own declaration: the list
    shows little more than the title until the member has signed a clean one."""
    actor: Any = request.user
    if not selectors.is_agency(actor):
        return evaluations
    mine = Declaration.objects.filter(evaluation=OuterRef("pk"), user=actor)
    return evaluations.annotate(signed=Exists(mine.filter(conflict=False)), recused=Exists(mine.filter(conflict=True)))


# --- evaluations: reads ----------------------------------------------------------------------


@router.get(
    "/keyeval/evaluations",
    response=list[EvaluationOut],
    summary="重点评价（本人可见范围；第三方机构只看委托给本机构的；status、year、agency_id、q 筛选）",
)
@paginate(Pages, page_size=100)
def list_evaluations(
    request: HttpRequest,
    status: str = "",
    year: Annotated[int, Field(ge=1, le=9999)] | None = None,
    agency_id: Ref | None = None,
    q: Annotated[str, AfterValidator(at_most(100))] = "",
) -> Any:
    require(request, "keyeval.view")
    found = selectors.evaluation_list(
        actor=request.user,
        ctx=ctx_of(request),
        status=choice(status, EvalStatus.values, "status"),
        year=year,
        agency_id=agency_id,
        q=q.strip(),
    )
    return _listed(request, found)


@router.get(
    "/keyeval/evaluations/{int:evaluation_id}",
    response=EvaluationDetailOut,
    summary="重点评价详情：指标体系与评分、分类小计、检查意见、报告与质量评定",
)
def get_evaluation(request: HttpRequest, evaluation_id: int) -> Any:
    """绩效管理股、业务股室和审计另见 ``fee``（委托费用，元）；预算单位和第三方机构看不到。第三方机构
    评价人员签署利益冲突声明之前为 403「请先签署利益冲突声明」。"""
    require(request, "keyeval.view")
    return _detail(request, evaluation_id)


class SectionOut(Schema):
    heading: str
    paragraphs: list[str]
    table: list[list[str]] = Field(description="表格，第一行为表头；无表格时为空")


@router.get(
    "/keyeval/evaluations/{int:evaluation_id}/outline",
    response=list[SectionOut],
    summary="评价报告提纲（财预〔2020〕10号附件3），已知数据自动填入，其余标注（待填写）",
)
def get_outline(request: HttpRequest, evaluation_id: int) -> Any:
    require(request, "keyeval.view")
    evaluation = _evaluation(request, evaluation_id)
    return [
        {"heading": s.heading, "paragraphs": list(s.paragraphs), "table": [list(row) for row in s.table]}
        for s in core.outline(selectors.facts(evaluation, scores=selectors.sees_scores(request.user, evaluation)))
    ]


# --- evaluations: the office's writes --------------------------------------------------------


class SelectIn(Schema):
    project_ids: Annotated[list[Ref], AfterValidator(at_most(MAX_SELECT))] = Field(description="选定的项目")
    requirements: Text = Field("", description="评价范围和要求")


@router.post(
    "/keyeval/evaluations", response={201: list[EvaluationOut]}, summary="选定重点评价项目（每个项目一项评价）"
)
def select_projects(request: HttpRequest, payload: SelectIn) -> Any:
    require(request, "keyeval.manage")
    ctx = ctx_of(request)
    projects: list[Project] = [
        budget_selectors.project_get(actor=request.user, ctx=ctx, pk=pk) for pk in dict.fromkeys(payload.project_ids)
    ]
    # The reasons are the selection's own, worked out again here, never taken from the caller.
    reasons: dict[int, list[str]] = {}
    for year in sorted({p.fiscal_year.year for p in projects}):
        for found in selectors.candidates(ctx=ctx, year=year, filters=selectors.Filters(), limit=sys.maxsize):
            reasons[found.project.pk] = found.reasons
    created = services.evaluation_select(
        actor=request.user, projects=projects, reasons=reasons, requirements=payload.requirements
    )
    found_list = selectors.evaluation_list(actor=request.user, ctx=ctx).filter(pk__in=[e.pk for e in created])
    return Status(201, list(found_list))


class AssignIn(Schema):
    agency_id: Ref = Field(description="受托机构（本区划可承接业务的机构）")
    deadline: Day = Field(description="报告提交期限，YYYY-MM-DD，今天起一年内")
    fee: Yuan | None = Field(None, description='委托费用（元），如 "58000.00"；可不填')
    requirements: Text | None = Field(None, description="评价范围和要求；不填则不变")


@router.post(
    "/keyeval/evaluations/{int:evaluation_id}/assign",
    response=EvaluationDetailOut,
    summary="委托第三方机构（在机构签署声明前可改派）",
)
def assign_evaluation(request: HttpRequest, evaluation_id: int, payload: AssignIn) -> Any:
    require(request, "keyeval.manage")
    evaluation = _evaluation(request, evaluation_id)
    agency = selectors.agency_get(actor=request.user, ctx=ctx_of(request), pk=payload.agency_id)
    services.evaluation_assign(
        actor=request.user,
        evaluation=evaluation,
        agency=agency,
        deadline=payload.deadline,
        fee=payload.fee,
        requirements=payload.requirements,
    )
    return _detail(request, evaluation_id)


class ReasonIn(Schema):
    reason: Text = Field(description="取消理由")


@router.post("/keyeval/evaluations/{int:evaluation_id}/cancel", response=EvaluationDetailOut, summary="取消重点评价")
def cancel_evaluation(request: HttpRequest, evaluation_id: int, payload: ReasonIn) -> Any:
    require(request, "keyeval.manage")
    services.evaluation_cancel(
        actor=request.user, evaluation=_evaluation(request, evaluation_id), reason=payload.reason
    )
    return _detail(request, evaluation_id)


class NoteIn(Schema):
    note: Text = Field(description="退回意见")


@router.post(
    "/keyeval/evaluations/{int:evaluation_id}/return",
    response=EvaluationDetailOut,
    summary="退回评价报告，机构修改后重新提交",
)
def return_evaluation(request: HttpRequest, evaluation_id: int, payload: NoteIn) -> Any:
    require(request, "keyeval.manage")
    services.return_report(actor=request.user, evaluation=_evaluation(request, evaluation_id), note=payload.note)
    return _detail(request, evaluation_id)


class FeedbackIn(Schema):
    text: Text = Field(description="被评价单位对评价报告的意见（再次反馈则替换）")


@router.post(
    "/keyeval/evaluations/{int:evaluation_id}/feedback",
    response=EvaluationDetailOut,
    summary="被评价单位反馈对已提交评价报告的意见",
)
def feedback_evaluation(request: HttpRequest, evaluation_id: int, payload: FeedbackIn) -> Any:
    require(request, "keyeval.feedback")
    services.feedback(actor=request.user, evaluation=_evaluation(request, evaluation_id), text=payload.text)
    return _detail(request, evaluation_id)


class RateIn(Schema):
    quality: Quality = Field(description="报告质量评分，0–100，最多两位小数")
    note: Text = Field("", description="质量评价意见")


@router.post(
    "/keyeval/evaluations/{int:evaluation_id}/rate",
    response=EvaluationDetailOut,
    summary="审核通过评价报告并评定报告质量（计入机构业绩记录）",
)
def rate_evaluation(request: HttpRequest, evaluation_id: int, payload: RateIn) -> Any:
    require(request, "keyeval.manage")
    services.rate(
        actor=request.user, evaluation=_evaluation(request, evaluation_id), quality=payload.quality, note=payload.note
    )
    return _detail(request, evaluation_id)


# --- evaluations: the agency's writes --------------------------------------------------------


class DeclareIn(Schema):
    conflict: bool = Field(description="false：无利害关系，承诺独立、客观、公正并保密；true：存在利害关系，申请回避")
    statement: Text = Field("", description="利害关系说明（conflict 为 true 时必填）")


@router.post(
    "/keyeval/evaluations/{int:evaluation_id}/declare",
    response={201: DeclarationOut},
    summary="签署利益冲突声明（无利害关系则开始评价；存在利害关系则回避）",
)
def declare(request: HttpRequest, evaluation_id: int, payload: DeclareIn) -> Any:
    require(request, "keyeval.score")
    evaluation = _evaluation(request, evaluation_id, declared=False)
    declaration = services.declare(
        actor=request.user, evaluation=evaluation, conflict=payload.conflict, statement=payload.statement
    )
    return Status(201, declaration)


class ItemIn(Schema):
    level1: Level1 = Field(description="一级指标：决策、过程、产出、效益")
    level2: Short = Field(description="二级指标")
    level3: Name = Field(description="三级指标")
    weight: Weight
    explanation: Text = Field("", description="指标解释")
    standard: Text = Field("", description="评分标准")
    score: Score | None = Field(None, description="得分，0 到分值之间，最多两位小数；未评分为 null")
    note: Text = Field("", description="评分说明（扣分理由）")


class ItemsOut(Schema):
    checks: list[CheckOut] = Field(description="保存后仍存在的检查意见（分值合计不为 100 等，提交前须改正）")
    subtotals: list[SubtotalOut]
    total: Decimal | None = Field(description="按所存评分计算的总分；有未评分的指标时为 null")


@router.put(
    "/keyeval/evaluations/{int:evaluation_id}/items",
    response=ItemsOut,
    summary="保存评价指标体系及评分（整体替换）；返回仍需改正的检查意见",
)
def save_items(
    request: HttpRequest, evaluation_id: int, payload: Body[Annotated[list[ItemIn], AfterValidator(at_most(200))]]
) -> Any:
    _require_any(request, "keyeval.manage", "keyeval.score")
    rows = [services.ItemIn(**row.dict()) for row in payload]
    checks = services.items_save(actor=request.user, evaluation=_evaluation(request, evaluation_id), rows=rows)
    items = services.as_core(rows)
    return {
        "checks": _checks(checks),
        "subtotals": [
            {"level1": level, "weight": weight, "score": score}
            for level, (weight, score) in core.subtotals(items).items()
        ],
        "total": core.total(items),
    }


@router.post(
    "/keyeval/evaluations/{int:evaluation_id}/submit",
    response=EvaluationDetailOut,
    summary="提交评价报告（multipart：conclusion 与 report 文件；已上传过报告时可只填 conclusion）",
)
def submit_evaluation(
    request: HttpRequest,
    evaluation_id: int,
    conclusion: Form[LongText],
    report: File[UploadedFile | None] = None,
) -> Any:
    """All items scored, the index system valid, a conclusion; the total and grade are computed
    here. A report (.pdf, .doc, .docx, .ofd) is required the first time; another replaces it."""
    require(request, "keyeval.score")
    services.submit(
        actor=request.user, evaluation=_evaluation(request, evaluation_id), conclusion=conclusion, report=report
    )
    return _detail(request, evaluation_id)
