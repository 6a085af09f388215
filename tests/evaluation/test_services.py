"""Self-evaluation services: opening a round, filling, scoring, the workflow, sample and re-check."""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_scopes import scopes_disabled

from jixiao.audit.models import AuditEntry
from jixiao.core.errors import DomainError, Forbidden
from jixiao.core.report_flow import SELFEVAL_TRANSITIONS, ReportAction, ReportState
from jixiao.evaluation import services
from jixiao.evaluation.models import Round, SelfEval, Status
from tests.conftest import World
from tests.evaluation.conftest import fill, filled, form_of, open_round


def test_open_prefills_indicators_budget_and_payments(world: World, round_: Round) -> None:
    form = form_of(round_)
    assert form.project == world.project_a and form.kind == "project" and form.status == Status.DRAFT
    assert (form.initial_budget, form.adjusted_budget, form.spent) == (
        Decimal("1000000.00"),
        Decimal("1000000.00"),
        Decimal("950000.00"),
    )
    assert form.execution_from_data
    assert (form.execution_rate, form.execution_score) == (Decimal("95.00"), Decimal("9.50"))
    with scopes_disabled():
        lines = list(form.lines.all())
    assert [line.name for line in lines][:2] == ["公用经费保障的在校学生人数", "公用经费保障的义务教育学校数"]
    # the sound sheet has no weights: 产出 50 over five (成本 counts under 产出), 效益 30 over two
    assert [line.weight_used for line in lines] == [
        Decimal(x) for x in ("10", "10", "10", "10", "10", "15", "15", "10")
    ]
    assert form.total is None and "completeness.actual-missing" in {f["rule"] for f in form.findings}
    assert round_.rules_version == "default-2026.1" and round_.rules["weights"]["execution"] == "10"  # frozen in full
    assert AuditEntry.objects.filter(action="evaluation.round.opened").count() == 1


def test_open_refuses_without_approved_sheets_and_twice(world: World, round_: Round) -> None:
    with pytest.raises(DomainError, match="进行中的自评任务"):
        open_round(world)
    services.round_close(actor=world.actors["office"], round_=round_)
    with scopes_disabled():
        world.project_a.goal_sheets.update(approved_version=0)
    with pytest.raises(DomainError, match="没有已批复"):
        open_round(world)
    with pytest.raises(Forbidden):
        services.round_open(
            actor=world.actors["section"], fiscal_year=world.fiscal_year, title="x", deadline=dt.date(2027, 1, 1)
        )


def test_fill_scores_live_and_submit_needs_no_errors(world: World, round_: Round) -> None:
    form = form_of(round_)
    with pytest.raises(DomainError, match="还不能报送"):
        services.form_transition(actor=world.actors["unit_a_editor"], form=form, action="submit")
    form = fill(world, form)
    assert form.total == Decimal("99.50") and form.grade == "优" and form.errors == 0
    form = services.form_transition(actor=world.actors["unit_a_editor"], form=form, action="submit")
    assert form.status == Status.LEADER and form.submitted_at is not None
    with pytest.raises(DomainError, match="不能修改"):
        fill(world, form)


def test_a_shortfall_needs_its_reason(world: World, round_: Round) -> None:
    form = fill(world, form_of(round_), {"学生家长满意度": "85"})
    assert form.total == Decimal("98.94")  # satisfaction 10 * 85 / 90 = 9.44 instead of 10
    assert "completeness.deviation-unexplained" in {f["rule"] for f in form.findings}
    with pytest.raises(DomainError, match="没有说明偏差原因"):
        services.form_transition(actor=world.actors["unit_a_editor"], form=form, action="submit")


