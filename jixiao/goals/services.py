"""Writes to goal sheets: create, save (with the review), the workflow, the rule set.

Every write checks the permission and reach, runs in one transaction and leaves one audit entry.
``sheet_transition`` is the only writer of a sheet's state: it asks the table in
``jixiao.core.workflow``, locks the row, records the step and freezes a snapshot.
"""

import json
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction

from jixiao.accounts.permissions import ensure_perm, has_perm, in_reach
from jixiao.audit.services import log_action
from jixiao.budget.models import FundSource, Project, UnitBudget
from jixiao.core import checks
from jixiao.core.errors import DomainError, Forbidden
from jixiao.core.numbers import AmountError, check_amount
from jixiao.core.values import parse_target
from jixiao.core.workflow import TRANSITIONS, Action, TransitionError, check_input, transition_for
from jixiao.goals.models import Comment, Event, GoalSheet, Indicator, Kind, RuleSet, Snapshot
from jixiao.goals.review import Row, rereview, to_core
from jixiao.library.models import LibraryIndicator, Status
from jixiao.org.models import FiscalYear, Unit

MAX_INDICATORS = 60
LEVEL1 = ("产出指标", "效益指标", "满意度指标", "成本指标")
MAX_PROJECT_LINES = 500
MAX_GOAL = 5000
FIELD_LIMITS = (
    ("level2", 20),
    ("name", 200),
    ("value", 200),
    ("unit", 30),
    ("basis", 20),
    ("source", 200),
    ("symbol", 10),
)
FIELD_LABELS = {
    "level2": "二级指标",
    "name": "三级指标",
    "value": "指标值",
    "unit": "计量单位",
    "basis": "取值依据",
    "source": "数据来源",
    "symbol": "指标性质",
}


def _ensure_editable_by(actor: Any, sheet: GoalSheet) -> None:
    ensure_perm(actor, "goals.edit", sheet)
    if not sheet.editable:
        raise DomainError(f"目标表当前状态为「{sheet.get_status_display()}」，不能修改")


def _funds_from(source: Any) -> dict[str, Decimal]:
    return {f"fund_{s.value}": getattr(source, f"fund_{s.value}") for s in FundSource}


def _create_once(taken: str, **fields: Any) -> GoalSheet:
    """Create the sheet; two people pressing 新建 at once get one sheet and one clear message."""
    try:
        with transaction.atomic():
            return GoalSheet.objects.create(**fields)
    except IntegrityError:
        raise DomainError(taken) from None


def sheet_create_for_project(*, actor: Any, project: Project) -> GoalSheet:
    """A draft sheet for the project, its amounts taken from the budget data."""
    ensure_perm(actor, "goals.edit", project)
    with transaction.atomic():
        existing = GoalSheet.objects.with_scope(region=[project.region_id], unit=[project.unit_id]).filter(
            fiscal_year_id=project.fiscal_year_id, project=project
        )
        if existing.exists():
            raise DomainError("该项目已有本年度绩效目标表")
        funds = _funds_from(project)
        sheet = _create_once(
            "该项目已有本年度绩效目标表",
            region_id=project.region_id,
            fiscal_year_id=project.fiscal_year_id,
            unit_id=project.unit_id,
            project=project,
            kind=Kind.PROJECT,
            total=sum(funds.values(), Decimal(0)),
            **funds,
        )
        rereview(sheet)
        log_action(actor=actor, action="goals.sheet.created", target=sheet, data={"project": project.code})
    return sheet


def sheet_create_for_department(*, actor: Any, unit: Unit, fiscal_year: FiscalYear) -> GoalSheet:
    """A draft department sheet listing the unit's projects of the year with their amounts."""
    ensure_perm(actor, "goals.edit", unit)
    with transaction.atomic():
        scope = GoalSheet.objects.with_scope(region=[unit.region_id], unit=[unit.pk])
        if scope.filter(fiscal_year=fiscal_year, kind=Kind.DEPARTMENT).exists():
            raise DomainError("该单位已有本年度部门整体支出绩效目标表")
        projects = Project.objects.with_scope(region=[unit.region_id], unit=[unit.pk]).filter(
            fiscal_year=fiscal_year, unit=unit
        )
        lines = [{"name": p.name, "amount": str(p.initial_budget)} for p in projects.order_by("code")]
        funds = {f"fund_{s.value}": Decimal(0) for s in FundSource}
        for p in projects:
            for key, amount in _funds_from(p).items():
                funds[key] += amount
        budget = (
            UnitBudget.objects.with_scope(region=[unit.region_id], unit=[unit.pk])
            .filter(fiscal_year=fiscal_year, unit=unit)
            .first()
        )
        total = budget.total if budget else sum(funds.values(), Decimal(0))
        if budget is not None:
            funds["fund_general_public"] += budget.basic_expenditure
        sheet = _create_once(
            "该单位已有本年度部门整体支出绩效目标表",
            region_id=unit.region_id,
            fiscal_year=fiscal_year,
            unit=unit,
            kind=Kind.DEPARTMENT,
            total=total,
            project_lines=lines,
            **funds,
        )
        rereview(sheet)
        log_action(actor=actor, action="goals.sheet.created", target=sheet, data={"kind": "department"})
    return sheet


