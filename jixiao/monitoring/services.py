"""Writes to monitoring: rounds, reports and their workflow, payment plans, evidence, finance's
decisions, the holiday calendar and the warning rules.

Every write checks the permission and reach, runs in one transaction and leaves one audit entry.
``report_transition`` is the only writer of a report's state (the table in ``core.report_flow``).
"""

import contextlib
import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from jixiao.accounts.permissions import ensure_perm, in_reach
from jixiao.audit.services import log_action
from jixiao.budget.models import Project, ProjectCategory
from jixiao.core.data import read_data
from jixiao.core.errors import DomainError, Forbidden
from jixiao.core.evidence import evidence_name
from jixiao.core.numbers import AmountError, check_amount
from jixiao.core.progress import WarningRules as CoreRules
from jixiao.core.report_flow import REPORT_TRANSITIONS, ReportAction, ReportFlowError, report_transition_for
from jixiao.core.workdays import HolidayCalendar, add_working_days
from jixiao.goals.models import GoalSheet, Kind
from jixiao.monitoring import compute
from jixiao.monitoring.models import (
    Attachment,
    Decision,
    DecisionKind,
    DecisionStatus,
    Holiday,
    Light,
    Likelihood,
    Line,
    PaymentPlan,
    Reason,
    Report,
    Round,
    RoundKind,
    Scope,
    Step,
    WarningRules,
)
from jixiao.org.models import FiscalYear, Region

MAX_TEXT = 2000
WARNED = (Light.RED, Light.YELLOW, Light.BLUE)


def _text(value: str, label: str, limit: int = MAX_TEXT) -> str:
    value = (value or "").strip()
    if len(value) > limit:
        raise DomainError(f"{label}不超过 {limit} 字")
    return value


# --- rounds ----------------------------------------------------------------------------------


def eligible_sheets(fiscal_year: FiscalYear) -> Any:
    """Project sheets finance has approved (and not since rejected): the projects monitored."""
    return (
        GoalSheet.objects.with_scope(region=[fiscal_year.region_id], unit=None)
        .filter(fiscal_year=fiscal_year, kind=Kind.PROJECT, approved_version__gt=0)
        .exclude(status="rejected")
    )


def round_open(
    *,
    actor: Any,
    fiscal_year: FiscalYear,
    title: str,
    month: int,
    deadline: dt.date,
    kind: str = RoundKind.GENERAL,
    scope: str = Scope.ALL,
    category: ProjectCategory | None = None,
    project_ids: Sequence[int] = (),
    instructions: str = "",
) -> Round:
    """Open a round: one report per project in scope, with its approved indicators, its figures
    computed from the payments so far, and the rules and spending profiles of today frozen in."""
    ensure_perm(actor, "monitoring.manage", fiscal_year.region)
    title = _text(title, "监控任务名称", 100)
    if not title:
        raise DomainError("请填写监控任务名称")
    if not 1 <= month <= 12:
        raise DomainError(f"监控截至月份应为 1–12，收到 {month}")
    if kind not in RoundKind.values or scope not in Scope.values:
        raise DomainError("监控类型或范围无效")
    sheets = eligible_sheets(fiscal_year).select_related("project")
    if scope == Scope.CATEGORY:
        if category is None or category.region_id != fiscal_year.region_id:
            raise DomainError("按类别监控时请选择项目类别")
        sheets = sheets.filter(project__category=category)
    elif scope == Scope.LIST:
        wanted = set(project_ids)
        if not wanted:
            raise DomainError("指定项目监控时请至少选择一个项目")
        sheets = sheets.filter(project_id__in=wanted)
        missing = wanted - {s.project_id for s in sheets}
        if missing:
            names = Project.objects.with_scope(region=[fiscal_year.region_id], unit=None).filter(pk__in=missing)
            listed = "、".join(p.name for p in names[:5]) or "、".join(str(m) for m in sorted(missing)[:5])
            raise DomainError(f"以下项目没有已批复的本年度绩效目标，不能纳入监控：{listed}")
    sheets_list = list(sheets.prefetch_related("indicators"))
    if not sheets_list:
        raise DomainError("范围内没有已批复绩效目标的项目")
    version, data = compute.rules_for(fiscal_year.region_id, fiscal_year.pk)
    with transaction.atomic():
        round_ = Round.objects.create(
            region_id=fiscal_year.region_id,
            fiscal_year=fiscal_year,
            title=title,
            month=month,
            kind=kind,
            scope=scope,
            category=category if scope == Scope.CATEGORY else None,
            deadline=deadline,
            instructions=_text(instructions, "工作要求"),
            rules_version=version,
            rules=data,
            profiles=compute.learned_profiles(fiscal_year.region_id, fiscal_year.year),
            created_by=actor,
        )
        reports = Report.objects.bulk_create(
            Report(region_id=s.region_id, unit_id=s.unit_id, round=round_, project_id=s.project_id, sheet=s)
            for s in sheets_list
        )
        Line.objects.bulk_create(
            Line(
                report=report,
                position=i.position,
                level1=i.level1,
                level2=i.level2,
                name=i.name or "（未命名指标）",
                symbol=i.symbol,
                target=i.value,
                unit=i.unit,
            )
            for report, sheet in zip(reports, sheets_list, strict=True)
            for i in sheet.indicators.all()
        )
        compute.refresh_round(round_)
        log_action(
            actor=actor,
            action="monitoring.round.opened",
            target=round_,
            region=fiscal_year.region,
            data={"title": title, "month": month, "kind": kind, "scope": scope, "reports": len(reports)},
        )
    return round_