def test_preview_stores_nothing(world: World, round_: Round) -> None:
    form = form_of(round_)
    result, _ = services.form_preview(actor=world.actors["unit_a_editor"], form=form, data=filled(form))
    assert result.total == Decimal("99.50")
    with scopes_disabled():
        assert SelfEval.objects.get(pk=form.pk).total is None
        assert not form.lines.exclude(actual="").exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"lines": [services.LineIn(position=99, actual="1")]}, "没有第 100 个指标"),
        ({"lines": [services.LineIn(position=0, actual="1"), services.LineIn(position=0, actual="2")]}, "填写了两次"),
        ({"lines": [services.LineIn(position=0, actual="1" * 101)]}, "不超过 100 字"),
        ({"lines": [services.LineIn(position=0, score=Decimal("101"))]}, "0 到 100"),
        ({"lines": [services.LineIn(position=0, score=Decimal("1.234"))]}, "两位小数"),
        ({"conclusion": "长" * 2001}, "评价结论不超过"),
    ],
)
def test_bad_input_changes_nothing(world: World, round_: Round, data: dict[str, Any], message: str) -> None:
    form = form_of(round_)
    with pytest.raises(DomainError, match=message):
        services.form_save(actor=world.actors["unit_a_editor"], form=form, data=services.FormIn(**data))
    with scopes_disabled():
        assert not form.lines.exclude(actual="").exists()
    assert not AuditEntry.objects.filter(action="evaluation.form.saved").exists()


def test_other_units_and_roles_cannot_write(world: World, round_: Round) -> None:
    form = form_of(round_)
    for actor in ("unit_b_editor", "unit_a_leader", "section", "auditor"):
        with pytest.raises(Forbidden):
            services.form_save(actor=world.actors[actor], form=form, data=filled(form))


WORKFLOW = [(action, state) for action, t in SELFEVAL_TRANSITIONS.items() for state in ReportState]


@pytest.mark.parametrize(("action", "state"), WORKFLOW, ids=[f"{a.value}-{s.value}" for a, s in WORKFLOW])
def test_workflow_table(world: World, round_: Round, action: ReportAction, state: ReportState) -> None:
    form = fill(world, form_of(round_))
    with scopes_disabled():
        SelfEval.objects.filter(pk=form.pk).update(status=state.value)
    t = SELFEVAL_TRANSITIONS[action]
    actor = {
        "evaluation.edit": "unit_a_editor",
        "evaluation.leader_review": "unit_a_leader",
        "evaluation.review": "section",
    }[t.perm]
    kwargs = {"reason": "请补充佐证材料"} if t.needs_reason else {}
    if state in t.sources:
        moved = services.form_transition(actor=world.actors[actor], form=form, action=action.value, **kwargs)
        assert moved.status == t.target.value
        assert AuditEntry.objects.filter(action=f"evaluation.form.{action.value}").count() == 1
    else:
        with pytest.raises(DomainError, match="当前状态不能"):
            services.form_transition(actor=world.actors[actor], form=form, action=action.value, **kwargs)


def test_returns_need_a_reason_and_the_office_reviews_too(world: World, round_: Round) -> None:
    form = fill(world, form_of(round_))
    for actor, action in (("unit_a_editor", "submit"), ("unit_a_leader", "leader_approve")):
        form = services.form_transition(actor=world.actors[actor], form=form, action=action)
    with pytest.raises(DomainError, match="须填写意见"):
        services.form_transition(actor=world.actors["office"], form=form, action="section_return")
    form = services.form_transition(actor=world.actors["office"], form=form, action="accept")
    assert form.status == Status.ACCEPTED


def _received(world: World, round_: Round) -> SelfEval:
    form = fill(world, form_of(round_))
    for actor, action in (("unit_a_editor", "submit"), ("unit_a_leader", "leader_approve")):
        form = services.form_transition(actor=world.actors[actor], form=form, action=action)
    return form


def test_recheck_flags_distortion(world: World, round_: Round) -> None:
    form = _received(world, round_)
    with pytest.raises(DomainError, match="复核意见"):
        services.recheck_save(actor=world.actors["office"], form=form, total=Decimal("80"), note="")
    form = services.recheck_save(
        actor=world.actors["office"], form=form, total=Decimal("89.5"), note="满意度调查样本不足，扣 10 分"
    )
    assert form.distorted and form.check_total == Decimal("89.50") and form.gap == Decimal("10.00")
    assert "reasonableness.self-score-distorted" in {f["rule"] for f in form.findings}
    form = services.recheck_save(actor=world.actors["office"], form=form, total=Decimal("92"), note="复核无重大问题")
    assert not form.distorted
    with pytest.raises(Forbidden):
        services.recheck_save(actor=world.actors["section"], form=form, total=Decimal("90"), note="x")
    assert AuditEntry.objects.filter(action="evaluation.form.rechecked").count() == 2


