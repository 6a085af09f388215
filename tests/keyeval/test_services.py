"""Key-evaluation services and selectors: the workflow table, selection and its index system,
commissioning, the declaration, the index system and its scores, working papers, the report,
the office's return and rating, the agency's record, and the candidates for selection."""

import dataclasses
import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import F
from django.utils import timezone
from django_scopes import scopes_disabled

from jixiao.accounts.permissions import ActorContext, actor_context
from jixiao.audit.models import AuditEntry
from jixiao.budget.models import Project, ProjectCategory
from jixiao.core import keyeval as core
from jixiao.core.errors import DomainError, Forbidden
from jixiao.core.evidence import MAX_BYTES
from jixiao.evaluation import services as evaluation_services
from jixiao.keyeval import selectors, services
from jixiao.keyeval.models import Agency, Declaration, Evaluation, Evidence, Item, Status
from tests.conftest import World
from tests.evaluation.conftest import fill, form_of
from tests.evaluation.conftest import open_round as open_selfeval_round
from tests.factories import FiscalYearFactory, ProjectFactory, UserFactory
from tests.keyeval.conftest import DEADLINE, assign, make_agency, scored_rows, select, shaped_rows
from tests.monitoring.conftest import approve_sheet, open_round, pay, report_of

CHINESE = re.compile(r"[\u4e00-\u9fff]")
CONCLUSION = "项目决策依据充分，资金管理规范；立项依据不够充分，建议完善前期论证。"


# --- helpers -------------------------------------------------------------------------------------


def fresh(evaluation: Evaluation) -> Evaluation:
    with scopes_disabled():
        return Evaluation.objects.select_related("agency").get(pk=evaluation.pk)


def items_of(evaluation: Evaluation) -> list[tuple[int, str, str, Decimal, Decimal | None]]:
    with scopes_disabled():
        return list(evaluation.items.values_list("position", "level1", "level3", "weight", "score"))


def audits(prefix: str = "keyeval.") -> int:
    return AuditEntry.objects.filter(action__startswith=prefix).count()


def snapshot(evaluation: Evaluation) -> tuple[Any, ...]:
    """Everything a refused write must leave as it was."""
    e = fresh(evaluation)
    with scopes_disabled():
        return (
            e.status,
            e.agency_id,
            e.deadline,
            e.fee,
            e.total,
            e.grade,
            e.conclusion,
            e.report.name,
            e.returns,
            e.quality,
            items_of(e),
            list(e.evidence.values_list("pk", flat=True)),
            list(e.declarations.values_list("user_id", "conflict")),
            AuditEntry.objects.count(),
        )


def refused(call: Callable[[], object], evaluation: Evaluation, match: str = "") -> DomainError:
    """The call raises DomainError (in Chinese, matching ``match``) and changes nothing."""
    before = snapshot(evaluation)
    with pytest.raises(DomainError) as caught:
        call()
    assert CHINESE.search(caught.value.message), caught.value.message
    if match:
        assert re.search(match, caught.value.message), caught.value.message
    assert snapshot(evaluation) == before
    return caught.value


def upload(name: str = "底稿.pdf", content: bytes = b"%PDF-1.4 working paper") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def content(stored: Any) -> bytes:
    with stored.open("rb") as f:
        return f.read()


def full_marks(evaluation: Evaluation) -> None:
    with scopes_disabled():
        Item.objects.filter(evaluation=evaluation).update(score=F("weight"))


def ctx_of(actor: Any) -> ActorContext:
    return actor_context(actor, region_id=None, year=None, today_year=2026)


def declare(world: World, evaluation: Evaluation, who: str = "agency", **kwargs: Any) -> Declaration:
    kwargs.setdefault("conflict", False)
    return services.declare(actor=world.actors[who], evaluation=evaluation, **kwargs)


def submit(world: World, evaluation: Evaluation, report: Any = "new", **kwargs: Any) -> Evaluation:
    return services.submit(
        actor=world.actors["agency"],
        evaluation=evaluation,
        conclusion=kwargs.pop("conclusion", CONCLUSION),
        report=upload("评价报告.pdf") if report == "new" else report,
    )


def rate(world: World, evaluation: Evaluation, quality: str = "88.5") -> Evaluation:
    return services.rate(actor=world.actors["office"], evaluation=evaluation, quality=Decimal(quality), note="规范")


XIANGJIANG, TIANPING = "湖南湘江会计师事务所有限公司", "湖南天平资产评估有限公司"


def agency_named(world: World, name: str) -> Agency:
    return Agency.objects.with_scope(region=[world.region.pk]).get(name=name)


@pytest.fixture
def team(world: World, agency: Agency) -> Agency:
    """The world's agency (湖南湘江) with a second member, agency2; and another agency (湖南天平)
    whose only member is outsider."""
    for name in ("agency2", "outsider"):
        world.actors[name] = UserFactory(username=name, role="agency", region=world.region)
    make_agency(world, TIANPING, members=("outsider",))
    return services.agency_save(
        actor=world.actors["office"],
        region=world.region,
        agency=agency,
        data=services.AgencyIn(
            name=agency.name,
            contact=agency.contact,
            phone=agency.phone,
            member_ids=[world.actors["agency"].pk, world.actors["agency2"].pk],
        ),
    )


# --- the workflow table --------------------------------------------------------------------------

STATES = [s.value for s in Status]


def at(world: World, team: Agency, status: str) -> Evaluation:
    """Unit A's evaluation brought to ``status`` through the services, every item at full marks
    and one working paper on file (so that every service has something to act on)."""
    evaluation = select(world)
    full_marks(evaluation)
    with scopes_disabled():
        paper = Evidence(evaluation=evaluation, name="访谈记录.pdf", size=12, uploaded_by=world.actors["agency"])
        paper.file.save("访谈记录.pdf", ContentFile(b"%PDF-1.4 notes"), save=False)
        paper.save()
    if status != Status.SELECTED:
        evaluation = assign(world, evaluation, team)
    if status in (Status.WORKING, Status.SUBMITTED, Status.RATED, Status.CANCELLED):
        declare(world, evaluation)
    if status == Status.CANCELLED:
        services.evaluation_cancel(actor=world.actors["office"], evaluation=evaluation, reason="项目已停止实施")
    if status in (Status.SUBMITTED, Status.RATED):
        submit(world, evaluation)
    if status == Status.RATED:
        rate(world, evaluation)
    evaluation = fresh(evaluation)
    assert evaluation.status == status
    return evaluation


