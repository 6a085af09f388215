"""The self-evaluation API: from opening a round through filling, review, sample and re-check to
closing it; what every actor reaches; bad input refused without changing anything; the stateless
scoring of the interchange format and the scoring rules."""

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django_scopes import scopes_disabled

from jixiao.audit.models import AuditEntry
from jixiao.evaluation.models import Round, ScoringRules, SelfEval
from jixiao.goals.models import GoalSheet
from tests.conftest import World
from tests.evaluation.conftest import ACTUALS, form_of, open_round
from tests.monitoring.conftest import pay

pytestmark = pytest.mark.django_db

API = "/api/v1/evaluation"
EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "formats" / "examples"


def put(client: Client, url: str, body: Any) -> Any:
    return client.put(url, body, content_type="application/json")


def post(client: Client, url: str, body: Any = None) -> Any:
    return client.post(url, body or {}, content_type="application/json")


def actions(name: str) -> int:
    return AuditEntry.objects.filter(action=name).count()


def example() -> Any:
    return json.loads((EXAMPLES / "selfeval.json").read_text(encoding="utf-8"))


def filled(detail: dict[str, Any], actuals: dict[str, str] | None = None, **more: Any) -> dict[str, Any]:
    """The body a careful unit sends: every actual with its source, and the overall result."""
    actuals = ACTUALS | (actuals or {})
    return {
        "lines": [
            {"position": line["position"], "actual": actuals[line["name"]], "source": line["source"]}
            for line in detail["lines"]
        ],
        "goal_result": "全年保障 12150 名学生的公用经费，36 所学校正常运转。",
        **more,
    }


def approve_for_unit_b(world: World, **fields: Any) -> GoalSheet:
    """An approved sheet of unit B (written directly: the goal workflow has its own tests), so
    that a round holds another unit's form."""
    with scopes_disabled():
        return GoalSheet.objects.create(
            region=world.region,
            fiscal_year=world.fiscal_year,
            unit=world.unit_b,
            project=fields.pop("project", world.project_b),
            goal="保障全区视频监控系统正常运行。",
            status="approved",
            grade="优",
            approved_version=1,
            **fields,
        )


@pytest.fixture
def two_units(world: World, approved_sheet: GoalSheet) -> Round:
    """A round over unit A's project (95% paid) and unit B's."""
    approve_for_unit_b(world)
    pay(world, world.project_a, {3: "200000", 6: "300000", 9: "250000", 12: "200000"})
    return open_round(world)