def test_recheck_only_what_finance_received(world: World, round_: Round) -> None:
    form = fill(world, form_of(round_))
    with pytest.raises(DomainError, match="已报送到财政"):
        services.recheck_save(actor=world.actors["office"], form=form, total=Decimal("90"), note="x")


def test_sample_draw(world: World, round_: Round) -> None:
    with pytest.raises(DomainError, match="没有需要新抽取"):
        services.sample_draw(actor=world.actors["office"], round_=round_, share=Decimal("0.2"))
    form = _received(world, round_)
    drawn = services.sample_draw(actor=world.actors["office"], round_=round_, share=Decimal("0.2"))
    assert [f.pk for f in drawn] == [form.pk]
    with pytest.raises(DomainError, match="没有需要新抽取"):
        services.sample_draw(actor=world.actors["office"], round_=round_, share=Decimal("0.2"))
    with pytest.raises(DomainError, match="1% 到 100%"):
        services.sample_draw(actor=world.actors["office"], round_=round_, share=Decimal("2"))


def test_evidence_counts_as_a_source(world: World, round_: Round) -> None:
    form = form_of(round_)
    data = filled(form)
    for line in data.lines:
        line.source = ""
    form = services.form_save(actor=world.actors["unit_a_editor"], form=form, data=data)
    unsourced = {f["indicator"] for f in form.findings if f["rule"] == "measurability.actual-without-source"}
    assert 0 in unsourced
    upload = SimpleUploadedFile("学籍统计.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    services.evidence_add(actor=world.actors["unit_a_editor"], form=form, upload=upload, position=0)
    form = form_of(round_)
    assert 0 not in {f["indicator"] for f in form.findings if f["rule"] == "measurability.actual-without-source"}
    with pytest.raises(DomainError, match="类型不受支持"):
        services.evidence_add(
            actor=world.actors["unit_a_editor"], form=form, upload=SimpleUploadedFile("a.exe", b"MZ"), position=None
        )


def test_department_forms_take_execution_from_the_unit(world: World, round_: Round) -> None:
    with scopes_disabled():
        assert not SelfEval.objects.filter(round=round_, kind="department").exists()


def test_refresh_takes_new_payments(world: World, round_: Round) -> None:
    from tests.monitoring.conftest import pay

    pay(world, world.project_a, {12: "250000"})
    services.round_refresh(actor=world.actors["office"], round_=round_)
    assert form_of(round_).spent == Decimal("1000000.00")


def test_rules_versions(world: World) -> None:
    saved = services.rules_save(
        actor=world.actors["office"], fiscal_year=world.fiscal_year, data={"reverse": "ratio"}, note="本地采用比值法"
    )
    assert saved.version.endswith(".s1")
    with pytest.raises(DomainError, match="reverse"):
        services.rules_save(actor=world.actors["office"], fiscal_year=world.fiscal_year, data={"reverse": "x"}, note="")


def test_accepted_actuals_become_last_years_actuals(world: World, round_: Round) -> None:
    from jixiao.goals.review import actuals_of

    form = _received(world, round_)
    with scopes_disabled():
        sheet = form.sheet
    assert actuals_of(sheet) == {}
    services.form_transition(actor=world.actors["section"], form=form, action="accept")
    with scopes_disabled():
        found = actuals_of(sheet)
    assert found[0] == "12150" and len(found) == 8


def test_no_sample_on_a_closed_round(world: World, round_: Round) -> None:
    _received(world, round_)
    services.round_close(actor=world.actors["office"], round_=round_)
    with pytest.raises(DomainError, match="已结束"):
        services.sample_draw(actor=world.actors["office"], round_=round_, share=Decimal("0.2"))


def test_a_form_without_a_total_cannot_go_up_even_with_checks_off(world: World) -> None:
    from tests.evaluation.conftest import approve_sheet, open_round, pay

    services.rules_save(
        actor=world.actors["office"],
        fiscal_year=world.fiscal_year,
        data={"severities": {"completeness.actual-missing": "off"}},
        note="测试",
    )
    approve_sheet(world)
    pay(world, world.project_a, {3: "950000"})
    form = fill(world, form_of(open_round(world)), {"学生家长满意度": ""})
    assert form.total is None and form.errors == 0
    with pytest.raises(DomainError, match="还没有计出总分"):
        services.form_transition(actor=world.actors["unit_a_editor"], form=form, action="submit")
