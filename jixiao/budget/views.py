from typing import Any
from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.core.paginator import Page
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from jixiao.accounts.permissions import has_perm
from jixiao.budget import imports, selectors, services
from jixiao.budget.imports import KIND_LABELS, ImportPlan
from jixiao.budget.models import ProjectCategory
from jixiao.core.errors import DomainError
from jixiao.org.selectors import unit_list
from jixiao.web import uploads
from jixiao.web.decorators import ctx_of, require_perm
from jixiao.web.excel import xlsx_bytes
from jixiao.web.forms import add_domain_error
from jixiao.web.pagination import paginate, querystring_without_page

YES_NO = [("", "全部"), ("1", "是"), ("0", "否")]


class ProjectFilter(forms.Form):
    q = forms.CharField(label="搜索", required=False)
    unit = forms.TypedChoiceField(label="单位", required=False, coerce=int, empty_value=None)
    category = forms.TypedChoiceField(label="项目类别", required=False, coerce=int, empty_value=None)
    domain = forms.ChoiceField(label="领域", required=False)
    is_new = forms.ChoiceField(label="新增", choices=YES_NO, required=False)
    is_major = forms.ChoiceField(label="重大项目", choices=YES_NO, required=False)
    is_special_bond = forms.ChoiceField(label="专项债券", choices=YES_NO, required=False)

    def __init__(self, *args: Any, units: Any, categories: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["unit"].choices = [("", "全部单位"), *((u.pk, f"{u.code} {u.name}") for u in units)]
        fields["category"].choices = [("", "全部类别"), *((c.pk, f"{c.code} {c.name}") for c in categories)]
        fields["domain"].choices = [("", "全部领域"), *((d, d) for d in sorted({c.domain for c in categories}))]

    def selector_kwargs(self) -> dict[str, Any]:
        d = self.cleaned_data if self.is_valid() else {}
        flag = {"1": True, "0": False}
        return {
            "q": (d.get("q") or "").strip(),
            "unit_id": d.get("unit"),
            "category_id": d.get("category"),
            "domain": d.get("domain") or "",
            "is_new": flag.get(d.get("is_new") or ""),
            "is_major": flag.get(d.get("is_major") or ""),
            "is_special_bond": flag.get(d.get("is_special_bond") or ""),
        }


def _filtered(request: HttpRequest) -> tuple[ProjectFilter, Any]:
    ctx = ctx_of(request)
    units = unit_list(actor=request.user, ctx=ctx)  # already the actor's reach
    form = ProjectFilter(
        request.GET or None, units=units, categories=list(selectors.category_list(actor=request.user, ctx=ctx))
    )
    return form, selectors.project_list(actor=request.user, ctx=ctx, **form.selector_kwargs())


@require_perm("budget.view")
def project_list(request: HttpRequest) -> HttpResponse:
    ctx = ctx_of(request)
    form, projects = _filtered(request)
    page: Page[Any] = paginate(request, projects)
    unit_id = form.selector_kwargs()["unit_id"]
    return render(
        request,
        "budget/project_list.html",
        {
            "form": form,
            "page": page,
            "qs": querystring_without_page(request),
            "totals": selectors.project_totals(projects),
            "unit_budget": selectors.unit_budget_get(actor=request.user, ctx=ctx, unit_id=unit_id) if unit_id else None,
            "can_import": has_perm(request.user, "budget.import"),
        },
    )


@require_perm("budget.view")
def project_export(request: HttpRequest) -> HttpResponse:
    """The filtered list as Excel, amounts in 万元 as budget tables print them."""
    _, projects = _filtered(request)
    header = [
        "项目代码",
        "项目名称",
        "单位编码",
        "单位名称",
        "项目类别",
        "领域",
        "项目性质",
        "年初预算数（万元）",
        "调整后预算数（万元）",
        "已支付（万元）",
        "绩效目标状态",
        "可安排预算",
    ]

    def goal_columns(p: Any) -> list[str]:
        sheets = list(p.goal_sheets.all())
        if not sheets:
            return ["未编报", "否"]
        sheet = sheets[0]
        return [sheet.get_status_display(), "是" if sheet.fundable else "否"]

    rows = (
        [
            p.code,
            p.name,
            p.unit.code,
            p.unit.name,
            p.category.name,
            p.category.domain,
            "新增" if p.is_new else "延续",
            float(p.initial_budget / 10000),
            float(p.adjusted_budget / 10000),
            float((p.paid or 0) / 10000),
            *goal_columns(p),
        ]
        for p in projects.prefetch_related("goal_sheets").iterator(chunk_size=1000)
    )
    response = HttpResponse(
        xlsx_bytes("项目", header, rows),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    fiscal_year = ctx_of(request).fiscal_year
    name = f"项目清单_{fiscal_year.year if fiscal_year else ''}.xlsx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


@require_perm("budget.view")
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_get(actor=request.user, ctx=ctx_of(request), pk=pk)
    series = selectors.execution_series(project)
    chart = {
        "months": [f"{p.month}月" for p in series],
        "rate": [str(p.rate) for p in series],
        "time": [str(p.time_progress) for p in series],
        "paid": [str(p.paid) for p in series],
    }
    return render(
        request,
        "budget/project_detail.html",
        {
            "project": project,
            "series": series,
            "chart": chart,
            "paid": series[-1].cumulative if series else 0,
            "funds": [(label, amount) for _, label, amount in project.funds if amount],
            # Goal sheets hang off the project (goals → budget); read through the relation so
            # that budget does not import the app to its right.
            "goal_sheet": project.goal_sheets.first(),
            "can_write_goals": has_perm(request.user, "goals.edit", project),
            "can_see_goals": has_perm(request.user, "goals.view", project),
            # Likewise monitoring (monitoring → budget): the project's record of warnings and
            # finance's decisions, which self-evaluation and results application read.
            "can_see_monitoring": has_perm(request.user, "monitoring.view", project),
            "monitoring_reports": project.reports.select_related("round").order_by("-round__month", "-pk"),
            "decisions": project.decisions.select_related("decided_by").order_by("-decided_at"),
            # And self-evaluation (evaluation → budget): the year's scored result.
            "can_see_evaluation": has_perm(request.user, "evaluation.view", project),
            "selfevals": project.selfevals.select_related("round").order_by("-round__created_at"),
            # And rectification (rectification → budget): what the project must fix.
            "can_see_rectification": has_perm(request.user, "rectification.view", project),
            "rectifications": project.rectifications.order_by("-created_at"),
            # And key evaluation and results application (both → budget).
            "can_see_keyeval": has_perm(request.user, "keyeval.view", project),
            "key_evaluations": project.key_evaluations.exclude(status="cancelled").select_related("agency"),
            "can_see_results": has_perm(request.user, "results.view", project),
            "recommendations": selectors.recommendations_for(project),
        },
    )


IMPORT_KIND = "budget"


class BudgetUploadForm(forms.Form):
    kind = forms.ChoiceField(label="导入内容", choices=list(KIND_LABELS.items()))
    file = forms.FileField(label="选择文件（.xlsx、.xls 或 .csv）")


def _import_page(
    request: HttpRequest, form: BudgetUploadForm, plan: ImportPlan | None, token: str | None
) -> HttpResponse:
    return render(
        request,
        "budget/import.html",
        {
            "form": form,
            "plan": plan,
            "token": token,
            "kind_label": KIND_LABELS.get(plan.kind, "") if plan else "",
            "layouts": [
                ("项目预算", [c.name + ("（必填）" if c.required else "") for c in imports.PROJECT_COLUMNS]),
                ("单位预算", [c.name for c in imports.UNIT_BUDGET_COLUMNS]),
                ("月度执行", ["项目代码", "月份", "支付数"]),
            ],
        },
    )


def _staging_kind(request: HttpRequest, kind: str) -> str:
    fiscal_year = ctx_of(request).fiscal_year
    return f"{IMPORT_KIND}:{kind}:{fiscal_year.pk if fiscal_year else ''}"


@require_perm("budget.import")
def budget_import(request: HttpRequest) -> HttpResponse:
    """Step one: upload, validate against the fiscal year being worked in, preview."""
    form = BudgetUploadForm(request.POST or None, request.FILES or None)
    plan, token = None, None
    fiscal_year = ctx_of(request).fiscal_year
    if request.method == "POST" and form.is_valid():
        if fiscal_year is None:
            form.add_error(None, "请先创建预算年度")
        else:
            kind = form.cleaned_data["kind"]
            try:
                name, data = uploads.read_upload(form.cleaned_data["file"])
                plan = services.budget_import_validate(
                    actor=request.user, kind=kind, fiscal_year=fiscal_year, filename=name, data=data
                )
            except DomainError as exc:
                form.add_error("file", exc.message)
            else:
                if plan.ok:
                    token = uploads.stage(request, _staging_kind(request, kind), name, data)
    return _import_page(request, form, plan, token)


@require_POST
@require_perm("budget.import")
def budget_import_commit(request: HttpRequest) -> HttpResponse:
    """Step two: validate the staged file again and write all of it, or nothing."""
    kind = request.POST.get("kind", "")
    token = request.POST.get("token", "")
    fiscal_year = ctx_of(request).fiscal_year
    try:
        if fiscal_year is None or kind not in KIND_LABELS:
            raise DomainError("导入文件已失效，请重新上传")
        name, data = uploads.take(request, _staging_kind(request, kind), token)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("budget:import")
    plan = services.budget_import_commit(
        actor=request.user, kind=kind, fiscal_year=fiscal_year, filename=name, data=data
    )
    if not plan.ok:
        messages.error(request, "数据已发生变化，重新校验未通过，未导入任何数据。")
        return _import_page(request, BudgetUploadForm(initial={"kind": kind}), plan, None)
    uploads.discard(request, token)
    messages.success(
        request,
        f"{KIND_LABELS[kind]}导入完成（{fiscal_year.year} 年度）：新增 {plan.count_create} 条，更新 {plan.count_update} 条，"
        f"{plan.count_unchanged} 条无变化。",
    )
    return redirect("budget:project_list")


class CategoryForm(forms.Form):
    code = forms.CharField(label="类别代码", max_length=10)
    name = forms.CharField(label="类别名称", max_length=50)
    domain = forms.CharField(label="领域（支出功能分类，如 城乡社区）", max_length=30)
    active = forms.BooleanField(label="启用", required=False, initial=True)


@require_perm("budget.view")
def category_list(request: HttpRequest) -> HttpResponse:
    ctx = ctx_of(request)
    categories = ProjectCategory.objects.with_scope(region=ctx.region_ids).annotate(
        project_count=Count("projects", filter=Q(projects__fiscal_year=ctx.fiscal_year))
    )
    return render(
        request,
        "budget/category_list.html",
        {"categories": categories.order_by("code"), "can_manage": has_perm(request.user, "org.manage")},
    )


def _category_form(request: HttpRequest, category: ProjectCategory | None) -> HttpResponse:
    initial = (
        {"code": category.code, "name": category.name, "domain": category.domain, "active": category.active}
        if category
        else {"active": True}
    )
    form = CategoryForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.category_save(
                actor=request.user, region=ctx_of(request).current_region, category=category, **form.cleaned_data
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, "项目类别已保存。")
            return redirect("budget:category_list")
    return render(request, "budget/category_form.html", {"form": form, "category": category})


@require_perm("org.manage")
def category_create(request: HttpRequest) -> HttpResponse:
    return _category_form(request, None)


@require_perm("org.manage")
def category_edit(request: HttpRequest, pk: int) -> HttpResponse:
    category = ProjectCategory.objects.with_scope(region=ctx_of(request).region_ids).filter(pk=pk).first()
    if category is None:
        raise Http404("没有找到该项目类别")
    return _category_form(request, category)
