"""Writes to key evaluation. Every write checks who may do it, runs in one transaction and
leaves one audit entry.

The office selects projects and assigns each evaluation to an agency with a deadline and a fee.
An agency member first declares (no conflict of interest, or a conflict and stays out); the
first clean declaration starts the work. The agency keeps the index system and its scores,
attaches working papers and submits the report; the office returns it or rates its quality.
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from jixiao.accounts.permissions import ensure_perm, has_perm, region_ids_for
from jixiao.audit.services import log_action
from jixiao.budget.models import Project
from jixiao.core import keyeval as core
from jixiao.core.access import Role
from jixiao.core.errors import DomainError, Forbidden
from jixiao.core.evidence import evidence_name
from jixiao.evaluation.compute import rules_in_force
from jixiao.goals.models import GoalSheet
from jixiao.keyeval.models import (
    AGENCY_EDITABLE,
    Agency,
    Declaration,
    Evaluation,
    Evidence,
    Item,
    Status,
)

MAX_TEXT = 2000
LONGEST = dt.timedelta(days=366)
MAX_FEE = Decimal("100000000")  # 1 亿元: anything above is a typing slip
CENT = Decimal("0.01")
REPORT_TYPES = frozenset({".pdf", ".doc", ".docx", ".ofd"})
DECLARATION = (
    "本人承诺：与被评价单位及其主要负责人、评价项目的实施单位不存在利害关系（包括任职、投资、亲属、"
    "近三年内为其提供咨询或审计服务等），在评价中独立、客观、公正地发表意见，对评价中获取的资料保密。"
)


def _text(value: str, label: str, *, required: bool = False, longest: int = MAX_TEXT) -> str:
    value = (value or "").strip()
    if len(value) > longest:
        raise DomainError(f"{label}不超过 {longest} 字")
    if required and not value:
        raise DomainError(f"请填写{label}")
    return value


def _locked(evaluation: Evaluation) -> Evaluation:
    return (
        Evaluation.objects.with_scope(region=[evaluation.region_id], unit=[evaluation.unit_id])
        .select_for_update(of=("self",))
        .select_related("project", "unit", "agency")
        .get(pk=evaluation.pk)
    )


def _status(evaluation: Evaluation, allowed: Sequence[str], doing: str) -> None:
    if evaluation.status not in allowed:
        raise DomainError(f"评价当前为「{evaluation.get_status_display()}」，不能{doing}")


# --- who may touch an evaluation ----------------------------------------------------------


def is_member(actor: Any, evaluation: Evaluation) -> bool:
    """Whether the actor works for the agency the evaluation is assigned to (and is still placed
    in its region: an account moved elsewhere keeps no way in through an old membership)."""
    return (
        getattr(actor, "role", None) == Role.AGENCY
        and evaluation.agency_id is not None
        and evaluation.region_id in region_ids_for(actor)
        and Agency.objects.with_scope(region=[evaluation.region_id])
        .filter(pk=evaluation.agency_id, members=actor)
        .exists()
    )


def has_declared(actor: Any, evaluation: Evaluation) -> bool:
    """A clean declaration (no conflict) by the actor for this evaluation."""
    return Declaration.objects.filter(evaluation=evaluation, user=actor, conflict=False).exists()


def ensure_agency(actor: Any, evaluation: Evaluation, *, declared: bool = True) -> None:
    """The actor is a member of the evaluation's agency with ``keyeval.score`` (and, unless
    ``declared`` is False, has signed a clean declaration): else ``Forbidden``."""
    if not has_perm(actor, "keyeval.score") or not is_member(actor, evaluation):
        raise Forbidden("您没有执行此操作的权限")
    if declared and not has_declared(actor, evaluation):
        raise Forbidden("请先签署利益冲突声明")


# --- agencies -------------------------------------------------------------------------------


@dataclass(frozen=True)
class AgencyIn:
    name: str
    contact: str
    phone: str
    credit_code: str = ""
    qualifications: str = ""
    email: str = ""
    address: str = ""
    active: bool = True
    member_ids: Sequence[int] = ()


def agency_save(*, actor: Any, region: Any, data: AgencyIn, agency: Agency | None = None) -> Agency:
    """Register an agency, or change one. Members must be agency-role accounts of the region."""
    from jixiao.accounts.models import User

    ensure_perm(actor, "keyeval.manage", region)
    name = _text(data.name, "机构名称", required=True, longest=100)
    code = _text(data.credit_code, "统一社会信用代码", longest=18).upper()
    if code and (len(code) != 18 or not code.isalnum()):
        raise DomainError(f"统一社会信用代码「{code}」应为 18 位数字或大写字母")
    fields = {
        "name": name,
        "credit_code": code,
        "qualifications": _text(data.qualifications, "资质和业绩"),
        "contact": _text(data.contact, "联系人", required=True, longest=30),
        "phone": _text(data.phone, "联系电话", required=True, longest=30),
        "email": _text(data.email, "电子邮箱", longest=100),
        "address": _text(data.address, "地址", longest=200),
        "active": bool(data.active),
    }
    members = list(User.objects.filter(pk__in=list(data.member_ids), region=region, role=Role.AGENCY))
    if len(members) != len(set(data.member_ids)):
        raise DomainError("机构评价人员应为本区划的第三方机构评价人员账户")
    clash = Agency.objects.with_scope(region=[region.pk]).filter(name=name)
    if agency is not None:
        clash = clash.exclude(pk=agency.pk)
    if clash.exists():
        raise DomainError(f"机构「{name}」已登记")
    with transaction.atomic():
        if agency is None:
            agency = Agency.objects.create(region=region, **fields)
        else:
            if agency.region_id != region.pk:
                raise Forbidden("您没有执行此操作的权限")
            for key, value in fields.items():
                setattr(agency, key, value)
            agency.save()
        agency.members.set(members)
        log_action(
            actor=actor,
            action="keyeval.agency.saved",
            target=agency,
            data={"name": name, "active": fields["active"], "members": sorted(m.username for m in members)},
        )
    return agency


# --- selection and assignment ----------------------------------------------------------------


def goal_indicators(project: Project) -> list[core.GoalIndicator]:
    """The indicators of the project's approved goal sheet, as the index system's 产出/效益 seed."""
    sheet = (
        GoalSheet.objects.with_scope(region=[project.region_id], unit=[project.unit_id])
        .filter(project=project, approved_version__gt=0)
        .order_by("-approved_version")
        .first()
    )
    if sheet is None:
        return []
    return [
        core.GoalIndicator(level1=i.level1, level2=i.level2, name=i.name, symbol=i.symbol, value=i.value, unit=i.unit)
        for i in sheet.indicators.all()
        if i.name
    ]


def _item_rows(items: Sequence[core.Item]) -> list[Item]:
    return [
        Item(
            position=n,
            level1=i.level1,
            level2=i.level2,
            level3=i.level3,
            weight=i.weight,
            explanation=i.explanation,
            standard=i.standard,
            score=i.score,
            note=i.note,
        )
        for n, i in enumerate(items, start=1)
    ]


def evaluation_select(
    *, actor: Any, projects: Sequence[Project], reasons: dict[int, list[str]] | None = None, requirements: str = ""
) -> list[Evaluation]:
    """One evaluation per project, with the index system built from the template and the
    project's approved goal indicators. A project with an evaluation under way is refused."""
    projects = list({p.pk: p for p in projects}.values())  # a project listed twice is one evaluation
    if not projects:
        raise DomainError("请至少选择一个项目")
    for project in projects:
        ensure_perm(actor, "keyeval.manage", project)
    requirements = _text(requirements, "评价范围和要求")
    template = core.load_template()
    taken = set(
        Evaluation.objects.with_scope(region=sorted({p.region_id for p in projects}), unit=None)
        .filter(project__in=list(projects))
        .exclude(status=Status.CANCELLED)
        .values_list("project__name", flat=True)
    )
    if taken:
        raise DomainError(f"以下项目已有进行中的重点评价：{'、'.join(sorted(taken))}")
    created = []
    try:
        with transaction.atomic():
            created = _create_evaluations(actor, projects, reasons or {}, requirements, template)
    except IntegrityError:  # a second click that passed the check above at the same moment
        raise DomainError("所选项目已有进行中的重点评价，请刷新页面后重试") from None
    return created


