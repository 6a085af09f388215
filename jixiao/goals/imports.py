"""Import of filled Excel templates: many sheets at once, validated first, written in one go.

Step one reads every worksheet (``core.goal_excel``), matches each to a project of the year
(by 项目编码, else by name within the unit) or to the unit's department sheet, checks that the
actor may edit it and that it is still editable, and reviews it as it would be stored: the
preview shows each sheet's errors and warnings before anything is written. Structural problems
(not our template, an amount that is not a number, a project that is not the unit's) are
issues naming the file, worksheet, row and column; with any issue nothing is written. Content
problems (a vague value, a missing unit) are findings, as they would be when typed.
"""

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import PurePath
from typing import Any

from django.db import IntegrityError, transaction

from jixiao.accounts.permissions import has_perm
from jixiao.audit.services import log_action
from jixiao.budget.models import FundSource, Project
from jixiao.core import goal_excel
from jixiao.core.errors import DomainError
from jixiao.core.sheet import SheetFormatError, read_sheet
from jixiao.core.tabular import Issue
from jixiao.goals.models import GoalSheet, Kind
from jixiao.goals.review import Row, review_rows, to_core
from jixiao.goals.services import _clean_rows, replace_content
from jixiao.org.models import FiscalYear, Unit


@dataclass
class PlannedSheet:
    worksheet: str
    kind: str
    label: str
    unit: Unit
    project: Project | None
    existing: GoalSheet | None
    goal: str
    long_term_goal: str
    rows: list[Row]
    funds: dict[str, Decimal]
    lines: list[dict[str, str]]
    errors: int = 0
    warnings: int = 0

    @property
    def action(self) -> str:
        return "update" if self.existing else "create"


@dataclass
class GoalImportPlan:
    file: str
    issues: list[Issue] = field(default_factory=list)
    sheets: list[PlannedSheet] = field(default_factory=list)

    @property
    def count_create(self) -> int:
        return sum(1 for s in self.sheets if s.action == "create")

    @property
    def count_update(self) -> int:
        return sum(1 for s in self.sheets if s.action == "update")


def _rows_of(data: dict[str, Any]) -> list[Row]:
    rows = []
    for item in data.get("indicators") or []:
        weight = item.get("weight")
        rows.append(
            Row(
                level1=str(item.get("level1") or ""),
                level2=str(item.get("level2") or ""),
                name=str(item.get("name") or ""),
                symbol=str(item.get("symbol") or ""),
                value=str(item.get("value") or ""),
                unit=str(item.get("unit") or ""),
                weight=Decimal(str(weight)) if weight not in (None, "") else None,
                basis=str(item.get("basis") or ""),
                source=str(item.get("source") or ""),
            )
        )
    return rows