def round_refresh(*, actor: Any, round_: Round) -> int:
    """Recompute every report after new payment data came in."""
    ensure_perm(actor, "monitoring.manage", round_.region)
    with transaction.atomic():
        round_ = Round.objects.with_scope(region=[round_.region_id]).select_for_update().get(pk=round_.pk)
        if round_.closed:
            raise DomainError("监控任务已结束，不再重算")
        count = compute.refresh_round(round_)
        log_action(actor=actor, action="monitoring.round.refreshed", target=round_, data={"reports": count})
    return count


def round_close(*, actor: Any, round_: Round) -> Round:
    ensure_perm(actor, "monitoring.manage", round_.region)
    with transaction.atomic():
        locked = Round.objects.with_scope(region=[round_.region_id]).select_for_update().get(pk=round_.pk)
        if locked.closed:
            raise DomainError("监控任务已结束")
        locked.closed = True
        locked.save(update_fields=["closed"])
        log_action(actor=actor, action="monitoring.round.closed", target=locked, data={"title": locked.title})
    return locked


# --- reports ---------------------------------------------------------------------------------


@dataclass
class LineIn:
    """What the unit reports on one indicator."""

    position: int
    done: str = ""
    expected: str = ""
    reason: str = ""
    reason_note: str = ""
    likelihood: str = ""
    measures: str = ""


def _locked_report(report: Report) -> Report:
    return (
        Report.objects.with_scope(region=[report.region_id], unit=[report.unit_id])
        .select_for_update(of=("self",))
        .select_related("round__fiscal_year", "project__category")
        .get(pk=report.pk)
    )


def _write_lines(report: Report, lines: Sequence[LineIn]) -> None:
    stored = {line.position: line for line in report.lines.all()}
    seen = set()
    for given in lines:
        line = stored.get(given.position)
        if line is None:
            raise DomainError(f"监控表中没有第 {given.position + 1} 个指标")
        if given.position in seen:
            raise DomainError(f"第 {given.position + 1} 个指标填报了两次")
        seen.add(given.position)
        label = f"指标「{line.name}」的"
        if given.reason and given.reason not in Reason.values:
            raise DomainError(f"{label}偏差原因「{given.reason}」应为 {'、'.join(Reason.values)} 之一")
        if given.likelihood and given.likelihood not in Likelihood.values:
            raise DomainError(f"{label}完成目标可能性「{given.likelihood}」应为 {'、'.join(Likelihood.values)} 之一")
        line.done = _text(given.done, f"{label}完成值", 100)
        line.expected = _text(given.expected, f"{label}全年预计完成值", 100)
        line.reason = given.reason
        line.reason_note = _text(given.reason_note, f"{label}偏差原因说明")
        line.likelihood = given.likelihood
        line.measures = _text(given.measures, f"{label}措施")
    Line.objects.bulk_update(stored.values(), ["done", "expected", "reason", "reason_note", "likelihood", "measures"])


