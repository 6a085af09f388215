"""Writes of budget data: imports from the integrated budget system, and the category list."""

import json
from typing import Any

from django.db import IntegrityError, transaction

from jixiao.accounts.permissions import ensure_perm
from jixiao.audit.services import log_action
from jixiao.budget.imports import PARSERS, ImportPlan
from jixiao.budget.models import Execution, Project, ProjectCategory, UnitBudget
from jixiao.core.data import read_data
from jixiao.core.errors import DomainError
from jixiao.org.models import FiscalYear, Region

AUDIT_ACTIONS = {
    "projects": "budget.projects.imported",
    "unit_budgets": "budget.unit_budgets.imported",
    "executions": "budget.executions.imported",
}


def budget_import_validate(*, actor: Any, kind: str, fiscal_year: FiscalYear, filename: str, data: bytes) -> ImportPlan:
    """Step one: read and check the whole file; nothing is written."""
    ensure_perm(actor, "budget.import", fiscal_year)
    if kind not in PARSERS:
        raise DomainError(f"未知的导入类型「{kind}」", field="kind")
    return PARSERS[kind](fiscal_year=fiscal_year, filename=filename, data=data)


def budget_import_commit(*, actor: Any, kind: str, fiscal_year: FiscalYear, filename: str, data: bytes) -> ImportPlan:
    """Step two: validate again against the database as it is now, then write every changed
    row in one transaction, or nothing. One audit entry for the import."""
    ensure_perm(actor, "budget.import", fiscal_year)
    if kind not in PARSERS:
        raise DomainError(f"未知的导入类型「{kind}」", field="kind")
    with transaction.atomic():
        # One import per fiscal year at a time: two at once could create the same codes.
        FiscalYear.objects.with_scope(region=[fiscal_year.region_id]).select_for_update().filter(
            pk=fiscal_year.pk
        ).first()
        plan = PARSERS[kind](fiscal_year=fiscal_year, filename=filename, data=data)
        if not plan.ok or not (plan.count_create or plan.count_update):
            return plan  # errors write nothing; an unchanged file writes and logs nothing
        WRITERS[kind](fiscal_year, plan)
        log_action(
            actor=actor,
            action=AUDIT_ACTIONS[kind],
            target=fiscal_year,
            data={
                "file": filename,
                "year": fiscal_year.year,
                "created": plan.count_create,
                "updated": plan.count_update,
                "unchanged": plan.count_unchanged,
            },
        )
    return plan


def _changed(plan: ImportPlan, action: str) -> list[tuple[str, dict[str, Any]]]:
    return [(c.key, plan.values[c.key]) for c in plan.changes if c.action == action]


def _write_projects(fiscal_year: FiscalYear, plan: ImportPlan) -> None:
    projects = Project.objects.with_scope(region=[fiscal_year.region_id], unit=None)
    projects.bulk_create(
        [
            Project(region_id=fiscal_year.region_id, fiscal_year=fiscal_year, code=code, **values)
            for code, values in _changed(plan, "create")
        ],
        batch_size=500,
    )
    updates = _changed(plan, "update")
    if updates:
        ids = dict(projects.filter(fiscal_year=fiscal_year, code__in=[k for k, _ in updates]).values_list("code", "pk"))
        fields = list(updates[0][1])
        projects.bulk_update([Project(pk=ids[code], **values) for code, values in updates], fields, batch_size=200)


def _write_unit_budgets(fiscal_year: FiscalYear, plan: ImportPlan) -> None:
    budgets = UnitBudget.objects.with_scope(region=[fiscal_year.region_id], unit=None)
    budgets.bulk_create(
        [
            UnitBudget(region_id=fiscal_year.region_id, fiscal_year=fiscal_year, **values)
            for _, values in _changed(plan, "create")
        ]
    )
    updates = _changed(plan, "update")
    if updates:
        ids = dict(budgets.filter(fiscal_year=fiscal_year).values_list("unit_id", "pk"))
        budgets.bulk_update(
            [UnitBudget(pk=ids[v["unit_id"]], **v) for _, v in updates], ["basic_expenditure", "project_expenditure"]
        )


