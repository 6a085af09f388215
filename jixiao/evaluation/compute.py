"""A form's scores and findings, computed by ``jixiao.core.scoring`` with its round's frozen
rules and stored on the form and its lines (``refresh``); ``preview`` scores what the unit is
typing without storing anything.
"""

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.utils import timezone

from jixiao.core import scoring
from jixiao.core import sheet as core_sheet
from jixiao.core.selfeval import Execution, SelfEvaluation
from jixiao.evaluation.models import Line, Round, SelfEval
from jixiao.evaluation.models import ScoringRules as RulesVersion
from jixiao.monitoring.compute import update_rows

LINE_RESULTS = ["weight_used", "completion", "score", "level"]
FORM_RESULTS = [
    "execution_rate",
    "execution_score",
    "total",
    "grade",
    "errors",
    "warnings",
    "findings",
    "notes",
    "distorted",
    "computed_at",
]


def rules_for(region_id: int, fiscal_year_id: int) -> tuple[str, dict[str, Any]]:
    """The scoring rules in force for the year: the office's latest version, else the shipped."""
    saved = (
        RulesVersion.objects.with_scope(region=[region_id])
        .filter(fiscal_year_id=fiscal_year_id)
        .order_by("-created_at", "-id")
        .first()
    )
    if saved is None:
        return scoring.ScoringRules.default().version, {}
    return saved.version, dict(saved.data)


def rules_in_force(region_id: int, fiscal_year_id: int) -> scoring.ScoringRules:
    """The year's scoring rules as one object: the office's latest version over the shipped."""
    version, data = rules_for(region_id, fiscal_year_id)
    return scoring.ScoringRules.from_data({"version": version, **data}) if data else scoring.ScoringRules.default()


def frozen_rules(region_id: int, fiscal_year_id: int) -> tuple[str, dict[str, Any]]:
    """The rules in force written out in full, to freeze into a round: a later change to the
    shipped defaults does not change a round's scores under its old version name."""
    rules = rules_in_force(region_id, fiscal_year_id)
    data = rules.to_data()
    data.pop("version")
    return rules.version, data


def rules_of(round_: Round) -> scoring.ScoringRules:
    if not round_.rules:
        return scoring.ScoringRules.default()
    return scoring.ScoringRules.from_data({"version": round_.rules_version, **round_.rules})


def to_core(form: SelfEval, lines: Sequence[Line]) -> SelfEvaluation:
    """The form as the scorer reads it (formats §2)."""
    sheet = form.sheet
    indicators = [
        core_sheet.Indicator(
            level1=line.level1,
            level2=line.level2,
            name=line.name,
            symbol=line.symbol,
            value=line.value,
            unit=line.unit,
            weight=line.weight,
            source=line.source,
            actual=line.actual,
            score=line.score_given,
            deviation_reason=line.deviation_reason,
            year=form.round.fiscal_year.year,
        )
        for line in lines
    ]
    core = core_sheet.GoalSheet(
        kind=form.kind,
        year=form.round.fiscal_year.year,
        unit_code=form.unit.code,
        unit_name=form.unit.name,
        project=core_sheet.ProjectInfo(name=form.project.name, code=form.project.code) if form.project else None,
        total=sheet.total,
        by_source={"special_bond": sheet.fund_special_bond} if sheet.fund_special_bond else {},
        goal=form.goal,
        indicators=indicators,
        special_bond=bool(form.project and form.project.is_special_bond),
        source=f"selfeval:{form.pk}",
    )
    return SelfEvaluation(
        sheet=core,
        execution=Execution(
            initial_budget=form.initial_budget,
            adjusted_budget=form.adjusted_budget,
            spent=form.spent,
            reason=form.execution_reason,
        ),
    )


def evidenced(form: SelfEval) -> set[int]:
    return {e.position for e in form.evidence.all() if e.position is not None}


def score_of(form: SelfEval, lines: Sequence[Line], rules: scoring.ScoringRules | None = None) -> scoring.ScoreResult:
    return scoring.score(to_core(form, lines), rules or rules_of(form.round), evidenced=evidenced(form))


def apply(form: SelfEval, lines: Sequence[Line], result: scoring.ScoreResult, rules: scoring.ScoringRules) -> None:
    """Copy a result onto the form and its lines (in memory), with finance's re-check when there
    is one: a unit score far above it is 自评失真 (S7)."""
    distorted = None
    if form.check_total is not None and result.total is not None:
        distorted = scoring.distortion(result.total, form.check_total, rules)
        if distorted is not None:
            result.findings.append(distorted)
    form.distorted = distorted is not None
    form.execution_rate = _capped(result.execution_rate, Decimal("99999.99"))
    form.execution_score = result.execution_score
    form.total = result.total
    form.grade = result.grade or ""
    form.errors = sum(1 for f in result.findings if f.severity == "error")
    form.warnings = sum(1 for f in result.findings if f.severity == "warning")
    form.findings = [f.to_data() for f in result.findings]
    form.notes = list(result.notes)
    form.computed_at = timezone.now()
    for line, item in zip(lines, result.indicators, strict=True):
        line.weight_used = item.weight
        line.completion = _capped(item.completion, Decimal("9999999999.99"))
        line.score = item.score
        line.level = item.level


def _capped(value: Decimal | None, limit: Decimal) -> Decimal | None:
    """A rate as its column holds it: an actual or a spending a million times its target or budget
    is still shown, at the column's largest value (the finding says what happened)."""
    if value is None:
        return None
    return max(-limit, min(limit, value))


def refresh(form: SelfEval, rules: scoring.ScoringRules | None = None) -> scoring.ScoreResult:
    """Score the form again and store the result on it and its lines."""
    rules = rules or rules_of(form.round)
    lines = list(form.lines.all())
    result = score_of(form, lines, rules)
    apply(form, lines, result, rules)
    form.save(update_fields=FORM_RESULTS)
    update_rows(lines, LINE_RESULTS)
    return result


def refresh_all(forms: Iterable[SelfEval], rules: scoring.ScoringRules) -> int:
    """Score many forms (their lines prefetched) and write them back in two bulk updates."""
    forms = list(forms)
    all_lines: list[Line] = []
    for form in forms:
        lines = list(form.lines.all())
        apply(form, lines, scoring.score(to_core(form, lines), rules, evidenced=evidenced(form)), rules)
        all_lines.extend(lines)
    update_rows(forms, FORM_RESULTS)
    update_rows(all_lines, LINE_RESULTS)
    return len(forms)