def test_the_whole_path_through_the_api(world: World, approved_sheet: GoalSheet, client_for: Any) -> None:
    pay(world, world.project_a, {3: "200000", 6: "300000", 9: "250000", 12: "200000"})
    office, editor, leader, section = (client_for(a) for a in ("office", "unit_a_editor", "unit_a_leader", "section"))

    opened = post(
        office,
        f"{API}/rounds",
        {"year": 2026, "title": "2026 年度项目支出绩效自评", "deadline": "2027-04-30", "instructions": "4 月底前报送"},
    )
    assert opened.status_code == 201, opened.content
    round_ = opened.json()
    assert (round_["year"], round_["deadline"], round_["closed"], round_["rules_version"]) == (
        2026,
        "2027-04-30",
        False,
        "default-2026.1",
    )
    assert round_["form_count"] == 1 and round_["summary"]["status"]["draft"] == 1
    assert round_["summary"]["ungraded"] == 1 and round_["summary"]["average"] is None
    assert [(u["unit_code"], u["forms"], u["received"]) for u in round_["units"]] == [("105", 1, 0)]
    assert [(r["id"], r["form_count"]) for r in editor.get(f"{API}/rounds").json()] == [(round_["id"], 1)]

    listed = editor.get(f"{API}/forms", {"round_id": round_["id"]}).json()
    assert listed["count"] == 1
    form_id = listed["items"][0]["id"]
    detail = editor.get(f"{API}/forms/{form_id}").json()
    assert (detail["status"], detail["editable"], detail["project_code"], detail["kind"]) == (
        "draft",
        True,
        "A001",
        "project",
    )
    assert (detail["initial_budget"], detail["adjusted_budget"], detail["spent"]) == (
        "1000000.00",
        "1000000.00",
        "950000.00",
    )
    assert (detail["execution_rate"], detail["execution_score"], detail["total"]) == ("95.00", "9.50", None)
    assert [a["action"] for a in detail["actions"]] == ["submit"]
    assert "请填写总体目标实际完成情况" in detail["before_submit"]
    assert [line["weight_used"] for line in detail["lines"]] == ["10.00"] * 5 + ["15.00", "15.00", "10.00"]
    assert detail["lines"][0]["target"] and detail["lines"][0]["actual"] == ""

    refused = post(editor, f"{API}/forms/{form_id}/transition", {"action": "submit"})
    assert refused.status_code == 400 and "还不能报送" in refused.json()["detail"]

    # The live score: a shortfall on satisfaction costs 0.56 points and asks for its reason.
    preview = post(editor, f"{API}/forms/{form_id}/preview", filled(detail, {"学生家长满意度": "85"}))
    assert preview.status_code == 200, preview.content
    assert (preview.json()["total"], preview.json()["grade"], preview.json()["execution_score"]) == (
        "98.94",
        "优",
        "9.50",
    )
    assert preview.json()["lines"][7] == {
        "position": 7,
        "name": "学生家长满意度",
        "weight_used": "10.00",
        "completion": "94.44",
        "score": "9.44",
        "level": "",
    }
    assert "completeness.deviation-unexplained" in {f["rule"] for f in preview.json()["findings"]}
    assert editor.get(f"{API}/forms/{form_id}").json()["total"] is None
    assert actions("evaluation.form.saved") == 0

    saved = put(editor, f"{API}/forms/{form_id}", filled(detail, conclusion="全面完成年度目标"))
    assert saved.status_code == 200, saved.content
    form = saved.json()
    assert (form["total"], form["grade"], form["errors"], form["conclusion"]) == ("99.50", "优", 0, "全面完成年度目标")
    assert form["lines"][0]["actual"] == "12150" and form["lines"][0]["score"] == "10.00"
    assert form["before_submit"] == []

    assert post(editor, f"{API}/forms/{form_id}/transition", {"action": "submit"}).json()["status"] == "leader"
    assert leader.get(f"{API}/forms/{form_id}").json()["actions"] == [
        {"action": "leader_approve", "label": "单位审核通过，报送财政", "needs_reason": False},
        {"action": "leader_return", "label": "退回修改", "needs_reason": True},
    ]
    approved = post(leader, f"{API}/forms/{form_id}/transition", {"action": "leader_approve"})
    assert approved.json()["status"] == "submitted" and approved.json()["submitted_at"]

    sampled = post(office, f"{API}/rounds/{round_['id']}/sample", {"share": "20%"})
    assert sampled.status_code == 200, sampled.content
    assert [f["id"] for f in sampled.json()["drawn"]] == [form_id]
    assert sampled.json()["round"]["summary"]["sampled"] == 1
    assert [f["id"] for f in office.get(f"{API}/forms", {"sampled": "true"}).json()["items"]] == [form_id]

    rechecked = post(
        office, f"{API}/forms/{form_id}/recheck", {"total": "89.5", "note": "满意度调查样本不足，扣 10 分"}
    )
    assert rechecked.status_code == 200, rechecked.content
    checked = rechecked.json()
    assert (checked["check_total"], checked["gap"], checked["distorted"], checked["checked_by"]) == (
        "89.50",
        "10.00",
        True,
        str(world.actors["office"]),
    )
    assert "reasonableness.self-score-distorted" in {f["rule"] for f in checked["findings"]}
    assert [f["id"] for f in editor.get(f"{API}/forms", {"distorted": "1"}).json()["items"]] == [form_id]

    accepted = post(section, f"{API}/forms/{form_id}/transition", {"action": "accept"})
    assert accepted.json()["status"] == "accepted"
    final = editor.get(f"{API}/forms/{form_id}").json()
    assert [s["action"] for s in final["steps"]] == ["submit", "leader_approve", "accept"]
    assert final["editable"] is False and final["actions"] == []

    board = office.get(f"{API}/rounds/{round_['id']}").json()
    assert board["summary"]["grades"] == {"优": 1, "良": 0, "中": 0, "差": 0}
    assert (board["summary"]["average"], board["summary"]["checked"], board["summary"]["distorted"]) == (
        "99.50",
        1,
        1,
    )
    assert board["units"][0]["received"] == 1 and board["units"][0]["good"] == 1

    for action in (
        "evaluation.round.opened",
        "evaluation.form.saved",
        "evaluation.form.submit",
        "evaluation.form.leader_approve",
        "evaluation.round.sampled",
        "evaluation.form.rechecked",
        "evaluation.form.accept",
    ):
        assert actions(action) == 1, action

    closed = post(office, f"{API}/rounds/{round_['id']}/close")
    assert closed.status_code == 200 and closed.json()["closed"] is True
    assert editor.get(f"{API}/forms").json()["count"] == 0  # without round_id: open rounds only
    assert editor.get(f"{API}/forms", {"round_id": round_["id"]}).json()["count"] == 1
    late = post(office, f"{API}/forms/{form_id}/recheck", {"total": "90", "note": "再次复核"})
    assert late.status_code == 400 and "自评任务已结束" in late.json()["detail"]
    again = post(office, f"{API}/rounds/{round_['id']}/close")
    assert again.status_code == 400 and again.json()["detail"] == "自评任务已结束"


