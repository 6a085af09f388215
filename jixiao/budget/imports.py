"""Import of the integrated budget system's exports: projects, unit budgets, monthly payments.

Each kind reads a table into rows, checks every cell and every cross-row rule, and returns a
plan with its issues or its changes; ``services`` commits a clean plan in one transaction.
Re-importing the same file changes nothing (upsert by code). Amount columns may be headed in
元 or 万元 (``年初预算数（万元）``); full-width digits and thousands separators are read.
The column layouts are documented in docs/import-budget.md.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from jixiao.budget.models import Execution, FundSource, Project, ProjectCategory, UnitBudget
from jixiao.core.numbers import AmountError, header_scale, parse_amount
from jixiao.core.tabular import Issue, PlanSummary, Row, Table, TabularError, normalize_text, read_tables
from jixiao.org.models import FiscalYear, Unit

PROJECT_CODE = re.compile(r"^[0-9A-Za-z]{1,21}$")
YES = {"是": True, "Y": True, "y": True, "1": True, "否": False, "N": False, "n": False, "0": False, "": False}
NEW_WORDS = {"新增": True, "新增项目": True, "延续": False, "延续项目": False, "": False}
FUND_COLUMNS = {s.label: s.value for s in FundSource}


@dataclass(frozen=True)
class ColumnSpec:
    name: str
    required: bool = False
    amount: bool = False
    aliases: tuple[str, ...] = ()


@dataclass
class Change:
    key: str
    label: str
    action: str  # create | update | unchanged
    changes: dict[str, tuple[str, str]] = field(default_factory=dict)


@dataclass
class ImportPlan(PlanSummary):
    kind: str
    file: str
    issues: list[Issue] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    # What the commit writes, keyed like ``changes``; built only for a clean file.
    values: dict[str, dict[str, Any]] = field(default_factory=dict)


class Cells:
    """One row's cells by canonical column name, reporting problems into the plan."""

    def __init__(self, plan: ImportPlan, table: Table, row: Row, headers: dict[str, tuple[str, Decimal]]) -> None:
        self.plan, self.table, self.row, self.headers = plan, table, row, headers

    def has(self, name: str) -> bool:
        return name in self.headers

    def raw(self, name: str) -> str:
        header = self.headers.get(name)
        return self.row.get(header[0]) if header else ""

    def issue(self, name: str, value: str, expected: str) -> None:
        header = self.headers.get(name, (name, Decimal(1)))[0]
        self.plan.issues.append(self.table.issue(self.row.number, header, value, expected))

    def text(self, name: str, *, required: bool = False, max_length: int = 200) -> str:
        value = self.raw(name)
        if required and not value:
            self.issue(name, value, "不能为空")
        elif len(value) > max_length:
            self.issue(name, value[:20] + "…", f"不超过 {max_length} 个字")
        return value

    def code(self, name: str) -> str:
        value = normalize_text(self.raw(name))
        if not value:
            self.issue(name, value, "不能为空")
        elif not PROJECT_CODE.match(value):
            self.issue(name, value, "1–21 位数字或字母")
        return value

    def amount(self, name: str, *, required: bool = False, allow_negative: bool = False) -> Decimal | None:
        value = self.raw(name)
        if not value and not required:
            return None
        try:
            return parse_amount(value, scale=self.headers[name][1], allow_negative=allow_negative)
        except AmountError as exc:
            self.issue(name, value, exc.expected)
            return None

    def choice(self, name: str, words: dict[str, bool], expected: str) -> bool:
        value = normalize_text(self.raw(name))
        if value not in words:
            self.issue(name, value, expected)
            return False
        return words[value]

    def year(self, name: str, default: int) -> int:
        value = normalize_text(self.raw(name)).removesuffix("年")
        if not value:
            return default
        if not value.isdigit() or not 1990 <= int(value) <= 2100:
            self.issue(name, value, "1990 至 2100 之间的年份，如 2026")
            return default
        return int(value)


def _resolve_headers(plan: ImportPlan, table: Table, specs: list[ColumnSpec]) -> dict[str, tuple[str, Decimal]]:
    """Canonical column name → (header as written, scale to yuan). Reports missing, duplicate
    and unit-less headers on the header row."""
    found: dict[str, tuple[str, Decimal]] = {}
    by_name = {alias: spec for spec in specs for alias in (spec.name, *spec.aliases)}
    for header in table.columns:
        base, scale = header_scale(header)
        spec = by_name.get(base)
        if spec is None:
            continue
        if spec.name in found:
            plan.issues.append(
                table.issue(
                    table.header_row,
                    header,
                    header,
                    f"「{spec.name}」列只能出现一次（与「{found[spec.name][0]}」重复）",
                )
            )
            continue
        if not spec.amount and scale != 1:
            plan.issues.append(
                table.issue(table.header_row, header, header, f"「{spec.name}」不是金额列，不应标注单位")
            )
        found[spec.name] = (header, scale)
    for spec in specs:
        if spec.required and spec.name not in found:
            plan.issues.append(table.issue(table.header_row, spec.name, "", f"表头应包含「{spec.name}」列"))
    return found


