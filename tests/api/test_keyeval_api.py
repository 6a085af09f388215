"""The key-evaluation API: the agency registry, selection with reasons, the commission, the
agency's declaration, scores and report, the office's return and rating, the report outline;
what every actor reaches — an agency member only the agency's assignments, and only after a
clean declaration; refused input in Chinese, changing nothing."""

import json
import re
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django_scopes import scopes_disabled

from jixiao.accounts.services import token_create
from jixiao.audit.models import AuditEntry
from jixiao.keyeval import services
from jixiao.keyeval.models import Agency, Declaration, Evaluation, Status
from tests.conftest import World
from tests.factories import UserFactory
from tests.keyeval.conftest import DEADLINE, agency, assigned, make_agency, selected, working  # noqa: F401

pytestmark = pytest.mark.django_db

API = "/api/v1/keyeval"
CHINESE = re.compile(r"[\u4e00-\u9fff]")
CONCLUSION = "项目决策依据充分，资金管理规范；立项依据不够充分，建议完善前期论证。"
NOT_DECLARED = "请先签署利益冲突声明"


def send(client: Client, method: str, url: str, body: Any = None) -> Any:
    return getattr(client, method)(url, {} if body is None else body, content_type="application/json")


def post(client: Client, url: str, body: Any = None) -> Any:
    return send(client, "post", url, body)


def put(client: Client, url: str, body: Any = None) -> Any:
    return send(client, "put", url, body)


