"""Self-evaluation pages: each role sees and does what it may; other units' forms are 404."""

from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_scopes import scopes_disabled

from jixiao.audit.models import AuditEntry
from jixiao.evaluation import services
from jixiao.evaluation.models import Round, SelfEval, Status
from tests.conftest import World
from tests.evaluation.conftest import ACTUALS, fill, form_of


def _post_data(form: SelfEval, actuals: dict[str, str] | None = None, **extra: str) -> dict[str, Any]:
    actuals = ACTUALS | (actuals or {})
    with scopes_disabled():
        lines = list(form.lines.all())
    return {
        "line_position": [str(line.position) for line in lines],
        "line_actual": [actuals.get(line.name, "") for line in lines],
        "line_score": ["" for _ in lines],
        "line_deviation_reason": ["" for _ in lines],
        "line_source": [line.source for line in lines],
        "goal_result": "全年保障 12150 名学生。",
        **extra,
    }


def test_office_opens_a_round_and_sees_the_overview(world: World, approved_sheet: Any, client_for: Any) -> None:
    office = client_for("office")
    page = office.get(reverse("evaluation:round_new")).content.decode()
    assert "2026 年度（已批复目标表 1 张）" in page
    response = office.post(
        reverse("evaluation:round_new"),
        {"year": str(world.fiscal_year.pk), "title": "2026 年度绩效自评", "deadline": "2027-04-30"},
    )
    with scopes_disabled():
        round_ = Round.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("evaluation:round_detail", args=[round_.pk])
    detail = office.get(response["Location"]).content.decode()
    assert "义务教育学校公用经费保障" in detail and "填报进度（1 张自评表）" in detail
    listing = office.get(reverse("evaluation:round_list")).content.decode()
    assert "2026 年度绩效自评" in listing


def test_bad_round_input_keeps_the_page(world: World, approved_sheet: Any, client_for: Any) -> None:
    office = client_for("office")
    response = office.post(
        reverse("evaluation:round_new"),
        {"year": str(world.fiscal_year.pk), "title": "x", "deadline": "明年"},
        follow=True,
    )
    assert "不是 YYYY-MM-DD 格式的日期" in response.content.decode()
    with scopes_disabled():
        assert not Round.objects.exists()


def test_unit_fills_submits_and_leader_sends_up(world: World, round_: Round, client_for: Any) -> None:
    form = form_of(round_)
    editor = client_for("unit_a_editor")
    url = reverse("evaluation:form_edit", args=[form.pk])
    page = editor.get(url).content.decode()
    assert "公用经费保障的在校学生人数" in page and "即时得分" in page
    preview = editor.post(reverse("evaluation:form_preview", args=[form.pk]), _post_data(form)).content.decode()
    assert "99.50" in preview and "尚未保存" in preview
    assert form_of(round_).total is None
    response = editor.post(url, _post_data(form, then="view"))
    assert response.status_code == 302
    form = form_of(round_)
    assert form.total == Decimal("99.50") and form.grade == "优"
    detail = editor.get(reverse("evaluation:form_detail", args=[form.pk])).content.decode()
    assert "报送单位审核" in detail and "99.50" in detail
    editor.post(reverse("evaluation:form_transition", args=[form.pk]), {"action": "submit"})
    client_for("unit_a_leader").post(
        reverse("evaluation:form_transition", args=[form.pk]), {"action": "leader_approve"}
    )
    assert form_of(round_).status == Status.SUBMITTED


def test_preview_reports_bad_input_without_saving(world: World, round_: Round, client_for: Any) -> None:
    form = form_of(round_)
    data = _post_data(form)
    data["line_score"][0] = "abc"
    html = client_for("unit_a_editor").post(reverse("evaluation:form_preview", args=[form.pk]), data).content.decode()
    assert "不是数字" in html


