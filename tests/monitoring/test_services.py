import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled

from jixiao.audit.models import AuditEntry
from jixiao.core.errors import DomainError, Forbidden
from jixiao.core.report_flow import REPORT_TRANSITIONS, ReportAction, ReportState
from jixiao.monitoring import services
from jixiao.monitoring.models import Decision, Holiday, Line, Report, Round
from tests.conftest import World
from tests.goals.conftest import sound_rows
from tests.monitoring.conftest import ON_TRACK, approve_sheet, open_round, pay, report_of

pytestmark = pytest.mark.django_db


def audit(action: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action))


def fresh(report: Report) -> Report:
    with scopes_disabled():
        return Report.objects.select_related("round__fiscal_year", "project__category").get(pk=report.pk)


def filled(report: Report, **overrides: str) -> list[services.LineIn]:
    """Progress for every indicator of the sound sheet, on track unless overridden by name."""
    lines = []
    for line in report.lines.all():
        done = overrides.get(line.name, ON_TRACK[line.name])
        lines.append(services.LineIn(position=line.position, done=done))
    return lines


def test_a_round_covers_approved_sheets_only(world: World, round_: Round) -> None:
    with scopes_disabled():
        reports = list(round_.reports.all())
    assert [r.project_id for r in reports] == [world.project_a.pk]
    report = report_of(round_)
    assert report.lines.count() == len(sound_rows())
    assert (report.budget, report.paid) == (Decimal("1000000.00"), Decimal("200000.00"))
    # 20% paid by August against an expected share of more than half the year: red.
    assert report.execution_light == "red" and report.light == "red"
    assert report.expected_model in ("profile", "straight_line") and report.expected_share > Decimal("0.5")
    assert any("执行率 20.0%" in m["message"] for m in report.messages)
    assert report.forecast is not None and report.forecast < report.budget
    assert round_.rules_version and round_.profiles["C10"]["shares"]
    assert len(audit("monitoring.round.opened")) == 1


@pytest.mark.parametrize(
    ("actor", "kwargs", "error"),
    [
        ("unit_a_editor", {}, Forbidden),
        ("section", {}, Forbidden),
        ("office", {"month": 13}, DomainError),
        ("office", {"title": ""}, DomainError),
        ("office", {"scope": "list"}, DomainError),
        ("office", {"scope": "category"}, DomainError),
    ],
)
def test_opening_a_round_is_checked(
    world: World, approved_sheet: Any, actor: str, kwargs: dict[str, Any], error: type[Exception]
) -> None:
    base: dict[str, Any] = {"title": "1–8 月监控", "month": 8, "deadline": dt.date(2026, 9, 15)}
    with pytest.raises(error):
        services.round_open(actor=world.actors[actor], fiscal_year=world.fiscal_year, **(base | kwargs))
    with scopes_disabled():
        assert Round.objects.count() == 0


def test_a_listed_project_without_approved_goals_is_named(world: World, approved_sheet: Any) -> None:
    with pytest.raises(DomainError, match=world.project_b.name):
        open_round(world, scope="list", project_ids=[world.project_a.pk, world.project_b.pk])


def test_no_approved_sheet_no_round(world: World) -> None:
    with pytest.raises(DomainError, match="没有已批复"):
        open_round(world)


def test_a_head_count_is_judged_on_its_level_a_flow_pro_rata(world: World, round_: Round) -> None:
    report = report_of(round_)
    services.report_save(actor=world.actors["unit_a_editor"], report=report, lines=filled(report))
    with scopes_disabled():
        lights = dict(Line.objects.filter(report=report).values_list("name", "light"))
    # 12,100 students covered against ≥12,000 is on target in August, not "150% ahead".
    assert lights["公用经费保障的在校学生人数"] == "green"
    assert lights["义务教育巩固率"] == "green"


