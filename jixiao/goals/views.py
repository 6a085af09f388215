"""Goal-sheet pages: the year's list, a reviewer's queue, a sheet, the editor with its live
review, and the workflow buttons. Each view parses input, calls one selector or service and
renders; domain errors become messages."""

import contextlib
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from jixiao.accounts.permissions import has_perm
from jixiao.budget import selectors as budget_selectors
from jixiao.budget.models import FundSource
from jixiao.core import checks
from jixiao.core.errors import DomainError, Forbidden
from jixiao.core.numbers import AmountError, parse_amount
from jixiao.core.values import parse_target
from jixiao.core.workflow import GRADE_HANDLING, STATE_LABELS, TRANSITIONS, State, allowed
from jixiao.goals import selectors, services
from jixiao.goals.batch import latest_run
from jixiao.goals.models import Kind
from jixiao.goals.review import Row, actuals_of, as_findings, last_year_sheet, review_rows, rows_of
from jixiao.goals.selectors import FAMILIES, SEVERITIES, SORTS
from jixiao.library.selectors import recommend_for_project
from jixiao.org.selectors import unit_get, unit_list
from jixiao.web.decorators import ctx_of, require_perm
from jixiao.web.pagination import paginate, querystring_without_page
from jixiao.web.params import int_param

LEVEL2 = {
    "产出指标": ["数量指标", "质量指标", "时效指标", "成本指标"],
    "效益指标": ["经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标"],
    "满意度指标": ["服务对象满意度指标"],
    "成本指标": ["经济成本指标", "社会成本指标", "生态环境成本指标"],
}
SYMBOL_CHOICES = ["≥", "≤", "=", ">", "<", "定性"]
BASES = ["计划标准", "行业标准", "历史标准", "其他标准"]
SORT_LABELS = [
    ("unit", "按单位"),
    ("-errors", "错误多的在前"),
    ("-warnings", "警告多的在前"),
    ("-total", "金额大的在前"),
    ("-updated", "最近修改在前"),
    ("status", "按状态"),
]


@require_perm("goals.view")
def sheet_list(request: HttpRequest) -> HttpResponse:
    ctx = ctx_of(request)
    g = request.GET
    choice: dict[str, Any] = {
        "q": g.get("q", "").strip()[:100],
        "unit_id": int_param(g.get("unit")),
        "status": g.get("status", "") if g.get("status", "") in {s.value for s in State} else "",
        "kind": g.get("kind", "") if g.get("kind", "") in Kind.values else "",
        "family": g.get("family", "") if g.get("family", "") in FAMILIES else "",
        "severity": g.get("severity", "") if g.get("severity", "") in SEVERITIES else "",
        "grade": g.get("grade", "") if g.get("grade", "") in GRADE_HANDLING else "",
        "sort": g.get("sort", "unit") if g.get("sort", "unit") in SORTS else "unit",
    }
    sheets = selectors.sheet_list(actor=request.user, ctx=ctx, **choice)
    page: Page[Any] = paginate(request, sheets)
    return render(
        request,
        "goals/sheet_list.html",
        {
            "page": page,
            "choice": choice,
            "qs": querystring_without_page(request),
            "units": unit_list(actor=request.user, ctx=ctx),
            "states": [(s.value, STATE_LABELS[s]) for s in State],
            "kinds": Kind.choices,
            "families": FAMILIES,
            "severities": SEVERITIES,
            "grades": list(GRADE_HANDLING),
            "sort_labels": SORT_LABELS,
            "family_counts": selectors.family_counts(sheets),
            "status_counts": selectors.status_counts(sheets),
            "can_batch": has_perm(request.user, "goals.office_review"),
            "is_reviewer": any(has_perm(request.user, p) for p in selectors.QUEUE_STATES),
            "latest_run": latest_run(actor=request.user, ctx=ctx)
            if has_perm(request.user, "goals.office_review")
            else None,
        },
    )


@require_perm("goals.view")
def queue(request: HttpRequest) -> HttpResponse:
    sheets = selectors.queue(actor=request.user, ctx=ctx_of(request))
    return render(request, "goals/queue.html", {"page": paginate(request, sheets), "qs": ""})


@require_perm("goals.view")
def unit_summary(request: HttpRequest) -> HttpResponse:
    ctx = ctx_of(request)
    sheets = selectors.sheet_list(actor=request.user, ctx=ctx)
    return render(
        request,
        "goals/unit_summary.html",
        {"rows": selectors.unit_summary(sheets), "status_counts": selectors.status_counts(sheets)},
    )


def _findings_by_row(findings: list[checks.Finding]) -> tuple[list[checks.Finding], dict[int, list[checks.Finding]]]:
    sheet_level = [f for f in findings if f.indicator is None]
    by_row: dict[int, list[checks.Finding]] = {}
    for f in findings:
        if f.indicator is not None:
            by_row.setdefault(f.indicator, []).append(f)
    return sheet_level, by_row


