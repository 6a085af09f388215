import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_scopes import scopes_disabled

from jixiao.audit.models import AuditEntry
from jixiao.monitoring import services
from jixiao.monitoring.models import Attachment, Decision, Holiday, Line, PaymentPlan, Report, Round, WarningRules
from tests.conftest import World
from tests.monitoring.conftest import ON_TRACK, report_of

pytestmark = pytest.mark.django_db


def post_lines(report: Report) -> dict[str, Any]:
    with scopes_disabled():
        lines = list(report.lines.all())
    return {
        "line_position": [str(line.position) for line in lines],
        "line_done": [ON_TRACK[line.name] for line in lines],
        "line_expected": ["" for _ in lines],
        "line_reason": ["" for _ in lines],
        "line_reason_note": ["" for _ in lines],
        "line_likelihood": ["" for _ in lines],
        "line_measures": ["" for _ in lines],
    }


def test_office_opens_a_round_in_the_browser(world: World, approved_sheet: Any, client_for: Any) -> None:
    client = client_for("office")
    page = client.get(reverse("monitoring:round_new"))
    assert page.status_code == 200 and "只有绩效目标已批复的项目纳入监控（共 1 个）" in page.content.decode()
    response = client.post(
        reverse("monitoring:round_new"),
        {
            "title": "2026 年 1–8 月绩效运行监控",
            "month": "8",
            "deadline": "2026-09-15",
            "kind": "general",
            "scope": "all",
        },
    )
    with scopes_disabled():
        round_ = Round.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("monitoring:round_detail", args=[round_.pk])
    bad = client.post(reverse("monitoring:round_new"), {"title": "x", "month": "8", "deadline": "9月15日"})
    assert "不是 YYYY-MM-DD" in bad.content.decode()
    with scopes_disabled():
        assert Round.objects.count() == 1


def test_the_overview_shows_lights_units_and_curves(world: World, round_: Round, client_for: Any) -> None:
    for actor in ("office", "section", "unit_a_editor", "auditor"):
        page = client_for(actor).get(reverse("monitoring:round_detail", args=[round_.pk]))
        assert page.status_code == 200
        html = page.content.decode()
        assert world.project_a.name in html and 'id="unit-board"' in html
    chart = page.context["chart"]
    assert chart["lights"]["red"] == 1 and len(chart["curve"]) == 12
    august = chart["curve"][7]
    assert august["actual"] == 20.0 and august["expected"] > august["actual"]
    assert chart["curve"][8]["actual"] is None  # no line drawn past the round's month
    # Unit B sees the round but none of unit A's projects.
    other = client_for("unit_b_editor").get(reverse("monitoring:round_detail", args=[round_.pk]))
    assert world.project_a.name not in other.content.decode()
    assert (
        client_for("office")
        .get(reverse("monitoring:round_detail", args=[round_.pk]), {"light": "green"})
        .context["page"]
        .paginator.count
        == 0
    )


def test_the_unit_fills_and_submits(world: World, round_: Round, client_for: Any) -> None:
    report = report_of(round_)
    client = client_for("unit_a_editor")
    edit = reverse("monitoring:report_edit", args=[report.pk])
    assert client.get(edit).status_code == 200
    # A reason outside the national list is refused, and the form keeps what was typed.
    typed = post_lines(report) | {"summary": "上半年拨付滞后，下半年加快", "estimate": "95"}
    typed["line_reason"] = ["天气", *typed["line_reason"][1:]]
    refused = client.post(edit, typed)
    assert refused.status_code == 400 and "上半年拨付滞后" in refused.content.decode()
    with scopes_disabled():
        assert not Report.objects.get(pk=report.pk).summary
    saved = client.post(edit, post_lines(report) | {"summary": "上半年拨付滞后，下半年加快", "estimate": "95"})
    assert saved.status_code == 302
    with scopes_disabled():
        stored = Report.objects.get(pk=report.pk)
        assert stored.estimate == Decimal("950000.00")
        assert Line.objects.get(report=report, name="义务教育巩固率").done == "98.5"
    detail = client.get(reverse("monitoring:report_detail", args=[report.pk]))
    assert "报送单位审核" in detail.content.decode()
    client.post(reverse("monitoring:report_transition", args=[report.pk]), {"action": "submit"})
    with scopes_disabled():
        assert Report.objects.get(pk=report.pk).status == "leader"
    # Another unit's editor: the report does not exist for them.
    assert client_for("unit_b_editor").get(edit).status_code == 404
    assert client_for("unit_b_editor").get(reverse("monitoring:report_detail", args=[report.pk])).status_code == 404


def test_payment_plan_page(world: World, round_: Round, client_for: Any) -> None:
    client = client_for("unit_a_editor")
    url = reverse("monitoring:plan_edit", args=[world.project_a.pk])
    assert client.get(url).status_code == 200
    months = {f"m{n}": "0" for n in range(1, 13)} | {"m3": "5", "m6": "15", "m11": "40", "m12": "40"}
    assert client.post(url, months).status_code == 302
    with scopes_disabled():
        assert PaymentPlan.objects.get(project=world.project_a).amounts[2] == Decimal("50000.00")
        assert Report.objects.get(pk=report_of(round_).pk).execution_light == "green"
    over = client.post(url, months | {"m12": "9000"})
    assert over.status_code == 400 and "超过项目全年预算" in over.content.decode()
    assert client_for("unit_b_editor").get(url).status_code == 404


