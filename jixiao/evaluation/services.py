"""Writes to self-evaluation: rounds, forms and their workflow, evidence, finance's sample and
re-check, and the scoring rules.

Every write checks the permission and reach, runs in one transaction and leaves one audit entry.
``form_transition`` is the only writer of a form's state (``core.report_flow``'s table with the
evaluation permissions).
"""

import math
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from jixiao.accounts.permissions import ensure_perm, in_reach
from jixiao.audit.services import log_action
from jixiao.budget.models import Execution, UnitBudget
from jixiao.core import scoring
from jixiao.core.errors import DomainError, Forbidden
from jixiao.core.evidence import evidence_name
from jixiao.core.numbers import AmountError, check_amount
from jixiao.core.report_flow import SELFEVAL_TRANSITIONS, ReportAction, ReportFlowError, report_transition_for
from jixiao.evaluation import compute
from jixiao.evaluation.models import Evidence, Line, Round, ScoringRules, SelfEval, Status, Step
from jixiao.goals.models import GoalSheet, Kind
from jixiao.monitoring.compute import update_rows
from jixiao.org.models import FiscalYear

MAX_TEXT = 2000
REVIEWED = (Status.SUBMITTED, Status.ACCEPTED)
HUNDRED = Decimal(100)


def _text(value: str, label: str, limit: int = MAX_TEXT) -> str:
    value = (value or "").strip()
    if len(value) > limit:
        raise DomainError(f"{label}不超过 {limit} 字")
    return value


# --- rounds ----------------------------------------------------------------------------------


def eligible_sheets(fiscal_year: FiscalYear) -> Any:
    """Every goal sheet of the year that finance approved (and did not since reject): project
    sheets and department (部门整体) sheets alike."""
    return (
        GoalSheet.objects.with_scope(region=[fiscal_year.region_id], unit=None)
        .filter(fiscal_year=fiscal_year, approved_version__gt=0)
        .exclude(status="rejected")
    )


def _spent(project_ids: Sequence[int]) -> dict[int, Decimal]:
    rows = (
        Execution.objects.with_scope(region=None, unit=None)
        .filter(project_id__in=project_ids)
        .values("project_id")
        .annotate(total=Sum("amount"))
    )
    return {row["project_id"]: row["total"] for row in rows}


def _new_form(
    sheet: GoalSheet, round_: Round, spent: Mapping[int, Decimal], budgets: Mapping[int, Decimal]
) -> SelfEval:
    form = SelfEval(
        region_id=sheet.region_id,
        unit_id=sheet.unit_id,
        round=round_,
        sheet=sheet,
        project_id=sheet.project_id,
        kind=sheet.kind,
        goal=sheet.goal,
    )
    if sheet.kind == Kind.PROJECT and sheet.project is not None:
        form.initial_budget = sheet.project.initial_budget
        form.adjusted_budget = sheet.project.adjusted_budget
        form.spent = spent.get(sheet.project.pk, Decimal(0))
        form.execution_from_data = True
    else:
        # No payment data stands behind a department's whole spending: the unit reports it.
        form.initial_budget = budgets.get(sheet.unit_id, sheet.total)
        form.execution_from_data = False
    return form


def lines_for(form: SelfEval, sheet: GoalSheet) -> list[Line]:
    """The form's lines: the approved sheet's indicators with their targets, weights and sources."""
    return [
        Line(
            form=form,
            position=i.position,
            level1=i.level1,
            level2=i.level2,
            name=i.name or "（未命名指标）",
            symbol=i.symbol,
            value=i.value,
            unit=i.unit,
            weight=i.weight,
            source=i.source,
        )
        for i in sheet.indicators.all()
    ]


def _ensure_no_open_round(fiscal_year: FiscalYear) -> None:
    if Round.objects.with_scope(region=[fiscal_year.region_id]).filter(fiscal_year=fiscal_year, closed=False).exists():
        raise DomainError(f"{fiscal_year.year} 年度已有进行中的自评任务，请先结束它")


