"""The monitoring API: the whole path from opening a round to closing a decision, the reach of
every actor, and bad input that is refused without changing anything."""

import datetime as dt
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django_scopes import scopes_disabled

from jixiao.audit.models import AuditEntry
from jixiao.goals.models import GoalSheet
from jixiao.monitoring import services
from jixiao.monitoring.models import Decision, Line, PaymentPlan, Report, Round
from tests.conftest import World
from tests.factories import ProjectFactory
from tests.monitoring.conftest import ON_TRACK, open_round, pay, report_of

pytestmark = pytest.mark.django_db

API = "/api/v1/monitoring"
SHANGHAI = ZoneInfo("Asia/Shanghai")


def put(client: Client, url: str, body: Any) -> Any:
    return client.put(url, body, content_type="application/json")


def post(client: Client, url: str, body: Any = None) -> Any:
    return client.post(url, body or {}, content_type="application/json")


def actions(name: str) -> int:
    return AuditEntry.objects.filter(action=name).count()


def approve_for_unit_b(world: World) -> GoalSheet:
    """Unit B's project with an approved sheet (written directly: the goal workflow has its own
    tests), so that a round holds another unit's report."""
    with scopes_disabled():
        return GoalSheet.objects.create(
            region=world.region,
            fiscal_year=world.fiscal_year,
            unit=world.unit_b,
            project=world.project_b,
            goal="保障全区视频监控系统正常运行。",
            status="approved",
            grade="优",
            approved_version=1,
        )


@pytest.fixture
def two_units(world: World, approved_sheet: GoalSheet) -> Round:
    """A January–August round over unit A's project (20% paid: red) and unit B's (75%: green)."""
    approve_for_unit_b(world)
    pay(world, world.project_a, {3: "50000", 6: "150000"})
    pay(world, world.project_b, {2: "250000", 5: "250000", 8: "250000"})
    return open_round(world)


def fill(detail: dict[str, Any]) -> list[dict[str, Any]]:
    """Progress for every indicator, with reason, likelihood and measures where a line warns."""
    lines = []
    for line in detail["lines"]:
        entry: dict[str, Any] = {"position": line["position"], "done": ON_TRACK[line["name"]]}
        if line["light"] in ("red", "yellow"):
            entry |= {"reason": "其他", "likelihood": "有可能", "measures": "9 月集中推进"}
        lines.append(entry)
    return lines


