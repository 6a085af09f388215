import io
from typing import Any

import pytest
from django_scopes import scopes_disabled
from openpyxl import Workbook

from jixiao.audit.models import AuditEntry
from jixiao.org import services
from jixiao.org.models import Unit
from tests.conftest import World

HEADER = ["单位编码", "单位名称", "单位类型", "主管部门编码", "归口业务股室", "是否启用"]


def xlsx(rows: list[list[Any]], header: list[str] = HEADER) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "单位清单"
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


GOOD = [
    ["120", "株洲市渌口区司法局", "行政", "", "行政政法股", "是"],
    ["125", "株洲市渌口区卫生健康局", "行政", "", "教科文股", ""],
    ["125001", "株洲市渌口区人民医院", "事业单位", "125", "教科文股", "是"],
    [105, "株洲市渌口区教育局", "行政", "", "教科文股", "是"],
    ["\uff11\uff13\uff10", "株洲市渌口区统计局", "行政", "", "行政政法股", "是"],
]


def units(world: World) -> dict[str, tuple[str, str, str | None, str | None, bool]]:
    with scopes_disabled():
        return {
            u.code: (
                u.name,
                u.kind,
                u.parent.code if u.parent else None,
                u.section.name if u.section else None,
                u.active,
            )
            for u in Unit.objects.filter(region=world.region).select_related("parent", "section")
        }


def test_import_creates_updates_and_reimport_changes_nothing(world: World) -> None:
    office = world.actors["office"]
    data = xlsx(GOOD)
    preview = services.unit_import_validate(actor=office, region=world.region, filename="单位.xlsx", data=data)
    assert preview.ok and (preview.count_create, preview.count_update, preview.count_unchanged) == (4, 0, 1)
    assert "120" not in units(world)  # validating writes nothing
    services.unit_import_commit(actor=office, region=world.region, filename="单位.xlsx", data=data)
    after = units(world)
    assert after["125001"] == ("株洲市渌口区人民医院", "institution", "125", "教科文股", True)
    assert after["130"][0] == "株洲市渌口区统计局"  # full-width code digits read as digits
    entries = AuditEntry.objects.filter(action="org.units.imported")
    assert entries.count() == 1 and entries.get().data["created"] == 4
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        again = services.unit_import_commit(actor=office, region=world.region, filename="单位.xlsx", data=data)
    assert (again.count_create, again.count_update, again.count_unchanged) == (0, 0, 5)
    writes = [q["sql"] for q in queries if q["sql"].startswith(("INSERT", "UPDATE")) and "org_unit" in q["sql"]]
    assert writes == []
    assert units(world) == after


def test_any_error_commits_nothing_and_every_error_is_located(world: World) -> None:
    before = units(world)
    rows = [
        *GOOD,
        ["12A-", "坏编码", "行政", "", "", ""],
        ["130", "", "机关", "", "", ""],
        ["131", "某局", "行政", "999", "", "也许"],
        ["120", "重复", "行政", "", "不存在股", ""],
    ]
    plan = services.unit_import_commit(
        actor=world.actors["office"], region=world.region, filename="单位.xlsx", data=xlsx(rows)
    )
    assert not plan.ok
    located = {(i.row, i.column, i.value) for i in plan.issues}
    assert located >= {
        (7, "单位编码", "12A-"),
        (8, "单位名称", ""),
        (8, "单位类型", "机关"),
        (9, "是否启用", "也许"),
        (10, "单位编码", "120"),
        (10, "归口业务股室", "不存在股"),
    }
    assert plan.issues[0].message().startswith("文件「单位.xlsx」工作表「单位清单」第 7 行「单位编码」列")
    assert units(world) == before
    assert not AuditEntry.objects.filter(action="org.units.imported").exists()


def test_unknown_parents_and_cycles_are_refused(world: World) -> None:
    office = world.actors["office"]
    plan = services.unit_import_validate(
        actor=office, region=world.region, filename="u.xlsx", data=xlsx([["131", "某局", "行政", "999", "", ""]])
    )
    assert [(i.row, i.column, i.value) for i in plan.issues] == [(2, "主管部门编码", "999")]
    cycle = xlsx([["201", "甲", "行政", "202", "", ""], ["202", "乙", "行政", "201", "", ""]])
    plan = services.unit_import_validate(actor=office, region=world.region, filename="u.xlsx", data=cycle)
    assert any("闭环" in i.expected for i in plan.issues)


def test_missing_columns_and_empty_files(world: World) -> None:
    office = world.actors["office"]
    plan = services.unit_import_validate(
        actor=office, region=world.region, filename="u.xlsx", data=xlsx([["1", "甲"]], header=["单位编码", "名称"])
    )
    assert {i.column for i in plan.issues} == {"单位名称", "单位类型"}
    plan = services.unit_import_validate(actor=office, region=world.region, filename="u.xlsx", data=b"junk")
    assert "不是有效的 Excel 文件" in plan.issues[0].expected


