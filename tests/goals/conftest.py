from decimal import Decimal
from typing import Any

import pytest
from django_scopes import scopes_disabled

from jixiao.goals import services
from jixiao.goals.models import GoalSheet
from jixiao.goals.review import Row
from tests.conftest import World

GOAL = "2026年保障全区义务教育学校正常运转，公用经费按生均标准足额拨付到校，惠及在校学生12000人以上，义务教育巩固率不低于98%。"


def sound_rows() -> list[Row]:
    return [
        Row(
            "产出指标",
            "数量指标",
            "公用经费保障的在校学生人数",
            "≥",
            "12000",
            "人",
            basis="计划标准",
            source="学籍管理系统",
        ),
        Row(
            "产出指标",
            "数量指标",
            "公用经费保障的义务教育学校数",
            "=",
            "36",
            "所",
            basis="计划标准",
            source="教育事业统计",
        ),
        Row(
            "产出指标",
            "质量指标",
            "生均公用经费按标准足额拨付率",
            "=",
            "100",
            "%",
            basis="行业标准",
            source="资金拨付凭证",
        ),
        Row("产出指标", "时效指标", "公用经费拨付到校时间", "≤", "6", "月", basis="计划标准", source="资金拨付凭证"),
        Row(
            "成本指标",
            "经济成本指标",
            "小学生均公用经费标准",
            "=",
            "720",
            "元/生·年",
            basis="行业标准",
            source="省定标准文件",
        ),
        Row("效益指标", "社会效益指标", "义务教育巩固率", "≥", "98", "%", basis="历史标准", source="教育事业统计"),
        Row(
            "效益指标",
            "可持续影响指标",
            "学校正常运转保障率",
            "=",
            "100",
            "%",
            basis="计划标准",
            source="学校运转情况报表",
        ),
        Row("满意度指标", "服务对象满意度指标", "学生家长满意度", "≥", "90", "%", basis="历史标准", source="问卷调查"),
    ]


def write_sound(world: World, sheet: GoalSheet) -> GoalSheet:
    services.sheet_save(
        actor=world.actors["unit_a_editor"],
        sheet=sheet,
        goal=GOAL,
        rows=sound_rows(),
        funds={"general_public": world.project_a.initial_budget},
    )
    with scopes_disabled():
        return GoalSheet.objects.get(pk=sheet.pk)


@pytest.fixture
def sheet(world: World) -> GoalSheet:
    """Unit A's project sheet, written soundly, in draft."""
    created = services.sheet_create_for_project(actor=world.actors["unit_a_editor"], project=world.project_a)
    return write_sound(world, created)


def move(world: World, sheet: GoalSheet, *steps: tuple[str, str, dict[str, Any]]) -> GoalSheet:
    for actor, action, extra in steps:
        services.sheet_transition(actor=world.actors[actor], sheet=sheet, action=action, **extra)
    with scopes_disabled():
        return GoalSheet.objects.get(pk=sheet.pk)


TO_APPROVED = (
    ("unit_a_editor", "submit", {}),
    ("unit_a_leader", "leader_approve", {}),
    ("section", "section_approve", {}),
    ("office", "office_approve", {"grade": "优"}),
)

ZERO = Decimal(0)