def report_save(
    *,
    actor: Any,
    report: Report,
    lines: Sequence[LineIn],
    summary: str = "",
    estimate: Decimal | None = None,
    field_notes: str = "",
) -> Report:
    """The unit writes its progress; the lights are computed again at once."""
    with transaction.atomic():
        report = _locked_report(report)
        ensure_perm(actor, "monitoring.edit", report)
        _ensure_open(report)
        if not report.editable:
            raise DomainError(f"监控表当前状态为「{report.get_status_display()}」，不能修改")
        _report_write(report, lines, summary, estimate, field_notes)
        log_action(actor=actor, action="monitoring.report.saved", target=report, data={"light": report.light})
    return report


def _report_write(
    report: Report, lines: Sequence[LineIn], summary: str, estimate: Decimal | None, field_notes: str
) -> Report:
    """Write the unit's progress into ``report`` and compute its lights, without an audit entry.

    The caller holds the transaction, has locked the report (``_locked_report``) and checked the
    permission, the round and the status: ``report_save`` logs one entry per report, the Excel
    import (``imports``) one entry per file."""
    if estimate is not None:
        try:
            estimate = check_amount(estimate)
        except AmountError as e:
            raise DomainError(f"预计全年执行数：应为{e.expected}") from None
    report.estimate = estimate
    report.summary = _text(summary, "执行情况与偏差分析", 5000)
    report.field_notes = _text(field_notes, "实地核查情况", 5000)
    report.save(update_fields=["estimate", "summary", "field_notes", "updated_at"])
    _write_lines(report, lines)
    compute.refresh(report)
    return report


def _ensure_open(report: Report) -> None:
    if report.round.closed:
        raise DomainError("监控任务已结束，不能再修改")


def submission_problems(report: Report) -> list[str]:
    """What the unit must still write before the report can go up: a completion value for every
    indicator, and for every indicator that warns, the reason, the likelihood and the measures
    (财预〔2019〕136号 annex); for 重点监控, the field check and its evidence."""
    problems = []
    for line in report.lines.all():
        if not line.done.strip():
            problems.append(f"指标「{line.name}」未填截至本期完成值")
        elif line.light in (Light.RED, Light.YELLOW):
            missing = [
                label
                for label, value in (
                    ("偏差原因", line.reason),
                    ("完成目标可能性", line.likelihood),
                    ("措施", line.measures),
                )
                if not value.strip()
            ]
            if missing:
                problems.append(f"指标「{line.name}」亮{line.get_light_display()}，请填写{'、'.join(missing)}")
    if report.light in (Light.RED, Light.YELLOW) and not report.summary.strip():
        problems.append(f"项目亮{report.get_light_display()}，请填写执行情况与偏差分析")
    if report.round.kind == RoundKind.KEY:
        if not report.field_notes.strip():
            problems.append("重点监控项目请填写实地核查情况")
        if not report.attachments.exists():
            problems.append("重点监控项目请上传佐证材料")
    return problems


