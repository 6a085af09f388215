from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import File, Form, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile
from ninja.pagination import paginate

from jixiao.api.auth import require
from jixiao.api.org import IssueOut
from jixiao.api.pagination import Pages
from jixiao.budget import selectors, services
from jixiao.budget.imports import KIND_LABELS, ImportPlan
from jixiao.budget.models import Project
from jixiao.core.errors import DomainError
from jixiao.web.decorators import ctx_of
from jixiao.web.uploads import read_upload

router = Router(tags=["预算与执行"])


class ProjectOut(Schema):
    id: int
    code: str
    name: str
    unit_code: str
    unit_name: str
    category_code: str
    category: str
    domain: str
    is_new: bool
    is_major: bool
    is_special_bond: bool
    start_year: int
    end_year: int
    initial_budget: Decimal
    adjusted_budget: Decimal
    paid: Decimal
    goal_status: str
    fundable: bool

    @staticmethod
    def resolve_goal_status(obj: Project) -> str:
        """The goal sheet's state (``none`` when no sheet has been written)."""
        sheets = list(obj.goal_sheets.all())
        return sheets[0].status if sheets else "none"

    @staticmethod
    def resolve_fundable(obj: Project) -> bool:
        """Whether the project has an approved goal sheet: 审核未通过的，一律不予安排支出."""
        return any(s.fundable for s in obj.goal_sheets.all())

    @staticmethod
    def resolve_unit_code(obj: Project) -> str:
        return obj.unit.code

    @staticmethod
    def resolve_unit_name(obj: Project) -> str:
        return obj.unit.name

    @staticmethod
    def resolve_category_code(obj: Project) -> str:
        return obj.category.code

    @staticmethod
    def resolve_category(obj: Project) -> str:
        return obj.category.name

    @staticmethod
    def resolve_domain(obj: Project) -> str:
        return obj.category.domain

    @staticmethod
    def resolve_paid(obj: Any) -> Decimal:
        return getattr(obj, "paid", None) or Decimal("0.00")


class MonthOut(Schema):
    month: int
    paid: Decimal
    cumulative: Decimal
    rate: Decimal
    time_progress: Decimal


class ProjectDetailOut(ProjectOut):
    description: str
    funds: dict[str, Decimal]
    execution: list[MonthOut]

    @staticmethod
    def resolve_funds(obj: Project) -> dict[str, Decimal]:
        return {source: amount for source, _, amount in obj.funds}

    @staticmethod
    def resolve_execution(obj: Project) -> list[Any]:
        return getattr(obj, "series", [])


class BudgetImportOut(Schema):
    kind: str
    ok: bool
    committed: bool
    created: int
    updated: int
    unchanged: int
    issues: list[IssueOut]


@router.get("/projects", response=list[ProjectOut], summary="项目列表（所选预算年度、本人可见范围）")
@paginate(Pages, page_size=100)
def list_projects(
    request: HttpRequest, q: str = "", unit_code: str = "", category_code: str = "", year: int | None = None
) -> Any:
    require(request, "budget.view")
    ctx = ctx_of(request)
    if year is not None and (ctx.fiscal_year is None or ctx.fiscal_year.year != year):
        ctx.fiscal_year = next((y for y in ctx.fiscal_years if y.year == year), None)
    projects = selectors.project_list(actor=request.user, ctx=ctx, q=q)
    if unit_code:
        projects = projects.filter(unit__code=unit_code)
    if category_code:
        projects = projects.filter(category__code=category_code)
    return projects.prefetch_related("goal_sheets")


@router.get("/projects/{int:project_id}", response=ProjectDetailOut, summary="项目详情：资金来源与月度执行")
def get_project(request: HttpRequest, project_id: int) -> Any:
    require(request, "budget.view")
    project = selectors.project_get(actor=request.user, ctx=ctx_of(request), pk=project_id)
    series = selectors.execution_series(project)
    project.series = series  # type: ignore[attr-defined]
    project.paid = series[-1].cumulative if series else Decimal("0.00")  # type: ignore[attr-defined]
    return project


def _out(plan: ImportPlan, committed: bool) -> dict[str, Any]:
    return {
        "kind": plan.kind,
        "ok": plan.ok,
        "committed": committed,
        "created": plan.count_create,
        "updated": plan.count_update,
        "unchanged": plan.count_unchanged,
        "issues": [{**i.__dict__, "message": i.message()} for i in plan.issues],
    }


@router.post(
    "/budget/import",
    response={200: BudgetImportOut, 422: BudgetImportOut},
    summary="导入一体化系统导出文件：kind = projects | unit_budgets | executions；commit=false 仅校验",
)
def import_budget(
    request: HttpRequest, file: File[UploadedFile], kind: Form[str], year: Form[int], commit: Form[bool] = False
) -> Any:
    """The same two steps as the page, for a system-to-system push. ``year`` names the fiscal
    year of the working region; errors name file, sheet, row and column."""
    require(request, "budget.import")
    if kind not in KIND_LABELS:
        raise HttpError(400, f"kind 应为 {'、'.join(KIND_LABELS)} 之一")
    fiscal_year = next((y for y in ctx_of(request).fiscal_years if y.year == year), None)
    if fiscal_year is None:
        raise HttpError(400, f"{year} 年度不存在")
    try:
        name, data = read_upload(file)
    except DomainError as exc:
        raise HttpError(400, exc.message) from None
    service = services.budget_import_commit if commit else services.budget_import_validate
    plan = service(actor=request.user, kind=kind, fiscal_year=fiscal_year, filename=name, data=data)
    return Status(200 if plan.ok else 422, _out(plan, commit and plan.ok))
