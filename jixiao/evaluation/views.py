"""Self-evaluation pages: the office's rounds and overview, the units' forms with their live
scores, the workflow, evidence, finance's sample and re-check, and the scoring rules. Views parse
and render; the services decide and write."""

import json
from decimal import Decimal, InvalidOperation
from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from jixiao.accounts.permissions import has_perm
from jixiao.core import scoring
from jixiao.core.errors import DomainError, Forbidden
from jixiao.core.numbers import AmountError, parse_amount
from jixiao.core.report_flow import SELFEVAL_TRANSITIONS, report_actions
from jixiao.evaluation import compute, selectors, services
from jixiao.evaluation.models import GRADES, Evidence, ScoringRules, SelfEval, Status
from jixiao.monitoring.models import Decision
from jixiao.org.models import FiscalYear
from jixiao.org.selectors import unit_list
from jixiao.web.decorators import ctx_of, require_perm
from jixiao.web.pagination import paginate, querystring_without_page
from jixiao.web.params import date_param, int_param

WAN = Decimal(10000)
LINE_FIELDS = ("actual", "score", "deviation_reason", "source")


def _decimal(value: str, label: str) -> Decimal | None:
    text = value.strip()
    if not text:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise DomainError(f"{label}「{value}」不是数字") from None
    if not number.is_finite():
        raise DomainError(f"{label}「{value}」不是数字")
    return number


def _wan(value: str, label: str) -> Decimal | None:
    if not value.strip():
        return None
    try:
        return parse_amount(value, scale=WAN)
    except AmountError as e:
        raise DomainError(f"{label}：应为{e.expected}，填写的是「{value}」") from None


# --- rounds ----------------------------------------------------------------------------------


@require_perm("evaluation.view")
def round_list(request: HttpRequest) -> HttpResponse:
    ctx = ctx_of(request)
    rows = [(r, selectors.summary(selectors.forms(ctx=ctx).filter(round=r))) for r in selectors.rounds(ctx=ctx)]
    return render(
        request,
        "evaluation/round_list.html",
        {"rows": rows, "can_manage": has_perm(request.user, "evaluation.manage")},
    )


@require_perm("evaluation.manage")
def round_new(request: HttpRequest) -> HttpResponse:
    ctx = ctx_of(request)
    region = ctx.current_region
    years = list(FiscalYear.objects.with_scope(region=[region.pk]).filter(region=region).order_by("-year"))
    choices = [(fy, services.eligible_sheets(fy).count()) for fy in years]
    if request.method == "POST":
        post = request.POST
        fiscal_year = next((fy for fy in years if fy.pk == int_param(post.get("year"))), None)
        try:
            if fiscal_year is None:
                raise DomainError("请选择评价年度")
            round_ = services.round_open(
                actor=request.user,
                fiscal_year=fiscal_year,
                title=post.get("title", ""),
                deadline=date_param(post.get("deadline", ""), "报送截止日期"),
                instructions=post.get("instructions", ""),
            )
        except Forbidden:
            raise PermissionDenied from None
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"已发起自评任务「{round_.title}」，共 {round_.forms.count()} 张自评表")
            return redirect("evaluation:round_detail", pk=round_.pk)
    default = next((fy for fy, n in choices if n and fy.year < timezone.localdate().year), None)
    return render(
        request,
        "evaluation/round_new.html",
        {"choices": choices, "default": default, "post": request.POST},
    )


def _choice(request: HttpRequest) -> dict[str, Any]:
    return {
        "status": request.GET.get("status", ""),
        "grade": request.GET.get("grade", ""),
        "kind": request.GET.get("kind", ""),
        "unit_id": int_param(request.GET.get("unit")),
        "sampled": request.GET.get("sampled") == "1",
        "distorted": request.GET.get("distorted") == "1",
        "q": request.GET.get("q", "").strip()[:50],
    }