def test_a_refused_save_keeps_what_was_typed(world: World, round_: Round, client_for: Any) -> None:
    form = form_of(round_)
    data = _post_data(form, {"学生家长满意度": "93"}, conclusion="长" * 2001)
    response = client_for("unit_a_editor").post(reverse("evaluation:form_edit", args=[form.pk]), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "评价结论不超过 2000 字" in html and 'value="12150"' in html
    assert form_of(round_).total is None


def test_other_units_get_404_and_wrong_roles_403(world: World, round_: Round, client_for: Any) -> None:
    form = form_of(round_)
    other = client_for("unit_b_editor")
    assert other.get(reverse("evaluation:form_detail", args=[form.pk])).status_code == 404
    assert other.get(reverse("evaluation:form_edit", args=[form.pk])).status_code == 404
    assert other.post(reverse("evaluation:form_preview", args=[form.pk]), _post_data(form)).status_code == 404
    listing = other.get(reverse("evaluation:round_detail", args=[round_.pk])).content.decode()
    assert "义务教育学校公用经费保障" not in listing
    assert client_for("section").get(reverse("evaluation:form_edit", args=[form.pk])).status_code == 403
    assert client_for("agency").get(reverse("evaluation:round_list")).status_code == 403
    assert client_for("unit_a_editor").get(reverse("evaluation:round_new")).status_code == 403


def test_finance_samples_and_rechecks(world: World, round_: Round, client_for: Any) -> None:
    form = fill(world, form_of(round_))
    for actor, action in (("unit_a_editor", "submit"), ("unit_a_leader", "leader_approve")):
        services.form_transition(actor=world.actors[actor], form=form, action=action)
    office = client_for("office")
    office.post(reverse("evaluation:sample_draw", args=[round_.pk]), {"percent": "20"})
    assert form_of(round_).sampled
    response = office.post(
        reverse("evaluation:recheck", args=[form.pk]),
        {"total": "85", "note": "满意度调查问卷样本量不足 30 份，不予认可"},
        follow=True,
    )
    html = response.content.decode()
    assert "自评失真" in html and "财政复核得分 85.00" in html
    assert form_of(round_).distorted
    assert (
        client_for("section")
        .post(reverse("evaluation:recheck", args=[form.pk]), {"total": "90", "note": "x"})
        .status_code
        == 403
    )
    overview = office.get(reverse("evaluation:round_detail", args=[round_.pk]) + "?distorted=1").content.decode()
    assert "失真" in overview and "义务教育学校公用经费保障" in overview


def test_evidence_upload_download_and_isolation(world: World, round_: Round, client_for: Any) -> None:
    form = form_of(round_)
    editor = client_for("unit_a_editor")
    upload = SimpleUploadedFile("学籍统计.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    editor.post(reverse("evaluation:evidence_add", args=[form.pk]), {"file": upload, "position": "0"})
    with scopes_disabled():
        evidence = form.evidence.get()
    url = reverse("evaluation:evidence_download", args=[evidence.pk])
    response = client_for("auditor").get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    assert client_for("unit_b_editor").get(url).status_code == 404
    assert (
        client_for("unit_b_editor").post(reverse("evaluation:evidence_remove", args=[evidence.pk])).status_code == 404
    )
    editor.post(reverse("evaluation:evidence_remove", args=[evidence.pk]))
    with scopes_disabled():
        assert not form.evidence.exists()
    assert AuditEntry.objects.filter(action__startswith="evaluation.evidence.").count() == 2


def test_returned_form_shows_the_reason_and_my_forms_lists_it(world: World, round_: Round, client_for: Any) -> None:
    form = fill(world, form_of(round_))
    services.form_transition(actor=world.actors["unit_a_editor"], form=form, action="submit")
    client_for("unit_a_leader").post(
        reverse("evaluation:form_transition", args=[form.pk]),
        {"action": "leader_return", "reason": "满意度调查方法要写清楚"},
    )
    html = client_for("unit_a_editor").get(reverse("evaluation:my_forms") + "?status=returned").content.decode()
    assert "义务教育学校公用经费保障" in html
    detail = client_for("unit_a_editor").get(reverse("evaluation:form_detail", args=[form.pk])).content.decode()
    assert "满意度调查方法要写清楚" in detail


def test_rules_page_and_new_version(world: World, client_for: Any) -> None:
    office = client_for("office")
    url = reverse("evaluation:rules") + "?year=2026"
    assert "default-2026.1" in office.get(url).content.decode()
    response = office.post(url, {"year": "2026", "data": '{"reverse": "ratio"}', "note": "比值法"})
    assert response.status_code == 302
    assert "超过指标值的，按 指标值 ÷ 实际" in office.get(url).content.decode()
    bad = office.post(url, {"year": "2026", "data": '{"reverse": "x"}', "note": ""})
    assert bad.status_code == 400 and "reverse" in bad.content.decode()
    assert client_for("section").post(url, {"year": "2026", "data": "{}"}).status_code == 403


def test_home_page_lists_forms_to_fill(world: World, round_: Round, client_for: Any) -> None:
    html = client_for("unit_a_editor").get(reverse("home")).content.decode()
    assert "待填报的绩效自评表" in html


def test_the_project_page_shows_its_self_evaluation(world: World, round_: Round, client_for: Any) -> None:
    fill(world, form_of(round_))
    url = reverse("budget:project_detail", args=[world.project_a.pk])
    html = client_for("unit_a_editor").get(url).content.decode()
    assert "自评得分 99.50" in html and "等级「优」" in html


def test_a_score_of_zero_is_shown_as_zero(world: World, round_: Round, client_for: Any) -> None:
    form = fill(world, form_of(round_), {"学生家长满意度": "0"})
    html = client_for("unit_a_editor").get(reverse("evaluation:form_detail", args=[form.pk])).content.decode()
    assert "<strong>0.00</strong>" in html


def test_a_refused_save_keeps_the_typed_qualitative_score(world: World, round_: Round, client_for: Any) -> None:
    form = form_of(round_)
    with scopes_disabled():
        line = form.lines.get(name="学校正常运转保障率")
        line.symbol, line.value = "定性", "正常"
        line.save()
    data = _post_data(form, {"学校正常运转保障率": "部分达成"}, conclusion="长" * 2001)
    data["line_score"][line.position] = "11.5"
    response = client_for("unit_a_editor").post(reverse("evaluation:form_edit", args=[form.pk]), data)
    assert response.status_code == 400 and 'value="11.5"' in response.content.decode()
