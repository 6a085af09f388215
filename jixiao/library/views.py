from typing import Any
from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from jixiao.accounts.permissions import has_perm
from jixiao.budget import selectors as budget_selectors
from jixiao.core.errors import DomainError
from jixiao.library import imports, selectors, services
from jixiao.library.models import Direction, Layout, LibraryIndicator, Scope, Status
from jixiao.web import uploads
from jixiao.web.decorators import ctx_of, require_perm
from jixiao.web.excel import xlsx_bytes
from jixiao.web.forms import add_domain_error
from jixiao.web.pagination import paginate, querystring_without_page


def _levels(layout: str) -> list[tuple[str, list[str]]]:
    return [(l1["name"], list(l1["level2"])) for l1 in services.taxonomy(layout)]


@require_perm("library.view")
def indicator_list(request: HttpRequest) -> HttpResponse:
    ctx = ctx_of(request)
    q = request.GET.get("q", "").strip()[:100]
    level1, level2 = request.GET.get("level1", ""), request.GET.get("level2", "")
    category = request.GET.get("category", "")
    scope = request.GET.get("scope", "")
    category_id = int(category) if category.isascii() and category.isdecimal() and len(category) < 10 else None
    layout = selectors.layout_of(ctx)
    found = selectors.indicator_search(actor=request.user, ctx=ctx, q=q) if q else None
    indicators = selectors.indicator_list(
        actor=request.user,
        ctx=ctx,
        level1=level1,
        level2=level2,
        category_id=category_id,
        scope=scope if scope in Scope.values else "",
    )
    counts = selectors.taxonomy_counts(actor=request.user, ctx=ctx)
    tree = [
        {"level1": l1, "children": [(l2, counts.get((l1, l2), 0)) for l2 in l2s]}
        for l1, l2s in _levels(Layout.COST_AS_LEVEL1)
    ]
    context = {
        "q": q,
        "found": found,
        "page": None if found is not None else paginate(request, indicators),
        "qs": querystring_without_page(request),
        "tree": tree,
        "level1": level1,
        "level2": level2,
        "category_id": category_id,
        "scope": scope,
        "categories": budget_selectors.category_list(actor=request.user, ctx=ctx),
        "layout": layout,
        "layouts": Layout.choices,
        "can_curate": has_perm(request.user, "library.curate"),
        "can_propose": has_perm(request.user, "library.propose"),
    }
    if request.htmx and not request.htmx.history_restore_request:  # type: ignore[attr-defined]
        return render(request, "library/_results.html", context)
    return render(request, "library/indicator_list.html", context)


@require_perm("library.view")
def indicator_detail(request: HttpRequest, pk: int) -> HttpResponse:
    ctx = ctx_of(request)
    indicator = selectors.indicator_get(actor=request.user, ctx=ctx, pk=pk)
    can_review = has_perm(request.user, "library.curate") and indicator.status == Status.PROPOSED
    similar = selectors.indicator_search(actor=request.user, ctx=ctx, q=indicator.name, limit=6) if can_review else []
    return render(
        request,
        "library/indicator_detail.html",
        {
            "indicator": indicator,
            "shown": services.shown_levels(indicator.level1, indicator.level2, selectors.layout_of(ctx)),
            "versions": indicator.versions.select_related("changed_by")[:20],
            "can_review": can_review,
            "similar": [f for f in similar if f.indicator.pk != indicator.pk],
            "usage": selectors.usage_of(indicator),
        },
    )


def _split(text: str) -> list[str]:
    """Items typed with 顿号 or commas."""
    return [p.strip() for p in text.replace(",", "、").replace("，", "、").split("、") if p.strip()]