def round_open(*, actor: Any, fiscal_year: FiscalYear, title: str, deadline: Any, instructions: str = "") -> Round:
    """Open a round: one form per approved goal sheet of the year, pre-filled with its indicators,
    targets and weights, the year's budget and payments, and scored at once; the scoring rules of
    today are frozen into the round."""
    ensure_perm(actor, "evaluation.manage", fiscal_year.region)
    title = _text(title, "自评任务名称", 100)
    if not title:
        raise DomainError("请填写自评任务名称")
    _ensure_no_open_round(fiscal_year)
    sheets = list(eligible_sheets(fiscal_year).select_related("project").prefetch_related("indicators"))
    if not sheets:
        raise DomainError(f"{fiscal_year.year} 年度没有已批复的绩效目标表，无法开展自评")
    version, data = compute.frozen_rules(fiscal_year.region_id, fiscal_year.pk)
    spent = _spent([s.project_id for s in sheets if s.project_id])
    budgets = {
        b.unit_id: b.total
        for b in UnitBudget.objects.with_scope(region=[fiscal_year.region_id], unit=None).filter(
            fiscal_year=fiscal_year
        )
    }
    with transaction.atomic():
        # The year's row is the lock: a second 发起 (a double click) waits, then finds this round.
        FiscalYear.objects.with_scope(region=[fiscal_year.region_id]).select_for_update().get(pk=fiscal_year.pk)
        _ensure_no_open_round(fiscal_year)
        round_ = Round.objects.create(
            region_id=fiscal_year.region_id,
            fiscal_year=fiscal_year,
            title=title,
            deadline=deadline,
            instructions=_text(instructions, "工作要求"),
            rules_version=version,
            rules=data,
            created_by=actor,
        )
        forms = SelfEval.objects.bulk_create(_new_form(s, round_, spent, budgets) for s in sheets)
        Line.objects.bulk_create(
            line for form, sheet in zip(forms, sheets, strict=True) for line in lines_for(form, sheet)
        )
        _rescore(round_)
        log_action(
            actor=actor,
            action="evaluation.round.opened",
            target=round_,
            region=fiscal_year.region,
            data={"title": title, "year": fiscal_year.year, "forms": len(forms), "rules": version},
        )
    return round_


def _rescore(round_: Round, forms: Any = None) -> int:
    qs = forms if forms is not None else SelfEval.objects.with_scope(region=[round_.region_id], unit=None)
    qs = qs.filter(round=round_).select_related("round__fiscal_year", "sheet", "project", "unit")
    return compute.refresh_all(qs.prefetch_related("lines", "evidence"), compute.rules_of(round_))


def round_refresh(*, actor: Any, round_: Round) -> int:
    """Take the latest payment data into the forms not yet accepted, and score them again."""
    ensure_perm(actor, "evaluation.manage", round_.region)
    with transaction.atomic():
        round_ = Round.objects.with_scope(region=[round_.region_id]).select_for_update().get(pk=round_.pk)
        if round_.closed:
            raise DomainError("自评任务已结束，不再重算")
        forms = SelfEval.objects.with_scope(region=[round_.region_id], unit=None).filter(round=round_)
        open_forms = forms.exclude(status=Status.ACCEPTED)
        spent = _spent(list(open_forms.filter(execution_from_data=True).values_list("project_id", flat=True)))
        for form in open_forms.filter(execution_from_data=True).select_related("project"):
            assert form.project is not None
            form.initial_budget = form.project.initial_budget
            form.adjusted_budget = form.project.adjusted_budget
            form.spent = spent.get(form.project.pk, Decimal(0))
            form.save(update_fields=["initial_budget", "adjusted_budget", "spent"])
        count = _rescore(round_, open_forms)
        log_action(actor=actor, action="evaluation.round.refreshed", target=round_, data={"forms": count})
    return count


def round_close(*, actor: Any, round_: Round) -> Round:
    ensure_perm(actor, "evaluation.manage", round_.region)
    with transaction.atomic():
        locked = Round.objects.with_scope(region=[round_.region_id]).select_for_update().get(pk=round_.pk)
        if locked.closed:
            raise DomainError("自评任务已结束")
        locked.closed = True
        locked.save(update_fields=["closed"])
        log_action(actor=actor, action="evaluation.round.closed", target=locked, data={"title": locked.title})
    return locked


# --- forms -----------------------------------------------------------------------------------


@dataclass
class LineIn:
    """What the unit writes on one indicator."""

    position: int
    actual: str = ""
    score: Decimal | None = None  # 定性 only
    deviation_reason: str = ""
    source: str = ""


