import io
from decimal import Decimal
from typing import Any

import pytest
from django_scopes import scopes_disabled
from openpyxl import Workbook

from jixiao.audit.models import AuditEntry
from jixiao.budget import services
from jixiao.budget.models import Execution, Project, UnitBudget
from tests.conftest import World

HEADER = [
    "项目代码",
    "项目名称",
    "单位编码",
    "项目类别",
    "项目性质",
    "开始年度",
    "结束年度",
    "一般公共预算（万元）",
    "上级转移支付（万元）",
    "年初预算数（万元）",
    "调整后预算数（万元）",
]
ROWS = [
    ["P001", "路灯维护", "110", "C28", "延续", 2024, 2026, "120.5", "", "120.5", "130"],
    [
        "P002",
        "基本公共卫生服务",
        "105",
        "基本公共卫生服务",
        "新增",
        "",
        "",
        "\uff11,\uff10\uff10\uff10",
        "500.25",
        "1,500.25",
        "",
    ],
]


def xlsx(header: list[str], rows: list[list[Any]], title: str = "项目") -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def projects(world: World) -> dict[str, Project]:
    with scopes_disabled():
        return {p.code: p for p in Project.objects.filter(fiscal_year=world.fiscal_year)}


def commit(world: World, kind: str, data: bytes, filename: str = "u.xlsx") -> Any:
    return services.budget_import_commit(
        actor=world.actors["office"], kind=kind, fiscal_year=world.fiscal_year, filename=filename, data=data
    )


def test_projects_in_wan_with_separators_and_full_width_digits(world: World) -> None:
    plan = commit(world, "projects", xlsx(HEADER, ROWS))
    assert plan.ok, [i.message() for i in plan.issues]
    got = projects(world)
    lamp, health = got["P001"], got["P002"]
    assert (lamp.initial_budget, lamp.adjusted_budget, lamp.fund_general_public) == (
        Decimal("1205000.00"),
        Decimal("1300000.00"),
        Decimal("1205000.00"),
    )
    assert (lamp.start_year, lamp.end_year, lamp.is_new, lamp.category.code) == (2024, 2026, False, "C28")
    assert (health.fund_general_public, health.fund_transfer, health.initial_budget) == (
        Decimal("10000000.00"),
        Decimal("5002500.00"),
        Decimal("15002500.00"),
    )
    assert (health.is_new, health.start_year, health.adjusted_budget) == (True, 2026, health.initial_budget)
    assert AuditEntry.objects.filter(action="budget.projects.imported").count() == 1
    again = commit(world, "projects", xlsx(HEADER, ROWS))
    assert (again.count_create, again.count_update, again.count_unchanged) == (0, 0, 2)
    assert AuditEntry.objects.filter(action="budget.projects.imported").count() == 1


@pytest.mark.parametrize(
    ("row", "column", "expected"),
    [
        (["P003", "某项目", "999", "C28", "", "", "", "1", "", "1", ""], "单位编码", "本行政区划已有预算单位的编码"),
        (["P003", "某项目", "110", "不存在的类别", "", "", "", "1", "", "1", ""], "项目类别", "已设置的项目类别"),
        (["P003", "某项目", "110", "C28", "", "", "", "1", "", "十万", ""], "年初预算数（万元）", "数字金额"),
        (["P003", "某项目", "110", "C28", "", "", "", "1", "", "2", ""], "年初预算数（万元）", "等于各资金来源之和"),
        (
            ["P003", "某项目", "110", "C28", "", "", "", "1.0000001", "", "1.0000001", ""],
            "一般公共预算（万元）",
            "精确到分",
        ),
        (["P003", "某项目", "110", "C28", "", "2027", "2028", "1", "", "1", ""], "开始年度", "实施期包含预算年度 2026"),
        (["P003", "", "110", "C28", "也许", "", "", "1", "", "1", ""], "项目性质", "新增 或 延续"),
        (["P001", "重复", "110", "C28", "", "", "", "1", "", "1", ""], "项目代码", "不重复"),
        (["A001", "转属", "110", "C28", "", "", "", "1", "", "1", ""], "单位编码", "项目原属单位"),
    ],
)
def test_any_bad_cell_commits_nothing_and_names_its_place(
    world: World, row: list[Any], column: str, expected: str
) -> None:
    before = projects(world)
    plan = commit(world, "projects", xlsx(HEADER, [*ROWS, row]))
    assert not plan.ok
    assert any(i.row == 4 and i.column == column and expected in i.expected for i in plan.issues), [
        i.message() for i in plan.issues
    ]
    assert plan.issues[0].message().startswith("文件「u.xlsx」工作表「项目」第 ")
    assert projects(world).keys() == before.keys()
    assert not AuditEntry.objects.filter(action="budget.projects.imported").exists()