def _read(
    plan: ImportPlan, filename: str, data: bytes, specs: list[ColumnSpec]
) -> tuple[Table, dict[str, tuple[str, Decimal]]] | None:
    try:
        tables = read_tables(filename, data)
    except TabularError as exc:
        plan.issues.append(Issue(filename, None, None, None, "", exc.reason))
        return None
    names = {alias for s in specs if s.required for alias in (s.name, *s.aliases)}

    def score(t: Table) -> int:
        return sum(1 for h in t.columns if header_scale(h)[0] in names)

    if not tables:
        plan.issues.append(Issue(filename, None, None, None, "", "没有内容：至少需要一行表头和一行数据"))
        return None
    # The sheet whose header matches the layout best; with several sheets, say which was read.
    table = max(tables, key=score)
    headers = _resolve_headers(plan, table, specs)
    if plan.issues:
        return None
    if not table.rows:
        plan.issues.append(table.issue(table.header_row + 1, None, "", "表头下至少有一行数据"))
        return None
    return table, headers


def _duplicate(plan: ImportPlan, cells: Cells, column: str, key: str, seen: dict[str, int]) -> None:
    if key in seen:
        cells.issue(column, key, f"不重复的值（与第 {seen[key]} 行重复）")
    else:
        seen[key] = cells.row.number


def _diff(key: str, label: str, new: dict[str, Any], old: dict[str, Any] | None, labels: dict[str, str]) -> Change:
    if old is None:
        return Change(key, label, "create")
    changes = {labels[k]: (_show(old[k]), _show(v)) for k, v in new.items() if old[k] != v}
    return Change(key, label, "update" if changes else "unchanged", changes)


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value) if value is not None else ""


# --- projects ------------------------------------------------------------------------------

PROJECT_COLUMNS = [
    ColumnSpec("项目代码", required=True),
    ColumnSpec("项目名称", required=True),
    ColumnSpec("单位编码", required=True),
    ColumnSpec("项目类别", required=True),
    ColumnSpec("项目概述", aliases=("项目简介",)),
    ColumnSpec("项目性质", aliases=("新增/延续",)),
    ColumnSpec("开始年度"),
    ColumnSpec("结束年度"),
    ColumnSpec("是否重大项目"),
    ColumnSpec("是否专项债券项目"),
    *[ColumnSpec(label, amount=True) for label in FUND_COLUMNS],
    ColumnSpec("年初预算数", required=True, amount=True),
    ColumnSpec("调整后预算数", amount=True, aliases=("全年预算数",)),
]
PROJECT_LABELS = {
    "unit_id": "单位",
    "name": "项目名称",
    "category_id": "项目类别",
    "description": "项目概述",
    "is_new": "新增项目",
    "start_year": "开始年度",
    "end_year": "结束年度",
    "is_major": "重大项目",
    "is_special_bond": "专项债券项目",
    **{f"fund_{value}": label for label, value in FUND_COLUMNS.items()},
    "initial_budget": "年初预算数",
    "adjusted_budget": "调整后预算数",
}


