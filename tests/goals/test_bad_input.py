"""What arrives from a form or the API that the database could not hold, or that points
elsewhere: refused with a Chinese message and nothing written, never a 500."""

import io
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from jixiao.core import checks, goal_excel
from jixiao.core.numbers import AmountError, check_amount, parse_amount
from jixiao.goals.models import GoalSheet, Kind
from jixiao.library.models import LibraryIndicator, Status
from tests.conftest import World
from tests.goals.conftest import GOAL, move

pytestmark = pytest.mark.django_db


def stored(sheet: GoalSheet) -> GoalSheet:
    with scopes_disabled():
        return GoalSheet.objects.get(pk=sheet.pk)


def put(client: Any, sheet: GoalSheet, **body: Any) -> Any:
    body.setdefault("goal", GOAL)
    body.setdefault("indicators", [])
    return client.put(f"/api/v1/goals/sheets/{sheet.pk}", body, content_type="application/json")


@pytest.mark.parametrize(
    ("text", "ok"),
    [("99999999999999.99", True), ("100000000000000", False), ("9" * 40, False), ("1,234.50", True)],
)
def test_amounts_stop_where_the_database_does(text: str, ok: bool) -> None:
    if ok:
        assert parse_amount(text) == Decimal(text.replace(",", ""))
    else:
        with pytest.raises(AmountError):
            parse_amount(text)


@pytest.mark.parametrize("value", ["NaN", "sNaN", "Infinity", "-Infinity", "1e14", "0.001"])
def test_numbers_from_the_api_meet_the_same_rules(value: str) -> None:
    with pytest.raises(AmountError):
        check_amount(Decimal(value))


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({"funds": {"general_public": "1e20"}}, "100 万亿"),
        ({"funds": {"general_public": "0.001"}}, "精确到分"),
        ({"indicators": [{"level1": "产出指标", "name": "学生数", "weight": "NaN"}]}, "分值"),
        ({"indicators": [{"level1": "产出指标", "level2": "数" * 21, "name": "学生数"}]}, "二级指标超过 20 字"),
        ({"indicators": [{"level1": "产出指标", "name": "学生数", "basis": "依" * 21}]}, "取值依据超过 20 字"),
        ({"goal": "目" * 5001}, "总体目标不超过"),
    ],
)
def test_api_save_refuses_what_cannot_be_stored(
    world: World, sheet: GoalSheet, client_for: Any, body: dict[str, Any], words: str
) -> None:
    before = stored(sheet)
    response = put(client_for("unit_a_editor"), sheet, **body)
    assert response.status_code in (400, 422), response.content[:300]
    if response.status_code == 400:
        assert words in response.json()["detail"]
    after = stored(sheet)
    assert (after.goal, after.total, after.indicators.count()) == (before.goal, before.total, before.indicators.count())


def department_sheet(world: World, client_for: Any) -> GoalSheet:
    response = client_for("unit_a_editor").post(
        "/api/v1/goals/sheets", {"unit_id": world.unit_a.pk}, content_type="application/json"
    )
    assert response.status_code == 201
    with scopes_disabled():
        sheet = GoalSheet.objects.get(pk=response.json()["id"])
    assert sheet.kind == Kind.DEPARTMENT
    return sheet


@pytest.mark.parametrize(
    ("lines", "status"),
    [
        ([{"name": "校舍维修", "amount": "1e20"}], 400),
        ([{"name": "校舍维修", "amount": "abc"}], 422),
        ([{"name": "", "amount": "100"}], 400),
        ([{"name": "项" * 201, "amount": "100"}], 400),
        ([{"amount": "100"}], 422),
    ],
)
def test_department_lines_are_typed(world: World, client_for: Any, lines: list[dict[str, str]], status: int) -> None:
    sheet = department_sheet(world, client_for)
    before = stored(sheet).project_lines
    assert put(client_for("unit_a_editor"), sheet, project_lines=lines).status_code == status
    assert stored(sheet).project_lines == before


def test_department_lines_are_stored_in_yuan_to_the_cent(world: World, client_for: Any) -> None:
    sheet = department_sheet(world, client_for)
    response = put(client_for("unit_a_editor"), sheet, project_lines=[{"name": " 校舍维修 ", "amount": "1200.5"}])
    assert response.status_code == 200
    assert stored(sheet).project_lines == [{"name": "校舍维修", "amount": "1200.50"}]


