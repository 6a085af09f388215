import io
from typing import Any

import pytest

from jixiao.audit.models import AuditEntry
from jixiao.core.errors import DomainError, Forbidden
from jixiao.core.tabular import read_tables
from jixiao.library import services
from jixiao.library.models import LibraryIndicator, Status
from tests.conftest import World

FIELDS = {
    "name": "校园食堂明厨亮灶覆盖率",
    "level1": "产出指标",
    "level2": "质量指标",
    "definition": "指标解释：实现明厨亮灶的学校食堂数 ÷ 学校食堂总数 乘以 100%，按学年末统计。",
    "direction": "positive",
    "measure_unit": "%",
    "typical_low": "90",
    "typical_high": "100",
    "basis": "计划标准",
    "categories": ["C13"],
    "keywords": ["明厨亮灶", "食堂"],
}


def indicators(world: World) -> Any:
    return LibraryIndicator.objects.with_scopes_disabled().filter(region=world.region)


def test_the_region_gets_the_starter_library(world: World) -> None:
    assert indicators(world).filter(status=Status.APPROVED).count() >= 400


def test_search_page_finds_by_words(world: World, client_for: Any) -> None:
    client = client_for("unit_a_editor")
    page = client.get("/library/", {"q": "路灯"}).content.decode()
    assert "「路灯」的检索结果" in page and "路灯设施完好率" in page
    rows = client.get("/library/", {"q": "满意度"}, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in rows and "满意度" in rows
    api = client.get("/api/v1/library/search", {"q": "抽检", "limit": 5}).json()
    assert len(api) == 5 and all("抽检" in r["indicator"]["name"] for r in api[:3])


def test_browse_by_taxonomy_and_category(world: World, client_for: Any) -> None:
    page = client_for("section").get("/library/", {"level1": "满意度指标"}).content.decode()
    body = page.split('id="library-results"')[1]
    assert "满意度" in body and "清运量" not in body


def test_recommendation_for_a_project_has_reasons_and_groups(world: World, client_for: Any) -> None:
    page = client_for("unit_a_editor").get(f"/library/recommend/{world.project_a.pk}/").content.decode()
    assert "为「义务教育学校公用经费保障」推荐的绩效指标" in page
    assert "「义务教育保障」类项目的个性指标" in page and "产出指标 / 数量指标" in page
    api = client_for("unit_a_editor").get(f"/api/v1/library/recommend/{world.project_a.pk}", {"limit": 10}).json()
    assert len(api) == 10 and all(r["reasons"] for r in api)
    assert sum("C10" in r["indicator"]["categories"] for r in api) >= 6


def test_propose_review_and_audit(world: World, client_for: Any) -> None:
    proposal = services.indicator_propose(
        actor=world.actors["unit_a_editor"], region=world.region, fields=FIELDS, note="库中没有"
    )
    assert proposal.status == Status.PROPOSED and proposal.code.startswith("P-")
    # Another unit does not see it; the office does.
    assert client_for("unit_b_editor").get(f"/library/indicators/{proposal.pk}/").status_code == 404
    page = client_for("office").get(f"/library/indicators/{proposal.pk}/").content.decode()
    assert "审核新指标提议" in page
    services.proposal_review(actor=world.actors["office"], indicator=proposal, decision="approve", comment="同意")
    proposal.refresh_from_db()
    assert (proposal.status, proposal.version, proposal.versions.count()) == (Status.APPROVED, 2, 2)
    with pytest.raises(DomainError, match="已审核"):
        services.proposal_review(actor=world.actors["office"], indicator=proposal, decision="reject", comment="x")
    actions = list(AuditEntry.objects.filter(target_type="library.libraryindicator").values_list("action", flat=True))
    assert sorted(actions) == ["library.indicator.approved", "library.indicator.proposed"]
    assert "校园食堂明厨亮灶覆盖率" in client_for("unit_b_editor").get("/library/", {"q": "明厨亮灶"}).content.decode()


def test_merge_and_reject(world: World) -> None:
    one = services.indicator_propose(actor=world.actors["unit_a_editor"], region=world.region, fields=FIELDS)
    two = services.indicator_propose(
        actor=world.actors["unit_b_editor"], region=world.region, fields={**FIELDS, "name": "食堂亮灶率"}
    )
    target = indicators(world).get(code="C13-001")
    services.proposal_review(actor=world.actors["office"], indicator=one, decision="merge", into=target)
    with pytest.raises(DomainError, match="写明理由"):
        services.proposal_review(actor=world.actors["office"], indicator=two, decision="reject")
    services.proposal_review(actor=world.actors["office"], indicator=two, decision="reject", comment="与 C13-001 重复")
    one.refresh_from_db()
    two.refresh_from_db()
    assert (one.status, one.merged_into) == (Status.RETIRED, target)
    assert (two.status, two.review_comment) == (Status.RETIRED, "与 C13-001 重复")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"measure_unit": ""}, "计量单位"),
        ({"definition": "短"}, "指标解释"),
        ({"level2": "满意度"}, "一级、二级指标"),
        ({"typical_high": "120"}, "不应超过 100%"),
        ({"categories": ["C99"]}, "未设置的类别"),
        ({"direction": "qualitative", "measure_unit": ""}, "分级"),
    ],
)
def test_proposals_must_be_measurable(world: World, change: dict[str, Any], message: str) -> None:
    with pytest.raises(DomainError, match=message):
        services.indicator_propose(
            actor=world.actors["unit_a_editor"], region=world.region, fields={**FIELDS, **change}
        )


