"""Monitoring pages: the office's rounds and overview, the units' forms, decisions, the calendar
and the warning rules. Views parse and render; the services decide and write."""

import json
from decimal import Decimal
from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from jixiao.accounts.permissions import has_perm
from jixiao.budget import selectors as budget_selectors
from jixiao.budget.models import ProjectCategory
from jixiao.core import progress
from jixiao.core.data import read_data
from jixiao.core.errors import DomainError, Forbidden
from jixiao.core.numbers import AmountError, parse_amount
from jixiao.core.report_flow import report_actions
from jixiao.monitoring import compute, selectors, services
from jixiao.monitoring.models import (
    Attachment,
    DecisionKind,
    Holiday,
    Light,
    Likelihood,
    Reason,
    ReportStatus,
    RoundKind,
    Scope,
    WarningRules,
)
from jixiao.org.selectors import unit_list
from jixiao.web.decorators import ctx_of, require_perm
from jixiao.web.pagination import paginate, querystring_without_page
from jixiao.web.params import date_param, int_param

WAN = Decimal(10000)


def _wan_or_none(value: str, label: str) -> Decimal | None:
    if not value.strip():
        return None
    try:
        return parse_amount(value, scale=WAN)
    except AmountError as e:
        raise DomainError(f"{label}：应为{e.expected}，填写的是「{value}」") from None


# --- rounds ----------------------------------------------------------------------------------


@require_perm("monitoring.view")
def round_list(request: HttpRequest) -> HttpResponse:
    ctx = ctx_of(request)
    rounds = selectors.rounds(ctx=ctx).select_related("category")
    rows = []
    for r in rounds:
        counts = selectors.light_counts(selectors.reports(ctx=ctx).filter(round=r))
        rows.append((r, counts, sum(counts.values())))
    return render(
        request,
        "monitoring/round_list.html",
        {"rows": rows, "can_manage": has_perm(request.user, "monitoring.manage")},
    )


@require_perm("monitoring.manage")
def round_new(request: HttpRequest) -> HttpResponse:
    ctx = ctx_of(request)
    if ctx.fiscal_year is None:
        raise Http404("尚未设置预算年度")
    categories = ProjectCategory.objects.with_scope(region=ctx.region_ids).filter(active=True).order_by("code")
    eligible = services.eligible_sheets(ctx.fiscal_year).select_related("project", "unit").order_by("unit__code")
    if request.method == "POST":
        post = request.POST
        try:
            category = categories.filter(pk=int_param(post.get("category"))).first() if post.get("category") else None
            round_ = services.round_open(
                actor=request.user,
                fiscal_year=ctx.fiscal_year,
                title=post.get("title", ""),
                month=int_param(post.get("month")) or 0,
                deadline=date_param(post.get("deadline", ""), "报送截止日期"),
                kind=post.get("kind", RoundKind.GENERAL),
                scope=post.get("scope", Scope.ALL),
                category=category,
                project_ids=[pk for pk in (int_param(v) for v in post.getlist("projects")) if pk is not None],
                instructions=post.get("instructions", ""),
            )
        except Forbidden:
            raise PermissionDenied from None
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"已发起监控任务「{round_.title}」，共 {round_.reports.count()} 个项目")
            return redirect("monitoring:round_detail", pk=round_.pk)
    return render(
        request,
        "monitoring/round_new.html",
        {
            "categories": categories,
            "eligible": eligible,
            "kinds": RoundKind.choices,
            "scopes": Scope.choices,
            "months": range(1, 13),
            "post": request.POST,
            "default_month": max(1, selectors.today().month - 1),
        },
    )