@require_perm("goals.view")
def sheet_detail(request: HttpRequest, pk: int) -> HttpResponse:
    sheet = selectors.sheet_get(actor=request.user, ctx=ctx_of(request), pk=pk)
    findings = as_findings(sheet.findings.all())
    sheet_level, by_row = _findings_by_row(findings)
    indicators = list(sheet.indicators.all())
    before = last_year_sheet(sheet)
    actions = allowed(sheet.status, getattr(request.user, "role", ""))
    return render(
        request,
        "goals/sheet_detail.html",
        {
            "sheet": sheet,
            "rows": [(i, by_row.get(i.position, [])) for i in indicators],
            "sheet_findings": sheet_level,
            "findings": findings,
            "events": sheet.events.select_related("actor").prefetch_related("comments"),
            "snapshots": sheet.snapshots.all(),
            "before": before,
            "before_rows": _with_actuals(before),
            "recommendations": _recommendations(request, sheet),
            "actions": [a for a in actions if has_perm(request.user, a.perm, sheet)],
            "funds": [(label, amount) for _, label, amount in sheet.funds if amount],
            "grade_handling": GRADE_HANDLING,
            "can_edit": sheet.editable and has_perm(request.user, "goals.edit", sheet),
            "can_rereview": any(has_perm(request.user, p, sheet) for p in services.REVIEWERS),
            "action_labels": {a.value: t.label for a, t in TRANSITIONS.items()},
            "families": FAMILIES,
        },
    )


@require_POST
@require_perm("goals.edit")
def sheet_create(request: HttpRequest) -> HttpResponse:
    """A new draft: for a project (``project``), or the department sheet of a unit (``unit``)."""
    ctx = ctx_of(request)
    try:
        if (project_id := int_param(request.POST.get("project"))) is not None:
            project = budget_selectors.project_get(actor=request.user, ctx=ctx, pk=project_id)
            sheet = services.sheet_create_for_project(actor=request.user, project=project)
        elif (unit_id := int_param(request.POST.get("unit"))) is not None and ctx.fiscal_year is not None:
            unit = unit_get(actor=request.user, ctx=ctx, pk=unit_id)
            sheet = services.sheet_create_for_department(actor=request.user, unit=unit, fiscal_year=ctx.fiscal_year)
        else:
            raise Http404("没有指定项目或单位")
    except DomainError as exc:
        messages.error(request, exc.message)
        back = request.POST.get("back", "")
        if back and url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
            return redirect(back)
        return redirect("goals:sheet_list")
    messages.success(request, "已新建绩效目标表，请填写后保存")
    return redirect("goals:sheet_edit", pk=sheet.pk)


def _decimal_or_none(text: str) -> Decimal | None:
    text = text.strip()
    if not text:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise DomainError(f"分值「{text}」不是数字") from None
    if not number.is_finite():
        raise DomainError(f"分值「{text}」不是数字")
    return number


def rows_from_post(post: Any, *, lenient: bool = False) -> list[Row]:
    """The indicator table as typed: parallel lists, one entry per row in the page's order.

    ``lenient`` is for showing the form again after an error: a weight that is not a number is
    shown empty and surplus rows are cut, rather than losing every row."""
    columns = ["level1", "level2", "name", "symbol", "value", "unit", "weight", "basis", "source", "lib"]
    limit = services.MAX_INDICATORS * 2
    values = {c: post.getlist(f"row_{c}")[: limit + 1] for c in columns}
    count = max((len(v) for v in values.values()), default=0)
    if count > limit:
        if not lenient:
            raise DomainError("指标行过多")
        count = limit
    rows = []
    for n in range(count):
        cell = {c: (values[c][n] if n < len(values[c]) else "").strip() for c in columns}
        try:
            weight = _decimal_or_none(cell["weight"])
        except DomainError:
            if not lenient:
                raise
            weight = None
        rows.append(
            Row(
                level1=cell["level1"],
                level2=cell["level2"],
                name=cell["name"],
                symbol=cell["symbol"],
                value=cell["value"],
                unit=cell["unit"],
                weight=weight,
                basis=cell["basis"],
                source=cell["source"],
                library_indicator_id=int_param(cell["lib"]),
            )
        )
    return rows


def _funds_from_post(post: Any) -> dict[str, Decimal]:
    funds: dict[str, Decimal] = {}
    for source in FundSource:
        text = post.get(f"fund_{source.value}", "").strip()
        try:
            funds[source.value] = parse_amount(text, scale=Decimal(10000)) if text else Decimal(0)
        except AmountError as e:
            raise DomainError(f"{source.label}：{e.expected}") from None
    return funds


