"""Results application pages: next year's recommendations with their reasons, drafting them,
finance's decision on each, the Excel table, and the region's linkage rules. Views parse and
render; the services decide and write."""

import re
import unicodedata
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from jixiao.accounts.permissions import has_perm
from jixiao.core import linkage
from jixiao.core.errors import DomainError, Forbidden
from jixiao.core.money import wan_to_yuan, yuan_to_wan
from jixiao.org.models import FiscalYear
from jixiao.org.selectors import unit_list
from jixiao.results import excel, selectors, services
from jixiao.results.models import Action, Recommendation, Status
from jixiao.web.decorators import ctx_of, require_perm
from jixiao.web.pagination import paginate, querystring_without_page
from jixiao.web.params import int_param

_NUMBER = re.compile(r"^[+-]?\d{1,15}(\.\d{1,10})?$")
UNRECTIFIED_LABELS = {"after": "整改完成后再安排预算", "cut": "按「差」档核减"}
PREFER_LABELS = {"key": "财政重点评价等级优先", "lower": "取自评（复核）和重点评价中较低的等级"}


def _choice(request: HttpRequest) -> dict[str, Any]:
    action = request.GET.get("action", "")
    status = request.GET.get("status", "")
    return {
        "action": action if action in (*Action.values, selectors.CONDITIONAL) else "",
        "status": status if status in Status.values else "",
        "unit_id": int_param(request.GET.get("unit")),
        "q": request.GET.get("q", "").strip()[:50],
    }


def budget_year(request: HttpRequest) -> FiscalYear | None:
    """The budget year the page works on: ``?year=`` when the region has it, else
    ``selectors.default_budget_year``."""
    ctx = ctx_of(request)
    years = {y.year: y for y in ctx.fiscal_years}
    chosen = int_param(request.GET.get("year") or request.POST.get("year"))
    if chosen in years:
        return years[chosen]
    return selectors.default_budget_year(ctx)


def _listed(request: HttpRequest, choice: dict[str, Any]) -> Any:
    ctx = ctx_of(request)
    year = budget_year(request)
    if year is None:
        return Recommendation.objects.none()
    return selectors.recommendation_list(ctx=ctx, year=year.year, **choice)


def _list_page(request: HttpRequest, *, status: int = 200) -> HttpResponse:
    ctx = ctx_of(request)
    choice = _choice(request)
    listed = _listed(request, choice)
    year = budget_year(request)
    everything = selectors.recommendations(ctx=ctx).filter(budget_year=year) if year else Recommendation.objects.none()
    return render(
        request,
        "results/list.html",
        {
            "year": year,
            "years": ctx.fiscal_years,
            "page": paginate(request, listed),
            "qs": querystring_without_page(request),
            "choice": choice,
            "counts": selectors.counts(everything),
            "totals": selectors.totals(listed),
            "actions": Action.choices,
            "statuses": Status.choices,
            "unit_choices": unit_list(actor=request.user, ctx=ctx),
            "rules": selectors.rules_in_force(ctx.current_region),
            "can_manage": has_perm(request.user, "results.manage"),
            "can_decide": has_perm(request.user, "results.decide"),
            "drafts_shown": listed.filter(status=Status.DRAFT).count(),
            "can_see_projects": has_perm(request.user, "budget.view"),
        },
        status=status,
    )


@require_GET
@require_perm("results.view")
def recommendation_list(request: HttpRequest) -> HttpResponse:
    """A budget year's recommendations (drafted from the year before's projects)."""
    return _list_page(request)


@require_POST
@require_perm("results.manage")
def draft(request: HttpRequest) -> HttpResponse:
    year = budget_year(request)
    try:
        if year is None:
            raise DomainError("请先在页头选择预算年度")
        counts = services.draft(actor=request.user, budget_year=year)
    except Forbidden:
        raise PermissionDenied from None
    except DomainError as exc:
        messages.error(request, exc.message)
        return _list_page(request, status=400)
    messages.success(
        request,
        f"已生成 {year.year} 年度结果应用建议：新增 {counts['created']} 条，"
        f"更新 {counts['updated']} 条，财政已确认而保留 {counts['kept']} 条。",
    )
    return redirect(f"{reverse('results:list')}?year={year.year}")