class ProposalForm(forms.Form):
    name = forms.CharField(label="指标名称（三级指标）", max_length=100)
    level = forms.ChoiceField(label="一级 / 二级指标")
    definition = forms.CharField(
        label="指标解释（怎么统计、统计哪段时间、依据什么记录）", widget=forms.Textarea(attrs={"rows": 3})
    )
    direction = forms.ChoiceField(label="指标方向", choices=Direction.choices)
    measure_unit = forms.CharField(label="计量单位（定量指标必填，如 %、人次、公里）", max_length=20, required=False)
    levels = forms.CharField(
        label="定性分级（定性指标必填，用顿号分隔，如：达到预期、基本达到预期、未达到预期）", required=False
    )
    typical_low = forms.DecimalField(label="常见目标值下限", required=False)
    typical_high = forms.DecimalField(label="常见目标值上限", required=False)
    basis = forms.ChoiceField(label="取值依据", choices=[(b, b) for b in services.BASES])
    data_source = forms.CharField(label="数据来源", max_length=200, required=False)
    evidence = forms.CharField(label="佐证材料", max_length=200, required=False)
    categories = forms.MultipleChoiceField(label="适用项目类别（不选为共性指标）", required=False)
    keywords = forms.CharField(label="关键词（用顿号分隔）", max_length=100, required=False)
    note = forms.CharField(
        label="提议说明（为什么库中没有合适的指标）", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args: Any, categories: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["level"].choices = [
            (f"{l1}/{l2}", f"{l1} / {l2}") for l1, l2s in _levels(Layout.COST_AS_LEVEL1) for l2 in l2s
        ]
        fields["categories"].choices = [(c.code, f"{c.code} {c.name}") for c in categories]

    def service_fields(self) -> dict[str, Any]:
        d = self.cleaned_data
        level1, _, level2 = d["level"].partition("/")
        return {
            **{
                k: d[k]
                for k in (
                    "name",
                    "definition",
                    "direction",
                    "measure_unit",
                    "typical_low",
                    "typical_high",
                    "basis",
                    "data_source",
                    "evidence",
                )
            },
            "level1": level1,
            "level2": level2,
            "levels": _split(d["levels"]),
            "keywords": _split(d["keywords"]),
            "categories": d["categories"],
        }


@require_perm("library.propose")
def propose(request: HttpRequest) -> HttpResponse:
    ctx = ctx_of(request)
    form = ProposalForm(request.POST or None, categories=budget_selectors.category_list(actor=request.user, ctx=ctx))
    if request.method == "POST" and form.is_valid():
        try:
            indicator = services.indicator_propose(
                actor=request.user,
                region=ctx.current_region,
                fields=form.service_fields(),
                note=form.cleaned_data["note"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, f"已提交新指标提议「{indicator.name}」，绩效管理股审核通过后入库。")
            return redirect("library:indicator_detail", pk=indicator.pk)
    return render(request, "library/propose.html", {"form": form})


@require_perm("library.view")
def proposal_list(request: HttpRequest) -> HttpResponse:
    """The office's review queue; a unit sees its own proposals and what became of them."""
    ctx = ctx_of(request)
    indicators = LibraryIndicator.objects.with_scope(region=ctx.region_ids).exclude(proposed_unit__isnull=True)
    if not has_perm(request.user, "library.curate"):
        indicators = indicators.filter(proposed_unit_id__in=ctx.unit_ids or [])
    indicators = indicators.select_related("proposed_unit", "proposed_by", "merged_into").order_by("status", "-updated")
    return render(
        request,
        "library/proposal_list.html",
        {
            "page": paginate(request, indicators),
            "qs": querystring_without_page(request),
            "can_curate": has_perm(request.user, "library.curate"),
        },
    )


@require_POST
@require_perm("library.curate")
def proposal_review(request: HttpRequest, pk: int) -> HttpResponse:
    ctx = ctx_of(request)
    indicator = selectors.indicator_get(actor=request.user, ctx=ctx, pk=pk)
    into = None
    into_code = request.POST.get("into", "").strip()
    if into_code:
        into = selectors.indicator_list(actor=request.user, ctx=ctx).filter(code=into_code).first()
    try:
        services.proposal_review(
            actor=request.user,
            indicator=indicator,
            decision=request.POST.get("decision", ""),
            comment=request.POST.get("comment", ""),
            into=into,
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "审核结论已保存。")
    return redirect("library:indicator_detail", pk=indicator.pk)


@require_POST
@require_perm("library.curate")
def layout_change(request: HttpRequest) -> HttpResponse:
    try:
        services.layout_set(
            actor=request.user, region=ctx_of(request).current_region, layout=request.POST.get("layout", "")
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "指标体系已调整。")
    return redirect("library:indicator_list")


@require_perm("library.view")
def recommend(request: HttpRequest, project_pk: int) -> HttpResponse:
    """Indicators suggested for one project, grouped as a goal sheet groups them."""
    ctx = ctx_of(request)
    project = budget_selectors.project_get(actor=request.user, ctx=ctx, pk=project_pk)
    found = selectors.recommend_for_project(actor=request.user, ctx=ctx, project=project)
    layout = selectors.layout_of(ctx)
    groups: dict[tuple[str, str], list[Any]] = {}
    for f in found:
        groups.setdefault(services.shown_levels(f.indicator.level1, f.indicator.level2, layout), []).append(f)
    order = [services.shown_levels(l1, l2, layout) for l1, l2s in _levels(Layout.COST_AS_LEVEL1) for l2 in l2s]
    return render(
        request,
        "library/recommend.html",
        {
            "project": project,
            "groups": [(key, groups[key]) for key in dict.fromkeys(order) if key in groups],
            "count": len(found),
        },
    )


@require_perm("library.view")
def export(request: HttpRequest) -> HttpResponse:
    indicators = selectors.indicator_list(actor=request.user, ctx=ctx_of(request))
    data = xlsx_bytes("指标库", imports.COLUMNS, (imports.row_of(i) for i in indicators))
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote('绩效指标库.xlsx')}"
    return response


IMPORT_KIND = "library"


class UploadForm(forms.Form):
    file = forms.FileField(label="选择文件（.xlsx、.xls 或 .csv，格式同导出文件）")


@require_perm("library.curate")
def library_import(request: HttpRequest) -> HttpResponse:
    ctx = ctx_of(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    plan, token = None, None
    if request.method == "POST" and form.is_valid():
        try:
            name, data = uploads.read_upload(form.cleaned_data["file"])
            plan = imports.parse_library(region=ctx.current_region, filename=name, data=data)
        except DomainError as exc:
            form.add_error("file", exc.message)
        else:
            if plan.ok:
                token = uploads.stage(request, f"{IMPORT_KIND}:{ctx.current_region.pk}", name, data)
    return render(
        request, "library/import.html", {"form": form, "plan": plan, "token": token, "columns": imports.COLUMNS}
    )


@require_POST
@require_perm("library.curate")
def library_import_commit(request: HttpRequest) -> HttpResponse:
    ctx = ctx_of(request)
    token = request.POST.get("token", "")
    try:
        name, data = uploads.take(request, f"{IMPORT_KIND}:{ctx.current_region.pk}", token)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("library:import")
    plan = imports.library_import_commit(actor=request.user, region=ctx.current_region, filename=name, data=data)
    if not plan.ok:
        messages.error(request, "数据已发生变化，重新校验未通过，未导入任何数据。")
        return render(
            request,
            "library/import.html",
            {"form": UploadForm(), "plan": plan, "token": None, "columns": imports.COLUMNS},
        )
    uploads.discard(request, token)
    messages.success(
        request,
        f"指标库导入完成：新增 {plan.count_create} 个，更新 {plan.count_update} 个，{plan.count_unchanged} 个无变化。",
    )
    return redirect("library:indicator_list")