def _create_evaluations(
    actor: Any, projects: Sequence[Project], reasons: dict[int, list[str]], requirements: str, template: Any
) -> list[Evaluation]:
    created = []
    for project in projects:
        evaluation = Evaluation.objects.create(
            region_id=project.region_id,
            fiscal_year_id=project.fiscal_year_id,
            project=project,
            unit_id=project.unit_id,
            title=f"{project.name[:180]}{project.fiscal_year.year}年度财政重点评价",
            reasons=list(reasons.get(project.pk, [])),
            requirements=requirements,
            template_version=template.version,
            created_by=actor,
        )
        rows = _item_rows(core.build_items(goal_indicators(project), template))
        for row in rows:
            row.evaluation = evaluation
        Item.objects.bulk_create(rows)
        log_action(
            actor=actor,
            action="keyeval.evaluation.selected",
            target=evaluation,
            data={"project": project.code, "reasons": evaluation.reasons},
        )
        created.append(evaluation)
    return created


def evaluation_assign(
    *,
    actor: Any,
    evaluation: Evaluation,
    agency: Agency,
    deadline: dt.date,
    fee: Decimal | None,
    requirements: str | None = None,
    today: dt.date | None = None,
) -> Evaluation:
    """Commission (or, before anyone declared, re-commission) an agency."""
    ensure_perm(actor, "keyeval.manage", evaluation)
    if agency.region_id != evaluation.region_id or not agency.active:
        raise DomainError(f"机构「{agency.name}」未登记为本区划可承接业务的机构")
    start = timezone.localdate() if today is None else today
    if not start <= deadline <= start + LONGEST:
        raise DomainError(f"报告提交期限应在 {start:%Y-%m-%d} 到 {start + LONGEST:%Y-%m-%d} 之间")
    if fee is not None and (not Decimal(0) <= fee < MAX_FEE or fee != fee.quantize(CENT)):
        raise DomainError("委托费用应在 0 到 1 亿元之间，精确到分")
    with transaction.atomic():
        evaluation = _locked(evaluation)
        _status(evaluation, (Status.SELECTED, Status.ASSIGNED), "委托机构")
        evaluation.agency, evaluation.deadline = agency, deadline
        evaluation.fee = fee  # type: ignore[assignment]  # money() types fields non-null; this one is null=True
        if requirements is not None:
            evaluation.requirements = _text(requirements, "评价范围和要求")
        evaluation.status, evaluation.assigned_at = Status.ASSIGNED, timezone.now()
        evaluation.save()
        log_action(
            actor=actor,
            action="keyeval.evaluation.assigned",
            target=evaluation,
            data={"agency": agency.name, "deadline": deadline.isoformat(), "fee": None if fee is None else str(fee)},
        )
    return evaluation


