"""The 2023 self-evaluation demo on the whole demo district, built once for the module (and a
second time on another day, to show it comes out the same)."""

import random
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.db import transaction
from django_scopes import scopes_disabled

from jixiao.accounts.permissions import has_perm
from jixiao.audit.models import AuditEntry
from jixiao.budget.demo import build_budget_demo
from jixiao.budget.models import Project
from jixiao.core.access import Role
from jixiao.core.report_flow import SELFEVAL_TRANSITIONS, ReportAction
from jixiao.evaluation import compute
from jixiao.evaluation.demo import build_evaluation_demo
from jixiao.evaluation.demo.build import AS_OF, OPENED
from jixiao.evaluation.models import GRADES, Round, SelfEval, Status, Step
from jixiao.goals.models import GoalSheet, Kind
from jixiao.library.services import library_load_starter
from jixiao.org.demo import build_demo

SEED = 20231
RECEIVED = (Status.SUBMITTED, Status.ACCEPTED)


@dataclass
class Season:
    counts: dict[str, int]
    first: list[Any]  # what the first build wrote (on the day the test runs)
    second: list[Any]  # the same build on another day


def _written() -> list[Any]:
    forms = list(
        SelfEval.objects.order_by("kind", "unit__code", "project__code").values_list(
            "project__code", "unit__code", "status", "total", "grade", "check_total", "distorted", "goal_result"
        )
    )
    lines = list(
        SelfEval.objects.order_by("kind", "unit__code", "project__code", "lines__position").values_list(
            "lines__actual", "lines__deviation_reason", "lines__score"
        )
    )
    steps = list(
        Step.objects.order_by("form__kind", "form__unit__code", "form__project__code", "created_at").values_list(
            "action", "actor__username", "created_at", "reason"
        )
    )
    return [forms, lines, steps]


@pytest.fixture(scope="module")
def season(django_db_setup: Any, django_db_blocker: Any) -> Iterator[Season]:
    with django_db_blocker.unblock(), transaction.atomic(), scopes_disabled():
        region = build_demo(seed=SEED)
        build_budget_demo(region=region, seed=SEED)
        library_load_starter(actor=None, region=region, actor_name="jixiao demo")
        before = transaction.savepoint()
        build_evaluation_demo(region=region, seed=SEED)
        first = _written()
        transaction.savepoint_rollback(before)
        with time_machine.travel("2026-12-24 03:10 +0800", tick=False):
            counts = build_evaluation_demo(region=region, seed=SEED)
        yield Season(counts, first, _written())
        transaction.set_rollback(True)


def _forms() -> list[SelfEval]:
    return list(
        SelfEval.objects.select_related(
            "round__fiscal_year", "sheet", "project", "unit", "checked_by"
        ).prefetch_related("lines", "evidence", "steps__actor")
    )


@pytest.mark.django_db
@scopes_disabled()
def test_every_approved_2023_sheet_has_a_form_in_the_office_round(season: Season) -> None:
    projects = Project.objects.filter(fiscal_year__year=2023).select_related("unit__parent")
    sheets = list(GoalSheet.objects.filter(fiscal_year__year=2023).select_related("unit"))
    # A sheet for every 2023 project and every top-level unit with projects, as finance approved it.
    assert sorted(s.project_id for s in sheets if s.kind == Kind.PROJECT) == sorted(p.pk for p in projects)
    tops = {(p.unit.parent or p.unit).pk for p in projects}
    assert {s.unit_id for s in sheets if s.kind == Kind.DEPARTMENT} == tops
    assert {(s.status, s.approved_version) for s in sheets} == {("approved", 1)}
    for s in sheets:
        assert not s.findings.filter(severity="error").exists()
        assert s.grade in ("优", "良") and (not s.warnings or s.justification)
        assert s.snapshots.filter(approved_version=1).exists()
    # Some carry a qualitative indicator the review warned of and finance let stand.
    assert GoalSheet.objects.filter(fiscal_year__year=2023, indicators__symbol="定性").distinct().count() > 50

    round_ = Round.objects.get()
    assert round_.fiscal_year.year == 2023 and str(round_.deadline) == "2024-04-30" and not round_.closed
    assert round_.created_by.username == "jxg" and round_.rules_version == "default-2026.1"
    assert round_.created_at == OPENED
    forms = Counter(SelfEval.objects.values_list("sheet_id", flat=True))
    assert sorted(forms) == sorted(s.pk for s in sheets) and set(forms.values()) == {1}
    assert season.counts["forms"] == len(sheets) == season.counts["sheets"]
    assert season.counts["department_forms"] == len(tops)
    # Each form holds its sheet's indicators, in order.
    for form in random.Random(2).sample(_forms(), 30):
        indicators = list(form.sheet.indicators.values_list("position", "name", "symbol", "value", "unit"))
        assert [(x.position, x.name, x.symbol, x.value, x.unit) for x in form.lines.all()] == indicators


