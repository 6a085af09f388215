"""Writes to the organisation: units, finance sections, fiscal years and their phases."""

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction

from jixiao.accounts.permissions import ensure_perm
from jixiao.audit.services import log_action
from jixiao.core.errors import DomainError
from jixiao.org.imports import UnitImportPlan, parse_units
from jixiao.org.models import FinanceSection, FiscalYear, Phase, PhaseWindow, Region, Unit, UnitKind


def unit_import_validate(*, actor: Any, region: Region, filename: str, data: bytes) -> UnitImportPlan:
    """Step one: read and check the whole file; nothing is written."""
    ensure_perm(actor, "org.manage", region)
    return parse_units(region=region, filename=filename, data=data)


def unit_import_commit(*, actor: Any, region: Region, filename: str, data: bytes) -> UnitImportPlan:
    """Step two: validate again against the database as it is now, then write every row in
    one transaction, or nothing. One audit entry for the import."""
    ensure_perm(actor, "org.manage", region)
    with transaction.atomic():
        # Serialise imports of one region: two at once could each create the same code.
        Region.objects.select_for_update().filter(pk=region.pk).first()
        plan = parse_units(region=region, filename=filename, data=data)
        if not plan.ok:
            return plan
        if not plan.count_create and not plan.count_update:
            return plan  # an unchanged file writes nothing and logs nothing
        _write_plan(region, plan)
        # One entry for the import, listing every changed unit with its old and new values, so
        # each unit's history finds it (audit.registry.HISTORY_EXTENSIONS).
        log_action(
            actor=actor,
            action="org.units.imported",
            region=region,
            data={
                "file": filename,
                "created": plan.count_create,
                "updated": plan.count_update,
                "unchanged": plan.count_unchanged,
                "changes": {
                    c.code: {"action": c.action, "fields": {k: list(v) for k, v in c.changes.items()}}
                    for c in plan.changes
                    if c.action != "unchanged"
                },
            },
        )
    return plan


def _write_plan(region: Region, plan: UnitImportPlan) -> None:
    """Write only what changes, in bulk: a re-import of an unchanged file writes nothing.

    New units are created a tree level at a time, parents first, so each is born with its
    parent and needs no second write.
    """
    action = {c.code: c.action for c in plan.changes}
    units = Unit.objects.with_scope(region=[region.pk], unit=None)
    ids = dict(units.values_list("code", "pk"))
    pending = [r for r in plan.rows if action[r.code] == "create"]
    while pending:
        ready = [r for r in pending if not r.parent_code or r.parent_code in ids]
        units.bulk_create(
            [
                Unit(
                    region=region,
                    code=r.code,
                    name=r.name,
                    kind=r.kind,
                    section_id=r.section_id,
                    active=r.active,
                    parent_id=ids[r.parent_code] if r.parent_code else None,
                )
                for r in ready
            ],
            batch_size=500,
        )
        ids.update(units.filter(code__in=[r.code for r in ready]).values_list("code", "pk"))
        pending = [r for r in pending if r.code not in ids]
    updates = [
        Unit(
            pk=ids[r.code],
            name=r.name,
            kind=r.kind,
            section_id=r.section_id,
            active=r.active,
            parent_id=ids[r.parent_code] if r.parent_code else None,
        )
        for r in plan.rows
        if action[r.code] == "update"
    ]
    units.bulk_update(updates, ["name", "kind", "section_id", "active", "parent_id"], batch_size=200)


def unit_update(
    *,
    actor: Any,
    unit: Unit,
    name: str,
    kind: str,
    parent: Unit | None,
    section: FinanceSection | None,
    active: bool,
) -> Unit:
    ensure_perm(actor, "org.manage", unit)
    if parent is not None:
        if parent.region_id != unit.region_id:
            raise DomainError("主管部门须在同一行政区划内", field="parent")
        ancestor: Unit | None = parent
        while ancestor is not None:
            if ancestor.pk == unit.pk:
                raise DomainError("主管部门不能是本单位或其下级单位", field="parent")
            ancestor = ancestor.parent
    if section is not None and section.region_id != unit.region_id:
        raise DomainError("业务股室须在同一行政区划内", field="section")
    new: dict[str, Any] = {
        "name": name.strip(),
        "kind": kind,
        "parent_id": parent.pk if parent else None,
        "section_id": section.pk if section else None,
        "active": active,
    }
    if not new["name"] or len(new["name"]) > 100:
        raise DomainError("单位名称不能为空，且不超过 100 个字", field="name")
    if kind not in UnitKind.values:
        raise DomainError("单位类型应为行政、事业、乡镇、其他之一", field="kind")
    changed = {k: [getattr(unit, k), v] for k, v in new.items() if getattr(unit, k) != v}
    if not changed:
        return unit
    with transaction.atomic():
        locked = Unit.objects.with_scope(region=[unit.region_id], unit=None).select_for_update().get(pk=unit.pk)
        for key, (_, value) in changed.items():
            setattr(locked, key, value)
        locked.save(update_fields=list(changed))
        log_action(actor=actor, action="org.unit.updated", target=locked, data={"changed": changed})
    return locked