def evaluation_cancel(*, actor: Any, evaluation: Evaluation, reason: str) -> Evaluation:
    ensure_perm(actor, "keyeval.manage", evaluation)
    reason = _text(reason, "取消理由", required=True)
    with transaction.atomic():
        evaluation = _locked(evaluation)
        _status(evaluation, (Status.SELECTED, Status.ASSIGNED, Status.WORKING), "取消")
        evaluation.status = Status.CANCELLED
        evaluation.save(update_fields=["status"])
        log_action(actor=actor, action="keyeval.evaluation.cancelled", target=evaluation, data={"reason": reason})
    return evaluation


# --- the agency's work ------------------------------------------------------------------------


def declare(*, actor: Any, evaluation: Evaluation, conflict: bool, statement: str = "") -> Declaration:
    """The member's declaration. A clean one lets the member in (and starts the work); a conflict
    keeps the member out, with the reason, for the office to see."""
    ensure_agency(actor, evaluation, declared=False)
    text = DECLARATION if not conflict else _text(statement, "利害关系说明", required=True)
    with transaction.atomic():
        evaluation = _locked(evaluation)
        ensure_agency(actor, evaluation, declared=False)  # the commission may have moved meanwhile
        _status(evaluation, (Status.ASSIGNED, Status.WORKING), "签署声明")
        if Declaration.objects.filter(evaluation=evaluation, user=actor).exists():
            raise DomainError("您已就该评价签署过声明")
        declaration = Declaration.objects.create(evaluation=evaluation, user=actor, conflict=conflict, statement=text)
        if not conflict and evaluation.status == Status.ASSIGNED:
            evaluation.status = Status.WORKING
            evaluation.save(update_fields=["status"])
        log_action(actor=actor, action="keyeval.evaluation.declared", target=evaluation, data={"conflict": conflict})
    return declaration