def test_saving_recomputes_and_bad_values_change_nothing(world: World, round_: Round) -> None:
    report = report_of(round_)
    editor = world.actors["unit_a_editor"]
    services.report_save(actor=editor, report=report, lines=filled(report, 义务教育巩固率="80"), summary="支付滞后")
    with scopes_disabled():
        line = Line.objects.get(report=report, name="义务教育巩固率")
    # 80% against ≥98%: short of a level target, yellow however close the ratio.
    assert line.light == "yellow" and "未达到年度目标" in line.message
    bad = [services.LineIn(position=line.position, done="99", reason="天气原因")]
    with pytest.raises(DomainError, match="偏差原因"):
        services.report_save(actor=editor, report=report, lines=bad)
    with scopes_disabled():
        assert Line.objects.get(pk=line.pk).done == "80"
    with pytest.raises(DomainError, match="没有第 100 个"):
        services.report_save(actor=editor, report=report, lines=[services.LineIn(position=99, done="1")])
    with pytest.raises(Forbidden):
        services.report_save(actor=world.actors["unit_b_editor"], report=report, lines=filled(report))
    assert len(audit("monitoring.report.saved")) == 1


def test_submission_needs_progress_and_reasons_for_what_warns(world: World, round_: Round) -> None:
    report = report_of(round_)
    editor = world.actors["unit_a_editor"]
    with pytest.raises(DomainError, match="未填截至本期完成值"):
        services.report_transition(actor=editor, report=report, action="submit")
    services.report_save(actor=editor, report=report, lines=filled(report, 义务教育巩固率="80"))
    with pytest.raises(DomainError, match="偏差原因") as refused:
        services.report_transition(actor=editor, report=report, action="submit")
    assert "执行情况与偏差分析" in str(refused.value)
    lines = filled(report, 义务教育巩固率="80")
    for given in lines:
        if given.done == "80":
            given.reason, given.likelihood, given.measures = "其他", "有可能", "秋季学期加强控辍保学"
    services.report_save(actor=editor, report=report, lines=lines, summary="上半年拨付滞后，9 月集中拨付")
    services.report_transition(actor=editor, report=report, action="submit")
    services.report_transition(actor=world.actors["unit_a_leader"], report=report, action="leader_approve")
    with pytest.raises(DomainError, match="须填写意见"):
        services.report_transition(actor=world.actors["section"], report=report, action="section_return")
    done = services.report_transition(actor=world.actors["section"], report=report, action="accept")
    assert done.status == "accepted" and done.submitted_at is not None
    with scopes_disabled():
        assert [s.action for s in done.steps.all()] == ["submit", "leader_approve", "accept"]
    for action in ("submit", "leader_approve", "accept"):
        assert len(audit(f"monitoring.report.{action}")) == 1
    with pytest.raises(DomainError, match="不能修改"):
        services.report_save(actor=editor, report=done, lines=filled(report))


ALLOWED = {
    (ReportState.DRAFT, ReportAction.SUBMIT),
    (ReportState.RETURNED, ReportAction.SUBMIT),
    (ReportState.LEADER, ReportAction.WITHDRAW),
    (ReportState.LEADER, ReportAction.LEADER_APPROVE),
    (ReportState.LEADER, ReportAction.LEADER_RETURN),
    (ReportState.SUBMITTED, ReportAction.ACCEPT),
    (ReportState.SUBMITTED, ReportAction.SECTION_RETURN),
}
ACTOR_OF = {
    "monitoring.edit": "unit_a_editor",
    "monitoring.leader_review": "unit_a_leader",
    "monitoring.section_review": "section",
}


@pytest.mark.parametrize("state", list(ReportState))
@pytest.mark.parametrize("action", list(ReportAction))
def test_transition_table(world: World, round_: Round, state: ReportState, action: ReportAction) -> None:
    report = report_of(round_)
    services.report_save(actor=world.actors["unit_a_editor"], report=report, lines=filled(report))
    with scopes_disabled():
        Report.objects.filter(pk=report.pk).update(status=state.value, summary="说明")
        Line.objects.filter(report=report).update(reason="其他", likelihood="有可能", measures="加快进度")
    t = REPORT_TRANSITIONS[action]
    actor = world.actors[ACTOR_OF[t.perm]]
    if (state, action) in ALLOWED:
        moved = services.report_transition(actor=actor, report=report, action=action.value, reason="请补充")
        assert moved.status == t.target.value
    else:
        with pytest.raises(DomainError):
            services.report_transition(actor=actor, report=report, action=action.value, reason="请补充")
        assert fresh(report).status == state.value