def _paper(evaluation: Evaluation) -> Evidence:
    with scopes_disabled():
        return evaluation.evidence.get()


@dataclasses.dataclass(frozen=True)
class Step:
    actor: str
    call: Callable[[World, Evaluation, Any], object]
    moves: dict[str, str]  # from → to, for the statuses it is allowed from
    action: str
    forbidden: tuple[str, ...] = ()  # statuses where the actor is not let in at all


AGENCY_ONLY_WHEN_DECLARED = (Status.SELECTED, Status.ASSIGNED)
WORKFLOW = {
    "assign": Step(
        "office",
        lambda w, e, a: services.evaluation_assign(
            actor=a,
            evaluation=e,
            agency=e.agency or agency_named(w, XIANGJIANG),
            deadline=DEADLINE + dt.timedelta(days=1),
            fee=Decimal("60000"),
        ),
        {Status.SELECTED: Status.ASSIGNED, Status.ASSIGNED: Status.ASSIGNED},
        "assigned",
    ),
    "cancel": Step(
        "office",
        lambda w, e, a: services.evaluation_cancel(actor=a, evaluation=e, reason="项目已停止实施"),
        {Status.SELECTED: Status.CANCELLED, Status.ASSIGNED: Status.CANCELLED, Status.WORKING: Status.CANCELLED},
        "cancelled",
    ),
    "declare": Step(
        "agency2",
        lambda w, e, a: services.declare(actor=a, evaluation=e, conflict=False),
        {Status.ASSIGNED: Status.WORKING, Status.WORKING: Status.WORKING},
        "declared",
        (Status.SELECTED,),
    ),
    "items_office": Step(
        "office",
        lambda w, e, a: services.items_save(actor=a, evaluation=e, rows=shaped_rows(e)),
        {Status.SELECTED: Status.SELECTED, Status.ASSIGNED: Status.ASSIGNED},
        "items_saved",
    ),
    "items_agency": Step(
        "agency",
        lambda w, e, a: services.items_save(actor=a, evaluation=e, rows=scored_rows(e, Decimal(1))),
        {Status.WORKING: Status.WORKING},
        "items_saved",
        AGENCY_ONLY_WHEN_DECLARED,
    ),
    "evidence_add": Step(
        "agency",
        lambda w, e, a: services.evidence_add(actor=a, evaluation=e, upload=upload()),
        {Status.WORKING: Status.WORKING},
        "added",
        AGENCY_ONLY_WHEN_DECLARED,
    ),
    "evidence_remove": Step(
        "agency",
        lambda w, e, a: services.evidence_remove(actor=a, evidence=_paper(e)),
        {Status.WORKING: Status.WORKING},
        "removed",
        AGENCY_ONLY_WHEN_DECLARED,
    ),
    "submit": Step(
        "agency",
        lambda w, e, a: services.submit(actor=a, evaluation=e, conclusion=CONCLUSION, report=upload("报告.docx")),
        {Status.WORKING: Status.SUBMITTED},
        "submitted",
        AGENCY_ONLY_WHEN_DECLARED,
    ),
    "feedback": Step(
        "unit_a_editor",
        lambda w, e, a: services.feedback(actor=a, evaluation=e, text="第三项扣分所指合同已补签"),
        {Status.SUBMITTED: Status.SUBMITTED},
        "feedback",
    ),
    "return": Step(
        "office",
        lambda w, e, a: services.return_report(actor=a, evaluation=e, note="请补充满意度调查样本说明"),
        {Status.SUBMITTED: Status.WORKING},
        "returned",
    ),
    "rate": Step(
        "office",
        lambda w, e, a: services.rate(actor=a, evaluation=e, quality=Decimal("90"), note="结论清楚"),
        {Status.SUBMITTED: Status.RATED},
        "rated",
    ),
}
CASES = [(name, state) for name in WORKFLOW for state in STATES]


@pytest.mark.parametrize(("name", "state"), CASES, ids=[f"{n}-{s}" for n, s in CASES])
def test_workflow_table(world: World, team: Agency, name: str, state: str) -> None:
    step = WORKFLOW[name]
    evaluation = at(world, team, state)
    actor = world.actors[step.actor]
    if state in step.moves:
        before = AuditEntry.objects.count()
        step.call(world, evaluation, actor)
        assert fresh(evaluation).status == step.moves[state]
        assert AuditEntry.objects.count() == before + 1
        assert AuditEntry.objects.order_by("-pk").first().action.endswith(f".{step.action}")  # type: ignore[union-attr]
        return
    error = refused(lambda: step.call(world, evaluation, actor), evaluation)
    if state in step.forbidden:
        assert isinstance(error, Forbidden)
    else:
        assert not isinstance(error, Forbidden)
        label = Status(state).label
        assert error.message.startswith(f"评价当前为「{label}」，不能"), error.message


# --- selection ------------------------------------------------------------------------------------


def test_select_builds_the_template_items(world: World, selected: Evaluation) -> None:
    e = fresh(selected)
    assert (e.status, e.project, e.unit, e.fiscal_year) == (
        Status.SELECTED,
        world.project_a,
        world.unit_a,
        world.fiscal_year,
    )
    assert e.title == "义务教育学校公用经费保障2026年度财政重点评价"
    assert e.reasons == ["项目资金 100.00 万元"] and e.created_by == world.actors["office"]
    assert e.template_version == core.DEFAULT_VERSION and e.agency is None
    items = items_of(e)
    assert len(items) == 17 and [i[0] for i in items] == list(range(1, 18))
    assert sum(i[3] for i in items) == Decimal(100) and all(i[4] is None for i in items)
    assert [i[2] for i in items] == [i.level3 for i in core.template().items]
    with scopes_disabled():
        assert core.check(services.as_core(list(e.items.all()))) == []
    entry = AuditEntry.objects.get(action="keyeval.evaluation.selected")
    assert entry.data == {"project": "A001", "reasons": ["项目资金 100.00 万元"]} and entry.unit == world.unit_a
    assert audits("keyeval.evaluation.") == 1