@dataclass(frozen=True)
class ItemIn:
    level1: str
    level2: str
    level3: str
    weight: Decimal
    explanation: str = ""
    standard: str = ""
    score: Decimal | None = None
    note: str = ""


# Problems that stop a save; the others (weights not yet 100, a level missing) only stop submission.
SAVE_BLOCKERS = frozenset({"weights.positive", "level1.unknown", "item.name", "score.range", "score.precision"})


def as_core(rows: Sequence[ItemIn] | Sequence[Item]) -> list[core.Item]:
    return [
        core.Item(
            level1=r.level1,
            level2=r.level2,
            level3=r.level3,
            weight=r.weight,
            explanation=r.explanation,
            standard=r.standard,
            score=r.score,
            note=r.note,
        )
        for r in rows
    ]


def items_save(*, actor: Any, evaluation: Evaluation, rows: Sequence[ItemIn]) -> list[core.Check]:
    """Replace the index system (and its scores). The office may shape it before the work starts;
    the agency while it works. Returns the checks still open (weights not 100, ...)."""
    if getattr(actor, "role", None) == Role.AGENCY:
        ensure_agency(actor, evaluation)
        allowed: Sequence[str] = tuple(AGENCY_EDITABLE)
    else:
        ensure_perm(actor, "keyeval.manage", evaluation)
        allowed = (Status.SELECTED, Status.ASSIGNED)
        if any(r.score is not None or (r.note or "").strip() for r in rows):
            raise DomainError("评分和评分说明由受托机构填写，财政只能调整指标和分值")
    if not rows:
        raise DomainError("指标体系至少应有一项指标")
    if len(rows) > 200:
        raise DomainError("指标体系不超过 200 项")
    for n, r in enumerate(rows, start=1):
        _text(r.level2, f"第 {n} 项的二级指标", required=True, longest=30)
        _text(r.level3, f"第 {n} 项的三级指标", required=True, longest=200)
        _text(r.explanation, f"第 {n} 项的指标解释")
        _text(r.standard, f"第 {n} 项的评分标准")
        _text(r.note, f"第 {n} 项的评分说明")
        if not r.weight.is_finite() or r.weight.copy_abs() >= 1000:
            raise DomainError(f"第 {n} 项的分值或得分超出范围")
        if r.score is not None and (not r.score.is_finite() or r.score.copy_abs() >= 1000):
            raise DomainError(f"第 {n} 项的分值或得分超出范围")
        if r.weight != r.weight.quantize(CENT):  # stored to the cent: 3.995 would silently become 4.00
            raise DomainError(f"第 {n} 项「{r.level3.strip()}」的分值 {r.weight} 超过两位小数")
    checks = core.check(as_core(rows))
    blocking = [c for c in checks if c.severity == "error" and c.code in SAVE_BLOCKERS]
    if blocking:
        raise DomainError("；".join(c.message for c in blocking))
    with transaction.atomic():
        evaluation = _locked(evaluation)
        if getattr(actor, "role", None) == Role.AGENCY:
            ensure_agency(actor, evaluation)  # the commission may have moved meanwhile
        _status(evaluation, allowed, "修改指标体系或评分")
        # Replacing the items must not cascade to the working papers attached to them: each
        # follows its item by name, and stays with the evaluation as a whole if the item went.
        papers = {
            pk: (level1, level3)
            for pk, level1, level3 in Evidence.objects.filter(evaluation=evaluation, item__isnull=False).values_list(
                "pk", "item__level1", "item__level3"
            )
        }
        Evidence.objects.filter(pk__in=list(papers)).update(item=None)
        evaluation.items.all().delete()
        new = _item_rows(as_core(rows))
        for row in new:
            row.evaluation = evaluation
        Item.objects.bulk_create(new)
        by_name: dict[tuple[str, str], Item] = {}
        for row in new:
            by_name.setdefault((row.level1, row.level3), row)
        for pk, name in papers.items():
            if name in by_name:
                Evidence.objects.filter(pk=pk).update(item=by_name[name])
        scored = [r.score for r in rows if r.score is not None]
        log_action(
            actor=actor,
            action="keyeval.evaluation.items_saved",
            target=evaluation,
            data={
                "items": len(rows),
                "weights": str(sum((r.weight for r in rows), Decimal(0))),
                "scored": len(scored),
                "points": str(sum(scored, Decimal(0))),
            },
        )
    return [c for c in checks if c not in blocking]


