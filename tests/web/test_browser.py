"""A person in Chromium: a unit editor logs in and sees the Chinese home page.

Drives Debian's /usr/bin/chromium through Playwright (never `playwright install`). In CI
(CI=true) a missing browser fails the run; on a developer machine without Chromium it skips.
"""

from typing import Any

import pytest

from tests.conftest import World
from tests.factories import PASSWORD
from tests.web.conftest import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_unit_editor_logs_in_and_sees_the_chinese_home_page(world: World, live_server: Any, browser_page: Any) -> None:
    page = browser_page
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(f"{live_server.url}/")
    assert page.url.startswith(f"{live_server.url}/login/")
    page.fill("#id_username", "unit_a_editor")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("text=待办事项")
    assert "首页" in page.title()
    menu = [t.strip() for t in page.locator("nav .nav-link").all_inner_texts()]
    assert menu == [
        "首页",
        "预算单位",
        "项目",
        "绩效目标",
        "运行监控",
        "绩效自评",
        "重点评价",
        "整改",
        "结果应用",
        "指标库",
        "设置",
    ]
    page.click("nav .dropdown-toggle")
    assert [t.strip() for t in page.locator("nav .navbar-nav .dropdown-item").all_inner_texts()] == [
        "业务股室",
        "预算年度",
    ]
    assert "株洲市渌口区教育局" in page.locator("main").inner_text()
    # Nothing is fetched from outside this machine: bureaus run on a private network.
    assert all(url.startswith(live_server.url) for url in requests), [
        u for u in requests if not u.startswith(live_server.url)
    ]
    # Bootstrap's stylesheet really loaded (the navbar is laid out, not a bare list).
    assert page.evaluate("getComputedStyle(document.querySelector('.navbar')).display") == "flex"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "home-unit-editor.png"), full_page=True)
    assert (ARTIFACTS / "home-unit-editor.png").stat().st_size > 10_000


def test_unit_search_filters_the_tree_while_typing(world: World, live_server: Any, browser_page: Any) -> None:
    page = browser_page
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "office")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/org/units/")
    # The office has the longest menu: it still fits the 1280-pixel window, no sideways scrolling.
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    assert page.locator("nav .nav-link").all_inner_texts()[-1].strip() == "设置"
    assert page.locator("#unit-rows tr").count() == 3
    page.fill("#unit-search", "第一中学")
    page.wait_for_function("document.querySelectorAll('#unit-rows tr').length === 2")
    rows = page.locator("#unit-rows").inner_text()
    # The match keeps its parent so the tree still reads.
    assert "株洲市渌口区第一中学" in rows and "株洲市渌口区教育局" in rows and "公安局" not in rows
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "units-search-office.png"), full_page=True)


def test_api_docs_render_from_local_files(world: World, live_server: Any, browser_page: Any) -> None:
    page = browser_page
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "office")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/api/v1/docs")
    page.get_by_text("/api/v1/units/import", exact=True).wait_for()
    assert all(url.startswith(live_server.url) for url in requests), [
        u for u in requests if not u.startswith(live_server.url)
    ]
