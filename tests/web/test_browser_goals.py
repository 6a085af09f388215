"""A unit editor writes a goal sheet in Chromium: findings appear beside the row while typing,
the editor fixes them and submits; the leader, the section and the office take it to approval."""

from typing import Any

import pytest
from django_scopes import scopes_disabled

from jixiao.core.workflow import State
from jixiao.goals import services
from jixiao.goals.models import GoalSheet
from tests.conftest import World
from tests.factories import PASSWORD
from tests.goals.conftest import GOAL, sound_rows
from tests.web.conftest import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def login(page: Any, url: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("text=待办事项")


def test_editor_sees_findings_while_typing_and_the_sheet_goes_to_approval(
    world: World, live_server: Any, browser_page: Any
) -> None:
    page = browser_page
    sheet = services.sheet_create_for_project(actor=world.actors["unit_a_editor"], project=world.project_a)
    services.sheet_save(actor=world.actors["unit_a_editor"], sheet=sheet, goal=GOAL, rows=sound_rows())
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    login(page, live_server.url, "unit_a_editor")
    page.goto(f"{live_server.url}/goals/{sheet.pk}/edit/")
    value = page.locator("#indicator-rows tbody tr").nth(5).locator("[name=row_value]")
    value.fill("120")  # 巩固率 120%: a rate above 100%
    page.wait_for_selector("#rf-5 [data-rule='reasonableness.rate-over-100']")
    assert "超过了 100%" in page.locator("#rf-5").inner_text()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "goal-editor-live-findings.png"), full_page=True)
    value.fill("98")
    page.wait_for_function("!document.querySelector(\"#rf-5 [data-rule='reasonableness.rate-over-100']\")")
    # A row added from the library's suggestions carries its level and unit.
    page.locator(".jx-add-suggestion").first.click()
    assert page.locator("#indicator-rows tbody tr").count() == 9
    page.locator("#indicator-rows tbody tr").nth(8).locator(".jx-remove").click()
    page.click("button[name=then][value=view]")
    page.wait_for_selector("#workflow-actions")
    page.click("[data-action=submit] button[type=submit]")
    page.wait_for_selector("text=待单位审核")
    for username, action in (("unit_a_leader", "leader_approve"), ("section", "section_approve")):
        login(page, live_server.url, username)
        page.goto(f"{live_server.url}/goals/queue/")
        page.click(f"text={world.project_a.name}")
        page.click(f"[data-action={action}] button[type=submit]")
        page.wait_for_selector("text=操作成功")
    login(page, live_server.url, "office")
    page.goto(f"{live_server.url}/goals/{sheet.pk}/")
    page.select_option("[data-action=office_approve] select[name=grade]", "优")
    page.click("[data-action=office_approve] button[type=submit]")
    page.wait_for_selector("text=审核通过")
    with scopes_disabled():
        approved = GoalSheet.objects.get(pk=sheet.pk)
    assert approved.status == State.APPROVED and approved.fundable and approved.indicators.get(position=5).value == "98"
    assert all(url.startswith(live_server.url) for url in requests)
