"""Key evaluation pages: the office selects projects and commissions agencies from its registry;
an agency member declares, scores the index system, attaches working papers and submits the
report; the office returns it or rates its quality. Views parse and render; the services decide
and write, and the selectors decide who sees what (an agency member nothing before declaring)."""

import unicodedata
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from functools import wraps
from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from jixiao.accounts.models import User
from jixiao.accounts.permissions import ActorContext, has_perm
from jixiao.budget.models import Project, ProjectCategory
from jixiao.core import keyeval as core
from jixiao.core.errors import DomainError, Forbidden
from jixiao.core.money import wan_to_yuan
from jixiao.core.numbers import AmountError, parse_amount
from jixiao.keyeval import selectors, services
from jixiao.keyeval.models import AGENCY_EDITABLE, Declaration, Evaluation, Status
from jixiao.org.models import FiscalYear
from jixiao.web.decorators import ctx_of, require_perm
from jixiao.web.excel import xlsx_bytes
from jixiao.web.pagination import paginate, querystring_without_page
from jixiao.web.params import date_param, int_param

ROW_FIELDS = ("level1", "level2", "level3", "weight", "explanation", "standard", "score", "note")
MAX_ROWS = 300  # typed rows, blank ones included; the service allows 200 items
EVERY_PROJECT = 100_000  # recomputing the reasons of chosen projects must not stop at the page limit
OFFICE_WORK = (Status.SELECTED, Status.ASSIGNED)
OPEN = (Status.ASSIGNED, Status.WORKING)
View = Callable[..., HttpResponse]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _number(value: str, label: str) -> Decimal | None:
    """A typed number (full-width digits from pasted Excel allowed); blank is None."""
    text = unicodedata.normalize("NFKC", value or "").strip().replace(",", "")
    if not text:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise DomainError(f"{label}：「{value.strip()}」不是数字") from None
    if not number.is_finite():
        raise DomainError(f"{label}：「{value.strip()}」不是数字")
    if number.adjusted() > 12:  # past 千亿: a slip of the keyboard, and beyond Decimal's arithmetic soon after
        raise DomainError(f"{label}：「{value.strip()}」超出范围")
    return number


def _fee(value: str) -> Decimal | None:
    if not value.strip():
        return None
    try:
        return parse_amount(value)
    except AmountError as e:
        raise DomainError(f"委托费用（元）：应为{e.expected}，填写的是「{value}」") from None