@time_machine.travel(dt.datetime(2026, 9, 1, 10, tzinfo=SHANGHAI), tick=False)
def test_the_whole_path_through_the_api(world: World, approved_sheet: GoalSheet, client_for: Any) -> None:
    pay(world, world.project_a, {3: "50000", 6: "150000"})
    office, editor, leader, section = (client_for(a) for a in ("office", "unit_a_editor", "unit_a_leader", "section"))

    opened = post(
        office,
        f"{API}/rounds",
        {
            "title": "2026 年 1–8 月绩效运行监控",
            "month": 8,
            "deadline": "2026-09-15",
            "instructions": "9 月 15 日前报送",
        },
    )
    assert opened.status_code == 201, opened.content
    round_ = opened.json()
    assert (round_["year"], round_["period"], round_["kind"], round_["closed"]) == (2026, "1–8月", "general", False)
    assert round_["report_count"] == 1 and round_["lights"]["red"] == 1
    assert [(u["unit_code"], u["budget"], u["paid"], u["rate"], u["light"]) for u in round_["units"]] == [
        ("105", "1000000.00", "200000.00", "0.2000", "red")
    ]
    assert [r["id"] for r in office.get(f"{API}/rounds").json()] == [round_["id"]]

    listed = editor.get(f"{API}/rounds/{round_['id']}/reports").json()
    assert listed["count"] == 1
    report_id = listed["items"][0]["id"]
    detail = editor.get(f"{API}/reports/{report_id}").json()
    assert detail["status"] == "draft" and detail["light"] == "red" and detail["editable"] is True
    assert [a["action"] for a in detail["actions"]] == ["submit"]
    assert len(detail["lines"]) == 8 and all(line["done"] == "" for line in detail["lines"])

    refused = post(editor, f"{API}/reports/{report_id}/transition", {"action": "submit"})
    assert refused.status_code == 400 and "未填截至本期完成值" in refused.json()["detail"]

    saved = put(editor, f"{API}/reports/{report_id}", {"lines": fill(detail)})
    saved = put(
        editor,
        f"{API}/reports/{report_id}",
        {"lines": fill(saved.json()), "summary": "上半年拨付滞后，9 月集中拨付", "estimate": "950,000.00"},
    )
    assert saved.status_code == 200, saved.content
    assert saved.json()["estimate"] == "950000.00"
    assert saved.json()["lines"][0]["done"] == "12100"

    assert post(editor, f"{API}/reports/{report_id}/transition", {"action": "submit"}).json()["status"] == "leader"
    approved = post(leader, f"{API}/reports/{report_id}/transition", {"action": "leader_approve"})
    assert approved.json()["status"] == "submitted"
    assert post(section, f"{API}/reports/{report_id}/transition", {"action": "accept"}).json()["status"] == "accepted"
    accepted = editor.get(f"{API}/reports/{report_id}").json()
    assert [s["action"] for s in accepted["steps"]] == ["submit", "leader_approve", "accept"]
    assert accepted["editable"] is False and accepted["actions"] == []

    warnings = office.get(f"{API}/warnings").json()["items"]
    assert [(w["id"], w["light"], w["execution_rate"], w["unit_code"]) for w in warnings] == [
        (report_id, "red", "0.2000", "105")
    ]
    assert warnings[0]["expected_model"] in ("profile", "straight_line")
    assert Decimal(warnings[0]["expected_share"]) > Decimal("0.5")
    assert any("执行率 20.0%" in m["message"] for m in warnings[0]["messages"])

    made = post(
        section,
        f"{API}/reports/{report_id}/decisions",
        {"kind": "suspend", "reason": "执行严重滞后，暂缓拨付剩余资金", "working_days": 10, "amount": "300000"},
    )
    assert made.status_code == 201, made.content
    decision = made.json()
    assert (decision["kind"], decision["amount"], decision["status"], decision["project_code"]) == (
        "suspend",
        "300000.00",
        "open",
        "A001",
    )
    # Ten working days after Tuesday 1 September 2026.
    assert (decision["due"], decision["overdue"]) == ("2026-09-15", False)
    assert [d["id"] for d in editor.get(f"{API}/decisions", {"state": "open"}).json()["items"]] == [decision["id"]]
    assert editor.get(f"{API}/reports/{report_id}").json()["decisions"][0]["id"] == decision["id"]

    answered = post(editor, f"{API}/decisions/{decision['id']}/answer", {"text": "已按要求调整拨付进度"})
    assert answered.json()["status"] == "answered" and answered.json()["followed_by"]
    closed = post(office, f"{API}/decisions/{decision['id']}/close")
    assert closed.json()["status"] == "closed"
    assert [d["id"] for d in office.get(f"{API}/decisions", {"state": "closed"}).json()["items"]] == [decision["id"]]
    assert office.get(f"{API}/decisions", {"state": "open"}).json()["items"] == []

    for action in (
        "monitoring.round.opened",
        "monitoring.report.submit",
        "monitoring.report.leader_approve",
        "monitoring.report.accept",
        "monitoring.decision.made",
        "monitoring.decision.answered",
        "monitoring.decision.closed",
    ):
        assert actions(action) == 1, action
    assert actions("monitoring.report.saved") == 2

    assert post(office, f"{API}/rounds/{round_['id']}/close").json()["closed"] is True
    assert office.get(f"{API}/warnings").json()["count"] == 0
    late = put(editor, f"{API}/reports/{report_id}", {"lines": []})
    assert late.status_code == 400 and "监控任务已结束" in late.json()["detail"]


def test_lists_hold_exactly_what_the_caller_may_see(world: World, two_units: Round, client_for: Any) -> None:
    a, b = report_of(two_units, world.project_a), report_of(two_units, world.project_b)
    assert (a.light, b.light) == ("red", "green")

    def ids(actor: str, url: str, **query: Any) -> list[int]:
        response = client_for(actor).get(url, query)
        assert response.status_code == 200, (actor, response.content)
        return [r["id"] for r in response.json()["items"]]

    reports = f"{API}/rounds/{two_units.pk}/reports"
    assert ids("office", reports) == [a.pk, b.pk]
    assert ids("auditor", reports) == [a.pk, b.pk]
    assert ids("section", reports) == [a.pk]
    assert ids("unit_a_editor", reports) == [a.pk]
    assert ids("unit_b_editor", reports) == [b.pk]
    assert ids("office", reports, light="green") == [b.pk]
    assert ids("office", reports, unit_code="105") == [a.pk]
    assert ids("office", reports, status="accepted") == []
    assert ids("office", f"{API}/warnings") == [a.pk]
    assert ids("unit_b_editor", f"{API}/warnings") == []
    assert ids("office", f"{API}/warnings", light="yellow") == []

    board = client_for("unit_b_editor").get(f"{API}/rounds/{two_units.pk}").json()
    assert [u["unit_code"] for u in board["units"]] == ["110"] and board["lights"]["red"] == 0
    assert client_for("office").get(f"{API}/rounds/{two_units.pk}").json()["report_count"] == 2