def test_gbk_csv_and_a_file_without_the_section_column_keeps_sections(world: World) -> None:
    data = "单位编码,单位名称,单位类型\n105,株洲市渌口区教育局（新）,行政\n".encode("gbk")
    services.unit_import_commit(actor=world.actors["office"], region=world.region, filename="u.csv", data=data)
    assert units(world)["105"] == ("株洲市渌口区教育局（新）", "administrative", None, "教科文股", True)


def test_only_the_office_imports(world: World) -> None:
    from jixiao.core.errors import Forbidden

    for actor in ("section", "unit_a_leader", "auditor", "sysadmin"):
        with pytest.raises(Forbidden):
            services.unit_import_validate(
                actor=world.actors[actor], region=world.region, filename="u.xlsx", data=xlsx(GOOD)
            )


def test_two_step_import_in_the_browser(world: World, client_for: Any) -> None:
    client = client_for("office")
    upload = io.BytesIO(xlsx(GOOD))
    upload.name = "单位.xlsx"
    page = client.post("/org/units/import/", {"file": upload}).content.decode()
    assert "将新增 <strong>4</strong> 个单位" in page
    token = page.split('name="token" value="')[1].split('"')[0]
    assert "120" not in units(world)
    response = client.post("/org/units/import/commit/", {"token": token})
    assert response.status_code == 302
    assert "120" in units(world)
    # The staged file is used once.
    assert client.post("/org/units/import/commit/", {"token": token}).status_code == 302
    assert AuditEntry.objects.filter(action="org.units.imported").count() == 1


def test_browser_shows_every_error_in_chinese(world: World, client_for: Any) -> None:
    upload = io.BytesIO(xlsx([["130", "", "机关", "", "", ""]]))
    upload.name = "单位.xlsx"
    page = client_for("office").post("/org/units/import/", {"file": upload}).content.decode()
    assert "校验未通过：共 2 处错误，未导入任何数据" in page
    assert "行政、事业、乡镇、其他之一" in page
    bad = io.BytesIO(b"%PDF")
    bad.name = "单位.pdf"
    page = client_for("office").post("/org/units/import/", {"file": bad}).content.decode()
    assert "类型不受支持" in page


def test_api_import_validates_then_commits(world: World, client_for: Any) -> None:
    client = client_for("office")
    upload = io.BytesIO(xlsx([["130", "", "机关", "", "", ""]]))
    upload.name = "u.xlsx"
    bad = client.post("/api/v1/units/import", {"file": upload})
    assert bad.status_code == 422
    assert bad.json()["issues"][0]["message"].startswith("文件「u.xlsx」工作表「单位清单」第 2 行")
    upload = io.BytesIO(xlsx(GOOD))
    upload.name = "u.xlsx"
    dry = client.post("/api/v1/units/import", {"file": upload})
    assert dry.json()["committed"] is False and "120" not in units(world)
    upload.seek(0)
    done = client.post("/api/v1/units/import?commit=true", {"file": upload})
    assert done.status_code == 200 and done.json()["committed"] is True and done.json()["created"] == 4
    assert "120" in units(world)


def test_a_file_without_the_parent_column_keeps_the_tree(world: World) -> None:
    data = "单位编码,单位名称,单位类型\n105001,株洲市渌口区第一中学,事业\n".encode()
    plan = services.unit_import_commit(actor=world.actors["office"], region=world.region, filename="u.csv", data=data)
    assert plan.ok and plan.count_unchanged == 1
    assert units(world)["105001"][2] == "105"


def test_file_level_problems_read_as_one_sentence(world: World) -> None:
    plan = services.unit_import_validate(
        actor=world.actors["office"], region=world.region, filename="u.xlsx", data=b"junk"
    )
    assert plan.issues[0].message().startswith("文件「u.xlsx」无法读取：不是有效的 Excel 文件")
    empty = services.unit_import_validate(actor=world.actors["office"], region=world.region, filename="u.csv", data=b"")
    assert empty.issues[0].message() == "文件「u.csv」没有内容：至少需要一行表头和一行数据"


def test_a_staged_file_stays_with_the_region_it_was_checked_for(world: World, client_for: Any) -> None:
    world.other_region.parent = world.region
    world.other_region.save()
    client = client_for("office")
    upload = io.BytesIO(xlsx(GOOD))
    upload.name = "u.xlsx"
    page = client.post("/org/units/import/", {"file": upload}).content.decode()
    token = page.split('name="token" value="')[1].split('"')[0]
    client.post("/context/", {"region": world.other_region.pk})
    response = client.post("/org/units/import/commit/", {"token": token}, follow=True)
    assert "导入文件已失效" in response.content.decode()
    assert "120" not in units(world)