def report_transition(*, actor: Any, report: Report, action: str, reason: str = "") -> Report:
    """Move the report one step (the table in ``core.report_flow``)."""
    with transaction.atomic():
        locked = (
            Report.objects.with_scope(region=[report.region_id], unit=[report.unit_id])
            .select_for_update(of=("self",))
            .select_related("round")
            .filter(pk=report.pk)
            .first()
        )
        if locked is None or not in_reach(actor, locked):
            raise Forbidden("您无权操作该监控表")
        report = locked
        try:
            ensure_perm(actor, REPORT_TRANSITIONS[ReportAction(action)].perm, report)
        except ValueError:
            raise DomainError(f"未知的操作「{action}」") from None
        _ensure_open(report)
        try:
            t = report_transition_for(report.status, action, reason)
        except ReportFlowError as e:
            raise DomainError(str(e)) from None
        if t.action is ReportAction.SUBMIT:
            problems = submission_problems(report)
            if problems:
                raise DomainError("还不能报送：" + "；".join(problems[:5]) + ("……" if len(problems) > 5 else ""))
            report.submitted_at = timezone.now()
        before = report.status
        report.status = t.target.value
        report.save(update_fields=["status", "submitted_at", "updated_at"])
        Step.objects.create(
            report=report,
            action=t.action.value,
            from_status=before,
            to_status=report.status,
            actor=actor,
            reason=_text(reason, "意见"),
        )
        log_action(
            actor=actor,
            action=f"monitoring.report.{t.action.value}",
            target=report,
            data={"from": before, "to": report.status, **({"reason": reason.strip()} if reason.strip() else {})},
        )
    return report


def attachment_add(*, actor: Any, report: Report, upload: UploadedFile[bytes] | None) -> Attachment:
    if upload is None:
        raise DomainError("请选择要上传的文件")
    name = evidence_name(upload.name or "", upload.size)
    with transaction.atomic():
        report = _locked_report(report)
        ensure_perm(actor, "monitoring.edit", report)
        _ensure_open(report)
        if not report.editable:
            raise DomainError(f"监控表当前状态为「{report.get_status_display()}」，不能修改")
        attachment = Attachment(report=report, name=name, size=upload.size or 0, uploaded_by=actor)
        attachment.file.save(name, upload, save=False)
        attachment.save()
        log_action(actor=actor, action="monitoring.attachment.added", target=report, data={"file": name})
    return attachment


def attachment_remove(*, actor: Any, attachment: Attachment) -> None:
    with transaction.atomic():
        report = _locked_report(attachment.report)
        ensure_perm(actor, "monitoring.edit", report)
        if not report.editable:
            raise DomainError(f"监控表当前状态为「{report.get_status_display()}」，不能修改")
        name = attachment.name
        attachment.delete()
        transaction.on_commit(lambda: attachment.file.delete(save=False))
        log_action(actor=actor, action="monitoring.attachment.removed", target=report, data={"file": name})


# --- payment plans ----------------------------------------------------------------------------


def plan_save(*, actor: Any, project: Project, months: Sequence[Decimal]) -> PaymentPlan:
    """The unit's monthly payment plan for a project; open reports are measured against it at once."""
    ensure_perm(actor, "monitoring.edit", project)
    if len(months) != 12:
        raise DomainError(f"用款计划应有 12 个月，收到 {len(months)} 个")
    amounts = []
    for n, amount in enumerate(months, start=1):
        try:
            amounts.append(check_amount(amount))
        except AmountError as e:
            raise DomainError(f"{n} 月计划支付数：应为{e.expected}") from None
    total = sum(amounts, Decimal(0))
    if total <= 0:
        raise DomainError("用款计划合计应大于 0")
    if total > project.adjusted_budget:
        raise DomainError(f"用款计划合计 {total} 元超过项目全年预算 {project.adjusted_budget} 元")
    with transaction.atomic():
        plan, _ = PaymentPlan.objects.with_scope(region=[project.region_id], unit=[project.unit_id]).update_or_create(
            project=project,
            defaults={
                "region_id": project.region_id,
                "unit_id": project.unit_id,
                "months": [str(a) for a in amounts],
                "updated_by": actor,
            },
        )
        open_reports = (
            Report.objects.with_scope(region=[project.region_id], unit=[project.unit_id])
            .filter(project=project, round__closed=False)
            .select_related("round__fiscal_year", "project__category")
        )
        for report in open_reports:
            compute.refresh(report, plan=plan)
        log_action(actor=actor, action="monitoring.plan.saved", target=project, data={"total": str(total)})
    return plan


# --- decisions -------------------------------------------------------------------------------


