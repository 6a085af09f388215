"""Between the database and the review engine: a stored sheet as the engine's ``GoalSheet``,
the context it is reviewed in (rule set, library, budget amount, last year, sibling sheets), and
the findings stored back with the rule-set version they were made with."""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone

from jixiao.budget.models import FundSource, Project
from jixiao.core import checks
from jixiao.core import sheet as core
from jixiao.goals.models import Finding, GoalSheet, Indicator, Kind, RuleSet
from jixiao.library.selectors import approved_indicators, category_links, per_library


@dataclass
class Row:
    """An indicator row as the editor or an import holds it, before it is stored."""

    level1: str = ""
    level2: str = ""
    name: str = ""
    symbol: str = ""
    value: str = ""
    unit: str = ""
    weight: Decimal | None = None
    basis: str = ""
    source: str = ""
    library_indicator_id: int | None = None

    def to_core(self) -> core.Indicator:
        return core.Indicator(
            level1=self.level1,
            level2=self.level2,
            name=self.name,
            symbol=self.symbol,
            value=self.value,
            unit=self.unit,
            weight=self.weight,
            basis=self.basis,
            source=self.source,
        )

    def to_model(self, sheet: GoalSheet, position: int) -> Indicator:
        return Indicator(
            sheet=sheet,
            position=position,
            level1=self.level1,
            level2=self.level2,
            name=self.name,
            symbol=self.symbol,
            value=self.value,
            unit=self.unit,
            weight=self.weight,
            basis=self.basis,
            source=self.source,
            library_indicator_id=self.library_indicator_id,
        )

    @classmethod
    def of(cls, i: Indicator) -> "Row":
        return cls(
            i.level1, i.level2, i.name, i.symbol, i.value, i.unit, i.weight, i.basis, i.source, i.library_indicator_id
        )


def rows_of(sheet: GoalSheet) -> list[Row]:
    return [Row.of(i) for i in sheet.indicators.all()]


def to_core(sheet: GoalSheet, rows: Sequence[Row] | None = None, *, history: bool = True) -> core.GoalSheet:
    """The stored sheet (or its header with edited ``rows``) in the engine's terms."""
    rows = rows_of(sheet) if rows is None else rows
    project = sheet.project
    info = None
    if project is not None:
        info = core.ProjectInfo(
            name=project.name,
            code=project.code,
            category=project.category.name,
            description=project.description,
            is_new=project.is_new,
            start_year=project.start_year,
            end_year=project.end_year,
        )
    by_source = {s.value: getattr(sheet, f"fund_{s.value}") for s in FundSource if getattr(sheet, f"fund_{s.value}")}
    result = core.GoalSheet(
        kind=sheet.kind,
        year=sheet.fiscal_year.year,
        unit_code=sheet.unit.code,
        unit_name=sheet.unit.name,
        region_code=sheet.region.code,
        region_name=sheet.region.name,
        project=info,
        total=sheet.total,
        by_source=by_source,
        goal=sheet.goal,
        long_term_goal=sheet.long_term_goal,
        indicators=[r.to_core() for r in rows],
        projects=[core.ProjectLine(line["name"], _decimal(line.get("amount"))) for line in sheet.project_lines],
        history=past_years(sheet) if history else [],
        source=f"sheet:{sheet.pk}" if sheet.pk else "sheet:new",
    )
    result.special_bond = bool(sheet.fund_special_bond) or bool(project and project.is_special_bond)
    return result


def _decimal(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value)) if value not in (None, "") else None
    except ArithmeticError:
        return None


def last_year_sheet(sheet: GoalSheet) -> GoalSheet | None:
    """The same project's sheet of the year before (a continuing project keeps its code), or the
    unit's department sheet of the year before."""
    earlier = GoalSheet.objects.with_scope(region=[sheet.region_id], unit=[sheet.unit_id]).filter(
        fiscal_year__region_id=sheet.region_id, fiscal_year__year=sheet.fiscal_year.year - 1, kind=sheet.kind
    )
    if sheet.project is not None:
        earlier = earlier.filter(project__code=sheet.project.code)
    return earlier.select_related("fiscal_year").first()


# Where last year's actuals come from: self-evaluation registers a provider (``register_actuals``)
# that returns, for an approved sheet, its accepted self-evaluation's actuals by indicator position.
_actual_providers: list[Callable[[GoalSheet], dict[int, str]]] = []


def register_actuals(provider: Callable[[GoalSheet], dict[int, str]]) -> None:
    _actual_providers.append(provider)


def actuals_of(sheet: GoalSheet) -> dict[int, str]:
    """The actuals reported for ``sheet`` (indicator position → 实际完成值), empty until its
    self-evaluation has been accepted."""
    for provider in _actual_providers:
        found = provider(sheet)
        if found:
            return found
    return {}


def past_years(sheet: GoalSheet) -> list[core.PastYear]:
    before = last_year_sheet(sheet)
    if before is None:
        return []
    actuals = actuals_of(before)
    return [
        core.PastYear(
            year=before.fiscal_year.year,
            indicators=[
                core.Indicator(
                    level1=i.level1,
                    level2=i.level2,
                    name=i.name,
                    symbol=i.symbol,
                    value=i.value,
                    unit=i.unit,
                    actual=actuals.get(i.position, ""),
                )
                for i in before.indicators.all()
            ],
            total=before.total,
        )
    ]