def test_a_library_link_outside_the_region_is_not_stored(world: World, sheet: GoalSheet, client_for: Any) -> None:
    with scopes_disabled():
        ours = LibraryIndicator.objects.filter(region=world.region, status=Status.APPROVED).first()
        assert ours is not None
        foreign = LibraryIndicator.objects.get(pk=ours.pk)
        foreign.pk, foreign.region = None, world.other_region
        foreign.save()
    rows = [
        {"level1": "产出指标", "level2": "数量指标", "name": "甲", "value": "1", "library_indicator_id": foreign.pk},
        {"level1": "产出指标", "level2": "数量指标", "name": "乙", "value": "1", "library_indicator_id": 10**9},
        {"level1": "产出指标", "level2": "数量指标", "name": "丙", "value": "1", "library_indicator_id": ours.pk},
    ]
    assert put(client_for("unit_a_editor"), sheet, indicators=rows).status_code == 200
    links = list(stored(sheet).indicators.order_by("position").values_list("library_indicator_id", flat=True))
    assert links == [None, None, ours.pk]


def test_comments_must_point_at_an_indicator(world: World, sheet: GoalSheet, client_for: Any) -> None:
    sheet = move(world, sheet, ("unit_a_editor", "submit", {}), ("unit_a_leader", "leader_approve", {}))
    client = client_for("section")
    url = f"/api/v1/goals/sheets/{sheet.pk}/transition"
    for key in ("999", "99999999999999999999"):
        body = {"action": "section_return", "reason": "请修改", "comments": {key: "口径不清"}}
        response = client.post(url, body, content_type="application/json")
        assert response.status_code == 400 and "不在目标表中" in response.json()["detail"]
    assert stored(sheet).status == "section"
    body = {"action": "section_return", "reason": "请修改", "comments": {"0": "口径不清"}}
    assert client.post(url, body, content_type="application/json").status_code == 200


def test_an_adjustment_note_is_bounded(world: World, sheet: GoalSheet, client_for: Any) -> None:
    from tests.goals.conftest import TO_APPROVED

    sheet = move(world, sheet, *TO_APPROVED)
    response = client_for("unit_a_editor").post(
        f"/api/v1/goals/sheets/{sheet.pk}/transition",
        {"action": "adjust", "reason": "预算调减", "adjustment": "调" * 201},
        content_type="application/json",
    )
    assert response.status_code == 400 and "200 字" in response.json()["detail"]
    assert stored(sheet).status == "approved"


def test_check_endpoint_caps_the_batch(world: World, client_for: Any) -> None:
    response = client_for("section").post("/api/v1/goals/check", [{}] * 201, content_type="application/json")
    assert response.status_code == 413 and "200" in response.json()["detail"]


@pytest.mark.parametrize("value", ["NaN", "Infinity", "1e300"])
def test_rule_thresholds_must_be_finite(value: str) -> None:
    with pytest.raises(ValueError, match="有限"):
        checks.RuleSet.from_data({"thresholds": {"satisfaction_low": value}})


def test_editor_keeps_what_was_typed_when_it_refuses(world: World, sheet: GoalSheet, client_for: Any) -> None:
    post = {
        "goal": "新写的总体目标：保障全区义务教育学校正常运转",
        "fund_general_public": "12.5",
        "row_level1": ["产出指标"],
        "row_level2": ["数量指标"],
        "row_name": ["保障学生人数"],
        "row_value": ["≥12000"],
        "row_weight": ["Infinity"],
    }
    response = client_for("unit_a_editor").post(reverse("goals:sheet_edit", args=[sheet.pk]), post)
    assert response.status_code == 400
    html = response.content.decode()
    assert "新写的总体目标" in html and "保障学生人数" in html and "≥12000" in html
    assert stored(sheet).goal != post["goal"]


def test_create_goes_back_only_to_this_site(world: World, sheet: GoalSheet, client_for: Any) -> None:
    client = client_for("unit_a_editor")
    for back, expected in (("https://evil.example/", reverse("goals:sheet_list")), ("/budget/", "/budget/")):
        response = client.post(reverse("goals:sheet_create"), {"project": world.project_a.pk, "back": back})
        assert response.status_code == 302 and response["Location"] == expected


def test_an_import_token_serves_once(world: World, sheet: GoalSheet, client_for: Any) -> None:
    client = client_for("unit_a_editor")
    sheets, _ = goal_excel.read_workbook(
        client.get(reverse("goals:template"), {"unit": world.unit_a.pk}).content, file="t.xlsx"
    )
    upload = io.BytesIO(goal_excel.write_workbook(sheets))
    upload.name = "模板.xlsx"
    token = client.post(reverse("goals:import"), {"file": upload}).context["token"]
    assert client.post(reverse("goals:import_commit"), {"token": token}).status_code == 302
    again = client.post(reverse("goals:import_commit"), {"token": token}, follow=True)
    assert "失效" in again.content.decode()
