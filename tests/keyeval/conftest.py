"""A key evaluation of unit A's project: the agency registered with the world's agency user as
its member, and the evaluation at each stage of its life."""

import dataclasses
import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled

from jixiao.keyeval import services
from jixiao.keyeval.models import Agency, Evaluation
from tests.conftest import World

DEADLINE = timezone.localdate() + dt.timedelta(days=60)


def make_agency(
    world: World, name: str = "湖南湘江会计师事务所有限公司", members: tuple[str, ...] = ("agency",)
) -> Agency:
    return services.agency_save(
        actor=world.actors["office"],
        region=world.region,
        data=services.AgencyIn(
            name=name,
            contact="赵磊",
            phone="0731-22881234",
            credit_code="91430200MA4L0XXXXX",
            qualifications="会计师事务所执业证书；近三年承接预算绩效评价业务 40 余项",
            member_ids=[world.actors[m].pk for m in members],
        ),
    )


def select(world: World, project: Any = None) -> Evaluation:
    with scopes_disabled():
        project = project or world.project_a
        project = type(project).objects.select_related("fiscal_year").get(pk=project.pk)
    return services.evaluation_select(
        actor=world.actors["office"], projects=[project], reasons={project.pk: ["项目资金 100.00 万元"]}
    )[0]


def assign(world: World, evaluation: Evaluation, agency: Agency) -> Evaluation:
    return services.evaluation_assign(
        actor=world.actors["office"], evaluation=evaluation, agency=agency, deadline=DEADLINE, fee=Decimal("58000")
    )


def scored_rows(evaluation: Evaluation, lose: Decimal = Decimal(0)) -> list[services.ItemIn]:
    """Every item at full marks, less ``lose`` points on the first one."""
    with scopes_disabled():
        items = list(evaluation.items.all())
    return [
        services.ItemIn(
            level1=i.level1,
            level2=i.level2,
            level3=i.level3,
            weight=i.weight,
            explanation=i.explanation,
            standard=i.standard,
            score=i.weight - (lose if n == 0 else Decimal(0)),
            note="扣分：立项依据不充分" if n == 0 and lose else "",
        )
        for n, i in enumerate(items)
    ]


def shaped_rows(evaluation: Evaluation) -> list[services.ItemIn]:
    """The index system as it stands, unscored: what the office may change before the work."""
    return [dataclasses.replace(r, score=None, note="") for r in scored_rows(evaluation)]


@pytest.fixture
def agency(world: World) -> Agency:
    return make_agency(world)


@pytest.fixture
def selected(world: World) -> Evaluation:
    return select(world)


@pytest.fixture
def assigned(world: World, selected: Evaluation, agency: Agency) -> Evaluation:
    return assign(world, selected, agency)


@pytest.fixture
def working(world: World, assigned: Evaluation) -> Evaluation:
    services.declare(actor=world.actors["agency"], evaluation=assigned, conflict=False)
    with scopes_disabled():
        return Evaluation.objects.get(pk=assigned.pk)
