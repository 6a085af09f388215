"""The results-application API: drafting next year's recommendations, the list and the detail
with its reasons, finance's acceptance and override, the linkage rules; what every actor reaches;
refused input in Chinese, changing nothing."""

import json
from typing import Any

import pytest
from django.test import Client
from django_scopes import scopes_disabled

from jixiao.audit.models import AuditEntry
from jixiao.org.models import FiscalYear
from jixiao.results.models import Recommendation, Status
from tests.conftest import World
from tests.results.conftest import client_in, drafted, next_year, rated_key_evaluation, recommendation_of  # noqa: F401

pytestmark = pytest.mark.django_db

API = "/api/v1/results"


def post(client: Client, url: str, body: Any = None) -> Any:
    return client.post(url, {} if body is None else body, content_type="application/json")


def put(client: Client, url: str, body: Any = None) -> Any:
    return client.put(url, {} if body is None else body, content_type="application/json")


def audits(prefix: str = "results.") -> list[str]:
    return sorted(AuditEntry.objects.filter(action__startswith=prefix).values_list("action", flat=True))


def state(code: str) -> tuple[Any, ...]:
    rec = recommendation_of(code)
    return rec.status, rec.final_action, rec.final_amount, rec.decision_note


def test_draft_accept_override_through_the_api(
    world: World,
    client_in: Any,  # noqa: F811  (the fixtures imported above)
    client_for: Any,
    next_year: FiscalYear,  # noqa: F811
) -> None:
    evaluation = rated_key_evaluation(world, grade="中", total="75.50")
    office = client_in("office")

    made = post(office, f"{API}/draft", {"year": 2027})
    assert made.status_code == 200, made.content
    assert made.json() == {"year": 2027, "created": 3, "updated": 0, "kept": 0}

    # The year defaults to the one after the caller works in when the region has it (a fresh
    # session works in 2026: 2027), else the one it works in (2027 here).
    listed = office.get(f"{API}/recommendations").json()
    assert listed["count"] == 3
    assert client_for("office").get(f"{API}/recommendations").json()["count"] == 3
    assert client_for("office").get(f"{API}/recommendations", {"year": 2026}).json()["count"] == 0
    assert client_for("office").get(f"{API}/recommendations", {"year": 2027}).json()["count"] == 3
    row = next(r for r in listed["items"] if r["code"] == "A001")
    assert (row["action"], row["action_label"], row["grade"], row["cut"], row["amount"]) == (
        "reduce",
        "压减",
        "中",
        "10.00",
        "900000.00",
    )
    assert (row["status"], row["year"], row["unit_code"]) == ("draft", 2027, "105")
    reduced = office.get(f"{API}/recommendations", {"action": "reduce"}).json()
    assert [r["code"] for r in reduced["items"]] == ["A001"]

    url = f"{API}/recommendations/{row['id']}"
    detail = office.get(url).json()
    assert detail["project_year"] == 2026
    [reason] = detail["reasons"]
    assert reason["kind"] == "keyeval" and reason["ref"] == f"keyeval:{evaluation.pk}" and reason["decisive"]
    assert reason["kind_label"] == "财政重点评价" and "75.50分「中」" in reason["text"]
    assert reason["url"] == f"/keyeval/{evaluation.pk}/"
    assert "压减10%" in detail["explanation"]

    accepted = post(office, f"{url}/accept")
    assert accepted.status_code == 200, accepted.content
    assert (accepted.json()["status"], accepted.json()["final_action"], accepted.json()["final_amount"]) == (
        "accepted",
        "reduce",
        "900000.00",
    )
    again = post(office, f"{url}/accept")
    assert again.status_code == 400 and "如需改变请调整并说明理由" in again.json()["detail"]

    changed = post(
        office, f"{url}/override", {"action": "keep", "amount": "950,000.00", "note": "已完成整改，保持原规模"}
    )
    assert changed.status_code == 200, changed.content
    body = changed.json()
    assert (body["status"], body["final_action"], body["final_action_label"], body["final_amount"]) == (
        "overridden",
        "keep",
        "保持",
        "950000.00",
    )
    assert body["decision_note"] == "已完成整改，保持原规模" and body["decided_by"]
    assert office.get(f"{API}/recommendations", {"status": "overridden"}).json()["count"] == 1

    # Drafting again brings the drafts up to date and keeps the decided one.
    redone = post(office, f"{API}/draft", {"year": 2027}).json()
    assert redone == {"year": 2027, "created": 0, "updated": 2, "kept": 1}
    assert audits() == [
        "results.accepted",
        "results.drafted",
        "results.drafted",
        "results.overridden",
    ]