def _lines_from_post(post: Any) -> list[dict[str, str]]:
    lines = []
    for name, amount in zip(post.getlist("line_name"), post.getlist("line_amount"), strict=False):
        if not name.strip() and not amount.strip():
            continue
        try:
            value = parse_amount(amount, scale=Decimal(10000))
        except AmountError as e:
            raise DomainError(f"项目「{name}」的金额：{e.expected}") from None
        lines.append({"name": name.strip(), "amount": str(value)})
    return lines


def _recommendations(request: HttpRequest, sheet: Any) -> list[Any]:
    """What results application recommends for the sheet's project (from last year's results)."""
    if sheet.project is None or not has_perm(request.user, "results.view", sheet):
        return []
    return budget_selectors.recommendations_for(sheet.project)


def _editor_context(
    request: HttpRequest, sheet: Any, rows: list[Row], findings: list[checks.Finding]
) -> dict[str, Any]:
    sheet_level, by_row = _findings_by_row(findings)
    before = last_year_sheet(sheet)
    suggestions = []
    if sheet.project is not None and has_perm(request.user, "library.view"):
        suggestions = recommend_for_project(actor=request.user, ctx=ctx_of(request), project=sheet.project, limit=30)
    return {
        "sheet": sheet,
        "rows": [(n, r, by_row.get(n, [])) for n, r in enumerate(rows)],
        "sheet_findings": sheet_level,
        "findings": findings,
        "level2": LEVEL2,
        "symbols": SYMBOL_CHOICES,
        "bases": BASES,
        "before": before,
        "before_rows": _with_actuals(before),
        "suggestions": suggestions,
        "recommendations": _recommendations(request, sheet),
        "fund_sources": [(s.value, s.label, getattr(sheet, f"fund_{s.value}")) for s in FundSource],
        "families": FAMILIES,
    }


@require_perm("goals.edit")
def sheet_edit(request: HttpRequest, pk: int) -> HttpResponse:
    sheet = selectors.sheet_get(actor=request.user, ctx=ctx_of(request), pk=pk)
    if not has_perm(request.user, "goals.edit", sheet):
        raise Http404("没有找到该绩效目标表")
    if not sheet.editable:
        messages.error(request, f"目标表当前状态为「{sheet.get_status_display()}」，不能修改")
        return redirect("goals:sheet_detail", pk=sheet.pk)
    if request.method == "POST":
        try:
            rows = rows_from_post(request.POST)
            services.sheet_save(
                actor=request.user,
                sheet=sheet,
                goal=request.POST.get("goal", ""),
                long_term_goal=request.POST.get("long_term_goal", ""),
                rows=rows,
                funds=_funds_from_post(request.POST),
                project_lines=_lines_from_post(request.POST) if sheet.kind == Kind.DEPARTMENT else None,
            )
        except DomainError as exc:
            messages.error(request, exc.message)
            _keep_typed(sheet, request.POST)
            rows = rows_from_post(request.POST, lenient=True)
            return render(request, "goals/sheet_edit.html", _editor_context(request, sheet, rows, []), status=400)
        sheet.refresh_from_db()
        if sheet.errors:
            messages.warning(request, f"已保存。还有 {sheet.errors} 条错误，修改后才能报送。")
        else:
            messages.success(request, "已保存。")
        if request.POST.get("then") == "view":
            return redirect("goals:sheet_detail", pk=sheet.pk)
        return redirect("goals:sheet_edit", pk=sheet.pk)
    rows = rows_of(sheet)
    findings = as_findings(sheet.findings.all())
    return render(request, "goals/sheet_edit.html", _editor_context(request, sheet, rows, findings))


def _keep_typed(sheet: Any, post: Any) -> None:
    """Put what was typed back on the (unsaved) sheet, so the form shown with the error message
    still holds it: the goals, and every amount that could be read."""
    sheet.goal = post.get("goal", sheet.goal)
    sheet.long_term_goal = post.get("long_term_goal", sheet.long_term_goal)
    for source in FundSource:
        text = post.get(f"fund_{source.value}", "").strip()
        with contextlib.suppress(AmountError):
            setattr(sheet, f"fund_{source.value}", parse_amount(text, scale=Decimal(10000)) if text else Decimal(0))
    if sheet.kind == Kind.DEPARTMENT:
        sheet.project_lines = [
            {"name": name.strip(), "typed": amount.strip()}
            for name, amount in zip(post.getlist("line_name"), post.getlist("line_amount"), strict=False)
            if name.strip() or amount.strip()
        ][: services.MAX_PROJECT_LINES]