def section_save(
    *,
    actor: Any,
    region: Region,
    section: FinanceSection | None,
    name: str,
    duties: str,
    units: list[Unit],
) -> FinanceSection:
    """Create or change a finance section and the set of units it oversees (归口管理)."""
    ensure_perm(actor, "org.manage", region)
    name, duties = name.strip(), duties.strip()
    if not name or len(name) > 50:
        raise DomainError("股室名称不能为空，且不超过 50 个字", field="name")
    if len(duties) > 300:
        raise DomainError("职责不超过 300 个字", field="duties")
    sections = FinanceSection.objects.with_scope(region=[region.pk]).all()
    if sections.filter(name=name).exclude(pk=section.pk if section else None).exists():
        raise DomainError(f"已有名为「{name}」的业务股室", field="name")
    if any(u.region_id != region.pk for u in units):
        raise DomainError("所选单位须在本行政区划内", field="units")
    scoped_units = Unit.objects.with_scope(region=[region.pk], unit=None).all()
    after = {u.code for u in units}
    try:
        with transaction.atomic():
            created = section is None
            if section is None:
                section = FinanceSection.objects.create(region=region, name=name, duties=duties)
                before: set[str] = set()
            else:
                section = sections.select_for_update().get(pk=section.pk)
                before = set(scoped_units.filter(section=section).values_list("code", flat=True))
                if (section.name, section.duties) == (name, duties) and before == after:
                    return section  # nothing changes, nothing to log
                section.name, section.duties = name, duties
                section.save(update_fields=["name", "duties"])
            # Units taken from another section: the entry names where each came from.
            moved_from = dict(
                scoped_units.filter(code__in=after - before, section__isnull=False).values_list("code", "section__name")
            )
            unit_ids = [u.pk for u in units]
            scoped_units.filter(section=section).exclude(pk__in=unit_ids).update(section=None)
            scoped_units.filter(pk__in=unit_ids).update(section=section)
            log_action(
                actor=actor,
                action="org.section.created" if created else "org.section.updated",
                target=section,
                data={
                    "name": name,
                    "added": sorted(after - before),
                    "removed": sorted(before - after),
                    "moved_from": moved_from,
                },
            )
    except IntegrityError:
        raise DomainError(f"已有名为「{name}」的业务股室", field="name") from None  # a double submit
    return section


def fiscal_year_create(*, actor: Any, region: Region, year: int) -> FiscalYear:
    ensure_perm(actor, "org.manage", region)
    if not 2000 <= year <= 2100:
        raise DomainError("预算年度应在 2000 至 2100 之间", field="year")
    if FiscalYear.objects.with_scope(region=[region.pk]).filter(year=year).exists():
        raise DomainError(f"{year} 年度已存在", field="year")
    try:
        with transaction.atomic():
            fiscal_year = FiscalYear.objects.create(region=region, year=year)
            for phase, (start, end) in default_phase_dates(year).items():
                PhaseWindow.objects.create(fiscal_year=fiscal_year, phase=phase, starts_on=start, ends_on=end)
            log_action(actor=actor, action="org.fiscal_year.created", target=fiscal_year, data={"year": year})
    except IntegrityError:
        raise DomainError(f"{year} 年度已存在", field="year") from None  # a double submit raced the check
    return fiscal_year


def default_phase_dates(year: int) -> dict[str, tuple[dt.date, dt.date]]:
    """A county's usual calendar (DOMAIN.md §3.1), to be adjusted to the bureau's notices:
    goals with the budget in Y-1's autumn, 批复 early in Y, monitoring of Jan–Aug in September,
    self-evaluation in Y+1 by the end of April, disclosure within 20 days of 批复."""
    return {
        Phase.GOALS: (dt.date(year - 1, 9, 1), dt.date(year - 1, 12, 31)),
        Phase.APPROVAL: (dt.date(year, 1, 1), dt.date(year, 2, 28)),
        Phase.MONITORING: (dt.date(year, 9, 1), dt.date(year, 9, 30)),
        Phase.SELF_EVALUATION: (dt.date(year + 1, 1, 1), dt.date(year + 1, 4, 30)),
        Phase.DISCLOSURE: (dt.date(year, 1, 1), dt.date(year, 3, 20)),
    }


def fiscal_year_set_phases(
    *, actor: Any, fiscal_year: FiscalYear, windows: dict[str, tuple[dt.date, dt.date]]
) -> FiscalYear:
    ensure_perm(actor, "org.manage", fiscal_year)
    for phase, (start, end) in windows.items():
        if phase not in Phase.values:
            raise DomainError(f"未知阶段「{phase}」")
        if end < start:
            raise DomainError(f"「{Phase(phase).label}」的截止日期不能早于开始日期", field=phase)
    with transaction.atomic():
        current = {w.phase: w for w in fiscal_year.phases.select_for_update()}
        changed = {}
        for phase, (start, end) in windows.items():
            window = current.get(phase)
            if window is None:
                PhaseWindow.objects.create(fiscal_year=fiscal_year, phase=phase, starts_on=start, ends_on=end)
                changed[phase] = [None, [start.isoformat(), end.isoformat()]]
            elif (window.starts_on, window.ends_on) != (start, end):
                changed[phase] = [
                    [window.starts_on.isoformat(), window.ends_on.isoformat()],
                    [start.isoformat(), end.isoformat()],
                ]
                window.starts_on, window.ends_on = start, end
                window.save(update_fields=["starts_on", "ends_on"])
        if changed:
            log_action(
                actor=actor,
                action="org.fiscal_year.phases_updated",
                target=fiscal_year,
                data={"changed": changed},
            )
    return fiscal_year
