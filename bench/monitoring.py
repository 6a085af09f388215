"""In-year monitoring: how far the year-end forecast lands on the demo history, how long opening a
round takes at district size, and how many queries recomputing a round sends per report.

``forecast_errors`` needs no database: it takes the demo district's 2022 and 2023 payments from
``jixiao.budget.demo_projects.demo_years`` (the generator ``jixiao demo`` writes them with),
learns each category's spending profile on one year and forecasts the other from its first
months, both ways round. ``build_round_data`` writes 1,500 approved project sheets with their
indicators, eight months of payments and two full past years into the bench district;
``round_open_times`` and ``refresh_queries`` measure against it. Import only after
``django.setup()``.
"""

import random
import statistics
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from jixiao.budget.demo_projects import CATEGORY_PROFILE, HISTORY_YEARS, demo_years, split_by_profile
from jixiao.core import progress

SEED = 20231  # the demo command's default seed
MONTHS = (4, 6, 8)
SHEETS = 1_500
YEAR = 2026
PAST_YEARS = (2024, 2025)
# Indicators of a typical approved sheet: (level1, level2, name, symbol, value, unit).
ROWS = (
    ("产出指标", "数量指标", "服务人次", "≥", "12000", "人次"),
    ("产出指标", "数量指标", "覆盖单位数", "≥", "36", "个"),
    ("产出指标", "质量指标", "验收合格率", "≥", "98", "%"),
    ("产出指标", "时效指标", "按期完成率", "≥", "95", "%"),
    ("成本指标", "经济成本指标", "人均服务成本", "≤", "180", "元/人次"),
    ("效益指标", "社会效益指标", "服务对象知晓率", "≥", "90", "%"),
    ("效益指标", "可持续影响指标", "长效管护机制", "定性", "建立", ""),
    ("满意度指标", "服务对象满意度指标", "服务对象满意度", "≥", "90", "%"),
)


@dataclass(frozen=True)
class ForecastFigure:
    month: int
    ours: Decimal  # mean absolute error, percentage points of budget, mean of both held-out years
    straight_line: Decimal
    projects: int


def forecast_errors(seed: int = SEED, months: Sequence[int] = MONTHS) -> list[ForecastFigure]:
    """``progress.forecast_error`` at each month, profiles learned on one history year and tested
    on the other (2022 → 2023 and 2023 → 2022), averaged over the two directions. A category with
    too little history to learn from falls back to the shipped default, as a round does."""
    years = {y.year: y for y in demo_years(seed) if y.year in HISTORY_YEARS}
    first, second = HISTORY_YEARS
    defaults = progress.CategoryProfiles.default()
    results: dict[int, list[progress.ForecastError]] = defaultdict(list)
    for train, test in ((first, second), (second, first)):
        history: dict[str, list[Sequence[Decimal]]] = defaultdict(list)
        for project, paid in zip(years[train].projects, years[train].payments, strict=True):
            history[project.category].append(paid)
        learned = progress.learn_profiles(history)
        profiles: dict[str, Sequence[Decimal]] = {
            code: shares
            for code in CATEGORY_PROFILE
            if (shares := learned.get(code) or defaults.profile(code)) is not None
        }
        series = [
            progress.HistorySeries(budget=p.adjusted_budget, payments=tuple(paid), category=p.category)
            for p, paid in zip(years[test].projects, years[test].payments, strict=True)
        ]
        for month in months:
            results[month].append(progress.forecast_error(series, month=month, profiles=profiles))
    out = []
    for month in months:
        both = results[month]
        assert all(r.mean_absolute_error is not None and r.straight_line_error is not None for r in both)
        out.append(
            ForecastFigure(
                month=month,
                ours=sum((r.mean_absolute_error or Decimal(0) for r in both), Decimal(0)) / len(both),
                straight_line=sum((r.straight_line_error or Decimal(0) for r in both), Decimal(0)) / len(both),
                projects=sum(r.projects for r in both),
            )
        )
    return out


# --- a round at district size -----------------------------------------------------------------


@dataclass
class RoundData:
    fiscal_year: Any
    sheets: int
    indicators: int
    payments: int  # current year, months 1..8
    history: int  # payments of the past full years