# --- the context ---------------------------------------------------------------------------


def library_entries(region_id: int) -> list[checks.LibraryEntry]:
    """The region's approved library in the engine's terms, rebuilt when the library changes."""

    def build() -> list[checks.LibraryEntry]:
        links = category_links(region_id)
        return [
            checks.LibraryEntry(
                name=i.name,
                level1=i.level1,
                level2=i.level2,
                unit=i.measure_unit,
                categories=[c.name for c in links.get(i.pk, [])],
                keywords=i.keywords,
                low=i.typical_low,
                high=i.typical_high,
                levels=i.levels,
            )
            for i in approved_indicators(region_id).only(
                "id", "name", "level1", "level2", "measure_unit", "keywords", "typical_low", "typical_high", "levels"
            )
        ]

    return per_library("entries", region_id, build)


def ruleset_for(sheet: GoalSheet) -> checks.RuleSet:
    return ruleset_of(sheet.region_id, sheet.fiscal_year_id)


def ruleset_of(region_id: int, fiscal_year_id: int) -> checks.RuleSet:
    """The newest rule set the office saved for the year, else the shipped defaults."""
    saved = (
        RuleSet.objects.with_scope(region=[region_id])
        .filter(fiscal_year_id=fiscal_year_id)
        .order_by("-created_at", "-id")
        .first()
    )
    if saved is None:
        return checks.RuleSet.default()
    return checks.RuleSet.from_data({**saved.data, "version": saved.version})


def siblings_of(sheet: GoalSheet) -> list[core.GoalSheet]:
    """The unit's other sheets of the year, for boilerplate and department-line checks."""
    others = (
        GoalSheet.objects.with_scope(region=[sheet.region_id], unit=[sheet.unit_id])
        .filter(fiscal_year_id=sheet.fiscal_year_id, unit_id=sheet.unit_id)
        .exclude(pk=sheet.pk)
        .select_related("project__category", "unit", "region", "fiscal_year")
        .prefetch_related("indicators")
    )
    return [to_core(other, history=False) for other in others]


def context_for(sheet: GoalSheet, *, siblings: bool = True) -> checks.Context:
    project: Project | None = sheet.project
    approved_amount = None
    category_names: list[str] = []
    if project is not None:
        # A sheet that went through an adjustment (绩效目标调整) goes with a budget adjustment:
        # from then on, in whatever state, its money is the adjusted budget.
        adjusted = sheet.pk is not None and sheet.approved_version > 0 and sheet.events.filter(action="adjust").exists()
        approved_amount = project.adjusted_budget if adjusted else project.initial_budget
        category_names = [project.category.name, project.category.domain]
    return checks.Context(
        rules=ruleset_for(sheet),
        library=library_entries(sheet.region_id),
        category_names=category_names,
        approved_amount=approved_amount,
        siblings=siblings_of(sheet) if siblings else (),
    )


def review_rows(sheet: GoalSheet, rows: Sequence[Row] | None = None) -> list[checks.Finding]:
    """Review the sheet, or its header with edited ``rows`` (the live check while typing)."""
    return checks.review(to_core(sheet, rows), context_for(sheet))


def finding_model(sheet: GoalSheet, f: checks.Finding) -> Finding:
    return Finding(
        sheet=sheet,
        rule=f.rule,
        family=f.family,
        severity=f.severity,
        indicator=f.indicator,
        field=f.field or "",
        params=dict(f.params),
    )


def store_findings(sheet: GoalSheet, findings: Iterable[checks.Finding], version: str) -> None:
    """Replace the sheet's stored findings and counts (inside the caller's transaction)."""
    findings = list(findings)
    Finding.objects.filter(sheet=sheet).delete()
    Finding.objects.bulk_create(finding_model(sheet, f) for f in findings)
    counts = {s: sum(1 for f in findings if f.severity == s) for s in ("error", "warning", "info")}
    sheet.errors, sheet.warnings, sheet.infos = counts["error"], counts["warning"], counts["info"]
    sheet.rules_version = version
    sheet.reviewed_at = timezone.now()
    GoalSheet.objects.with_scope(region=[sheet.region_id], unit=[sheet.unit_id]).filter(pk=sheet.pk).update(
        errors=sheet.errors,
        warnings=sheet.warnings,
        infos=sheet.infos,
        rules_version=version,
        reviewed_at=sheet.reviewed_at,
    )


def rereview(sheet: GoalSheet) -> list[checks.Finding]:
    """Review the stored sheet and store what was found."""
    context = context_for(sheet)
    findings = checks.review(to_core(sheet), context)
    store_findings(sheet, findings, context.rules.version)
    return findings


def as_findings(stored: Iterable[Finding]) -> list[checks.Finding]:
    """Stored rows back as engine findings, for their message, hint and basis."""
    return [
        checks.Finding(
            rule=f.rule, severity=f.severity, indicator=f.indicator, field=f.field or None, params=dict(f.params)
        )
        for f in stored
    ]


def is_department(sheet: GoalSheet) -> bool:
    return sheet.kind == Kind.DEPARTMENT