def test_select_fits_the_approved_goal_sheet(world: World) -> None:
    approve_sheet(world)
    evaluation = select(world)
    items = items_of(evaluation)
    assert len(items) == 11 + 5 + 3
    output = [(i[2], i[3]) for i in items if i[1] == "产出"]
    assert output == [
        ("公用经费保障的在校学生人数", Decimal(6)),
        ("公用经费保障的义务教育学校数", Decimal(6)),
        ("生均公用经费按标准足额拨付率", Decimal(6)),
        ("公用经费拨付到校时间", Decimal(6)),
        ("小学生均公用经费标准", Decimal(6)),
    ]
    effect = [(i[2], i[3]) for i in items if i[1] == "效益"]
    assert effect == [
        ("义务教育巩固率", Decimal(10)),
        ("学校正常运转保障率", Decimal(10)),
        ("学生家长满意度", Decimal(10)),
    ]
    with scopes_disabled():
        first = evaluation.items.get(level3="公用经费保障的在校学生人数")
        cost = evaluation.items.get(level3="小学生均公用经费标准")
    assert first.level2 == "数量" and first.explanation == "绩效目标：公用经费保障的在校学生人数≥12000人"
    assert cost.level2 == "成本" and cost.standard == core.STANDARDS["成本"]
    assert sum(i[3] for i in items) == Decimal(100)


def test_select_refuses_a_project_under_evaluation(world: World, selected: Evaluation) -> None:
    with scopes_disabled():
        count = Evaluation.objects.count()
    before = audits()
    with pytest.raises(DomainError, match="以下项目已有进行中的重点评价：义务教育学校公用经费保障"):
        select(world)
    with pytest.raises(DomainError, match="已有进行中的重点评价"):
        services.evaluation_select(actor=world.actors["office"], projects=[world.project_b, world.project_a])
    with scopes_disabled():
        assert Evaluation.objects.count() == count
    assert audits() == before
    services.evaluation_cancel(actor=world.actors["office"], evaluation=selected, reason="改由审计部门审计")
    again = select(world)
    assert again.pk != selected.pk and fresh(again).status == Status.SELECTED


def test_select_one_evaluation_per_project_even_when_listed_twice(world: World) -> None:
    with scopes_disabled():
        project = Project.objects.select_related("fiscal_year").get(pk=world.project_a.pk)
    created = services.evaluation_select(actor=world.actors["office"], projects=[project, project])
    with scopes_disabled():
        assert Evaluation.objects.filter(project=project).count() == 1
    assert len(created) == 1 and audits() == 1


def test_select_several_projects_with_their_reasons(world: World) -> None:
    with scopes_disabled():
        projects = list(
            Project.objects.select_related("fiscal_year")
            .filter(region=world.region, code__in=["A001", "B001"])
            .order_by("code")
        )
    a, b = projects
    created = services.evaluation_select(
        actor=world.actors["office"],
        projects=projects,
        reasons={a.pk: ["民生项目（教育）"], b.pk: ["预算较上年增长 25.0%", "重大项目"]},
        requirements="  重点关注资金使用合规性  ",
    )
    assert [fresh(e).reasons for e in created] == [["民生项目（教育）"], ["预算较上年增长 25.0%", "重大项目"]]
    assert {fresh(e).unit for e in created} == {world.unit_a, world.unit_b}
    assert all(fresh(e).requirements == "重点关注资金使用合规性" for e in created)
    assert audits("keyeval.evaluation.selected") == 2


@pytest.mark.parametrize("who", ["section", "auditor", "unit_a_editor", "agency", "sysadmin"])
def test_only_the_office_selects(world: World, who: str) -> None:
    with pytest.raises(Forbidden):
        services.evaluation_select(actor=world.actors[who], projects=[world.project_a])
    with scopes_disabled():
        assert not Evaluation.objects.exists()
    assert audits() == 0


def test_select_needs_a_project_and_short_requirements(world: World) -> None:
    with pytest.raises(DomainError, match="请至少选择一个项目"):
        services.evaluation_select(actor=world.actors["office"], projects=[])
    with pytest.raises(DomainError, match="不超过 2000 字"):
        services.evaluation_select(actor=world.actors["office"], projects=[world.project_a], requirements="长" * 2001)
    with pytest.raises(Forbidden):  # another region's project is out of the office's reach
        services.evaluation_select(actor=world.actors["office"], projects=[world.other_region_project])
    with scopes_disabled():
        assert not Evaluation.objects.exists()


# --- assignment ----------------------------------------------------------------------------------

TODAY = timezone.localdate()


@pytest.mark.parametrize(
    ("deadline", "fee", "message"),
    [
        (TODAY, Decimal("58000"), ""),
        (TODAY + dt.timedelta(days=366), None, ""),
        (TODAY + dt.timedelta(days=30), Decimal(0), ""),
        (TODAY + dt.timedelta(days=30), Decimal("99999999.99"), ""),
        (TODAY - dt.timedelta(days=1), Decimal("58000"), "报告提交期限应在"),
        (TODAY + dt.timedelta(days=367), Decimal("58000"), "报告提交期限应在"),
        (TODAY + dt.timedelta(days=30), Decimal("-0.01"), "委托费用应在 0 到 1 亿元之间"),
        (TODAY + dt.timedelta(days=30), Decimal("100000000"), "委托费用应在 0 到 1 亿元之间"),
        (TODAY + dt.timedelta(days=30), Decimal("58000.125"), "委托费用"),
    ],
)
def test_assign_bounds(
    world: World, selected: Evaluation, agency: Agency, deadline: dt.date, fee: Decimal | None, message: str
) -> None:
    def call() -> Evaluation:
        return services.evaluation_assign(
            actor=world.actors["office"], evaluation=selected, agency=agency, deadline=deadline, fee=fee, today=TODAY
        )

    if message:
        refused(call, selected, message)
        return
    call()
    e = fresh(selected)
    assert (e.status, e.agency, e.deadline, e.fee) == (Status.ASSIGNED, agency, deadline, fee)
    assert e.assigned_at is not None
    entry = AuditEntry.objects.get(action="keyeval.evaluation.assigned")
    assert entry.data == {
        "agency": agency.name,
        "deadline": deadline.isoformat(),
        "fee": None if fee is None else str(fee),
    }


