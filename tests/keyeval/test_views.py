"""Key evaluation pages: the office selects and commissions, the agency member declares before
seeing anything, scores and submits, the office returns or rates; other units get 404, roles
without the permission 403, and an undeclared agency member sees no budget figure anywhere."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from jixiao.audit.models import AuditEntry
from jixiao.keyeval import services
from jixiao.keyeval.models import Agency, Declaration, Evaluation, Evidence, Status
from jixiao.rectification.models import Item as Rectification
from jixiao.rectification.models import Source
from tests.conftest import World
from tests.factories import ProjectFactory, UserFactory
from tests.keyeval.conftest import make_agency, scored_rows, select, shaped_rows

FIELDS = ("level1", "level2", "level3", "weight", "explanation", "standard", "score", "note")


def _url(name: str, *args: Any) -> str:
    return reverse(f"keyeval:{name}", args=args)


def _page(response: Any) -> str:
    return response.content.decode()


def _messages(response: Any) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _fresh(evaluation: Evaluation) -> Evaluation:
    with scopes_disabled():
        return Evaluation.objects.get(pk=evaluation.pk)


def _rows_post(rows: list[services.ItemIn]) -> dict[str, list[str]]:
    return {f"row_{f}": ["" if getattr(r, f) is None else str(getattr(r, f)) for r in rows] for f in FIELDS}


def _report(name: str = "评价报告.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4 report", content_type="application/pdf")


# --- the list, per role ----------------------------------------------------------------------------


def test_list_shows_each_role_its_own(world: World, selected: Evaluation, client_for: Any) -> None:
    other = select(world, world.project_b)
    for name in ("office", "section", "unit_a_editor", "unit_a_leader", "auditor"):
        page = _page(client_for(name).get(_url("evaluation_list")))
        assert selected.title in page, name
    assert other.title in _page(client_for("office").get(_url("evaluation_list")))
    for name in ("section", "unit_a_editor"):  # unit B belongs to another section
        assert other.title not in _page(client_for(name).get(_url("evaluation_list"))), name
    b_page = _page(client_for("unit_b_editor").get(_url("evaluation_list")))
    assert other.title in b_page and selected.title not in b_page
    agency_page = _page(client_for("agency").get(_url("evaluation_list")))
    assert selected.title not in agency_page  # not commissioned yet
    office = _page(client_for("office").get(_url("evaluation_list")))
    assert _url("select") in office and _url("agency_list") in office
    unit = _page(client_for("unit_a_editor").get(_url("evaluation_list")))
    assert _url("select") not in unit and _url("agency_list") not in unit
    assert client_for("sysadmin").get(_url("evaluation_list")).status_code == 403
    assert client_for("anonymous").get(_url("evaluation_list")).status_code == 302


def test_list_filters_overdue_and_status(world: World, assigned: Evaluation, client_for: Any) -> None:
    later = select(world, world.project_b)
    with scopes_disabled():
        Evaluation.objects.filter(pk=assigned.pk).update(deadline=timezone.localdate() - dt.timedelta(days=1))
    office = client_for("office")
    overdue = _page(office.get(_url("evaluation_list") + "?status=overdue"))
    assert assigned.title in overdue and later.title not in overdue
    assert "text-danger fw-bold" in overdue  # the deadline shows red
    chosen = _page(office.get(_url("evaluation_list") + "?status=selected"))
    assert later.title in chosen and assigned.title not in chosen
    searched = _page(office.get(_url("evaluation_list") + "?q=公安局"))
    assert later.title in searched and assigned.title not in searched


# --- the agency member and the declaration ----------------------------------------------------------


def test_agency_sees_nothing_before_declaring(world: World, assigned: Evaluation, client_for: Any) -> None:
    agency = client_for("agency")
    listing = _page(agency.get(_url("evaluation_list")))
    assert assigned.title in listing and "签署利益冲突声明" in listing
    assert _url("evaluation_detail", assigned.pk) + '"' not in listing
    for name in ("evaluation_detail", "outline", "items_edit", "report_download"):
        response = agency.get(_url(name, assigned.pk))
        assert response.status_code == 302 and response["Location"] == _url("declare", assigned.pk), name
    declare = agency.get(_url("declare", assigned.pk))
    page = _page(declare)
    assert declare.status_code == 200 and services.DECLARATION in page
    assert world.project_a.name in page and world.unit_a.name in page
    for figure in ("100.00", "58000", "5.80", "项目资金"):  # budget, fee, reasons
        assert figure not in listing and figure not in page, figure
    response = agency.post(_url("declare", assigned.pk), {"conflict": "0"})
    assert response.status_code == 302 and response["Location"] == _url("evaluation_detail", assigned.pk)
    assert _fresh(assigned).status == Status.WORKING
    detail = _page(agency.get(_url("evaluation_detail", assigned.pk)))
    assert "100.00" in detail and "提交评价报告" in detail
    assert "58000" not in detail  # the fee is finance's business
    assert agency.get(_url("declare", assigned.pk))["Location"] == _url("evaluation_detail", assigned.pk)


def test_conflict_keeps_the_member_out(world: World, assigned: Evaluation, client_for: Any) -> None:
    agency = client_for("agency")
    refused = agency.post(_url("declare", assigned.pk), {"conflict": "1", "statement": " "})
    assert refused.status_code == 400 and "请填写利害关系说明" in _page(refused)
    response = agency.post(_url("declare", assigned.pk), {"conflict": "1", "statement": "本人配偶在该局任职"})
    assert response.status_code == 302 and response["Location"] == _url("evaluation_list")
    assert _fresh(assigned).status == Status.ASSIGNED
    assert agency.get(_url("evaluation_detail", assigned.pk)).status_code == 404
    assert agency.get(_url("declare", assigned.pk)).status_code == 404
    assert "已申报回避" in _page(agency.get(_url("evaluation_list")))
    for name in ("office", "auditor"):
        assert "本人配偶在该局任职" in _page(client_for(name).get(_url("evaluation_detail", assigned.pk))), name
    assert "本人配偶在该局任职" not in _page(client_for("section").get(_url("evaluation_detail", assigned.pk)))


def test_another_agency_member_sees_nothing(world: World, assigned: Evaluation, client_for: Any) -> None:
    stranger = UserFactory(username="stranger", role="agency", region=world.region)
    make_agency(world, "另一家评估公司", members=())
    client = client_for("office")
    client.force_login(stranger)
    assert assigned.title not in _page(client.get(_url("evaluation_list")))
    assert client.get(_url("evaluation_detail", assigned.pk)).status_code == 404
    assert client.get(_url("declare", assigned.pk)).status_code == 404


# --- isolation and fee ---------------------------------------------------------------------------


def test_isolation_and_fee(world: World, assigned: Evaluation, client_for: Any) -> None:
    url = _url("evaluation_detail", assigned.pk)
    for name in ("office", "section", "unit_a_editor", "unit_a_leader", "auditor"):
        assert client_for(name).get(url).status_code == 200, name
    for name in ("evaluation_detail", "outline", "report_download"):
        assert client_for("unit_b_editor").get(_url(name, assigned.pk)).status_code == 404, name
    assert "58000.00 元" in _page(client_for("office").get(url))
    assert "58000.00 元" in _page(client_for("section").get(url))
    unit = _page(client_for("unit_a_editor").get(url))
    assert "委托费用" not in unit and "58000" not in unit
    assert "100.00" in unit  # the unit sees its own project's figures
    assert "委托第三方机构" not in unit and "取消该重点评价" not in unit


def test_roles_without_the_permission_get_403(world: World, selected: Evaluation, client_for: Any) -> None:
    unit = client_for("unit_a_editor")
    assert unit.get(_url("select")).status_code == 403
    assert unit.get(_url("agency_list")).status_code == 403
    assert unit.get(_url("items_edit", selected.pk)).status_code == 403
    assert client_for("section").get(_url("items_edit", selected.pk)).status_code == 403
    assert client_for("section").post(_url("cancel", selected.pk), {"reason": "x"}).status_code == 403
    assert client_for("section").get(_url("agency_new")).status_code == 403
    assert client_for("office").post(_url("submit", selected.pk), {"conclusion": "x"}).status_code == 403
    assert client_for("agency").post(_url("assign", selected.pk), {}).status_code == 403
    assert _fresh(selected).status == Status.SELECTED


# --- selection ---------------------------------------------------------------------------------------


def test_select_filters_and_creates_with_server_reasons(world: World, client_for: Any) -> None:
    with scopes_disabled():
        big = ProjectFactory(
            fiscal_year=world.fiscal_year,
            unit=world.unit_b,
            code="B002",
            name="城区道路交通信号系统改造",
            category=world.project_a.category,
            initial_budget=Decimal("3000000"),
            adjusted_budget=Decimal("3200000"),
            is_major=True,
        )
    office = client_for("office")
    page = _page(
        office.get(_url("select") + "?year=2026&min_amount=\uff13\uff10\uff10")
    )  # full-width 300, as pasted from Excel
    assert big.name in page and world.project_a.name not in page and "320.00" in page
    assert "重大项目" in page
    everything = _page(office.get(_url("select") + "?year=2026"))
    assert world.project_a.name in everything and world.project_b.name in everything
    for bad, message in (
        ("?min_amount=很多", "最低金额（万元）：「很多」不是数字"),
        ("?increase=abc", "预算增幅（%）：「abc」不是数字"),
        ("?year=1999", "不是本区划的预算年度"),
        ("?weak=7", "应为 0、1 或 2"),
        ("?category=999999", "不是本区划的项目类别"),
    ):
        response = office.get(_url("select") + bad)
        assert response.status_code == 400 and message in _page(response), bad
    response = office.post(
        _url("select") + "?year=2026",
        {"project": [str(big.pk)], "requirements": "重点关注资金使用效益", "reasons": "伪造的理由"},
    )
    assert response.status_code == 302 and response["Location"] == _url("evaluation_list") + "?status=selected"
    with scopes_disabled():
        created = Evaluation.objects.get(project=big)
    assert created.reasons == ["项目资金 320.00 万元", "民生项目（教育）", "重大项目"]
    assert created.requirements == "重点关注资金使用效益" and created.status == Status.SELECTED
    assert created.items.count() >= 17
    again = _page(office.get(_url("select") + "?year=2026"))
    assert f'value="{big.pk}" aria-label="选定 {big.name}" disabled' in again
    twice = office.post(_url("select") + "?year=2026", {"project": [str(big.pk)]})
    assert twice.status_code == 400 and "已有进行中的重点评价" in _page(twice)
    other_region = office.post(_url("select") + "?year=2026", {"project": [str(world.other_region_project.pk)]})
    assert other_region.status_code == 400 and "所选项目不在本区划该年度的项目中" in _page(other_region)
    none = office.post(_url("select") + "?year=2026", {})
    assert none.status_code == 400 and "请至少选择一个项目" in _page(none)
    with scopes_disabled():
        assert Evaluation.objects.count() == 1


# --- the workflow through the pages ------------------------------------------------------------------


def test_assign_and_cancel(world: World, selected: Evaluation, agency: Agency, client_for: Any) -> None:
    office = client_for("office")
    deadline = (timezone.localdate() + dt.timedelta(days=45)).isoformat()
    detail = _page(office.get(_url("evaluation_detail", selected.pk)))
    assert "委托第三方机构" in detail and agency.name in detail and _url("items_edit", selected.pk) in detail
    bad = office.post(_url("assign", selected.pk), {"agency": str(agency.pk), "deadline": "下个月", "fee": "1"})
    assert bad.status_code == 400 and "报告提交期限「下个月」不是 YYYY-MM-DD 格式的日期" in _page(bad)
    bad_fee = office.post(_url("assign", selected.pk), {"agency": str(agency.pk), "deadline": deadline, "fee": "五万"})
    assert bad_fee.status_code == 400 and "委托费用（元）" in _page(bad_fee)
    assert _fresh(selected).status == Status.SELECTED
    response = office.post(
        _url("assign", selected.pk),
        {"agency": str(agency.pk), "deadline": deadline, "fee": "58,000", "requirements": "实地核查不少于 3 所学校"},
    )
    assert response.status_code == 302 and "已委托第三方机构" in " ".join(_messages(response))
    assigned = _fresh(selected)
    assert assigned.status == Status.ASSIGNED and assigned.agency_id == agency.pk
    assert assigned.fee == Decimal("58000") and assigned.deadline.isoformat() == deadline
    assert assigned.requirements == "实地核查不少于 3 所学校"
    refused = office.post(_url("cancel", selected.pk), {"reason": ""})
    assert refused.status_code == 400 and "请填写取消理由" in _page(refused)
    office.post(_url("cancel", selected.pk), {"reason": "项目已撤销"})
    assert _fresh(selected).status == Status.CANCELLED
    with scopes_disabled():
        assert AuditEntry.objects.filter(action="keyeval.evaluation.cancelled").count() == 1
    assert selected.title not in _page(client_for("agency").get(_url("evaluation_list")))


def test_score_submit_return_and_rate(world: World, working: Evaluation, client_for: Any) -> None:
    agency, office = client_for("agency"), client_for("office")
    rows = scored_rows(working, lose=Decimal("1.5"))
    saved = agency.post(_url("items_edit", working.pk), {**_rows_post(rows), "then": "view"})
    assert saved.status_code == 302 and saved["Location"] == _url("evaluation_detail", working.pk)
    early = agency.post(_url("submit", working.pk), {"conclusion": "项目总体实施较好"})
    assert early.status_code == 400 and "请上传评价报告" in _page(early)
    wrong = agency.post(_url("submit", working.pk), {"conclusion": "项目总体实施较好", "report": _report("报告.xlsx")})
    assert wrong.status_code == 400 and "评价报告应为" in _page(wrong)
    assert _fresh(working).status == Status.WORKING
    response = agency.post(_url("submit", working.pk), {"conclusion": "项目总体实施较好", "report": _report()})
    assert response.status_code == 302
    submitted = _fresh(working)
    assert submitted.status == Status.SUBMITTED and submitted.total == Decimal("98.5") and submitted.grade == "优"
    detail = _page(office.get(_url("evaluation_detail", working.pk)))
    assert "评定报告质量" in detail and "退回修改" in detail and "98.50" in detail
    download = client_for("unit_a_editor").get(_url("report_download", working.pk))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    no_note = office.post(_url("return_report", working.pk), {"note": ""})
    assert no_note.status_code == 400 and "请填写退回意见" in _page(no_note)
    office.post(_url("return_report", working.pk), {"note": "请补充满意度调查样本说明"})
    returned = _fresh(working)
    assert returned.status == Status.WORKING and returned.returns == 1
    assert "请补充满意度调查样本说明" in _page(agency.get(_url("evaluation_detail", working.pk)))
    agency.post(_url("submit", working.pk), {"conclusion": "已补充样本说明"})  # the report on file stands
    assert _fresh(working).status == Status.SUBMITTED
    bad = office.post(_url("rate", working.pk), {"quality": "一百", "note": ""})
    assert bad.status_code == 400 and "报告质量评分：「一百」不是数字" in _page(bad)
    too_high = office.post(_url("rate", working.pk), {"quality": "120"})
    assert too_high.status_code == 400 and "0 到 100" in _page(too_high)
    office.post(_url("rate", working.pk), {"quality": "88.5", "note": "结构完整，证据充分"})
    rated = _fresh(working)
    assert rated.status == Status.RATED and rated.quality == Decimal("88.5")
    registry = _page(office.get(_url("agency_list")))
    assert "委托 1、已评定 1、平均质量分 88.50、逾期提交 0" in registry
    listing = _page(agency.get(_url("evaluation_list")))
    assert "98.50" in listing and "已评定" in listing


def test_evidence_follows_its_item(world: World, working: Evaluation, client_for: Any) -> None:
    agency = client_for("agency")
    with scopes_disabled():
        first = working.items.order_by("position").first()
    assert first is not None
    upload = SimpleUploadedFile("访谈记录.pdf", b"%PDF-1.4 notes", content_type="application/pdf")
    response = agency.post(_url("evidence_add", working.pk), {"item": str(first.pk), "file": upload})
    assert response.status_code == 302
    with scopes_disabled():
        evidence = Evidence.objects.get()
    assert evidence.item_id == first.pk
    agency.post(_url("items_edit", working.pk), _rows_post(scored_rows(working)))
    with scopes_disabled():
        evidence.refresh_from_db()
        assert evidence.item is not None and evidence.item.level3 == first.level3  # survived the re-save
    download = client_for("office").get(_url("evidence_download", evidence.pk))
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF-1.4 notes"
    assert client_for("unit_b_editor").get(_url("evidence_download", evidence.pk)).status_code == 404
    assert client_for("office").post(_url("evidence_remove", evidence.pk)).status_code == 403
    foreign = agency.post(_url("evidence_add", working.pk), {"item": "999999", "file": _report()})
    assert foreign.status_code == 400 and "所选指标不属于该评价" in _page(foreign)
    agency.post(_url("evidence_remove", evidence.pk))
    with scopes_disabled():
        assert not Evidence.objects.exists()


# --- the index system editor -------------------------------------------------------------------------


def test_items_editor_refuses_a_bad_number(world: World, selected: Evaluation, client_for: Any) -> None:
    office = client_for("office")
    page = _page(office.get(_url("items_edit", selected.pk)))
    assert "立项依据充分性" in page and "添加指标" in page and "cdn" not in page.lower()
    with scopes_disabled():
        before = list(selected.items.values_list("level3", "weight"))
    post = _rows_post(shaped_rows(selected))
    post["row_weight"][2] = "abc"
    response = office.post(_url("items_edit", selected.pk), post)
    page = _page(response)
    assert response.status_code == 400 and "第 3 行「分值」：「abc」不是数字" in page
    assert 'value="abc"' in page  # the typed rows stay on the page
    with scopes_disabled():
        assert list(selected.items.values_list("level3", "weight")) == before
    post = _rows_post(shaped_rows(selected))
    post["row_level3"][0] = ""
    post["row_weight"][0] = "\uff11\uff10"  # full-width 10, as pasted from Excel
    blank_name = office.post(_url("items_edit", selected.pk), post)
    assert blank_name.status_code == 400 and "第 1 项的三级指标" in _page(blank_name)


def test_items_editor_saves_with_warnings(world: World, selected: Evaluation, client_for: Any) -> None:
    office = client_for("office")
    rows = [r for r in scored_rows(selected) if r.level1 in ("决策", "过程")]
    rows = [services.ItemIn(r.level1, r.level2, r.level3, r.weight, r.explanation, r.standard) for r in rows]
    post = _rows_post(rows)
    for field in FIELDS:  # an added row left blank is dropped
        post[f"row_{field}"].append("决策" if field == "level1" else "")
    response = office.post(_url("items_edit", selected.pk), post)
    assert response.status_code == 302 and response["Location"] == _url("items_edit", selected.pk)
    shown = " ".join(_messages(response))
    assert "各指标分值合计 40，应为 100" in shown and "低于 60%" in shown
    with scopes_disabled():
        assert selected.items.count() == len(rows)
        assert set(selected.items.values_list("level1", flat=True)) == {"决策", "过程"}


def test_items_editor_follows_the_status(world: World, working: Evaluation, client_for: Any) -> None:
    office = client_for("office")
    response = office.get(_url("items_edit", working.pk))
    assert response.status_code == 302 and response["Location"] == _url("evaluation_detail", working.pk)
    assert "不能修改指标体系或评分" in " ".join(_messages(response))
    assert client_for("agency").get(_url("items_edit", working.pk)).status_code == 200
    assert client_for("unit_a_editor").get(_url("items_edit", working.pk)).status_code == 403


# --- the outline ---------------------------------------------------------------------------------------


def test_outline_html_and_text(world: World, working: Evaluation, client_for: Any) -> None:
    office = client_for("office")
    page = _page(office.get(_url("outline", working.pk)))
    assert "一、基本情况" in page and "附件：评分表" in page and "window.print()" in page
    assert world.project_a.name in page and "（待填写）" in page
    response = office.get(_url("outline", working.pk) + "?format=txt")
    assert response.status_code == 200 and response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.startswith("\ufeff".encode())
    text = response.content.decode("utf-8-sig")
    assert text.startswith("一、基本情况") and "湖南湘江会计师事务所有限公司" in text
    assert "attachment" in response["Content-Disposition"]
    assert "filename*=utf-8''" in response["Content-Disposition"]
    assert "%E8%AF%84%E4%BB%B7%E6%8A%A5%E5%91%8A%E6%8F%90%E7%BA%B2.txt" in response["Content-Disposition"]


# --- the agency registry -----------------------------------------------------------------------------


def test_agency_registry(world: World, assigned: Evaluation, agency: Agency, client_for: Any) -> None:
    office = client_for("office")
    listing = _page(office.get(_url("agency_list")))
    assert agency.name in listing and "委托 1、已评定 0" in listing and "登记机构" in listing
    section = client_for("section")
    assert agency.name in _page(section.get(_url("agency_list")))
    assert "登记机构" not in _page(section.get(_url("agency_list")))
    assert assigned.title in _page(client_for("auditor").get(_url("agency_detail", agency.pk)))
    assert section.get(_url("agency_edit", agency.pk)).status_code == 403
    assert client_for("agency").get(_url("agency_list")).status_code == 403
    evaluator = world.actors["agency"]
    form = {"name": "株洲评估咨询有限公司", "contact": "钱敏", "phone": "0731-28000000", "active": "1"}
    assert world.actors["agency"].username in _page(office.get(_url("agency_new")))
    bad = office.post(_url("agency_new"), {**form, "credit_code": "123"})
    assert bad.status_code == 400 and "应为 18 位数字或大写字母" in _page(bad) and "株洲评估咨询有限公司" in _page(bad)
    not_agency = office.post(_url("agency_new"), {**form, "members": [str(world.actors["unit_a_editor"].pk)]})
    assert not_agency.status_code == 400 and "机构评价人员应为" in _page(not_agency)
    response = office.post(_url("agency_new"), {**form, "members": [str(evaluator.pk)]})
    with scopes_disabled():
        created = Agency.objects.get(name="株洲评估咨询有限公司")
        assert list(created.members.all()) == [evaluator] and created.active
    assert response.status_code == 302 and response["Location"] == _url("agency_detail", created.pk)
    assert "株洲评估咨询有限公司" in _page(office.get(_url("agency_edit", created.pk)))
    paused = {key: value for key, value in form.items() if key != "active"}  # the box left unticked
    office.post(_url("agency_edit", created.pk), {**paused, "phone": "0731-28000001"})
    with scopes_disabled():
        created.refresh_from_db()
        assert created.phone == "0731-28000001" and not created.active and not created.members.exists()
    detail = _page(office.get(_url("evaluation_detail", assigned.pk)))
    assert (
        ">株洲评估咨询有限公司</option>" not in detail and f">{agency.name}</option>" in detail
    )  # paused: not offered
    clash = office.post(_url("agency_edit", created.pk), {**form, "name": agency.name})
    assert clash.status_code == 400 and "已登记" in _page(clash)


# --- rectification from a key evaluation ------------------------------------------------------------


def test_rectification_raised_from_an_evaluation(world: World, working: Evaluation, client_for: Any) -> None:
    office = client_for("office")
    new = reverse("rectification:item_new") + f"?evaluation={working.pk}"
    due = (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    form = {"evaluation": str(working.pk), "problem": "绩效目标未细化", "requirement": "重新编制目标", "due": due}
    early = office.post(reverse("rectification:item_new"), form)
    assert early.status_code == 400 and "重点评价报告提交后才能据此提出整改要求" in _page(early)
    assert new not in _page(office.get(_url("evaluation_detail", working.pk)))
    services.items_save(actor=world.actors["agency"], evaluation=working, rows=scored_rows(working, Decimal(2)))
    services.submit(actor=world.actors["agency"], evaluation=working, conclusion="目标不够细化", report=_report())
    assert new in _page(office.get(_url("evaluation_detail", working.pk)))
    assert working.title in _page(office.get(new))
    response = office.post(reverse("rectification:item_new"), form)
    with scopes_disabled():
        item = Rectification.objects.get()
    assert response.status_code == 302 and item.evaluation_id == working.pk
    assert item.source == Source.EVALUATION and item.unit == world.unit_a and item.project == world.project_a
    shown = _page(client_for("unit_a_editor").get(reverse("rectification:item_detail", args=[item.pk])))
    assert _url("evaluation_detail", working.pk) in shown
    assert "绩效目标未细化" in _page(office.get(_url("evaluation_detail", working.pk)))
    assert client_for("unit_b_editor").get(new).status_code == 403


def test_project_card(world: World, working: Evaluation, client_for: Any) -> None:
    page = _page(client_for("office").get(reverse("budget:project_detail", args=[world.project_a.pk])))
    assert "财政重点评价" in page and working.title in page and "湖南湘江会计师事务所有限公司" in page


def test_declared_member_cannot_declare_again(world: World, working: Evaluation, client_for: Any) -> None:
    response = client_for("agency").post(_url("declare", working.pk), {"conflict": "1", "statement": "改主意了"})
    assert response.status_code == 302 and response["Location"] == _url("evaluation_detail", working.pk)
    with scopes_disabled():
        assert list(Declaration.objects.filter(evaluation=working).values_list("conflict", flat=True)) == [False]


def test_list_queries_do_not_grow_with_rows(world: World, working: Evaluation, client_for: Any) -> None:
    def queries(name: str) -> int:
        client = client_for(name)
        client.get(_url("evaluation_list"))  # warm the session and the actor's reach
        with CaptureQueriesContext(connection) as captured:
            assert client.get(_url("evaluation_list")).status_code == 200
        return len(captured)

    few = {name: queries(name) for name in ("office", "agency")}
    agency = Agency.objects.with_scope(region=[world.region.pk]).get()
    for project in (world.project_b, world.project_a_child):
        evaluation = select(world, project)
        services.evaluation_assign(
            actor=world.actors["office"],
            evaluation=evaluation,
            agency=agency,
            deadline=timezone.localdate() + dt.timedelta(days=30),
            fee=None,
        )
    assert {name: queries(name) for name in ("office", "agency")} == few


def test_scoring_table_in_excel(world: World, working: Evaluation, client_for: Any) -> None:
    from io import BytesIO
    from urllib.parse import quote

    from openpyxl import load_workbook

    services.items_save(actor=world.actors["agency"], evaluation=working, rows=scored_rows(working, Decimal(2)))

    def table(who: str) -> list[tuple[Any, ...]]:
        response = client_for(who).get(_url("scores_export", working.pk))
        assert response.status_code == 200 and quote("评分表.xlsx") in response["Content-Disposition"]
        sheet = load_workbook(BytesIO(response.content)).active
        return list(sheet.iter_rows(values_only=True))

    rows = table("agency")
    assert rows[0][:5] == ("一级指标", "二级指标", "三级指标", "分值", "得分")
    assert rows[1][:5] == ("决策", "项目立项", "立项依据充分性", 4, 2) and rows[1][7] == "扣分：立项依据不充分"
    assert rows[-1][:5] == ("合计", None, None, 100, 98)
    # The evaluated unit gets the index system without the agency's scores while it works.
    unit = table("unit_a_editor")
    assert unit[1][:5] == ("决策", "项目立项", "立项依据充分性", 4, None) and unit[-1][4] is None


def test_the_evaluated_unit_comments_on_the_submitted_report(
    world: World, working: Evaluation, client_for: Any
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from jixiao.audit.models import AuditEntry

    unit = client_for("unit_a_editor")
    assert unit.post(_url("feedback", working.pk), {"text": "x"}).status_code == 400  # nothing submitted yet
    agency = world.actors["agency"]
    services.items_save(actor=agency, evaluation=working, rows=scored_rows(working, Decimal(2)))
    report = SimpleUploadedFile("报告.pdf", b"%PDF-1.4 x", content_type="application/pdf")
    services.submit(actor=agency, evaluation=working, conclusion="总体较好", report=report)
    assert "feedback-form" in _page(unit.get(_url("evaluation_detail", working.pk)))
    assert unit.post(_url("feedback", working.pk), {"text": "  "}).status_code == 400
    response = unit.post(_url("feedback", working.pk), {"text": "第三项扣分所指合同已于10月补签，附件已报区财政局。"})
    assert response.status_code == 302
    office_page = _page(client_for("office").get(_url("evaluation_detail", working.pk)))
    assert "被评价单位意见：第三项扣分所指合同已于10月补签" in office_page and "feedback-form" not in office_page
    with scopes_disabled():
        assert AuditEntry.objects.filter(action="keyeval.evaluation.feedback").count() == 1
    # The leader reads it; only the editor writes; unit B does not reach it.
    assert client_for("unit_a_leader").post(_url("feedback", working.pk), {"text": "x"}).status_code == 403
    assert client_for("unit_b_editor").post(_url("feedback", working.pk), {"text": "x"}).status_code == 404
    # Over the API, a second word replaces the first.
    again = unit.post(
        f"/api/v1/keyeval/evaluations/{working.pk}/feedback",
        data={"text": "补充：合同扫描件见附件"},
        content_type="application/json",
    )
    assert again.status_code == 200 and again.json()["feedback"] == "补充：合同扫描件见附件"
    services.rate(actor=world.actors["office"], evaluation=working, quality=Decimal(88))
    late = unit.post(_url("feedback", working.pk), {"text": "晚了"})
    assert late.status_code == 400 and "不能反馈意见" in _page(late)