def test_finance_decides_and_the_unit_follows_up(world: World, round_: Round, client_for: Any) -> None:
    report = report_of(round_)
    section = client_for("section")
    decide = reverse("monitoring:decision_create", args=[report.pk])
    section.post(decide, {"kind": "suspend", "reason": "执行严重滞后", "working_days": "10", "amount": "30"})
    with scopes_disabled():
        decision = Decision.objects.get()
    assert decision.amount == Decimal("300000.00") and decision.kind == "suspend"
    refused = section.post(decide, {"kind": "stop", "reason": "收回", "working_days": "10"}, follow=True)
    assert "须填写涉及金额" in refused.content.decode()
    page = client_for("unit_a_editor").get(reverse("monitoring:decisions"))
    assert "执行严重滞后" in page.content.decode()
    client_for("unit_a_editor").post(
        reverse("monitoring:decision_answer", args=[decision.pk]), {"text": "已调整拨付进度"}
    )
    client_for("office").post(reverse("monitoring:decision_close", args=[decision.pk]))
    with scopes_disabled():
        assert Decision.objects.get().status == "closed"
    project_page = client_for("unit_a_editor").get(reverse("budget:project_detail", args=[world.project_a.pk]))
    assert "暂缓拨款" in project_page.content.decode() and "已调整拨付进度" in project_page.content.decode()
    assert (
        client_for("unit_b_editor").post(reverse("monitoring:decision_answer", args=[decision.pk])).status_code == 404
    )


def test_an_overdue_decision_is_on_everyones_home_page(world: World, round_: Round, client_for: Any) -> None:
    services.decision_make(
        actor=world.actors["office"],
        report=report_of(round_),
        kind="correct",
        reason="限期纠偏",
        working_days=3,
        today=dt.date(2026, 9, 1),
    )
    for actor in ("office", "section", "unit_a_editor", "unit_a_leader", "auditor"):
        home = client_for(actor).get(reverse("home")).content.decode()
        assert "逾期未落实的监控处理决定" in home, actor
    assert "逾期未落实的监控处理决定" not in client_for("unit_b_editor").get(reverse("home")).content.decode()


def test_evidence_for_key_monitoring(world: World, approved_sheet: Any, client_for: Any) -> None:
    from tests.monitoring.conftest import open_round

    round_ = open_round(world, kind="key", scope="list", project_ids=[world.project_a.pk])
    report = report_of(round_)
    client = client_for("unit_a_editor")
    upload = SimpleUploadedFile("现场照片.png", b"\x89PNG\r\n\x1a\n" + b"0" * 100, content_type="image/png")
    client.post(reverse("monitoring:attachment_add", args=[report.pk]), {"file": upload})
    bad = SimpleUploadedFile("脚本.exe", b"MZ", content_type="application/octet-stream")
    refused = client.post(reverse("monitoring:attachment_add", args=[report.pk]), {"file": bad}, follow=True)
    assert "类型不受支持" in refused.content.decode()
    with scopes_disabled():
        attachment = Attachment.objects.get()
    download = reverse("monitoring:attachment_download", args=[attachment.pk])
    response = client_for("auditor").get(download)
    # Reading the stream to its end closes the file; closing the response by hand would fire
    # request_finished and drop the test's PostgreSQL connection.
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"\x89PNG")
    assert client_for("unit_b_editor").get(download).status_code == 404
    assert (
        client_for("unit_b_editor").post(reverse("monitoring:attachment_remove", args=[attachment.pk])).status_code
        == 404
    )
    client.post(reverse("monitoring:attachment_remove", args=[attachment.pk]))
    with scopes_disabled():
        assert not Attachment.objects.exists()
    assert AuditEntry.objects.filter(action__startswith="monitoring.attachment.").count() == 2


def test_the_office_keeps_holidays_and_rules(world: World, client_for: Any) -> None:
    office = client_for("office")
    url = reverse("monitoring:holidays") + "?year=2026"
    assert "载入内置的 2026 年安排" in office.get(url).content.decode()
    office.post(url, {"load": "1"})
    office.post(url, {"date": "2026-11-02", "name": "地方假日", "working": "0"})
    with scopes_disabled():
        assert Holiday.objects.filter(region=world.region).count() == 40
        day = Holiday.objects.get(date=dt.date(2026, 11, 2))
    assert client_for("section").post(url, {"load": "1"}).status_code == 403
    office.post(reverse("monitoring:holiday_delete", args=[day.pk]))
    with scopes_disabled():
        assert not Holiday.objects.filter(date=dt.date(2026, 11, 2)).exists()
    rules = reverse("monitoring:rules")
    assert client_for("auditor").get(rules).status_code == 200
    bad = office.post(rules, {"data": "{not json", "note": ""})
    assert bad.status_code == 400 and "不是有效的 JSON" in bad.content.decode()
    office.post(rules, {"data": json.dumps({"execution_rule": "sichuan-2025"}), "note": "改用节点"})
    with scopes_disabled():
        assert WarningRules.objects.get().version == "430212-2026.w1"
    assert "累计执行率节点" in office.get(rules).content.decode()
    assert client_for("section").post(rules, {"data": "{}"}).status_code == 403