@pytest.mark.parametrize(
    ("actor", "method", "url", "body", "status"),
    [
        ("unit_b_editor", "get", "reports/{a}", None, 404),
        ("unit_b_editor", "put", "reports/{a}", {"lines": []}, 404),
        ("unit_b_editor", "post", "reports/{a}/transition", {"action": "submit"}, 404),
        ("unit_b_editor", "get", "projects/{project_a}/plan", None, 404),
        ("unit_b_editor", "put", "projects/{project_a}/plan", {"months": ["1"] * 12}, 404),
        ("unit_a_editor", "get", "reports/{b}", None, 404),
        ("section", "get", "reports/{b}", None, 404),
        ("section", "post", "reports/{b}/decisions", {"kind": "continue", "reason": "x", "working_days": 5}, 404),
        ("unit_a_editor", "post", "rounds", {"title": "x", "month": 8, "deadline": "2026-09-15"}, 403),
        ("unit_a_editor", "post", "rounds/{round}/close", None, 403),
        ("section", "post", "rounds/{round}/refresh", None, 403),
        ("unit_a_editor", "post", "reports/{a}/decisions", {"kind": "continue", "reason": "x", "working_days": 5}, 403),
        ("unit_a_leader", "put", "reports/{a}", {"lines": []}, 403),
        ("unit_a_leader", "post", "reports/{a}/transition", {"action": "submit"}, 403),
        ("auditor", "post", "reports/{a}/transition", {"action": "accept"}, 403),
        ("agency", "get", "rounds", None, 403),
        ("agency", "get", "reports/{a}", None, 403),
        ("agency", "get", "warnings", None, 403),
        ("anonymous", "get", "warnings", None, 401),
    ],
)
def test_reach_and_roles(
    world: World, two_units: Round, client_for: Any, actor: str, method: str, url: str, body: Any, status: int
) -> None:
    ids = {
        "a": report_of(two_units, world.project_a).pk,
        "b": report_of(two_units, world.project_b).pk,
        "round": two_units.pk,
        "project_a": world.project_a.pk,
    }
    client = client_for(actor)
    path = f"{API}/{url.format(**ids)}"
    response = client.get(path) if method == "get" else getattr(client, method)(path, body or {}, "application/json")
    assert response.status_code == status, response.content
    with scopes_disabled():
        assert Round.objects.count() == 1 and Round.objects.get().closed is False
        assert not Decision.objects.exists() and not PaymentPlan.objects.exists()
        assert set(Report.objects.values_list("status", flat=True)) == {"draft"}
        assert not Line.objects.exclude(done="").exists()


def test_another_units_decision_is_not_found(world: World, round_: Round, client_for: Any) -> None:
    report = report_of(round_)
    with time_machine.travel(dt.datetime(2026, 9, 1, 10, tzinfo=SHANGHAI), tick=False):
        made = post(
            client_for("office"),
            f"{API}/reports/{report.pk}/decisions",
            {"kind": "correct", "reason": "限期纠偏", "working_days": 5},
        ).json()
    assert made["due"] == "2026-09-08"
    with time_machine.travel(dt.datetime(2026, 9, 20, 10, tzinfo=SHANGHAI), tick=False):
        overdue = client_for("unit_a_editor").get(f"{API}/decisions", {"state": "overdue"}).json()["items"]
        assert [(d["id"], d["overdue"]) for d in overdue] == [(made["id"], True)]
        assert client_for("unit_b_editor").get(f"{API}/decisions", {"state": "overdue"}).json()["items"] == []
    assert post(client_for("unit_b_editor"), f"{API}/decisions/{made['id']}/answer", {"text": "x"}).status_code == 404
    assert client_for("unit_b_editor").get(f"{API}/decisions").json()["items"] == []
    assert post(client_for("unit_a_leader"), f"{API}/decisions/{made['id']}/answer", {"text": "x"}).status_code == 403
    with scopes_disabled():
        assert Decision.objects.get().status == "open"


