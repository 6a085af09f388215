from decimal import Decimal
from typing import Any

import pytest
from django_scopes import scopes_disabled

from jixiao.audit.models import AuditEntry
from jixiao.budget.models import Project
from jixiao.core.errors import DomainError, Forbidden
from jixiao.org.models import FiscalYear
from jixiao.results import selectors, services
from jixiao.results.models import LinkageRules, Recommendation, Status
from tests.conftest import World
from tests.results.conftest import (
    accepted_selfeval,
    monitoring_decision,
    open_rectification,
    rated_key_evaluation,
    recommendation_of,
)

BASE = Decimal("1000000.00")


def audit(action: str) -> list[AuditEntry]:
    with scopes_disabled():
        return list(AuditEntry.objects.filter(action=action).order_by("id"))


def previous_projects(world: World) -> list[Project]:
    with scopes_disabled():
        return list(
            Project.objects.filter(fiscal_year=world.fiscal_year).select_related("fiscal_year").order_by("code")
        )


def test_facts_gather_every_kind_of_result(world: World) -> None:
    decision = monitoring_decision(world)
    form = accepted_selfeval(world, recheck=Decimal("85"))
    key = rated_key_evaluation(world, grade="中", total="75.50")
    item = open_rectification(world, overdue=True)
    facts = selectors.facts_for(previous_projects(world), 2027)

    a = facts[world.project_a.pk]
    assert a.base == BASE
    by_source = {g.source: g for g in a.grades}
    assert set(by_source) == {"selfeval", "recheck", "keyeval"}
    assert by_source["selfeval"].grade == form.grade and by_source["selfeval"].ref == f"selfeval:{form.pk}"
    assert by_source["recheck"].grade == "良" and by_source["recheck"].score == Decimal("85.00")
    assert by_source["keyeval"].grade == "中" and by_source["keyeval"].ref == f"keyeval:{key.pk}"
    assert [(d.kind, d.status, d.ref) for d in a.decisions] == [("suspend", "open", f"report:{decision.report_id}")]
    assert [(r.status, r.overdue, r.ref) for r in a.rectifications] == [("open", True, f"rectification:{item.pk}")]
    # Unit B's project has no results; the results are never borrowed across codes.
    b = facts[world.project_b.pk]
    assert (b.grades, b.decisions, b.rectifications) == ((), (), ())


def test_results_of_the_budget_year_itself_do_not_count(world: World) -> None:
    rated_key_evaluation(world, grade="差", total="40")
    facts = selectors.facts_for(previous_projects(world), 2026)
    assert facts[world.project_a.pk].grades == ()


def test_draft_creates_one_recommendation_per_previous_year_project(
    world: World, next_year: FiscalYear, unscoped: Any
) -> None:
    rated_key_evaluation(world, grade="中")
    counts = services.draft(actor=world.actors["office"], budget_year=next_year)
    assert counts == {"created": 3, "updated": 0, "kept": 0}
    recs = {r.code: r for r in Recommendation.objects.filter(budget_year=next_year)}
    # The other region's project with the same code A001 is not drafted here.
    assert set(recs) == {"A001", "A002", "B001"}
    a = recs["A001"]
    assert (a.action, a.label, a.grade, a.cut, a.amount) == (
        "reduce",
        "压减",
        "中",
        Decimal("10.00"),
        Decimal("900000.00"),
    )
    assert a.status == Status.DRAFT and a.rules_version == "default-2026.1" and a.unit_id == world.unit_a.pk
    assert a.reasons[0]["decisive"] and "财政重点评价" in a.reasons[0]["text"]
    b = recs["B001"]
    assert (b.action, b.amount, b.reasons) == ("none", BASE, [])
    assert len(audit("results.drafted")) == 1


def test_an_open_rectification_makes_the_money_wait_for_it(world: World, next_year: FiscalYear) -> None:
    rated_key_evaluation(world, grade="良", total="85")
    open_rectification(world)
    services.draft(actor=world.actors["office"], budget_year=next_year)
    a = recommendation_of("A001")
    assert a.conditional and a.label == "保持（整改完成后安排）" and a.amount == BASE
    assert [(r["kind"], r["decisive"]) for r in a.reasons] == [("keyeval", True), ("rectification", True)]