def calendar_for(region_id: int, years: Sequence[int]) -> HolidayCalendar:
    """The region's calendar for ``years``: the office's own days where it has kept the year,
    else the arrangement shipped with Jixiao (a year with neither counts weekends only)."""
    kept = Holiday.objects.with_scope(region=[region_id]).filter(date__year__in=list(years))
    by_year: dict[int, list[Holiday]] = {}
    for day in kept:
        by_year.setdefault(day.date.year, []).append(day)
    calendar = HolidayCalendar()
    for year in years:
        if year in by_year:
            days = by_year[year]
            calendar = calendar.merged(
                HolidayCalendar(
                    holidays=frozenset(d.date for d in days if not d.working),
                    workdays=frozenset(d.date for d in days if d.working),
                )
            )
        else:
            with contextlib.suppress(FileNotFoundError):
                calendar = calendar.merged(
                    HolidayCalendar.from_data(json.loads(read_data(f"monitoring/holidays-{year}.json")))
                )
    return calendar


def decision_make(
    *,
    actor: Any,
    report: Report,
    kind: str,
    reason: str,
    working_days: int,
    amount: Decimal | None = None,
    today: dt.date | None = None,
) -> Decision:
    """Finance's decision on a warned project, due in ``working_days`` working days."""
    ensure_perm(actor, "monitoring.decide", report)
    if kind not in DecisionKind.values:
        raise DomainError(f"处理决定「{kind}」应为 {'、'.join(DecisionKind.labels)} 之一")
    reason = _text(reason, "理由")
    if not reason:
        raise DomainError("请填写作出处理决定的理由")
    if not 1 <= working_days <= 60:
        raise DomainError(f"办理时限应为 1–60 个工作日，收到 {working_days}")
    if amount is not None:
        try:
            amount = check_amount(amount)
        except AmountError as e:
            raise DomainError(f"涉及金额：应为{e.expected}") from None
    if kind in (DecisionKind.ADJUST, DecisionKind.SUSPEND, DecisionKind.STOP) and amount is None:
        raise DomainError("调剂、暂缓拨款或收回资金须填写涉及金额")
    if report.light not in WARNED:
        raise DomainError("该项目未预警，无需作出处理决定")
    start = timezone.localdate() if today is None else today
    due = add_working_days(start, working_days, calendar_for(report.region_id, [start.year, start.year + 1]))
    with transaction.atomic():
        decision = Decision.objects.create(
            region_id=report.region_id,
            unit_id=report.unit_id,
            report=report,
            project_id=report.project_id,
            kind=kind,
            reason=reason,
            amount=amount,
            working_days=working_days,
            due=due,
            decided_by=actor,
        )
        log_action(
            actor=actor,
            action="monitoring.decision.made",
            target=decision,
            data={"kind": kind, "due": due.isoformat(), "project": report.project.code},
        )
    return decision


def _locked_decision(decision: Decision) -> Decision:
    return (
        Decision.objects.with_scope(region=[decision.region_id], unit=[decision.unit_id])
        .select_for_update()
        .get(pk=decision.pk)
    )


def decision_answer(*, actor: Any, decision: Decision, text: str) -> Decision:
    """The unit reports what it did about the decision."""
    ensure_perm(actor, "monitoring.edit", decision)
    text = _text(text, "落实情况")
    if not text:
        raise DomainError("请填写落实情况")
    with transaction.atomic():
        decision = _locked_decision(decision)
        if decision.status != DecisionStatus.OPEN:
            raise DomainError(f"处理决定当前为「{decision.get_status_display()}」，不能再反馈")
        decision.follow_up, decision.followed_by, decision.followed_at = text, actor, timezone.now()
        decision.status = DecisionStatus.ANSWERED
        decision.save(update_fields=["follow_up", "followed_by", "followed_at", "status"])
        log_action(actor=actor, action="monitoring.decision.answered", target=decision, data={"late": decision.late})
    return decision