def _redirect_undeclared(view: View) -> View:
    """An agency member who opens an evaluation before declaring goes to the declaration."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except selectors.NotDeclared as exc:
            return redirect("keyeval:declare", pk=exc.evaluation.pk)

    return wrapped


def _get(request: HttpRequest, pk: int) -> Evaluation:
    return selectors.evaluation_get(actor=request.user, ctx=ctx_of(request), pk=pk)


# --- the list ---------------------------------------------------------------------------------


@require_perm("keyeval.view")
def evaluation_list(request: HttpRequest) -> HttpResponse:
    ctx = ctx_of(request)
    user = request.user
    agency_member = selectors.is_agency(user)
    choice: dict[str, Any] = {
        "status": request.GET.get("status", ""),
        "year": int_param(request.GET.get("year")),
        "agency_id": None if agency_member else int_param(request.GET.get("agency")),
        "q": request.GET.get("q", "").strip()[:50],
    }
    today = timezone.localdate()
    listed = selectors.evaluation_list(actor=user, ctx=ctx, **choice)
    if choice["status"] == "overdue":
        listed = listed.filter(status__in=OPEN, deadline__lt=today)
    mine = selectors.evaluations(actor=user, ctx=ctx)
    counts = dict(mine.order_by().values_list("status").annotate(n=Count("id")))
    page = paginate(request, listed)
    declared: dict[int, bool] = {}
    if agency_member:
        declared = dict(
            Declaration.objects.filter(user=cast(User, user), evaluation__in=[e.pk for e in page]).values_list(
                "evaluation_id", "conflict"
            )
        )
    can_registry = has_perm(user, "agencies.view")
    return render(
        request,
        "keyeval/evaluation_list.html",
        {
            "page": page,
            "rows": [(e, declared.get(e.pk)) for e in page],
            "qs": querystring_without_page(request),
            "choice": choice,
            "counts": [(value, label, counts.get(value, 0)) for value, label in Status.choices],
            "overdue": mine.filter(status__in=OPEN, deadline__lt=today).count(),
            "years": sorted({y for y in mine.order_by().values_list("fiscal_year__year", flat=True)}, reverse=True),
            "agencies": selectors.agencies(ctx=ctx) if can_registry else [],
            "agency_member": agency_member,
            "can_manage": has_perm(user, "keyeval.manage"),
            "can_registry": can_registry,
        },
    )


# --- selection --------------------------------------------------------------------------------


def _default_year(ctx: ActorContext, years: list[FiscalYear]) -> int | None:
    """The year before the one being worked in, when it has projects: key evaluation looks back."""
    if not years:
        return None
    current = ctx.fiscal_year.year if ctx.fiscal_year else timezone.localdate().year
    before = Project.objects.with_scope(region=ctx.region_ids, unit=None).filter(fiscal_year__year=current - 1)
    if any(y.year == current - 1 for y in years) and before.exists():
        return current - 1
    return current if any(y.year == current for y in years) else years[0].year


def _filters(params: QueryDict, categories: list[ProjectCategory]) -> selectors.Filters:
    amount = _number(params.get("min_amount", ""), "最低金额（万元）")
    if amount is not None and amount < 0:
        raise DomainError(f"最低金额（万元）：「{params.get('min_amount')}」应不小于 0")
    known = {c.pk for c in categories}
    category_ids = [int_param(v) for v in params.getlist("category") if v]
    if any(c not in known for c in category_ids):
        raise DomainError("所选项目类别不是本区划的项目类别，请刷新页面后重新选择")
    weak = params.get("weak", "") or "0"
    if weak not in ("0", "1", "2"):
        raise DomainError(f"以往自评中/差次数「{weak}」应为 0、1 或 2")
    raw = params.get("increase", "")
    increase = _number(raw.replace("%", "").replace("％", ""), "预算增幅（%）")
    return selectors.Filters(
        min_amount=None if amount is None else wan_to_yuan(amount),
        category_ids=[c for c in category_ids if c is not None],
        livelihood=params.get("livelihood") == "1",
        weak=int(weak),
        increase=increase,
        warnings=params.get("warnings") == "1",
        q=params.get("q", "").strip()[:50],
    )


@require_perm("keyeval.manage")
def select(request: HttpRequest) -> HttpResponse:
    """The office's filter of a year's projects; the chosen ones become evaluations, each with
    the reasons it qualified (recomputed here, never taken from the page)."""
    ctx = ctx_of(request)
    region = ctx.current_region
    years = list(FiscalYear.objects.with_scope(region=[region.pk]).order_by("-year"))
    categories = list(ProjectCategory.objects.with_scope(region=[region.pk]).order_by("code"))
    params = request.GET
    status = 200
    year = filters = None
    try:
        wanted = params.get("year", "")
        year = int_param(wanted) if wanted else _default_year(ctx, years)
        if wanted and not any(y.year == year for y in years):
            raise DomainError(f"评价年度「{wanted}」不是本区划的预算年度")
        filters = _filters(params, categories)
    except DomainError as exc:
        messages.error(request, exc.message)
        status = 400
    if request.method == "POST" and year is not None and filters is not None:
        wanted_ids = {int_param(v) for v in request.POST.getlist("project")}
        try:
            if not wanted_ids or None in wanted_ids:
                raise DomainError("请至少选择一个项目")
            every = selectors.candidates(ctx=ctx, year=year, filters=selectors.Filters(), limit=EVERY_PROJECT)
            chosen = [c for c in every if c.project.pk in wanted_ids]
            if len(chosen) != len(wanted_ids):
                raise DomainError("所选项目不在本区划该年度的项目中，请刷新页面后重新选择")
            created = services.evaluation_select(
                actor=request.user,
                projects=[c.project for c in chosen],
                reasons={c.project.pk: c.reasons for c in chosen},
                requirements=request.POST.get("requirements", ""),
            )
        except Forbidden:
            raise PermissionDenied from None
        except DomainError as exc:
            messages.error(request, exc.message)
            status = 400
        else:
            messages.success(request, f"已选定 {len(created)} 个项目开展财政重点评价，请委托第三方机构")
            return redirect(f"{reverse('keyeval:evaluation_list')}?status=selected")
    found = selectors.candidates(ctx=ctx, year=year, filters=filters) if year is not None and filters else []
    return render(
        request,
        "keyeval/select.html",
        {
            "years": years,
            "year": year,
            "categories": categories,
            "filters": filters or selectors.Filters(),
            "params": params,
            "found": found,
            "chosen": {str(v) for v in request.POST.getlist("project")},
            "requirements": request.POST.get("requirements", ""),
        },
        status=status,
    )


# --- one evaluation -----------------------------------------------------------------------------


def _detail(request: HttpRequest, ev: Evaluation, *, status: int = 200) -> HttpResponse:
    user = request.user
    project = ev.project
    items = list(ev.items.prefetch_related("evidence"))
    core_items = services.as_core(items)
    spent = selectors.spent(project)
    manage = has_perm(user, "keyeval.manage", ev)
    # evaluation_get let an agency member in only as a declared member of the evaluation's agency.
    can_work = selectors.is_agency(user) and has_perm(user, "keyeval.score") and ev.status in AGENCY_EDITABLE
    declarations = selectors.declarations_for(user, ev)
    can_rectify = has_perm(user, "rectification.view", ev)
    return render(
        request,
        "keyeval/evaluation_detail.html",
        {
            "ev": ev,
            "project": project,
            "spent": spent,
            "funds": [
                (label, getattr(project, name)) for label, name in selectors.FUND_FIELDS if getattr(project, name)
            ],
            "indicators": services.goal_indicators(project),
            "selfevals": [(s, has_perm(user, "evaluation.view", s)) for s in selectors.selfevals_of(ev)],
            "show_fee": selectors.sees_fee(user),
            "show_scores": selectors.sees_scores(user, ev),
            "declarations": declarations,
            "groups": [
                (level, weight, score, [i for i in items if i.level1 == level])
                for level, (weight, score) in core.subtotals(core_items).items()
            ],
            "weights": sum((i.weight for i in items), Decimal(0)),
            "live_total": core.total(core_items),
            "checks": core.check(core_items),
            "items": items,
            "evidence": ev.evidence.filter(item__isnull=True).select_related("uploaded_by"),
            "agencies": selectors.agencies(ctx=ctx_of(request)).filter(active=True) if manage else [],
            "can_assign": manage and ev.status in OFFICE_WORK,
            "can_shape": manage and ev.status in OFFICE_WORK,
            "can_cancel": manage and ev.status in (*OFFICE_WORK, Status.WORKING),
            "can_review": manage and ev.status == Status.SUBMITTED,
            "can_feedback": ev.status == Status.SUBMITTED and has_perm(user, "keyeval.feedback", ev),
            "can_raise": ev.status in (Status.SUBMITTED, Status.RATED) and has_perm(user, "rectification.manage", ev),
            "rectifications": ev.rectifications.order_by("-created_at") if can_rectify else [],
            "can_work": can_work,
            "problems": services.submission_problems(ev) if can_work else [],
            "post": request.POST,
            "today": timezone.localdate(),
        },
        status=status,
    )


@require_perm("keyeval.view")
@_redirect_undeclared
def evaluation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _get(request, pk))


@require_perm("keyeval.score")
def declare(request: HttpRequest, pk: int) -> HttpResponse:
    """The conflict-of-interest declaration: the only page an agency member sees of an
    assignment before signing it, and it shows no budget figures."""
    ev = selectors.evaluation_get(actor=request.user, ctx=ctx_of(request), pk=pk, declared=False)
    if services.has_declared(request.user, ev):
        return redirect("keyeval:evaluation_detail", pk=ev.pk)
    status = 200
    if request.method == "POST":
        conflict = request.POST.get("conflict") == "1"
        try:
            services.declare(
                actor=request.user, evaluation=ev, conflict=conflict, statement=request.POST.get("statement", "")
            )
        except Forbidden:
            raise PermissionDenied from None
        except DomainError as exc:
            messages.error(request, exc.message)
            status = 400
        else:
            if conflict:
                messages.info(request, f"已申报回避「{ev.title}」，财政将另行安排")
                return redirect("keyeval:evaluation_list")
            messages.success(request, "已签署利益冲突声明，可以开始评价")
            return redirect("keyeval:evaluation_detail", pk=ev.pk)
    return render(
        request,
        "keyeval/declare.html",
        {"ev": ev, "text": services.DECLARATION, "open": ev.status in OPEN, "post": request.POST},
        status=status,
    )


def _act(request: HttpRequest, pk: int, run: Callable[[Evaluation], object], done: str) -> HttpResponse:
    """Parse and write in ``run``; a refusal shows the evaluation again with the reason (400)."""
    ev = _get(request, pk)
    try:
        run(ev)
    except Forbidden:
        raise PermissionDenied from None
    except DomainError as exc:
        messages.error(request, exc.message)
        return _detail(request, ev, status=400)
    messages.success(request, done)
    return redirect("keyeval:evaluation_detail", pk=ev.pk)


@require_POST
@require_perm("keyeval.manage")
def assign(request: HttpRequest, pk: int) -> HttpResponse:
    post = request.POST

    def run(ev: Evaluation) -> object:
        agency_id = int_param(post.get("agency"))
        agency = None if agency_id is None else selectors.agencies(ctx=ctx_of(request)).filter(pk=agency_id).first()
        if agency is None:
            raise DomainError("请选择受托机构")
        return services.evaluation_assign(
            actor=request.user,
            evaluation=ev,
            agency=agency,
            deadline=date_param(post.get("deadline", ""), "报告提交期限"),
            fee=_fee(post.get("fee", "")),
            requirements=post.get("requirements"),
        )

    return _act(request, pk, run, "已委托第三方机构，等待机构人员签署利益冲突声明")


@require_POST
@require_perm("keyeval.manage")
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    def run(ev: Evaluation) -> object:
        return services.evaluation_cancel(actor=request.user, evaluation=ev, reason=request.POST.get("reason", ""))

    return _act(request, pk, run, "已取消该重点评价")


@require_POST
@require_perm("keyeval.score")
@_redirect_undeclared
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    def run(ev: Evaluation) -> object:
        return services.submit(
            actor=request.user,
            evaluation=ev,
            conclusion=request.POST.get("conclusion", ""),
            report=request.FILES.get("report"),
        )

    return _act(request, pk, run, "已提交评价报告，等待财政审核")


@require_POST
@require_perm("keyeval.feedback")
def feedback(request: HttpRequest, pk: int) -> HttpResponse:
    def run(ev: Evaluation) -> object:
        return services.feedback(actor=request.user, evaluation=ev, text=request.POST.get("text", ""))

    return _act(request, pk, run, "已反馈对评价报告的意见")


@require_POST
@require_perm("keyeval.manage")
def return_report(request: HttpRequest, pk: int) -> HttpResponse:
    def run(ev: Evaluation) -> object:
        return services.return_report(actor=request.user, evaluation=ev, note=request.POST.get("note", ""))

    return _act(request, pk, run, "已退回机构修改评价报告")


@require_POST
@require_perm("keyeval.manage")
def rate(request: HttpRequest, pk: int) -> HttpResponse:
    def run(ev: Evaluation) -> object:
        quality = _number(request.POST.get("quality", ""), "报告质量评分")
        if quality is None:
            raise DomainError("请填写报告质量评分")
        return services.rate(actor=request.user, evaluation=ev, quality=quality, note=request.POST.get("note", ""))

    return _act(request, pk, run, "已评定报告质量，评价完成")


# --- the index system -------------------------------------------------------------------------


def _typed_rows(post: QueryDict) -> list[dict[str, str]]:
    columns = {f: post.getlist(f"row_{f}") for f in ROW_FIELDS}
    count = len(columns["level3"])
    if any(len(v) != count for v in columns.values()) or count > MAX_ROWS:
        raise DomainError("表单内容不完整，请刷新页面后重新填写")
    return [{f: columns[f][n] for f in ROW_FIELDS} for n in range(count)]


def _rows_in(typed: list[dict[str, str]]) -> list[services.ItemIn]:
    """The typed rows as items, numbered as the person sees them; a row left blank is dropped."""
    rows = []
    for n, row in enumerate(typed, start=1):
        if not any(row[f].strip() for f in ROW_FIELDS if f != "level1"):
            continue
        weight = _number(row["weight"], f"第 {n} 行「分值」")
        if weight is None:
            raise DomainError(f"第 {n} 行「分值」：请填写")
        rows.append(
            services.ItemIn(
                level1=row["level1"].strip(),
                level2=row["level2"].strip(),
                level3=row["level3"].strip(),
                weight=weight,
                explanation=row["explanation"],
                standard=row["standard"],
                score=_number(row["score"], f"第 {n} 行「得分」"),
                note=row["note"],
            )
        )
    return rows


def _shown(value: Decimal | None) -> str:
    return "" if value is None else format(value.normalize(), "f")


@require_perm("keyeval.view")
@_redirect_undeclared
def items_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The index system as a table: the office shapes it before the work starts, the agency
    scores it (and may adjust it) while working."""
    ev = _get(request, pk)
    user = request.user
    try:
        if selectors.is_agency(user):
            services.ensure_agency(user, ev)
            allowed: tuple[str, ...] = tuple(AGENCY_EDITABLE)
        elif has_perm(user, "keyeval.manage", ev):
            allowed = OFFICE_WORK
        else:
            raise Forbidden("您没有执行此操作的权限")
    except Forbidden:
        raise PermissionDenied from None
    if ev.status not in allowed:
        messages.error(request, f"评价当前为「{ev.get_status_display()}」，不能修改指标体系或评分")
        return redirect("keyeval:evaluation_detail", pk=ev.pk)
    status = 200
    rows: list[dict[str, str]] = []
    if request.method == "POST":
        try:
            rows = _typed_rows(request.POST)
            checks = services.items_save(actor=user, evaluation=ev, rows=_rows_in(rows))
        except Forbidden:
            raise PermissionDenied from None
        except DomainError as exc:
            messages.error(request, exc.message)
            status = 400
        else:
            messages.success(request, "已保存指标体系" + ("和评分" if selectors.is_agency(user) else ""))
            for c in checks:
                messages.warning(request, c.message)
            if request.POST.get("then") == "view":
                return redirect("keyeval:evaluation_detail", pk=ev.pk)
            return redirect("keyeval:items_edit", pk=ev.pk)
    else:
        rows = [
            {
                "level1": i.level1,
                "level2": i.level2,
                "level3": i.level3,
                "weight": _shown(i.weight),
                "explanation": i.explanation,
                "standard": i.standard,
                "score": _shown(i.score),
                "note": i.note,
            }
            for i in ev.items.all()
        ]
    return render(
        request,
        "keyeval/items_edit.html",
        {"ev": ev, "rows": rows, "levels": core.LEVEL1, "scoring": selectors.is_agency(user)},
        status=status,
    )


