from urllib.parse import quote

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from jixiao.accounts.models import User
from jixiao.accounts.permissions import has_perm
from jixiao.core.errors import DomainError
from jixiao.org import selectors, services
from jixiao.org.forms import FiscalYearForm, PhasesForm, SectionForm, UnitForm, UploadForm
from jixiao.org.imports import COLUMNS, REQUIRED, UnitImportPlan
from jixiao.org.models import FinanceSection, Phase, Unit, UnitKind
from jixiao.web import uploads
from jixiao.web.decorators import ctx_of, require_perm
from jixiao.web.excel import xlsx_bytes
from jixiao.web.forms import add_domain_error

IMPORT_KIND = "org.units"


@require_perm("org.view")
def unit_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    rows = selectors.unit_tree(actor=request.user, ctx=ctx_of(request), q=q)
    context = {"rows": rows, "q": q, "can_manage": has_perm(request.user, "org.manage")}
    htmx = request.htmx  # type: ignore[attr-defined]
    # Back/forward restores the whole page through htmx: give it the page, not the rows.
    if htmx and not htmx.history_restore_request:
        return render(request, "org/_unit_rows.html", context)
    return render(request, "org/unit_list.html", context)


@require_perm("org.view")
def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    ctx = ctx_of(request)
    unit = selectors.unit_get(actor=request.user, ctx=ctx, pk=pk)
    children = selectors.unit_list(actor=request.user, ctx=ctx).filter(parent=unit)
    context = {
        "unit": unit,
        "children": children,
        "users": User.objects.filter(unit=unit).order_by("username")
        if has_perm(request.user, "accounts.view")
        else None,
        "can_manage": has_perm(request.user, "org.manage"),
        "can_audit": has_perm(request.user, "audit.view"),
    }
    return render(request, "org/unit_detail.html", context)