def test_returns_carry_their_reason(world: World, round_: Round, client_for: Any) -> None:
    editor, leader = client_for("unit_a_editor"), client_for("unit_a_leader")
    form = form_of(round_)
    detail = editor.get(f"{API}/forms/{form.pk}").json()
    put(editor, f"{API}/forms/{form.pk}", filled(detail))
    post(editor, f"{API}/forms/{form.pk}/transition", {"action": "submit"})
    bare = post(leader, f"{API}/forms/{form.pk}/transition", {"action": "leader_return", "reason": " "})
    assert bare.status_code == 400 and bare.json()["detail"] == "退回修改须填写意见"
    returned = post(leader, f"{API}/forms/{form.pk}/transition", {"action": "leader_return", "reason": "请补充佐证"})
    assert returned.json()["status"] == "returned"
    assert returned.json()["steps"][-1] | {"created_at": None} == {
        "action": "leader_return",
        "from_status": "leader",
        "to_status": "returned",
        "actor": str(world.actors["unit_a_leader"]),
        "reason": "请补充佐证",
        "created_at": None,
    }
    assert editor.get(f"{API}/forms/{form.pk}").json()["editable"] is True


def test_refresh_takes_new_payments(world: World, round_: Round, client_for: Any) -> None:
    pay(world, world.project_a, {12: "250000"})
    refreshed = post(client_for("office"), f"{API}/rounds/{round_.pk}/refresh")
    assert refreshed.status_code == 200, refreshed.content
    form = client_for("unit_a_editor").get(f"{API}/forms/{form_of(round_).pk}").json()
    assert (form["spent"], form["execution_rate"], form["execution_score"]) == ("1000000.00", "100.00", "10.00")
    assert actions("evaluation.round.refreshed") == 1


def test_a_department_form_takes_its_execution_from_the_unit(
    world: World, approved_sheet: GoalSheet, client_for: Any
) -> None:
    approve_for_unit_b(world, project=None, kind="department", total=Decimal("3000000"))
    round_ = open_round(world)
    with scopes_disabled():
        form = SelfEval.objects.get(round=round_, kind="department")
    editor = client_for("unit_b_editor")
    url = f"{API}/forms/{form.pk}"
    assert editor.get(url).json()["execution_from_data"] is False
    saved = put(editor, url, {"adjusted_budget": "1,200,000.00", "spent": 1100000, "goal_result": "完成"})
    assert saved.status_code == 200, saved.content
    body = saved.json()
    assert (body["title"], body["project_id"], body["kind_label"]) == (
        "株洲市渌口区公安局部门整体支出",
        None,
        "部门整体支出绩效目标表",
    )
    assert (body["adjusted_budget"], body["spent"], body["execution_rate"]) == ("1200000.00", "1100000.00", "91.67")
    # A project's execution comes from the imported payments, whatever the body says.
    project_form = form_of(round_)
    put(client_for("unit_a_editor"), f"{API}/forms/{project_form.pk}", {"adjusted_budget": "1", "spent": "1"})
    assert form_of(round_).adjusted_budget == Decimal("1000000.00")