@require_perm("monitoring.view")
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    ctx = ctx_of(request)
    round_ = selectors.round_get(actor=request.user, ctx=ctx, pk=pk)
    in_round = selectors.reports(ctx=ctx).filter(round=round_)
    choice: dict[str, Any] = {
        "light": request.GET.get("light", ""),
        "status": request.GET.get("status", ""),
        "unit_id": int_param(request.GET.get("unit")),
        "q": request.GET.get("q", "").strip()[:50],
    }
    listed = selectors.report_list(
        ctx=ctx,
        round_=round_,
        light=choice["light"],
        status=choice["status"],
        unit_id=choice["unit_id"],
        q=choice["q"],
    )
    counts = selectors.light_counts(in_round)
    return render(
        request,
        "monitoring/round_detail.html",
        {
            "round": round_,
            "counts": counts,
            "total": sum(counts.values()),
            "units": selectors.unit_lights(in_round),
            "page": paginate(request, listed),
            "qs": querystring_without_page(request),
            "choice": choice,
            "lights": [(v, label) for v, label in Light.choices if v],
            "states": ReportStatus.choices,
            "unit_choices": unit_list(actor=request.user, ctx=ctx).filter(pk__in=in_round.values("unit_id")),
            "chart": {
                "curve": selectors.curves(listed, round_),
                "lights": selectors.light_counts(listed),
            },
            "can_manage": has_perm(request.user, "monitoring.manage"),
            "can_edit": has_perm(request.user, "monitoring.edit"),
            "profiles": sorted(round_.profiles.items())[:60],
        },
    )


def _round_action(request: HttpRequest, pk: int, action: Any, done: str) -> HttpResponse:
    round_ = selectors.round_get(actor=request.user, ctx=ctx_of(request), pk=pk)
    try:
        action(actor=request.user, round_=round_)
    except Forbidden:
        raise PermissionDenied from None
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect("monitoring:round_detail", pk=round_.pk)


@require_POST
@require_perm("monitoring.manage")
def round_refresh(request: HttpRequest, pk: int) -> HttpResponse:
    return _round_action(request, pk, services.round_refresh, "已按最新支付数据重算全部监控表的预警")


@require_POST
@require_perm("monitoring.manage")
def round_close(request: HttpRequest, pk: int) -> HttpResponse:
    return _round_action(request, pk, services.round_close, "监控任务已结束")


# --- reports ---------------------------------------------------------------------------------


@require_perm("monitoring.view")
def my_reports(request: HttpRequest) -> HttpResponse:
    """The actor's monitoring forms in open rounds: to fill, to review, or sent back."""
    ctx = ctx_of(request)
    reports = selectors.my_reports(ctx=ctx)
    status = request.GET.get("status", "")
    if status in ReportStatus.values:
        reports = reports.filter(status=status)
    return render(
        request,
        "monitoring/my_reports.html",
        {
            "page": paginate(request, reports),
            "qs": querystring_without_page(request),
            "states": ReportStatus.choices,
            "status": status,
        },
    )


@require_perm("monitoring.view")
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    ctx = ctx_of(request)
    report = selectors.report_get(actor=request.user, ctx=ctx, pk=pk)
    user = request.user
    actions = [t for t in report_actions(report.status) if has_perm(user, t.perm, report)]
    return render(
        request,
        "monitoring/report_detail.html",
        {
            "report": report,
            "lines": report.lines.all(),
            "steps": report.steps.select_related("actor"),
            "attachments": report.attachments.all(),
            "decisions": report.decisions.select_related("decided_by"),
            "actions": [] if report.round.closed else actions,
            "can_edit": report.editable and not report.round.closed and has_perm(user, "monitoring.edit", report),
            "can_decide": has_perm(user, "monitoring.decide", report) and report.light in services.WARNED,
            "decision_kinds": DecisionKind.choices,
            "problems": services.submission_problems(report) if report.editable else [],
            "curve": selectors.report_curve(report),
            "model_label": progress.MODEL_LABELS.get(report.expected_model, ""),
            "profile_source": (report.round.profiles.get(report.project.category.code) or {}).get("source", ""),
        },
    )


def _lines_from_post(post: Any) -> list[services.LineIn]:
    positions = post.getlist("line_position")
    fields = ["done", "expected", "reason", "reason_note", "likelihood", "measures"]
    values = {f: post.getlist(f"line_{f}") for f in fields}
    if any(len(v) != len(positions) for v in values.values()) or len(positions) > 200:
        raise DomainError("表单内容不完整，请刷新页面后重新填写")
    lines = []
    for n, raw in enumerate(positions):
        position = int_param(raw)
        if position is None:
            raise DomainError("表单内容不完整，请刷新页面后重新填写")
        lines.append(services.LineIn(position=position, **{f: values[f][n] for f in fields}))
    return lines