def test_assign_refuses_an_inactive_or_foreign_agency(world: World, selected: Evaluation, agency: Agency) -> None:
    with scopes_disabled():
        Agency.objects.filter(pk=agency.pk).update(active=False)
        agency.refresh_from_db()
        foreign = Agency.objects.create(region=world.other_region, name="天元某评估公司", contact="钱", phone="1")
    for which in (agency, foreign):
        refused(
            lambda which=which: services.evaluation_assign(
                actor=world.actors["office"], evaluation=selected, agency=which, deadline=DEADLINE, fee=None
            ),
            selected,
            f"机构「{which.name}」未登记为本区划可承接业务的机构",
        )


@pytest.mark.parametrize("who", ["section", "auditor", "unit_a_editor", "agency"])
def test_only_the_office_assigns(world: World, selected: Evaluation, agency: Agency, who: str) -> None:
    refused(
        lambda: services.evaluation_assign(
            actor=world.actors[who], evaluation=selected, agency=agency, deadline=DEADLINE, fee=None
        ),
        selected,
        "权限",
    )


def test_reassign_before_anyone_declared_but_not_after(world: World, team: Agency, assigned: Evaluation) -> None:
    other = agency_named(world, TIANPING)
    moved = services.evaluation_assign(
        actor=world.actors["office"],
        evaluation=assigned,
        agency=other,
        deadline=DEADLINE,
        fee=Decimal("40000"),
        requirements="补充：关注学校公用经费拨付时效",
    )
    e = fresh(moved)
    assert (e.status, e.agency, e.fee, e.requirements) == (
        Status.ASSIGNED,
        other,
        Decimal("40000"),
        "补充：关注学校公用经费拨付时效",
    )
    assert audits("keyeval.evaluation.assigned") == 2
    error = refused(lambda: declare(world, moved, "agency"), moved)  # the first agency is out
    assert isinstance(error, Forbidden)
    declare(world, moved, "outsider")
    refused(
        lambda: services.evaluation_assign(
            actor=world.actors["office"], evaluation=assigned, agency=team, deadline=DEADLINE, fee=None
        ),
        assigned,
        "评价当前为「评价中」，不能委托机构",
    )


def test_cancel_needs_a_reason(world: World, assigned: Evaluation) -> None:
    refused(
        lambda: services.evaluation_cancel(actor=world.actors["office"], evaluation=assigned, reason="  "),
        assigned,
        "请填写取消理由",
    )
    refused(
        lambda: services.evaluation_cancel(actor=world.actors["section"], evaluation=assigned, reason="x"),
        assigned,
        "权限",
    )


# --- the declaration -----------------------------------------------------------------------------


def test_a_clean_declaration_starts_the_work(world: World, assigned: Evaluation) -> None:
    declaration = declare(world, assigned)
    assert not declaration.conflict and declaration.statement == services.DECLARATION
    assert fresh(assigned).status == Status.WORKING
    assert services.has_declared(world.actors["agency"], assigned)
    assert AuditEntry.objects.get(action="keyeval.evaluation.declared").data == {"conflict": False}
    refused(lambda: declare(world, assigned), assigned, "您已就该评价签署过声明")
    refused(lambda: declare(world, assigned, conflict=True, statement="x"), assigned, "您已就该评价签署过声明")


@pytest.mark.parametrize("who", ["outsider", "office", "section", "unit_a_editor", "auditor"])
def test_only_members_of_the_assigned_agency_declare(
    world: World, team: Agency, selected: Evaluation, who: str
) -> None:
    evaluation = assign(world, selected, team)
    error = refused(lambda: declare(world, evaluation, who), evaluation)
    assert isinstance(error, Forbidden)


def test_a_member_moved_to_another_region_is_out(world: World, assigned: Evaluation, agency: Agency) -> None:
    far = UserFactory(username="agency_far", role="agency", region=world.other_region)
    agency.members.add(far)
    assert not services.is_member(far, assigned)
    error = refused(lambda: services.declare(actor=far, evaluation=assigned, conflict=False), assigned)
    assert isinstance(error, Forbidden)


def test_a_conflict_needs_a_statement_and_keeps_the_member_out(
    world: World, team: Agency, selected: Evaluation
) -> None:
    evaluation = assign(world, selected, team)
    refused(lambda: declare(world, evaluation, conflict=True, statement="  "), evaluation, "请填写利害关系说明")
    declaration = declare(world, evaluation, conflict=True, statement="本人近三年曾为该局提供年报审计服务")
    assert declaration.conflict and declaration.statement == "本人近三年曾为该局提供年报审计服务"
    assert fresh(evaluation).status == Status.ASSIGNED  # a conflict starts nothing
    assert AuditEntry.objects.get(action="keyeval.evaluation.declared").data == {"conflict": True}
    refused(lambda: declare(world, evaluation), evaluation, "您已就该评价签署过声明")
    # another member declares cleanly and starts the work; the conflicted one stays out
    declare(world, evaluation, "agency2")
    evaluation = fresh(evaluation)
    assert evaluation.status == Status.WORKING
    agency = world.actors["agency"]
    for call in (
        lambda: services.items_save(actor=agency, evaluation=evaluation, rows=scored_rows(evaluation)),
        lambda: services.evidence_add(actor=agency, evaluation=evaluation, upload=upload()),
        lambda: services.submit(actor=agency, evaluation=evaluation, conclusion=CONCLUSION, report=upload()),
    ):
        error = refused(call, evaluation, "请先签署利益冲突声明")
        assert isinstance(error, Forbidden)