def _write_executions(fiscal_year: FiscalYear, plan: ImportPlan) -> None:
    executions = Execution.objects.with_scope(region=[fiscal_year.region_id], unit=None)
    executions.bulk_create(
        [Execution(region_id=fiscal_year.region_id, **values) for _, values in _changed(plan, "create")],
        batch_size=1000,
    )
    updates = _changed(plan, "update")
    if updates:
        ids = {
            (project_id, month): pk
            for pk, project_id, month in executions.filter(project__fiscal_year=fiscal_year).values_list(
                "pk", "project_id", "month"
            )
        }
        executions.bulk_update(
            [Execution(pk=ids[(v["project_id"], v["month"])], amount=v["amount"]) for _, v in updates],
            ["amount"],
            batch_size=500,
        )


WRITERS = {"projects": _write_projects, "unit_budgets": _write_unit_budgets, "executions": _write_executions}


def categories_load_defaults(*, actor: Any, region: Region, actor_name: str = "") -> int:
    """Give a region the starter list of project categories (jixiao/core/data/library/categories.json);
    categories it already has are left as they are. Returns how many were added."""
    if actor is not None:
        ensure_perm(actor, "org.manage", region)
    starter = json.loads(read_data("library/categories.json"))["categories"]
    with transaction.atomic():
        have = set(ProjectCategory.objects.with_scope(region=[region.pk]).values_list("code", flat=True))
        new = [
            ProjectCategory(region=region, code=c["code"], name=c["name"], domain=c["domain"])
            for c in starter
            if c["code"] not in have
        ]
        ProjectCategory.objects.with_scope(region=[region.pk]).bulk_create(new)
        if new:
            log_action(
                actor=actor,
                actor_name=actor_name,
                action="budget.categories.loaded",
                region=region,
                data={"added": [c.code for c in new]},
            )
    return len(new)


def category_save(
    *, actor: Any, region: Region, category: ProjectCategory | None, code: str, name: str, domain: str, active: bool
) -> ProjectCategory:
    """Add or change a project category of the region (the list is the region's own)."""
    ensure_perm(actor, "org.manage", region)
    code, name, domain = code.strip(), name.strip(), domain.strip()
    if not code or len(code) > 10 or not code.isascii() or not code.isalnum():
        raise DomainError("类别代码应为 1–10 位字母或数字", field="code")
    if not name or len(name) > 50:
        raise DomainError("类别名称不能为空，且不超过 50 个字", field="name")
    if not domain or len(domain) > 30:
        raise DomainError("请填写领域（不超过 30 个字）", field="domain")
    categories = ProjectCategory.objects.with_scope(region=[region.pk]).all()
    others = categories.exclude(pk=category.pk if category else None)
    if others.filter(code=code).exists():
        raise DomainError(f"类别代码「{code}」已被使用", field="code")
    if others.filter(name=name).exists():
        raise DomainError(f"类别名称「{name}」已被使用", field="name")
    new = {"code": code, "name": name, "domain": domain, "active": active}
    if category is not None:
        changed = {k: [getattr(category, k), v] for k, v in new.items() if getattr(category, k) != v}
        if not changed:
            return category
    try:
        with transaction.atomic():
            if category is None:
                category = ProjectCategory.objects.create(region=region, **new)
                log_action(actor=actor, action="budget.category.created", target=category, data=new)
            else:
                for key, value in new.items():
                    setattr(category, key, value)
                category.save(update_fields=list(new))
                log_action(actor=actor, action="budget.category.updated", target=category, data={"changed": changed})
    except IntegrityError:
        raise DomainError(f"类别代码「{code}」或名称「{name}」已被使用", field="code") from None
    return category
