"""Who sees which key evaluation (selectors.evaluations / evaluation_get): finance, auditors and
unit A within their reach; an agency member only its agency's assignments, and only after a
clean declaration; nobody else."""

from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.http import Http404
from django_scopes import scopes_disabled

from jixiao.accounts.permissions import ActorContext, actor_context
from jixiao.keyeval import selectors, services
from jixiao.keyeval.models import Agency, Evaluation, Evidence, Status
from tests.conftest import World
from tests.factories import UserFactory
from tests.keyeval.conftest import DEADLINE, assign, make_agency, select

OTHER = "湖南天平资产评估有限公司"


def ctx_of(actor: Any) -> ActorContext:
    return actor_context(actor, region_id=None, year=None, today_year=2026)


def listed(world: World, who: str) -> set[int]:
    actor = world.actors[who]
    return set(selectors.evaluations(actor=actor, ctx=ctx_of(actor)).values_list("pk", flat=True))


def get(world: World, who: str, evaluation: Evaluation, **kwargs: Any) -> Evaluation:
    actor = world.actors[who]
    return selectors.evaluation_get(actor=actor, ctx=ctx_of(actor), pk=evaluation.pk, **kwargs)


@pytest.fixture
def outsiders(world: World, agency: Agency) -> Agency:
    """A second agency with its own member (outsider), a second member of the first agency
    (agency2), and an agency-role account of the other region (far) on the first agency's list."""
    for name in ("agency2", "outsider"):
        world.actors[name] = UserFactory(username=name, role="agency", region=world.region)
    world.actors["far"] = UserFactory(username="far", role="agency", region=world.other_region)
    agency.members.add(world.actors["agency2"], world.actors["far"])  # far: as if moved away later
    return make_agency(world, OTHER, members=("outsider",))


# --- what an agency member lists ----------------------------------------------------------------


def test_an_agency_lists_only_its_assignments(world: World, agency: Agency, outsiders: Agency) -> None:
    mine = assign(world, select(world), agency)
    theirs = assign(world, select(world, world.project_b), outsiders)
    waiting = select(world, world.project_a_child)  # selected, not yet assigned to anyone
    assert listed(world, "agency") == {mine.pk}
    assert listed(world, "agency2") == {mine.pk}
    assert listed(world, "outsider") == {theirs.pk}
    assert listed(world, "far") == set()  # another region's account
    assert listed(world, "office") == {mine.pk, theirs.pk, waiting.pk}
    # still listed while under way, submitted and rated; gone once cancelled
    services.declare(actor=world.actors["agency"], evaluation=mine, conflict=False)
    assert listed(world, "agency") == {mine.pk}
    services.evaluation_cancel(actor=world.actors["office"], evaluation=mine, reason="项目终止")
    assert listed(world, "agency") == set() and listed(world, "agency2") == set()


@pytest.mark.parametrize("status", [Status.ASSIGNED, Status.WORKING, Status.SUBMITTED, Status.RATED])
def test_visible_to_the_agency_in_every_assigned_status(world: World, assigned: Evaluation, status: str) -> None:
    with scopes_disabled():
        Evaluation.objects.filter(pk=assigned.pk).update(status=status)
    assert listed(world, "agency") == {assigned.pk}


def test_pending_declarations(world: World, agency: Agency, outsiders: Agency, assigned: Evaluation) -> None:
    def pending(who: str) -> set[int]:
        actor = world.actors[who]
        return set(selectors.pending_declarations(actor=actor, ctx=ctx_of(actor)).values_list("pk", flat=True))

    assert pending("agency") == pending("agency2") == {assigned.pk}
    assert pending("outsider") == pending("office") == set()
    services.declare(actor=world.actors["agency"], evaluation=assigned, conflict=False)
    assert pending("agency") == set() and pending("agency2") == {assigned.pk}
    services.declare(actor=world.actors["agency2"], evaluation=assigned, conflict=True, statement="曾任该局会计")
    assert pending("agency2") == set()


# --- what an agency member opens ----------------------------------------------------------------


