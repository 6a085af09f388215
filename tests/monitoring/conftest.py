"""A monitored project: unit A's sound goal sheet approved, some payments, a round over it."""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django_scopes import scopes_disabled

from jixiao.budget.models import Execution
from jixiao.goals import services as goal_services
from jixiao.goals.models import GoalSheet
from jixiao.monitoring import services
from jixiao.monitoring.models import Report, Round
from tests.conftest import World
from tests.goals.conftest import TO_APPROVED, move, write_sound

# Progress by August on every indicator of the sound sheet (tests.goals.conftest.sound_rows),
# each on track for its target.
ON_TRACK = {
    "公用经费保障的在校学生人数": "12100",
    "公用经费保障的义务教育学校数": "36",
    "生均公用经费按标准足额拨付率": "100",
    "公用经费拨付到校时间": "5",
    "小学生均公用经费标准": "720",
    "义务教育巩固率": "98.5",
    "学校正常运转保障率": "100",
    "学生家长满意度": "92",
}


def approve_sheet(world: World, project: Any = None) -> GoalSheet:
    project = project or world.project_a
    sheet = goal_services.sheet_create_for_project(actor=world.actors["unit_a_editor"], project=project)
    return move(world, write_sound(world, sheet), *TO_APPROVED)


def pay(world: World, project: Any, amounts: dict[int, str]) -> None:
    with scopes_disabled():
        for month, amount in amounts.items():
            Execution.objects.update_or_create(
                project=project,
                month=month,
                defaults={"region": project.region, "unit": project.unit, "amount": Decimal(amount)},
            )


def open_round(world: World, month: int = 8, **extra: Any) -> Round:
    return services.round_open(
        actor=world.actors["office"],
        fiscal_year=world.fiscal_year,
        title=f"2026 年 1–{month} 月绩效运行监控",
        month=month,
        deadline=dt.date(2026, 9, 15),
        **extra,
    )


def report_of(round_: Round, project: Any = None) -> Report:
    with scopes_disabled():
        return Report.objects.select_related("round__fiscal_year", "project__category").get(
            round=round_, project=project or round_.reports.first().project
        )


@pytest.fixture
def approved_sheet(world: World) -> GoalSheet:
    """Unit A's project sheet (budget 1,000,000 yuan), approved by finance."""
    return approve_sheet(world)


@pytest.fixture
def round_(world: World, approved_sheet: GoalSheet) -> Round:
    """A January–August round over unit A's project, which has paid 200,000 of 1,000,000 by
    August: far behind, so it warns."""
    pay(world, world.project_a, {3: "50000", 6: "150000"})
    return open_round(world)