def test_payment_plan(world: World, round_: Round, client_for: Any) -> None:
    url = f"{API}/projects/{world.project_a.pk}/plan"
    editor = client_for("unit_a_editor")
    assert editor.get(url).json()["months"] is None
    back_loaded = ["0"] * 7 + ["50000", "100000", "250000", "250000", "350000"]
    saved = put(editor, url, {"months": back_loaded})
    assert saved.status_code == 200, saved.content
    assert saved.json()["months"][7] == "50000.00" and saved.json()["total"] == "1000000.00"
    assert client_for("auditor").get(url).json()["months"] == saved.json()["months"]
    # Measured against its own plan (5% by August), the project that paid 20% is no longer red.
    report = report_of(round_)
    assert report.expected_model == "plan" and report.execution_light == "green"


BAD_PLANS = [
    ({"months": ["1"] * 13}, 400, "用款计划应有 12 个月，收到 13 个"),
    ({"months": ["NaN"] + ["1"] * 11}, 422, "金额应为"),
    ({"months": [float("nan")] + [1] * 11}, 422, "有限的数字金额"),
    ({"months": ["-1"] + ["1"] * 11}, 422, "不小于 0"),
    ({"months": ["0.001"] + ["1"] * 11}, 422, "精确到分"),
    ({"months": [1e20] + ["1"] * 11}, 422, "小于 100 万亿元"),
    ({"months": [True] + ["1"] * 11}, 422, "数字金额"),
    ({"months": ["600000"] * 12}, 400, "超过项目全年预算"),
    ({"months": ["1"] * 100}, 422, "不超过 24 项"),
]


@pytest.mark.parametrize(("body", "status", "message"), BAD_PLANS)
def test_bad_plans_change_nothing(
    world: World, round_: Round, client_for: Any, body: Any, status: int, message: str
) -> None:
    response = put(client_for("unit_a_editor"), f"{API}/projects/{world.project_a.pk}/plan", body)
    assert response.status_code == status, response.content
    assert message in str(response.json()["detail"])
    with scopes_disabled():
        assert not PaymentPlan.objects.exists()
    assert report_of(round_).expected_model != "plan"


@pytest.mark.parametrize(
    ("actor", "url", "body", "status", "message"),
    [
        ("unit_a_editor", "reports/{a}/transition", {"action": "approve"}, 400, "未知的操作「approve」"),
        ("unit_a_leader", "reports/{a}/transition", {"action": "leader_return"}, 400, "不能"),
        (
            "unit_a_editor",
            "reports/{a}",
            {"lines": [{"position": 0, "done": "1", "reason": "天气原因"}]},
            400,
            "偏差原因",
        ),
        ("unit_a_editor", "reports/{a}", {"lines": [{"position": 0, "likelihood": "也许"}]}, 400, "完成目标可能性"),
        ("unit_a_editor", "reports/{a}", {"lines": [{"position": 99, "done": "1"}]}, 400, "没有第 100 个指标"),
        ("unit_a_editor", "reports/{a}", {"lines": [{"position": 0, "done": "x" * 101}]}, 422, "不超过 100 字"),
        ("unit_a_editor", "reports/{a}", {"lines": [], "estimate": "NaN"}, 422, "金额应为"),
        ("unit_a_editor", "reports/{a}", {"lines": [], "summary": "长" * 5001}, 422, "不超过 5000 字"),
        ("unit_a_editor", "reports/{a}", {"summary": "缺少 lines"}, 422, "lines"),
        (
            "office",
            "reports/{a}/decisions",
            {"kind": "pause", "reason": "x", "working_days": 5},
            400,
            "处理决定「pause」",
        ),
        ("office", "reports/{a}/decisions", {"kind": "stop", "reason": "收回", "working_days": 5}, 400, "涉及金额"),
        ("office", "reports/{a}/decisions", {"kind": "continue", "reason": "x", "working_days": 0}, 400, "1–60"),
        (
            "office",
            "reports/{a}/decisions",
            {"kind": "suspend", "reason": "x", "working_days": 5, "amount": float("nan")},
            422,
            "有限的数字金额",
        ),
        ("office", "reports/{a}/decisions", {"kind": "continue", "reason": " ", "working_days": 5}, 400, "理由"),
        ("office", "rounds", {"title": "x", "month": 13, "deadline": "2026-09-15"}, 400, "1–12"),
        ("office", "rounds", {"title": "x", "month": 8, "deadline": "2026-09-15", "scope": "list"}, 400, "至少选择"),
        (
            "office",
            "rounds",
            {"title": "x", "month": 8, "deadline": "2026-09-15", "category_id": 999999},
            400,
            "项目类别",
        ),
        ("office", "rounds", {"title": "长" * 101, "month": 8, "deadline": "2026-09-15"}, 422, "不超过 100 字"),
        ("office", "rounds", {"title": "x", "month": 8, "deadline": "9月15日"}, 422, "YYYY-MM-DD"),
    ],
)
def test_bad_input_changes_nothing(
    world: World, round_: Round, client_for: Any, actor: str, url: str, body: Any, status: int, message: str
) -> None:
    report = report_of(round_)
    before = (report.status, report.updated_at, list(report.lines.values_list("done", "reason", "likelihood")))
    path = f"{API}/{url.format(a=report.pk)}"
    response = client_for(actor).generic(
        "PUT" if url == "reports/{a}" else "POST", path, _json(body), content_type="application/json"
    )
    assert response.status_code == status, response.content
    assert message in str(response.json()["detail"])
    after = report_of(round_)
    assert (after.status, after.updated_at, list(after.lines.values_list("done", "reason", "likelihood"))) == before
    with scopes_disabled():
        assert Round.objects.count() == 1 and not Decision.objects.exists()
    assert actions("monitoring.report.saved") == 0


