"""Writes to the indicator library: the starter load, proposals and their review, import."""

import json
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Max

from jixiao.accounts.permissions import ensure_perm
from jixiao.audit.services import log_action
from jixiao.budget.models import ProjectCategory
from jixiao.core.data import read_data
from jixiao.core.errors import DomainError, Forbidden
from jixiao.library.models import (
    Direction,
    Layout,
    LibraryIndicator,
    LibraryIndicatorVersion,
    LibrarySettings,
    Scope,
    Status,
)
from jixiao.org.models import Region

BASES = ("计划标准", "行业标准", "历史标准", "其他标准")
SYMBOLS = {
    Direction.POSITIVE: ["≥", ">"],
    Direction.NEGATIVE: ["≤", "<"],
    Direction.EQUAL: ["="],
    Direction.QUALITATIVE: ["定性"],
}


def taxonomy(layout: str = Layout.COST_AS_LEVEL1) -> list[dict[str, Any]]:
    """一级 → 二级 names of a layout, from jixiao/core/data/library/taxonomy.json."""
    data = json.loads(read_data("library/taxonomy.json"))
    return list(data["layouts"][layout]["level1"])


def shown_levels(level1: str, level2: str, layout: str) -> tuple[str, str]:
    """Where an indicator stands in the region's layout: under 产出 when cost is not its own 一级."""
    if layout == Layout.COST_UNDER_OUTPUT and level1 == "成本指标":
        return "产出指标", "成本指标"
    return level1, level2


def category_codes(indicator: LibraryIndicator) -> list[str]:
    # Through the link table: the categories' own manager is scoped and this runs anywhere.
    links = LibraryIndicator.categories.through.objects.filter(libraryindicator=indicator)
    return sorted(links.values_list("projectcategory__code", flat=True))


def set_categories(indicator: LibraryIndicator, categories: list[ProjectCategory]) -> None:
    links = LibraryIndicator.categories.through
    links.objects.filter(libraryindicator=indicator).delete()
    links.objects.bulk_create([links(libraryindicator_id=indicator.pk, projectcategory_id=c.pk) for c in categories])


def snapshot(indicator: LibraryIndicator) -> dict[str, Any]:
    return {
        "code": indicator.code,
        "name": indicator.name,
        "level1": indicator.level1,
        "level2": indicator.level2,
        "definition": indicator.definition,
        "unit": indicator.measure_unit,
        "direction": indicator.direction,
        "symbols": indicator.symbols,
        "levels": indicator.levels,
        "typical": [str(indicator.typical_low or ""), str(indicator.typical_high or "")],
        "basis": indicator.basis,
        "data_source": indicator.data_source,
        "evidence": indicator.evidence,
        "categories": category_codes(indicator),
        "keywords": indicator.keywords,
        "scope": indicator.scope,
        "status": indicator.status,
    }


def _version(indicator: LibraryIndicator, actor: Any, note: str) -> None:
    LibraryIndicatorVersion.objects.create(
        indicator=indicator,
        version=indicator.version,
        data=snapshot(indicator),
        note=note,
        changed_by=actor if getattr(actor, "is_authenticated", False) else None,
    )


