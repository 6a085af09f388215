"""Excel in and out for goal sheets: the unit's pre-filled template, and the two-step import."""

from typing import Any
from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from jixiao.accounts.permissions import has_perm
from jixiao.core import goal_excel
from jixiao.core.errors import DomainError
from jixiao.goals import imports
from jixiao.org.selectors import unit_get, unit_list
from jixiao.web import uploads
from jixiao.web.decorators import ctx_of, require_perm

IMPORT_KIND = "goals"


class GoalUploadForm(forms.Form):
    file = forms.FileField(label="选择填好的模板（.xlsx 或 .xls）")


def _editable_units(request: HttpRequest) -> list[Any]:
    return [u for u in unit_list(actor=request.user, ctx=ctx_of(request)) if has_perm(request.user, "goals.edit", u)]


@require_perm("goals.edit")
def template_download(request: HttpRequest) -> HttpResponse:
    """The unit's template: one worksheet per project, pre-filled with amounts and what is there."""
    ctx = ctx_of(request)
    if ctx.fiscal_year is None:
        raise Http404("尚未设置预算年度")
    unit_id = request.GET.get("unit", "")
    unit = (
        unit_get(actor=request.user, ctx=ctx, pk=int(unit_id))
        if unit_id.isascii() and unit_id.isdecimal() and len(unit_id) < 10
        else getattr(request.user, "unit", None)
    )
    if unit is None or not has_perm(request.user, "goals.edit", unit):
        raise Http404("没有找到该单位")
    sheets = imports.template_sheets(unit=unit, fiscal_year=ctx.fiscal_year)
    data = goal_excel.write_workbook(sheets, title=f"{unit.name} {ctx.fiscal_year.year} 年度绩效目标申报表")
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    name = f"绩效目标申报表_{unit.code}_{ctx.fiscal_year.year}.xlsx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


def _page(request: HttpRequest, form: GoalUploadForm, plan: Any, token: str | None, status: int = 200) -> HttpResponse:
    return render(
        request,
        "goals/import.html",
        {"form": form, "plan": plan, "token": token, "units": _editable_units(request)},
        status=status,
    )


def _staging_kind(request: HttpRequest) -> str:
    fiscal_year = ctx_of(request).fiscal_year
    return f"{IMPORT_KIND}:{fiscal_year.pk if fiscal_year else ''}"


@require_perm("goals.edit")
def sheet_import(request: HttpRequest) -> HttpResponse:
    form = GoalUploadForm(request.POST or None, request.FILES or None)
    plan, token = None, None
    fiscal_year = ctx_of(request).fiscal_year
    if request.method == "POST" and form.is_valid():
        if fiscal_year is None:
            form.add_error(None, "请先创建预算年度")
        else:
            try:
                name, data = uploads.read_upload(form.cleaned_data["file"])
                plan = imports.goal_import_validate(
                    actor=request.user, fiscal_year=fiscal_year, filename=name, data=data
                )
            except DomainError as exc:
                form.add_error("file", exc.message)
            else:
                if not plan.issues and plan.sheets:
                    token = uploads.stage(request, _staging_kind(request), name, data)
    return _page(request, form, plan, token)


@require_POST
@require_perm("goals.edit")
def sheet_import_commit(request: HttpRequest) -> HttpResponse:
    fiscal_year = ctx_of(request).fiscal_year
    if fiscal_year is None:
        raise Http404("尚未设置预算年度")
    token = request.POST.get("token", "")
    try:
        name, data = uploads.take(request, _staging_kind(request), token)
        plan = imports.goal_import_commit(actor=request.user, fiscal_year=fiscal_year, filename=name, data=data)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("goals:import")
    uploads.discard(request, token)
    messages.success(
        request, f"已导入 {len(plan.sheets)} 张目标表（新建 {plan.count_create}，更新 {plan.count_update}）"
    )
    return redirect("goals:sheet_list")