# --- files ----------------------------------------------------------------------------------------


@require_POST
@require_perm("keyeval.score")
@_redirect_undeclared
def evidence_add(request: HttpRequest, pk: int) -> HttpResponse:
    def run(ev: Evaluation) -> object:
        item = None
        if request.POST.get("item"):
            item_id = int_param(request.POST.get("item"))
            item = None if item_id is None else ev.items.filter(pk=item_id).first()
            if item is None:
                raise DomainError("所选指标不属于该评价")
        return services.evidence_add(actor=request.user, evaluation=ev, upload=request.FILES.get("file"), item=item)

    return _act(request, pk, run, "已上传工作底稿")


def _file(field: Any, name: str) -> HttpResponse:
    if not field:
        raise Http404("没有找到该文件")
    try:
        handle = field.open("rb")
    except OSError:
        raise Http404("文件已不存在") from None
    return cast(HttpResponse, FileResponse(handle, as_attachment=True, filename=name))


@require_perm("keyeval.view")
@_redirect_undeclared
def evidence_download(request: HttpRequest, pk: int) -> HttpResponse:
    evidence = selectors.evidence_get(actor=request.user, ctx=ctx_of(request), pk=pk)
    return _file(evidence.file, evidence.name)


@require_POST
@require_perm("keyeval.score")
@_redirect_undeclared
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
    return redirect("keyeval:evaluation_detail", pk=evidence.evaluation_id)