def library_load_starter(*, actor: Any, region: Region, actor_name: str = "") -> int:
    """Give a region the starter library (jixiao/core/data/library/indicators.json), approved;
    codes it already has are left alone. Returns how many were added."""
    if actor is not None:
        ensure_perm(actor, "library.curate", region)
    starter = json.loads(read_data("library/indicators.json"))
    categories = {c.code: c for c in ProjectCategory.objects.with_scope(region=[region.pk]).all()}
    indicators = LibraryIndicator.objects.with_scope(region=[region.pk])
    with transaction.atomic():
        have = set(indicators.values_list("code", flat=True))
        new = [item for item in starter if item["code"] not in have]
        created = indicators.bulk_create(
            [
                LibraryIndicator(
                    region=region,
                    code=item["code"],
                    name=item["name"],
                    level1=item["level1"],
                    level2=item["level2"],
                    definition=item["definition"],
                    measure_unit=item.get("unit", ""),
                    direction=item["direction"],
                    symbols=item["symbols"],
                    levels=item.get("levels", []),
                    typical_low=Decimal(item["typical"]["low"]) if "typical" in item else None,
                    typical_high=Decimal(item["typical"]["high"]) if "typical" in item else None,
                    basis=item["basis"],
                    data_source=item.get("data_source", ""),
                    evidence=item.get("evidence", ""),
                    keywords=item.get("keywords", []),
                    scope=item["scope"],
                )
                for item in new
            ],
            batch_size=500,
        )
        links = LibraryIndicator.categories.through
        links.objects.bulk_create(
            [
                links(libraryindicator_id=indicator.pk, projectcategory_id=categories[code].pk)
                for indicator, item in zip(created, new, strict=True)
                for code in item["categories"]
                if code in categories
            ],
            batch_size=1000,
        )
        LibraryIndicatorVersion.objects.bulk_create(
            [
                LibraryIndicatorVersion(
                    indicator=i, version=1, data={"code": i.code, "source": "starter"}, note="起步指标库"
                )
                for i in created
            ],
            batch_size=1000,
        )
        LibrarySettings.objects.get_or_create(region=region)
        if created:
            log_action(
                actor=actor, actor_name=actor_name, action="library.loaded", region=region, data={"added": len(created)}
            )
    return len(created)


def _clean_fields(region: Region, fields: dict[str, Any]) -> dict[str, Any]:
    """Check a proposed or imported indicator the way the starter library is written."""
    name = str(fields.get("name", "")).strip()
    if not name or len(name) > 100:
        raise DomainError("请填写指标名称（不超过 100 个字）", field="name")
    levels = {(l1["name"], l2) for l1 in taxonomy() for l2 in l1["level2"]}
    level1, level2 = str(fields.get("level1", "")), str(fields.get("level2", ""))
    if (level1, level2) not in levels:
        raise DomainError(f"一级、二级指标应为指标体系中的组合（{level1}/{level2} 不在其中）", field="level2")
    direction = str(fields.get("direction", ""))
    if direction not in Direction.values:
        raise DomainError("指标方向应为正向、反向、等于或定性", field="direction")
    definition = str(fields.get("definition", "")).strip()
    if len(definition) < 8:
        raise DomainError("请写明指标解释：怎么统计、统计哪段时间、依据什么记录（至少 8 个字）", field="definition")
    unit = str(fields.get("measure_unit", "")).strip()
    if direction != Direction.QUALITATIVE and not unit:
        raise DomainError("定量指标须有计量单位", field="measure_unit")
    levels_list = [v.strip() for v in fields.get("levels", []) if str(v).strip()]
    if direction == Direction.QUALITATIVE and len(levels_list) < 2:
        raise DomainError("定性指标须列出至少两个分级（如：达到预期、基本达到预期、未达到预期）", field="levels")
    basis = str(fields.get("basis", ""))
    if basis not in BASES:
        raise DomainError("取值依据应为计划标准、行业标准、历史标准或其他标准", field="basis")
    low, high = (
        _decimal(fields.get("typical_low"), "typical_low"),
        _decimal(fields.get("typical_high"), "typical_high"),
    )
    if low is not None and high is not None and low > high:
        raise DomainError("常见目标值下限不能大于上限", field="typical_high")
    if unit == "%" and high is not None and high > 100:
        raise DomainError("百分比指标的目标值不应超过 100%", field="typical_high")
    codes = [c for c in fields.get("categories", []) if c]
    categories = list(ProjectCategory.objects.with_scope(region=[region.pk]).filter(code__in=codes))
    if len(categories) != len(set(codes)):
        raise DomainError("适用项目类别中有未设置的类别代码", field="categories")
    return {
        "name": name,
        "level1": level1,
        "level2": level2,
        "definition": definition,
        "measure_unit": unit,
        "direction": direction,
        "symbols": [SYMBOLS[Direction(direction)][0]],
        "levels": levels_list if direction == Direction.QUALITATIVE else [],
        "typical_low": low,
        "typical_high": high,
        "basis": basis,
        "data_source": str(fields.get("data_source", "")).strip()[:200],
        "evidence": str(fields.get("evidence", "")).strip()[:200],
        "keywords": [k.strip() for k in fields.get("keywords", []) if str(k).strip()][:10],
        "scope": Scope.SPECIFIC if categories else Scope.COMMON,
        "_categories": categories,
    }