def _clean_rows(rows: Sequence[Row]) -> list[Row]:
    """Rows worth keeping: a row with nothing typed in it is dropped, anything else is kept for
    the review to judge. Lengths are checked so that the database never truncates."""
    kept = [r for r in rows if any((r.level1 and r.name, r.name, r.value, r.symbol and r.value, r.source))]
    if len(kept) > MAX_INDICATORS:
        raise DomainError(f"一张目标表最多 {MAX_INDICATORS} 个指标")
    for n, r in enumerate(kept, start=1):
        if r.level1 and r.level1 not in LEVEL1:
            raise DomainError(f"第 {n} 个指标的一级指标「{r.level1}」不在 {'、'.join(LEVEL1)} 之中")
        for field, limit in FIELD_LIMITS:
            if len(getattr(r, field)) > limit:
                raise DomainError(f"第 {n} 个指标的{FIELD_LABELS[field]}超过 {limit} 字")
        if r.weight is not None and not (r.weight.is_finite() and Decimal(0) <= r.weight <= Decimal(100)):
            raise DomainError(f"第 {n} 个指标的分值应在 0–100 之间")
    return kept


def split_whole_cells(rows: Sequence[Row]) -> None:
    """A value typed as the whole cell (``≥95%``, ``不少于3万人``) is stored as symbol, number and
    unit, the way the official table prints it. A cell that cannot be split stays as typed."""
    for r in rows:
        if r.value and not r.symbol:
            target = parse_target(r.value, unit=r.unit, date_context=r.level2 == "时效指标")
            if target.problem is None and target.symbol:
                r.symbol = target.symbol
                if target.number is not None:
                    r.value = f"{target.number.normalize():f}"
                    r.unit = r.unit or target.unit
                elif target.level:
                    r.value = target.level


def _link_library(region_id: int, rows: Sequence[Row]) -> None:
    """Point rows typed or imported with a library indicator's exact name at that indicator,
    so that the library's usage statistics and next year's suggestions count them.

    A link that names no approved indicator of the sheet's region (another region's, a retired
    one, a made-up number) is dropped rather than stored: the link only feeds statistics, and
    the row's own text is what the sheet says."""
    approved = LibraryIndicator.objects.with_scope(region=[region_id]).filter(status=Status.APPROVED)
    given = {r.library_indicator_id for r in rows if r.library_indicator_id is not None}
    if given:
        valid = set(approved.filter(pk__in=given).values_list("pk", flat=True))
        for r in rows:
            if r.library_indicator_id is not None and r.library_indicator_id not in valid:
                r.library_indicator_id = None
    names = {r.name for r in rows if r.library_indicator_id is None and r.name}
    if not names:
        return
    found = dict(approved.filter(name__in=names).values_list("name", "pk"))
    for r in rows:
        if r.library_indicator_id is None and r.name in found:
            r.library_indicator_id = found[r.name]


def _amount(value: Any, label: str) -> Decimal:
    try:
        return check_amount(value if isinstance(value, Decimal) else Decimal(str(value)))
    except AmountError as e:
        raise DomainError(f"{label}：应为{e.expected}，收到「{value}」") from None
    except ArithmeticError:
        raise DomainError(f"{label}：应为数字金额，收到「{value}」") from None


def clean_project_lines(lines: Sequence[Mapping[str, Any]]) -> list[dict[str, str]]:
    """A department sheet's project lines as stored: a name of at most 200 characters and an
    amount in yuan, exact to the cent."""
    if len(lines) > MAX_PROJECT_LINES:
        raise DomainError(f"部门整体目标表最多列 {MAX_PROJECT_LINES} 个项目")
    cleaned = []
    for n, line in enumerate(lines, start=1):
        name = str(line.get("name", "")).strip()
        if not name:
            raise DomainError(f"第 {n} 个项目没有名称")
        if len(name) > 200:
            raise DomainError(f"第 {n} 个项目的名称超过 200 字")
        amount = _amount(line.get("amount", ""), f"项目「{name}」的金额")
        cleaned.append({"name": name, "amount": str(amount)})
    return cleaned