# --- the index system and its scores -------------------------------------------------------------


def test_the_office_shapes_the_index_system_before_the_work(world: World, assigned: Evaluation) -> None:
    rows = scored_rows(assigned)
    rows = [dataclasses.replace(r, score=None) for r in rows]
    rows[0] = dataclasses.replace(rows[0], level3="立项依据充分性（含可行性研究）", note="")
    checks = services.items_save(actor=world.actors["office"], evaluation=assigned, rows=rows)
    assert checks == []
    assert items_of(assigned)[0][2] == "立项依据充分性（含可行性研究）"
    entry = AuditEntry.objects.get(action="keyeval.evaluation.items_saved")
    assert entry.data == {"items": 17, "weights": "100.00", "scored": 0, "points": "0"}
    declare(world, assigned)
    refused(
        lambda: services.items_save(actor=world.actors["office"], evaluation=assigned, rows=rows),
        assigned,
        "评价当前为「评价中」，不能修改指标体系或评分",
    )


def test_the_agency_scores_while_working(world: World, working: Evaluation) -> None:
    checks = services.items_save(
        actor=world.actors["agency"], evaluation=working, rows=scored_rows(working, Decimal(1))
    )
    assert checks == []
    items = items_of(working)
    assert items[0][4] == items[0][3] - 1 and all(i[4] == i[3] for i in items[1:])
    entry = AuditEntry.objects.get(action="keyeval.evaluation.items_saved")
    assert entry.data == {"items": 17, "weights": "100.00", "scored": 17, "points": "99.00"}


def test_a_member_who_has_not_declared_cannot_score(world: World, team: Agency, selected: Evaluation) -> None:
    evaluation = assign(world, selected, team)
    declare(world, evaluation)
    error = refused(
        lambda: services.items_save(actor=world.actors["agency2"], evaluation=evaluation, rows=scored_rows(evaluation)),
        evaluation,
        "请先签署利益冲突声明",
    )
    assert isinstance(error, Forbidden)
    for who in ("outsider", "section", "unit_a_editor"):
        error = refused(
            lambda who=who: services.items_save(
                actor=world.actors[who], evaluation=evaluation, rows=scored_rows(evaluation)
            ),
            evaluation,
            "权限",
        )


BLOCKERS = [
    ("weight-zero", 0, {"weight": Decimal(0)}, "「立项依据充分性」的分值 0，应大于 0"),
    ("weight-negative", 0, {"weight": Decimal(-2), "score": None}, "应大于 0"),
    ("weight-precision", 0, {"weight": Decimal("3.995"), "score": None}, "立项依据充分性.*超过两位小数"),
    ("weight-huge", 0, {"weight": Decimal(1000), "score": None}, "第 1 项的分值或得分超出范围"),
    ("weight-nan", 0, {"weight": Decimal("NaN"), "score": None}, "第 1 项的分值或得分超出范围"),
    ("score-infinite", 1, {"score": Decimal("Infinity")}, "第 2 项的分值或得分超出范围"),
    ("score-over", 1, {"score": Decimal("3.5")}, "「立项程序规范性」得分 3.5，应在 0 到 3 之间"),
    ("score-negative", 1, {"score": Decimal("-1")}, "应在 0 到 3 之间"),
    ("score-precision", 1, {"score": Decimal("2.125")}, "「立项程序规范性」得分 2.125 超过两位小数"),
    ("name-empty", 2, {"level3": "   "}, "请填写第 3 项的三级指标"),
    ("name-long", 2, {"level3": "长" * 201}, "第 3 项的三级指标不超过 200 字"),
    ("level2-empty", 2, {"level2": ""}, "请填写第 3 项的二级指标"),
    ("level1-unknown", 3, {"level1": "结果"}, "「绩效指标明确性」的一级指标「结果」不是决策、过程、产出、效益之一"),
    ("note-long", 3, {"note": "长" * 2001}, "第 4 项的评分说明不超过 2000 字"),
]


@pytest.mark.parametrize(("index", "change", "message"), [b[1:] for b in BLOCKERS], ids=[b[0] for b in BLOCKERS])
def test_blockers_refuse_the_save(
    world: World, working: Evaluation, index: int, change: dict[str, Any], message: str
) -> None:
    rows = scored_rows(working)
    rows[index] = dataclasses.replace(rows[index], **change)
    if (
        "weight" in change and index == 0 and change["weight"].is_finite() and change["weight"] > 0
    ):  # keep the whole at 100
        rows[1] = dataclasses.replace(rows[1], weight=rows[1].weight + rows[0].weight - change["weight"])
    refused(lambda: services.items_save(actor=world.actors["agency"], evaluation=working, rows=rows), working, message)


def test_an_empty_index_system_is_refused(world: World, working: Evaluation) -> None:
    refused(
        lambda: services.items_save(actor=world.actors["agency"], evaluation=working, rows=[]),
        working,
        "指标体系至少应有一项指标",
    )