@require_perm("monitoring.edit")
def report_edit(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.report_get(actor=request.user, ctx=ctx_of(request), pk=pk)
    if not has_perm(request.user, "monitoring.edit", report):
        raise Http404("没有找到该监控表")
    if not report.editable or report.round.closed:
        messages.error(request, f"监控表当前状态为「{report.get_status_display()}」，不能修改")
        return redirect("monitoring:report_detail", pk=report.pk)
    lines = list(report.lines.all())
    status = 200
    if request.method == "POST":
        try:
            given = _lines_from_post(request.POST)
            services.report_save(
                actor=request.user,
                report=report,
                lines=given,
                summary=request.POST.get("summary", ""),
                estimate=_wan_or_none(request.POST.get("estimate", ""), "预计全年执行数"),
                field_notes=request.POST.get("field_notes", ""),
            )
        except Forbidden:
            raise PermissionDenied from None
        except DomainError as exc:
            messages.error(request, exc.message)
            status = 400
            report.summary = request.POST.get("summary", "")
            report.field_notes = request.POST.get("field_notes", "")
            typed = {g.position: g for g in _lines_from_post_safe(request.POST)}
            for line in lines:
                if (g := typed.get(line.position)) is not None:
                    for f in ("done", "expected", "reason", "reason_note", "likelihood", "measures"):
                        setattr(line, f, getattr(g, f))
        else:
            messages.success(request, "已保存，预警已按填报的完成值重新计算。")
            if request.POST.get("then") == "view":
                return redirect("monitoring:report_detail", pk=report.pk)
            return redirect("monitoring:report_edit", pk=report.pk)
    return render(
        request,
        "monitoring/report_edit.html",
        {
            "report": report,
            "lines": lines,
            "reasons": Reason.choices,
            "likelihoods": Likelihood.choices,
            "estimate_typed": request.POST.get("estimate") if status == 400 else None,
        },
        status=status,
    )


def _lines_from_post_safe(post: Any) -> list[services.LineIn]:
    try:
        return _lines_from_post(post)
    except DomainError:
        return []


@require_POST
@require_perm("monitoring.view")
def report_transition(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.report_get(actor=request.user, ctx=ctx_of(request), pk=pk)
    try:
        report = services.report_transition(
            actor=request.user,
            report=report,
            action=request.POST.get("action", ""),
            reason=request.POST.get("reason", ""),
        )
    except Forbidden:
        raise PermissionDenied from None
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"操作成功，监控表现为「{report.get_status_display()}」")
    return redirect("monitoring:report_detail", pk=report.pk)


@require_POST
@require_perm("monitoring.edit")
def attachment_add(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.report_get(actor=request.user, ctx=ctx_of(request), pk=pk)
    try:
        services.attachment_add(actor=request.user, report=report, upload=request.FILES.get("file"))
    except Forbidden:
        raise PermissionDenied from None
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已上传佐证材料")
    return redirect("monitoring:report_detail", pk=report.pk)


def _attachment(request: HttpRequest, pk: int) -> Attachment:
    found = Attachment.objects.filter(pk=pk).select_related("report").first()
    if found is None:
        raise Http404("没有找到该文件")
    # The report's selector applies the actor's reach: another unit's evidence is a 404.
    selectors.report_get(actor=request.user, ctx=ctx_of(request), pk=found.report_id)
    return found


@require_perm("monitoring.view")
def attachment_download(request: HttpRequest, pk: int) -> HttpResponse:
    attachment = _attachment(request, pk)
    try:
        handle = attachment.file.open("rb")
    except OSError:
        raise Http404("文件已不存在") from None
    # A streamed file, typed as the plain response the view decorators expect.
    return cast(HttpResponse, FileResponse(handle, as_attachment=True, filename=attachment.name))


@require_POST
@require_perm("monitoring.edit")
def attachment_remove(request: HttpRequest, pk: int) -> HttpResponse:
    attachment = _attachment(request, pk)
    try:
        services.attachment_remove(actor=request.user, attachment=attachment)
    except Forbidden:
        raise PermissionDenied from None
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已删除「{attachment.name}」")
    return redirect("monitoring:report_detail", pk=attachment.report_id)


@require_perm("monitoring.edit")
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The unit's monthly payment plan for a project, in 万元."""
    project = budget_selectors.project_get(actor=request.user, ctx=ctx_of(request), pk=pk)
    if not has_perm(request.user, "monitoring.edit", project):
        raise Http404("没有找到该项目")
    plan = getattr(project, "payment_plan", None)
    typed = [request.POST.get(f"m{n}", "") for n in range(1, 13)] if request.method == "POST" else None
    if typed is not None:
        try:
            months = [_wan_or_none(text, f"{n} 月计划支付数") or Decimal(0) for n, text in enumerate(typed, start=1)]
            services.plan_save(actor=request.user, project=project, months=months)
        except Forbidden:
            raise PermissionDenied from None
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "已保存用款计划，本项目的监控预警已按计划重新计算。")
            back = request.POST.get("report")
            if (report_id := int_param(back)) is not None:
                return redirect("monitoring:report_detail", pk=report_id)
            return redirect("monitoring:plan_edit", pk=project.pk)
    current = typed or ([f"{a / WAN:.2f}" for a in plan.amounts] if plan else [""] * 12)
    return render(
        request,
        "monitoring/plan_edit.html",
        {
            "project": project,
            "plan": plan,
            "months": list(zip(range(1, 13), current, strict=True)),
            "report": request.GET.get("report") or request.POST.get("report", ""),
        },
        status=400 if typed is not None else 200,
    )


# --- decisions -------------------------------------------------------------------------------


@require_POST
@require_perm("monitoring.decide")
def decision_create(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.report_get(actor=request.user, ctx=ctx_of(request), pk=pk)
    try:
        services.decision_make(
            actor=request.user,
            report=report,
            kind=request.POST.get("kind", ""),
            reason=request.POST.get("reason", ""),
            working_days=int_param(request.POST.get("working_days")) or 0,
            amount=_wan_or_none(request.POST.get("amount", ""), "涉及金额"),
        )
    except Forbidden:
        raise PermissionDenied from None
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已作出处理决定，单位将在首页看到待落实事项。")
    return redirect("monitoring:report_detail", pk=report.pk)


@require_perm("monitoring.view")
def decisions(request: HttpRequest) -> HttpResponse:
    ctx = ctx_of(request)
    state = request.GET.get("state", "")
    listed = selectors.decision_list(ctx=ctx, state=state)
    return render(
        request,
        "monitoring/decisions.html",
        {
            "page": paginate(request, listed),
            "qs": querystring_without_page(request),
            "state": state,
            "states": [
                ("open", "待单位落实"),
                ("overdue", "逾期未落实"),
                ("answered", "单位已反馈"),
                ("closed", "已办结"),
            ],
            "can_edit": has_perm(request.user, "monitoring.edit"),
            "can_decide": has_perm(request.user, "monitoring.decide"),
        },
    )


def _decision_action(request: HttpRequest, pk: int, write: Any, done: str, **kwargs: Any) -> HttpResponse:
    decision = selectors.decision_get(actor=request.user, ctx=ctx_of(request), pk=pk)
    try:
        write(actor=request.user, decision=decision, **kwargs)
    except Forbidden:
        raise PermissionDenied from None
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    back = request.POST.get("back", "")
    if back == "report":
        return redirect("monitoring:report_detail", pk=decision.report_id)
    return redirect("monitoring:decisions")


@require_POST
@require_perm("monitoring.edit")
def decision_answer(request: HttpRequest, pk: int) -> HttpResponse:
    text = request.POST.get("text", "")
    return _decision_action(request, pk, services.decision_answer, "已反馈落实情况", text=text)


@require_POST
@require_perm("monitoring.decide")
def decision_close(request: HttpRequest, pk: int) -> HttpResponse:
    return _decision_action(request, pk, services.decision_close, "处理决定已办结")


# --- calendar and rules -----------------------------------------------------------------------


@require_perm("monitoring.view")
def holidays(request: HttpRequest) -> HttpResponse:
    """The working-day calendar decisions' deadlines count in; the office keeps it."""
    ctx = ctx_of(request)
    region = ctx.current_region
    year = int_param(request.GET.get("year")) or (ctx.fiscal_year.year if ctx.fiscal_year else selectors.today().year)
    can_manage = has_perm(request.user, "monitoring.manage", region)
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        try:
            if request.POST.get("load"):
                count = services.holidays_load(actor=request.user, region=region, year=year)
                messages.success(request, f"已载入 {year} 年国务院节假日安排，共 {count} 天")
            else:
                services.holiday_save(
                    actor=request.user,
                    region=region,
                    date=date_param(request.POST.get("date", ""), "日期"),
                    name=request.POST.get("name", ""),
                    working=request.POST.get("working") == "1",
                )
                messages.success(request, "已保存")
        except Forbidden:
            raise PermissionDenied from None
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect(f"{request.path}?year={year}")
    days = Holiday.objects.with_scope(region=[region.pk]).filter(date__year=year)
    shipped = None
    if not days.exists():
        try:
            shipped = json.loads(read_data(f"monitoring/holidays-{year}.json"))
        except FileNotFoundError:
            shipped = None
    return render(
        request,
        "monitoring/holidays.html",
        {"days": days, "year": year, "shipped": shipped, "can_manage": can_manage, "years": range(year - 1, year + 2)},
    )


@require_POST
@require_perm("monitoring.manage")
def holiday_delete(request: HttpRequest, pk: int) -> HttpResponse:
    ctx = ctx_of(request)
    day = Holiday.objects.with_scope(region=ctx.region_ids).filter(pk=pk).first()
    if day is None:
        raise Http404("没有找到该日期")
    try:
        services.holiday_delete(actor=request.user, holiday=day)
    except Forbidden:
        raise PermissionDenied from None
    messages.success(request, f"已删除 {day.date}")
    return redirect(f"{request.path.rsplit('/', 3)[0]}/?year={day.date.year}")


@require_perm("monitoring.view")
def rules(request: HttpRequest) -> HttpResponse:
    """The year's warning thresholds: which execution rule, its bands or steps, the indicator
    bands, the gap; the office saves a new version as JSON overrides over the shipped rules."""
    ctx = ctx_of(request)
    if ctx.fiscal_year is None:
        raise Http404("尚未设置预算年度")
    version, data = compute.rules_for(ctx.current_region.pk, ctx.fiscal_year.pk)
    current = progress.WarningRules.from_data(data) if data else progress.WarningRules.default()
    can_manage = has_perm(request.user, "monitoring.manage", ctx.current_region)
    text = json.dumps(data or {"execution_rule": current.execution.key}, ensure_ascii=False, indent=2)
    status = 200
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        text = request.POST.get("data", "")
        try:
            try:
                parsed = json.loads(text)
            except ValueError as e:
                raise DomainError(f"预警规则不是有效的 JSON：{e}") from None
            if not isinstance(parsed, dict):
                raise DomainError("预警规则应为 JSON 对象")
            saved = services.rules_save(
                actor=request.user, fiscal_year=ctx.fiscal_year, data=parsed, note=request.POST.get("note", "")
            )
        except Forbidden:
            raise PermissionDenied from None
        except DomainError as exc:
            messages.error(request, exc.message)
            status = 400
        else:
            messages.success(request, f"已保存预警规则 {saved.version}，新发起的监控任务将使用该版本。")
            return redirect("monitoring:rules")
    return render(
        request,
        "monitoring/rules.html",
        {
            "rules": current,
            "version": version,
            "text": text,
            "shipped": read_data("monitoring/warning-rules.json"),
            "versions": WarningRules.objects.with_scope(region=ctx.region_ids)
            .filter(fiscal_year=ctx.fiscal_year)
            .select_related("created_by")[:20],
            "can_manage": can_manage,
        },
        status=status,
    )