@require_GET
@require_perm("results.view")
def export(request: HttpRequest) -> HttpResponse:
    """The filtered list as 结果应用建议表 (.xlsx), only rows the actor may see."""
    region = ctx_of(request).current_region
    chosen = budget_year(request)
    year = chosen.year if chosen else timezone.localdate().year
    data = excel.recommendation_workbook(region=region, year=year, recommendations=_listed(request, _choice(request)))
    response = HttpResponse(data, content_type=excel.XLSX_TYPE)
    name = f"结果应用建议表_{year}年.xlsx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


def _detail_page(request: HttpRequest, rec: Recommendation, *, status: int = 200, post: Any = None) -> HttpResponse:
    user = request.user
    current = rec.final_amount if rec.final_amount is not None else rec.amount
    return render(
        request,
        "results/detail.html",
        {
            "rec": rec,
            "reasons": selectors.reasons_for(actor=user, recommendation=rec),
            "explanation": selectors.explanation(rec),
            "can_decide": has_perm(user, "results.decide", rec),
            "can_see_project": has_perm(user, "budget.view", rec),
            "actions": Action.choices,
            "post": post or {},
            "default_action": (post or {}).get("action") or rec.final_action or rec.action,
            "default_wan": (post or {}).get("amount") or f"{yuan_to_wan(current):.2f}",
            "ceiling_wan": yuan_to_wan(services.ceiling(rec)),
        },
        status=status,
    )


@require_GET
@require_perm("results.view")
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    rec = selectors.recommendation_get(actor=request.user, ctx=ctx_of(request), pk=pk)
    return _detail_page(request, rec)


@require_POST
@require_perm("results.decide")
def accept(request: HttpRequest, pk: int) -> HttpResponse:
    rec = selectors.recommendation_get(actor=request.user, ctx=ctx_of(request), pk=pk)
    try:
        rec = services.accept(actor=request.user, recommendation=rec, seen=request.POST.get("drafted", ""))
    except Forbidden:
        raise PermissionDenied from None
    except DomainError as exc:
        messages.error(request, exc.message)
        return _detail_page(request, rec, status=400)
    messages.success(request, f"已采纳建议：{rec.label}，安排 {yuan_to_wan(rec.amount):,.2f} 万元")
    return redirect("results:detail", pk=rec.pk)


@require_POST
@require_perm("results.decide")
def accept_all(request: HttpRequest) -> HttpResponse:
    """Adopt every draft the list shows under its current filters (the query string)."""
    try:
        count = services.accept_all(actor=request.user, recommendations=_listed(request, _choice(request)))
    except Forbidden:
        raise PermissionDenied from None
    messages.success(request, f"已采纳 {count} 条建议" if count else "当前筛选下没有待确认的建议")
    query = request.GET.urlencode()
    return redirect(f"{reverse('results:list')}{'?' + query if query else ''}")


def _wan(value: str) -> Decimal:
    """A 万元 figure as typed (full-width digits, thousands separators, a trailing 万元) → 元."""
    text = unicodedata.normalize("NFKC", value).strip().removesuffix("万元").strip().replace(",", "")
    if not text:
        raise DomainError("请填写安排数（万元）")
    if not _NUMBER.match(text):
        raise DomainError(f"安排数「{value.strip()[:30]}」不是数字，请以万元填写，如 90 或 90.5")
    return wan_to_yuan(Decimal(text))


@require_POST
@require_perm("results.decide")
def override(request: HttpRequest, pk: int) -> HttpResponse:
    rec = selectors.recommendation_get(actor=request.user, ctx=ctx_of(request), pk=pk)
    try:
        rec = services.override(
            actor=request.user,
            recommendation=rec,
            action=request.POST.get("action", ""),
            amount=_wan(request.POST.get("amount", "")),
            note=request.POST.get("note", ""),
        )
    except Forbidden:
        raise PermissionDenied from None
    except DomainError as exc:
        messages.error(request, exc.message)
        return _detail_page(request, rec, status=400, post=request.POST)
    assert rec.final_amount is not None
    messages.success(
        request, f"已调整为：{rec.get_final_action_display()}，安排 {yuan_to_wan(rec.final_amount):,.2f} 万元"
    )
    return redirect("results:detail", pk=rec.pk)


