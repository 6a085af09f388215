"""The agency registry (第三方机构库): finance reads each agency with its record (evaluations
commissioned, rated, average report quality, late submissions); the office registers and edits
agencies and the evaluators who work for them."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from jixiao.accounts.models import User
from jixiao.accounts.permissions import has_perm
from jixiao.core.access import Role
from jixiao.core.errors import DomainError, Forbidden
from jixiao.keyeval import selectors, services
from jixiao.keyeval.models import Agency
from jixiao.web.decorators import ctx_of, require_perm
from jixiao.web.params import int_param


@require_perm("agencies.view")
def agency_list(request: HttpRequest) -> HttpResponse:
    agencies = list(selectors.agencies(ctx=ctx_of(request)).annotate(people=Count("members")))
    records = selectors.records([a.pk for a in agencies])
    return render(
        request,
        "keyeval/agency_list.html",
        {"rows": [(a, records[a.pk]) for a in agencies], "can_manage": has_perm(request.user, "keyeval.manage")},
    )


@require_perm("agencies.view")
def agency_detail(request: HttpRequest, pk: int) -> HttpResponse:
    ctx = ctx_of(request)
    agency = selectors.agency_get(actor=request.user, ctx=ctx, pk=pk)
    evaluations = (
        selectors.evaluations(actor=request.user, ctx=ctx)
        .filter(agency=agency)
        .select_related("unit", "fiscal_year")
        .order_by("-fiscal_year__year", "-assigned_at")
    )
    return render(
        request,
        "keyeval/agency_detail.html",
        {
            "agency": agency,
            "members": agency.members.order_by("username"),
            "evaluations": evaluations,
            "record": selectors.records([agency.pk])[agency.pk],
            "can_manage": has_perm(request.user, "keyeval.manage"),
        },
    )


def _agency_form(request: HttpRequest, agency: Agency | None) -> HttpResponse:
    ctx = ctx_of(request)
    region = ctx.current_region
    people = User.objects.filter(region=region, role=Role.AGENCY).order_by("organization", "username")
    fields = ("name", "credit_code", "qualifications", "contact", "phone", "email", "address")
    values: dict[str, Any] = {f: getattr(agency, f, "") for f in fields}
    values["active"] = agency.active if agency else True
    values["members"] = {m.pk for m in agency.members.all()} if agency else set()
    status = 200
    if request.method == "POST":
        post = request.POST
        values = {f: post.get(f, "") for f in fields}
        values["active"] = post.get("active") == "1"
        member_ids = [int_param(v) for v in post.getlist("members")]
        values["members"] = set(member_ids)
        try:
            if None in member_ids:
                raise DomainError("机构评价人员选择有误，请刷新页面后重新选择")
            data = services.AgencyIn(
                **{f: values[f] for f in fields},
                active=values["active"],
                member_ids=[m for m in member_ids if m is not None],
            )
            saved = services.agency_save(actor=request.user, region=region, data=data, agency=agency)
        except Forbidden:
            raise PermissionDenied from None
        except DomainError as exc:
            messages.error(request, exc.message)
            status = 400
        else:
            messages.success(request, f"已保存机构「{saved.name}」")
            return redirect("keyeval:agency_detail", pk=saved.pk)
    return render(
        request, "keyeval/agency_form.html", {"agency": agency, "values": values, "people": people}, status=status
    )


@require_perm("keyeval.manage")
def agency_new(request: HttpRequest) -> HttpResponse:
    return _agency_form(request, None)


@require_perm("keyeval.manage")
def agency_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _agency_form(request, selectors.agency_get(actor=request.user, ctx=ctx_of(request), pk=pk))