def test_open_checks_come_back_without_stopping_the_save(world: World, working: Evaluation) -> None:
    rows = [dataclasses.replace(r, score=None) for r in scored_rows(working)]
    by_name = {r.level3: n for n, r in enumerate(rows)}
    # 95 in all: two 决策 points less
    short = list(rows)
    short[by_name["立项依据充分性"]] = dataclasses.replace(rows[by_name["立项依据充分性"]], weight=Decimal(1))
    short[by_name["立项程序规范性"]] = dataclasses.replace(rows[by_name["立项程序规范性"]], weight=Decimal(1))
    checks = services.items_save(actor=world.actors["agency"], evaluation=working, rows=short)
    assert [(c.code, c.severity) for c in checks] == [("weights.total", "error")]
    assert checks[0].message == "各指标分值合计 95，应为 100"
    assert sum(i[3] for i in items_of(working)) == Decimal(95)  # saved all the same
    # 100 in all, but 产出 + 效益 only 50: 实施效益 20 → 10, 立项依据充分性 4 → 14
    light = list(rows)
    light[by_name["实施效益"]] = dataclasses.replace(rows[by_name["实施效益"]], weight=Decimal(10))
    light[by_name["立项依据充分性"]] = dataclasses.replace(rows[by_name["立项依据充分性"]], weight=Decimal(14))
    checks = services.items_save(actor=world.actors["agency"], evaluation=working, rows=light)
    assert [(c.code, c.severity) for c in checks] == [("weights.results", "warning")]
    assert "产出和效益指标权重合计 50%，低于 60%" in checks[0].message
    # no 效益 at all
    plain = [r for r in rows if r.level1 != "效益"]
    codes = {c.code for c in services.items_save(actor=world.actors["agency"], evaluation=working, rows=plain)}
    assert codes == {"weights.total", "weights.results", "level1.missing"}
    assert audits("keyeval.evaluation.items_saved") == 3


# --- working papers ------------------------------------------------------------------------------


def test_working_papers_add_and_remove(world: World, working: Evaluation) -> None:
    agency = world.actors["agency"]
    with scopes_disabled():
        item = working.items.get(position=1)
    whole = services.evidence_add(actor=agency, evaluation=working, upload=upload("../访谈记录.pdf"))
    one = services.evidence_add(actor=agency, evaluation=working, upload=upload("立项批复.JPG", b"jpeg"), item=item)
    assert (whole.name, whole.item, whole.size) == ("访谈记录.pdf", None, len(b"%PDF-1.4 working paper"))
    assert (one.name, one.item, one.uploaded_by) == ("立项批复.JPG", item, agency)
    assert content(one.file) == b"jpeg"
    entries = list(
        AuditEntry.objects.filter(action="keyeval.evidence.added").order_by("pk").values_list("data", flat=True)
    )
    assert entries == [{"file": "访谈记录.pdf"}, {"file": "立项批复.JPG", "item": "立项依据充分性"}]
    services.evidence_remove(actor=agency, evidence=whole)
    with scopes_disabled():
        assert list(working.evidence.all()) == [one]
    assert AuditEntry.objects.get(action="keyeval.evidence.removed").data == {"file": "访谈记录.pdf"}


def _too_big() -> SimpleUploadedFile:
    big = upload("大文件.pdf")
    big.size = MAX_BYTES + 1
    return big


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: None, "请选择要上传的文件"),
        (lambda: upload("脚本.exe"), "类型不受支持"),
        (lambda: upload("空.pdf", b""), "为空或超过 20 MB"),
        (_too_big, "为空或超过 20 MB"),
    ],
    ids=["none", "type", "empty", "size"],
)
def test_working_papers_refused(world: World, working: Evaluation, make: Callable[[], Any], message: str) -> None:
    refused(
        lambda: services.evidence_add(actor=world.actors["agency"], evaluation=working, upload=make()), working, message
    )


def test_a_working_paper_on_another_evaluations_item_is_refused(world: World, working: Evaluation) -> None:
    other = select(world, world.project_b)
    with scopes_disabled():
        foreign = other.items.get(position=1)
    refused(
        lambda: services.evidence_add(actor=world.actors["agency"], evaluation=working, upload=upload(), item=foreign),
        working,
        "所选指标不属于该评价",
    )


def test_only_the_declared_members_touch_working_papers(world: World, team: Agency, selected: Evaluation) -> None:
    evaluation = assign(world, selected, team)
    declare(world, evaluation)
    paper = services.evidence_add(actor=world.actors["agency"], evaluation=evaluation, upload=upload())
    for who in ("agency2", "outsider", "office"):
        refused(lambda who=who: services.evidence_remove(actor=world.actors[who], evidence=paper), evaluation)
        refused(
            lambda who=who: services.evidence_add(actor=world.actors[who], evaluation=evaluation, upload=upload()),
            evaluation,
        )


# --- the report ----------------------------------------------------------------------------------


def test_submission_problems_are_listed(world: World, working: Evaluation) -> None:
    assert services.submission_problems(fresh(working)) == ["还有 17 项指标未评分", "请填写评价结论和主要问题"]
    refused(lambda: submit(world, working, report=None), working, "^还有 17 项指标未评分；请上传评价报告$")
    refused(lambda: submit(world, working, conclusion=" "), working, "请填写评价结论和主要问题")
    rows = scored_rows(working)
    rows[0] = dataclasses.replace(rows[0], weight=Decimal(1), score=Decimal(1))  # 4 → 1: 97 in all
    services.items_save(actor=world.actors["agency"], evaluation=working, rows=rows)
    refused(lambda: submit(world, working), working, "^各指标分值合计 97，应为 100$")


@pytest.mark.parametrize(
    ("name", "ok"),
    [(f"评价报告.{t}", True) for t in ("pdf", "DOCX", "doc", "ofd")]
    + [(f"评价报告.{t}", False) for t in ("xlsx", "zip", "jpg")],
)
def test_report_types(world: World, working: Evaluation, name: str, ok: bool) -> None:
    full_marks(working)
    if not ok:
        refused(
            lambda: submit(world, working, report=upload(name)),
            working,
            f"评价报告应为 .doc、.docx、.ofd、.pdf 文件，收到「{name}」",
        )
        return
    submit(world, working, report=upload(name, b"report body"))
    e = fresh(working)
    assert (e.status, e.report_name, e.report_size) == (Status.SUBMITTED, name, len(b"report body"))
    assert content(e.report) == b"report body"


def test_refused_report_types_outside_the_evidence_rule(world: World, working: Evaluation) -> None:
    full_marks(working)
    refused(lambda: submit(world, working, report=upload("报告.exe")), working, "类型不受支持")