def goal_import_validate(*, actor: Any, fiscal_year: FiscalYear, filename: str, data: bytes) -> GoalImportPlan:
    plan = GoalImportPlan(file=filename)
    if PurePath(filename).suffix.lower() not in {".xlsx", ".xlsm", ".xls"}:
        plan.issues.append(Issue(filename, None, None, None, "", "应为本系统下载的 Excel 填报模板（.xlsx 或 .xls）"))
        return plan
    named, issues = goal_excel.read_worksheets(data, file=filename)
    plan.issues.extend(issues)
    region_id = fiscal_year.region_id
    units = {u.code: u for u in Unit.objects.with_scope(region=[region_id], unit=None).all()}
    projects = Project.objects.with_scope(region=[region_id], unit=None).filter(fiscal_year=fiscal_year)
    seen: set[tuple[str, int]] = set()
    for worksheet, item in named:
        where = Issue(filename, worksheet or None, None, None, "", "")

        def issue(column: str, value: object, expected: str, where: Issue = where) -> None:
            plan.issues.append(Issue(where.file, where.sheet, None, column, str(value or ""), expected))

        try:
            read_sheet({**item}, source=f"{filename}#{worksheet}")
        except SheetFormatError as exc:
            issue("", "", exc.reason if hasattr(exc, "reason") else str(exc))
            continue
        if int(item.get("year") or 0) != fiscal_year.year:
            issue("预算年度", item.get("year"), f"{fiscal_year.year}（当前预算年度）")
            continue
        unit_code = str((item.get("unit") or {}).get("code") or "")
        unit = units.get(unit_code)
        if unit is None or not has_perm(actor, "goals.edit", unit):
            issue("预算单位编码", unit_code, "您所在单位的编码")
            continue
        project = None
        if item.get("kind") == Kind.PROJECT:
            info = item.get("project") or {}
            code, name = str(info.get("code") or ""), str(info.get("name") or "")
            matches = projects.filter(unit=unit)
            project = (matches.filter(code=code) if code else matches.filter(name=name)).first()
            if project is None:
                issue(
                    "项目编码" if code else "项目名称",
                    code or name,
                    f"「{unit.name}」{fiscal_year.year} 年度预算中的项目",
                )
                continue
            key = ("project", project.pk)
            existing = GoalSheet.objects.with_scope(region=[region_id], unit=[unit.pk]).filter(project=project).first()
            label = f"{project.code} {project.name}"
        else:
            key = ("department", unit.pk)
            existing = (
                GoalSheet.objects.with_scope(region=[region_id], unit=[unit.pk])
                .filter(fiscal_year=fiscal_year, unit=unit, kind=Kind.DEPARTMENT)
                .first()
            )
            label = f"{unit.name}部门整体"
        if key in seen:
            issue("", label, "每个项目（或部门整体）在一个文件中只出现一次")
            continue
        seen.add(key)
        if existing is not None and not existing.editable:
            issue("", label, f"可修改的目标表（该表当前为「{existing.get_status_display()}」，不能通过导入修改）")
            continue
        funds_data = item.get("funds") or {}
        by_source = funds_data.get("by_source") or {}
        funds = {s.value: Decimal(str(by_source.get(s.value) or 0)) for s in FundSource}
        if funds_data.get("total") not in (None, ""):
            funds["total"] = Decimal(str(funds_data["total"]))
        rows = _rows_of(item)
        try:
            _clean_rows(rows)
        except DomainError as exc:
            issue("", label, exc.message)
            continue
        planned = PlannedSheet(
            worksheet=worksheet,
            kind=str(item.get("kind")),
            label=label,
            unit=unit,
            project=project,
            existing=existing,
            goal=str(item.get("goal") or ""),
            long_term_goal=str(item.get("long_term_goal") or ""),
            rows=rows,
            funds=funds,
            lines=[
                {"name": str(line.get("name") or ""), "amount": str(line.get("amount") or "0")}
                for line in item.get("projects") or []
            ],
        )
        preview = existing or GoalSheet(
            region_id=region_id,
            fiscal_year=fiscal_year,
            unit=unit,
            project=project,
            kind=planned.kind,
            project_lines=planned.lines,
        )
        preview.goal, preview.long_term_goal = planned.goal, planned.long_term_goal
        for source in FundSource:
            setattr(preview, f"fund_{source.value}", funds[source.value])
        preview.total = funds.get("total", sum((funds[s.value] for s in FundSource), Decimal(0)))
        findings = review_rows(preview, rows)
        planned.errors = sum(1 for f in findings if f.severity == "error")
        planned.warnings = sum(1 for f in findings if f.severity == "warning")
        plan.sheets.append(planned)
    return plan


def goal_import_commit(*, actor: Any, fiscal_year: FiscalYear, filename: str, data: bytes) -> GoalImportPlan:
    """Validate again against the database as it is now, then write every sheet, or none."""
    plan = goal_import_validate(actor=actor, fiscal_year=fiscal_year, filename=filename, data=data)
    if plan.issues:
        raise DomainError(f"文件「{filename}」有 {len(plan.issues)} 处错误，未导入任何目标表")
    if not plan.sheets:
        raise DomainError(f"文件「{filename}」中没有可导入的目标表")
    try:
        _write_plan(actor=actor, fiscal_year=fiscal_year, filename=filename, plan=plan)
    except IntegrityError:
        # Someone created one of the sheets between this validation and the write.
        raise DomainError(f"导入「{filename}」时有目标表被他人同时新建，未导入任何目标表，请重新上传") from None
    return plan