@pytest.mark.django_db
@scopes_disabled()
def test_forms_stand_in_every_state_with_the_steps_that_took_them_there(season: Season) -> None:
    forms = _forms()
    states = Counter(f.status for f in forms)
    assert set(states) == set(Status.values)
    assert states[Status.ACCEPTED] > len(forms) / 3
    for form in forms:
        steps = sorted(form.steps.all(), key=lambda s: (s.created_at, s.pk))
        status = Status.DRAFT.value
        for step in steps:
            # Each step by someone allowed to take it, inside the season.
            assert step.from_status == status
            assert has_perm(step.actor, SELFEVAL_TRANSITIONS[ReportAction(step.action)].perm, form), step
            assert OPENED <= step.created_at <= AS_OF
            status = step.to_status
        assert status == form.status
        submits = [s.created_at for s in steps if s.action == ReportAction.SUBMIT]
        assert form.submitted_at == (submits[-1] if submits else None)
        if form.status in (Status.LEADER, *RECEIVED):
            # It went up: nothing the service would have refused.
            assert form.errors == 0 and not [f for f in form.findings if f["severity"] == "error"]
            assert form.goal_result and form.total is not None
        if form.status == Status.RETURNED:
            last = steps[-1]
            assert last.to_status == Status.RETURNED and last.reason
            assert last.actor.role in (Role.UNIT_LEADER, Role.SECTION)
            assert last.action in (ReportAction.LEADER_RETURN, ReportAction.SECTION_RETURN)


@pytest.mark.django_db
@scopes_disabled()
def test_stored_scores_are_the_scorers(season: Season) -> None:
    forms = _forms()
    rules = compute.rules_of(forms[0].round)
    for form in random.Random(1).sample(forms, 80) + [f for f in forms if f.distorted]:
        lines = list(form.lines.all())
        fresh = compute.score_of(form, lines, rules)
        assert (form.total, form.grade or None, form.execution_rate) == (fresh.total, fresh.grade, fresh.execution_rate)
        assert [(x.score, x.weight_used) for x in lines] == [(i.score, i.weight) for i in fresh.indicators]
        rules_found = sorted(f.rule for f in fresh.findings)
        if form.distorted:
            rules_found = sorted([*rules_found, "reasonableness.self-score-distorted"])
        assert sorted(f["rule"] for f in form.findings) == rules_found
        assert form.errors == fresh.errors


@pytest.mark.django_db
@scopes_disabled()
def test_units_write_their_actuals_like_units(season: Season) -> None:
    forms = _forms()
    received = [f for f in forms if f.status in RECEIVED]
    lines = [line for f in received for line in f.lines.all()]
    reasons = [line.deviation_reason for line in lines if line.deviation_reason]
    # Most indicators met; some missed with the accountant's reasons; a few far beyond, explained.
    met = [line for line in lines if line.score is not None and line.score == line.weight_used]
    assert len(met) > 0.7 * len(lines) and len(reasons) > 0.05 * len(lines)
    over = [r for r in reasons if "为目标值的" in r]
    assert 5 <= len(over) < 0.03 * len(lines)
    assert sum("主要原因是" in r for r in reasons) > len(reasons) / 2
    partly = [line for line in lines if line.level == "部分达成"]
    assert partly and all(line.deviation_reason and line.score_given is not None for line in partly)
    for f in received:
        assert f.execution_rate is not None
        if f.execution_rate < 90:
            assert "万元" in f.execution_reason, f
        if f.kind == Kind.DEPARTMENT:
            assert not f.execution_from_data and f.adjusted_budget and f.spent
    # The forms still with their units keep what real forms get wrong.
    rules = Counter(x["rule"] for f in forms if f.status in (Status.DRAFT, Status.RETURNED) for x in f.findings)
    for rule in (
        "completeness.actual-missing",
        "measurability.actual-unreadable",
        "completeness.deviation-unexplained",
        "reasonableness.actuals-copied",
        "measurability.actual-without-source",
    ):
        assert rules[rule], rule


@pytest.mark.django_db
@scopes_disabled()
def test_finance_rechecks_a_sample_and_finds_a_few_distorted(season: Season) -> None:
    forms = _forms()
    received = [f for f in forms if f.status in RECEIVED]
    sampled = [f for f in forms if f.sampled]
    assert all(f.status in RECEIVED for f in sampled)
    assert 0.15 <= len(sampled) / len(received) <= 0.2
    checked = [f for f in forms if f.check_total is not None]
    assert set(checked) <= set(sampled) and len(checked) > 0.7 * len(sampled)
    for f in checked:
        assert f.checked_by is not None and f.checked_by.username == "jxg"
        assert f.check_note and f.checked_at is not None
        assert f.submitted_at is not None and f.submitted_at < f.checked_at <= AS_OF
        assert f.total is not None
        assert f.distorted == (f.total - f.check_total >= 10)
        assert f.distorted or Decimal(0) <= f.total - f.check_total <= 5
    distorted = [f for f in checked if f.distorted]
    assert 2 <= len(distorted) <= 4 and all("自评失真" in f.check_note for f in distorted)
    assert (season.counts["sampled"], season.counts["rechecked"], season.counts["distorted"]) == (
        len(sampled),
        len(checked),
        len(distorted),
    )


@pytest.mark.django_db
@scopes_disabled()
def test_grades_come_out_mostly_good_with_a_few_poor(season: Season) -> None:
    grades = Counter(SelfEval.objects.exclude(grade="").values_list("grade", flat=True))
    graded = sum(grades.values())
    assert len(grades) >= 3 and set(grades) <= set(GRADES)
    assert grades["优"] + grades["良"] > 0.75 * graded and grades["中"] > 0 and grades["差"] < 0.05 * graded
    entry = AuditEntry.objects.get(action="evaluation.demo_loaded")
    assert entry.data["forms"] == season.counts["forms"] and entry.data["grade_excellent"] == grades["优"]


def test_the_season_is_the_same_whichever_day_it_is_built(season: Season) -> None:
    assert season.first == season.second