def parse_projects(*, fiscal_year: FiscalYear, filename: str, data: bytes) -> ImportPlan:
    plan = ImportPlan("projects", filename)
    read = _read(plan, filename, data, PROJECT_COLUMNS)
    if read is None:
        return plan
    table, headers = read
    region_ids = [fiscal_year.region_id]
    units = dict(Unit.objects.with_scope(region=region_ids, unit=None).values_list("code", "pk"))
    categories = {}
    for pk, code, name in (
        ProjectCategory.objects.with_scope(region=region_ids).filter(active=True).values_list("pk", "code", "name")
    ):
        categories[code] = categories[name] = pk
    existing = {
        p["code"]: p
        for p in Project.objects.with_scope(region=region_ids, unit=None)
        .filter(fiscal_year=fiscal_year)
        .values("code", *PROJECT_LABELS)
    }
    unit_names = dict(Unit.objects.with_scope(region=region_ids, unit=None).values_list("pk", "name"))
    seen: dict[str, int] = {}
    has_funds = any(label in headers for label in FUND_COLUMNS)
    for row in table.rows:
        c = Cells(plan, table, row, headers)
        code = c.code("项目代码")
        if code:
            _duplicate(plan, c, "项目代码", code, seen)
        name = c.text("项目名称", required=True)
        unit_code = normalize_text(c.raw("单位编码"))
        unit_id = units.get(unit_code)
        if unit_id is None:
            c.issue("单位编码", unit_code, "本行政区划已有预算单位的编码")
        category_text = normalize_text(c.raw("项目类别"))
        category_id = categories.get(category_text)
        if category_id is None:
            c.issue("项目类别", category_text, "已设置的项目类别名称或代码（见项目类别清单）")
        is_new = c.choice("项目性质", NEW_WORDS, "新增 或 延续") if c.has("项目性质") else False
        start = c.year("开始年度", fiscal_year.year)
        end = c.year("结束年度", fiscal_year.year)
        if end < start:
            c.issue("结束年度", str(end), f"不早于开始年度 {start}")
        if not start <= fiscal_year.year <= end:
            c.issue("开始年度", str(start), f"实施期包含预算年度 {fiscal_year.year}")
        is_major = c.choice("是否重大项目", YES, "是 或 否") if c.has("是否重大项目") else False
        is_bond = c.choice("是否专项债券项目", YES, "是 或 否") if c.has("是否专项债券项目") else False
        funds = {value: c.amount(label) if label in headers else None for label, value in FUND_COLUMNS.items()}
        initial = c.amount("年初预算数", required=True)
        adjusted = c.amount("调整后预算数") if c.has("调整后预算数") else None
        if (
            initial is not None
            and has_funds
            and all(v is not None or not c.raw(label) for label, v in zip(FUND_COLUMNS, funds.values(), strict=True))
        ):
            total = sum((v for v in funds.values() if v is not None), Decimal(0))
            if total != initial:
                c.issue("年初预算数", c.raw("年初预算数"), f"等于各资金来源之和 {total:,.2f} 元")
        if (funds["special_bond"] or 0) > 0 and not is_bond:
            c.issue("是否专项债券项目", c.raw("是否专项债券项目"), "是（该项目有专项债券资金）")
        if code in existing and unit_id is not None and existing[code]["unit_id"] != unit_id:
            c.issue(
                "单位编码",
                unit_code,
                f"项目原属单位「{unit_names.get(existing[code]['unit_id'], '')}」的编码（项目代码不能改属其他单位）",
            )
        if plan.issues or initial is None or unit_id is None or category_id is None:
            continue
        new = {
            "unit_id": unit_id,
            "name": name,
            "category_id": category_id,
            "description": c.raw("项目概述"),
            "is_new": is_new,
            "start_year": start,
            "end_year": end,
            "is_major": is_major,
            "is_special_bond": is_bond,
            **{f"fund_{value}": (funds[value] if funds[value] is not None else Decimal("0.00")) for value in funds},
            "initial_budget": initial,
            "adjusted_budget": adjusted if adjusted is not None else initial,
        }
        if not has_funds:
            new["fund_general_public"] = initial
        plan.values[code] = new
        plan.changes.append(_diff(code, name, new, existing.get(code), PROJECT_LABELS))
    if plan.issues:
        plan.changes, plan.values = [], {}
    return plan


# --- unit budgets --------------------------------------------------------------------------

UNIT_BUDGET_COLUMNS = [
    ColumnSpec("单位编码", required=True),
    ColumnSpec("基本支出", required=True, amount=True),
    ColumnSpec("项目支出", required=True, amount=True),
]
UNIT_BUDGET_LABELS = {"basic_expenditure": "基本支出", "project_expenditure": "项目支出"}


def parse_unit_budgets(*, fiscal_year: FiscalYear, filename: str, data: bytes) -> ImportPlan:
    plan = ImportPlan("unit_budgets", filename)
    read = _read(plan, filename, data, UNIT_BUDGET_COLUMNS)
    if read is None:
        return plan
    table, headers = read
    region_ids = [fiscal_year.region_id]
    units = dict(Unit.objects.with_scope(region=region_ids, unit=None).values_list("code", "pk"))
    names = dict(Unit.objects.with_scope(region=region_ids, unit=None).values_list("code", "name"))
    existing = {
        b["unit__code"]: b
        for b in UnitBudget.objects.with_scope(region=region_ids, unit=None)
        .filter(fiscal_year=fiscal_year)
        .values("unit__code", *UNIT_BUDGET_LABELS)
    }
    seen: dict[str, int] = {}
    for row in table.rows:
        c = Cells(plan, table, row, headers)
        code = normalize_text(c.raw("单位编码"))
        if code not in units:
            c.issue("单位编码", code, "本行政区划已有预算单位的编码")
        else:
            _duplicate(plan, c, "单位编码", code, seen)
        basic = c.amount("基本支出", required=True)
        project = c.amount("项目支出", required=True)
        if plan.issues or basic is None or project is None:
            continue
        new = {"basic_expenditure": basic, "project_expenditure": project}
        plan.values[code] = {"unit_id": units[code], **new}
        plan.changes.append(_diff(code, names[code], new, existing.get(code), UNIT_BUDGET_LABELS))
    if plan.issues:
        plan.changes, plan.values = [], {}
    return plan


