"""The rectification API: raising an item from a self-evaluation, a monitoring decision or for a
unit, the unit's answer, finance's return and confirmation; what every actor reaches; bad input
refused without changing anything or leaving an audit entry."""

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_scopes import scopes_disabled

from jixiao.audit.models import AuditEntry
from jixiao.evaluation.models import Round
from jixiao.monitoring.models import Decision
from jixiao.monitoring.services import decision_make
from jixiao.rectification import services
from jixiao.rectification.models import Item, Source
from tests.conftest import World
from tests.evaluation.conftest import form_of
from tests.factories import UserFactory
from tests.monitoring.conftest import approve_sheet, open_round, pay, report_of
from tests.rectification.conftest import raise_on

pytestmark = pytest.mark.django_db

API = "/api/v1/rectification"
PROBLEM = "满意度调查问卷仅回收 18 份，样本不足。"
REQUIREMENT = "重新开展满意度调查，更正自评表。"


def post(client: Client, url: str, body: Any = None) -> Any:
    return client.post(url, {} if body is None else body, content_type="application/json")


def day(days: int) -> str:
    return (timezone.localdate() + dt.timedelta(days=days)).isoformat()


def raise_body(**fields: Any) -> dict[str, Any]:
    return {"problem": PROBLEM, "requirement": REQUIREMENT, "due": day(30), **fields}


def logged() -> list[str]:
    return sorted(AuditEntry.objects.filter(action__startswith="rectification.").values_list("action", flat=True))


