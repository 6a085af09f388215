"""Results of unit A's 2026 project, and the 2027 budget year they are applied to.

Each helper produces one kind of result the way its own app does (through its services), except
the key evaluation: its grade is the end of a long agency workflow that the keyeval tests cover,
so here a rated evaluation is written directly.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from django_scopes import scopes_disabled

from jixiao.evaluation import services as evaluation_services
from jixiao.evaluation.models import SelfEval
from jixiao.goals.models import GoalSheet
from jixiao.keyeval.models import Evaluation
from jixiao.keyeval.models import Status as KeyStatus
from jixiao.monitoring import services as monitoring_services
from jixiao.monitoring.models import Decision
from jixiao.org.models import FiscalYear
from jixiao.rectification import services as rectification_services
from jixiao.rectification.models import Item
from jixiao.results import services
from jixiao.results.models import Recommendation
from tests.conftest import World
from tests.evaluation.conftest import fill, form_of
from tests.evaluation.conftest import open_round as open_evaluation_round
from tests.factories import FiscalYearFactory
from tests.monitoring.conftest import approve_sheet, pay, report_of
from tests.monitoring.conftest import open_round as open_monitoring_round


def approved(world: World) -> None:
    """Unit A's project sheet approved by finance (once; monitoring and self-evaluation share it)."""
    with scopes_disabled():
        done = GoalSheet.objects.filter(project=world.project_a).exists()
    if not done:
        approve_sheet(world)


def monitoring_decision(world: World, kind: str = "suspend") -> Decision:
    """Unit A's project warns in the January–August round (200,000 of 1,000,000 paid)."""
    approved(world)
    pay(world, world.project_a, {3: "50000", 6: "150000"})
    report = report_of(open_monitoring_round(world))
    return monitoring_services.decision_make(
        actor=world.actors["office"],
        report=report,
        kind=kind,
        reason="执行严重滞后，暂缓拨付剩余资金",
        working_days=10,
        amount=Decimal(300000),
    )


def accepted_selfeval(world: World, recheck: Decimal | None = None) -> SelfEval:
    """Unit A's 2026 self-evaluation, filled with every target met, accepted by the section;
    ``recheck``: finance's re-check score given before it is accepted."""
    approved(world)
    pay(world, world.project_a, {3: "200000", 6: "300000", 9: "250000", 12: "200000"})
    form = fill(world, form_of(open_evaluation_round(world)))
    for actor, action in (("unit_a_editor", "submit"), ("unit_a_leader", "leader_approve")):
        form = evaluation_services.form_transition(actor=world.actors[actor], form=form, action=action)
    if recheck is not None:
        form = evaluation_services.recheck_save(
            actor=world.actors["office"], form=form, total=recheck, note="满意度调查样本不足，扣分"
        )
    return evaluation_services.form_transition(actor=world.actors["section"], form=form, action="accept")


def rated_key_evaluation(world: World, grade: str = "中", total: str = "75.50", project: Any = None) -> Evaluation:
    project = project or world.project_a
    with scopes_disabled():
        return Evaluation.objects.create(
            region=project.region,
            fiscal_year=project.fiscal_year,
            project=project,
            unit=project.unit,
            title=f"{project.name}财政重点评价",
            template_version="test",
            status=KeyStatus.RATED,
            total=Decimal(total),
            grade=grade,
            created_by=world.actors["office"],
        )


def open_rectification(world: World, *, overdue: bool = False, project: Any = None) -> Item:
    project = project or world.project_a
    today = dt.date(2026, 1, 5) if overdue else None
    due = dt.date(2026, 2, 5) if overdue else timezone.localdate() + dt.timedelta(days=30)
    return rectification_services.item_raise(
        actor=world.actors["office"],
        unit=project.unit,
        project=project,
        problem="项目资金未按合同约定拨付，存在截留。",
        requirement="30 日内拨付到位并提供凭证。",
        due=due,
        today=today,
    )


def recommendation_of(code: str, year: int = 2027) -> Recommendation:
    with scopes_disabled():
        return Recommendation.objects.select_related("unit", "project", "budget_year", "region").get(
            code=code, budget_year__year=year
        )


@pytest.fixture
def next_year(world: World) -> FiscalYear:
    """2027: the budget year the 2026 projects' results are applied to."""
    return FiscalYearFactory(region=world.region, year=2027)


@pytest.fixture
def drafted(world: World, next_year: FiscalYear) -> dict[str, int]:
    return services.draft(actor=world.actors["office"], budget_year=next_year)


@pytest.fixture
def client_in(client_for: Any) -> Any:
    """``client_in("office")``: logged in and working in 2027 (the header's year switcher)."""

    def make(name: str, year: int = 2027) -> Client:
        client = client_for(name)
        session = client.session
        session["jx_year"] = year
        session.save()
        return client

    return make