def test_lists_hold_exactly_what_the_caller_may_see(world: World, two_units: Round, client_for: Any) -> None:
    a, b = form_of(two_units, world.project_a), form_of(two_units, world.project_b)

    def ids(actor: str, url: str = f"{API}/forms", **query: Any) -> list[int]:
        response = client_for(actor).get(url, query)
        assert response.status_code == 200, (actor, response.content)
        return [f["id"] for f in response.json()["items"]]

    assert ids("office") == [a.pk, b.pk]
    assert ids("auditor") == [a.pk, b.pk]
    assert ids("section") == [a.pk]
    assert ids("unit_a_editor") == [a.pk]
    assert ids("unit_a_leader") == [a.pk]
    assert ids("unit_b_editor") == [b.pk]
    assert ids("office", round_id=two_units.pk, unit_code="110") == [b.pk]
    assert ids("office", unit_id=world.unit_a.pk) == [a.pk]
    assert ids("office", q="视频监控") == [b.pk]
    assert ids("office", status="draft") == [a.pk, b.pk]
    assert ids("office", status="accepted") == []
    assert ids("office", grade="none") == [a.pk, b.pk]
    assert ids("office", grade="优") == []
    assert ids("office", kind="department") == []
    assert ids("office", sampled="true") == ids("office", distorted="true") == []
    assert ids("unit_b_editor", unit_id=world.unit_a.pk) == []
    assert ids("unit_b_editor", q="义务教育") == []

    for actor, count, units in (("office", 2, ["105", "110"]), ("unit_b_editor", 1, ["110"]), ("section", 1, ["105"])):
        board = client_for(actor).get(f"{API}/rounds/{two_units.pk}").json()
        assert board["form_count"] == board["summary"]["total"] == count, actor
        assert [u["unit_code"] for u in board["units"]] == units, actor
        assert client_for(actor).get(f"{API}/rounds").json()[0]["form_count"] == count, actor

    paged = client_for("office").get(f"{API}/forms", {"page_size": 1, "page": 2}).json()
    assert paged["count"] == 2 and [f["id"] for f in paged["items"]] == [b.pk]


def test_rounds_of_every_year_newest_first(world: World, round_: Round, client_for: Any) -> None:
    with scopes_disabled():
        last_year = world.fiscal_year.__class__.objects.create(region=world.region, year=2025)
        older = Round.objects.create(
            region=world.region,
            fiscal_year=last_year,
            title="2025 年度自评",
            deadline="2026-04-30",
            rules_version="default-2026.1",
            rules={},
            created_by=world.actors["office"],
        )
        elsewhere = Round.objects.create(
            region=world.other_region,
            fiscal_year=world.fiscal_year.__class__.objects.get(region=world.other_region),
            title="天元区自评",
            deadline="2027-04-30",
            rules_version="default-2026.1",
            rules={},
            created_by=world.actors["office"],
        )
    rounds = client_for("unit_a_editor").get(f"{API}/rounds").json()
    assert [(r["id"], r["year"], r["form_count"]) for r in rounds] == [(round_.pk, 2026, 1), (older.pk, 2025, 0)]
    assert client_for("office").get(f"{API}/rounds/{elsewhere.pk}").status_code == 404
    assert client_for("office").get(f"{API}/forms", {"round_id": elsewhere.pk}).status_code == 404
    assert post(client_for("office"), f"{API}/rounds/{elsewhere.pk}/close").status_code == 404
    with scopes_disabled():
        assert Round.objects.get(pk=elsewhere.pk).closed is False


