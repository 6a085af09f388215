from decimal import Decimal
from typing import Any

import pytest
from django_scopes import scopes_disabled

from jixiao.audit.models import AuditEntry
from jixiao.core.errors import DomainError
from jixiao.core.workflow import TRANSITIONS, Action, State
from jixiao.goals import services
from jixiao.goals.models import Comment, Event, GoalSheet, Snapshot
from jixiao.goals.review import Row
from tests.conftest import ACTOR_NAMES, World
from tests.goals.conftest import GOAL, TO_APPROVED, move, sound_rows

pytestmark = pytest.mark.django_db


def audit(action: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action))


def test_create_takes_the_projects_money(world: World) -> None:
    sheet = services.sheet_create_for_project(actor=world.actors["unit_a_editor"], project=world.project_a)
    assert sheet.status == State.DRAFT and sheet.total == Decimal("1000000.00")
    assert sheet.fund_general_public == Decimal("1000000.00")
    assert sheet.errors > 0  # an empty sheet: no goal, no indicators
    assert len(audit("goals.sheet.created")) == 1
    with pytest.raises(DomainError, match="已有"):
        services.sheet_create_for_project(actor=world.actors["unit_a_editor"], project=world.project_a)


def test_create_outside_reach_is_refused(world: World) -> None:
    with pytest.raises(DomainError):
        services.sheet_create_for_project(actor=world.actors["unit_b_editor"], project=world.project_a)
    with pytest.raises(DomainError):
        services.sheet_create_for_project(actor=world.actors["office"], project=world.project_a)


def test_sound_sheet_has_no_errors(sheet: GoalSheet) -> None:
    assert sheet.errors == 0, list(sheet.findings.values_list("rule", flat=True))
    assert sheet.indicators.count() == 8
    assert sheet.rules_version


def test_save_reviews_and_stores_findings(world: World, sheet: GoalSheet) -> None:
    rows = sound_rows()
    rows[5] = Row("效益指标", "社会效益指标", "义务教育巩固率", "≥", "120", "%", source="教育事业统计")
    services.sheet_save(actor=world.actors["unit_a_editor"], sheet=sheet, goal=GOAL, rows=rows)
    with scopes_disabled():
        fresh = GoalSheet.objects.get(pk=sheet.pk)
        rules = set(fresh.findings.values_list("rule", "indicator"))
    assert ("reasonableness.rate-over-100", 5) in rules
    assert fresh.errors >= 1
    assert len(audit("goals.sheet.saved")) == 2


def test_save_refuses_a_sheet_under_review(world: World, sheet: GoalSheet) -> None:
    sheet = move(world, sheet, ("unit_a_editor", "submit", {}))
    with pytest.raises(DomainError, match="不能修改"):
        services.sheet_save(actor=world.actors["unit_a_editor"], sheet=sheet, goal=GOAL, rows=sound_rows())


def test_empty_rows_are_dropped_and_bad_level_refused(world: World, sheet: GoalSheet) -> None:
    rows = [*sound_rows(), Row()]
    services.sheet_save(actor=world.actors["unit_a_editor"], sheet=sheet, goal=GOAL, rows=rows)
    assert sheet.indicators.count() == 8
    with pytest.raises(DomainError, match="一级指标"):
        services.sheet_save(
            actor=world.actors["unit_a_editor"], sheet=sheet, goal=GOAL, rows=[Row("过程指标", "", "x", "=", "1")]
        )


def test_submit_blocked_by_errors(world: World, sheet: GoalSheet) -> None:
    services.sheet_save(actor=world.actors["unit_a_editor"], sheet=sheet, goal="", rows=sound_rows())
    with pytest.raises(DomainError, match="错误"):
        services.sheet_transition(actor=world.actors["unit_a_editor"], sheet=sheet, action="submit")
    with scopes_disabled():
        assert GoalSheet.objects.get(pk=sheet.pk).status == State.DRAFT
    assert audit("goals.sheet.submit") == []


