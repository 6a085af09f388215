"""The demo district's money: projects of 2022, 2023 and the current year with their unit
budgets and monthly payments (full years of history; January to August of the current year),
following each category's seasonal pattern (construction back-loaded, salaries flat, subsidies
in quarterly tranches). The numbers come from ``demo_projects.demo_years``, which needs no
database; this module writes them."""

from decimal import Decimal

from django.db import transaction

from jixiao.audit.services import log_action
from jixiao.budget.demo_projects import DemoYear, demo_years
from jixiao.budget.models import Execution, Project, ProjectCategory, UnitBudget
from jixiao.budget.services import categories_load_defaults
from jixiao.org.models import FiscalYear, PhaseWindow, Region, Unit
from jixiao.org.services import default_phase_dates


@transaction.atomic
def build_budget_demo(*, region: Region, seed: int) -> dict[str, int]:
    categories_load_defaults(actor=None, region=region, actor_name="jixiao demo")
    categories = {c.code: c for c in ProjectCategory.objects.with_scope(region=[region.pk]).all()}
    units = {u.code: u for u in Unit.objects.with_scope(region=[region.pk], unit=None).all()}
    counts = {"projects": 0, "payments": 0}
    for demo_year in demo_years(seed):
        fiscal_year = _fiscal_year(region, demo_year.year)
        lines = demo_year.projects
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
        payments = [
            Execution(region=region, unit=project.unit, project=project, month=month, amount=amount)
            for project, paid in zip(projects, demo_year.payments, strict=True)
            for month, amount in enumerate(paid, start=1)
            if amount
        ]
        Execution.objects.with_scope(region=[region.pk], unit=None).bulk_create(payments, batch_size=2000)
        _unit_budgets(region, fiscal_year, units, demo_year)
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


def _unit_budgets(region: Region, fiscal_year: FiscalYear, units: dict[str, Unit], demo_year: DemoYear) -> None:
    project_totals: dict[str, Decimal] = {}
    for line in demo_year.projects:
        project_totals[line.unit_code] = project_totals.get(line.unit_code, Decimal(0)) + line.initial_budget
    UnitBudget.objects.with_scope(region=[region.pk], unit=None).bulk_create(
        UnitBudget(
            region=region,
            fiscal_year=fiscal_year,
            unit=units[code],
            basic_expenditure=demo_year.basic_expenditure[code],
            project_expenditure=total,
        )
        for code, total in project_totals.items()
    )
