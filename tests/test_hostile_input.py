"""Bad and hostile input gets a clear answer and changes nothing; never a 500."""

import io
import zipfile
from typing import Any

import pytest
from django.test import Client
from django_scopes import scopes_disabled

from jixiao.accounts import services as accounts
from jixiao.audit.models import AuditEntry
from jixiao.core.errors import DomainError
from jixiao.core.tabular import TabularError, read_tables
from jixiao.org import services as org
from jixiao.org.models import Unit
from tests.conftest import World


def test_section_unit_lists_follow_the_readers_reach(world: World, client: Client) -> None:
    _, key = accounts.token_create(actor=world.actors["unit_b_editor"], name="t")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    sections = {s["name"]: s["unit_codes"] for s in client.get("/api/v1/sections", **auth).json()}
    assert sections == {"教科文股": [], "行政政法股": ["110"]}
    assert client.get(f"/api/v1/sections/{world.section.pk}", **auth).json()["unit_codes"] == []


def test_a_unit_editors_scope_hides_other_units_even_through_relations(world: World, client_for: Any) -> None:
    page = client_for("unit_b_editor").get(f"/org/sections/{world.section.pk}/").content.decode()
    assert "株洲市渌口区教育局" not in page


def test_administrator_cannot_reset_its_own_password(world: World) -> None:
    admin = world.actors["sysadmin"]
    with pytest.raises(DomainError, match="不能重置本人密码"):
        accounts.user_reset_password(actor=admin, user=admin, password="Temp-Passw0rd!x")


@pytest.mark.parametrize(
    ("method", "url", "data"),
    [
        ("post", "/context/", {"year": "²", "region": "¹"}),
        ("get", "/audit/", {"date_to": "9999-12-31", "date_from": "0001-01-01"}),
        ("get", "/api/v1/units", {"page": "99999999999999999999999"}),
        ("get", "/api/v1/units", {"q": "a\x00b"}),
        ("get", "/org/units/", {"q": "x" * 5000}),
    ],
)
def test_odd_parameters_never_crash(world: World, client_for: Any, method: str, url: str, data: dict[str, str]) -> None:
    response = getattr(client_for("office"), method)(url, data)
    assert response.status_code in (200, 302, 400, 422)


def test_nul_characters_are_refused_before_any_write(world: World, client_for: Any) -> None:
    client = client_for("sysadmin")
    response = client.post(
        "/api/v1/users",
        {"username": "a\x00b", "full_name": "x", "role": "auditor", "password": "Initial-Passw0rd!"},
        content_type="application/json",
    )
    assert response.status_code == 400 and "NUL" in response.json()["detail"]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("username", "u" * 200, "用户名不能超过"),
        ("phone", "1" * 100, "联系电话不能超过"),
        ("username", "a b/<x>", "只能包含"),
    ],
)
def test_over_long_or_odd_account_fields_are_refused(
    world: World, client_for: Any, field: str, value: str, message: str
) -> None:
    body = {"username": "ok1", "full_name": "x", "role": "auditor", "password": "Initial-Passw0rd!", field: value}
    response = client_for("sysadmin").post("/api/v1/users", body, content_type="application/json")
    assert response.status_code == 400 and message in response.json()["detail"]


def test_full_width_usernames_are_stored_as_the_login_form_reads_them(world: World) -> None:
    user = accounts.user_create(
        actor=world.actors["sysadmin"],
        username="\uff5a\uff48\uff41\uff4e\uff47",
        full_name="张",
        role="auditor",
        region=world.region,
        password="Initial-Passw0rd!",
    )
    assert user.username == "zhang"


def test_csv_with_mac_line_ends_and_csv_with_a_giant_cell() -> None:
    (table,) = read_tables("u.csv", "单位编码,单位名称\r105,甲\r".encode())
    assert table.rows[0].cells == {"单位编码": "105", "单位名称": "甲"}
    with pytest.raises(TabularError, match="不是有效的 CSV"):
        read_tables("u.csv", ("a\n" + "x" * 200_000 + '"\n').encode())


