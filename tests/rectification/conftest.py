"""An item on unit A's self-evaluation form, raised by the office."""

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from jixiao.evaluation.models import Round
from jixiao.rectification import services
from jixiao.rectification.models import Item
from tests.conftest import World
from tests.evaluation.conftest import approved_sheet, form_of, round_  # noqa: F401  (fixtures used here)


def raise_on(world: World, evaluated: Round, *, days: int = 30, **extra: Any) -> Item:
    return services.item_raise(
        actor=world.actors["office"],
        selfeval=form_of(evaluated),
        problem="满意度调查问卷仅回收 18 份，样本不足，实际完成值 93% 缺乏依据。",
        requirement="按不少于 100 份重新开展满意度调查，更正自评表并说明原因。",
        due=timezone.localdate() + dt.timedelta(days=days),
        **extra,
    )


@pytest.fixture
def item(world: World, round_: Round) -> Item:  # noqa: F811  (the fixture imported above)
    return raise_on(world, round_)