@pytest.mark.parametrize(
    ("actor", "method", "url", "body", "status"),
    [
        ("unit_b_editor", "get", "forms/{a}", None, 404),
        ("unit_b_editor", "put", "forms/{a}", {"lines": [{"position": 0, "actual": "1"}]}, 404),
        ("unit_b_editor", "post", "forms/{a}/preview", {"lines": []}, 404),
        ("unit_b_editor", "post", "forms/{a}/transition", {"action": "submit"}, 404),
        ("unit_a_editor", "get", "forms/{b}", None, 404),
        ("unit_a_editor", "put", "forms/{b}", {"lines": []}, 404),
        ("section", "get", "forms/{b}", None, 404),
        ("section", "post", "forms/{b}/transition", {"action": "accept"}, 404),
        ("unit_a_editor", "post", "rounds", {"year": 2026, "title": "x", "deadline": "2027-04-30"}, 403),
        ("section", "post", "rounds", {"year": 2026, "title": "x", "deadline": "2027-04-30"}, 403),
        ("unit_a_editor", "post", "rounds/{round}/close", None, 403),
        ("section", "post", "rounds/{round}/refresh", None, 403),
        ("section", "post", "rounds/{round}/sample", {"share": "1"}, 403),
        ("section", "post", "forms/{a}/recheck", {"total": "80", "note": "x"}, 403),
        ("unit_a_editor", "post", "forms/{a}/recheck", {"total": "80", "note": "x"}, 403),
        ("unit_a_leader", "put", "forms/{a}", {"lines": [{"position": 0, "actual": "1"}]}, 403),
        ("unit_a_leader", "post", "forms/{a}/preview", {"lines": []}, 403),
        ("unit_a_leader", "post", "forms/{a}/transition", {"action": "submit"}, 403),
        ("auditor", "post", "forms/{a}/transition", {"action": "accept"}, 403),
        ("auditor", "put", "forms/{a}", {"lines": []}, 403),
        ("unit_a_editor", "post", "rules", {"year": 2026, "data": {"reverse": "ratio"}}, 403),
        ("section", "post", "rules", {"year": 2026, "data": {"reverse": "ratio"}}, 403),
        ("agency", "get", "rounds", None, 403),
        ("agency", "get", "forms", None, 403),
        ("agency", "get", "forms/{a}", None, 403),
        ("agency", "post", "score", {}, 403),
        ("sysadmin", "get", "rules", None, 403),
        ("sysadmin", "get", "rounds/{round}", None, 403),
        ("anonymous", "get", "forms", None, 401),
        ("anonymous", "post", "score", {}, 401),
    ],
)
def test_reach_and_roles(
    world: World, two_units: Round, client_for: Any, actor: str, method: str, url: str, body: Any, status: int
) -> None:
    a, b = form_of(two_units, world.project_a), form_of(two_units, world.project_b)
    client = client_for(actor)
    path = f"{API}/{url.format(a=a.pk, b=b.pk, round=two_units.pk)}"
    response = client.get(path) if method == "get" else getattr(client, method)(path, body or {}, "application/json")
    assert response.status_code == status, response.content
    if status == 403:
        assert response.json()["detail"] == "您没有执行此操作的权限"
    with scopes_disabled():
        assert Round.objects.count() == 1 and Round.objects.get().closed is False
        assert set(SelfEval.objects.values_list("status", "sampled", "check_total")) == {("draft", False, None)}
        assert not SelfEval.objects.filter(lines__actual__gt="").exists()
        assert not ScoringRules.objects.exists()
    assert (
        not AuditEntry.objects.filter(action__startswith="evaluation.")
        .exclude(action="evaluation.round.opened")
        .exists()
    )