@dataclass
class FormIn:
    """What the unit writes on the form as a whole. ``adjusted_budget`` and ``spent`` are taken
    only on a department form (a project's come from the imported data)."""

    lines: Sequence[LineIn] = ()
    goal_result: str = ""
    execution_reason: str = ""
    conclusion: str = ""
    problems: str = ""
    measures: str = ""
    adjusted_budget: Decimal | None = None
    spent: Decimal | None = None


def _locked(form: SelfEval) -> SelfEval:
    return (
        SelfEval.objects.with_scope(region=[form.region_id], unit=[form.unit_id])
        .select_for_update(of=("self",))
        .select_related("round__fiscal_year", "sheet", "project", "unit")
        .get(pk=form.pk)
    )


def _ensure_open(form: SelfEval) -> None:
    if form.round.closed:
        raise DomainError("自评任务已结束，不能再修改")


def _ensure_editable(form: SelfEval) -> None:
    _ensure_open(form)
    if not form.editable:
        raise DomainError(f"自评表当前状态为「{form.get_status_display()}」，不能修改")


def _amount(value: Decimal | None, label: str) -> Decimal | None:
    if value is None:
        return None
    try:
        return check_amount(value)
    except AmountError as e:
        raise DomainError(f"{label}：应为{e.expected}") from None


def _score_given(value: Decimal | None, label: str) -> Decimal | None:
    if value is None:
        return None
    if not value.is_finite() or not 0 <= value <= HUNDRED or value != value.quantize(Decimal("0.01")):
        raise DomainError(f"{label}应为 0 到 100 之间、最多两位小数的数")
    return value


def write_form(form: SelfEval, data: FormIn) -> list[Line]:
    """Put what the unit wrote onto ``form`` and its lines in memory, validated; raises
    ``DomainError`` naming the field. Nothing is saved."""
    lines = list(form.lines.all())
    by_position = {line.position: line for line in lines}
    seen: set[int] = set()
    for given in data.lines:
        line = by_position.get(given.position)
        if line is None:
            raise DomainError(f"自评表中没有第 {given.position + 1} 个指标")
        if given.position in seen:
            raise DomainError(f"第 {given.position + 1} 个指标填写了两次")
        seen.add(given.position)
        label = f"指标「{line.name}」的"
        line.actual = _text(given.actual, f"{label}实际完成值", 100)
        line.score_given = _score_given(given.score, f"{label}得分")
        line.deviation_reason = _text(given.deviation_reason, f"{label}偏差原因")
        line.source = _text(given.source, f"{label}数据来源", 200)
    form.goal_result = _text(data.goal_result, "总体目标实际完成情况", 5000)
    form.execution_reason = _text(data.execution_reason, "执行率偏低的原因")
    form.conclusion = _text(data.conclusion, "评价结论")
    form.problems = _text(data.problems, "存在问题")
    form.measures = _text(data.measures, "改进措施")
    if not form.execution_from_data:
        form.adjusted_budget = _amount(data.adjusted_budget, "全年预算数")
        form.spent = _amount(data.spent, "全年执行数")
    return lines


FORM_FIELDS = [
    "goal_result",
    "execution_reason",
    "conclusion",
    "problems",
    "measures",
    "adjusted_budget",
    "spent",
    "updated_at",
]
LINE_FIELDS = ["actual", "score_given", "deviation_reason", "source"]


def save_written(form: SelfEval, lines: Sequence[Line]) -> scoring.ScoreResult:
    """Store what ``write_form`` put on the form and score it; the caller holds the transaction,
    the lock and the permission, and writes the audit entry."""
    form.save(update_fields=FORM_FIELDS)
    update_rows(lines, LINE_FIELDS)
    return compute.refresh(form)


def form_save(*, actor: Any, form: SelfEval, data: FormIn) -> SelfEval:
    """The unit writes its actuals; the scores are computed again at once."""
    with transaction.atomic():
        form = _locked(form)
        ensure_perm(actor, "evaluation.edit", form)
        _ensure_editable(form)
        lines = write_form(form, data)
        save_written(form, lines)
        log_action(
            actor=actor,
            action="evaluation.form.saved",
            target=form,
            data={"total": None if form.total is None else str(form.total), "grade": form.grade},
        )
    return form