def test_a_stop_decision_cuts_everything(world: World, next_year: FiscalYear) -> None:
    monitoring_decision(world, kind="stop")
    services.draft(actor=world.actors["office"], budget_year=next_year)
    a = recommendation_of("A001")
    assert (a.action, a.cut, a.amount) == ("cut", Decimal("100.00"), Decimal("0.00"))
    assert "停止执行" in a.reasons[0]["text"] and a.reasons[0]["decisive"]


def test_redraft_updates_drafts_and_keeps_decided_ones(world: World, next_year: FiscalYear) -> None:
    office = world.actors["office"]
    services.draft(actor=office, budget_year=next_year)
    services.accept(actor=world.actors["section"], recommendation=recommendation_of("A002"))
    rated_key_evaluation(world, grade="差", total="45")
    rated_key_evaluation(world, grade="差", total="45", project=world.project_a_child)
    counts = services.draft(actor=office, budget_year=next_year)
    assert counts == {"created": 0, "updated": 2, "kept": 1}
    a, child = recommendation_of("A001"), recommendation_of("A002")
    assert (a.action, a.amount, a.status) == ("cut", Decimal("500000.00"), Status.DRAFT)
    # Decided before the key evaluation came in: finance's decision stands.
    assert (child.action, child.amount, child.status, child.final_amount) == ("none", BASE, Status.ACCEPTED, BASE)
    with scopes_disabled():
        assert Recommendation.objects.filter(budget_year=next_year).count() == 3
    assert [(e.data["created"], e.data["updated"], e.data["kept"]) for e in audit("results.drafted")] == [
        (3, 0, 0),
        (0, 2, 1),
    ]


def test_no_projects_the_year_before_means_nothing_to_draft(world: World) -> None:
    with pytest.raises(DomainError, match="2025 年度没有项目"):
        services.draft(actor=world.actors["office"], budget_year=world.fiscal_year)
    assert audit("results.drafted") == []


@pytest.mark.parametrize("actor", ["section", "auditor", "unit_a_editor"])
def test_only_the_office_drafts(world: World, next_year: FiscalYear, actor: str) -> None:
    with pytest.raises(Forbidden):
        services.draft(actor=world.actors[actor], budget_year=next_year)
    with scopes_disabled():
        assert not Recommendation.objects.exists()


def test_accept_adopts_the_draft_once(world: World, drafted: Any) -> None:
    rec = services.accept(actor=world.actors["section"], recommendation=recommendation_of("A001"))
    assert (rec.status, rec.final_action, rec.final_amount) == (Status.ACCEPTED, "none", BASE)
    assert rec.decided_by == world.actors["section"] and rec.decided_at is not None
    entries = audit("results.accepted")
    assert len(entries) == 1 and entries[0].target_id == str(rec.pk) and entries[0].unit_id == world.unit_a.pk
    with pytest.raises(DomainError, match="已采纳"):
        services.accept(actor=world.actors["office"], recommendation=recommendation_of("A001"))
    assert len(audit("results.accepted")) == 1


@pytest.mark.parametrize("actor", ["unit_a_editor", "auditor", "unit_b_editor"])
def test_only_finance_decides(world: World, drafted: Any, actor: str) -> None:
    with pytest.raises(Forbidden):
        services.accept(actor=world.actors[actor], recommendation=recommendation_of("A001"))
    with pytest.raises(Forbidden):
        services.override(
            actor=world.actors[actor], recommendation=recommendation_of("A001"), action="keep", amount=BASE, note="x"
        )
    assert recommendation_of("A001").status == Status.DRAFT


def test_a_section_decides_only_within_its_units(world: World, drafted: Any) -> None:
    with pytest.raises(Forbidden):
        services.accept(actor=world.actors["section"], recommendation=recommendation_of("B001"))


