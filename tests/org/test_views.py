from typing import Any

import pytest
from django_scopes import ScopeError, scopes_disabled

from jixiao.org.models import Unit
from tests.conftest import World


def listed_codes(response: Any) -> list[str]:
    return [u["code"] for u in response.json()["items"]]


def test_each_role_lists_exactly_the_units_it_may_see(world: World, client_for: Any) -> None:
    expected = {
        "office": ["105", "105001", "110"],
        "auditor": ["105", "105001", "110"],
        "sysadmin": ["105", "105001", "110"],
        "section": ["105", "105001"],
        "unit_a_leader": ["105", "105001"],
        "unit_a_editor": ["105"],
        "unit_b_editor": ["110"],
    }
    for actor, codes in expected.items():
        assert listed_codes(client_for(actor).get("/api/v1/units")) == codes, actor
        page = client_for(actor).get("/org/units/").content.decode()
        for code, name in (
            ("105", "株洲市渌口区教育局"),
            ("105001", "株洲市渌口区第一中学"),
            ("110", "株洲市渌口区公安局"),
        ):
            assert (name in page) == (code in codes), (actor, name)
        # The other region's unit of the same code never shows.
        assert "天元区" not in page


def test_search_returns_the_rows_only_for_htmx(world: World, client_for: Any) -> None:
    client = client_for("office")
    partial = client.get("/org/units/", {"q": "第一"}, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in partial and "第一中学" in partial and "教育局" in partial and "公安局" not in partial
    empty = client.get("/org/units/", {"q": "不存在的单位"}, HTTP_HX_REQUEST="true").content.decode()
    assert "没有与「不存在的单位」匹配的单位" in empty


def test_queries_outside_a_scope_fail_instead_of_leaking(world: World) -> None:
    with pytest.raises(ScopeError):
        list(Unit.objects.all())
    with scopes_disabled():
        assert Unit.objects.count() == 4


def test_office_edits_a_unit_and_cannot_make_a_cycle(world: World, client_for: Any) -> None:
    client = client_for("office")
    page = client.post(
        f"/org/units/{world.unit_a.pk}/edit/",
        {"name": world.unit_a.name, "kind": "administrative", "parent": world.unit_a_child.pk, "active": "on"},
    ).content.decode()
    assert "主管部门不能是本单位或其下级单位" in page
    response = client.post(
        f"/org/units/{world.unit_b.pk}/edit/",
        {"name": "株洲市公安局渌口分局", "kind": "administrative", "section": world.section.pk, "active": "on"},
    )
    assert response.status_code == 302
    with scopes_disabled():
        world.unit_b.refresh_from_db()
    assert (world.unit_b.name, world.unit_b.section) == ("株洲市公安局渌口分局", world.section)


def test_sections_move_units_between_them(world: World, client_for: Any) -> None:
    client = client_for("office")
    response = client.post(
        f"/org/sections/{world.other_section.pk}/edit/",
        {"name": "行政政法股", "duties": "政法口", "units": [world.unit_b.pk, world.unit_a_child.pk]},
    )
    assert response.status_code == 302
    with scopes_disabled():
        assert set(world.other_section.units.values_list("code", flat=True)) == {"110", "105001"}
        assert set(world.section.units.values_list("code", flat=True)) == {"105"}
    duplicate = client.post("/org/sections/new/", {"name": "行政政法股"}).content.decode()
    assert "已有名为「行政政法股」的业务股室" in duplicate


def test_fiscal_years_and_phase_windows(world: World, client_for: Any) -> None:
    client = client_for("office")
    response = client.post("/org/years/new/", {"year": "2027"})
    with scopes_disabled():
        year = world.region.fiscal_years.get(year=2027)
    assert response["Location"] == f"/org/years/{year.pk}/edit/"
    assert year.phases.count() == 5
    again = client.post("/org/years/new/", {"year": "2027"}).content.decode()
    assert "2027 年度已存在" in again
    data = {}
    for w in year.phases.all():
        data[f"{w.phase}_start"], data[f"{w.phase}_end"] = w.starts_on.isoformat(), w.ends_on.isoformat()
    data["goals_end"] = "2026-08-01"
    page = client.post(f"/org/years/{year.pk}/edit/", data).content.decode()
    assert "截止日期不能早于开始日期" in page
    data["goals_end"] = "2026-11-30"
    assert client.post(f"/org/years/{year.pk}/edit/", data).status_code == 302
    assert year.phases.get(phase="goals").ends_on.isoformat() == "2026-11-30"


def test_context_switcher_ignores_years_and_regions_out_of_reach(world: World, client_for: Any) -> None:
    client = client_for("office")
    client.post("/context/", {"region": world.other_region.pk, "year": "1999", "next": "https://evil.example/"})
    page = client.get("/").content.decode()
    assert "株洲市渌口区 · 2026 年度" in page


def test_unit_export_is_the_import_layout(world: World, client_for: Any) -> None:
    import io

    from jixiao.core.tabular import read_tables

    response = client_for("section").get("/org/units/export/")
    (table,) = read_tables("u.xlsx", response.content)
    assert table.columns == ["单位编码", "单位名称", "单位类型", "主管部门编码", "归口业务股室", "是否启用"]
    assert [r.get("单位编码") for r in table.rows] == ["105", "105001"]
    assert io.BytesIO(response.content).read(2) == b"PK"


def test_the_menu_marks_exactly_the_current_page(world: World, client_for: Any) -> None:
    page = client_for("office").get(f"/org/units/{world.unit_a.pk}/").content.decode()
    nav = page.split('<ul class="navbar-nav')[1].split("</ul>")[0]
    assert nav.count('aria-current="page"') == 1
    assert 'aria-current="page" href="/org/units/"' in nav


@pytest.mark.parametrize("url", ["/org/units/", "/org/sections/", "/audit/", "/api/v1/units", "/accounts/users/"])
def test_list_pages_do_not_query_per_row(url: str, world: World, client_for: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from jixiao.audit.services import log_action
    from tests.factories import UnitFactory, UserFactory

    actor = "sysadmin" if url.startswith("/accounts") else "office"
    client = client_for(actor)
    client.get(url)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    before = count()
    for n in range(20):
        unit = UnitFactory(region=world.region, code=f"9{n:02d}", parent=world.unit_b, section=world.section)
        UserFactory(region=world.region, role="unit_editor", unit=unit)
        log_action(actor=world.actors["office"], action="org.unit.updated", target=unit)
    assert count() == before


def test_saving_a_section_keeps_its_inactive_units(world: World, client_for: Any) -> None:
    with scopes_disabled():
        world.unit_a_child.active = False
        world.unit_a_child.save()
    page = client_for("office").get(f"/org/sections/{world.section.pk}/edit/").content.decode()
    assert "株洲市渌口区第一中学" in page