def replace_content(
    sheet: GoalSheet,
    *,
    goal: str,
    long_term_goal: str = "",
    rows: Sequence[Row],
    funds: Mapping[str, Decimal] | None = None,
    project_lines: Sequence[Mapping[str, Any]] | None = None,
) -> list[checks.Finding]:
    """Write the sheet's content and review it; the caller holds the lock, checked the
    permission and the state, and writes the audit entry."""
    kept = _clean_rows(rows)
    if len(goal.strip()) > MAX_GOAL or len(long_term_goal.strip()) > MAX_GOAL:
        raise DomainError(f"总体目标不超过 {MAX_GOAL} 字")
    sheet.goal, sheet.long_term_goal = goal.strip(), long_term_goal.strip()
    fields = ["goal", "long_term_goal", "updated_at"]
    if funds is not None:
        for source in FundSource:
            amount = _amount(funds.get(source.value, Decimal(0)), source.label)
            setattr(sheet, f"fund_{source.value}", amount)
        default_total = sum((getattr(sheet, f"fund_{s.value}") for s in FundSource), Decimal(0))
        sheet.total = _amount(funds.get("total", default_total), "资金总额")
        fields += [f"fund_{s.value}" for s in FundSource] + ["total"]
    if project_lines is not None and sheet.kind == Kind.DEPARTMENT:
        sheet.project_lines = clean_project_lines(project_lines)
        fields.append("project_lines")
    sheet.save(update_fields=fields)
    split_whole_cells(kept)
    _link_library(sheet.region_id, kept)
    Indicator.objects.filter(sheet=sheet).delete()
    Indicator.objects.bulk_create(r.to_model(sheet, n) for n, r in enumerate(kept))
    return rereview(sheet)


def sheet_save(
    *,
    actor: Any,
    sheet: GoalSheet,
    goal: str,
    long_term_goal: str = "",
    rows: Sequence[Row],
    funds: Mapping[str, Decimal] | None = None,
    project_lines: Sequence[Mapping[str, Any]] | None = None,
) -> list[checks.Finding]:
    """Replace the sheet's content, review it and store the findings. Returns the findings."""
    with transaction.atomic():
        sheet = (
            GoalSheet.objects.with_scope(region=[sheet.region_id], unit=[sheet.unit_id])
            .select_for_update()
            .get(pk=sheet.pk)
        )
        _ensure_editable_by(actor, sheet)
        findings = replace_content(
            sheet, goal=goal, long_term_goal=long_term_goal, rows=rows, funds=funds, project_lines=project_lines
        )
        log_action(
            actor=actor,
            action="goals.sheet.saved",
            target=sheet,
            data={"indicators": sheet.indicators.count(), "errors": sheet.errors, "warnings": sheet.warnings},
        )
    return findings


def snapshot_data(sheet: GoalSheet) -> dict[str, Any]:
    """The sheet in the interchange format, as frozen on submission."""
    return to_core(sheet, history=False).to_data()


