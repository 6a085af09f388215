"""The monitoring demo on a fifth of the demo district: the units of the four 重点监控 projects
(公安局, 信访局, 卫生健康局, 城市管理和综合执法局 with 环境卫生服务中心) and 教育局."""

from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.db import transaction
from django_scopes import scopes_disabled

from jixiao.accounts.permissions import has_perm
from jixiao.audit.models import AuditEntry
from jixiao.budget.demo import build_budget_demo
from jixiao.budget.demo_projects import KEY_MONITORED
from jixiao.core import progress
from jixiao.core.report_flow import REPORT_TRANSITIONS, ReportAction
from jixiao.goals.demo import build_goals_demo
from jixiao.library.services import library_load_starter
from jixiao.monitoring import services
from jixiao.monitoring.demo import build_monitoring_demo
from jixiao.monitoring.models import (
    Decision,
    DecisionKind,
    DecisionStatus,
    Holiday,
    Light,
    Line,
    PaymentPlan,
    Report,
    ReportStatus,
    Round,
    RoundKind,
    Scope,
)
from jixiao.org.demo import build_demo
from jixiao.org.models import FiscalYear, Region

UNITS = {"121", "123", "125", "138", "144"}
SEED = 20231
LATE_NOVEMBER = "2026-11-28 10:30 +0800"
MAGIC = {".pdf": b"%PDF-", ".png": b"\x89PNG\r\n\x1a\n", ".docx": b"PK\x03\x04", ".xlsx": b"PK\x03\x04"}


@pytest.fixture
def district(db: Any) -> Any:
    """The demo region with its goal sheets, as the demo command leaves it before monitoring.
    (Evidence files go to the test's own media directory: tests/conftest.py.)"""
    with time_machine.travel(LATE_NOVEMBER, tick=False):
        region = build_demo(seed=SEED)
        build_budget_demo(region=region, seed=SEED)
        library_load_starter(actor=None, region=region, actor_name="jixiao demo")
        build_goals_demo(region=region, seed=SEED, units=UNITS)
        yield region


@scopes_disabled()
def test_the_demo_is_a_monitoring_season_in_full_swing(district: Region) -> None:
    with time_machine.travel(LATE_NOVEMBER, tick=False):
        counts = build_monitoring_demo(region=district, seed=SEED)
        _check_season(district, counts)


