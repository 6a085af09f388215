"""The rectification demo on the whole demo district, after the goals, monitoring and
self-evaluation demos, built once for the module (and a second time at the same moment, to show
the seed decides everything)."""

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.db import connection, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_scopes import scopes_disabled

from jixiao.accounts.models import User
from jixiao.accounts.permissions import actor_context, has_perm
from jixiao.audit.models import AuditEntry
from jixiao.budget.demo import build_budget_demo
from jixiao.core.access import Role
from jixiao.evaluation.demo import build_evaluation_demo
from jixiao.evaluation.models import SelfEval
from jixiao.evaluation.models import Status as FormStatus
from jixiao.goals.demo import build_goals_demo
from jixiao.library.services import library_load_starter
from jixiao.monitoring.demo import build_monitoring_demo
from jixiao.monitoring.models import Decision, DecisionKind, DecisionStatus
from jixiao.org.demo import build_demo
from jixiao.org.models import Region
from jixiao.rectification.demo import build_rectification_demo
from jixiao.rectification.models import Evidence, Item, Source, Status
from jixiao.web.todo import todos_for

SEED = 20231
CORRECTING = {DecisionKind.CORRECT, DecisionKind.SUSPEND, DecisionKind.STOP}


@dataclass
class Built:
    region: Region
    media: Path
    moment: dt.datetime  # when it was built
    counts: dict[str, int]
    queries: int
    first: list[Any]  # what the first build wrote
    second: list[Any]  # the same build again, at the same moment


def _written() -> list[Any]:
    return list(
        Item.objects.order_by("source", "unit__code", "created_at").values_list(
            "source",
            "unit__code",
            "project__code",
            "selfeval__sheet_id",
            "decision__project__code",
            "status",
            "problem",
            "requirement",
            "due",
            "response",
            "review_note",
            "rounds",
            "created_by__username",
            "created_at",
            "responded_by__username",
            "responded_at",
            "closed_by__username",
            "closed_at",
        )
    )


@pytest.fixture(scope="module")
def built(django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: Any) -> Iterator[Built]:
    # Evidence (this demo's and the monitoring demo's) goes to the module's own directory.
    media = tmp_path_factory.mktemp("media")
    storages = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": media}},
    }
    hashers = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with (
        override_settings(STORAGES=storages, PASSWORD_HASHERS=hashers),
        django_db_blocker.unblock(),
        transaction.atomic(),
        scopes_disabled(),
    ):
        region = build_demo(seed=SEED)
        build_budget_demo(region=region, seed=SEED)
        library_load_starter(actor=None, region=region, actor_name="jixiao demo")
        build_goals_demo(region=region, seed=SEED)
        build_monitoring_demo(region=region, seed=SEED)
        build_evaluation_demo(region=region, seed=SEED)
        moment = timezone.now()
        with time_machine.travel(moment, tick=False):
            before = transaction.savepoint()
            build_rectification_demo(region=region, seed=SEED)
            first = _written()
            transaction.savepoint_rollback(before)
            with CaptureQueriesContext(connection) as queries:
                counts = build_rectification_demo(region=region, seed=SEED)
        yield Built(region, media, moment, counts, len(queries), first, _written())
        transaction.set_rollback(True)


def _items() -> list[Item]:
    return list(
        Item.objects.select_related(
            "unit", "project", "selfeval", "decision", "created_by", "responded_by", "closed_by"
        ).prefetch_related("evidence")
    )


@pytest.mark.django_db
@scopes_disabled()
def test_every_source_and_status_with_some_overdue(built: Built) -> None:
    items = _items()
    assert 25 <= len(items) <= 40
    sources, states = Counter(i.source for i in items), Counter(i.status for i in items)
    assert set(sources) == set(Source.values) and set(states) == set(Status.values)
    overdue = [i for i in items if i.overdue]
    assert len(overdue) >= 2
    # Some open items are still within their deadline; some were sent back once.
    assert any(i.status == Status.OPEN and not i.overdue for i in items)
    assert any(i.rounds for i in items if i.status == Status.CLOSED)
    assert any(i.rounds for i in items if i.status == Status.OPEN)
    assert built.counts["items"] == len(items) and built.counts["overdue"] == len(overdue)
    assert {s: built.counts[f"source_{s}"] for s in Source.values} == dict(sources)
    assert {s: built.counts[f"status_{s}"] for s in Status.values} == dict(states)


@pytest.mark.django_db
@scopes_disabled()
def test_every_distorted_form_has_its_item(built: Built) -> None:
    distorted = list(SelfEval.objects.filter(distorted=True))
    assert distorted
    for form in distorted:
        (item,) = Item.objects.filter(selfeval=form)
        assert item.source == Source.SELFEVAL
        assert (item.unit_id, item.project_id) == (form.unit_id, form.project_id)
        assert form.check_note in item.problem and "自评失真" in item.problem
        assert "更正" in item.requirement and "原因" in item.requirement
        assert item.status == Status.CLOSED