@require_perm("evaluation.view")
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    ctx = ctx_of(request)
    round_ = selectors.round_get(actor=request.user, ctx=ctx, pk=pk)
    in_round = selectors.forms(ctx=ctx).filter(round=round_)
    choice = _choice(request)
    listed = selectors.form_list(ctx=ctx, round_=round_, **choice)
    summary = selectors.summary(in_round)
    return render(
        request,
        "evaluation/round_detail.html",
        {
            "round": round_,
            "summary": summary,
            "units": selectors.unit_summary(in_round),
            "page": paginate(request, listed),
            "qs": querystring_without_page(request),
            "choice": choice,
            "states": Status.choices,
            "grades": GRADES,
            "unit_choices": unit_list(actor=request.user, ctx=ctx).filter(pk__in=in_round.values("unit_id")),
            "chart": {"grades": [{"name": g, "value": n} for g, n in summary["grades"]]},
            "can_manage": has_perm(request.user, "evaluation.manage"),
            "can_recheck": has_perm(request.user, "evaluation.recheck"),
            "can_edit": has_perm(request.user, "evaluation.edit"),
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
    return redirect("evaluation:round_detail", pk=round_.pk)


@require_POST
@require_perm("evaluation.manage")
def round_refresh(request: HttpRequest, pk: int) -> HttpResponse:
    return _round_action(request, pk, services.round_refresh, "已按最新预算执行数据重算未审核的自评表")


@require_POST
@require_perm("evaluation.manage")
def round_close(request: HttpRequest, pk: int) -> HttpResponse:
    return _round_action(request, pk, services.round_close, "自评任务已结束")


@require_POST
@require_perm("evaluation.recheck")
def sample_draw(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = selectors.round_get(actor=request.user, ctx=ctx_of(request), pk=pk)
    try:
        percent = _decimal(request.POST.get("percent", ""), "抽查比例")
        if percent is None:
            raise DomainError("请填写抽查比例")
        drawn = services.sample_draw(actor=request.user, round_=round_, share=percent / 100)
    except Forbidden:
        raise PermissionDenied from None
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已抽取 {len(drawn)} 张自评表复核")
    return redirect(f"{request.path.rsplit('/', 2)[0]}/?sampled=1")


# --- forms -----------------------------------------------------------------------------------


@require_perm("evaluation.view")
def my_forms(request: HttpRequest) -> HttpResponse:
    """The actor's forms in open rounds: to fill, to review, to re-check, or sent back."""
    ctx = ctx_of(request)
    choice = _choice(request)
    listed = selectors.form_list(ctx=ctx, **choice)
    return render(
        request,
        "evaluation/my_forms.html",
        {
            "page": paginate(request, listed),
            "qs": querystring_without_page(request),
            "states": Status.choices,
            "grades": GRADES,
            "choice": choice,
        },
    )


def _findings_by_line(form: SelfEval) -> tuple[list[dict[str, Any]], dict[int, list[dict[str, Any]]]]:
    whole: list[dict[str, Any]] = []
    by_line: dict[int, list[dict[str, Any]]] = {}
    for f in form.findings:
        if f.get("indicator") is None:
            whole.append(f)
        else:
            by_line.setdefault(f["indicator"], []).append(f)
    return whole, by_line


@require_perm("evaluation.view")
def form_detail(request: HttpRequest, pk: int) -> HttpResponse:
    ctx = ctx_of(request)
    form = selectors.form_get(actor=request.user, ctx=ctx, pk=pk)
    user = request.user
    actions = [t for t in report_actions(form.status, SELFEVAL_TRANSITIONS) if has_perm(user, t.perm, form)]
    whole, by_line = _findings_by_line(form)
    lines = list(form.lines.all())
    evidence = list(form.evidence.select_related("uploaded_by"))
    return render(
        request,
        "evaluation/form_detail.html",
        {
            "form": form,
            "rows": [
                (line, by_line.get(line.position, []), [e for e in evidence if e.position == line.position])
                for line in lines
            ],
            "whole": whole,
            "evidence": evidence,
            "steps": form.steps.select_related("actor"),
            "actions": [] if form.round.closed else actions,
            "can_edit": form.editable and not form.round.closed and has_perm(user, "evaluation.edit", form),
            "can_recheck": has_perm(user, "evaluation.recheck", form)
            and form.status in services.REVIEWED
            and not form.round.closed,
            "problems": services.submission_problems(form) if form.editable else [],
            "decisions": _decisions(form),
            # Rectification hangs off the form (rectification → evaluation): read through the relation.
            "rectifications": form.rectifications.order_by("-created_at")
            if has_perm(user, "rectification.view", form)
            else [],
            "can_raise": has_perm(user, "rectification.manage", form),
        },
    )


def _decisions(form: SelfEval) -> list[Any]:
    """Finance's monitoring decisions on the project during the year: part of its record."""
    if form.project_id is None:
        return []
    return list(
        Decision.objects.with_scope(region=[form.region_id], unit=[form.unit_id])
        .filter(project_id=form.project_id)
        .select_related("report__round")
        .order_by("decided_at")
    )


def _form_in(post: Any) -> services.FormIn:
    positions = post.getlist("line_position")
    values = {f: post.getlist(f"line_{f}") for f in LINE_FIELDS}
    if any(len(v) != len(positions) for v in values.values()) or len(positions) > 200:
        raise DomainError("表单内容不完整，请刷新页面后重新填写")
    lines = []
    for n, raw in enumerate(positions):
        position = int_param(raw)
        if position is None:
            raise DomainError("表单内容不完整，请刷新页面后重新填写")
        lines.append(
            services.LineIn(
                position=position,
                actual=values["actual"][n],
                score=_decimal(values["score"][n], f"第 {position + 1} 个指标的得分"),
                deviation_reason=values["deviation_reason"][n],
                source=values["source"][n],
            )
        )
    return services.FormIn(
        lines=lines,
        goal_result=post.get("goal_result", ""),
        execution_reason=post.get("execution_reason", ""),
        conclusion=post.get("conclusion", ""),
        problems=post.get("problems", ""),
        measures=post.get("measures", ""),
        adjusted_budget=_wan(post.get("adjusted_budget", ""), "全年预算数"),
        spent=_wan(post.get("spent", ""), "全年执行数"),
    )


def _editable_form(request: HttpRequest, pk: int) -> SelfEval:
    form = selectors.form_get(actor=request.user, ctx=ctx_of(request), pk=pk)
    if not has_perm(request.user, "evaluation.edit", form):
        raise Http404("没有找到该自评表")
    return form


def _typed_back(form: SelfEval, lines: list[Any], post: Any) -> None:
    """Keep what the person typed on the page after a refusal (nothing was saved)."""
    for field in ("goal_result", "execution_reason", "conclusion", "problems", "measures"):
        setattr(form, field, post.get(field, ""))
    by_position = {line.position: line for line in lines}
    positions = post.getlist("line_position")
    for n, raw in enumerate(positions):
        position = int_param(raw)
        line = by_position.get(position) if position is not None else None
        if line is None:
            continue
        for field, attr in (("actual", "actual"), ("deviation_reason", "deviation_reason"), ("source", "source")):
            typed = post.getlist(f"line_{field}")
            if n < len(typed):
                setattr(line, attr, typed[n])
        scores = post.getlist("line_score")
        if n < len(scores):
            line.typed_score = scores[n]


@require_perm("evaluation.edit")
def form_edit(request: HttpRequest, pk: int) -> HttpResponse:
    form = _editable_form(request, pk)
    if not form.editable or form.round.closed:
        messages.error(request, f"自评表当前状态为「{form.get_status_display()}」，不能修改")
        return redirect("evaluation:form_detail", pk=form.pk)
    lines = list(form.lines.all())
    status = 200
    typed_budget: dict[str, str] = {}
    if request.method == "POST":
        try:
            services.form_save(actor=request.user, form=form, data=_form_in(request.POST))
        except Forbidden:
            raise PermissionDenied from None
        except DomainError as exc:
            messages.error(request, exc.message)
            status = 400
            _typed_back(form, lines, request.POST)
            typed_budget = {k: request.POST.get(k, "") for k in ("adjusted_budget", "spent")}
        else:
            messages.success(request, "已保存，得分已按填写的实际完成值重新计算。")
            if request.POST.get("then") == "view":
                return redirect("evaluation:form_detail", pk=form.pk)
            return redirect("evaluation:form_edit", pk=form.pk)
    whole, by_line = _findings_by_line(form)
    return render(
        request,
        "evaluation/form_edit.html",
        {
            "form": form,
            "rows": [(line, by_line.get(line.position, [])) for line in lines],
            "whole": whole,
            "typed": typed_budget,
        },
        status=status,
    )


@require_POST
@require_perm("evaluation.edit")
def form_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The editor's live score (htmx): what the typed values would score, nothing stored."""
    form = _editable_form(request, pk)
    try:
        result, lines = services.form_preview(actor=request.user, form=form, data=_form_in(request.POST))
    except Forbidden:
        raise PermissionDenied from None
    except DomainError as exc:
        return render(request, "evaluation/_preview.html", {"error": exc.message})
    findings = [f.to_data() for f in result.findings]
    return render(
        request,
        "evaluation/_preview.html",
        {
            "result": result,
            "rows": [
                (line, item, [f for f in findings if f["indicator"] == item.index])
                for line, item in zip(lines, result.indicators, strict=True)
            ],
            "whole": [f for f in findings if f["indicator"] is None],
        },
    )


@require_POST
@require_perm("evaluation.view")
def form_transition(request: HttpRequest, pk: int) -> HttpResponse:
    form = selectors.form_get(actor=request.user, ctx=ctx_of(request), pk=pk)
    try:
        form = services.form_transition(
            actor=request.user, form=form, action=request.POST.get("action", ""), reason=request.POST.get("reason", "")
        )
    except Forbidden:
        raise PermissionDenied from None
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"操作成功，自评表现为「{form.get_status_display()}」")
    return redirect("evaluation:form_detail", pk=form.pk)


@require_POST
@require_perm("evaluation.recheck")
def recheck(request: HttpRequest, pk: int) -> HttpResponse:
    form = selectors.form_get(actor=request.user, ctx=ctx_of(request), pk=pk)
    try:
        total = _decimal(request.POST.get("total", ""), "复核得分")
        if total is None:
            raise DomainError("请填写复核得分")
        form = services.recheck_save(actor=request.user, form=form, total=total, note=request.POST.get("note", ""))
    except Forbidden:
        raise PermissionDenied from None
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        if form.distorted:
            messages.warning(request, f"已保存复核得分。单位自评分高出 {form.gap} 分，已标记为自评失真。")
        else:
            messages.success(request, "已保存复核得分")
    return redirect("evaluation:form_detail", pk=form.pk)


# --- evidence --------------------------------------------------------------------------------


@require_POST
@require_perm("evaluation.edit")
def evidence_add(request: HttpRequest, pk: int) -> HttpResponse:
    form = selectors.form_get(actor=request.user, ctx=ctx_of(request), pk=pk)
    try:
        services.evidence_add(
            actor=request.user,
            form=form,
            upload=request.FILES.get("file"),
            position=int_param(request.POST.get("position")),
        )
    except Forbidden:
        raise PermissionDenied from None
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已上传佐证材料")
    return redirect("evaluation:form_detail", pk=form.pk)


@require_perm("evaluation.view")
def evidence_download(request: HttpRequest, pk: int) -> HttpResponse:
    evidence = selectors.evidence_get(actor=request.user, ctx=ctx_of(request), pk=pk)
    try:
        handle = evidence.file.open("rb")
    except OSError:
        raise Http404("文件已不存在") from None
    return cast(HttpResponse, FileResponse(handle, as_attachment=True, filename=evidence.name))


@require_POST
@require_perm("evaluation.edit")
def evidence_remove(request: HttpRequest, pk: int) -> HttpResponse:
    evidence: Evidence = selectors.evidence_get(actor=request.user, ctx=ctx_of(request), pk=pk)
    try:
        services.evidence_remove(actor=request.user, evidence=evidence)
    except Forbidden:
        raise PermissionDenied from None
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已删除「{evidence.name}」")
    return redirect("evaluation:form_detail", pk=evidence.form_id)


# --- rules -----------------------------------------------------------------------------------


@require_perm("evaluation.view")
def rules(request: HttpRequest) -> HttpResponse:
    """The scoring rules of an evaluation year; the office saves a new version as JSON overrides
    over the shipped rules. Rounds keep the rules they were opened with."""
    ctx = ctx_of(request)
    region = ctx.current_region
    years = list(FiscalYear.objects.with_scope(region=[region.pk]).filter(region=region).order_by("-year"))
    if not years:
        raise Http404("尚未设置预算年度")
    wanted = int_param(request.GET.get("year") or request.POST.get("year"))
    fiscal_year = next((fy for fy in years if fy.year == wanted), None) or ctx.fiscal_year or years[0]
    version, data = compute.rules_for(region.pk, fiscal_year.pk)
    current = compute.rules_in_force(region.pk, fiscal_year.pk)
    can_manage = has_perm(request.user, "evaluation.manage", region)
    text = json.dumps(data or {"reverse": current.reverse}, ensure_ascii=False, indent=2)
    status = 200
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        text = request.POST.get("data", "")
        try:
            try:
                parsed = json.loads(text)
            except ValueError as e:
                raise DomainError(f"评分规则不是有效的 JSON：{e}") from None
            if not isinstance(parsed, dict):
                raise DomainError("评分规则应为 JSON 对象")
            saved = services.rules_save(
                actor=request.user, fiscal_year=fiscal_year, data=parsed, note=request.POST.get("note", "")
            )
        except Forbidden:
            raise PermissionDenied from None
        except DomainError as exc:
            messages.error(request, exc.message)
            status = 400
        else:
            messages.success(request, f"已保存评分规则 {saved.version}，新发起的自评任务将使用该版本。")
            return redirect(f"{request.path}?year={fiscal_year.year}")
    return render(
        request,
        "evaluation/rules.html",
        {
            "rules": current,
            "version": version,
            "year": fiscal_year,
            "years": years,
            "text": text,
            "checks": [(code, info, current.severities.get(code, "off")) for code, info in scoring.CATALOGUE.items()],
            "versions": ScoringRules.objects.with_scope(region=[region.pk])
            .filter(fiscal_year=fiscal_year)
            .select_related("created_by")[:20],
            "can_manage": can_manage,
        },
        status=status,
    )