@pytest.mark.parametrize(
    ("body", "status", "words"),
    [
        ({"action": "keep", "amount": "abc", "note": "理由"}, 422, "金额应为"),
        ({"action": "keep", "amount": "-1", "note": "理由"}, 422, "金额应为"),
        ({"action": "keep", "amount": "NaN", "note": "理由"}, 422, "金额应为"),
        ({"action": "keep", "amount": True, "note": "理由"}, 422, "金额应为"),
        ({"action": "keep", "amount": "1.234", "note": "理由"}, 422, "金额应为"),
        ({"action": "keep", "amount": "200000000.00", "note": "理由"}, 400, "安排数应在 0 至 10,000.00 万元之间"),
        ({"action": "keep", "amount": "900000", "note": "  "}, 400, "请说明调整理由"),
        ({"action": "bogus", "amount": "900000", "note": "理由"}, 400, "财政意见应为"),
        ({"action": "keep", "note": "理由"}, 422, "missing"),
    ],
)
def test_a_bad_override_is_refused_in_chinese(
    world: World,
    client_for: Any,
    drafted: Any,  # noqa: F811  (the fixtures imported above)
    body: dict[str, Any],
    status: int,
    words: str,
) -> None:
    rec = recommendation_of("A001")
    before = state("A001")
    answer = post(client_for("office"), f"{API}/recommendations/{rec.pk}/override", body)
    assert answer.status_code == status, answer.content
    assert words in json.dumps(answer.json(), ensure_ascii=False)
    assert state("A001") == before
    assert "results.overridden" not in audits()


def test_reach(world: World, client_in: Any, drafted: Any) -> None:  # noqa: F811  (the fixtures imported above)
    a, b = recommendation_of("A001"), recommendation_of("B001")

    def codes(who: str) -> list[str]:
        return [r["code"] for r in client_in(who).get(f"{API}/recommendations").json()["items"]]

    assert codes("office") == codes("auditor") == ["A001", "A002", "B001"]
    assert codes("section") == ["A001", "A002"]
    assert codes("unit_a_leader") == ["A001", "A002"]
    assert codes("unit_a_editor") == ["A001"]
    assert codes("unit_b_editor") == ["B001"]

    unit_b = client_in("unit_b_editor")
    assert unit_b.get(f"{API}/recommendations/{a.pk}").status_code == 404
    assert unit_b.get(f"{API}/recommendations/{b.pk}").status_code == 200
    # Units read but do not decide: 403 before anything is looked up.
    for who in ("unit_a_editor", "unit_a_leader", "unit_b_editor", "auditor"):
        client = client_in(who)
        for answer in (
            post(client, f"{API}/recommendations/{a.pk}/accept"),
            post(client, f"{API}/recommendations/{a.pk}/override", {"action": "keep", "amount": "1", "note": "x"}),
            post(client, f"{API}/draft", {"year": 2027}),
            put(client, f"{API}/rules", {"data": {}}),
        ):
            assert answer.status_code == 403, (who, answer.content)
            assert answer.json() == {"detail": "您没有执行此操作的权限"}
    # The section decides for its own units only.
    section = client_in("section")
    assert post(section, f"{API}/recommendations/{b.pk}/accept").status_code == 404
    assert post(section, f"{API}/recommendations/{a.pk}/accept").status_code == 200
    assert post(section, f"{API}/draft", {"year": 2027}).status_code == 403
    # The agency and the administrator see none of it.
    for who in ("agency", "sysadmin"):
        assert client_in(who).get(f"{API}/recommendations").status_code == 403
        assert client_in(who).get(f"{API}/rules").status_code == 403
    assert state("B001")[0] == Status.DRAFT