@pytest.mark.parametrize(
    ("lose", "total", "grade"),
    [("0", "100.00", "优"), ("3.5", "96.50", "优"), ("0.25", "99.75", "优")],
)
def test_total_and_grade_are_computed(world: World, working: Evaluation, lose: str, total: str, grade: str) -> None:
    services.items_save(actor=world.actors["agency"], evaluation=working, rows=scored_rows(working, Decimal(lose)))
    submit(world, working)
    e = fresh(working)
    assert (e.status, e.total, e.grade) == (Status.SUBMITTED, Decimal(total), grade)
    assert (e.submitted_by, e.conclusion) == (world.actors["agency"], CONCLUSION)
    entry = AuditEntry.objects.get(action="keyeval.evaluation.submitted")
    assert entry.data == {"total": str(e.total), "grade": grade, "report": "评价报告.pdf"}


@pytest.mark.parametrize(("share", "grade"), [("0.85", "良"), ("0.7", "中"), ("0.5", "差")])
def test_lower_grades(world: World, working: Evaluation, share: str, grade: str) -> None:
    rows = [
        dataclasses.replace(r, score=(r.weight * Decimal(share)).quantize(Decimal("0.01")))
        for r in scored_rows(working)
    ]
    services.items_save(actor=world.actors["agency"], evaluation=working, rows=rows)
    submit(world, working)
    e = fresh(working)
    assert e.total == sum(r.score for r in rows if r.score is not None) and e.grade == grade


def test_resubmission_after_return_keeps_the_report(world: World, working: Evaluation) -> None:
    full_marks(working)
    submit(world, working, report=upload("初稿.pdf", b"first"))
    first = fresh(working).report.name
    refused(
        lambda: services.return_report(actor=world.actors["office"], evaluation=working, note=" "),
        working,
        "请填写退回意见",
    )
    services.return_report(actor=world.actors["office"], evaluation=working, note="请补充满意度调查样本说明")
    e = fresh(working)
    assert (e.status, e.returns, e.return_note) == (Status.WORKING, 1, "请补充满意度调查样本说明")
    services.items_save(actor=world.actors["agency"], evaluation=working, rows=scored_rows(working, Decimal(2)))
    submit(world, working, report=None, conclusion="已补充满意度调查样本说明。")
    e = fresh(working)
    assert (e.status, e.report.name, e.report_name, e.total) == (Status.SUBMITTED, first, "初稿.pdf", Decimal(98))
    assert content(e.report) == b"first"
    services.return_report(actor=world.actors["office"], evaluation=working, note="再补充")
    submit(world, working, report=upload("终稿.docx", b"final"))
    e = fresh(working)
    assert (e.report_name, e.returns, content(e.report)) == ("终稿.docx", 2, b"final")
    assert audits("keyeval.evaluation.submitted") == 3 and audits("keyeval.evaluation.returned") == 2


# --- the office's return and rating ---------------------------------------------------------------


@pytest.fixture
def submitted(world: World, working: Evaluation) -> Evaluation:
    full_marks(working)
    return submit(world, working)


@pytest.mark.parametrize("who", ["section", "auditor", "agency", "unit_a_editor", "unit_a_leader"])
def test_only_the_office_returns_and_rates(world: World, submitted: Evaluation, who: str) -> None:
    actor = world.actors[who]
    for call in (
        lambda: services.return_report(actor=actor, evaluation=submitted, note="请修改"),
        lambda: services.rate(actor=actor, evaluation=submitted, quality=Decimal(90)),
    ):
        assert isinstance(refused(call, submitted, "权限"), Forbidden)


@pytest.mark.parametrize(
    ("quality", "ok"),
    [(q, True) for q in ("0", "100", "85.12", "85.1", "85.120")]
    + [(q, False) for q in ("-0.01", "100.01", "85.125", "85.001")],
)
def test_rate_quality_bounds(world: World, submitted: Evaluation, quality: str, ok: bool) -> None:
    def call() -> Evaluation:
        return services.rate(actor=world.actors["office"], evaluation=submitted, quality=Decimal(quality), note="好")

    if not ok:
        refused(call, submitted, f"报告质量评分应为 0 到 100 之间、最多两位小数的数，收到「{quality}」")
        return
    call()
    e = fresh(submitted)
    assert (e.status, e.quality, e.quality_note, e.rated_by) == (
        Status.RATED,
        Decimal(quality),
        "好",
        world.actors["office"],
    )
    assert e.rated_at is not None
    entry = AuditEntry.objects.get(action="keyeval.evaluation.rated")
    assert entry.data == {"quality": quality, "total": "100.00", "grade": "优"}


# --- the agency's record -------------------------------------------------------------------------


def test_records(world: World, team: Agency) -> None:
    with scopes_disabled():
        a001 = Project.objects.select_related("fiscal_year").get(pk=world.project_a.pk)
        extra = [
            ProjectFactory(fiscal_year=world.fiscal_year, unit=world.unit_a, code=f"A10{n}", category=a001.category)
            for n in range(4)
        ]
    rated = []
    for project, quality in zip((a001, extra[0]), ("80", "91"), strict=True):
        evaluation = assign(world, select(world, project), team)
        declare(world, evaluation)
        full_marks(evaluation)
        submit(world, evaluation)
        rated.append(rate(world, evaluation, quality))
    late = assign(world, select(world, extra[1]), team)  # submitted after its deadline, not yet rated
    declare(world, late)
    full_marks(late)
    submit(world, late)
    with scopes_disabled():
        Evaluation.objects.filter(pk=late.pk).update(deadline=TODAY - dt.timedelta(days=3))
    assign(world, select(world, extra[2]), team)  # assigned, under way
    cancelled = assign(world, select(world, extra[3]), team)
    services.evaluation_cancel(actor=world.actors["office"], evaluation=cancelled, reason="项目终止")
    other = Agency.objects.with_scope(region=[world.region.pk]).get(name="湖南天平资产评估有限公司")
    found = selectors.records([team.pk, other.pk])
    assert found[team.pk] == selectors.Record(assigned=4, rated=2, quality=Decimal("85.50"), late=1)
    assert found[other.pk] == selectors.Record(0, 0, None, 0)