def login(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def token_client(user: Any) -> Client:
    """A system calling with the user's bearer token (no session, no CSRF)."""
    _, key = token_create(actor=user, name="评价机构系统对接")
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


def report(name: str = "评价报告.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4 key evaluation report", content_type="application/pdf")


def fresh(evaluation: Evaluation) -> Evaluation:
    with scopes_disabled():
        return Evaluation.objects.get(pk=evaluation.pk)


def full_marks(detail: dict[str, Any], lose: str = "0") -> list[dict[str, Any]]:
    """The detail's items as the PUT body, each at full marks, less ``lose`` on the first."""
    rows = []
    for n, item in enumerate(detail["items"]):
        score = Decimal(item["weight"]) - (Decimal(lose) if n == 0 else 0)
        rows.append(
            {
                **{k: item[k] for k in ("level1", "level2", "level3", "weight", "explanation", "standard")},
                "score": str(score),
                "note": "立项依据不够充分" if n == 0 and lose != "0" else "",
            }
        )
    return rows


def sealed(body: dict[str, Any], world: World) -> None:
    """Nothing of the project in a 403's body."""
    text = json.dumps(body, ensure_ascii=False)
    for leak in (world.project_a.name, world.project_a.code, world.unit_a.name, "58000"):
        assert leak not in text


# --- the whole path ------------------------------------------------------------------------------


def test_select_assign_declare_score_submit_rate(world: World, client_for: Any) -> None:
    office = client_for("office")
    member = token_client(world.actors["agency"])

    # The office registers the agency with the agency user as its member.
    created = post(
        office,
        f"{API}/agencies",
        {
            "name": "湖南湘江会计师事务所有限公司",
            "contact": "赵磊",
            "phone": "0731-22881234",
            "credit_code": "91430200ma4l0xxxxx",
            "member_ids": [world.actors["agency"].pk],
        },
    )
    assert created.status_code == 201, created.content
    firm = created.json()
    assert firm["credit_code"] == "91430200MA4L0XXXXX"
    assert [m["username"] for m in firm["members"]] == ["agency"]
    assert firm["record"] == {"assigned": 0, "rated": 0, "quality": None, "late": 0}

    # Candidates, with the reasons each qualifies; the selection recomputes them on the server.
    found = office.get(f"{API}/candidates", {"year": 2026, "min_amount_wan": "50"})
    assert found.status_code == 200, found.content
    rows = {row["project_id"]: row for row in found.json()}
    assert world.project_a.pk in rows
    reasons = rows[world.project_a.pk]["reasons"]
    assert reasons and reasons[0].startswith("项目资金")
    picked = post(
        office, f"{API}/evaluations", {"project_ids": [world.project_a.pk], "requirements": "重点关注资金使用"}
    )
    assert picked.status_code == 201, picked.content
    [listed] = picked.json()
    assert listed["status"] == "selected" and listed["project_code"] == "A001"
    ev_id = listed["id"]
    url = f"{API}/evaluations/{ev_id}"
    detail = office.get(url).json()
    assert detail["reasons"] == reasons
    assert detail["requirements"] == "重点关注资金使用"
    assert {s["level1"] for s in detail["subtotals"]} == {"决策", "过程", "产出", "效益"}
    assert detail["checks"] == []
    assert {a["action"] for a in detail["actions"]} == {"assign", "items", "cancel"}

    # Taken now: listed as such, and refused a second time.
    again = office.get(f"{API}/candidates", {"year": 2026}).json()
    assert next(r for r in again if r["project_id"] == world.project_a.pk)["taken"] is True
    twice = post(office, f"{API}/evaluations", {"project_ids": [world.project_a.pk]})
    assert twice.status_code == 400 and "已有进行中的重点评价" in twice.json()["detail"]

    # Commissioned, with the fee in yuan as a string with separators.
    body = {"agency_id": firm["id"], "deadline": DEADLINE.isoformat(), "fee": "58,000.00"}
    done = post(office, f"{url}/assign", body)
    assert done.status_code == 200, done.content
    assert done.json()["status"] == "assigned" and done.json()["fee"] == "58000.00"

    # The member sees the title only until declaring; the detail is 403 with nothing in it.
    mine = member.get(f"{API}/evaluations").json()
    assert mine["count"] == 1
    [row] = mine["items"]
    assert row["declaration"] == "pending"
    assert row["title"] == detail["title"] and row["unit_name"] == world.unit_a.name
    assert row["project_code"] is None and row["project_name"] is None and row["unit_id"] is None
    for path in ("", "/outline"):
        refused = member.get(f"{url}{path}")
        assert refused.status_code == 403
        assert refused.json() == {"detail": NOT_DECLARED}
    declared = post(member, f"{url}/declare", {"conflict": False})
    assert declared.status_code == 201, declared.content
    assert declared.json()["conflict"] is False and "利害关系" in declared.json()["statement"]
    seen = member.get(url)
    assert seen.status_code == 200
    seen_body = seen.json()
    assert seen_body["status"] == "working" and seen_body["project_code"] == "A001"
    assert "fee" not in seen_body
    assert {a["action"] for a in seen_body["actions"]} == {"items", "submit"}
    assert member.get(f"{API}/evaluations").json()["items"][0]["declaration"] == "signed"

    # Scores: everything at full marks but 2.5 points on the first item.
    saved = put(member, f"{url}/items", full_marks(seen_body, lose="2.5"))
    assert saved.status_code == 200, saved.content
    assert saved.json()["checks"] == [] and saved.json()["total"] == "97.50"

    # The report, multipart; total and grade are computed on the server.
    handed = member.post(f"{url}/submit", {"conclusion": CONCLUSION, "report": report()})
    assert handed.status_code == 200, handed.content
    handed_body = handed.json()
    assert handed_body["status"] == "submitted"
    assert (handed_body["total"], handed_body["grade"]) == ("97.50", "优")
    assert handed_body["report_name"] == "评价报告.pdf"

    # The office sends it back once, then rates it; the rating joins the agency's record.
    back = post(office, f"{url}/return", {"note": "请补充满意度调查样本说明"})
    assert back.status_code == 200 and back.json()["status"] == "working" and back.json()["returns"] == 1
    resubmitted = member.post(f"{url}/submit", {"conclusion": CONCLUSION + "已补充样本说明。"})
    assert resubmitted.status_code == 200, resubmitted.content
    rated = post(office, f"{url}/rate", {"quality": "88.5", "note": "报告规范"})
    assert rated.status_code == 200, rated.content
    assert rated.json()["status"] == "rated" and rated.json()["quality"] == "88.50"
    [record] = [a for a in office.get(f"{API}/agencies").json() if a["id"] == firm["id"]]
    assert record["record"] == {"assigned": 1, "rated": 1, "quality": "88.50", "late": 0}

    outline = member.get(f"{url}/outline")
    assert outline.status_code == 200
    sections = outline.json()
    assert sections[0]["heading"] == "一、基本情况"
    assert any("97.5" in p for s in sections for p in s["paragraphs"])
    assert sections[-1]["table"][0][:3] == ["一级指标", "二级指标", "三级指标"]

    assert AuditEntry.objects.filter(action="keyeval.evaluation.rated").count() == 1


# --- who reaches what ------------------------------------------------------------------------------


def test_another_agencys_member_does_not_reach_it(world: World, working: Evaluation) -> None:  # noqa: F811  (the fixtures imported above)
    stranger = UserFactory(username="agency2", role="agency", region=world.region, organization="另一事务所")
    make_agency(world, name="湖南天衡资产评估有限公司", members=())
    with scopes_disabled():
        Agency.objects.get(name="湖南天衡资产评估有限公司").members.add(stranger)
    client = login(stranger)
    url = f"{API}/evaluations/{working.pk}"
    assert client.get(f"{API}/evaluations").json() == {"items": [], "count": 0}
    for method, path, body in (
        ("get", "", None),
        ("get", "/outline", None),
        ("post", "/declare", {"conflict": False}),
        ("put", "/items", []),
    ):
        answer = send(client, method, f"{url}{path}", body)
        assert answer.status_code == 404, (path, answer.content)
    refused = client.post(f"{url}/submit", {"conclusion": CONCLUSION, "report": report()})
    assert refused.status_code == 404
    with scopes_disabled():
        assert not Declaration.objects.filter(user=stranger).exists()


def test_undeclared_member_gets_403_without_project_data(world: World, assigned: Evaluation) -> None:  # noqa: F811  (the fixtures imported above)
    member = login(world.actors["agency"])
    url = f"{API}/evaluations/{assigned.pk}"
    for answer in (
        member.get(url),
        member.get(f"{url}/outline"),
        put(member, f"{url}/items", []),
        member.post(f"{url}/submit", {"conclusion": CONCLUSION, "report": report()}),
    ):
        assert answer.status_code == 403, answer.content
        assert answer.json() == {"detail": NOT_DECLARED}
        sealed(answer.json(), world)
    assert fresh(assigned).status == Status.ASSIGNED


def test_a_conflict_keeps_the_member_out(world: World, assigned: Evaluation) -> None:  # noqa: F811  (the fixtures imported above)
    member = login(world.actors["agency"])
    url = f"{API}/evaluations/{assigned.pk}"
    unexplained = post(member, f"{url}/declare", {"conflict": True})
    assert unexplained.status_code == 400 and unexplained.json()["detail"] == "请填写利害关系说明"
    recused = post(member, f"{url}/declare", {"conflict": True, "statement": "本所近三年为该单位提供过审计服务"})
    assert recused.status_code == 201 and recused.json()["conflict"] is True
    assert member.get(url).status_code == 404
    assert member.get(f"{url}/outline").status_code == 404
    assert post(member, f"{url}/declare", {"conflict": False}).status_code == 404
    [row] = member.get(f"{API}/evaluations").json()["items"]
    assert row["declaration"] == "recused" and row["project_name"] is None
    assert fresh(assigned).status == Status.ASSIGNED
    # The office sees the conflict and why; the unit sees only clean declarations.
    statements = [d["statement"] for d in login(world.actors["office"]).get(url).json()["declarations"]]
    assert statements == ["本所近三年为该单位提供过审计服务"]
    assert login(world.actors["unit_a_editor"]).get(url).json()["declarations"] == []


def test_units_see_their_own_without_the_fee(world: World, client_for: Any, working: Evaluation) -> None:  # noqa: F811  (the fixtures imported above)
    url = f"{API}/evaluations/{working.pk}"
    for who in ("unit_a_editor", "unit_a_leader"):
        answer = client_for(who).get(url)
        assert answer.status_code == 200
        assert "fee" not in answer.json() and answer.json()["actions"] == []
        assert [e["id"] for e in client_for(who).get(f"{API}/evaluations").json()["items"]] == [working.pk]
    for who in ("office", "section", "auditor"):
        assert client_for(who).get(url).json()["fee"] == "58000.00"
    unit_b = client_for("unit_b_editor")
    assert unit_b.get(url).status_code == 404
    assert unit_b.get(f"{url}/outline").status_code == 404
    assert unit_b.get(f"{API}/evaluations").json()["count"] == 0
    other_office = login(UserFactory(username="other_office", role="office", region=world.other_region))
    assert other_office.get(url).status_code == 404


@pytest.mark.parametrize("who", ["unit_a_editor", "unit_a_leader", "unit_b_editor", "agency", "sysadmin"])
def test_units_and_agencies_may_not_manage(world: World, client_for: Any, selected: Evaluation, who: str) -> None:  # noqa: F811  (the fixtures imported above)
    client = client_for(who)
    url = f"{API}/evaluations/{selected.pk}"
    with scopes_disabled():
        firm = make_agency(world, name="湖南天衡资产评估有限公司", members=())
    attempts = [
        client.get(f"{API}/candidates"),
        post(client, f"{API}/evaluations", {"project_ids": [world.project_a.pk]}),
        post(client, f"{url}/assign", {"agency_id": firm.pk, "deadline": DEADLINE.isoformat()}),
        post(client, f"{url}/cancel", {"reason": "不再评价"}),
        post(client, f"{url}/return", {"note": "退回"}),
        post(client, f"{url}/rate", {"quality": "90"}),
        post(client, f"{API}/agencies", {"name": "某机构", "contact": "张三", "phone": "123"}),
        put(client, f"{API}/agencies/{firm.pk}", {"name": "某机构", "contact": "张三", "phone": "123"}),
        client.get(f"{API}/agencies"),
    ]
    if who != "agency":
        attempts.append(put(client, f"{url}/items", []))
        attempts.append(post(client, f"{url}/declare", {"conflict": False}))
    for answer in attempts:
        assert answer.status_code == 403, answer.content
        assert answer.json() == {"detail": "您没有执行此操作的权限"}
    assert fresh(selected).status == Status.SELECTED


def test_the_section_reads_but_does_not_manage(world: World, client_for: Any, assigned: Evaluation) -> None:  # noqa: F811  (the fixtures imported above)
    section = client_for("section")
    assert section.get(f"{API}/agencies").status_code == 200
    assert post(section, f"{API}/evaluations/{assigned.pk}/cancel", {"reason": "x"}).status_code == 403


def test_the_office_shapes_items_before_the_work_not_the_agency_after(
    world: World,
    client_for: Any,
    assigned: Evaluation,  # noqa: F811  (the fixtures imported above)
) -> None:
    office = client_for("office")
    url = f"{API}/evaluations/{assigned.pk}"
    rows = full_marks(office.get(url).json())
    for row in rows:
        row["score"] = None
    rows[0]["weight"] = str(Decimal(rows[0]["weight"]) + 5)
    saved = put(office, f"{url}/items", rows)
    assert saved.status_code == 200, saved.content
    assert [c["code"] for c in saved.json()["checks"]] == ["weights.total"]
    assert saved.json()["total"] is None
    detail = office.get(url).json()
    assert [c["code"] for c in detail["checks"]] == ["weights.total"]
    # Once the agency works on it, the office may no longer change it.
    services.declare(actor=world.actors["agency"], evaluation=assigned, conflict=False)
    late = put(office, f"{url}/items", rows)
    assert late.status_code == 400 and "不能修改指标体系" in late.json()["detail"]


# --- refused input -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"weight": "NaN"}, "分值应为有限的数字"),
        ({"weight": True}, "分值应为数字"),
        ({"score": "九十"}, "得分应为数字"),
        ({"level3": "指" * 201}, "不超过 200 字"),
    ],
)
def test_bad_items_are_422_in_chinese(
    world: World,
    working: Evaluation,  # noqa: F811  (the fixtures imported above)
    change: dict[str, Any],
    message: str,
) -> None:
    member = login(world.actors["agency"])
    url = f"{API}/evaluations/{working.pk}"
    rows = full_marks(member.get(url).json())
    rows[0].update(change)
    before = AuditEntry.objects.count()
    answer = put(member, f"{url}/items", rows)
    assert answer.status_code == 422, answer.content
    assert message in json.dumps(answer.json(), ensure_ascii=False)
    assert AuditEntry.objects.count() == before