def _decimal(value: Any, field: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value).replace(",", ""))
    except InvalidOperation:
        raise DomainError(f"「{value}」不是数字", field=field) from None


def indicator_propose(*, actor: Any, region: Region, fields: dict[str, Any], note: str = "") -> LibraryIndicator:
    """A unit proposes an indicator it needs; the office reviews it before anyone else sees it."""
    ensure_perm(actor, "library.propose", region)
    if actor.unit_id is None:
        raise Forbidden("只有预算单位的用户可以提议新指标")
    clean = _clean_fields(region, fields)
    categories = clean.pop("_categories")
    indicators = LibraryIndicator.objects.with_scope(region=[region.pk])
    with transaction.atomic():
        # P-numbers are the proposals' own sequence; approval keeps the code.
        last = indicators.filter(code__startswith="P-").aggregate(m=Max("code"))["m"]
        number = int(last.removeprefix("P-")) + 1 if last else 1
        indicator = LibraryIndicator.objects.create(
            region=region,
            code=f"P-{number:05d}",
            status=Status.PROPOSED,
            proposed_by=actor,
            proposed_unit_id=actor.unit_id,
            proposal_note=note.strip()[:1000],
            **clean,
        )
        set_categories(indicator, categories)
        _version(indicator, actor, "提议")
        log_action(
            actor=actor,
            action="library.indicator.proposed",
            target=indicator,
            unit=actor.unit,
            data={"name": indicator.name},
        )
    return indicator


def proposal_review(
    *, actor: Any, indicator: LibraryIndicator, decision: str, comment: str = "", into: LibraryIndicator | None = None
) -> LibraryIndicator:
    """The office approves a proposal into the library, merges it into an existing indicator,
    or rejects it with a reason. One transition, one audit entry."""
    ensure_perm(actor, "library.curate", indicator)
    comment = comment.strip()[:1000]
    with transaction.atomic():
        locked = (
            LibraryIndicator.objects.with_scope(region=[indicator.region_id]).select_for_update().get(pk=indicator.pk)
        )
        if locked.status != Status.PROPOSED:
            raise DomainError("该提议已审核，不能重复处理")
        if decision == "approve":
            locked.status = Status.APPROVED
            action, note = "library.indicator.approved", "审核通过"
        elif decision == "merge":
            if (
                into is None
                or into.region_id != locked.region_id
                or into.status != Status.APPROVED
                or into.pk == locked.pk
            ):
                raise DomainError("请选择要并入的已入库指标", field="into")
            locked.status, locked.merged_into = Status.RETIRED, into
            action, note = "library.indicator.merged", f"并入 {into.code}"
        elif decision == "reject":
            if not comment:
                raise DomainError("退回时请写明理由", field="comment")
            locked.status = Status.RETIRED
            action, note = "library.indicator.rejected", "退回"
        else:
            raise DomainError("审核结论应为通过、并入或退回", field="decision")
        locked.review_comment = comment
        locked.version += 1
        locked.save(update_fields=["status", "merged_into", "review_comment", "version", "updated"])
        _version(locked, actor, note)
        log_action(
            actor=actor,
            action=action,
            target=locked,
            unit=locked.proposed_unit,
            data={"comment": comment, "into": into.code if into else None},
        )
    return locked


def layout_set(*, actor: Any, region: Region, layout: str) -> LibrarySettings:
    ensure_perm(actor, "library.curate", region)
    if layout not in Layout.values:
        raise DomainError("未知的指标体系", field="layout")
    with transaction.atomic():
        settings_row, _ = LibrarySettings.objects.select_for_update().get_or_create(region=region)
        if settings_row.layout != layout:
            old = settings_row.layout
            settings_row.layout = layout
            settings_row.save(update_fields=["layout"])
            log_action(actor=actor, action="library.layout.changed", region=region, data={"from": old, "to": layout})
    return settings_row