def test_the_wrong_person_cannot_move_a_report(world: World, round_: Round) -> None:
    report = report_of(round_)
    for actor in ("unit_a_leader", "section", "office", "auditor"):
        with pytest.raises(Forbidden):
            services.report_transition(actor=world.actors[actor], report=report, action="submit")
    with pytest.raises(Forbidden):
        services.report_transition(actor=world.actors["unit_b_editor"], report=report, action="submit")


def test_own_payment_plan_replaces_the_calendar(world: World, round_: Round) -> None:
    """A back-loaded project that planned to pay 20% by August is on its own track."""
    report = report_of(round_)
    assert report.light == "red"
    months = [Decimal(0)] * 12
    months[2], months[5], months[10], months[11] = (Decimal(50000), Decimal(150000), Decimal(400000), Decimal(400000))
    services.plan_save(actor=world.actors["unit_a_editor"], project=world.project_a, months=months)
    report = fresh(report)
    assert report.expected_model == "plan" and report.expected_share == Decimal("0.2000")
    assert report.execution_light == "green"
    assert any("自身用款计划" in m["message"] for m in report.messages)


@pytest.mark.parametrize(
    ("months", "words"),
    [
        ([Decimal(1)] * 11, "12 个月"),
        ([Decimal(0)] * 12, "大于 0"),
        ([Decimal(100000)] * 12, "超过项目全年预算"),
        ([Decimal("NaN")] + [Decimal(1)] * 11, "1 月"),
    ],
)
def test_payment_plans_are_checked(world: World, round_: Round, months: list[Decimal], words: str) -> None:
    with pytest.raises(DomainError, match=words):
        services.plan_save(actor=world.actors["unit_a_editor"], project=world.project_a, months=months)


def test_decisions_count_working_days_in_the_regions_calendar(world: World, round_: Round) -> None:
    report = report_of(round_)
    office = world.actors["office"]
    # Tuesday 29 September + 5 working days: the National Day week is off, Saturday 10 October
    # is worked, so the deadline is Monday 12 October (a weekend-only count says 6 October).
    decision = services.decision_make(
        actor=office,
        report=report,
        kind="suspend",
        reason="执行严重滞后，暂缓拨付剩余资金",
        working_days=5,
        amount=Decimal(300000),
        today=dt.date(2026, 9, 29),
    )
    assert decision.due == dt.date(2026, 10, 12)
    assert decision.overdue == (timezone.localdate() > decision.due)
    with pytest.raises(DomainError, match="反馈落实情况后"):
        services.decision_close(actor=office, decision=decision)
    with pytest.raises(Forbidden):
        services.decision_answer(actor=world.actors["unit_b_editor"], decision=decision, text="已整改")
    services.decision_answer(actor=world.actors["unit_a_editor"], decision=decision, text="已调整拨付计划")
    closed = services.decision_close(actor=office, decision=decision)
    assert closed.status == "closed" and closed.late
    for action in ("made", "answered", "closed"):
        assert len(audit(f"monitoring.decision.{action}")) == 1


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"kind": "pause"}, "处理决定"),
        ({"reason": " "}, "理由"),
        ({"working_days": 0}, "1–60"),
        ({"kind": "stop", "amount": None}, "涉及金额"),
        ({"amount": Decimal("1e20")}, "涉及金额"),
    ],
)
def test_decisions_are_checked(world: World, round_: Round, kwargs: dict[str, Any], words: str) -> None:
    base: dict[str, Any] = {"kind": "correct", "reason": "加快执行", "working_days": 10, "amount": None}
    with pytest.raises(DomainError, match=words):
        services.decision_make(actor=world.actors["office"], report=report_of(round_), **(base | kwargs))
    with scopes_disabled():
        assert Decision.objects.count() == 0


def test_no_decision_on_a_project_that_does_not_warn(world: World, approved_sheet: Any) -> None:
    pay(world, world.project_a, {m: "80000" for m in range(1, 9)})
    report = report_of(open_round(world))
    services.report_save(actor=world.actors["unit_a_editor"], report=report, lines=filled(report))
    assert fresh(report).light == "green"
    with pytest.raises(DomainError, match="未预警"):
        services.decision_make(
            actor=world.actors["section"], report=fresh(report), kind="continue", reason="继续", working_days=10
        )
    with pytest.raises(Forbidden):
        services.decision_make(
            actor=world.actors["unit_a_editor"], report=fresh(report), kind="continue", reason="继续", working_days=10
        )


