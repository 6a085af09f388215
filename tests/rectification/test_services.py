"""Rectification services: raising, answering, closing and returning, with their guards."""

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_scopes import scopes_disabled

from jixiao.audit.models import AuditEntry
from jixiao.core.errors import DomainError, Forbidden
from jixiao.evaluation.models import Round
from jixiao.rectification import services
from jixiao.rectification.models import Item, Source, Status
from tests.conftest import World
from tests.evaluation.conftest import form_of
from tests.rectification.conftest import raise_on


def test_raised_on_a_form_takes_its_unit_and_project(world: World, item: Item) -> None:
    assert item.unit == world.unit_a and item.project == world.project_a and item.source == Source.SELFEVAL
    assert item.status == Status.OPEN and not item.overdue
    assert AuditEntry.objects.filter(action="rectification.item.raised").count() == 1


def test_lifecycle_answer_return_answer_close(world: World, item: Item) -> None:
    editor, office = world.actors["unit_a_editor"], world.actors["office"]
    item = services.item_answer(actor=editor, item=item, text="已重新发放问卷 126 份，满意度 91.3%，已更正自评表。")
    assert item.status == Status.ANSWERED and item.responded_by == editor
    with pytest.raises(DomainError, match="不能再反馈"):
        services.item_answer(actor=editor, item=item, text="再次")
    new_due = timezone.localdate() + dt.timedelta(days=10)
    item = services.item_return(actor=office, item=item, note="请附问卷汇总表", due=new_due)
    assert (item.status, item.rounds, item.due) == (Status.OPEN, 1, new_due)
    item = services.item_answer(actor=editor, item=item, text="已上传问卷汇总表。")
    item = services.item_close(actor=office, item=item, note="整改到位")
    assert item.status == Status.CLOSED and item.closed_by == office
    with pytest.raises(DomainError, match="才能确认"):
        services.item_close(actor=office, item=item)
    actions = list(AuditEntry.objects.filter(action__startswith="rectification.item.").values_list("action", flat=True))
    steps = ["raised", "answered", "returned", "answered", "closed"]
    assert sorted(actions) == sorted(f"rectification.item.{step}" for step in steps)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"problem": ""}, "请填写发现的问题"),
        ({"requirement": " "}, "请填写整改要求"),
        ({"problem": "长" * 2001}, "不超过 2000 字"),
        ({"days": -1}, "整改期限应在"),
        ({"days": 400}, "整改期限应在"),
    ],
)
def test_bad_raise_changes_nothing(world: World, round_: Round, change: dict[str, Any], message: str) -> None:
    days = change.pop("days", 30)
    kwargs: dict[str, Any] = {
        "actor": world.actors["office"],
        "selfeval": form_of(round_),
        "problem": "问题",
        "requirement": "要求",
        "due": timezone.localdate() + dt.timedelta(days=days),
    } | change
    with pytest.raises(DomainError, match=message):
        services.item_raise(**kwargs)
    with scopes_disabled():
        assert not Item.objects.exists()
    assert not AuditEntry.objects.filter(action="rectification.item.raised").exists()


def test_who_may_do_what(world: World, round_: Round, item: Item) -> None:
    for actor in ("unit_a_editor", "unit_a_leader", "unit_b_editor", "auditor"):
        with pytest.raises(Forbidden):
            services.item_raise(
                actor=world.actors[actor],
                unit=world.unit_a,
                problem="x",
                requirement="y",
                due=timezone.localdate() + dt.timedelta(days=5),
            )
    for actor in ("unit_b_editor", "unit_a_leader", "office", "auditor"):
        with pytest.raises(Forbidden):
            services.item_answer(actor=world.actors[actor], item=item, text="已整改")
    services.item_answer(actor=world.actors["unit_a_editor"], item=item, text="已整改")
    with pytest.raises(Forbidden):
        services.item_close(actor=world.actors["unit_a_editor"], item=item)


def test_direct_item_for_a_unit_and_its_project(world: World) -> None:
    item = services.item_raise(
        actor=world.actors["section"],
        unit=world.unit_a,
        project=world.project_a,
        source=Source.OTHER,
        problem="审计发现项目资金结余 12 万元未按规定收回。",
        requirement="收回结余资金并报送收回凭证。",
        due=timezone.localdate() + dt.timedelta(days=20),
    )
    assert item.source == Source.OTHER
    with pytest.raises(DomainError, match="不属于整改单位"):
        services.item_raise(
            actor=world.actors["office"],
            unit=world.unit_a,
            project=world.project_b,
            problem="x",
            requirement="y",
            due=timezone.localdate() + dt.timedelta(days=5),
        )


def test_overdue(world: World, round_: Round) -> None:
    item = raise_on(world, round_, days=1)
    with scopes_disabled():
        Item.objects.filter(pk=item.pk).update(due=timezone.localdate() - dt.timedelta(days=1))
        item.refresh_from_db()
    assert item.overdue


def test_evidence_only_while_open(world: World, item: Item) -> None:
    editor = world.actors["unit_a_editor"]
    upload = SimpleUploadedFile("问卷汇总.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    services.evidence_add(actor=editor, item=item, upload=upload)
    with pytest.raises(DomainError, match="类型不受支持"):
        services.evidence_add(actor=editor, item=item, upload=SimpleUploadedFile("x.exe", b"MZ"))
    services.item_answer(actor=editor, item=item, text="已整改")
    with pytest.raises(DomainError, match="不能再上传"):
        services.evidence_add(actor=editor, item=item, upload=SimpleUploadedFile("b.pdf", b"%PDF"))


def test_a_selfeval_or_monitoring_item_needs_its_source(world: World) -> None:
    with pytest.raises(DomainError, match="请从该自评表或处理决定提出"):
        services.item_raise(
            actor=world.actors["office"],
            unit=world.unit_a,
            source=Source.SELFEVAL,
            problem="x",
            requirement="y",
            due=timezone.localdate() + dt.timedelta(days=5),
        )
