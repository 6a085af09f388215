"""The figures and lights of a report, computed from the imported payments, the unit's payment
plan, the round's frozen rules and profiles, and the progress the unit reported.

A report keeps what was computed (``refresh``), so pages, exports and the API read stored
values; the office refreshes a round after importing new payment data.
"""

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation
from types import EllipsisType
from typing import Any

from django.db import connection
from django.db.models import Model
from django.utils import timezone

from jixiao.budget.models import Execution, Project
from jixiao.core import progress
from jixiao.core.progress import CategoryProfiles, WarningRules
from jixiao.core.values import parse_target
from jixiao.monitoring.models import Line, PaymentPlan, Report, Round
from jixiao.monitoring.models import WarningRules as RulesVersion

ZERO = Decimal(0)
_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?")


def rules_for(region_id: int, fiscal_year_id: int) -> tuple[str, dict[str, Any]]:
    """The warning rules in force for the year: the office's latest version, else the shipped."""
    saved = (
        RulesVersion.objects.with_scope(region=[region_id])
        .filter(fiscal_year_id=fiscal_year_id)
        .order_by("-created_at", "-id")
        .first()
    )
    rules = WarningRules.from_data(saved.data) if saved else WarningRules.default()
    return (saved.version if saved else rules.version), dict(saved.data) if saved else {}


def rules_of(round_: Round) -> WarningRules:
    return WarningRules.from_data(round_.rules) if round_.rules else WarningRules.default()


def payment_series(projects: Iterable[Project]) -> dict[int, list[Decimal]]:
    """project id → twelve monthly payments in yuan (months without data are 0)."""
    ids = [p.pk for p in projects]
    series: dict[int, list[Decimal]] = {pk: [ZERO] * 12 for pk in ids}
    rows = Execution.objects.with_scope(region=None, unit=None).filter(project_id__in=ids)
    for pk, month, amount in rows.values_list("project_id", "month", "amount"):
        series[pk][month - 1] = amount
    return series


def learned_profiles(region_id: int, year: int, *, min_projects: int = 5) -> dict[str, dict[str, Any]]:
    """Each category's spending profile learned from the region's full past years (payments in
    all twelve months recorded for the year), else the shipped default; with where it came from."""
    history: dict[str, list[list[Decimal]]] = defaultdict(list)
    years: set[int] = set()
    past = (
        Execution.objects.with_scope(region=[region_id], unit=None)
        .filter(project__fiscal_year__year__lt=year)
        .values_list("project_id", "project__category__code", "project__fiscal_year__year", "month", "amount")
    )
    by_project: dict[int, tuple[str, int, list[Decimal]]] = {}
    for pk, code, fy, month, amount in past.iterator(chunk_size=5000):
        entry = by_project.setdefault(pk, (code, fy, [ZERO] * 12))
        entry[2][month - 1] = amount
    months_seen: dict[int, set[int]] = defaultdict(set)
    for pk, month in (
        Execution.objects.with_scope(region=[region_id], unit=None)
        .filter(project__fiscal_year__year__lt=year)
        .values_list("project__fiscal_year__year", "month")
        .distinct()
    ):
        months_seen[pk].add(month)
    full_years = {fy for fy, months in months_seen.items() if len(months) == 12}
    for code, fy, series in by_project.values():
        if fy in full_years:
            history[code].append(series)
            years.add(fy)
    learned = progress.learn_profiles(history, min_projects=min_projects)
    defaults = CategoryProfiles.default()
    out: dict[str, dict[str, Any]] = {}
    span = f"{min(years)}–{max(years)}" if len(years) > 1 else (str(min(years)) if years else "")
    for code in set(defaults.categories) | set(learned):
        shares = learned.get(code)
        if shares is not None:
            out[code] = {
                "shares": [str(s) for s in shares],
                "source": f"本区 {span} 年 {len(history[code])} 个同类项目的实际支出",
            }
        elif (default := defaults.profile(code)) is not None:
            out[code] = {"shares": [str(s) for s in default], "source": "内置默认节奏"}
    return out


def profile_of(round_: Round, project: Project) -> list[Decimal] | None:
    entry = round_.profiles.get(project.category.code) if round_.profiles else None
    return [Decimal(s) for s in entry["shares"]] if entry else None


def number_in(text: str) -> Decimal | None:
    """The number at the start of a reported value (``12,350人`` → 12350), or None."""
    folded = unicodedata.normalize("NFKC", text).replace(",", "").replace(" ", "").strip()
    match = _NUMBER.match(folded)
    if match is None:
        return None
    try:
        return Decimal(match.group(0))
    except InvalidOperation:
        return None


# Units of things that pile up over the year (people served per visit, inspections, kilometres
# built, tonnes collected): judged pro rata to time. A count of people covered, schools, or a
# rate is a level that holds all year and is judged against the whole target.
FLOW_UNITS = frozenset(
    {
        "人次",
        "次",
        "批次",
        "场",
        "场次",
        "公里",
        "千米",
        "km",
        "米",
        "平方米",
        "亩",
        "吨",
        "件",
        "份",
        "期",
        "户次",
        "台次",
        "车次",
        "例",
    }
)


def accumulates(line: Line) -> bool:
    """Whether an indicator builds up over the year and is expected at m/12 of its target by
    month m (pmkpi judges every positive indicator so, which turns every head-count blue)."""
    return line.level2 in ("数量指标", "经济效益指标") and line.unit.strip() in FLOW_UNITS