def evidence_add(
    *, actor: Any, evaluation: Evaluation, upload: UploadedFile[bytes] | None, item: Item | None = None
) -> Evidence:
    ensure_agency(actor, evaluation)
    if upload is None:
        raise DomainError("请选择要上传的文件")
    name = evidence_name(upload.name or "", upload.size)
    if item is not None and item.evaluation_id != evaluation.pk:
        raise DomainError("所选指标不属于该评价")
    with transaction.atomic():
        evaluation = _locked(evaluation)
        ensure_agency(actor, evaluation)  # the commission may have moved meanwhile
        _status(evaluation, tuple(AGENCY_EDITABLE), "上传工作底稿")
        evidence = Evidence(evaluation=evaluation, item=item, name=name, size=upload.size or 0, uploaded_by=actor)
        evidence.file.save(name, upload, save=False)
        evidence.save()
        log_action(
            actor=actor,
            action="keyeval.evidence.added",
            target=evaluation,
            data={"file": name, **({"item": item.level3} if item else {})},
        )
    return evidence


def evidence_remove(*, actor: Any, evidence: Evidence) -> None:
    evaluation = evidence.evaluation
    ensure_agency(actor, evaluation)
    with transaction.atomic():
        evaluation = _locked(evaluation)
        ensure_agency(actor, evaluation)  # the commission may have moved meanwhile
        _status(evaluation, tuple(AGENCY_EDITABLE), "删除工作底稿")
        name = evidence.name
        evidence.delete()
        transaction.on_commit(lambda: evidence.file.delete(save=False))
        log_action(actor=actor, action="keyeval.evidence.removed", target=evaluation, data={"file": name})


def submission_problems(evaluation: Evaluation) -> list[str]:
    """Why the agency cannot submit yet: every check error, unscored items, no conclusion."""
    items = as_core(list(evaluation.items.all()))
    problems = [c.message for c in core.check(items) if c.severity == "error"]
    unscored = sum(1 for i in items if i.score is None)
    if unscored:
        problems.append(f"还有 {unscored} 项指标未评分")
    if not evaluation.conclusion.strip():
        problems.append("请填写评价结论和主要问题")
    return problems