# --- monthly execution ----------------------------------------------------------------------

EXECUTION_LONG = [
    ColumnSpec("项目代码", required=True),
    ColumnSpec("月份", required=True, aliases=("支付月份",)),
    ColumnSpec("支付数", required=True, amount=True, aliases=("支付金额", "支出数")),
]
EXECUTION_WIDE = [ColumnSpec("项目代码", required=True)] + [ColumnSpec(f"{m}月", amount=True) for m in range(1, 13)]
MONTH = re.compile(r"^(?:(\d{4})[-/.年]?)?(\d{1,2})月?$")


def _month(text: str, year: int) -> int | None:
    match = MONTH.match(normalize_text(text))
    if match is None or not 1 <= int(match.group(2)) <= 12:
        return None
    if match.group(1) and int(match.group(1)) != year:
        return None
    return int(match.group(2))


def parse_executions(*, fiscal_year: FiscalYear, filename: str, data: bytes) -> ImportPlan:
    """Long layout (项目代码, 月份, 支付数) or wide (项目代码, 1月 … 12月). A month's figure
    replaces what was imported for that month before; refunds may make it negative."""
    plan = ImportPlan("executions", filename)
    try:
        tables = read_tables(filename, data)
    except TabularError as exc:
        plan.issues.append(Issue(filename, None, None, None, "", exc.reason))
        return plan
    wide = bool(tables) and not any(header_scale(h)[0] in ("月份", "支付月份") for t in tables for h in t.columns)
    read = _read(plan, filename, data, EXECUTION_WIDE if wide else EXECUTION_LONG)
    if read is None:
        return plan
    table, headers = read
    if wide and not any(f"{m}月" in headers for m in range(1, 13)):
        plan.issues.append(table.issue(table.header_row, "月份", "", "「月份」「支付数」两列，或「1月」至「12月」各列"))
        return plan
    region_ids = [fiscal_year.region_id]
    projects = {
        code: (pk, unit_id, name)
        for pk, code, unit_id, name in Project.objects.with_scope(region=region_ids, unit=None)
        .filter(fiscal_year=fiscal_year)
        .values_list("pk", "code", "unit_id", "name")
    }
    existing = {
        (code, month): amount
        for code, month, amount in Execution.objects.with_scope(region=region_ids, unit=None)
        .filter(project__fiscal_year=fiscal_year)
        .values_list("project__code", "month", "amount")
    }
    seen: dict[str, int] = {}
    for row in table.rows:
        c = Cells(plan, table, row, headers)
        code = normalize_text(c.raw("项目代码"))
        project = projects.get(code)
        if project is None:
            c.issue("项目代码", code, f"{fiscal_year.year} 年度已导入的项目代码（请先导入项目预算）")
        entries: list[tuple[int, Decimal | None]] = []
        if wide:
            entries = [
                (m, c.amount(f"{m}月", allow_negative=True))
                for m in range(1, 13)
                if f"{m}月" in headers and c.raw(f"{m}月")
            ]
            if code:
                _duplicate(plan, c, "项目代码", code, seen)
        else:
            month = _month(c.raw("月份"), fiscal_year.year)
            if month is None:
                c.issue("月份", c.raw("月份"), f"{fiscal_year.year} 年的月份，如 3、3月 或 {fiscal_year.year}-03")
            else:
                entries = [(month, c.amount("支付数", required=True, allow_negative=True))]
                _duplicate(plan, c, "月份", f"{code} {month}月", seen)
        if plan.issues or project is None:
            continue
        for month, amount in entries:
            if amount is None:
                continue
            key = f"{code}:{month}"
            plan.values[key] = {"project_id": project[0], "unit_id": project[1], "month": month, "amount": amount}
            old = existing.get((code, month))
            label = f"{project[2]} {month}月"
            plan.changes.append(
                _diff(key, label, {"amount": amount}, None if old is None else {"amount": old}, {"amount": "支付数"})
            )
    if plan.issues:
        plan.changes, plan.values = [], {}
    return plan


PARSERS: dict[str, Callable[..., ImportPlan]] = {
    "projects": parse_projects,
    "unit_budgets": parse_unit_budgets,
    "executions": parse_executions,
}
KIND_LABELS = {
    "projects": "项目预算",
    "unit_budgets": "单位预算（基本支出、项目支出）",
    "executions": "月度执行（支付数）",
}