def test_only_units_propose_and_only_the_office_curates(world: World) -> None:
    with pytest.raises(Forbidden):
        services.indicator_propose(actor=world.actors["office"], region=world.region, fields=FIELDS)
    proposal = services.indicator_propose(actor=world.actors["unit_a_editor"], region=world.region, fields=FIELDS)
    with pytest.raises(Forbidden):
        services.proposal_review(actor=world.actors["unit_a_leader"], indicator=proposal, decision="approve")


def test_export_then_import_round_trips_and_edits_make_versions(world: World, client_for: Any) -> None:
    from openpyxl import load_workbook

    client = client_for("office")
    data = client.get("/library/export/").content
    (table,) = read_tables("l.xlsx", data)
    assert len(table.rows) >= 400
    upload = io.BytesIO(data)
    upload.name = "l.xlsx"
    page = client.post("/library/import/", {"file": upload}).content.decode()
    assert "将新增 <strong>0</strong> 个指标，更新 <strong>0</strong> 个" in page
    book = load_workbook(io.BytesIO(data))
    sheet = book.active
    assert sheet is not None
    original_unit = sheet.cell(3, 6).value
    sheet.cell(3, 6).value = ""  # unit removed from a quantitative indicator
    buffer = io.BytesIO()
    book.save(buffer)
    bad = io.BytesIO(buffer.getvalue())
    bad.name = "l.xlsx"
    page = client.post("/library/import/", {"file": bad}).content.decode()
    assert "校验未通过" in page and "第 3 行「计量单位」列" in page
    sheet.cell(3, 6).value = original_unit
    code = sheet.cell(2, 1).value
    sheet.cell(2, 12).value = "新的数据来源：区环卫作业监管平台"
    buffer = io.BytesIO()
    book.save(buffer)
    good = io.BytesIO(buffer.getvalue())
    good.name = "l.xlsx"
    page = client.post("/library/import/", {"file": good}).content.decode()
    assert "更新 <strong>1</strong> 个" in page
    token = page.split('name="token" value="')[1].split('"')[0]
    assert client.post("/library/import/commit/", {"token": token}).status_code == 302
    edited = indicators(world).get(code=code)
    assert (edited.data_source, edited.version) == ("新的数据来源：区环卫作业监管平台", 2)
    assert AuditEntry.objects.filter(action="library.imported").count() == 1


def test_layout_shows_cost_under_output(world: World, client_for: Any) -> None:
    cost = indicators(world).filter(level1="成本指标").first()
    assert cost is not None
    client = client_for("office")
    client.post("/library/layout/", {"layout": "cost_under_output"})
    page = client.get(f"/library/indicators/{cost.pk}/").content.decode()
    assert "产出指标 / 成本指标" in page
    assert AuditEntry.objects.filter(action="library.layout.changed").count() == 1


def test_waiting_proposals_are_on_the_offices_home_page(world: World, client_for: Any) -> None:
    assert "待审核的新指标提议" not in client_for("office").get("/").content.decode()
    services.indicator_propose(actor=world.actors["unit_a_editor"], region=world.region, fields=FIELDS)
    page = client_for("office").get("/").content.decode()
    assert "待审核的新指标提议" in page
    assert "待审核的新指标提议" not in client_for("unit_a_editor").get("/").content.decode()