def _write_plan(*, actor: Any, fiscal_year: FiscalYear, filename: str, plan: GoalImportPlan) -> None:
    with transaction.atomic():
        for planned in plan.sheets:
            sheet = planned.existing
            if sheet is None:
                sheet = GoalSheet.objects.create(
                    region_id=fiscal_year.region_id,
                    fiscal_year=fiscal_year,
                    unit=planned.unit,
                    project=planned.project,
                    kind=planned.kind,
                )
            else:
                sheet = (
                    GoalSheet.objects.with_scope(region=[sheet.region_id], unit=[sheet.unit_id])
                    .select_for_update()
                    .get(pk=sheet.pk)
                )
                if not sheet.editable:
                    raise DomainError(f"「{planned.label}」已报送，未导入任何目标表")
            replace_content(
                sheet,
                goal=planned.goal,
                long_term_goal=planned.long_term_goal,
                rows=planned.rows,
                funds=planned.funds,
                project_lines=planned.lines if planned.kind == Kind.DEPARTMENT else None,
            )
        log_action(
            actor=actor,
            action="goals.sheets.imported",
            target=None,
            region=fiscal_year.region,
            unit=plan.sheets[0].unit if len({s.unit.pk for s in plan.sheets}) == 1 else None,
            data={
                "file": filename,
                "year": fiscal_year.year,
                "created": plan.count_create,
                "updated": plan.count_update,
                "sheets": [s.label for s in plan.sheets][:200],
            },
        )


def template_sheets(*, unit: Unit, fiscal_year: FiscalYear) -> list[dict[str, Any]]:
    """The unit's projects of the year as interchange dicts, pre-filled with their amounts and,
    where a sheet exists, with what it holds; the department sheet last."""
    projects = (
        Project.objects.with_scope(region=[unit.region_id], unit=[unit.pk])
        .filter(fiscal_year=fiscal_year, unit=unit)
        .select_related("category")
        .order_by("code")
    )
    sheets = {
        s.project_id: s
        for s in GoalSheet.objects.with_scope(region=[unit.region_id], unit=[unit.pk])
        .filter(fiscal_year=fiscal_year, unit=unit)
        .select_related("project__category", "unit", "region", "fiscal_year")
        .prefetch_related("indicators")
    }
    out = []
    for project in projects:
        sheet = sheets.get(project.pk)
        if sheet is not None:
            out.append(to_core(sheet, history=False).to_data())
            continue
        by_source = {
            s.value: str(getattr(project, f"fund_{s.value}")) for s in FundSource if getattr(project, f"fund_{s.value}")
        }
        out.append(
            {
                "schema": "jixiao.goal-sheet/1",
                "kind": "project",
                "year": fiscal_year.year,
                "unit": {"code": unit.code, "name": unit.name},
                "project": {
                    "code": project.code,
                    "name": project.name,
                    "category": project.category.name,
                    "description": project.description,
                    "is_new": project.is_new,
                    "start_year": project.start_year,
                    "end_year": project.end_year,
                },
                "funds": {"total": str(project.initial_budget), "by_source": by_source},
                "goal": "",
                "indicators": [],
            }
        )
    department = sheets.get(None)
    if department is not None:
        out.append(to_core(department, history=False).to_data())
    elif out:
        # A blank department sheet listing the unit's projects, as the page would start one.
        lines = [{"name": p.name, "amount": str(p.initial_budget)} for p in projects]
        total = sum((p.initial_budget for p in projects), Decimal(0))
        out.append(
            {
                "schema": "jixiao.goal-sheet/1",
                "kind": "department",
                "year": fiscal_year.year,
                "unit": {"code": unit.code, "name": unit.name},
                "funds": {"total": str(total), "by_source": {}},
                "goal": "",
                "indicators": [],
                "projects": lines,
            }
        )
    return out