def test_the_office_keeps_the_calendar(world: World) -> None:
    office = world.actors["office"]
    assert services.holidays_load(actor=office, region=world.region, year=2026) == 39
    with pytest.raises(DomainError, match="已有"):
        services.holidays_load(actor=office, region=world.region, year=2026)
    with pytest.raises(DomainError, match="是工作日"):
        services.holiday_save(actor=office, region=world.region, date=dt.date(2026, 11, 2), name="调休", working=True)
    # A region that gives an extra local day off moves the deadline.
    services.holiday_save(actor=office, region=world.region, date=dt.date(2026, 11, 2), name="地方假日", working=False)
    calendar = services.calendar_for(world.region.pk, [2026])
    assert dt.date(2026, 11, 2) in calendar.holidays and dt.date(2026, 10, 10) in calendar.workdays
    with pytest.raises(Forbidden):
        services.holidays_load(actor=world.actors["section"], region=world.region, year=2027)
    with scopes_disabled():
        assert Holiday.objects.filter(region=world.other_region).count() == 0


def test_rules_are_versioned_and_rounds_keep_theirs(world: World, approved_sheet: Any) -> None:
    pay(world, world.project_a, {3: "50000", 6: "150000"})
    first = open_round(world)
    saved = services.rules_save(
        actor=world.actors["office"],
        fiscal_year=world.fiscal_year,
        data={"execution_rule": "sichuan-2025"},
        note="改用四川节点",
    )
    assert saved.version == "430212-2026.w1"
    second = open_round(world, month=8, kind="key", scope="list", project_ids=[world.project_a.pk])
    assert (first.rules_version, second.rules_version) != (saved.version, saved.version)
    assert second.rules_version == saved.version
    # 20% by the end of August is below Sichuan's 60% step: red, said in the step's words.
    assert any("8 月末应达 60" in m["message"] for m in report_of(second).messages)
    with pytest.raises(DomainError):
        services.rules_save(
            actor=world.actors["office"], fiscal_year=world.fiscal_year, data={"indicator_bands": "x"}, note=""
        )


def test_closing_a_round_freezes_it(world: World, round_: Round) -> None:
    office = world.actors["office"]
    services.round_close(actor=office, round_=round_)
    with pytest.raises(DomainError, match="已结束"):
        services.report_save(actor=world.actors["unit_a_editor"], report=report_of(round_), lines=[])
    with pytest.raises(DomainError, match="已结束"):
        services.round_refresh(actor=office, round_=round_)


def test_refresh_picks_up_new_payments(world: World, round_: Round) -> None:
    pay(world, world.project_a, {7: "300000", 8: "200000"})
    assert report_of(round_).paid == Decimal("200000.00")
    assert services.round_refresh(actor=world.actors["office"], round_=round_) == 1
    report = report_of(round_)
    assert report.paid == Decimal("700000.00") and report.execution_light == "green"


def test_a_second_project_of_another_unit_is_out_of_reach(world: World) -> None:
    approve_sheet(world)
    round_ = open_round(world)
    with pytest.raises(Forbidden):
        services.report_save(actor=world.actors["unit_b_editor"], report=report_of(round_), lines=[])


@pytest.mark.parametrize(("choice", "model"), [("auto", "plan"), ("profile", "profile"), ("time", "straight_line")])
def test_the_region_chooses_what_progress_is_expected(
    world: World, approved_sheet: Any, choice: str, model: str
) -> None:
    pay(world, world.project_a, {3: "50000", 6: "150000"})
    months = [Decimal(0)] * 2 + [Decimal(50000), Decimal(0), Decimal(0), Decimal(150000)] + [Decimal(100000)] * 6
    services.plan_save(actor=world.actors["unit_a_editor"], project=world.project_a, months=months)
    services.rules_save(
        actor=world.actors["office"], fiscal_year=world.fiscal_year, data={"expected_progress": choice}, note=""
    )
    report = report_of(open_round(world))
    assert report.expected_model == model
    with pytest.raises(DomainError, match="expected_progress"):
        services.rules_save(
            actor=world.actors["office"], fiscal_year=world.fiscal_year, data={"expected_progress": "calendar"}, note=""
        )
