"""The performance office's pages for the review season: batch review and the rule set."""

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from jixiao.accounts.permissions import has_perm
from jixiao.core import checks
from jixiao.core.errors import DomainError
from jixiao.goals import batch, services
from jixiao.goals.models import RuleSet
from jixiao.goals.review import ruleset_of
from jixiao.goals.selectors import FAMILIES
from jixiao.web.decorators import ctx_of, require_perm

SEVERITY_CHOICES = {"error": "错误", "warning": "警告", "info": "提示", "off": "停用"}


@require_POST
@require_perm("goals.office_review")
def batch_start(request: HttpRequest) -> HttpResponse:
    ctx = ctx_of(request)
    if ctx.fiscal_year is None:
        raise Http404("尚未设置预算年度")
    try:
        run = batch.review_run_start(actor=request.user, fiscal_year=ctx.fiscal_year)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("goals:sheet_list")
    messages.success(request, f"已开始批量审核 {run.total} 张目标表，进度见本页上方")
    return redirect("goals:sheet_list")


@require_perm("goals.office_review")
def batch_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The run's progress, polled by the list page (htmx) until it is done."""
    run = batch.run_get(actor=request.user, ctx=ctx_of(request), pk=pk)
    if run is None:
        raise Http404("没有找到该批量审核")
    return render(request, "goals/_batch_status.html", {"run": run})


def _ruleset_rows(ruleset: checks.RuleSet) -> dict[str, Any]:
    default = checks.RuleSet.default()
    return {
        "thresholds": [(key, value, default.thresholds.get(key)) for key, value in sorted(ruleset.thresholds.items())],
        "lexicons": [(key, "、".join(words)) for key, words in sorted(ruleset.lexicons.items())],
        "severities": [
            (code, ruleset.severities.get(code, info.severity), info) for code, info in sorted(checks.CATALOGUE.items())
        ],
    }


@require_perm("goals.view")
def rules(request: HttpRequest) -> HttpResponse:
    """The year's review rules: every rule with its severity, thresholds and lexicons; the office
    changes them here and each save is a new version."""
    ctx = ctx_of(request)
    if ctx.fiscal_year is None or ctx.region is None:
        raise Http404("尚未设置预算年度")
    current = ruleset_of(ctx.region.pk, ctx.fiscal_year.pk)
    if request.method == "POST":
        if not has_perm(request.user, "goals.rules"):
            return HttpResponse(status=403)
        try:
            data = _rules_from_post(request.POST, current)
            saved = services.ruleset_save(
                actor=request.user, fiscal_year=ctx.fiscal_year, data=data, note=request.POST.get("note", "")
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request, f"已保存审核规则 {saved.version}。可在目标表列表发起批量审核，按新规则重审本年度全部目标表。"
            )
            return redirect("goals:rules")
    versions = RuleSet.objects.with_scope(region=ctx.region_ids).filter(fiscal_year=ctx.fiscal_year)
    return render(
        request,
        "goals/rules.html",
        {
            "ruleset": current,
            **_ruleset_rows(current),
            "versions": versions.select_related("created_by")[:20],
            "can_edit": has_perm(request.user, "goals.rules"),
            "severity_choices": list(SEVERITY_CHOICES.items()),
            "severity_labels": SEVERITY_CHOICES,
            "families": FAMILIES,
        },
    )


def _rules_from_post(post: Any, current: checks.RuleSet) -> dict[str, Any]:
    thresholds: dict[str, Any] = {}
    for key, value in current.thresholds.items():
        text = post.get(f"t_{key}", "").strip()
        if isinstance(value, bool):
            if text.lower() not in ("true", "false", "是", "否"):
                raise DomainError(f"阈值「{key}」应为“是”或“否”，填写的是「{text}」")
            thresholds[key] = text.lower() in ("true", "是")
        else:
            thresholds[key] = text or str(value)
    lexicons = {}
    for key in current.lexicons:
        text = post.get(f"l_{key}", "")
        lexicons[key] = [w.strip() for w in text.replace("，", "、").replace(",", "、").split("、") if w.strip()]
    severities = {}
    for code in checks.CATALOGUE:
        value = post.get(f"s_{code}", "")
        if value not in ("error", "warning", "info", "off"):
            raise DomainError(f"规则「{code}」的严重程度「{value}」无效")
        severities[code] = value
    return {"thresholds": thresholds, "lexicons": lexicons, "severities": severities}