def sheet_transition(
    *,
    actor: Any,
    sheet: GoalSheet,
    action: str,
    reason: str = "",
    grade: str = "",
    justification: str = "",
    adjustment: str = "",
    comments: Mapping[int | None, str] | None = None,
) -> GoalSheet:
    """Move the sheet one step through the workflow (the table in ``core.workflow``)."""
    with transaction.atomic():
        locked = (
            GoalSheet.objects.with_scope(region=[sheet.region_id], unit=[sheet.unit_id])
            .select_for_update()
            .filter(pk=sheet.pk)
            .first()
        )
        if locked is None or not in_reach(actor, locked):
            raise Forbidden("您无权操作该目标表")
        sheet = locked
        try:
            # Who may act comes before whether the state allows it: a person without the
            # permission learns nothing about the sheet's state.
            ensure_perm(actor, TRANSITIONS[Action(action)].perm, sheet)
        except ValueError:
            raise DomainError(f"未知的操作「{action}」") from None
        try:
            t = transition_for(sheet.status, action)
            check_input(t, reason=reason, grade=grade, adjustment=adjustment)
        except TransitionError as e:
            raise DomainError(str(e)) from None
        if len(adjustment.strip()) > 200:
            raise DomainError("预算调整说明不超过 200 字")
        if len(reason.strip()) > 2000 or len(justification.strip()) > 2000:
            raise DomainError("意见或说明不超过 2000 字")
        positions = set(sheet.indicators.values_list("position", flat=True))
        unknown = [pos for pos in (comments or {}) if pos is not None and pos not in positions]
        if unknown:
            raise DomainError(f"逐条意见指向的指标（第 {unknown[0] + 1} 行）不在目标表中")
        before = sheet.status
        fields = ["status", "updated_at"]
        number = None
        if t.action is Action.SUBMIT:
            findings = rereview(sheet)
            if any(f.severity == "error" for f in findings):
                raise DomainError(f"目标表还有 {sheet.errors} 条错误，修改后才能报送")
            if sheet.warnings and not justification.strip():
                raise DomainError(f"目标表有 {sheet.warnings} 条警告，请逐条修改或填写说明后报送")
            sheet.justification = justification.strip()
            fields.append("justification")
            number = (sheet.snapshots.count() or 0) + 1
            Snapshot.objects.create(
                sheet=sheet,
                number=number,
                data=snapshot_data(sheet),
                adjustment=_open_adjustment(sheet) if sheet.approved_version > 0 else "",
            )
        if t.grades:
            sheet.grade = grade
            fields.append("grade")
        if t.action is Action.OFFICE_APPROVE:
            sheet.approved_version += 1
            fields.append("approved_version")
            latest = sheet.snapshots.order_by("-number").first()
            if latest is not None:
                latest.approved_version = sheet.approved_version
                latest.save(update_fields=["approved_version"])
                number = latest.number
        sheet.status = t.target
        sheet.save(update_fields=fields)
        event = Event.objects.create(
            sheet=sheet,
            action=t.action.value,
            from_status=before,
            to_status=t.target.value,
            actor=actor,
            reason=reason.strip(),
            grade=grade,
            adjustment=adjustment.strip(),
            version=number,
        )
        if comments and t.is_return:
            names = dict(sheet.indicators.values_list("position", "name"))
            if any(len(text) > 2000 for text in comments.values()):
                raise DomainError("每条意见不超过 2000 字")
            Comment.objects.bulk_create(
                Comment(
                    sheet=sheet,
                    event=event,
                    indicator=pos,
                    indicator_name=names.get(pos, "") if pos is not None else "",
                    text=text.strip(),
                )
                for pos, text in comments.items()
                if text.strip()
            )
        log_action(
            actor=actor,
            action=f"goals.sheet.{t.action.value}",
            target=sheet,
            data={
                "from": before,
                "to": t.target.value,
                **({"reason": reason.strip()} if reason.strip() else {}),
                **({"grade": grade} if grade else {}),
                **({"adjustment": adjustment.strip()} if adjustment.strip() else {}),
                **({"snapshot": number} if number else {}),
            },
        )
    return sheet


def _open_adjustment(sheet: GoalSheet) -> str:
    event = sheet.events.filter(action=Action.ADJUST.value).order_by("-created_at", "-id").first()
    return event.adjustment if event else ""


def ruleset_save(*, actor: Any, fiscal_year: FiscalYear, data: Mapping[str, Any], note: str) -> RuleSet:
    """A new version of the year's review rules: overrides over the shipped defaults."""
    ensure_perm(actor, "goals.rules", fiscal_year.region)
    try:
        parsed = checks.RuleSet.from_data(dict(data))
    except ValueError as e:
        raise DomainError(str(e)) from None
    with transaction.atomic():
        rulesets = RuleSet.objects.with_scope(region=[fiscal_year.region_id])
        count = rulesets.filter(fiscal_year=fiscal_year).count()
        version = f"{fiscal_year.region.code}-{fiscal_year.year}.{count + 1}"
        saved = rulesets.create(
            region_id=fiscal_year.region_id,
            fiscal_year=fiscal_year,
            version=version,
            data={k: v for k, v in parsed.to_data().items() if k != "version"},
            note=note.strip()[:200],
            created_by=actor,
        )
        log_action(
            actor=actor,
            action="goals.rules.saved",
            target=saved,
            region=fiscal_year.region,
            data={"version": version, "note": note.strip()[:200]},
        )
    return saved


def rules_json(ruleset: checks.RuleSet) -> str:
    return json.dumps(ruleset.to_data(), ensure_ascii=False, indent=2)


REVIEWERS = ("goals.edit", "goals.leader_review", "goals.section_review", "goals.office_review")


def sheet_review_now(*, actor: Any, sheet: GoalSheet) -> list[checks.Finding]:
    """Run the review again on the stored sheet, under the year's current rules (the writer's or
    a reviewer's button; only the stored findings change). Readers such as auditors may not."""
    if not any(has_perm(actor, perm, sheet) for perm in REVIEWERS):
        raise Forbidden("您没有重新审核该目标表的权限")
    with transaction.atomic():
        # The lock keeps a save and a re-review from interleaving their findings.
        locked = (
            GoalSheet.objects.with_scope(region=[sheet.region_id], unit=[sheet.unit_id])
            .select_for_update()
            .get(pk=sheet.pk)
        )
        return rereview(locked)
