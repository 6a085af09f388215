from typing import Any

from jixiao.audit.services import log_action
from tests.conftest import World


def rows(client: Any, url: str, params: dict[str, Any] | None = None) -> str:
    """The entries table only (the filter form lists every unit name too)."""
    html = client.get(url, params or {}).content.decode()
    return html.split("<tbody>")[-1].split("</tbody>")[0]


def test_auditor_searches_by_user_unit_action_and_time(world: World, client_for: Any) -> None:
    log_action(actor=world.actors["office"], action="org.unit.updated", target=world.unit_a)
    log_action(actor=world.actors["office"], action="org.unit.updated", target=world.unit_b)
    log_action(actor=world.actors["sysadmin"], action="accounts.user.created", target=world.actors["unit_b_editor"])
    client = client_for("auditor")
    page = rows(client, "/audit/", {"unit": world.unit_a.pk})
    assert "株洲市渌口区教育局" in page and "株洲市渌口区公安局" not in page
    page = rows(client, "/audit/", {"action": "accounts.user.created"})
    assert "创建用户" in page and "修改预算单位" not in page
    page = rows(client, "/audit/", {"user": "sysadmin", "date_from": "2000-01-01", "date_to": "2100-01-01"})
    assert "创建用户" in page and "修改预算单位" not in page
    page = rows(client, "/audit/", {"date_to": "2000-01-01"})
    assert "没有符合条件的记录" in page


def test_object_history_lists_only_that_object(world: World, client_for: Any) -> None:
    log_action(
        actor=world.actors["office"],
        action="org.unit.updated",
        target=world.unit_a,
        data={"changed": {"name": ["甲", "乙"]}},
    )
    log_action(actor=world.actors["office"], action="org.unit.updated", target=world.unit_b)
    page = rows(client_for("office"), f"/audit/history/org.unit/{world.unit_a.pk}/")
    assert "株洲市渌口区教育局" in page and "株洲市渌口区公安局" not in page


def test_other_regions_entries_stay_hidden(world: World, client_for: Any) -> None:
    log_action(actor=None, action="org.unit.updated", target=world.other_region_unit, actor_name="外区")
    page = rows(client_for("auditor"), "/audit/")
    assert "株洲市天元区教育局" not in page


def test_action_filter_tells_a_prefix_from_a_longer_code(world: World, client_for: Any) -> None:
    log_action(actor=world.actors["office"], action="org.unit.updated", target=world.unit_a)
    log_action(actor=world.actors["office"], action="org.units.imported", region=world.region, data={"created": 1})
    page = rows(client_for("office"), "/audit/", {"action": "org.unit."})
    assert "修改预算单位" in page and "导入预算单位" not in page
