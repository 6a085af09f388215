from typing import Any

import pytest
from django_scopes import scopes_disabled

from jixiao.goals import services
from jixiao.goals.review import Row
from jixiao.library import selectors
from jixiao.library.models import LibraryIndicator
from tests.conftest import World
from tests.factories import FiscalYearFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def library(world: World, code: str) -> Any:
    with scopes_disabled():
        return LibraryIndicator.objects.get(region=world.region, code=code)


def write(world: World, project: Any, students: str) -> Any:
    sheet = services.sheet_create_for_project(actor=world.actors["unit_a_editor"], project=project)
    services.sheet_save(
        actor=world.actors["unit_a_editor"],
        sheet=sheet,
        goal="保障学校正常运转。",
        rows=[
            Row("产出指标", "数量指标", "享受公用经费保障学生数", "≥", students, "人"),
            Row("效益指标", "社会效益指标", "九年义务教育巩固率", "≥", "98", "%"),
        ],
    )
    return sheet


def approve(sheet: Any) -> None:
    """As finance's approval leaves it (the workflow itself is tested with the goals)."""
    with scopes_disabled():
        type(sheet).objects.filter(pk=sheet.pk).update(approved_version=1, status="approved")


def test_sheets_count_in_the_indicators_usage(world: World, client_for: Any) -> None:
    sheet = write(world, world.project_a, "12000")
    # A draft is the unit's own business: the library's readers (agencies too) do not see it.
    assert selectors.usage_of(library(world, "C10-003")).sheets == 0
    approve(sheet)
    usage = selectors.usage_of(library(world, "C10-003"))
    assert (usage.sheets, usage.units, usage.years) == (1, 1, [2026])
    assert usage.median == 12000 and usage.targets == [("≥12000人", 1)]
    page = client_for("unit_b_editor").get(f"/library/indicators/{library(world, 'C10-003').pk}/").content.decode()
    assert "1 张已批复的绩效目标表使用了本指标" in page
    assert selectors.usage_of(library(world, "C10-006")).sheets == 0


def test_recommendation_sees_last_year_and_similar_projects(world: World, client_for: Any) -> None:
    last_year = FiscalYearFactory(region=world.region, year=2025)
    with scopes_disabled():
        before = ProjectFactory(
            fiscal_year=last_year,
            unit=world.unit_a,
            code=world.project_a.code,
            name=world.project_a.name,
            category=world.project_a.category,
            start_year=2025,
            end_year=2025,
        )
    write(world, before, "11800")
    history = selectors.last_year_indicators(world.project_a)
    assert {(h.key, h.target) for h in history} >= {(str(library(world, "C10-003").pk), "≥11800人")}
    # The child school's project is of the same category: last year's sheet counts as use.
    usage = selectors.category_usage(world.project_a_child)
    assert usage[str(library(world, "C10-003").pk)] == 1
    found = client_for("unit_a_editor").get(f"/api/v1/library/recommend/{world.project_a.pk}").json()
    by_code = {f["indicator"]["code"]: f["reasons"] for f in found}
    assert any("本项目 2025 年度目标表已用（目标值 ≥11800人" in r for r in by_code["C10-003"])
    assert found[0]["indicator"]["code"] == "C10-003"  # last year's own indicator leads
