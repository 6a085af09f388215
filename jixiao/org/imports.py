"""Import of the unit tree from the integrated budget system's export (Excel or CSV).

Two steps: ``parse_units`` validates everything and returns a plan (or the issues); the
service commits a clean plan in one transaction. Re-importing the same file changes nothing.
"""

import re
from dataclasses import dataclass, field

from jixiao.core.tabular import (
    Issue,
    PlanSummary,
    Table,
    TabularError,
    duplicate_columns,
    missing_columns,
    normalize_text,
    read_tables,
)
from jixiao.org.models import UNIT_CODE_PATTERN, FinanceSection, Region, Unit, UnitKind

COL_CODE = "单位编码"
COL_NAME = "单位名称"
COL_KIND = "单位类型"
COL_PARENT = "主管部门编码"
COL_SECTION = "归口业务股室"
COL_ACTIVE = "是否启用"
REQUIRED = (COL_CODE, COL_NAME, COL_KIND)
COLUMNS = (COL_CODE, COL_NAME, COL_KIND, COL_PARENT, COL_SECTION, COL_ACTIVE)

UNIT_CODE = re.compile(UNIT_CODE_PATTERN)
KIND_WORDS = {label: value for value, label in UnitKind.choices}
KIND_WORDS.update({f"{label}单位": value for value, label in UnitKind.choices})
ACTIVE_WORDS = {"是": True, "启用": True, "否": False, "停用": False, "": True}


@dataclass
class UnitRow:
    row: int
    code: str
    name: str
    kind: str
    parent_code: str
    section_id: int | None
    active: bool


@dataclass
class UnitChange:
    code: str
    name: str
    action: str  # "create" | "update" | "unchanged"
    changes: dict[str, tuple[str, str]] = field(default_factory=dict)


@dataclass
class UnitImportPlan(PlanSummary):
    file: str
    rows: list[UnitRow] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    changes: list[UnitChange] = field(default_factory=list)
    # A column left out of the file leaves that field as it is; a blank cell in it clears it.
    notes: list[str] = field(default_factory=list)
    sets_parent: bool = False
    sets_section: bool = False
    sets_active: bool = False


def parse_units(*, region: Region, filename: str, data: bytes) -> UnitImportPlan:
    plan = UnitImportPlan(file=filename)
    try:
        tables = read_tables(filename, data)
    except TabularError as exc:
        plan.issues.append(Issue(filename, None, None, None, "", exc.reason))
        return plan
    table = next((t for t in tables if all(c in t.columns for c in REQUIRED)), None)
    if table is None:
        if not tables:
            plan.issues.append(Issue(filename, None, None, None, "", "没有内容：至少需要一行表头和一行数据"))
        else:
            plan.issues.extend(missing_columns(tables[0], REQUIRED))
        return plan
    plan.issues.extend(duplicate_columns(table))
    if plan.issues:
        return plan
    if not table.rows:
        plan.issues.append(table.issue(table.header_row + 1, None, "", "表头下至少有一行单位数据"))
        return plan
    if len(tables) > 1:
        plan.notes.append(f"文件有 {len(tables)} 个工作表，只导入表头相符的第一个：「{table.sheet}」")
    sections = {s.name: s.pk for s in FinanceSection.objects.with_scope(region=[region.pk]).all()}
    existing = existing_units(region)
    plan.sets_parent = COL_PARENT in table.columns
    plan.sets_section = COL_SECTION in table.columns
    plan.sets_active = COL_ACTIVE in table.columns
    _read_rows(plan, table, sections)
    if plan.issues:
        return plan
    if not plan.sets_parent:
        for r in plan.rows:
            r.parent_code = existing[r.code].parent_code if r.code in existing else ""
    _check_tree(plan, table, existing)
    if plan.issues:
        return plan
    section_names = {pk: name for name, pk in sections.items()}
    for r in plan.rows:
        unit = existing.get(r.code)
        if unit is not None and not plan.sets_section:
            r.section_id = unit.section_id
        if unit is not None and not plan.sets_active:
            r.active = unit.active
        plan.changes.append(_diff(r, unit, section_names))
    return plan


@dataclass(frozen=True)
class ExistingUnit:
    """What the import compares against: plain values, no model instances (a province-sized
    region has tens of thousands of units)."""

    pk: int
    name: str
    kind: str
    parent_code: str
    section_id: int | None
    active: bool