def test_missing_and_duplicate_columns(world: World) -> None:
    plan = commit(world, "projects", xlsx(["项目代码", "项目名称"], [["P1", "x"]]))
    assert {i.column for i in plan.issues} == {"单位编码", "项目类别", "年初预算数"}
    plan = commit(world, "projects", xlsx([*HEADER, "年初预算数（元）"], [[*ROWS[0], "1"]]))
    assert any("只能出现一次" in i.expected for i in plan.issues)
    plan = commit(world, "projects", xlsx(["项目代码（万元）", *HEADER[1:]], [ROWS[0]]))
    assert any("不是金额列" in i.expected for i in plan.issues)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_in_every_encoding(world: World, encoding: str) -> None:
    text = '项目代码,项目名称,单位编码,项目类别,年初预算数\nP010,信访特护期维稳,110,C08,"1,234,567.80"\n'
    plan = commit(world, "projects", text.encode(encoding), filename="p.csv")
    assert plan.ok and projects(world)["P010"].initial_budget == Decimal("1234567.80")


def test_unit_budgets(world: World) -> None:
    data = xlsx(
        ["单位编码", "基本支出（万元）", "项目支出（万元）"], [["105", "3,200", "5,100.5"], ["110", "800", "1200"]]
    )
    assert commit(world, "unit_budgets", data).ok
    with scopes_disabled():
        budget = UnitBudget.objects.get(unit=world.unit_a, fiscal_year=world.fiscal_year)
    assert (budget.basic_expenditure, budget.project_expenditure) == (Decimal("32000000.00"), Decimal("51005000.00"))
    bad = commit(
        world, "unit_budgets", xlsx(["单位编码", "基本支出", "项目支出"], [["105", "1", "1"], ["105", "2", "2"]])
    )
    assert any("不重复" in i.expected for i in bad.issues)


def test_executions_long_and_wide_and_replacing_a_month(world: World) -> None:
    long = xlsx(
        ["项目代码", "月份", "支付数（万元）"],
        [["A001", "1", "10"], ["A001", "2026-02", "5.5"], ["B001", "3月", "-0.5"]],
    )
    assert commit(world, "executions", long).ok
    wide = xlsx(["项目代码", "1月（万元）", "2月（万元）", "3月（万元）"], [["A001", "10", "6", ""]])
    plan = commit(world, "executions", wide)
    assert (plan.count_create, plan.count_update, plan.count_unchanged) == (0, 1, 1)
    with scopes_disabled():
        paid = {(e.project.code, e.month): e.amount for e in Execution.objects.select_related("project")}
    assert paid == {
        ("A001", 1): Decimal("100000.00"),
        ("A001", 2): Decimal("60000.00"),
        ("B001", 3): Decimal("-5000.00"),
    }


@pytest.mark.parametrize(
    ("row", "column", "expected"),
    [
        (["ZZZ", "1", "1"], "项目代码", "请先导入项目预算"),
        (["A001", "13", "1"], "月份", "2026 年的月份"),
        (["A001", "2025-03", "1"], "月份", "2026 年的月份"),
        (["A001", "1", "abc"], "支付数", "数字金额"),
    ],
)
def test_bad_execution_rows(world: World, row: list[str], column: str, expected: str) -> None:
    plan = commit(world, "executions", xlsx(["项目代码", "月份", "支付数"], [row]))
    assert not plan.ok and any(i.column == column and expected in i.expected for i in plan.issues)
    with scopes_disabled():
        assert not Execution.objects.exists()


def test_import_page_and_api(world: World, client_for: Any) -> None:
    client = client_for("office")
    upload = io.BytesIO(xlsx(HEADER, ROWS))
    upload.name = "p.xlsx"
    page = client.post("/budget/import/", {"kind": "projects", "file": upload}).content.decode()
    assert "将新增 <strong>2</strong> 条" in page
    token = page.split('name="token" value="')[1].split('"')[0]
    assert client.post("/budget/import/commit/", {"kind": "projects", "token": token}).status_code == 302
    assert "P001" in projects(world)
    upload = io.BytesIO(xlsx(["项目代码", "月份", "支付数"], [["P001", "1", "1000"]]))
    upload.name = "e.xlsx"
    dry = client.post("/api/v1/budget/import", {"kind": "executions", "year": "2026", "file": upload})
    assert dry.status_code == 200 and dry.json()["committed"] is False
    upload.seek(0)
    done = client.post(
        "/api/v1/budget/import", {"kind": "executions", "year": "2026", "commit": "true", "file": upload}
    )
    assert done.json()["committed"] is True and done.json()["created"] == 1
    upload.seek(0)
    bad = client.post("/api/v1/budget/import", {"kind": "nonsense", "year": "2026", "file": upload})
    assert bad.status_code == 400