def test_warnings_need_a_justification(world: World, sheet: GoalSheet) -> None:
    rows = sound_rows()
    rows[7] = Row("满意度指标", "服务对象满意度指标", "学生家长满意度", "≥", "100", "%", source="问卷调查")
    services.sheet_save(actor=world.actors["unit_a_editor"], sheet=sheet, goal=GOAL, rows=rows)
    with pytest.raises(DomainError, match="说明"):
        services.sheet_transition(actor=world.actors["unit_a_editor"], sheet=sheet, action="submit")
    sheet = move(world, sheet, ("unit_a_editor", "submit", {"justification": "按上级考核要求设定"}))
    assert sheet.status == State.LEADER and sheet.justification == "按上级考核要求设定"


def test_full_path_to_approval_freezes_a_snapshot(world: World, sheet: GoalSheet) -> None:
    sheet = move(world, sheet, *TO_APPROVED)
    assert sheet.status == State.APPROVED and sheet.grade == "优" and sheet.fundable
    with scopes_disabled():
        snapshot = Snapshot.objects.get(sheet=sheet)
        events = list(Event.objects.filter(sheet=sheet).values_list("action", flat=True))
    assert snapshot.approved_version == 1 and len(snapshot.data["indicators"]) == 8
    assert snapshot.data["schema"] == "jixiao.goal-sheet/1"
    assert events == ["submit", "leader_approve", "section_approve", "office_approve"]
    for action in events:
        entries = audit(f"goals.sheet.{action}")
        assert len(entries) == 1 and entries[0].target_id == str(sheet.pk)


def test_return_records_comments_per_indicator(world: World, sheet: GoalSheet) -> None:
    sheet = move(world, sheet, ("unit_a_editor", "submit", {}), ("unit_a_leader", "leader_approve", {}))
    services.sheet_transition(
        actor=world.actors["section"],
        sheet=sheet,
        action="section_return",
        reason="指标需细化",
        comments={2: "拨付率应说明口径", None: "请补充成本测算依据", 5: "  "},
    )
    with scopes_disabled():
        fresh = GoalSheet.objects.get(pk=sheet.pk)
        comments = list(Comment.objects.filter(sheet=sheet).values_list("indicator", "indicator_name", "text"))
    assert fresh.status == State.RETURNED
    assert sorted(comments, key=str) == sorted(
        [(2, "生均公用经费按标准足额拨付率", "拨付率应说明口径"), (None, "", "请补充成本测算依据")], key=str
    )
    # A returned sheet is edited and submitted again.
    services.sheet_save(actor=world.actors["unit_a_editor"], sheet=fresh, goal=GOAL, rows=sound_rows())
    assert move(world, fresh, ("unit_a_editor", "submit", {})).status == State.LEADER


def test_office_grades_decide_the_outcome(world: World, sheet: GoalSheet) -> None:
    steps = TO_APPROVED[:3]
    sheet = move(world, sheet, *steps)
    with pytest.raises(DomainError, match="审核结果"):
        services.sheet_transition(actor=world.actors["office"], sheet=sheet, action="office_approve", grade="中")
    sheet = move(world, sheet, ("office", "office_reject", {"grade": "差", "reason": "与单位职能无关"}))
    assert sheet.status == State.REJECTED and sheet.grade == "差" and not sheet.fundable
    sheet = move(world, sheet, ("office", "reopen", {"reason": "单位补充论证后重报"}))
    assert sheet.status == State.RETURNED


def test_adjustment_keeps_the_approved_version_in_force(world: World, sheet: GoalSheet) -> None:
    sheet = move(world, sheet, *TO_APPROVED)
    with pytest.raises(DomainError, match="预算调整"):
        services.sheet_transition(actor=world.actors["unit_a_editor"], sheet=sheet, action="adjust", reason="追加")
    sheet = move(
        world, sheet, ("unit_a_editor", "adjust", {"reason": "年中追加设备采购", "adjustment": "渌财预〔2026〕12号"})
    )
    assert sheet.status == State.ADJUSTING and sheet.fundable and sheet.editable
    rows = sound_rows()
    rows[0] = Row("产出指标", "数量指标", "公用经费保障的在校学生人数", "≥", "12500", "人", source="学籍管理系统")
    services.sheet_save(actor=world.actors["unit_a_editor"], sheet=sheet, goal=GOAL, rows=rows)
    sheet = move(world, sheet, *TO_APPROVED)
    assert sheet.approved_version == 2
    with scopes_disabled():
        snapshots = list(Snapshot.objects.filter(sheet=sheet).order_by("number"))
    assert [s.approved_version for s in snapshots] == [1, 2]
    assert snapshots[1].adjustment == "渌财预〔2026〕12号"
    assert snapshots[0].data["indicators"][0]["value"] == "12000"  # history kept
    assert snapshots[1].data["indicators"][0]["value"] == "12500"