def test_before_declaring_only_the_declaration(world: World, assigned: Evaluation) -> None:
    with pytest.raises(selectors.NotDeclared) as caught:
        get(world, "agency", assigned)
    assert caught.value.evaluation.pk == assigned.pk
    assert get(world, "agency", assigned, declared=False).pk == assigned.pk  # the declaration page
    services.declare(actor=world.actors["agency"], evaluation=assigned, conflict=False)
    assert get(world, "agency", assigned).pk == assigned.pk


def test_a_conflict_keeps_the_member_out(world: World, outsiders: Agency, working: Evaluation) -> None:
    services.declare(actor=world.actors["agency2"], evaluation=working, conflict=True, statement="本人配偶在该局任职")
    for declared in (True, False):
        with pytest.raises(Http404):
            get(world, "agency2", working, declared=declared)
    assert get(world, "agency", working).pk == working.pk  # the one who declared cleanly


@pytest.mark.parametrize("who", ["outsider", "far"])
def test_another_agency_or_region_sees_nothing(world: World, outsiders: Agency, working: Evaluation, who: str) -> None:
    for declared in (True, False):
        with pytest.raises(Http404):
            get(world, who, working, declared=declared)


def test_the_agency_cannot_open_what_is_not_assigned_or_was_cancelled(world: World, agency: Agency) -> None:
    selected = select(world)
    with pytest.raises(Http404):
        get(world, "agency", selected, declared=False)
    selected = assign(world, selected, agency)
    services.declare(actor=world.actors["agency"], evaluation=selected, conflict=False)
    services.evaluation_cancel(actor=world.actors["office"], evaluation=selected, reason="项目终止")
    with pytest.raises(Http404):
        get(world, "agency", selected)


def test_after_reassignment_the_first_agency_is_out(world: World, outsiders: Agency, assigned: Evaluation) -> None:
    services.evaluation_assign(
        actor=world.actors["office"], evaluation=assigned, agency=outsiders, deadline=DEADLINE, fee=None
    )
    with pytest.raises(Http404):
        get(world, "agency", assigned, declared=False)
    with pytest.raises(selectors.NotDeclared):
        get(world, "outsider", assigned)


# --- finance, auditors, units --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("office", True),
        ("section", True),
        ("auditor", True),
        ("unit_a_editor", True),
        ("unit_a_leader", True),
        ("unit_b_editor", False),
        ("sysadmin", False),  # 三员分立: no keyeval.view, no business data
        ("anonymous", False),
    ],
)
def test_who_opens_unit_as_evaluation(world: World, working: Evaluation, who: str, sees: bool) -> None:
    if sees:
        assert get(world, who, working).pk == working.pk
        assert working.pk in listed(world, who)
        return
    with pytest.raises(Http404):
        get(world, who, working)
    if world.actors[who] is not None:
        assert working.pk not in listed(world, who)


def test_unit_b_sees_its_own_and_not_unit_as(world: World, agency: Agency) -> None:
    a, b = select(world), select(world, world.project_b)
    assert listed(world, "unit_b_editor") == {b.pk}
    assert listed(world, "unit_a_editor") == {a.pk}
    assert get(world, "unit_b_editor", b).pk == b.pk
    with pytest.raises(Http404):
        get(world, "unit_b_editor", a)


def test_evidence_follows_its_evaluation(world: World, outsiders: Agency, working: Evaluation) -> None:
    with scopes_disabled():
        paper = Evidence(evaluation=working, name="访谈记录.pdf", size=5, uploaded_by=world.actors["agency"])
        paper.file.save("访谈记录.pdf", ContentFile(b"notes"), save=False)
        paper.save()

    def evidence(who: str) -> Evidence:
        actor = world.actors[who]
        return selectors.evidence_get(actor=actor, ctx=ctx_of(actor), pk=paper.pk)

    assert evidence("agency") == evidence("office") == evidence("auditor") == paper
    # The evaluated unit sees the agency's working papers once the report is in, not before.
    for who in ("outsider", "unit_b_editor", "sysadmin", "unit_a_editor", "unit_a_leader"):
        with pytest.raises(Http404):
            evidence(who)
    with pytest.raises(selectors.NotDeclared):
        evidence("agency2")