@require_perm("keyeval.view")
@_redirect_undeclared
def report_download(request: HttpRequest, pk: int) -> HttpResponse:
    ev = _get(request, pk)
    return _file(ev.report, ev.report_name or "评价报告")


SCORE_COLUMNS = ("一级指标", "二级指标", "三级指标", "分值", "得分", "指标解释", "评分标准", "评分说明")


@require_perm("keyeval.view")
@_redirect_undeclared
def scores_export(request: HttpRequest, pk: int) -> HttpResponse:
    """The scoring table (评分表, the report's first annex) as .xlsx; without scores and notes for
    the evaluated unit while the agency is still at work."""
    ev = _get(request, pk)
    items = selectors.facts(ev, scores=selectors.sees_scores(request.user, ev)).items
    rows: list[list[Any]] = [
        [i.level1, i.level2, i.level3, i.weight, i.score, i.explanation, i.standard, i.note] for i in items
    ]
    rows.append(["合计", "", "", sum((i.weight for i in items), Decimal(0)), core.total(items), "", "", ""])
    response = HttpResponse(xlsx_bytes("评分表", SCORE_COLUMNS, rows), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, f"{ev.title}-评分表.xlsx")
    return response


@require_perm("keyeval.view")
@_redirect_undeclared
def outline(request: HttpRequest, pk: int) -> HttpResponse:
    """The report outline (财预〔2020〕10号 annex 3) filled with what is known; as a printable
    page, or as text (UTF-8 with BOM so that Windows Notepad shows the Chinese)."""
    ev = _get(request, pk)
    sections = core.outline(selectors.facts(ev, scores=selectors.sees_scores(request.user, ev)))
    if request.GET.get("format") == "txt":
        response = HttpResponse(
            ("\ufeff" + core.outline_text(sections)).encode(), content_type="text/plain; charset=utf-8"
        )
        response["Content-Disposition"] = content_disposition_header(True, f"{ev.title}-评价报告提纲.txt")
        return response
    return render(request, "keyeval/outline.html", {"ev": ev, "sections": sections})
