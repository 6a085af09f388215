"""Self-evaluation in Chromium: the unit types its actuals and sees the score change before it
saves, submits, and the office sees the grade chart drawn from the vendored ECharts."""

from typing import Any

import pytest
from django_scopes import scopes_disabled

from jixiao.evaluation.models import SelfEval
from tests.conftest import World
from tests.evaluation.conftest import ACTUALS, form_of, open_round
from tests.monitoring.conftest import approve_sheet, pay
from tests.web.conftest import ARTIFACTS
from tests.web.test_browser_goals import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_unit_scores_its_year_live_and_the_office_sees_the_grades(
    world: World, live_server: Any, browser_page: Any
) -> None:
    page = browser_page
    approve_sheet(world)
    pay(world, world.project_a, {3: "200000", 6: "300000", 9: "250000", 12: "200000"})
    form = form_of(open_round(world))
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    login(page, live_server.url, "unit_a_editor")
    assert page.locator("text=待填报的绩效自评表").count() == 1
    page.goto(f"{live_server.url}/evaluation/forms/{form.pk}/edit/")
    rows = page.locator("#edit-table tbody tr")
    for n in range(rows.count()):
        name = rows.nth(n).locator("strong").inner_text()
        rows.nth(n).locator("[name=line_actual]").fill(ACTUALS[name])
    page.fill("#e-goal-result", "全年保障 12150 名学生的公用经费，36 所学校正常运转。")
    # The live score arrives by htmx while typing; nothing has been saved yet.
    page.wait_for_selector("#live-total:has-text('99.50')")
    with scopes_disabled():
        assert SelfEval.objects.get(pk=form.pk).total is None
    # A shortfall shows its score and asks for the reason, still live.
    satisfaction = rows.filter(has_text="学生家长满意度").locator("[name=line_actual]")
    satisfaction.fill("81")
    page.wait_for_selector("#live-total:has-text('98.50')")
    assert "没有说明偏差原因" in page.locator("#live-score").inner_text()
    rows.filter(has_text="学生家长满意度").locator("[name=line_deviation_reason]").fill(
        "问卷在期末考试周发放，回收率低；下年改在家长会现场填写。"
    )
    page.click("button[name=then][value=view]")
    page.wait_for_selector("#form-workflow")
    page.click("#form-workflow button:has-text('报送单位审核')")
    page.wait_for_selector("text=操作成功")
    login(page, live_server.url, "unit_a_leader")
    page.goto(f"{live_server.url}/evaluation/forms/{form.pk}/")
    page.click("#form-workflow button:has-text('单位审核通过')")
    page.wait_for_selector("text=操作成功")
    login(page, live_server.url, "office")
    page.goto(f"{live_server.url}/evaluation/rounds/{form.round_id}/")
    page.wait_for_selector("#grade-chart canvas")
    assert world.project_a.name in page.locator("#form-table").inner_text()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "evaluation-overview.png"), full_page=True)
    with scopes_disabled():
        stored = SelfEval.objects.get(pk=form.pk)
    assert stored.status == "submitted" and stored.total == stored.execution_score + 89  # 9.5 + 89.00
    assert all(url.startswith(live_server.url) for url in requests)