def test_list_filters_are_checked(world: World, client_in: Any, drafted: Any) -> None:  # noqa: F811
    office = client_in("office")
    bad_action = office.get(f"{API}/recommendations", {"action": "raise"})
    assert bad_action.status_code == 400 and "action 应为" in bad_action.json()["detail"]
    bad_status = office.get(f"{API}/recommendations", {"status": "done"})
    assert bad_status.status_code == 400 and "status 应为" in bad_status.json()["detail"]
    no_year = office.get(f"{API}/recommendations", {"year": 2019})
    assert no_year.status_code == 400 and no_year.json()["detail"] == "本地区没有 2019 预算年度"
    by_unit = office.get(f"{API}/recommendations", {"unit_id": world.unit_b.pk}).json()
    assert [r["code"] for r in by_unit["items"]] == ["B001"]
    assert office.get(f"{API}/recommendations", {"q": "视频监控"}).json()["count"] == 1
    assert office.get(f"{API}/recommendations", {"action": "conditional"}).json()["count"] == 0
    assert office.get(f"{API}/recommendations/999999").status_code == 404


def test_draft_needs_a_year_with_projects_before_it(world: World, client_for: Any) -> None:
    office = client_for("office")
    unknown = post(office, f"{API}/draft", {"year": 2030})
    assert unknown.status_code == 400 and unknown.json()["detail"] == "本地区没有 2030 预算年度"
    empty = post(office, f"{API}/draft", {"year": 2026})
    assert empty.status_code == 400 and "2025 年度没有项目" in empty.json()["detail"]
    assert post(office, f"{API}/draft", {"year": "二〇二七"}).status_code == 422
    with scopes_disabled():
        assert not Recommendation.objects.exists()
    assert audits() == []


def test_rules_read_save_and_refuse(world: World, client_for: Any) -> None:
    office = client_for("office")
    shipped = client_for("unit_a_editor").get(f"{API}/rules")
    assert shipped.status_code == 200
    assert shipped.json()["version"] == "default-2026.1" and shipped.json()["custom"] is False
    assert shipped.json()["rules"]["rules"]["中"] == {"action": "reduce", "label": "压减", "cut": "10"}
    assert shipped.json()["history"] == []

    saved = put(office, f"{API}/rules", {"data": {"rules": {"中": {"cut": "15"}}}, "note": "中等压减 15%"})
    assert saved.status_code == 200, saved.content
    body = saved.json()
    assert body["version"] == "430212-r1" and body["custom"] is True
    assert body["rules"]["rules"]["中"]["cut"] == "15"
    assert [(v["version"], v["note"]) for v in body["history"]] == [("430212-r1", "中等压减 15%")]

    for data, words in (
        ({"rules": {"甲": {"cut": "10"}}}, "不是等级"),
        ({"rules": {"中": {"cut": "120"}}}, "应为 0 到 100 的数字"),
        ({"prefer": "higher"}, "prefer"),
        ({"extra": 1}, "无法识别的项目"),
    ):
        refused = put(office, f"{API}/rules", {"data": data})
        assert refused.status_code == 400, refused.content
        assert words in refused.json()["detail"]
    assert put(office, f"{API}/rules", {"data": [1]}).status_code == 422
    assert put(office, f"{API}/rules", {"data": {}, "note": "长" * 201}).status_code == 422
    assert put(client_for("section"), f"{API}/rules", {"data": {}}).status_code == 403
    assert audits() == ["results.rules.saved"]
    assert office.get(f"{API}/rules").json()["version"] == "430212-r1"
