from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from jixiao.accounts.permissions import has_perm

# (label, icon, url name, permission (None = any logged-in user), the view-name prefix that
# marks the item current). One list draws the menu; every page is reachable from here or
# from a page listed here. The items in SETTINGS (master data and administration, visited
# rarely) sit in the 设置 dropdown so that the office's menu fits a 1280-pixel screen.
NAVIGATION: list[tuple[str, str, str, str | None, str]] = [
    ("首页", "house", "home", None, "home"),
    ("预算单位", "diagram-3", "org:unit_list", "org.view", "org:unit_"),
    ("项目", "folder2-open", "budget:project_list", "budget.view", "budget:"),
    ("绩效目标", "bullseye", "goals:sheet_list", "goals.view", "goals:"),
    ("运行监控", "speedometer2", "monitoring:round_list", "monitoring.view", "monitoring:"),
    ("绩效自评", "clipboard-check", "evaluation:round_list", "evaluation.view", "evaluation:"),
    ("重点评价", "award", "keyeval:evaluation_list", "keyeval.view", "keyeval:"),
    ("整改", "wrench-adjustable", "rectification:item_list", "rectification.view", "rectification:"),
    ("结果应用", "graph-up-arrow", "results:list", "results.view", "results:"),
    ("指标库", "bookmarks", "library:indicator_list", "library.view", "library:"),
    ("业务股室", "people", "org:section_list", "org.view", "org:section_"),
    ("预算年度", "calendar3", "org:fiscal_year_list", "org.view", "org:fiscal_year_"),
    ("用户管理", "person-gear", "accounts:user_list", "accounts.view", "accounts:user_"),
    ("操作日志", "journal-text", "audit:entry_list", "audit.view", "audit:"),
]


SETTINGS = frozenset({"org:section_list", "org:fiscal_year_list", "accounts:user_list", "audit:entry_list"})


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    if not user.is_authenticated:
        return {}
    current = request.resolver_match.view_name if request.resolver_match else ""
    items = []
    settings = []
    for label, icon, name, perm, prefix in NAVIGATION:
        if perm is None or has_perm(user, perm):
            active = current == prefix if prefix == "home" else current.startswith(prefix)
            item = {"label": label, "icon": icon, "url": reverse(name), "active": active}
            (settings if name in SETTINGS else items).append(item)
    return {
        "nav_items": items,
        "nav_settings": settings,
        "nav_settings_active": any(i["active"] for i in settings),
        "jx": getattr(request, "jx", None),
    }