BAD_INPUT = [
    ("unit_a_editor", "put", "forms/{a}", {"lines": [{"position": 99, "actual": "1"}]}, 400, "没有第 100 个指标"),
    (
        "unit_a_editor",
        "put",
        "forms/{a}",
        {"lines": [{"position": 0, "actual": "1"}, {"position": 0, "actual": "2"}]},
        400,
        "填写了两次",
    ),
    ("unit_a_editor", "put", "forms/{a}", {"lines": [{"position": 0, "actual": "1" * 101}]}, 422, "不超过 100 字"),
    ("unit_a_editor", "put", "forms/{a}", {"lines": [{"position": 0, "score": "101"}]}, 400, "0 到 100"),
    ("unit_a_editor", "put", "forms/{a}", {"lines": [{"position": 0, "score": "1.234"}]}, 400, "两位小数"),
    ("unit_a_editor", "put", "forms/{a}", {"lines": [{"position": 0, "score": "1e999999999"}]}, 400, "0 到 100"),
    ("unit_a_editor", "put", "forms/{a}", {"lines": [{"position": 0, "score": "NaN"}]}, 422, "得分应为有限的数字"),
    ("unit_a_editor", "put", "forms/{a}", {"lines": [{"position": 0, "score": float("inf")}]}, 422, "有限的数字"),
    ("unit_a_editor", "put", "forms/{a}", {"lines": [{"position": 0, "score": "九十"}]}, 422, "得分应为数字"),
    ("unit_a_editor", "put", "forms/{a}", {"lines": [{"position": 0, "score": True}]}, 422, "得分应为数字"),
    ("unit_a_editor", "put", "forms/{a}", {"lines": [{"position": 0, "actual": 5}]}, 422, "actual"),
    ("unit_a_editor", "put", "forms/{a}", {"lines": [{"position": 10**30}]}, 400, "没有第"),
    ("unit_a_editor", "put", "forms/{a}", {"lines": "全部完成"}, 422, "lines"),
    ("unit_a_editor", "put", "forms/{a}", {"conclusion": "长" * 2001}, 422, "不超过 2000 字"),
    ("unit_a_editor", "put", "forms/{a}", {"goal_result": "长" * 5001}, 422, "不超过 5000 字"),
    ("unit_a_editor", "put", "forms/{a}", {"adjusted_budget": "NaN"}, 422, "金额应为"),
    ("unit_a_editor", "put", "forms/{a}", {"spent": 1e20}, 422, "小于 100 万亿元"),
    ("unit_a_editor", "put", "forms/{a}", {"spent": "-1"}, 422, "不小于 0"),
    ("unit_a_editor", "post", "forms/{a}/preview", {"lines": [{"position": 99}]}, 400, "没有第 100 个指标"),
    ("unit_a_editor", "post", "forms/{a}/preview", {"lines": [{"position": 0, "score": "Infinity"}]}, 422, "有限"),
    ("unit_a_editor", "post", "forms/{a}/transition", {"action": "approve"}, 400, "未知的操作「approve」"),
    ("unit_a_editor", "post", "forms/{a}/transition", {"action": "submit"}, 400, "还不能报送"),
    ("unit_a_editor", "post", "forms/{a}/transition", {"action": "x" * 21}, 422, "不超过 20 字"),
    ("unit_a_leader", "post", "forms/{a}/transition", {"action": "leader_approve"}, 400, "自评表当前状态不能"),
    (
        "office",
        "post",
        "rounds",
        {"year": 2026, "title": "再来一次", "deadline": "2027-04-30"},
        400,
        "进行中的自评任务",
    ),
    ("office", "post", "rounds", {"year": 2025, "title": "x", "deadline": "2026-04-30"}, 400, "没有 2025 预算年度"),
    ("office", "post", "rounds", {"year": 10**30, "title": "x", "deadline": "2026-04-30"}, 400, "预算年度"),
    ("office", "post", "rounds", {"year": 2026, "title": "长" * 101, "deadline": "2027-04-30"}, 422, "不超过 100 字"),
    ("office", "post", "rounds", {"year": 2026, "title": "x", "deadline": "4月30日"}, 422, "YYYY-MM-DD"),
    ("office", "post", "rounds/{round}/sample", {"share": "2"}, 400, "1% 到 100%"),
    ("office", "post", "rounds/{round}/sample", {"share": "两成"}, 422, "抽查比例应为数字"),
    ("office", "post", "rounds/{round}/sample", {"share": "NaN"}, 422, "抽查比例应为有限的数字"),
    ("office", "post", "rounds/{round}/sample", {"share": "0.2"}, 400, "没有需要新抽取"),
    ("office", "post", "forms/{a}/recheck", {"total": "90", "note": "复核"}, 400, "已报送到财政"),
    ("office", "post", "forms/{a}/recheck", {"total": "100.5", "note": "复核"}, 400, "0 到 100"),
    ("office", "post", "forms/{a}/recheck", {"total": "NaN", "note": "复核"}, 422, "有限"),
    ("office", "post", "forms/{a}/recheck", {"total": "90"}, 422, "note"),
    ("office", "post", "rules", {"year": 2026, "data": {"reverse": "cubic"}}, 400, "reverse"),
    ("office", "post", "rules", {"year": 2026, "data": {"weights": {"execution": "NaN"}}}, 400, "weights.execution"),
    ("office", "post", "rules", {"year": 2026, "data": {"grades": "优"}}, 400, "grades"),
    ("office", "post", "rules", {"year": 2026, "data": {"bogus": 1}}, 400, "无法识别"),
    ("office", "post", "rules", {"year": 2026, "data": ["reverse"]}, 422, "data"),
    ("office", "post", "rules", {"year": 2025, "data": {"reverse": "ratio"}}, 400, "没有 2025 预算年度"),
    ("office", "post", "rules", {"year": 2026, "data": {}, "note": "长" * 201}, 422, "不超过 200 字"),
]


@pytest.mark.parametrize(("actor", "method", "url", "body", "status", "message"), BAD_INPUT)
def test_bad_input_changes_nothing(
    world: World,
    round_: Round,
    client_for: Any,
    actor: str,
    method: str,
    url: str,
    body: Any,
    status: int,
    message: str,
) -> None:
    form = form_of(round_)
    with scopes_disabled():
        before = (form.status, form.total, form.updated_at, list(form.lines.values_list("actual", "score_given")))
    path = f"{API}/{url.format(a=form.pk, round=round_.pk)}"
    # allow_nan: a client that sends a bare NaN or Infinity, which the server's parser accepts.
    response = client_for(actor).generic(
        method.upper(), path, json.dumps(body, allow_nan=True), content_type="application/json"
    )
    assert response.status_code == status, response.content
    assert message in str(response.json()["detail"])
    after = form_of(round_)
    with scopes_disabled():
        assert (
            after.status,
            after.total,
            after.updated_at,
            list(after.lines.values_list("actual", "score_given")),
        ) == (before)
        assert Round.objects.count() == 1 and not ScoringRules.objects.exists()
        assert not SelfEval.objects.filter(sampled=True).exists()
    assert (
        not AuditEntry.objects.filter(action__startswith="evaluation.")
        .exclude(action="evaluation.round.opened")
        .exists()
    )