def test_override_records_the_reason_and_what_it_replaced(world: World, drafted: Any) -> None:
    services.accept(actor=world.actors["section"], recommendation=recommendation_of("A001"))
    rec = services.override(
        actor=world.actors["office"],
        recommendation=recommendation_of("A001"),
        action="reduce",
        amount=Decimal("855000.00"),
        note="  执行率偏低，按县政府常务会议意见压减  ",
    )
    assert (rec.status, rec.final_action, rec.final_amount) == (Status.OVERRIDDEN, "reduce", Decimal("855000.00"))
    assert rec.decision_note == "执行率偏低，按县政府常务会议意见压减"
    stored = recommendation_of("A001")
    assert (stored.action, stored.amount) == ("none", BASE)  # the draft itself is kept as drafted
    entries = audit("results.overridden")
    assert len(entries) == 1
    assert entries[0].data["before"] == {"status": "accepted", "action": "none", "amount": "1000000.00", "reason": ""}
    assert entries[0].data["reason"] == "执行率偏低，按县政府常务会议意见压减"


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"note": " "}, "请说明调整理由"),
        ({"note": "长" * 2001}, "不超过 2000 字"),
        ({"action": "double"}, "财政意见应为"),
        ({"amount": Decimal("-1")}, "安排数应在 0 至 10,000.00 万元之间"),
        ({"amount": Decimal("100000000.01")}, "安排数应在 0 至 10,000.00 万元之间"),
        ({"amount": Decimal("NaN")}, "安排数应在"),
        ({"amount": Decimal("Infinity")}, "安排数应在"),
        ({"amount": Decimal("100.001")}, "精确到分"),
    ],
)
def test_override_is_checked(world: World, drafted: Any, kwargs: dict[str, Any], words: str) -> None:
    base: dict[str, Any] = {"action": "keep", "amount": BASE, "note": "理由"}
    with pytest.raises(DomainError, match=words):
        services.override(actor=world.actors["office"], recommendation=recommendation_of("A001"), **(base | kwargs))
    rec = recommendation_of("A001")
    assert (rec.status, rec.final_amount, rec.decision_note) == (Status.DRAFT, None, "")
    assert audit("results.overridden") == []


def test_rules_save_versions_and_the_next_draft_uses_them(world: World, next_year: FiscalYear) -> None:
    office = world.actors["office"]
    first = services.rules_save(
        actor=office, region=world.region, data={"rules": {"中": {"cut": "20"}}}, note="压减 20%"
    )
    second = services.rules_save(
        actor=office, region=world.region, data={"rules": {"中": {"cut": "15"}}, "prefer": "lower"}
    )
    assert (first.version, second.version) == ("430212-r1", "430212-r2")
    assert first.data["rules"]["中"]["cut"] == "20" and first.note == "压减 20%"
    in_force = selectors.rules_in_force(world.region)
    assert in_force.version == "430212-r2" and in_force.rules["中"].cut == Decimal(15) and in_force.prefer == "lower"
    assert [e.data["version"] for e in audit("results.rules.saved")] == ["430212-r1", "430212-r2"]
    rated_key_evaluation(world, grade="中")
    services.draft(actor=office, budget_year=next_year)
    a = recommendation_of("A001")
    assert (a.rules_version, a.cut, a.amount) == ("430212-r2", Decimal("15.00"), Decimal("850000.00"))


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ({"rules": {"中": {"cut": "150"}}}, "应为 0 到 100 的数字"),
        ({"rules": {"中": {"cut": "十"}}}, "不是数字"),
        ({"rules": {"中": {"action": "double"}}}, "无效"),
        ({"rules": {"甲": {"cut": "10"}}}, "不是等级"),
        ({"unrectified": "ignore"}, "unrectified"),
        ({"budget": "1"}, "无法识别"),
    ],
)
def test_bad_rules_are_refused_in_chinese(world: World, data: dict[str, Any], words: str) -> None:
    with pytest.raises(DomainError, match=words):
        services.rules_save(actor=world.actors["office"], region=world.region, data=data)
    with scopes_disabled():
        assert not LinkageRules.objects.exists()
    assert audit("results.rules.saved") == []
    assert selectors.rules_in_force(world.region).version == "default-2026.1"


def test_only_the_office_saves_rules(world: World) -> None:
    with pytest.raises(Forbidden):
        services.rules_save(actor=world.actors["section"], region=world.region, data={})
    with pytest.raises(Forbidden):
        services.rules_save(actor=world.actors["office"], region=world.other_region, data={})