def login(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def section_b(world: World) -> Client:
    """The reviewer of the other finance section, over unit B only."""
    return login(UserFactory(username="section_b", role="section", region=world.region, section=world.other_section))


def other_office(world: World) -> Client:
    """The performance office of the other region."""
    return login(UserFactory(username="other_office", role="office", region=world.other_region))


def direct(world: World, unit: Any, days: int, **extra: Any) -> Item:
    return services.item_raise(
        actor=world.actors["office"],
        unit=unit,
        problem=extra.pop("problem", "审计发现项目资金结余未按规定收回。"),
        requirement="收回结余资金并报送收回凭证。",
        due=timezone.localdate() + dt.timedelta(days=days),
        **extra,
    )


def a_decision(world: World) -> Decision:
    """Finance's decision on unit A's lagging project in a key monitoring round."""
    approve_sheet(world)
    pay(world, world.project_a, {3: "50000", 6: "150000"})
    round_ = open_round(world, kind="key", scope="list", project_ids=[world.project_a.pk])
    return decision_make(
        actor=world.actors["office"],
        report=report_of(round_),
        kind="correct",
        reason="执行进度严重滞后，限期纠偏",
        working_days=10,
    )


ANSWER = {"action": "answer", "label": "反馈整改情况", "needs_reason": True}
CLOSE = {"action": "close", "label": "确认整改完成", "needs_reason": False}
RETURN = {"action": "return", "label": "退回继续整改", "needs_reason": True}


def test_the_whole_path_through_the_api(world: World, round_: Round, client_for: Any) -> None:
    office, section, editor, leader = (client_for(a) for a in ("office", "section", "unit_a_editor", "unit_a_leader"))
    form = form_of(round_)

    raised = post(office, f"{API}/items", raise_body(selfeval_id=form.pk, due=day(30)))
    assert raised.status_code == 201, raised.content
    item = raised.json()
    assert (item["source"], item["source_label"], item["unit_code"], item["project_code"]) == (
        "selfeval",
        "绩效自评审核与复核",
        "105",
        "A001",
    )
    assert item["selfeval"] == {"id": form.pk, "round_id": round_.pk, "round_title": round_.title}
    assert (item["selfeval_id"], item["decision_id"], item["decision"]) == (form.pk, None, None)
    assert (item["problem"], item["requirement"], item["due"], item["status"], item["status_label"]) == (
        PROBLEM,
        REQUIREMENT,
        day(30),
        "open",
        "待整改",
    )
    assert (item["overdue"], item["late"], item["rounds"], item["response"], item["review_note"]) == (
        False,
        False,
        0,
        "",
        "",
    )
    assert item["created_by"] == str(world.actors["office"]) and item["evidence"] == []
    assert item["actions"] == []
    url = f"{API}/items/{item['id']}"
    assert editor.get(url).json()["actions"] == [ANSWER]
    assert leader.get(url).json()["actions"] == []

    # Evidence is uploaded on the pages; the API names it.
    with scopes_disabled():
        stored = Item.objects.get(pk=item["id"])
    upload = SimpleUploadedFile("问卷汇总.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    services.evidence_add(actor=world.actors["unit_a_editor"], item=stored, upload=upload)
    [evidence] = editor.get(url).json()["evidence"]
    assert (evidence["name"], evidence["size"], evidence["uploaded_by"]) == (
        "问卷汇总.pdf",
        13,
        str(world.actors["unit_a_editor"]),
    )

    answered = post(editor, f"{url}/answer", {"text": "已重新发放问卷 126 份，满意度 91.3%，已更正自评表。"})
    assert answered.status_code == 200, answered.content
    body = answered.json()
    assert (body["status"], body["response"], body["responded_by"], body["late"], body["actions"]) == (
        "answered",
        "已重新发放问卷 126 份，满意度 91.3%，已更正自评表。",
        str(world.actors["unit_a_editor"]),
        False,
        [],
    )
    assert body["responded_at"] is not None
    assert office.get(url).json()["actions"] == section.get(url).json()["actions"] == [CLOSE, RETURN]

    returned = post(section, f"{url}/return", {"note": "请附问卷汇总表", "due": day(10)})
    assert returned.status_code == 200, returned.content
    body = returned.json()
    assert (body["status"], body["rounds"], body["due"], body["review_note"]) == ("open", 1, day(10), "请附问卷汇总表")
    assert editor.get(url).json()["actions"] == [ANSWER]

    again = post(editor, f"{url}/answer", {"text": "已上传问卷汇总表。"})
    assert again.status_code == 200 and again.json()["status"] == "answered", again.content
    closed = post(office, f"{url}/close", {"note": "整改到位"})
    assert closed.status_code == 200, closed.content
    body = closed.json()
    assert (body["status"], body["status_label"], body["review_note"], body["closed_by"]) == (
        "closed",
        "已整改",
        "整改到位",
        str(world.actors["office"]),
    )
    assert body["closed_at"] is not None and body["response"] == "已上传问卷汇总表。"
    assert editor.get(url).json()["actions"] == office.get(url).json()["actions"] == []
    assert logged() == sorted(
        [
            "rectification.item.raised",
            "rectification.evidence.added",
            "rectification.item.answered",
            "rectification.item.returned",
            "rectification.item.answered",
            "rectification.item.closed",
        ]
    )

    late = post(office, f"{url}/close", {"note": "再次确认"})
    assert late.status_code == 400 and late.json()["detail"] == "单位反馈整改情况后才能确认"
    assert client_for("auditor").get(url).json()["status"] == "closed"


def test_close_and_return_keep_the_due_date_unless_given(world: World, item: Item, client_for: Any) -> None:
    url = f"{API}/items/{item.pk}"
    post(client_for("unit_a_editor"), f"{url}/answer", {"text": "已整改"})
    returned = post(client_for("office"), f"{url}/return", {"note": "佐证不足"}).json()
    assert (returned["due"], returned["rounds"]) == (item.due.isoformat(), 1)
    post(client_for("unit_a_editor"), f"{url}/answer", {"text": "已补充佐证"})
    # The note is optional, and so is the body.
    closed = client_for("office").post(f"{url}/close", content_type="application/json")
    assert closed.status_code == 200, closed.content
    assert (closed.json()["status"], closed.json()["review_note"]) == ("closed", "")


def test_raise_from_a_monitoring_decision(world: World, client_for: Any) -> None:
    decision = a_decision(world)
    raised = post(client_for("section"), f"{API}/items", raise_body(decision_id=decision.pk))
    assert raised.status_code == 201, raised.content
    item = raised.json()
    assert (item["source"], item["source_label"], item["unit_code"], item["project_code"], item["selfeval"]) == (
        "monitoring",
        "运行监控处理决定",
        "105",
        "A001",
        None,
    )
    assert item["decision"] == {
        "id": decision.pk,
        "report_id": decision.report_id,
        "round_title": "2026 年 1–8 月绩效运行监控",
        "kind": "correct",
        "kind_label": "纠偏",
        "due": decision.due.isoformat(),
    }
    assert item["created_by"] == str(world.actors["section"])
    for client in (section_b(world), other_office(world)):
        refused = post(client, f"{API}/items", raise_body(decision_id=decision.pk))
        assert refused.status_code == 404, refused.content
    assert post(client_for("office"), f"{API}/items", raise_body(decision_id=999999)).status_code == 404
    with scopes_disabled():
        assert Item.objects.count() == 1
    assert logged() == ["rectification.item.raised"]


def test_raise_for_a_unit_directly(world: World, client_for: Any) -> None:
    office = client_for("office")
    with_project = post(
        office,
        f"{API}/items",
        raise_body(unit_id=world.unit_a.pk, project_id=world.project_a.pk, source="evaluation"),
    )
    assert with_project.status_code == 201, with_project.content
    item = with_project.json()
    assert (item["source"], item["source_label"], item["unit_id"], item["project_id"], item["project_name"]) == (
        "evaluation",
        "财政重点评价",
        world.unit_a.pk,
        world.project_a.pk,
        "义务教育学校公用经费保障",
    )
    assert (item["selfeval"], item["decision"]) == (None, None)
    bare = post(office, f"{API}/items", raise_body(unit_id=world.unit_b.pk))
    assert bare.status_code == 201, bare.content
    assert (
        bare.json()["source"],
        bare.json()["unit_name"],
        bare.json()["project_id"],
        bare.json()["project_code"],
    ) == (
        "other",
        "株洲市渌口区公安局",
        None,
        "",
    )
    assert logged() == ["rectification.item.raised"] * 2


@pytest.mark.parametrize(
    ("actor", "body", "status"),
    [
        ("section_b", lambda w, f: {"selfeval_id": f.pk}, 404),
        ("section_b", lambda w, f: {"unit_id": w.unit_a.pk}, 404),
        ("section", lambda w, f: {"unit_id": w.unit_b.pk}, 404),
        ("section", lambda w, f: {"unit_id": w.unit_a.pk, "project_id": w.project_b.pk}, 404),
        ("office", lambda w, f: {"unit_id": w.other_region_unit.pk}, 404),
        ("office", lambda w, f: {"unit_id": w.unit_a.pk, "project_id": w.other_region_project.pk}, 404),
        ("office", lambda w, f: {"selfeval_id": 999999}, 404),
        ("office", lambda w, f: {"unit_id": 999999}, 404),
        ("other_office", lambda w, f: {"selfeval_id": f.pk}, 404),
        ("other_office", lambda w, f: {"unit_id": w.unit_a.pk}, 404),
        ("unit_a_editor", lambda w, f: {"selfeval_id": f.pk}, 403),
        ("unit_a_leader", lambda w, f: {"unit_id": w.unit_a.pk}, 403),
        ("unit_b_editor", lambda w, f: {"unit_id": w.unit_b.pk}, 403),
        ("auditor", lambda w, f: {"selfeval_id": f.pk}, 403),
        ("agency", lambda w, f: {"selfeval_id": f.pk}, 403),
        ("sysadmin", lambda w, f: {"unit_id": w.unit_a.pk}, 403),
        ("anonymous", lambda w, f: {"selfeval_id": f.pk}, 401),
    ],
)
def test_raise_looks_up_ids_within_reach(
    world: World, round_: Round, client_for: Any, actor: str, body: Callable[..., Any], status: int
) -> None:
    clients = {"section_b": section_b, "other_office": other_office}
    client = clients[actor](world) if actor in clients else client_for(actor)
    response = post(client, f"{API}/items", raise_body(**body(world, form_of(round_))))
    assert response.status_code == status, response.content
    if status == 403:
        assert response.json()["detail"] == "您没有执行此操作的权限"
    with scopes_disabled():
        assert not Item.objects.exists()
    assert logged() == []


@pytest.mark.parametrize(
    ("actor", "method", "url", "body", "status"),
    [
        ("unit_b_editor", "get", "items/{a}", None, 404),
        ("unit_b_editor", "post", "items/{a}/answer", {"text": "已整改"}, 404),
        ("section_b", "get", "items/{a}", None, 404),
        ("section_b", "post", "items/{a}/close", {"note": "好"}, 404),
        ("section_b", "post", "items/{a}/return", {"note": "不好"}, 404),
        ("other_office", "get", "items/{a}", None, 404),
        ("other_office", "post", "items/{a}/return", {"note": "不好"}, 404),
        ("office", "post", "items/{a}/answer", {"text": "已整改"}, 403),
        ("section", "post", "items/{a}/answer", {"text": "已整改"}, 403),
        ("unit_a_leader", "post", "items/{a}/answer", {"text": "已整改"}, 403),
        ("unit_a_editor", "post", "items/{a}/close", {"note": "好"}, 403),
        ("unit_a_editor", "post", "items/{a}/return", {"note": "不好"}, 403),
        ("auditor", "post", "items/{a}/answer", {"text": "已整改"}, 403),
        ("auditor", "post", "items/{a}/close", {"note": "好"}, 403),
        ("agency", "get", "items", None, 403),
        ("agency", "get", "items/{a}", None, 403),
        ("agency", "get", "counts", None, 403),
        ("sysadmin", "get", "items/{a}", None, 403),
        ("sysadmin", "get", "counts", None, 403),
        ("anonymous", "get", "items", None, 401),
        ("anonymous", "get", "counts", None, 401),
        ("anonymous", "post", "items/{a}/answer", {"text": "已整改"}, 401),
    ],
)
def test_reach_and_roles(
    world: World, item: Item, client_for: Any, actor: str, method: str, url: str, body: Any, status: int
) -> None:
    clients = {"section_b": section_b, "other_office": other_office}
    client = clients[actor](world) if actor in clients else client_for(actor)
    path = f"{API}/{url.format(a=item.pk)}"
    response = client.get(path) if method == "get" else post(client, path, body)
    assert response.status_code == status, response.content
    if status == 403:
        assert response.json()["detail"] == "您没有执行此操作的权限"
    with scopes_disabled():
        assert list(Item.objects.values_list("status", "response", "review_note", "rounds")) == [("open", "", "", 0)]
    assert logged() == ["rectification.item.raised"]


def test_lists_hold_exactly_what_the_caller_may_see(world: World, round_: Round, client_for: Any) -> None:
    a = raise_on(world, round_, days=30)
    b = direct(world, world.unit_b, 10, problem="视频监控运维合同未按约定验收。")
    a2 = direct(world, world.unit_a, 20, source=Source.EVALUATION)
    services.item_answer(actor=world.actors["unit_a_editor"], item=a2, text="已整改")

    def ids(actor: str, **query: Any) -> list[int]:
        response = client_for(actor).get(f"{API}/items", query)
        assert response.status_code == 200, (actor, response.content)
        assert response.json()["count"] == len(response.json()["items"])
        return [i["id"] for i in response.json()["items"]]

    # Open first, then waiting for finance, then closed; each by due date.
    assert ids("office") == ids("auditor") == [b.pk, a.pk, a2.pk]
    assert ids("section") == [a.pk, a2.pk]
    assert ids("unit_a_editor") == ids("unit_a_leader") == [a.pk, a2.pk]
    assert ids("unit_b_editor") == [b.pk]
    assert ids("office", state="open") == [b.pk, a.pk]
    assert ids("office", state="answered") == [a2.pk]
    assert ids("office", state="closed") == ids("office", state="overdue") == []
    assert ids("office", source="selfeval") == [a.pk]
    assert ids("office", source="evaluation") == [a2.pk]
    assert ids("office", source="other") == [b.pk]
    assert ids("office", unit_id=world.unit_b.pk) == [b.pk]
    assert ids("office", q="公安局") == ids("office", q="验收") == [b.pk]
    assert ids("office", q="满意度") == [a.pk]
    assert ids("section", unit_id=world.unit_b.pk) == ids("section", q="公安局") == []
    assert ids("unit_b_editor", unit_id=world.unit_a.pk) == ids("unit_b_editor", q="满意度") == []

    listed = client_for("unit_b_editor").get(f"{API}/items").json()["items"][0]
    assert listed | {"created_at": None} == {
        "id": b.pk,
        "unit_id": world.unit_b.pk,
        "unit_code": "110",
        "unit_name": "株洲市渌口区公安局",
        "project_id": None,
        "project_code": "",
        "project_name": "",
        "source": "other",
        "source_label": "其他检查",
        "selfeval_id": None,
        "decision_id": None,
        "problem": "视频监控运维合同未按约定验收。",
        "requirement": "收回结余资金并报送收回凭证。",
        "due": day(10),
        "status": "open",
        "status_label": "待整改",
        "overdue": False,
        "late": False,
        "rounds": 0,
        "created_by": str(world.actors["office"]),
        "created_at": None,
        "responded_at": None,
        "closed_at": None,
    }

    paged = client_for("office").get(f"{API}/items", {"page_size": 1, "page": 2}).json()
    assert paged["count"] == 3 and [i["id"] for i in paged["items"]] == [a.pk]

    # The list reads a page in the same number of queries however many items there are.
    office = client_for("office")
    with CaptureQueriesContext(connection) as few:
        assert office.get(f"{API}/items").status_code == 200
    for days in (5, 6, 7):
        direct(world, world.unit_b, days)
    with CaptureQueriesContext(connection) as more:
        assert office.get(f"{API}/items").json()["count"] == 6
    assert len(more) == len(few)


def test_overdue_items_and_counts(world: World, round_: Round, client_for: Any) -> None:
    raise_on(world, round_, days=30)
    late = raise_on(world, round_, days=1)
    with scopes_disabled():
        Item.objects.filter(pk=late.pk).update(due=timezone.localdate() - dt.timedelta(days=1))

    office = client_for("office")
    assert [i["id"] for i in office.get(f"{API}/items", {"state": "overdue"}).json()["items"]] == [late.pk]
    detail = office.get(f"{API}/items/{late.pk}").json()
    assert (detail["overdue"], detail["late"]) == (True, False)
    zero = {"open": 0, "overdue": 0, "answered": 0, "closed": 0}
    assert office.get(f"{API}/counts").json() == zero | {"open": 2, "overdue": 1}
    assert client_for("section").get(f"{API}/counts").json() == zero | {"open": 2, "overdue": 1}
    assert client_for("unit_b_editor").get(f"{API}/counts").json() == zero

    answered = post(client_for("unit_a_editor"), f"{API}/items/{late.pk}/answer", {"text": "已整改"}).json()
    assert (answered["overdue"], answered["late"]) == (False, True)
    assert client_for("unit_a_leader").get(f"{API}/counts").json() == zero | {"open": 1, "answered": 1}
    assert office.get(f"{API}/items", {"state": "overdue"}).json() == {"items": [], "count": 0}


def _raise(**fields: Any) -> Callable[[World, Any], dict[str, Any]]:
    """A raise body; ``"<form>"``, ``"<unit_a>"`` and the like stand for the world's ids, and a
    number of days for a due date that many days from today."""

    def body(world: World, form: Any) -> dict[str, Any]:
        ids = {
            "<form>": form.pk,
            "<unit_a>": world.unit_a.pk,
            "<project_a>": world.project_a.pk,
            "<project_b>": world.project_b.pk,
        }
        values = {k: ids.get(v, v) if isinstance(v, str) else v for k, v in fields.items()}
        if isinstance(values.get("due"), int) and not isinstance(values["due"], bool):
            values["due"] = day(values["due"])
        return {"problem": PROBLEM, "requirement": REQUIREMENT, "due": day(30)} | values

    return body


def _plain(body: Any) -> Callable[[World, Any], Any]:
    return lambda world, form: body


BAD_INPUT: list[tuple[str, str, str, Callable[[World, Any], Any], int, str]] = [
    ("office", "open", "items", _raise(selfeval_id="<form>", unit_id="<unit_a>"), 422, "应填且只填其中一个"),
    ("office", "open", "items", _raise(), 422, "应填且只填其中一个"),
    ("office", "open", "items", _raise(selfeval_id="<form>", source="other"), 422, "只与 unit_id 一起"),
    ("office", "open", "items", _raise(selfeval_id="<form>", project_id="<project_a>"), 422, "只与 unit_id 一起"),
    ("office", "open", "items", _raise(unit_id="<unit_a>", source="selfeval"), 400, "source 应为 evaluation、other"),
    ("office", "open", "items", _raise(unit_id="<unit_a>", source="x" * 21), 422, "不超过 20 字"),
    ("office", "open", "items", _raise(unit_id="<unit_a>", project_id="<project_b>"), 400, "所选项目不属于整改单位"),
    ("office", "open", "items", _raise(selfeval_id="<form>", due=-1), 400, "整改期限应在"),
    ("office", "open", "items", _raise(selfeval_id="<form>", due=400), 400, "整改期限应在"),
    ("office", "open", "items", _raise(selfeval_id="<form>", due="2026/05/01"), 422, "YYYY-MM-DD"),
    ("office", "open", "items", _raise(selfeval_id="<form>", due="9999-99-99"), 422, "YYYY-MM-DD"),
    ("office", "open", "items", _raise(selfeval_id="<form>", due=True), 422, "due"),
    ("office", "open", "items", _raise(selfeval_id="<form>", problem=""), 400, "请填写发现的问题"),
    ("office", "open", "items", _raise(selfeval_id="<form>", requirement="  "), 400, "请填写整改要求"),
    ("office", "open", "items", _raise(selfeval_id="<form>", problem="长" * 2001), 422, "不超过 2000 字"),
    ("office", "open", "items", _raise(selfeval_id="<form>", problem=5), 422, "problem"),
    ("office", "open", "items", _raise(selfeval_id="abc"), 422, "编号应为正整数"),
    ("office", "open", "items", _raise(selfeval_id=1.5), 422, "编号应为正整数"),
    ("office", "open", "items", _raise(selfeval_id=True), 422, "编号应为正整数"),
    ("office", "open", "items", _raise(selfeval_id=10**30), 422, "编号应为 1 到"),
    ("office", "open", "items", _raise(selfeval_id=0), 422, "编号应为 1 到"),
    ("office", "open", "items", _raise(unit_id="<unit_a>", project_id=-5), 422, "编号应为 1 到"),
    ("office", "open", "items", _plain({"selfeval_id": 1, "due": "2026-12-31"}), 422, "problem"),
    ("office", "open", "items", _plain(["selfeval_id"]), 422, "payload"),
    ("unit_a_editor", "open", "items/{a}/answer", _plain({"text": ""}), 400, "请填写整改情况"),
    ("unit_a_editor", "open", "items/{a}/answer", _plain({"text": "长" * 2001}), 422, "不超过 2000 字"),
    ("unit_a_editor", "open", "items/{a}/answer", _plain({}), 422, "text"),
    ("unit_a_editor", "open", "items/{a}/answer", _plain({"text": ["已整改"]}), 422, "text"),
    ("unit_a_editor", "answered", "items/{a}/answer", _plain({"text": "再次反馈"}), 400, "不能再反馈"),
    ("office", "open", "items/{a}/close", _plain({"note": "整改到位"}), 400, "单位反馈整改情况后才能确认"),
    ("office", "answered", "items/{a}/close", _plain({"note": "长" * 2001}), 422, "不超过 2000 字"),
    ("section", "open", "items/{a}/return", _plain({"note": "佐证不足"}), 400, "只能退回单位已反馈的整改事项"),
    ("office", "answered", "items/{a}/return", _plain({"note": " "}), 400, "请填写退回理由"),
    ("office", "answered", "items/{a}/return", _plain({}), 422, "note"),
    ("office", "answered", "items/{a}/return", _plain({"note": "佐证不足", "due": "下月底"}), 422, "YYYY-MM-DD"),
    (
        "office",
        "answered",
        "items/{a}/return",
        _plain({"note": "佐证不足", "due": "2020-01-01"}),
        400,
        "新的整改期限应在",
    ),
    ("office", "answered", "items/{a}/return", _plain({"note": "佐证不足", "due": 10**30}), 422, "due"),
]


@pytest.mark.parametrize(("actor", "state", "url", "body", "status", "message"), BAD_INPUT)
def test_bad_input_changes_nothing(
    world: World,
    item: Item,
    client_for: Any,
    actor: str,
    state: str,
    url: str,
    body: Callable[[World, Any], Any],
    status: int,
    message: str,
) -> None:
    if state == "answered":
        services.item_answer(actor=world.actors["unit_a_editor"], item=item, text="已整改")

    def snapshot() -> Any:
        with scopes_disabled():
            return list(Item.objects.values_list("pk", "status", "due", "response", "review_note", "rounds"))

    before, audit = snapshot(), logged()
    payload = json.dumps(body(world, item.selfeval))
    response = client_for(actor).post(f"{API}/{url.format(a=item.pk)}", payload, content_type="application/json")
    assert response.status_code == status, response.content
    assert message in str(response.json()["detail"])
    assert snapshot() == before and logged() == audit


def test_filters_and_ids_are_checked(world: World, item: Item, client_for: Any) -> None:
    office, editor = client_for("office"), client_for("unit_a_editor")
    for query in ({"state": "late"}, {"source": "audit"}):
        response = office.get(f"{API}/items", query)
        assert response.status_code == 400 and "应为" in response.json()["detail"], query
    huge = "99999999999999999999"
    for query in ({"unit_id": huge}, {"unit_id": "abc"}, {"unit_id": "0"}, {"page": huge}, {"q": "长" * 101}):
        assert office.get(f"{API}/items", query).status_code == 422, query
    for url in (f"{API}/items/{huge}", f"{API}/items/999999"):
        assert office.get(url).status_code == 404, url
        assert post(editor, f"{url}/answer", {"text": "已整改"}).status_code == 404, url
        assert post(office, f"{url}/close", {"note": "好"}).status_code == 404, url
        assert post(office, f"{url}/return", {"note": "不好"}).status_code == 404, url
    unreadable = office.post(f"{API}/items", b"{not json", content_type="application/json")
    assert unreadable.status_code == 400, unreadable.content
    assert office.get(f"{API}/items/abc").status_code == 404
    with scopes_disabled():
        assert list(Item.objects.values_list("pk", "status")) == [(item.pk, "open")]
    assert logged() == ["rectification.item.raised"]