def test_filters_and_ids_are_checked(world: World, round_: Round, client_for: Any) -> None:
    office = client_for("office")
    for query in ({"status": "done"}, {"grade": "A"}, {"kind": "other"}):
        response = office.get(f"{API}/forms", query)
        assert response.status_code == 400 and "应为" in response.json()["detail"], query
    huge = "99999999999999999999"
    for url in (f"{API}/forms/{huge}", f"{API}/rounds/{huge}", f"{API}/forms/999999", f"{API}/rounds/999999"):
        assert office.get(url).status_code == 404, url
    assert office.get(f"{API}/forms", {"round_id": huge}).status_code == 404
    assert office.get(f"{API}/forms", {"unit_id": huge}).status_code == 422
    assert office.get(f"{API}/forms", {"page": huge}).status_code == 422
    assert office.get(f"{API}/forms", {"q": "长" * 101}).status_code == 422
    assert office.get(f"{API}/rules", {"year": 2025}).status_code == 400
    assert office.get(f"{API}/rules", {"year": huge}).status_code == 400


def test_score_endpoint_scores_the_example(world: World, client_for: Any) -> None:
    client = client_for("unit_a_editor")
    response = post(client, f"{API}/score", example())
    assert response.status_code == 200, response.content
    document = response.json()
    assert document["schema"] == "jixiao.score/1"
    [evaluation] = document["evaluations"]
    assert (evaluation["total"], evaluation["grade"], evaluation["execution_rate"], evaluation["execution_score"]) == (
        "98.86",
        "优",
        "95.00",
        "9.50",
    )
    assert [i["score"] for i in evaluation["indicators"]] == [
        "20.00",
        "14.92",
        "10.00",
        "4.44",
        "15.00",
        "15.00",
        "10.00",
    ]
    assert evaluation["rules_version"] == "default-2026.1" and evaluation["source"] == "request#0"

    claimed = example() | {"claimed": {"total": "100", "grade": "优"}}
    both = post(client, f"{API}/score", [example(), claimed]).json()["evaluations"]
    assert [e["source"] for e in both] == ["request#0", "request#1"]
    assert both[1]["discrepancies"] == [{"field": "total", "claimed": "100", "computed": "98.86"}]


def test_score_endpoint_uses_the_rules_in_force_for_the_forms_year(world: World, client_for: Any) -> None:
    saved = post(client_for("office"), f"{API}/rules", {"year": 2026, "data": {"reverse": "ratio"}, "note": "比值法"})
    assert saved.status_code == 201, saved.content
    form = example() | {"year": 2026}
    [evaluation] = post(client_for("section"), f"{API}/score", form).json()["evaluations"]
    # The cost indicator by target / actual: 5 * 1800 / 2000 = 4.50 instead of 4.44.
    assert (evaluation["indicators"][3]["score"], evaluation["total"]) == ("4.50", "98.92")
    assert evaluation["rules_version"] == saved.json()["version"]
    [old_year] = post(client_for("section"), f"{API}/score", example()).json()["evaluations"]
    assert (old_year["total"], old_year["rules_version"]) == ("98.86", "default-2026.1")


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        (b"{not json", 400, "请求体应为 JSON"),
        (b"[" * 100_000 + b"]" * 100_000, 400, "请求体应为 JSON"),
        (b"[]", 400, "没有绩效自评表"),
        (b"42", 400, "request"),
        (json.dumps({"schema": "nonsense"}).encode(), 400, "不是绩效自评表格式"),
        (json.dumps([{}] * 201).encode(), 413, "一次最多计分 200 张"),
    ],
)
def test_score_endpoint_refuses_unreadable_input(
    world: World, client_for: Any, body: bytes, status: int, message: str
) -> None:
    response = client_for("unit_a_editor").post(f"{API}/score", body, content_type="application/json")
    assert response.status_code == status, response.content
    assert message in response.json()["detail"]


