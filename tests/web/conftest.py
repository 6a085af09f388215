"""Chromium for the browser tests, driven through Playwright (never `playwright install`).

In CI (CI=true) a missing browser fails the run; on a developer machine without Chromium the
browser tests skip.
"""

import os
import shutil
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture
def browser_page() -> Any:
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        if os.environ.get("CI"):
            pytest.fail("CI needs Chromium for the browser tests: apt-get install chromium")
        pytest.skip("没有找到 Chromium（/usr/bin/chromium）：浏览器测试跳过。apt-get install chromium 后可运行。")
    from django.db import connections
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls the live server
    # makes happen in its own thread, and the fixtures have already written their rows.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=CHROMIUM,
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
            )
            page = browser.new_page(locale="zh-CN", viewport={"width": 1280, "height": 800})
            yield page
            browser.close()
            # Inside Playwright's event loop asgiref gives this thread's ORM calls their own
            # database connections; close them here, or the test database cannot be dropped.
            connections.close_all()
    finally:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