def test_refusals_of_the_services_are_400_in_chinese(world: World, working: Evaluation) -> None:  # noqa: F811  (the fixtures imported above)
    member = login(world.actors["agency"])
    office = login(world.actors["office"])
    url = f"{API}/evaluations/{working.pk}"
    rows = full_marks(member.get(url).json())
    rows[0]["score"] = str(Decimal(rows[0]["weight"]) + 1)
    over = put(member, f"{url}/items", rows)
    assert over.status_code == 400 and "应在 0 到" in over.json()["detail"]
    empty = put(member, f"{url}/items", [])
    assert empty.status_code == 400 and empty.json()["detail"] == "指标体系至少应有一项指标"
    no_report = member.post(f"{url}/submit", {"conclusion": CONCLUSION})
    assert no_report.status_code == 400 and "请上传评价报告" in no_report.json()["detail"]
    wrong_type = member.post(f"{url}/submit", {"conclusion": CONCLUSION, "report": report("报告.xlsx")})
    assert wrong_type.status_code == 400 and "评价报告应为" in wrong_type.json()["detail"]
    no_conclusion = member.post(f"{url}/submit", {"report": report()})
    assert no_conclusion.status_code == 422
    not_yet = post(office, f"{url}/rate", {"quality": "90"})
    assert not_yet.status_code == 400 and "不能评定" in not_yet.json()["detail"]
    bad_fee = post(office, f"{url}/assign", {"agency_id": 1, "deadline": DEADLINE.isoformat(), "fee": "-1"})
    assert bad_fee.status_code == 422 and "金额应为" in json.dumps(bad_fee.json(), ensure_ascii=False)
    bad_day = post(office, f"{url}/cancel", {})
    assert bad_day.status_code == 422
    assert fresh(working).status == Status.WORKING