@pytest.mark.django_db
@scopes_disabled()
def test_selfeval_items_come_from_the_low_graded_forms(built: Built) -> None:
    items = [i for i in _items() if i.source == Source.SELFEVAL]
    forms = [i.selfeval for i in items]
    assert all(f is not None and f.status == FormStatus.ACCEPTED for f in forms)
    assert len({f.pk for f in forms if f}) == len(items)
    accepted = Counter(SelfEval.objects.filter(status=FormStatus.ACCEPTED).values_list("grade", flat=True))
    graded = Counter(f.grade for f in forms if f and not f.distorted)
    assert set(graded) == {"差", "中"}
    assert graded["差"] > accepted["差"] / 2 and graded["中"] < accepted["中"] / 2
    office = User.objects.get(username="jxg")
    for item in items:
        form = item.selfeval
        assert form is not None and (form.distorted or form.grade in ("差", "中"))
        assert (item.unit_id, item.project_id) == (form.unit_id, form.project_id)
        assert item.created_by == office
        raised = timezone.localtime(item.created_at)
        assert dt.date(2024, 5, 1) <= raised.date() <= dt.date(2024, 6, 30) and raised.weekday() < 5
        if not item.rounds:
            assert 30 <= (item.due - raised.date()).days <= 60
        if not form.distorted:
            # The problem names the form's own indicators, its grade and score.
            names = {line.name for line in form.lines.all()}
            quoted = [n for n in names if f"「{n}」" in item.problem]
            assert quoted or "预算执行率" in item.problem
            assert f"等级「{form.grade}」" in item.problem
    states = Counter(i.status for i in items)
    assert states[Status.CLOSED] > 0.75 * len(items) and states[Status.ANSWERED] >= 1
    assert not states[Status.OPEN]


@pytest.mark.django_db
@scopes_disabled()
def test_monitoring_items_follow_the_decisions_that_call_for_correction(built: Built) -> None:
    decisions = list(Decision.objects.select_related("decided_by"))
    items = {i.decision_id: i for i in _items() if i.source == Source.MONITORING}
    assert all(i.decision_id is not None for i in items.values())
    # (The monitoring demo stamps a Monday's "yesterday" decision this morning: none before it is made.)
    made = {d.pk for d in decisions if d.decided_at < built.moment}
    assert {d.pk for d in decisions if d.kind in CORRECTING} & made == set(items)
    assert len([i for i in _items() if i.source == Source.MONITORING]) == len(items)
    for decision in decisions:
        item = items.get(decision.pk)
        if item is None:
            continue
        assert (item.unit_id, item.project_id) == (decision.unit_id, decision.project_id)
        assert item.created_by == decision.decided_by
        # Raised within a working day or so (a Friday's decision on the Monday).
        assert decision.decided_at < item.created_at <= decision.decided_at + dt.timedelta(days=4)
        assert decision.get_kind_display() in item.problem
        if not item.rounds:
            assert (item.due - timezone.localdate(item.created_at)).days <= 31
        if decision.status == DecisionStatus.CLOSED:
            assert item.status == Status.CLOSED
        elif decision.status == DecisionStatus.OPEN:
            assert item.status == Status.OPEN and item.overdue == decision.overdue
    mine = list(items.values())
    assert any(i.overdue for i in mine) and any(i.status == Status.ANSWERED for i in mine)


@pytest.mark.django_db
@scopes_disabled()
def test_every_step_by_someone_allowed_to_take_it(built: Built) -> None:
    now = built.moment
    for item in _items():
        assert has_perm(item.created_by, "rectification.manage", item), item
        assert item.created_at < now and item.problem and item.requirement
        if item.project is not None:
            assert item.project.unit_id == item.unit_id
        if item.status in (Status.ANSWERED, Status.CLOSED) or item.rounds:
            assert item.response and item.responded_by and item.responded_at
            assert has_perm(item.responded_by, "rectification.respond", item), item
            assert item.responded_by.role == Role.UNIT_EDITOR and item.responded_by.unit_id == item.unit_id
            assert item.created_at < item.responded_at < now
        else:
            assert not item.response and item.responded_by is None and item.responded_at is None
        if item.status == Status.CLOSED:
            assert item.closed_by and item.closed_at and item.responded_at
            assert has_perm(item.closed_by, "rectification.manage", item), item
            assert item.responded_at < item.closed_at < now
        else:
            assert item.closed_by is None and item.closed_at is None
        if item.status == Status.OPEN and item.rounds:
            assert item.review_note  # why it was sent back
        files = list(item.evidence.all())
        if item.status == Status.OPEN:
            assert not files
        for evidence in files:
            assert evidence.uploaded_by == item.responded_by
            assert item.created_at < evidence.uploaded_at < (item.responded_at or now)
            data = (built.media / evidence.file.name).read_bytes()
            assert data.startswith(b"%PDF-") and len(data) == evidence.size
    assert Evidence.objects.count() == built.counts["evidence"] > 20


@pytest.mark.django_db
@scopes_disabled()
def test_overdue_items_show_on_the_home_pages(built: Built) -> None:
    overdue = [i for i in _items() if i.overdue]
    office = User.objects.get(username="jxg")
    editors = [User.objects.filter(role=Role.UNIT_EDITOR, unit=i.unit).order_by("username")[0] for i in overdue]
    for actor, expected in [(office, len(overdue)), *((e, 1) for e in editors)]:
        ctx = actor_context(actor, region_id=None, year=None, today_year=timezone.localdate().year)
        todos = {t.title: t.count for t in todos_for(actor, ctx)}
        assert todos.get("逾期未整改的事项", 0) >= expected, actor
    ctx = actor_context(office, region_id=None, year=None, today_year=timezone.localdate().year)
    todos = {t.title: t.count for t in todos_for(office, ctx)}
    assert todos["待确认的整改情况"] == built.counts["status_answered"]


@pytest.mark.django_db
@scopes_disabled()
def test_one_audit_entry_and_a_handful_of_queries(built: Built) -> None:
    (entry,) = AuditEntry.objects.filter(action="rectification.demo_loaded")
    assert entry.region_id == built.region.pk and entry.actor is None
    assert entry.data == {"seed": SEED, **built.counts}
    assert not AuditEntry.objects.filter(action__startswith="rectification.item").exists()
    # Written in bulk: the number of queries does not grow with the items.
    assert built.queries < 40, built.queries


def test_the_seed_decides_everything(built: Built) -> None:
    assert built.first == built.second
