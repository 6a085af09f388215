"""A self-evaluated project: unit A's sound goal sheet approved, the year's payments, a round."""

import datetime as dt
from typing import Any

import pytest
from django_scopes import scopes_disabled

from jixiao.evaluation import services
from jixiao.evaluation.models import Round, SelfEval
from jixiao.goals.models import GoalSheet
from tests.conftest import World
from tests.monitoring.conftest import approve_sheet, pay

# The year's actuals on every indicator of the sound sheet (tests.goals.conftest.sound_rows),
# each at or beyond its target.
ACTUALS = {
    "公用经费保障的在校学生人数": "12150",
    "公用经费保障的义务教育学校数": "36",
    "生均公用经费按标准足额拨付率": "100",
    "公用经费拨付到校时间": "5",
    "小学生均公用经费标准": "720",
    "义务教育巩固率": "99.2",
    "学校正常运转保障率": "100",
    "学生家长满意度": "93",
}


def open_round(world: World, **extra: Any) -> Round:
    return services.round_open(
        actor=world.actors["office"],
        fiscal_year=world.fiscal_year,
        title=f"{world.fiscal_year.year} 年度项目支出绩效自评",
        deadline=dt.date(2027, 4, 30),
        **extra,
    )


def form_of(round_: Round, project: Any = None) -> SelfEval:
    with scopes_disabled():
        qs = SelfEval.objects.select_related("round__fiscal_year", "project", "unit", "sheet").filter(round=round_)
        return qs.get(project=project) if project is not None else qs.filter(kind="project").first()  # type: ignore[return-value]


def filled(form: SelfEval, actuals: dict[str, str] | None = None, **more: Any) -> services.FormIn:
    """The form as a careful unit fills it in: every actual, the overall result."""
    actuals = ACTUALS | (actuals or {})
    with scopes_disabled():
        lines = list(form.lines.all())
    return services.FormIn(
        lines=[
            services.LineIn(position=line.position, actual=actuals.get(line.name, ""), source=line.source)
            for line in lines
        ],
        goal_result=more.pop("goal_result", "全年保障 12150 名学生的公用经费，36 所学校正常运转。"),
        **more,
    )


def fill(world: World, form: SelfEval, actuals: dict[str, str] | None = None, **more: Any) -> SelfEval:
    return services.form_save(actor=world.actors["unit_a_editor"], form=form, data=filled(form, actuals, **more))


@pytest.fixture
def approved_sheet(world: World) -> GoalSheet:
    return approve_sheet(world)


@pytest.fixture
def round_(world: World, approved_sheet: GoalSheet) -> Round:
    """A round over unit A's project, which paid 950,000 of its 1,000,000 budget."""
    pay(world, world.project_a, {3: "200000", 6: "300000", 9: "250000", 12: "200000"})
    return open_round(world)