# --- the full transition table: every state, action and actor ------------------------------

REACHES_UNIT_A = {"unit_a_editor", "unit_a_leader", "section", "office"}


def put_in_state(world: World, sheet: GoalSheet, state: State) -> GoalSheet:
    with scopes_disabled():
        GoalSheet.objects.filter(pk=sheet.pk).update(
            status=state, approved_version=1 if state in (State.APPROVED, State.ADJUSTING) else 0
        )
        return GoalSheet.objects.get(pk=sheet.pk)


def inputs_for(action: Action) -> dict[str, Any]:
    t = TRANSITIONS[action]
    return {
        "reason": "理由" if t.needs_reason else "",
        "grade": t.grades[0] if t.grades else "",
        "adjustment": "渌财预〔2026〕1号" if t.needs_adjustment else "",
        "justification": "已逐条核实" if action is Action.SUBMIT else "",
    }


@pytest.mark.parametrize("state", list(State))
@pytest.mark.parametrize("action", list(Action))
def test_transition_table(world: World, sheet: GoalSheet, state: State, action: Action) -> None:
    t = TRANSITIONS[action]
    for actor in ACTOR_NAMES:
        if actor == "anonymous":
            continue
        current = put_in_state(world, sheet, state)
        user = world.actors[actor]
        legal = state in t.sources and t.perm in user.permissions and actor in REACHES_UNIT_A
        before = AuditEntry.objects.count()
        if legal:
            services.sheet_transition(actor=user, sheet=current, action=action, **inputs_for(action))
            with scopes_disabled():
                assert GoalSheet.objects.get(pk=sheet.pk).status == t.target, (state, action, actor)
            assert AuditEntry.objects.count() == before + 1
            assert AuditEntry.objects.latest("id").action == f"goals.sheet.{action}"
        else:
            with pytest.raises(DomainError):
                services.sheet_transition(actor=user, sheet=current, action=action, **inputs_for(action))
            with scopes_disabled():
                assert GoalSheet.objects.get(pk=sheet.pk).status == state, (state, action, actor)
            assert AuditEntry.objects.count() == before


def test_a_returned_adjustment_is_still_measured_against_the_adjusted_budget(world: World, sheet: GoalSheet) -> None:
    from jixiao.budget.models import Project

    sheet = move(world, sheet, *TO_APPROVED)
    with scopes_disabled():
        Project.objects.filter(pk=world.project_a.pk).update(adjusted_budget=Decimal("1200000.00"))
    sheet = move(world, sheet, ("unit_a_editor", "adjust", {"reason": "追加", "adjustment": "渌财预〔2026〕9号"}))
    services.sheet_save(
        actor=world.actors["unit_a_editor"],
        sheet=sheet,
        goal=GOAL,
        rows=sound_rows(),
        funds={"general_public": Decimal("1200000.00")},
    )
    sheet = move(
        world, sheet, ("unit_a_editor", "submit", {}), ("unit_a_leader", "leader_return", {"reason": "补充说明"})
    )
    assert sheet.status == State.RETURNED
    services.sheet_save(
        actor=world.actors["unit_a_editor"],
        sheet=sheet,
        goal=GOAL,
        rows=sound_rows(),
        funds={"general_public": Decimal("1200000.00")},
    )
    with scopes_disabled():
        rules = set(GoalSheet.objects.get(pk=sheet.pk).findings.values_list("rule", flat=True))
    assert "consistency.funds-vs-budget" not in rules
    assert move(world, sheet, ("unit_a_editor", "submit", {})).status == State.LEADER