def test_rate_bounds(world: World, working: Evaluation) -> None:  # noqa: F811  (the fixtures imported above)
    member = login(world.actors["agency"])
    office = login(world.actors["office"])
    url = f"{API}/evaluations/{working.pk}"
    put(member, f"{url}/items", full_marks(member.get(url).json()))
    assert member.post(f"{url}/submit", {"conclusion": CONCLUSION, "report": report()}).status_code == 200
    too_high = post(office, f"{url}/rate", {"quality": "100.5"})
    assert too_high.status_code == 400 and "报告质量评分应为 0 到 100" in too_high.json()["detail"]
    not_a_number = post(office, f"{url}/rate", {"quality": "Infinity"})
    assert not_a_number.status_code == 422
    assert "报告质量评分应为有限的数字" in json.dumps(not_a_number.json(), ensure_ascii=False)
    assert fresh(working).status == Status.SUBMITTED


def test_cancel_and_list_filters(world: World, client_for: Any, assigned: Evaluation) -> None:  # noqa: F811  (the fixtures imported above)
    office = client_for("office")
    url = f"{API}/evaluations/{assigned.pk}"
    no_reason = post(office, f"{url}/cancel", {"reason": "  "})
    assert no_reason.status_code == 400 and no_reason.json()["detail"] == "请填写取消理由"
    cancelled = post(office, f"{url}/cancel", {"reason": "项目已终止"})
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert office.get(f"{API}/evaluations", {"status": "cancelled"}).json()["count"] == 1
    assert office.get(f"{API}/evaluations", {"status": "working"}).json()["count"] == 0
    assert office.get(f"{API}/evaluations", {"year": 2025}).json()["count"] == 0
    assert office.get(f"{API}/evaluations", {"agency_id": assigned.agency_id}).json()["count"] == 1
    assert office.get(f"{API}/evaluations", {"year": "99999999999999999999"}).status_code == 422
    assert office.get(f"{API}/evaluations", {"agency_id": "99999999999999999999"}).status_code == 422
    unknown = office.get(f"{API}/evaluations", {"status": "done"})
    assert unknown.status_code == 400 and "status 应为" in unknown.json()["detail"]
    # A cancelled evaluation is gone from the agency's list.
    assert login(world.actors["agency"]).get(f"{API}/evaluations").json()["count"] == 0