def form_preview(*, actor: Any, form: SelfEval, data: FormIn) -> tuple[scoring.ScoreResult, list[Line]]:
    """Score what the unit is typing, without storing it (the editor's live score)."""
    ensure_perm(actor, "evaluation.edit", form)
    lines = write_form(form, data)
    return compute.score_of(form, lines), lines


def submission_problems(form: SelfEval) -> list[str]:
    """What must be fixed before the form can go up: every error-level finding (each score
    computable, deviations explained, qualitative scores in band), and the overall result."""
    problems = [f["message"] for f in form.findings if f.get("severity") == "error"]
    if form.total is None and not problems:
        problems.append("自评表还没有计出总分：请逐项填写实际完成值")
    if not form.goal_result.strip():
        problems.append("请填写总体目标实际完成情况")
    return problems


def form_transition(*, actor: Any, form: SelfEval, action: str, reason: str = "") -> SelfEval:
    """Move the form one step (``core.report_flow.SELFEVAL_TRANSITIONS``)."""
    with transaction.atomic():
        locked = (
            SelfEval.objects.with_scope(region=[form.region_id], unit=[form.unit_id])
            .select_for_update(of=("self",))
            .select_related("round")
            .filter(pk=form.pk)
            .first()
        )
        if locked is None or not in_reach(actor, locked):
            raise Forbidden("您无权操作该自评表")
        form = locked
        try:
            ensure_perm(actor, SELFEVAL_TRANSITIONS[ReportAction(action)].perm, form)
        except ValueError:
            raise DomainError(f"未知的操作「{action}」") from None
        _ensure_open(form)
        try:
            t = report_transition_for(form.status, action, reason, table=SELFEVAL_TRANSITIONS, noun="自评表")
        except ReportFlowError as e:
            raise DomainError(str(e)) from None
        if t.action is ReportAction.SUBMIT:
            problems = submission_problems(form)
            if problems:
                raise DomainError("还不能报送：" + "；".join(problems[:5]) + ("……" if len(problems) > 5 else ""))
            form.submitted_at = timezone.now()
        before = form.status
        form.status = t.target.value
        form.save(update_fields=["status", "submitted_at", "updated_at"])
        Step.objects.create(
            form=form,
            action=t.action.value,
            from_status=before,
            to_status=form.status,
            actor=actor,
            reason=_text(reason, "意见"),
        )
        log_action(
            actor=actor,
            action=f"evaluation.form.{t.action.value}",
            target=form,
            data={"from": before, "to": form.status, **({"reason": reason.strip()} if reason.strip() else {})},
        )
    return form


# --- finance's sample and re-check -----------------------------------------------------------


def sample_draw(*, actor: Any, round_: Round, share: Decimal) -> list[SelfEval]:
    """Draw a random share of the forms finance has received (报送或已审核) for re-checking
    (抽查复核). Forms drawn earlier stay drawn; the draw adds until the share is reached."""
    ensure_perm(actor, "evaluation.recheck", round_.region)
    if not share.is_finite() or not Decimal("0.01") <= share <= 1:
        raise DomainError("抽查比例应在 1% 到 100% 之间")
    with transaction.atomic():
        round_ = Round.objects.with_scope(region=[round_.region_id]).select_for_update().get(pk=round_.pk)
        if round_.closed:
            raise DomainError("自评任务已结束，不再抽查")
        received = SelfEval.objects.with_scope(region=[round_.region_id], unit=None).filter(
            round=round_, status__in=REVIEWED
        )
        pool = list(received.filter(sampled=False).order_by("pk"))
        wanted = math.ceil(received.count() * share) - received.filter(sampled=True).count()
        if not pool or wanted <= 0:
            raise DomainError("没有需要新抽取的自评表：已抽取的数量已达到比例，或还没有报送到财政的自评表")
        # Not reproducible on purpose: whoever draws must not be able to try shares until a form
        # is spared. The drawn ids go into the audit entry.
        drawn = random.SystemRandom().sample(pool, min(wanted, len(pool)))
        SelfEval.objects.with_scope(region=[round_.region_id], unit=None).filter(pk__in=[f.pk for f in drawn]).update(
            sampled=True
        )
        for form in drawn:
            form.sampled = True
        log_action(
            actor=actor,
            action="evaluation.round.sampled",
            target=round_,
            data={"share": str(share), "drawn": len(drawn), "forms": [f.pk for f in drawn]},
        )
    return drawn