def submit(
    *, actor: Any, evaluation: Evaluation, conclusion: str, report: UploadedFile[bytes] | None = None
) -> Evaluation:
    """The agency hands in its report: all items scored and the index system valid; the total
    and grade are computed here, never typed. A report file is required the first time."""
    ensure_agency(actor, evaluation)
    conclusion = _text(conclusion, "评价结论和主要问题", required=True, longest=5000)
    name = ""
    if report is not None:
        name = evidence_name(report.name or "", report.size)
        if not any(name.lower().endswith(t) for t in REPORT_TYPES):
            raise DomainError(f"评价报告应为 {'、'.join(sorted(REPORT_TYPES))} 文件，收到「{name}」")
    with transaction.atomic():
        evaluation = _locked(evaluation)
        ensure_agency(actor, evaluation)  # the commission may have moved meanwhile
        _status(evaluation, tuple(AGENCY_EDITABLE), "提交报告")
        evaluation.conclusion = conclusion
        problems = submission_problems(evaluation)
        if report is None and not evaluation.report:
            problems.append("请上传评价报告")
        if problems:
            raise DomainError("；".join(problems))
        if report is not None:
            if evaluation.report:
                old = str(evaluation.report.name)
                transaction.on_commit(lambda: evaluation.report.storage.delete(old))
            evaluation.report.save(name, report, save=False)
            evaluation.report_name, evaluation.report_size = name, report.size or 0
        total = core.total(as_core(list(evaluation.items.all())))
        assert total is not None  # every item is scored (checked above)
        # Graded by the region's bands for that year, as its self-evaluations are.
        evaluation.total = total
        evaluation.grade = core.grade(total, rules_in_force(evaluation.region_id, evaluation.fiscal_year_id))
        evaluation.status, evaluation.submitted_by, evaluation.submitted_at = Status.SUBMITTED, actor, timezone.now()
        evaluation.save()
        log_action(
            actor=actor,
            action="keyeval.evaluation.submitted",
            target=evaluation,
            data={"total": str(total), "grade": evaluation.grade, "report": evaluation.report_name},
        )
    return evaluation


def feedback(*, actor: Any, evaluation: Evaluation, text: str) -> Evaluation:
    """The evaluated unit's view of the submitted report (征求被评价单位意见): facts it disputes,
    problems it has already fixed. The office reads it before returning or rating the report;
    writing again replaces it."""
    ensure_perm(actor, "keyeval.feedback", evaluation)
    text = _text(text, "反馈意见", required=True)
    with transaction.atomic():
        evaluation = _locked(evaluation)
        _status(evaluation, (Status.SUBMITTED,), "反馈意见")
        evaluation.feedback, evaluation.feedback_by, evaluation.feedback_at = text, actor, timezone.now()
        evaluation.save(update_fields=["feedback", "feedback_by", "feedback_at"])
        log_action(actor=actor, action="keyeval.evaluation.feedback", target=evaluation, data={"length": len(text)})
    return evaluation


def return_report(*, actor: Any, evaluation: Evaluation, note: str) -> Evaluation:
    """The office sends the report back for revision."""
    ensure_perm(actor, "keyeval.manage", evaluation)
    note = _text(note, "退回意见", required=True)
    with transaction.atomic():
        evaluation = _locked(evaluation)
        _status(evaluation, (Status.SUBMITTED,), "退回")
        evaluation.status, evaluation.return_note = Status.WORKING, note
        evaluation.returns += 1
        # The score is the agency's again until it resubmits: no stale total on any page.
        evaluation.total, evaluation.grade = None, ""
        evaluation.save(update_fields=["status", "return_note", "returns", "total", "grade"])
        # The unit's feedback stays on record (the audit log and this field) until it writes again.
        log_action(actor=actor, action="keyeval.evaluation.returned", target=evaluation, data={"reason": note})
    return evaluation


def rate(*, actor: Any, evaluation: Evaluation, quality: Decimal, note: str = "") -> Evaluation:
    """The office accepts the report and rates its quality (0–100), which joins the agency's
    record."""
    ensure_perm(actor, "keyeval.manage", evaluation)
    if (
        not quality.is_finite()
        or not Decimal(0) <= quality <= Decimal(100)
        or quality != quality.quantize(Decimal("0.01"))
    ):
        raise DomainError(f"报告质量评分应为 0 到 100 之间、最多两位小数的数，收到「{quality}」")
    note = _text(note, "质量评价意见")
    with transaction.atomic():
        evaluation = _locked(evaluation)
        _status(evaluation, (Status.SUBMITTED,), "评定")
        evaluation.quality, evaluation.quality_note = quality, note
        evaluation.status, evaluation.rated_by, evaluation.rated_at = Status.RATED, actor, timezone.now()
        evaluation.save(update_fields=["quality", "quality_note", "status", "rated_by", "rated_at"])
        log_action(
            actor=actor,
            action="keyeval.evaluation.rated",
            target=evaluation,
            data={"quality": str(quality), "total": str(evaluation.total), "grade": evaluation.grade},
        )
    return evaluation