def test_candidates_filters(world: World, client_for: Any) -> None:
    office = client_for("office")
    every = office.get(f"{API}/candidates").json()
    assert {r["project_code"] for r in every} == {"A001", "A002", "B001"}
    assert {r["unit_code"] for r in every} >= {"105", "110"}
    huge = office.get(f"{API}/candidates", {"min_amount_wan": "100000000"}).json()
    assert huge == []
    by_category = office.get(f"{API}/candidates", {"category": "C10"}).json()
    assert len(by_category) == 3
    unknown = office.get(f"{API}/candidates", {"category": "X99"})
    assert unknown.status_code == 400 and "X99" in unknown.json()["detail"]
    bad = office.get(f"{API}/candidates", {"min_amount_wan": "-5"})
    assert bad.status_code == 422 and "金额应为不小于 0 的数字" in json.dumps(bad.json(), ensure_ascii=False)
    no_year = office.get(f"{API}/candidates", {"year": 2019})
    assert no_year.status_code == 400 and no_year.json()["detail"] == "本地区没有 2019 预算年度"


def test_select_refuses_a_project_out_of_reach(world: World, client_for: Any) -> None:
    office = client_for("office")
    answer = post(office, f"{API}/evaluations", {"project_ids": [world.other_region_project.pk]})
    assert answer.status_code == 404
    assert post(office, f"{API}/evaluations", {"project_ids": [0]}).status_code == 422
    assert post(office, f"{API}/evaluations", {"project_ids": []}).status_code == 400
    with scopes_disabled():
        assert not Evaluation.objects.exists()