@pytest.mark.parametrize(
    ("change", "place"),
    [
        ({"execution": {"adjusted_budget": "NaN"}}, "execution.adjusted_budget"),
        ({"execution": {"adjusted_budget": "1e999999999", "spent": "1"}}, "execution.adjusted_budget"),
        ({"execution": {"adjusted_budget": "1000", "spent": "1", "weight": 1e400}}, "execution.weight"),
        ({"execution": "全部执行"}, "execution"),
        ({"year": "二〇二三"}, "year"),
        ({"indicators": "见附件"}, "indicators"),
        ({"indicators": [{"level1": "产出指标"}]}, "indicators[0]"),
    ],
)
def test_score_endpoint_names_the_bad_place(world: World, client_for: Any, change: dict[str, Any], place: str) -> None:
    body = json.dumps(example() | change, allow_nan=True)
    response = client_for("unit_a_editor").post(f"{API}/score", body, content_type="application/json")
    assert response.status_code == 400, response.content
    assert response.json()["detail"].startswith("文件「request」第 1 张表 ")
    assert place in response.json()["detail"]


def test_an_unscorable_actual_is_a_finding_not_an_error(world: World, client_for: Any) -> None:
    form = example()
    form["indicators"][0]["actual"] = "1e999999999"
    form["indicators"][1]["actual"] = "九十七点五"  # 97.5, read as a Chinese numeral
    form["indicators"][2]["weight"] = "99999999999999999999"
    huge = post(client_for("unit_a_editor"), f"{API}/score", form)
    assert huge.status_code == 400 and "indicators[2].weight" in huge.json()["detail"]
    form["indicators"][2]["weight"] = 10
    response = post(client_for("unit_a_editor"), f"{API}/score", form)
    assert response.status_code == 200, response.content
    [evaluation] = response.json()["evaluations"]
    assert [i["score"] for i in evaluation["indicators"][:2]] == [None, "14.92"]
    assert (evaluation["total"], evaluation["grade"]) == (None, None)
    unreadable = [f for f in evaluation["findings"] if f["rule"] == "measurability.actual-unreadable"]
    assert [(f["indicator"], f["severity"]) for f in unreadable] == [(0, "error")]
    assert "1e999999999" in unreadable[0]["message"]


def test_rules_in_force_and_a_new_version(world: World, round_: Round, client_for: Any) -> None:
    shipped = client_for("unit_a_editor").get(f"{API}/rules").json()
    assert (shipped["year"], shipped["version"], shipped["custom"], shipped["overrides"]) == (
        2026,
        "default-2026.1",
        False,
        {},
    )
    assert shipped["rules"]["reverse"] == "linear_to_2x" and shipped["rules"]["weights"]["execution"] == "10"
    assert shipped["rules"]["version"] == "default-2026.1"

    saved = post(
        client_for("office"),
        f"{API}/rules",
        {
            "year": 2026,
            "data": {"reverse": "ratio", "thresholds": {"distortion_points": "8"}},
            "note": "本地采用比值法",
        },
    )
    assert saved.status_code == 201, saved.content
    assert (saved.json()["version"], saved.json()["custom"]) == ("430212-2026.s1", True)
    assert saved.json()["overrides"] == {"reverse": "ratio", "thresholds": {"distortion_points": "8"}}
    assert saved.json()["rules"]["reverse"] == "ratio"
    assert saved.json()["rules"]["thresholds"]["distortion_points"] == "8"
    assert client_for("auditor").get(f"{API}/rules", {"year": 2026}).json() == saved.json()
    assert actions("evaluation.rules.saved") == 1
    # The open round keeps the rules it was opened with.
    assert client_for("office").get(f"{API}/rounds/{round_.pk}").json()["rules_version"] == "default-2026.1"


def test_lists_take_a_fixed_number_of_queries(
    world: World, approved_sheet: GoalSheet, client_for: Any, django_assert_max_num_queries: Any
) -> None:
    from tests.factories import ProjectFactory

    for n in range(6):
        with scopes_disabled():
            project = ProjectFactory(
                fiscal_year=world.fiscal_year, unit=world.unit_b, code=f"B10{n}", category=world.project_b.category
            )
        approve_for_unit_b(world, project=project)
    round_ = open_round(world)
    office = client_for("office")
    for url in (f"{API}/rounds", f"{API}/rounds/{round_.pk}", f"{API}/forms"):
        # Session, user and reach take most of these, the round's summary four; none is per row.
        with django_assert_max_num_queries(14):
            assert office.get(url).status_code == 200, url
    assert office.get(f"{API}/forms").json()["count"] == 7
