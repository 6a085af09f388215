from decimal import Decimal
from typing import Any

from django_scopes import scopes_disabled

from jixiao.budget.models import Execution, UnitBudget
from jixiao.core.tabular import read_tables
from tests.conftest import World


def _pay(project: Any, month: int, amount: str) -> None:
    with scopes_disabled():
        Execution.objects.create(
            region=project.region, unit=project.unit, project=project, month=month, amount=Decimal(amount)
        )


def test_unit_a_never_sees_unit_bs_projects(world: World, client_for: Any) -> None:
    expected = {
        "unit_a_editor": {"A001"},
        "unit_a_leader": {"A001", "A002"},
        "section": {"A001", "A002"},
        "unit_b_editor": {"B001"},
        "office": {"A001", "A002", "B001"},
        "auditor": {"A001", "A002", "B001"},
    }
    for actor, codes in expected.items():
        client = client_for(actor)
        api = {p["code"] for p in client.get("/api/v1/projects").json()["items"]}
        assert api == codes, actor
        for term in ("监控", "义务教育", "维修", "A0", "B0"):
            found = {p["code"] for p in client.get("/api/v1/projects", {"q": term}).json()["items"]}
            assert found <= codes, (actor, term)
        page = client.get("/budget/projects/", {"q": "平安城市"}).content.decode()
        assert ("平安城市视频监控运行维护" in page) == ("B001" in codes), actor
        (table,) = read_tables("p.xlsx", client.get("/budget/projects/export/").content)
        assert {r.get("项目代码") for r in table.rows} == codes, actor


def test_project_page_shows_money_and_execution_against_time_progress(world: World, client_for: Any) -> None:
    _pay(world.project_a, 1, "50000")
    _pay(world.project_a, 3, "100000")
    page = client_for("unit_a_editor").get(f"/budget/projects/{world.project_a.pk}/").content.decode()
    assert "义务教育学校公用经费保障" in page and "100.00 万元" in page
    assert 'id="execution-chart"' in page and "echarts.min" in page
    # Cumulative 15.00% against a time progress of 25.00% after March; February shows 0 paid.
    assert "<td>2月</td>" in page and "15.00%" in page and "25.00%" in page
    detail = client_for("unit_a_editor").get(f"/api/v1/projects/{world.project_a.pk}").json()
    assert [m["rate"] for m in detail["execution"]] == ["5.00", "5.00", "15.00"]
    assert detail["paid"] == "150000.00" and detail["funds"]["general_public"] == "1000000.00"


def test_filters_totals_and_unit_budget(world: World, client_for: Any) -> None:
    _pay(world.project_b, 2, "250000")
    with scopes_disabled():
        UnitBudget.objects.create(
            region=world.region,
            fiscal_year=world.fiscal_year,
            unit=world.unit_b,
            basic_expenditure=Decimal("8000000"),
            project_expenditure=Decimal("1000000"),
        )
    client = client_for("office")
    page = client.get("/budget/projects/", {"unit": world.unit_b.pk}).content.decode()
    assert "共 1 个项目" in page and '已支付 <span class="jx-money">25.00</span> 万元' in page
    assert '基本支出 <span class="jx-money">800.00</span> 万元' in page
    page = client.get("/budget/projects/").content.decode()
    assert "共 3 个项目" in page and '年初预算 <span class="jx-money">300.00</span> 万元' in page
    assert "25.00%" in page


def test_office_keeps_the_regions_category_list(world: World, client_for: Any) -> None:
    from jixiao.audit.models import AuditEntry
    from jixiao.budget.models import ProjectCategory

    client = client_for("office")
    response = client.post(
        "/budget/categories/new/", {"code": "C41", "name": "殡葬服务", "domain": "社会保障和就业", "active": "on"}
    )
    assert response.status_code == 302
    duplicate = client.post(
        "/budget/categories/new/", {"code": "C42", "name": "殡葬服务", "domain": "社会保障和就业"}
    ).content.decode()
    assert "类别名称「殡葬服务」已被使用" in duplicate
    with scopes_disabled():
        category = ProjectCategory.objects.get(region=world.region, code="C41")
    client.post(
        f"/budget/categories/{category.pk}/edit/", {"code": "C41", "name": "殡葬服务", "domain": "社会保障和就业"}
    )
    with scopes_disabled():
        category.refresh_from_db()
    assert category.active is False
    assert [e.action for e in AuditEntry.objects.filter(target_type="budget.projectcategory")] == [
        "budget.category.updated",
        "budget.category.created",
    ]
    assert "殡葬服务" in client_for("unit_a_editor").get("/budget/categories/").content.decode()
