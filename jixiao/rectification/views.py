"""Rectification pages: the list of items within reach, raising one (from a self-evaluation, a
monitoring decision or for a unit), the unit's answer with evidence, finance's confirmation."""

import datetime as dt
from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from jixiao.accounts.permissions import has_perm
from jixiao.budget import selectors as budget_selectors
from jixiao.core.errors import DomainError, Forbidden
from jixiao.evaluation import selectors as evaluation_selectors
from jixiao.keyeval import selectors as keyeval_selectors
from jixiao.monitoring import selectors as monitoring_selectors
from jixiao.org.selectors import unit_get, unit_list
from jixiao.rectification import selectors, services
from jixiao.rectification.models import Source, Status
from jixiao.web.decorators import ctx_of, require_perm
from jixiao.web.pagination import paginate, querystring_without_page
from jixiao.web.params import date_param, int_param


@require_perm("rectification.view")
def item_list(request: HttpRequest) -> HttpResponse:
    ctx = ctx_of(request)
    choice: dict[str, Any] = {
        "state": request.GET.get("state", ""),
        "source": request.GET.get("source", ""),
        "unit_id": int_param(request.GET.get("unit")),
        "q": request.GET.get("q", "").strip()[:50],
    }
    listed = selectors.item_list(ctx=ctx, **choice)
    return render(
        request,
        "rectification/item_list.html",
        {
            "page": paginate(request, listed),
            "qs": querystring_without_page(request),
            "choice": choice,
            "counts": selectors.counts(selectors.items(ctx=ctx)),
            "sources": Source.choices,
            "unit_choices": unit_list(actor=request.user, ctx=ctx),
            "can_manage": has_perm(request.user, "rectification.manage"),
        },
    )


@require_perm("rectification.manage")
def item_new(request: HttpRequest) -> HttpResponse:
    """Raise an item: from a self-evaluation (?selfeval=), a monitoring decision (?decision=), a
    key evaluation (?evaluation=) or for a unit chosen on the page."""
    ctx = ctx_of(request)
    params = request.POST if request.method == "POST" else request.GET
    selfeval = decision = evaluation = None
    if (pk := int_param(params.get("evaluation"))) is not None:
        evaluation = keyeval_selectors.evaluation_get(actor=request.user, ctx=ctx, pk=pk)
    elif (pk := int_param(params.get("selfeval"))) is not None:
        selfeval = evaluation_selectors.form_get(actor=request.user, ctx=ctx, pk=pk)
    elif (pk := int_param(params.get("decision"))) is not None:
        decision = monitoring_selectors.decision_get(actor=request.user, ctx=ctx, pk=pk)
    units = unit_list(actor=request.user, ctx=ctx)
    status = 200
    if request.method == "POST":
        try:
            unit = project = None
            if selfeval is None and decision is None and evaluation is None:
                unit_id = int_param(request.POST.get("unit"))
                if unit_id is None:
                    raise DomainError("请选择整改单位")
                unit = unit_get(actor=request.user, ctx=ctx, pk=unit_id)
                if (project_id := int_param(request.POST.get("project"))) is not None:
                    project = budget_selectors.project_get(actor=request.user, ctx=ctx, pk=project_id)
            item = services.item_raise(
                actor=request.user,
                selfeval=selfeval,
                decision=decision,
                evaluation=evaluation,
                unit=unit,
                project=project,
                source=request.POST.get("source", Source.OTHER),
                problem=request.POST.get("problem", ""),
                requirement=request.POST.get("requirement", ""),
                due=date_param(request.POST.get("due", ""), "整改期限"),
            )
        except Forbidden:
            raise PermissionDenied from None
        except Http404:
            raise
        except DomainError as exc:
            messages.error(request, exc.message)
            status = 400
        else:
            messages.success(request, f"已向{item.unit.name}提出整改要求，期限 {item.due:%Y-%m-%d}")
            return redirect("rectification:item_detail", pk=item.pk)
    return render(
        request,
        "rectification/item_new.html",
        {
            "selfeval": selfeval,
            "decision": decision,
            "evaluation": evaluation,
            "units": units,
            "sources": [(v, label) for v, label in Source.choices if v in (Source.EVALUATION, Source.OTHER)],
            "post": request.POST,
            "default_due": timezone.localdate() + dt.timedelta(days=30),
        },
        status=status,
    )


@require_perm("rectification.view")
def item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.item_get(actor=request.user, ctx=ctx_of(request), pk=pk)
    user = request.user
    return render(
        request,
        "rectification/item_detail.html",
        {
            "item": item,
            "evidence": item.evidence.select_related("uploaded_by"),
            "can_answer": item.status == Status.OPEN and has_perm(user, "rectification.respond", item),
            "can_review": item.status == Status.ANSWERED and has_perm(user, "rectification.manage", item),
        },
    )


def _act(request: HttpRequest, pk: int, write: Any, done: str, **kwargs: Any) -> HttpResponse:
    item = selectors.item_get(actor=request.user, ctx=ctx_of(request), pk=pk)
    try:
        write(actor=request.user, item=item, **kwargs)
    except Forbidden:
        raise PermissionDenied from None
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect("rectification:item_detail", pk=item.pk)


@require_POST
@require_perm("rectification.respond")
def item_answer(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, services.item_answer, "已反馈整改情况，等待财政确认", text=request.POST.get("text", ""))


@require_POST
@require_perm("rectification.manage")
def item_close(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, services.item_close, "已确认整改完成", note=request.POST.get("note", ""))


@require_POST
@require_perm("rectification.manage")
def item_return(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        due = date_param(request.POST["due"], "新的整改期限") if request.POST.get("due", "").strip() else None
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("rectification:item_detail", pk=pk)
    return _act(request, pk, services.item_return, "已退回单位继续整改", note=request.POST.get("note", ""), due=due)


@require_POST
@require_perm("rectification.respond")
def evidence_add(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.item_get(actor=request.user, ctx=ctx_of(request), pk=pk)
    try:
        services.evidence_add(actor=request.user, item=item, upload=request.FILES.get("file"))
    except Forbidden:
        raise PermissionDenied from None
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已上传整改佐证材料")
    return redirect("rectification:item_detail", pk=item.pk)


@require_perm("rectification.view")
def evidence_download(request: HttpRequest, pk: int) -> HttpResponse:
    evidence = selectors.evidence_get(actor=request.user, ctx=ctx_of(request), pk=pk)
    try:
        handle = evidence.file.open("rb")
    except OSError:
        raise Http404("文件已不存在") from None
    return cast(HttpResponse, FileResponse(handle, as_attachment=True, filename=evidence.name))


@require_POST
@require_perm("rectification.respond")
def evidence_remove(request: HttpRequest, pk: int) -> HttpResponse:
    evidence = selectors.evidence_get(actor=request.user, ctx=ctx_of(request), pk=pk)
    try:
        services.evidence_remove(actor=request.user, evidence=evidence)
    except Forbidden:
        raise PermissionDenied from None
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已删除「{evidence.name}」")
    return redirect("rectification:item_detail", pk=evidence.item_id)