def existing_units(region: Region) -> dict[str, ExistingUnit]:
    rows = list(
        Unit.objects.with_scope(region=[region.pk], unit=None).values_list(
            "pk", "code", "name", "kind", "parent_id", "section_id", "active"
        )
    )
    code_of = {pk: code for pk, code, *_ in rows}
    return {
        code: ExistingUnit(pk, name, kind, code_of.get(parent_id, "") if parent_id else "", section_id, active)
        for pk, code, name, kind, parent_id, section_id, active in rows
    }


def _read_rows(plan: UnitImportPlan, table: Table, sections: dict[str, int]) -> None:
    first_seen: dict[str, int] = {}
    for row in table.rows:
        # Codes pasted from Excel come with full-width digits; names keep their own characters.
        code, name = normalize_text(row.get(COL_CODE)), row.get(COL_NAME)
        kind_text, parent = normalize_text(row.get(COL_KIND)), normalize_text(row.get(COL_PARENT))
        section_text, active_text = row.get(COL_SECTION), normalize_text(row.get(COL_ACTIVE))
        issue = table.issue
        if not code:
            plan.issues.append(issue(row.number, COL_CODE, code, "不能为空"))
        elif not UNIT_CODE.match(code):
            plan.issues.append(issue(row.number, COL_CODE, code, "1–21 位数字或字母"))
        elif code in first_seen:
            plan.issues.append(issue(row.number, COL_CODE, code, f"不重复的编码（与第 {first_seen[code]} 行重复）"))
        else:
            first_seen[code] = row.number
        if not name:
            plan.issues.append(issue(row.number, COL_NAME, name, "不能为空"))
        elif len(name) > 100:
            plan.issues.append(issue(row.number, COL_NAME, name[:20] + "…", "不超过 100 个字"))
        if kind_text not in KIND_WORDS:
            plan.issues.append(issue(row.number, COL_KIND, kind_text, "行政、事业、乡镇、其他之一"))
        if parent and parent == code:
            plan.issues.append(issue(row.number, COL_PARENT, parent, "其他单位的编码（不能是本单位）"))
        if section_text and section_text not in sections:
            known = "、".join(sorted(sections)) or "（尚未设置业务股室）"
            plan.issues.append(issue(row.number, COL_SECTION, section_text, f"已有业务股室名称：{known}"))
        if active_text not in ACTIVE_WORDS:
            plan.issues.append(issue(row.number, COL_ACTIVE, active_text, "是 或 否（留空视为是）"))
        plan.rows.append(
            UnitRow(
                row=row.number,
                code=code,
                name=name,
                kind=KIND_WORDS.get(kind_text, ""),
                parent_code=parent,
                section_id=sections.get(section_text) if section_text else None,
                active=ACTIVE_WORDS.get(active_text, True),
            )
        )


def _check_tree(plan: UnitImportPlan, table: Table, existing: dict[str, ExistingUnit]) -> None:
    parent_of = {code: u.parent_code for code, u in existing.items()}
    parent_of.update({r.code: r.parent_code for r in plan.rows})
    for r in plan.rows:
        if r.parent_code and r.parent_code not in parent_of:
            plan.issues.append(table.issue(r.row, COL_PARENT, r.parent_code, "本文件或系统中已有单位的编码"))
    if plan.issues:
        return
    for r in plan.rows:
        seen, code = {r.code}, parent_of[r.code]
        while code:
            if code in seen:
                plan.issues.append(
                    table.issue(
                        r.row,
                        COL_PARENT,
                        r.parent_code,
                        "不形成循环的上级单位（上下级关系出现闭环）",
                    )
                )
                break
            seen.add(code)
            code = parent_of.get(code, "")


KIND_LABELS = dict(UnitKind.choices)


def _diff(r: UnitRow, unit: ExistingUnit | None, section_names: dict[int, str]) -> UnitChange:
    if unit is None:
        return UnitChange(r.code, r.name, "create")
    old = {
        "单位名称": unit.name,
        "单位类型": KIND_LABELS.get(unit.kind, unit.kind),
        "主管部门编码": unit.parent_code,
        "归口业务股室": section_names.get(unit.section_id, "") if unit.section_id else "",
        "是否启用": "是" if unit.active else "否",
    }
    new = {
        "单位名称": r.name,
        "单位类型": KIND_LABELS[r.kind],
        "主管部门编码": r.parent_code,
        "归口业务股室": section_names.get(r.section_id, "") if r.section_id else "",
        "是否启用": "是" if r.active else "否",
    }
    changes = {k: (old[k], new[k]) for k in old if old[k] != new[k]}
    return UnitChange(r.code, r.name, "update" if changes else "unchanged", changes)