# --- rules -----------------------------------------------------------------------------------


def _percent(value: str) -> str:
    """Full-width digits and a percent sign as pasted from Excel → "10"; the rules judge the rest."""
    return unicodedata.normalize("NFKC", value).strip().removesuffix("%").strip()


def _form_of(rules: linkage.LinkageRules) -> dict[str, Any]:
    return {
        "grades": [(g, rules.rules[g].action, f"{rules.rules[g].cut.normalize():f}") for g in linkage.GRADES],
        "unrectified": rules.unrectified,
        "stop_decision_cut": f"{rules.stop_decision_cut.normalize():f}",
        "prefer": rules.prefer,
        "note": "",
    }


def _posted(post: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """The rules as ``LinkageRules.from_data`` reads them, and the form as it was filled."""
    grades = [(g, post.get(f"action_{g}", ""), _percent(post.get(f"cut_{g}", ""))) for g in linkage.GRADES]
    form = {
        "grades": grades,
        "unrectified": post.get("unrectified", ""),
        "stop_decision_cut": _percent(post.get("stop_decision_cut", "")),
        "prefer": post.get("prefer", ""),
        "note": post.get("note", "")[:400],
    }
    data = {
        "rules": {g: {"action": action, "cut": cut} for g, action, cut in grades},
        "unrectified": form["unrectified"],
        "stop_decision_cut": form["stop_decision_cut"],
        "prefer": form["prefer"],
    }
    return data, form


def _history_row(saved: Any) -> dict[str, Any]:
    data: dict[str, Any] = saved.data if isinstance(saved.data, dict) else {}
    found = data.get("rules")
    rules: dict[str, Any] = found if isinstance(found, dict) else {}
    grades = []
    for g in linkage.GRADES:
        item = rules.get(g)
        rule: dict[str, Any] = item if isinstance(item, dict) else {}
        cut = str(rule.get("cut", ""))
        grades.append(f"{rule.get('label', '')}{'' if cut in ('', '0', '0.00') else f' {cut}%'}")
    return {
        "saved": saved,
        "grades": grades,
        "unrectified": UNRECTIFIED_LABELS.get(str(data.get("unrectified")), ""),
        "stop_decision_cut": data.get("stop_decision_cut", ""),
        "prefer": PREFER_LABELS.get(str(data.get("prefer")), ""),
    }


@require_perm("results.view")
def rules(request: HttpRequest) -> HttpResponse:
    """The region's linkage rules: everyone with results.view reads them, the office saves a new
    version. Drafts made afterwards use it; decided recommendations keep theirs."""
    region = ctx_of(request).current_region
    current = selectors.rules_in_force(region)
    can_manage = has_perm(request.user, "results.manage", region)
    form = _form_of(current)
    status = 200
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        data, form = _posted(request.POST)
        try:
            saved = services.rules_save(actor=request.user, region=region, data=data, note=form["note"])
        except Forbidden:
            raise PermissionDenied from None
        except DomainError as exc:
            messages.error(request, exc.message)
            status = 400
        else:
            messages.success(request, f"已保存结果应用规则 {saved.version}，此后生成或更新的建议将按该版本。")
            return redirect("results:rules")
    elif request.method != "GET":
        return HttpResponse(status=405)
    return render(
        request,
        "results/rules.html",
        {
            "rules": current,
            "form": form,
            "actions": [(v, label) for v, label in linkage.ACTIONS.items() if v != "none"],
            "unrectified_choices": list(UNRECTIFIED_LABELS.items()),
            "prefer_choices": list(PREFER_LABELS.items()),
            "history": [_history_row(s) for s in selectors.rules_history(region)[:50]],
            "can_manage": can_manage,
        },
        status=status,
    )