def test_a_project_shows_the_recommendation_drafted_from_it_and_the_one_for_its_year(
    world: World, next_year: FiscalYear, drafted: Any
) -> None:
    with scopes_disabled():
        next_project = Project.objects.create(
            region=world.region,
            fiscal_year=next_year,
            unit=world.unit_a,
            code="A001",
            name=world.project_a.name,
            category=world.project_a.category,
            start_year=2026,
            end_year=2028,
            initial_budget=BASE,
            adjusted_budget=BASE,
        )
        project_a = Project.objects.select_related("fiscal_year").get(pk=world.project_a.pk)
        next_project = Project.objects.select_related("fiscal_year").get(pk=next_project.pk)
    assert [r.budget_year.year for r in selectors.for_project(project_a)] == [2027]
    assert [r.code for r in selectors.for_project(next_project)] == ["A001"]
    assert selectors.for_project(project_a)[0].project_id == world.project_a.pk


def test_a_key_evaluation_older_than_the_latest_self_evaluation_does_not_decide(world: World) -> None:
    # 2025's key evaluation rated the project 差; its 2026 self-evaluation is the newer result.
    from tests.factories import FiscalYearFactory, ProjectFactory

    with scopes_disabled():
        earlier = ProjectFactory(
            fiscal_year=FiscalYearFactory(region=world.region, year=2025),
            unit=world.unit_a,
            code=world.project_a.code,
            category=world.project_a.category,
            start_year=2025,
            end_year=2025,
        )
    rated_key_evaluation(world, grade="差", total="52.00", project=earlier)
    accepted_selfeval(world)
    (a,) = [f for p, f in selectors.facts_for(previous_projects(world), 2027).items() if p == world.project_a.pk]
    assert [g.source for g in a.grades] == ["selfeval"]
    # A key evaluation of the same year as the self-evaluation still decides.
    rated_key_evaluation(world, grade="中", total="75.50")
    (a,) = [f for p, f in selectors.facts_for(previous_projects(world), 2027).items() if p == world.project_a.pk]
    assert [g.source for g in a.grades] == ["selfeval", "keyeval"] and a.grades[1].grade == "中"


def test_accepting_a_draft_redrafted_since_the_page_was_read_is_refused(
    world: World, next_year: FiscalYear, drafted: Any
) -> None:
    rec = recommendation_of("A001")
    seen = rec.drafted_at.isoformat()
    services.draft(actor=world.actors["office"], budget_year=next_year)  # someone redrafts meanwhile
    with pytest.raises(DomainError, match="已按最新评价结果重新生成"):
        services.accept(actor=world.actors["office"], recommendation=rec, seen=seen)
    assert recommendation_of("A001").status == Status.DRAFT
    fresh = recommendation_of("A001")
    accepted = services.accept(actor=world.actors["office"], recommendation=fresh, seen=fresh.drafted_at.isoformat())
    assert accepted.status == Status.ACCEPTED


def test_accept_all_adopts_the_drafts_shown_one_audit_entry_each(
    world: World, next_year: FiscalYear, drafted: Any
) -> None:
    from jixiao.accounts.permissions import actor_context

    def ctx_of(actor: Any) -> Any:
        return actor_context(actor, region_id=None, year=None, today_year=2026)

    services.override(
        actor=world.actors["office"],
        recommendation=recommendation_of("B001"),
        action="keep",
        amount=BASE,
        note="刚性支出",
    )
    section = world.actors["section"]  # oversees unit A and its school, not unit B
    listed = selectors.recommendation_list(ctx=ctx_of(section), year=2027)
    assert services.accept_all(actor=section, recommendations=listed) == 2
    assert {r.code: r.status for r in Recommendation.objects.with_scopes_disabled().all()} == {
        "A001": Status.ACCEPTED,
        "A002": Status.ACCEPTED,
        "B001": Status.OVERRIDDEN,
    }
    assert len(audit("results.accepted")) == 2
    assert services.accept_all(actor=section, recommendations=listed) == 0
    with pytest.raises(Forbidden):
        services.accept_all(actor=world.actors["auditor"], recommendations=listed)