def test_openapi_lists_the_operations(world: World, client_for: Any) -> None:
    paths = client_for("office").get("/api/v1/openapi.json").json()["paths"]
    for path in (
        "/api/v1/keyeval/agencies",
        "/api/v1/keyeval/agencies/{agency_id}",
        "/api/v1/keyeval/candidates",
        "/api/v1/keyeval/evaluations",
        "/api/v1/keyeval/evaluations/{evaluation_id}",
        "/api/v1/keyeval/evaluations/{evaluation_id}/outline",
        "/api/v1/keyeval/evaluations/{evaluation_id}/items",
        "/api/v1/keyeval/evaluations/{evaluation_id}/submit",
    ):
        assert path in paths, path
    items = paths["/api/v1/keyeval/evaluations/{evaluation_id}/items"]["put"]["requestBody"]
    assert items["content"]["application/json"]["schema"]["type"] == "array"
    submit = paths["/api/v1/keyeval/evaluations/{evaluation_id}/submit"]["post"]["requestBody"]
    assert "multipart/form-data" in submit["content"]


def test_agency_registry_edits(world: World, client_for: Any, agency: Agency) -> None:  # noqa: F811  (the fixtures imported above)
    office = client_for("office")
    url = f"{API}/agencies/{agency.pk}"
    changed = put(office, url, {"name": agency.name, "contact": "钱芳", "phone": "0731-1", "active": False})
    assert changed.status_code == 200, changed.content
    assert changed.json()["active"] is False and changed.json()["members"] == []
    not_an_agency = put(
        office, url, {"name": agency.name, "contact": "钱芳", "phone": "1", "member_ids": [world.actors["office"].pk]}
    )
    assert not_an_agency.status_code == 400 and "第三方机构评价人员账户" in not_an_agency.json()["detail"]
    clash = post(office, f"{API}/agencies", {"name": agency.name, "contact": "钱芳", "phone": "1"})
    assert clash.status_code == 400 and "已登记" in clash.json()["detail"]
    other_office = login(UserFactory(username="other_office", role="office", region=world.other_region))
    assert put(other_office, url, {"name": "x", "contact": "x", "phone": "1"}).status_code == 404
    assert other_office.get(f"{API}/agencies").json() == []