@require_perm("org.manage")
def unit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    ctx = ctx_of(request)
    unit = selectors.unit_get(actor=request.user, ctx=ctx, pk=pk)
    form = UnitForm(
        request.POST or None,
        initial={
            "name": unit.name,
            "kind": unit.kind,
            "parent": unit.parent_id,
            "section": unit.section_id,
            "active": unit.active,
        },
        units=selectors.unit_list(actor=request.user, ctx=ctx).exclude(pk=unit.pk),
        sections=selectors.section_list(actor=request.user, ctx=ctx),
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.unit_update(
                actor=request.user,
                unit=unit,
                name=d["name"],
                kind=d["kind"],
                parent=d["parent"],
                section=d["section"],
                active=d["active"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, "单位信息已保存。")
            return redirect("org:unit_detail", pk=unit.pk)
    return render(request, "org/unit_form.html", {"form": form, "unit": unit})


@require_perm("org.view")
def unit_export(request: HttpRequest) -> HttpResponse:
    """The visible units in the import layout: a list to read, and a template to edit."""
    units = selectors.unit_list(actor=request.user, ctx=ctx_of(request))
    rows = (
        [
            u.code,
            u.name,
            u.get_kind_display(),
            u.parent.code if u.parent else "",
            u.section.name if u.section else "",
            "是" if u.active else "否",
        ]
        for u in units
    )
    data = xlsx_bytes("预算单位", COLUMNS, rows)
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    filename = f"预算单位_{ctx_of(request).current_region.code}.xlsx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def _import_kind(request: HttpRequest) -> str:
    # The staged file is tied to the region it was checked against: switching region between
    # preview and commit must not send it into another region.
    return f"{IMPORT_KIND}:{ctx_of(request).current_region.pk}"


def _import_page(
    request: HttpRequest, form: UploadForm, plan: UnitImportPlan | None, token: str | None
) -> HttpResponse:
    return render(
        request,
        "org/unit_import.html",
        {
            "form": form,
            "plan": plan,
            "token": token,
            "columns": COLUMNS,
            "required": REQUIRED,
            "kinds": [label for _, label in UnitKind.choices],
        },
    )


@require_perm("org.manage")
def unit_import(request: HttpRequest) -> HttpResponse:
    """Step one: upload, validate, and show what would change (or every error)."""
    form = UploadForm(request.POST or None, request.FILES or None)
    plan, token = None, None
    if request.method == "POST" and form.is_valid():
        try:
            name, data = uploads.read_upload(form.cleaned_data["file"])
            plan = services.unit_import_validate(
                actor=request.user, region=ctx_of(request).current_region, filename=name, data=data
            )
        except DomainError as exc:
            form.add_error("file", exc.message)
        else:
            if plan.ok:
                token = uploads.stage(request, _import_kind(request), name, data)
    return _import_page(request, form, plan, token)


@require_POST
@require_perm("org.manage")
def unit_import_commit(request: HttpRequest) -> HttpResponse:
    """Step two: validate the staged file again and write all of it, or nothing."""
    token = request.POST.get("token", "")
    try:
        name, data = uploads.take(request, _import_kind(request), token)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("org:unit_import")
    plan = services.unit_import_commit(
        actor=request.user, region=ctx_of(request).current_region, filename=name, data=data
    )
    if not plan.ok:
        # The database changed since the preview; nothing was written.
        messages.error(request, "数据已发生变化，重新校验未通过，未导入任何数据。")
        return _import_page(request, UploadForm(), plan, None)
    uploads.discard(request, token)
    messages.success(
        request,
        f"导入完成：新增 {plan.count_create} 个单位，更新 {plan.count_update} 个，{plan.count_unchanged} 个无变化。",
    )
    return redirect("org:unit_list")


@require_perm("org.view")
def section_list(request: HttpRequest) -> HttpResponse:
    sections = selectors.section_list(actor=request.user, ctx=ctx_of(request))
    return render(
        request,
        "org/section_list.html",
        {"sections": sections, "can_manage": has_perm(request.user, "org.manage")},
    )


@require_perm("org.view")
def section_detail(request: HttpRequest, pk: int) -> HttpResponse:
    ctx = ctx_of(request)
    section = selectors.section_get(actor=request.user, ctx=ctx, pk=pk)
    units = selectors.unit_list(actor=request.user, ctx=ctx).filter(section=section)
    reviewers = User.objects.filter(section=section, is_active=True).order_by("username")
    return render(
        request,
        "org/section_detail.html",
        {
            "section": section,
            "units": units,
            "reviewers": reviewers,
            "can_manage": has_perm(request.user, "org.manage"),
        },
    )


def _section_form(request: HttpRequest, section: FinanceSection | None) -> SectionForm:
    ctx = ctx_of(request)
    initial = {}
    if section is not None:
        initial = {
            "name": section.name,
            "duties": section.duties,
            "units": list(section.units.values_list("pk", flat=True)),
        }
    return SectionForm(
        request.POST or None,
        initial=initial,
        # Inactive units stay listed: leaving them out would drop them from the section on save.
        units=selectors.unit_list(actor=request.user, ctx=ctx),
    )


def _section_save(request: HttpRequest, section: FinanceSection | None) -> HttpResponse:
    form = _section_form(request, section)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            saved = services.section_save(
                actor=request.user,
                region=ctx_of(request).current_region,
                section=section,
                name=d["name"],
                duties=d["duties"],
                units=list(d["units"]),
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, f"业务股室「{saved.name}」已保存。")
            return redirect("org:section_detail", pk=saved.pk)
    taken = {
        u.pk: u.section.name
        for u in Unit.objects.filter(section__isnull=False).select_related("section")
        if u.section is not None and (section is None or u.section_id != section.pk)
    }
    return render(request, "org/section_form.html", {"form": form, "section": section, "taken": taken})


@require_perm("org.manage")
def section_create(request: HttpRequest) -> HttpResponse:
    return _section_save(request, None)


@require_perm("org.manage")
def section_edit(request: HttpRequest, pk: int) -> HttpResponse:
    section = selectors.section_get(actor=request.user, ctx=ctx_of(request), pk=pk)
    return _section_save(request, section)


@require_perm("org.view")
def fiscal_year_list(request: HttpRequest) -> HttpResponse:
    return _fiscal_year_list(request, FiscalYearForm())


def _fiscal_year_list(request: HttpRequest, form: FiscalYearForm) -> HttpResponse:
    years = selectors.fiscal_year_list(actor=request.user, ctx=ctx_of(request))
    return render(
        request,
        "org/fiscal_year_list.html",
        {
            "years": years,
            "form": form,
            "phases": Phase.choices,
            "can_manage": has_perm(request.user, "org.manage"),
        },
    )


@require_POST
@require_perm("org.manage")
def fiscal_year_create(request: HttpRequest) -> HttpResponse:
    form = FiscalYearForm(request.POST)
    if form.is_valid():
        try:
            fy = services.fiscal_year_create(
                actor=request.user, region=ctx_of(request).current_region, year=form.cleaned_data["year"]
            )
        except DomainError as exc:
            form.add_error("year", exc.message)
        else:
            messages.success(request, f"{fy.year} 年度已创建，已按常规日程预设各阶段时间，请按本级通知调整。")
            return redirect("org:fiscal_year_edit", pk=fy.pk)
    return _fiscal_year_list(request, form)


@require_perm("org.manage")
def fiscal_year_edit(request: HttpRequest, pk: int) -> HttpResponse:
    fiscal_year = selectors.fiscal_year_get(actor=request.user, ctx=ctx_of(request), pk=pk)
    initial = {}
    for w in fiscal_year.phases.all():
        initial[f"{w.phase}_start"], initial[f"{w.phase}_end"] = w.starts_on, w.ends_on
    form = PhasesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.fiscal_year_set_phases(actor=request.user, fiscal_year=fiscal_year, windows=form.windows())
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"{fiscal_year.year} 年度各阶段时间已保存。")
            return redirect("org:fiscal_year_list")
    return render(request, "org/fiscal_year_form.html", {"form": form, "fiscal_year": fiscal_year})