def decision_close(*, actor: Any, decision: Decision) -> Decision:
    """Finance accepts the unit's follow-up and closes the decision."""
    ensure_perm(actor, "monitoring.decide", decision)
    with transaction.atomic():
        decision = _locked_decision(decision)
        if decision.status != DecisionStatus.ANSWERED:
            raise DomainError("单位反馈落实情况后才能办结")
        decision.status, decision.closed_by, decision.closed_at = DecisionStatus.CLOSED, actor, timezone.now()
        decision.save(update_fields=["status", "closed_by", "closed_at"])
        log_action(actor=actor, action="monitoring.decision.closed", target=decision, data={})
    return decision


# --- calendar and rules -----------------------------------------------------------------------


def holiday_save(*, actor: Any, region: Region, date: dt.date, name: str, working: bool) -> Holiday:
    ensure_perm(actor, "monitoring.manage", region)
    name = _text(name, "名称", 30)
    if not name:
        raise DomainError("请填写节假日名称")
    if working and date.weekday() < 5:
        raise DomainError(f"{date} 是工作日，不必设为调休上班")
    if not working and date.weekday() >= 5:
        raise DomainError(f"{date} 是周末，本来就不上班")
    with transaction.atomic():
        day, _ = Holiday.objects.with_scope(region=[region.pk]).update_or_create(
            region=region, date=date, defaults={"name": name, "working": working}
        )
        log_action(
            actor=actor,
            action="monitoring.holiday.saved",
            target=day,
            region=region,
            data={"date": date.isoformat(), "name": name, "working": working},
        )
    return day


def holiday_delete(*, actor: Any, holiday: Holiday) -> None:
    ensure_perm(actor, "monitoring.manage", holiday.region)
    with transaction.atomic():
        data = {"date": holiday.date.isoformat(), "name": holiday.name, "deleted": True}
        region = holiday.region
        holiday.delete()
        log_action(actor=actor, action="monitoring.holiday.saved", target=None, region=region, data=data)


def holidays_load(*, actor: Any, region: Region, year: int) -> int:
    """Copy the arrangement shipped with Jixiao for ``year`` into the region's calendar."""
    ensure_perm(actor, "monitoring.manage", region)
    try:
        data = json.loads(read_data(f"monitoring/holidays-{year}.json"))
    except FileNotFoundError:
        raise DomainError(f"没有内置的 {year} 年节假日安排，请逐日录入") from None
    scope = Holiday.objects.with_scope(region=[region.pk])
    if scope.filter(date__year=year).exists():
        raise DomainError(f"{year} 年已有节假日安排；如需重来请先逐条删除")
    rows = [
        Holiday(region=region, date=dt.date.fromisoformat(d), name=group["name"][:30], working=working)
        for key, working in (("holidays", False), ("workdays", True))
        for group in data[key]
        for d in group["dates"]
    ]
    with transaction.atomic():
        scope.bulk_create(rows)
        log_action(
            actor=actor,
            action="monitoring.holiday.saved",
            target=None,
            region=region,
            data={"year": year, "loaded": len(rows), "status": data.get("status", "")},
        )
    return len(rows)


def rules_save(*, actor: Any, fiscal_year: FiscalYear, data: Mapping[str, Any], note: str) -> WarningRules:
    """A new version of the year's warning rules (overrides over the shipped ones). Rounds
    already open keep the rules they were opened with."""
    ensure_perm(actor, "monitoring.manage", fiscal_year.region)
    try:
        CoreRules.from_data(dict(data))
    except ValueError as e:
        raise DomainError(str(e)) from None
    with transaction.atomic():
        versions = WarningRules.objects.with_scope(region=[fiscal_year.region_id])
        count = versions.filter(fiscal_year=fiscal_year).count()
        version = f"{fiscal_year.region.code}-{fiscal_year.year}.w{count + 1}"
        saved = versions.create(
            region_id=fiscal_year.region_id,
            fiscal_year=fiscal_year,
            version=version,
            data={k: v for k, v in data.items() if k != "version"} | {"version": version},
            note=_text(note, "修改说明", 200),
            created_by=actor,
        )
        log_action(
            actor=actor,
            action="monitoring.rules.saved",
            target=saved,
            region=fiscal_year.region,
            data={"version": version, "note": saved.note},
        )
    return saved
