from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from jixiao.accounts.permissions import has_perm

# (label, icon, url name, permission; None = any logged-in user). One list draws the menu;
# every page is reachable from here or from a page listed here.
NAVIGATION: list[tuple[str, str, str, str | None]] = [
    ("首页", "house", "home", None),
    ("预算单位", "diagram-3", "org:unit_list", "org.view"),
    ("业务股室", "people", "org:section_list", "org.view"),
    ("预算年度", "calendar3", "org:fiscal_year_list", "org.view"),
    ("用户管理", "person-gear", "accounts:user_list", "accounts.view"),
    ("操作日志", "journal-text", "audit:entry_list", "audit.view"),
]


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    if not user.is_authenticated:
        return {}
    current = request.resolver_match.view_name if request.resolver_match else ""
    items = []
    for label, icon, name, perm in NAVIGATION:
        if perm is None or has_perm(user, perm):
            app = name.split(":")[0]
            active = current == name or (":" in name and current.startswith(app + ":"))
            items.append({"label": label, "icon": icon, "url": reverse(name), "active": active})
    return {"nav_items": items, "jx": getattr(request, "jx", None)}