def _json(body: Any) -> str:
    import json

    # allow_nan: a client that sends a bare NaN, which Python's parser on the server accepts.
    return json.dumps(body, allow_nan=True)


def test_filters_are_checked(world: World, round_: Round, client_for: Any) -> None:
    office = client_for("office")
    for url, query in (
        (f"{API}/rounds/{round_.pk}/reports", {"light": "purple"}),
        (f"{API}/rounds/{round_.pk}/reports", {"status": "done"}),
        (f"{API}/warnings", {"light": "green"}),
        (f"{API}/decisions", {"state": "late"}),
    ):
        response = office.get(url, query)
        assert response.status_code == 400 and "应为" in response.json()["detail"], (url, query)
    assert office.get(f"{API}/warnings", {"page": "99999999999999999999"}).status_code == 422
    assert office.get(f"{API}/rounds", {"year": 2025}).json() == []
    assert [r["id"] for r in office.get(f"{API}/rounds", {"year": 2026}).json()] == [round_.pk]
    assert office.get(f"{API}/warnings", {"year": 2025}).json()["count"] == 0
    assert office.get(f"{API}/warnings", {"year": 2026}).json()["count"] == 1
    assert office.get(f"{API}/rounds/{round_.pk + 1000}").status_code == 404
    assert office.get(f"{API}/reports/999999").status_code == 404


def test_lists_take_a_fixed_number_of_queries(
    world: World, approved_sheet: GoalSheet, client_for: Any, django_assert_max_num_queries: Any
) -> None:
    with scopes_disabled():
        for n in range(6):
            project = ProjectFactory(
                fiscal_year=world.fiscal_year, unit=world.unit_b, code=f"B10{n}", category=world.project_b.category
            )
            GoalSheet.objects.create(
                region=world.region,
                fiscal_year=world.fiscal_year,
                unit=world.unit_b,
                project=project,
                status="approved",
                approved_version=1,
            )
    round_ = open_round(world)
    with scopes_disabled():
        reports = list(Report.objects.filter(round=round_).select_related("project"))
    for report in reports:
        services.decision_make(
            actor=world.actors["office"], report=report, kind="correct", reason="执行滞后", working_days=5
        )
    office = client_for("office")
    for url in (
        f"{API}/rounds",
        f"{API}/rounds/{round_.pk}",
        f"{API}/rounds/{round_.pk}/reports",
        f"{API}/warnings",
        f"{API}/decisions",
    ):
        # Session, user and reach take most of these; none is made per row.
        with django_assert_max_num_queries(12):
            assert office.get(url).status_code == 200, url
    assert office.get(f"{API}/warnings").json()["count"] == len(reports) == 7