def line_check(
    line: Line, month: int, year: int, rules: WarningRules, *, share: Decimal | None = None
) -> progress.IndicatorCheck:
    """The line's light. ``share`` is the project's expected progress (its own plan or its
    category's profile); an indicator that accumulates is expected to follow it, so a
    back-loaded project's kilometres are not judged against m/12. Without it, time progress."""
    target = parse_target(
        line.target, symbol=line.symbol, unit=line.unit, date_context=line.level2 == "时效指标", year=year
    )
    done = number_in(line.done) if line.done else None
    level = line.done.strip() if line.done and done is None else ""
    cumulative = accumulates(line)
    return progress.indicator_light(
        target,
        month=month,
        done=done,
        level=level,
        projected=number_in(line.expected) if line.expected else None,
        share=share if cumulative else None,
        cumulative=cumulative,
        rules=rules,
    )


REPORT_FIELDS = (
    "budget",
    "paid",
    "expected_share",
    "expected_model",
    "forecast",
    "execution_light",
    "goal_light",
    "light",
    "gap",
    "messages",
    "computed_at",
)
LINE_FIELDS = ("light", "message")


def _compute(
    report: Report, lines: Sequence[Line], *, series: Sequence[Decimal], plan: PaymentPlan | None, rules: WarningRules
) -> None:
    """Set the report's figures and lights and its lines' lights, in memory."""
    round_ = report.round
    project = report.project
    month = round_.month
    budget = project.adjusted_budget
    paid = progress.paid_through(series, month)
    planned, profile = rules.sources(plan.amounts if plan else None, profile_of(round_, project))
    execution = progress.execution_light(
        paid=paid, budget=budget, month=month, plan=planned, profile=profile, rules=rules
    )
    checks = []
    for line in lines:
        check = line_check(line, month, round_.fiscal_year.year, rules, share=execution.expected.share)
        line.light = check.light.colour or ""
        line.message = check.light.message[:300]
        checks.append(check)
    project_check = progress.project_light(execution, checks, rules=rules)
    forecast = progress.forecast_year_end(paid=paid, budget=budget, month=month, profile=profile, rules=rules)
    report.budget = budget
    report.paid = paid
    report.expected_share = execution.expected.share.quantize(Decimal("0.0001"))
    report.expected_model = execution.expected.model
    report.forecast = forecast.amount.quantize(Decimal("0.01")) if forecast.amount is not None else None
    report.execution_light = _worst([light.colour for light in execution.lights], rules)
    report.goal_light = _worst([c.light.colour for c in checks], rules)
    report.light = project_check.light.colour or ""
    report.gap = project_check.gap.value if project_check.gap is not None else None
    report.messages = [light.to_data() for light in execution.lights] + (
        [project_check.gap.to_data()] if project_check.gap is not None else []
    )
    report.computed_at = timezone.now()


def refresh(report: Report, *, plan: PaymentPlan | EllipsisType | None = ...) -> Report:
    """Compute and store one report's figures and lights (the caller holds the transaction).
    ``plan`` is looked up unless given (``None``: the project has none)."""
    project = report.project
    series = payment_series([project])[project.pk]
    found = (
        PaymentPlan.objects.with_scope(region=None, unit=None).filter(project=project).first()
        if isinstance(plan, EllipsisType)
        else plan
    )
    lines = list(report.lines.all())
    _compute(report, lines, series=series, plan=found, rules=rules_of(report.round))
    update_rows(lines, LINE_FIELDS)
    report.save(update_fields=list(REPORT_FIELDS))
    return report


def _worst(colours: Sequence[str | None], rules: WarningRules) -> str:
    return progress.worst_colour([c for c in colours if c], rules=rules) or ""


def refresh_round(round_: Round) -> int:
    """Recompute every report of the round: the payments, plans and lines read in a few
    queries, everything computed in memory, then written in two batches."""
    reports = list(
        Report.objects.with_scope(region=[round_.region_id], unit=None)
        .filter(round=round_)
        .select_related("project__category", "round__fiscal_year")
        .prefetch_related("lines")
    )
    series = payment_series(r.project for r in reports)
    plans = {
        p.project_id: p
        for p in PaymentPlan.objects.with_scope(region=[round_.region_id], unit=None).filter(
            project_id__in=[r.project_id for r in reports]
        )
    }
    rules = rules_of(round_)
    all_lines: list[Line] = []
    for report in reports:
        lines = list(report.lines.all())
        _compute(report, lines, series=series[report.project_id], plan=plans.get(report.project_id), rules=rules)
        all_lines.extend(lines)
    update_rows(all_lines, LINE_FIELDS)
    update_rows(reports, REPORT_FIELDS)
    return len(reports)


def update_rows(objs: Sequence[Model], fields: Sequence[str]) -> None:
    """``bulk_update`` of many rows without its CASE expressions, which take Django longer to
    build than the database takes to run them: one parameterised UPDATE per row, sent at once."""
    if not objs:
        return
    meta = objs[0]._meta
    concrete = {field.name: field for field in meta.concrete_fields}
    columns = [concrete[name] for name in fields]
    quote = connection.ops.quote_name
    assert meta.pk is not None and meta.pk.column is not None
    table, key = quote(meta.db_table), quote(meta.pk.column)
    assignments = ", ".join(f"{quote(field.column or field.name)} = %s" for field in columns)
    # Names come from the model's own metadata, quoted; every value is a parameter.
    sql = f"UPDATE {table} SET {assignments} WHERE {key} = %s"  # noqa: S608
    rows = [
        [field.get_db_prep_save(getattr(obj, field.attname), connection) for field in columns] + [obj.pk]
        for obj in objs
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)
