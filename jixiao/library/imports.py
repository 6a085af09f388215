"""Excel export and two-step import of the library, in one column layout."""

from decimal import Decimal
from typing import Any

from django.db import transaction

from jixiao.accounts.permissions import ensure_perm
from jixiao.audit.services import log_action
from jixiao.budget.imports import Change, ImportPlan
from jixiao.budget.models import ProjectCategory
from jixiao.core.errors import DomainError
from jixiao.core.tabular import Issue, TabularError, duplicate_columns, missing_columns, normalize_text, read_tables
from jixiao.library.models import Direction, LibraryIndicator, Status
from jixiao.library.services import _clean_fields, _version, set_categories
from jixiao.org.models import Region

COLUMNS = [
    "指标编码",
    "指标名称",
    "一级指标",
    "二级指标",
    "指标解释",
    "计量单位",
    "指标方向",
    "定性分级",
    "常见目标值下限",
    "常见目标值上限",
    "取值依据",
    "数据来源",
    "佐证材料",
    "适用项目类别",
    "关键词",
]
REQUIRED = ("指标编码", "指标名称", "一级指标", "二级指标", "指标解释", "指标方向", "取值依据")
DIRECTIONS = {label: value for value, label in Direction.choices}
FIELD_COLUMNS = {
    "name": "指标名称",
    "level2": "二级指标",
    "definition": "指标解释",
    "measure_unit": "计量单位",
    "direction": "指标方向",
    "levels": "定性分级",
    "typical_low": "常见目标值下限",
    "typical_high": "常见目标值上限",
    "basis": "取值依据",
    "categories": "适用项目类别",
}


def _number(value: Decimal | None) -> str:
    return f"{value.normalize():f}" if value is not None else ""


def row_of(indicator: LibraryIndicator) -> list[str]:
    return [
        indicator.code,
        indicator.name,
        indicator.level1,
        indicator.level2,
        indicator.definition,
        indicator.measure_unit,
        indicator.get_direction_display(),
        "、".join(indicator.levels),
        _number(indicator.typical_low),
        _number(indicator.typical_high),
        indicator.basis,
        indicator.data_source,
        indicator.evidence,
        "、".join(sorted(c.code for c in indicator.categories.all())),
        "、".join(indicator.keywords),
    ]


def _split(text: str) -> list[str]:
    return [p.strip() for p in text.replace("，", "、").replace(",", "、").split("、") if p.strip()]