def test_late_is_judged_by_the_local_day(world: World, submitted: Evaluation, agency: Agency) -> None:
    # Submitted at 00:30 Beijing time the day after the deadline: late, though still the
    # deadline day in UTC.
    deadline = dt.date(2026, 4, 30)
    at_night = dt.datetime(2026, 5, 1, 0, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    with scopes_disabled():
        Evaluation.objects.filter(pk=submitted.pk).update(deadline=deadline, submitted_at=at_night)
    assert selectors.records([agency.pk])[agency.pk].late == 1
    evening = dt.datetime(2026, 4, 30, 23, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    with scopes_disabled():
        Evaluation.objects.filter(pk=submitted.pk).update(submitted_at=evening)
    assert selectors.records([agency.pk])[agency.pk].late == 0


# --- candidates ----------------------------------------------------------------------------------


def candidates(world: World, **filters: Any) -> dict[str, selectors.Candidate]:
    found = selectors.candidates(ctx=ctx_of(world.actors["office"]), year=2026, filters=selectors.Filters(**filters))
    return {c.project.code: c for c in found}


def test_candidates_by_amount_and_livelihood(world: World) -> None:
    with scopes_disabled():
        police = ProjectCategory.objects.get(region=world.region, code="C07")
        Project.objects.filter(pk=world.project_b.pk).update(adjusted_budget=Decimal("500000"), category=police)
    assert set(candidates(world)) == {"A001", "A002", "B001"}
    assert set(candidates(world, min_amount=Decimal("800000"))) == {"A001", "A002"}
    assert set(candidates(world, min_amount=Decimal("500000"))) == {"A001", "A002", "B001"}
    assert set(candidates(world, livelihood=True)) == {"A001", "A002"}
    assert set(candidates(world, category_ids=[police.pk])) == {"B001"}
    assert set(candidates(world, q="公安")) == {"B001"}
    found = candidates(world)
    assert found["A001"].reasons == ["项目资金 100.00 万元", "民生项目（教育）"]
    assert found["B001"].reasons == ["项目资金 50.00 万元"]
    assert not found["A001"].taken and found["A001"].lights == [] and found["A001"].increase is None


def test_candidates_by_budget_increase(world: World) -> None:
    with scopes_disabled():
        last = FiscalYearFactory(region=world.region, year=2025)
        ProjectFactory(
            fiscal_year=last,
            unit=world.unit_a,
            code="A001",
            adjusted_budget=Decimal("800000"),
            category=world.project_a.category,
        )
        ProjectFactory(
            fiscal_year=last,
            unit=world.unit_b,
            code="B001",
            adjusted_budget=Decimal("950000"),
            category=world.project_b.category,
        )
    found = candidates(world)
    assert (found["A001"].increase, found["B001"].increase, found["A002"].increase) == (
        Decimal("25.0"),
        Decimal("5.3"),
        None,
    )
    assert "预算较上年增长 25.0%" in found["A001"].reasons
    assert not any("预算较上年增长" in r for r in found["B001"].reasons)  # under 20%: no reason
    assert set(candidates(world, increase=Decimal(20))) == {"A001"}
    assert set(candidates(world, increase=Decimal(5))) == {"A001", "B001"}
    assert set(candidates(world, increase=Decimal(30))) == set()


def test_candidates_by_weak_self_evaluations(world: World) -> None:
    approve_sheet(world)
    pay(world, world.project_a, {3: "200000", 6: "300000", 9: "250000", 12: "200000"})
    form = fill(world, form_of(open_selfeval_round(world)))
    for who, action in (("unit_a_editor", "submit"), ("unit_a_leader", "leader_approve")):
        form = evaluation_services.form_transition(actor=world.actors[who], form=form, action=action)
    assert set(candidates(world, weak=1)) == set()  # received, not yet accepted
    form = evaluation_services.recheck_save(
        actor=world.actors["office"], form=form, total=Decimal(70), note="产出数据无佐证，扣 29.5 分"
    )
    evaluation_services.form_transition(actor=world.actors["office"], form=form, action="accept")
    found = candidates(world, weak=1)
    assert set(found) == {"A001"} and found["A001"].weak == 1
    assert "以往自评 1 次为「中」或「差」" in found["A001"].reasons
    assert set(candidates(world, weak=2)) == set()
    assert candidates(world)["A002"].weak == 0


def test_candidates_by_monitoring_lights(world: World) -> None:
    approve_sheet(world)
    pay(world, world.project_a, {3: "50000", 6: "150000"})
    report = report_of(open_round(world))
    assert report.light == "red"
    found = candidates(world, warnings=True)
    assert set(found) == {"A001"}
    assert found["A001"].lights == ["red"] and "运行监控亮红灯" in found["A001"].reasons
    assert candidates(world)["B001"].lights == []


def test_candidates_show_what_is_taken(world: World, selected: Evaluation) -> None:
    found = candidates(world)
    assert found["A001"].taken and not found["B001"].taken
    services.evaluation_cancel(actor=world.actors["office"], evaluation=selected, reason="改由审计部门审计")
    assert not candidates(world)["A001"].taken


def test_candidates_stay_in_reach(world: World) -> None:
    found = selectors.candidates(ctx=ctx_of(world.actors["section"]), year=2026, filters=selectors.Filters())
    assert {c.project.code for c in found} == {"A001", "A002"}  # unit B is another section's
    assert selectors.candidates(ctx=ctx_of(world.actors["office"]), year=2025, filters=selectors.Filters()) == []
    assert (
        len(selectors.candidates(ctx=ctx_of(world.actors["office"]), year=2026, filters=selectors.Filters(), limit=2))
        == 2
    )


def test_the_office_shapes_the_index_system_but_does_not_score(world: World, selected: Evaluation) -> None:
    before = AuditEntry.objects.count()
    with pytest.raises(DomainError, match="评分和评分说明由受托机构填写"):
        services.items_save(actor=world.actors["office"], evaluation=selected, rows=scored_rows(selected))
    assert AuditEntry.objects.count() == before
    with scopes_disabled():
        assert not selected.items.filter(score__isnull=False).exists()
