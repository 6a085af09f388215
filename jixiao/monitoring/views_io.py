"""Excel in and out for monitoring: the summary table, the unit's template, the two-step import."""

from typing import Any
from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from jixiao.accounts.permissions import has_perm
from jixiao.core.errors import DomainError
from jixiao.monitoring import excel, imports, selectors
from jixiao.monitoring.models import EDITABLE_REPORT, Report, Round
from jixiao.org.selectors import unit_get
from jixiao.web import uploads
from jixiao.web.decorators import ctx_of, require_perm
from jixiao.web.params import int_param

IMPORT_KIND = "monitoring"


class ReportUploadForm(forms.Form):
    file = forms.FileField(label="选择填好的监控表模板（.xlsx）")


def _xlsx(data: bytes, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=excel.XLSX_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


@require_GET
@require_perm("monitoring.view")
def round_export(request: HttpRequest, pk: int) -> HttpResponse:
    """The round's summary table with the reports the actor may see, under the page's filters."""
    ctx = ctx_of(request)
    round_ = selectors.round_get(actor=request.user, ctx=ctx, pk=pk)
    reports = (
        selectors.report_list(
            ctx=ctx,
            round_=round_,
            light=request.GET.get("light", ""),
            status=request.GET.get("status", ""),
            unit_id=int_param(request.GET.get("unit")),
            q=request.GET.get("q", "").strip()[:50],
        )
        .select_related("unit", "project__category")
        .prefetch_related("lines", "decisions")
    )
    data = excel.summary_workbook(round_, reports)
    return _xlsx(data, f"绩效运行监控汇总表_{round_.fiscal_year.year}年{round_.period}_{round_.pk}.xlsx")


@require_GET
@require_perm("monitoring.edit")
def report_template(request: HttpRequest, pk: int) -> HttpResponse:
    """The actor's editable reports of the round (optionally one unit's) as a workbook to fill."""
    ctx = ctx_of(request)
    round_ = selectors.round_get(actor=request.user, ctx=ctx, pk=pk)
    reports = selectors.reports(ctx=ctx).filter(round=round_, status__in=EDITABLE_REPORT)
    suffix = ""
    if request.GET.get("unit"):
        unit_id = int_param(request.GET.get("unit"))
        if unit_id is None:
            raise Http404("没有找到该单位")
        unit = unit_get(actor=request.user, ctx=ctx, pk=unit_id)
        if not has_perm(request.user, "monitoring.edit", unit):
            raise Http404("没有找到该单位")
        reports = reports.filter(unit=unit)
        suffix = f"_{unit.code}"
    editable = [
        r
        for r in reports.select_related("unit__parent", "project__category", "sheet")
        .prefetch_related("lines")
        .order_by("unit__code", "project__code")
        if has_perm(request.user, "monitoring.edit", r)
    ]
    if round_.closed or not editable:
        why = "监控任务已结束" if round_.closed else "本任务中没有您可填报的监控表（已报送的监控表不再提供模板）"
        messages.info(request, f"{why}，没有可下载的填报模板")
        return redirect("monitoring:round_detail", pk=round_.pk)
    data = excel.unit_template(round_, editable)
    return _xlsx(data, f"绩效运行监控表_{round_.fiscal_year.year}年{round_.period}{suffix}.xlsx")


def _templates(request: HttpRequest) -> list[tuple[Round, int]]:
    """Open rounds in which the actor has reports to fill, with how many."""
    counts: dict[int, tuple[Round, int]] = {}
    mine: list[Report] = list(selectors.my_reports(ctx=ctx_of(request)).filter(status__in=EDITABLE_REPORT))
    for report in mine:
        if has_perm(request.user, "monitoring.edit", report):
            round_, n = counts.get(report.round_id, (report.round, 0))
            counts[report.round_id] = (round_, n + 1)
    return list(counts.values())


def _page(request: HttpRequest, form: ReportUploadForm, plan: Any, token: str | None) -> HttpResponse:
    return render(
        request,
        "monitoring/import.html",
        {"form": form, "plan": plan, "token": token, "templates": _templates(request)},
    )


def _staging_kind(request: HttpRequest) -> str:
    region = ctx_of(request).region
    return f"{IMPORT_KIND}:{region.pk if region else ''}"


@require_perm("monitoring.edit")
def report_import(request: HttpRequest) -> HttpResponse:
    """Step one: upload, validate, preview. Nothing is written here."""
    form = ReportUploadForm(request.POST or None, request.FILES or None)
    plan, token = None, None
    if request.method == "POST" and form.is_valid():
        try:
            name, data = uploads.read_upload(form.cleaned_data["file"])
            plan = imports.report_import_validate(actor=request.user, filename=name, data=data)
        except DomainError as exc:
            form.add_error("file", exc.message)
        else:
            if not plan.issues and plan.reports:
                token = uploads.stage(request, _staging_kind(request), name, data)
    return _page(request, form, plan, token)


@require_POST
@require_perm("monitoring.edit")
def report_import_commit(request: HttpRequest) -> HttpResponse:
    """Step two: the staged file, validated again, written in one transaction."""
    token = request.POST.get("token", "")
    try:
        name, data = uploads.take(request, _staging_kind(request), token)
        plan = imports.report_import_commit(actor=request.user, filename=name, data=data)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("monitoring:import")
    uploads.discard(request, token)
    messages.success(
        request, f"已导入 {len(plan.reports)} 张监控表（其中 {plan.changed} 张有改动），灯色已按填报内容重新计算"
    )
    return redirect("monitoring:my_reports")