def build_round_data(region: Any, *, sheets: int = SHEETS, seed: int = 5) -> RoundData:
    """Projects with approved sheets (eight indicators each), spread three to a unit over the
    district's units, with eight months of payments this year and full years before."""
    from django_scopes import scopes_disabled

    from jixiao.budget.models import Execution, Project, ProjectCategory
    from jixiao.budget.services import categories_load_defaults
    from jixiao.goals.models import GoalSheet, Indicator
    from jixiao.org.models import FiscalYear, Unit

    rng = random.Random(seed)
    with scopes_disabled():
        if not ProjectCategory.objects.filter(region=region).exists():
            categories_load_defaults(actor=None, region=region, actor_name="bench")
        categories = {c.code: c for c in ProjectCategory.objects.filter(region=region)}
        units = list(Unit.objects.filter(region=region, active=True).order_by("code")[: sheets // 3 + 1])
        years = {y: FiscalYear.objects.get_or_create(region=region, year=y)[0] for y in (*PAST_YEARS, YEAR)}
        plans = []
        for n in range(sheets):
            code = f"C{n % 40 + 1:02d}"
            budget = Decimal(rng.randrange(10, 500) * 10_000)
            plans.append((units[n // 3], code, budget))
        projects: dict[int, list[Any]] = {}
        for year, fiscal_year in years.items():
            projects[year] = Project.objects.bulk_create(
                [
                    Project(
                        region=region,
                        fiscal_year=fiscal_year,
                        unit=unit,
                        code=f"M{n:07d}",
                        name=f"监控基准项目{n}",
                        category=categories[code],
                        start_year=PAST_YEARS[0],
                        end_year=YEAR,
                        fund_general_public=budget,
                        initial_budget=budget,
                        adjusted_budget=budget,
                    )
                    for n, (unit, code, budget) in enumerate(plans)
                ],
                batch_size=500,
            )
        payments, history = [], []
        for year, made in projects.items():
            months = 12 if year != YEAR else 8
            for project, (_, code, budget) in zip(made, plans, strict=True):
                pace = Decimal(str(round(rng.uniform(0.5, 1.1), 3)))
                shares = split_by_profile(budget, CATEGORY_PROFILE[code])[:months]
                rows = history if year != YEAR else payments
                rows.extend(
                    Execution(
                        region=region,
                        unit_id=project.unit_id,
                        project=project,
                        month=month,
                        amount=(amount * pace).quantize(Decimal(1)),
                    )
                    for month, amount in enumerate(shares, start=1)
                    if amount
                )
        Execution.objects.bulk_create(payments + history, batch_size=2000)
        made_sheets = GoalSheet.objects.bulk_create(
            [
                GoalSheet(
                    region=region,
                    fiscal_year=years[YEAR],
                    unit_id=project.unit_id,
                    project=project,
                    kind="project",
                    status="approved",
                    approved_version=1,
                    grade="优",
                    goal=f"{YEAR}年完成{project.name}年度任务。",
                    fund_general_public=project.adjusted_budget,
                    total=project.adjusted_budget,
                )
                for project in projects[YEAR]
            ],
            batch_size=500,
        )
        indicators = Indicator.objects.bulk_create(
            [
                Indicator(
                    sheet=sheet,
                    position=position,
                    level1=level1,
                    level2=level2,
                    name=name,
                    symbol=symbol,
                    value=value,
                    unit=unit,
                )
                for sheet in made_sheets
                for position, (level1, level2, name, symbol, value, unit) in enumerate(ROWS)
            ],
            batch_size=2000,
        )
    return RoundData(years[YEAR], len(made_sheets), len(indicators), len(payments), len(history))


@dataclass
class RoundFigures:
    ms: float  # median of round_open
    baseline_ms: float  # median of reading its rows
    reports: int
    refresh_queries: int  # statements compute.refresh_round sent inside round_open
    refresh_kinds: dict[str, int]


def measure_round(office: Any, data: RoundData, repeats: int = 2) -> RoundFigures:
    """``services.round_open`` over every approved sheet, each run rolled back, against reading
    the rows it is made from: the sheets with their projects and indicators, and the payments
    of this year and the past years the profiles are learned from. The first run, untimed,
    counts the statements ``compute.refresh_round`` sends (``CaptureQueriesContext`` slows
    what it watches); it also warms up. Then ``repeats`` timed runs of each, alternated."""
    import gc

    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from django_scopes import scopes_disabled

    from jixiao.budget.models import Execution
    from jixiao.monitoring import compute, services

    region_id = data.fiscal_year.region_id
    opened: list[int] = []
    counted: list[Any] = []
    refresh_round = compute.refresh_round

    def counting(round_: Any) -> int:
        with CaptureQueriesContext(connection) as queries:
            done = refresh_round(round_)
        counted.extend(queries.captured_queries)
        return done

    def subject() -> float:
        with transaction.atomic():
            start = time.perf_counter()
            round_ = services.round_open(
                actor=office,
                fiscal_year=data.fiscal_year,
                title=f"{YEAR}年1—8月绩效运行监控",
                month=8,
                deadline=_deadline(),
            )
            elapsed = time.perf_counter() - start
            with scopes_disabled():
                opened.append(round_.reports.count())
            transaction.set_rollback(True)
        return elapsed

    def baseline() -> float:
        start = time.perf_counter()
        with scopes_disabled():
            for sheet in (
                services.eligible_sheets(data.fiscal_year).select_related("project").prefetch_related("indicators")
            ):
                list(sheet.indicators.all())
            list(
                Execution.objects.filter(project__fiscal_year__region_id=region_id).values_list(
                    "project_id", "project__category__code", "project__fiscal_year__year", "month", "amount"
                )
            )
        return time.perf_counter() - start

    compute.refresh_round = counting  # type: ignore[assignment]
    try:
        subject()
    finally:
        compute.refresh_round = refresh_round  # type: ignore[assignment]
    baseline()
    times: dict[str, list[float]] = {"subject": [], "baseline": []}
    for _ in range(repeats):
        for name, runner in (("baseline", baseline), ("subject", subject)):
            gc.collect()
            times[name].append(runner())
    kinds: dict[str, int] = {}
    for q in counted:
        word = q["sql"].split(None, 1)[0].upper()
        kinds[word] = kinds.get(word, 0) + 1
    return RoundFigures(
        ms=statistics.median(times["subject"]) * 1000,
        baseline_ms=statistics.median(times["baseline"]) * 1000,
        reports=opened[-1],
        refresh_queries=len(counted),
        refresh_kinds=kinds,
    )


def _deadline() -> Any:
    import datetime as dt

    return dt.date(YEAR, 9, 18)
