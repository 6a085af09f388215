"""The demo district's money: projects of 2022, 2023 and the current year with their unit
budgets and monthly payments (full years of history; January to August of the current year),
following each category's seasonal pattern (construction back-loaded, salaries flat, subsidies
in quarterly tranches)."""

import random
from decimal import Decimal

from django.db import transaction

from jixiao.audit.services import log_action
from jixiao.budget import demo_projects
from jixiao.budget.demo_projects import CURRENT_YEAR, HISTORY_YEARS, split_by_profile
from jixiao.budget.models import Execution, Project, ProjectCategory, UnitBudget
from jixiao.budget.services import categories_load_defaults
from jixiao.org.models import FiscalYear, PhaseWindow, Region, Unit
from jixiao.org.services import default_phase_dates

CURRENT_MONTHS = 8  # payments imported through August, as at the seed's 1–8 month monitoring


@transaction.atomic
def build_budget_demo(*, region: Region, seed: int) -> dict[str, int]:
    categories_load_defaults(actor=None, region=region, actor_name="jixiao demo")
    categories = {c.code: c for c in ProjectCategory.objects.with_scope(region=[region.pk]).all()}
    units = {u.code: u for u in Unit.objects.with_scope(region=[region.pk], unit=None).all()}
    noise = random.Random(seed + 1)
    counts = {"projects": 0, "payments": 0}
    for year in (*HISTORY_YEARS, CURRENT_YEAR):
        fiscal_year = _fiscal_year(region, year)
        lines = demo_projects.generate(random.Random(seed), year=year)
        projects = Project.objects.with_scope(region=[region.pk], unit=None).bulk_create(
            [
                Project(
                    region=region,
                    fiscal_year=fiscal_year,
                    unit=units[line.unit_code],
                    code=line.code,
                    name=line.name,
                    category=categories[line.category],
                    description=line.description,
                    is_new=line.is_new,
                    start_year=line.start_year,
                    end_year=line.end_year,
                    is_major=line.is_major,
                    is_special_bond=line.is_special_bond,
                    initial_budget=line.initial_budget,
                    adjusted_budget=line.adjusted_budget,
                    **{f"fund_{source}": amount for source, amount in line.funds.items()},
                )
                for line in lines
            ],
            batch_size=500,
        )
        months = 12 if year != CURRENT_YEAR else CURRENT_MONTHS
        payments = []
        for project, line in zip(projects, lines, strict=True):
            for month, amount in enumerate(_payments(line.adjusted_budget, line.profile, months, noise), start=1):
                if amount:
                    payments.append(
                        Execution(region=region, unit=project.unit, project=project, month=month, amount=amount)
                    )
        Execution.objects.with_scope(region=[region.pk], unit=None).bulk_create(payments, batch_size=2000)
        _unit_budgets(region, fiscal_year, units, lines, noise)
        counts["projects"] += len(projects)
        counts["payments"] += len(payments)
    log_action(
        actor=None, actor_name="jixiao demo", action="budget.demo_loaded", region=region, data={"seed": seed, **counts}
    )
    return counts


def _fiscal_year(region: Region, year: int) -> FiscalYear:
    fiscal_year = FiscalYear.objects.with_scope(region=[region.pk]).filter(year=year).first()
    if fiscal_year is None:
        fiscal_year = FiscalYear.objects.create(region=region, year=year)
        PhaseWindow.objects.bulk_create(
            PhaseWindow(fiscal_year=fiscal_year, phase=phase, starts_on=start, ends_on=end)
            for phase, (start, end) in default_phase_dates(year).items()
        )
    return fiscal_year


def _payments(budget: Decimal, profile: str, months: int, noise: random.Random) -> list[Decimal]:
    """What was paid month by month: the category's pattern scaled by how well this project ran.

    A past year ends between 80% and 100% spent. In the current year most projects follow their
    pattern within ±15%; about one in eight lags far behind (procurement not started, works
    delayed) and a few run ahead, so that monitoring has something to find.
    """
    if months == 12:
        pace = Decimal(str(round(noise.uniform(0.80, 1.0), 3)))
    else:
        roll = noise.random()
        pace = Decimal(
            str(
                round(
                    noise.uniform(0.15, 0.55)
                    if roll < 0.12
                    else noise.uniform(1.1, 1.3)
                    if roll > 0.95
                    else noise.uniform(0.85, 1.15),
                    3,
                )
            )
        )
    planned = split_by_profile(budget, profile)[:months]
    paid = [(amount * pace).quantize(Decimal("1")) for amount in planned]
    # Never more than the budget, whatever the pace.
    over = sum(paid) - budget
    if over > 0:
        paid[-1] -= over
    return paid


def _unit_budgets(
    region: Region,
    fiscal_year: FiscalYear,
    units: dict[str, Unit],
    lines: list[demo_projects.DemoProject],
    noise: random.Random,
) -> None:
    project_totals: dict[str, Decimal] = {}
    for line in lines:
        project_totals[line.unit_code] = project_totals.get(line.unit_code, Decimal(0)) + line.initial_budget
    UnitBudget.objects.with_scope(region=[region.pk], unit=None).bulk_create(
        UnitBudget(
            region=region,
            fiscal_year=fiscal_year,
            unit=units[code],
            # Salaries and running costs: a few hundred thousand for a small office, tens of
            # millions for a bureau with schools or clinics.
            basic_expenditure=Decimal(
                noise.randrange(600, 4000) * 1000 * (3 if units[code].kind == "institution" else 1)
            ),
            project_expenditure=total,
        )
        for code, total in project_totals.items()
    )