@require_POST
@require_perm("goals.edit")
def sheet_check(request: HttpRequest, pk: int) -> HttpResponse:
    """The live review while typing: the posted (unsaved) form reviewed, findings beside each row."""
    sheet = selectors.sheet_get(actor=request.user, ctx=ctx_of(request), pk=pk)
    if not has_perm(request.user, "goals.edit", sheet):
        raise Http404("没有找到该绩效目标表")
    try:
        rows = rows_from_post(request.POST)
    except DomainError as exc:
        return render(request, "goals/_check.html", {"problem": exc.message, "rows": [], "sheet_findings": []})
    sheet.goal = request.POST.get("goal", "")
    sheet.long_term_goal = request.POST.get("long_term_goal", "")
    try:
        funds = _funds_from_post(request.POST)
        for source in FundSource:
            setattr(sheet, f"fund_{source.value}", funds[source.value])
        sheet.total = sum(funds.values(), Decimal(0))
        if sheet.kind == Kind.DEPARTMENT:
            sheet.project_lines = _lines_from_post(request.POST)
    except DomainError as exc:
        return render(request, "goals/_check.html", {"problem": exc.message, "rows": [], "sheet_findings": []})
    findings = review_rows(sheet, rows)
    sheet_level, by_row = _findings_by_row(findings)
    readings = []
    for n, r in enumerate(rows):
        target = parse_target(r.value, symbol=r.symbol, unit=r.unit, date_context=r.level2 == "时效指标")
        readings.append((n, by_row.get(n, []), target if r.value else None))
    return render(
        request,
        "goals/_check.html",
        {
            "rows": readings,
            "sheet_findings": sheet_level,
            "counts": {s: sum(1 for f in findings if f.severity == s) for s in SEVERITIES},
        },
    )


def _comments_from_post(post: Any) -> dict[int | None, str]:
    comments: dict[int | None, str] = {}
    if post.get("comment_sheet", "").strip():
        comments[None] = post["comment_sheet"][:2000]
    for key, text in post.items():
        if key.startswith("comment_") and key[8:].isdecimal() and text.strip():
            comments[int(key[8:])] = text[:2000]
    return comments


@require_POST
@require_perm("goals.view")
def sheet_transition(request: HttpRequest, pk: int) -> HttpResponse:
    sheet = selectors.sheet_get(actor=request.user, ctx=ctx_of(request), pk=pk)
    action = request.POST.get("action", "")
    try:
        services.sheet_transition(
            actor=request.user,
            sheet=sheet,
            action=action,
            reason=request.POST.get("reason", "")[:2000],
            grade=request.POST.get("grade", ""),
            justification=request.POST.get("justification", "")[:4000],
            adjustment=request.POST.get("adjustment", "")[:200],
            comments=_comments_from_post(request.POST),
        )
    except Forbidden:
        raise PermissionDenied from None
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("goals:sheet_detail", pk=sheet.pk)
    sheet.refresh_from_db()
    messages.success(request, f"操作成功，目标表现为「{sheet.get_status_display()}」")
    if sheet.status == State.ADJUSTING:
        return redirect("goals:sheet_edit", pk=sheet.pk)
    return redirect("goals:sheet_detail", pk=sheet.pk)


@require_POST
@require_perm("goals.view")
def sheet_rereview(request: HttpRequest, pk: int) -> HttpResponse:
    sheet = selectors.sheet_get(actor=request.user, ctx=ctx_of(request), pk=pk)
    try:
        services.sheet_review_now(actor=request.user, sheet=sheet)
    except Forbidden:
        raise PermissionDenied from None
    messages.success(request, "已按当前规则重新审核")
    return redirect("goals:sheet_detail", pk=sheet.pk)


@require_perm("goals.view")
def unit_sheets(request: HttpRequest, unit_id: int) -> HttpResponse:
    """A unit's sheets of the year with the projects that still lack one."""
    ctx = ctx_of(request)
    unit = unit_get(actor=request.user, ctx=ctx, pk=unit_id)
    sheets = selectors.sheet_list(actor=request.user, ctx=ctx, unit_id=unit.pk)
    projects = budget_selectors.project_list(actor=request.user, ctx=ctx, unit_id=unit.pk)
    with_sheet = set(sheets.values_list("project_id", flat=True))
    return render(
        request,
        "goals/unit_sheets.html",
        {
            "unit": unit,
            "sheets": sheets,
            "missing": [p for p in projects if p.pk not in with_sheet],
            "department": selectors.department_sheet(actor=request.user, ctx=ctx, unit_id=unit.pk),
            "can_edit": has_perm(request.user, "goals.edit", unit),
        },
    )


def _with_actuals(before: Any) -> list[Any]:
    """Last year's indicators, each with its actual once that year's self-evaluation is accepted."""
    if before is None:
        return []
    actuals = actuals_of(before)
    rows = list(before.indicators.all())
    for row in rows:
        row.actual = actuals.get(row.position, "")
    return rows