def parse_library(*, region: Region, filename: str, data: bytes) -> ImportPlan:
    """Each row is checked as a proposal is; a code the library has is updated (a new version),
    a new code is added as approved."""
    plan = ImportPlan("library", filename)
    try:
        tables = read_tables(filename, data)
    except TabularError as exc:
        plan.issues.append(Issue(filename, None, None, None, "", exc.reason))
        return plan
    table = next((t for t in tables if all(c in t.columns for c in REQUIRED)), None)
    if table is None:
        if tables:
            plan.issues.extend(missing_columns(tables[0], REQUIRED))
        else:
            plan.issues.append(Issue(filename, None, None, None, "", "没有内容：至少需要一行表头和一行数据"))
        return plan
    plan.issues.extend(duplicate_columns(table))
    existing = {i.code: i for i in LibraryIndicator.objects.with_scope(region=[region.pk]).all()}
    codes_of: dict[int, list[str]] = {}
    links = LibraryIndicator.categories.through.objects.filter(libraryindicator__region=region)
    for indicator_id, code in links.values_list("libraryindicator_id", "projectcategory__code"):
        codes_of.setdefault(indicator_id, []).append(code)
    seen: dict[str, int] = {}
    for row in table.rows:
        code = normalize_text(row.get("指标编码"))
        if not code or len(code) > 20:
            plan.issues.append(table.issue(row.number, "指标编码", code, "不超过 20 个字符的编码"))
            continue
        if code in seen:
            plan.issues.append(table.issue(row.number, "指标编码", code, f"不重复的编码（与第 {seen[code]} 行重复）"))
            continue
        seen[code] = row.number
        direction = DIRECTIONS.get(row.get("指标方向"), row.get("指标方向"))
        fields = {
            "name": row.get("指标名称"),
            "level1": row.get("一级指标"),
            "level2": row.get("二级指标"),
            "definition": row.get("指标解释"),
            "measure_unit": row.get("计量单位"),
            "direction": direction,
            "levels": _split(row.get("定性分级")),
            "typical_low": normalize_text(row.get("常见目标值下限")),
            "typical_high": normalize_text(row.get("常见目标值上限")),
            "basis": row.get("取值依据"),
            "data_source": row.get("数据来源"),
            "evidence": row.get("佐证材料"),
            "categories": [normalize_text(c) for c in _split(row.get("适用项目类别"))],
            "keywords": _split(row.get("关键词")),
        }
        try:
            clean = _clean_fields(region, fields)
        except DomainError as exc:
            column = FIELD_COLUMNS.get(exc.field or "", "指标名称")
            plan.issues.append(table.issue(row.number, column, row.get(column), exc.message))
            continue
        categories = sorted(c.code for c in clean.pop("_categories"))
        old = existing.get(code)
        new = {**clean, "categories": categories}
        plan.values[code] = new
        if old is None:
            plan.changes.append(Change(code, clean["name"], "create"))
            continue
        before = {
            "name": old.name,
            "level1": old.level1,
            "level2": old.level2,
            "definition": old.definition,
            "measure_unit": old.measure_unit,
            "direction": old.direction,
            "symbols": old.symbols,
            "levels": old.levels,
            "typical_low": old.typical_low,
            "typical_high": old.typical_high,
            "basis": old.basis,
            "data_source": old.data_source,
            "evidence": old.evidence,
            "keywords": old.keywords,
            "scope": old.scope,
            "categories": sorted(codes_of.get(old.pk, [])),
        }
        diff = {k: (str(before[k]), str(v)) for k, v in new.items() if _differs(before[k], v)}
        plan.changes.append(Change(code, clean["name"], "update" if diff else "unchanged", diff))
    if plan.issues:
        plan.changes, plan.values = [], {}
    return plan


def _differs(old: Any, new: Any) -> bool:
    if isinstance(old, Decimal) or isinstance(new, Decimal):
        return (old is None) != (new is None) or (old is not None and Decimal(old) != Decimal(new))
    return bool(old != new)


def library_import_commit(*, actor: Any, region: Region, filename: str, data: bytes) -> ImportPlan:
    ensure_perm(actor, "library.curate", region)
    with transaction.atomic():
        plan = parse_library(region=region, filename=filename, data=data)
        if not plan.ok or not (plan.count_create or plan.count_update):
            return plan
        indicators = LibraryIndicator.objects.with_scope(region=[region.pk])
        categories = {c.code: c for c in ProjectCategory.objects.with_scope(region=[region.pk]).all()}
        for change in plan.changes:
            if change.action == "unchanged":
                continue
            values = dict(plan.values[change.key])
            codes = values.pop("categories")
            if change.action == "create":
                indicator = LibraryIndicator.objects.create(
                    region=region, code=change.key, status=Status.APPROVED, **values
                )
            else:
                indicator = indicators.select_for_update().get(code=change.key)
                for key, value in values.items():
                    setattr(indicator, key, value)
                indicator.version += 1
                indicator.save()
            set_categories(indicator, [categories[c] for c in codes])
            _version(indicator, actor, f"导入 {filename}")
        log_action(
            actor=actor,
            action="library.imported",
            region=region,
            data={
                "file": filename,
                "created": plan.count_create,
                "updated": plan.count_update,
                "codes": [c.key for c in plan.changes if c.action != "unchanged"],
            },
        )
    return plan
