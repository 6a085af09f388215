"""Excel in and out for self-evaluation: one form as filed, the round's summary, the unit's
template, the two-step import."""

from typing import Any
from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from jixiao.accounts.permissions import has_perm
from jixiao.core.errors import DomainError
from jixiao.evaluation import excel, imports, selectors
from jixiao.evaluation.models import EDITABLE, Round, SelfEval
from jixiao.org.selectors import unit_get
from jixiao.web import uploads
from jixiao.web.decorators import ctx_of, require_perm
from jixiao.web.params import int_param

IMPORT_KIND = "evaluation"


class FormUploadForm(forms.Form):
    file = forms.FileField(label="选择填好的自评表模板（.xlsx）")


def _xlsx(data: bytes, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=excel.XLSX_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


@require_GET
@require_perm("evaluation.view")
def round_export(request: HttpRequest, pk: int) -> HttpResponse:
    """The round's summary table with the forms the actor may see, under the round page's filters."""
    ctx = ctx_of(request)
    round_ = selectors.round_get(actor=request.user, ctx=ctx, pk=pk)
    listed = selectors.form_list(
        ctx=ctx,
        round_=round_,
        status=request.GET.get("status", ""),
        grade=request.GET.get("grade", ""),
        unit_id=int_param(request.GET.get("unit")),
        kind=request.GET.get("kind", ""),
        sampled=request.GET.get("sampled") == "1",
        distorted=request.GET.get("distorted") == "1",
        q=request.GET.get("q", "").strip()[:50],
    )
    data = excel.summary_workbook(round_, listed)
    return _xlsx(data, f"绩效自评汇总表_{round_.fiscal_year.year}年_{round_.pk}.xlsx")


@require_GET
@require_perm("evaluation.view")
def form_export(request: HttpRequest, pk: int) -> HttpResponse:
    """One form in the national layout, to print, sign and file."""
    form = selectors.form_get(actor=request.user, ctx=ctx_of(request), pk=pk)
    code = form.project.code if form.project else f"{form.unit.code}部门整体"
    return _xlsx(excel.form_workbook(form), f"绩效自评表_{form.round.fiscal_year.year}年_{code}.xlsx")


@require_GET
@require_perm("evaluation.edit")
def form_template(request: HttpRequest, pk: int) -> HttpResponse:
    """The actor's editable forms of the round (optionally one unit's) as a workbook to fill."""
    ctx = ctx_of(request)
    round_ = selectors.round_get(actor=request.user, ctx=ctx, pk=pk)
    listed = selectors.forms(ctx=ctx).filter(round=round_, status__in=EDITABLE)
    suffix = ""
    if request.GET.get("unit"):
        unit_id = int_param(request.GET.get("unit"))
        if unit_id is None:
            raise Http404("没有找到该单位")
        unit = unit_get(actor=request.user, ctx=ctx, pk=unit_id)
        if not has_perm(request.user, "evaluation.edit", unit):
            raise Http404("没有找到该单位")
        listed = listed.filter(unit=unit)
        suffix = f"_{unit.code}"
    editable = [
        f
        for f in listed.select_related("round__fiscal_year", "round__region", "unit__parent", "project", "sheet")
        .prefetch_related("lines")
        .order_by("unit__code", "kind", "project__code")
        if has_perm(request.user, "evaluation.edit", f)
    ]
    if round_.closed or not editable:
        why = "自评任务已结束" if round_.closed else "本任务中没有您可填报的自评表（已报送的自评表不再提供模板）"
        messages.info(request, f"{why}，没有可下载的填报模板")
        return redirect("evaluation:round_detail", pk=round_.pk)
    data = excel.template_workbook(editable)
    return _xlsx(data, f"绩效自评表填报模板_{round_.fiscal_year.year}年{suffix}.xlsx")


def _templates(request: HttpRequest) -> list[tuple[Round, int]]:
    """Open rounds in which the actor has forms to fill, with how many."""
    counts: dict[int, tuple[Round, int]] = {}
    mine: list[SelfEval] = list(
        selectors.forms(ctx=ctx_of(request))
        .filter(round__closed=False, status__in=EDITABLE)
        .select_related("round")
        .order_by("round_id")
    )
    for form in mine:
        if has_perm(request.user, "evaluation.edit", form):
            round_, n = counts.get(form.round_id, (form.round, 0))
            counts[form.round_id] = (round_, n + 1)
    return list(counts.values())


def _page(request: HttpRequest, form: FormUploadForm, plan: Any, token: str | None) -> HttpResponse:
    return render(
        request,
        "evaluation/import.html",
        {"form": form, "plan": plan, "token": token, "templates": _templates(request)},
    )


def _staging_kind(request: HttpRequest) -> str:
    region = ctx_of(request).region
    return f"{IMPORT_KIND}:{region.pk if region else ''}"


@require_perm("evaluation.edit")
def form_import(request: HttpRequest) -> HttpResponse:
    """Step one: upload, validate, preview the scores. Nothing is written here."""
    form = FormUploadForm(request.POST or None, request.FILES or None)
    plan, token = None, None
    if request.method == "POST" and form.is_valid():
        try:
            name, data = uploads.read_upload(form.cleaned_data["file"])
            plan = imports.form_import_validate(actor=request.user, filename=name, data=data)
        except DomainError as exc:
            form.add_error("file", exc.message)
        else:
            if not plan.issues and plan.forms:
                token = uploads.stage(request, _staging_kind(request), name, data)
    return _page(request, form, plan, token)


@require_POST
@require_perm("evaluation.edit")
def form_import_commit(request: HttpRequest) -> HttpResponse:
    """Step two: the staged file, validated again, written and rescored in one transaction."""
    token = request.POST.get("token", "")
    try:
        name, data = uploads.take(request, _staging_kind(request), token)
        plan = imports.form_import_commit(actor=request.user, filename=name, data=data)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("evaluation:import")
    uploads.discard(request, token)
    messages.success(
        request, f"已导入 {len(plan.forms)} 张自评表（其中 {plan.changed} 张有改动），得分已按填报内容重新计算"
    )
    return redirect("evaluation:my_forms")