def recheck_save(*, actor: Any, form: SelfEval, total: Decimal, note: str) -> SelfEval:
    """Finance's own score for a form it received; a unit score 10 points or more above it is
    flagged 自评失真 (DOMAIN.md §7.7, S7)."""
    try:
        total = Decimal(total)
    except (InvalidOperation, TypeError):
        raise DomainError("复核得分应为数字") from None
    if not total.is_finite() or not 0 <= total <= HUNDRED or total != total.quantize(Decimal("0.01")):
        raise DomainError("复核得分应为 0 到 100 之间、最多两位小数的数")
    with transaction.atomic():
        form = _locked(form)
        ensure_perm(actor, "evaluation.recheck", form)
        _ensure_open(form)
        if form.status not in REVIEWED:
            raise DomainError("只能复核已报送到财政的自评表")
        note = _text(note, "复核意见")
        if not note:
            raise DomainError("请填写复核意见：说明复核发现的问题和扣分理由")
        form.check_total = total
        form.check_note = note
        form.checked_by = actor
        form.checked_at = timezone.now()
        form.save(update_fields=["check_total", "check_note", "checked_by", "checked_at"])
        compute.refresh(form)
        log_action(
            actor=actor,
            action="evaluation.form.rechecked",
            target=form,
            data={
                "unit_total": None if form.total is None else str(form.total),
                "check_total": str(total),
                "distorted": form.distorted,
            },
        )
    return form


# --- evidence --------------------------------------------------------------------------------


def evidence_add(
    *, actor: Any, form: SelfEval, upload: UploadedFile[bytes] | None, position: int | None = None
) -> Evidence:
    if upload is None:
        raise DomainError("请选择要上传的文件")
    name = evidence_name(upload.name or "", upload.size)
    with transaction.atomic():
        form = _locked(form)
        ensure_perm(actor, "evaluation.edit", form)
        _ensure_editable(form)
        if position is not None and not form.lines.filter(position=position).exists():
            raise DomainError(f"自评表中没有第 {position + 1} 个指标")
        evidence = Evidence(form=form, position=position, name=name, size=upload.size or 0, uploaded_by=actor)
        evidence.file.save(name, upload, save=False)
        evidence.save()
        compute.refresh(form)
        log_action(
            actor=actor, action="evaluation.evidence.added", target=form, data={"file": name, "position": position}
        )
    return evidence


def evidence_remove(*, actor: Any, evidence: Evidence) -> None:
    with transaction.atomic():
        form = _locked(evidence.form)
        ensure_perm(actor, "evaluation.edit", form)
        _ensure_editable(form)
        name = evidence.name
        evidence.delete()
        transaction.on_commit(lambda: evidence.file.delete(save=False))
        compute.refresh(form)
        log_action(actor=actor, action="evaluation.evidence.removed", target=form, data={"file": name})


# --- rules -----------------------------------------------------------------------------------


def rules_save(*, actor: Any, fiscal_year: FiscalYear, data: Mapping[str, Any], note: str) -> ScoringRules:
    """A new version of the year's scoring rules (overrides over the shipped ones). Rounds
    already open keep the rules they were opened with."""
    ensure_perm(actor, "evaluation.manage", fiscal_year.region)
    overrides = {k: v for k, v in data.items() if k != "version"}
    try:
        scoring.ScoringRules.from_data(overrides)
    except ValueError as e:
        raise DomainError(str(e)) from None
    with transaction.atomic():
        versions = ScoringRules.objects.with_scope(region=[fiscal_year.region_id])
        count = versions.filter(fiscal_year=fiscal_year).count()
        version = f"{fiscal_year.region.code}-{fiscal_year.year}.s{count + 1}"
        saved = versions.create(
            region_id=fiscal_year.region_id,
            fiscal_year=fiscal_year,
            version=version,
            data=overrides,
            note=_text(note, "修改说明", 200),
            created_by=actor,
        )
        log_action(
            actor=actor,
            action="evaluation.rules.saved",
            target=saved,
            region=fiscal_year.region,
            data={"version": version, "note": saved.note},
        )
    return saved
