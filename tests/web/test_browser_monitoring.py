"""Monitoring in Chromium: the unit fills its form and submits it, the leader sends it to
finance, and the office's overview draws its charts from the vendored ECharts."""

from typing import Any

import pytest
from django_scopes import scopes_disabled

from jixiao.monitoring.models import Report
from tests.conftest import World
from tests.monitoring.conftest import ON_TRACK, approve_sheet, open_round, pay, report_of
from tests.web.conftest import ARTIFACTS
from tests.web.test_browser_goals import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_unit_reports_progress_and_the_office_sees_the_region(
    world: World, live_server: Any, browser_page: Any
) -> None:
    page = browser_page
    approve_sheet(world)
    pay(world, world.project_a, {3: "50000", 6: "150000"})
    report = report_of(open_round(world))
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    login(page, live_server.url, "unit_a_editor")
    assert page.locator("text=待填报的监控表").count() == 1
    page.goto(f"{live_server.url}/monitoring/reports/{report.pk}/edit/")
    rows = page.locator("#report-form tbody tr")
    for n in range(rows.count()):
        name = rows.nth(n).locator("strong").inner_text()
        rows.nth(n).locator("[name=line_done]").fill(ON_TRACK[name])
    page.fill("#r-summary", "上半年按学期拨付，9 月秋季学期集中拨付后执行率将达到 85%")
    page.fill("#r-estimate", "98")
    page.click("button[name=then][value=view]")
    page.wait_for_selector("#report-workflow")
    page.click("#report-workflow button:has-text('报送单位审核')")
    page.wait_for_selector("text=操作成功")
    login(page, live_server.url, "unit_a_leader")
    page.goto(f"{live_server.url}/monitoring/reports/{report.pk}/")
    page.click("#report-workflow button:has-text('单位审核通过')")
    page.wait_for_selector("text=操作成功")
    login(page, live_server.url, "office")
    page.goto(f"{live_server.url}/monitoring/rounds/{report.round_id}/")
    page.wait_for_selector("#curve-chart canvas")
    page.wait_for_selector("#light-chart canvas")
    assert world.project_a.name in page.locator("#report-table").inner_text()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "monitoring-overview.png"), full_page=True)
    with scopes_disabled():
        stored = Report.objects.get(pk=report.pk)
    assert stored.status == "submitted" and stored.estimate is not None
    assert all(url.startswith(live_server.url) for url in requests)