def _check_season(region: Region, counts: dict[str, int]) -> None:
    fiscal_year = FiscalYear.objects.get(region=region, year=2026)
    general = Round.objects.get(kind=RoundKind.GENERAL)
    key = Round.objects.get(kind=RoundKind.KEY)
    assert (general.month, general.scope, key.month, key.scope) == (8, Scope.ALL, 8, Scope.LIST)

    # Every project with an approved sheet is in the general round.
    eligible = set(services.eligible_sheets(fiscal_year).values_list("project_id", flat=True))
    reports = list(
        Report.objects.filter(round=general).select_related("project", "round", "unit").prefetch_related("lines")
    )
    assert {r.project_id for r in reports} == eligible and counts["reports"] == len(reports) > 40

    # Reports in every state; every light on the board, blue on over-achieved indicators.
    assert set(Counter(r.status for r in reports)) == set(ReportStatus.values)
    assert {Light.RED, Light.YELLOW, Light.GREEN} <= {r.light for r in reports}
    assert Line.objects.filter(report__round=general, light=Light.BLUE).exists()
    assert Counter(r.light for r in reports)[Light.GREEN] > len(reports) / 4

    for r in reports:
        written = [line for line in r.lines.all() if line.done]
        steps = list(r.steps.order_by("created_at", "id").select_related("actor"))
        # The history leads to the state, each step by someone allowed to take it.
        status = ReportStatus.DRAFT.value
        for step in steps:
            assert step.from_status == status
            assert has_perm(step.actor, REPORT_TRANSITIONS[ReportAction(step.action)].perm, r)
            status = step.to_status
        assert status == r.status
        if steps:
            # It went up: complete, with reasons and measures wherever a light warns.
            assert services.submission_problems(r) == [], (r.project.name, services.submission_problems(r))
            assert r.submitted_at is not None and r.estimate is not None and r.summary
            assert Decimal(0) < r.estimate <= r.budget
        for line in written:
            if line.light in (Light.RED, Light.YELLOW):
                assert line.reason and line.likelihood and line.measures
        if r.status in (ReportStatus.RETURNED,):
            assert steps[-1].reason

    # One project works to its own back-loaded plan: green on it, red on the calendar.
    planned = [r for r in reports if r.expected_model == progress.PLAN]
    assert PaymentPlan.objects.count() == len(planned) >= 2
    on_plan = [
        r
        for r in planned
        if r.light == Light.GREEN
        and progress.execution_light(paid=r.paid, budget=r.budget, month=8).light.colour == Light.RED
    ]
    assert on_plan, [(r.project.name, r.light, r.paid / r.budget) for r in planned]

    # The four 重点监控 projects, with field notes and real evidence.
    focus = list(Report.objects.filter(round=key).select_related("project", "unit"))
    assert sorted((r.unit.code, r.project.name) for r in focus) == sorted(KEY_MONITORED)
    for r in focus:
        assert r.status != ReportStatus.DRAFT and "核查" in r.field_notes and r.summary
        attachments = list(r.attachments.all())
        suffixes = {Path(a.name).suffix for a in attachments}
        assert ".pdf" in suffixes and len(attachments) >= 2 and suffixes <= set(MAGIC)
        for a in attachments:
            with default_storage.open(a.file.name, "rb") as fh:
                data = fh.read()
            assert data.startswith(MAGIC[Path(a.name).suffix]) and len(data) == a.size > 100
        assert services.submission_problems(r) == []
    assert AuditEntry.objects.filter(action="monitoring.attachment.added").count() == sum(
        r.attachments.count() for r in focus
    )
    assert AuditEntry.objects.filter(action="monitoring.report.submit").count() >= len(focus)

    # Decisions of every kind, open, overdue, answered and closed, on warned projects.
    decisions = list(Decision.objects.select_related("report"))
    assert {d.kind for d in decisions} == set(DecisionKind.values)
    assert {d.status for d in decisions} == set(DecisionStatus.values)
    assert any(d.overdue for d in decisions) and any(
        d.status == DecisionStatus.OPEN and not d.overdue for d in decisions
    )
    assert any(d.late for d in decisions)
    for d in decisions:
        assert d.report.light in (Light.RED, Light.YELLOW)
        assert d.decided_at.date() <= d.due
        assert (d.amount is not None) == (d.kind in (DecisionKind.ADJUST, DecisionKind.SUSPEND, DecisionKind.STOP))
        if d.status != DecisionStatus.OPEN:
            assert d.follow_up and d.followed_at is not None and d.followed_at > d.decided_at
    assert AuditEntry.objects.filter(action="monitoring.decision.made").count() == len(decisions)

    # The office loaded the year's holidays; the decisions' deadlines count in working days.
    assert Holiday.objects.filter(region=region, date__year=2026, name="国庆节").count() >= 7
    assert AuditEntry.objects.filter(action="monitoring.round.opened").count() == 2
    assert AuditEntry.objects.filter(action="monitoring.demo_loaded").count() == 1


@scopes_disabled()
def test_the_demo_is_the_same_whichever_day_it_is_built(district: Region) -> None:
    def build(when: str) -> tuple[list[Any], list[Any]]:
        with time_machine.travel(when, tick=False), transaction.atomic():
            build_monitoring_demo(region=district, seed=SEED)
            reports = list(
                Report.objects.order_by("round__kind", "project__code").values_list(
                    "round__kind", "project__code", "status", "light", "summary", "estimate"
                )
            )
            lines = list(
                Line.objects.order_by("report__round__kind", "report__project__code", "position").values_list(
                    "done", "expected", "reason", "likelihood", "light"
                )
            )
            decisions = list(Decision.objects.order_by("project__code").values_list("project__code", "kind", "status"))
            transaction.set_rollback(True)
        return reports + decisions, lines

    assert build("2026-11-28 03:10 +0800") == build("2026-11-22 16:40 +0800")