def _xlsx_with_sheet_xml(xml: str) -> bytes:
    from openpyxl import Workbook

    buffer = io.BytesIO()
    Workbook().save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = xml.encode()
            target.writestr(item, data)
    return out.getvalue()


def test_a_stray_far_away_cell_is_refused_before_it_is_allocated() -> None:
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>单位编码</t></is></c></row>'
        '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData></worksheet>'
    )
    with pytest.raises(TabularError, match="过大"):
        read_tables("u.xlsx", _xlsx_with_sheet_xml(xml))


def test_a_truncated_sheet_is_a_clear_error() -> None:
    with pytest.raises(TabularError, match="无法读取"):
        read_tables("u.xlsx", _xlsx_with_sheet_xml('<?xml version="1.0"?><worksheet><sheetData><row r="1"><c r="A1"'))


def test_a_missing_staged_file_asks_for_a_new_upload(world: World, client_for: Any) -> None:
    from django.core.files.storage import default_storage

    client = client_for("office")
    upload = io.BytesIO("单位编码,单位名称,单位类型\n120,司法局,行政\n".encode())
    upload.name = "u.csv"
    page = client.post("/org/units/import/", {"file": upload}).content.decode()
    token = page.split('name="token" value="')[1].split('"')[0]
    for name in default_storage.listdir("imports")[1]:
        if name.startswith(token):
            default_storage.delete(f"imports/{name}")
    response = client.post("/org/units/import/commit/", {"token": token}, follow=True)
    assert response.status_code == 200 and "导入文件已失效" in response.content.decode()


def test_duplicate_header_columns_and_long_numeric_codes_are_reported(world: World) -> None:
    from openpyxl import Workbook

    data = "单位编码,单位名称,单位类型,单位编码\n204,甲,行政,205\n".encode()
    plan = org.unit_import_validate(actor=world.actors["office"], region=world.region, filename="u.csv", data=data)
    assert [(i.column, i.expected) for i in plan.issues] == [("单位编码", "「单位编码」列只能出现一次")]
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["单位编码", "单位名称", "单位类型"])
    sheet.append([101001000000000001, "长编码单位", "行政"])
    buffer = io.BytesIO()
    book.save(buffer)
    plan = org.unit_import_validate(
        actor=world.actors["office"], region=world.region, filename="u.xlsx", data=buffer.getvalue()
    )
    assert [i.column for i in plan.issues] == ["单位编码"]


def test_imports_show_in_each_units_history_and_no_op_writes_log_nothing(world: World, client_for: Any) -> None:
    data = "单位编码,单位名称,单位类型\n105,株洲市渌口区教育局（改）,行政\n".encode()
    org.unit_import_commit(actor=world.actors["office"], region=world.region, filename="u.csv", data=data)
    history = client_for("auditor").get(f"/audit/history/org.unit/{world.unit_a.pk}/").content.decode()
    assert "导入预算单位" in history and "株洲市渌口区教育局（改）" in history
    count = AuditEntry.objects.count()
    org.unit_import_commit(actor=world.actors["office"], region=world.region, filename="u.csv", data=data)
    with scopes_disabled():
        units = list(Unit.objects.filter(section=world.section))
    org.section_save(
        actor=world.actors["office"],
        region=world.region,
        section=world.section,
        name="教科文股",
        duties="",
        units=units,
    )
    assert AuditEntry.objects.count() == count


def test_moving_a_unit_records_the_section_it_left(world: World) -> None:
    org.section_save(
        actor=world.actors["office"],
        region=world.region,
        section=world.other_section,
        name="行政政法股",
        duties="",
        units=[world.unit_b, world.unit_a],
    )
    entry = AuditEntry.objects.filter(action="org.section.updated").first()
    assert entry is not None and entry.data["moved_from"] == {"105": "教科文股"}


def test_region_less_entries_stay_within_a_single_tenant_deployment(world: World, client_for: Any) -> None:
    from tests.factories import UserFactory

    Client().post("/login/", {"username": "nosuchuser", "password": "whatever"})
    assert "nosuchuser" in client_for("auditor").get("/audit/").content.decode()
    UserFactory(region=world.other_region, role="auditor")
    assert "nosuchuser" not in client_for("auditor").get("/audit/").content.decode()
